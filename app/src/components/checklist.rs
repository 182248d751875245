//! The generated checklist: preflight, cleanup and rollback steps, each linked to the findings
//! behind it. Every step can be ticked and annotated; ticks and notes are kept in this browser
//! per package (by its SHA-256), so reopening the same package brings them back.

use super::{severity_badge, source_link};
use crate::state::Shared;
use scanner_core::export::ChecklistMark;
use scanner_core::text::visible;
use scanner_core::{ChecklistItem, Finding};
use std::collections::{BTreeMap, HashMap};
use web_sys::{HtmlInputElement, HtmlTextAreaElement};
use yew::prelude::*;

/// Props of [`Checklist`].
#[derive(Properties, PartialEq)]
pub struct Props {
    /// The checklist of the report.
    pub items: Vec<ChecklistItem>,
    /// Every finding of the report (to show what each step is about).
    pub findings: Shared<Vec<std::rc::Rc<Finding>>>,
    /// SHA-256 of the package: the key the ticks and notes are kept under.
    pub sha256: String,
    /// Open the source view.
    pub on_open: Callback<(String, Option<u32>)>,
}

/// What the reviewer did with one step (the type the exports read too).
pub type Mark = ChecklistMark;

fn storage_key(sha256: &str) -> String {
    format!("preflight.checklist.{sha256}")
}

fn storage() -> Option<web_sys::Storage> {
    web_sys::window()?.local_storage().ok().flatten()
}

/// The marks kept for a package.
pub fn load(sha256: &str) -> BTreeMap<String, Mark> {
    storage()
        .and_then(|s| s.get_item(&storage_key(sha256)).ok().flatten())
        .and_then(|t| serde_json::from_str(&t).ok())
        .unwrap_or_default()
}

/// Keep the marks of a package.
pub fn save(sha256: &str, marks: &BTreeMap<String, Mark>) {
    if let (Some(s), Ok(text)) = (storage(), serde_json::to_string(marks)) {
        let _ = s.set_item(&storage_key(sha256), &text);
    }
}

const PHASES: [(&str, &str, &str); 3] = [
    (
        "preflight",
        "Before the window",
        "Disable, redirect, back up, renew, fix: what must be done before the upgrade starts.",
    ),
    (
        "cleanup",
        "After the upgrade",
        "Temporary flags, registrations, credentials and jobs the upgrade leaves behind.",
    ),
    (
        "rollback",
        "If it must be rolled back",
        "Data-level and configuration-level reversions.",
    ),
];

/// The checklist view.
#[component]
pub fn Checklist(props: &Props) -> Html {
    let marks = {
        let sha = props.sha256.clone();
        use_state(move || load(&sha))
    };
    // A different package: its own marks.
    {
        let marks = marks.clone();
        use_effect_with(props.sha256.clone(), move |sha| {
            marks.set(load(sha));
        });
    }
    if props.items.is_empty() {
        return html! {
            <p class="empty" data-testid="checklist-empty">
                {"No steps: nothing in this package needs action before, after or for a rollback of the upgrade. The checklist is made when the scan finishes."}
            </p>
        };
    }
    let by_id: HashMap<&str, &Finding> = props
        .findings
        .iter()
        .map(|f| (f.id.as_str(), &**f))
        .collect();
    let update = {
        let marks = marks.clone();
        let sha = props.sha256.clone();
        move |id: String, f: Box<dyn Fn(&mut Mark)>| {
            let mut next = (*marks).clone();
            f(next.entry(id).or_default());
            save(&sha, &next);
            marks.set(next);
        }
    };
    let done = props
        .items
        .iter()
        .filter(|i| marks.get(&i.id).is_some_and(|m| m.done))
        .count();
    let phases = PHASES.iter().map(|(phase, title, about)| {
        let items: Vec<&ChecklistItem> = props.items.iter().filter(|i| i.phase == *phase).collect();
        if items.is_empty() {
            return Html::default();
        }
        let rows = items.iter().map(|item| {
            let mark = marks.get(&item.id).cloned().unwrap_or_default();
            let on_tick = {
                let update = update.clone();
                let id = item.id.clone();
                Callback::from(move |e: Event| {
                    let input: HtmlInputElement = e.target_unchecked_into();
                    let checked = input.checked();
                    update(id.clone(), Box::new(move |m: &mut Mark| m.done = checked));
                })
            };
            let on_note = {
                let update = update.clone();
                let id = item.id.clone();
                Callback::from(move |e: Event| {
                    let area: HtmlTextAreaElement = e.target_unchecked_into();
                    let note = area.value();
                    update(id.clone(), Box::new(move |m: &mut Mark| m.note = note.clone()));
                })
            };
            let linked = item.findings.iter().filter_map(|id| by_id.get(id.as_str())).map(|f| {
                html! {
                    <li>{severity_badge(f.severity)}{" "}{visible(&f.title).into_owned()}{" "}{source_link(f, &props.on_open)}</li>
                }
            });
            let check_id = format!("check-{}", item.id);
            html! {
                <li class={classes!("check", mark.done.then_some("done"))} data-testid="checklist-item"
                    data-phase={item.phase.clone()} data-id={item.id.clone()}>
                    <div class="check-head">
                        <input type="checkbox" id={check_id.clone()} checked={mark.done} onchange={on_tick}
                            data-testid="checklist-tick" />
                        <label for={check_id}>{visible(&item.text).into_owned()}</label>
                    </div>
                    if !item.findings.is_empty() {
                        <details class="check-findings">
                            <summary class="muted small">{format!("{} finding{}", item.findings.len(), if item.findings.len() == 1 { "" } else { "s" })}</summary>
                            <ul class="plain">{for linked}</ul>
                        </details>
                    }
                    <textarea class="note" rows="1" placeholder="Note (who, when, ticket)" value={mark.note.clone()}
                        onchange={on_note} data-testid="checklist-note" aria-label="note" />
                </li>
            }
        });
        html! {
            <section class="phase" data-testid="checklist-phase" data-phase={phase.to_string()}>
                <h3>{format!("{title} ({})", items.len())}</h3>
                <p class="muted small">{*about}</p>
                <ul class="checks">{for rows}</ul>
            </section>
        }
    });
    html! {
        <section class="checklist" data-testid="checklist" aria-label="checklist">
            <p class="muted small" data-testid="checklist-progress">
                {format!("{done} of {} steps done. Ticks and notes are kept in this browser for this package (SHA-256 {}…).", props.items.len(), props.sha256.get(..12).unwrap_or(&props.sha256))}
            </p>
            {for phases}
        </section>
    }
}
