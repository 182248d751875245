//! Which files are migrations, of which tool, version and direction.
//!
//! Names and folders decide first (Flyway `V1__x.sql`, golang-migrate `1_x.up.sql`, Rails
//! `db/migrate/*.rb`, Django `migrations/0001_x.py`), content markers second (dbmate
//! `-- migrate:up`, goose `-- +goose Up`, Liquibase `<databaseChangeLog`, Alembic
//! `down_revision`). Plain SQL is taken only from a migrations-like folder and only when it
//! changes the schema, so seed data, dumps and reports are left alone.

use super::sql::Dialect;
use crate::archive::NESTED_SEPARATOR;

/// The migration tool a file belongs to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Tool {
    /// Flyway SQL migrations.
    Flyway,
    /// golang-migrate.
    GolangMigrate,
    /// dbmate.
    Dbmate,
    /// goose (SQL migrations).
    Goose,
    /// sql-migrate.
    SqlMigrate,
    /// Liquibase changelogs.
    Liquibase,
    /// Alembic revisions.
    Alembic,
    /// Rails (ActiveRecord) migrations.
    Rails,
    /// Django migrations.
    Django,
    /// A plain SQL script in a migrations folder.
    Sql,
}

impl Tool {
    /// The word used in reports.
    pub fn as_str(self) -> &'static str {
        match self {
            Tool::Flyway => "flyway",
            Tool::GolangMigrate => "golang-migrate",
            Tool::Dbmate => "dbmate",
            Tool::Goose => "goose",
            Tool::SqlMigrate => "sql-migrate",
            Tool::Liquibase => "liquibase",
            Tool::Alembic => "alembic",
            Tool::Rails => "rails",
            Tool::Django => "django",
            Tool::Sql => "sql",
        }
    }

    /// The name a person knows it by.
    pub fn label(self) -> &'static str {
        match self {
            Tool::Flyway => "Flyway",
            Tool::GolangMigrate => "golang-migrate",
            Tool::Dbmate => "dbmate",
            Tool::Goose => "goose",
            Tool::SqlMigrate => "sql-migrate",
            Tool::Liquibase => "Liquibase",
            Tool::Alembic => "Alembic",
            Tool::Rails => "Rails",
            Tool::Django => "Django",
            Tool::Sql => "SQL",
        }
    }
}

/// How a file is written.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    /// SQL, one direction (Flyway, golang-migrate, plain).
    Sql,
    /// SQL with up/down marker comments (dbmate, goose, sql-migrate).
    SqlSections,
    /// Liquibase XML changelog.
    LiquibaseXml,
    /// Liquibase YAML changelog.
    LiquibaseYaml,
    /// Liquibase formatted SQL.
    LiquibaseSql,
    /// Python (Alembic, Django).
    Python,
    /// Ruby (Rails).
    Ruby,
}

/// Which way a file migrates.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FileDir {
    /// Forward only.
    Up,
    /// Undo / rollback only.
    Down,
    /// Both directions in one file.
    Both,
    /// Flyway repeatable migration.
    Repeatable,
}

impl FileDir {
    /// The word used in reports.
    pub fn as_str(self) -> &'static str {
        match self {
            FileDir::Up => "up",
            FileDir::Down => "down",
            FileDir::Both => "both",
            FileDir::Repeatable => "repeatable",
        }
    }
}

/// A recognised migration file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Recognised {
    /// The tool.
    pub tool: Tool,
    /// How it is written.
    pub format: Format,
    /// Its direction.
    pub dir: FileDir,
    /// Its version, as written.
    pub version: Option<String>,
    /// Its name (the description part of the file name).
    pub name: Option<String>,
    /// A dialect named by a folder on its path (`db/migration/postgres/`).
    pub dialect_hint: Option<Dialect>,
    /// Up and down files of one migration share this key.
    pub pair_key: Option<String>,
}

