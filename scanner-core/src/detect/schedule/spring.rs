//! Spring `@Scheduled` annotations in Java and Kotlin sources.
//!
//! ## What it does
//! Reads `@Scheduled(...)` annotations (also repeated, inside `@Schedules`, spread over several
//! lines, fully qualified) in `.java` and `.kt` files:
//! - `cron = "0 0 3 * * *"`: Spring's cron (6 fields, seconds first; Sunday is 0 or 7; `?`, `L`,
//!   `W`, `#`; `@daily`-style macros; day-of-month and day-of-week must both match), with
//!   `zone = "Europe/Berlin"`; `cron = "-"` disables the method.
//! - `fixedRate`, `fixedDelay` (and their `String` forms, ISO-8601 `PT5M` or `5m`), with
//!   `timeUnit = TimeUnit.X` and `initialDelay`: an interval counted from application start.
//! - `${property:default}` placeholders use their default; without one the task is reported as
//!   depending on that property. `static final` / `const val` string and number constants of
//!   the same file are resolved.
//!
//! The task's command is `Class.method()`, its line the annotation's. Spring XML's
//! `<task:scheduled ref=... method=... cron=... fixed-rate=...>` elements are read too.
//!
//! ## Why is this bad?
//! A scheduled method that fires during the maintenance window runs inside the application
//! while it is being upgraded, against a database whose schema may be half migrated.
//!
//! This file also holds the tokenizer the Groovy (Jenkins) and Python (Celery) readers use.

use super::quartz::{
    clip, file_name, open_steps, parse_xml, resolve, zone, Lines, Resolved, Worded, Xml,
};
use super::Parsed;
use crate::schedule::{CronDialect, CronRecurrence, Kind, Recurrence, Task, Timing};
use chrono::Duration;
use chrono_tz::Tz;
use std::collections::HashMap;

// ---------------------------------------------------------------------------------------------
// Tokenizer shared by the source-code formats.
// ---------------------------------------------------------------------------------------------

/// What a token is.
#[derive(Debug, Clone, PartialEq)]
pub(super) enum Tk {
    /// A name (letters, digits, `_`, `$`).
    Ident(String),
    /// A string literal, decoded.
    Str(String),
    /// A number as written.
    Num(String),
    /// Any other character.
    Punct(char),
}

/// A token and where it is.
#[derive(Debug, Clone)]
pub(super) struct Token {
    /// The token.
    pub(super) tk: Tk,
    /// 1-based line where it starts.
    pub(super) line: u32,
    /// Byte offset of its start.
    pub(super) start: usize,
    /// Byte offset after its end.
    pub(super) end: usize,
}

impl Token {
    /// The identifier, if it is one.
    pub(super) fn ident(&self) -> Option<&str> {
        match &self.tk {
            Tk::Ident(s) => Some(s),
            _ => None,
        }
    }

    /// The string value, if it is a string.
    pub(super) fn str(&self) -> Option<&str> {
        match &self.tk {
            Tk::Str(s) => Some(s),
            _ => None,
        }
    }

    /// True for this punctuation character.
    pub(super) fn is(&self, c: char) -> bool {
        self.tk == Tk::Punct(c)
    }
}

/// Comment and string syntax.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Lang {
    /// Java, Kotlin, Groovy: `//`, `/* */`, `"..."`, `'...'`, `"""..."""`, `'''...'''`.
    CLike,
    /// Python: `#`, prefixed and triple-quoted strings.
    Python,
}

/// Split source text into tokens, skipping comments. Never fails; unterminated strings end at
/// the end of their line (or of the text for triple quotes).
pub(super) fn lex(text: &str, lang: Lang) -> Vec<Token> {
    let chars: Vec<(usize, char)> = text.char_indices().collect();
    let at = |i: usize| chars.get(i).map(|(_, c)| *c);
    let offset = |i: usize| chars.get(i).map(|(o, _)| *o).unwrap_or(text.len());
    let mut out = Vec::new();
    let mut line = 1u32;
    let mut i = 0usize;
    while let Some(c) = at(i) {
        if c == '\n' {
            line = line.saturating_add(1);
            i += 1;
            continue;
        }
        if c.is_whitespace() {
            i += 1;
            continue;
        }
        // Comments.
        let comment = match lang {
            Lang::Python => c == '#',
            Lang::CLike => c == '/' && at(i + 1) == Some('/'),
        };
        if comment {
            while at(i).is_some_and(|c| c != '\n') {
                i += 1;
            }
            continue;
        }
        if lang == Lang::CLike && c == '/' && at(i + 1) == Some('*') {
            i += 2;
            while let Some(c) = at(i) {
                if c == '*' && at(i + 1) == Some('/') {
                    i += 2;
                    break;
                }
                if c == '\n' {
                    line = line.saturating_add(1);
                }
                i += 1;
            }
            continue;
        }
        let start_line = line;
        let start = offset(i);
        // Strings, with Python prefixes (r, b, u, f and pairs).
        let mut q = i;
        let mut raw = false;
        if lang == Lang::Python && c.is_ascii_alphabetic() {
            let mut j = i;
            while at(j).is_some_and(|c| "rRbBuUfF".contains(c)) && j - i < 2 {
                j += 1;
            }
            if j > i && matches!(at(j), Some('"' | '\'')) {
                raw = (i..j).any(|k| matches!(at(k), Some('r' | 'R')));
                q = j;
            }
        }
        if let Some(quote @ ('"' | '\'')) = at(q) {
            let triple = at(q + 1) == Some(quote) && at(q + 2) == Some(quote);
            let mut j = if triple { q + 3 } else { q + 1 };
            let mut value = String::new();
            while let Some(ch) = at(j) {
                if ch == '\\' && !raw {
                    match at(j + 1) {
                        Some('n') => value.push('\n'),
                        Some('t') => value.push('\t'),
                        Some('\n') => line = line.saturating_add(1),
                        Some(e) => {
                            if !matches!(e, '\\' | '\'' | '"' | '$' | '/') {
                                value.push('\\');
                            }
                            value.push(e);
                        }
                        None => {}
                    }
                    j += 2;
                    continue;
                }
                if ch == quote
                    && (!triple || (at(j + 1) == Some(quote) && at(j + 2) == Some(quote)))
                {
                    j += if triple { 3 } else { 1 };
                    break;
                }
                if ch == '\n' {
                    if !triple {
                        break;
                    }
                    line = line.saturating_add(1);
                }
                value.push(ch);
                j += 1;
            }
            out.push(Token {
                tk: Tk::Str(value),
                line: start_line,
                start,
                end: offset(j),
            });
            i = j;
            continue;
        }
        if c.is_alphabetic() || c == '_' || c == '$' {
            let mut j = i;
            while at(j).is_some_and(|c| c.is_alphanumeric() || c == '_' || c == '$') {
                j += 1;
            }
            out.push(Token {
                tk: Tk::Ident(text.get(start..offset(j)).unwrap_or("").to_string()),
                line,
                start,
                end: offset(j),
            });
            i = j;
            continue;
        }
        if c.is_ascii_digit() || (c == '.' && at(i + 1).is_some_and(|d| d.is_ascii_digit())) {
            let mut j = i;
            while let Some(d) = at(j) {
                let exp_sign = matches!(d, '+' | '-')
                    && matches!(at(j.wrapping_sub(1)), Some('e' | 'E'))
                    && !text.get(start..offset(j)).unwrap_or("").starts_with("0x");
                if d.is_ascii_alphanumeric() || d == '_' || d == '.' || exp_sign {
                    j += 1;
                } else {
                    break;
                }
            }
            out.push(Token {
                tk: Tk::Num(text.get(start..offset(j)).unwrap_or("").to_string()),
                line,
                start,
                end: offset(j),
            });
            i = j;
            continue;
        }
        out.push(Token {
            tk: Tk::Punct(c),
            line,
            start,
            end: offset(i + 1),
        });
        i += 1;
    }
    out
}

