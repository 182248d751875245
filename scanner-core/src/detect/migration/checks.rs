//! The checks: which [`Action`]s are risky in which dialect, the lock each takes, what that
//! lock blocks and the safe form.
//!
//! PostgreSQL checks carry the names squawk gives the same rules (`require-concurrent-index-
//! creation`...), so a reader who knows squawk recognises them; MySQL checks are our own.

use super::classify::{Act, Action, StmtInfo, Verb};
use crate::rules::migration as r;
use crate::rules::Rule;

/// A check that can fire on a statement or operation.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Check {
    /// `CREATE INDEX` without CONCURRENTLY.
    CreateIndex,
    /// `DROP INDEX` without CONCURRENTLY.
    DropIndex,
    /// `REINDEX` without CONCURRENTLY.
    Reindex,
    /// Foreign key without NOT VALID.
    ForeignKey,
    /// Check constraint without NOT VALID.
    CheckConstraint,
    /// Unique constraint building its index in place.
    UniqueConstraint,
    /// Primary key building its index in place.
    PrimaryKey,
    /// `SET NOT NULL`.
    SetNotNull,
    /// Column type change.
    ColumnType,
    /// Column added with a volatile default, serial, identity or stored generated value.
    RewriteColumn,
    /// `VACUUM FULL`, `CLUSTER`, `SET TABLESPACE`.
    Rewrite,
    /// NOT NULL column without default.
    RequiredColumn,
    /// Column renamed.
    RenameColumn,
    /// Table renamed.
    RenameTable,
    /// `DETACH PARTITION` without CONCURRENTLY.
    DetachPartition,
    /// `REFRESH MATERIALIZED VIEW` without CONCURRENTLY.
    RefreshView,
    /// Locking statement without `lock_timeout`.
    LockTimeout,
    /// CONCURRENTLY inside a transaction.
    ConcurrentlyInTransaction,
    /// Table dropped.
    DropTable,
    /// Column dropped.
    DropColumn,
    /// Table truncated.
    Truncate,
    /// Schema or database dropped.
    DropSchema,
    /// Rows deleted (rollbacks only).
    Delete,
    /// MySQL DDL without online options.
    MysqlBlocking,
    /// MySQL `ALGORITHM=COPY` or `LOCK=SHARED|EXCLUSIVE`.
    MysqlCopy,
    /// MySQL column type change.
    MysqlColumnType,
}

/// What a person needs to know about a check.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Advice {
    /// The rule its findings carry (forward direction).
    pub rule: &'static Rule,
    /// Its name (squawk's name for the PostgreSQL rules).
    pub name: &'static str,
    /// The lock taken.
    pub lock: Option<&'static str>,
    /// What the lock blocks.
    pub blocks: Option<&'static str>,
    /// The safe form.
    pub safe: &'static str,
}

const RW: &str = "reads and writes";
const AX: &str = "ACCESS EXCLUSIVE";
const ONLINE_MYSQL: &str = "ALGORITHM=INSTANT, or ALGORITHM=INPLACE, LOCK=NONE (MySQL then refuses instead of locking); for changes MySQL cannot do in place, gh-ost or pt-online-schema-change";
const EXPAND_CONTRACT: &str = "add the new column, write to both, backfill in batches, move the application, and drop the old one in a later release";

