//! Alembic, Rails and Django migrations: their operations as [`Action`]s, the SQL they pass to
//! `op.execute`, `execute` and `RunSQL`, and what they say about rollback.

use super::classify::{Act, Action};
use super::code::{bare_code, find_def, Call, Code, Lang};
use super::plan::{Dir, Item, Missing, Mode, Op, Plan, Section, Tx};
use super::sql::{short, LineIndex};

/// Words in a default expression that make it volatile.
const VOLATILE: &[&str] = &[
    "gen_random_uuid",
    "uuid_generate",
    "random(",
    "nextval",
    "clock_timestamp",
    "timeofday",
];

fn volatile(expr: &str) -> bool {
    let e = expr.to_ascii_lowercase();
    VOLATILE.iter().any(|v| e.contains(v))
}

fn op(
    code: &Code<'_>,
    lines: &LineIndex,
    call: &Call,
    acts: Vec<Act>,
    safe: Option<&'static str>,
) -> Op {
    Op {
        line: lines.line(call.start),
        display: short(
            code.text.get(call.start..call.end).unwrap_or(&call.name),
            160,
        ),
        acts,
        safe,
    }
}

fn one(action: Action, table: Option<String>, column: Option<String>) -> Vec<Act> {
    vec![Act::new(action, table, column)]
}

// ---------------------------------------------------------------------------------------------
// Alembic.

const ALEMBIC_INDEX: &str = "op.create_index(..., postgresql_concurrently=True) inside `with op.get_context().autocommit_block():`";
const ALEMBIC_DROP_INDEX: &str = "op.drop_index(..., postgresql_concurrently=True) inside `with op.get_context().autocommit_block():`";
const ALEMBIC_NOT_VALID: &str =
    "postgresql_not_valid=True, then VALIDATE CONSTRAINT (op.execute) in a later migration";