/// The index after the bracket that closes the one at `open` (or the end).
pub(super) fn close_of(toks: &[Token], open: usize) -> usize {
    let mut depth = 0usize;
    let mut i = open;
    while let Some(t) = toks.get(i) {
        match t.tk {
            Tk::Punct('(' | '[' | '{') => depth += 1,
            Tk::Punct(')' | ']' | '}') => {
                depth = depth.saturating_sub(1);
                if depth == 0 {
                    return i + 1;
                }
            }
            _ => {}
        }
        i += 1;
    }
    toks.len()
}

/// Split the tokens between brackets at top-level commas.
pub(super) fn split_args(toks: &[Token]) -> Vec<&[Token]> {
    let mut out = Vec::new();
    let mut depth = 0usize;
    let mut from = 0usize;
    for (i, t) in toks.iter().enumerate() {
        match t.tk {
            Tk::Punct('(' | '[' | '{') => depth += 1,
            Tk::Punct(')' | ']' | '}') => depth = depth.saturating_sub(1),
            Tk::Punct(',') if depth == 0 => {
                out.push(toks.get(from..i).unwrap_or(&[]));
                from = i + 1;
            }
            _ => {}
        }
    }
    let last = toks.get(from..).unwrap_or(&[]);
    if !last.is_empty() {
        out.push(last);
    }
    out
}

/// The source text a run of tokens covers, whitespace collapsed.
pub(super) fn text_of(text: &str, toks: &[Token]) -> String {
    let (Some(a), Some(b)) = (toks.first(), toks.last()) else {
        return String::new();
    };
    text.get(a.start..b.end)
        .unwrap_or("")
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
}

/// Integer arithmetic over number tokens and named constants: `60 * 1000`, `5_000L`, `RATE`.
pub(super) fn eval_int(toks: &[Token], consts: &HashMap<String, Value>) -> Option<i64> {
    eval_int_at(toks, consts, 0)
}

fn eval_int_at(toks: &[Token], consts: &HashMap<String, Value>, depth: u8) -> Option<i64> {
    if depth > 16 {
        return None;
    }
    let mut sum: i64 = 0;
    let mut product: Option<i64> = None;
    let mut expect_operand = true;
    let mut i = 0;
    while let Some(t) = toks.get(i) {
        if expect_operand {
            let v = match &t.tk {
                Tk::Num(n) => parse_int(n)?,
                Tk::Ident(_) => {
                    // A dotted name: its last part (`Constants.RATE` -> `RATE`).
                    let mut j = i;
                    while toks.get(j + 1).is_some_and(|t| t.is('.'))
                        && toks.get(j + 2).and_then(Token::ident).is_some()
                    {
                        j += 2;
                    }
                    let name = toks.get(j).and_then(Token::ident)?;
                    i = j;
                    match consts.get(name)? {
                        Value::Int(v) => *v,
                        Value::Str(s) => parse_int(s)?,
                    }
                }
                Tk::Punct('(') => {
                    let close = close_of(toks, i);
                    let v =
                        eval_int_at(toks.get(i + 1..close.saturating_sub(1))?, consts, depth + 1)?;
                    i = close.saturating_sub(1);
                    v
                }
                _ => return None,
            };
            product = Some(match product {
                Some(p) => p.checked_mul(v)?,
                None => v,
            });
            expect_operand = false;
        } else {
            match t.tk {
                Tk::Punct('*') => expect_operand = true,
                Tk::Punct('+') => {
                    sum = sum.checked_add(product.take()?)?;
                    expect_operand = true;
                }
                _ => return None,
            }
        }
        i += 1;
    }
    if expect_operand {
        return None;
    }
    sum.checked_add(product?)
}

/// A Java/Kotlin integer literal (`5000`, `5_000L`, `0x10`).
fn parse_int(n: &str) -> Option<i64> {
    let clean: String = n
        .trim()
        .trim_end_matches(['L', 'l'])
        .chars()
        .filter(|c| *c != '_')
        .collect();
    match clean
        .strip_prefix("0x")
        .or_else(|| clean.strip_prefix("0X"))
    {
        Some(h) => i64::from_str_radix(h, 16).ok(),
        None => clean.parse().ok(),
    }
}

/// A constant's value.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) enum Value {
    /// A string.
    Str(String),
    /// An integer.
    Int(i64),
}

/// String concatenation over string tokens and named constants: `"0 0 " + HOUR + " * * *"`.
pub(super) fn eval_str(toks: &[Token], consts: &HashMap<String, Value>) -> Option<String> {
    let mut out = String::new();
    let mut expect_operand = true;
    let mut i = 0;
    while let Some(t) = toks.get(i) {
        if expect_operand {
            match &t.tk {
                Tk::Str(s) => out.push_str(s),
                Tk::Num(n) => out.push_str(&parse_int(n)?.to_string()),
                Tk::Ident(_) => {
                    let mut j = i;
                    while toks.get(j + 1).is_some_and(|t| t.is('.'))
                        && toks.get(j + 2).and_then(Token::ident).is_some()
                    {
                        j += 2;
                    }
                    let name = toks.get(j).and_then(Token::ident)?;
                    i = j;
                    match consts.get(name)? {
                        Value::Str(s) => out.push_str(s),
                        Value::Int(v) => out.push_str(&v.to_string()),
                    }
                }
                _ => return None,
            }
            expect_operand = false;
        } else if t.is('+') {
            expect_operand = true;
        } else {
            return None;
        }
        i += 1;
    }
    (!expect_operand).then_some(out)
}

