//! The header: package identity and scan status.

use crate::components::about::{offline_link, BuildInfo};
use crate::format;
use crate::state::{Phase, State};
use std::rc::Rc;
use yew::prelude::*;

/// Props of [`Header`].
#[derive(Properties, PartialEq)]
pub struct Props {
    /// Page state.
    pub state: Rc<State>,
    /// Open or close the profile form.
    pub on_profile: Callback<()>,
    /// Open or close the About panel.
    pub on_about: Callback<()>,
    /// What the bundle wrote about this build.
    pub build: BuildInfo,
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
    let tz = s.profile.timezone;
    let window = match s.profile.maintenance_window {
        Some(w) => format!(
            "Window: {} – {} {}",
            w.start.with_timezone(&tz).format("%a %d %b %H:%M"),
            w.end.with_timezone(&tz).format("%a %d %b %H:%M"),
            tz.name()
        ),
        None => format!("No maintenance window set ({})", tz.name()),
    };
    let retired = s.profile.retired_hosts.len();
    let on_profile = {
        let cb = props.on_profile.clone();
        Callback::from(move |_: MouseEvent| cb.emit(()))
    };
    let on_about = {
        let cb = props.on_about.clone();
        Callback::from(move |_: MouseEvent| cb.emit(()))
    };
    html! {
        <header class="topbar">
          <div class="bar-row">
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
            }
            <button type="button" class="secondary push" data-testid="profile-button" onclick={on_profile}
                aria-expanded={s.show_profile.to_string()}>{"Profile"}</button>
            <button type="button" class="secondary" data-testid="about-button" onclick={on_about}
                aria-expanded={s.show_about.to_string()}>{"About & privacy"}</button>
          </div>
          <div class="bar-row small">
            <span class="window-summary" data-testid="window-summary">
                {window}
                if retired > 0 { {format!("  ·  Retired hosts: {retired}")} }
            </span>
            if !s.name.is_empty() {
                <span class="status" data-testid="scan-status" data-phase={phase_name(&s.phase)}>{status}</span>
            }
            if props.build.is_offline_file() {
                <span class="offline-badge push" data-testid="offline-badge"
                    title="This page is the single offline file: it makes no request and never updates itself">
                    {"Offline file · never updates itself"}
                </span>
            } else {
                <span class="push">{offline_link(&props.build)}</span>
            }
          </div>
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
