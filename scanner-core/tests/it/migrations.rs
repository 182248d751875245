//! Database migrations through the whole scanner: every tool, both dialects, each lock check,
//! missing and destructive rollbacks, statements that cannot be read, and line numbers.

use crate::common::*;
use scanner_core::report::MigrationInfo;
use scanner_core::{Category, Finding, Report, Severity};

fn scan(text: &str) -> Report {
    scan_bytes(&fixture(text))
}

/// The migration findings of one file but its `migration.file` summary, by line then rule.
fn at<'r>(r: &'r Report, path: &str) -> Vec<&'r Finding> {
    let mut v: Vec<&Finding> = r
        .findings
        .iter()
        .filter(|f| f.category == Category::Migration && f.path == path)
        .filter(|f| f.rule != "migration.file")
        .collect();
    v.sort_by(|a, b| a.line.cmp(&b.line).then_with(|| a.rule.cmp(&b.rule)));
    v
}

/// (line, rule) of a file's findings, the `migration.file` summary left out.
fn rows(r: &Report, path: &str) -> Vec<(Option<u32>, String)> {
    at(r, path)
        .into_iter()
        .map(|f| (f.line, f.rule.clone()))
        .collect()
}

fn row(line: u32, rule: &str) -> (Option<u32>, String) {
    (Some(line), rule.to_string())
}

fn info(f: &Finding) -> MigrationInfo {
    f.migration
        .clone()
        .unwrap_or_else(|| MigrationInfo::new("", "", ""))
}

/// The `migration.file` summary of a file.
fn summary(r: &Report, path: &str) -> Option<MigrationInfo> {
    r.findings
        .iter()
        .find(|f| f.rule == "migration.file" && f.path == path)
        .map(info)
}

/// (line, check) of a file's statement findings.
fn checks(r: &Report, path: &str) -> Vec<(u32, String)> {
    at(r, path)
        .into_iter()
        .filter_map(|f| Some((f.line?, info(f).check?)))
        .collect()
}

// ---------------------------------------------------------------------------------------------
// Flyway, PostgreSQL.

const FLYWAY: &str = r#"
//- /app/db/migration/V1__init.sql
CREATE TABLE orders (id bigserial PRIMARY KEY, user_id bigint, total numeric);
CREATE INDEX orders_user ON orders (user_id);
//- /app/db/migration/V2__orders_index.sql
-- index for the report
CREATE INDEX orders_total ON orders (total);
ALTER TABLE orders ADD CONSTRAINT orders_user_fk FOREIGN KEY (user_id) REFERENCES users (id);
ALTER TABLE orders ALTER COLUMN total TYPE numeric(12,2);
ALTER TABLE orders ADD COLUMN ref uuid DEFAULT gen_random_uuid();
ALTER TABLE orders
    ADD COLUMN note text NOT NULL;
ALTER TABLE orders RENAME COLUMN total TO amount;
CREATE INDEX CONCURRENTLY orders_ref ON orders (ref);
//- /app/db/migration/U2__orders_index.sql
DROP INDEX orders_total;
ALTER TABLE orders DROP COLUMN ref;
//- /app/db/migration/R__views.sql
CREATE OR REPLACE VIEW v AS SELECT 1;
"#;

case! {
    fn flyway_postgres_lock_findings_at_their_lines() {
        let r = scan(FLYWAY);
        assert_eq!(
            rows(&r, "app/db/migration/V2__orders_index.sql"),
            vec![
                row(2, "migration.index-lock"),
                row(2, "migration.lock-timeout"),
                row(3, "migration.constraint-lock"),
                row(4, "migration.table-rewrite"),
                row(5, "migration.table-rewrite"),
                row(6, "migration.required-column"),
                row(8, "migration.rename"),
                row(9, "migration.concurrently-in-transaction"),
            ]
        );
        let v2 = at(&r, "app/db/migration/V2__orders_index.sql");
        let index = info(v2[0]);
        assert_eq!(index.tool, "flyway");
        assert_eq!(index.dialect, "postgresql");
        assert_eq!(index.direction, "up");
        assert_eq!(index.version.as_deref(), Some("2"));
        assert_eq!(
            index.check.as_deref(),
            Some("require-concurrent-index-creation")
        );
        assert_eq!(index.lock.as_deref(), Some("SHARE"));
        assert_eq!(index.blocks.as_deref(), Some("writes"));
        assert!(index
            .safe_form
            .as_deref()
            .is_some_and(|s| s.contains("CONCURRENTLY")));
        assert_eq!(
            index.statement.as_deref(),
            Some("CREATE INDEX orders_total ON orders (total)")
        );
        assert_eq!(v2[0].severity, Severity::High);
        assert!(v2[0].title.contains("SHARE lock blocks writes"));
        assert!(v2[0].evidence.contains("dialect: postgresql"));
        let fk = info(v2[2]);
        assert_eq!(fk.lock.as_deref(), Some("SHARE ROW EXCLUSIVE"));
        assert!(fk
            .safe_form
            .as_deref()
            .is_some_and(|s| s.contains("NOT VALID") && s.contains("VALIDATE CONSTRAINT")));
        assert_eq!(info(v2[3]).lock.as_deref(), Some("ACCESS EXCLUSIVE"));
        assert_eq!(info(v2[3]).blocks.as_deref(), Some("reads and writes"));
        assert!(v2[4].title.contains("volatile default"));
    }
}

