//! Liquibase changelogs: XML, YAML and formatted SQL.
//!
//! Each changeset becomes a forward part (its change elements as operations, its `sql` as SQL)
//! and, when it has one, a rollback part. A changeset without rollback whose changes
//! Liquibase cannot invert by itself (`sql`, `dropTable`, `delete`...) is a missing rollback.
//! `runInTransaction="false"` and `dbms` are honoured per changeset. JSON changelogs are not
//! read.

use super::classify::{key_of_name, Act, Action};
use super::plan::{Dir, Item, Missing, Mode, Note, Op, Plan, Section, Tx};
use super::sql::{short, Dialect, Embedded, LineIndex, Origin};
use crate::detect::schedule::k8s::{parse_document, split_documents, Data, Node};
use quick_xml::events::{BytesStart, Event};
use quick_xml::Reader;
use std::borrow::Cow;

/// Change types Liquibase can roll back without being told how.
const AUTO_ROLLBACK: &[&str] = &[
    "addColumn",
    "addDefaultValue",
    "addForeignKeyConstraint",
    "addLookupTable",
    "addNotNullConstraint",
    "addPrimaryKey",
    "addUniqueConstraint",
    "createIndex",
    "createSequence",
    "createTable",
    "createView",
    "dropNotNullConstraint",
    "renameColumn",
    "renameSequence",
    "renameTable",
    "renameView",
    "tagDatabase",
    "setColumnRemarks",
    "setTableRemarks",
];

/// Elements of a changeset that are not changes.
const META: &[&str] = &[
    "comment",
    "preConditions",
    "validCheckSum",
    "modifySql",
    "rollback",
];

/// Most changesets read from one changelog.
const MAX_CHANGESETS: usize = 10_000;

/// The dialect of a `dbms` value (`postgresql`, `mysql, mariadb`, `!h2`): its first positive
/// entry that names one.
fn dbms(value: &str) -> Option<Dialect> {
    value
        .split(',')
        .map(str::trim)
        .filter(|v| !v.starts_with('!'))
        .find_map(Dialect::from_name)
}

/// The actions of a change element with these attributes.
fn change_acts(name: &str, attr: &dyn Fn(&str) -> Option<String>) -> Vec<Act> {
    let table = attr("tableName").or_else(|| attr("baseTableName"));
    let act =
        |action: Action, column: Option<String>| vec![Act::new(action, table.clone(), column)];
    match name {
        "createTable" => act(Action::CreateTable, None),
        "createIndex" => act(
            Action::CreateIndex {
                concurrently: false,
            },
            attr("indexName"),
        ),
        "dropIndex" => act(
            Action::DropIndex {
                concurrently: false,
            },
            attr("indexName"),
        ),
        "addForeignKeyConstraint" => act(
            Action::ForeignKey {
                not_valid: attr("validate").is_some_and(|v| v == "false"),
            },
            attr("constraintName"),
        ),
        "addCheckConstraint" => act(
            Action::Check {
                not_valid: attr("validate").is_some_and(|v| v == "false"),
            },
            attr("constraintName"),
        ),
        "addUniqueConstraint" => act(
            Action::Unique {
                using_index: attr("forIndexName").is_some(),
            },
            attr("constraintName"),
        ),
        "addPrimaryKey" => act(
            Action::PrimaryKey {
                using_index: attr("forIndexName").is_some(),
            },
            attr("constraintName"),
        ),
        "addNotNullConstraint" => act(Action::SetNotNull, attr("columnName")),
        "modifyDataType" => act(Action::ColumnType, attr("columnName")),
        "renameColumn" => act(Action::RenameColumn, attr("oldColumnName")),
        "renameTable" => vec![Act::new(Action::RenameTable, attr("oldTableName"), None)],
        "dropTable" => act(Action::DropTable, None),
        "dropColumn" => act(Action::DropColumn, attr("columnName")),
        // The columns come as children; this carries the table to them.
        "addColumn" => act(Action::Other, None),
        "delete" => act(Action::Delete, None),
        _ => Vec::new(),
    }
}