/// Folders plain SQL migrations live in.
const SQL_FOLDERS: &[&str] = &[
    "migrations",
    "migration",
    "migrate",
    "db",
    "database",
    "changelog",
    "changelogs",
    "changesets",
    "schema-migrations",
    "db-migrations",
    "sql-migrations",
    "upgrade",
    "upgrades",
    "patches",
    "ddl",
];

/// First words of plain SQL file names that are not migrations (dumps, seeds, samples).
const NOT_MIGRATIONS: &[&str] = &[
    "schema",
    "structure",
    "seed",
    "seeds",
    "dump",
    "backup",
    "sample",
    "samples",
    "fixture",
    "fixtures",
];

/// Words that make a plain SQL file (or its folder) a rollback.
const DOWN_WORDS: &[&str] = &[
    "down",
    "rollback",
    "rollbacks",
    "undo",
    "revert",
    "downgrade",
];

/// Words that say a file goes forward.
const UP_WORDS: &[&str] = &["up", "upgrade", "forward", "apply", "do"];

/// First lines of `text` (at most 64 KiB), lowercase.
fn head_lower(text: &str) -> String {
    super::sql::prefix(text, 64 * 1024).to_ascii_lowercase()
}

/// Split a path into container prefix (up to the last `!/`), inner folders and file name.
fn parts(path: &str) -> (&str, Vec<&str>, &str) {
    let (container, inner) = match path.rfind(NESTED_SEPARATOR) {
        Some(i) => (
            path.get(..i + NESTED_SEPARATOR.len()).unwrap_or(""),
            path.get(i + NESTED_SEPARATOR.len()..).unwrap_or(path),
        ),
        None => ("", path),
    };
    let mut dirs: Vec<&str> = inner.split('/').filter(|s| !s.is_empty()).collect();
    let name = dirs.pop().unwrap_or("");
    (container, dirs, name)
}

/// Whether a name ends with `.ext` (case-insensitive).
fn has_ext(name: &str, ext: &str) -> bool {
    name.len() > ext.len() + 1
        && name.get(name.len() - ext.len() - 1..).is_some_and(|e| {
            e.starts_with('.') && e.get(1..).is_some_and(|x| x.eq_ignore_ascii_case(ext))
        })
}

/// The name without its last extension.
fn stem(name: &str) -> &str {
    name.rfind('.').and_then(|i| name.get(..i)).unwrap_or(name)
}

/// Leading ASCII digits.
fn leading_digits(s: &str) -> &str {
    let n = s.bytes().take_while(u8::is_ascii_digit).count();
    s.get(..n).unwrap_or("")
}

/// A Flyway version with `_` read as `.` and leading zeros dropped: `1_01` and `1.1` match.
pub fn normalize_version(v: &str) -> String {
    v.split(['.', '_'])
        .filter(|p| !p.is_empty())
        .map(|p| {
            let t = p.trim_start_matches('0');
            if t.is_empty() {
                "0"
            } else {
                t
            }
        })
        .collect::<Vec<_>>()
        .join(".")
}

/// Whether any line starts (after blanks) with one of the schema-changing words.
fn changes_schema(text: &str) -> bool {
    text.lines().take(100_000).any(|l| {
        let w = l
            .trim_start()
            .split(|c: char| !c.is_ascii_alphabetic())
            .next()
            .unwrap_or("");
        ["create", "alter", "drop", "rename", "truncate"]
            .iter()
            .any(|k| w.eq_ignore_ascii_case(k))
    })
}

/// Extensions of the files [`recognise`] reads; any other file is no migration.
const EXTENSIONS: &[&str] = &["xml", "yaml", "yml", "py", "rb", "sql"];

/// Whether [`recognise`] could take a file of this name: a test on the name alone, cheap
/// enough for every text of a package.
pub fn may_recognise(path: &str) -> bool {
    // The same name `parts` takes: the last non-empty segment.
    let name = path.rsplit('/').find(|s| !s.is_empty()).unwrap_or("");
    EXTENSIONS.iter().any(|e| has_ext(name, e))
}