case! {
    fn flyway_rollbacks_pair_by_version() {
        let r = scan(FLYWAY);
        // V1: table and index created together, nothing locked; no U1.
        assert_eq!(
            rows(&r, "app/db/migration/V1__init.sql"),
            vec![(None, "migration.missing-rollback".to_string())]
        );
        let v1 = summary(&r, "app/db/migration/V1__init.sql");
        assert!(v1
            .as_ref()
            .is_some_and(|i| i.rollback.as_deref() == Some("missing")));
        // V2's undo drops a column: destructive.
        assert_eq!(
            rows(&r, "app/db/migration/U2__orders_index.sql"),
            vec![row(2, "migration.destructive-rollback")]
        );
        let v2 = summary(&r, "app/db/migration/V2__orders_index.sql");
        assert!(v2.is_some(), "no summary for V2");
        let Some(v2) = v2 else { return };
        assert_eq!(v2.rollback.as_deref(), Some("destructive"));
        assert_eq!(
            v2.counterpart.as_deref(),
            Some("app/db/migration/U2__orders_index.sql")
        );
        assert_eq!(v2.statements, Some(7));
        assert_eq!(v2.steps.len(), 7);
        assert_eq!(v2.steps[0].line, 2);
        assert_eq!(v2.steps[0].lock.as_deref(), Some("SHARE"));
        assert_eq!(v2.steps[4].line, 6);
        let u2 = summary(&r, "app/db/migration/U2__orders_index.sql");
        assert!(u2
            .as_ref()
            .is_some_and(|i| i.direction == "down" && i.rollback.is_none()));
        assert!(
            u2.is_some_and(
                |i| i.counterpart.as_deref() == Some("app/db/migration/V2__orders_index.sql")
            )
        );
        let rep = summary(&r, "app/db/migration/R__views.sql");
        assert!(rep.is_some_and(
            |i| i.direction == "repeatable" && i.rollback.as_deref() == Some("not-needed")
        ));
    }
}

// ---------------------------------------------------------------------------------------------
// Each PostgreSQL check, one statement per file.

case! {
    fn each_postgres_check_and_its_safe_form() {
        let cases: &[(&str, Option<&str>)] = &[
            (
                "CREATE INDEX i ON t (a);",
                Some("require-concurrent-index-creation"),
            ),
            ("CREATE INDEX CONCURRENTLY i ON t (a);", None),
            ("DROP INDEX i;", Some("require-concurrent-index-deletion")),
            ("DROP INDEX CONCURRENTLY i;", None),
            ("REINDEX INDEX i;", Some("require-concurrent-reindex")),
            ("REINDEX INDEX CONCURRENTLY i;", None),
            (
                "ALTER TABLE t ADD CONSTRAINT f FOREIGN KEY (a) REFERENCES u (id);",
                Some("adding-foreign-key-constraint"),
            ),
            (
                "ALTER TABLE t ADD CONSTRAINT f FOREIGN KEY (a) REFERENCES u (id) NOT VALID;",
                None,
            ),
            (
                "ALTER TABLE t ADD CONSTRAINT c CHECK (a > 0);",
                Some("constraint-missing-not-valid"),
            ),
            (
                "ALTER TABLE t ADD CONSTRAINT c CHECK (a > 0) NOT VALID;",
                None,
            ),
            ("ALTER TABLE t VALIDATE CONSTRAINT c;", None),
            (
                "ALTER TABLE t ADD CONSTRAINT u UNIQUE (a);",
                Some("disallowed-unique-constraint"),
            ),
            (
                "ALTER TABLE t ADD CONSTRAINT u UNIQUE USING INDEX t_a;",
                None,
            ),
            (
                "ALTER TABLE t ADD PRIMARY KEY (id);",
                Some("adding-serial-primary-key-field"),
            ),
            (
                "ALTER TABLE t ALTER COLUMN a SET NOT NULL;",
                Some("adding-not-nullable-field"),
            ),
            (
                "ALTER TABLE t ALTER COLUMN a SET DATA TYPE bigint;",
                Some("changing-column-type"),
            ),
            (
                "ALTER TABLE t ADD COLUMN a uuid DEFAULT uuid_generate_v4();",
                Some("adding-field-with-default"),
            ),
            (
                "ALTER TABLE t ADD COLUMN a timestamptz DEFAULT now();",
                None,
            ),
            (
                "ALTER TABLE t ADD COLUMN a bigserial;",
                Some("adding-field-with-default"),
            ),
            (
                "ALTER TABLE t ADD COLUMN a int GENERATED ALWAYS AS (b * 2) STORED;",
                Some("adding-field-with-default"),
            ),
            (
                "ALTER TABLE t ADD COLUMN a int NOT NULL;",
                Some("adding-required-field"),
            ),
            ("ALTER TABLE t ADD COLUMN a int NOT NULL DEFAULT 0;", None),
            (
                "ALTER TABLE t RENAME COLUMN a TO b;",
                Some("renaming-column"),
            ),
            ("ALTER TABLE t RENAME TO u;", Some("renaming-table")),
            (
                "ALTER TABLE t DETACH PARTITION p;",
                Some("require-concurrent-partition-detach"),
            ),
            ("ALTER TABLE t DETACH PARTITION p CONCURRENTLY;", None),
            (
                "REFRESH MATERIALIZED VIEW v;",
                Some("require-concurrent-refresh"),
            ),
            ("VACUUM FULL t;", Some("prefer-repack")),
            ("CLUSTER t USING t_pkey;", Some("prefer-repack")),
            ("DROP TABLE t;", Some("ban-drop-table")),
            ("ALTER TABLE t DROP COLUMN a;", Some("ban-drop-column")),
            ("TRUNCATE t;", Some("ban-truncate")),
        ];
        let mut text = String::new();
        for (i, (sql, _)) in cases.iter().enumerate() {
            // golang-migrate files: no transaction, so CONCURRENTLY is fine.
            text.push_str(&format!(
                "//- /m/{:03}_case.up.sql\nSET lock_timeout = '5s';\n{sql}\n//- /m/{:03}_case.down.sql\nSELECT 1;\n",
                i + 1,
                i + 1
            ));
        }
        let r = scan(&text);
        for (i, (sql, want)) in cases.iter().enumerate() {
            let path = format!("m/{:03}_case.up.sql", i + 1);
            let got: Vec<String> = checks(&r, &path).into_iter().map(|(_, c)| c).collect();
            let want: Vec<String> = want.iter().map(|w| w.to_string()).collect();
            assert_eq!(got, want, "{sql}");
            for f in at(&r, &path)
                .into_iter()
                .filter(|f| f.rule != "migration.file")
            {
                let i = info(f);
                assert_eq!(f.line, Some(2), "{sql}");
                assert!(i.safe_form.is_some_and(|s| !s.is_empty()), "{sql}");
                assert!(!f.title.is_empty());
            }
        }
    }
}