/// Named constants of a Java/Kotlin file: `static final String CRON = "..."`,
/// `const val RATE = 5000L`, `val CRON: String = "..."`.
fn constants(toks: &[Token]) -> HashMap<String, Value> {
    let mut out: HashMap<String, Value> = HashMap::new();
    for (i, t) in toks.iter().enumerate() {
        let Some(name) = t.ident() else { continue };
        // `NAME =` or `NAME : Type =`, after a type or `val`.
        let before = i.checked_sub(1).and_then(|b| toks.get(b));
        if !before.is_some_and(|b| b.ident().is_some() || b.is('>') || b.is(']')) {
            continue;
        }
        let eq = if toks.get(i + 1).is_some_and(|t| t.is(':')) {
            i + 3
        } else {
            i + 1
        };
        if !toks.get(eq).is_some_and(|t| t.is('=')) || toks.get(eq + 1).is_some_and(|t| t.is('=')) {
            continue;
        }
        // The initializer runs to `;` or the end of its line.
        let line = toks.get(eq).map(|t| t.line).unwrap_or(0);
        let mut end = eq + 1;
        while toks
            .get(end)
            .is_some_and(|t| !t.is(';') && (t.line == line || end == eq + 1) && end < eq + 64)
        {
            end += 1;
        }
        let init = toks.get(eq + 1..end).unwrap_or(&[]);
        let value = if init.iter().any(|t| matches!(t.tk, Tk::Str(_))) {
            eval_str(init, &out).map(Value::Str)
        } else {
            eval_int(init, &out).map(Value::Int)
        };
        if let Some(v) = value {
            out.insert(name.to_string(), v);
        }
    }
    out
}

// ---------------------------------------------------------------------------------------------
// Spring cron and durations
// ---------------------------------------------------------------------------------------------

/// Parse a Spring cron expression into a recurrence, or say why Spring rejects it.
pub(super) fn parse_spring_cron(expression: &str) -> Result<Box<dyn Recurrence>, String> {
    let e = expression.trim();
    let expanded = match e.to_ascii_lowercase().as_str() {
        "@yearly" | "@annually" => "0 0 0 1 1 *".to_string(),
        "@monthly" => "0 0 0 1 * *".to_string(),
        "@weekly" => "0 0 0 * * 0".to_string(),
        "@daily" | "@midnight" => "0 0 0 * * *".to_string(),
        "@hourly" => "0 0 * * * *".to_string(),
        m if m.starts_with('@') => {
            return Err(format!(
                "unknown macro '{e}' (Spring knows @yearly, @annually, @monthly, @weekly, @daily, @midnight, @hourly)"
            ))
        }
        _ => e.to_uppercase(),
    };
    let fields: Vec<&str> = expanded.split_whitespace().collect();
    if fields.len() != 6 {
        return Err(format!(
            "Spring cron needs exactly 6 fields (second minute hour day-of-month month day-of-week), '{e}' has {}",
            fields.len()
        ));
    }
    for (i, f) in fields.iter().enumerate() {
        if f.contains('?') && i != 3 && i != 5 {
            return Err(format!(
                "'?' is only allowed in day-of-month and day-of-week, not in '{f}'"
            ));
        }
    }
    let dom = fields.get(3).copied().unwrap_or("*");
    let dow = fields.get(5).copied().unwrap_or("*");
    if dom.contains("L-") {
        return Err(format!(
            "'{dom}' in day-of-month: 'L-n' (n days before the end of the month) is valid but this scanner cannot evaluate it"
        ));
    }
    if dow == "L" {
        return Err("'L' in day-of-week needs a day before it ('5L' = last Friday)".into());
    }
    const MAX: [u32; 6] = [59, 59, 23, 31, 12, 7];
    let mut normal: Vec<String> = fields
        .iter()
        .zip(MAX)
        .map(|(f, max)| open_steps(f, max))
        .collect();
    // Spring requires both day fields to match when both are restricted; croner's `+` says so.
    let any = |f: &str| f == "*" || f == "?";
    if !any(dom) && !any(dow) {
        if let Some(d) = normal.get_mut(5) {
            d.insert(0, '+');
        }
    }
    let pattern = normal.join(" ");
    let cron = CronRecurrence::parse(
        &pattern,
        CronDialect {
            seconds: true,
            year: false,
            quartz_weekdays: false,
        },
    )
    .map_err(|err| format!("'{e}' is not a valid Spring cron expression: {err}"))?;
    let mut words = cron.describe();
    if dom.contains("LW") {
        words = words.replace("the last day of the month", "the last weekday of the month");
    }
    Ok(Box::new(Worded { cron, words }))
}

/// A `TimeUnit` constant's length, in milliseconds.
fn unit_ms(unit: &str) -> Option<i64> {
    Some(match unit {
        "NANOSECONDS" | "MICROSECONDS" => 0,
        "MILLISECONDS" => 1,
        "SECONDS" => 1_000,
        "MINUTES" => 60_000,
        "HOURS" => 3_600_000,
        "DAYS" => 86_400_000,
        _ => return None,
    })
}

/// A Spring duration string: a number in `unit_ms`, ISO-8601 (`PT5M`, `P1D`) or the simple
/// style (`30s`, `5m`, `2h`, `1d`, `500ms`).
pub(super) fn parse_duration(s: &str, unit_ms: i64) -> Option<Duration> {
    let s = s.trim();
    if let Some(n) = parse_int(s) {
        return n
            .checked_mul(unit_ms)
            .and_then(super::quartz::millis)
            .filter(|_| unit_ms > 0 || n == 0);
    }
    let upper = s.to_ascii_uppercase();
    if let Some(iso) = upper.strip_prefix("PT").or_else(|| upper.strip_prefix('P')) {
        let date_part = upper.starts_with('P') && !upper.starts_with("PT");
        let mut total_ms: f64 = 0.0;
        let mut num = String::new();
        let mut in_time = !date_part;
        for c in iso.chars() {
            match c {
                '0'..='9' | '.' | ',' | '-' => num.push(if c == ',' { '.' } else { c }),
                'T' => in_time = true,
                'D' if !in_time => total_ms += num.parse::<f64>().ok()? * 86_400_000.0,
                'H' if in_time => total_ms += num.parse::<f64>().ok()? * 3_600_000.0,
                'M' if in_time => total_ms += num.parse::<f64>().ok()? * 60_000.0,
                'S' if in_time => total_ms += num.parse::<f64>().ok()? * 1_000.0,
                _ => return None,
            }
            if c.is_ascii_alphabetic() {
                num.clear();
            }
        }
        if !num.is_empty() || !total_ms.is_finite() || total_ms.abs() > 1e15 {
            return None;
        }
        return super::quartz::millis(total_ms.round() as i64);
    }
    let lower = s.to_ascii_lowercase();
    let split = lower
        .find(|c: char| !c.is_ascii_digit())
        .unwrap_or(lower.len());
    let (n, suffix) = (lower.get(..split)?, lower.get(split..)?);
    let n: i64 = n.parse().ok()?;
    let unit = match suffix {
        "ns" | "us" => return None,
        "ms" => 1,
        "s" => 1_000,
        "m" => 60_000,
        "h" => 3_600_000,
        "d" => 86_400_000,
        _ => return None,
    };
    n.checked_mul(unit).and_then(super::quartz::millis)
}

