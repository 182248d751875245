//! One component per file. Elements a test reads carry `data-testid`.

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
use yew::prelude::*;

/// A severity badge: icon, word and colour, never colour alone.
pub fn severity_badge(s: Severity) -> Html {
    let icon = match s {
        Severity::Critical => "\u{2716}", // heavy multiplication x
        Severity::High => "\u{25b2}",     // triangle
        Severity::Medium => "\u{25c6}",   // diamond
        Severity::Low => "\u{25cf}",      // circle
        Severity::Info => "\u{2139}",     // info
    };
    html! {
        <span class={classes!("sev", format!("sev-{}", s.as_str()))} data-severity={s.as_str()}>
            <span class="sev-icon" aria-hidden="true">{icon}</span>
            {s.as_str()}
        </span>
    }
}

/// `path:line` as a button that opens the source view there.
pub fn source_link(f: &Finding, on_open: &Callback<(String, Option<u32>)>) -> Html {
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
