//! systemd `.timer` units, their triggers, and the `ExecStart=` of the service they start.
//!
//! ## What it does
//! Reads every `*.timer` and `*.service` unit of the package the way systemd's unit parser
//! does: `[Section]` headers, `#`/`;` comments (also inside continuations), lines continued by
//! a trailing `\`, repeated keys, and an empty assignment that resets a list. Each timer with a
//! `[Timer]` section becomes one task:
//! - `OnCalendar=`: calendar events ([`super::calendar`]); several lines fire at their union;
//! - `OnBootSec=`, `OnStartupSec=`, `OnActiveSec=`: once, some time after boot or after the
//!   timer is started (an upgrade that restarts units restarts the clock);
//! - `OnUnitActiveSec=`, `OnUnitInactiveSec=`: intervals counted from the service's last run,
//!   so of unknown phase;
//! - `OnClockChange=`, `OnTimezoneChange=`: events;
//! - `RandomizedDelaySec=` is the random delay; `Persistent=`, `AccuracySec=`, `WakeSystem=`,
//!   `FixedRandomDelay=` are said in the note. An empty `OnCalendar=` or `On…Sec=` clears every
//!   trigger before it, as in systemd.
//!
//! A timer with calendar triggers is timed by them; its monotonic triggers are listed in the
//! note. The service is `Unit=`, else the timer's own name with `.service`, looked up by file
//! name anywhere in the package (the timer's directory first; `foo@.service` for an instance
//! `foo@bar.service`). Its `ExecStart=` lines, without the `-@:+!` prefixes, are the command;
//! `User=` the user (root when unset in a system unit). Triggers that do not parse are
//! reported with their line; the timer's other triggers still count.
//!
//! ## Why is this bad?
//! A timer that fires during the maintenance window starts its service against a half-upgraded
//! system. `Persistent=true` timers also run what they missed as soon as the host is back up.

use super::calendar::{CalendarEvent, CalendarEvents};
use crate::schedule::{words, Kind, Task, Timing};
use chrono::Duration;

/// Longest random delay or interval kept (longer values are clamped): instants stay far from
/// chrono's limits.
const MAX_SPAN_DAYS: i64 = 366;

/// Timers and services seen so far; a timer's command comes from its service, which may be
/// walked after it.
#[derive(Debug, Default)]
pub struct Units {
    timers: Vec<TimerUnit>,
    services: Vec<ServiceUnit>,
}

/// What a `.service` unit contributes.
#[derive(Debug)]
struct ServiceUnit {
    dir: String,
    name: String,
    exec: Vec<String>,
    user: Option<String>,
    dynamic_user: bool,
}

/// A monotonic or event trigger.
#[derive(Debug)]
struct Trigger {
    line: u32,
    key: &'static str,
    value: String,
    /// `None` for `infinity` and for the `On…Change=` events.
    span: Option<Duration>,
}

impl Trigger {
    fn written(&self) -> String {
        format!("{}={}", self.key, self.value)
    }

    fn is_interval(&self) -> bool {
        matches!(self.key, "OnUnitActiveSec" | "OnUnitInactiveSec")
    }

    /// The trigger in words ("15 min after boot").
    fn words(&self, service: &str) -> String {
        let after = |what: &str| match self.span {
            Some(d) if d > Duration::zero() => format!("{} after {what}", words(d)),
            _ => format!("right after {what}"),
        };
        match self.key {
            "OnBootSec" => after("boot"),
            "OnStartupSec" => after("the service manager starts (at boot)"),
            "OnActiveSec" => {
                after("the timer is started (at boot, or when the upgrade restarts it)")
            }
            "OnUnitActiveSec" => format!(
                "every {}, counted from the last start of {service}",
                self.span.map(words).unwrap_or_default()
            ),
            "OnUnitInactiveSec" => format!(
                "every {}, counted from the last time {service} finished",
                self.span.map(words).unwrap_or_default()
            ),
            "OnClockChange" => "when the system clock is set".into(),
            _ => "when the system's time zone changes".into(),
        }
    }
}