// ---------------------------------------------------------------------------------------------
// @Scheduled
// ---------------------------------------------------------------------------------------------

/// Whether [`detect`] could read anything from `text`: Java or Kotlin with the annotation's
/// name, or XML with `scheduled` (`<task:scheduled>`).
pub fn wants(path: &str, text: &str) -> bool {
    let name = file_name(path).to_ascii_lowercase();
    if name.ends_with(".java") || name.ends_with(".kt") {
        text.contains("Scheduled") || text.contains("Schedules")
    } else if name.ends_with(".xml") {
        text.contains("scheduled")
    } else {
        false
    }
}

/// Read `text` (the entry at `path`) if it is in this format.
pub fn detect(path: &str, text: &str) -> Option<Parsed> {
    if !wants(path, text) {
        return None;
    }
    let name = file_name(path).to_ascii_lowercase();
    let parsed = if name.ends_with(".java") || name.ends_with(".kt") {
        annotations(path, text)
    } else if name.ends_with(".xml") {
        xml_tasks(path, text, &parse_xml(text))
    } else {
        return None;
    };
    (!parsed.tasks.is_empty() || !parsed.invalid.is_empty()).then_some(parsed)
}

/// One `@Scheduled`: its attributes and where it is.
struct Annotation<'t> {
    line: u32,
    args: Vec<(String, &'t [Token])>,
    /// Index after the annotation, where the method search starts.
    after: usize,
}

/// The innermost class open at each token, as an index into the returned names.
fn class_at(toks: &[Token]) -> (Vec<Option<usize>>, Vec<String>) {
    let mut at = Vec::with_capacity(toks.len());
    let mut names: Vec<String> = Vec::new();
    let mut stack: Vec<(usize, usize)> = Vec::new();
    let mut pending: Option<String> = None;
    let mut depth = 0usize;
    for (i, t) in toks.iter().enumerate() {
        match &t.tk {
            Tk::Ident(k)
                if matches!(
                    k.as_str(),
                    "class" | "interface" | "object" | "record" | "enum"
                ) && !i
                    .checked_sub(1)
                    .and_then(|b| toks.get(b))
                    .is_some_and(|b| b.is('.') || b.is(':')) =>
            {
                if let Some(n) = toks.get(i + 1).and_then(Token::ident) {
                    if n != "class" {
                        pending = Some(n.to_string());
                    }
                }
            }
            Tk::Punct('{') => {
                if let Some(n) = pending.take() {
                    names.push(n);
                    stack.push((names.len() - 1, depth));
                }
                depth += 1;
            }
            Tk::Punct('}') => {
                depth = depth.saturating_sub(1);
                while stack.last().is_some_and(|(_, d)| *d >= depth) {
                    stack.pop();
                }
            }
            _ => {}
        }
        at.push(stack.last().map(|(n, _)| *n));
    }
    (at, names)
}

/// Skip an annotation at `i` (`@Name`, `@a.b.Name`, with arguments): the index after it.
fn skip_annotation(toks: &[Token], mut i: usize) -> usize {
    i += 1;
    // Kotlin use-site targets (`@field:Foo`).
    if toks.get(i).and_then(Token::ident).is_some() && toks.get(i + 1).is_some_and(|t| t.is(':')) {
        i += 2;
    }
    while toks.get(i).and_then(Token::ident).is_some() {
        i += 1;
        if toks.get(i).is_some_and(|t| t.is('.')) {
            i += 1;
        } else {
            break;
        }
    }
    if toks.get(i).is_some_and(|t| t.is('(')) {
        i = close_of(toks, i);
    }
    i
}

/// How many tokens after an annotation its method is looked for.
const METHOD_SEARCH: usize = 512;

/// The method an annotation at `from` belongs to.
fn method_after(toks: &[Token], mut i: usize) -> Option<String> {
    let limit = i.saturating_add(METHOD_SEARCH);
    while let Some(t) = toks.get(i).filter(|_| i < limit) {
        match &t.tk {
            Tk::Punct('@') => {
                i = skip_annotation(toks, i);
                continue;
            }
            Tk::Punct('{' | '}' | ';' | '=') => return None,
            Tk::Ident(name) if toks.get(i + 1).is_some_and(|n| n.is('(')) => {
                return Some(name.clone())
            }
            _ => {}
        }
        i += 1;
    }
    None
}

/// The name of an annotation at `i` (the `@`): its last dotted part, and the index after it.
fn annotation_name(toks: &[Token], i: usize) -> (Option<&str>, usize) {
    let mut j = i + 1;
    let mut name = None;
    while let Some(n) = toks.get(j).and_then(Token::ident) {
        name = Some(n);
        j += 1;
        if toks.get(j).is_some_and(|t| t.is('.')) {
            j += 1;
        } else {
            break;
        }
    }
    (name, j)
}

/// Parse `name = value, ...` between the parentheses at `open`.
fn named_args(toks: &[Token], open: usize) -> Vec<(String, &[Token])> {
    let close = close_of(toks, open);
    let inner = toks.get(open + 1..close.saturating_sub(1)).unwrap_or(&[]);
    split_args(inner)
        .into_iter()
        .map(
            |arg| match (arg.first().and_then(Token::ident), arg.get(1)) {
                (Some(n), Some(eq)) if eq.is('=') => (n.to_string(), arg.get(2..).unwrap_or(&[])),
                _ => ("value".to_string(), arg),
            },
        )
        .collect()
}

