//! Inventory: the package and its components with their versions, what runs today (from the
//! profile) and whether a supported upgrade path leads from it to the package's version.

use super::{severity_badge, source_link};
use crate::state::Shared;
use scanner_core::text::visible;
use scanner_core::Finding;
use yew::prelude::*;

/// Props of [`Inventory`].
#[derive(Properties, PartialEq)]
pub struct Props {
    /// Inventory findings.
    pub findings: Shared<Vec<std::rc::Rc<Finding>>>,
    /// Files scanned, for the empty state.
    pub files: usize,
    /// Open the source view.
    pub on_open: Callback<(String, Option<u32>)>,
}

fn role_rank(role: &str) -> u8 {
    match role {
        "package" => 0,
        "component" => 1,
        _ => 2,
    }
}

/// The inventory view.
#[component]
pub fn Inventory(props: &Props) -> Html {
    if props.findings.is_empty() {
        return html! {
            <p class="empty" data-testid="inventory-empty">
                {format!("No versions found in {} files. Read: package and manifest JSON, VERSION files, pom.xml, MANIFEST.MF, Chart.yaml, dpkg control, lock files, requirements, go.mod and .deb/.rpm/.jar names. Set [installed] and [[upgrade_paths]] in the profile to check the upgrade path.", props.files)}
            </p>
        };
    }
    let mut list: Vec<&Finding> = props
        .findings
        .iter()
        .map(|f| &**f)
        .filter(|f| f.inventory.is_some())
        .collect();
    list.sort_by(|a, b| {
        let (Some(x), Some(y)) = (&a.inventory, &b.inventory) else {
            return std::cmp::Ordering::Equal;
        };
        b.severity
            .cmp(&a.severity)
            .then_with(|| role_rank(&x.role).cmp(&role_rank(&y.role)))
            .then_with(|| x.component.cmp(&y.component))
    });
    let rows = list.iter().filter_map(|f| {
        let i = f.inventory.as_ref()?;
        let path = match i.supported {
            Some(true) => html! { <span class="tag ok">{format!("supported: {}", visible(&i.path.join(" → ")))}</span> },
            Some(false) => html! { <span class="tag bad" data-testid="no-upgrade-path">{"no supported path"}</span> },
            None => Html::default(),
        };
        let deps = i.dependency_count.map(|n| format!(" · {n} dependencies")).unwrap_or_default();
        Some(html! {
            <tr data-testid="inventory-row" data-role={i.role.clone()} data-component={i.component.clone()}>
                <td>{severity_badge(f.severity)}</td>
                <td><strong>{visible(&i.component).into_owned()}</strong>
                    <div class="muted small">{format!("{} · {}{deps}", i.role, i.source)}</div></td>
                <td class="num">{visible(&i.version).into_owned()}</td>
                <td class="num">{i.installed.clone().unwrap_or_default()}</td>
                <td>{path}
                    if !i.missing.is_empty() { <div class="small">{visible(&i.missing.join("; ")).into_owned()}</div> }
                    if f.severity >= scanner_core::Severity::Medium { <div class="small">{visible(&f.title).into_owned()}</div> }
                </td>
                <td class="path">{source_link(f, &props.on_open)}</td>
            </tr>
        })
    });
    html! {
        <section class="inventory" data-testid="inventory" aria-label="inventory">
            <div class="grid-wrap">
                <table class="grid">
                    <thead><tr><th>{"Severity"}</th><th>{"Component"}</th><th>{"In the package"}</th><th>{"Installed"}</th><th>{"Upgrade path"}</th><th>{"Source"}</th></tr></thead>
                    <tbody>{for rows}</tbody>
                </table>
            </div>
        </section>
    }
}