/// Actions of one Alembic operation; `batch` is the table of an enclosing
/// `batch_alter_table` (whose operations take no table argument).
fn alembic_acts(
    code: &Code<'_>,
    call: &Call,
    batch: Option<&str>,
) -> (Vec<Act>, Option<&'static str>) {
    let short_name = call.name.rsplit('.').next().unwrap_or("");
    let a = &call.args;
    // Positional index of the table argument, and the shift it causes for later ones.
    let (t, s) = if batch.is_some() {
        (None, 0)
    } else {
        (Some(0), 1)
    };
    // Inside `with op.batch_alter_table(t) as batch_op:` the table is the batch's, not an argument.
    let table_at = |key: &str, pos: Option<usize>| -> Option<String> {
        match batch {
            Some(b) => Some(b.to_string()),
            None => code.arg(a, key, pos).and_then(|x| code.name(x)),
        }
    };
    let name = |key: &str, pos: usize| code.arg(a, key, Some(pos)).and_then(|x| code.name(x));
    let flag = |key: &str| code.flag(a, key).unwrap_or(false);
    match short_name {
        "create_table" => (one(Action::CreateTable, name("table_name", 0), None), None),
        "create_index" => {
            let concurrently = flag("postgresql_concurrently");
            let table = table_at("table_name", Some(1));
            (
                one(
                    Action::CreateIndex { concurrently },
                    table,
                    name("index_name", 0),
                ),
                Some(ALEMBIC_INDEX),
            )
        }
        "drop_index" => {
            let concurrently = flag("postgresql_concurrently");
            let table = table_at("table_name", Some(1));
            (
                one(
                    Action::DropIndex { concurrently },
                    table,
                    name("index_name", 0),
                ),
                Some(ALEMBIC_DROP_INDEX),
            )
        }
        "create_foreign_key" => {
            let table = table_at("source_table", Some(1));
            (
                one(
                    Action::ForeignKey {
                        not_valid: flag("postgresql_not_valid"),
                    },
                    table,
                    name("constraint_name", 0),
                ),
                Some(ALEMBIC_NOT_VALID),
            )
        }
        "create_check_constraint" => {
            let table = table_at("table_name", Some(1));
            (
                one(
                    Action::Check {
                        not_valid: flag("postgresql_not_valid"),
                    },
                    table,
                    name("constraint_name", 0),
                ),
                Some(ALEMBIC_NOT_VALID),
            )
        }
        "create_unique_constraint" => {
            let table = table_at("table_name", Some(1));
            (
                one(
                    Action::Unique { using_index: false },
                    table,
                    name("constraint_name", 0),
                ),
                None,
            )
        }
        "create_primary_key" => {
            let table = table_at("table_name", Some(1));
            (
                one(
                    Action::PrimaryKey { using_index: false },
                    table,
                    name("constraint_name", 0),
                ),
                None,
            )
        }
        "alter_column" => {
            let table = table_at("table_name", t);
            let column = name("column_name", s);
            let mut acts = Vec::new();
            if code.arg(a, "type_", None).is_some() {
                acts.push(Act::new(Action::ColumnType, table.clone(), column.clone()));
            }
            if code.flag(a, "nullable") == Some(false) {
                acts.push(Act::new(Action::SetNotNull, table.clone(), column.clone()));
            }
            if code.arg(a, "new_column_name", None).is_some() {
                acts.push(Act::new(Action::RenameColumn, table, column));
            }
            (acts, None)
        }
        "add_column" => {
            let table = table_at("table_name", t);
            let Some(col) = code.arg(a, "column", Some(s)) else {
                return (Vec::new(), None);
            };
            // `sa.Column("name", sa.Type, nullable=False, server_default=...)`.
            let inner = code.calls(col.start, col.end, Lang::Python, &|n| n.ends_with("Column"));
            let Some(c) = inner.first() else {
                return (
                    one(
                        Action::AddColumn {
                            rewrite: None,
                            required: false,
                        },
                        table,
                        None,
                    ),
                    None,
                );
            };
            let cname = code
                .arg(&c.args, "name", Some(0))
                .and_then(|x| code.name(x));
            let default = code
                .arg(&c.args, "server_default", None)
                .map(|x| code.value(x).to_string());
            let not_null = code.flag(&c.args, "nullable") == Some(false);
            let rewrite = default
                .as_deref()
                .filter(|d| volatile(d))
                .map(|_| "a volatile default");
            let required = not_null && default.is_none() && rewrite.is_none();
            (
                one(Action::AddColumn { rewrite, required }, table, cname),
                None,
            )
        }
        "rename_table" => (
            one(Action::RenameTable, name("old_table_name", 0), None),
            None,
        ),
        "drop_table" => (one(Action::DropTable, name("table_name", 0), None), None),
        "drop_column" => (
            one(
                Action::DropColumn,
                table_at("table_name", t),
                name("column_name", s),
            ),
            None,
        ),
        _ => (Vec::new(), None),
    }
}

