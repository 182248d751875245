//! Endpoints grouped by host: retired hosts first, then runtime, local and documentation
//! (documentation collapsed), each with its schemes, ports and where it is used.

use super::{severity_badge, source_link};
use crate::state::Shared;
use scanner_core::text::visible;
use scanner_core::Finding;
use std::collections::BTreeMap;
use yew::prelude::*;

/// Props of [`Endpoints`].
#[derive(Properties, PartialEq)]
pub struct Props {
    /// Endpoint findings.
    pub findings: Shared<Vec<std::rc::Rc<Finding>>>,
    /// Files scanned, for the empty state.
    pub files: usize,
    /// Open the source view.
    pub on_open: Callback<(String, Option<u32>)>,
}

struct Host<'f> {
    host: String,
    class: String,
    retired: bool,
    uses: Vec<&'f Finding>,
}

fn rank(h: &Host<'_>) -> u8 {
    match (h.retired, h.class.as_str()) {
        (true, _) => 0,
        (_, "runtime") => 1,
        (_, "local") => 2,
        _ => 3,
    }
}

/// The endpoints view.
#[component]
pub fn Endpoints(props: &Props) -> Html {
    let show_docs = use_state(|| false);
    let mut hosts: BTreeMap<String, Host<'_>> = BTreeMap::new();
    for f in props.findings.iter() {
        let Some(e) = &f.endpoint else { continue };
        let h = hosts.entry(e.host.clone()).or_insert_with(|| Host {
            host: e.host.clone(),
            class: e.class.clone(),
            retired: false,
            uses: Vec::new(),
        });
        h.retired |= e.retired;
        // A host used at runtime anywhere is a runtime host.
        if e.class == "runtime" {
            h.class = "runtime".into();
        }
        h.uses.push(f);
    }
    if hosts.is_empty() {
        return html! {
            <p class="empty" data-testid="endpoints-empty">
                {format!("No endpoints found in {} files. Checked: URLs of every scheme, JDBC and ADO.NET connection strings, UNC paths, scp/rsync targets, host keys in configuration, IP addresses.", props.files)}
            </p>
        };
    }
    let mut list: Vec<Host<'_>> = hosts.into_values().collect();
    list.sort_by(|a, b| rank(a).cmp(&rank(b)).then_with(|| a.host.cmp(&b.host)));
    let docs = list.iter().filter(|h| rank(h) == 3).count();
    let groups = list.iter().filter(|h| *show_docs || rank(h) < 3).map(|h| {
        let mut schemes: Vec<String> = h
            .uses
            .iter()
            .filter_map(|f| f.endpoint.as_ref())
            .map(|e| match e.port {
                Some(p) => format!("{}:{p}", e.scheme),
                None => e.scheme.clone(),
            })
            .collect();
        schemes.sort();
        schemes.dedup();
        let worst = h.uses.iter().map(|f| f.severity).max();
        let rows = h.uses.iter().map(|f| {
            let url = f.endpoint.as_ref().map(|e| visible(&e.url).into_owned()).unwrap_or_default();
            html! {
                <li>
                    {source_link(f, &props.on_open)}
                    {" "}<code class="muted">{url}</code>
                </li>
            }
        });
        html! {
            <details class="host" open={rank(h) < 2} data-testid="endpoint-host" data-host={h.host.clone()}
                data-class={h.class.clone()} data-retired={h.retired.to_string()}>
                <summary>
                    {worst.map(severity_badge).unwrap_or_default()}{" "}
                    <strong>{visible(&h.host).into_owned()}</strong>
                    if h.retired { <span class="tag retired">{"retired"}</span> }
                    <span class="tag">{&h.class}</span>
                    <span class="muted num">{format!(" {} use{} · {}", h.uses.len(), if h.uses.len() == 1 { "" } else { "s" }, schemes.join(", "))}</span>
                </summary>
                <ul class="uses">{for rows}</ul>
            </details>
        }
    });
    let toggle = {
        let show_docs = show_docs.clone();
        Callback::from(move |_: MouseEvent| show_docs.set(!*show_docs))
    };
    html! {
        <section class="endpoints" data-testid="endpoints" aria-label="endpoints by host">
            {for groups}
            if docs > 0 {
                <button type="button" class="secondary" onclick={toggle} data-testid="toggle-doc-hosts">
                    {if *show_docs { format!("Hide {docs} documentation hosts") } else { format!("Show {docs} documentation hosts (licences, READMEs, XML namespaces)") }}
                </button>
            }
        </section>
    }
}
