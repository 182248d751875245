//! systemd calendar events: the `OnCalendar=` expressions of systemd.time(7), and when they
//! elapse next.
//!
//! ## What it does
//! Reads the whole grammar as systemd 252 does: the shorthands (`minutely`, `hourly`, `daily`,
//! `weekly`, `monthly`, `quarterly`, `semiannually`, `yearly`/`annually` and their aliases),
//! weekday lists and ranges (`Mon,Fri`, `Mon..Fri`, `Mon-Fri`, full or short names, any case),
//! `year-month-day` with `*`, lists `,`, ranges `..`, repetitions `/` and `~` (days counted
//! back from the end of the month), `hour:minute[:second[.fraction]]`, `@epoch` instants and a
//! trailing `UTC` or IANA zone that overrides the task's zone. An omitted time is 00:00:00, an
//! omitted date every day. Invalid expressions get an error that says what is wrong.
//!
//! The next elapse follows systemd's own search (`find_next()` in `calendarspec.c`) step by
//! step, on the zone's local time, so it agrees with `systemd-analyze calendar`, daylight
//! saving time included (checked against `systemd-analyze` 252, see
//! `tests/data/systemd-calendar/`):
//! - a local time that does not exist (clocks go forward) is skipped: `02:30` every day has no
//!   run on that day in Europe/Berlin; `*:30` runs at 01:30 and then at 03:30;
//! - a local time that exists twice (clocks go back) fires once, never twice: the search
//!   walks local time forward, so once past 02:30 it does not come back to it. Which of the
//!   two instants it is follows glibc's `mktime()`, which resolves such a time with the UTC
//!   offset of its previous result: from before the change that is the first one (summer
//!   time, `*-*-* 02:30` fires at 00:30Z in Europe/Berlin); from inside the repeated hour, the
//!   second. Lookups of `~` days can move glibc's memory to the next month, and then the
//!   second is chosen even from before the change; the search keeps the same memory so the
//!   answers stay systemd's.
//!
//! Like systemd the search gives up after year 2199 and after 1000 steps, so no expression can
//! make it loop for long.
//!
//! ## Why is this bad?
//! A timer that elapses during the maintenance window starts its service against a
//! half-upgraded system. Getting the arithmetic wrong, at a DST change or on the last days of a
//! month, hides such a firing.

use crate::schedule::Recurrence;
use crate::schedule::MONTHS;
use chrono::{
    DateTime, Datelike, Duration, LocalResult, NaiveDate, NaiveDateTime, NaiveTime, Offset,
    TimeZone, Timelike, Utc,
};
use chrono_tz::Tz;
use std::cmp::Ordering;
use std::fmt;

/// Years systemd accepts in an expression.
const MIN_YEAR: i64 = 1970;
/// The search stops after this year (systemd's `MAX_YEAR`).
const MAX_YEAR: i64 = 2199;
const USEC_PER_SEC: i64 = 1_000_000;
/// Longest list in one field (systemd's `CALENDARSPEC_COMPONENTS_MAX`, plus the first).
const COMPONENTS_MAX: usize = 241;
/// Steps of one search (systemd's `MAX_CALENDAR_ITERATIONS`).
const MAX_ITERATIONS: u32 = 1000;
/// Every weekday.
const ALL_WEEKDAYS: u8 = 0x7f;

const WEEKDAYS: [&str; 7] = ["Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"];

/// One element of a field's list: a value, a range `start..stop`, a repetition
/// `start[..stop]/repeat`. `stop` is -1 when absent. Seconds are in microseconds.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
struct Component {
    start: i64,
    stop: i64,
    repeat: i64,
}

impl Component {
    fn value(v: i64) -> Self {
        Component {
            start: v,
            stop: -1,
            repeat: 0,
        }
    }
}

/// A field: its components, or every value when empty (`*`).
type Chain = Vec<Component>;

/// A parsed `OnCalendar=` expression.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CalendarEvent {
    expression: String,
    /// Bit 0 is Monday; `None` is every day.
    weekdays: Option<u8>,
    year: Chain,
    month: Chain,
    day: Chain,
    /// `~`: days count back from the end of the month (`~01` is the last day).
    end_of_month: bool,
    hour: Chain,
    minute: Chain,
    /// Seconds, in microseconds. Never empty.
    second: Chain,
    /// The zone named in the expression (`UTC` included).
    zone: Option<Tz>,
}

/// Local calendar fields as `struct tm` holds them (full year, month from 0); they may be out
/// of range until normalised.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct Tm {
    year: i64,
    mon: i64,
    mday: i64,
    hour: i64,
    min: i64,
    sec: i64,
}

/// A read position in the expression; reads past the end give 0, as C strings do.
struct Cur<'a> {
    s: &'a [u8],
    i: usize,
}

impl Cur<'_> {
    fn at(&self, k: usize) -> u8 {
        self.s.get(self.i.saturating_add(k)).copied().unwrap_or(0)
    }

    fn bump(&mut self, n: usize) {
        self.i = self.i.saturating_add(n).min(self.s.len());
    }

    fn skip_spaces(&mut self) {
        while self.at(0) == b' ' {
            self.bump(1);
        }
    }

    fn rest(&self) -> String {
        String::from_utf8_lossy(self.s.get(self.i..).unwrap_or_default()).into_owned()
    }

    /// What is at the read position, for error messages.
    fn here(&self) -> String {
        let r = self.rest();
        if r.is_empty() {
            "the end".to_string()
        } else {
            format!("'{r}'")
        }
    }
}

/// The `s` if `text` ends with it, ignoring ASCII case.
fn strip_suffix_no_case<'a>(text: &'a str, suffix: &str) -> Option<&'a str> {
    let cut = text.len().checked_sub(suffix.len())?;
    let tail = text.get(cut..)?;
    if tail.eq_ignore_ascii_case(suffix) {
        text.get(..cut)
    } else {
        None
    }
}

impl CalendarEvent {
    /// Parse an `OnCalendar=` value. The error says what is wrong.
    pub fn parse(expression: &str) -> Result<Self, String> {
        let mut ev = CalendarEvent {
            expression: expression.to_string(),
            weekdays: None,
            year: Vec::new(),
            month: Vec::new(),
            day: Vec::new(),
            end_of_month: false,
            hour: Vec::new(),
            minute: Vec::new(),
            second: Vec::new(),
            zone: None,
        };
        if expression.contains('\0') {
            return Err("a NUL character in the expression".into());
        }
        let mut p = expression;
        if let Some(head) = strip_suffix_no_case(p, " UTC") {
            ev.zone = Some(Tz::UTC);
            p = head;
        } else if let Some((head, name)) = p.rsplit_once(' ') {
            if let Ok(tz) = name.parse::<Tz>() {
                ev.zone = Some(tz);
                p = head;
            }
        }
        if p.is_empty() {
            return Err("an empty calendar expression".into());
        }
        let zero = || vec![Component::value(0)];
        match p.to_ascii_lowercase().as_str() {
            "minutely" => ev.second = zero(),
            "hourly" => {
                ev.minute = zero();
                ev.second = zero();
            }
            "daily" => ev.set_midnight(),
            "monthly" => {
                ev.day = vec![Component::value(1)];
                ev.set_midnight();
            }
            "annually" | "yearly" | "anually" => {
                ev.month = vec![Component::value(1)];
                ev.day = vec![Component::value(1)];
                ev.set_midnight();
            }
            "weekly" => {
                ev.weekdays = Some(1);
                ev.set_midnight();
            }
            "quarterly" => {
                ev.month = [1, 4, 7, 10].into_iter().map(Component::value).collect();
                ev.day = vec![Component::value(1)];
                ev.set_midnight();
            }
            "biannually" | "bi-annually" | "semiannually" | "semi-annually" => {
                ev.month = [1, 7].into_iter().map(Component::value).collect();
                ev.day = vec![Component::value(1)];
                ev.set_midnight();
            }
            _ => {
                let mut cur = Cur {
                    s: p.as_bytes(),
                    i: 0,
                };
                ev.parse_weekdays(&mut cur)?;
                if !ev.parse_date(&mut cur)? {
                    ev.parse_time(&mut cur)?;
                }
                if cur.at(0) != 0 {
                    return Err(format!("unexpected {} at the end", cur.here()));
                }
            }
        }
        ev.normalize();
        ev.validate()?;
        Ok(ev)
    }

