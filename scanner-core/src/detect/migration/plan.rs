//! A migration file read into parts: SQL and DSL operations per direction, and what the tool
//! says about rollback. Each tool's reader builds a [`Plan`]; the detector checks it.

use super::classify::Act;
use super::sql::{Dialect, Embedded};

/// The direction of a part of a file.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Dir {
    /// Forward.
    Up,
    /// Rollback.
    Down,
}

impl Dir {
    /// The word used in reports.
    pub fn as_str(self) -> &'static str {
        match self {
            Dir::Up => "up",
            Dir::Down => "down",
        }
    }
}

/// Whether the tool runs a part inside a transaction.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Tx {
    /// No (or not known to).
    No,
    /// Yes.
    Yes,
    /// Flyway: yes when the part mixes CONCURRENTLY with other statements.
    FlywayMixed,
}

/// A DSL operation (Rails `add_index`, Django `AddIndex`, Liquibase `createIndex`...).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Op {
    /// 1-based line.
    pub line: u32,
    /// The operation as written, shortened.
    pub display: String,
    /// What it does.
    pub acts: Vec<Act>,
    /// The safe form in the DSL's own words, when it has one.
    pub safe: Option<&'static str>,
}

/// One element of a part.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Item<'a> {
    /// SQL, to split into statements.
    Sql(Embedded<'a>),
    /// A DSL operation.
    Op(Op),
}

/// A part of a file with one direction.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Section<'a> {
    /// Its direction.
    pub dir: Dir,
    /// The Liquibase changeset it belongs to.
    pub changeset: Option<String>,
    /// Whether the tool wraps it in a transaction.
    pub tx: Tx,
    /// Its dialect, when the part states one (Liquibase `dbms`).
    pub dialect: Option<Dialect>,
    /// What it runs, in order.
    pub items: Vec<Item<'a>>,
}

impl<'a> Section<'a> {
    /// An empty part.
    pub fn new(dir: Dir, tx: Tx) -> Self {
        Section {
            dir,
            changeset: None,
            tx,
            dialect: None,
            items: Vec::new(),
        }
    }
}

/// A forward migration (or part) with no way back.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Missing {
    /// Where to report it.
    pub line: Option<u32>,
    /// What is missing, for the title.
    pub what: String,
    /// The migration declares itself irreversible.
    pub irreversible: bool,
    /// The Liquibase changeset.
    pub changeset: Option<String>,
}

/// Something of the file that could not be read.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Note {
    /// 1-based line.
    pub line: u32,
    /// What was not understood.
    pub what: String,
}

/// How the rollback of a file is found.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Mode {
    /// In another file with the same pair key (Flyway U, golang-migrate down, plain SQL).
    Paired,
    /// The file is itself the rollback of another.
    IsRollback,
    /// No rollback is needed (Flyway repeatable).
    NotNeeded,
    /// In the file itself (down parts, [`Plan::missing`]).
    InFile,
}

/// A file read into parts.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Plan<'a> {
    /// Its parts in file order.
    pub parts: Vec<Section<'a>>,
    /// How its rollback is found.
    pub mode: Mode,
    /// Forward parts without a rollback.
    pub missing: Vec<Missing>,
    /// What could not be read.
    pub notes: Vec<Note>,
}

impl<'a> Plan<'a> {
    /// An empty plan.
    pub fn new(mode: Mode) -> Self {
        Plan {
            parts: Vec::new(),
            mode,
            missing: Vec::new(),
            notes: Vec::new(),
        }
    }
}
