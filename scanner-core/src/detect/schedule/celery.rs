//! Celery beat schedules (`crontab(...)`, intervals).
//!
//! ## What it does
//! Reads Celery beat entries in Python files:
//! - `beat_schedule = {...}`, `app.conf.beat_schedule = {...}`, `CELERYBEAT_SCHEDULE`,
//!   `CELERY_BEAT_SCHEDULE` (Django), `app.conf.update(beat_schedule={...})`,
//!   `beat_schedule['name'] = {...}`, `beat_schedule.update({...})`, `dict(...)` entries, and
//!   `sender.add_periodic_task(schedule, task.s(...), name=...)`.
//! - `'schedule'`: `crontab(minute, hour, day_of_week, day_of_month, month_of_year)` (every
//!   field defaults to `*`: `crontab()` fires every minute; day-of-week 0 or `sun` is Sunday;
//!   names, ranges, steps, lists, wrapping ranges; day-of-month and day-of-week must both
//!   match), a number of seconds, `timedelta(...)`, `schedule(run_every=...)`, `solar(...)`, or a
//!   variable of the same file holding one of these.
//! - The zone: `timezone` / `app.conf.timezone` / `CELERY_TIMEZONE` in the same file; without
//!   one, Celery's default, UTC (the server's zone when `enable_utc = False`).
//!
//! The command is the entry's `task`; the line is the line of its schedule.
//!
//! ## Why is this bad?
//! A periodic task that fires during the maintenance window runs in workers that are being
//! upgraded, against a database and broker that may be down or half migrated.

use super::quartz::{clip, file_name, millis, zone, Lines, Worded};
use super::spring::{lex, Lang, Tk, Token};
use super::Parsed;
use crate::schedule::{CronDialect, CronRecurrence, Kind, Recurrence, Task, Timing};
use chrono::Duration;
use chrono_tz::Tz;
use std::collections::HashMap;

/// A Python value, as far as beat schedules need one.
#[derive(Debug, Clone)]
enum Py {
    Str(String),
    Num(f64),
    /// A (dotted) name.
    Name(String),
    Call {
        name: String,
        args: Vec<Py>,
        kwargs: Vec<(String, Py)>,
    },
    Dict,
    /// A list, tuple or set.
    Seq(Vec<Py>),
    /// Arithmetic on two values.
    Op(Box<Py>, char, Box<Py>),
    /// Anything else.
    Other,
}

/// A value and the tokens it came from.
#[derive(Debug, Clone)]
struct Val {
    py: Py,
    /// Token range.
    from: usize,
    to: usize,
}

/// Deepest nesting read; deeper values are skipped.
const MAX_DEPTH: u8 = 48;

struct Reader<'a> {
    toks: &'a [Token],
}