case! {
    fn lock_timeout_once_per_file_unless_set() {
        let r = scan(
            "//- /m/1_a.up.sql\nALTER TABLE t ADD COLUMN a int;\nALTER TABLE t ADD COLUMN b int;\n\
             //- /m/2_b.up.sql\nSET LOCAL lock_timeout TO '2s';\nALTER TABLE t ADD COLUMN c int;\n\
             //- /m/3_c.up.sql\nCREATE TABLE n (id int);\nALTER TABLE n ADD COLUMN c int NOT NULL;\nCREATE INDEX ni ON n (c);\n",
        );
        assert_eq!(
            rows(&r, "m/1_a.up.sql"),
            vec![
                (None, "migration.missing-rollback".to_string()),
                row(1, "migration.lock-timeout")
            ]
        );
        assert!(checks(&r, "m/2_b.up.sql").is_empty());
        // A table created in the same migration is new: nothing waits on it.
        assert!(checks(&r, "m/3_c.up.sql").is_empty());
    }
}

case! {
    fn concurrently_and_transactions_per_tool() {
        let r = scan(
            "//- /db/migration/V5__only_concurrent.sql\nCREATE INDEX CONCURRENTLY a ON t (x);\n\
             //- /db/migration/V6__mixed.sql\nCREATE INDEX CONCURRENTLY b ON t (x);\nUPDATE t SET x = 1;\n\
             //- /m/7_explicit.up.sql\nBEGIN;\nCREATE INDEX CONCURRENTLY c ON t (x);\nCOMMIT;\nDROP INDEX CONCURRENTLY c;\n\
             //- /db/20240101_d.sql\n-- migrate:up transaction:false\nCREATE INDEX CONCURRENTLY d ON t (x);\n-- migrate:down\nDROP INDEX CONCURRENTLY d;\n",
        );
        let tx = "ban-concurrent-index-creation-in-transaction";
        // Flyway runs a migration of CONCURRENTLY statements alone outside a transaction.
        assert!(checks(&r, "db/migration/V5__only_concurrent.sql").is_empty());
        assert_eq!(
            checks(&r, "db/migration/V6__mixed.sql"),
            vec![(1, tx.to_string())]
        );
        assert_eq!(checks(&r, "m/7_explicit.up.sql"), vec![(2, tx.to_string())]);
        assert!(checks(&r, "db/20240101_d.sql").is_empty());
    }
}

// ---------------------------------------------------------------------------------------------
// golang-migrate, dbmate, goose, sql-migrate.

const SECTIONS: &str = r#"
//- /svc/migrations/000001_create_users.up.sql
CREATE TABLE users (id serial PRIMARY KEY, email text);
//- /svc/migrations/000001_create_users.down.sql
DROP TABLE users;
//- /svc/migrations/000002_email_index.up.sql
CREATE UNIQUE INDEX users_email ON users (email);
//- /svc/migrations/000002_email_index.down.sql
DROP INDEX users_email;
//- /svc/migrations/000003_email_check.up.sql
ALTER TABLE users ADD CONSTRAINT users_email_chk CHECK (email <> '');
//- /db/migrations/20240101120000_orders.sql
-- migrate:up
CREATE INDEX CONCURRENTLY orders_created ON orders (created_at);
SELECT 'unterminated;
ALTER TABLE orders ADD COLUMN x int;
ALTR TABLE orders DROP y;
ALTER TABLE orders ADD COLUMN z int NOT NULL;

-- migrate:down
-- nothing
//- /db/goose/00004_add_col.sql
-- +goose Up
-- +goose StatementBegin
ALTER TABLE users ADD COLUMN age int;
-- +goose StatementEnd
-- +goose Down
ALTER TABLE users DROP COLUMN age;
//- /db/sqlmigrate/5_rename.sql
-- +migrate Up
ALTER TABLE users RENAME COLUMN email TO mail;
-- +migrate Down
ALTER TABLE users RENAME COLUMN mail TO email;
"#;