/// What a `.timer` unit says.
#[derive(Debug)]
struct TimerUnit {
    path: String,
    dir: String,
    name: String,
    /// Line of the `[Timer]` header; `None` when the file has none (not a timer unit).
    timer_line: Option<u32>,
    calendars: Vec<(u32, CalendarEvent)>,
    triggers: Vec<Trigger>,
    jitter: Duration,
    accuracy: Option<String>,
    persistent: bool,
    wake_system: bool,
    fixed_random_delay: bool,
    unit: Option<String>,
    /// Triggers that did not parse: (line, what is wrong, the line).
    invalid: Vec<(u32, String, String)>,
}

/// One `Key=Value` assignment of a unit file.
struct Assignment {
    section: String,
    key: String,
    value: String,
    line: u32,
    raw: String,
}

/// The assignments of a unit file, continuations joined.
fn assignments(text: &str) -> Vec<Assignment> {
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    let mut out = Vec::new();
    let mut section = String::new();
    let mut pending: Option<(u32, String)> = None;
    let mut take = |line: u32, logical: &str, section: &mut String| {
        let t = logical.trim();
        if let Some(rest) = t.strip_prefix('[') {
            if let Some(name) = rest.strip_suffix(']') {
                *section = name.to_string();
            }
            return;
        }
        if let Some((key, value)) = t.split_once('=') {
            out.push(Assignment {
                section: section.clone(),
                key: key.trim().to_string(),
                value: value.trim().to_string(),
                line,
                raw: t.to_string(),
            });
        }
    };
    for (i, physical) in text.lines().enumerate() {
        let n = u32::try_from(i + 1).unwrap_or(u32::MAX);
        let line = physical.trim_end_matches('\r');
        let lead = line.trim_start();
        // Comments are skipped, inside a continuation too.
        if lead.starts_with('#') || lead.starts_with(';') {
            continue;
        }
        let (start, mut acc) = match pending.take() {
            Some((start, acc)) => (start, acc),
            None if lead.is_empty() => continue,
            None => (n, String::new()),
        };
        match continued(line) {
            Some(body) => {
                acc.push_str(body.trim_start());
                acc.push(' ');
                pending = Some((start, acc));
            }
            None => {
                acc.push_str(lead);
                take(start, &acc, &mut section);
            }
        }
    }
    if let Some((start, acc)) = pending {
        take(start, &acc, &mut section);
    }
    out
}

/// The line without its continuation backslash, when it ends with an unescaped one.
fn continued(line: &str) -> Option<&str> {
    let mut escaped = false;
    for c in line.chars() {
        escaped = !escaped && c == '\\';
    }
    if escaped {
        line.strip_suffix('\\')
    } else {
        None
    }
}

/// systemd's `parse_boolean()`.
fn boolean(value: &str) -> Option<bool> {
    match value.to_ascii_lowercase().as_str() {
        "1" | "yes" | "y" | "true" | "t" | "on" => Some(true),
        "0" | "no" | "n" | "false" | "f" | "off" => Some(false),
        _ => None,
    }
}