impl Reader<'_> {
    fn tok(&self, i: usize) -> Option<&Token> {
        self.toks.get(i)
    }

    fn is(&self, i: usize, c: char) -> bool {
        self.tok(i).is_some_and(|t| t.is(c))
    }

    /// Skip to the next `,` or closing bracket at this level.
    fn skip(&self, mut i: usize) -> usize {
        let mut depth = 0usize;
        while let Some(t) = self.tok(i) {
            match t.tk {
                Tk::Punct('(' | '[' | '{') => depth += 1,
                Tk::Punct(')' | ']' | '}') => {
                    if depth == 0 {
                        return i;
                    }
                    depth -= 1;
                }
                Tk::Punct(',' | ':') if depth == 0 => return i,
                _ => {}
            }
            i += 1;
        }
        i
    }

    /// A value at `i`: the value and the index after it.
    fn value(&self, i: usize, depth: u8) -> (Val, usize) {
        let (mut left, mut j) = self.term(i, depth);
        let mut ops = 0u8;
        while let Some(op) = self.tok(j).and_then(|t| match t.tk {
            Tk::Punct(c @ ('*' | '+' | '-' | '/')) => Some(c),
            _ => None,
        }) {
            // Long chains would nest deeply (and drop recursively): give up on them.
            ops = ops.saturating_add(1);
            if ops > 32 {
                let end = self.skip(j);
                return (
                    Val {
                        py: Py::Other,
                        from: i,
                        to: end,
                    },
                    end,
                );
            }
            let (right, k) = self.term(j + 1, depth);
            if k == j + 1 {
                break;
            }
            left = Val {
                py: Py::Op(Box::new(left.py), op, Box::new(right.py)),
                from: left.from,
                to: right.to,
            };
            j = k;
        }
        // What continues an expression (comprehensions, conditionals, subscripts) spoils it;
        // a token on a new line outside brackets starts the next statement.
        let prev_line = j.checked_sub(1).and_then(|p| self.tok(p)).map(|t| {
            t.line
                + u32::try_from(t.str().map(|s| s.matches('\n').count()).unwrap_or(0)).unwrap_or(0)
        });
        let spoiled = self.tok(j).is_some_and(|t| {
            let continues = match &t.tk {
                Tk::Ident(k) => matches!(
                    k.as_str(),
                    "for" | "if" | "else" | "and" | "or" | "not" | "in" | "is" | "lambda" | "async"
                ),
                Tk::Punct(c) => !matches!(c, ',' | ')' | ']' | '}' | ':' | '=' | ';' | '@'),
                Tk::Str(_) | Tk::Num(_) => false,
            };
            continues && (depth > 0 || prev_line == Some(t.line))
        });
        let end = if spoiled { self.skip(j) } else { j };
        if end != j {
            return (
                Val {
                    py: Py::Other,
                    from: i,
                    to: end,
                },
                end,
            );
        }
        (left, j)
    }

    fn term(&self, i: usize, depth: u8) -> (Val, usize) {
        let val = |py, to| Val { py, from: i, to };
        let Some(t) = self.tok(i) else {
            return (val(Py::Other, i), i);
        };
        if depth >= MAX_DEPTH {
            let end = self.skip(i);
            return (val(Py::Other, end), end);
        }
        match &t.tk {
            Tk::Str(s) => {
                let mut s = s.clone();
                let mut j = i + 1;
                while let Some(more) = self.tok(j).and_then(Token::str) {
                    s.push_str(more);
                    j += 1;
                }
                (val(Py::Str(s), j), j)
            }
            Tk::Num(n) => (val(Py::Num(py_number(n)), i + 1), i + 1),
            Tk::Punct('-') => {
                let (v, j) = self.term(i + 1, depth + 1);
                let py = match v.py {
                    Py::Num(n) => Py::Num(-n),
                    _ => Py::Other,
                };
                (val(py, j), j)
            }
            Tk::Ident(first) => {
                let mut name = first.clone();
                let mut j = i + 1;
                loop {
                    if self.is(j, '.') {
                        if let Some(n) = self.tok(j + 1).and_then(Token::ident) {
                            name.push('.');
                            name.push_str(n);
                            j += 2;
                            continue;
                        }
                    }
                    if self.is(j, '(') {
                        let (args, kwargs, k) = self.call_args(j + 1, depth + 1);
                        j = k;
                        // A method on the call's result (`add.s(1).set(...)`): keep the first.
                        if self.is(j, '.') {
                            let end = self.skip(j);
                            return (val(Py::Call { name, args, kwargs }, end), end);
                        }
                        return (val(Py::Call { name, args, kwargs }, j), j);
                    }
                    break;
                }
                (val(Py::Name(name), j), j)
            }
            Tk::Punct('{') => {
                let mut j = i + 1;
                let mut pairs = false;
                let mut items = Vec::new();
                while let Some(t) = self.tok(j) {
                    if t.is('}') {
                        j += 1;
                        break;
                    }
                    if t.is(',') {
                        j += 1;
                        continue;
                    }
                    // `**other` spreads another dict.
                    if t.is('*') {
                        j = self.skip(j + 1);
                        continue;
                    }
                    let (k, after) = self.value(j, depth + 1);
                    if self.is(after, ':') {
                        let (_, after_v) = self.value(after + 1, depth + 1);
                        pairs = true;
                        j = after_v.max(after + 1);
                    } else {
                        items.push(k.py);
                        j = after.max(j + 1);
                    }
                    if !(self.is(j, ',') || self.is(j, '}')) {
                        j = self.skip(j).max(j + 1);
                    }
                }
                let py = if !pairs && !items.is_empty() {
                    Py::Seq(items)
                } else {
                    Py::Dict
                };
                (val(py, j), j)
            }
            Tk::Punct(open @ ('[' | '(')) => {
                let close = if *open == '[' { ']' } else { ')' };
                let mut j = i + 1;
                let mut items = Vec::new();
                while let Some(t) = self.tok(j) {
                    if t.is(close) {
                        j += 1;
                        break;
                    }
                    if t.is(',') {
                        j += 1;
                        continue;
                    }
                    let (v, after) = self.value(j, depth + 1);
                    items.push(v.py);
                    j = after.max(j + 1);
                    if !(self.is(j, ',') || self.is(j, close)) {
                        j = self.skip(j).max(j + 1);
                    }
                }
                (val(Py::Seq(items), j), j)
            }
            _ => (val(Py::Other, i), i),
        }
    }

    /// Arguments of a call whose `(` is just before `i`: (positional, keyword, after `)`).
    fn call_args(&self, i: usize, depth: u8) -> (Vec<Py>, Vec<(String, Py)>, usize) {
        let (args, kwargs, end) = self.call_vals(i, depth);
        (
            args.into_iter().map(|v| v.py).collect(),
            kwargs.into_iter().map(|(k, v)| (k, v.py)).collect(),
            end,
        )
    }

    /// Like [`Self::call_args`], keeping where each value is.
    fn call_vals(&self, mut i: usize, depth: u8) -> (Vec<Val>, Vec<(String, Val)>, usize) {
        let mut args = Vec::new();
        let mut kwargs = Vec::new();
        while let Some(t) = self.tok(i) {
            if t.is(')') {
                return (args, kwargs, i + 1);
            }
            if t.is(',') {
                i += 1;
                continue;
            }
            if let (Some(n), true) = (t.ident(), self.is(i + 1, '=') && !self.is(i + 2, '=')) {
                let (v, after) = self.value(i + 2, depth);
                kwargs.push((n.to_string(), v));
                i = after.max(i + 2);
            } else if t.is('*') {
                i = self.skip(i + 1).max(i + 1);
            } else {
                let (v, after) = self.value(i, depth);
                args.push(v);
                i = after.max(i + 1);
            }
            if !(self.is(i, ',') || self.is(i, ')')) {
                i = self.skip(i).max(i + 1);
            }
        }
        (args, kwargs, i)
    }
}