/// Read an Alembic revision.
pub fn alembic<'a>(text: &'a str, lines: &LineIndex) -> Plan<'a> {
    let code = Code::new(text, Lang::Python);
    let mut plan = Plan::new(Mode::InFile);
    let tx = if text.contains("autocommit_block") {
        Tx::No
    } else {
        Tx::Yes
    };
    let up = find_def(&code, Lang::Python, &["upgrade"]);
    let down = find_def(&code, Lang::Python, &["downgrade"]);
    let mut up_ops = 0usize;
    for (def, dir) in [(up, Dir::Up), (down, Dir::Down)] {
        let Some(def) = def else { continue };
        let mut s = Section::new(dir, tx);
        let calls = code.calls(def.start, def.end, Lang::Python, &|n| {
            n.starts_with("op.") || n.contains("batch_op.") || n.ends_with("batch_alter_table")
        });
        let mut batch: Option<String> = None;
        for call in &calls {
            if call.name.ends_with("batch_alter_table") {
                batch = code
                    .arg(&call.args, "table_name", Some(0))
                    .and_then(|x| code.name(x));
                continue;
            }
            let in_batch = !call.name.starts_with("op.");
            if call.name.ends_with(".execute") {
                let sql = code
                    .arg(&call.args, "sqltext", Some(0))
                    .map(|x| code.sql(x))
                    .unwrap_or_default();
                if sql.is_empty() {
                    s.items
                        .push(Item::Op(op(&code, lines, call, Vec::new(), None)));
                }
                s.items.extend(sql.into_iter().map(Item::Sql));
                continue;
            }
            let (acts, safe) =
                alembic_acts(&code, call, if in_batch { batch.as_deref() } else { None });
            s.items.push(Item::Op(op(&code, lines, call, acts, safe)));
        }
        if dir == Dir::Up {
            up_ops = s.items.len();
        }
        plan.parts.push(s);
    }
    let up_line = up.map(|d| lines.line(d.at));
    match down {
        None => plan.missing.push(Missing {
            line: up_line,
            what: "No downgrade() in this Alembic revision".to_string(),
            irreversible: false,
            changeset: None,
        }),
        Some(d) => {
            let bare = bare_code(&code, d.start, d.end);
            let empty = bare.replace("pass", "").replace("...", "").is_empty();
            let has_ops = plan
                .parts
                .iter()
                .any(|p| p.dir == Dir::Down && !p.items.is_empty());
            if up_ops > 0 && !has_ops && bare.contains("raise") {
                plan.missing.push(Missing {
                    line: Some(lines.line(d.at)),
                    what: "The Alembic downgrade() raises: this revision is declared irreversible"
                        .to_string(),
                    irreversible: true,
                    changeset: None,
                });
            } else if up_ops > 0 && empty {
                plan.missing.push(Missing {
                    line: Some(lines.line(d.at)),
                    what: "The Alembic downgrade() does nothing".to_string(),
                    irreversible: false,
                    changeset: None,
                });
            }
        }
    }
    plan
}

// ---------------------------------------------------------------------------------------------
// Rails.

const RAILS_OPS: &[&str] = &[
    "create_table",
    "add_index",
    "remove_index",
    "add_foreign_key",
    "add_check_constraint",
    "add_reference",
    "add_belongs_to",
    "add_column",
    "change_column",
    "change_column_null",
    "change_column_default",
    "rename_column",
    "rename_table",
    "drop_table",
    "remove_column",
    "remove_columns",
    "remove_reference",
    "remove_belongs_to",
    "remove_timestamps",
    "execute",
];

const RAILS_INDEX: &str =
    "add_index ..., algorithm: :concurrently, with disable_ddl_transaction! in the migration class";
const RAILS_REMOVE_INDEX: &str = "remove_index ..., algorithm: :concurrently, with disable_ddl_transaction! in the migration class";
const RAILS_FK: &str =
    "add_foreign_key ..., validate: false, then validate_foreign_key in a separate migration";
const RAILS_CHECK: &str = "add_check_constraint ..., validate: false, then validate_check_constraint in a separate migration";
const RAILS_NOT_NULL: &str = "add_check_constraint :t, \"col IS NOT NULL\", validate: false; validate_check_constraint; then change_column_null (PostgreSQL 12+)";

