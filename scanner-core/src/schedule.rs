//! Scheduled tasks, independent of the format they were written in: when a task fires, in which
//! zone, described in words, and whether it fires inside the maintenance window.
//!
//! Every format parser (`detect::schedule::*`) turns what it reads into a [`Task`]; this module
//! does the arithmetic. Clock-based recurrences implement [`Recurrence`]: cron-like patterns go
//! through `croner` ([`CronRecurrence`]); systemd calendar events have their own.

use crate::profile::Window;
use chrono::{DateTime, Duration, SecondsFormat, TimeZone, Utc};
use chrono_tz::Tz;
use std::fmt;

/// The formats a task can come from; `as_str` is the contract's `schedule.kind`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Kind {
    /// A crontab line (system or user).
    Cron,
    /// A script in `etc/cron.{hourly,daily,weekly,monthly}/`.
    CronPeriodic,
    /// An anacrontab line.
    Anacron,
    /// A systemd `.timer`.
    SystemdTimer,
    /// A Kubernetes `CronJob`.
    K8sCronJob,
    /// A Windows Task Scheduler task.
    WindowsTask,
    /// A Quartz cron trigger.
    Quartz,
    /// A Spring `@Scheduled` method.
    Spring,
    /// A GitHub Actions `on.schedule`.
    GithubActions,
    /// A Jenkins `cron(...)` trigger.
    Jenkins,
    /// A Celery beat `crontab(...)` entry.
    Celery,
}

impl Kind {
    /// The contract's name for it.
    pub fn as_str(self) -> &'static str {
        match self {
            Kind::Cron => "cron",
            Kind::CronPeriodic => "cron-periodic",
            Kind::Anacron => "anacron",
            Kind::SystemdTimer => "systemd-timer",
            Kind::K8sCronJob => "k8s-cronjob",
            Kind::WindowsTask => "windows-task",
            Kind::Quartz => "quartz",
            Kind::Spring => "spring",
            Kind::GithubActions => "github-actions",
            Kind::Jenkins => "jenkins",
            Kind::Celery => "celery",
        }
    }
}

/// A clock-based recurrence.
pub trait Recurrence: fmt::Debug {
    /// The first firing strictly after `after`, evaluated in the zone `tz`.
    fn next_after(&self, after: DateTime<Utc>, tz: Tz) -> Option<DateTime<Utc>>;
    /// When it fires, in words ("At 03:00, every day").
    fn describe(&self) -> String;
}

/// When a task fires.
#[derive(Debug)]
pub enum Timing {
    /// On the clock. `jitter` is a random delay added to each firing (`RANDOM_DELAY`,
    /// `RandomizedDelaySec`); `randomized` says the pattern itself picks values at random
    /// (`~` ranges, Jenkins `H`), so a firing at a listed instant is possible, not certain.
    Clock {
        /// The recurrence.
        recurrence: Box<dyn Recurrence>,
        /// Largest random delay after each firing.
        jitter: Duration,
        /// The pattern picks its values at random inside ranges.
        randomized: bool,
    },
    /// Every `every`, from a moment the package does not fix (service start, last run).
    Interval {
        /// The period.
        every: Duration,
        /// What the period counts from, in words ("the service's last activation").
        anchor: String,
    },
    /// On an event, not the clock: boot, logon, a restart. Upgrades restart things.
    Event {
        /// The event, in words ("at boot").
        event: String,
    },
}

/// A scheduled task found in the package.
#[derive(Debug)]
pub struct Task {
    /// Format.
    pub kind: Kind,
    /// File it was found in.
    pub path: String,
    /// 1-based line of the schedule.
    pub line: u32,
    /// The schedule as written.
    pub expression: String,
    /// When it fires.
    pub timing: Timing,
    /// The zone the file names for it (`CRON_TZ=`, `timeZone:`, `zone =`), if any.
    pub timezone: Option<Tz>,
    /// What it runs.
    pub command: Option<String>,
    /// Who it runs as.
    pub user: Option<String>,
    /// Said after the description ("suspended", "timed by Debian's default /etc/crontab").
    pub note: Option<String>,
    /// False for suspended or disabled tasks: they never fire.
    pub enabled: bool,
}