fn find_annotations(toks: &[Token]) -> Vec<Annotation<'_>> {
    let mut out = Vec::new();
    let mut i = 0;
    while let Some(t) = toks.get(i) {
        if !t.is('@') {
            i += 1;
            continue;
        }
        let (name, j) = annotation_name(toks, i);
        match name {
            Some("Scheduled") => {
                let has_args = toks.get(j).is_some_and(|t| t.is('('));
                let args = if has_args {
                    named_args(toks, j)
                } else {
                    Vec::new()
                };
                let after = if has_args { close_of(toks, j) } else { j };
                out.push(Annotation {
                    line: t.line,
                    args,
                    after,
                });
                i = after;
            }
            Some("Schedules") if toks.get(j).is_some_and(|t| t.is('(')) => {
                let end = close_of(toks, j);
                // Inner `@Scheduled(...)` (Java) or `Scheduled(...)` (Kotlin).
                let mut k = j + 1;
                while k < end {
                    let is_inner = toks.get(k).and_then(Token::ident) == Some("Scheduled")
                        && toks.get(k + 1).is_some_and(|t| t.is('('));
                    if is_inner {
                        let line = toks
                            .get(k.saturating_sub(1))
                            .filter(|p| p.is('@'))
                            .or_else(|| toks.get(k))
                            .map(|p| p.line)
                            .unwrap_or(t.line);
                        out.push(Annotation {
                            line,
                            args: named_args(toks, k + 1),
                            after: end,
                        });
                        k = close_of(toks, k + 1);
                    } else {
                        k += 1;
                    }
                }
                i = end;
            }
            _ => i = j.max(i + 1),
        }
    }
    out
}

/// A schedule attribute's value once placeholders and constants are resolved.
enum Attr {
    /// The value as text.
    Value(String),
    /// From a property without default, a SpEL expression or an unknown constant.
    External { source: String },
}

fn attr_value(toks: &[Token], consts: &HashMap<String, Value>) -> Attr {
    match eval_str(toks, consts) {
        Some(s) => match resolve(&s) {
            Resolved::Value(v) => Attr::Value(v),
            Resolved::Property(p) => Attr::External {
                source: format!("property {p}"),
            },
            Resolved::Expression(e) => Attr::External {
                source: format!("expression {e}"),
            },
        },
        None => match eval_int(toks, consts) {
            Some(n) => Attr::Value(n.to_string()),
            None => Attr::External {
                source: clip(
                    &toks
                        .iter()
                        .take(100)
                        .map(|t| match &t.tk {
                            Tk::Ident(s) | Tk::Num(s) => s.clone(),
                            Tk::Punct(c) => c.to_string(),
                            Tk::Str(s) => format!("\"{s}\""),
                        })
                        .collect::<String>(),
                    80,
                ),
            },
        },
    }
}

/// What one annotation schedules.
struct Schedule {
    /// The attribute as written, for `Task::expression`.
    expression: String,
    timing: Timing,
    note: Option<String>,
    enabled: bool,
    timezone: Option<Tz>,
}

/// Build the schedule of one annotation's attributes (shared with `<task:scheduled>`).
/// `attrs`: (name, value, as written).
fn schedule_of(attrs: &[(String, Attr, String)], line_text: &str) -> Result<Schedule, String> {
    let get = |names: &[&str]| {
        attrs
            .iter()
            .find(|(n, _, _)| names.contains(&n.as_str()))
            .map(|(n, v, w)| (n.as_str(), v, w.as_str()))
    };
    let cron = get(&["cron"]).filter(|(_, v, _)| !matches!(v, Attr::Value(s) if s.is_empty()));
    let rate = get(&["fixedRate", "fixedRateString", "fixed-rate"]);
    let delay = get(&["fixedDelay", "fixedDelayString", "fixed-delay"]);
    let set: Vec<&str> = [cron, rate, delay]
        .iter()
        .flatten()
        .map(|(n, _, _)| *n)
        .collect();
    if set.is_empty() {
        return Err(format!(
            "'{}' sets none of cron, fixedDelay and fixedRate: Spring refuses to start (\"Exactly one of the 'cron', 'fixedDelay' or 'fixedRate' attributes is required\")",
            line_text.trim()
        ));
    }
    if set.len() > 1 {
        return Err(format!(
            "'{}' sets {}: Spring accepts exactly one of cron, fixedDelay and fixedRate",
            line_text.trim(),
            set.join(" and ")
        ));
    }
    let mut timezone = None;
    let mut notes: Vec<String> = Vec::new();
    if let Some((_, z, _)) = get(&["zone"]) {
        match z {
            Attr::Value(z) if z.is_empty() => {}
            Attr::Value(z) => match zone(z) {
                Some(tz) => timezone = Some(tz),
                None => {
                    return Err(format!(
                        "unknown time zone '{z}' in zone: Spring refuses to start"
                    ))
                }
            },
            Attr::External { source } => notes.push(format!("zone comes from {source}")),
        }
    }
    let unit = match get(&["timeUnit"]) {
        Some((_, Attr::External { source }, _)) => {
            let last = source.rsplit('.').next().unwrap_or("");
            unit_ms(last).ok_or_else(|| format!("unknown timeUnit '{source}'"))?
        }
        Some((_, Attr::Value(v), _)) => unit_ms(v.rsplit('.').next().unwrap_or("")).unwrap_or(1),
        None => 1,
    };
    if let Some((_, v, written)) = cron {
        let expression = written.to_string();
        return Ok(match v {
            Attr::Value(c) if c == "-" => Schedule {
                expression,
                timing: Timing::Event {
                    event: "never: cron = \"-\" disables the method".into(),
                },
                note: None,
                enabled: false,
                timezone,
            },
            Attr::Value(c) => Schedule {
                expression,
                timing: Timing::Clock {
                    recurrence: parse_spring_cron(c)?,
                    jitter: Duration::zero(),
                    randomized: false,
                },
                note: (!notes.is_empty()).then(|| notes.join("; ")),
                enabled: true,
                timezone,
            },
            Attr::External { source } => {
                let what = source.strip_prefix("property ").unwrap_or(source);
                notes.insert(0, format!("schedule comes from {source}"));
                Schedule {
                    expression,
                    timing: Timing::Event {
                        event: if source.starts_with("property ") {
                            format!("when property {what} says")
                        } else {
                            format!("when {source} says")
                        },
                    },
                    note: Some(notes.join("; ")),
                    enabled: true,
                    timezone,
                }
            }
        });
    }
    let (name, v, written) = rate.or(delay).ok_or("no schedule")?;
    let expression = format!("{name} = {written}");
    let fixed_rate = name.starts_with("fixedRate") || name == "fixed-rate";
    let every = match v {
        Attr::Value(s) => parse_duration(s, unit).ok_or_else(|| {
            format!("{name} '{s}' is not a duration (milliseconds, '30s', 'PT5M')")
        })?,
        Attr::External { source } => {
            notes.insert(0, format!("schedule comes from {source}"));
            return Ok(Schedule {
                expression,
                timing: Timing::Event {
                    event: match source.strip_prefix("property ") {
                        Some(p) => format!("when property {p} says"),
                        None => format!("when {source} says"),
                    },
                },
                note: Some(notes.join("; ")),
                enabled: true,
                timezone,
            });
        }
    };
    if every <= Duration::zero() {
        return Err(format!("{name} '{written}' must be positive"));
    }
    let initial = get(&["initialDelay", "initialDelayString", "initial-delay"]).and_then(
        |(_, v, _)| match v {
            Attr::Value(s) => parse_duration(s, unit).filter(|d| *d > Duration::zero()),
            Attr::External { .. } => None,
        },
    );
    let mut anchor = "application start".to_string();
    if let Some(d) = initial {
        anchor.push_str(&format!(
            ", after an initial delay of {}",
            crate::schedule::words(d)
        ));
    }
    if !fixed_rate {
        anchor.push_str(", then from the end of each run");
    }
    Ok(Schedule {
        expression,
        timing: Timing::Interval { every, anchor },
        note: (!notes.is_empty()).then(|| notes.join("; ")),
        enabled: true,
        timezone,
    })
}

