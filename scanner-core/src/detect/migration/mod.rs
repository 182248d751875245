//! Database migrations: lock-taking statements and missing or destructive rollbacks.
//!
//! ## What it does
//! Recognises the migration files of a package ([`recognise`]): Flyway (`V`/`U`/`R` files),
//! golang-migrate (`.up.sql`/`.down.sql`), dbmate, goose and sql-migrate (up/down sections in
//! one file), Liquibase changelogs (XML, YAML, formatted SQL), Alembic revisions, Rails and
//! Django migrations, and SQL scripts in a migrations folder. Each is read into parts per
//! direction ([`plan`]): SQL is split into statements ([`sql`]) and read ([`classify`]); DSL
//! operations (`add_index`, `AddIndex`, `op.create_index`, `createIndex`...) are read into the
//! same actions ([`dsl`], [`liquibase`]).
//!
//! The dialect is guessed per file (backticks, `ENGINE=`, `AUTO_INCREMENT` → MySQL; `SERIAL`,
//! `::`, `CONCURRENTLY`, `$$`, `jsonb` → PostgreSQL), or taken from a folder name or a Liquibase
//! `dbms`. Forward statements are checked for the locks they take ([`checks`]): PostgreSQL
//! rules (index builds without CONCURRENTLY, constraints without NOT VALID, table rewrites,
//! NOT NULL columns without default, renames, missing `lock_timeout`, CONCURRENTLY inside the
//! tool's transaction) apply to PostgreSQL and to files whose dialect is unknown; MySQL rules
//! (DDL without `ALGORITHM`/`LOCK`, table copies, column type changes) to MySQL. Each finding
//! names the lock, what it blocks and the safe form.
//!
//! Rollbacks are paired across the package in [`Detector::finish`]: a Flyway V file with the U
//! file of its version, a golang-migrate up file with its down file; files holding both
//! directions say themselves. A forward migration without rollback is a finding, and so is a
//! rollback that deletes data. Statements the scanner cannot read are reported at their line,
//! and the rest of the file is still checked. Every recognised file gets one `migration.file`
//! finding with its summary (tool, dialect, version, direction, statements, rollback status).
//!
//! ## Why is this bad?
//! Migrations run once, during the upgrade, against the production database: a statement that
//! locks a large table stops the application for the whole window, and a migration without a
//! way back turns a failed upgrade into a restore from backup.

pub mod checks;
pub mod classify;
pub mod code;
pub mod dsl;
pub mod liquibase;
pub mod plan;
pub mod recognise;
pub mod sql;
pub mod sqlfile;
pub mod squawk;

use super::{Detector, EntryInfo, EntryType, NewFinding, Scope, TextEntry};
use crate::profile::Profile;
use crate::report::{MigrationInfo, Severity};
use crate::rules::migration::{self as r, RULES};
use crate::rules::Rule;
use checks::{destructive_hits, mysql_dsl_hits, mysql_hits, pg_hits, takes_table_lock, Check, Hit};
use classify::{classify, key_of_name, Act, StmtInfo, Verb};
use plan::{Dir, Item, Mode, Section, Tx};
use recognise::{may_recognise, recognise, FileDir, Format, Tool};
use sql::{key_of, short, Dialect, LineIndex, Origin};
use std::collections::{HashMap, HashSet};

/// Larger files are recognised but not checked.
const MAX_CHECK_BYTES: usize = 4 << 20;
/// Most statement findings per file; the rest are counted in one `migration.more-findings`.
const MAX_FINDINGS_PER_FILE: usize = 200;
/// Most statements listed per file in the `migration.file` finding.
const MAX_STEPS_PER_FILE: usize = 100;
/// Most statements listed over the whole package.
const MAX_STEPS: usize = 50_000;
/// Longest statement text kept in a finding.
const STATEMENT_CHARS: usize = 200;

/// What the detector keeps of a file until the end of the walk.
struct Record {
    path: String,
    tool: Tool,
    dialect: Dialect,
    dir: FileDir,
    version: Option<String>,
    name: Option<String>,
    pair_key: Option<String>,
    mode: Mode,
    statements: u32,
    up_statements: u32,
    rollback: Option<&'static str>,
    destructive_down: bool,
    steps: Vec<Step>,
}

