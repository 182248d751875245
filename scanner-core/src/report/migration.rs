//! The `migration` object of a finding (extension to `preflight-report/1`).
//!
//! Every finding of the `migration` category carries one. The `migration.file` finding of a
//! file carries the file's summary (`statements`, `rollback`, `steps`); the other findings
//! carry the statement they are about (`statement`, `check`, `lock`, `blocks`, `safe_form`).

use serde::{Deserialize, Serialize};

/// A database migration file or one of its statements.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct MigrationInfo {
    /// The migration tool the file belongs to: `flyway`, `golang-migrate`, `dbmate`, `goose`,
    /// `sql-migrate`, `liquibase`, `alembic`, `rails`, `django` or `sql` (a script in a
    /// migrations folder).
    pub tool: String,
    /// SQL dialect the statements were checked as: `postgresql`, `mysql`, `sqlserver`,
    /// `oracle`, `sqlite` or `unknown` (guessed from the file, its folder, or a Liquibase
    /// `dbms` attribute).
    pub dialect: String,
    /// `up` (forward), `down` (undo or rollback), `both` (one file holds both directions:
    /// dbmate, goose, Liquibase, Alembic, Rails, Django) or `repeatable` (Flyway `R__`). On a
    /// statement finding: the direction of the part of the file the statement is in.
    pub direction: String,
    /// The version or revision: Flyway version, golang-migrate/dbmate/Rails timestamp,
    /// Alembic revision id, Django migration number.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub version: Option<String>,
    /// The migration's name: the description part of the file name.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    /// The Liquibase changeset (`id` and `author`) the finding is about.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub changeset: Option<String>,
    /// The statement or DSL operation, whitespace collapsed and shortened.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub statement: Option<String>,
    /// The check that fired, named as squawk names its rules where one matches
    /// (`require-concurrent-index-creation`, `constraint-missing-not-valid`...).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub check: Option<String>,
    /// The lock the statement takes: `ACCESS EXCLUSIVE`, `SHARE`, `SHARE ROW EXCLUSIVE`,
    /// MySQL `SHARED`...
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub lock: Option<String>,
    /// What that lock blocks while it is held: `reads and writes`, `writes`...
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub blocks: Option<String>,
    /// The form of the statement that does not block (or fail).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub safe_form: Option<String>,
    /// Rollback status of the migration: `present`, `missing`, `destructive` (the rollback
    /// deletes data), `irreversible` (declared so) or `not-needed` (repeatable or empty
    /// migrations). Absent on down files and on statement findings.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub rollback: Option<String>,
    /// The file holding the other direction: the down/undo file of an up file, or the reverse.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub counterpart: Option<String>,
    /// Number of statements (or DSL operations) the file runs, both directions. On the
    /// `migration.file` finding only.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub statements: Option<u32>,
    /// The statements of the file in order (at most 100), on the `migration.file` finding.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub steps: Vec<MigrationStep>,
}

/// One statement of a migration file, as the per-file view lists it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct MigrationStep {
    /// 1-based line in the file.
    pub line: u32,
    /// `up` or `down`.
    pub direction: String,
    /// The statement or DSL operation, shortened.
    pub statement: String,
    /// The lock a finding reported for it, if any.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub lock: Option<String>,
    /// The Liquibase changeset it belongs to.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub changeset: Option<String>,
}

impl MigrationInfo {
    /// A migration object with only its tool, dialect and direction set.
    pub fn new(tool: &str, dialect: &str, direction: &str) -> Self {
        MigrationInfo {
            tool: tool.to_string(),
            dialect: dialect.to_string(),
            direction: direction.to_string(),
            version: None,
            name: None,
            changeset: None,
            statement: None,
            check: None,
            lock: None,
            blocks: None,
            safe_form: None,
            rollback: None,
            counterpart: None,
            statements: None,
            steps: Vec::new(),
        }
    }

    /// Append a statement to [`MigrationInfo::steps`].
    pub fn add_step(
        &mut self,
        line: u32,
        direction: &str,
        statement: &str,
        lock: Option<&str>,
        changeset: Option<&str>,
    ) {
        self.steps.push(MigrationStep {
            line,
            direction: direction.to_string(),
            statement: statement.to_string(),
            lock: lock.map(str::to_string),
            changeset: changeset.map(str::to_string),
        });
    }
}