/// How a change element reads in a list: its name and its naming attributes.
fn change_display(name: &str, attr: &dyn Fn(&str) -> Option<String>) -> String {
    let mut s = name.to_string();
    for key in [
        "tableName",
        "baseTableName",
        "oldTableName",
        "newTableName",
        "indexName",
        "constraintName",
        "columnName",
        "oldColumnName",
        "newColumnName",
        "newDataType",
        "path",
    ] {
        if let Some(v) = attr(key) {
            s.push_str(&format!(" {key}={v}"));
        }
    }
    short(&s, 160)
}

/// A changeset being read.
struct Changeset<'a> {
    label: String,
    line: u32,
    tx: Tx,
    dialect: Option<Dialect>,
    up: Vec<Item<'a>>,
    down: Vec<Item<'a>>,
    /// Changes Liquibase cannot invert.
    needs: Vec<String>,
    /// A rollback element or `--rollback` line was seen.
    rollback: bool,
    /// The last `<column>` read has a default value.
    column_default: bool,
}

impl<'a> Changeset<'a> {
    fn new(id: Option<String>, author: Option<String>, line: u32) -> Self {
        let label = match (id, author) {
            (Some(i), Some(a)) => format!("{i} ({a})"),
            (Some(i), None) => i,
            (None, Some(a)) => format!("? ({a})"),
            (None, None) => format!("at line {line}"),
        };
        Changeset {
            label,
            line,
            tx: Tx::Yes,
            dialect: None,
            up: Vec::new(),
            down: Vec::new(),
            needs: Vec::new(),
            rollback: false,
            column_default: false,
        }
    }

    /// Add its parts and its missing rollback to the plan.
    fn finish(self, plan: &mut Plan<'a>) {
        if plan.parts.len() >= 2 * MAX_CHANGESETS {
            return;
        }
        if !self.rollback && !self.needs.is_empty() {
            let mut needs = self.needs.clone();
            needs.dedup();
            plan.missing.push(Missing {
                line: Some(self.line),
                what: format!(
                    "Changeset {} has no rollback, and Liquibase cannot generate one for {}",
                    self.label,
                    needs.join(", ")
                ),
                irreversible: false,
                changeset: Some(self.label.clone()),
            });
        }
        for (dir, items) in [(Dir::Up, self.up), (Dir::Down, self.down)] {
            if items.is_empty() {
                continue;
            }
            let mut s = Section::new(dir, self.tx);
            s.changeset = Some(self.label.clone());
            s.dialect = self.dialect;
            s.items = items;
            plan.parts.push(s);
        }
    }
}

/// XML text between two offsets as SQL of the same length: CDATA markers, comments and
/// child tags become blanks (newlines kept), entities their character padded with blanks.
pub fn mask_xml(raw: &str) -> String {
    let b = raw.as_bytes();
    let mut out: Vec<u8> = Vec::with_capacity(b.len());
    let blank = |out: &mut Vec<u8>, part: &[u8]| {
        out.extend(part.iter().map(|&c| if c == b'\n' { b'\n' } else { b' ' }));
    };
    let mut i = 0;
    while i < b.len() {
        let rest = b.get(i..).unwrap_or(&[]);
        if rest.starts_with(b"<![CDATA[") {
            blank(&mut out, b"<![CDATA[");
            let body = rest.get(9..).unwrap_or(&[]);
            let end = memchr::memmem::find(body, b"]]>").unwrap_or(body.len());
            out.extend_from_slice(body.get(..end).unwrap_or(&[]));
            let close = body.get(end..(end + 3).min(body.len())).unwrap_or(&[]);
            blank(&mut out, close);
            i += 9 + end + close.len();
        } else if rest.starts_with(b"<!--") {
            let end = memchr::memmem::find(rest, b"-->").map_or(rest.len(), |e| e + 3);
            blank(&mut out, rest.get(..end).unwrap_or(&[]));
            i += end;
        } else if rest.starts_with(b"<") {
            let end = memchr::memchr(b'>', rest).map_or(rest.len(), |e| e + 1);
            blank(&mut out, rest.get(..end).unwrap_or(&[]));
            i += end;
        } else if rest.starts_with(b"&") {
            let end = rest.iter().take(12).position(|&c| c == b';');
            let resolved = end.and_then(|e| {
                let name = std::str::from_utf8(rest.get(1..e)?).ok()?;
                let c = match name {
                    "lt" => '<',
                    "gt" => '>',
                    "amp" => '&',
                    "quot" => '"',
                    "apos" => '\'',
                    _ => {
                        let num = name.strip_prefix('#')?;
                        let n = match num.strip_prefix('x').or_else(|| num.strip_prefix('X')) {
                            Some(hex) => u32::from_str_radix(hex, 16).ok()?,
                            None => num.parse().ok()?,
                        };
                        char::from_u32(n)?
                    }
                };
                Some((c, e + 1))
            });
            match resolved {
                Some((c, len)) if c.len_utf8() <= len => {
                    let mut buf = [0u8; 4];
                    let enc = c.encode_utf8(&mut buf).as_bytes();
                    out.extend_from_slice(enc);
                    out.extend(std::iter::repeat_n(b' ', len - enc.len()));
                    i += len;
                }
                _ => {
                    out.push(b'&');
                    i += 1;
                }
            }
        } else {
            // Copy up to the next markup character.
            let n = rest
                .iter()
                .position(|&c| c == b'<' || c == b'&')
                .unwrap_or(rest.len());
            out.extend_from_slice(rest.get(..n).unwrap_or(&[]));
            i += n.max(1);
        }
    }
    String::from_utf8(out).unwrap_or_else(|e| String::from_utf8_lossy(e.as_bytes()).into_owned())
}