/// Where a task stands against the maintenance window.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum WindowFit {
    /// A firing falls inside the window.
    Always,
    /// It may fire inside: through a random delay or range, an event or an interval.
    May,
    /// It does not fire inside the window.
    Never,
}

impl WindowFit {
    /// The contract's word.
    pub fn as_str(self) -> &'static str {
        match self {
            WindowFit::Always => "always",
            WindowFit::May => "may",
            WindowFit::Never => "never",
        }
    }
}

/// A task evaluated against "now" and the window.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Evaluation {
    /// The zone used.
    pub timezone: Tz,
    /// In words, with the zone and any note.
    pub description: String,
    /// Next firings after now.
    pub next_runs: Vec<DateTime<Utc>>,
    /// Against the window, when there is one.
    pub window: Option<WindowFit>,
    /// Firings inside the window (possible ones for `may`).
    pub window_runs: Vec<DateTime<Utc>>,
    /// Firings in the week the page draws ([`timeline`]), at most [`WEEK_RUNS`].
    pub week_runs: Vec<DateTime<Utc>>,
}

/// Most firings kept for the week view: every 5 minutes for a week is 2,016. A task that
/// fires more often is drawn as a solid bar.
pub const WEEK_RUNS: usize = 2100;

/// The week the page's timeline shows: from three days before the window's first day to four
/// days after (midnights in `tz`), or the week from today's midnight without a window.
pub fn timeline(
    now: DateTime<Utc>,
    tz: Tz,
    window: Option<&Window>,
) -> (DateTime<Utc>, DateTime<Utc>) {
    let anchor = window.map(|w| w.start.with_timezone(&Utc)).unwrap_or(now);
    let local_day = anchor.with_timezone(&tz).date_naive();
    let first = if window.is_some() {
        local_day - Duration::days(3)
    } else {
        local_day
    };
    let midnight = |d: chrono::NaiveDate| {
        tz.from_local_datetime(&d.and_time(chrono::NaiveTime::MIN))
            .earliest()
            .map(|t| t.with_timezone(&Utc))
            .unwrap_or(anchor)
    };
    (midnight(first), midnight(first + Duration::days(7)))
}

/// English month names, January first, for descriptions.
pub const MONTHS: [&str; 12] = [
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
];

/// How many next runs a report lists.
pub const NEXT_RUNS: usize = 5;
/// Most firings listed inside a window.
const WINDOW_RUNS: usize = 20;
/// Most firings examined while walking a window (a per-second schedule over a long window).
const WINDOW_STEPS: usize = 100_000;

/// Format an instant for reports: RFC 3339, UTC, seconds.
pub fn rfc3339(t: DateTime<Utc>) -> String {
    t.to_rfc3339_opts(SecondsFormat::Secs, true)
}

/// A duration in words: "15 min", "2 h", "1 day".
pub fn words(d: Duration) -> String {
    let s = d.num_seconds();
    match s {
        _ if s % 86_400 == 0 && s >= 86_400 => plural(s / 86_400, "day"),
        _ if s % 3_600 == 0 && s >= 3_600 => plural(s / 3_600, "hour"),
        _ if s % 60 == 0 && s >= 60 => format!("{} min", s / 60),
        _ => format!("{s} s"),
    }
}

fn plural(n: i64, unit: &str) -> String {
    if n == 1 {
        format!("1 {unit}")
    } else {
        format!("{n} {unit}s")
    }
}

impl Task {
    /// The zone the task runs in: its own, else the servers' (profile).
    pub fn zone(&self, default: Tz) -> Tz {
        self.timezone.unwrap_or(default)
    }