    fn set_midnight(&mut self) {
        self.hour = vec![Component::value(0)];
        self.minute = vec![Component::value(0)];
        self.second = vec![Component::value(0)];
    }

    /// The expression as written.
    pub fn expression(&self) -> &str {
        &self.expression
    }

    /// The zone the expression names, if any.
    pub fn zone(&self) -> Option<Tz> {
        self.zone
    }

    fn parse_weekdays(&mut self, cur: &mut Cur<'_>) -> Result<(), String> {
        const NAMES: [(&str, u8); 14] = [
            ("monday", 0),
            ("mon", 0),
            ("tuesday", 1),
            ("tue", 1),
            ("wednesday", 2),
            ("wed", 2),
            ("thursday", 3),
            ("thu", 3),
            ("friday", 4),
            ("fri", 4),
            ("saturday", 5),
            ("sat", 5),
            ("sunday", 6),
            ("sun", 6),
        ];
        let mut bits: u8 = 0;
        let mut range_from: Option<u8> = None;
        let mut first = true;
        loop {
            let rest = cur.s.get(cur.i..).unwrap_or_default();
            let hit = NAMES.iter().find(|(name, _)| {
                rest.get(..name.len())
                    .is_some_and(|head| head.eq_ignore_ascii_case(name.as_bytes()))
            });
            let Some((name, nr)) = hit else {
                if first {
                    return Ok(());
                }
                return Err(format!("expected a weekday at {}", cur.here()));
            };
            if !matches!(cur.at(name.len()), 0 | b'-' | b'.' | b',' | b' ') {
                let word: String = cur
                    .rest()
                    .chars()
                    .take_while(|c| c.is_ascii_alphanumeric())
                    .collect();
                return Err(format!("'{word}' is not a weekday"));
            }
            bits |= 1 << nr;
            if let Some(from) = range_from {
                if from > *nr {
                    return Err(format!(
                        "weekday range {}..{} runs backwards",
                        WEEKDAYS.get(usize::from(from)).unwrap_or(&"?"),
                        WEEKDAYS.get(usize::from(*nr)).unwrap_or(&"?")
                    ));
                }
                for j in from + 1..*nr {
                    bits |= 1 << j;
                }
            }
            cur.bump(name.len());
            if cur.at(0) == 0 {
                break;
            }
            if cur.at(0) == b' ' {
                cur.skip_spaces();
                break;
            }
            match cur.at(0) {
                b'.' => {
                    if range_from.is_some() {
                        return Err("a weekday range may not continue into another range".into());
                    }
                    if cur.at(1) != b'.' {
                        return Err(
                            "a single '.' after a weekday; ranges are written 'Mon..Fri'".into(),
                        );
                    }
                    range_from = Some(*nr);
                    cur.bump(2);
                }
                b'-' => {
                    if range_from.is_some() {
                        return Err("a weekday range may not continue into another range".into());
                    }
                    range_from = Some(*nr);
                    cur.bump(1);
                }
                b',' => {
                    range_from = None;
                    cur.bump(1);
                }
                _ => {}
            }
            if matches!(cur.at(0), 0 | b' ') {
                cur.skip_spaces();
                if range_from.is_some() {
                    return Err("a weekday range without its end".into());
                }
                break;
            }
            first = false;
        }
        self.weekdays = Some(bits);
        Ok(())
    }

    /// The date part; true when it was an `@epoch` instant (no time follows).
    fn parse_date(&mut self, cur: &mut Cur<'_>) -> Result<bool, String> {
        if cur.at(0) == 0 {
            return Ok(false);
        }
        let mut t = Cur { s: cur.s, i: cur.i };
        if t.at(0) == b'@' {
            t.bump(1);
            let mut value: i64 = 0;
            let mut digits = 0;
            while t.at(0).is_ascii_digit() {
                value = value
                    .checked_mul(10)
                    .and_then(|v| v.checked_add(i64::from(t.at(0) - b'0')))
                    .ok_or("the @ timestamp is too large")?;
                digits += 1;
                t.bump(1);
            }
            if digits == 0 {
                return Err("'@' must be followed by seconds since 1970".into());
            }
            let at = DateTime::<Utc>::from_timestamp(value, 0)
                .ok_or("the @ timestamp is out of range")?;
            let c = |v: u32| vec![Component::value(i64::from(v))];
            self.year = vec![Component::value(i64::from(at.year()))];
            self.month = c(at.month());
            self.day = c(at.day());
            self.hour = c(at.hour());
            self.minute = c(at.minute());
            self.second = vec![Component::value(i64::from(at.second()) * USEC_PER_SEC)];
            self.zone = Some(Tz::UTC);
            cur.i = t.i;
            return Ok(true);
        }
        let first = parse_chain(&mut t, false, "date")?;
        // Already the end, or a ':'? Then this was a time, not a date.
        if matches!(t.at(0), 0 | b':') {
            return Ok(false);
        }
        match t.at(0) {
            b'~' => self.end_of_month = true,
            b'-' => {}
            _ => {
                return Err(format!(
                    "expected '-' or '~' between date fields at {}",
                    t.here()
                ))
            }
        }
        t.bump(1);
        let second = parse_chain(&mut t, false, "date")?;
        if matches!(t.at(0), 0 | b' ') {
            t.skip_spaces();
            self.month = first;
            self.day = second;
            cur.i = t.i;
            return Ok(false);
        } else if self.end_of_month {
            return Err("'~' may only come before the day".into());
        }
        match t.at(0) {
            b'~' => self.end_of_month = true,
            b'-' => {}
            _ => {
                return Err(format!(
                    "expected '-' or '~' between date fields at {}",
                    t.here()
                ))
            }
        }
        t.bump(1);
        let third = parse_chain(&mut t, false, "date")?;
        if !matches!(t.at(0), 0 | b' ') {
            return Err(format!("unexpected {} after the date", t.here()));
        }
        t.skip_spaces();
        self.year = first;
        self.month = second;
        self.day = third;
        cur.i = t.i;
        Ok(false)
    }