/// An open XML element.
struct Open {
    name: String,
    /// Offset right after its start tag.
    content: usize,
    /// It had child elements.
    children: bool,
    /// It sits inside a `rollback` element (or is one).
    in_rollback: bool,
}

fn attrs(s: &BytesStart<'_>) -> Vec<(String, String)> {
    s.attributes()
        .flatten()
        .take(64)
        .map(|a| {
            let key = a.key.local_name().as_ref().to_string();
            let value = a
                .normalized_value(quick_xml::XmlVersion::Implicit1_0)
                .map(Cow::into_owned)
                .unwrap_or_else(|_| a.value.to_string());
            (key, value)
        })
        .collect()
}

fn get<'v>(attrs: &'v [(String, String)], key: &str) -> Option<&'v str> {
    attrs
        .iter()
        .find(|(k, _)| k == key)
        .map(|(_, v)| v.as_str())
}

/// Read an XML changelog.
pub fn xml<'a>(text: &'a str, lines: &LineIndex) -> Plan<'a> {
    let mut plan = Plan::new(Mode::InFile);
    let mut reader = Reader::from_str(text);
    let mut stack: Vec<Open> = Vec::new();
    let mut cs: Option<Changeset<'a>> = None;
    let mut count = 0usize;
    loop {
        let before = usize::try_from(reader.buffer_position()).unwrap_or(usize::MAX);
        let event = match reader.read_event() {
            Ok(e) => e,
            Err(e) => {
                let at = usize::try_from(reader.error_position()).unwrap_or(0);
                plan.notes.push(Note {
                    line: lines.line(at),
                    what: format!("the changelog is not well-formed XML ({e}); nothing after this line was read"),
                });
                break;
            }
        };
        let after = usize::try_from(reader.buffer_position()).unwrap_or(usize::MAX);
        let tag_start = text
            .get(before..after)
            .and_then(|s| s.find('<'))
            .map_or(before, |i| before + i);
        match event {
            Event::Start(s) | Event::Empty(s) if stack.len() < 256 => {
                let empty = after >= 2 && text.get(after - 2..after) == Some("/>");
                let name = s.local_name().as_ref().to_string();
                let a = attrs(&s);
                let line = lines.line(tag_start);
                let parent = stack.last().map(|o| o.name.clone()).unwrap_or_default();
                let parent = parent.as_str();
                let in_rollback = stack
                    .last()
                    .is_some_and(|o| o.in_rollback || o.name == "rollback");
                if let Some(p) = stack.last_mut() {
                    p.children = true;
                }
                if name == "changeSet" && count < MAX_CHANGESETS {
                    if let Some(done) = cs.take() {
                        done.finish(&mut plan);
                    }
                    count += 1;
                    let mut c = Changeset::new(
                        get(&a, "id").map(str::to_string),
                        get(&a, "author").map(str::to_string),
                        line,
                    );
                    if get(&a, "runInTransaction") == Some("false") {
                        c.tx = Tx::No;
                    }
                    c.dialect = get(&a, "dbms").and_then(dbms);
                    cs = Some(c);
                } else if let Some(c) = cs.as_mut() {
                    let lookup = |k: &str| get(&a, k).map(str::to_string);
                    if parent == "changeSet" && name == "rollback" {
                        c.rollback = true;
                        if let Some(other) = get(&a, "changeSetId") {
                            c.down.push(Item::Op(Op {
                                line,
                                display: format!("rollback of changeset {other}"),
                                acts: Vec::new(),
                                safe: None,
                            }));
                        }
                    } else if parent == "changeSet" && !META.contains(&name.as_str()) {
                        if !AUTO_ROLLBACK.contains(&name.as_str()) {
                            c.needs.push(name.clone());
                        }
                        if name != "sql" && name != "createProcedure" {
                            c.up.push(Item::Op(Op {
                                line,
                                display: change_display(&name, &lookup),
                                acts: change_acts(&name, &lookup),
                                safe: None,
                            }));
                        }
                    } else if parent == "rollback" && name != "sql" {
                        c.down.push(Item::Op(Op {
                            line,
                            display: change_display(&name, &lookup),
                            acts: change_acts(&name, &lookup),
                            safe: None,
                        }));
                    } else if name == "column" && parent == "addColumn" {
                        add_column(c, &a);
                    } else if name == "constraints" && parent == "column" {
                        column_constraints(c, &a);
                    }
                }
                if !empty {
                    stack.push(Open {
                        name,
                        content: after,
                        children: false,
                        in_rollback,
                    });
                }
            }
            Event::End(_) => {
                let Some(open) = stack.pop() else { continue };
                let parent = stack.last().map(|o| o.name.clone()).unwrap_or_default();
                let parent = parent.as_str();
                let Some(c) = cs.as_mut() else { continue };
                let raw = text.get(open.content..tag_start).unwrap_or("");
                let sql_element = open.name == "sql" || open.name == "createProcedure";
                if open.name == "changeSet" {
                    if let Some(done) = cs.take() {
                        done.finish(&mut plan);
                    }
                } else if sql_element && (parent == "changeSet" || parent == "rollback") {
                    let e = Item::Sql(Embedded {
                        sql: Cow::Owned(mask_xml(raw)),
                        origin: Origin::Byte(open.content),
                    });
                    if open.in_rollback {
                        c.down.push(e);
                    } else {
                        c.up.push(e);
                    }
                } else if open.name == "rollback" && parent == "changeSet" && !open.children {
                    let sql = mask_xml(raw);
                    if !sql.trim().is_empty() {
                        c.down.push(Item::Sql(Embedded {
                            sql: Cow::Owned(sql),
                            origin: Origin::Byte(open.content),
                        }));
                    }
                }
            }
            Event::Eof => break,
            _ => {}
        }
    }
    if let Some(done) = cs.take() {
        done.finish(&mut plan);
    }
    plan
}