fn py_number(n: &str) -> f64 {
    let clean: String = n.chars().filter(|c| *c != '_').collect();
    let lower = clean.to_ascii_lowercase();
    if let Some(h) = lower.strip_prefix("0x") {
        return i64::from_str_radix(h, 16)
            .map(|v| v as f64)
            .unwrap_or(f64::NAN);
    }
    lower.trim_end_matches('j').parse().unwrap_or(f64::NAN)
}

fn eval_num(p: &Py) -> Option<f64> {
    let v = match p {
        Py::Num(n) => *n,
        // `(60 * 5)`
        Py::Seq(items) if items.len() == 1 => eval_num(items.first()?)?,
        Py::Op(a, op, b) => {
            let (a, b) = (eval_num(a)?, eval_num(b)?);
            match op {
                '*' => a * b,
                '+' => a + b,
                '-' => a - b,
                '/' => a / b,
                _ => return None,
            }
        }
        _ => return None,
    };
    v.is_finite().then_some(v)
}

/// The last part of a dotted name (`celery.schedules.crontab` -> `crontab`).
fn last(name: &str) -> &str {
    name.rsplit('.').next().unwrap_or(name)
}

const WEEKDAYS: [&str; 7] = ["sun", "mon", "tue", "wed", "thu", "fri", "sat"];
const MONTHS: [&str; 12] = [
    "jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec",
];

/// (argument name, lowest, highest).
const FIELDS: [(&str, u32, u32); 5] = [
    ("minute", 0, 59),
    ("hour", 0, 23),
    ("day_of_week", 0, 6),
    ("day_of_month", 1, 31),
    ("month_of_year", 1, 12),
];

/// A Celery value in one field: a number (or a name for weekdays and months).
fn field_number(s: &str, field: usize) -> Result<u32, String> {
    let (name, lo, hi) = FIELDS.get(field).copied().unwrap_or(("?", 0, 0));
    let n = match s.parse::<u32>() {
        Ok(n) => n,
        Err(_) => {
            let abbr: String = s.chars().take(3).collect::<String>().to_ascii_lowercase();
            let found = match field {
                2 => WEEKDAYS.iter().position(|d| *d == abbr),
                4 => MONTHS.iter().position(|m| *m == abbr).map(|m| m + 1),
                _ => None,
            };
            match found {
                Some(v) => u32::try_from(v).unwrap_or(u32::MAX),
                None => return Err(format!("{name}: '{s}' is not a number or a known name")),
            }
        }
    };
    if n < lo || n > hi {
        let hint = if field == 2 { " (0 = Sunday)" } else { "" };
        return Err(format!("{name}: {n} is outside {lo}-{hi}{hint}"));
    }
    Ok(n)
}

/// A Celery crontab field as text for croner.
fn celery_field(spec: &str, field: usize) -> Result<String, String> {
    let (name, lo, hi) = FIELDS.get(field).copied().unwrap_or(("?", 0, 0));
    let spec = spec.trim();
    if spec.is_empty() {
        return Err(format!("{name} is empty"));
    }
    let mut parts = Vec::new();
    for part in spec.split(',') {
        let part = part.trim();
        let (range, step) = match part.split_once('/') {
            Some((r, s)) => match s.parse::<u32>() {
                Ok(n) if n > 0 => (r, Some(n)),
                _ => return Err(format!("{name}: step '{s}' is not a positive number")),
            },
            None => (part, None),
        };
        let (a, b) = if range == "*" {
            (lo, hi)
        } else if let Some((a, b)) = range.split_once('-') {
            (
                field_number(a.trim(), field)?,
                field_number(b.trim(), field)?,
            )
        } else if step.is_some() {
            return Err(format!(
                "{name}: '{part}': a step needs a range or '*' ('*/15', '0-30/15')"
            ));
        } else {
            let n = field_number(range, field)?;
            (n, n)
        };
        let step = step.unwrap_or(1);
        if range == "*" {
            parts.push(if step > 1 {
                format!("*/{step}")
            } else {
                "*".into()
            });
        } else if b < a {
            // Celery wraps: `fri-mon`, `22-2`.
            let values: Vec<String> = (a..=hi)
                .chain(lo..=b)
                .step_by(step as usize)
                .map(|v| v.to_string())
                .collect();
            parts.push(values.join(","));
        } else if step > 1 {
            parts.push(format!("{a}-{b}/{step}"));
        } else if a == b {
            parts.push(a.to_string());
        } else {
            parts.push(format!("{a}-{b}"));
        }
    }
    Ok(parts.join(","))
}

