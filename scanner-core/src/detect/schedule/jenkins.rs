//! Jenkins pipelines' `cron('...')` triggers.
//!
//! ## What it does
//! Reads timer triggers from `Jenkinsfile`s (also `Jenkinsfile.*`, `*.jenkinsfile`), Groovy
//! scripts (Job DSL, shared pipelines) and jobs' `config.xml`:
//! - `triggers { cron('H 3 * * *') }`, `cron("...")`, `parameterizedCron('''... % A=1''')`,
//!   `pollSCM('H/15 * * * *')`, `properties([pipelineTriggers([cron(...)])])`, Job DSL `cron`
//!   and `scm` triggers; a spec in a variable of the same file (`def CRON = '...'`), also behind
//!   a condition (`BRANCH_NAME == 'main' ? '@daily' : ''`).
//! - Specs of several lines (each line a schedule, `#` comments, `TZ=Europe/Berlin`).
//! - Jenkins cron: minute hour day-of-month month day-of-week, numbers only, Sunday 0 or 7,
//!   `H`, `H(0-29)`, `H/15`, `H(0-29)/10` (a value Jenkins derives from the job name), hour ranges
//!   wrapping midnight, and the `@yearly`... `@hourly` aliases, which are hashed too
//!   (`@midnight` is some time between 00:00 and 02:59).
//!
//! `H` is reported as the range it picks from: the window check says "may", and the
//! description says the value is hashed. The command is the job: its Job DSL name, else the
//! folder of the Jenkinsfile, with the pipeline's first stages.
//!
//! ## Why is this bad?
//! A build that fires during the maintenance window deploys, tests or migrates against a system
//! being upgraded, or fails and pages someone.

use super::quartz::{clip, file_name, parse_xml, zone, Lines, Worded};
use super::spring::{close_of, eval_str, lex, Lang, Tk, Token, Value};
use super::Parsed;
use crate::schedule::{CronDialect, CronRecurrence, Kind, Recurrence, Task, Timing};
use chrono::Duration;
use chrono_tz::Tz;
use std::collections::HashMap;

/// Field bounds, as Jenkins' `BaseParser` has them.
const LO: [u32; 5] = [0, 0, 1, 1, 0];
const HI: [u32; 5] = [59, 23, 31, 12, 7];
/// `H` alone picks in these: day-of-month stops at 28, day-of-week at 6.
const HASH_HI: [u32; 5] = [59, 23, 28, 12, 6];
const FIELD: [&str; 5] = ["minute", "hour", "day-of-month", "month", "day-of-week"];

/// One field of a Jenkins spec.
#[derive(Debug, Clone)]
struct Field {
    /// For croner.
    cron: String,
    /// `H`: (lowest, highest, step) of the values it picks from.
    hashed: Option<(u32, u32, Option<u32>)>,
    /// As written.
    raw: String,
}

fn number(s: &str, field: usize) -> Result<u32, String> {
    let n: u32 = s.parse().map_err(|_| {
        if s.chars().any(|c| c.is_ascii_alphabetic()) {
            format!(
                "'{s}' in the {} field: Jenkins cron takes numbers, not names",
                FIELD.get(field).unwrap_or(&"")
            )
        } else {
            format!(
                "'{s}' in the {} field is not a number",
                FIELD.get(field).unwrap_or(&"")
            )
        }
    })?;
    let (lo, hi) = (
        LO.get(field).copied().unwrap_or(0),
        HI.get(field).copied().unwrap_or(0),
    );
    if n < lo || n > hi {
        return Err(format!(
            "{n} is out of range for the {} field ({lo}-{hi})",
            FIELD.get(field).unwrap_or(&"")
        ));
    }
    Ok(n)
}

fn step_of(s: &str) -> Result<u32, String> {
    match s.parse::<u32>() {
        Ok(0) => Err("a step must be positive".into()),
        Ok(n) => Ok(n),
        Err(_) => Err(format!("step '{s}' is not a number")),
    }
}

/// Values `from..=to` every `step` for croner; hours may wrap past midnight (`to` > 23).
fn range_text(from: u32, to: u32, step: u32, field: usize) -> String {
    if field == 1 && to > 23 {
        let values: Vec<String> = (from..=to)
            .step_by(step.max(1) as usize)
            .map(|v| (v % 24).to_string())
            .collect();
        return values.join(",");
    }
    if step > 1 {
        format!("{from}-{to}/{step}")
    } else if from == to {
        from.to_string()
    } else {
        format!("{from}-{to}")
    }
}

