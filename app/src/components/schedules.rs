//! The schedules view: a table of every scheduled task and a week timeline with the
//! maintenance window drawn over it. Tasks that fire inside the window stand out; a click
//! opens the source at the task's line.

use super::{severity_badge, source_link};
use crate::state::Shared;
use chrono::{DateTime, Duration, Utc};
use chrono_tz::Tz;
use scanner_core::report::ScheduleInfo;
use scanner_core::text::visible;
use scanner_core::{Finding, Profile};
use yew::prelude::*;

/// Props of [`Schedules`].
#[derive(Properties, PartialEq)]
pub struct Props {
    /// Schedule findings, most severe first.
    pub findings: Shared<Vec<std::rc::Rc<Finding>>>,
    /// The profile in force (zone and window).
    pub profile: Profile,
    /// The report's reference instant.
    pub now: DateTime<Utc>,
    /// Files scanned, for the empty state.
    pub files: usize,
    /// Open the source view.
    pub on_open: Callback<(String, Option<u32>)>,
}

fn parse(t: &str) -> Option<DateTime<Utc>> {
    DateTime::parse_from_rfc3339(t)
        .ok()
        .map(|t| t.with_timezone(&Utc))
}

fn local(t: &str, tz: Tz) -> String {
    parse(t)
        .map(|t| t.with_timezone(&tz).format("%a %d %b %H:%M").to_string())
        .unwrap_or_default()
}

fn window_cell(s: &ScheduleInfo) -> Html {
    match s.window.as_deref() {
        Some("always") => {
            html! { <span class="win win-always" data-window="always">{"\u{25b2} inside"}</span> }
        }
        Some("may") => {
            html! { <span class="win win-may" data-window="may">{"\u{25c6} may be inside"}</span> }
        }
        Some("never") => {
            html! { <span class="win win-never" data-window="never">{"outside"}</span> }
        }
        _ => html! { <span class="muted" data-window="none">{"no window set"}</span> },
    }
}

/// The schedules view.
#[component]
pub fn Schedules(props: &Props) -> Html {
    let tz = props.profile.timezone;
    if props.findings.is_empty() {
        return html! {
            <p class="empty" data-testid="schedules-empty">
                {format!("No scheduled tasks found in {} files. Checked: crontabs, cron.d, periodic cron directories, anacrontab, systemd timers, Kubernetes CronJobs, Windows tasks, Quartz, Spring, GitHub Actions, Jenkins and Celery.", props.files)}
            </p>
        };
    }
    let rows = props.findings.iter().filter_map(|f| {
        let s = f.schedule.as_ref()?;
        let inside = s.window.as_deref() == Some("always");
        Some(html! {
            <tr data-testid="schedule-row" data-kind={s.kind.clone()} class={classes!(inside.then_some("inside"))}>
                <td>{severity_badge(f.severity)}</td>
                <td><code>{&s.kind}</code></td>
                <td class="title">
                    <div>{visible(&s.description).into_owned()}</div>
                    <div class="evidence"><code>{visible(&s.expression).into_owned()}</code></div>
                </td>
                <td class="num">{s.next_runs.first().map(|t| local(t, tz)).unwrap_or_else(|| "—".into())}</td>
                <td>{if f.rule == "schedule.invalid" { html!{ <span class="muted">{"not understood"}</span> } } else { window_cell(s) }}</td>
                <td>{s.user.as_deref().map(|u| visible(u).into_owned()).unwrap_or_default()}</td>
                <td class="cmd"><code>{s.command.as_deref().map(|c| visible(c).into_owned()).unwrap_or_default()}</code></td>
                <td class="path">
                    {source_link(f, &props.on_open)}
                </td>
            </tr>
        })
    });
    html! {
        <section class="schedules" data-testid="schedules" aria-label="scheduled tasks">
            {timeline(props)}
            <div class="grid-wrap">
                <table class="grid">
                    <thead><tr>
                        <th>{"Severity"}</th><th>{"Kind"}</th><th>{"When"}</th>
                        <th>{format!("Next run ({})", tz.name())}</th><th>{"Window"}</th>
                        <th>{"User"}</th><th>{"Command"}</th><th>{"Source"}</th>
                    </tr></thead>
                    <tbody>{for rows}</tbody>
                </table>
            </div>
        </section>
    }
}

const W: f64 = 1000.0;
const LABEL: f64 = 0.0;
const ROW: f64 = 18.0;
const HEAD: f64 = 22.0;