    fn parse_time(&mut self, cur: &mut Cur<'_>) -> Result<(), String> {
        if cur.at(0) == 0 {
            self.set_midnight();
            return Ok(());
        }
        let h = parse_chain(cur, false, "hour")?;
        if cur.at(0) != b':' {
            return Err(format!(
                "expected ':' between hour and minute at {}",
                cur.here()
            ));
        }
        cur.bump(1);
        let m = parse_chain(cur, false, "minute")?;
        let s = if cur.at(0) == 0 {
            vec![Component::value(0)]
        } else {
            if cur.at(0) != b':' {
                return Err(format!("unexpected {} after the minutes", cur.here()));
            }
            cur.bump(1);
            let s = parse_chain(cur, true, "second")?;
            if cur.at(0) != 0 {
                return Err(format!("unexpected {} after the seconds", cur.here()));
            }
            s
        };
        self.hour = h;
        self.minute = m;
        self.second = s;
        Ok(())
    }

    fn normalize(&mut self) {
        if self.weekdays.is_some_and(|b| b == 0 || b >= ALL_WEEKDAYS) {
            self.weekdays = None;
        }
        if self.end_of_month && self.day.is_empty() {
            self.end_of_month = false;
        }
        for c in &mut self.year {
            for v in [&mut c.start, &mut c.stop] {
                if (0..70).contains(v) {
                    *v += 2000;
                } else if (70..100).contains(v) {
                    *v += 1900;
                }
            }
        }
        for chain in [
            &mut self.year,
            &mut self.month,
            &mut self.day,
            &mut self.hour,
            &mut self.minute,
            &mut self.second,
        ] {
            for c in chain.iter_mut() {
                if c.stop > c.start && c.repeat > 0 {
                    c.stop -= (c.stop - c.start) % c.repeat;
                }
            }
            chain.sort();
            chain.dedup();
        }
    }

    fn validate(&self) -> Result<(), String> {
        check_chain(&self.year, MIN_YEAR, MAX_YEAR, false, "year")?;
        check_chain(&self.month, 1, 12, false, "month")?;
        check_chain(&self.day, 1, 31, self.end_of_month, "day")?;
        check_chain(&self.hour, 0, 23, false, "hour")?;
        check_chain(&self.minute, 0, 59, false, "minute")?;
        check_chain(&self.second, 0, 60 * USEC_PER_SEC - 1, false, "second")
    }

    /// The expression in systemd's normalised form (`systemd-analyze calendar` prints it).
    pub fn normalized(&self) -> String {
        let mut s = String::new();
        if let Some(bits) = self.weekdays {
            s.push_str(&format_weekdays(bits));
            s.push(' ');
        }
        format_chain(&mut s, 4, &self.year, false);
        s.push('-');
        format_chain(&mut s, 2, &self.month, false);
        s.push(if self.end_of_month { '~' } else { '-' });
        format_chain(&mut s, 2, &self.day, false);
        s.push(' ');
        format_chain(&mut s, 2, &self.hour, false);
        s.push(':');
        format_chain(&mut s, 2, &self.minute, false);
        s.push(':');
        format_chain(&mut s, 2, &self.second, true);
        if let Some(z) = self.zone {
            s.push(' ');
            s.push_str(z.name());
        }
        s
    }

    /// The next elapse strictly after `after`, in the expression's zone, else in `tz`.
    fn next(&self, after: DateTime<Utc>, tz: Tz) -> Option<DateTime<Utc>> {
        let zone = self.zone.unwrap_or(tz);
        // systemd counts in microseconds and starts one after the given instant.
        let start_us = after.timestamp_micros().checked_add(1)?;
        let start = DateTime::<Utc>::from_timestamp_micros(start_us)?.with_timezone(&zone);
        let mut clock = Clock {
            zone,
            last_offset: start.offset().fix().local_minus_utc(),
        };
        let local = start.naive_local();
        let usec = i64::from(local.nanosecond() / 1000).min(USEC_PER_SEC - 1);
        let (tm, usec) = self.find_next(&mut clock, tm_of(local), usec)?;
        let at = clock
            .resolve(naive_of(&tm)?)?
            .with_timezone(&Utc)
            .checked_add_signed(Duration::microseconds(usec))?;
        (at > after).then_some(at)
    }

    /// systemd's `find_next()`: walk the fields from the year down, moving to the next
    /// candidate of a field and resetting the ones below whenever a field does not match.
    fn find_next(&self, clock: &mut Clock, start: Tm, start_usec: i64) -> Option<(Tm, i64)> {
        let mut c = start;
        let mut usec = start_usec;
        for _ in 0..MAX_ITERATIONS {
            c = clock.mktime(&c)?;

            let mut v = c.year;
            let r = find_matching(&self.year, None, clock, &mut v);
            c.year = v;
            match r {
                Err(()) => return None,
                Ok(true) => {
                    c.mon = 0;
                    c.mday = 1;
                    c.hour = 0;
                    c.min = 0;
                    c.sec = 0;
                    usec = 0;
                }
                Ok(false) => {}
            }
            if within_bounds(&mut c, clock) != Ok(true) {
                return None;
            }

            let mut v = c.mon + 1;
            let r = find_matching(&self.month, None, clock, &mut v);
            c.mon = v - 1;
            if r == Ok(true) {
                c.mday = 1;
                c.hour = 0;
                c.min = 0;
                c.sec = 0;
                usec = 0;
            }
            match r.and_then(|_| within_bounds(&mut c, clock)) {
                Err(()) => {
                    c.year += 1;
                    c.mon = 0;
                    c.mday = 1;
                    c.hour = 0;
                    c.min = 0;
                    c.sec = 0;
                    usec = 0;
                    continue;
                }
                Ok(false) => continue,
                Ok(true) => {}
            }

            let mut v = c.mday;
            let eom = self.end_of_month.then_some(c);
            let r = find_matching(&self.day, eom, clock, &mut v);
            c.mday = v;
            if r == Ok(true) {
                c.hour = 0;
                c.min = 0;
                c.sec = 0;
                usec = 0;
            }
            match r.and_then(|_| within_bounds(&mut c, clock)) {
                Err(()) => {
                    c.mon += 1;
                    c.mday = 1;
                    c.hour = 0;
                    c.min = 0;
                    c.sec = 0;
                    usec = 0;
                    continue;
                }
                Ok(false) => continue,
                Ok(true) => {}
            }

            if !matches_weekday(self.weekdays, &c, clock) {
                c.mday += 1;
                c.hour = 0;
                c.min = 0;
                c.sec = 0;
                usec = 0;
                continue;
            }

            let mut v = c.hour;
            let r = find_matching(&self.hour, None, clock, &mut v);
            c.hour = v;
            if r == Ok(true) {
                c.min = 0;
                c.sec = 0;
                usec = 0;
            }
            match r.and_then(|_| within_bounds(&mut c, clock)) {
                Err(()) => {
                    c.mday += 1;
                    c.hour = 0;
                    c.min = 0;
                    c.sec = 0;
                    usec = 0;
                    continue;
                }
                // The hour set may not exist (DST): start again from the normalised time.
                Ok(false) => continue,
                Ok(true) => {}
            }

            let mut v = c.min;
            let r = find_matching(&self.minute, None, clock, &mut v);
            c.min = v;
            if r == Ok(true) {
                c.sec = 0;
                usec = 0;
            }
            match r.and_then(|_| within_bounds(&mut c, clock)) {
                Err(()) => {
                    c.hour += 1;
                    c.min = 0;
                    c.sec = 0;
                    usec = 0;
                    continue;
                }
                Ok(false) => continue,
                Ok(true) => {}
            }

            let mut v = c.sec.checked_mul(USEC_PER_SEC)?.checked_add(usec)?;
            let r = find_matching(&self.second, None, clock, &mut v);
            usec = v.rem_euclid(USEC_PER_SEC);
            c.sec = v.div_euclid(USEC_PER_SEC);
            match r.and_then(|_| within_bounds(&mut c, clock)) {
                Err(()) => {
                    c.min += 1;
                    c.sec = 0;
                    usec = 0;
                    continue;
                }
                Ok(false) => continue,
                Ok(true) => {}
            }
            return Some((c, usec));
        }
        None
    }