/// A systemd time span (`15min`, `1h 30min`, `2d`, `90` seconds, `1.5h`), in microseconds;
/// `None` for `infinity`. systemd's `parse_time()` with seconds as the default unit.
pub fn parse_span(value: &str) -> Result<Option<u64>, String> {
    const UNITS: [(&str, u64); 30] = [
        ("seconds", 1_000_000),
        ("second", 1_000_000),
        ("sec", 1_000_000),
        ("s", 1_000_000),
        ("minutes", 60_000_000),
        ("minute", 60_000_000),
        ("min", 60_000_000),
        ("months", 2_629_800_000_000),
        ("month", 2_629_800_000_000),
        ("M", 2_629_800_000_000),
        ("msec", 1_000),
        ("ms", 1_000),
        ("m", 60_000_000),
        ("hours", 3_600_000_000),
        ("hour", 3_600_000_000),
        ("hr", 3_600_000_000),
        ("h", 3_600_000_000),
        ("days", 86_400_000_000),
        ("day", 86_400_000_000),
        ("d", 86_400_000_000),
        ("weeks", 604_800_000_000),
        ("week", 604_800_000_000),
        ("w", 604_800_000_000),
        ("years", 31_557_600_000_000),
        ("year", 31_557_600_000_000),
        ("y", 31_557_600_000_000),
        ("usec", 1),
        ("us", 1),
        ("\u{3bc}s", 1),
        ("\u{b5}s", 1),
    ];
    let b = value.as_bytes();
    let at = |i: usize| b.get(i).copied().unwrap_or(0);
    let skip_ws = |mut i: usize| {
        while at(i).is_ascii_whitespace() {
            i += 1;
        }
        i
    };
    let bad = || format!("'{value}' is not a time span (e.g. 15min, 1h 30min, 2d, 90)");
    let too_large = || format!("time span '{value}' is too large");
    let mut i = skip_ws(0);
    if let Some(rest) = b.get(i..).and_then(|r| r.strip_prefix(b"infinity")) {
        return if rest.iter().all(u8::is_ascii_whitespace) {
            Ok(None)
        } else {
            Err(bad())
        };
    }
    let mut total: u64 = 0;
    let mut something = false;
    loop {
        i = skip_ws(i);
        if i >= b.len() {
            if !something {
                return Err(format!("an empty time span '{value}'"));
            }
            return Ok(Some(total));
        }
        if at(i) == b'-' {
            return Err(format!("a negative time span '{value}'"));
        }
        let digits_at = i;
        let mut whole: u64 = 0;
        while at(i).is_ascii_digit() {
            whole = whole
                .checked_mul(10)
                .and_then(|v| v.checked_add(u64::from(at(i) - b'0')))
                .ok_or_else(too_large)?;
            i += 1;
        }
        let dot = at(i) == b'.';
        let mut frac: &[u8] = &[];
        if dot {
            i += 1;
            let from = i;
            while at(i).is_ascii_digit() {
                i += 1;
            }
            frac = b.get(from..i).unwrap_or_default();
        } else if i == digits_at {
            return Err(bad());
        }
        let unit_at = skip_ws(i);
        let rest = b.get(unit_at..).unwrap_or_default();
        let (multiplier, after) = UNITS
            .iter()
            .find(|(u, _)| rest.starts_with(u.as_bytes()))
            .map(|(u, m)| (*m, unit_at + u.len()))
            .unwrap_or((1_000_000, unit_at));
        if after == i && i < b.len() {
            return Err(bad());
        }
        i = after;
        total = whole
            .checked_mul(multiplier)
            .and_then(|k| total.checked_add(k))
            .ok_or_else(too_large)?;
        something = true;
        if dot {
            if frac.is_empty() {
                return Err(bad());
            }
            let mut m = multiplier / 10;
            for d in frac {
                total = total
                    .checked_add(u64::from(d - b'0') * m)
                    .ok_or_else(too_large)?;
                m /= 10;
            }
        }
    }
}

/// A time span as a duration, clamped to [`MAX_SPAN_DAYS`].
fn span_duration(us: u64) -> Duration {
    let max = Duration::days(MAX_SPAN_DAYS);
    i64::try_from(us)
        .ok()
        .map(Duration::microseconds)
        .map_or(max, |d| d.min(max))
}

/// The file name and directory of a path.
fn split_path(path: &str) -> (&str, &str) {
    match path.rsplit_once('/') {
        Some((dir, name)) => (dir, name),
        None => ("", path),
    }
}

/// Drop `ExecStart=` prefixes (`-`, `@`, `:`, `+`, `!`, `!!`).
fn strip_exec_prefixes(v: &str) -> &str {
    v.trim_start_matches(['-', '@', ':', '+', '!']).trim_start()
}

/// A `.timer` unit's file name.
fn is_timer(name: &str) -> bool {
    name.ends_with(".timer") && name.len() > ".timer".len()
}

/// A `.service` unit's file name.
fn is_service(name: &str) -> bool {
    name.ends_with(".service") && name.len() > ".service".len()
}

/// Whether [`Units::add`] keeps the entry at `path`: the decision is on the name alone.
pub fn wants(path: &str) -> bool {
    let (_, name) = split_path(path);
    is_timer(name) || is_service(name)
}

