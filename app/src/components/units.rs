//! Systemd units: what the package refers to but does not ship (renamed or missing, with the
//! shipped name it most likely means), then every unit it ships and who refers to it.

use super::{severity_badge, source_link};
use crate::state::Shared;
use scanner_core::text::visible;
use scanner_core::Finding;
use yew::prelude::*;

/// Props of [`Units`].
#[derive(Properties, PartialEq)]
pub struct Props {
    /// Unit findings.
    pub findings: Shared<Vec<std::rc::Rc<Finding>>>,
    /// Files scanned, for the empty state.
    pub files: usize,
    /// Open the source view.
    pub on_open: Callback<(String, Option<u32>)>,
}

/// The units view.
#[component]
pub fn Units(props: &Props) -> Html {
    if props.findings.is_empty() {
        return html! {
            <p class="empty" data-testid="units-empty">
                {format!("No systemd units shipped or referred to in {} files. Checked: unit files, systemctl/service/invoke-rc.d in scripts, unit dependencies (Requires=, Wants=, After=...), timer and socket targets, Ansible service tasks.", props.files)}
            </p>
        };
    }
    let mut missing: Vec<&Finding> = props
        .findings
        .iter()
        .map(|f| &**f)
        .filter(|f| f.unit.as_ref().is_some_and(|u| !u.shipped))
        .collect();
    missing.sort_by(|a, b| {
        b.severity
            .cmp(&a.severity)
            .then_with(|| a.path.cmp(&b.path))
    });
    let mut shipped: Vec<&Finding> = props
        .findings
        .iter()
        .map(|f| &**f)
        .filter(|f| f.unit.as_ref().is_some_and(|u| u.shipped))
        .collect();
    shipped.sort_by(|a, b| {
        let name = |f: &Finding| f.unit.as_ref().map(|u| u.name.clone()).unwrap_or_default();
        name(a).cmp(&name(b))
    });
    let missing_rows = missing.iter().filter_map(|f| {
        let u = f.unit.as_ref()?;
        Some(html! {
            <tr data-testid="unit-missing" data-unit={u.name.clone()}>
                <td>{severity_badge(f.severity)}</td>
                <td><code>{visible(&u.name).into_owned()}</code></td>
                <td>{u.directive.as_deref().map(|d| visible(d).into_owned()).unwrap_or_default()}</td>
                <td data-testid="unit-suggestion">
                    {match &u.suggestion {
                        Some(s) => html! { <>{"renamed to "}<code>{visible(s).into_owned()}</code>{"?"}</> },
                        None => html! { <span class="muted">{"no shipped unit looks like it"}</span> },
                    }}
                </td>
                <td class="path">{source_link(f, &props.on_open)}</td>
            </tr>
        })
    });
    let shipped_rows = shipped.iter().filter_map(|f| {
        let u = f.unit.as_ref()?;
        let refs = if u.referenced_by.is_empty() {
            html! { <span class="muted">{"not referred to in the package"}</span> }
        } else {
            let more = (u.reference_count as usize).saturating_sub(u.referenced_by.len());
            html! {
                <>
                    {visible(&u.referenced_by.join(", ")).into_owned()}
                    if more > 0 { <span class="muted">{format!(" and {more} more")}</span> }
                </>
            }
        };
        Some(html! {
            <tr data-testid="unit-shipped" data-unit={u.name.clone()}>
                <td><code>{visible(&u.name).into_owned()}</code>
                    if !u.aliases.is_empty() { <div class="muted small">{format!("also {}", visible(&u.aliases.join(", ")))}</div> }
                </td>
                <td>{&u.kind}</td>
                <td class="small">{refs}</td>
                <td class="path">{source_link(f, &props.on_open)}</td>
            </tr>
        })
    });
    html! {
        <section class="units" data-testid="units" aria-label="systemd units">
            if !missing.is_empty() {
                <h3>{format!("Referred to but not shipped ({})", missing.len())}</h3>
                <div class="grid-wrap">
                    <table class="grid">
                        <thead><tr><th>{"Severity"}</th><th>{"Unit"}</th><th>{"How"}</th><th>{"Likely meant"}</th><th>{"Where"}</th></tr></thead>
                        <tbody>{for missing_rows}</tbody>
                    </table>
                </div>
            }
            <h3>{format!("Shipped ({})", shipped.len())}</h3>
            if shipped.is_empty() {
                <p class="muted small">{"The package ships no unit files."}</p>
            } else {
                <div class="grid-wrap">
                    <table class="grid">
                        <thead><tr><th>{"Unit"}</th><th>{"Type"}</th><th>{"Referred to by"}</th><th>{"Shipped at"}</th></tr></thead>
                        <tbody>{for shipped_rows}</tbody>
                    </table>
                </div>
            }
        </section>
    }
}
