//! The source view: an entry's text with line numbers and the finding's line highlighted.
//! `Esc` closes it. Very long entries show a window of lines around the highlighted one.

use crate::state::{Source, SourceContent};
use scanner_core::NESTED_SEPARATOR;
use wasm_bindgen::JsCast;
use web_sys::{HtmlElement, KeyboardEvent};
use yew::prelude::*;

/// Lines rendered at most.
const WINDOW: usize = 2000;

/// Props of [`SourceView`].
#[derive(Properties, PartialEq)]
pub struct Props {
    /// What to show.
    pub source: Source,
    /// Lines that hold a credential, with the line as the finding shows it (masked). They are
    /// shown masked until the reviewer reveals them, on screen only.
    #[prop_or_default]
    pub masked: Vec<(u32, String)>,
    /// Close the view.
    pub on_close: Callback<()>,
}

/// The source view panel.
#[component]
pub fn SourceView(props: &Props) -> Html {
    let panel = use_node_ref();
    let revealed = use_state(std::collections::HashSet::<usize>::new);
    let src = &props.source;
    super::use_return_focus();
    // Focus the panel when it opens and scroll the highlighted line into view.
    {
        let panel = panel.clone();
        use_effect_with(
            (
                src.path.clone(),
                src.line,
                matches!(src.content, SourceContent::Text { .. }),
            ),
            move |_| {
                if let Some(el) = panel.cast::<HtmlElement>() {
                    let _ = el.focus();
                    if let Ok(Some(line)) = el.query_selector(".line.hit") {
                        if let Ok(line) = line.dyn_into::<HtmlElement>() {
                            line.scroll_into_view_with_bool(false);
                        }
                    }
                }
            },
        );
    }
    let on_key = {
        let close = props.on_close.clone();
        let panel = panel.clone();
        Callback::from(move |e: KeyboardEvent| {
            if e.key() == "Escape" {
                e.prevent_default();
                close.emit(());
            } else if e.key() == "Tab" {
                // A modal dialog: Tab and Shift+Tab go round inside it.
                if let Some(el) = panel.cast::<HtmlElement>() {
                    super::trap_tab(&el, &e);
                }
            }
        })
    };
    let on_close = {
        let close = props.on_close.clone();
        Callback::from(move |_: MouseEvent| close.emit(()))
    };
    let crumbs = src.path.split(NESTED_SEPARATOR).map(|p| {
        html! { <li><code>{scanner_core::text::visible(p).into_owned()}</code></li> }
    });
    let body = match &src.content {
        SourceContent::Loading => html! { <p class="muted">{"Reading…"}</p> },
        SourceContent::Unavailable(why) => {
            html! { <p class="muted" data-testid="source-unavailable">{why}</p> }
        }
        SourceContent::Text {
            text,
            encoding,
            truncated,
        } => {
            let lines: Vec<&str> = text.lines().collect();
            let target = src.line.map(|l| l as usize).unwrap_or(1).max(1);
            let start = target.saturating_sub(WINDOW / 2).max(1);
            let end = (start + WINDOW - 1).min(lines.len());
            let rows = (start..=end).map(|n| {
                let hit = src.line == Some(n as u32);
                let secret = props.masked.iter().find(|(l, _)| *l as usize == n);
                let shown = match secret {
                    Some((_, masked)) if !revealed.contains(&n) => {
                        let revealed = revealed.clone();
                        let reveal = Callback::from(move |_: MouseEvent| {
                            let mut set = (*revealed).clone();
                            set.insert(n);
                            revealed.set(set);
                        });
                        html! {
                            <>
                                <span class="lt" data-testid="masked-line">{scanner_core::text::visible(masked).into_owned()}</span>
                                <button type="button" class="link small reveal" data-testid="reveal" onclick={reveal}>{"reveal"}</button>
                            </>
                        }
                    }
                    _ => html! { <span class="lt">{scanner_core::text::visible(lines[n - 1]).into_owned()}</span> },
                };
                html! {
                    <div class={classes!("line", hit.then_some("hit"))} data-line={n.to_string()}
                        aria-current={hit.then_some("true")}>
                        <span class="ln num" aria-hidden="true">{n}</span>
                        {shown}
                    </div>
                }
            });
            html! {
                <>
                    <p class="muted small">
                        {format!("{} lines, {encoding}", lines.len())}
                        if start > 1 || end < lines.len() {
                            {format!("; showing lines {start}–{end}")}
                        }
                        if *truncated {
                            {"; only the beginning of this entry was scanned and is shown"}
                        }
                    </p>
                    <pre class="code" data-testid="source-text">{for rows}</pre>
                </>
            }
        }
    };
    html! {
        <div class="overlay" onkeydown={on_key}>
            <section class="source" role="dialog" aria-modal="true" aria-label="source view"
                data-testid="source-view" tabindex="-1" ref={panel}>
                <div class="source-head">
                    <ol class="crumbs" aria-label="entry path">{for crumbs}</ol>
                    <button type="button" class="secondary" data-testid="source-close" onclick={on_close}>{"Close (Esc)"}</button>
                </div>
                {body}
            </section>
        </div>
    }
}