/// Recognise a migration file from its path and text.
pub fn recognise(path: &str, text: &str) -> Option<Recognised> {
    if !may_recognise(path) {
        return None;
    }
    let (container, dirs, name) = parts(path);
    let dialect_hint = dirs.iter().rev().find_map(|d| Dialect::from_name(d));
    let parent = dirs.last().copied().unwrap_or("");
    let folder = format!("{container}{}", dirs.join("/"));
    let mut rec = Recognised {
        tool: Tool::Sql,
        format: Format::Sql,
        dir: FileDir::Up,
        version: None,
        name: None,
        dialect_hint,
        pair_key: None,
    };
    if has_ext(name, "xml") {
        let head = head_lower(text);
        if !head.contains("<databasechangelog") {
            return None;
        }
        rec.tool = Tool::Liquibase;
        rec.format = Format::LiquibaseXml;
        rec.dir = FileDir::Both;
        rec.name = Some(stem(name).to_string());
        return Some(rec);
    }
    if has_ext(name, "yaml") || has_ext(name, "yml") {
        let head = head_lower(text);
        if !head
            .lines()
            .any(|l| l.trim_start().starts_with("databasechangelog:"))
        {
            return None;
        }
        rec.tool = Tool::Liquibase;
        rec.format = Format::LiquibaseYaml;
        rec.dir = FileDir::Both;
        rec.name = Some(stem(name).to_string());
        return Some(rec);
    }
    if has_ext(name, "py") {
        return python(rec, parent, &dirs, name, text);
    }
    if has_ext(name, "rb") {
        let digits = leading_digits(name);
        if parent != "migrate" || digits.is_empty() || !text.contains("ActiveRecord::Migration") {
            return None;
        }
        rec.tool = Tool::Rails;
        rec.format = Format::Ruby;
        rec.dir = FileDir::Both;
        rec.version = Some(digits.to_string());
        rec.name = stem(name)
            .get(digits.len()..)
            .map(|s| s.trim_start_matches('_').to_string());
        return Some(rec);
    }
    if !has_ext(name, "sql") {
        return None;
    }
    let head = head_lower(text);
    let first_line = head
        .lines()
        .map(str::trim)
        .find(|l| !l.is_empty())
        .unwrap_or("");
    let base = stem(name);
    let digits = leading_digits(base);
    if first_line.starts_with("--")
        && first_line
            .trim_start_matches('-')
            .trim_start()
            .starts_with("liquibase formatted sql")
    {
        rec.tool = Tool::Liquibase;
        rec.format = Format::LiquibaseSql;
        rec.dir = FileDir::Both;
        rec.name = Some(base.to_string());
        return Some(rec);
    }
    let sections = [
        ("-- migrate:up", Tool::Dbmate),
        ("-- +goose up", Tool::Goose),
        ("-- +migrate up", Tool::SqlMigrate),
    ];
    if let Some((_, tool)) = sections.iter().find(|(m, _)| head.contains(m)) {
        rec.tool = *tool;
        rec.format = Format::SqlSections;
        rec.dir = FileDir::Both;
        if !digits.is_empty() {
            rec.version = Some(digits.to_string());
        }
        rec.name = Some(
            base.get(digits.len()..)
                .unwrap_or(base)
                .trim_start_matches('_')
                .to_string(),
        );
        return Some(rec);
    }
    // Flyway: V<version>__<desc>.sql, U<version>__<desc>.sql, R__<desc>.sql.
    if let Some((prefix, rest)) = base.split_at_checked(1) {
        if let Some((version, desc)) = rest.split_once("__") {
            let version_ok = version
                .bytes()
                .all(|c| c.is_ascii_digit() || c == b'.' || c == b'_')
                && version.bytes().next().is_some_and(|c| c.is_ascii_digit());
            let dir = match prefix {
                "V" if version_ok => Some(FileDir::Up),
                "U" if version_ok => Some(FileDir::Down),
                "R" if version.is_empty() => Some(FileDir::Repeatable),
                _ => None,
            };
            if let Some(dir) = dir {
                rec.tool = Tool::Flyway;
                rec.dir = dir;
                rec.name = Some(desc.to_string());
                if dir != FileDir::Repeatable {
                    rec.version = Some(version.to_string());
                    rec.pair_key =
                        Some(format!("flyway|{container}|{}", normalize_version(version)));
                }
                return Some(rec);
            }
        }
    }
    // golang-migrate: <version>_<title>.up.sql / .down.sql.
    let lower = base.to_ascii_lowercase();
    let golang = [(".up", FileDir::Up), (".down", FileDir::Down)]
        .into_iter()
        .find(|(suffix, _)| lower.ends_with(suffix));
    if let Some((suffix, dir)) = golang {
        if !digits.is_empty() && base.as_bytes().get(digits.len()) == Some(&b'_') {
            rec.tool = Tool::GolangMigrate;
            rec.dir = dir;
            rec.version = Some(digits.to_string());
            rec.name = base
                .get(digits.len() + 1..base.len() - suffix.len())
                .map(str::to_string);
            rec.pair_key = Some(format!("golang|{folder}|{}", normalize_version(digits)));
            return Some(rec);
        }
    }
    // Plain SQL in a migrations folder.
    let in_folder = dirs
        .iter()
        .any(|d| SQL_FOLDERS.iter().any(|f| d.eq_ignore_ascii_case(f)));
    let words: Vec<String> = lower
        .split(|c: char| !c.is_ascii_alphanumeric())
        .filter(|w| !w.is_empty())
        .map(str::to_string)
        .collect();
    let first_word = words
        .iter()
        .find(|w| !w.bytes().all(|c| c.is_ascii_digit()));
    if !in_folder
        || first_word.is_some_and(|w| NOT_MIGRATIONS.contains(&w.as_str()))
        || !changes_schema(text)
    {
        return None;
    }
    let parent_lower = parent.to_ascii_lowercase();
    let down = words.iter().any(|w| DOWN_WORDS.contains(&w.as_str()))
        || DOWN_WORDS.contains(&parent_lower.as_str());
    rec.dir = if down { FileDir::Down } else { FileDir::Up };
    if !digits.is_empty() {
        rec.version = Some(digits.to_string());
    }
    rec.name = Some(base.to_string());
    let mut pair_dirs: Vec<&str> = dirs.clone();
    if pair_dirs.last().is_some_and(|d| {
        let d = d.to_ascii_lowercase();
        DOWN_WORDS.contains(&d.as_str()) || UP_WORDS.contains(&d.as_str())
    }) {
        pair_dirs.pop();
    }
    let key_words: Vec<&str> = words
        .iter()
        .map(String::as_str)
        .filter(|w| !DOWN_WORDS.contains(w) && !UP_WORDS.contains(w))
        .collect();
    rec.pair_key = Some(format!(
        "sql|{container}{}|{}",
        pair_dirs.join("/"),
        key_words.join("_")
    ));
    Some(rec)
}