/// A statement listed in the file's summary.
struct Step {
    line: u32,
    dir: Dir,
    statement: String,
    lock: Option<&'static str>,
    changeset: Option<String>,
}

/// The migration detector.
pub struct Migrations {
    records: Vec<Record>,
    steps_left: usize,
}

impl Migrations {
    /// A detector for one scan.
    pub fn new(_profile: &Profile) -> Self {
        Migrations {
            records: Vec::new(),
            steps_left: MAX_STEPS,
        }
    }
}

impl Record {
    fn info(&self) -> MigrationInfo {
        let mut info =
            MigrationInfo::new(self.tool.as_str(), self.dialect.as_str(), self.dir.as_str());
        info.version = self.version.clone();
        info.name = self.name.clone();
        info
    }
}

/// The checking of one file.
struct Run<'o> {
    path: String,
    tool: Tool,
    dialect: Dialect,
    version: Option<String>,
    name: Option<String>,
    lines: LineIndex,
    out: &'o mut Vec<NewFinding>,
    emitted: usize,
    dropped: usize,
    new_tables: HashSet<String>,
    new_indexes: HashSet<String>,
    lock_timeout: bool,
    lock_timeout_reported: bool,
    statements: u32,
    up_statements: u32,
    destructive_down: bool,
    steps: Vec<Step>,
    steps_left: usize,
}

/// A statement or operation of a part, read.
struct Read<'p> {
    line: u32,
    /// The text shown and keyed.
    text: &'p str,
    /// Why it could not be read.
    problem: Option<String>,
    info: StmtInfo,
    /// The DSL's own safe form.
    safe: Option<&'static str>,
    /// It is SQL (not a DSL operation).
    is_sql: bool,
    /// What squawk found in it, when squawk read it.
    squawk: Option<Vec<Check>>,
}

