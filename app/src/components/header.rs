//! The header: package identity and scan status.

use crate::format;
use crate::state::{Phase, State};
use std::rc::Rc;
use yew::prelude::*;

/// Props of [`Header`].
#[derive(Properties, PartialEq)]
pub struct Props {
    /// Page state.
    pub state: Rc<State>,
}

/// The header bar.
#[component]
pub fn Header(props: &Props) -> Html {
    let s = &props.state;
    let status = match &s.phase {
        Phase::Idle => String::new(),
        Phase::Scanning => "scanning".into(),
        Phase::Done => match s.elapsed_ms {
            Some(ms) => format!("scan 100%  {:.1} s", ms / 1000.0),
            None => "scan 100%".into(),
        },
        Phase::Cancelled => "cancelled".into(),
        Phase::Failed(_) => "failed".into(),
    };
    let report = s.report.as_ref();
    html! {
        <header class="topbar">
            <span class="brand">{"Preflight"}</span>
            if !s.name.is_empty() {
                <span class="pkg-name" data-testid="package-name" title={s.name.clone()}>{&s.name}</span>
                <span class="num">{format::bytes(s.size)}</span>
                <span class="num" data-testid="file-count">{format::plural(s.files.len() as u64, "file", "files")}</span>
                if let Some(r) = report {
                    <span class="sha" data-testid="package-sha256" title={r.package.sha256.clone()}>
                        {"sha256 "}<code>{r.package.sha256.get(..12).unwrap_or(&r.package.sha256)}{"…"}</code>
                    </span>
                }
                <span class="status" data-testid="scan-status" data-phase={phase_name(&s.phase)}>{status}</span>
            }
        </header>
    }
}

fn phase_name(p: &Phase) -> &'static str {
    match p {
        Phase::Idle => "idle",
        Phase::Scanning => "scanning",
        Phase::Done => "done",
        Phase::Cancelled => "cancelled",
        Phase::Failed(_) => "failed",
    }
}