fn annotations(path: &str, text: &str) -> Parsed {
    let mut out = Parsed::default();
    let toks = lex(text, Lang::CLike);
    let lines = Lines::new(text);
    let consts = constants(&toks);
    let (classes, class_names) = class_at(&toks);
    for a in find_annotations(&toks) {
        let attrs: Vec<(String, Attr, String)> = a
            .args
            .iter()
            .map(|(n, v)| {
                (
                    n.clone(),
                    attr_value(v, &consts),
                    clip(&text_of(text, v), 200),
                )
            })
            .map(|(n, v, w)| {
                // Strings are shown without their quotes.
                let w = if w.starts_with('"') && w.ends_with('"') && w.len() >= 2 {
                    w.get(1..w.len() - 1).unwrap_or(&w).to_string()
                } else {
                    w
                };
                (n, v, w)
            })
            .collect();
        let raw = lines.get(a.line);
        let s = match schedule_of(&attrs, &raw) {
            Ok(s) => s,
            Err(e) => {
                out.invalid.push((a.line, e, raw));
                continue;
            }
        };
        let class = a
            .after
            .checked_sub(1)
            .and_then(|i| classes.get(i))
            .copied()
            .flatten()
            .and_then(|n| class_names.get(n))
            .cloned();
        let method = method_after(&toks, a.after);
        let command = match (class, method) {
            (Some(c), Some(m)) => Some(format!("{c}.{m}()")),
            (None, Some(m)) => Some(format!("{m}()")),
            (Some(c), None) => Some(c),
            (None, None) => None,
        };
        out.tasks.push(Task {
            kind: Kind::Spring,
            path: path.to_string(),
            line: a.line,
            expression: s.expression,
            timing: s.timing,
            timezone: s.timezone,
            command,
            user: None,
            note: s.note,
            enabled: s.enabled,
        });
    }
    out
}