impl Run<'_> {
    fn base_info(&self, direction: &str, dialect: Dialect) -> MigrationInfo {
        let mut info = MigrationInfo::new(self.tool.as_str(), dialect.as_str(), direction);
        info.version = self.version.clone();
        info.name = self.name.clone();
        info
    }

    /// Push a statement finding, within the per-file cap.
    fn push(&mut self, f: NewFinding) {
        if self.emitted >= MAX_FINDINGS_PER_FILE {
            self.dropped += 1;
        } else {
            self.emitted += 1;
            self.out.push(f);
        }
    }

    fn unparsed(&mut self, line: u32, what: &str, stmt: Option<&str>, dir: Dir, dialect: Dialect) {
        let mut info = self.base_info(dir.as_str(), dialect);
        info.statement = stmt.map(|s| short(s, STATEMENT_CHARS));
        info.check = Some("unparsed".to_string());
        let evidence = stmt.map(|s| short(s, 160)).unwrap_or_default();
        let mut f = NewFinding::new(&r::UNPARSED, &self.path, format!("Not understood: {what}"))
            .line(line)
            .evidence(evidence)
            .key(format!(
                "unparsed|{}",
                stmt.map(key_of).unwrap_or_else(|| what.to_string())
            ));
        f.migration = Some(info);
        self.push(f);
    }

    #[allow(clippy::too_many_arguments)] // one finding needs all of them
    fn hit(
        &mut self,
        hit: &Hit,
        line: u32,
        stmt: &str,
        dir: Dir,
        changeset: Option<&str>,
        dialect: Dialect,
        safe: Option<&'static str>,
    ) {
        let advice = hit.check.advice();
        let (lock, blocks) = hit.lock();
        let safe = match (safe, hit.check.destroys_data()) {
            (Some(s), false) => s,
            _ => advice.safe,
        };
        let mut info = self.base_info(dir.as_str(), dialect);
        info.changeset = changeset.map(str::to_string);
        info.statement = Some(short(stmt, STATEMENT_CHARS));
        info.check = Some(advice.name.to_string());
        info.lock = lock.map(str::to_string);
        info.blocks = blocks.map(str::to_string);
        info.safe_form = Some(safe.to_string());
        let assumed = if dialect == Dialect::Unknown && !hit.check.destroys_data() {
            " (not stated; checked with the PostgreSQL rules)"
        } else {
            ""
        };
        let evidence = format!(
            "{} | dialect: {}{assumed} | safe form: {safe}",
            short(stmt, 160),
            dialect.as_str()
        );
        let mut f = NewFinding::new(hit.rule(), &self.path, hit.title())
            .line(line)
            .evidence(evidence)
            .key(format!(
                "{}|{}|{}",
                advice.name,
                changeset.unwrap_or(""),
                key_of(stmt)
            ));
        f.migration = Some(info);
        self.push(f);
    }

    /// Whether an action works on something created earlier in this file.
    fn is_new(&self, act: &Act) -> bool {
        match act.action {
            classify::Action::DropIndex { .. } => act
                .column
                .as_deref()
                .is_some_and(|i| self.new_indexes.contains(&key_of_name(i))),
            _ => act
                .table
                .as_deref()
                .is_some_and(|t| self.new_tables.contains(&key_of_name(t))),
        }
    }

    fn step(
        &mut self,
        line: u32,
        dir: Dir,
        text: &str,
        lock: Option<&'static str>,
        changeset: Option<&str>,
    ) {
        if self.steps.len() < MAX_STEPS_PER_FILE && self.steps_left > 0 {
            self.steps_left -= 1;
            self.steps.push(Step {
                line,
                dir,
                statement: short(text, 120),
                lock,
                changeset: changeset.map(str::to_string),
            });
        }
    }

    /// Read and check one part.
    fn part(&mut self, part: &Section<'_>) {
        let dialect = part.dialect.unwrap_or(self.dialect);
        let mut reads: Vec<Read<'_>> = Vec::new();
        for item in &part.items {
            match item {
                Item::Sql(e) => {
                    let mut newlines = 0u32;
                    let mut last = 0usize;
                    for p in sql::split(&e.sql, dialect) {
                        let line = match e.origin {
                            Origin::Byte(b) => self.lines.line(b.saturating_add(p.start)),
                            Origin::Line(l) => {
                                let gap = e.sql.as_bytes().get(last..p.start).unwrap_or(&[]);
                                newlines = newlines.saturating_add(
                                    u32::try_from(memchr::memchr_iter(b'\n', gap).count())
                                        .unwrap_or(u32::MAX),
                                );
                                last = p.start;
                                l.saturating_add(newlines)
                            }
                        };
                        let (info, problem) = match p.problem {
                            Some(why) => (StmtInfo::unknown(), Some(why.to_string())),
                            None => {
                                let (toks, bad) = sql::tokens(p.text, dialect);
                                let info = classify(&toks, dialect);
                                let problem = match (bad, info.verb) {
                                    (Some(why), _) => Some(why.to_string()),
                                    (None, Verb::Unknown) => Some(format!(
                                        "`{}` does not start an SQL statement",
                                        short(toks.first().map_or("", |t| t.text), 40)
                                    )),
                                    _ => None,
                                };
                                (info, problem)
                            }
                        };
                        let (problem, squawk) = squawk_read(p.text, dialect, problem);
                        reads.push(Read {
                            line,
                            text: p.text,
                            problem,
                            info,
                            safe: None,
                            is_sql: true,
                            squawk,
                        });
                    }
                }
                Item::Op(op) => {
                    let mut info = StmtInfo::unknown();
                    info.verb = Verb::Other;
                    info.acts = op.acts.clone();
                    reads.push(Read {
                        line: op.line,
                        text: &op.display,
                        problem: None,
                        info,
                        safe: op.safe,
                        is_sql: false,
                        squawk: None,
                    });
                }
            }
        }
        let in_tx_default = match part.tx {
            Tx::Yes => true,
            Tx::No => false,
            Tx::FlywayMixed => reads.iter().any(|r| {
                r.problem.is_none()
                    && !r.info.concurrently()
                    && !matches!(r.info.verb, Verb::Maintenance | Verb::Begin | Verb::Commit)
            }),
        };
        let mut explicit_tx = false;
        let changeset = part.changeset.as_deref();
        for read in &reads {
            let verb = read.info.verb;
            if !matches!(verb, Verb::Begin | Verb::Commit) {
                self.statements = self.statements.saturating_add(1);
                if part.dir == Dir::Up {
                    self.up_statements = self.up_statements.saturating_add(1);
                }
            }
            if let Some(why) = &read.problem {
                self.unparsed(read.line, why, Some(read.text), part.dir, dialect);
                self.step(read.line, part.dir, read.text, None, changeset);
                continue;
            }
            match verb {
                Verb::Begin => explicit_tx = true,
                Verb::Commit => explicit_tx = false,
                Verb::SetLockTimeout(on) => self.lock_timeout = on,
                _ => {}
            }
            let in_tx = explicit_tx || in_tx_default;
            let mut hits: Vec<Hit> = Vec::new();
            if part.dir == Dir::Up && dialect.checks_locks() {
                if dialect == Dialect::Mysql {
                    let new = read
                        .info
                        .table_key
                        .as_deref()
                        .is_some_and(|t| self.new_tables.contains(t));
                    if !new {
                        if read.is_sql {
                            hits.extend(mysql_hits(&read.info));
                        } else {
                            hits.extend(read.info.acts.iter().flat_map(mysql_dsl_hits));
                        }
                    }
                } else {
                    for act in &read.info.acts {
                        let own = pg_hits(act, self.is_new(act), in_tx);
                        match &read.squawk {
                            // squawk read it: keep ours only where squawk has no rule.
                            Some(sq) => hits.extend(own.into_iter().filter(|h| {
                                matches!(
                                    h.check,
                                    Check::ConcurrentlyInTransaction
                                        | Check::Rewrite
                                        | Check::RefreshView
                                ) || (h.check == Check::RewriteColumn
                                    && !sq.contains(&Check::RewriteColumn))
                            })),
                            None => hits.extend(own),
                        }
                    }
                    for check in read.squawk.iter().flatten() {
                        let hit = squawk_hit(*check, &read.info.acts);
                        let on_new = read.info.acts.iter().any(|a| self.is_new(a))
                            && read
                                .info
                                .acts
                                .iter()
                                .all(|a| self.is_new(a) || a.table.is_none());
                        if !on_new {
                            hits.push(hit);
                        }
                    }
                    let locking = read.info.acts.iter().find(|a| {
                        takes_table_lock(a.action) && !self.is_new(a) && a.table.is_some()
                    });
                    if read.is_sql && !self.lock_timeout && !self.lock_timeout_reported {
                        if let Some(act) = locking {
                            self.lock_timeout_reported = true;
                            hits.push(Hit::of(Check::LockTimeout, act));
                        }
                    }
                }
            }
            for act in &read.info.acts {
                if let Some(h) = destructive_hits(act, self.is_new(act), part.dir == Dir::Down) {
                    if part.dir == Dir::Down {
                        self.destructive_down = true;
                    }
                    hits.push(h);
                }
            }
            for act in &read.info.acts {
                if let Some(t) = act.table.as_deref() {
                    match act.action {
                        classify::Action::CreateTable => {
                            self.new_tables.insert(key_of_name(t));
                        }
                        classify::Action::CreateIndex { .. } => {
                            if let Some(i) = act.column.as_deref() {
                                self.new_indexes.insert(key_of_name(i));
                            }
                        }
                        _ => {}
                    }
                }
            }
            let lock = hits.iter().find_map(|h| h.lock().0);
            self.step(read.line, part.dir, read.text, lock, changeset);
            for h in &hits {
                self.hit(
                    h, read.line, read.text, part.dir, changeset, dialect, read.safe,
                );
            }
        }
    }
}