fn timeline(props: &Props) -> Html {
    let tz = props.profile.timezone;
    let window = props.profile.maintenance_window;
    let (from, to) = scanner_core::schedule::timeline(props.now, tz, window.as_ref());
    let span = (to - from).num_seconds().max(1) as f64;
    let x = |t: DateTime<Utc>| LABEL + (t - from).num_seconds() as f64 / span * (W - LABEL);
    let tasks: Vec<&Finding> = props
        .findings
        .iter()
        .map(|f| &**f)
        .filter(|f| f.schedule.is_some())
        .collect();
    let height = HEAD + ROW * tasks.len() as f64 + 4.0;
    let days = (0..7).map(|d| {
        let day = from + Duration::days(d);
        let label = day.with_timezone(&tz).format("%a %d %b").to_string();
        html! {
            <g>
                <line x1={x(day).to_string()} x2={x(day).to_string()} y1="0" y2={height.to_string()} class="tl-day" />
                <text x={(x(day) + 4.0).to_string()} y="14" class="tl-label">{label}</text>
            </g>
        }
    });
    let band = window.map(|w| {
        let (a, b) = (x(w.start.with_timezone(&Utc)), x(w.end.with_timezone(&Utc)));
        html! {
            <rect x={a.to_string()} y="0" width={(b - a).max(2.0).to_string()} height={height.to_string()} class="tl-window" data-testid="timeline-window">
                <title>{format!("Maintenance window {} – {}", w.start.with_timezone(&tz).format("%a %d %b %H:%M"), w.end.with_timezone(&tz).format("%H:%M %Z"))}</title>
            </rect>
        }
    });
    let rows = tasks.iter().enumerate().filter_map(|(i, f)| {
        let s = f.schedule.as_ref()?;
        let y = HEAD + ROW * i as f64;
        let may = s.window.as_deref() == Some("may");
        let class = if may { "tl-mark may" } else { "tl-mark" };
        let marks = s.week_runs.iter().filter_map(|t| parse(t)).map(|t| {
            html! {
                <rect x={x(t).to_string()} y={(y + 3.0).to_string()} width="3" height={(ROW - 6.0).to_string()} class={class}>
                    <title>{format!("{} — {}", visible(&s.description), t.with_timezone(&tz).format("%a %d %b %H:%M %Z"))}</title>
                </rect>
            }
        });
        // Events and intervals have no fixed instants: a hatched band says "any time". A task
        // that fires more often than the list keeps is a solid bar.
        let anytime = s.enabled
            && s.week_runs.is_empty()
            && s.next_runs.is_empty()
            && s.window.as_deref() != Some("never");
        let solid = s.week_runs.len() >= scanner_core::schedule::WEEK_RUNS;
        let stripe = i % 2 == 0;
        Some(html! {
            <g data-testid="timeline-row">
                if stripe { <rect x="0" y={y.to_string()} width={W.to_string()} height={ROW.to_string()} class="tl-stripe" /> }
                if anytime {
                    <rect x={LABEL.to_string()} y={(y + 5.0).to_string()} width={(W - LABEL).to_string()} height={(ROW - 10.0).to_string()} class="tl-mark may">
                        <title>{visible(&s.description).into_owned()}</title>
                    </rect>
                }
                if solid {
                    <rect x={LABEL.to_string()} y={(y + 3.0).to_string()} width={(W - LABEL).to_string()} height={(ROW - 6.0).to_string()} class={class}>
                        <title>{visible(&s.description).into_owned()}</title>
                    </rect>
                } else {
                    {for marks}
                }
            </g>
        })
    });
    let now_x = x(props.now);
    html! {
        <figure class="timeline" data-testid="timeline">
            <svg viewBox={format!("0 0 {W} {height}")} preserveAspectRatio="none" role="img"
                aria-label="week timeline of scheduled tasks with the maintenance window">
                <defs>
                    <pattern id="hatch" width="4" height="4" patternUnits="userSpaceOnUse" patternTransform="rotate(45)">
                        <rect width="2" height="4" class="tl-hatch" />
                    </pattern>
                </defs>
                {for days}
                {for rows}
                {for band}
                if (0.0..=W).contains(&now_x) {
                    <line x1={now_x.to_string()} x2={now_x.to_string()} y1="0" y2={height.to_string()} class="tl-now" />
                }
            </svg>
            <figcaption class="muted small">
                {format!("One row per task, in table order; {} time. ", tz.name())}
                if window.is_some() { {"The shaded band is the maintenance window. "} } else { {"Set a maintenance window in the profile to see which tasks fire inside it. "} }
                {"Hatched marks may fire (random delay, hashed or random ranges, boot or interval)."}
            </figcaption>
        </figure>
    }
}