fn rails_acts(code: &Code<'_>, call: &Call) -> (Vec<Act>, Option<&'static str>) {
    let a = &call.args;
    let pos = |n: usize| code.arg(a, "", Some(n)).and_then(|x| code.name(x));
    let kw = |k: &str| code.arg(a, k, None).map(|x| code.value(x).to_string());
    let table = pos(0);
    match call.name.as_str() {
        "create_table" => (one(Action::CreateTable, table, None), None),
        "add_index" => {
            let concurrently = kw("algorithm").is_some_and(|v| v.contains("concurrently"));
            (
                one(Action::CreateIndex { concurrently }, table, kw("name")),
                Some(RAILS_INDEX),
            )
        }
        "remove_index" => {
            let concurrently = kw("algorithm").is_some_and(|v| v.contains("concurrently"));
            (
                one(Action::DropIndex { concurrently }, table, kw("name")),
                Some(RAILS_REMOVE_INDEX),
            )
        }
        "add_foreign_key" => {
            let not_valid = kw("validate").is_some_and(|v| v == "false");
            (
                one(Action::ForeignKey { not_valid }, table, None),
                Some(RAILS_FK),
            )
        }
        "add_check_constraint" => {
            let not_valid = kw("validate").is_some_and(|v| v == "false");
            (
                one(Action::Check { not_valid }, table, kw("name")),
                Some(RAILS_CHECK),
            )
        }
        "add_reference" | "add_belongs_to" => {
            let column = pos(1).map(|r| format!("{r}_id"));
            let mut acts = Vec::new();
            let required = kw("null").is_some_and(|v| v == "false") && kw("default").is_none();
            acts.push(Act::new(
                Action::AddColumn {
                    rewrite: None,
                    required,
                },
                table.clone(),
                column.clone(),
            ));
            let index = kw("index");
            if index.as_deref() != Some("false") {
                let concurrently = index.is_some_and(|v| v.contains("concurrently"));
                acts.push(Act::new(
                    Action::CreateIndex { concurrently },
                    table.clone(),
                    column.clone(),
                ));
            }
            if let Some(fk) = kw("foreign_key").filter(|v| v != "false") {
                let not_valid = fk.contains("validate: false");
                acts.push(Act::new(Action::ForeignKey { not_valid }, table, column));
            }
            (acts, Some(RAILS_INDEX))
        }
        "add_column" => {
            let default = kw("default");
            let required = kw("null").is_some_and(|v| v == "false") && default.is_none();
            let rewrite = default
                .as_deref()
                .filter(|d| volatile(d))
                .map(|_| "a volatile default");
            (
                one(
                    Action::AddColumn {
                        rewrite,
                        required: required && rewrite.is_none(),
                    },
                    table,
                    pos(1),
                ),
                None,
            )
        }
        "change_column" => (one(Action::ColumnType, table, pos(1)), None),
        "change_column_null" => {
            let not_null = code
                .arg(a, "", Some(2))
                .is_some_and(|x| code.value(x) == "false");
            if not_null {
                (one(Action::SetNotNull, table, pos(1)), Some(RAILS_NOT_NULL))
            } else {
                (Vec::new(), None)
            }
        }
        "rename_column" => (one(Action::RenameColumn, table, pos(1)), None),
        "rename_table" => (one(Action::RenameTable, table, None), None),
        "drop_table" => (one(Action::DropTable, table, None), None),
        "remove_column" => (one(Action::DropColumn, table, pos(1)), None),
        "remove_columns" => {
            let acts = a
                .iter()
                .filter(|x| x.key.is_none())
                .skip(1)
                .map(|x| Act::new(Action::DropColumn, table.clone(), code.name(x)))
                .collect();
            (acts, None)
        }
        "remove_reference" | "remove_belongs_to" => (
            one(Action::DropColumn, table, pos(1).map(|r| format!("{r}_id"))),
            None,
        ),
        "remove_timestamps" => (
            vec![
                Act::new(Action::DropColumn, table.clone(), Some("created_at".into())),
                Act::new(Action::DropColumn, table, Some("updated_at".into())),
            ],
            None,
        ),
        _ => (Vec::new(), None),
    }
}

/// Why Rails cannot reverse an operation of `change`, if it cannot.
fn rails_irreversible(
    code: &Code<'_>,
    call: &Call,
    reversible_blocks: bool,
) -> Option<&'static str> {
    let positional = call.args.iter().filter(|a| a.key.is_none()).count();
    let has = |k: &str| call.args.iter().any(|a| a.key.as_deref() == Some(k));
    let block = code
        .text
        .get(call.end..)
        .is_some_and(|r| r.trim_start().starts_with("do"));
    match call.name.as_str() {
        "execute" if !reversible_blocks => Some("execute"),
        "change_column" => Some("change_column"),
        "change_column_default" if !has("from") => Some("change_column_default without from:/to:"),
        "remove_column" if positional < 3 && !has("type") => Some("remove_column without a type"),
        "remove_columns" if !has("type") => Some("remove_columns without type:"),
        "drop_table" if !block && positional < 2 && call.args.len() < 2 => {
            Some("drop_table without its columns")
        }
        _ => None,
    }
}