impl Check {
    /// The advice for this check.
    pub fn advice(self) -> Advice {
        match self {
            Check::CreateIndex => Advice {
                rule: &r::INDEX_LOCK,
                name: "require-concurrent-index-creation",
                lock: Some("SHARE"),
                blocks: Some("writes"),
                safe: "CREATE INDEX CONCURRENTLY, outside a transaction",
            },
            Check::DropIndex => Advice {
                rule: &r::INDEX_LOCK,
                name: "require-concurrent-index-deletion",
                lock: Some(AX),
                blocks: Some(RW),
                safe: "DROP INDEX CONCURRENTLY, outside a transaction",
            },
            Check::Reindex => Advice {
                rule: &r::INDEX_LOCK,
                name: "require-concurrent-reindex",
                lock: Some("SHARE (table), ACCESS EXCLUSIVE (index)"),
                blocks: Some("writes, and reads that use the index"),
                safe: "REINDEX ... CONCURRENTLY (PostgreSQL 12+), outside a transaction",
            },
            Check::ForeignKey => Advice {
                rule: &r::CONSTRAINT_LOCK,
                name: "adding-foreign-key-constraint",
                lock: Some("SHARE ROW EXCLUSIVE"),
                blocks: Some("writes on both tables"),
                safe: "ADD CONSTRAINT ... FOREIGN KEY ... NOT VALID, then VALIDATE CONSTRAINT in a separate transaction",
            },
            Check::CheckConstraint => Advice {
                rule: &r::CONSTRAINT_LOCK,
                name: "constraint-missing-not-valid",
                lock: Some(AX),
                blocks: Some(RW),
                safe: "ADD CONSTRAINT ... CHECK (...) NOT VALID, then VALIDATE CONSTRAINT in a separate transaction",
            },
            Check::UniqueConstraint => Advice {
                rule: &r::CONSTRAINT_LOCK,
                name: "disallowed-unique-constraint",
                lock: Some(AX),
                blocks: Some(RW),
                safe: "CREATE UNIQUE INDEX CONCURRENTLY, then ADD CONSTRAINT ... UNIQUE USING INDEX",
            },
            Check::PrimaryKey => Advice {
                rule: &r::CONSTRAINT_LOCK,
                name: "adding-serial-primary-key-field",
                lock: Some(AX),
                blocks: Some(RW),
                safe: "CREATE UNIQUE INDEX CONCURRENTLY, then ADD CONSTRAINT ... PRIMARY KEY USING INDEX",
            },
            Check::SetNotNull => Advice {
                rule: &r::CONSTRAINT_LOCK,
                name: "adding-not-nullable-field",
                lock: Some(AX),
                blocks: Some(RW),
                safe: "ADD CONSTRAINT ... CHECK (col IS NOT NULL) NOT VALID, VALIDATE CONSTRAINT, then SET NOT NULL (PostgreSQL 12+ skips the scan) and drop the check",
            },
            Check::ColumnType => Advice {
                rule: &r::TABLE_REWRITE,
                name: "changing-column-type",
                lock: Some(AX),
                blocks: Some(RW),
                safe: EXPAND_CONTRACT,
            },
            Check::RewriteColumn => Advice {
                rule: &r::TABLE_REWRITE,
                name: "adding-field-with-default",
                lock: Some(AX),
                blocks: Some(RW),
                safe: "add the column without a default (or with a constant one), set the default afterwards and backfill existing rows in batches",
            },
            Check::Rewrite => Advice {
                rule: &r::TABLE_REWRITE,
                name: "prefer-repack",
                lock: Some(AX),
                blocks: Some(RW),
                safe: "pg_repack (or REPACK CONCURRENTLY on PostgreSQL 19+); a plain VACUUM does not lock",
            },
            Check::RequiredColumn => Advice {
                rule: &r::REQUIRED_COLUMN,
                name: "adding-required-field",
                lock: Some(AX),
                blocks: Some("reads and writes (briefly); the statement fails on a table with rows"),
                safe: "add the column nullable or with a DEFAULT, backfill it, then enforce NOT NULL through a validated CHECK constraint",
            },
            Check::RenameColumn => Advice {
                rule: &r::RENAME,
                name: "renaming-column",
                lock: Some(AX),
                blocks: Some("reads and writes (briefly); the old name stops working at once"),
                safe: EXPAND_CONTRACT,
            },
            Check::RenameTable => Advice {
                rule: &r::RENAME,
                name: "renaming-table",
                lock: Some(AX),
                blocks: Some("reads and writes (briefly); the old name stops working at once"),
                safe: "create the table under its new name, keep a view with the old name until the old application version is gone",
            },
            Check::DetachPartition => Advice {
                rule: &r::EXCLUSIVE_LOCK,
                name: "require-concurrent-partition-detach",
                lock: Some(AX),
                blocks: Some(RW),
                safe: "DETACH PARTITION ... CONCURRENTLY (PostgreSQL 14+), outside a transaction",
            },
            Check::RefreshView => Advice {
                rule: &r::EXCLUSIVE_LOCK,
                name: "require-concurrent-refresh",
                lock: Some("EXCLUSIVE"),
                blocks: Some("reads of the view"),
                safe: "REFRESH MATERIALIZED VIEW CONCURRENTLY (needs a unique index on the view)",
            },
            Check::LockTimeout => Advice {
                rule: &r::LOCK_TIMEOUT,
                name: "require-lock-timeout",
                lock: Some("ACCESS EXCLUSIVE (queued)"),
                blocks: Some("reads and writes while it waits for the lock"),
                safe: "SET lock_timeout = '5s' before the first locking statement, and retry the migration on timeout",
            },
            Check::ConcurrentlyInTransaction => Advice {
                rule: &r::CONCURRENTLY_IN_TRANSACTION,
                name: "ban-concurrent-index-creation-in-transaction",
                lock: None,
                blocks: None,
                safe: "run the statement outside a transaction (its own migration, without the tool's transaction)",
            },
            Check::DropTable => Advice {
                rule: &r::DESTRUCTIVE,
                name: "ban-drop-table",
                lock: Some(AX),
                blocks: Some("reads and writes (briefly); the data is gone"),
                safe: "back the table up first; drop it in a release after the one that stopped using it",
            },
            Check::DropColumn => Advice {
                rule: &r::DESTRUCTIVE,
                name: "ban-drop-column",
                lock: Some(AX),
                blocks: Some("reads and writes (briefly); the data is gone"),
                safe: "back the column up first; drop it in a release after the one that stopped using it",
            },
            Check::Truncate => Advice {
                rule: &r::DESTRUCTIVE,
                name: "ban-truncate",
                lock: Some(AX),
                blocks: Some("reads and writes; the rows are gone"),
                safe: "back the table up first",
            },
            Check::DropSchema => Advice {
                rule: &r::DESTRUCTIVE,
                name: "ban-drop-database",
                lock: Some(AX),
                blocks: Some("everything in it; the data is gone"),
                safe: "back it up first",
            },
            Check::Delete => Advice {
                rule: &r::DESTRUCTIVE_ROLLBACK,
                name: "delete-in-rollback",
                lock: None,
                blocks: None,
                safe: "export the rows the rollback deletes before running it",
            },
            Check::MysqlBlocking => Advice {
                rule: &r::MYSQL_BLOCKING_DDL,
                name: "mysql-online-ddl",
                lock: Some("metadata lock, and SHARED while MySQL copies the table"),
                blocks: Some("writes while the table is copied"),
                safe: ONLINE_MYSQL,
            },
            Check::MysqlCopy => Advice {
                rule: &r::MYSQL_TABLE_COPY,
                name: "mysql-algorithm-copy",
                lock: Some("SHARED"),
                blocks: Some("writes"),
                safe: "gh-ost or pt-online-schema-change, or ALGORITHM=INPLACE, LOCK=NONE where MySQL supports the change in place",
            },
            Check::MysqlColumnType => Advice {
                rule: &r::MYSQL_TABLE_COPY,
                name: "mysql-column-type-change",
                lock: Some("SHARED"),
                blocks: Some("writes while the table is copied"),
                safe: "gh-ost or pt-online-schema-change, or ALGORITHM=INPLACE, LOCK=NONE where the change allows it",
            },
        }
    }
}

