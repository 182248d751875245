//! Exports for tickets and tools: Markdown, Jira, JSON, SARIF or CSV, of every finding, of the
//! current filter, or of the checklist alone, copied to the clipboard or downloaded. The text is
//! made by `scanner_core::export` from the report, which holds no secret in clear; revealing a
//! line on screen never changes what is exported.

use scanner_core::export::{export, ChecklistMark, ExportOptions, Format};
use scanner_core::Report;
use std::collections::BTreeMap;
use std::rc::Rc;
use web_sys::HtmlSelectElement;
use yew::prelude::*;

/// Props of [`ExportBar`].
#[derive(Properties, PartialEq)]
pub struct Props {
    /// The finished report.
    pub report: crate::state::Shared<Report>,
    /// Ids of the findings the current filter shows.
    pub filtered: Rc<Vec<String>>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Scope {
    All,
    Filter,
    Checklist,
}

impl Scope {
    fn parse(s: &str) -> Scope {
        match s {
            "filter" => Scope::Filter,
            "checklist" => Scope::Checklist,
            _ => Scope::All,
        }
    }
}

/// The file name of an export: the package's name without its extension, then the format's.
fn file_name(report: &Report, format: Format) -> String {
    let name = &report.package.name;
    let stem = name
        .rsplit_once('.')
        .map_or(name.as_str(), |(s, _)| s)
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.') {
                c
            } else {
                '_'
            }
        })
        .collect::<String>();
    format!("{stem}.preflight.{}", format.extension())
}

/// The ticks and notes of the checklist, as the checklist view keeps them.
fn marks(report: &Report) -> BTreeMap<String, ChecklistMark> {
    super::checklist::load(&report.package.sha256)
}

fn render(report: &Report, format: Format, scope: Scope, filtered: &[String]) -> String {
    let marks = marks(report);
    let opts = ExportOptions {
        only: (scope == Scope::Filter).then_some(filtered),
        checklist_only: scope == Scope::Checklist,
        marks: &marks,
    };
    export(format, report, &opts)
}

/// The export bar.
#[component]
pub fn ExportBar(props: &Props) -> Html {
    let format = use_state(|| Format::Markdown);
    let scope = use_state(|| Scope::All);
    let status = use_state(String::new);
    let on_format = {
        let format = format.clone();
        Callback::from(move |e: Event| {
            let select: HtmlSelectElement = e.target_unchecked_into();
            if let Some(f) = Format::parse(&select.value()) {
                format.set(f);
            }
        })
    };
    let on_scope = {
        let scope = scope.clone();
        Callback::from(move |e: Event| {
            let select: HtmlSelectElement = e.target_unchecked_into();
            scope.set(Scope::parse(&select.value()));
        })
    };
    let on_copy = {
        let (report, filtered) = (props.report.clone(), props.filtered.clone());
        let (format, scope, status) = (format.clone(), scope.clone(), status.clone());
        Callback::from(move |_: MouseEvent| {
            let text = render(&report, *format, *scope, &filtered);
            let Some(window) = web_sys::window() else {
                return;
            };
            let promise = window.navigator().clipboard().write_text(&text);
            let status = status.clone();
            let size = text.len();
            wasm_bindgen_futures::spawn_local(async move {
                match wasm_bindgen_futures::JsFuture::from(promise).await {
                    Ok(_) => status.set(format!("Copied ({size} bytes).")),
                    Err(_) => status.set(
                        "The browser refused the clipboard; use Download instead.".to_string(),
                    ),
                }
            });
        })
    };
    let on_download = {
        let (report, filtered) = (props.report.clone(), props.filtered.clone());
        let (format, scope, status) = (format.clone(), scope.clone(), status.clone());
        Callback::from(move |_: MouseEvent| {
            let text = render(&report, *format, *scope, &filtered);
            let name = file_name(&report, *format);
            match crate::download::save_text(&name, format.mime(), &text) {
                Ok(()) => status.set(format!("Saved {name}.")),
                Err(e) => status.set(e),
            }
        })
    };
    let formats = Format::ALL.iter().map(|f| {
        html! { <option value={f.name()} selected={*f == *format}>{f.name()}</option> }
    });
    html! {
        <div class="export" data-testid="export-bar">
            <label>{"Export "}
                <select onchange={on_format} data-testid="export-format">{for formats}</select>
            </label>
            <label>{" of "}
                <select onchange={on_scope} data-testid="export-scope">
                    <option value="all" selected={*scope == Scope::All}>{"all findings"}</option>
                    <option value="filter" selected={*scope == Scope::Filter}>{format!("the current filter ({})", props.filtered.len())}</option>
                    <option value="checklist" selected={*scope == Scope::Checklist}>{"the checklist"}</option>
                </select>
            </label>
            <button type="button" class="secondary" onclick={on_copy} data-testid="export-copy">{"Copy"}</button>
            <button type="button" class="secondary" onclick={on_download} data-testid="export-download">{"Download"}</button>
            <span class="muted small" role="status" data-testid="export-status">{(*status).clone()}</span>
        </div>
    }
}