fn parse_field(raw: &str, field: usize) -> Result<Field, String> {
    let lo = LO.get(field).copied().unwrap_or(0);
    let hi = HI.get(field).copied().unwrap_or(0);
    let mut parts = Vec::new();
    let mut hashed = None;
    let many = raw.contains(',');
    for part in raw.split(',') {
        if part.is_empty() {
            return Err(format!("empty value in '{raw}'"));
        }
        if let Some(rest) = part.strip_prefix('H') {
            let (s, e, rest) = if let Some(r) = rest.strip_prefix('(') {
                let Some((inner, after)) = r.split_once(')') else {
                    return Err(format!("'{part}': 'H(' without ')'"));
                };
                let Some((a, b)) = inner.split_once('-') else {
                    return Err(format!("'{part}': H(...) needs a range such as H(0-29)"));
                };
                (number(a.trim(), field)?, number(b.trim(), field)?, after)
            } else {
                (lo, HASH_HI.get(field).copied().unwrap_or(hi), rest)
            };
            let step = match rest {
                "" => None,
                r => match r.strip_prefix('/') {
                    Some(n) => Some(step_of(n)?),
                    None => return Err(format!("'{part}' is not H, H(a-b) or H/n")),
                },
            };
            let e2 = if e < s {
                if field == 1 {
                    e + 24
                } else {
                    return Err(format!("'{part}': the range {s}-{e} is reversed"));
                }
            } else {
                e
            };
            if let Some(n) = step {
                if n > e2 - s + 1 {
                    return Err(format!(
                        "'{part}': step {n} is larger than the range {s}-{e}"
                    ));
                }
            }
            parts.push(range_text(s, e2, 1, field));
            if !many {
                hashed = Some((s, e, step));
            } else {
                hashed = hashed.or(Some((s, e, step)));
            }
            continue;
        }
        let (range, step) = match part.split_once('/') {
            Some((r, s)) => (r, Some(step_of(s)?)),
            None => (part, None),
        };
        if range == "*" {
            parts.push(match step {
                Some(n) => format!("*/{n}"),
                None => "*".into(),
            });
        } else if let Some((a, b)) = range.split_once('-') {
            let (a, b) = (number(a, field)?, number(b, field)?);
            let b2 = if b < a {
                if field == 1 {
                    b + 24
                } else {
                    return Err(format!("'{part}': the range {a}-{b} is reversed"));
                }
            } else {
                b
            };
            parts.push(range_text(a, b2, step.unwrap_or(1), field));
        } else {
            if step.is_some() {
                return Err(format!(
                    "'{part}': a step needs a range or '*' ('*/10', '5-59/10')"
                ));
            }
            parts.push(number(range, field)?.to_string());
        }
    }
    Ok(Field {
        cron: parts.join(","),
        hashed,
        raw: raw.to_string(),
    })
}

fn plain_words(pattern: &str) -> String {
    CronRecurrence::parse(pattern, CronDialect::default())
        .map(|c| c.describe())
        .unwrap_or_default()
}

const DAYS: [&str; 8] = [
    "Sunday",
    "Monday",
    "Tuesday",
    "Wednesday",
    "Thursday",
    "Friday",
    "Saturday",
    "Sunday",
];

fn day(n: u32) -> &'static str {
    DAYS.get(n as usize).copied().unwrap_or("?")
}