/// Read one statement with squawk when it is PostgreSQL (or of unknown dialect and squawk
/// reads it without errors): its problem (squawk's parse error for PostgreSQL; none when
/// squawk reads a statement the scanner's own reading did not know) and squawk's checks.
fn squawk_read(
    text: &str,
    dialect: Dialect,
    problem: Option<String>,
) -> (Option<String>, Option<Vec<Check>>) {
    let unterminated = problem
        .as_deref()
        .is_some_and(|p| p.starts_with("unterminated") || p.starts_with("too many"));
    if !matches!(dialect, Dialect::Postgres | Dialect::Unknown)
        || unterminated
        || text.len() > squawk::MAX_BYTES
    {
        return (problem, None);
    }
    // Too deep for squawk's parser is "not understood" whatever the dialect: the statement
    // was not checked, and the reviewer must know.
    if squawk::too_deep(text).is_some() {
        return (
            problem.or_else(|| {
                Some(format!(
                    "nested more than {} levels deep; not checked",
                    squawk::MAX_NESTING
                ))
            }),
            None,
        );
    }
    let lint = squawk::lint(text, false);
    if let Some((_, msg)) = lint.errors.first() {
        return match dialect {
            Dialect::Postgres => (
                problem.or_else(|| Some(format!("PostgreSQL does not accept it ({msg})"))),
                None,
            ),
            _ => (problem, None),
        };
    }
    let mut checks: Vec<Check> = Vec::new();
    for (check, _) in lint.hits {
        if !checks.contains(&check) {
            checks.push(check);
        }
    }
    // squawk's constraint-missing-not-valid also fires for foreign keys and unique
    // constraints, which have checks of their own.
    if checks.iter().any(|c| {
        matches!(
            c,
            Check::ForeignKey | Check::UniqueConstraint | Check::PrimaryKey
        )
    }) {
        checks.retain(|c| *c != Check::CheckConstraint);
    }
    (None, Some(checks))
}