/// A crontab argument's text: a number, a string, or a list of them.
fn arg_text(p: &Py) -> Option<String> {
    match p {
        Py::Str(s) => Some(s.clone()),
        Py::Num(n) if n.fract() == 0.0 && *n >= 0.0 && *n < 1e6 => Some(format!("{}", *n as u64)),
        Py::Seq(items) => {
            let parts: Option<Vec<String>> = items.iter().map(arg_text).collect();
            parts.filter(|p| !p.is_empty()).map(|p| p.join(","))
        }
        Py::Call { name, args, kwargs } if name == "range" && kwargs.is_empty() => {
            let nums: Option<Vec<f64>> = args.iter().map(eval_num).collect();
            match nums.as_deref() {
                Some([a, b]) if *b > *a => {
                    Some(format!("{}-{}", *a as i64, (*b as i64).saturating_sub(1)))
                }
                Some([a, b, s]) if *b > *a && *s >= 1.0 => Some(format!(
                    "{}-{}/{}",
                    *a as i64,
                    (*b as i64).saturating_sub(1),
                    *s as i64
                )),
                _ => None,
            }
        }
        _ => None,
    }
}

/// What a schedule value means.
enum Sched {
    Clock(Box<Worded>),
    Interval(Duration),
    Event(String),
}

fn crontab(args: &[Py], kwargs: &[(String, Py)]) -> Result<Sched, String> {
    let mut fields: [String; 5] = Default::default();
    for (i, f) in fields.iter_mut().enumerate() {
        let (name, _, _) = FIELDS.get(i).copied().unwrap_or(("?", 0, 0));
        let given = kwargs
            .iter()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v)
            .or_else(|| args.get(i));
        *f = match given {
            None => "*".to_string(),
            Some(v) => {
                let Some(text) = arg_text(v) else {
                    return Ok(Sched::Event(format!(
                        "on a crontab whose {name} this scanner cannot read"
                    )));
                };
                celery_field(&text, i)?
            }
        };
    }
    let [minute, hour, dow, dom, month] = &fields;
    let and = if dom != "*" && dow != "*" { "+" } else { "" };
    let pattern = format!("{minute} {hour} {dom} {month} {and}{dow}");
    let cron = CronRecurrence::parse(&pattern, CronDialect::default())
        .map_err(|e| format!("crontab is not valid: {e}"))?;
    let words = cron.describe();
    Ok(Sched::Clock(Box::new(Worded { cron, words })))
}

fn timedelta(args: &[Py], kwargs: &[(String, Py)]) -> Option<Duration> {
    const UNITS: [(&str, f64); 7] = [
        ("days", 86_400_000.0),
        ("seconds", 1_000.0),
        ("microseconds", 0.001),
        ("milliseconds", 1.0),
        ("minutes", 60_000.0),
        ("hours", 3_600_000.0),
        ("weeks", 604_800_000.0),
    ];
    let mut ms = 0.0;
    for (i, a) in args.iter().enumerate() {
        ms += eval_num(a)? * UNITS.get(i)?.1;
    }
    for (k, v) in kwargs {
        let unit = UNITS.iter().find(|(n, _)| n == k)?.1;
        ms += eval_num(v)? * unit;
    }
    (ms.is_finite() && ms.abs() < 1e15).then(|| millis(ms.round() as i64))?
}

/// Interpret an entry's schedule value; `vars` resolves names of the same file (once).
fn schedule_of(p: &Py, vars: &HashMap<String, Py>, depth: u8) -> Result<Sched, String> {
    match p {
        Py::Call { name, args, kwargs } => match last(name) {
            "crontab" => crontab(args, kwargs),
            "timedelta" => timedelta(args, kwargs)
                .map(Sched::Interval)
                .ok_or_else(|| "timedelta(...) is not a plain duration".to_string()),
            "schedule" => {
                let every = kwargs
                    .iter()
                    .find(|(k, _)| k == "run_every")
                    .map(|(_, v)| v)
                    .or_else(|| args.first());
                match every {
                    Some(v) => schedule_of(v, vars, depth),
                    None => Err("schedule() without run_every".into()),
                }
            }
            "solar" => {
                let event = args
                    .first()
                    .or_else(|| kwargs.iter().find(|(k, _)| k == "event").map(|(_, v)| v));
                let coords: Vec<String> = args
                    .iter()
                    .skip(1)
                    .filter_map(eval_num)
                    .map(|n| n.to_string())
                    .collect();
                Ok(Sched::Event(match event {
                    Some(Py::Str(e)) => format!(
                        "at the solar event '{e}' (latitude, longitude {})",
                        coords.join(", ")
                    ),
                    _ => "at a solar event".to_string(),
                }))
            }
            other => Ok(Sched::Event(format!(
                "on the schedule {other}(...), which this scanner cannot evaluate"
            ))),
        },
        Py::Name(n) if depth == 0 && vars.contains_key(n) => match vars.get(n) {
            Some(v) => schedule_of(v, vars, 1),
            None => Err("unknown".into()),
        },
        Py::Name(n) => Ok(Sched::Event(format!(
            "on the schedule in {n}, which this scanner cannot evaluate"
        ))),
        other => match eval_num(other) {
            Some(s) => millis((s * 1000.0).round() as i64)
                .map(Sched::Interval)
                .ok_or_else(|| format!("{s} seconds is out of range")),
            None => Ok(Sched::Event(
                "on a schedule this scanner cannot evaluate".to_string(),
            )),
        },
    }
}