/// The words for a spec with hashed fields.
fn hashed_words(f: &[Field]) -> String {
    let get = |i: usize| f.get(i);
    let (Some(m), Some(h), Some(dom), Some(mon), Some(dow)) =
        (get(0), get(1), get(2), get(3), get(4))
    else {
        return String::new();
    };
    let time = if m.hashed.is_none() && h.hashed.is_none() {
        let w = plain_words(&format!("{} {} * * *", m.cron, h.cron));
        w.trim_end_matches(", every day").to_string()
    } else {
        let minute = match m.hashed {
            Some((s, e, None)) => format!("At a fixed minute Jenkins picks between {s} and {e}"),
            Some((s, e, Some(n))) => {
                let mut w = format!(
                    "Every {n} minutes from a fixed minute Jenkins picks between {s} and {}",
                    (s + n - 1).min(e)
                );
                if (s, e) != (0, 59) {
                    w.push_str(&format!(" up to minute {e}"));
                }
                w
            }
            None if m.raw == "*" => "Every minute".to_string(),
            None if m.raw.chars().all(|c| c.is_ascii_digit()) => format!("At minute {}", m.raw),
            None => format!("At minutes {}", m.raw),
        };
        let hour = match h.hashed {
            Some((s, e, None)) => format!(" past a fixed hour Jenkins picks between {s} and {e}"),
            Some((s, e, Some(n))) => format!(
                " past every {n} hours from a fixed hour Jenkins picks between {s} and {}",
                (s + n - 1).min(if e < s { e + 24 } else { e })
            ),
            None if h.raw == "*" && matches!(m.hashed, Some((_, _, Some(_)))) => String::new(),
            None if h.raw == "*" => " past every hour".to_string(),
            None if h.raw.chars().all(|c| c.is_ascii_digit()) => format!(" past hour {}", h.raw),
            None => match h.raw.strip_prefix("*/") {
                Some(n) => format!(" past every {n} hours"),
                None => format!(" past hours {}", h.raw),
            },
        };
        format!("{minute}{hour}")
    };
    let plain = |x: &Field| {
        if x.hashed.is_some() {
            "*".to_string()
        } else {
            x.cron.clone()
        }
    };
    let (pd, pm, pw) = (plain(dom), plain(mon), plain(dow));
    let and = if pd != "*" && pw != "*" { "+" } else { "" };
    let days = plain_words(&format!("0 0 {pd} {pm} {and}{pw}"));
    let mut rest = days.strip_prefix("At 00:00").unwrap_or("").to_string();
    let mut extra = String::new();
    if let Some((s, e, step)) = dom.hashed {
        match step {
            None => extra.push_str(&format!(
                ", on a fixed day of the month Jenkins picks between {s} and {e}"
            )),
            Some(n) => extra.push_str(&format!(
                ", every {n} days of the month from a fixed day Jenkins picks between {s} and {}",
                (s + n - 1).min(e)
            )),
        }
    }
    if let Some((s, e, _)) = mon.hashed {
        extra.push_str(&format!(
            ", in a fixed month Jenkins picks between {s} and {e}"
        ));
    }
    if let Some((s, e, _)) = dow.hashed {
        extra.push_str(&format!(
            ", on a fixed weekday Jenkins picks between {} and {}",
            day(s),
            day(e)
        ));
    }
    if !extra.is_empty() && rest == ", every day" {
        rest.clear();
    }
    format!("{time}{rest}{extra}")
}

/// Parse a Jenkins cron spec line (without `TZ=` or parameters): the recurrence and whether it
/// is hashed.
pub(super) fn parse_jenkins(spec: &str) -> Result<(Box<dyn Recurrence>, bool), String> {
    let e = spec.trim();
    let expanded = match e {
        "@yearly" | "@annually" => "H H H H *",
        "@monthly" => "H H H * *",
        "@weekly" => "H H * * H",
        "@daily" => "H H * * *",
        "@midnight" => "H H(0-2) * * *",
        "@hourly" => "H * * * *",
        m if m.starts_with('@') => {
            return Err(format!(
                "unknown alias '{m}' (Jenkins knows @yearly, @annually, @monthly, @weekly, @daily, @midnight, @hourly)"
            ))
        }
        other => other,
    };
    let raw: Vec<&str> = expanded.split_whitespace().collect();
    if raw.len() != 5 {
        return Err(format!(
            "Jenkins cron needs 5 fields (minute hour day-of-month month day-of-week), '{e}' has {}",
            raw.len()
        ));
    }
    let mut fields = Vec::with_capacity(5);
    for (i, r) in raw.iter().enumerate() {
        fields.push(parse_field(r, i).map_err(|m| format!("'{e}': {m}"))?);
    }
    let cron_of = |i: usize| fields.get(i).map(|f| f.cron.as_str()).unwrap_or("*");
    // Jenkins needs day-of-month and day-of-week to both match.
    let and = if cron_of(2) != "*" && cron_of(4) != "*" {
        "+"
    } else {
        ""
    };
    let pattern = format!(
        "{} {} {} {} {and}{}",
        cron_of(0),
        cron_of(1),
        cron_of(2),
        cron_of(3),
        cron_of(4)
    );
    let cron = CronRecurrence::parse(&pattern, CronDialect::default())
        .map_err(|err| format!("'{e}' is not a valid Jenkins schedule: {err}"))?;
    let hashed = fields.iter().any(|f| f.hashed.is_some());
    let words = if hashed {
        hashed_words(&fields)
    } else {
        cron.describe()
    };
    Ok((Box::new(Worded { cron, words }), hashed))
}