    /// When it fires, in words, without the zone.
    fn words(&self) -> String {
        let time = self.time_words();
        let date = self.date_words();
        let wd = self.weekdays.map(format_weekdays);
        match (wd, date, time) {
            (None, None, When::At(t)) => format!("At {t}, every day"),
            (None, None, When::Every(e)) => capitalise(&e),
            (None, Some(d), When::At(t)) if d.starts_with("on ") => format!("At {t} {d}"),
            (None, Some(d), When::At(t)) => format!("At {t}, every day {d}"),
            (None, Some(d), When::Every(e)) => format!("{} {d}", capitalise(&e)),
            (Some(w), None, When::At(t)) => format!("{w} at {t}"),
            (Some(w), None, When::Every(e)) => format!("{w}, {e}"),
            (Some(w), Some(d), When::At(t)) => format!("{w} at {t}, {d}"),
            (Some(w), Some(d), When::Every(e)) => format!("{w}, {e}, {d}"),
        }
    }

    fn time_words(&self) -> When {
        let hours = expand(&self.hour, 0, 23, 24);
        let mins = expand(&self.minute, 0, 59, 60);
        let secs = expand(&self.second, 0, 60 * USEC_PER_SEC - 1, 60);
        let (Some(hours), Some(mins), Some(secs)) = (hours, mins, secs) else {
            return When::Every(self.time_pattern());
        };
        let whole = secs.iter().all(|s| s % USEC_PER_SEC == 0);
        let all_secs = whole && secs.len() == 60;
        let zero_secs = secs == [0];
        if hours.len() * mins.len() * secs.len() <= 6 {
            let with_secs = secs.iter().any(|s| *s != 0);
            let mut times = Vec::new();
            for h in &hours {
                for m in &mins {
                    for s in &secs {
                        let mut t = format!("{h:02}:{m:02}");
                        if with_secs {
                            t.push_str(&format!(":{:02}", s / USEC_PER_SEC));
                            if s % USEC_PER_SEC != 0 {
                                t.push_str(&format!(".{:06}", s % USEC_PER_SEC));
                            }
                        }
                        times.push(t);
                    }
                }
            }
            return When::At(join_and(&times));
        }
        let all_hours = hours.len() == 24;
        let all_mins = mins.len() == 60;
        let step = |chain: &Chain, period: i64| match chain.as_slice() {
            [c] if c.start == 0 && c.repeat > 1 && period % c.repeat == 0 => {
                (c.stop < 0 || c.stop + c.repeat >= period).then_some(c.repeat)
            }
            _ => None,
        };
        if all_hours && all_mins && all_secs {
            return When::Every("every second".into());
        }
        if zero_secs {
            if all_hours && all_mins {
                return When::Every("every minute".into());
            }
            if all_hours {
                if let Some(r) = step(&self.minute, 60) {
                    return When::Every(format!("every {r} minutes"));
                }
            }
            if let [m] = mins.as_slice() {
                let at = if *m == 0 {
                    String::new()
                } else {
                    format!(" at minute {m}")
                };
                if all_hours {
                    return When::Every(format!("every hour{at}"));
                }
                if let Some(r) = step(&self.hour, 24) {
                    return When::Every(format!("every {r} hours{at}"));
                }
                if let (Some(first), Some(last)) = (hours.first(), hours.last()) {
                    if last - first + 1 == hours.len() as i64 {
                        return When::Every(format!(
                            "every hour from {first:02}:{m:02} to {last:02}:{m:02}"
                        ));
                    }
                }
            }
        }
        if all_hours && all_secs {
            if let Some(r) = step(&self.minute, 60) {
                return When::Every(format!("every second of every {r}th minute"));
            }
        }
        When::Every(self.time_pattern())
    }

    fn time_pattern(&self) -> String {
        let mut s = String::from("at times ");
        format_chain(&mut s, 2, &self.hour, false);
        s.push(':');
        format_chain(&mut s, 2, &self.minute, false);
        s.push(':');
        format_chain(&mut s, 2, &self.second, true);
        s
    }

    fn date_words(&self) -> Option<String> {
        let day = self.day_words();
        let month = (!self.month.is_empty()).then(|| match expand(&self.month, 1, 12, 12) {
            Some(ms) => join_and(
                &ms.iter()
                    .filter_map(|m| usize::try_from(m - 1).ok())
                    .filter_map(|m| MONTHS.get(m))
                    .map(|m| m.to_string())
                    .collect::<Vec<_>>(),
            ),
            None => format!("months {}", chain_words(&self.month)),
        });
        let year = (!self.year.is_empty()).then(|| chain_words(&self.year));
        let date = match (day, month) {
            (Some(d), Some(m)) => Some(format!("on {d} of {m}")),
            (Some(d), None) => Some(format!("on {d} of every month")),
            (None, Some(m)) => Some(format!("in {m}")),
            (None, None) => None,
        };
        match (date, year) {
            (Some(d), Some(y)) => Some(format!("{d} in {y}")),
            (None, Some(y)) => Some(format!("in {y}")),
            (d, None) => d,
        }
    }

    fn day_words(&self) -> Option<String> {
        if self.day.is_empty() {
            return None;
        }
        if self.end_of_month {
            return Some(match self.day.as_slice() {
                [c] if c.stop < 0 && c.repeat == 0 && c.start == 1 => "the last day".into(),
                [c] if c.stop < 0 && c.repeat == 0 => {
                    format!("the {}-last day", ordinal(c.start))
                }
                [c] if c.stop < 0 && c.repeat == 1 => format!("the last {} days", c.start),
                _ => {
                    let mut s = String::from("days ~");
                    format_chain(&mut s, 2, &self.day, false);
                    s.push_str(" (counted back from the month's end)");
                    s
                }
            });
        }
        Some(match self.day.as_slice() {
            [c] if c.stop < 0 && c.repeat == 0 => format!("day {}", c.start),
            [c] if c.repeat > 1 && c.stop < 0 => {
                format!("every {} day from day {}", ordinal(c.repeat), c.start)
            }
            _ => format!("days {}", chain_words(&self.day)),
        })
    }
}

/// A time of day: fixed times ("02:30 and 14:30") or a repetition ("every 15 minutes").
enum When {
    At(String),
    Every(String),
}

fn capitalise(s: &str) -> String {
    let mut c = s.chars();
    match c.next() {
        Some(f) => f.to_uppercase().chain(c).collect(),
        None => String::new(),
    }
}

fn ordinal(n: i64) -> String {
    let suffix = match (n % 10, n % 100) {
        (1, r) if r != 11 => "st",
        (2, r) if r != 12 => "nd",
        (3, r) if r != 13 => "rd",
        _ => "th",
    };
    format!("{n}{suffix}")
}