/// Whether [`detect`] could read anything from `text`: Python that names a beat schedule or
/// adds a periodic task.
pub fn wants(path: &str, text: &str) -> bool {
    let markers = [
        "beat_schedule",
        "CELERYBEAT_SCHEDULE",
        "CELERY_BEAT_SCHEDULE",
        "add_periodic_task",
    ];
    file_name(path).to_ascii_lowercase().ends_with(".py")
        && markers.iter().any(|m| text.contains(m))
}

/// Read `text` (the entry at `path`) if it is in this format.
pub fn detect(path: &str, text: &str) -> Option<Parsed> {
    if !wants(path, text) {
        return None;
    }
    let parsed = parse(path, text);
    (!parsed.tasks.is_empty() || !parsed.invalid.is_empty()).then_some(parsed)
}

const SCHEDULE_NAMES: [&str; 3] = [
    "beat_schedule",
    "CELERYBEAT_SCHEDULE",
    "CELERY_BEAT_SCHEDULE",
];
const ZONE_NAMES: [&str; 3] = ["timezone", "CELERY_TIMEZONE", "CELERY_TIME_ZONE"];

/// One beat entry found: (name, entry value, where its schedule is).
struct Entry {
    name: String,
    task: Option<String>,
    schedule: Option<Val>,
    /// Line of the entry when it has no schedule.
    line: u32,
}

