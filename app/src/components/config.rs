//! Configuration: keys and Kubernetes APIs the deprecation matrix marks removed or deprecated at
//! the target version, with their replacement; then what the upgrade leaves to clean up
//! (temporary flags, webhook registrations, ephemeral credentials, temporary jobs).

use super::{severity_badge, source_link};
use crate::state::Shared;
use scanner_core::text::visible;
use scanner_core::Finding;
use yew::prelude::*;

/// Props of [`Config`].
#[derive(Properties, PartialEq)]
pub struct Props {
    /// Config findings.
    pub findings: Shared<Vec<std::rc::Rc<Finding>>>,
    /// Files scanned, for the empty state.
    pub files: usize,
    /// Open the source view.
    pub on_open: Callback<(String, Option<u32>)>,
}

/// The configuration view.
#[component]
pub fn Config(props: &Props) -> Html {
    if props.findings.is_empty() {
        return html! {
            <p class="empty" data-testid="config-empty">
                {format!("No deprecated keys, Kubernetes APIs or cleanup items in {} files. Deprecated keys are matched against the profile's [[deprecations]] matrix; Kubernetes APIs against target_versions.kubernetes.", props.files)}
            </p>
        };
    }
    let (keys, other): (Vec<&Finding>, Vec<&Finding>) = props
        .findings
        .iter()
        .map(|f| &**f)
        .partition(|f| f.config.is_some());
    let key_rows = keys.iter().filter_map(|f| {
        let c = f.config.as_ref()?;
        let name = match (&c.api_version, &c.kind) {
            (Some(a), Some(k)) => format!("{a} {k}"),
            _ => c.key.clone(),
        };
        let versions = [
            c.deprecated_in.as_ref().map(|v| format!("deprecated in {v}")),
            c.removed_in.as_ref().map(|v| format!("removed in {v}")),
        ]
        .into_iter()
        .flatten()
        .collect::<Vec<_>>()
        .join(", ");
        Some(html! {
            <tr data-testid="config-row" data-status={c.status.clone()}>
                <td>{severity_badge(f.severity)}</td>
                <td><code>{visible(&name).into_owned()}</code>
                    <div class="muted small">{format!("{} · {}", c.format, visible(&c.component))}</div></td>
                <td>{versions}
                    <div class="muted small">{match &c.target { Some(t) => format!("target {t}"), None => "no target version set".into() }}</div></td>
                <td>{c.replacement.as_deref().map(|r| html!{ <code>{visible(r).into_owned()}</code> }).unwrap_or_else(|| html!{ <span class="muted">{"none"}</span> })}</td>
                <td class="path">{source_link(f, &props.on_open)}</td>
            </tr>
        })
    });
    let other_rows = other.iter().map(|f| {
        html! {
            <li data-testid="cleanup-row" data-rule={f.rule.clone()}>
                {severity_badge(f.severity)}{" "}{visible(&f.title).into_owned()}{" "}{source_link(f, &props.on_open)}
            </li>
        }
    });
    html! {
        <section class="config" data-testid="config" aria-label="configuration">
            if !keys.is_empty() {
                <h3>{format!("Deprecated and removed ({})", keys.len())}</h3>
                <div class="grid-wrap">
                    <table class="grid">
                        <thead><tr><th>{"Severity"}</th><th>{"Key or API"}</th><th>{"Status"}</th><th>{"Use instead"}</th><th>{"Where"}</th></tr></thead>
                        <tbody>{for key_rows}</tbody>
                    </table>
                </div>
            }
            if !other.is_empty() {
                <h3>{format!("Left behind by the upgrade ({})", other.len())}</h3>
                <ul class="plain">{for other_rows}</ul>
            }
        </section>
    }
}