/// Spring XML `<task:scheduled ref="bean" method="run" cron="..."/>` elements.
pub(super) fn xml_tasks(path: &str, text: &str, xml: &Xml) -> Parsed {
    let mut out = Parsed::default();
    let lines = Lines::new(text);
    for i in xml.named("scheduled").collect::<Vec<_>>() {
        // Spring's `<task:scheduled>` always names its bean.
        let Some(n) = xml.node(i).filter(|n| n.attr("ref").is_some()) else {
            continue;
        };
        let attrs: Vec<(String, Attr, String)> = n
            .attrs
            .iter()
            .filter(|(k, _)| {
                matches!(
                    k.as_str(),
                    "cron" | "fixed-rate" | "fixed-delay" | "initial-delay"
                )
            })
            .map(|(k, v)| {
                let name = match k.as_str() {
                    "initial-delay" => "initialDelay".to_string(),
                    other => other.to_string(),
                };
                let value = match resolve(v) {
                    Resolved::Value(s) => Attr::Value(s),
                    Resolved::Property(p) => Attr::External {
                        source: format!("property {p}"),
                    },
                    Resolved::Expression(e) => Attr::External {
                        source: format!("expression {e}"),
                    },
                };
                (name, value, v.clone())
            })
            .collect();
        if attrs.is_empty() && n.attr("trigger").is_some() {
            continue;
        }
        let raw = lines.get(n.line);
        match schedule_of(&attrs, &raw) {
            Ok(s) => out.tasks.push(Task {
                kind: Kind::Spring,
                path: path.to_string(),
                line: n.line,
                expression: s.expression,
                timing: s.timing,
                timezone: s.timezone,
                command: match (n.attr("ref"), n.attr("method")) {
                    (Some(r), Some(m)) => Some(format!("{r}.{m}()")),
                    (Some(r), None) => Some(r.to_string()),
                    _ => None,
                },
                user: None,
                note: s.note,
                enabled: s.enabled,
            }),
            Err(e) => out.invalid.push((n.line, e, raw)),
        }
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

    fn first(r: &dyn Recurrence) -> String {
        r.next_after(now(), Tz::UTC)
            .map(rfc3339)
            .unwrap_or_default()
    }

    #[test]
    fn lexer_skips_comments_and_decodes_strings() {
        let toks = lex(
            "// @Scheduled(cron=\"x\")\n/* \"a\n*/ @Scheduled(cron = \"0 0 3 * * *\" + \"\\\"\") 'c' \"\"\"\nline\"\"\" 5_000L",
            Lang::CLike,
        );
        let kinds: Vec<String> = toks
            .iter()
            .map(|t| format!("{:?}@{}", t.tk, t.line))
            .collect();
        assert_eq!(kinds.first().map(String::as_str), Some("Punct('@')@3"));
        assert!(toks.iter().any(|t| t.str() == Some("0 0 3 * * *")));
        assert!(toks.iter().any(|t| t.str() == Some("\"")));
        assert!(toks.iter().any(|t| t.str() == Some("\nline")));
        assert!(toks.iter().any(|t| t.tk == Tk::Num("5_000L".into())));
        let py = lex("x = r'\\d' # c\ny = f\"{a}\" '''t\n'''", Lang::Python);
        assert!(py.iter().any(|t| t.str() == Some("\\d")));
        assert!(py.iter().any(|t| t.str() == Some("{a}")));
        assert_eq!(py.last().map(|t| t.line), Some(2));
        for junk in ["\"", "'''", "/*", "r'", "@", "\\", "é\"ü", "0x", "1e+"] {
            let _ = lex(junk, Lang::CLike);
            let _ = lex(junk, Lang::Python);
        }
    }

    #[test]
    fn spring_cron_dialect() {
        let ok = |e: &str| {
            let r = parse_spring_cron(e);
            assert!(r.is_ok(), "{e}: {r:?}");
            r.ok()
        };
        let Some(r) = ok("0 0 3 * * *") else { return };
        assert_eq!(first(r.as_ref()), "2026-11-26T03:00:00Z");
        assert_eq!(r.describe(), "At 03:00, every day");
        // Sunday is 0 or 7.
        let Some(r) = ok("0 0 3 * * 7") else { return };
        assert_eq!(first(r.as_ref()), "2026-11-29T03:00:00Z");
        let Some(r) = ok("0 0 3 * * 0") else { return };
        assert_eq!(first(r.as_ref()), "2026-11-29T03:00:00Z");
        let Some(r) = ok("0 0 3 ? * MON-FRI") else {
            return;
        };
        assert_eq!(first(r.as_ref()), "2026-11-26T03:00:00Z");
        let Some(r) = ok("0 0 3 * * 5L") else { return };
        assert_eq!(first(r.as_ref()), "2026-11-27T03:00:00Z");
        let Some(r) = ok("0 0 3 * * FRI#2") else {
            return;
        };
        assert_eq!(first(r.as_ref()), "2026-12-11T03:00:00Z");
        let Some(r) = ok("0 0/30 * * * *") else {
            return;
        };
        assert_eq!(first(r.as_ref()), "2026-11-26T00:30:00Z");
        // Both day fields must match: the first Monday of the month.
        let Some(r) = ok("0 0 3 1-7 * MON") else {
            return;
        };
        assert_eq!(first(r.as_ref()), "2026-12-07T03:00:00Z");
        let Some(r) = ok("@midnight") else { return };
        assert_eq!(first(r.as_ref()), "2026-11-27T00:00:00Z");
        let Some(r) = ok("@hourly") else { return };
        assert_eq!(first(r.as_ref()), "2026-11-26T01:00:00Z");
        for (bad, why) in [
            ("0 3 * * *", "exactly 6 fields"),
            ("0 0 3 * * * 2027", "exactly 6 fields"),
            ("0 0 25 * * *", "not a valid Spring cron"),
            ("@sometimes", "unknown macro"),
            ("0 0 3 L-2 * *", "L-n"),
            ("0 0 3 * * L", "needs a day before"),
        ] {
            let e = parse_spring_cron(bad).err().unwrap_or_default();
            assert!(e.contains(why), "{bad}: {e}");
        }
    }

    #[test]
    fn durations() {
        assert_eq!(parse_duration("5000", 1), Some(Duration::seconds(5)));
        assert_eq!(parse_duration("5", 60_000), Some(Duration::minutes(5)));
        assert_eq!(parse_duration("PT5M", 1), Some(Duration::minutes(5)));
        assert_eq!(parse_duration("PT1H30M", 1), Some(Duration::minutes(90)));
        assert_eq!(parse_duration("P1D", 1), Some(Duration::days(1)));
        assert_eq!(
            parse_duration("PT0.5S", 1),
            Some(Duration::milliseconds(500))
        );
        assert_eq!(parse_duration("30s", 1), Some(Duration::seconds(30)));
        assert_eq!(parse_duration("2h", 1), Some(Duration::hours(2)));
        assert_eq!(parse_duration("soon", 1), None);
        assert_eq!(parse_duration("PT", 1), Some(Duration::zero()));
        assert_eq!(parse_duration("99999999999999999", 86_400_000), None);
    }

    const JAVA: &str = r#"package com.acme.jobs;

import org.springframework.scheduling.annotation.Scheduled;
import java.util.concurrent.TimeUnit;

@Component
public class CleanupJobs {
    private static final String NIGHTLY = "0 15 2 * * *";
    private static final long RATE = 60 * 1000L;

    @Scheduled(cron = "0 0 3 * * *", zone = "Europe/Berlin")
    public void purgeSessions() {
        // @Scheduled(cron = "commented out")
    }

    @Scheduled(fixedRate = RATE)
    void heartbeat() { }

    @Scheduled(
        fixedDelayString = "${poll.delay:PT30S}",
        initialDelay = 10,
        timeUnit = TimeUnit.SECONDS
    )
    @Transactional(readOnly = true)
    public void poll() { }

    @Scheduled(cron = "${reports.cron}")
    public void reports() { }

    @Scheduled(cron = NIGHTLY)
    @Scheduled(cron = "0 0 4 * * SUN")
    public void twice() { }

    @Schedules({@Scheduled(fixedRate = 5, timeUnit = TimeUnit.MINUTES), @Scheduled(cron = "-")})
    public void grouped() { }

    @Scheduled(cron = "0 0 3 * *")
    public void broken() { }

    @Scheduled(cron = "0 0 3 * * *", zone = "Mars/Base")
    public void brokenZone() { }

    @Scheduled(cron = "0 0 3 * * *", fixedRate = 1000)
    public void both() { }

    @org.springframework.scheduling.annotation.Scheduled(fixedDelay = 5000)
    public void qualified() { }

    static class Inner {
        @Scheduled(cron = "0 0 1 * * *") void inner() { }
    }

    @Scheduled(fixedRate = 1000)
    public void afterInner() { }
}
"#;

    #[test]
    fn java_annotations() {
        let p = detect("src/main/java/com/acme/jobs/CleanupJobs.java", JAVA);
        assert!(p.is_some(), "not recognised");
        let Some(p) = p else {
            return;
        };
        let got: Vec<(u32, String, String)> = p
            .tasks
            .iter()
            .map(|t| {
                (
                    t.line,
                    t.command.clone().unwrap_or_default(),
                    t.expression.clone(),
                )
            })
            .collect();
        let want: Vec<(u32, &str, &str)> = vec![
            (11, "CleanupJobs.purgeSessions()", "0 0 3 * * *"),
            (16, "CleanupJobs.heartbeat()", "fixedRate = RATE"),
            (
                19,
                "CleanupJobs.poll()",
                "fixedDelayString = ${poll.delay:PT30S}",
            ),
            (27, "CleanupJobs.reports()", "${reports.cron}"),
            (30, "CleanupJobs.twice()", "NIGHTLY"),
            (31, "CleanupJobs.twice()", "0 0 4 * * SUN"),
            (34, "CleanupJobs.grouped()", "fixedRate = 5"),
            (34, "CleanupJobs.grouped()", "-"),
            (46, "CleanupJobs.qualified()", "fixedDelay = 5000"),
            (50, "Inner.inner()", "0 0 1 * * *"),
            (53, "CleanupJobs.afterInner()", "fixedRate = 1000"),
        ];
        let want: Vec<(u32, String, String)> = want
            .into_iter()
            .map(|(l, c, e)| (l, c.to_string(), e.to_string()))
            .collect();
        assert_eq!(got, want);
        let t = |i: usize| p.tasks.get(i);
        assert_eq!(t(0).and_then(|t| t.timezone), Some(Tz::Europe__Berlin));
        assert!(
            matches!(t(1).map(|t| &t.timing), Some(Timing::Interval { every, .. }) if *every == Duration::minutes(1))
        );
        let timing = t(2).map(|t| &t.timing);
        assert!(
            matches!(timing, Some(Timing::Interval { .. })),
            "poll is an interval"
        );
        let Some(Timing::Interval { every, anchor }) = timing else {
            return;
        };
        assert_eq!(*every, Duration::seconds(30));
        assert_eq!(
            anchor,
            "application start, after an initial delay of 10 s, then from the end of each run"
        );
        assert!(
            matches!(t(3).map(|t| &t.timing), Some(Timing::Event { event }) if event == "when property reports.cron says")
        );
        assert_eq!(
            t(3).and_then(|t| t.note.clone()).as_deref(),
            Some("schedule comes from property reports.cron")
        );
        let Some(Timing::Clock { recurrence, .. }) = t(4).map(|t| &t.timing) else {
            return;
        };
        assert_eq!(recurrence.describe(), "At 02:15, every day");
        assert!(
            matches!(t(6).map(|t| &t.timing), Some(Timing::Interval { every, .. }) if *every == Duration::minutes(5))
        );
        assert_eq!(t(7).map(|t| t.enabled), Some(false));
        let invalid: Vec<(u32, bool)> = p
            .invalid
            .iter()
            .map(|(l, m, _)| (*l, !m.is_empty()))
            .collect();
        assert_eq!(
            invalid,
            [(37, true), (40, true), (43, true)],
            "{:?}",
            p.invalid
        );
        let msgs: Vec<&str> = p.invalid.iter().map(|(_, m, _)| m.as_str()).collect();
        assert!(
            msgs.first().is_some_and(|m| m.contains("exactly 6 fields")),
            "{msgs:?}"
        );
        assert!(
            msgs.get(1).is_some_and(|m| m.contains("Mars/Base")),
            "{msgs:?}"
        );
        assert!(
            msgs.get(2)
                .is_some_and(|m| m.contains("cron and fixedRate")),
            "{msgs:?}"
        );
    }

    #[test]
    fn kotlin_annotations() {
        let kt = r#"package com.acme

const val HOURLY = "0 0 * * * *"

@Component
class Reports(private val repo: Repo) {
    @Scheduled(cron = "\${reports.cron:0 30 3 * * MON-FRI}", zone = "Europe/Berlin")
    fun nightly() { }

    @Scheduled(fixedRate = 10, timeUnit = TimeUnit.MINUTES)
    fun refresh() = repo.refresh()

    @Schedules(Scheduled(cron = HOURLY), Scheduled(fixedDelay = 500))
    fun both() { }
}
"#;
        let p = detect("src/main/kotlin/Reports.kt", kt);
        assert!(p.is_some(), "not recognised");
        let Some(p) = p else {
            return;
        };
        let got: Vec<(u32, Option<String>)> = p
            .tasks
            .iter()
            .map(|t| (t.line, t.command.clone()))
            .collect();
        assert_eq!(
            got,
            [
                (7, Some("Reports.nightly()".to_string())),
                (10, Some("Reports.refresh()".to_string())),
                (13, Some("Reports.both()".to_string())),
                (13, Some("Reports.both()".to_string())),
            ]
        );
        let Some(Timing::Clock { recurrence, .. }) = p.tasks.first().map(|t| &t.timing) else {
            return;
        };
        assert_eq!(
            recurrence.describe(),
            "At 03:30, on Monday, Tuesday, Wednesday, Thursday, and Friday"
        );
        assert!(p.invalid.is_empty(), "{:?}", p.invalid);
    }

    #[test]
    fn xml_task_namespace() {
        let text = r#"<beans xmlns:task="http://www.springframework.org/schema/task">
  <task:scheduled-tasks scheduler="scheduler">
    <task:scheduled ref="exporter" method="export" cron="0 0 2 * * MON-FRI"/>
    <task:scheduled ref="poller" method="poll" fixed-delay="5000" initial-delay="1000"/>
    <task:scheduled ref="bad" method="x" cron="0 0 2 * *"/>
  </task:scheduled-tasks>
</beans>"#;
        let p = detect("WEB-INF/spring/tasks.xml", text);
        assert!(p.is_some(), "not recognised");
        let Some(p) = p else {
            return;
        };
        let got: Vec<(u32, Option<String>)> = p
            .tasks
            .iter()
            .map(|t| (t.line, t.command.clone()))
            .collect();
        assert_eq!(
            got,
            [
                (3, Some("exporter.export()".into())),
                (4, Some("poller.poll()".into()))
            ]
        );
        assert_eq!(p.invalid.first().map(|i| i.0), Some(5));
    }

    #[test]
    fn not_spring() {
        assert!(detect("src/App.java", "class App { void run() {} }").is_none());
        assert!(detect("src/App.py", "@Scheduled(cron='0 0 3 * * *')").is_none());
        assert!(detect("src/App.java", "@Scheduled").is_some());
        assert!(detect("src/App.java", "@Scheduled(").is_some());
        assert!(detect("src/App.java", "@Schedules(").is_none());
    }

    #[test]
    fn hostile_sources_stay_linear() {
        let deep = format!("@Scheduled(fixedRate = {}1", "(".repeat(100_000));
        let p = detect("A.java", &deep);
        let Some(p) = p else {
            return;
        };
        assert!(p.tasks.iter().all(|t| t.expression.chars().count() < 300));
        let many = "@Scheduled(fixedRate = 1) ".repeat(5_000);
        let p = detect("A.java", &many);
        assert_eq!(p.map(|p| p.tasks.len()), Some(5_000));
        let consts = format!("String A = {}\"x\"", "\"a\" + ".repeat(50_000));
        let _ = detect("A.java", &format!("{consts}\n@Scheduled(cron = A)"));
    }
}