impl Units {
    /// Look at an entry; keeps it when it is a `.timer` or `.service` unit.
    pub fn add(&mut self, path: &str, text: &str) {
        let (dir, name) = split_path(path);
        if is_timer(name) {
            self.timers.push(parse_timer(path, dir, name, text));
        } else if is_service(name) {
            self.services.push(parse_service(dir, name, text));
        }
    }

    /// The timers as tasks, once every entry has been seen.
    pub fn finish(&mut self) -> Resolved {
        let mut out = Resolved::default();
        for timer in std::mem::take(&mut self.timers) {
            for (line, message, raw) in &timer.invalid {
                out.invalid_at
                    .push((timer.path.clone(), *line, message.clone(), raw.clone()));
            }
            let Some(timer_line) = timer.timer_line else {
                continue;
            };
            if timer.calendars.is_empty() && timer.triggers.is_empty() {
                if timer.invalid.is_empty() {
                    out.invalid_at.push((
                        timer.path.clone(),
                        timer_line,
                        "a [Timer] without OnCalendar= or On…Sec= trigger: systemd refuses to load it".into(),
                        "[Timer]".into(),
                    ));
                }
                continue;
            }
            out.tasks.push(self.task(timer));
        }
        out
    }

    /// The service a timer starts, its directory first.
    fn service(&self, wanted: &str, dir: &str) -> Option<&ServiceUnit> {
        let find = |name: &str| {
            self.services
                .iter()
                .filter(|s| s.name == name)
                .min_by_key(|s| s.dir != dir)
        };
        find(wanted).or_else(|| {
            // An instance `foo@bar.service` runs the template `foo@.service`.
            let (prefix, _) = wanted.split_once('@')?;
            let template = format!("{prefix}@.service");
            (template != wanted).then(|| find(&template)).flatten()
        })
    }

    fn task(&self, timer: TimerUnit) -> Task {
        let wanted = timer.unit.clone().unwrap_or_else(|| {
            let stem = timer.name.strip_suffix(".timer").unwrap_or(&timer.name);
            format!("{stem}.service")
        });
        let user_unit = timer.path.contains("systemd/user/");
        let mut notes: Vec<String> = Vec::new();
        let (mut command, mut user) = (None, None);
        if !wanted.ends_with(".service") {
            notes.push(format!("starts {wanted}"));
        } else if let Some(s) = self.service(&wanted, &timer.dir) {
            if s.exec.is_empty() {
                notes.push(format!("service {wanted} has no ExecStart="));
            } else {
                command = Some(s.exec.join("; "));
            }
            user = match (&s.user, s.dynamic_user, user_unit) {
                (Some(u), _, _) => Some(u.clone()),
                (None, true, _) => Some("a dynamic user".into()),
                (None, false, false) => Some("root".into()),
                (None, false, true) => None,
            };
        } else {
            notes.push(format!("service {wanted} not in the package"));
        }
        if user_unit {
            notes.push("user unit: runs in each user's service manager".into());
        }

        let TimerUnit {
            path,
            calendars,
            triggers,
            jitter,
            ..
        } = timer;
        let (timing, expression, line, timezone, others): (Timing, String, u32, _, Vec<&Trigger>) =
            if let Some((first_line, _)) = calendars.first() {
                let line = *first_line;
                let expression = calendars
                    .iter()
                    .map(|(_, e)| e.expression())
                    .collect::<Vec<_>>()
                    .join("; ");
                let events = CalendarEvents::new(calendars.into_iter().map(|(_, e)| e).collect());
                let timezone = events.common_zone();
                (
                    Timing::Clock {
                        recurrence: Box::new(events),
                        jitter,
                        randomized: false,
                    },
                    expression,
                    line,
                    timezone,
                    triggers.iter().collect(),
                )
            } else {
                let chosen = triggers
                    .iter()
                    .filter(|t| t.is_interval() && t.span.is_some())
                    .min_by_key(|t| t.span)
                    .or_else(|| triggers.iter().find(|t| !t.is_interval()))
                    .or_else(|| triggers.first());
                let expression = triggers
                    .iter()
                    .map(Trigger::written)
                    .collect::<Vec<_>>()
                    .join("; ");
                let line = triggers.iter().map(|t| t.line).min().unwrap_or(1);
                let timing = match chosen {
                    Some(t) if t.is_interval() => Timing::Interval {
                        every: t.span.unwrap_or_else(Duration::zero),
                        anchor: if t.key == "OnUnitActiveSec" {
                            format!("the last start of {wanted}")
                        } else {
                            format!("the last time {wanted} finished")
                        },
                    },
                    Some(t) => Timing::Event {
                        event: t.words(&wanted),
                    },
                    None => Timing::Event {
                        event: "never".into(),
                    },
                };
                let others = triggers
                    .iter()
                    .filter(|t| !chosen.is_some_and(|c| std::ptr::eq(*t, c)))
                    .collect();
                (timing, expression, line, None, others)
            };
        let mut lead: Vec<String> = others
            .iter()
            .map(|t| format!("also {} ({})", t.words(&wanted), t.written()))
            .collect();
        let clock = matches!(timing, Timing::Clock { .. });
        if !clock && jitter > Duration::zero() {
            lead.push(format!("plus a random delay of up to {}", words(jitter)));
        }
        if timer.persistent && clock {
            lead.push("catches up missed runs at boot (Persistent=true)".into());
        }
        if timer.fixed_random_delay && jitter > Duration::zero() {
            lead.push("the random delay is fixed per machine (FixedRandomDelay=true)".into());
        }
        if let Some(a) = &timer.accuracy {
            lead.push(a.clone());
        }
        if timer.wake_system {
            lead.push("wakes the system from suspend to run (WakeSystem=true)".into());
        }
        lead.extend(notes);
        Task {
            kind: Kind::SystemdTimer,
            path,
            line,
            expression,
            timing,
            timezone,
            command,
            user,
            note: (!lead.is_empty()).then(|| lead.join("; ")),
            enabled: true,
        }
    }
}