    /// When it fires and how it meets the window.
    pub fn evaluate(
        &self,
        now: DateTime<Utc>,
        default_tz: Tz,
        window: Option<&Window>,
    ) -> Evaluation {
        let tz = self.zone(default_tz);
        let mut description = match &self.timing {
            Timing::Clock {
                recurrence,
                jitter,
                randomized,
            } => {
                let mut d = recurrence.describe();
                if *randomized {
                    d.push_str(", at a random point of the ranges given");
                }
                if *jitter > Duration::zero() {
                    d.push_str(&format!(
                        ", plus a random delay of up to {}",
                        words(*jitter)
                    ));
                }
                d
            }
            Timing::Interval { every, anchor } => {
                format!("Every {}, counted from {anchor}", words(*every))
            }
            Timing::Event { event } => capitalise(event),
        };
        if matches!(self.timing, Timing::Clock { .. }) {
            description.push_str(&format!(" ({})", tz.name()));
        }
        if let Some(note) = &self.note {
            description.push_str("; ");
            description.push_str(note);
        }
        let mut e = Evaluation {
            timezone: tz,
            description,
            next_runs: Vec::new(),
            window: None,
            window_runs: Vec::new(),
            week_runs: Vec::new(),
        };
        if !self.enabled {
            e.window = window.map(|_| WindowFit::Never);
            return e;
        }
        match &self.timing {
            Timing::Clock {
                recurrence,
                jitter,
                randomized,
            } => {
                let mut t = now;
                while e.next_runs.len() < NEXT_RUNS {
                    match recurrence.next_after(t, tz) {
                        Some(n) if n > t => {
                            e.next_runs.push(n);
                            t = n;
                        }
                        _ => break,
                    }
                }
                // A pattern that never fires again (30 February) costs croner a long search:
                // ask it once, not once per question.
                if e.next_runs.is_empty() {
                    e.window = window.map(|_| WindowFit::Never);
                    e.description
                        .push_str("; never fires after the reference time");
                    return e;
                }
                if let Some(w) = window {
                    let (fit, runs) = fit_window(recurrence.as_ref(), tz, w, *jitter, *randomized);
                    e.window = Some(fit);
                    e.window_runs = runs;
                }
                let (from, to) = timeline(now, default_tz, window);
                let mut t = from - Duration::seconds(1);
                while e.week_runs.len() < WEEK_RUNS {
                    match recurrence.next_after(t, tz) {
                        Some(n) if n > t && n < to => {
                            e.week_runs.push(n);
                            t = n;
                        }
                        _ => break,
                    }
                }
            }
            // An interval of unknown phase, or an event such as a restart, can land anywhere.
            Timing::Interval { .. } | Timing::Event { .. } => {
                e.window = window.map(|_| WindowFit::May);
            }
        }
        e
    }
}

fn capitalise(s: &str) -> String {
    let mut c = s.chars();
    match c.next() {
        Some(f) => f.to_uppercase().chain(c).collect(),
        None => String::new(),
    }
}

/// Walk the firings that can touch the window.
fn fit_window(
    r: &dyn Recurrence,
    tz: Tz,
    w: &Window,
    jitter: Duration,
    randomized: bool,
) -> (WindowFit, Vec<DateTime<Utc>>) {
    let start = w.start.with_timezone(&Utc);
    let end = w.end.with_timezone(&Utc);
    // A firing up to `jitter` before the window can land inside it.
    let mut t = start - jitter - Duration::seconds(1);
    let mut inside = Vec::new();
    let mut possible = Vec::new();
    for _ in 0..WINDOW_STEPS {
        let Some(n) = r.next_after(t, tz) else { break };
        if n >= end || n <= t {
            break;
        }
        if n >= start {
            inside.push(n);
        } else {
            possible.push(n);
        }
        if inside.len() >= WINDOW_RUNS {
            break;
        }
        t = n;
    }
    if !inside.is_empty() {
        let fit = if randomized {
            WindowFit::May
        } else {
            WindowFit::Always
        };
        (fit, inside)
    } else if !possible.is_empty() {
        (
            WindowFit::May,
            possible.into_iter().take(WINDOW_RUNS).collect(),
        )
    } else {
        (WindowFit::Never, Vec::new())
    }
}