fn join_and(items: &[String]) -> String {
    match items {
        [] => String::new(),
        [one] => one.clone(),
        [head @ .., last] => format!("{} and {last}", head.join(", ")),
    }
}

/// A field's list in words: "1, 15 and 20", "2026 to 2030", "every 2nd from 1".
fn chain_words(chain: &Chain) -> String {
    let parts: Vec<String> = chain
        .iter()
        .map(|c| match (c.stop >= 0, c.repeat) {
            (false, 0) => c.start.to_string(),
            (true, 1) => format!("{} to {}", c.start, c.stop),
            (true, r) => format!("every {} from {} to {}", ordinal(r), c.start, c.stop),
            (false, r) => format!("every {} from {}", ordinal(r), c.start),
        })
        .collect();
    join_and(&parts)
}

/// The values a (non-`~`) chain matches in `lo..=hi`, sorted; `None` when more than `max`
/// or when the chain is `*` over a range larger than `max`.
fn expand(chain: &Chain, lo: i64, hi: i64, max: usize) -> Option<Vec<i64>> {
    let mut out: Vec<i64> = Vec::new();
    if chain.is_empty() {
        if hi - lo + 1 > max as i64 {
            return None;
        }
        return Some((lo..=hi).collect());
    }
    for c in chain {
        let end = if c.stop >= 0 {
            c.stop.min(hi)
        } else if c.repeat > 0 {
            hi
        } else {
            c.start
        };
        let step = c.repeat.max(1);
        let mut v = c.start;
        while v <= end {
            if v >= lo {
                out.push(v);
                if out.len() > max {
                    return None;
                }
            }
            v = v.checked_add(step)?;
        }
    }
    out.sort_unstable();
    out.dedup();
    Some(out)
}

fn format_weekdays(bits: u8) -> String {
    let mut s = String::new();
    let mut run_start: Option<usize> = None;
    let mut need_comma = false;
    let close = |s: &mut String, l: usize, x: usize| {
        if x > l + 1 {
            s.push_str(if x > l + 2 { ".." } else { "," });
            s.push_str(WEEKDAYS.get(x - 1).unwrap_or(&"?"));
        }
    };
    for (x, name) in WEEKDAYS.iter().enumerate() {
        if bits & (1 << x) != 0 {
            if run_start.is_none() {
                if need_comma {
                    s.push(',');
                }
                need_comma = true;
                s.push_str(name);
                run_start = Some(x);
            }
        } else if let Some(l) = run_start.take() {
            close(&mut s, l, x);
        }
    }
    if let Some(l) = run_start {
        close(&mut s, l, WEEKDAYS.len());
    }
    s
}

/// systemd's `format_chain()`.
fn format_chain(s: &mut String, width: usize, chain: &Chain, usec: bool) {
    let d = if usec { USEC_PER_SEC } else { 1 };
    if chain.is_empty() {
        s.push('*');
        return;
    }
    if let [c] = chain.as_slice() {
        if usec && c.start == 0 && c.repeat == USEC_PER_SEC && c.stop < 0 {
            s.push('*');
            return;
        }
    }
    for (i, c) in chain.iter().enumerate() {
        if i > 0 {
            s.push(',');
        }
        s.push_str(&format!("{:0width$}", c.start / d));
        if c.start % d > 0 {
            s.push_str(&format!(".{:06}", c.start % d));
        }
        if c.stop > 0 {
            s.push_str(&format!("..{:0width$}", c.stop / d));
        }
        if c.stop % d > 0 {
            s.push_str(&format!(".{:06}", c.stop % d));
        }
        if c.repeat > 0 && !(c.stop > 0 && c.repeat == d) {
            s.push_str(&format!("/{}", c.repeat / d));
        }
        if c.repeat % d > 0 {
            s.push_str(&format!(".{:06}", c.repeat % d));
        }
    }
}

/// A number in a field; with `usec`, seconds with an optional fraction, in microseconds.
fn parse_decimal(cur: &mut Cur<'_>, usec: bool, what: &str) -> Result<i64, String> {
    if !cur.at(0).is_ascii_digit() {
        return Err(format!(
            "expected a number for the {what} at {}",
            cur.here()
        ));
    }
    let mut value: i64 = 0;
    let mut overflow = false;
    while cur.at(0).is_ascii_digit() {
        match value
            .checked_mul(10)
            .and_then(|v| v.checked_add(i64::from(cur.at(0) - b'0')))
        {
            Some(v) => value = v,
            None => overflow = true,
        }
        cur.bump(1);
    }
    let too_large = || format!("{what} value out of range");
    if overflow {
        return Err(too_large());
    }
    if usec {
        value = value.checked_mul(USEC_PER_SEC).ok_or_else(too_large)?;
        // One '.' is a decimal point, ".." a range.
        if cur.at(0) == b'.' && cur.at(1) != b'.' {
            cur.bump(1);
            if !cur.at(0).is_ascii_digit() {
                return Err(format!(
                    "expected digits after the decimal point at {}",
                    cur.here()
                ));
            }
            let mut frac: i64 = 0;
            for _ in 0..6 {
                frac *= 10;
                if cur.at(0).is_ascii_digit() {
                    frac += i64::from(cur.at(0) - b'0');
                    cur.bump(1);
                }
            }
            // Rounded on the seventh digit; the rest is ignored.
            if (b'5'..=b'9').contains(&cur.at(0)) {
                frac += 1;
            }
            while cur.at(0).is_ascii_digit() {
                cur.bump(1);
            }
            value = value.checked_add(frac).ok_or_else(too_large)?;
        }
    }
    if value > i64::from(i32::MAX) {
        return Err(too_large());
    }
    Ok(value)
}

/// A field: `*` or a comma-separated list of values, ranges and repetitions.
fn parse_chain(cur: &mut Cur<'_>, usec: bool, what: &str) -> Result<Chain, String> {
    if cur.at(0) == b'*' {
        cur.bump(1);
        return Ok(if usec {
            vec![Component {
                start: 0,
                stop: -1,
                repeat: USEC_PER_SEC,
            }]
        } else {
            Vec::new()
        });
    }
    let mut chain = Vec::new();
    loop {
        if chain.len() >= COMPONENTS_MAX {
            return Err(format!(
                "more than {COMPONENTS_MAX} values in one {what} list"
            ));
        }
        let start = parse_decimal(cur, usec, what)?;
        let mut stop = -1;
        let mut repeat = 0;
        if cur.at(0) == b'.' && cur.at(1) == b'.' {
            cur.bump(2);
            stop = parse_decimal(cur, usec, what)?;
            repeat = if usec { USEC_PER_SEC } else { 1 };
        }
        if cur.at(0) == b'/' {
            cur.bump(1);
            repeat = parse_decimal(cur, usec, what)?;
            if repeat == 0 {
                return Err(format!("a repetition of /0 in the {what}"));
            }
        }
        if !matches!(cur.at(0), 0 | b' ' | b',' | b'-' | b'~' | b':') {
            return Err(format!("unexpected {} in the {what}", cur.here()));
        }
        chain.push(Component {
            start,
            stop,
            repeat,
        });
        if cur.at(0) != b',' {
            return Ok(chain);
        }
        cur.bump(1);
    }
}