/// A squawk check as a hit, on the action of the statement it is about.
fn squawk_hit(check: Check, acts: &[Act]) -> Hit {
    use classify::Action as A;
    let fits = |a: &Act| match check {
        Check::CreateIndex => matches!(a.action, A::CreateIndex { .. }),
        Check::DropIndex => matches!(a.action, A::DropIndex { .. }),
        Check::Reindex => matches!(a.action, A::Reindex { .. }),
        Check::ForeignKey => matches!(a.action, A::ForeignKey { .. }),
        Check::CheckConstraint => matches!(a.action, A::Check { .. }),
        Check::UniqueConstraint => matches!(a.action, A::Unique { .. }),
        Check::PrimaryKey => matches!(a.action, A::PrimaryKey { .. }),
        Check::SetNotNull => a.action == A::SetNotNull,
        Check::ColumnType => a.action == A::ColumnType,
        Check::RewriteColumn | Check::RequiredColumn => matches!(a.action, A::AddColumn { .. }),
        Check::RenameColumn => a.action == A::RenameColumn,
        Check::RenameTable => a.action == A::RenameTable,
        Check::DetachPartition => matches!(a.action, A::DetachPartition { .. }),
        _ => false,
    };
    let act = acts.iter().find(|a| fits(a)).or_else(|| acts.first());
    let mut hit = match act {
        Some(a) => Hit::of(check, a),
        None => Hit::of(check, &Act::new(classify::Action::Other, None, None)),
    };
    if let Some(A::AddColumn {
        rewrite: Some(why), ..
    }) = act.map(|a| a.action)
    {
        hit.detail = Some(why);
    }
    hit
}

impl StmtInfo {
    /// A statement that could not be read.
    fn unknown() -> Self {
        StmtInfo {
            verb: Verb::Unknown,
            acts: Vec::new(),
            table_key: None,
            index_key: None,
            algorithm: None,
            lock: None,
        }
    }
}

/// `V2`, `U2`, `000002`... as a title shows a version.
fn version_label(tool: Tool, dir: FileDir, version: Option<&str>) -> String {
    match (tool, dir, version) {
        (Tool::Flyway, FileDir::Up, Some(v)) => format!(" V{v}"),
        (Tool::Flyway, FileDir::Down, Some(v)) => format!(" U{v}"),
        (_, _, Some(v)) => format!(" {v}"),
        _ => String::new(),
    }
}

