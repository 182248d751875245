//! One component per file. Elements a test reads carry `data-testid`.

pub mod about;
pub mod certificates;
pub mod checklist;
pub mod config;
pub mod credentials;
pub mod drop_zone;
pub mod endpoints;
pub mod export;
pub mod file_tree;
pub mod findings;
pub mod header;
pub mod inventory;
pub mod migrations;
pub mod profile_panel;
pub mod progress;
pub mod schedules;
pub mod source_view;
pub mod stories;
pub mod summary;
pub mod units;

use scanner_core::text::visible;
use scanner_core::{Finding, Severity};
use wasm_bindgen::JsCast;
use web_sys::{Element, HtmlElement, KeyboardEvent};
use yew::prelude::*;

/// Gives the focus back, when the component unmounts, to the element that had it when the
/// component first rendered (the button that opened a dialog or panel), if it is still there.
#[hook]
pub fn use_return_focus() {
    let opener = use_mut_ref(|| {
        web_sys::window()
            .and_then(|w| w.document())
            .and_then(|d| d.active_element())
            .and_then(|e| e.dyn_into::<HtmlElement>().ok())
    });
    use_effect_with((), move |_| {
        move || {
            if let Some(el) = opener.borrow_mut().take() {
                if el.is_connected() {
                    let _ = el.focus();
                }
            }
        }
    });
}

/// Keeps Tab and Shift+Tab inside `container` (a modal dialog): from its last focusable element
/// Tab goes to the first, and Shift+Tab from the first (or the container itself) to the last.
pub fn trap_tab(container: &HtmlElement, e: &KeyboardEvent) {
    let Ok(list) = container.query_selector_all(
        "button:not([disabled]), a[href], input:not([disabled]), select, textarea, [tabindex=\"0\"]",
    ) else {
        return;
    };
    let items: Vec<HtmlElement> = (0..list.length())
        .filter_map(|i| list.item(i))
        .filter_map(|n| n.dyn_into::<HtmlElement>().ok())
        .collect();
    let (Some(first), Some(last)) = (items.first(), items.last()) else {
        e.prevent_default();
        return;
    };
    let active: Option<Element> = web_sys::window()
        .and_then(|w| w.document())
        .and_then(|d| d.active_element());
    let is = |el: &HtmlElement| {
        active
            .as_ref()
            .is_some_and(|a| a == el.unchecked_ref::<Element>())
    };
    let on_container = active
        .as_ref()
        .is_some_and(|a| a == container.unchecked_ref::<Element>());
    if e.shift_key() && (is(first) || on_container) {
        e.prevent_default();
        let _ = last.focus();
    } else if !e.shift_key() && is(last) {
        e.prevent_default();
        let _ = first.focus();
    }
}

/// The icon of a severity (its shape differs for each, so colour is never the only sign).
pub fn severity_icon(s: Severity) -> &'static str {
    match s {
        Severity::Critical => "\u{2716}", // heavy multiplication x
        Severity::High => "\u{25b2}",     // triangle
        Severity::Medium => "\u{25c6}",   // diamond
        Severity::Low => "\u{25cf}",      // circle
        Severity::Info => "\u{2139}",     // info
    }
}

/// A severity badge: icon, word and colour, never colour alone.
pub fn severity_badge(s: Severity) -> Html {
    let icon = severity_icon(s);
    html! {
        <span class={classes!("sev", format!("sev-{}", s.as_str()))} data-severity={s.as_str()}>
            <span class="sev-icon" aria-hidden="true">{icon}</span>
            {s.as_str()}
        </span>
    }
}

/// `path:line` as a button that opens the source view there; `(package)` (not a button) for a
/// finding about the package as a whole.
pub fn source_link(f: &Finding, on_open: &Callback<(String, Option<u32>)>) -> Html {
    if f.path.is_empty() {
        return html! { <span class="muted">{"(package)"}</span> };
    }
    let on_open = on_open.clone();
    let (path, line) = (f.path.clone(), f.line);
    let onclick = Callback::from(move |_: MouseEvent| on_open.emit((path.clone(), line)));
    let place = match f.line {
        Some(l) => format!("{}:{l}", visible(&f.path)),
        None => visible(&f.path).into_owned(),
    };
    html! {
        <button type="button" class="link" {onclick}><code>{place}</code></button>
    }
}
