//! SQL migration files: one direction per file (Flyway, golang-migrate, plain scripts) or
//! up/down sections marked by comments (dbmate, goose, sql-migrate).

use super::plan::{Dir, Item, Missing, Mode, Plan, Section, Tx};
use super::recognise::{FileDir, Recognised, Tool};
use super::sql::{Embedded, Origin};
use std::borrow::Cow;

/// A file that is one SQL script.
pub fn single<'a>(text: &'a str, rec: &Recognised) -> Plan<'a> {
    let mode = match rec.dir {
        FileDir::Repeatable => Mode::NotNeeded,
        FileDir::Down => Mode::IsRollback,
        FileDir::Up | FileDir::Both => Mode::Paired,
    };
    let dir = if rec.dir == FileDir::Down {
        Dir::Down
    } else {
        Dir::Up
    };
    // Flyway wraps a migration in a transaction unless every statement must run outside one.
    let tx = if rec.tool == Tool::Flyway {
        Tx::FlywayMixed
    } else {
        Tx::No
    };
    let mut plan = Plan::new(mode);
    let mut s = Section::new(dir, tx);
    s.items.push(Item::Sql(Embedded {
        sql: Cow::Borrowed(text),
        origin: Origin::Byte(0),
    }));
    plan.parts.push(s);
    plan
}

/// A section marker: its direction and whether it turns the transaction off.
fn marker(tool: Tool, line: &str) -> Option<(Dir, bool)> {
    let t = line.trim().to_ascii_lowercase();
    let rest = t.strip_prefix("--")?.trim_start();
    let (up, down) = match tool {
        Tool::Dbmate => ("migrate:up", "migrate:down"),
        Tool::Goose => ("+goose up", "+goose down"),
        Tool::SqlMigrate => ("+migrate up", "+migrate down"),
        _ => return None,
    };
    let no_tx = rest.contains("transaction:false") || rest.contains("notransaction");
    if rest.starts_with(up) {
        Some((Dir::Up, no_tx))
    } else if rest.starts_with(down) {
        Some((Dir::Down, no_tx))
    } else {
        None
    }
}

/// Whether a slice of SQL holds anything but blanks and `--` comments.
fn has_sql(body: &str) -> bool {
    body.lines().any(|l| {
        let t = l.trim();
        !t.is_empty() && !t.starts_with("--")
    })
}

/// A file with up and down sections.
pub fn sections<'a>(text: &'a str, tool: Tool) -> Plan<'a> {
    let mut plan = Plan::new(Mode::InFile);
    // goose: `-- +goose NO TRANSACTION` anywhere turns it off for the file.
    let file_no_tx =
        tool == Tool::Goose && text.to_ascii_lowercase().contains("+goose no transaction");
    let mut marks: Vec<(Dir, bool, u32, usize, usize)> = Vec::new(); // dir, no_tx, line, marker start, body start
    let mut offset = 0usize;
    for (i, raw) in text.split_inclusive('\n').enumerate() {
        if let Some((dir, no_tx)) = marker(tool, raw) {
            let line = u32::try_from(i + 1).unwrap_or(u32::MAX);
            marks.push((dir, no_tx, line, offset, offset + raw.len()));
        }
        offset += raw.len();
    }
    let mut up_line = None;
    let mut down_content = false;
    for (k, (dir, no_tx, line, _, body_start)) in marks.iter().enumerate() {
        let end = marks.get(k + 1).map_or(text.len(), |m| m.3);
        let body = text.get(*body_start..end).unwrap_or("");
        if *dir == Dir::Up {
            up_line.get_or_insert(*line);
        } else if has_sql(body) {
            down_content = true;
        }
        let tx = if *no_tx || file_no_tx {
            Tx::No
        } else {
            Tx::Yes
        };
        let mut s = Section::new(*dir, tx);
        s.items.push(Item::Sql(Embedded {
            sql: Cow::Borrowed(body),
            origin: Origin::Byte(*body_start),
        }));
        plan.parts.push(s);
    }
    if !down_content {
        let what = if marks.iter().any(|m| m.0 == Dir::Down) {
            format!("The {} down section is empty", tool.label())
        } else {
            format!("No {} down section", tool.label())
        };
        plan.missing.push(Missing {
            line: up_line,
            what,
            irreversible: false,
            changeset: None,
        });
    }
    plan
}