/// systemd's `chain_valid()`, with a message.
fn check_chain(
    chain: &Chain,
    from: i64,
    to: i64,
    end_of_month: bool,
    what: &str,
) -> Result<(), String> {
    let to = if end_of_month { to - 3 } else { to };
    let d = if what == "second" { USEC_PER_SEC } else { 1 };
    let show = |v: i64| {
        if v % d == 0 {
            (v / d).to_string()
        } else {
            format!("{}.{:06}", v / d, v % d)
        }
    };
    let range = || {
        if end_of_month {
            format!("~{}..~{}", show(from), show(to))
        } else {
            format!("{}..{}", show(from), show(to))
        }
    };
    for c in chain {
        if c.start < from || c.start > to {
            return Err(format!("{what} {} is outside {}", show(c.start), range()));
        }
        if c.repeat > to - from {
            return Err(format!(
                "{what} repetition /{} is too large",
                show(c.repeat)
            ));
        }
        if c.stop >= 0 {
            if c.stop < from || c.stop > to {
                return Err(format!("{what} {} is outside {}", show(c.stop), range()));
            }
            if c.start + c.repeat > c.stop {
                return Err(format!(
                    "{what} range {}..{} is empty or runs backwards",
                    show(c.start),
                    show(c.stop)
                ));
            }
        } else if end_of_month && c.repeat > 0 && c.start - c.repeat < from {
            return Err(format!(
                "day ~{}/{} never repeats before the end of the month",
                c.start, c.repeat
            ));
        } else if !end_of_month && c.repeat > 0 && c.start + c.repeat > to {
            return Err(format!(
                "{what} {}/{} never repeats inside {}",
                show(c.start),
                show(c.repeat),
                range()
            ));
        }
    }
    Ok(())
}

/// The earliest value at or after `*val` that the chain matches; `Ok(true)` when it moved,
/// `Err` when none is left. `eom` gives the month for `~` days.
fn find_matching(
    chain: &Chain,
    eom: Option<Tm>,
    clock: &mut Clock,
    val: &mut i64,
) -> Result<bool, ()> {
    if chain.is_empty() {
        return Ok(false);
    }
    let mut d: Option<i64> = None;
    for c in chain {
        let (mut start, mut stop) = (c.start, c.stop);
        if let Some(tm) = &eom {
            start = end_of_month_day(tm, clock, c.start);
            stop = end_of_month_day(tm, clock, c.stop);
            if stop > 0 {
                std::mem::swap(&mut start, &mut stop);
            }
        }
        if start >= *val {
            if d.is_none_or(|d| start < d) {
                d = Some(start);
            }
        } else if c.repeat > 0 {
            let Some(k) = (*val - start)
                .checked_add(c.repeat - 1)
                .map(|x| x / c.repeat)
                .and_then(|n| n.checked_mul(c.repeat))
                .and_then(|x| x.checked_add(start))
            else {
                continue;
            };
            if d.is_none_or(|d| k < d) && (stop < 0 || k <= stop) {
                d = Some(k);
            }
        }
    }
    let d = d.ok_or(())?;
    let moved = *val != d;
    *val = d;
    Ok(moved)
}

/// The day of `tm`'s month that is `day` days from its end (1 is the last), or -1.
fn end_of_month_day(tm: &Tm, clock: &mut Clock, day: i64) -> i64 {
    let mut t = *tm;
    t.mon += 1;
    t.mday = 1 - day;
    match clock.mktime(&t) {
        Some(n) if n.mon == tm.mon => n.mday,
        _ => -1,
    }
}

/// systemd's `tm_within_bounds()`: `Ok(true)` when the fields are a real local time,
/// `Ok(false)` after moving them forward to the normalised time, `Err` past the last year or
/// when normalising would go backwards.
fn within_bounds(tm: &mut Tm, clock: &mut Clock) -> Result<bool, ()> {
    if tm.year > MAX_YEAR {
        return Err(());
    }
    let mut t = clock.mktime(tm).ok_or(())?;
    // Normalising 3-33 gives 4-2 and skips 4-1: reset what is below the field that moved.
    let cmp = if t.year != tm.year {
        t.mon = 0;
        t.year.cmp(&tm.year)
    } else if t.mon != tm.mon {
        t.mday = 1;
        t.mon.cmp(&tm.mon)
    } else if t.mday != tm.mday {
        t.hour = 0;
        t.mday.cmp(&tm.mday)
    } else if t.hour != tm.hour {
        t.min = 0;
        t.hour.cmp(&tm.hour)
    } else if t.min != tm.min {
        t.sec = 0;
        t.min.cmp(&tm.min)
    } else {
        t.sec.cmp(&tm.sec)
    };
    match cmp {
        Ordering::Less => Err(()),
        Ordering::Greater => {
            *tm = t;
            Ok(false)
        }
        Ordering::Equal => Ok(true),
    }
}

fn matches_weekday(weekdays: Option<u8>, tm: &Tm, clock: &mut Clock) -> bool {
    let Some(bits) = weekdays else {
        return true;
    };
    let Some(t) = clock.mktime(tm) else {
        return false;
    };
    let Some(date) = naive_of(&t) else {
        return false;
    };
    bits & (1 << date.weekday().num_days_from_monday()) != 0
}

/// The naive date-time the (possibly out-of-range) fields stand for, carrying overflows up.
fn naive_of(tm: &Tm) -> Option<NaiveDateTime> {
    let year = tm.year.checked_add(tm.mon.div_euclid(12))?;
    let month = tm.mon.rem_euclid(12) + 1;
    let first = NaiveDate::from_ymd_opt(i32::try_from(year).ok()?, u32::try_from(month).ok()?, 1)?;
    let secs = (tm.mday - 1)
        .checked_mul(86_400)?
        .checked_add(tm.hour.checked_mul(3_600)?)?
        .checked_add(tm.min.checked_mul(60)?)?
        .checked_add(tm.sec)?;
    first
        .and_time(NaiveTime::MIN)
        .checked_add_signed(Duration::try_seconds(secs)?)
}

fn tm_of(t: NaiveDateTime) -> Tm {
    Tm {
        year: i64::from(t.year()),
        mon: i64::from(t.month0()),
        mday: i64::from(t.day()),
        hour: i64::from(t.hour()),
        min: i64::from(t.minute()),
        sec: i64::from(t.second()),
    }
}

/// The UTC offset (seconds) in force just before `naive`, a local time in a gap.
fn offset_before(naive: NaiveDateTime, zone: Tz) -> Option<i32> {
    (1..=48).find_map(|h| {
        let probe = naive.checked_sub_signed(Duration::hours(h))?;
        zone.from_local_datetime(&probe)
            .latest()
            .map(|t| t.offset().fix().local_minus_utc())
    })
}

/// glibc's `mktime()` with `tm_isdst = -1` in one zone, with its memory: glibc starts from
/// the UTC offset of its previous result, so a local time that exists twice (clocks going
/// back) resolves to the one with that offset. A search starts with the offset of its start
/// instant (systemd's first `mktime()` has `tm_isdst` from `localtime()`).
#[derive(Debug)]
struct Clock {
    zone: Tz,
    /// UTC offset (seconds) of the last result.
    last_offset: i32,
}

