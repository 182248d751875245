//! Credentials: masked values, the rule and the file. The value itself is not in the report;
//! "Reveal" opens the source at the line, where it is shown only after a second, explicit click.

use super::{severity_badge, source_link};
use crate::state::Shared;
use scanner_core::text::visible;
use scanner_core::Finding;
use yew::prelude::*;

/// Props of [`Credentials`].
#[derive(Properties, PartialEq)]
pub struct Props {
    /// Credential findings.
    pub findings: Shared<Vec<std::rc::Rc<Finding>>>,
    /// Files scanned, for the empty state.
    pub files: usize,
    /// Open the source view.
    pub on_open: Callback<(String, Option<u32>)>,
}

/// The credentials view.
#[component]
pub fn Credentials(props: &Props) -> Html {
    if props.findings.is_empty() {
        return html! {
            <p class="empty" data-testid="credentials-empty">
                {format!("No hard-coded credentials found in {} files.", props.files)}
            </p>
        };
    }
    let rows = props.findings.iter().map(|f| {
        let (kind, masked) = f
            .credential
            .as_ref()
            .map(|c| {
                (
                    visible(&c.kind).into_owned(),
                    visible(&c.redacted).into_owned(),
                )
            })
            .unwrap_or_default();
        html! {
            <tr data-testid="credential-row" data-rule={f.rule.clone()}>
                <td>{severity_badge(f.severity)}</td>
                <td><code data-testid="credential-masked">{masked}</code></td>
                <td>{kind}</td>
                <td class="rule"><code>{&f.rule}</code></td>
                <td class="path">
                    {source_link(f, &props.on_open)}
                </td>
            </tr>
        }
    });
    html! {
        <section class="credentials" data-testid="credentials" aria-label="credentials">
            <p class="muted small">{"Values are masked here and in every export. Opening the source shows the line masked; reveal it there, on this screen only."}</p>
            <div class="grid-wrap">
                <table class="grid">
                    <thead><tr><th>{"Severity"}</th><th>{"Value"}</th><th>{"Kind"}</th><th>{"Rule"}</th><th>{"Where"}</th></tr></thead>
                    <tbody>{for rows}</tbody>
                </table>
            </div>
        </section>
    }
}