fn parse_service(dir: &str, name: &str, text: &str) -> ServiceUnit {
    let mut s = ServiceUnit {
        dir: dir.to_string(),
        name: name.to_string(),
        exec: Vec::new(),
        user: None,
        dynamic_user: false,
    };
    for a in assignments(text) {
        if a.section != "Service" {
            continue;
        }
        match a.key.as_str() {
            "ExecStart" if a.value.is_empty() => s.exec.clear(),
            "ExecStart" => s.exec.push(strip_exec_prefixes(&a.value).to_string()),
            "User" => s.user = (!a.value.is_empty()).then(|| a.value.clone()),
            "DynamicUser" => s.dynamic_user = boolean(&a.value).unwrap_or(false),
            _ => {}
        }
    }
    s
}

fn parse_timer(path: &str, dir: &str, name: &str, text: &str) -> TimerUnit {
    let mut t = TimerUnit {
        path: path.to_string(),
        dir: dir.to_string(),
        name: name.to_string(),
        timer_line: None,
        calendars: Vec::new(),
        triggers: Vec::new(),
        jitter: Duration::zero(),
        accuracy: None,
        persistent: false,
        wake_system: false,
        fixed_random_delay: false,
        unit: None,
        invalid: Vec::new(),
    };
    // The header line: assignments only carry their section's name.
    t.timer_line = text
        .strip_prefix('\u{feff}')
        .unwrap_or(text)
        .lines()
        .position(|l| l.trim() == "[Timer]")
        .map(|i| u32::try_from(i + 1).unwrap_or(u32::MAX));
    for a in assignments(text) {
        if a.section != "Timer" {
            continue;
        }
        let monotonic: Option<&'static str> = match a.key.as_str() {
            "OnActiveSec" => Some("OnActiveSec"),
            "OnBootSec" => Some("OnBootSec"),
            "OnStartupSec" => Some("OnStartupSec"),
            "OnUnitActiveSec" => Some("OnUnitActiveSec"),
            "OnUnitInactiveSec" => Some("OnUnitInactiveSec"),
            _ => None,
        };
        let is_trigger = monotonic.is_some() || a.key == "OnCalendar";
        if is_trigger && a.value.is_empty() {
            // systemd: an empty assignment clears every trigger so far.
            t.calendars.clear();
            t.triggers.clear();
            continue;
        }
        if let Some(key) = monotonic {
            match parse_span(&a.value) {
                Ok(us) => t.triggers.push(Trigger {
                    line: a.line,
                    key,
                    value: a.value.clone(),
                    span: us.map(span_duration),
                }),
                Err(e) => t
                    .invalid
                    .push((a.line, format!("{key}=: {e}"), a.raw.clone())),
            }
            continue;
        }
        match a.key.as_str() {
            "OnCalendar" => match CalendarEvent::parse(&a.value) {
                Ok(ev) => t.calendars.push((a.line, ev)),
                Err(e) => t.invalid.push((
                    a.line,
                    format!("OnCalendar '{}' is not a calendar event: {e}", a.value),
                    a.raw.clone(),
                )),
            },
            "OnClockChange" | "OnTimezoneChange" => {
                let key = if a.key == "OnClockChange" {
                    "OnClockChange"
                } else {
                    "OnTimezoneChange"
                };
                t.triggers.retain(|x| x.key != key);
                if boolean(&a.value) == Some(true) {
                    t.triggers.push(Trigger {
                        line: a.line,
                        key,
                        value: a.value.clone(),
                        span: None,
                    });
                }
            }
            "RandomizedDelaySec" if a.value.is_empty() => t.jitter = Duration::zero(),
            "RandomizedDelaySec" => match parse_span(&a.value) {
                Ok(us) => t.jitter = us.map_or(Duration::days(MAX_SPAN_DAYS), span_duration),
                Err(e) => {
                    t.invalid
                        .push((a.line, format!("RandomizedDelaySec=: {e}"), a.raw.clone()))
                }
            },
            "AccuracySec" => match parse_span(&a.value) {
                Ok(us) => {
                    let d = us.map_or(Duration::days(MAX_SPAN_DAYS), span_duration);
                    t.accuracy = (d > Duration::minutes(1)).then(|| {
                        format!("may fire up to {} late (AccuracySec={})", words(d), a.value)
                    });
                }
                Err(e) => t
                    .invalid
                    .push((a.line, format!("AccuracySec=: {e}"), a.raw.clone())),
            },
            "Persistent" => t.persistent = boolean(&a.value).unwrap_or(false),
            "WakeSystem" => t.wake_system = boolean(&a.value).unwrap_or(false),
            "FixedRandomDelay" => t.fixed_random_delay = boolean(&a.value).unwrap_or(false),
            "Unit" => t.unit = (!a.value.is_empty()).then(|| a.value.clone()),
            _ => {}
        }
    }
    // A trigger with an infinite span never fires.
    t.triggers
        .retain(|x| x.span.is_some() || matches!(x.key, "OnClockChange" | "OnTimezoneChange"));
    t
}