impl Detector for Migrations {
    fn name(&self) -> &'static str {
        "migrations"
    }

    fn rules(&self) -> &'static [Rule] {
        RULES
    }

    /// Up and down files are paired across the package, and the budget of steps is shared.
    fn scope(&self) -> Scope {
        Scope::Package
    }

    /// A text that is no migration changes nothing: the name rules most files out, then the
    /// same recogniser [`Detector::check_text`] starts with decides (a few literal searches
    /// at most, never the parse of the statements).
    fn wants_text(&self, entry: &EntryInfo<'_>, text: &str) -> bool {
        entry.kind == EntryType::File
            && may_recognise(entry.path)
            && recognise(entry.path, text).is_some()
    }

    fn check_text(
        &mut self,
        entry: &EntryInfo<'_>,
        text: &TextEntry<'_>,
        out: &mut Vec<NewFinding>,
    ) {
        if entry.kind != EntryType::File {
            return;
        }
        let body = text.text;
        let Some(rec) = recognise(entry.path, body) else {
            return;
        };
        let lines = LineIndex::new(body);
        let dialect = rec.dialect_hint.unwrap_or_else(|| match rec.format {
            Format::Python | Format::Ruby => sql::guess_code(body),
            _ => sql::guess(body),
        });
        let mut run = Run {
            path: entry.path.to_string(),
            tool: rec.tool,
            dialect,
            version: rec.version.clone(),
            name: rec.name.clone(),
            lines,
            out,
            emitted: 0,
            dropped: 0,
            new_tables: HashSet::new(),
            new_indexes: HashSet::new(),
            lock_timeout: false,
            lock_timeout_reported: false,
            statements: 0,
            up_statements: 0,
            destructive_down: false,
            steps: Vec::new(),
            steps_left: self.steps_left,
        };
        let mut mode = match rec.dir {
            FileDir::Down => Mode::IsRollback,
            FileDir::Repeatable => Mode::NotNeeded,
            _ => Mode::InFile,
        };
        let mut rollback = None;
        if body.len() > MAX_CHECK_BYTES {
            run.unparsed(
                1,
                &format!(
                    "the file is {} MiB, larger than the {} MiB the scanner checks",
                    body.len() >> 20,
                    MAX_CHECK_BYTES >> 20
                ),
                None,
                Dir::Up,
                dialect,
            );
        } else {
            let plan = match rec.format {
                Format::Sql => sqlfile::single(body, &rec),
                Format::SqlSections => sqlfile::sections(body, rec.tool),
                Format::LiquibaseXml => liquibase::xml(body, &run.lines),
                Format::LiquibaseYaml => liquibase::yaml(body, &run.lines),
                Format::LiquibaseSql => liquibase::formatted(body),
                Format::Python if rec.tool == Tool::Django => dsl::django(body, &run.lines),
                Format::Python => dsl::alembic(body, &run.lines),
                Format::Ruby => dsl::rails(body, &run.lines),
            };
            if rec.tool == Tool::Liquibase
                && plan.parts.is_empty()
                && plan.missing.is_empty()
                && plan.notes.is_empty()
            {
                // A master changelog that only includes others.
                return;
            }
            mode = plan.mode;
            for note in &plan.notes {
                run.unparsed(note.line, &note.what, None, Dir::Up, dialect);
            }
            for part in &plan.parts {
                run.part(part);
            }
            if plan.mode == Mode::InFile {
                for m in &plan.missing {
                    let mut info = run.base_info("up", dialect);
                    info.check = Some("missing-rollback".to_string());
                    info.changeset = m.changeset.clone();
                    info.rollback = Some(
                        if m.irreversible {
                            "irreversible"
                        } else {
                            "missing"
                        }
                        .to_string(),
                    );
                    let mut f = NewFinding::new(&r::MISSING_ROLLBACK, &run.path, m.what.clone())
                        .evidence(format!(
                            "{} migration{}",
                            rec.tool.label(),
                            version_label(rec.tool, rec.dir, rec.version.as_deref())
                        ))
                        .key(format!(
                            "missing|{}",
                            m.changeset.as_deref().unwrap_or(&m.what)
                        ));
                    if let Some(l) = m.line {
                        f = f.line(l);
                    }
                    if m.irreversible {
                        f = f.severity(Severity::Medium);
                    }
                    f.migration = Some(info);
                    run.push(f);
                }
                rollback = Some(if plan.missing.iter().any(|m| m.irreversible) {
                    "irreversible"
                } else if !plan.missing.is_empty() {
                    "missing"
                } else if run.destructive_down {
                    "destructive"
                } else if run.up_statements == 0 {
                    "not-needed"
                } else {
                    "present"
                });
            } else if plan.mode == Mode::NotNeeded {
                rollback = Some("not-needed");
            }
        }
        if run.dropped > 0 {
            let mut info = run.base_info(rec.dir.as_str(), dialect);
            info.check = Some("more-findings".to_string());
            let mut f = NewFinding::new(
                &r::MORE_FINDINGS,
                &run.path,
                format!(
                    "{} more migration findings in this file are not listed",
                    run.dropped
                ),
            )
            .key("more-findings");
            f.migration = Some(info);
            run.out.push(f);
        }
        self.steps_left = run.steps_left;
        self.records.push(Record {
            path: run.path,
            tool: rec.tool,
            dialect,
            dir: rec.dir,
            version: rec.version,
            name: rec.name,
            pair_key: rec.pair_key,
            mode,
            statements: run.statements,
            up_statements: run.up_statements,
            rollback,
            destructive_down: run.destructive_down,
            steps: run.steps,
        });
    }

    fn finish(&mut self, out: &mut Vec<NewFinding>) {
        let records = std::mem::take(&mut self.records);
        let mut downs: HashMap<&str, usize> = HashMap::new();
        let mut ups: HashMap<&str, usize> = HashMap::new();
        for (i, rec) in records.iter().enumerate() {
            let Some(key) = rec.pair_key.as_deref() else {
                continue;
            };
            match rec.mode {
                Mode::IsRollback => {
                    downs.entry(key).or_insert(i);
                }
                Mode::Paired => {
                    ups.entry(key).or_insert(i);
                }
                _ => {}
            }
        }
        for rec in &records {
            let key = rec.pair_key.as_deref();
            let (rollback, counterpart) = match rec.mode {
                Mode::Paired => {
                    match key.and_then(|k| downs.get(k)).and_then(|&i| records.get(i)) {
                        Some(d) => (
                            Some(if d.destructive_down {
                                "destructive"
                            } else {
                                "present"
                            }),
                            Some(d.path.clone()),
                        ),
                        None if rec.up_statements == 0 => (Some("not-needed"), None),
                        None => {
                            let what = match rec.tool {
                                Tool::Flyway => "no U (undo) file with the same version",
                                Tool::GolangMigrate => "no .down.sql file with the same version",
                                _ => "no rollback script next to it",
                            };
                            let mut info = rec.info();
                            info.check = Some("missing-rollback".to_string());
                            info.rollback = Some("missing".to_string());
                            let title = format!(
                                "{} migration{} has no rollback: {what}",
                                rec.tool.label(),
                                version_label(rec.tool, rec.dir, rec.version.as_deref())
                            );
                            let mut f = NewFinding::new(&r::MISSING_ROLLBACK, &rec.path, title)
                                .evidence(format!("{} statements, none undone", rec.up_statements))
                                .key("missing");
                            f.migration = Some(info);
                            out.push(f);
                            (Some("missing"), None)
                        }
                    }
                }
                Mode::IsRollback => (
                    None,
                    key.and_then(|k| ups.get(k))
                        .and_then(|&i| records.get(i))
                        .map(|u| u.path.clone()),
                ),
                _ => (rec.rollback, None),
            };
            let kind = match rec.dir {
                FileDir::Down => "rollback",
                FileDir::Repeatable => "repeatable migration",
                _ => "migration",
            };
            let name = rec
                .name
                .as_deref()
                .map(|n| format!(" ({n})"))
                .unwrap_or_default();
            let count = match rec.statements {
                1 => "1 statement".to_string(),
                n => format!("{n} statements"),
            };
            let tail = match rollback {
                Some(s) => format!(", rollback {s}"),
                None => String::new(),
            };
            let title = format!(
                "{} {kind}{}{name}: {count}{tail}",
                rec.tool.label(),
                version_label(rec.tool, rec.dir, rec.version.as_deref())
            );
            let mut evidence = format!("dialect: {}", rec.dialect.as_str());
            if let Some(c) = &counterpart {
                evidence.push_str(&format!(
                    " | {}: {c}",
                    if rec.dir == FileDir::Down {
                        "undoes"
                    } else {
                        "rollback"
                    }
                ));
            }
            let mut info = rec.info();
            info.rollback = rollback.map(str::to_string);
            info.counterpart = counterpart;
            info.statements = Some(rec.statements);
            for s in &rec.steps {
                info.add_step(
                    s.line,
                    s.dir.as_str(),
                    &s.statement,
                    s.lock,
                    s.changeset.as_deref(),
                );
            }
            let mut f = NewFinding::new(&r::FILE, &rec.path, title)
                .evidence(evidence)
                .key("file");
            f.migration = Some(info);
            out.push(f);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::text::Encoding;

    /// Pieces hostile text is made of: every delimiter the readers care about.
    const PIECES: &[&str] = &[
        "'",
        "\"",
        "`",
        "$$",
        "$a$",
        "/*",
        "*/",
        "--",
        "#",
        "\n",
        " ",
        "(",
        ")",
        ";",
        "é",
        "😀",
        "\\",
        "E'",
        "<<~SQL",
        "<<-X",
        "SQL",
        "'''",
        "\"\"\"",
        "f\"{",
        "}",
        "#{",
        "%q(",
        "<",
        ">",
        "/>",
        "<sql>",
        "</sql>",
        "<![CDATA[",
        "]]>",
        "&lt;",
        "&#x1F600;",
        "&",
        "<changeSet id=\"1\">",
        "</changeSet>",
        "<rollback>",
        "</rollback>",
        "- changeSet:",
        "  changes:",
        "    - sql:",
        "      sql: |",
        "--changeset a:1",
        "--rollback ",
        "-- migrate:up",
        "-- migrate:down",
        "CREATE INDEX ",
        "ALTER TABLE t ",
        "ADD COLUMN ",
        "DROP ",
        "RENAME ",
        "CONCURRENTLY ",
        "NOT NULL ",
        "DEFAULT ",
        "gen_random_uuid()",
        "ON ",
        "op.execute(",
        "op.create_index(",
        "migrations.RunSQL(",
        "execute ",
        "add_index :t, ",
        "def upgrade():\n",
        "def downgrade():\n",
        "  def change\n",
        "  end\n",
        "DELIMITER //\n",
        "ALGORITHM=",
        "LOCK=",
        "MODIFY ",
        ",",
        ":",
        "=",
        "\r\n",
        "\t",
        "\u{0}",
    ];

    const PATHS: &[&str] = &[
        "db/migration/V1__x.sql",
        "db/migration/U1__x.sql",
        "m/1_x.up.sql",
        "db/migrations/2024_x.sql",
        "db/changelog/a.xml",
        "db/changelog/a.yaml",
        "db/changelog/a.sql",
        "alembic/versions/a_x.py",
        "app/migrations/0001_x.py",
        "db/migrate/1_x.rb",
        "db/mysql/migrations/3_x.sql",
    ];

    /// Headers that make each path recognised whatever follows.
    fn header(path: &str) -> &'static str {
        if path.ends_with(".xml") {
            "<databaseChangeLog>\n"
        } else if path.ends_with(".yaml") {
            "databaseChangeLog:\n"
        } else if path.contains("changelog/a.sql") {
            "--liquibase formatted sql\n"
        } else if path.contains("2024_x") {
            "-- migrate:up\n"
        } else if path.contains("versions") {
            "from alembic import op\nrevision = 'a'\ndown_revision = None\ndef upgrade():\n"
        } else if path.ends_with(".py") {
            "class Migration(migrations.Migration):\n    operations = [\n"
        } else if path.ends_with(".rb") {
            "class X < ActiveRecord::Migration[7.0]\n  def change\n"
        } else {
            "CREATE TABLE x (id int);\n"
        }
    }

    #[test]
    fn hostile_text_never_panics() {
        let mut seed: u64 = 0x9E37_79B9_7F4A_7C15;
        let profile = Profile::default();
        for round in 0..3000 {
            let path = PATHS[round % PATHS.len()];
            let mut text = header(path).to_string();
            for _ in 0..(round % 60) {
                seed = seed
                    .wrapping_mul(6_364_136_223_846_793_005)
                    .wrapping_add(1_442_695_040_888_963_407);
                let k = usize::try_from(seed >> 33).unwrap_or(0) % PIECES.len();
                text.push_str(PIECES[k]);
            }
            let mut d = Migrations::new(&profile);
            let entry = EntryInfo::test_file(path, text.len() as u64);
            let mut out = Vec::new();
            d.check_text(
                &entry,
                &TextEntry {
                    text: &text,
                    encoding: Encoding::Utf8,
                },
                &mut out,
            );
            d.finish(&mut out);
            for f in &out {
                assert!(f.line.is_none_or(|l| l >= 1), "{text:?}");
            }
        }
    }
}
