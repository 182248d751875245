//! The profile form: the servers' time zone, the maintenance window, retired hosts; and the
//! whole profile as TOML (versions, the deprecation matrix, upgrade paths, rules), edited in
//! place with errors shown at their line, or downloaded. Times are typed in the chosen zone; the
//! profile stores them as RFC 3339 with offset.

use chrono::{NaiveDateTime, TimeZone};
use chrono_tz::Tz;
use scanner_core::profile::Window;
use scanner_core::Profile;
use web_sys::{HtmlInputElement, HtmlTextAreaElement};
use yew::prelude::*;

/// Zones offered in the list (any IANA name may be typed).
const ZONES: [&str; 12] = [
    "UTC",
    "Europe/Berlin",
    "Europe/London",
    "Europe/Paris",
    "America/New_York",
    "America/Chicago",
    "America/Los_Angeles",
    "Asia/Tokyo",
    "Asia/Singapore",
    "Asia/Kolkata",
    "Australia/Sydney",
    "America/Sao_Paulo",
];

/// Props of [`ProfilePanel`].
#[derive(Properties, PartialEq)]
pub struct Props {
    /// The profile in force.
    pub profile: Profile,
    /// Its TOML as the reviewer wrote it (comments kept).
    pub toml: String,
    /// Apply a new profile (TOML).
    pub on_apply: Callback<String>,
    /// Close the panel.
    pub on_close: Callback<()>,
}

fn local_input(t: Option<chrono::DateTime<chrono::FixedOffset>>, tz: Tz) -> String {
    t.map(|t| t.with_timezone(&tz).format("%Y-%m-%dT%H:%M").to_string())
        .unwrap_or_default()
}

fn parse_local(s: &str, tz: Tz) -> Result<Option<chrono::DateTime<chrono::FixedOffset>>, String> {
    if s.trim().is_empty() {
        return Ok(None);
    }
    let naive = NaiveDateTime::parse_from_str(s, "%Y-%m-%dT%H:%M")
        .or_else(|_| NaiveDateTime::parse_from_str(s, "%Y-%m-%dT%H:%M:%S"))
        .map_err(|_| format!("'{s}' is not a date and time"))?;
    tz.from_local_datetime(&naive)
        .earliest()
        .map(|t| Some(t.fixed_offset()))
        .ok_or_else(|| format!("{s} does not exist in {tz} (a daylight-saving gap)"))
}

/// A profile error with the line it points at, for the TOML editor.
fn toml_error(text: &str, e: &scanner_core::ProfileError) -> Html {
    let line = e
        .line
        .and_then(|l| text.lines().nth(l.saturating_sub(1)))
        .unwrap_or_default()
        .to_string();
    let caret = e
        .column
        .map(|c| format!("{}^", " ".repeat(c.saturating_sub(1).min(200))))
        .unwrap_or_default();
    html! {
        <div class="error" role="alert" data-testid="profile-toml-error" data-line={e.line.map(|l| l.to_string()).unwrap_or_default()}>
            <strong>{e.to_string()}</strong>
            if e.line.is_some() {
                <pre class="snippet">{format!("{line}\n{caret}")}</pre>
            }
        </div>
    }
}