/// The timers of a package.
#[derive(Debug, Default)]
pub struct Resolved {
    /// One task per timer (several `OnCalendar=` lines are one task).
    pub tasks: Vec<Task>,
    /// Triggers that could not be read: (unit path, line, what is wrong, the line as written).
    pub invalid_at: Vec<(String, u32, String, String)>,
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::{DateTime, Utc};
    use chrono_tz::Tz;

    const NOW: &str = "2026-11-26T00:00:00Z";

    fn now() -> DateTime<Utc> {
        NOW.parse().unwrap_or_default()
    }

    fn resolve(files: &[(&str, &str)]) -> Resolved {
        let mut u = Units::default();
        for (path, text) in files {
            u.add(path, text);
        }
        u.finish()
    }

    const APT_DAILY_TIMER: &str = "[Unit]\nDescription=Daily apt download activities\n\n[Timer]\nOnCalendar=*-*-* 6,18:00\nRandomizedDelaySec=12h\nPersistent=true\n\n[Install]\nWantedBy=timers.target\n";
    const APT_DAILY_SERVICE: &str = "[Unit]\nDescription=Daily apt download activities\n\n[Service]\nType=oneshot\nExecStartPre=-/usr/lib/apt/apt-helper wait-online\nExecStart=/usr/lib/apt/apt.systemd.daily update\n";