/// Read a Rails migration.
pub fn rails<'a>(text: &'a str, lines: &LineIndex) -> Plan<'a> {
    let code = Code::new(text, Lang::Ruby);
    let mut plan = Plan::new(Mode::InFile);
    let tx = if text.contains("disable_ddl_transaction!") {
        Tx::No
    } else {
        Tx::Yes
    };
    let change = find_def(&code, Lang::Ruby, &["change"]);
    let up = find_def(&code, Lang::Ruby, &["up"]);
    let down = find_def(&code, Lang::Ruby, &["down"]);
    let reversible_blocks = text.contains("reversible do") || text.contains("up_only");
    let mut irreversible: Vec<(u32, &'static str)> = Vec::new();
    let want = |n: &str| RAILS_OPS.contains(&n);
    for (def, dir, is_change) in [
        (change, Dir::Up, true),
        (up, Dir::Up, false),
        (down, Dir::Down, false),
    ] {
        let Some(def) = def else { continue };
        let mut s = Section::new(dir, tx);
        for call in code.calls(def.start, def.end, Lang::Ruby, &want) {
            if is_change {
                if let Some(why) = rails_irreversible(&code, &call, reversible_blocks) {
                    irreversible.push((lines.line(call.start), why));
                }
            }
            if call.name == "execute" {
                let sql = call.args.first().map(|x| code.sql(x)).unwrap_or_default();
                if sql.is_empty() {
                    s.items
                        .push(Item::Op(op(&code, lines, &call, Vec::new(), None)));
                }
                s.items.extend(sql.into_iter().map(Item::Sql));
                continue;
            }
            let (acts, safe) = rails_acts(&code, &call);
            s.items.push(Item::Op(op(&code, lines, &call, acts, safe)));
        }
        plan.parts.push(s);
    }
    if let Some(d) = down {
        let body = text.get(d.start..d.end).unwrap_or("");
        if body.contains("IrreversibleMigration") {
            let at = body.find("raise").map_or(d.at, |k| d.start + k);
            plan.missing.push(Missing {
                line: Some(lines.line(at)),
                what: "The Rails migration's down raises ActiveRecord::IrreversibleMigration"
                    .to_string(),
                irreversible: true,
                changeset: None,
            });
        }
    } else if let Some(u) = up {
        plan.missing.push(Missing {
            line: Some(lines.line(u.at)),
            what: "The Rails migration defines up without down".to_string(),
            irreversible: false,
            changeset: None,
        });
    } else if let Some((line, why)) = irreversible.first() {
        plan.missing.push(Missing {
            line: Some(*line),
            what: format!("Rails cannot reverse {why} in change: rolling back raises ActiveRecord::IrreversibleMigration"),
            irreversible: true,
            changeset: None,
        });
    }
    plan
}

// ---------------------------------------------------------------------------------------------
// Django.

const DJANGO_BARE: &[&str] = &[
    "AddIndexConcurrently",
    "RemoveIndexConcurrently",
    "AddConstraintNotValid",
    "ValidateConstraint",
];

const DJANGO_INDEX: &str =
    "AddIndexConcurrently (django.contrib.postgres.operations) in a migration with atomic = False";
const DJANGO_REMOVE_INDEX: &str = "RemoveIndexConcurrently (django.contrib.postgres.operations) in a migration with atomic = False";
const DJANGO_CONSTRAINT: &str = "AddConstraintNotValid, then ValidateConstraint in a later migration (django.contrib.postgres.operations)";
const DJANGO_ATOMIC: &str = "set atomic = False on the Migration class";