/// A `<column>` of an `addColumn`: a new column on the table of the last operation.
fn add_column(c: &mut Changeset<'_>, a: &[(String, String)]) {
    c.column_default = a.iter().any(|(k, _)| k.starts_with("defaultValue"));
    let Some(Item::Op(op)) = c.up.last_mut() else {
        return;
    };
    let table = op.acts.first().and_then(|x| x.table.clone());
    let ty = get(a, "type").unwrap_or("").to_ascii_lowercase();
    let rewrite = if ["serial", "bigserial", "smallserial"].contains(&ty.as_str()) {
        Some("a serial type")
    } else {
        get(a, "defaultValueComputed")
            .filter(|v| {
                let v = v.to_ascii_lowercase();
                v.contains('(') && !v.starts_with("now(") && !v.starts_with("current_")
            })
            .map(|_| "a volatile default")
    };
    op.acts.push(Act::new(
        Action::AddColumn {
            rewrite,
            required: false,
        },
        table,
        get(a, "name").map(str::to_string),
    ));
}

/// `<constraints>` of that column.
fn column_constraints(c: &mut Changeset<'_>, a: &[(String, String)]) {
    let has_default = c.column_default;
    let Some(Item::Op(op)) = c.up.last_mut() else {
        return;
    };
    let Some(last) = op
        .acts
        .iter()
        .rposition(|x| matches!(x.action, Action::AddColumn { .. }))
    else {
        return;
    };
    let Some(x) = op.acts.get_mut(last) else {
        return;
    };
    let (table, col) = (x.table.clone(), x.column.clone());
    if let Action::AddColumn { rewrite, .. } = x.action {
        let required = get(a, "nullable") == Some("false") && !has_default && rewrite.is_none();
        x.action = Action::AddColumn { rewrite, required };
    }
    if get(a, "primaryKey") == Some("true") {
        op.acts.push(Act::new(
            Action::PrimaryKey { using_index: false },
            table.clone(),
            col.clone(),
        ));
    } else if get(a, "unique") == Some("true") {
        op.acts.push(Act::new(
            Action::Unique { using_index: false },
            table.clone(),
            col.clone(),
        ));
    }
    if get(a, "references").is_some() || get(a, "referencedTableName").is_some() {
        op.acts.push(Act::new(
            Action::ForeignKey { not_valid: false },
            table,
            col,
        ));
    }
}