/// Where a spec came from, for the tasks it makes.
struct Source<'a> {
    path: &'a str,
    lines: &'a Lines<'a>,
    command: String,
    /// A note for every task (`polls the SCM...`).
    note: Option<String>,
    /// The trigger is parameterized: lines carry `% NAME=value` parameters.
    parameterized: bool,
    enabled: bool,
}

/// Read a (possibly multi-line) spec whose first line is at `first_line`.
fn read_spec(spec: &str, first_line: u32, src: &Source<'_>, out: &mut Parsed) {
    let mut tz: Option<Tz> = None;
    for (i, raw_line) in spec.lines().enumerate() {
        let line = first_line.saturating_add(u32::try_from(i).unwrap_or(u32::MAX));
        let l = raw_line.trim();
        if l.is_empty() || l.starts_with('#') {
            continue;
        }
        let raw = src.lines.get(line);
        if let Some(z) = l.strip_prefix("TZ=") {
            match zone(z) {
                Some(t) => tz = Some(t),
                None => out.invalid.push((
                    line,
                    format!(
                        "unknown time zone '{}': Jenkins rejects the whole trigger",
                        z.trim()
                    ),
                    raw,
                )),
            }
            continue;
        }
        let (cron_part, params) = match l.split_once('%') {
            Some((c, p)) if src.parameterized => (c.trim(), Some(p.trim())),
            _ => (l, None),
        };
        match parse_jenkins(cron_part) {
            Ok((recurrence, randomized)) => {
                let mut notes: Vec<String> = Vec::new();
                if let Some(n) = &src.note {
                    notes.push(n.clone());
                }
                if let Some(p) = params.filter(|p| !p.is_empty()) {
                    notes.push(format!("with parameters {p}"));
                }
                out.tasks.push(Task {
                    kind: Kind::Jenkins,
                    path: src.path.to_string(),
                    line,
                    expression: l.to_string(),
                    timing: Timing::Clock {
                        recurrence,
                        jitter: Duration::zero(),
                        randomized,
                    },
                    timezone: tz,
                    command: Some(src.command.clone()),
                    user: None,
                    note: (!notes.is_empty()).then(|| notes.join("; ")),
                    enabled: src.enabled,
                });
            }
            Err(e) => out.invalid.push((line, e, raw)),
        }
    }
}

/// Whether a file name (lowercase) is a pipeline or a Job DSL script.
fn is_pipeline(lower: &str) -> bool {
    lower.starts_with("jenkinsfile")
        || lower.ends_with(".jenkinsfile")
        || lower.ends_with(".groovy")
}

/// Whether [`detect`] could read anything from `text`: a job's `config.xml` with a trigger,
/// or a pipeline that mentions one.
pub fn wants(path: &str, text: &str) -> bool {
    let lower = file_name(path).to_ascii_lowercase();
    if lower == "config.xml" {
        text.contains("TimerTrigger") || text.contains("SCMTrigger")
    } else if is_pipeline(&lower) {
        text.contains("cron") || text.contains("pollSCM") || text.contains("scm(")
    } else {
        false
    }
}

/// Read `text` (the entry at `path`) if it is in this format.
pub fn detect(path: &str, text: &str) -> Option<Parsed> {
    if !wants(path, text) {
        return None;
    }
    let lower = file_name(path).to_ascii_lowercase();
    let parsed = if lower == "config.xml" {
        config_xml(path, text)
    } else if is_pipeline(&lower) {
        pipeline(path, text)
    } else {
        return None;
    };
    (!parsed.tasks.is_empty() || !parsed.invalid.is_empty()).then_some(parsed)
}

/// The folder a file is in (`ci/nightly/Jenkinsfile` -> `nightly`).
fn folder(path: &str) -> Option<&str> {
    let mut parts = path.rsplit('/');
    parts.next();
    parts
        .next()
        .map(|d| d.trim_end_matches('!'))
        .filter(|d| !d.is_empty())
}

/// Job DSL methods that create a job named by their first argument.
const JOB_DSL: [&str; 8] = [
    "job",
    "pipelineJob",
    "freeStyleJob",
    "multibranchPipelineJob",
    "matrixJob",
    "mavenJob",
    "workflowJob",
    "multiJob",
];