/// A check that fired.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Hit {
    /// The check.
    pub check: Check,
    /// The table, when known.
    pub table: Option<String>,
    /// The column, index or partition, when known.
    pub column: Option<String>,
    /// A detail for the title (`a volatile default`, `VACUUM FULL`).
    pub detail: Option<&'static str>,
    /// The lock and what it blocks, when they differ from the check's advice.
    pub lock: Option<(&'static str, &'static str)>,
    /// The hit is in a rollback (down) part.
    pub rollback: bool,
}

impl Hit {
    /// A hit for an action.
    pub fn of(check: Check, act: &Act) -> Self {
        Hit {
            check,
            table: act.table.clone(),
            column: act.column.clone(),
            detail: None,
            lock: None,
            rollback: false,
        }
    }

    /// The rule of its findings.
    pub fn rule(&self) -> &'static Rule {
        if self.rollback && self.check.destroys_data() {
            &r::DESTRUCTIVE_ROLLBACK
        } else {
            self.check.advice().rule
        }
    }

    /// The lock and what it blocks.
    pub fn lock(&self) -> (Option<&'static str>, Option<&'static str>) {
        match self.lock {
            Some((l, b)) => (Some(l), Some(b)),
            None => {
                let a = self.check.advice();
                (a.lock, a.blocks)
            }
        }
    }

    /// One line for a person.
    pub fn title(&self) -> String {
        let t = self.table.as_deref().unwrap_or("the table");
        let col = |c: &Option<String>| {
            c.as_deref()
                .map(|c| format!("{t}.{c}"))
                .unwrap_or_else(|| format!("a column of {t}"))
        };
        let (lock, blocks) = self.lock();
        let locked = |what: String| match (lock, blocks) {
            (Some(l), Some(b)) => format!("{what}: {l} lock blocks {b}"),
            _ => what,
        };
        let c = col(&self.column);
        let lost = "data written since the upgrade is lost";
        match self.check {
            Check::CreateIndex => locked(format!("Index built on {t} without CONCURRENTLY")),
            Check::DropIndex => locked(match &self.column {
                Some(i) => format!("Index {i} dropped without CONCURRENTLY"),
                None => "Index dropped without CONCURRENTLY".to_string(),
            }),
            Check::Reindex => locked("REINDEX without CONCURRENTLY".to_string()),
            Check::ForeignKey => locked(format!("Foreign key added to {t} without NOT VALID")),
            Check::CheckConstraint => {
                locked(format!("Check constraint added to {t} without NOT VALID"))
            }
            Check::UniqueConstraint => locked(format!(
                "Unique constraint on {t} builds its index in place"
            )),
            Check::PrimaryKey => locked(format!("Primary key on {t} builds its index in place")),
            Check::SetNotNull => locked(format!("NOT NULL set on {c} with a full scan")),
            Check::ColumnType => locked(format!("Type of {c} changed, rewriting the table")),
            Check::RewriteColumn => {
                let why = self.detail.unwrap_or("a volatile default");
                locked(format!("Column {c} added with {why}, rewriting the table"))
            }
            Check::Rewrite => {
                let what = self.detail.unwrap_or("VACUUM FULL");
                locked(format!("{what} rewrites {t}"))
            }
            Check::RequiredColumn => {
                format!("NOT NULL column {c} added without DEFAULT: fails if the table has rows")
            }
            Check::RenameColumn => {
                format!("Column {c} renamed: the old application version breaks")
            }
            Check::RenameTable => format!("Table {t} renamed: the old application version breaks"),
            Check::DetachPartition => {
                locked(format!("Partition detached from {t} without CONCURRENTLY"))
            }
            Check::RefreshView => locked(format!(
                "Materialized view {t} refreshed without CONCURRENTLY"
            )),
            Check::LockTimeout => {
                format!(
                    "No lock_timeout before locking {t}: a queued lock stalls every query on it"
                )
            }
            Check::ConcurrentlyInTransaction => {
                let what = self.detail.unwrap_or("CREATE INDEX");
                format!("{what} CONCURRENTLY inside a transaction: PostgreSQL refuses it, the migration fails")
            }
            Check::DropTable if self.rollback => format!("Rollback drops table {t}: {lost}"),
            Check::DropColumn if self.rollback => format!("Rollback drops column {c}: {lost}"),
            Check::Truncate if self.rollback => {
                format!("Rollback truncates {t}: its rows are lost")
            }
            Check::DropSchema if self.rollback => {
                format!("Rollback drops {t}: everything in it is lost")
            }
            Check::Delete => format!("Rollback deletes rows from {t}"),
            Check::DropTable => format!("Table {t} dropped: its data is deleted"),
            Check::DropColumn => format!("Column {c} dropped: its data is deleted"),
            Check::Truncate => format!("Table {t} truncated: its rows are deleted"),
            Check::DropSchema => format!("{t} dropped with everything in it"),
            Check::MysqlBlocking => {
                format!("MySQL DDL on {t} without ALGORITHM/LOCK: it may copy the table and block writes")
            }
            Check::MysqlCopy => locked(format!("MySQL copies {t}")),
            Check::MysqlColumnType => locked(format!(
                "MySQL column type change on {c}, copying the table"
            )),
        }
    }
}