// ---------------------------------------------------------------------------------------------
// YAML.

fn scalar_of(n: &Node) -> Option<String> {
    match &n.data {
        Data::Scalar { value, .. } => Some(value.clone()),
        _ => None,
    }
}

/// The line the text of a scalar value starts on: the next line for block scalars (`|`, `>`).
fn scalar_first_line(n: &Node, text: &str, lines: &LineIndex) -> u32 {
    let host = lines
        .range(n.line)
        .and_then(|(s, e)| text.get(s..e.min(text.len())))
        .unwrap_or("");
    let after_colon = host.rsplit_once(':').map_or(host, |(_, r)| r).trim();
    if after_colon.starts_with('|') || after_colon.starts_with('>') {
        n.line.saturating_add(1)
    } else {
        n.line
    }
}

/// The value of `key` as a string (scalars of any kind).
fn yaml_attr(map: &Node, key: &str) -> Option<String> {
    map.get(key).and_then(scalar_of)
}

/// One YAML change (a single-key map): its name, node and line.
fn yaml_change(item: &Node) -> Option<(&str, &Node, u32)> {
    let Data::Map(entries) = &item.data else {
        return None;
    };
    let (k, v) = entries.first()?;
    let name = match &k.data {
        Data::Scalar { value, .. } => value.as_str(),
        _ => return None,
    };
    Some((name, v, k.line))
}

fn yaml_changes<'a>(
    changes: &Node,
    text: &str,
    lines: &LineIndex,
    c: &mut Changeset<'a>,
    rollback: bool,
) {
    for item in changes.items().iter().take(10_000) {
        let Some((name, body, line)) = yaml_change(item) else {
            continue;
        };
        if !rollback && !AUTO_ROLLBACK.contains(&name) && !META.contains(&name) {
            c.needs.push(name.to_string());
        }
        if name == "sql" || name == "createProcedure" {
            let sql_node = body
                .get("sql")
                .or_else(|| body.get("procedureText"))
                .unwrap_or(body);
            if let Some(sql) = scalar_of(sql_node) {
                let e = Item::Sql(Embedded {
                    sql: Cow::Owned(sql),
                    origin: Origin::Line(scalar_first_line(sql_node, text, lines)),
                });
                if rollback {
                    c.down.push(e);
                } else {
                    c.up.push(e);
                }
            }
            continue;
        }
        let lookup = |k: &str| yaml_attr(body, k);
        let mut acts = change_acts(name, &lookup);
        if name == "addColumn" {
            let table = yaml_attr(body, "tableName");
            for col in body.get("columns").map(Node::items).unwrap_or(&[]) {
                let col = col.get("column").unwrap_or(col);
                let cons = col.get("constraints");
                let has_default = match &col.data {
                    Data::Map(e) => e
                        .iter()
                        .any(|(k, _)| scalar_of(k).is_some_and(|k| k.starts_with("defaultValue"))),
                    _ => false,
                };
                let flag = |k: &str| {
                    cons.and_then(|c| c.get(k))
                        .and_then(scalar_of)
                        .map(|v| v.eq_ignore_ascii_case("true"))
                };
                let not_null = cons
                    .and_then(|c| c.get("nullable"))
                    .and_then(scalar_of)
                    .is_some_and(|v| v.eq_ignore_ascii_case("false"));
                let column = yaml_attr(col, "name");
                acts.push(Act::new(
                    Action::AddColumn {
                        rewrite: None,
                        required: not_null && !has_default,
                    },
                    table.clone(),
                    column.clone(),
                ));
                if flag("primaryKey") == Some(true) {
                    acts.push(Act::new(
                        Action::PrimaryKey { using_index: false },
                        table.clone(),
                        column.clone(),
                    ));
                } else if flag("unique") == Some(true) {
                    acts.push(Act::new(
                        Action::Unique { using_index: false },
                        table.clone(),
                        column.clone(),
                    ));
                }
                if cons
                    .and_then(|c| c.get("references").or_else(|| c.get("referencedTableName")))
                    .is_some()
                {
                    acts.push(Act::new(
                        Action::ForeignKey { not_valid: false },
                        table.clone(),
                        column,
                    ));
                }
            }
        }
        let op = Item::Op(Op {
            line,
            display: change_display(name, &lookup),
            acts,
            safe: None,
        });
        if rollback {
            c.down.push(op);
        } else {
            c.up.push(op);
        }
    }
}