    #[test]
    fn spans() {
        let us = |s: &str| parse_span(s);
        assert_eq!(us("15min"), Ok(Some(900_000_000)));
        assert_eq!(us("1h 30min"), Ok(Some(5_400_000_000)));
        assert_eq!(us("1h30min"), Ok(Some(5_400_000_000)));
        assert_eq!(us("2d"), Ok(Some(172_800_000_000)));
        assert_eq!(us("90"), Ok(Some(90_000_000)));
        assert_eq!(us("1.5h"), Ok(Some(5_400_000_000)));
        assert_eq!(us("5 5"), Ok(Some(10_000_000)));
        assert_eq!(us("1 h 2"), Ok(Some(3_602_000_000)));
        assert_eq!(us("10m"), Ok(Some(600_000_000)));
        assert_eq!(us("100ms"), Ok(Some(100_000)));
        assert_eq!(us("1M"), Ok(Some(2_629_800_000_000)));
        assert_eq!(us(" 5s "), Ok(Some(5_000_000)));
        assert_eq!(us("infinity"), Ok(None));
        for bad in [
            "",
            "abc",
            "-5",
            "1e3",
            "5.",
            "1hourx",
            "99999999999999999999",
            "12.34.56",
        ] {
            assert!(us(bad).is_err(), "{bad:?}");
        }
    }

    #[test]
    fn unit_file_syntax() {
        let text = "\u{feff}[Timer]\n# comment\n; also a comment\nOnCalendar=Mon..Fri \\\n# skipped inside\n  22:00\nUnit = other.service \n[Install]\nOnCalendar=daily\n";
        let a = assignments(text);
        let got: Vec<_> = a
            .iter()
            .map(|a| (a.section.as_str(), a.key.as_str(), a.value.as_str(), a.line))
            .collect();
        assert_eq!(
            got,
            [
                ("Timer", "OnCalendar", "Mon..Fri  22:00", 4),
                ("Timer", "Unit", "other.service", 7),
                ("Install", "OnCalendar", "daily", 9)
            ]
        );
        assert_eq!(continued("a \\\\"), None);
        assert_eq!(continued("a \\"), Some("a "));
    }

    #[test]
    fn apt_daily_with_its_service() {
        let r = resolve(&[
            ("lib/systemd/system/apt-daily.timer", APT_DAILY_TIMER),
            ("lib/systemd/system/apt-daily.service", APT_DAILY_SERVICE),
        ]);
        assert!(r.invalid_at.is_empty(), "{:?}", r.invalid_at);
        assert_eq!(r.tasks.len(), 1);
        let Some(t) = r.tasks.first() else { return };
        assert_eq!(t.kind, Kind::SystemdTimer);
        assert_eq!(t.line, 5);
        assert_eq!(t.expression, "*-*-* 6,18:00");
        assert_eq!(
            t.command.as_deref(),
            Some("/usr/lib/apt/apt.systemd.daily update")
        );
        assert_eq!(t.user.as_deref(), Some("root"));
        assert_eq!(
            t.note.as_deref(),
            Some("catches up missed runs at boot (Persistent=true)")
        );
        assert!(matches!(t.timing, Timing::Clock { .. }), "{:?}", t.timing);
        let Timing::Clock {
            recurrence, jitter, ..
        } = &t.timing
        else {
            return;
        };
        assert_eq!(*jitter, Duration::hours(12));
        assert_eq!(recurrence.describe(), "At 06:00 and 18:00, every day");
        assert_eq!(
            recurrence.next_after(now(), Tz::UTC),
            "2026-11-26T06:00:00Z".parse().ok()
        );
    }

