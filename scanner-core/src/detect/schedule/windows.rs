//! Windows Task Scheduler task definitions (XML, usually UTF-16 with a BOM).
//!
//! ## What it does
//! Reads task XML (`schtasks /query /xml`, `Export-ScheduledTask`, files under
//! `Windows/System32/Tasks`): a `<Task>` root in the namespace
//! `http://schemas.microsoft.com/windows/2004/02/mit/task`, whatever the file is named. The walker
//! has already decoded UTF-16 with a BOM. Each trigger is a task:
//!
//! - `CalendarTrigger` with `ScheduleByDay` (`DaysInterval`), `ScheduleByWeek` (`WeeksInterval`,
//!   `DaysOfWeek`), `ScheduleByMonth` (`DaysOfMonth` with `Last`, `Months`) or
//!   `ScheduleByMonthDayOfWeek` (`Weeks` 1-4 and `Last`, `DaysOfWeek`, `Months`);
//! - `TimeTrigger`: once, at `StartBoundary`;
//! - `Repetition` (`Interval` such as `PT15M`, `Duration`; no duration means indefinitely) on
//!   either, and `RandomDelay` as a random delay;
//! - `BootTrigger`, `LogonTrigger`, `IdleTrigger`, `RegistrationTrigger`, `EventTrigger`,
//!   `SessionStateChangeTrigger`: events (with their `Delay`).
//!
//! Timing is computed exactly by a recurrence of this module, which honours `StartBoundary` and
//! `EndBoundary`, intervals of several days or weeks (counted from the start boundary; weeks
//! start on Sunday), and repetitions that cross midnight. The description reuses croner's words
//! when the trigger is also a cron pattern (daily at 03:00 is `0 3 * * *`, a 15-minute
//! repetition for two hours from 03:00 is `0,15,30,45 3,4 * * *`), its own words otherwise.
//! A repetition runs while `start + k × Interval < start + Duration` (the end is not a run).
//!
//! `StartBoundary` without an offset is the machine's local time: the task takes the profile's
//! zone. With `Z` or an offset ("synchronize across time zones"), the times are fixed to UTC
//! and do not follow daylight saving time: a whole-hour offset becomes the zone `Etc/GMT-1`
//! (that is UTC+01:00); any other offset is evaluated as a fixed offset and the task reports UTC.
//!
//! The command is `Actions/Exec` (`Command` and `Arguments`; several actions are joined with
//! `; `); the user is `Principals/Principal/UserId` (well-known SIDs are named) or `GroupId`.
//! `RunLevel` `HighestAvailable`, `Settings/StartWhenAvailable` and the task's `URI` are noted;
//! `Enabled` false on the task or the trigger makes it disabled.
//!
//! ## Why is this bad?
//! A task that fires during the maintenance window runs against a half-upgraded system; boot
//! and logon triggers fire when the upgrade restarts the machine.

use super::cron::Invalid;
use super::k8s::raw_line;
use super::Parsed;
use crate::schedule::MONTHS;
use crate::schedule::{words, CronDialect, CronRecurrence, Kind, Recurrence, Task, Timing};
use chrono::{
    DateTime, Datelike, Duration, FixedOffset, NaiveDate, NaiveDateTime, NaiveTime, TimeZone,
    Timelike, Utc, Weekday,
};
use chrono_tz::Tz;
use quick_xml::events::Event;
use quick_xml::Reader;

/// The Task Scheduler namespace.
pub const NAMESPACE: &str = "http://schemas.microsoft.com/windows/2004/02/mit/task";

/// Deepest element kept (task XML is about six levels deep).
const MAX_DEPTH: usize = 32;
/// Most elements kept.
const MAX_ELEMENTS: usize = 20_000;
/// Most days looked at for the next firing (a rule such as "day 30 of February" never fires;
/// nine years cover every leap-day rule).
const MAX_SCAN_DAYS: i64 = 9 * 366;

// ---------------------------------------------------------------------------------------------
// A small element tree with lines.

/// An XML element: local name, 1-based line of its start tag, text content, children.
#[derive(Debug, Clone, Default)]
struct El {
    name: String,
    line: u32,
    text: String,
    children: Vec<El>,
}

impl El {
    fn child(&self, name: &str) -> Option<&El> {
        self.children.iter().find(|c| c.name == name)
    }

    fn path(&self, names: &[&str]) -> Option<&El> {
        names.iter().try_fold(self, |e, n| e.child(n))
    }

    fn text_of(&self, name: &str) -> Option<&str> {
        self.child(name)
            .map(|c| c.text.trim())
            .filter(|t| !t.is_empty())
    }

    fn flag(&self, name: &str) -> Option<bool> {
        match self.text_of(name)? {
            "true" | "1" => Some(true),
            "false" | "0" => Some(false),
            _ => None,
        }
    }
}

/// Count lines as the reader moves on.
struct Lines<'a> {
    text: &'a str,
    pos: usize,
    line: u32,
}

impl Lines<'_> {
    /// The 1-based line at byte `to`.
    fn at(&mut self, to: u64) -> u32 {
        let to = usize::try_from(to)
            .unwrap_or(usize::MAX)
            .min(self.text.len());
        if to > self.pos {
            let n = self
                .text
                .as_bytes()
                .get(self.pos..to)
                .map_or(0, |b| b.iter().filter(|&&c| c == b'\n').count());
            self.line = self
                .line
                .saturating_add(u32::try_from(n).unwrap_or(u32::MAX));
            self.pos = to;
        }
        self.line
    }
}

/// Parse the XML into its root element, or (line, message).
fn parse_xml(text: &str) -> Result<El, (u32, String)> {
    let mut reader = Reader::from_str(text);
    let mut lines = Lines {
        text,
        pos: 0,
        line: 1,
    };
    let mut stack: Vec<El> = Vec::new();
    let mut skipped: usize = 0;
    let mut count: usize = 0;
    let mut root: Option<El> = None;
    loop {
        let event = match reader.read_event() {
            Ok(e) => e,
            Err(e) => {
                let line = lines.at(reader.error_position());
                return Err((line, e.to_string()));
            }
        };
        let end = lines.at(reader.buffer_position());
        let empty = matches!(event, Event::Empty(_));
        match event {
            Event::Start(s) | Event::Empty(s) => {
                // The tag ends on `end`; its start is up the newlines inside it.
                let inside = u32::try_from(s.matches('\n').count()).unwrap_or(0);
                let line = end.saturating_sub(inside);
                if skipped > 0 || stack.len() >= MAX_DEPTH || count >= MAX_ELEMENTS {
                    if !empty {
                        skipped = skipped.saturating_add(1);
                    }
                    continue;
                }
                count += 1;
                let el = El {
                    name: String::from_utf8_lossy(s.local_name().as_ref().as_bytes()).into_owned(),
                    line,
                    ..El::default()
                };
                if empty {
                    attach(&mut stack, &mut root, el);
                } else {
                    stack.push(el);
                }
            }
            Event::End(_) => {
                if skipped > 0 {
                    skipped -= 1;
                } else if let Some(el) = stack.pop() {
                    attach(&mut stack, &mut root, el);
                }
            }
            Event::Text(t) => push_text(&mut stack, skipped, &t.xml10_content()),
            Event::CData(c) => push_text(&mut stack, skipped, &c),
            Event::GeneralRef(r) => {
                let name = r.xml10_content();
                let resolved = match r.resolve_char_ref() {
                    Ok(Some(c)) => c.to_string(),
                    _ => quick_xml::escape::resolve_predefined_entity(&name)
                        .map_or_else(|| format!("&{name};"), str::to_string),
                };
                push_text(&mut stack, skipped, &resolved);
            }
            Event::Eof => break,
            _ => {}
        }
    }
    root.ok_or((1, "no root element".into()))
}

fn attach(stack: &mut [El], root: &mut Option<El>, el: El) {
    match stack.last_mut() {
        Some(parent) => parent.children.push(el),
        None => {
            if root.is_none() {
                *root = Some(el);
            }
        }
    }
}

