//! Migrations, per file: tool, dialect, version, rollback status, then its statements with the
//! locks they take and, under each, what the lock blocks and the form that does not block.

use super::{severity_badge, source_link};
use crate::state::Shared;
use scanner_core::text::visible;
use scanner_core::{Finding, Severity};
use std::collections::BTreeMap;
use yew::prelude::*;

/// Props of [`Migrations`].
#[derive(Properties, PartialEq)]
pub struct Props {
    /// Migration findings.
    pub findings: Shared<Vec<std::rc::Rc<Finding>>>,
    /// Files scanned, for the empty state.
    pub files: usize,
    /// Open the source view.
    pub on_open: Callback<(String, Option<u32>)>,
}

fn rollback_tag(status: Option<&str>) -> Html {
    let (class, text) = match status {
        Some("present") => ("tag ok", "rollback present"),
        Some("missing") => ("tag bad", "no rollback"),
        Some("destructive") => ("tag bad", "rollback drops data"),
        Some("irreversible") => ("tag bad", "irreversible"),
        Some("not-needed") => ("tag", "no rollback needed"),
        Some(other) => ("tag", other),
        None => return Html::default(),
    };
    html! { <span class={class} data-testid="rollback-status" data-rollback={status.unwrap_or_default().to_string()}>{text}</span> }
}

/// The migrations view.
#[component]
pub fn Migrations(props: &Props) -> Html {
    if props.findings.is_empty() {
        return html! {
            <p class="empty" data-testid="migrations-empty">
                {format!("No database migrations found in {} files. Checked: Flyway, golang-migrate, dbmate, goose, Liquibase, Alembic, Rails, Django and SQL files in migration folders.", props.files)}
            </p>
        };
    }
    // Findings by file; the `migration.file` finding heads its group.
    let mut files: BTreeMap<&str, (Option<&Finding>, Vec<&Finding>)> = BTreeMap::new();
    for f in props.findings.iter() {
        let slot = files.entry(f.path.as_str()).or_default();
        if f.rule == "migration.file" {
            slot.0 = Some(f);
        } else {
            slot.1.push(f);
        }
    }
    let mut list: Vec<(&str, Option<&Finding>, Vec<&Finding>)> =
        files.into_iter().map(|(p, (h, v))| (p, h, v)).collect();
    for (_, _, v) in &mut list {
        v.sort_by_key(|f| (f.line, std::cmp::Reverse(f.severity)));
    }
    let worst = |v: &[&Finding]| v.iter().map(|f| f.severity).max().unwrap_or(Severity::Info);
    list.sort_by(|a, b| worst(&b.2).cmp(&worst(&a.2)).then_with(|| a.0.cmp(b.0)));
    let groups = list.iter().map(|(path, head, problems)| {
        let info = head.and_then(|h| h.migration.as_ref()).or_else(|| problems.first().and_then(|f| f.migration.as_ref()));
        let (tool, dialect, version) = info
            .map(|m| (m.tool.clone(), m.dialect.clone(), m.version.clone().unwrap_or_default()))
            .unwrap_or_default();
        let statements = info.and_then(|m| m.statements);
        let problem_rows = problems.iter().map(|f| {
            let m = f.migration.as_ref();
            html! {
                <li data-testid="migration-problem" data-rule={f.rule.clone()}>
                    {severity_badge(f.severity)}{" "}{visible(&f.title).into_owned()}{" "}
                    {source_link(f, &props.on_open)}
                    if let Some(lock) = m.and_then(|m| m.lock.as_deref()) {
                        <div class="muted small">
                            {format!("Takes {lock}")}
                            {m.and_then(|m| m.blocks.as_deref()).map(|b| format!(", blocking {b}")).unwrap_or_default()}
                            {"."}
                        </div>
                    }
                    if let Some(safe) = m.and_then(|m| m.safe_form.as_deref()) {
                        <div class="small">{"Safe form: "}<code>{visible(safe).into_owned()}</code></div>
                    }
                </li>
            }
        });
        let steps = info.map(|m| m.steps.as_slice()).unwrap_or_default().iter().map(|s| {
            html! {
                <tr class={classes!(s.lock.is_some().then_some("locks"))}>
                    <td class="num">{s.line}</td>
                    <td>{&s.direction}</td>
                    <td><code>{visible(&s.statement).into_owned()}</code></td>
                    <td>{s.lock.clone().unwrap_or_default()}</td>
                </tr>
            }
        });
        let has_steps = info.is_some_and(|m| !m.steps.is_empty());
        html! {
            <details class="migration" open={worst(problems) >= Severity::Medium} data-testid="migration-file" data-path={path.to_string()}>
                <summary>
                    {severity_badge(worst(problems))}{" "}
                    <code>{visible(path).into_owned()}</code>
                    <span class="tag">{tool}</span>
                    <span class="tag" data-testid="migration-dialect">{dialect}</span>
                    if !version.is_empty() { <span class="tag">{format!("v{}", visible(&version))}</span> }
                    {rollback_tag(info.and_then(|m| m.rollback.as_deref()))}
                    if let Some(n) = statements { <span class="muted num">{format!(" {n} statement{}", if n == 1 { "" } else { "s" })}</span> }
                </summary>
                if !problems.is_empty() { <ul class="plain problems">{for problem_rows}</ul> }
                if has_steps {
                    // Plain text rows: on a narrow screen the box scrolls, and a keyboard needs a
                    // stop on it to scroll it (the other tables hold buttons).
                    <div class="grid-wrap" tabindex="0" role="region"
                        aria-label={format!("statements of {}", visible(path))}>
                        <table class="grid steps">
                            <thead><tr><th>{"Line"}</th><th>{"Direction"}</th><th>{"Statement"}</th><th>{"Lock"}</th></tr></thead>
                            <tbody>{for steps}</tbody>
                        </table>
                    </div>
                }
            </details>
        }
    });
    html! {
        <section class="migrations" data-testid="migrations" aria-label="database migrations">
            {for groups}
        </section>
    }
}