impl Check {
    /// The check is about data deleted.
    pub fn destroys_data(self) -> bool {
        matches!(
            self,
            Check::DropTable
                | Check::DropColumn
                | Check::Truncate
                | Check::DropSchema
                | Check::Delete
        )
    }
}

/// Whether an action's statement takes a lock that queues behind running queries (for the
/// lock-timeout check): everything on an existing table but validation and concurrent builds.
pub fn takes_table_lock(action: Action) -> bool {
    !matches!(
        action,
        Action::CreateTable
            | Action::Validate
            | Action::Delete
            | Action::CreateIndex { concurrently: true }
            | Action::DropIndex { concurrently: true }
            | Action::Reindex { concurrently: true }
            | Action::DetachPartition { concurrently: true }
            | Action::RefreshView { concurrently: true }
    )
}

/// The CONCURRENTLY statement an action is, for titles.
fn concurrent_name(action: Action) -> Option<&'static str> {
    match action {
        Action::CreateIndex { concurrently: true } => Some("CREATE INDEX"),
        Action::DropIndex { concurrently: true } => Some("DROP INDEX"),
        Action::Reindex { concurrently: true } => Some("REINDEX"),
        Action::DetachPartition { concurrently: true } => Some("DETACH PARTITION"),
        Action::RefreshView { concurrently: true } => Some("REFRESH MATERIALIZED VIEW"),
        _ => None,
    }
}