fn push_text(stack: &mut [El], skipped: usize, text: &str) {
    if skipped == 0 {
        if let Some(top) = stack.last_mut() {
            if top.text.len() < 64 * 1024 {
                top.text.push_str(text);
            }
        }
    }
}

// ---------------------------------------------------------------------------------------------
// Values.

/// An `xs:duration` as Task Scheduler writes it: `PT15M`, `P1D`, `P1DT12H`, `P2W`. Years and
/// months have no fixed length and are refused.
fn xs_duration(text: &str) -> Option<Duration> {
    let rest = text.trim().strip_prefix('P')?;
    let (date, time) = match rest.split_once('T') {
        Some((d, t)) if !t.is_empty() => (d, t),
        Some(_) => return None,
        None => (rest, ""),
    };
    let mut seconds: i64 = 0;
    let mut parts = 0;
    for (part, units) in [
        (date, &[('W', 7 * 86_400), ('D', 86_400)][..]),
        (time, &[('H', 3_600), ('M', 60), ('S', 1)][..]),
    ] {
        let mut s = part;
        while !s.is_empty() {
            let digits = s.bytes().take_while(u8::is_ascii_digit).count();
            let n: i64 = s.get(..digits)?.parse().ok()?;
            let unit = s.get(digits..)?.chars().next()?;
            let (_, factor) = units.iter().find(|(u, _)| *u == unit)?;
            seconds = seconds.checked_add(n.checked_mul(*factor)?)?;
            s = s.get(digits + 1..)?;
            parts += 1;
        }
    }
    (parts > 0 && seconds <= 100 * 366 * 86_400).then(|| Duration::seconds(seconds))
}

/// A boundary: local date and time, with the offset when one is written.
fn boundary(text: &str) -> Option<(NaiveDateTime, Option<FixedOffset>)> {
    let t = text.trim();
    let (date, time) = t.split_once('T')?;
    let (clock, offset) = if let Some(c) = time.strip_suffix('Z') {
        (c, FixedOffset::east_opt(0))
    } else if let Some(i) = time.rfind(['+', '-']) {
        let (c, o) = time.split_at(i);
        let sign: i32 = if o.starts_with('-') { -1 } else { 1 };
        let (h, m) = o.get(1..)?.split_once(':')?;
        let secs = h
            .parse::<i32>()
            .ok()?
            .checked_mul(3600)?
            .checked_add(m.parse::<i32>().ok()?.checked_mul(60)?)?;
        (c, Some(FixedOffset::east_opt(sign.checked_mul(secs)?)?))
    } else {
        (time, None)
    };
    let n =
        NaiveDateTime::parse_from_str(&format!("{date}T{clock}"), "%Y-%m-%dT%H:%M:%S%.f").ok()?;
    // Task Scheduler counts whole seconds.
    Some((n.with_nanosecond(0)?, offset))
}

/// A zone for a fixed offset, when tzdata has one (`Etc/GMT-1` is UTC+01:00).
fn offset_zone(o: FixedOffset) -> Option<Tz> {
    let s = o.local_minus_utc();
    if s == 0 {
        return Some(Tz::UTC);
    }
    if s % 3600 != 0 {
        return None;
    }
    let h = -s / 3600;
    format!("Etc/GMT{}{}", if h > 0 { "+" } else { "-" }, h.abs())
        .parse()
        .ok()
}

const WEEKDAYS: [&str; 7] = [
    "Sunday",
    "Monday",
    "Tuesday",
    "Wednesday",
    "Thursday",
    "Friday",
    "Saturday",
];
const ORDINALS: [&str; 4] = ["first", "second", "third", "fourth"];

/// The elements of a set such as `<DaysOfWeek><Monday/><Friday/></DaysOfWeek>`.
fn flags<const N: usize>(parent: Option<&El>, names: &[&str; N]) -> [bool; N] {
    let mut out = [false; N];
    if let Some(p) = parent {
        for c in &p.children {
            if let Some(i) = names.iter().position(|n| *n == c.name) {
                if let Some(slot) = out.get_mut(i) {
                    *slot = true;
                }
            }
        }
    }
    out
}

/// A numbered set: which of 1..=N are in it, whether `Last` is, and the values as written.
type Numbered<const N: usize> = ([bool; N], bool, Vec<String>);

/// A list of 1-based numbers or `Last`, such as `<DaysOfMonth><Day>1</Day><Day>Last</Day>`:
/// the set, whether `Last` is in it, and the values as written. An element whose value is
/// neither comes back as the error, with its value.
fn numbered<const N: usize>(parent: Option<&El>) -> Result<Numbered<N>, (&El, String)> {
    let mut set = [false; N];
    let mut last = false;
    let mut written = Vec::new();
    for el in parent.map(|p| p.children.as_slice()).unwrap_or(&[]) {
        let v = el.text.trim();
        written.push(v.to_string());
        if v == "Last" {
            last = true;
            continue;
        }
        match v
            .parse::<usize>()
            .ok()
            .and_then(|n| n.checked_sub(1))
            .and_then(|i| set.get_mut(i))
        {
            Some(slot) => *slot = true,
            None => return Err((el, v.to_string())),
        }
    }
    Ok((set, last, written))
}

fn listed<const N: usize>(set: &[bool; N], names: &[&str]) -> Vec<String> {
    set.iter()
        .zip(names)
        .filter(|(on, _)| **on)
        .map(|(_, n)| (*n).to_string())
        .collect()
}

/// "a, b and c".
fn and_list(items: &[String]) -> String {
    match items {
        [] => String::new(),
        [one] => one.clone(),
        [init @ .., last] => format!("{} and {last}", init.join(", ")),
    }
}

fn hhmm(t: NaiveTime) -> String {
    if t.second() == 0 {
        t.format("%H:%M").to_string()
    } else {
        t.format("%H:%M:%S").to_string()
    }
}

// ---------------------------------------------------------------------------------------------
// The recurrence.

/// On which days a trigger fires.
#[derive(Debug, Clone, PartialEq)]
enum Days {
    /// Only on the start boundary's day (`TimeTrigger`).
    Once,
    /// Every n days from the start day.
    Daily(i64),
    /// On these weekdays (Sunday first), every n weeks from the start's week.
    Weekly(i64, [bool; 7]),
    /// In these months, on these days (1-31) and/or the last day.
    Monthly([bool; 12], [bool; 31], bool),
    /// In these months, on these weekdays of these weeks (1-4) and/or the last week.
    MonthlyDow([bool; 12], [bool; 4], bool, [bool; 7]),
}

/// Repetition after each start.
#[derive(Debug, Clone, Copy, PartialEq)]
struct Repeat {
    every: Duration,
    /// `None`: indefinitely.
    lasting: Option<Duration>,
}

/// A calendar or time trigger, exactly.
#[derive(Debug, Clone)]
struct Calendar {
    start: NaiveDateTime,
    end: Option<NaiveDateTime>,
    /// Evaluated at this offset rather than in the zone (offsets tzdata has no zone for).
    fixed: Option<FixedOffset>,
    days: Days,
    repeat: Option<Repeat>,
    /// The description.
    text: String,
}

impl Calendar {
    fn matches(&self, d: NaiveDate) -> bool {
        let start = self.start.date();
        if d < start {
            return false;
        }
        match &self.days {
            Days::Once => d == start,
            Days::Daily(n) => (d - start).num_days() % (*n).max(1) == 0,
            Days::Weekly(n, days) => {
                let week = |x: NaiveDate| {
                    x.checked_sub_signed(Duration::days(i64::from(
                        x.weekday().num_days_from_sunday(),
                    )))
                };
                let (Some(this), Some(first)) = (week(d), week(start)) else {
                    return false;
                };
                let weeks = (this - first).num_days() / 7;
                weeks % (*n).max(1) == 0 && day_flag(days, d.weekday())
            }
            Days::Monthly(months, days, last) => {
                month_flag(months, d)
                    && (days
                        .get(usize::try_from(d.day0()).unwrap_or(usize::MAX))
                        .copied()
                        .unwrap_or(false)
                        || (*last && is_last_day(d)))
            }
            Days::MonthlyDow(months, weeks, last, days) => {
                let week = usize::try_from(d.day0() / 7).unwrap_or(usize::MAX);
                month_flag(months, d)
                    && day_flag(days, d.weekday())
                    && (weeks.get(week).copied().unwrap_or(false)
                        || (*last
                            && d.checked_add_signed(Duration::days(7))
                                .is_none_or(|n| n.month() != d.month())))
            }
        }
    }