impl Clock {
    /// The instant a local time stands for. A time in a gap (clocks going forward) is read
    /// with the offset before the gap, so it lands after it (02:30 becomes 03:30).
    fn resolve(&mut self, naive: NaiveDateTime) -> Option<DateTime<Tz>> {
        let zone = self.zone;
        let offset = |t: &DateTime<Tz>| t.offset().fix().local_minus_utc();
        let t = match zone.from_local_datetime(&naive) {
            LocalResult::Single(t) => t,
            LocalResult::Ambiguous(a, b) => {
                let (da, db) = (
                    (i64::from(offset(&a)) - i64::from(self.last_offset)).abs(),
                    (i64::from(offset(&b)) - i64::from(self.last_offset)).abs(),
                );
                if db < da {
                    b
                } else {
                    a
                }
            }
            LocalResult::None => {
                let before = offset_before(naive, zone)?;
                let utc = naive.checked_sub_signed(Duration::try_seconds(i64::from(before))?)?;
                zone.from_utc_datetime(&utc)
            }
        };
        self.last_offset = offset(&t);
        Some(t)
    }

    /// Normalise the fields to a real local time.
    fn mktime(&mut self, tm: &Tm) -> Option<Tm> {
        let t = self.resolve(naive_of(tm)?)?;
        Some(tm_of(t.naive_local()))
    }
}

impl Recurrence for CalendarEvent {
    fn next_after(&self, after: DateTime<Utc>, tz: Tz) -> Option<DateTime<Utc>> {
        self.next(after, tz)
    }

    fn describe(&self) -> String {
        self.words()
    }
}

impl fmt::Display for CalendarEvent {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.normalized())
    }
}

/// Several `OnCalendar=` lines of one timer: it elapses at the union.
#[derive(Debug, Clone)]
pub struct CalendarEvents {
    events: Vec<CalendarEvent>,
}

impl CalendarEvents {
    /// The union of these events.
    pub fn new(events: Vec<CalendarEvent>) -> Self {
        CalendarEvents { events }
    }

    /// The events.
    pub fn events(&self) -> &[CalendarEvent] {
        &self.events
    }

    /// The zone all events name, when they name the same one.
    pub fn common_zone(&self) -> Option<Tz> {
        let first = self.events.first()?.zone?;
        self.events
            .iter()
            .all(|e| e.zone == Some(first))
            .then_some(first)
    }
}

impl Recurrence for CalendarEvents {
    fn next_after(&self, after: DateTime<Utc>, tz: Tz) -> Option<DateTime<Utc>> {
        self.events.iter().filter_map(|e| e.next(after, tz)).min()
    }