/// Read a YAML changelog.
pub fn yaml<'a>(text: &'a str, lines: &LineIndex) -> Plan<'a> {
    let mut plan = Plan::new(Mode::InFile);
    let mut count = 0usize;
    for (first, doc) in split_documents(text) {
        let roots = match parse_document(&doc, first) {
            Ok(r) => r,
            Err(e) => {
                plan.notes.push(Note {
                    line: e.line,
                    what: format!(
                        "the changelog is not valid YAML ({}); this document was not read",
                        e.message
                    ),
                });
                continue;
            }
        };
        for root in &roots {
            let Some(log) = root.get("databaseChangeLog") else {
                continue;
            };
            for item in log.items() {
                let Some(set) = item.get("changeSet") else {
                    continue;
                };
                if count >= MAX_CHANGESETS {
                    break;
                }
                count += 1;
                let line = item.entry("changeSet").map_or(item.line, |(k, _)| k.line);
                let mut c = Changeset::new(yaml_attr(set, "id"), yaml_attr(set, "author"), line);
                if yaml_attr(set, "runInTransaction")
                    .is_some_and(|v| v.eq_ignore_ascii_case("false"))
                {
                    c.tx = Tx::No;
                }
                c.dialect = yaml_attr(set, "dbms").as_deref().and_then(dbms);
                if let Some(changes) = set.get("changes") {
                    yaml_changes(changes, text, lines, &mut c, false);
                }
                if let Some((_, rb)) = set.entry("rollback") {
                    c.rollback = true;
                    match &rb.data {
                        Data::Scalar { value, .. } => {
                            if !value.trim().is_empty() {
                                c.down.push(Item::Sql(Embedded {
                                    sql: Cow::Owned(value.clone()),
                                    origin: Origin::Line(scalar_first_line(rb, text, lines)),
                                }));
                            }
                        }
                        Data::Seq(_) => yaml_changes(rb, text, lines, &mut c, true),
                        Data::Map(_) => {
                            let wrapped = Node {
                                line: rb.line,
                                data: Data::Seq(vec![rb.clone()]),
                            };
                            yaml_changes(&wrapped, text, lines, &mut c, true);
                        }
                    }
                }
                c.finish(&mut plan);
            }
        }
    }
    plan
}

// ---------------------------------------------------------------------------------------------
// Formatted SQL.

/// A formatted-SQL changeset being read: the changeset, where its body starts, the ranges of
/// its `--rollback` SQL, and whether its body holds SQL.
type Formatted<'a> = (Changeset<'a>, usize, Vec<(usize, usize)>, bool);