/// PostgreSQL checks of one action. `new` says the table (or index) was created earlier in
/// the same migration, so nobody else can be using it.
pub fn pg_hits(act: &Act, new: bool, in_transaction: bool) -> Vec<Hit> {
    let mut out = Vec::new();
    if in_transaction {
        if let Some(name) = concurrent_name(act.action) {
            let mut h = Hit::of(Check::ConcurrentlyInTransaction, act);
            h.detail = Some(name);
            out.push(h);
        }
    }
    if new {
        return out;
    }
    let check = match act.action {
        Action::CreateIndex {
            concurrently: false,
        } => Check::CreateIndex,
        Action::DropIndex {
            concurrently: false,
        } => Check::DropIndex,
        Action::Reindex {
            concurrently: false,
        } => Check::Reindex,
        Action::ForeignKey { not_valid: false } => Check::ForeignKey,
        Action::Check { not_valid: false } => Check::CheckConstraint,
        Action::Unique { using_index: false } => Check::UniqueConstraint,
        Action::PrimaryKey { using_index: false } => Check::PrimaryKey,
        Action::SetNotNull => Check::SetNotNull,
        Action::ColumnType => Check::ColumnType,
        Action::AddColumn {
            rewrite: Some(detail),
            ..
        } => {
            let mut h = Hit::of(Check::RewriteColumn, act);
            h.detail = Some(detail);
            out.push(h);
            return out;
        }
        Action::AddColumn { required: true, .. } => Check::RequiredColumn,
        Action::RenameColumn => Check::RenameColumn,
        Action::RenameTable => Check::RenameTable,
        Action::DetachPartition {
            concurrently: false,
        } => Check::DetachPartition,
        Action::RefreshView {
            concurrently: false,
        } => Check::RefreshView,
        Action::Rewrite(detail) => {
            let mut h = Hit::of(Check::Rewrite, act);
            h.detail = Some(detail);
            out.push(h);
            return out;
        }
        _ => return out,
    };
    out.push(Hit::of(check, act));
    out
}