/// The profile form.
#[component]
pub fn ProfilePanel(props: &Props) -> Html {
    let p = &props.profile;
    let tz_ref = use_node_ref();
    let start_ref = use_node_ref();
    let end_ref = use_node_ref();
    let hosts_ref = use_node_ref();
    let error = use_state(|| None::<String>);
    let onsubmit = {
        let (tz_ref, start_ref, end_ref, hosts_ref) = (
            tz_ref.clone(),
            start_ref.clone(),
            end_ref.clone(),
            hosts_ref.clone(),
        );
        let base = p.clone();
        let on_apply = props.on_apply.clone();
        let error = error.clone();
        Callback::from(move |e: SubmitEvent| {
            e.prevent_default();
            let value = |r: &NodeRef| {
                r.cast::<HtmlInputElement>()
                    .map(|i| i.value())
                    .unwrap_or_default()
            };
            let tz_name = value(&tz_ref);
            let result = (|| -> Result<Profile, String> {
                let timezone: Tz = tz_name.trim().parse().map_err(|_| {
                    format!("unknown time zone '{tz_name}' (an IANA name such as Europe/Berlin)")
                })?;
                let start = parse_local(&value(&start_ref), timezone)?;
                let end = parse_local(&value(&end_ref), timezone)?;
                let maintenance_window = match (start, end) {
                    (Some(start), Some(end)) if end > start => Some(Window { start, end }),
                    (Some(_), Some(_)) => return Err("the window ends before it starts".into()),
                    (None, None) => None,
                    _ => return Err("give both the start and the end of the window".into()),
                };
                let hosts = hosts_ref
                    .cast::<HtmlTextAreaElement>()
                    .map(|t| t.value())
                    .unwrap_or_default();
                let retired_hosts = hosts
                    .lines()
                    .map(str::trim)
                    .filter(|h| !h.is_empty())
                    .map(String::from)
                    .collect();
                Ok(Profile {
                    timezone,
                    maintenance_window,
                    retired_hosts,
                    ..base.clone()
                })
            })();
            match result {
                Ok(profile) => {
                    error.set(None);
                    on_apply.emit(profile.to_toml());
                }
                Err(e) => error.set(Some(e)),
            }
        })
    };
    let on_close = {
        let cb = props.on_close.clone();
        Callback::from(move |_: MouseEvent| cb.emit(()))
    };
    let toml_ref = use_node_ref();
    let toml_error_state = use_state(|| None::<scanner_core::ProfileError>);
    let toml_text = use_state(|| props.toml.clone());
    let on_toml_apply = {
        let toml_ref = toml_ref.clone();
        let on_apply = props.on_apply.clone();
        let toml_error_state = toml_error_state.clone();
        let toml_text = toml_text.clone();
        Callback::from(move |_: MouseEvent| {
            let text = toml_ref
                .cast::<HtmlTextAreaElement>()
                .map(|t| t.value())
                .unwrap_or_default();
            toml_text.set(text.clone());
            match Profile::from_toml(&text) {
                Ok(_) => {
                    toml_error_state.set(None);
                    on_apply.emit(text);
                }
                Err(e) => toml_error_state.set(Some(e)),
            }
        })
    };
    let on_download = {
        let toml = props.toml.clone();
        let error = error.clone();
        Callback::from(move |_: MouseEvent| {
            if let Err(e) =
                crate::download::save_text("preflight-profile.toml", "application/toml", &toml)
            {
                error.set(Some(e));
            }
        })
    };
    // Focus moves into the panel when it opens, and back to what opened it when it closes.
    // (No `Esc` here: the panel is not modal, and its edits are not kept until applied.)
    super::use_return_focus();
    {
        let tz_ref = tz_ref.clone();
        use_effect_with((), move |_| {
            if let Some(el) = tz_ref.cast::<HtmlInputElement>() {
                let _ = el.focus();
            }
        });
    }
    let tz = p.timezone;
    html! {
        <section class="profile" data-testid="profile-panel" aria-label="profile">
            <form {onsubmit}>
                <label>{"Servers' time zone "}
                    <input ref={tz_ref} list="zones" data-testid="profile-timezone" value={tz.name().to_string()} />
                    <datalist id="zones">{for ZONES.iter().map(|z| html!{ <option value={*z} /> })}</datalist>
                </label>
                <fieldset>
                    <legend>{"Maintenance window (in that zone)"}</legend>
                    <label>{"Start "}<input ref={start_ref} type="datetime-local" data-testid="profile-window-start"
                        value={local_input(p.maintenance_window.map(|w| w.start), tz)} /></label>
                    <label>{"End "}<input ref={end_ref} type="datetime-local" data-testid="profile-window-end"
                        value={local_input(p.maintenance_window.map(|w| w.end), tz)} /></label>
                </fieldset>
                <label class="hosts">{"Retired hosts (one per line, *.suffix allowed)"}
                    <textarea ref={hosts_ref} rows="3" data-testid="profile-retired" value={p.retired_hosts.join("\n")} />
                </label>
                if let Some(e) = &*error {
                    <p class="error" role="alert" data-testid="profile-error">{e}</p>
                }
                <div class="actions">
                    <button type="submit" class="primary" data-testid="profile-apply">{"Apply and rescan"}</button>
                    <button type="button" class="secondary" onclick={on_close.clone()} data-testid="profile-close">{"Close"}</button>
                    <button type="button" class="secondary" onclick={on_download} data-testid="profile-download">{"Download profile"}</button>
                    <span class="muted small">{"Kept in this browser only. A .toml file dropped with the package is read as the profile."}</span>
                </div>
            </form>
            <details class="profile-toml" open={toml_error_state.is_some()}>
                <summary>{"Edit as TOML: target versions, installed versions, deprecation matrix, upgrade paths, secret rules"}</summary>
                <textarea ref={toml_ref} rows="16" spellcheck="false" data-testid="profile-toml" aria-label="profile as TOML" value={(*toml_text).clone()} />
                if let Some(e) = &*toml_error_state {
                    {toml_error(&toml_text, e)}
                }
                <div class="actions">
                    <button type="button" class="primary" onclick={on_toml_apply} data-testid="profile-toml-apply">{"Apply TOML and rescan"}</button>
                </div>
            </details>
        </section>
    }
}