case! {
    fn golang_migrate_up_down_pairs() {
        let r = scan(SECTIONS);
        let s1 = summary(&r, "svc/migrations/000001_create_users.up.sql");
        assert!(s1
            .as_ref()
            .is_some_and(|i| i.tool == "golang-migrate" && i.version.as_deref() == Some("000001")));
        assert!(
            s1.is_some_and(|i| i.rollback.as_deref() == Some("destructive")
                && i.counterpart.as_deref() == Some("svc/migrations/000001_create_users.down.sql"))
        );
        assert_eq!(
            rows(&r, "svc/migrations/000001_create_users.down.sql"),
            vec![row(1, "migration.destructive-rollback")]
        );
        let s2 = summary(&r, "svc/migrations/000002_email_index.up.sql");
        assert!(s2.is_some_and(|i| i.rollback.as_deref() == Some("present")));
        // No down file for 000003.
        let s3 = summary(&r, "svc/migrations/000003_email_check.up.sql");
        assert!(s3
            .as_ref()
            .is_some_and(|i| i.rollback.as_deref() == Some("missing")));
        assert!(rows(&r, "svc/migrations/000003_email_check.up.sql")
            .contains(&(None, "migration.missing-rollback".to_string())));
        // No dialect marker: checked with the PostgreSQL rules, and the finding says so.
        assert!(s3.is_some_and(|i| i.dialect == "unknown"));
        let idx = at(&r, "svc/migrations/000002_email_index.up.sql");
        assert!(idx.iter().any(|f| f.rule == "migration.index-lock"
            && f.evidence
                .contains("dialect: unknown (not stated; checked with the PostgreSQL rules)")));
    }
}

case! {
    fn dbmate_unreadable_statements_do_not_stop_the_file() {
        let r = scan(SECTIONS);
        let path = "db/migrations/20240101120000_orders.sql";
        assert_eq!(
            rows(&r, path),
            vec![
                row(1, "migration.missing-rollback"),
                row(2, "migration.concurrently-in-transaction"),
                row(3, "migration.unparsed-statement"),
                row(4, "migration.lock-timeout"),
                row(5, "migration.unparsed-statement"),
                row(6, "migration.required-column"),
            ]
        );
        let f = at(&r, path);
        assert!(f[2].title.contains("unterminated string"));
        assert!(f[4].title.contains("ALTR"));
        assert_eq!(f[4].severity, Severity::Low);
        let s = summary(&r, path);
        assert!(s
            .as_ref()
            .is_some_and(|i| i.tool == "dbmate" && i.direction == "both"));
        assert!(s.is_some_and(|i| i.rollback.as_deref() == Some("missing") && i.statements == Some(5)));
    }
}

case! {
    fn goose_and_sql_migrate_sections() {
        let r = scan(SECTIONS);
        let goose = summary(&r, "db/goose/00004_add_col.sql");
        assert!(goose
            .as_ref()
            .is_some_and(|i| i.tool == "goose" && i.rollback.as_deref() == Some("destructive")));
        assert_eq!(
            rows(&r, "db/goose/00004_add_col.sql"),
            vec![
                row(3, "migration.lock-timeout"),
                row(6, "migration.destructive-rollback")
            ]
        );
        let sm = summary(&r, "db/sqlmigrate/5_rename.sql");
        assert!(sm.is_some_and(|i| i.tool == "sql-migrate" && i.rollback.as_deref() == Some("present")));
        assert!(rows(&r, "db/sqlmigrate/5_rename.sql").contains(&row(2, "migration.rename")));
        // The rename back in the down section is not checked for locks.
        assert!(!rows(&r, "db/sqlmigrate/5_rename.sql").contains(&row(4, "migration.rename")));
    }
}

// ---------------------------------------------------------------------------------------------
// MySQL.

const MYSQL: &str = r#"
//- /db/migrations/003_orders.sql
CREATE TABLE `audit` (`id` int unsigned NOT NULL AUTO_INCREMENT, PRIMARY KEY (`id`)) ENGINE=InnoDB;
ALTER TABLE `audit` ADD COLUMN `note` text;
ALTER TABLE `orders` ADD COLUMN `status` varchar(20) NOT NULL DEFAULT 'new';
ALTER TABLE `orders` MODIFY COLUMN `total` DECIMAL(12,2) NOT NULL;
ALTER TABLE `orders` ADD INDEX idx_status (`status`), ALGORITHM=INPLACE, LOCK=NONE;
ALTER TABLE `orders` ADD COLUMN `flag` tinyint, ALGORITHM=INSTANT;
ALTER TABLE `orders` ENGINE=InnoDB, ALGORITHM=COPY;
ALTER TABLE `orders` ADD COLUMN `x` int, LOCK=EXCLUSIVE;
CREATE INDEX idx_total ON orders (total);
DROP INDEX idx_old ON orders;
ALTER TABLE `orders` CHANGE COLUMN `code` `order_code` varchar(40);
RENAME TABLE orders TO orders_old;
# a MySQL comment; with a semicolon
ALTER TABLE `orders` MODIFY `note` text, ALGORITHM=INPLACE, LOCK=NONE;
//- /db/migrations/rollback/003_orders.sql
ALTER TABLE `orders` DROP COLUMN `status`;
"#;

