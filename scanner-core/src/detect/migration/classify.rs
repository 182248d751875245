//! What one SQL statement does to the schema, read from its tokens.
//!
//! The reading is dialect-neutral where the dialects agree (`ALTER TABLE ... ADD COLUMN`) and
//! knows the MySQL forms (`MODIFY`, `CHANGE`, `ALGORITHM=`, `LOCK=`, `RENAME TABLE`) and the
//! PostgreSQL ones (`CONCURRENTLY`, `NOT VALID`, `USING INDEX`, `DETACH PARTITION`). DSL
//! operations of Rails, Django, Alembic and Liquibase are described with the same [`Action`]s.

use super::sql::{Dialect, Kind, Tok};

/// One change a statement or operation makes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Action {
    /// A new table.
    CreateTable,
    /// An index built.
    CreateIndex {
        /// With CONCURRENTLY (or the DSL's equivalent).
        concurrently: bool,
    },
    /// An index dropped.
    DropIndex {
        /// With CONCURRENTLY.
        concurrently: bool,
    },
    /// An index rebuilt.
    Reindex {
        /// With CONCURRENTLY.
        concurrently: bool,
    },
    /// A foreign key added.
    ForeignKey {
        /// With NOT VALID.
        not_valid: bool,
    },
    /// A check constraint added.
    Check {
        /// With NOT VALID.
        not_valid: bool,
    },
    /// A unique constraint added.
    Unique {
        /// On an existing index (`USING INDEX`).
        using_index: bool,
    },
    /// A primary key added.
    PrimaryKey {
        /// On an existing index (`USING INDEX`).
        using_index: bool,
    },
    /// A column set NOT NULL.
    SetNotNull,
    /// A column's type changed.
    ColumnType,
    /// A column added.
    AddColumn {
        /// Why adding it rewrites the table, if it does.
        rewrite: Option<&'static str>,
        /// NOT NULL without a default.
        required: bool,
    },
    /// A column renamed.
    RenameColumn,
    /// A table renamed.
    RenameTable,
    /// A partition detached.
    DetachPartition {
        /// With CONCURRENTLY (or FINALIZE).
        concurrently: bool,
    },
    /// A materialized view refreshed.
    RefreshView {
        /// With CONCURRENTLY.
        concurrently: bool,
    },
    /// The table rewritten on purpose (`VACUUM FULL`, `CLUSTER`).
    Rewrite(&'static str),
    /// A constraint validated (SHARE UPDATE EXCLUSIVE: reads and writes go on).
    Validate,
    /// A table dropped.
    DropTable,
    /// A column dropped.
    DropColumn,
    /// A table emptied.
    Truncate,
    /// A schema or database dropped.
    DropSchema,
    /// Rows deleted.
    Delete,
    /// Any other change to an existing table.
    Other,
}

impl Action {
    /// The action deletes stored data.
    pub fn destroys_data(self) -> bool {
        matches!(
            self,
            Action::DropTable
                | Action::DropColumn
                | Action::Truncate
                | Action::DropSchema
                | Action::Delete
        )
    }
}

/// An action and what it acts on.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Act {
    /// The change.
    pub action: Action,
    /// The table (as written, schema included), when known.
    pub table: Option<String>,
    /// The column or index, when known.
    pub column: Option<String>,
}

impl Act {
    /// An action on a table.
    pub fn new(action: Action, table: Option<String>, column: Option<String>) -> Self {
        Act {
            action,
            table,
            column,
        }
    }
}

/// The kind of statement.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Verb {
    /// `ALTER TABLE`.
    AlterTable,
    /// `CREATE TABLE`.
    CreateTable,
    /// `CREATE INDEX`.
    CreateIndex,
    /// `DROP INDEX`.
    DropIndex,
    /// `DROP TABLE`.
    DropTable,
    /// `TRUNCATE`.
    Truncate,
    /// MySQL `RENAME TABLE`.
    RenameTable,
    /// `REINDEX`.
    Reindex,
    /// `VACUUM`, `CLUSTER`, `REFRESH MATERIALIZED VIEW`, `DROP SCHEMA`...
    Maintenance,
    /// `BEGIN`, `START TRANSACTION`.
    Begin,
    /// `COMMIT`, `END`, `ROLLBACK`, `ABORT`.
    Commit,
    /// `SET lock_timeout`: true when it sets a non-zero timeout.
    SetLockTimeout(bool),
    /// `DELETE`.
    Delete,
    /// Any other statement the scanner knows.
    Other,
    /// A statement starting with a word no dialect starts one with.
    Unknown,
}