/// Read a Django migration.
pub fn django<'a>(text: &'a str, lines: &LineIndex) -> Plan<'a> {
    let code = Code::new(text, Lang::Python);
    let mut plan = Plan::new(Mode::InFile);
    let tx = if text.contains("atomic = False") || text.contains("atomic=False") {
        Tx::No
    } else {
        Tx::Yes
    };
    let calls = code.calls(0, text.len(), Lang::Python, &|n| {
        let op = n.strip_prefix("migrations.").unwrap_or(n);
        (n.starts_with("migrations.") || DJANGO_BARE.contains(&n))
            && !matches!(op, "Migration" | "swappable_dependency")
            && op.bytes().next().is_some_and(|c| c.is_ascii_uppercase())
            && !op.contains('.')
    });
    let mut up = Section::new(Dir::Up, tx);
    let mut down = Section::new(Dir::Down, tx);
    for call in &calls {
        let name = call.name.strip_prefix("migrations.").unwrap_or(&call.name);
        let a = &call.args;
        let model = code
            .arg(a, "model_name", Some(0))
            .and_then(|x| code.name(x));
        let field = |key: &str, pos: usize| code.arg(a, key, Some(pos)).and_then(|x| code.name(x));
        let (acts, safe): (Vec<Act>, Option<&'static str>) = match name {
            "CreateModel" => (one(Action::CreateTable, field("name", 0), None), None),
            "DeleteModel" => (one(Action::DropTable, field("name", 0), None), None),
            "AddIndex" => (
                one(
                    Action::CreateIndex {
                        concurrently: false,
                    },
                    model,
                    None,
                ),
                Some(DJANGO_INDEX),
            ),
            "AddIndexConcurrently" => (
                one(Action::CreateIndex { concurrently: true }, model, None),
                Some(DJANGO_ATOMIC),
            ),
            "RemoveIndex" => (
                one(
                    Action::DropIndex {
                        concurrently: false,
                    },
                    model,
                    field("name", 1),
                ),
                Some(DJANGO_REMOVE_INDEX),
            ),
            "RemoveIndexConcurrently" => (
                one(
                    Action::DropIndex { concurrently: true },
                    model,
                    field("name", 1),
                ),
                Some(DJANGO_ATOMIC),
            ),
            "AddConstraint" => {
                let unique = code
                    .arg(a, "constraint", Some(1))
                    .is_some_and(|x| code.value(x).contains("UniqueConstraint"));
                let action = if unique {
                    Action::Unique { using_index: false }
                } else {
                    Action::Check { not_valid: false }
                };
                (one(action, model, None), Some(DJANGO_CONSTRAINT))
            }
            "RenameField" => (one(Action::RenameColumn, model, field("old_name", 1)), None),
            "RenameModel" => (one(Action::RenameTable, field("old_name", 0), None), None),
            "RemoveField" => (one(Action::DropColumn, model, field("name", 1)), None),
            "RunSQL" => {
                if let Some(sql) = code.arg(a, "sql", Some(0)) {
                    up.items.extend(code.sql(sql).into_iter().map(Item::Sql));
                }
                let reverse = code.arg(a, "reverse_sql", Some(1));
                match reverse {
                    None => plan.missing.push(Missing {
                        line: Some(lines.line(call.start)),
                        what: "RunSQL without reverse_sql: Django cannot roll this migration back"
                            .to_string(),
                        irreversible: false,
                        changeset: None,
                    }),
                    Some(r) if code.value(r) == "None" => plan.missing.push(Missing {
                        line: Some(lines.line(call.start)),
                        what:
                            "RunSQL with reverse_sql=None: Django cannot roll this migration back"
                                .to_string(),
                        irreversible: false,
                        changeset: None,
                    }),
                    Some(r) => down.items.extend(code.sql(r).into_iter().map(Item::Sql)),
                }
                continue;
            }
            "RunPython" => {
                let reverse = code.arg(a, "reverse_code", Some(1));
                if reverse.is_none_or(|r| code.value(r) == "None") {
                    plan.missing.push(Missing {
                        line: Some(lines.line(call.start)),
                        what:
                            "RunPython without reverse_code: Django cannot roll this migration back"
                                .to_string(),
                        irreversible: false,
                        changeset: None,
                    });
                }
                (Vec::new(), None)
            }
            _ => (Vec::new(), None),
        };
        up.items.push(Item::Op(op(&code, lines, call, acts, safe)));
    }
    plan.parts.push(up);
    if !down.items.is_empty() {
        plan.parts.push(down);
    }
    plan
}
