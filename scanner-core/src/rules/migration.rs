//! Rules of the `migration` category.

use super::Rule;
use crate::report::{Category, Severity};

rules! { RULES;
    /// A recognised migration file.
    FILE = "migration.file", Migration, Info, "Database migration file",
        what: "A schema migration the package ships: Flyway (V/U/R files), golang-migrate, dbmate, goose, sql-migrate, Liquibase changelogs (XML, YAML, formatted SQL), Alembic revisions, Rails and Django migrations, or SQL scripts in a migrations folder. The finding names the tool, the SQL dialect guessed for the file, the version, the direction, how many statements it runs, its rollback status and each statement.",
        why: "Migrations run once, during the upgrade, against the production database: what they lock, how long they take and whether they can be undone decides how long the window must be and whether the upgrade can be rolled back.",
        fix: "Nothing to do for this finding itself; read the file's other findings, and check the list of statements against the database the upgrade targets.";
    /// Index built or dropped without CONCURRENTLY (or the DSL equivalent).
    INDEX_LOCK = "migration.index-lock", Migration, High, "Index built or dropped under a blocking lock",
        what: "An index created, dropped or rebuilt on an existing table without CONCURRENTLY (PostgreSQL `CREATE INDEX`, `DROP INDEX`, `REINDEX`; Rails `add_index` without `algorithm: :concurrently`; Django `AddIndex`; Alembic `op.create_index` without `postgresql_concurrently=True`; Liquibase `createIndex`). The finding names the lock, what it blocks and the non-blocking form.",
        why: "Building an index takes a SHARE lock that blocks every insert, update and delete on the table for as long as the build runs (minutes to hours on a large table); dropping one takes an ACCESS EXCLUSIVE lock that blocks reads too. The application stalls during the upgrade.",
        fix: "Use `CREATE INDEX CONCURRENTLY` / `DROP INDEX CONCURRENTLY` / `REINDEX ... CONCURRENTLY`, outside a transaction (Rails: `algorithm: :concurrently` with `disable_ddl_transaction!`; Django: `AddIndexConcurrently` with `atomic = False`; Alembic: `postgresql_concurrently=True` in an `autocommit_block()`), or confirm the table is small.";
    /// Constraint added or enforced with a full scan under a blocking lock.
    CONSTRAINT_LOCK = "migration.constraint-lock", Migration, High, "Constraint checked under a blocking lock",
        what: "A foreign key or check constraint added without NOT VALID, a UNIQUE or PRIMARY KEY constraint that builds its index in place, or a column set NOT NULL on an existing table (also Rails `add_foreign_key`, `change_column_null`, Django `AddConstraint`, Alembic `create_foreign_key`, Liquibase `addNotNullConstraint`...).",
        why: "PostgreSQL checks every existing row while holding the lock: ACCESS EXCLUSIVE (reads and writes blocked) for check, unique, primary key and NOT NULL, SHARE ROW EXCLUSIVE on both tables (writes blocked) for a foreign key. On a large table the application stalls for the whole scan.",
        fix: "Add the constraint with NOT VALID and run `VALIDATE CONSTRAINT` in a later transaction (it only takes SHARE UPDATE EXCLUSIVE); build unique indexes with `CREATE UNIQUE INDEX CONCURRENTLY` then `ADD CONSTRAINT ... USING INDEX`; for NOT NULL add a `CHECK (col IS NOT NULL) NOT VALID`, validate it, then `SET NOT NULL`.";
    /// Table rewritten under ACCESS EXCLUSIVE.
    TABLE_REWRITE = "migration.table-rewrite", Migration, High, "Table rewritten under an exclusive lock",
        what: "A statement that makes PostgreSQL rewrite the whole table: a column type change, a column added with a volatile default (`gen_random_uuid()`, `random()`, a user function), a serial, identity or stored generated column added to an existing table, `VACUUM FULL`, `CLUSTER` (also Rails `change_column`, Alembic `alter_column(type_=...)`, Liquibase `modifyDataType`).",
        why: "The rewrite holds an ACCESS EXCLUSIVE lock from start to end: nobody can read or write the table, and the time grows with its size. The upgrade window stretches and the application is down meanwhile.",
        fix: "Add a new nullable column (or one with a constant default), backfill it in batches, switch the application over and drop the old column in a later release; keep only type changes PostgreSQL does without a rewrite (widening a varchar, dropping a length limit).";
    /// Statement that blocks reads and writes where a non-blocking form exists.
    EXCLUSIVE_LOCK = "migration.exclusive-lock", Migration, Medium, "Statement blocks reads and writes while it runs",
        what: "`ALTER TABLE ... DETACH PARTITION` without CONCURRENTLY, or `REFRESH MATERIALIZED VIEW` without CONCURRENTLY.",
        why: "Both hold an ACCESS EXCLUSIVE lock (or EXCLUSIVE on the view) until they finish, so queries on the table or view wait behind them.",
        fix: "Use `DETACH PARTITION ... CONCURRENTLY` (PostgreSQL 14+) and `REFRESH MATERIALIZED VIEW CONCURRENTLY` (needs a unique index on the view), outside a transaction.";
    /// NOT NULL column without a default.
    REQUIRED_COLUMN = "migration.required-column", Migration, High, "NOT NULL column added without a default",
        what: "A column added as NOT NULL with no DEFAULT to a table that already exists (also Rails `add_column ... null: false` and Liquibase `addColumn` with `nullable=\"false\"`).",
        why: "PostgreSQL refuses the statement as soon as the table has one row: the migration fails in the middle of the upgrade, often only in production where the table is not empty.",
        fix: "Add the column nullable or with a constant DEFAULT, backfill it, then enforce NOT NULL through a validated check constraint.";
    /// Rename of a table or column.
    RENAME = "migration.rename", Migration, Medium, "Table or column renamed",
        what: "A table or column renamed (`ALTER TABLE ... RENAME`, MySQL `RENAME TABLE` / `CHANGE`, Rails `rename_column`, Django `RenameField` / `RenameModel`, Liquibase `renameColumn` / `renameTable`).",
        why: "The rename is quick but takes an ACCESS EXCLUSIVE lock, and every instance of the old application version still running during a rolling upgrade breaks on the old name at once.",
        fix: "Expand and contract: add the new column (or a view with the new name), write to both, move the application, and drop the old name in a later release.";
    /// Locking statements without lock_timeout.
    LOCK_TIMEOUT = "migration.lock-timeout", Migration, Low, "Locks taken without a lock timeout",
        what: "A PostgreSQL migration that takes table locks (ALTER TABLE, CREATE/DROP INDEX...) on existing tables without a `SET lock_timeout` before the first of them. Reported once per file, at the first such statement.",
        why: "A statement waiting for its lock behind a long query queues every later query on the table behind itself: a migration that would take a millisecond can stop the application for as long as that query runs.",
        fix: "Start the migration with `SET lock_timeout = '5s'` (or set it for the migration user) and retry the migration when it times out; ignore this finding when the runner sets a timeout for the session.";
    /// CONCURRENTLY inside a transaction.
    CONCURRENTLY_IN_TRANSACTION = "migration.concurrently-in-transaction", Migration, High, "CONCURRENTLY inside a transaction",
        what: "`CREATE INDEX CONCURRENTLY`, `DROP INDEX CONCURRENTLY` or another CONCURRENTLY statement in a migration the tool runs inside a transaction (Flyway mixing it with transactional statements, dbmate, Liquibase, Alembic, Django and Rails by default, or an explicit BEGIN).",
        why: "PostgreSQL refuses CONCURRENTLY inside a transaction block: the migration fails during the upgrade and the tool stops there.",
        fix: "Run the statement outside a transaction: its own migration file, `-- migrate:up transaction:false` (dbmate), `runInTransaction=\"false\"` (Liquibase), `disable_ddl_transaction!` (Rails), `atomic = False` (Django), `op.get_context().autocommit_block()` (Alembic).";
    /// Forward migration deletes data.
    DESTRUCTIVE = "migration.destructive-statement", Migration, Medium, "Migration deletes data",
        what: "A forward migration that drops a table, a column, a schema or a database, or truncates a table that already exists (also Rails `drop_table` / `remove_column`, Django `DeleteModel` / `RemoveField`, Alembic `op.drop_table` / `op.drop_column`, Liquibase `dropTable` / `dropColumn`).",
        why: "The data is gone once the migration ran: rolling the upgrade back cannot bring it back, and the old application version breaks on the missing table or column.",
        fix: "Take and verify a backup before the window; drop tables and columns only in a release after the one that stopped using them.";
    /// MySQL DDL without online options.
    MYSQL_BLOCKING_DDL = "migration.mysql-blocking-ddl", Migration, Medium, "MySQL DDL without online options",
        what: "A MySQL `ALTER TABLE`, `CREATE INDEX` or `DROP INDEX` on an existing table without `ALGORITHM=INSTANT`, `ALGORITHM=INPLACE` or `LOCK=NONE`.",
        why: "MySQL then picks the algorithm itself: when the change cannot be done in place it silently copies the table and blocks writes for the whole copy, and every ALTER waits for a metadata lock that queues all later queries on the table.",
        fix: "State `ALGORITHM=INSTANT` or `ALGORITHM=INPLACE, LOCK=NONE` so MySQL refuses instead of locking, or run the change with an online schema change tool (gh-ost, pt-online-schema-change).";
    /// MySQL table copy.
    MYSQL_TABLE_COPY = "migration.mysql-table-copy", Migration, High, "MySQL DDL copies the table",
        what: "A MySQL statement that copies the table: `ALGORITHM=COPY`, `LOCK=SHARED` or `LOCK=EXCLUSIVE` stated explicitly, or a column type change (`MODIFY` / `CHANGE COLUMN` with a type) without an online algorithm.",
        why: "The table is copied row by row while writes (and with LOCK=EXCLUSIVE reads) are blocked; on a large table that takes hours and the application is down for the whole time.",
        fix: "Run the change with gh-ost or pt-online-schema-change, or use `ALGORITHM=INPLACE, LOCK=NONE` where MySQL supports the change in place.";
    /// Forward migration without a rollback.
    MISSING_ROLLBACK = "migration.missing-rollback", Migration, Low, "Migration cannot be rolled back",
        what: "A forward migration with no way back: a Flyway V file without a U file of the same version, a golang-migrate up file without its down file, a dbmate or goose file without a down section, a Liquibase changeset without rollback that Liquibase cannot generate (sql, dropTable, dropColumn, delete...), an Alembic `downgrade()` that does nothing, a Rails migration with irreversible operations or `ActiveRecord::IrreversibleMigration`, a Django RunSQL or RunPython without reverse. Medium when the migration declares itself irreversible.",
        why: "If the upgrade has to be rolled back, the database cannot follow the application back to the old version: the old application meets the new schema, or the database has to be restored from a backup.",
        fix: "Write the down migration (U file, .down.sql, rollback block, downgrade(), reverse_sql), or plan the rollback as a restore and take a verified backup before the window.";
    /// Rollback that deletes data.
    DESTRUCTIVE_ROLLBACK = "migration.destructive-rollback", Migration, Medium, "Rollback deletes data",
        what: "A down, undo or rollback script that drops a table or a column, truncates or deletes rows (`DROP TABLE`, `DROP COLUMN`, `TRUNCATE`, `DELETE`, Rails `drop_table`, Alembic `op.drop_table`...).",
        why: "Rolling back after the new version has run throws away what it wrote in the meantime: the rollback restores the schema, not the data.",
        fix: "Decide before the window whether a rollback may lose that data; if not, export the affected tables before rolling back, or plan a restore instead.";
    /// Statement that could not be read.
    UNPARSED = "migration.unparsed-statement", Migration, Low, "Migration statement not understood",
        what: "A statement of a migration file that the scanner cannot read: an unterminated string or comment, unbalanced parentheses, an unknown command, a changelog that is not well-formed, or a file too large to check. The rest of the file is checked.",
        why: "Nothing is known about what this statement locks or whether it can be undone, and the database may refuse it just the same.",
        fix: "Read the statement yourself; if the database refuses it too, the migration will fail during the upgrade.";
    /// More findings than listed.
    MORE_FINDINGS = "migration.more-findings", Migration, Info, "More migration findings in this file",
        what: "A migration file with more findings than the scanner lists for one file; the rest were left out.",
        why: "The file changes many things at once; the findings that are listed are the first ones in the file.",
        fix: "Review the whole file by hand.";
}