/// Checks for data deleted by an action: in a forward part (not for tables created earlier in
/// the same migration, nor plain DELETEs), or in a rollback part.
pub fn destructive_hits(act: &Act, new: bool, rollback: bool) -> Option<Hit> {
    let check = match act.action {
        Action::DropTable => Check::DropTable,
        Action::DropColumn => Check::DropColumn,
        Action::Truncate => Check::Truncate,
        Action::DropSchema => Check::DropSchema,
        Action::Delete if rollback => Check::Delete,
        _ => return None,
    };
    if new && !rollback {
        return None;
    }
    let mut h = Hit::of(check, act);
    h.rollback = rollback;
    Some(h)
}

/// Whether a MySQL algorithm is online.
fn online_algorithm(a: Option<&str>) -> bool {
    matches!(a, Some("INPLACE" | "INSTANT" | "NOCOPY"))
}

/// MySQL checks of one statement (on an existing table).
pub fn mysql_hits(info: &StmtInfo) -> Vec<Hit> {
    let mut out = Vec::new();
    for act in &info.acts {
        match act.action {
            Action::RenameColumn => out.push(Hit::of(Check::RenameColumn, act)),
            Action::RenameTable => out.push(Hit::of(Check::RenameTable, act)),
            _ => {}
        }
    }
    if !matches!(
        info.verb,
        Verb::AlterTable | Verb::CreateIndex | Verb::DropIndex
    ) {
        return out;
    }
    let Some(first) = info.acts.first() else {
        return out;
    };
    let algorithm = info.algorithm.as_deref();
    let lock = info.lock.as_deref();
    if algorithm == Some("COPY") || matches!(lock, Some("SHARED" | "EXCLUSIVE")) {
        let mut h = Hit::of(Check::MysqlCopy, first);
        h.lock = Some(if lock == Some("EXCLUSIVE") {
            ("EXCLUSIVE", "reads and writes")
        } else {
            ("SHARED", "writes")
        });
        out.push(h);
    } else if let Some(act) = info
        .acts
        .iter()
        .find(|a| a.action == Action::ColumnType)
        .filter(|_| !online_algorithm(algorithm))
    {
        out.push(Hit::of(Check::MysqlColumnType, act));
    } else if !online_algorithm(algorithm)
        && lock != Some("NONE")
        && !info
            .acts
            .iter()
            .all(|a| matches!(a.action, Action::RenameTable))
    {
        out.push(Hit::of(Check::MysqlBlocking, first));
    }
    out
}

/// MySQL checks of one DSL operation (no ALGORITHM/LOCK options there).
pub fn mysql_dsl_hits(act: &Act) -> Vec<Hit> {
    let check = match act.action {
        Action::RenameColumn => Check::RenameColumn,
        Action::RenameTable => Check::RenameTable,
        Action::ColumnType => Check::MysqlColumnType,
        Action::CreateIndex { .. }
        | Action::DropIndex { .. }
        | Action::ForeignKey { .. }
        | Action::Check { .. }
        | Action::Unique { .. }
        | Action::PrimaryKey { .. }
        | Action::SetNotNull
        | Action::AddColumn { .. } => Check::MysqlBlocking,
        _ => return Vec::new(),
    };
    vec![Hit::of(check, act)]
}