    /// The instant of a local time.
    fn instant(&self, n: NaiveDateTime, tz: Tz) -> Option<DateTime<Utc>> {
        match self.fixed {
            Some(o) => o
                .from_local_datetime(&n)
                .single()
                .map(|t| t.with_timezone(&Utc)),
            None => tz
                .from_local_datetime(&n)
                .earliest()
                // In a daylight-saving gap: the first instant after it.
                .or_else(|| {
                    n.checked_add_signed(Duration::hours(1))
                        .and_then(|l| tz.from_local_datetime(&l).earliest())
                })
                .map(|t| t.with_timezone(&Utc)),
        }
    }

    fn local(&self, t: DateTime<Utc>, tz: Tz) -> NaiveDateTime {
        match self.fixed {
            Some(o) => t.with_timezone(&o).naive_local(),
            None => t.with_timezone(&tz).naive_local(),
        }
    }
}

fn day_flag(days: &[bool; 7], w: Weekday) -> bool {
    days.get(usize::try_from(w.num_days_from_sunday()).unwrap_or(usize::MAX))
        .copied()
        .unwrap_or(false)
}

fn month_flag(months: &[bool; 12], d: NaiveDate) -> bool {
    months
        .get(usize::try_from(d.month0()).unwrap_or(usize::MAX))
        .copied()
        .unwrap_or(false)
}

fn is_last_day(d: NaiveDate) -> bool {
    d.succ_opt().is_none_or(|n| n.month() != d.month())
}

/// The first of `base + k × every` (k ≥ 0, `k × every < lasting`) after `after`.
fn series_next(
    base: DateTime<Utc>,
    every: Duration,
    lasting: Option<Duration>,
    after: DateTime<Utc>,
) -> Option<DateTime<Utc>> {
    let step = every.num_seconds();
    if step <= 0 {
        return None;
    }
    let k = if after < base {
        0
    } else {
        (after - base).num_seconds() / step + 1
    };
    let offset = Duration::try_seconds(k.checked_mul(step)?)?;
    if lasting.is_some_and(|l| offset >= l) {
        return None;
    }
    base.checked_add_signed(offset)
}

impl Recurrence for Calendar {
    fn next_after(&self, after: DateTime<Utc>, tz: Tz) -> Option<DateTime<Utc>> {
        let start = self.instant(self.start, tz)?;
        let end = self.end.and_then(|e| self.instant(e, tz));
        let keep = |c: DateTime<Utc>| c > after && c >= start && end.is_none_or(|e| c <= e);
        let mut best: Option<DateTime<Utc>> = None;
        let consider = |best: &mut Option<DateTime<Utc>>, c: Option<DateTime<Utc>>| {
            if let Some(c) = c.filter(|c| keep(*c)) {
                if best.is_none_or(|b| c < b) {
                    *best = Some(c);
                }
            }
        };
        // Days whose repetition may still run at `after`.
        let lookback = match self.repeat {
            Some(Repeat {
                lasting: Some(l), ..
            }) => l.num_days().saturating_add(1),
            Some(Repeat {
                lasting: None,
                every,
            }) => {
                // An endless repetition runs from the first start on.
                consider(&mut best, series_next(start, every, None, after));
                1
            }
            None => 1,
        };
        let from = self
            .local(after, tz)
            .date()
            .checked_sub_signed(Duration::days(lookback.min(MAX_SCAN_DAYS)))?;
        let mut day = from.max(self.start.date());
        for _ in 0..MAX_SCAN_DAYS.saturating_add(lookback.min(MAX_SCAN_DAYS)) {
            // Days after the best firing found cannot give an earlier one.
            if best.is_some_and(|b| day > self.local(b, tz).date())
                || self.end.is_some_and(|e| day > e.date())
                || (self.days == Days::Once && day > self.start.date())
            {
                break;
            }
            if self.matches(day) {
                if let Some(base) = self.instant(day.and_time(self.start.time()), tz) {
                    if best.is_some_and(|b| base > b) {
                        break;
                    }
                    consider(
                        &mut best,
                        match self.repeat {
                            Some(r) => series_next(base, r.every, r.lasting, after),
                            None => Some(base),
                        },
                    );
                }
            }
            let Some(next) = day.succ_opt() else { break };
            day = next;
        }
        best
    }

    fn describe(&self) -> String {
        self.text.clone()
    }
}

/// The times of day a repetition gives, as minutes after midnight, when they stay inside
/// the day and fall on whole minutes.
fn day_minutes(start: NaiveTime, repeat: Option<Repeat>) -> Option<Vec<i64>> {
    if start.second() != 0 {
        return None;
    }
    let first = i64::from(start.num_seconds_from_midnight() / 60);
    let Some(r) = repeat else {
        return Some(vec![first]);
    };
    let every = r.every.num_seconds();
    let lasting = r.lasting?.num_seconds();
    if every <= 0 || every % 60 != 0 {
        return None;
    }
    let mut out = Vec::new();
    let mut k: i64 = 0;
    while k * every < lasting {
        let m = first + k * every / 60;
        if m >= 1440 || out.len() >= 1440 {
            return None;
        }
        out.push(m);
        k += 1;
    }
    Some(out)
}

/// A cron pattern firing at exactly the same instants, when one exists.
fn cron_pattern(days: &Days, start: NaiveTime, repeat: Option<Repeat>) -> Option<String> {
    let minutes = day_minutes(start, repeat)?;
    let mut ms: Vec<i64> = minutes.iter().map(|m| m % 60).collect();
    let mut hs: Vec<i64> = minutes.iter().map(|m| m / 60).collect();
    ms.sort_unstable();
    ms.dedup();
    hs.sort_unstable();
    hs.dedup();
    // The times must be every minute-of-list at every hour-of-list.
    if ms.len() * hs.len() != minutes.len() {
        return None;
    }
    let join = |v: &[i64], size: i64| compress(v, size);
    let months = |m: &[bool; 12]| {
        if m.iter().all(|x| *x) {
            "*".to_string()
        } else {
            (1..=12)
                .zip(m)
                .filter(|(_, on)| **on)
                .map(|(i, _)| i.to_string())
                .collect::<Vec<_>>()
                .join(",")
        }
    };
    let weekdays = |d: &[bool; 7]| {
        (0..7)
            .zip(d)
            .filter(|(_, on)| **on)
            .map(|(i, _)| i.to_string())
            .collect::<Vec<String>>()
    };
    let (dom, month, dow) = match days {
        Days::Daily(1) => ("*".to_string(), "*".to_string(), "*".to_string()),
        Days::Weekly(1, d) => ("*".into(), "*".into(), weekdays(d).join(",")),
        Days::Monthly(m, d, last) => {
            let mut list: Vec<String> = (1..=31)
                .zip(d)
                .filter(|(_, on)| **on)
                .map(|(i, _)| i.to_string())
                .collect();
            if *last {
                list.push("L".into());
            }
            (list.join(","), months(m), "*".into())
        }
        Days::MonthlyDow(m, w, last, d) => {
            let mut list = Vec::new();
            for day in weekdays(d) {
                for (i, on) in (1..=4).zip(w) {
                    if *on {
                        list.push(format!("{day}#{i}"));
                    }
                }
                if *last {
                    list.push(format!("{day}#L"));
                }
            }
            ("*".into(), months(m), list.join(","))
        }
        _ => return None,
    };
    if dom.is_empty() || dow.is_empty() || month.is_empty() {
        return None;
    }
    Some(format!(
        "{} {} {dom} {month} {dow}",
        join(&ms, 60),
        join(&hs, 24)
    ))
}