fn python(
    mut rec: Recognised,
    parent: &str,
    dirs: &[&str],
    name: &str,
    text: &str,
) -> Option<Recognised> {
    let base = stem(name);
    let digits = leading_digits(base);
    if parent == "migrations"
        && digits.len() == 4
        && (text.contains("migrations.Migration") || text.contains("class Migration("))
    {
        rec.tool = Tool::Django;
        rec.format = Format::Python;
        rec.dir = FileDir::Both;
        rec.version = Some(digits.to_string());
        let app = dirs.len().checked_sub(2).and_then(|i| dirs.get(i));
        let desc = base
            .get(digits.len()..)
            .unwrap_or("")
            .trim_start_matches('_');
        rec.name = Some(match app {
            Some(app) => format!("{app}.{desc}"),
            None => desc.to_string(),
        });
        return Some(rec);
    }
    let alembic = text.contains("def upgrade(")
        && (text.contains("down_revision")
            || text.contains("from alembic")
            || text.contains("import alembic"))
        && (parent == "versions" || text.contains("revision"));
    if !alembic {
        return None;
    }
    rec.tool = Tool::Alembic;
    rec.format = Format::Python;
    rec.dir = FileDir::Both;
    rec.version = assigned_string(text, "revision");
    rec.name = docstring_title(text).or_else(|| Some(base.to_string()));
    Some(rec)
}