    fn describe(&self) -> String {
        let mixed = self.common_zone().is_none() && self.events.iter().any(|e| e.zone.is_some());
        let parts: Vec<String> = self
            .events
            .iter()
            .map(|e| match (mixed, e.zone) {
                (true, Some(z)) => format!("{} ({})", e.words(), z.name()),
                _ => e.words(),
            })
            .collect();
        parts.join("; ")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(s: &str) -> DateTime<Utc> {
        DateTime::parse_from_rfc3339(s)
            .map(|t| t.with_timezone(&Utc))
            .unwrap_or_default()
    }

    /// The next `n` elapses after `from`, as RFC 3339 UTC.
    fn runs(expr: &str, from: &str, tz: Tz, n: usize) -> Vec<String> {
        let ev = CalendarEvent::parse(expr);
        assert!(ev.is_ok(), "{expr}: {ev:?}");
        let Ok(ev) = ev else { return Vec::new() };
        let mut t = at(from);
        let mut out = Vec::new();
        for _ in 0..n {
            let Some(next) = ev.next_after(t, tz) else {
                break;
            };
            assert!(next > t, "{expr}: {next} is not after {t}");
            out.push(crate::schedule::rfc3339(next));
            t = next;
        }
        out
    }

    fn normalized(expr: &str) -> String {
        CalendarEvent::parse(expr)
            .map(|e| e.normalized())
            .unwrap_or_else(|e| format!("error: {e}"))
    }

    fn describe(expr: &str) -> String {
        CalendarEvent::parse(expr)
            .map(|e| e.describe())
            .unwrap_or_else(|e| format!("error: {e}"))
    }

    #[test]
    fn shorthands_normalise_as_systemd_does() {
        assert_eq!(normalized("minutely"), "*-*-* *:*:00");
        assert_eq!(normalized("hourly"), "*-*-* *:00:00");
        assert_eq!(normalized("Daily"), "*-*-* 00:00:00");
        assert_eq!(normalized("weekly"), "Mon *-*-* 00:00:00");
        assert_eq!(normalized("monthly"), "*-*-01 00:00:00");
        assert_eq!(normalized("quarterly"), "*-01,04,07,10-01 00:00:00");
        assert_eq!(normalized("semiannually"), "*-01,07-01 00:00:00");
        assert_eq!(normalized("annually"), "*-01-01 00:00:00");
        assert_eq!(normalized("daily UTC"), "*-*-* 00:00:00 UTC");
        assert_eq!(
            normalized("daily Europe/Berlin"),
            "*-*-* 00:00:00 Europe/Berlin"
        );
    }

    #[test]
    fn grammar() {
        assert_eq!(normalized("mon-fri 8:5"), "Mon..Fri *-*-* 08:05:00");
        assert_eq!(normalized("Sat,Sunday 10:00"), "Sat,Sun *-*-* 10:00:00");
        assert_eq!(normalized("Mon,Tue,Wed"), "Mon..Wed *-*-* 00:00:00");
        assert_eq!(normalized("*-*-01/2 04:00"), "*-*-01/2 04:00:00");
        assert_eq!(normalized("26..30-*-*"), "2026..2030-*-* 00:00:00");
        assert_eq!(normalized("Mon *-05~07/1"), "Mon *-05~07/1 00:00:00");
        assert_eq!(normalized("*:0/15"), "*-*-* *:00/15:00");
        assert_eq!(normalized("12:00:30.25"), "*-*-* 12:00:30.250000");
        assert_eq!(normalized("*-*-* *:*:*"), "*-*-* *:*:*");
        assert_eq!(normalized("1..10/3-*-*"), "2001..2010/3-*-* 00:00:00");
        assert_eq!(normalized("@1798761600"), "2027-01-01 00:00:00 UTC");
    }

    #[test]
    fn invalid_expressions_say_why() {
        for (expr, want) in [
            ("", "empty"),
            ("*-*-* 25:00", "hour 25 is outside 0..23"),
            ("Funday", "expected a number"),
            ("Mond", "'Mond' is not a weekday"),
            ("Fri..Mon", "runs backwards"),
            ("Mon..", "without its end"),
            ("*-13-01", "month 13 is outside 1..12"),
            ("*:*:60", "second 60 is outside 0..59.999999"),
            ("*-*-01/0", "/0"),
            ("*-*~29", "day 29 is outside ~1..~28"),
            ("*:*/15", "unexpected '/15'"),
            ("*-*-* 02:30  Europe/Berlin", "unexpected"),
            ("daily ", "expected a number"),
        ] {
            let r = CalendarEvent::parse(expr);
            assert!(
                matches!(&r, Err(e) if e.contains(want)),
                "{expr:?}: {r:?}, wanted {want:?}"
            );
        }
    }

    #[test]
    fn next_elapses() {
        assert_eq!(
            runs("daily", "2026-11-26T00:00:00Z", Tz::UTC, 2),
            ["2026-11-27T00:00:00Z", "2026-11-28T00:00:00Z"]
        );
        // The task's zone, unless the expression names one.
        assert_eq!(
            runs("*-*-* 03:00", "2026-11-26T00:00:00Z", Tz::Europe__Berlin, 1),
            ["2026-11-26T02:00:00Z"]
        );
        assert_eq!(
            runs(
                "*-*-* 03:00 UTC",
                "2026-11-26T00:00:00Z",
                Tz::Europe__Berlin,
                1
            ),
            ["2026-11-26T03:00:00Z"]
        );
        // The last Monday of May.
        assert_eq!(
            runs("Mon *-05~07/1", "2026-11-26T00:00:00Z", Tz::UTC, 2),
            ["2027-05-31T00:00:00Z", "2028-05-29T00:00:00Z"]
        );
        // The third-last day of February.
        assert_eq!(
            runs("*-02~03", "2026-11-26T00:00:00Z", Tz::UTC, 2),
            ["2027-02-26T00:00:00Z", "2028-02-27T00:00:00Z"]
        );
        // systemd's regression case for normalisation skipping a day (PR 22833).
        assert_eq!(
            runs("*-*-01/5 04:00:00", "2022-02-28T01:00:00Z", Tz::UTC, 1),
            ["2022-03-01T04:00:00Z"]
        );
        // Never: no 30 February; and a one-off in the past.
        assert!(runs("*-02-30", "2026-11-26T00:00:00Z", Tz::UTC, 1).is_empty());
        assert!(runs("2020-01-01", "2026-11-26T00:00:00Z", Tz::UTC, 1).is_empty());
    }

    #[test]
    fn dst_spring_forward_skips_the_missing_time() {
        assert_eq!(
            runs(
                "*-*-* 02:30:00 Europe/Berlin",
                "2026-03-28T00:00:00Z",
                Tz::UTC,
                3
            ),
            [
                "2026-03-28T01:30:00Z",
                "2026-03-30T00:30:00Z",
                "2026-03-31T00:30:00Z"
            ]
        );
        assert_eq!(
            runs("*:30", "2026-03-29T00:00:00Z", Tz::Europe__Berlin, 3),
            [
                "2026-03-29T00:30:00Z",
                "2026-03-29T01:30:00Z",
                "2026-03-29T02:30:00Z"
            ]
        );
    }

    #[test]
    fn dst_fall_back_fires_once() {
        assert_eq!(
            runs(
                "*-*-* 02:30:00 Europe/Berlin",
                "2026-10-24T00:00:00Z",
                Tz::UTC,
                3
            ),
            [
                "2026-10-24T00:30:00Z",
                "2026-10-25T00:30:00Z",
                "2026-10-26T01:30:00Z"
            ]
        );
        assert_eq!(
            runs("*:30", "2026-10-24T23:00:00Z", Tz::Europe__Berlin, 3),
            [
                "2026-10-24T23:30:00Z",
                "2026-10-25T00:30:00Z",
                "2026-10-25T02:30:00Z"
            ]
        );
        // Starting inside the repeated hour, the second 02:30 is next.
        assert_eq!(
            runs(
                "*-*-* 02:30:00",
                "2026-10-25T01:10:00Z",
                Tz::Europe__Berlin,
                1
            ),
            ["2026-10-25T01:30:00Z"]
        );
    }

    #[test]
    fn hostile_expressions_end() {
        // Impossible dates give up instead of looping.
        assert!(runs("*-02-31 00:00", "2026-01-01T00:00:00Z", Tz::UTC, 1).is_empty());
        assert!(runs("Mon *-02-30", "2026-01-01T00:00:00Z", Tz::UTC, 1).is_empty());
        assert!(runs("2199-12-31 23:59:59", "2199-12-31T23:59:59Z", Tz::UTC, 1).is_empty());
        let long = vec!["1"; 300].join(",");
        assert!(CalendarEvent::parse(&format!("*-*-{long}")).is_err());
        let ev = CalendarEvent::parse("*:*:*");
        assert!(ev.is_ok());
        for junk in [
            "\0",
            "@99999999999999999999",
            "9999999999999-1-1",
            "*-*-* 1:1:1.",
            "~",
            "-",
            "..",
        ] {
            assert!(CalendarEvent::parse(junk).is_err(), "{junk:?}");
        }
        // A far instant does not overflow.
        let e = CalendarEvent::parse("minutely");
        assert!(e.is_ok());
        if let Ok(e) = e {
            assert_eq!(e.next_after(DateTime::<Utc>::MAX_UTC, Tz::UTC), None);
            assert!(e.next_after(DateTime::<Utc>::MIN_UTC, Tz::UTC).is_some());
        }
    }

    #[test]
    fn descriptions() {
        assert_eq!(describe("*-*-* 02:30"), "At 02:30, every day");
        assert_eq!(describe("daily"), "At 00:00, every day");
        assert_eq!(describe("Mon..Fri 22:00"), "Mon..Fri at 22:00");
        assert_eq!(describe("Sun *-*-* 03:10:00"), "Sun at 03:10");
        assert_eq!(describe("weekly"), "Mon at 00:00");
        assert_eq!(describe("*-*-* 6,18:00"), "At 06:00 and 18:00, every day");
        assert_eq!(describe("minutely"), "Every minute");
        assert_eq!(describe("hourly"), "Every hour");
        assert_eq!(describe("*:0/15"), "Every 15 minutes");
        assert_eq!(describe("*:30"), "Every hour at minute 30");
        assert_eq!(
            describe("Mon..Fri 09..17:00"),
            "Mon..Fri, every hour from 09:00 to 17:00"
        );
        assert_eq!(describe("monthly"), "At 00:00 on day 1 of every month");
        assert_eq!(
            describe("quarterly"),
            "At 00:00 on day 1 of January, April, July and October"
        );
        assert_eq!(
            describe("*-*~01 23:00"),
            "At 23:00 on the last day of every month"
        );
        assert_eq!(
            describe("*-02~03"),
            "At 00:00 on the 3rd-last day of February"
        );
        assert_eq!(
            describe("Mon *-05~07/1"),
            "Mon at 00:00, on the last 7 days of May"
        );
        assert_eq!(
            describe("*-*-01/2 04:00"),
            "At 04:00 on every 2nd day from day 1 of every month"
        );
        assert_eq!(
            describe("2026..2030-*-* 12:00"),
            "At 12:00, every day in 2026 to 2030"
        );
        assert_eq!(describe("*:*:*"), "Every second");
        let both = CalendarEvents::new(
            ["Mon..Fri 22:00", "Sat 10:00 UTC"]
                .iter()
                .filter_map(|e| CalendarEvent::parse(e).ok())
                .collect(),
        );
        assert_eq!(both.describe(), "Mon..Fri at 22:00; Sat at 10:00 (UTC)");
        assert_eq!(both.common_zone(), None);
    }

    #[test]
    fn union_takes_the_earliest() {
        let both = CalendarEvents::new(
            ["*-*-* 06:00", "*-*-* 18:00"]
                .iter()
                .filter_map(|e| CalendarEvent::parse(e).ok())
                .collect(),
        );
        assert_eq!(both.events().len(), 2);
        let n = both.next_after(at("2026-11-26T07:00:00Z"), Tz::UTC);
        assert_eq!(n, Some(at("2026-11-26T18:00:00Z")));
        let n = both.next_after(at("2026-11-26T19:00:00Z"), Tz::UTC);
        assert_eq!(n, Some(at("2026-11-27T06:00:00Z")));
    }
}