/// A sorted list of minutes or hours as cron writes it shortest: `*/15`, `5/20`, `2-4`, `1,7`.
fn compress(v: &[i64], size: i64) -> String {
    if let [first, second, ..] = v {
        let step = second - first;
        let arithmetic = step > 0 && v.windows(2).all(|w| matches!(w, [a, b] if b - a == step));
        let last = v.last().copied().unwrap_or(*first);
        if arithmetic && step > 1 && *first < step && last + step >= size {
            return if *first == 0 {
                format!("*/{step}")
            } else {
                format!("{first}/{step}")
            };
        }
        if arithmetic && step == 1 && v.len() > 1 {
            return if v.len() as i64 == size {
                "*".into()
            } else {
                format!("{first}-{last}")
            };
        }
    }
    v.iter().map(i64::to_string).collect::<Vec<_>>().join(",")
}

/// Own words for what cron cannot say.
fn own_words(
    days: &Days,
    start: NaiveDateTime,
    repeat: Option<Repeat>,
    fixed: Option<FixedOffset>,
) -> String {
    let at = match fixed {
        Some(o) => format!("{} UTC{o}", hhmm(start.time())),
        None => hhmm(start.time()),
    };
    let when = match repeat {
        None => format!("At {at}"),
        Some(Repeat {
            every,
            lasting: Some(l),
        }) => format!("Every {} for {} from {at}", words(every), words(l)),
        Some(Repeat {
            every,
            lasting: None,
        }) => {
            format!("Every {} from {at}, indefinitely", words(every))
        }
    };
    let date = start.date().format("%Y-%m-%d");
    let months = |m: &[bool; 12]| {
        if m.iter().all(|x| *x) {
            String::new()
        } else {
            format!(" in {}", and_list(&listed(m, &MONTHS)))
        }
    };
    match days {
        Days::Once => match repeat {
            None => format!("Once, on {date} at {at}"),
            Some(_) => format!("{when}, starting on {date}"),
        },
        Days::Daily(1) => format!("{when}, every day"),
        Days::Daily(n) => format!("{when}, every {n} days (counted from {date})"),
        Days::Weekly(n, d) => {
            let on = and_list(&listed(d, &WEEKDAYS));
            if *n == 1 {
                format!("{when}, on {on}")
            } else {
                format!("{when}, on {on} of every {n} weeks (counted from the week of {date})")
            }
        }
        Days::Monthly(m, d, last) => {
            let mut list: Vec<String> = (1..=31)
                .zip(d)
                .filter(|(_, on)| **on)
                .map(|(i, _)| i.to_string())
                .collect();
            if *last {
                list.push("the last day".into());
            }
            format!(
                "{when}, on day {} of the month{}",
                and_list(&list),
                months(m)
            )
        }
        Days::MonthlyDow(m, w, last, d) => {
            let mut which: Vec<String> = listed(w, &ORDINALS);
            if *last {
                which.push("last".into());
            }
            format!(
                "{when}, on the {} {} of the month{}",
                and_list(&which),
                and_list(&listed(d, &WEEKDAYS)),
                months(m)
            )
        }
    }
}

// ---------------------------------------------------------------------------------------------
// Tasks.

/// What every trigger of the task shares.
struct Common {
    command: Option<String>,
    user: Option<String>,
    notes: Vec<String>,
    enabled: bool,
}

/// Well-known SIDs by name.
fn account(id: &str) -> String {
    let name = match id.to_ascii_uppercase().as_str() {
        "S-1-5-18" => "SYSTEM",
        "S-1-5-19" => "LOCAL SERVICE",
        "S-1-5-20" => "NETWORK SERVICE",
        "S-1-5-32-544" => "BUILTIN\\Administrators",
        "S-1-5-32-545" => "BUILTIN\\Users",
        _ => return id.to_string(),
    };
    format!("{name} ({id})")
}

fn common(task: &El, path: &str) -> Common {
    let mut notes = Vec::new();
    let name = task
        .path(&["RegistrationInfo", "URI"])
        .map(|u| u.text.trim().to_string())
        .filter(|u| !u.is_empty())
        .unwrap_or_else(|| path.rsplit('/').next().unwrap_or(path).to_string());
    notes.push(format!("task {name}"));
    let actions = task.child("Actions");
    let mut commands = Vec::new();
    for a in actions.map(|a| a.children.as_slice()).unwrap_or(&[]) {
        match a.name.as_str() {
            "Exec" => {
                let cmd = a.text_of("Command").unwrap_or("");
                match a.text_of("Arguments") {
                    Some(args) => commands.push(format!("{cmd} {args}")),
                    None => commands.push(cmd.to_string()),
                }
            }
            "ComHandler" => commands.push(format!(
                "COM handler {}",
                a.text_of("ClassId").unwrap_or("(no ClassId)")
            )),
            "SendEmail" => commands.push("send an e-mail".into()),
            "ShowMessage" => commands.push("show a message".into()),
            _ => {}
        }
    }
    let principal = task.child("Principals").and_then(|p| p.child("Principal"));
    let user = principal.and_then(|p| {
        p.text_of("UserId").map(account).or_else(|| {
            p.text_of("GroupId")
                .map(|g| format!("group {}", account(g)))
        })
    });
    if principal.and_then(|p| p.text_of("RunLevel")) == Some("HighestAvailable") {
        notes.push("runs with highest privileges (RunLevel HighestAvailable)".into());
    }
    let settings = task.child("Settings");
    let enabled = settings.and_then(|s| s.flag("Enabled")) != Some(false);
    if !enabled {
        notes.push("task disabled".into());
    }
    if settings.and_then(|s| s.flag("StartWhenAvailable")) == Some(true) {
        notes.push("a missed start runs as soon as possible (StartWhenAvailable)".into());
    }
    Common {
        command: (!commands.is_empty()).then(|| commands.join("; ")),
        user,
        notes,
        enabled,
    }
}

/// Whether [`detect`] could read anything from `text`: task XML names its namespace, whatever
/// the file is called.
pub fn wants(_path: &str, text: &str) -> bool {
    text.contains(NAMESPACE) && text.contains("<Task")
}

/// Read `text` (the entry at `path`) if it is in this format.
pub fn detect(path: &str, text: &str) -> Option<Parsed> {
    if !wants(path, text) {
        return None;
    }
    let mut out = Parsed::default();
    let root = match parse_xml(text) {
        Ok(r) => r,
        Err((line, message)) => {
            out.invalid.push((
                line,
                format!("the task XML is not well-formed: {message}"),
                raw_line(text, line),
            ));
            return Some(out);
        }
    };
    if root.name != "Task" {
        return None;
    }
    let shared = common(&root, path);
    let triggers = root
        .child("Triggers")
        .map(|t| t.children.as_slice())
        .unwrap_or(&[]);
    for trigger in triggers {
        match read_trigger(trigger, text) {
            Ok((timing, expression, timezone, mut notes)) => {
                let on = trigger.flag("Enabled") != Some(false);
                if !on {
                    notes.push("trigger disabled".into());
                }
                let mut all = shared.notes.clone();
                all.extend(notes);
                out.tasks.push(Task {
                    kind: Kind::WindowsTask,
                    path: path.to_string(),
                    line: trigger.line,
                    expression,
                    timing,
                    timezone,
                    command: shared.command.clone(),
                    user: shared.user.clone(),
                    note: Some(all.join("; ")),
                    enabled: shared.enabled && on,
                });
            }
            Err(i) => out.invalid.push(i),
        }
    }
    Some(out)
}

type Read = (Timing, String, Option<Tz>, Vec<String>);