/// What a statement does.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StmtInfo {
    /// The kind of statement.
    pub verb: Verb,
    /// Its changes.
    pub acts: Vec<Act>,
    /// The table it works on, when there is one (key form: lowercase unless quoted, no schema).
    pub table_key: Option<String>,
    /// The index it creates or drops (key form).
    pub index_key: Option<String>,
    /// MySQL `ALGORITHM=` value, uppercase.
    pub algorithm: Option<String>,
    /// MySQL `LOCK=` value, uppercase.
    pub lock: Option<String>,
}

impl StmtInfo {
    fn new(verb: Verb) -> Self {
        StmtInfo {
            verb,
            acts: Vec::new(),
            table_key: None,
            index_key: None,
            algorithm: None,
            lock: None,
        }
    }

    /// The statement uses CONCURRENTLY somewhere.
    pub fn concurrently(&self) -> bool {
        self.acts.iter().any(|a| {
            matches!(
                a.action,
                Action::CreateIndex { concurrently: true }
                    | Action::DropIndex { concurrently: true }
                    | Action::Reindex { concurrently: true }
                    | Action::DetachPartition { concurrently: true }
                    | Action::RefreshView { concurrently: true }
            )
        })
    }
}

/// First words of statements the scanner knows, in any of the dialects.
const KNOWN: &[&str] = &[
    "ABORT",
    "ALTER",
    "ANALYSE",
    "ANALYZE",
    "ATTACH",
    "BACKUP",
    "BEGIN",
    "CALL",
    "CHECKPOINT",
    "CHECKSUM",
    "CLOSE",
    "CLUSTER",
    "COMMENT",
    "COMMIT",
    "CONNECT",
    "COPY",
    "CREATE",
    "DBCC",
    "DEALLOCATE",
    "DECLARE",
    "DEFINE",
    "DELETE",
    "DESC",
    "DESCRIBE",
    "DETACH",
    "DISCARD",
    "DO",
    "DROP",
    "END",
    "EXEC",
    "EXECUTE",
    "EXPLAIN",
    "FETCH",
    "FLUSH",
    "GET",
    "GO",
    "GRANT",
    "HANDLER",
    "IF",
    "IMPORT",
    "INSERT",
    "INSTALL",
    "KILL",
    "LISTEN",
    "LOAD",
    "LOCK",
    "MERGE",
    "MOVE",
    "NOTIFY",
    "OPEN",
    "OPTIMIZE",
    "PRAGMA",
    "PREPARE",
    "PRINT",
    "PROMPT",
    "PURGE",
    "RAISERROR",
    "REASSIGN",
    "REFRESH",
    "REINDEX",
    "RELEASE",
    "RENAME",
    "REPAIR",
    "REPLACE",
    "RESET",
    "RESTORE",
    "RETURN",
    "REVOKE",
    "ROLLBACK",
    "SAVEPOINT",
    "SECURITY",
    "SELECT",
    "SET",
    "SHOW",
    "SIGNAL",
    "SOURCE",
    "SPOOL",
    "START",
    "TABLE",
    "THROW",
    "TRUNCATE",
    "UNINSTALL",
    "UNLISTEN",
    "UNLOCK",
    "UPDATE",
    "UPSERT",
    "USE",
    "VACUUM",
    "VALUES",
    "WHENEVER",
    "WHILE",
    "WITH",
    "XA",
];

/// Functions a column default may call without making PostgreSQL rewrite the table.
const STABLE_FUNCTIONS: &[&str] = &[
    "now",
    "current_timestamp",
    "current_date",
    "current_time",
    "localtime",
    "localtimestamp",
    "transaction_timestamp",
    "statement_timestamp",
    "lower",
    "upper",
    "coalesce",
    "nullif",
    "concat",
    "cast",
    "to_json",
    "to_jsonb",
    "json_build_object",
    "jsonb_build_object",
    "json_build_array",
    "jsonb_build_array",
    "array",
    "greatest",
    "least",
    "abs",
    "round",
    "trim",
    "btrim",
    "length",
    "replace",
    "substring",
    "to_timestamp",
    "to_date",
    "to_char",
    "make_date",
    "make_interval",
    "date_trunc",
    "timezone",
    "current_user",
    "session_user",
    "current_schema",
    "interval",
    "row",
    "numeric",
    "decimal",
    "varchar",
    "char",
    "timestamp",
    "time",
    "bit",
    "float",
    "double",
];