/// The strings a trigger's arguments can take: ([(value, line)], conditional). A ternary's
/// condition is skipped; a variable of the same file is followed once.
fn spec_strings(
    args: &[Token],
    toks: &[Token],
    vars: &HashMap<String, usize>,
    consts: &HashMap<String, Value>,
    depth: u8,
) -> Option<(Vec<(String, u32)>, bool)> {
    // `spec: '...'`: drop the name.
    let args = match (args.first().and_then(Token::ident), args.get(1)) {
        (Some(_), Some(c)) if c.is(':') && args.len() > 2 => args.get(2..).unwrap_or(&[]),
        _ => args,
    };
    if let Some(q) = args.iter().position(|t| t.is('?')) {
        let branches = args.get(q + 1..).unwrap_or(&[]);
        let strings: Vec<(String, u32)> = branches
            .iter()
            .filter_map(|t| t.str().map(|s| (s.to_string(), t.line)))
            .collect();
        return Some((strings, true));
    }
    if let Some(s) = eval_str(args, consts) {
        // Line of the first string token (or the call's).
        let line = args
            .iter()
            .find(|t| matches!(t.tk, Tk::Str(_)))
            .or_else(|| args.first())
            .map(|t| t.line)
            .unwrap_or(0);
        if args.len() == 1 || args.iter().all(|t| matches!(t.tk, Tk::Str(_)) || t.is('+')) {
            return Some((vec![(s, line)], false));
        }
    }
    if depth == 0 {
        if let [t] = args {
            let init = t.ident().and_then(|n| vars.get(n))?;
            let slice = initializer(toks, *init);
            return spec_strings(slice, toks, vars, consts, 1);
        }
    }
    None
}

/// The tokens of an initializer starting at `from`: to the end of its line, or further while
/// brackets are open.
fn initializer(toks: &[Token], from: usize) -> &[Token] {
    let Some(first) = toks.get(from) else {
        return &[];
    };
    let mut depth = 0usize;
    let mut end = from;
    let mut line = first.line;
    while let Some(t) = toks.get(end).filter(|_| end < from + 256) {
        if depth == 0 && t.line != line && end > from {
            // A continuation: an operator at the end of the previous line or the start of this.
            let prev_op = toks
                .get(end - 1)
                .is_some_and(|p| p.is('?') || p.is(':') || p.is('+'));
            if !(prev_op || t.is('?') || t.is(':') || t.is('+')) {
                break;
            }
        }
        match t.tk {
            Tk::Punct('(' | '[' | '{') => depth += 1,
            Tk::Punct(')' | ']' | '}') => {
                if depth == 0 {
                    break;
                }
                depth -= 1;
            }
            Tk::Punct(';') if depth == 0 => break,
            _ => {}
        }
        // A string spanning lines ends on a later line.
        line = t.line.saturating_add(
            u32::try_from(t.str().map(|s| s.matches('\n').count()).unwrap_or(0)).unwrap_or(0),
        );
        end += 1;
    }
    toks.get(from..end).unwrap_or(&[])
}