case! {
    fn mysql_online_ddl_rules() {
        let r = scan(MYSQL);
        let path = "db/migrations/003_orders.sql";
        assert_eq!(
            checks(&r, path),
            vec![
                (3, "mysql-online-ddl".to_string()),
                (4, "mysql-column-type-change".to_string()),
                (7, "mysql-algorithm-copy".to_string()),
                (8, "mysql-algorithm-copy".to_string()),
                (9, "mysql-online-ddl".to_string()),
                (10, "mysql-online-ddl".to_string()),
                (11, "mysql-column-type-change".to_string()),
                (11, "renaming-column".to_string()),
                (12, "renaming-table".to_string()),
            ]
        );
        let f = at(&r, path);
        let copy = f.iter().find(|f| f.line == Some(8)).map(|f| info(f));
        assert!(copy
            .as_ref()
            .is_some_and(|i| i.lock.as_deref() == Some("EXCLUSIVE")
                && i.blocks.as_deref() == Some("reads and writes")));
        assert!(copy.is_some_and(|i| i.dialect == "mysql"));
        let blocking = f.iter().find(|f| f.line == Some(3)).map(|f| info(f));
        assert!(blocking.is_some_and(|i| i
            .safe_form
            .is_some_and(|s| s.contains("gh-ost") && s.contains("ALGORITHM=INPLACE, LOCK=NONE"))));
        assert!(f.iter().all(|f| f.rule != "migration.lock-timeout"));
        // A plain script pairs with the one in rollback/.
        let s = summary(&r, path);
        assert!(s
            .as_ref()
            .is_some_and(|i| i.tool == "sql" && i.dialect == "mysql"));
        assert!(
            s.is_some_and(|i| i.rollback.as_deref() == Some("destructive")
                && i.counterpart.as_deref() == Some("db/migrations/rollback/003_orders.sql"))
        );
        assert_eq!(
            rows(&r, "db/migrations/rollback/003_orders.sql"),
            vec![row(1, "migration.destructive-rollback")]
        );
    }
}

// ---------------------------------------------------------------------------------------------
// Liquibase.

const LIQUIBASE: &str = r#"
//- /app/src/main/resources/db/changelog/db.changelog-master.xml
<?xml version="1.0" encoding="UTF-8"?>
<databaseChangeLog xmlns="http://www.liquibase.org/xml/ns/dbchangelog">
    <include file="changes/001.xml"/>
</databaseChangeLog>
//- /app/src/main/resources/db/changelog/changes/001.xml
<?xml version="1.0" encoding="UTF-8"?>
<databaseChangeLog xmlns="http://www.liquibase.org/xml/ns/dbchangelog">
    <changeSet id="1" author="ana">
        <createTable tableName="invoice">
            <column name="id" type="bigint"/>
        </createTable>
        <createIndex tableName="invoice" indexName="inv_id"><column name="id"/></createIndex>
    </changeSet>
    <changeSet id="2" author="ana" dbms="postgresql">
        <createIndex tableName="customer" indexName="cust_email">
            <column name="email"/>
        </createIndex>
        <addColumn tableName="customer">
            <column name="tier" type="int">
                <constraints nullable="false"/>
            </column>
        </addColumn>
    </changeSet>
    <changeSet id="3" author="bob">
        <sql>
            UPDATE customer SET tier = 1 WHERE tier IS NULL;
            ALTER TABLE customer ALTER COLUMN tier SET NOT NULL;
        </sql>
    </changeSet>
    <changeSet id="4" author="bob">
        <dropColumn tableName="customer" columnName="legacy"/>
        <rollback>
            <sql><![CDATA[ALTER TABLE customer ADD COLUMN legacy text;]]></sql>
        </rollback>
    </changeSet>
    <changeSet id="5" author="bob">
        <addColumn tableName="customer"><column name="score" type="int"/></addColumn>
        <rollback>
            DELETE FROM customer WHERE score &gt; 0;
            ALTER TABLE customer DROP COLUMN score;
        </rollback>
    </changeSet>
    <changeSet id="6" author="cy" dbms="mysql">
        <modifyDataType tableName="customer" columnName="tier" newDataType="bigint"/>
        <rollback/>
    </changeSet>
</databaseChangeLog>
//- /app/db/changelog/002.yaml
databaseChangeLog:
  - changeSet:
      id: 10
      author: cy
      changes:
        - createIndex:
            tableName: account
            indexName: acc_name
            columns:
              - column:
                  name: name
        - sql:
            sql: |
              ALTER TABLE account ADD CONSTRAINT acc_fk FOREIGN KEY (org) REFERENCES org (id);
              ALTER TABLE account RENAME COLUMN nm TO name2;
      rollback:
        - dropIndex:
            tableName: account
            indexName: acc_name
//- /app/db/changelog/003.sql
--liquibase formatted sql

--changeset dan:20 runInTransaction:false
CREATE INDEX CONCURRENTLY acc_created ON account (created_at);
--rollback DROP INDEX CONCURRENTLY acc_created;

--changeset dan:21
ALTER TABLE account ADD COLUMN flag boolean NOT NULL;

--changeset dan:22
CREATE INDEX CONCURRENTLY acc_flag ON account (flag);
--rollback DROP TABLE account;
//- /app/db/changelog/004.xml
<databaseChangeLog>
    <changeSet id="30" author="eve">
        <sql>ALTER TABLE t ADD COLUMN c int NOT NULL;</sql>
        <rollback>ALTER TABLE t DROP COLUMN c;</rollback>
    </changeSet>
    <changeSet id="31" author="eve">
        <sql>SELECT 1 &lt; 2</sqll>
    </changeSet>
</databaseChangeLog>
"#;