fn parse(path: &str, text: &str) -> Parsed {
    let mut out = Parsed::default();
    let toks = lex(text, Lang::Python);
    let lines = Lines::new(text);
    let r = Reader { toks: &toks };
    let line_of = |i: usize| toks.get(i).map(|t| t.line).unwrap_or(1);

    // Module-level names assigned a value: `NAME = value` (first assignment wins).
    let mut vars: HashMap<String, Py> = HashMap::new();
    let mut strings: HashMap<String, String> = HashMap::new();
    let mut entries: Vec<Entry> = Vec::new();
    let mut zone_setting: Option<(u32, String)> = None;
    let mut utc = true;

    // An entry dict's fields.
    let entry_of = |name: String, v: &Val, r: &Reader<'_>, entries: &mut Vec<Entry>| {
        let fields: Vec<(String, Val)> = match &v.py {
            Py::Dict | Py::Call { .. } => dict_fields(r, v),
            _ => return,
        };
        let get = |k: &str| fields.iter().find(|(n, _)| n == k).map(|(_, v)| v.clone());
        entries.push(Entry {
            name,
            task: get("task").and_then(|t| match t.py {
                Py::Str(s) => Some(s),
                _ => None,
            }),
            schedule: get("schedule"),
            line: toks.get(v.from).map(|t| t.line).unwrap_or(1),
        });
    };

    let mut i = 0;
    while let Some(t) = toks.get(i) {
        let key = match &t.tk {
            Tk::Ident(n) => Some(n.as_str()),
            Tk::Str(s) => Some(s.as_str()),
            _ => None,
        };
        let Some(key) = key else {
            i += 1;
            continue;
        };
        let assign = (r.is(i + 1, '=') && !r.is(i + 2, '='))
            || (r.is(i + 1, ':') && matches!(t.tk, Tk::Str(_)));
        if SCHEDULE_NAMES.contains(&key) {
            if assign {
                let (v, after) = r.value(i + 2, 0);
                for (name, e) in dict_fields(&r, &v) {
                    entry_of(name, &e, &r, &mut entries);
                }
                i = after.max(i + 1);
                continue;
            }
            // `beat_schedule['name'] = {...}`
            if r.is(i + 1, '[') && r.is(i + 3, ']') && r.is(i + 4, '=') {
                let name = toks
                    .get(i + 2)
                    .and_then(Token::str)
                    .unwrap_or("?")
                    .to_string();
                let (v, after) = r.value(i + 5, 0);
                entry_of(name, &v, &r, &mut entries);
                i = after.max(i + 1);
                continue;
            }
            // `beat_schedule.update({...})`
            if r.is(i + 1, '.')
                && toks.get(i + 2).and_then(Token::ident) == Some("update")
                && r.is(i + 3, '(')
            {
                let (args, _, after) = r.call_vals(i + 4, 1);
                if let Some(v) = args.first() {
                    for (name, e) in dict_fields(&r, v) {
                        entry_of(name, &e, &r, &mut entries);
                    }
                }
                i = after.max(i + 1);
                continue;
            }
        }
        if ZONE_NAMES.contains(&key) && assign {
            let (v, after) = r.value(i + 2, 0);
            match v.py {
                Py::Str(z) => zone_setting = Some((line_of(i), z)),
                Py::Name(n) => {
                    if let Some(z) = strings.get(&n) {
                        zone_setting = Some((line_of(i), z.clone()));
                    }
                }
                _ => {}
            }
            i = after.max(i + 1);
            continue;
        }
        if matches!(key, "enable_utc" | "CELERY_ENABLE_UTC") && assign {
            if toks.get(i + 2).and_then(Token::ident) == Some("False") {
                utc = false;
            }
            i += 3;
            continue;
        }
        if key == "add_periodic_task" && r.is(i + 1, '(') {
            let (args, kwargs, after) = r.call_vals(i + 2, 1);
            let kw = |name: &str| kwargs.iter().find(|(k, _)| k == name).map(|(_, v)| v);
            let sig = kw("sig").or_else(|| args.get(1)).map(|v| &v.py);
            let task = match sig {
                Some(Py::Call { name, args, .. }) => {
                    let base = name
                        .strip_suffix(".s")
                        .or_else(|| name.strip_suffix(".si"))
                        .or_else(|| name.strip_suffix(".signature"));
                    match (base, args.first()) {
                        (Some(b), _) => Some(b.to_string()),
                        (None, Some(Py::Str(s))) if last(name) == "signature" => Some(s.clone()),
                        (None, _) => Some(name.clone()),
                    }
                }
                Some(Py::Name(n)) => Some(n.clone()),
                _ => None,
            };
            let name = match kw("name").map(|v| &v.py) {
                Some(Py::Str(s)) => s.clone(),
                _ => task.clone().unwrap_or_else(|| "?".into()),
            };
            entries.push(Entry {
                name,
                task,
                schedule: kw("schedule").or_else(|| args.first()).cloned(),
                line: t.line,
            });
            i = after.max(i + 1);
            continue;
        }
        // Module-level assignments, for names used as schedules or zones.
        if let (Tk::Ident(n), true) = (&t.tk, r.is(i + 1, '=') && !r.is(i + 2, '=')) {
            let prev_dot = i
                .checked_sub(1)
                .and_then(|b| toks.get(b))
                .is_some_and(|b| b.is('.') || b.is('(') || b.is(','));
            if !prev_dot {
                let (v, after) = r.value(i + 2, 0);
                if let Py::Str(s) = &v.py {
                    strings.entry(n.clone()).or_insert_with(|| s.clone());
                }
                vars.entry(n.clone()).or_insert(v.py);
                i = after.max(i + 1);
                continue;
            }
        }
        i += 1;
    }

    let (timezone, zone_note) = match &zone_setting {
        Some((line, z)) => match zone(z) {
            Some(tz) => (Some(tz), None),
            None => {
                out.invalid.push((
                    *line,
                    format!("unknown time zone '{z}': Celery refuses to start"),
                    lines.get(*line),
                ));
                (None, None)
            }
        },
        None if utc => (
            Some(Tz::UTC),
            Some("in Celery's default zone, UTC: the file sets no timezone".to_string()),
        ),
        None => (None, None),
    };

    for e in entries {
        let Some(s) = e.schedule else {
            out.invalid.push((
                e.line,
                format!("beat entry '{}' has no schedule", e.name),
                lines.get(e.line),
            ));
            continue;
        };
        let line = line_of(s.from);
        let expression = clip(
            &super::spring::text_of(text, toks.get(s.from..s.to).unwrap_or(&[])),
            200,
        );
        let mut notes: Vec<String> = vec![format!("beat entry '{}'", e.name)];
        let timing = match schedule_of(&s.py, &vars, 0) {
            Ok(Sched::Clock(w)) => {
                notes.extend(zone_note.clone());
                Timing::Clock {
                    recurrence: w,
                    jitter: Duration::zero(),
                    randomized: false,
                }
            }
            Ok(Sched::Interval(every)) if every > Duration::zero() => Timing::Interval {
                every,
                anchor: "celery beat's start, then each run".to_string(),
            },
            Ok(Sched::Interval(_)) => {
                out.invalid.push((
                    line,
                    format!("beat entry '{}': the interval must be positive", e.name),
                    lines.get(line),
                ));
                continue;
            }
            Ok(Sched::Event(ev)) => Timing::Event { event: ev },
            Err(m) => {
                out.invalid.push((
                    line,
                    format!("beat entry '{}': {m}", e.name),
                    lines.get(line),
                ));
                continue;
            }
        };
        out.tasks.push(Task {
            kind: Kind::Celery,
            path: path.to_string(),
            line,
            expression,
            timing,
            timezone,
            command: Some(e.task.unwrap_or(e.name)),
            user: None,
            note: Some(notes.join("; ")),
            enabled: true,
        });
    }
    out
}