/// Serial pseudo-types: a column of one gets a sequence default, which rewrites the table.
const SERIALS: &[&str] = &[
    "serial",
    "bigserial",
    "smallserial",
    "serial2",
    "serial4",
    "serial8",
];

/// A (possibly qualified) name at `i`: its display text, its key and the index after it.
pub fn name_at(t: &[Tok<'_>], i: usize) -> Option<(String, String, usize)> {
    let first = t.get(i)?;
    if !first.is_name() {
        return None;
    }
    let mut parts = vec![*first];
    let mut j = i + 1;
    while t.get(j).is_some_and(|x| x.punct(".")) && t.get(j + 1).is_some_and(Tok::is_name) {
        if let Some(next) = t.get(j + 1) {
            parts.push(*next);
        }
        j += 2;
    }
    let display = parts
        .iter()
        .map(|p| p.text.to_string())
        .collect::<Vec<_>>()
        .join(".");
    let last = parts.last()?;
    let key = if last.kind == Kind::Quoted {
        last.text.to_string()
    } else {
        last.text.to_ascii_lowercase()
    };
    Some((display, key, j))
}

/// The key form of a name written in a DSL (`"public.orders"`, `:orders`): last part, lowercase.
pub fn key_of_name(name: &str) -> String {
    let last = name.rsplit('.').next().unwrap_or(name);
    last.trim_matches(|c| c == '"' || c == '`' || c == '\'')
        .to_ascii_lowercase()
}

/// Index of the first word at depth `depth` from `from` that is `w`.
fn find_word(t: &[Tok<'_>], from: usize, w: &str, depth: u32) -> Option<usize> {
    t.iter()
        .enumerate()
        .skip(from)
        .find(|(_, x)| x.depth == depth && x.is(w))
        .map(|(i, _)| i)
}

/// Words `ws` appear in a row at depth `depth` somewhere in `t`.
fn has_words(t: &[Tok<'_>], ws: &[&str], depth: u32) -> bool {
    t.windows(ws.len())
        .any(|win| win.iter().zip(ws).all(|(x, w)| x.depth == depth && x.is(w)))
}

/// Skip optional words at `i` (in order, each optional).
fn skip_words(t: &[Tok<'_>], mut i: usize, ws: &[&str]) -> usize {
    for w in ws {
        if t.get(i).is_some_and(|x| x.is(w)) {
            i += 1;
        }
    }
    i
}

/// Skip `IF [NOT] EXISTS`.
fn skip_if_exists(t: &[Tok<'_>], i: usize) -> usize {
    if t.get(i).is_some_and(|x| x.is("IF")) {
        let j = skip_words(t, i + 1, &["NOT"]);
        if t.get(j).is_some_and(|x| x.is("EXISTS")) {
            return j + 1;
        }
    }
    i
}

/// Read one statement's tokens.
pub fn classify(t: &[Tok<'_>], dialect: Dialect) -> StmtInfo {
    let Some(first) = t.first() else {
        return StmtInfo::new(Verb::Other);
    };
    if first.kind == Kind::Punct && first.text == "(" {
        return StmtInfo::new(Verb::Other);
    }
    if first.kind != Kind::Word {
        return StmtInfo::new(Verb::Unknown);
    }
    let head = first.text.to_ascii_uppercase();
    if !KNOWN.contains(&head.as_str()) {
        return StmtInfo::new(Verb::Unknown);
    }
    match head.as_str() {
        "CREATE" => create(t),
        "ALTER" => {
            let i = skip_words(t, 1, &["ONLINE", "IGNORE"]);
            if t.get(i).is_some_and(|x| x.is("TABLE")) {
                alter_table(t, i + 1, dialect)
            } else {
                StmtInfo::new(Verb::Other)
            }
        }
        "DROP" => drop(t),
        "TRUNCATE" => {
            let mut s = StmtInfo::new(Verb::Truncate);
            let i = skip_words(t, 1, &["TABLE", "ONLY"]);
            for (display, key) in name_list(t, i) {
                s.table_key.get_or_insert(key);
                s.acts.push(Act::new(Action::Truncate, Some(display), None));
            }
            s
        }
        "RENAME" => {
            let mut s = StmtInfo::new(Verb::RenameTable);
            let i = skip_words(t, 1, &["TABLE"]);
            if let Some((display, key, _)) = name_at(t, i) {
                s.table_key = Some(key);
                s.acts
                    .push(Act::new(Action::RenameTable, Some(display), None));
            }
            s
        }
        "REINDEX" => {
            let mut s = StmtInfo::new(Verb::Reindex);
            let mut i = 1;
            if t.get(i).is_some_and(|x| x.punct("(")) {
                while t.get(i).is_some_and(|x| !(x.punct(")") && x.depth == 0)) {
                    i += 1;
                }
                i += 1;
            }
            let i = skip_words(t, i, &["INDEX", "TABLE", "SCHEMA", "DATABASE", "SYSTEM"]);
            let concurrently = t.get(i).is_some_and(|x| x.is("CONCURRENTLY"))
                || has_words(t, &["CONCURRENTLY"], 1);
            let i = skip_words(t, i, &["CONCURRENTLY"]);
            let name = name_at(t, i).map(|(d, _, _)| d);
            s.acts
                .push(Act::new(Action::Reindex { concurrently }, None, name));
            s
        }
        "VACUUM" => {
            let mut s = StmtInfo::new(Verb::Maintenance);
            if t.iter().any(|x| x.is("FULL")) {
                let table = t
                    .iter()
                    .enumerate()
                    .rev()
                    .find(|(_, x)| x.depth == 0 && x.is_name())
                    .and_then(|(i, _)| name_at(t, i))
                    .map(|(d, _, _)| d)
                    .filter(|d| !d.eq_ignore_ascii_case("full"));
                s.acts
                    .push(Act::new(Action::Rewrite("VACUUM FULL"), table, None));
            }
            s
        }
        "CLUSTER" => {
            let mut s = StmtInfo::new(Verb::Maintenance);
            let i = skip_words(t, 1, &["VERBOSE"]);
            let table = name_at(t, i).map(|(d, _, _)| d);
            s.acts
                .push(Act::new(Action::Rewrite("CLUSTER"), table, None));
            s
        }
        "REFRESH" => {
            let mut s = StmtInfo::new(Verb::Maintenance);
            let i = skip_words(t, 1, &["MATERIALIZED", "VIEW"]);
            let concurrently = t.get(i).is_some_and(|x| x.is("CONCURRENTLY"));
            let i = skip_words(t, i, &["CONCURRENTLY"]);
            let view = name_at(t, i).map(|(d, _, _)| d);
            s.acts
                .push(Act::new(Action::RefreshView { concurrently }, view, None));
            s
        }
        "BEGIN" => {
            // `BEGIN` alone or with TRANSACTION/WORK/ISOLATION; T-SQL `BEGIN TRY` etc. are not.
            match t.get(1) {
                None => StmtInfo::new(Verb::Begin),
                Some(x)
                    if x.is("TRANSACTION")
                        || x.is("WORK")
                        || x.is("TRAN")
                        || x.is("ISOLATION")
                        || x.is("READ") =>
                {
                    StmtInfo::new(Verb::Begin)
                }
                _ => StmtInfo::new(Verb::Other),
            }
        }
        "START" => {
            if t.get(1).is_some_and(|x| x.is("TRANSACTION")) {
                StmtInfo::new(Verb::Begin)
            } else {
                StmtInfo::new(Verb::Other)
            }
        }
        "COMMIT" | "END" | "ABORT" => StmtInfo::new(Verb::Commit),
        "ROLLBACK" => {
            if t.iter().any(|x| x.is("SAVEPOINT") || x.is("TO")) {
                StmtInfo::new(Verb::Other)
            } else {
                StmtInfo::new(Verb::Commit)
            }
        }
        "SET" => {
            let i = skip_words(t, 1, &["SESSION", "LOCAL"]);
            if t.get(i).is_some_and(|x| x.is("lock_timeout")) {
                let value = t
                    .get(i + 1..)
                    .unwrap_or(&[])
                    .iter()
                    .find(|x| !(x.is("TO") || x.punct("=")))
                    .map(|x| x.text.trim_matches('\'').trim())
                    .unwrap_or("");
                let digits: String = value.chars().take_while(char::is_ascii_digit).collect();
                let zero = value.is_empty()
                    || value.eq_ignore_ascii_case("default")
                    || (!digits.is_empty() && digits.chars().all(|c| c == '0'));
                StmtInfo::new(Verb::SetLockTimeout(!zero))
            } else {
                StmtInfo::new(Verb::Other)
            }
        }
        "DELETE" => {
            let mut s = StmtInfo::new(Verb::Delete);
            let i = skip_words(t, 1, &["FROM", "ONLY"]);
            let table = name_at(t, i);
            if let Some((display, key, _)) = table {
                s.table_key = Some(key);
                s.acts.push(Act::new(Action::Delete, Some(display), None));
            }
            s
        }
        _ => StmtInfo::new(Verb::Other),
    }
}

/// A comma-separated list of names from `i` (`DROP TABLE a, b`), with `IF EXISTS` skipped.
fn name_list(t: &[Tok<'_>], i: usize) -> Vec<(String, String)> {
    let mut out = Vec::new();
    let mut i = skip_if_exists(t, i);
    while let Some((display, key, next)) = name_at(t, i) {
        out.push((display, key));
        if t.get(next).is_some_and(|x| x.punct(",")) {
            i = next + 1;
        } else {
            break;
        }
    }
    out
}

fn create(t: &[Tok<'_>]) -> StmtInfo {
    let mut i = 1;
    if t.get(i).is_some_and(|x| x.is("OR")) {
        i = skip_words(t, i + 1, &["REPLACE"]);
    }
    i = skip_words(
        t,
        i,
        &[
            "GLOBAL",
            "LOCAL",
            "TEMPORARY",
            "TEMP",
            "UNLOGGED",
            "UNIQUE",
            "FULLTEXT",
            "SPATIAL",
        ],
    );
    match t.get(i) {
        Some(x) if x.is("TABLE") => {
            let mut s = StmtInfo::new(Verb::CreateTable);
            let j = skip_if_exists(t, i + 1);
            if let Some((display, key, _)) = name_at(t, j) {
                s.table_key = Some(key);
                s.acts
                    .push(Act::new(Action::CreateTable, Some(display), None));
            }
            s
        }
        Some(x) if x.is("INDEX") => {
            let mut s = StmtInfo::new(Verb::CreateIndex);
            let concurrently = t.get(i + 1).is_some_and(|x| x.is("CONCURRENTLY"));
            let j = skip_if_exists(t, skip_words(t, i + 1, &["CONCURRENTLY"]));
            let on = find_word(t, j, "ON", 0);
            let index = match (name_at(t, j), on) {
                (Some((_, key, _)), Some(on)) if on > j => Some(key),
                _ => None,
            };
            let table = on.and_then(|on| name_at(t, skip_words(t, on + 1, &["ONLY"])));
            if let Some((_, key, _)) = &table {
                s.table_key = Some(key.clone());
            }
            s.index_key = index.clone();
            mysql_options(t, &mut s);
            s.acts.push(Act::new(
                Action::CreateIndex { concurrently },
                table.map(|(d, _, _)| d),
                index,
            ));
            s
        }
        _ => StmtInfo::new(Verb::Other),
    }
}

fn drop(t: &[Tok<'_>]) -> StmtInfo {
    match t.get(1) {
        Some(x) if x.is("TABLE") => {
            let mut s = StmtInfo::new(Verb::DropTable);
            for (display, key) in name_list(t, 2) {
                s.table_key.get_or_insert(key);
                s.acts
                    .push(Act::new(Action::DropTable, Some(display), None));
            }
            s
        }
        Some(x) if x.is("INDEX") => {
            let mut s = StmtInfo::new(Verb::DropIndex);
            let concurrently = t.get(2).is_some_and(|x| x.is("CONCURRENTLY"));
            let j = skip_if_exists(t, skip_words(t, 2, &["CONCURRENTLY"]));
            let index = name_at(t, j);
            // MySQL: DROP INDEX name ON table.
            let table = find_word(t, j, "ON", 0).and_then(|on| name_at(t, on + 1));
            if let Some((_, key, _)) = &table {
                s.table_key = Some(key.clone());
            }
            s.index_key = index.as_ref().map(|(_, k, _)| k.clone());
            mysql_options(t, &mut s);
            s.acts.push(Act::new(
                Action::DropIndex { concurrently },
                table.map(|(d, _, _)| d),
                index.map(|(d, _, _)| d),
            ));
            s
        }
        Some(x) if x.is("SCHEMA") || x.is("DATABASE") => {
            let mut s = StmtInfo::new(Verb::Maintenance);
            let name = name_list(t, 2).into_iter().next().map(|(d, _)| d);
            s.acts.push(Act::new(Action::DropSchema, name, None));
            s
        }
        _ => StmtInfo::new(Verb::Other),
    }
}

/// `ALGORITHM [=] x` and `LOCK [=] x` anywhere at depth 0.
fn mysql_options(t: &[Tok<'_>], s: &mut StmtInfo) {
    for (i, x) in t.iter().enumerate() {
        if x.depth != 0 || !(x.is("ALGORITHM") || x.is("LOCK")) {
            continue;
        }
        let mut j = i + 1;
        if t.get(j).is_some_and(|y| y.punct("=")) {
            j += 1;
        }
        let Some(v) = t.get(j).filter(|y| y.kind == Kind::Word) else {
            continue;
        };
        let value = v.text.to_ascii_uppercase();
        if x.is("ALGORITHM") {
            s.algorithm = Some(value);
        } else {
            s.lock = Some(value);
        }
    }
}

fn alter_table(t: &[Tok<'_>], i: usize, dialect: Dialect) -> StmtInfo {
    let mut s = StmtInfo::new(Verb::AlterTable);
    let i = skip_words(t, skip_if_exists(t, i), &["ONLY"]);
    let Some((table, key, mut j)) = name_at(t, i) else {
        return s;
    };
    if t.get(j).is_some_and(|x| x.punct("*")) {
        j += 1;
    }
    s.table_key = Some(key);
    mysql_options(t, &mut s);
    // Actions are separated by commas at depth 0.
    let rest = t.get(j..).unwrap_or(&[]);
    for action in rest.split(|x| x.depth == 0 && x.punct(",")) {
        alter_action(action, &table, dialect, &mut s.acts);
    }
    s
}

/// The column name at `i` after optional `COLUMN` and `IF [NOT] EXISTS`.
fn column_at(a: &[Tok<'_>], i: usize) -> (Option<String>, usize) {
    let i = skip_if_exists(a, skip_words(a, i, &["COLUMN"]));
    match a.get(i) {
        Some(x) if x.is_name() => (Some(x.text.to_string()), i + 1),
        _ => (None, i),
    }
}

fn alter_action(a: &[Tok<'_>], table: &str, dialect: Dialect, acts: &mut Vec<Act>) {
    let Some(first) = a.first() else { return };
    let tbl = || Some(table.to_string());
    let push = |acts: &mut Vec<Act>, action: Action, column: Option<String>| {
        acts.push(Act::new(action, Some(table.to_string()), column));
    };
    if first.is("ADD") {
        let next = a.get(1);
        let constraint_word = |x: &Tok<'_>| {
            [
                "CONSTRAINT",
                "FOREIGN",
                "CHECK",
                "UNIQUE",
                "PRIMARY",
                "EXCLUDE",
                "INDEX",
                "KEY",
                "FULLTEXT",
                "SPATIAL",
            ]
            .iter()
            .any(|w| x.is(w))
        };
        if next.is_some_and(constraint_word) {
            add_constraint(a, table, acts);
        } else if next.is_some_and(|x| x.is("PARTITION")) {
            push(acts, Action::Other, None);
        } else {
            add_column(a, table, acts);
        }
    } else if first.is("ALTER") {
        let (column, j) = column_at(a, 1);
        let rest = a.get(j..).unwrap_or(&[]);
        if rest.first().is_some_and(|x| x.is("TYPE"))
            || has_words(rest, &["SET", "DATA", "TYPE"], 0)
        {
            push(acts, Action::ColumnType, column);
        } else if has_words(rest, &["SET", "NOT", "NULL"], 0) {
            push(acts, Action::SetNotNull, column);
        } else {
            push(acts, Action::Other, column);
        }
    } else if first.is("MODIFY") {
        let (column, _) = column_at(a, 1);
        push(acts, Action::ColumnType, column);
    } else if first.is("CHANGE") {
        let (old, j) = column_at(a, 1);
        let new = a.get(j).filter(|x| x.is_name()).map(|x| x.text.to_string());
        if let (Some(o), Some(n)) = (&old, &new) {
            if !o.eq_ignore_ascii_case(n) {
                push(acts, Action::RenameColumn, old.clone());
            }
        }
        push(acts, Action::ColumnType, new.or(old));
    } else if first.is("RENAME") {
        match a.get(1) {
            Some(x) if x.is("TO") || x.is("AS") => {
                acts.push(Act::new(Action::RenameTable, tbl(), None))
            }
            Some(x) if x.is("CONSTRAINT") || x.is("INDEX") || x.is("KEY") => {
                push(acts, Action::Other, None);
            }
            _ => {
                let (column, _) = column_at(a, 1);
                push(acts, Action::RenameColumn, column);
            }
        }
    } else if first.is("DROP") {
        match a.get(1) {
            Some(x)
                if [
                    "CONSTRAINT",
                    "INDEX",
                    "KEY",
                    "FOREIGN",
                    "PRIMARY",
                    "CHECK",
                    "PARTITION",
                    "DEFAULT",
                ]
                .iter()
                .any(|w| x.is(w)) =>
            {
                push(acts, Action::Other, None);
            }
            _ => {
                let (column, _) = column_at(a, 1);
                push(acts, Action::DropColumn, column);
            }
        }
    } else if first.is("DETACH") {
        let concurrently = a.iter().any(|x| x.is("CONCURRENTLY") || x.is("FINALIZE"));
        let part = a.get(2).filter(|x| x.is_name()).map(|x| x.text.to_string());
        push(acts, Action::DetachPartition { concurrently }, part);
    } else if first.is("VALIDATE") {
        push(acts, Action::Validate, None);
    } else if first.is("ALGORITHM") || first.is("LOCK") {
        // MySQL options, read by `mysql_options`.
    } else if first.is("SET")
        && a.get(1)
            .is_some_and(|x| x.is("TABLESPACE") || x.is("LOGGED") || x.is("UNLOGGED"))
    {
        push(acts, Action::Rewrite("SET TABLESPACE / LOGGED"), None);
    } else if dialect == Dialect::Mysql
        && (first.is("ENGINE") || first.is("CONVERT") || first.is("FORCE"))
    {
        push(acts, Action::ColumnType, None);
    } else {
        push(acts, Action::Other, None);
    }
}

fn add_constraint(a: &[Tok<'_>], table: &str, acts: &mut Vec<Act>) {
    let mut i = 1;
    let mut name = None;
    if a.get(i).is_some_and(|x| x.is("CONSTRAINT")) {
        name = a
            .get(i + 1)
            .filter(|x| x.is_name())
            .map(|x| x.text.to_string());
        i += 2;
    }
    let not_valid = has_words(a, &["NOT", "VALID"], 0);
    let using_index = has_words(a, &["USING", "INDEX"], 0);
    let action = match a.get(i) {
        Some(x) if x.is("FOREIGN") => Action::ForeignKey { not_valid },
        Some(x) if x.is("CHECK") => Action::Check { not_valid },
        Some(x) if x.is("UNIQUE") || x.is("EXCLUDE") => Action::Unique { using_index },
        Some(x) if x.is("PRIMARY") => Action::PrimaryKey { using_index },
        Some(x) if x.is("INDEX") || x.is("KEY") || x.is("FULLTEXT") || x.is("SPATIAL") => {
            Action::CreateIndex {
                concurrently: false,
            }
        }
        _ => Action::Other,
    };
    acts.push(Act::new(action, Some(table.to_string()), name));
}

/// Where a column definition's DEFAULT expression ends.
fn is_constraint_start(x: &Tok<'_>) -> bool {
    [
        "NOT",
        "NULL",
        "CONSTRAINT",
        "CHECK",
        "UNIQUE",
        "PRIMARY",
        "REFERENCES",
        "GENERATED",
        "COLLATE",
        "COMMENT",
        "AFTER",
        "FIRST",
    ]
    .iter()
    .any(|w| x.is(w))
}

fn add_column(a: &[Tok<'_>], table: &str, acts: &mut Vec<Act>) {
    let (column, j) = column_at(a, 1);
    let def = a.get(j..).unwrap_or(&[]);
    let type_word = def
        .first()
        .map(|x| x.text.to_ascii_lowercase())
        .unwrap_or_default();
    let depth0 = |w: &str| def.iter().any(|x| x.depth == 0 && x.is(w));
    let default_at = def.iter().position(|x| x.depth == 0 && x.is("DEFAULT"));
    let mut rewrite = None;
    if SERIALS.contains(&type_word.as_str()) {
        rewrite = Some("a serial type");
    } else if has_words(def, &["AS", "IDENTITY"], 0) {
        rewrite = Some("an identity");
    } else if depth0("GENERATED") && depth0("STORED") {
        rewrite = Some("a stored generated value");
    } else if let Some(d) = default_at {
        let expr: Vec<&Tok<'_>> = def
            .iter()
            .skip(d + 1)
            .take_while(|x| x.depth > 0 || !is_constraint_start(x))
            .collect();
        let volatile = expr.windows(2).any(|w| {
            w[0].kind == Kind::Word
                && w[1].punct("(")
                && !STABLE_FUNCTIONS.contains(&w[0].text.to_ascii_lowercase().as_str())
        });
        if volatile {
            rewrite = Some("a volatile default");
        }
    }
    let not_null = has_words(def, &["NOT", "NULL"], 0);
    let required =
        not_null && default_at.is_none() && rewrite.is_none() && !depth0("AUTO_INCREMENT");
    acts.push(Act::new(
        Action::AddColumn { rewrite, required },
        Some(table.to_string()),
        column.clone(),
    ));
    if has_words(def, &["PRIMARY", "KEY"], 0) {
        acts.push(Act::new(
            Action::PrimaryKey { using_index: false },
            Some(table.to_string()),
            column.clone(),
        ));
    } else if depth0("UNIQUE") {
        acts.push(Act::new(
            Action::Unique { using_index: false },
            Some(table.to_string()),
            column.clone(),
        ));
    }
    if depth0("REFERENCES") {
        acts.push(Act::new(
            Action::ForeignKey { not_valid: false },
            Some(table.to_string()),
            column,
        ));
    }
}

#[cfg(test)]
mod tests {
    use super::super::sql::tokens;
    use super::*;

    fn info(sql: &str, d: Dialect) -> StmtInfo {
        let (t, _) = tokens(sql, d);
        classify(&t, d)
    }

    fn actions(sql: &str) -> Vec<Action> {
        info(sql, Dialect::Postgres)
            .acts
            .into_iter()
            .map(|a| a.action)
            .collect()
    }

    #[test]
    fn alter_table_actions() {
        assert_eq!(
            actions("ALTER TABLE public.orders ADD COLUMN id2 uuid DEFAULT gen_random_uuid(), ADD CONSTRAINT fk FOREIGN KEY (u) REFERENCES users (id) NOT VALID, ALTER COLUMN total TYPE numeric(12,2)"),
            vec![
                Action::AddColumn { rewrite: Some("a volatile default"), required: false },
                Action::ForeignKey { not_valid: true },
                Action::ColumnType,
            ]
        );
        assert_eq!(
            actions("ALTER TABLE t ADD c int NOT NULL, ADD d timestamptz DEFAULT now() NOT NULL"),
            vec![
                Action::AddColumn {
                    rewrite: None,
                    required: true
                },
                Action::AddColumn {
                    rewrite: None,
                    required: false
                },
            ]
        );
        assert_eq!(
            actions("ALTER TABLE t RENAME COLUMN a TO b"),
            vec![Action::RenameColumn]
        );
        assert_eq!(
            actions("ALTER TABLE t RENAME TO u"),
            vec![Action::RenameTable]
        );
        assert_eq!(
            actions("ALTER TABLE t DROP COLUMN IF EXISTS a"),
            vec![Action::DropColumn]
        );
        assert_eq!(
            actions("ALTER TABLE t DROP CONSTRAINT a"),
            vec![Action::Other]
        );
        assert_eq!(
            actions("ALTER TABLE t ALTER COLUMN a SET NOT NULL"),
            vec![Action::SetNotNull]
        );
    }

    #[test]
    fn indexes_and_others() {
        let s = info(
            "CREATE UNIQUE INDEX CONCURRENTLY IF NOT EXISTS idx ON ONLY orders (a)",
            Dialect::Postgres,
        );
        assert_eq!(s.table_key.as_deref(), Some("orders"));
        assert_eq!(s.index_key.as_deref(), Some("idx"));
        assert!(s.concurrently());
        let s = info(
            "ALTER TABLE `orders` MODIFY COLUMN total DECIMAL(12,2), ALGORITHM=INPLACE, LOCK=NONE",
            Dialect::Mysql,
        );
        assert_eq!(s.algorithm.as_deref(), Some("INPLACE"));
        assert_eq!(s.lock.as_deref(), Some("NONE"));
        assert_eq!(
            info("SET lock_timeout = '5s'", Dialect::Postgres).verb,
            Verb::SetLockTimeout(true)
        );
        assert_eq!(
            info("SET lock_timeout TO 0", Dialect::Postgres).verb,
            Verb::SetLockTimeout(false)
        );
        assert_eq!(info("ALTR TABLE x", Dialect::Postgres).verb, Verb::Unknown);
    }
}
