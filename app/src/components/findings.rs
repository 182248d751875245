//! The findings list: filter by severity and text, most severe first; a row opens the source.

use super::severity_badge;
use crate::format;
use crate::state::{Filter, SortBy, State};
use scanner_core::text::visible;
use scanner_core::Severity;
use std::rc::Rc;
use web_sys::HtmlInputElement;
use yew::prelude::*;

/// Rows rendered before "show all" (keeps the page responsive on huge reports).
const PAGE: usize = 300;

/// Props of [`Findings`].
#[derive(Properties, PartialEq)]
pub struct Props {
    /// Page state.
    pub state: Rc<State>,
    /// Change the filter.
    pub on_filter: Callback<Filter>,
    /// Open the source view at a path and line.
    pub on_open: Callback<(String, Option<u32>)>,
}

/// The findings list.
#[component]
pub fn Findings(props: &Props) -> Html {
    let show_all = use_state(|| false);
    let s = &props.state;
    let all = s.all_findings();
    let mut shown: Vec<_> = all.iter().filter(|f| s.filter.matches(f)).collect();
    s.filter.sort.apply(&mut shown);
    let on_sort = {
        let on_filter = props.on_filter.clone();
        let base = s.filter.clone();
        Callback::from(move |e: Event| {
            let input: HtmlInputElement = e.target_unchecked_into();
            let sort = SortBy::ALL
                .iter()
                .find(|(_, label)| *label == input.value())
                .map(|(k, _)| *k)
                .unwrap_or_default();
            on_filter.emit(Filter {
                sort,
                ..base.clone()
            });
        })
    };
    let sort_options = SortBy::ALL.iter().map(|(k, label)| {
        html! { <option value={*label} selected={s.filter.sort == *k}>{format!("by {label}")}</option> }
    });
    let on_text = {
        let on_filter = props.on_filter.clone();
        let base = s.filter.clone();
        Callback::from(move |e: InputEvent| {
            let input: HtmlInputElement = e.target_unchecked_into();
            on_filter.emit(Filter {
                text: input.value(),
                ..base.clone()
            });
        })
    };
    let on_sev = {
        let on_filter = props.on_filter.clone();
        let base = s.filter.clone();
        Callback::from(move |e: Event| {
            let input: HtmlInputElement = e.target_unchecked_into();
            let min_severity = input.value().parse().unwrap_or(Severity::Info);
            on_filter.emit(Filter {
                min_severity,
                ..base.clone()
            });
        })
    };
    let clear = {
        let on_filter = props.on_filter.clone();
        Callback::from(move |_: MouseEvent| on_filter.emit(Filter::default()))
    };
    let limit = if *show_all { usize::MAX } else { PAGE };
    let rows = shown.iter().take(limit).map(|f| {
        let on_open = props.on_open.clone();
        let path = f.path.clone();
        let line = f.line;
        let open = Callback::from(move |_: MouseEvent| on_open.emit((path.clone(), line)));
        let place = match f.line {
            Some(l) => format!("{}:{l}", visible(&f.path)),
            None if f.path.is_empty() => "(package)".into(),
            None => visible(&f.path).into_owned(),
        };
        html! {
            <tr data-testid="finding-row" data-rule={f.rule.clone()} data-id={f.id.clone()}>
                <td>{severity_badge(f.severity)}</td>
                <td class="title">
                    <button type="button" class="link" onclick={open} disabled={f.path.is_empty()}>
                        {visible(&f.title).into_owned()}
                    </button>
                    if !f.evidence.is_empty() {
                        <div class="evidence"><code>{visible(&f.evidence).into_owned()}</code></div>
                    }
                </td>
                <td class="path"><code>{place}</code></td>
                <td class="rule"><code>{&f.rule}</code></td>
            </tr>
        }
    });
    let sev_options = Severity::ALL.iter().rev().map(|sev| {
        html! { <option value={sev.as_str()} selected={s.filter.min_severity == *sev}>{format!("{} and above", sev.as_str())}</option> }
    });
    let filtered = s.filter != Filter::default();
    html! {
        <section class="findings" data-testid="findings" aria-label="findings">
            <div class="toolbar">
                <label>{"Severity "}
                    <select onchange={on_sev} data-testid="filter-severity">{for sev_options}</select>
                </label>
                <label>{"Sort "}
                    <select onchange={on_sort} data-testid="sort-findings">{for sort_options}</select>
                </label>
                <input type="search" placeholder="Filter by text, path or rule" aria-label="filter findings"
                    data-testid="filter-text" value={s.filter.text.clone()} oninput={on_text} />
                if filtered {
                    <button type="button" class="secondary" onclick={clear}>{"Clear filter"}</button>
                }
                <span class="num muted" data-testid="findings-count">
                    {format!("{} of {}", format::count(shown.len() as u64), format::plural(all.len() as u64, "finding", "findings"))}
                </span>
            </div>
            if all.is_empty() {
                <p class="empty" data-testid="findings-empty">
                    {empty_text(s)}
                </p>
            } else if shown.is_empty() {
                <p class="empty">{"No finding matches the filter."}</p>
            } else {
                <div class="grid-wrap">
                    <table class="grid">
                        <thead><tr><th>{"Severity"}</th><th>{"Finding"}</th><th>{"Where"}</th><th>{"Rule"}</th></tr></thead>
                        <tbody>{for rows}</tbody>
                    </table>
                </div>
                if shown.len() > limit {
                    <button type="button" class="secondary" onclick={Callback::from(move |_: MouseEvent| show_all.set(true))}>
                        {format!("Show all {}", format::count(shown.len() as u64))}
                    </button>
                }
            }
        </section>
    }
}

fn empty_text(s: &State) -> String {
    let files = format::plural(s.files.len() as u64, "file", "files");
    match s.phase {
        crate::state::Phase::Scanning => format!("Nothing found yet in {files}."),
        crate::state::Phase::Cancelled => {
            format!("Nothing found in the {files} read before the scan was cancelled.")
        }
        _ => format!(
            "No findings in {files}. Checked: archive hygiene (names, links, encryption, limits)."
        ),
    }
}