fn read_trigger(t: &El, text: &str) -> Result<Read, Invalid> {
    let bad = |el: &El, message: String| (el.line, message, raw_line(text, el.line));
    let duration = |name: &str, parent: &El| -> Result<Option<Duration>, Invalid> {
        match parent.child(name) {
            None => Ok(None),
            Some(el) if el.text.trim().is_empty() => Ok(None),
            Some(el) => xs_duration(&el.text).map(Some).ok_or_else(|| {
                bad(
                    el,
                    format!(
                        "{name} '{}' is not a duration such as PT15M",
                        el.text.trim()
                    ),
                )
            }),
        }
    };
    let repeat = match t.child("Repetition") {
        None => None,
        Some(r) => match duration("Interval", r)? {
            None => None,
            Some(every) if every < Duration::minutes(1) => {
                return Err(bad(
                    r.child("Interval").unwrap_or(r),
                    "a repetition Interval must be at least one minute (PT1M)".into(),
                ))
            }
            Some(every) => Some(Repeat {
                every,
                lasting: duration("Duration", r)?.filter(|d| *d > Duration::zero()),
            }),
        },
    };
    let repeat_text = t
        .child("Repetition")
        .and_then(|r| r.text_of("Interval").map(|i| (i, r.text_of("Duration"))))
        .map(|(i, d)| match d {
            Some(d) => format!(", every {i} for {d}"),
            None => format!(", every {i} indefinitely"),
        })
        .unwrap_or_default();
    let name = t.name.as_str();
    let event = |what: String| -> Result<Read, Invalid> {
        let delay = duration("Delay", t)?;
        let mut words_ = what;
        let mut expression = name.to_string();
        if let Some(d) = delay.filter(|d| *d > Duration::zero()) {
            words_.push_str(&format!(", after a delay of {}", words(d)));
            expression.push_str(&format!(" delay {}", t.text_of("Delay").unwrap_or("")));
        }
        if let Some(r) = repeat {
            words_.push_str(&format!(", then every {}", words(r.every)));
            match r.lasting {
                Some(l) => words_.push_str(&format!(" for {}", words(l))),
                None => words_.push_str(" indefinitely"),
            }
        }
        expression.push_str(&repeat_text);
        Ok((
            Timing::Event { event: words_ },
            expression,
            None,
            Vec::new(),
        ))
    };
    let (days, label) = match name {
        "BootTrigger" => {
            return event("at boot, and so when the upgrade restarts the machine".into())
        }
        "LogonTrigger" => {
            let who = t
                .text_of("UserId")
                .map_or_else(|| "any user".to_string(), account);
            return event(format!("at logon of {who}"));
        }
        "IdleTrigger" => return event("when the computer becomes idle".into()),
        "RegistrationTrigger" => {
            return event("when the task is registered or updated, as an upgrade does".into())
        }
        "EventTrigger" => return event("on a Windows event log event".into()),
        "SessionStateChangeTrigger" => {
            let change = t.text_of("StateChange").unwrap_or("a change");
            return event(format!("on session state change ({change})"));
        }
        "TimeTrigger" => (Days::Once, "once".to_string()),
        "CalendarTrigger" => calendar_days(t, text)?,
        other => return event(format!("on {other}")),
    };
    let Some(start_el) = t.child("StartBoundary") else {
        return Err(bad(t, format!("a {name} needs a StartBoundary")));
    };
    let Some((start, offset)) = boundary(&start_el.text) else {
        return Err(bad(
            start_el,
            format!(
                "StartBoundary '{}' is not a date and time such as 2026-01-01T03:00:00",
                start_el.text.trim()
            ),
        ));
    };
    let end = match t.child("EndBoundary") {
        None => None,
        Some(e) => match boundary(&e.text) {
            // An end written with another offset than the start: bring it to the start's.
            Some((n, o)) => Some(match (o, offset) {
                (Some(o), Some(so)) => n
                    .checked_sub_signed(Duration::seconds(i64::from(
                        o.local_minus_utc() - so.local_minus_utc(),
                    )))
                    .unwrap_or(n),
                _ => n,
            }),
            None => {
                return Err(bad(
                    e,
                    format!("EndBoundary '{}' is not a date and time", e.text.trim()),
                ))
            }
        },
    };
    let (timezone, fixed) = match offset {
        None => (None, None),
        Some(o) => match offset_zone(o) {
            Some(z) => (Some(z), None),
            None => (Some(Tz::UTC), Some(o)),
        },
    };
    // croner's words when the trigger is a cron pattern; a repetition reads better in ours,
    // with the pattern after it.
    let pattern = cron_pattern(&days, start.time(), repeat)
        .filter(|_| fixed.is_none())
        .and_then(|p| CronRecurrence::parse(&p, CronDialect::default()).ok());
    let mut text_ = match (&pattern, repeat) {
        (Some(c), None) => c.describe(),
        (Some(c), Some(_)) => format!(
            "{} (cron {})",
            own_words(&days, start, repeat, fixed),
            c.pattern
        ),
        (None, _) => own_words(&days, start, repeat, fixed),
    };
    if let Some(e) = end {
        text_.push_str(&format!(", until {}", e.format("%Y-%m-%d %H:%M")));
    }
    let time = t
        .text_of("StartBoundary")
        .and_then(|s| s.split_once('T'))
        .map_or_else(String::new, |(_, clock)| clock.to_string());
    let expression = match days {
        Days::Once => format!("{name} once {}T{time}{repeat_text}", start.date()),
        _ => format!("{name} {label} {time} from {}{repeat_text}", start.date()),
    };
    let jitter = duration("RandomDelay", t)?.unwrap_or_else(Duration::zero);
    let mut notes = Vec::new();
    if offset.is_some() {
        notes.push(
            "StartBoundary has a UTC offset: the times do not follow daylight saving time".into(),
        );
    }
    Ok((
        Timing::Clock {
            recurrence: Box::new(Calendar {
                start,
                end,
                fixed,
                days,
                repeat,
                text: text_,
            }),
            jitter,
            randomized: false,
        },
        expression,
        timezone,
        notes,
    ))
}

/// A positive whole number element, 1 when absent.
fn interval(parent: &El, name: &str, text: &str) -> Result<i64, Invalid> {
    match parent.child(name) {
        None => Ok(1),
        Some(el) => match el.text.trim().parse::<i64>() {
            Ok(n) if (1..=999).contains(&n) => Ok(n),
            _ => Err((
                el.line,
                format!(
                    "{name} '{}' is not a whole number from 1 to 999",
                    el.text.trim()
                ),
                raw_line(text, el.line),
            )),
        },
    }
}