case! {
    fn liquibase_xml_changesets() {
        let r = scan(LIQUIBASE);
        let path = "app/src/main/resources/db/changelog/changes/001.xml";
        assert_eq!(
            rows(&r, path),
            vec![
                row(10, "migration.index-lock"),
                row(13, "migration.required-column"),
                row(19, "migration.missing-rollback"),
                row(22, "migration.constraint-lock"),
                row(22, "migration.lock-timeout"),
                row(26, "migration.destructive-statement"),
                row(34, "migration.destructive-rollback"),
                row(35, "migration.destructive-rollback"),
                row(39, "migration.mysql-table-copy"),
            ]
        );
        let f = at(&r, path);
        let missing = info(f[2]);
        assert_eq!(missing.changeset.as_deref(), Some("3 (bob)"));
        assert!(f[2].title.contains("sql"));
        // dbms="mysql" on changeset 6.
        assert_eq!(info(f[8]).dialect, "mysql");
        assert_eq!(info(f[8]).changeset.as_deref(), Some("6 (cy)"));
        assert!(f[6]
            .evidence
            .starts_with("DELETE FROM customer WHERE score > 0"));
        let s = summary(&r, path);
        assert!(s
            .as_ref()
            .is_some_and(|i| i.tool == "liquibase" && i.rollback.as_deref() == Some("missing")));
        assert!(s.is_some_and(|i| i
            .steps
            .iter()
            .any(|st| st.changeset.as_deref() == Some("2 (ana)"))));
        // A master changelog that only includes others is not a migration.
        assert!(at(
            &r,
            "app/src/main/resources/db/changelog/db.changelog-master.xml"
        )
        .is_empty());
    }
}

case! {
    fn liquibase_yaml_and_formatted_sql() {
        let r = scan(LIQUIBASE);
        assert_eq!(
            rows(&r, "app/db/changelog/002.yaml"),
            vec![
                row(6, "migration.index-lock"),
                row(14, "migration.constraint-lock"),
                row(14, "migration.lock-timeout"),
                row(15, "migration.rename"),
            ]
        );
        assert!(summary(&r, "app/db/changelog/002.yaml")
            .is_some_and(|i| i.rollback.as_deref() == Some("present")));
        assert_eq!(
            rows(&r, "app/db/changelog/003.sql"),
            vec![
                row(7, "migration.missing-rollback"),
                row(8, "migration.lock-timeout"),
                row(8, "migration.required-column"),
                row(11, "migration.concurrently-in-transaction"),
                row(12, "migration.destructive-rollback"),
            ]
        );
    }
}

case! {
    fn liquibase_broken_xml_is_reported_and_the_rest_checked() {
        let r = scan(LIQUIBASE);
        let path = "app/db/changelog/004.xml";
        let rws = rows(&r, path);
        assert!(
            rws.contains(&row(3, "migration.required-column")),
            "{rws:?}"
        );
        assert!(
            rws.contains(&row(4, "migration.destructive-rollback")),
            "{rws:?}"
        );
        let broken: Vec<&Finding> = at(&r, path)
            .into_iter()
            .filter(|f| f.rule == "migration.unparsed-statement")
            .collect();
        assert_eq!(broken.len(), 1);
        assert_eq!(broken[0].line, Some(7));
        assert!(broken[0].title.contains("not well-formed XML"));
    }
}

// ---------------------------------------------------------------------------------------------
// Alembic, Rails, Django.

const DSL: &str = r#"
//- /app/alembic/versions/ab12cd34ef56_add_orders.py
"""add orders index

Revision ID: ab12cd34ef56
"""
from alembic import op
import sqlalchemy as sa

revision = "ab12cd34ef56"
down_revision = "0000aaaa"


def upgrade():
    op.create_table("audit", sa.Column("id", sa.Integer(), primary_key=True))
    op.create_index("audit_id", "audit", ["id"])
    op.create_index("orders_user", "orders", ["user_id"])
    op.alter_column("orders", "total", type_=sa.Numeric(12, 2))
    op.add_column("orders", sa.Column("code", sa.String(), nullable=False))
    op.execute(
        "ALTER TABLE orders ADD CONSTRAINT orders_fk "
        "FOREIGN KEY (user_id) REFERENCES users (id)"
    )
    op.create_index("orders_ref", "orders", ["ref"], postgresql_concurrently=True)


def downgrade():
    # nothing to do
    pass
//- /app/alembic/versions/cd34_drop.py
from alembic import op

revision = "cd34"
down_revision = "ab12cd34ef56"


def upgrade():
    with op.get_context().autocommit_block():
        op.create_index("o_a", "orders", ["a"], postgresql_concurrently=True)
    op.drop_column("orders", "legacy")


def downgrade():
    raise NotImplementedError("one way")
//- /app/alembic/versions/ef56_fine.py
from alembic import op

revision = "ef56"
down_revision = "cd34"


def upgrade():
    op.add_column("orders", sa.Column("memo", sa.Text()))


def downgrade():
    op.drop_column("orders", "memo")
//- /app/db/migrate/20240102030405_add_index_to_orders.rb
class AddIndexToOrders < ActiveRecord::Migration[7.1]
  def change
    add_index :orders, :user_id
    add_index :orders, :created_at, algorithm: :concurrently
    add_foreign_key :orders, :users
    add_column :orders, :status, :string, null: false
    rename_column :orders, :total, :amount
    execute <<~SQL
      UPDATE orders SET status = 'new';
      CREATE INDEX orders_status ON orders (status);
    SQL
  end
end
//- /app/db/migrate/20240102030406_drop_legacy.rb
class DropLegacy < ActiveRecord::Migration[7.1]
  def up
    remove_column :orders, :legacy
  end

  def down
    raise ActiveRecord::IrreversibleMigration
  end