/// A cron-like pattern evaluated by `croner`.
pub struct CronRecurrence {
    cron: croner::Cron,
    /// The pattern given to croner (after the format's normalisation).
    pub pattern: String,
}

impl fmt::Debug for CronRecurrence {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "CronRecurrence({:?})", self.pattern)
    }
}

/// How a format's cron dialect differs from POSIX cron.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct CronDialect {
    /// A leading seconds field is present (Quartz, Spring).
    pub seconds: bool,
    /// An optional trailing year field may follow (Quartz).
    pub year: bool,
    /// Weekdays are numbered 1 (Sunday) to 7 (Saturday), as in Quartz.
    pub quartz_weekdays: bool,
}

impl CronRecurrence {
    /// Parse a pattern. Day-of-month and day-of-week are ORed when both are restricted, as
    /// real cron does.
    pub fn parse(pattern: &str, dialect: CronDialect) -> Result<Self, String> {
        use croner::parser::{CronParser, Seconds, Year};
        let parser = CronParser::builder()
            .seconds(if dialect.seconds {
                Seconds::Required
            } else {
                Seconds::Disallowed
            })
            .year(if dialect.year {
                Year::Optional
            } else {
                Year::Disallowed
            })
            .alternative_weekdays(dialect.quartz_weekdays)
            .build();
        let cron = parser.parse(pattern).map_err(|e| e.to_string())?;
        Ok(CronRecurrence {
            cron,
            pattern: pattern.to_string(),
        })
    }
}

impl Recurrence for CronRecurrence {
    fn next_after(&self, after: DateTime<Utc>, tz: Tz) -> Option<DateTime<Utc>> {
        let local = tz.from_utc_datetime(&after.naive_utc());
        self.cron
            .find_next_occurrence(&local, false)
            .ok()
            .map(|t| t.with_timezone(&Utc))
    }