fn pipeline(path: &str, text: &str) -> Parsed {
    let mut out = Parsed::default();
    let lines = Lines::new(text);
    let toks = lex(text, Lang::CLike);
    // Variables: `def NAME = ...`, `NAME = ...`, `String NAME = ...`.
    let mut vars: HashMap<String, usize> = HashMap::new();
    for (i, t) in toks.iter().enumerate() {
        if let Some(n) = t.ident() {
            if toks.get(i + 1).is_some_and(|e| e.is('='))
                && !toks.get(i + 2).is_some_and(|e| e.is('='))
                && !i
                    .checked_sub(1)
                    .and_then(|b| toks.get(b))
                    .is_some_and(|b| b.is('.') || b.is('(') || b.is(','))
            {
                vars.insert(n.to_string(), i + 2);
            }
        }
    }
    let consts: HashMap<String, Value> = HashMap::new();
    let stages: Vec<String> = toks
        .iter()
        .enumerate()
        .filter(|(_, t)| t.ident() == Some("stage"))
        .filter_map(|(i, _)| {
            toks.get(i + 1)
                .filter(|p| p.is('('))
                .and_then(|_| toks.get(i + 2))
                .and_then(Token::str)
                .map(str::to_string)
        })
        .take(4)
        .collect();
    let default_command = {
        let mut c = match folder(path) {
            Some(d) => format!("Jenkins job {d}"),
            None => format!("Jenkins job ({})", file_name(path)),
        };
        if !stages.is_empty() {
            c.push_str(&format!(" (stages: {})", stages.join(", ")));
        }
        c
    };
    let mut dsl_job: Option<String> = None;
    let mut i = 0;
    while let Some(t) = toks.get(i) {
        let Some(name) = t.ident() else {
            i += 1;
            continue;
        };
        let after_dot = i
            .checked_sub(1)
            .and_then(|b| toks.get(b))
            .is_some_and(|b| b.is('.'));
        let open = toks.get(i + 1).is_some_and(|p| p.is('('));
        if !open || after_dot {
            i += 1;
            continue;
        }
        if JOB_DSL.contains(&name) {
            if let Some(s) = toks.get(i + 2).and_then(Token::str) {
                dsl_job = Some(s.to_string());
            }
            i += 1;
            continue;
        }
        let (note, parameterized) = match name {
            "cron" => (None, false),
            "parameterizedCron" => (None, true),
            "pollSCM" | "scm" => (
                Some("polls the SCM; builds only when it finds changes".to_string()),
                false,
            ),
            _ => {
                i += 1;
                continue;
            }
        };
        let close = close_of(&toks, i + 1);
        let args = toks.get(i + 2..close.saturating_sub(1)).unwrap_or(&[]);
        // `scm(...)` is a trigger only with a string argument (not Job DSL's `scm { }`).
        if name == "scm" && !args.first().is_some_and(|a| matches!(a.tk, Tk::Str(_))) {
            i += 1;
            continue;
        }
        let command = match &dsl_job {
            Some(j) => format!("Jenkins job {j}"),
            None => default_command.clone(),
        };
        let mut src = Source {
            path,
            lines: &lines,
            command,
            note,
            parameterized,
            enabled: true,
        };
        match spec_strings(args, &toks, &vars, &consts, 0) {
            Some((specs, conditional)) => {
                if conditional {
                    let c = "only when the pipeline's condition picks this spec".to_string();
                    src.note = Some(match src.note.take() {
                        Some(n) => format!("{n}; {c}"),
                        None => c,
                    });
                }
                for (spec, line) in specs {
                    read_spec(&spec, line, &src, &mut out);
                }
            }
            None if !args.is_empty() => {
                let what = clip(&super::spring::text_of(text, args), 120);
                let mut notes = vec![format!("the schedule comes from {what}")];
                notes.extend(src.note.take());
                out.tasks.push(Task {
                    kind: Kind::Jenkins,
                    path: path.to_string(),
                    line: t.line,
                    expression: format!("{name}({what})"),
                    timing: Timing::Event {
                        event: format!("when {what} says"),
                    },
                    timezone: None,
                    command: Some(src.command.clone()),
                    user: None,
                    note: Some(notes.join("; ")),
                    enabled: true,
                });
            }
            None => {}
        }
        i = close;
    }
    out
}