    #[test]
    fn monotonic_timers_and_missing_services() {
        let text = "[Timer]\nOnBootSec=15min\nOnUnitActiveSec=1d\n";
        let r = resolve(&[("usr/lib/systemd/system/systemd-tmpfiles-clean.timer", text)]);
        assert_eq!(r.tasks.len(), 1);
        let Some(t) = r.tasks.first() else { return };
        assert_eq!(t.line, 2);
        assert_eq!(t.expression, "OnBootSec=15min; OnUnitActiveSec=1d");
        assert!(matches!(&t.timing, Timing::Interval { every, .. } if *every == Duration::days(1)));
        assert_eq!(
            t.note.as_deref(),
            Some("also 15 min after boot (OnBootSec=15min); service systemd-tmpfiles-clean.service not in the package")
        );
        let e = t.evaluate(now(), Tz::UTC, None);
        assert_eq!(e.description, "Every 1 day, counted from the last start of systemd-tmpfiles-clean.service; also 15 min after boot (OnBootSec=15min); service systemd-tmpfiles-clean.service not in the package");

        let r = resolve(&[(
            "x/boot.timer",
            "[Timer]\nOnBootSec=2min\nRandomizedDelaySec=30\n",
        )]);
        let Some(t) = r.tasks.first() else { return };
        assert!(matches!(&t.timing, Timing::Event { event } if event == "2 min after boot"));
        assert!(t
            .note
            .as_deref()
            .is_some_and(|n| n.starts_with("plus a random delay of up to 30 s")));
    }

    #[test]
    fn several_calendars_resets_and_invalid_lines() {
        let text = "[Timer]\nOnCalendar=hourly\nOnCalendar=\nOnCalendar=Mon..Fri 22:00\nOnCalendar=Sat 25:00\nOnCalendar=Sun 10:00 Europe/Berlin\nOnBootSec=soon\nOnActiveSec=1h\nUnit=backup@nightly.service\n";
        let r = resolve(&[
            ("etc/systemd/system/backup.timer", text),
            (
                "opt/other/backup@.service",
                "[Service]\nExecStart=-/opt/backup/run.sh %i\nUser=backup\n",
            ),
        ]);
        let lines: Vec<_> = r.invalid_at.iter().map(|i| i.1).collect();
        assert_eq!(lines, [5, 7]);
        assert!(
            r.invalid_at
                .iter()
                .any(|i| i.2.contains("hour 25 is outside 0..23")),
            "{:?}",
            r.invalid_at
        );
        assert_eq!(
            r.invalid_at.first().map(|i| i.3.as_str()),
            Some("OnCalendar=Sat 25:00")
        );
        let Some(t) = r.tasks.first() else { return };
        assert_eq!(t.line, 4);
        assert_eq!(t.expression, "Mon..Fri 22:00; Sun 10:00 Europe/Berlin");
        assert_eq!(t.command.as_deref(), Some("/opt/backup/run.sh %i"));
        assert_eq!(t.user.as_deref(), Some("backup"));
        assert_eq!(t.timezone, None);
        assert!(
            t.note
                .as_deref()
                .is_some_and(|n| n.contains("also 1 hour after the timer is started")),
            "{:?}",
            t.note
        );
        let Timing::Clock { recurrence, .. } = &t.timing else {
            return;
        };
        assert_eq!(
            recurrence.describe(),
            "Mon..Fri at 22:00; Sun at 10:00 (Europe/Berlin)"
        );
        // Thu 26 Nov 22:00 UTC comes before Sun 10:00 Berlin.
        assert_eq!(
            recurrence.next_after(now(), Tz::UTC),
            "2026-11-26T22:00:00Z".parse().ok()
        );
    }

    #[test]
    fn not_timers_and_empty_timers() {
        let r = resolve(&[
            ("docs/egg.timer", "just some text\n"),
            (
                "a/empty.timer",
                "[Unit]\nDescription=x\n\n[Timer]\nPersistent=true\n",
            ),
            ("a/.timer", "[Timer]\nOnCalendar=daily\n"),
        ]);
        assert!(r.tasks.is_empty());
        assert_eq!(r.invalid_at.len(), 1);
        assert_eq!(r.invalid_at.first().map(|i| i.1), Some(4));
    }

    #[test]
    fn same_directory_service_wins() {
        let r = resolve(&[
            ("b/job.service", "[Service]\nExecStart=/b/job\n"),
            ("a/job.timer", "[Timer]\nOnCalendar=daily UTC\n"),
            (
                "a/job.service",
                "[Service]\nExecStart=@/a/job job\nExecStart=\nExecStart=+/a/job2\n",
            ),
        ]);
        let Some(t) = r.tasks.first() else { return };
        assert_eq!(t.command.as_deref(), Some("/a/job2"));
        assert_eq!(t.timezone, Some(Tz::UTC));
        assert_eq!(t.note, None);
    }
}