end
//- /app/db/migrate/20240102030407_concurrent.rb
class Concurrent < ActiveRecord::Migration[7.1]
  disable_ddl_transaction!

  def change
    add_index :orders, :code, algorithm: :concurrently
    add_foreign_key :orders, :shops, validate: false
  end
end
//- /app/db/migrate/20240102030408_up_only.rb
class UpOnly < ActiveRecord::Migration[7.1]
  def up
    change_column_null :orders, :code, false
  end
end
//- /app/shop/migrations/0002_order_index.py
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [("shop", "0001_initial")]

    operations = [
        migrations.AddIndex(
            model_name="order",
            index=models.Index(fields=["created"], name="order_created"),
        ),
        migrations.RunSQL(
            "ALTER TABLE shop_order ADD CONSTRAINT positive CHECK (total > 0);",
        ),
        migrations.RunSQL(
            sql="UPDATE shop_order SET x = 1;",
            reverse_sql="DELETE FROM shop_order WHERE x = 1;",
        ),
        migrations.RunPython(forwards),
        migrations.RunPython(forwards, migrations.RunPython.noop),
        migrations.RenameField("order", "total", "amount"),
        migrations.RemoveField(model_name="order", name="legacy"),
    ]
//- /app/shop/migrations/0003_concurrent.py
from django.contrib.postgres.operations import AddIndexConcurrently
from django.db import migrations, models


class Migration(migrations.Migration):
    atomic = False

    operations = [
        AddIndexConcurrently("order", models.Index(fields=["code"], name="order_code")),
    ]
"#;

case! {
    fn alembic_operations_and_downgrade() {
        let r = scan(DSL);
        let path = "app/alembic/versions/ab12cd34ef56_add_orders.py";
        assert_eq!(
            rows(&r, path),
            vec![
                row(15, "migration.index-lock"),
                row(16, "migration.table-rewrite"),
                row(17, "migration.required-column"),
                row(19, "migration.constraint-lock"),
                row(19, "migration.lock-timeout"),
                row(22, "migration.concurrently-in-transaction"),
                row(25, "migration.missing-rollback"),
            ]
        );
        let f = at(&r, path);
        let idx = info(f[0]);
        assert_eq!(idx.tool, "alembic");
        assert_eq!(idx.version.as_deref(), Some("ab12cd34ef56"));
        assert_eq!(
            idx.statement.as_deref(),
            Some("op.create_index(\"orders_user\", \"orders\", [\"user_id\"])")
        );
        assert!(idx
            .safe_form
            .is_some_and(|s| s.contains("postgresql_concurrently=True")));
        assert!(
            summary(&r, path).is_some_and(|i| i.name.as_deref() == Some("add orders index")
                && i.rollback.as_deref() == Some("missing"))
        );
        // autocommit_block: CONCURRENTLY is fine; a raising downgrade is irreversible.
        let two = "app/alembic/versions/cd34_drop.py";
        assert_eq!(
            rows(&r, two),
            vec![
                row(10, "migration.destructive-statement"),
                row(13, "migration.missing-rollback")
            ]
        );
        assert_eq!(at(&r, two)[1].severity, Severity::Medium);
        assert!(summary(&r, two).is_some_and(|i| i.rollback.as_deref() == Some("irreversible")));
        let three = "app/alembic/versions/ef56_fine.py";
        assert!(summary(&r, three).is_some_and(|i| i.rollback.as_deref() == Some("destructive")));
        assert_eq!(
            rows(&r, three),
            vec![row(12, "migration.destructive-rollback")]
        );
    }
}

case! {
    fn rails_operations_and_reversibility() {
        let r = scan(DSL);
        let path = "app/db/migrate/20240102030405_add_index_to_orders.rb";
        assert_eq!(
            rows(&r, path),
            vec![
                row(3, "migration.index-lock"),
                row(4, "migration.concurrently-in-transaction"),
                row(5, "migration.constraint-lock"),
                row(6, "migration.required-column"),
                row(7, "migration.rename"),
                row(8, "migration.missing-rollback"),
                row(10, "migration.index-lock"),
                row(10, "migration.lock-timeout"),
            ]
        );
        let f = at(&r, path);
        assert_eq!(
            info(f[0]).statement.as_deref(),
            Some("add_index :orders, :user_id")
        );
        assert!(info(f[0])
            .safe_form
            .is_some_and(|s| s.contains("algorithm: :concurrently")));
        assert_eq!(info(f[0]).dialect, "postgresql");
        assert!(summary(&r, path).is_some_and(|i| i.rollback.as_deref() == Some("irreversible")));
        let legacy = "app/db/migrate/20240102030406_drop_legacy.rb";
        assert_eq!(
            rows(&r, legacy),
            vec![
                row(3, "migration.destructive-statement"),
                row(7, "migration.missing-rollback")
            ]
        );
        assert!(checks(&r, "app/db/migrate/20240102030407_concurrent.rb").is_empty());
        assert!(summary(&r, "app/db/migrate/20240102030407_concurrent.rb")
            .is_some_and(|i| i.rollback.as_deref() == Some("present")));
        let up_only = "app/db/migrate/20240102030408_up_only.rb";
        assert_eq!(
            rows(&r, up_only),
            vec![
                row(2, "migration.missing-rollback"),
                row(3, "migration.constraint-lock")
            ]
        );
        assert!(summary(&r, up_only).is_some_and(|i| i.rollback.as_deref() == Some("missing")));
    }
}