    fn describe(&self) -> String {
        let d = self.cron.describe();
        let d = d.trim_end_matches('.');
        let d = d.replace("At every ", "Every ");
        // croner leaves "every day" implicit; a reviewer reads it faster when said.
        if !d.contains(" on ") && !d.contains(" in ") && !d.contains(", on") && d.starts_with("At ")
        {
            format!("{d}, every day")
        } else {
            d
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::FixedOffset;

    fn at(s: &str) -> DateTime<Utc> {
        DateTime::parse_from_rfc3339(s)
            .map(|t| t.with_timezone(&Utc))
            .unwrap_or_default()
    }

    fn window(start: &str, end: &str) -> Window {
        let p = |s: &str| DateTime::<FixedOffset>::parse_from_rfc3339(s).unwrap_or_default();
        Window {
            start: p(start),
            end: p(end),
        }
    }

    fn task(pattern: &str, jitter_min: i64, randomized: bool) -> Task {
        let recurrence = CronRecurrence::parse(pattern, CronDialect::default());
        assert!(recurrence.is_ok(), "{recurrence:?}");
        let Ok(recurrence) = recurrence else {
            return task("0 0 * * *", 0, false);
        };
        Task {
            kind: Kind::Cron,
            path: "etc/cron.d/x".into(),
            line: 1,
            expression: pattern.into(),
            timing: Timing::Clock {
                recurrence: Box::new(recurrence),
                jitter: Duration::minutes(jitter_min),
                randomized,
            },
            timezone: None,
            command: None,
            user: None,
            note: None,
            enabled: true,
        }
    }

    const NOW: &str = "2026-11-26T00:00:00Z";

    #[test]
    fn daily_at_three_berlin_hits_the_window() {
        let w = window("2026-11-28T02:00:00+01:00", "2026-11-28T05:00:00+01:00");
        let e = task("0 3 * * *", 0, false).evaluate(at(NOW), Tz::Europe__Berlin, Some(&w));
        assert_eq!(e.description, "At 03:00, every day (Europe/Berlin)");
        assert_eq!(rfc3339(e.next_runs[0]), "2026-11-26T02:00:00Z");
        assert_eq!(e.window, Some(WindowFit::Always));
        assert_eq!(
            e.window_runs
                .iter()
                .map(|t| rfc3339(*t))
                .collect::<Vec<_>>(),
            ["2026-11-28T02:00:00Z"]
        );
    }

    #[test]
    fn outside_the_window_is_never_and_jitter_makes_it_may() {
        let w = window("2026-11-28T02:00:00+01:00", "2026-11-28T05:00:00+01:00");
        let e = task("30 1 * * *", 0, false).evaluate(at(NOW), Tz::Europe__Berlin, Some(&w));
        assert_eq!(e.window, Some(WindowFit::Never));
        let e = task("30 1 * * *", 45, false).evaluate(at(NOW), Tz::Europe__Berlin, Some(&w));
        assert_eq!(e.window, Some(WindowFit::May));
        assert!(
            e.description
                .ends_with("plus a random delay of up to 45 min (Europe/Berlin)"),
            "{}",
            e.description
        );
        let e = task("0 3 * * *", 0, true).evaluate(at(NOW), Tz::Europe__Berlin, Some(&w));
        assert_eq!(e.window, Some(WindowFit::May));
    }

    #[test]
    fn dst_change_in_the_zone_is_followed() {
        // Europe/Berlin leaves summer time on 2026-10-25: 03:00 local is 01:00Z before, 02:00Z after.
        let e = task("0 3 * * *", 0, false).evaluate(
            at("2026-10-24T00:00:00Z"),
            Tz::Europe__Berlin,
            None,
        );
        let runs: Vec<_> = e.next_runs.iter().take(2).map(|t| rfc3339(*t)).collect();
        assert_eq!(runs, ["2026-10-24T01:00:00Z", "2026-10-25T02:00:00Z"]);
        assert_eq!(e.window, None);
    }

    #[test]
    fn disabled_tasks_never_fire() {
        let w = window("2026-11-28T02:00:00+01:00", "2026-11-28T05:00:00+01:00");
        let mut t = task("0 3 * * *", 0, false);
        t.enabled = false;
        let e = t.evaluate(at(NOW), Tz::UTC, Some(&w));
        assert!(e.next_runs.is_empty());
        assert_eq!(e.window, Some(WindowFit::Never));
    }

    #[test]
    fn the_week_around_the_window() {
        let w = window("2026-11-28T02:00:00+01:00", "2026-11-28T05:00:00+01:00");
        let (from, to) = timeline(at(NOW), Tz::Europe__Berlin, Some(&w));
        assert_eq!(
            (rfc3339(from), rfc3339(to)),
            (
                "2026-11-24T23:00:00Z".to_string(),
                "2026-12-01T23:00:00Z".to_string()
            )
        );
        let e = task("0 3 * * *", 0, false).evaluate(at(NOW), Tz::Europe__Berlin, Some(&w));
        assert_eq!(e.week_runs.len(), 7);
        let e = task("* * * * *", 0, false).evaluate(at(NOW), Tz::Europe__Berlin, Some(&w));
        assert_eq!(e.week_runs.len(), WEEK_RUNS);
    }

    #[test]
    fn descriptions() {
        let d = |p: &str| {
            task(p, 0, false)
                .evaluate(at(NOW), Tz::UTC, None)
                .description
        };
        assert_eq!(d("*/15 * * * *"), "Every 15 minutes (UTC)");
        assert_eq!(
            d("30 2 * * 1-5"),
            "At 02:30, on Monday, Tuesday, Wednesday, Thursday, and Friday (UTC)"
        );
        assert_eq!(words(Duration::minutes(90)), "90 min");
        assert_eq!(words(Duration::hours(2)), "2 hours");
        assert_eq!(words(Duration::days(1)), "1 day");
    }
}
