//! Stories: what to act on first, one sentence per chain of findings.

use super::severity_badge;
use crate::state::Shared;
use scanner_core::story::Story;
use scanner_core::Finding;
use yew::prelude::*;

/// Props of [`Stories`].
#[derive(Properties, PartialEq)]
pub struct Props {
    /// All findings (the stories are told from them).
    pub findings: Shared<Vec<std::rc::Rc<Finding>>>,
    /// Open the source view.
    pub on_open: Callback<(String, Option<u32>)>,
}

/// Stories shown at most before "more".
const SHOWN: usize = 6;

/// The stories panel.
#[component]
pub fn Stories(props: &Props) -> Html {
    let all: Vec<Story> = scanner_core::story::stories(&props.findings[..]);
    if all.is_empty() {
        return html! {};
    }
    let items = all.iter().take(SHOWN).map(|s| {
        let lead = props.findings.iter().find(|f| f.id == s.lead);
        let (path, line) = lead.map(|f| (f.path.clone(), f.line)).unwrap_or_default();
        let on_open = props.on_open.clone();
        let open = Callback::from(move |_: MouseEvent| on_open.emit((path.clone(), line)));
        html! {
            <li data-testid="story">
                {severity_badge(s.severity)}{" "}
                <span class="story-text">{&s.sentence}</span>{" "}
                <button type="button" class="link small" onclick={open}>{"open"}</button>
            </li>
        }
    });
    html! {
        <section class="stories" data-testid="stories" aria-label="stories">
            <h2>{"Stories: what to act on first"}</h2>
            <ul>{for items}</ul>
            if all.len() > SHOWN {
                <p class="muted small">{format!("{} more in the Schedules tab.", all.len() - SHOWN)}</p>
            }
        </section>
    }
}