/// A job's `config.xml`: timer and SCM-polling triggers.
fn config_xml(path: &str, text: &str) -> Parsed {
    let mut out = Parsed::default();
    let lines = Lines::new(text);
    let xml = parse_xml(text);
    let project = xml.children(0).next().map(|(i, _)| i);
    let disabled = project
        .and_then(|p| xml.child_text(p, "disabled"))
        .is_some_and(|d| d == "true");
    let command = match folder(path) {
        Some(d) => format!("Jenkins job {d}"),
        None => "Jenkins job".to_string(),
    };
    for (i, n) in xml.nodes.iter().enumerate() {
        let (spec_name, note, parameterized) = if n.name.ends_with("ParameterizedTimerTrigger") {
            ("parameterizedSpecification", None, true)
        } else if n.name.ends_with("TimerTrigger") {
            ("spec", None, false)
        } else if n.name.ends_with("SCMTrigger") {
            (
                "spec",
                Some("polls the SCM; builds only when it finds changes".to_string()),
                false,
            )
        } else {
            continue;
        };
        let Some(spec) = xml.child(i, spec_name) else {
            continue;
        };
        let mut note = note;
        if disabled {
            note = Some(match note {
                Some(x) => format!("{x}; the job is disabled"),
                None => "the job is disabled".to_string(),
            });
        }
        let src = Source {
            path,
            lines: &lines,
            command: command.clone(),
            note,
            parameterized,
            enabled: !disabled,
        };
        read_spec(&spec.text, spec.line, &src, &mut out);
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

    fn parsed(spec: &str) -> Option<(Box<dyn Recurrence>, bool)> {
        let r = parse_jenkins(spec);
        assert!(r.is_ok(), "{spec}: {:?}", r.as_ref().err());
        r.ok()
    }

    fn runs(r: &dyn Recurrence, n: usize) -> Vec<String> {
        let mut t = now();
        let mut out = Vec::new();
        for _ in 0..n {
            let Some(next) = r.next_after(t, Tz::UTC) else {
                break;
            };
            out.push(rfc3339(next));
            t = next;
        }
        out
    }

    #[test]
    fn hashed_fields_are_ranges() {
        let Some((r, hashed)) = parsed("H 3 * * *") else {
            return;
        };
        assert!(hashed);
        assert_eq!(
            r.describe(),
            "At a fixed minute Jenkins picks between 0 and 59 past hour 3, every day"
        );
        assert_eq!(
            runs(r.as_ref(), 2),
            ["2026-11-26T03:00:00Z", "2026-11-26T03:01:00Z"]
        );
        let Some((r, _)) = parsed("@midnight") else {
            return;
        };
        assert_eq!(
            r.describe(),
            "At a fixed minute Jenkins picks between 0 and 59 past a fixed hour Jenkins picks between 0 and 2, every day"
        );
        let Some((r, _)) = parsed("H/15 * * * *") else {
            return;
        };
        assert_eq!(
            r.describe(),
            "Every 15 minutes from a fixed minute Jenkins picks between 0 and 14, every day"
        );
        let Some((r, _)) = parsed("H(0-29)/10 * * * 1-5") else {
            return;
        };
        assert!(r.describe().starts_with("Every 10 minutes from a fixed minute Jenkins picks between 0 and 9 up to minute 29, on Monday"), "{}", r.describe());
        assert_eq!(runs(r.as_ref(), 1), ["2026-11-26T00:01:00Z"]);
        let Some((r, _)) = parsed("@weekly") else {
            return;
        };
        assert!(
            r.describe()
                .ends_with("on a fixed weekday Jenkins picks between Sunday and Saturday"),
            "{}",
            r.describe()
        );
        let Some((r, _)) = parsed("H H H * *") else {
            return;
        };
        assert!(
            r.describe()
                .ends_with(", on a fixed day of the month Jenkins picks between 1 and 28"),
            "{}",
            r.describe()
        );
        // Not hashed: croner's words.
        let Some((r, hashed)) = parsed("30 2 * * 1-5") else {
            return;
        };
        assert!(!hashed);
        assert_eq!(
            r.describe(),
            "At 02:30, on Monday, Tuesday, Wednesday, Thursday, and Friday"
        );
        // Hours wrapping midnight.
        let Some((r, _)) = parsed("0 22-2 * * *") else {
            return;
        };
        assert_eq!(
            runs(r.as_ref(), 3),
            [
                "2026-11-26T01:00:00Z",
                "2026-11-26T02:00:00Z",
                "2026-11-26T22:00:00Z"
            ]
        );
        // Both day fields must match: the first Sunday of the month.
        let Some((r, _)) = parsed("0 3 1-7 * 7") else {
            return;
        };
        assert_eq!(runs(r.as_ref(), 1), ["2026-12-06T03:00:00Z"]);
    }

    #[test]
    fn rejected_specs_say_why() {
        let err = |s: &str| parse_jenkins(s).err().unwrap_or_default();
        assert!(err("0 3 * *").contains("5 fields"));
        assert!(err("0 3 * * MON").contains("numbers, not names"));
        assert!(err("61 3 * * *").contains("out of range"));
        assert!(err("5/10 3 * * *").contains("a step needs a range"));
        assert!(err("H(0-10)/20 * * * *").contains("larger than the range"));
        assert!(err("0 3 10-5 * *").contains("reversed"));
        assert!(err("@sometimes").contains("unknown alias"));
        assert!(err("0 3 * * 8").contains("out of range"));
        assert!(err("Hx 3 * * *").contains("not H"));
    }

    const JENKINSFILE: &str = r#"// Nightly build
def NIGHTLY = env.BRANCH_NAME == 'main' ? '''TZ=Europe/Berlin
H 3 * * *''' : ''

pipeline {
    agent any
    triggers {
        cron('''TZ=Europe/Berlin
# nightly
H 3 * * 1-5
H(0-29) 12 * * *
61 * * * *''')
        pollSCM('H/15 * * * *')
        parameterizedCron('''
            H 4 * * * % ENV=prod; DRY=false
        ''')
        cron(NIGHTLY)
        cron(env.SCHEDULE)
    }
    stages {
        stage('Build') { steps { sh 'make' } }
        stage("Test") { steps { sh 'make test' } }
    }
}
"#;

    #[test]
    fn declarative_pipeline() {
        let p = detect("ci/nightly/Jenkinsfile", JENKINSFILE);
        assert!(p.is_some(), "not recognised");
        let Some(p) = p else {
            return;
        };
        let got: Vec<(u32, String)> = p
            .tasks
            .iter()
            .map(|t| (t.line, t.expression.clone()))
            .collect();
        assert_eq!(
            got,
            [
                (10, "H 3 * * 1-5".to_string()),
                (11, "H(0-29) 12 * * *".to_string()),
                (13, "H/15 * * * *".to_string()),
                (15, "H 4 * * * % ENV=prod; DRY=false".to_string()),
                (3, "H 3 * * *".to_string()),
                (18, "cron(env.SCHEDULE)".to_string()),
            ]
        );
        let t = |i: usize| p.tasks.get(i);
        assert_eq!(t(0).and_then(|t| t.timezone), Some(Tz::Europe__Berlin));
        assert_eq!(
            t(0).and_then(|t| t.command.clone()).as_deref(),
            Some("Jenkins job nightly (stages: Build, Test)")
        );
        assert_eq!(t(2).and_then(|t| t.timezone), None);
        assert!(t(2)
            .and_then(|t| t.note.clone())
            .is_some_and(|n| n.contains("polls the SCM")));
        assert_eq!(
            t(3).and_then(|t| t.note.clone()).as_deref(),
            Some("with parameters ENV=prod; DRY=false")
        );
        assert_eq!(t(4).and_then(|t| t.timezone), Some(Tz::Europe__Berlin));
        assert!(t(4)
            .and_then(|t| t.note.clone())
            .is_some_and(|n| n.contains("condition")));
        assert!(matches!(
            t(5).map(|t| &t.timing),
            Some(Timing::Event { .. })
        ));
        assert_eq!(p.invalid.len(), 1);
        assert_eq!(
            p.invalid.first().map(|i| (i.0, i.2.as_str())),
            Some((12, "61 * * * *''')"))
        );
    }

    #[test]
    fn job_dsl_and_config_xml() {
        let dsl = "pipelineJob('acme-export') {\n  triggers {\n    cron('H 2 * * *')\n    scm('H/5 * * * *')\n  }\n}\n";
        let p = detect("jobs/export.groovy", dsl);
        assert!(p.is_some(), "not recognised");
        let Some(p) = p else {
            return;
        };
        let cmds: Vec<(u32, Option<String>)> = p
            .tasks
            .iter()
            .map(|t| (t.line, t.command.clone()))
            .collect();
        assert_eq!(
            cmds,
            [
                (3, Some("Jenkins job acme-export".into())),
                (4, Some("Jenkins job acme-export".into()))
            ]
        );
        let xml = "<?xml version='1.1' encoding='UTF-8'?>\n<project>\n  <disabled>true</disabled>\n  <triggers>\n    <hudson.triggers.TimerTrigger>\n      <spec>H 5 * * *\nTZ=Bogus/Zone</spec>\n    </hudson.triggers.TimerTrigger>\n  </triggers>\n</project>\n";
        let p = detect("jenkins/jobs/backup/config.xml", xml);
        assert!(p.is_some(), "not recognised");
        let Some(p) = p else {
            return;
        };
        assert_eq!(p.tasks.len(), 1);
        let Some(t) = p.tasks.first() else { return };
        assert_eq!((t.line, t.enabled), (6, false));
        assert_eq!(t.command.as_deref(), Some("Jenkins job backup"));
        assert_eq!(p.invalid.first().map(|i| i.0), Some(7));
        assert!(detect("ci/Jenkinsfile", "pipeline { agent any }").is_none());
        assert!(detect("src/Main.groovy", "println 'hello'").is_none());
        assert!(detect("src/Main.java", "cron('H 3 * * *')").is_none());
    }

    #[test]
    fn hostile_pipelines_stay_linear() {
        let spec = format!("cron('''{}''')", "61 * * * *\n".repeat(50_000));
        let p = detect("Jenkinsfile", &spec);
        assert_eq!(p.map(|p| p.invalid.len()), Some(50_000));
        let open = format!("X = [ {}", "cron(X) ".repeat(50_000));
        let _ = detect("Jenkinsfile", &open);
        let nested = "cron(".repeat(100_000);
        let _ = detect("Jenkinsfile", &nested);
    }
}