case! {
    fn django_operations_and_reverse() {
        let r = scan(DSL);
        let path = "app/shop/migrations/0002_order_index.py";
        assert_eq!(
            rows(&r, path),
            vec![
                row(9, "migration.index-lock"),
                row(13, "migration.missing-rollback"),
                row(14, "migration.constraint-lock"),
                row(14, "migration.lock-timeout"),
                row(18, "migration.destructive-rollback"),
                row(20, "migration.missing-rollback"),
                row(22, "migration.rename"),
                row(23, "migration.destructive-statement"),
            ]
        );
        let f = at(&r, path);
        assert!(info(f[0])
            .safe_form
            .is_some_and(|s| s.contains("AddIndexConcurrently")));
        let s = summary(&r, path);
        assert!(s
            .as_ref()
            .is_some_and(|i| i.tool == "django" && i.version.as_deref() == Some("0002")));
        assert!(
            s.is_some_and(|i| i.name.as_deref() == Some("shop.order_index")
                && i.rollback.as_deref() == Some("missing"))
        );
        // atomic = False: AddIndexConcurrently is fine.
        assert!(rows(&r, "app/shop/migrations/0003_concurrent.py").is_empty());
    }
}

// ---------------------------------------------------------------------------------------------
// What is not a migration, limits, schema.

case! {
    fn plain_sql_only_in_migration_folders() {
        let r = scan(
            "//- /reports/monthly.sql\nCREATE INDEX i ON t (a);\n\
             //- /db/seed.sql\nCREATE TABLE a (id int);\nINSERT INTO a VALUES (1);\n\
             //- /db/structure.sql\nCREATE TABLE a (id int);\n\
             //- /db/migrations/queries.sql\nSELECT * FROM a;\n\
             //- /db/migrations/004_add_b.sql\nALTER TABLE a ADD COLUMN b int;\n\
             //- /docs/migration.md\nALTER TABLE a DROP COLUMN b;\n",
        );
        let files: Vec<&str> = r
            .findings
            .iter()
            .filter(|f| f.rule == "migration.file")
            .map(|f| f.path.as_str())
            .collect();
        assert_eq!(files, vec!["db/migrations/004_add_b.sql"]);
        let missing = at(&r, "db/migrations/004_add_b.sql")
            .into_iter()
            .find(|f| f.rule == "migration.missing-rollback")
            .map(|f| f.severity);
        assert_eq!(missing, Some(Severity::Low));
    }
}

case! {
    fn findings_per_file_are_capped() {
        let mut text = String::from("//- /m/1_many.up.sql\n");
        for i in 0..260 {
            text.push_str(&format!("CREATE INDEX i{i} ON t{i} (a);\n"));
        }
        let r = scan(&text);
        let f = at(&r, "m/1_many.up.sql");
        let statement_findings = f
            .iter()
            .filter(|f| {
                !matches!(
                    f.rule.as_str(),
                    "migration.file" | "migration.more-findings" | "migration.missing-rollback"
                )
            })
            .count();
        assert_eq!(statement_findings, 200);
        let more: Vec<&&Finding> = f
            .iter()
            .filter(|f| f.rule == "migration.more-findings")
            .collect();
        assert_eq!(more.len(), 1);
        assert!(more[0].title.starts_with("61 more"));
        let s = summary(&r, "m/1_many.up.sql");
        assert!(s.is_some_and(|i| i.statements == Some(260) && i.steps.len() == 100));
    }
}

case! {
    fn hostile_names_and_text_do_not_panic() {
        let r = scan(
            "//- /db/migration/V1.__x.sql\nCREATE INDEX é ON \"ü\" (a);\n\
             //- /db/migration/V__x.sql\n$$\n\
             //- /m/1_x.up.sql\n/* unterminated\n\
             //- /db/changelog/x.yaml\ndatabaseChangeLog:\n  - changeSet: [\n\
             //- /db/migrate/1_x.rb\nclass X < ActiveRecord::Migration[7.0]\n  def change\n    execute <<~SQL\n",
        );
        assert!(r
            .findings
            .iter()
            .any(|f| f.rule == "migration.unparsed-statement" && f.path == "m/1_x.up.sql"));
        assert!(r
            .findings
            .iter()
            .any(|f| f.rule == "migration.unparsed-statement" && f.path == "db/changelog/x.yaml"));
    }
}

#[cfg(not(target_arch = "wasm32"))]
#[test]
fn reports_with_migrations_match_the_schema() {
    let schema: Result<serde_json::Value, _> =
        serde_json::from_str(include_str!("../../schema/preflight-report-1.schema.json"));
    assert!(schema.is_ok(), "the schema is not JSON");
    let Ok(schema) = schema else { return };
    let validator = jsonschema::options().build(&schema);
    assert!(validator.is_ok(), "the schema does not compile");
    let Ok(validator) = validator else { return };
    for text in [FLYWAY, SECTIONS, MYSQL, LIQUIBASE, DSL] {
        let r = scan(text);
        let doc: serde_json::Value = serde_json::from_str(&r.to_json()).unwrap_or_default();
        let errors: Vec<String> = validator
            .iter_errors(&doc)
            .map(|e| format!("{} at {}", e, e.instance_path()))
            .collect();
        assert!(errors.is_empty(), "{errors:#?}");
        assert!(r
            .findings
            .iter()
            .all(|f| f.category != Category::Migration || f.migration.is_some()));
    }
}