fn calendar_days(t: &El, text: &str) -> Result<(Days, String), Invalid> {
    let bad = |el: &El, message: String| (el.line, message, raw_line(text, el.line));
    let all_months = |m: [bool; 12]| {
        if m.iter().any(|x| *x) {
            m
        } else {
            [true; 12]
        }
    };
    let short = |names: Vec<String>| {
        names
            .iter()
            .map(|n| n.chars().take(3).collect::<String>())
            .collect::<Vec<_>>()
            .join(",")
    };
    let in_months = |m: &[bool; 12]| {
        if m.iter().all(|x| *x) {
            String::new()
        } else {
            format!(" in {}", short(listed(m, &MONTHS)))
        }
    };
    if let Some(s) = t.child("ScheduleByDay") {
        let n = interval(s, "DaysInterval", text)?;
        let label = if n == 1 {
            "daily".to_string()
        } else {
            format!("every {n} days")
        };
        return Ok((Days::Daily(n), label));
    }
    if let Some(s) = t.child("ScheduleByWeek") {
        let n = interval(s, "WeeksInterval", text)?;
        let days = flags(s.child("DaysOfWeek"), &WEEKDAYS);
        if !days.iter().any(|d| *d) {
            return Err(bad(s, "ScheduleByWeek names no DaysOfWeek".into()));
        }
        let every = if n == 1 {
            "weekly".to_string()
        } else {
            format!("every {n} weeks")
        };
        return Ok((
            Days::Weekly(n, days),
            format!("{every} {}", short(listed(&days, &WEEKDAYS))),
        ));
    }
    if let Some(s) = t.child("ScheduleByMonth") {
        let months = all_months(flags(s.child("Months"), &MONTHS));
        let (days, last, written) = numbered::<31>(s.child("DaysOfMonth"))
            .map_err(|(d, v)| bad(d, format!("day of month '{v}' is not 1 to 31 or Last")))?;
        if written.is_empty() {
            return Err(bad(s, "ScheduleByMonth names no DaysOfMonth".into()));
        }
        return Ok((
            Days::Monthly(months, days, last),
            format!("monthly days {}{}", written.join(","), in_months(&months)),
        ));
    }
    if let Some(s) = t.child("ScheduleByMonthDayOfWeek") {
        let months = all_months(flags(s.child("Months"), &MONTHS));
        let days = flags(s.child("DaysOfWeek"), &WEEKDAYS);
        let (weeks, last, written) = numbered::<4>(s.child("Weeks"))
            .map_err(|(w, v)| bad(w, format!("week '{v}' is not 1 to 4 or Last")))?;
        if written.is_empty() || !days.iter().any(|d| *d) {
            return Err(bad(
                s,
                "ScheduleByMonthDayOfWeek needs Weeks and DaysOfWeek".into(),
            ));
        }
        return Ok((
            Days::MonthlyDow(months, weeks, last, days),
            format!(
                "monthly weeks {} {}{}",
                written.join(","),
                short(listed(&days, &WEEKDAYS)),
                in_months(&months)
            ),
        ));
    }
    Err(bad(
        t,
        "a CalendarTrigger without ScheduleByDay, ScheduleByWeek, ScheduleByMonth or ScheduleByMonthDayOfWeek".into(),
    ))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::schedule::rfc3339;

    fn at(s: &str) -> DateTime<Utc> {
        s.parse().unwrap_or_default()
    }

    fn runs(t: &Task, from: &str, tz: Tz) -> Vec<String> {
        t.evaluate(at(from), tz, None)
            .next_runs
            .iter()
            .map(|t| rfc3339(*t))
            .collect()
    }

    fn task_xml(triggers: &str, extra: &str) -> String {
        format!(
            r#"<?xml version="1.0" encoding="UTF-16"?>
<Task version="1.4" xmlns="http://schemas.microsoft.com/windows/2004/02/mit/task">
  <RegistrationInfo>
    <Author>ACME\deploy</Author>
    <URI>\Acme\Nightly Import</URI>
  </RegistrationInfo>
  <Triggers>
{triggers}
  </Triggers>
  <Principals>
    <Principal id="Author">
      <UserId>S-1-5-18</UserId>
      <RunLevel>HighestAvailable</RunLevel>
    </Principal>
  </Principals>
  <Settings>
    <MultipleInstancesPolicy>IgnoreNew</MultipleInstancesPolicy>
{extra}
  </Settings>
  <Actions Context="Author">
    <Exec>
      <Command>C:\Program Files\Acme\import.exe</Command>
      <Arguments>--full &amp; --quiet</Arguments>
    </Exec>
  </Actions>
</Task>
"#
        )
    }

    fn read(xml: &str) -> Parsed {
        let p = detect("Windows/System32/Tasks/Acme/Nightly Import", xml);
        assert!(p.is_some(), "not recognised");
        p.unwrap_or_default()
    }

    #[test]
    fn daily_trigger_is_a_cron_pattern() {
        let xml = task_xml(
            "    <CalendarTrigger>\n      <StartBoundary>2026-01-01T03:00:00</StartBoundary>\n      <Enabled>true</Enabled>\n      <ScheduleByDay>\n        <DaysInterval>1</DaysInterval>\n      </ScheduleByDay>\n    </CalendarTrigger>",
            "",
        );
        let p = read(&xml);
        assert!(p.invalid.is_empty(), "{:?}", p.invalid);
        let Some(t) = p.tasks.first() else {
            return assert_eq!(p.tasks.len(), 1);
        };
        assert_eq!(t.line, 8);
        assert_eq!(
            t.expression,
            "CalendarTrigger daily 03:00:00 from 2026-01-01"
        );
        assert_eq!(t.timezone, None);
        assert_eq!(
            t.command.as_deref(),
            Some("C:\\Program Files\\Acme\\import.exe --full & --quiet")
        );
        assert_eq!(t.user.as_deref(), Some("SYSTEM (S-1-5-18)"));
        assert_eq!(
            t.note.as_deref(),
            Some("task \\Acme\\Nightly Import; runs with highest privileges (RunLevel HighestAvailable)")
        );
        let e = t.evaluate(at("2026-11-26T00:00:00Z"), Tz::Europe__Berlin, None);
        assert!(
            e.description
                .starts_with("At 03:00, every day (Europe/Berlin)"),
            "{}",
            e.description
        );
        assert_eq!(
            runs(t, "2026-11-26T00:00:00Z", Tz::Europe__Berlin)
                .first()
                .map(String::as_str),
            Some("2026-11-26T02:00:00Z")
        );
    }

    #[test]
    fn every_two_days_weekly_monthly_and_once() {
        let xml = task_xml(
            r#"    <CalendarTrigger>
      <StartBoundary>2026-11-01T01:30:00</StartBoundary>
      <ScheduleByDay><DaysInterval>2</DaysInterval></ScheduleByDay>
    </CalendarTrigger>
    <CalendarTrigger>
      <StartBoundary>2026-01-04T22:00:00</StartBoundary>
      <ScheduleByWeek>
        <DaysOfWeek><Monday /><Friday /></DaysOfWeek>
        <WeeksInterval>2</WeeksInterval>
      </ScheduleByWeek>
    </CalendarTrigger>
    <CalendarTrigger>
      <StartBoundary>2026-01-01T04:00:00</StartBoundary>
      <ScheduleByMonth>
        <DaysOfMonth><Day>1</Day><Day>Last</Day></DaysOfMonth>
        <Months><February /><November /><December /></Months>
      </ScheduleByMonth>
    </CalendarTrigger>
    <CalendarTrigger>
      <StartBoundary>2026-01-01T02:00:00</StartBoundary>
      <ScheduleByMonthDayOfWeek>
        <Weeks><Week>1</Week><Week>Last</Week></Weeks>
        <DaysOfWeek><Saturday /></DaysOfWeek>
      </ScheduleByMonthDayOfWeek>
    </CalendarTrigger>
    <TimeTrigger>
      <StartBoundary>2026-11-28T03:30:00+01:00</StartBoundary>
    </TimeTrigger>"#,
            "",
        );
        let p = read(&xml);
        assert!(p.invalid.is_empty(), "{:?}", p.invalid);
        assert_eq!(p.tasks.len(), 5);
        let utc = Tz::UTC;
        let from = "2026-11-26T00:00:00Z";
        let Some(t) = p.tasks.first() else { return };
        // Nov 1, 3, 5 ... 25, 27: odd days.
        assert_eq!(
            runs(t, from, utc).get(..2),
            Some(
                &[
                    "2026-11-27T01:30:00Z".to_string(),
                    "2026-11-29T01:30:00Z".to_string()
                ][..]
            )
        );
        let e = t.evaluate(at(from), utc, None);
        assert!(
            e.description
                .starts_with("At 01:30, every 2 days (counted from 2026-11-01) (UTC); task "),
            "{}",
            e.description
        );
        let Some(t) = p.tasks.get(1) else { return };
        // Weeks counted from the week of Sunday 2026-01-04: even weeks after it.
        // 2026-11-22 is 46 weeks later, so that week (Mon 23, Fri 27) fires.
        assert_eq!(
            runs(t, from, utc).get(..2),
            Some(
                &[
                    "2026-11-27T22:00:00Z".to_string(),
                    "2026-12-07T22:00:00Z".to_string()
                ][..]
            )
        );
        let Some(t) = p.tasks.get(2) else { return };
        assert_eq!(
            runs(t, from, utc).get(..3),
            Some(
                &[
                    "2026-11-30T04:00:00Z".to_string(),
                    "2026-12-01T04:00:00Z".to_string(),
                    "2026-12-31T04:00:00Z".to_string()
                ][..]
            )
        );
        assert_eq!(
            t.expression,
            "CalendarTrigger monthly days 1,Last in Feb,Nov,Dec 04:00:00 from 2026-01-01"
        );
        let Some(t) = p.tasks.get(3) else { return };
        assert_eq!(
            runs(t, from, utc).get(..3),
            Some(
                &[
                    "2026-11-28T02:00:00Z".to_string(),
                    "2026-12-05T02:00:00Z".to_string(),
                    "2026-12-26T02:00:00Z".to_string()
                ][..]
            )
        );
        let Some(t) = p.tasks.get(4) else { return };
        assert_eq!(t.timezone.map(|z| z.name()), Some("Etc/GMT-1"));
        assert_eq!(runs(t, from, Tz::Europe__Berlin), ["2026-11-28T02:30:00Z"]);
        assert_eq!(
            runs(t, "2026-11-29T00:00:00Z", Tz::Europe__Berlin),
            Vec::<String>::new()
        );
        assert_eq!(t.expression, "TimeTrigger once 2026-11-28T03:30:00+01:00");
    }

    #[test]
    fn repetition_becomes_minute_and_hour_lists() {
        let xml = task_xml(
            r#"    <CalendarTrigger>
      <Repetition>
        <Interval>PT15M</Interval>
        <Duration>PT2H</Duration>
        <StopAtDurationEnd>false</StopAtDurationEnd>
      </Repetition>
      <StartBoundary>2026-01-01T02:00:00</StartBoundary>
      <RandomDelay>PT5M</RandomDelay>
      <ScheduleByDay><DaysInterval>1</DaysInterval></ScheduleByDay>
    </CalendarTrigger>
    <CalendarTrigger>
      <Repetition><Interval>PT40M</Interval><Duration>PT3H</Duration></Repetition>
      <StartBoundary>2026-01-01T23:00:00</StartBoundary>
      <ScheduleByWeek><DaysOfWeek><Friday /></DaysOfWeek></ScheduleByWeek>
    </CalendarTrigger>"#,
            "<StartWhenAvailable>true</StartWhenAvailable>\n<Enabled>false</Enabled>",
        );
        let p = read(&xml);
        assert!(p.invalid.is_empty(), "{:?}", p.invalid);
        let Some(t) = p.tasks.first() else { return };
        assert!(!t.enabled);
        assert!(t
            .note
            .as_deref()
            .is_some_and(|n| n.contains("task disabled") && n.contains("StartWhenAvailable")));
        assert!(matches!(t.timing, Timing::Clock { jitter, .. } if jitter == Duration::minutes(5)));
        assert_eq!(
            describe(t),
            "Every 15 min for 2 hours from 02:00, every day (cron */15 2-3 * * *)"
        );
        assert_eq!(
            clock(t, "2026-11-26T03:20:00Z", Tz::UTC, 5),
            [
                "2026-11-26T03:30:00Z",
                "2026-11-26T03:45:00Z",
                "2026-11-27T02:00:00Z",
                "2026-11-27T02:15:00Z",
                "2026-11-27T02:30:00Z"
            ]
        );
        let Some(t) = p.tasks.get(1) else { return };
        assert_eq!(
            t.expression,
            "CalendarTrigger weekly Fri 23:00:00 from 2026-01-01, every PT40M for PT3H"
        );
        assert_eq!(
            describe(t),
            "Every 40 min for 3 hours from 23:00, on Friday"
        );
        // Crosses midnight into Saturday.
        assert_eq!(
            clock(t, "2026-11-27T23:30:00Z", Tz::UTC, 5),
            [
                "2026-11-27T23:40:00Z",
                "2026-11-28T00:20:00Z",
                "2026-11-28T01:00:00Z",
                "2026-11-28T01:40:00Z",
                "2026-12-04T23:00:00Z"
            ]
        );
    }

    #[test]
    fn monthly_weekly_words_match_croner() {
        let xml = task_xml(
            r#"    <CalendarTrigger>
      <StartBoundary>2026-01-01T04:00:00</StartBoundary>
      <ScheduleByMonth>
        <DaysOfMonth><Day>1</Day><Day>Last</Day></DaysOfMonth>
        <Months><February /><November /><December /></Months>
      </ScheduleByMonth>
    </CalendarTrigger>
    <CalendarTrigger>
      <StartBoundary>2026-01-01T02:00:00</StartBoundary>
      <ScheduleByMonthDayOfWeek>
        <Weeks><Week>1</Week><Week>Last</Week></Weeks>
        <DaysOfWeek><Saturday /></DaysOfWeek>
      </ScheduleByMonthDayOfWeek>
    </CalendarTrigger>
    <CalendarTrigger>
      <StartBoundary>2026-01-01T02:00:00</StartBoundary>
      <ScheduleByWeek>
        <DaysOfWeek><Monday /><Saturday /></DaysOfWeek>
      </ScheduleByWeek>
    </CalendarTrigger>
    <TimeTrigger>
      <StartBoundary>2026-11-28T03:30:00+05:30</StartBoundary>
    </TimeTrigger>"#,
            "",
        );
        let p = read(&xml);
        let got: Vec<String> = p.tasks.iter().map(describe).collect();
        assert_eq!(
            got,
            [
                "At 04:00, on day 1 and the last day of the month, in February, November, and December",
                "At 02:00, on the last Saturday of the month and the 1st Saturday of the month",
                "At 02:00, on Monday and Saturday",
                "Once, on 2026-11-28 at 03:30 UTC+05:30",
            ]
        );
        // An offset tzdata has no zone for: evaluated at that offset, reported in UTC.
        let Some(t) = p.tasks.get(3) else { return };
        assert_eq!(t.timezone, Some(Tz::UTC));
        assert_eq!(
            runs(t, "2026-11-26T00:00:00Z", Tz::Europe__Berlin),
            ["2026-11-27T22:00:00Z"]
        );
        // Where a cron pattern exists, the recurrence fires exactly when croner does.
        for (t, pattern) in
            p.tasks
                .iter()
                .zip(["0 4 1,L 2,11,12 *", "0 2 * * 6#1,6#L", "0 2 * * 1,6"])
        {
            let c = CronRecurrence::parse(pattern, CronDialect::default());
            assert!(c.is_ok(), "{pattern}");
            let Ok(c) = c else { continue };
            let mut after = at("2026-01-01T00:00:00Z");
            for _ in 0..40 {
                let mine = clock(t, &rfc3339(after), Tz::Europe__Berlin, 1);
                let theirs: Vec<String> = c
                    .next_after(after, Tz::Europe__Berlin)
                    .map(rfc3339)
                    .into_iter()
                    .collect();
                assert_eq!(mine, theirs, "{pattern} after {after}");
                let Some(next) = c.next_after(after, Tz::Europe__Berlin) else {
                    break;
                };
                after = next;
            }
        }
    }

    #[test]
    fn events_bounds_and_disabled_triggers() {
        let xml = task_xml(
            r#"    <BootTrigger>
      <Delay>PT5M</Delay>
    </BootTrigger>
    <LogonTrigger>
      <Enabled>false</Enabled>
      <UserId>ACME\svc-import</UserId>
    </LogonTrigger>
    <CalendarTrigger>
      <StartBoundary>2026-11-20T03:00:00</StartBoundary>
      <EndBoundary>2026-11-27T23:59:59</EndBoundary>
      <ScheduleByDay><DaysInterval>1</DaysInterval></ScheduleByDay>
    </CalendarTrigger>
    <CalendarTrigger>
      <StartBoundary>2027-03-01T03:00:00Z</StartBoundary>
      <ScheduleByDay><DaysInterval>1</DaysInterval></ScheduleByDay>
    </CalendarTrigger>"#,
            "",
        );
        let p = read(&xml);
        assert!(p.invalid.is_empty(), "{:?}", p.invalid);
        let Some(t) = p.tasks.first() else { return };
        assert_eq!(t.line, 8);
        assert_eq!(t.expression, "BootTrigger delay PT5M");
        let e = t.evaluate(at("2026-11-26T00:00:00Z"), Tz::UTC, None);
        assert!(e.description.starts_with("At boot, and so when the upgrade restarts the machine, after a delay of 5 min; task "), "{}", e.description);
        let Some(t) = p.tasks.get(1) else { return };
        assert!(!t.enabled);
        assert!(t
            .note
            .as_deref()
            .is_some_and(|n| n.ends_with("; trigger disabled")));
        assert!(
            matches!(&t.timing, Timing::Event { event } if event == "at logon of ACME\\svc-import")
        );
        let Some(t) = p.tasks.get(2) else { return };
        assert_eq!(
            runs(t, "2026-11-26T00:00:00Z", Tz::UTC),
            ["2026-11-26T03:00:00Z", "2026-11-27T03:00:00Z"]
        );
        assert!(
            describe(t).ends_with(", until 2026-11-27 23:59"),
            "{}",
            describe(t)
        );
        let Some(t) = p.tasks.get(3) else { return };
        assert_eq!(t.timezone, Some(Tz::UTC));
        assert_eq!(
            runs(t, "2026-11-26T00:00:00Z", Tz::Europe__Berlin)
                .first()
                .map(String::as_str),
            Some("2027-03-01T03:00:00Z")
        );
    }

    #[test]
    fn invalid_triggers_name_their_line() {
        let xml = task_xml(
            r#"    <CalendarTrigger>
      <ScheduleByDay><DaysInterval>1</DaysInterval></ScheduleByDay>
    </CalendarTrigger>
    <CalendarTrigger>
      <StartBoundary>tomorrow at three</StartBoundary>
      <ScheduleByDay><DaysInterval>1</DaysInterval></ScheduleByDay>
    </CalendarTrigger>
    <CalendarTrigger>
      <Repetition><Interval>every 15 minutes</Interval></Repetition>
      <StartBoundary>2026-01-01T00:00:00</StartBoundary>
      <ScheduleByDay><DaysInterval>0</DaysInterval></ScheduleByDay>
    </CalendarTrigger>
    <CalendarTrigger>
      <StartBoundary>2026-01-01T00:00:00</StartBoundary>
      <ScheduleByDay><DaysInterval>0</DaysInterval></ScheduleByDay>
    </CalendarTrigger>
    <CalendarTrigger>
      <StartBoundary>2026-01-01T00:00:00</StartBoundary>
    </CalendarTrigger>"#,
            "",
        );
        let p = read(&xml);
        assert!(p.tasks.is_empty());
        let lines: Vec<u32> = p.invalid.iter().map(|i| i.0).collect();
        assert_eq!(lines, [8, 12, 16, 22, 24], "{:?}", p.invalid);
        assert_eq!(
            p.invalid.get(2).map(|i| i.2.as_str()),
            Some("      <Repetition><Interval>every 15 minutes</Interval></Repetition>")
        );
        let broken = "<?xml version=\"1.0\"?>\n<Task xmlns=\"http://schemas.microsoft.com/windows/2004/02/mit/task\">\n  <Triggers>\n  </Trigger>\n</Task>\n";
        let p = read(broken);
        assert_eq!(
            p.invalid.iter().map(|i| i.0).collect::<Vec<_>>(),
            [4],
            "{:?}",
            p.invalid
        );
    }

    #[test]
    fn values() {
        assert_eq!(xs_duration("PT15M"), Some(Duration::minutes(15)));
        assert_eq!(xs_duration("P1DT12H"), Some(Duration::hours(36)));
        assert_eq!(xs_duration("P2W"), Some(Duration::days(14)));
        assert_eq!(xs_duration("P1M"), None);
        assert_eq!(xs_duration("PT"), None);
        assert_eq!(xs_duration("P"), None);
        assert_eq!(xs_duration("PT99999999999999999999H"), None);
        assert!(boundary("2026-01-01T03:00:00.1234567").is_some());
        assert_eq!(
            boundary("2026-01-01T03:00:00-05:00").map(|b| b.1.map(|o| o.local_minus_utc())),
            Some(Some(-5 * 3600))
        );
        let zone = |s: i32| {
            FixedOffset::east_opt(s)
                .and_then(offset_zone)
                .map(|z| z.name())
        };
        assert_eq!(zone(3600), Some("Etc/GMT-1"));
        assert_eq!(zone(-5 * 3600), Some("Etc/GMT+5"));
        assert_eq!(zone(0), Some("UTC"));
        assert_eq!(zone(5 * 3600 + 1800), None);
        assert_eq!(compress(&[0, 15, 30, 45], 60), "*/15");
        assert_eq!(compress(&[5, 25, 45], 60), "5/20");
        assert_eq!(compress(&[2, 3, 4], 24), "2-4");
        assert_eq!(compress(&[1, 7], 24), "1,7");
    }

    #[test]
    fn never_panics_on_mutations() {
        let xml = task_xml(
            "<CalendarTrigger><Repetition><Interval>PT15M</Interval><Duration>PT1H</Duration></Repetition><StartBoundary>2026-01-01T03:00:00+01:00</StartBoundary><EndBoundary>2027-01-01T03:00:00Z</EndBoundary><ScheduleByMonthDayOfWeek><Weeks><Week>1</Week><Week>Last</Week></Weeks><DaysOfWeek><Monday/></DaysOfWeek></ScheduleByMonthDayOfWeek></CalendarTrigger><BootTrigger><Delay>PT1M</Delay></BootTrigger>",
            "",
        );
        let set = [
            '<', '>', '/', '&', ';', '"', '=', '!', '?', '[', ']', '9', '0', '-', '+', 'T', 'Z',
            'P', ':', '\n',
        ];
        let now = at("2026-11-26T00:00:00Z");
        for m in crate::detect::schedule::k8s::tests::mutations(&xml, 3_000, &set) {
            if let Some(p) = detect("t.xml", &m) {
                for t in &p.tasks {
                    let _ = t.evaluate(now, Tz::Europe__Berlin, None);
                }
            }
        }
    }

    #[test]
    fn hostile_xml() {
        let deep = format!(
            "<Task xmlns=\"{NAMESPACE}\">{}{}</Task>",
            "<a>".repeat(10_000),
            "</a>".repeat(10_000)
        );
        let p = read(&deep);
        assert!(p.tasks.is_empty());
        let wide = format!(
            "<Task xmlns=\"{NAMESPACE}\"><Triggers>{}</Triggers></Task>",
            "<BootTrigger/>".repeat(30_000)
        );
        let p = read(&wide);
        assert!(p.tasks.len() < MAX_ELEMENTS);
        let xml = task_xml(
            "<TimeTrigger><StartBoundary>2026-11-28T03:30:00</StartBoundary></TimeTrigger>",
            "",
        );
        for end in 0..xml.len() {
            if let Some(prefix) = xml.get(..end) {
                let _ = detect("t.xml", prefix);
            }
        }
        assert!(detect("t.xml", "<Task><Triggers/></Task>").is_none());
    }

    /// Firings of a task's recurrence, enabled or not.
    fn clock(t: &Task, from: &str, tz: Tz, n: usize) -> Vec<String> {
        let Timing::Clock { recurrence, .. } = &t.timing else {
            return Vec::new();
        };
        let mut out = Vec::new();
        let mut after = at(from);
        while out.len() < n {
            let Some(next) = recurrence.next_after(after, tz) else {
                break;
            };
            out.push(rfc3339(next));
            after = next;
        }
        out
    }

    fn describe(t: &Task) -> String {
        match &t.timing {
            Timing::Clock { recurrence, .. } => recurrence.describe(),
            _ => String::new(),
        }
    }
}