/// Read a formatted SQL changelog (`--liquibase formatted sql`, `--changeset author:id`,
/// `--rollback ...`).
pub fn formatted<'a>(text: &'a str) -> Plan<'a> {
    let mut plan = Plan::new(Mode::InFile);
    let mut cs: Option<Formatted<'a>> = None;
    let mut offset = 0usize;
    let mut line_no: u32 = 0;
    let mut count = 0usize;
    let close = |state: Option<Formatted<'a>>, end: usize, plan: &mut Plan<'a>| {
        let Some((mut c, body_start, rollback, has_sql)) = state else {
            return;
        };
        if let Some(body) = text.get(body_start..end) {
            c.up.push(Item::Sql(Embedded {
                sql: Cow::Borrowed(body),
                origin: Origin::Byte(body_start),
            }));
        }
        if has_sql {
            c.needs.push("sql".to_string());
        }
        if let (Some(first), Some(last)) = (rollback.first(), rollback.last()) {
            let mut masked = String::with_capacity(last.1 - first.0);
            let mut at = first.0;
            for (s, e) in &rollback {
                if let Some(gap) = text.get(at..*s) {
                    masked.extend(gap.chars().map(|ch| if ch == '\n' { '\n' } else { ' ' }));
                }
                masked.push_str(text.get(*s..*e).unwrap_or(""));
                at = *e;
            }
            if !masked.trim().is_empty() {
                c.down.push(Item::Sql(Embedded {
                    sql: Cow::Owned(masked),
                    origin: Origin::Byte(first.0),
                }));
            }
        }
        c.finish(plan);
    };
    for raw in text.split_inclusive('\n') {
        line_no = line_no.saturating_add(1);
        let start = offset;
        offset += raw.len();
        let line = raw.trim_end_matches(['\n', '\r']);
        let trimmed = line.trim_start();
        let Some(comment) = trimmed.strip_prefix("--") else {
            if let Some(state) = cs.as_mut() {
                if !trimmed.is_empty() {
                    state.3 = true;
                }
            }
            continue;
        };
        let body = comment.trim_start();
        let lower = body.to_ascii_lowercase();
        if lower.starts_with("changeset") {
            close(cs.take(), start, &mut plan);
            if count >= MAX_CHANGESETS {
                continue;
            }
            count += 1;
            let mut words = body.split_whitespace().skip(1);
            let author_id = words.next().unwrap_or("");
            let (author, id) = match author_id.split_once(':') {
                Some((a, i)) => (Some(a.to_string()), Some(i.to_string())),
                None => (None, Some(author_id.to_string())),
            };
            let mut c = Changeset::new(id, author, line_no);
            for w in words {
                let Some((k, v)) = w.split_once(':') else {
                    continue;
                };
                if k.eq_ignore_ascii_case("runInTransaction") && v.eq_ignore_ascii_case("false") {
                    c.tx = Tx::No;
                }
                if k.eq_ignore_ascii_case("dbms") {
                    c.dialect = dbms(v);
                }
            }
            cs = Some((c, offset, Vec::new(), false));
        } else if lower.starts_with("rollback") {
            if let Some(state) = cs.as_mut() {
                state.0.rollback = true;
                let rest = body
                    .get("rollback".len()..)
                    .unwrap_or("")
                    .trim_start_matches(':')
                    .trim_start();
                let r = rest.trim().to_ascii_lowercase();
                if r != "not required" && r != "empty" && !r.is_empty() {
                    let s = start + (line.len() - rest.len());
                    state.2.push((s, start + line.len()));
                }
            }
        }
    }
    close(cs.take(), text.len(), &mut plan);
    plan
}

/// The key form of a Liquibase table name.
pub fn table_key(name: &str) -> String {
    key_of_name(name)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn mask_keeps_offsets() {
        let raw = "<![CDATA[SELECT 1 < 2;]]>\n&lt;x&#233;<!-- c\n-->";
        let m = mask_xml(raw);
        assert_eq!(m.len(), raw.len());
        assert!(m.contains("SELECT 1 < 2;"));
        assert!(m.contains("<   x"));
        assert!(m.contains('é'));
        assert_eq!(m.matches('\n').count(), raw.matches('\n').count());
    }

    #[test]
    fn formatted_changesets() {
        let text = "--liquibase formatted sql\n--changeset bob:1\nCREATE TABLE a (id int);\n--rollback DROP TABLE a;\n--changeset bob:2\nALTER TABLE a ADD b int;\n";
        let plan = formatted(text);
        assert_eq!(plan.parts.len(), 3);
        assert_eq!(plan.missing.len(), 1);
        assert_eq!(plan.missing[0].line, Some(5));
        let down = plan
            .parts
            .iter()
            .find(|p| p.dir == Dir::Down)
            .and_then(|d| d.items.first());
        assert!(matches!(
            down,
            Some(Item::Sql(Embedded { origin: Origin::Byte(b), .. }))
                if text.get(*b..*b + 13) == Some("DROP TABLE a;")
        ));
    }
}
