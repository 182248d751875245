//! Progress while a scan runs: bytes, entries, the current entry, and cancel.

use crate::format;
use crate::state::ProgressState;
use scanner_core::text::visible;
use yew::prelude::*;

/// Props of [`ProgressBar`].
#[derive(Properties, PartialEq)]
pub struct Props {
    /// Last progress.
    pub progress: ProgressState,
    /// Cancel the scan.
    pub on_cancel: Callback<()>,
}

/// The progress bar with its cancel button.
#[component]
pub fn ProgressBar(props: &Props) -> Html {
    let p = &props.progress;
    let total = p.bytes_total.max(1);
    let label = if p.phase == "hashing" {
        "Computing SHA-256"
    } else {
        "Scanning"
    };
    let on_cancel = {
        let cb = props.on_cancel.clone();
        Callback::from(move |_: MouseEvent| cb.emit(()))
    };
    html! {
        <section class="progress" data-testid="progress" aria-live="polite">
            <div class="progress-line">
                <span>{label}</span>
                <span class="num" data-testid="progress-bytes">
                    {format!("{} of {}", format::bytes(p.bytes_done), format::bytes(p.bytes_total))}
                </span>
                <span class="num" data-testid="progress-entries">{format::plural(p.entries_done, "entry", "entries")}</span>
                <button type="button" class="danger" data-testid="cancel-button" onclick={on_cancel}>{"Cancel"}</button>
            </div>
            <progress max={total.to_string()} value={p.bytes_done.min(total).to_string()} aria-label="scan progress"></progress>
            <div class="current" title={p.current.clone()}>{visible(&p.current).into_owned()}</div>
        </section>
    }
}