/// The (key, value) pairs of a dict literal or `dict(...)` call at `v`, with token positions.
fn dict_fields(r: &Reader<'_>, v: &Val) -> Vec<(String, Val)> {
    let mut out = Vec::new();
    let open = v.from;
    match r.tok(open).map(|t| &t.tk) {
        Some(Tk::Punct('{')) => {
            let mut j = open + 1;
            while let Some(t) = r.tok(j) {
                if t.is('}') || j >= v.to {
                    break;
                }
                if t.is(',') {
                    j += 1;
                    continue;
                }
                let (k, after) = r.value(j, 1);
                if r.is(after, ':') {
                    let (val, after_v) = r.value(after + 1, 1);
                    if let Py::Str(name) = k.py {
                        out.push((name, val));
                    }
                    j = after_v.max(after + 1);
                } else {
                    j = after.max(j + 1);
                }
                if !(r.is(j, ',') || r.is(j, '}')) {
                    j = r.skip(j).max(j + 1);
                }
            }
        }
        Some(Tk::Ident(n)) if n == "dict" && r.is(open + 1, '(') => {
            let mut j = open + 2;
            while let Some(t) = r.tok(j) {
                if t.is(')') || j >= v.to {
                    break;
                }
                if t.is(',') {
                    j += 1;
                    continue;
                }
                if let (Some(name), true) = (t.ident(), r.is(j + 1, '=')) {
                    let (val, after) = r.value(j + 2, 1);
                    out.push((name.to_string(), val));
                    j = after.max(j + 2);
                } else {
                    j = r.skip(j).max(j + 1);
                }
            }
        }
        _ => {}
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::schedule::rfc3339;
    use chrono::{DateTime, Utc};

    fn now() -> DateTime<Utc> {
        "2026-11-26T00:00:00Z".parse().unwrap_or_default()
    }

    fn first(t: &Task) -> String {
        match &t.timing {
            Timing::Clock { recurrence, .. } => recurrence
                .next_after(now(), Tz::UTC)
                .map(rfc3339)
                .unwrap_or_default(),
            _ => String::new(),
        }
    }

    fn words(t: &Task) -> String {
        match &t.timing {
            Timing::Clock { recurrence, .. } => recurrence.describe(),
            Timing::Interval { every, .. } => crate::schedule::words(*every),
            Timing::Event { event } => event.clone(),
        }
    }

    const CONFIG: &str = r#"from celery import Celery
from celery.schedules import crontab, solar
from datetime import timedelta

app = Celery('acme')
app.conf.timezone = 'Europe/Berlin'

EVERY_TEN = crontab(minute='*/10')

app.conf.beat_schedule = {
    # Nightly cleanup
    'cleanup-nightly': {
        'task': 'acme.tasks.cleanup',
        'schedule': crontab(minute=0, hour=3),
        'args': (16, 16),
    },
    'weekday-report': {
        'task': 'acme.tasks.report',
        'schedule': crontab(hour=7, minute=30, day_of_week='mon-fri'),
    },
    'every-minute': {'task': 'acme.tasks.tick', 'schedule': crontab()},
    'poll': {'task': 'acme.tasks.poll', 'schedule': (60 * 5.0)},
    'sync': {'task': 'acme.tasks.sync', 'schedule': timedelta(minutes=5, seconds=30)},
    'sunset': {'task': 'acme.tasks.lights', 'schedule': solar('sunset', 52.52, 13.40)},
    'ten': {'task': 'acme.tasks.ten', 'schedule': EVERY_TEN},
    'bad-hour': {'task': 'acme.tasks.bad', 'schedule': crontab(hour=25)},
    'bad-dow': {'task': 'acme.tasks.bad', 'schedule': crontab(minute=0, hour=1, day_of_week=7)},
    'sunday': {
        'task': 'acme.tasks.weekly',
        'schedule': crontab(0, 4, day_of_week='sun'),
    },
    'first-monday': {
        'task': 'acme.tasks.monthly',
        'schedule': crontab(0, 5, 'mon', '1-7'),
    },
}
"#;

    #[test]
    fn beat_schedule_entries() {
        let p = detect("acme/celeryconfig.py", CONFIG);
        assert!(p.is_some(), "not recognised");
        let Some(p) = p else {
            return;
        };
        let got: Vec<(u32, String, String)> = p
            .tasks
            .iter()
            .map(|t| (t.line, t.command.clone().unwrap_or_default(), first(t)))
            .collect();
        let want = [
            (14, "acme.tasks.cleanup", "2026-11-26T03:00:00Z"),
            (19, "acme.tasks.report", "2026-11-26T07:30:00Z"),
            (21, "acme.tasks.tick", "2026-11-26T00:01:00Z"),
            (22, "acme.tasks.poll", ""),
            (23, "acme.tasks.sync", ""),
            (24, "acme.tasks.lights", ""),
            (25, "acme.tasks.ten", "2026-11-26T00:10:00Z"),
            (30, "acme.tasks.weekly", "2026-11-29T04:00:00Z"),
            (34, "acme.tasks.monthly", "2026-12-07T05:00:00Z"),
        ];
        let want: Vec<(u32, String, String)> = want
            .iter()
            .map(|(l, c, f)| (*l, c.to_string(), f.to_string()))
            .collect();
        assert_eq!(got, want);
        assert!(p
            .tasks
            .iter()
            .all(|t| t.timezone == Some(Tz::Europe__Berlin)));
        let w: Vec<String> = p.tasks.iter().map(words).collect();
        assert_eq!(w.first().map(String::as_str), Some("At 03:00, every day"));
        assert_eq!(w.get(2).map(String::as_str), Some("Every minute"));
        assert_eq!(w.get(3).map(String::as_str), Some("5 min"));
        assert_eq!(w.get(4).map(String::as_str), Some("330 s"));
        assert!(w.get(5).is_some_and(|e| e.contains("sunset")));
        assert_eq!(
            p.tasks.first().map(|t| t.expression.as_str()),
            Some("crontab(minute=0, hour=3)")
        );
        let invalid: Vec<(u32, &str)> =
            p.invalid.iter().map(|(l, m, _)| (*l, m.as_str())).collect();
        assert_eq!(invalid.len(), 2, "{invalid:?}");
        assert_eq!(invalid.first().map(|i| i.0), Some(26));
        assert!(
            invalid
                .first()
                .is_some_and(|i| i.1.contains("hour: 25 is outside 0-23")),
            "{invalid:?}"
        );
        assert!(
            invalid.get(1).is_some_and(|i| i.1.contains("0 = Sunday")),
            "{invalid:?}"
        );
    }

    #[test]
    fn django_settings_and_periodic_tasks() {
        let text = r#"TIME_ZONE = 'America/New_York'
CELERY_TIMEZONE = TIME_ZONE
CELERY_BEAT_SCHEDULE = dict(
    nightly=dict(task='shop.tasks.nightly', schedule=crontab(minute=15, hour='2,14')),
)

@app.on_after_configure.connect
def setup_periodic_tasks(sender, **kwargs):
    sender.add_periodic_task(10.0, test.s('hello'), name='add every 10')
    sender.add_periodic_task(
        crontab(hour=7, minute=30, day_of_week=1),
        test.s('Happy Mondays!'),
    )
"#;
        let p = detect("shop/settings.py", text);
        assert!(p.is_some(), "not recognised");
        let Some(p) = p else {
            return;
        };
        let got: Vec<(u32, Option<String>, Option<Tz>)> = p
            .tasks
            .iter()
            .map(|t| (t.line, t.command.clone(), t.timezone))
            .collect();
        let ny = Some(Tz::America__New_York);
        assert_eq!(
            got,
            [
                (4, Some("shop.tasks.nightly".into()), ny),
                (9, Some("test".into()), ny),
                (11, Some("test".into()), ny),
            ]
        );
        assert!(p.invalid.is_empty(), "{:?}", p.invalid);
    }

    #[test]
    fn default_zone_is_utc() {
        let text =
            "beat_schedule = {'x': {'task': 't.x', 'schedule': crontab(minute=0, hour='*/6')}}\n";
        let Some(p) = detect("conf.py", text) else {
            return;
        };
        let t = p.tasks.first();
        assert!(t.is_some(), "no task");
        let Some(t) = t else {
            return;
        };
        assert_eq!(t.timezone, Some(Tz::UTC));
        assert!(t
            .note
            .as_deref()
            .is_some_and(|n| n.contains("default zone")));
        let local = format!("enable_utc = False\n{text}");
        let Some(p) = detect("conf.py", &local) else {
            return;
        };
        assert_eq!(p.tasks.first().and_then(|t| t.timezone), None);
    }

    #[test]
    fn fields_and_junk() {
        assert_eq!(celery_field("mon-fri", 2).as_deref(), Ok("1-5"));
        assert_eq!(celery_field("fri-mon", 2).as_deref(), Ok("5,6,0,1"));
        assert_eq!(celery_field("Sunday,wed", 2).as_deref(), Ok("0,3"));
        assert_eq!(celery_field("*/15", 0).as_deref(), Ok("*/15"));
        assert_eq!(celery_field("jan-mar", 4).as_deref(), Ok("1-3"));
        assert!(celery_field("5/10", 0).is_err());
        assert!(celery_field("", 0).is_err());
        assert!(celery_field("0", 3).is_err());
        for junk in [
            "beat_schedule = {",
            "beat_schedule = {'a': {'schedule': crontab(",
            "beat_schedule = {'a': {'task': 'x', 'schedule': [[[[[[[[",
            "beat_schedule = {**base, 'a': {'task': 'x', 'schedule': 1e400}}",
            "add_periodic_task(",
            "beat_schedule['x'] = ",
            "beat_schedule.update(",
        ] {
            let _ = detect("x.py", junk);
        }
        let deep = format!("beat_schedule = {}", "[".repeat(5000));
        let _ = detect("x.py", &deep);
        assert!(detect("x.py", "print('hello')").is_none());
        assert!(detect(
            "x.txt",
            "beat_schedule = {'a': {'task': 'x', 'schedule': 5}}"
        )
        .is_none());
    }

    #[test]
    fn hostile_python_stays_shallow() {
        let chain = format!(
            "beat_schedule = {{'a': {{'task': 'x', 'schedule': {}1}}}}",
            "1 + ".repeat(200_000)
        );
        let p = detect("x.py", &chain);
        assert!(p.is_some_and(|p| p.tasks.len() == 1));
        let nested = format!("beat_schedule = {}", "{'a': ".repeat(100_000));
        let _ = detect("x.py", &nested);
        let calls = format!("beat_schedule = {}", "f(".repeat(100_000));
        let _ = detect("x.py", &calls);
        let neg = format!(
            "beat_schedule = {{'a': {{'task': 'x', 'schedule': {}1}}}}",
            "-".repeat(100_000)
        );
        let _ = detect("x.py", &neg);
    }
}