/// The string assigned to a top-level Python name (`revision = "abc"`,
/// `revision: str = 'abc'`).
pub fn assigned_string(text: &str, var: &str) -> Option<String> {
    text.lines().find_map(|l| {
        let rest = l.strip_prefix(var)?;
        let rest = rest.trim_start();
        let rest = match rest.strip_prefix(':') {
            Some(r) => r.split_once('=')?.1,
            None => rest.strip_prefix('=')?,
        };
        let v = rest.trim();
        let q = v.chars().next().filter(|c| *c == '"' || *c == '\'')?;
        let inner = v.get(1..)?;
        let end = inner.find(q)?;
        inner.get(..end).map(str::to_string)
    })
}

/// The first line of a module docstring.
fn docstring_title(text: &str) -> Option<String> {
    let t = text.trim_start();
    let body = t.strip_prefix("\"\"\"").or_else(|| t.strip_prefix("'''"))?;
    let line = body
        .lines()
        .next()?
        .trim()
        .trim_end_matches("\"\"\"")
        .trim();
    (!line.is_empty()).then(|| super::sql::short(line, 80))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn tool(path: &str, text: &str) -> Option<(Tool, FileDir, Option<String>)> {
        recognise(path, text).map(|r| (r.tool, r.dir, r.version))
    }

    #[test]
    fn names() {
        assert_eq!(
            tool("db/migration/V1_2__add.sql", "CREATE TABLE a (id int);"),
            Some((Tool::Flyway, FileDir::Up, Some("1_2".into())))
        );
        assert_eq!(
            tool("x.zip!/sql/U1.2__add.sql", "DROP TABLE a;").map(|t| t.1),
            Some(FileDir::Down)
        );
        assert_eq!(
            tool("db/R__views.sql", "CREATE VIEW v AS SELECT 1;").map(|t| t.1),
            Some(FileDir::Repeatable)
        );
        assert_eq!(
            tool("m/000002_orders.down.sql", "DROP TABLE a;"),
            Some((Tool::GolangMigrate, FileDir::Down, Some("000002".into())))
        );
        assert_eq!(
            tool(
                "db/migrations/20240101_x.sql",
                "-- migrate:up\nCREATE TABLE a();\n-- migrate:down\n"
            )
            .map(|t| t.0),
            Some(Tool::Dbmate)
        );
        assert_eq!(
            tool("reports/monthly.sql", "CREATE TABLE a (id int);"),
            None
        );
        assert_eq!(tool("db/seed.sql", "CREATE TABLE a (id int);"), None);
        assert_eq!(tool("migrations/queries.sql", "SELECT 1;"), None);
        assert_eq!(
            tool("db/migrations/rollback/003_users.sql", "DROP TABLE users;").map(|t| t.1),
            Some(FileDir::Down)
        );
        assert_eq!(normalize_version("1_01.0"), "1.1.0");
    }

    #[test]
    fn pairs() {
        let up = recognise("db/migrations/003_users.sql", "CREATE TABLE users ();")
            .and_then(|r| r.pair_key);
        let down = recognise(
            "db/migrations/rollback/003_users_rollback.sql",
            "DROP TABLE users;",
        )
        .and_then(|r| r.pair_key);
        assert!(up.is_some());
        assert_eq!(up, down);
        assert_eq!(
            assigned_string("revision: str = 'ab12'\ndown_revision = None", "revision").as_deref(),
            Some("ab12")
        );
    }
}
