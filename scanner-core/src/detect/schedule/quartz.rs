//! Quartz cron triggers in `.properties` and XML.
//!
//! ## What it does
//! Reads Quartz cron expressions (seconds minutes hours day-of-month month day-of-week
//! \[year\], with `?`, `L`, `W`, `LW`, `#`, weekdays numbered 1 = Sunday to 7 = Saturday or
//! named) from:
//! - `.properties` files: keys such as `*.cronExpression`, `*.cron-expression` and
//!   `org.quartz.*cron*`, and 6/7-field values with Quartz features (`?`, a year) under any key
//!   containing `cron`. Five-field values are plain cron and are left alone. Sibling keys name
//!   the job (`*.jobClass`, `*.jobName`) and the zone (`*.timeZone`).
//! - Quartz `job-scheduling-data` XML: `<cron>` triggers (`<cron-expression>`, `<name>`,
//!   `<job-name>`, `<time-zone>`, the job's `<job-class>`) and `<simple>` triggers
//!   (`<repeat-interval>`).
//! - Spring XML: `CronTriggerFactoryBean` / `CronTriggerBean` beans (`cronExpression`,
//!   `timeZone`, `jobDetail`) and `SimpleTriggerFactoryBean` (`repeatInterval`); Spring's
//!   `<task:scheduled>` elements in the same files are read by [`super::spring`].
//!
//! Quartz rejects an expression that restricts both day-of-month and day-of-week ("Support for
//! specifying both a day-of-week AND a day-of-month parameter is not implemented"): one of them
//! must be `?`. Such expressions, and any other Quartz would refuse, are `schedule.invalid`.
//!
//! ## Why is this bad?
//! A trigger that fires during the maintenance window runs its job against a half-upgraded
//! application and database.
//!
//! This file also holds the helpers the other JVM and Python formats share: recurrences worded
//! by the format, `${property:default}` placeholders, open steps (`0/15`), zones and a small
//! XML reader.

use super::cron::Invalid;
use super::Parsed;
use crate::schedule::{CronDialect, CronRecurrence, Kind, Recurrence, Task, Timing};
use chrono::{DateTime, Duration, Utc};
use chrono_tz::Tz;
use std::collections::HashMap;

// ---------------------------------------------------------------------------------------------
// Shared helpers
// ---------------------------------------------------------------------------------------------

/// A cron recurrence described in the format's own words rather than croner's.
#[derive(Debug)]
pub(super) struct Worded {
    /// The pattern croner evaluates.
    pub(super) cron: CronRecurrence,
    /// What the description says.
    pub(super) words: String,
}

impl Recurrence for Worded {
    fn next_after(&self, after: DateTime<Utc>, tz: Tz) -> Option<DateTime<Utc>> {
        self.cron.next_after(after, tz)
    }

    fn describe(&self) -> String {
        self.words.clone()
    }
}

/// The file name of an entry path (after the last `/`).
pub(super) fn file_name(path: &str) -> &str {
    path.rsplit('/').next().unwrap_or(path)
}

/// A text's lines by number, for quoting the line of an invalid schedule.
pub(super) struct Lines<'a> {
    text: &'a str,
    /// Byte offset where each line starts.
    starts: Vec<usize>,
}

impl<'a> Lines<'a> {
    /// Index the lines of `text`.
    pub(super) fn new(text: &'a str) -> Self {
        let starts = std::iter::once(0)
            .chain(text.match_indices('\n').map(|(i, _)| i + 1))
            .collect();
        Lines { text, starts }
    }

    /// Line `n` (1-based) as written, like `str::lines` gives it.
    pub(super) fn get(&self, n: u32) -> String {
        let i = (n as usize).saturating_sub(1);
        let Some(start) = self.starts.get(i).copied() else {
            return String::new();
        };
        let end = self
            .starts
            .get(i + 1)
            .map(|e| e.saturating_sub(1))
            .unwrap_or(self.text.len());
        self.text
            .get(start..end)
            .unwrap_or("")
            .trim_end_matches('\r')
            .to_string()
    }
}

/// A value that may hold Spring-style `${property:default}` placeholders.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) enum Resolved {
    /// The value, placeholders replaced by their defaults.
    Value(String),
    /// A placeholder without default: the value comes from this property.
    Property(String),
    /// A SpEL expression `#{...}`: the value is computed at run time.
    Expression(String),
}

/// Replace `${name:default}` placeholders by their defaults (nested ones too).
pub(super) fn resolve(value: &str) -> Resolved {
    let mut v = value.trim().to_string();
    for _ in 0..8 {
        if v.contains("#{") {
            return Resolved::Expression(v);
        }
        let Some(start) = v.find("${") else {
            return Resolved::Value(v);
        };
        // The matching `}`: count nested braces.
        let mut depth = 0usize;
        let mut end = None;
        for (i, c) in v.char_indices().skip_while(|(i, _)| *i < start) {
            match c {
                '{' => depth += 1,
                '}' => {
                    depth = depth.saturating_sub(1);
                    if depth == 0 {
                        end = Some(i);
                        break;
                    }
                }
                _ => {}
            }
        }
        let Some(end) = end else {
            return Resolved::Value(v);
        };
        let inner = v.get(start + 2..end).unwrap_or("");
        let replacement = match inner.split_once(':') {
            Some((_, default)) => default.to_string(),
            None => return Resolved::Property(inner.trim().to_string()),
        };
        let before = v.get(..start).unwrap_or("");
        let after = v.get(end + 1..).unwrap_or("");
        v = format!("{before}{replacement}{after}");
    }
    Resolved::Value(v)
}

/// At most `max` characters of `s`, with an ellipsis when cut.
pub(super) fn clip(s: &str, max: usize) -> String {
    if s.chars().count() <= max {
        s.to_string()
    } else {
        let cut: String = s.chars().take(max).collect();
        format!("{cut}…")
    }
}

/// An IANA zone name (Java `TimeZone` ids like `UTC`, `CET`, `Europe/Berlin` included).
pub(super) fn zone(name: &str) -> Option<Tz> {
    name.trim().parse::<Tz>().ok()
}

/// Quartz and Spring accept `a/n` and `/n` steps ("from a to the field's end, every n");
/// croner wants `a-max/n` and `*/n`.
pub(super) fn open_steps(field: &str, max: u32) -> String {
    field
        .split(',')
        .map(|part| match part.split_once('/') {
            Some(("", step)) => format!("*/{step}"),
            Some((start, step)) if start != "*" && !start.contains('-') => {
                format!("{start}-{max}/{step}")
            }
            _ => part.to_string(),
        })
        .collect::<Vec<_>>()
        .join(",")
}

/// True for text made only of characters a cron field uses.
pub(super) fn cronish(field: &str) -> bool {
    !field.is_empty()
        && field
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '*' | ',' | '-' | '/' | '?' | '#'))
}

/// A duration in milliseconds, if representable.
pub(super) fn millis(ms: i64) -> Option<Duration> {
    Duration::try_milliseconds(ms)
}

/// The message for a day-of-month `L-n`, which croner cannot evaluate.
const L_OFFSET: &str =
    "'L-n' (n days before the end of the month) is valid but this scanner cannot evaluate it";

/// Parse a Quartz expression into a recurrence, or say why Quartz (or this scanner) rejects it.
pub(super) fn parse_quartz(expression: &str) -> Result<Box<dyn Recurrence>, String> {
    let upper = expression.trim().to_uppercase();
    let fields: Vec<&str> = upper.split_whitespace().collect();
    if !(6..=7).contains(&fields.len()) {
        return Err(format!(
            "Quartz needs 6 or 7 fields (second minute hour day-of-month month day-of-week [year]), '{}' has {}",
            expression.trim(),
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
    let dom = fields.get(3).copied().unwrap_or("");
    let dow = fields.get(5).copied().unwrap_or("");
    match (dom.contains('?'), dow.contains('?')) {
        (false, false) => {
            return Err(format!(
                "'{}' restricts both day-of-month ('{dom}') and day-of-week ('{dow}'); Quartz needs '?' in one of them (\"Support for specifying both a day-of-week AND a day-of-month parameter is not implemented\")",
                expression.trim()
            ))
        }
        (true, true) => {
            return Err(format!(
                "'{}' has '?' in both day-of-month and day-of-week; Quartz allows it in only one",
                expression.trim()
            ))
        }
        _ => {}
    }
    if dom.contains("L-") {
        return Err(format!("'{dom}' in day-of-month: {L_OFFSET}"));
    }
    const MAX: [u32; 7] = [59, 59, 23, 31, 12, 7, 2099];
    let normal: Vec<String> = fields
        .iter()
        .zip(MAX)
        .enumerate()
        .map(|(i, (f, max))| {
            if i == 5 && *f == "L" {
                // "L" alone in day-of-week is Saturday.
                "7".to_string()
            } else {
                open_steps(f, max)
            }
        })
        .collect();
    let pattern = normal.join(" ");
    let dialect = CronDialect {
        seconds: true,
        year: true,
        quartz_weekdays: true,
    };
    let cron = CronRecurrence::parse(&pattern, dialect).map_err(|e| {
        format!(
            "'{}' is not a valid Quartz expression: {e}",
            expression.trim()
        )
    })?;
    let mut words = cron.describe();
    if dom.contains("LW") {
        // croner words `LW` like `L`, though it computes the last weekday.
        words = words.replace("the last day of the month", "the last weekday of the month");
    }
    Ok(Box::new(Worded { cron, words }))
}

// ---------------------------------------------------------------------------------------------
// A small XML reader: elements, attributes, text; comments, CDATA, declarations.
// ---------------------------------------------------------------------------------------------

/// An XML element.
#[derive(Debug, Default, Clone)]
pub(super) struct XmlNode {
    /// Local name (namespace prefix dropped).
    pub(super) name: String,
    /// Attributes by local name, values decoded.
    pub(super) attrs: Vec<(String, String)>,
    /// Text content directly inside, decoded.
    pub(super) text: String,
    /// 1-based line of the start tag.
    pub(super) line: u32,
    /// Child element indices.
    pub(super) children: Vec<usize>,
}

impl XmlNode {
    /// An attribute's value.
    pub(super) fn attr(&self, name: &str) -> Option<&str> {
        self.attrs
            .iter()
            .find(|(n, _)| n == name)
            .map(|(_, v)| v.as_str())
    }
}

/// A parsed document: node 0 is a virtual root.
#[derive(Debug, Default)]
pub(super) struct Xml {
    /// All elements, in document order after the root.
    pub(super) nodes: Vec<XmlNode>,
}

impl Xml {
    /// A node by index.
    pub(super) fn node(&self, i: usize) -> Option<&XmlNode> {
        self.nodes.get(i)
    }

    /// The first child element named `name`.
    pub(super) fn child(&self, i: usize, name: &str) -> Option<&XmlNode> {
        self.node(i)?
            .children
            .iter()
            .filter_map(|c| self.node(*c))
            .find(|n| n.name == name)
    }

    /// The trimmed text of the first child named `name`.
    pub(super) fn child_text(&self, i: usize, name: &str) -> Option<String> {
        self.child(i, name)
            .map(|n| n.text.trim().to_string())
            .filter(|t| !t.is_empty())
    }

    /// Indices of all elements named `name`.
    pub(super) fn named<'a>(&'a self, name: &'a str) -> impl Iterator<Item = usize> + 'a {
        self.nodes
            .iter()
            .enumerate()
            .filter(move |(_, n)| n.name == name)
            .map(|(i, _)| i)
    }

    /// Children of `i`.
    pub(super) fn children(&self, i: usize) -> impl Iterator<Item = (usize, &XmlNode)> + '_ {
        self.node(i)
            .map(|n| n.children.as_slice())
            .unwrap_or(&[])
            .iter()
            .filter_map(move |c| self.node(*c).map(|n| (*c, n)))
    }
}

/// Decode the five XML entities and numeric references.
pub(super) fn xml_unescape(s: &str) -> String {
    if !s.contains('&') {
        return s.to_string();
    }
    let mut out = String::with_capacity(s.len());
    let mut rest = s;
    while let Some(i) = rest.find('&') {
        out.push_str(rest.get(..i).unwrap_or(""));
        let after = rest.get(i..).unwrap_or("");
        let end = after.find(';').filter(|e| *e <= 12);
        let entity = end.and_then(|e| after.get(1..e));
        let decoded = match entity {
            Some("amp") => Some('&'),
            Some("lt") => Some('<'),
            Some("gt") => Some('>'),
            Some("quot") => Some('"'),
            Some("apos") => Some('\''),
            Some(e) if e.starts_with("#x") || e.starts_with("#X") => e
                .get(2..)
                .and_then(|h| u32::from_str_radix(h, 16).ok())
                .and_then(char::from_u32),
            Some(e) if e.starts_with('#') => e
                .get(1..)
                .and_then(|d| d.parse::<u32>().ok())
                .and_then(char::from_u32),
            _ => None,
        };
        match (decoded, end) {
            (Some(c), Some(e)) => {
                out.push(c);
                rest = after.get(e + 1..).unwrap_or("");
            }
            _ => {
                out.push('&');
                rest = after.get(1..).unwrap_or("");
            }
        }
    }
    out.push_str(rest);
    out
}

fn local(name: &str) -> String {
    name.rsplit(':').next().unwrap_or(name).to_string()
}

fn parse_attrs(s: &str) -> Vec<(String, String)> {
    let mut out = Vec::new();
    let mut rest = s;
    loop {
        rest = rest.trim_start();
        let Some(eq) = rest.find('=') else { break };
        let name = rest.get(..eq).unwrap_or("").trim();
        let after = rest.get(eq + 1..).unwrap_or("").trim_start();
        let Some(q) = after.chars().next().filter(|c| *c == '"' || *c == '\'') else {
            break;
        };
        let body = after.get(1..).unwrap_or("");
        let Some(close) = body.find(q) else { break };
        // A name may be preceded by junk such as a stray word: keep its last word.
        let name = name.rsplit(char::is_whitespace).next().unwrap_or(name);
        out.push((local(name), xml_unescape(body.get(..close).unwrap_or(""))));
        rest = body.get(close + 1..).unwrap_or("");
    }
    out
}

/// How many open elements a closing tag is matched against.
const CLOSE_SEARCH: usize = 64;

/// Read an XML document leniently. Never fails: broken markup ends the document.
pub(super) fn parse_xml(text: &str) -> Xml {
    let mut xml = Xml {
        nodes: vec![XmlNode::default()],
    };
    let mut stack: Vec<usize> = vec![0];
    let mut pos = 0usize;
    let mut line = 1u32;
    let mut counted = 0usize;
    let bytes = text.as_bytes();
    let line_at = |at: usize, line: &mut u32, counted: &mut usize| {
        let seg = bytes.get(*counted..at).unwrap_or(&[]);
        let n = seg.iter().filter(|b| **b == b'\n').count();
        *line = line.saturating_add(u32::try_from(n).unwrap_or(u32::MAX));
        *counted = at.max(*counted);
        *line
    };
    while let Some(rel) = text.get(pos..).and_then(|r| r.find('<')) {
        let lt = pos + rel;
        let top = stack.last().copied().unwrap_or(0);
        let chunk = text.get(pos..lt).unwrap_or("");
        if !chunk.is_empty() {
            if let Some(n) = xml.nodes.get_mut(top) {
                n.text.push_str(&xml_unescape(chunk));
            }
        }
        let rest = text.get(lt..).unwrap_or("");
        let skip_to = |close: &str| rest.find(close).map(|i| lt + i + close.len());
        if rest.starts_with("<!--") {
            let Some(next) = skip_to("-->") else { break };
            pos = next;
        } else if rest.starts_with("<![CDATA[") {
            let Some(end) = rest.find("]]>") else { break };
            if let Some(n) = xml.nodes.get_mut(top) {
                n.text.push_str(rest.get(9..end).unwrap_or(""));
            }
            pos = lt + end + 3;
        } else if rest.starts_with("<?") {
            let Some(next) = skip_to("?>") else { break };
            pos = next;
        } else if rest.starts_with("<!") {
            let Some(next) = skip_to(">") else { break };
            pos = next;
        } else if let Some(close) = rest.strip_prefix("</") {
            let Some(gt) = close.find('>') else { break };
            let name = local(close.get(..gt).unwrap_or("").trim());
            // Look for the open element near the top only: real documents close what
            // they opened, and hostile ones must not cost depth x closing tags.
            let floor = stack.len().saturating_sub(CLOSE_SEARCH);
            if let Some(depth) = stack
                .iter()
                .skip(floor)
                .rposition(|i| xml.nodes.get(*i).is_some_and(|n| n.name == name))
            {
                if floor + depth > 0 {
                    stack.truncate(floor + depth);
                }
            }
            pos = lt + 2 + gt + 1;
        } else {
            // A start tag: find its end outside quoted attribute values.
            let mut quote: Option<char> = None;
            let mut end = None;
            for (i, c) in rest.char_indices().skip(1) {
                match (quote, c) {
                    (Some(q), c) if c == q => quote = None,
                    (Some(_), _) => {}
                    (None, '"' | '\'') => quote = Some(c),
                    (None, '>') => {
                        end = Some(i);
                        break;
                    }
                    _ => {}
                }
            }
            let Some(gt) = end else { break };
            let inner = rest.get(1..gt).unwrap_or("");
            let self_closing = inner.ends_with('/');
            let inner = inner.trim_end_matches('/');
            let name_end = inner
                .find(|c: char| c.is_whitespace())
                .unwrap_or(inner.len());
            let name = local(inner.get(..name_end).unwrap_or(""));
            let attrs = parse_attrs(inner.get(name_end..).unwrap_or(""));
            let l = line_at(lt, &mut line, &mut counted);
            let idx = xml.nodes.len();
            xml.nodes.push(XmlNode {
                name,
                attrs,
                text: String::new(),
                line: l,
                children: Vec::new(),
            });
            if let Some(parent) = xml.nodes.get_mut(top) {
                parent.children.push(idx);
            }
            if !self_closing {
                stack.push(idx);
            }
            pos = lt + gt + 1;
        }
    }
    xml
}

// ---------------------------------------------------------------------------------------------
// Quartz
// ---------------------------------------------------------------------------------------------

/// Whether `needle` (ASCII) occurs in `hay` in any ASCII case, without lowering a copy of
/// the whole text.
pub(super) fn contains_ignore_case(hay: &str, needle: &str) -> bool {
    let (hay, needle) = (hay.as_bytes(), needle.as_bytes());
    let Some(&first) = needle.first() else {
        return true;
    };
    memchr::memchr2_iter(first.to_ascii_lowercase(), first.to_ascii_uppercase(), hay).any(|i| {
        hay.get(i..i + needle.len())
            .is_some_and(|w| w.eq_ignore_ascii_case(needle))
    })
}

/// Quartz XML: one of the words its job files and Spring's trigger beans use.
fn quartzish(text: &str) -> bool {
    text.contains("cron-expression")
        || text.contains("CronTrigger")
        || text.contains("SimpleTrigger")
        || text.contains("job-scheduling-data")
}

/// Whether [`detect`] could read anything from `text`: properties that mention cron in any
/// case, or XML with a Quartz word.
pub fn wants(path: &str, text: &str) -> bool {
    let name = file_name(path).to_ascii_lowercase();
    if name.ends_with(".properties") {
        contains_ignore_case(text, "cron")
    } else if name.ends_with(".xml") {
        quartzish(text)
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
    let parsed = if name.ends_with(".properties") {
        properties(path, text)
    } else if name.ends_with(".xml") {
        let xml = parse_xml(text);
        let mut p = Parsed::default();
        quartz_xml(path, text, &xml, &mut p);
        spring_beans(path, text, &xml, &mut p);
        // Spring's own `<task:scheduled>` elements in the same file.
        let s = super::spring::xml_tasks(path, text, &xml);
        p.tasks.extend(s.tasks);
        p.invalid.extend(s.invalid);
        p
    } else {
        return None;
    };
    (!parsed.tasks.is_empty() || !parsed.invalid.is_empty()).then_some(parsed)
}

/// Properties as (line, key, value), continuation lines joined.
fn property_lines(text: &str) -> Vec<(u32, String, String)> {
    let mut out = Vec::new();
    let mut pending: Option<(u32, String)> = None;
    for (i, raw) in text.lines().enumerate() {
        let n = u32::try_from(i).unwrap_or(u32::MAX - 1).saturating_add(1);
        let line = raw.trim_start();
        let (start, mut joined) = match pending.take() {
            Some((s, acc)) => (s, acc + line),
            None => {
                if line.is_empty() || line.starts_with('#') || line.starts_with('!') {
                    continue;
                }
                (n, line.to_string())
            }
        };
        let backslashes = joined.chars().rev().take_while(|c| *c == '\\').count();
        if backslashes % 2 == 1 {
            joined.pop();
            pending = Some((start, joined));
            continue;
        }
        let sep = joined
            .find(|c: char| c == '=' || c == ':' || c.is_whitespace())
            .unwrap_or(joined.len());
        let key = joined.get(..sep).unwrap_or("").to_string();
        let mut value = joined.get(sep..).unwrap_or("").trim_start();
        if let Some(v) = value.strip_prefix(['=', ':']) {
            value = v.trim_start();
        }
        out.push((start, key, value.trim_end().to_string()));
    }
    if let Some((s, acc)) = pending {
        let sep = acc.find(['=', ':']).unwrap_or(acc.len());
        let key = acc.get(..sep).unwrap_or("").trim().to_string();
        let value = acc.get(sep + 1..).unwrap_or("").trim().to_string();
        out.push((s, key, value));
    }
    out
}

/// Keys whose value Quartz reads as a cron expression.
fn quartz_key(key: &str) -> bool {
    let k = key.to_ascii_lowercase();
    [
        "cronexpression",
        "cron-expression",
        "cron_expression",
        "cron.expression",
    ]
    .iter()
    .any(|s| k.ends_with(s))
        || (k.starts_with("org.quartz.") && k.contains("cron"))
}

/// The key without its last segment (`jobs.cleanup.cronExpression` -> `jobs.cleanup`).
fn key_prefix(key: &str) -> &str {
    key.rsplit_once('.').map(|(p, _)| p).unwrap_or("")
}

fn sibling<'a>(
    props: &'a [(u32, String, String)],
    prefix: &str,
    names: &[&str],
) -> Option<&'a (u32, String, String)> {
    props.iter().find(|(_, k, v)| {
        !v.is_empty()
            && key_prefix(k) == prefix
            && !prefix.is_empty()
            && names.iter().any(|n| {
                k.rsplit('.')
                    .next()
                    .is_some_and(|last| last.eq_ignore_ascii_case(n))
            })
    })
}

fn properties(path: &str, text: &str) -> Parsed {
    let mut out = Parsed::default();
    let lines = Lines::new(text);
    let props = property_lines(text);
    for (line, key, value) in &props {
        if !key.to_ascii_lowercase().contains("cron") || value.is_empty() {
            continue;
        }
        let explicit = quartz_key(key);
        let raw = lines.get(*line);
        let prefix = key_prefix(key);
        let command = sibling(
            &props,
            prefix,
            &[
                "jobClass",
                "job-class",
                "job_class",
                "jobName",
                "job-name",
                "job",
                "name",
                "class",
            ],
        )
        .map(|(_, _, v)| v.clone())
        .or_else(|| (!prefix.is_empty()).then(|| prefix.to_string()))
        .unwrap_or_else(|| key.clone());
        let mut timezone = None;
        if let Some((zl, zk, zv)) = sibling(
            &props,
            prefix,
            &["timeZone", "time-zone", "time_zone", "timezone", "zone"],
        ) {
            match resolve(zv) {
                Resolved::Value(z) => match zone(&z) {
                    Some(tz) => timezone = Some(tz),
                    None => out.invalid.push((
                        *zl,
                        format!("unknown time zone '{z}' in {zk}: Java falls back to GMT"),
                        lines.get(*zl),
                    )),
                },
                Resolved::Property(_) | Resolved::Expression(_) => {}
            }
        }
        let expr = match resolve(value) {
            Resolved::Value(v) => v,
            Resolved::Property(p) if explicit => {
                out.tasks
                    .push(from_property(path, *line, value, &p, command, timezone));
                continue;
            }
            _ => continue,
        };
        let fields: Vec<&str> = expr.split_whitespace().collect();
        if fields.len() == 5 || !fields.iter().all(|f| cronish(f)) {
            continue;
        }
        let quartz_features = expr.contains('?') || fields.len() == 7;
        if !explicit && !quartz_features {
            continue;
        }
        match parse_quartz(&expr) {
            Ok(recurrence) => out
                .tasks
                .push(task(path, *line, value, recurrence, timezone, command)),
            Err(e) => out.invalid.push((*line, e, raw)),
        }
    }
    out
}

/// A trigger's expression as written: a task, a task waiting on a property, or an unreadable
/// line. An expression computed in code is left alone.
fn push_trigger(
    out: &mut Parsed,
    path: &str,
    line: u32,
    expression: &str,
    timezone: Option<Tz>,
    command: String,
    lines: &Lines<'_>,
) {
    match resolve(expression) {
        Resolved::Value(v) => match parse_quartz(&v) {
            Ok(r) => out
                .tasks
                .push(task(path, line, expression, r, timezone, command)),
            Err(e) => out.invalid.push((line, e, lines.get(line))),
        },
        Resolved::Property(p) => out
            .tasks
            .push(from_property(path, line, expression, &p, command, timezone)),
        Resolved::Expression(_) => {}
    }
}

/// A task whose schedule is a property the package does not set.
fn from_property(
    path: &str,
    line: u32,
    expression: &str,
    property: &str,
    command: String,
    timezone: Option<Tz>,
) -> Task {
    Task {
        kind: Kind::Quartz,
        path: path.to_string(),
        line,
        expression: expression.trim().to_string(),
        timing: Timing::Event {
            event: format!("when property {property} says"),
        },
        timezone,
        command: Some(command),
        user: None,
        note: Some(format!("schedule comes from property {property}")),
        enabled: true,
    }
}

fn task(
    path: &str,
    line: u32,
    expression: &str,
    recurrence: Box<dyn Recurrence>,
    timezone: Option<Tz>,
    command: String,
) -> Task {
    Task {
        kind: Kind::Quartz,
        path: path.to_string(),
        line,
        expression: expression.trim().to_string(),
        timing: Timing::Clock {
            recurrence,
            jitter: Duration::zero(),
            randomized: false,
        },
        timezone,
        command: Some(command),
        user: None,
        note: None,
        enabled: true,
    }
}

/// A zone value read from a file: the zone, or an invalid entry (Java falls back to GMT).
fn read_zone(
    value: Option<(u32, String)>,
    lines: &Lines<'_>,
    invalid: &mut Vec<Invalid>,
) -> Option<Tz> {
    let (line, v) = value?;
    match resolve(&v) {
        Resolved::Value(z) if !z.is_empty() => match zone(&z) {
            Some(tz) => Some(tz),
            None => {
                invalid.push((
                    line,
                    format!("unknown time zone '{z}': Java falls back to GMT"),
                    lines.get(line),
                ));
                Some(Tz::UTC)
            }
        },
        _ => None,
    }
}

/// Quartz `job-scheduling-data`: `<cron>` and `<simple>` triggers.
fn quartz_xml(path: &str, text: &str, xml: &Xml, out: &mut Parsed) {
    let lines = Lines::new(text);
    let mut classes: HashMap<String, String> = HashMap::new();
    for j in xml.named("job") {
        if let (Some(n), Some(c)) = (xml.child_text(j, "name"), xml.child_text(j, "job-class")) {
            classes.entry(n).or_insert(c);
        }
    }
    let job_command = |job_name: Option<&str>, trigger: Option<String>| {
        let class = job_name.and_then(|jn| classes.get(jn).cloned());
        match (job_name, class) {
            (Some(n), Some(c)) => format!("{n} ({c})"),
            (Some(n), None) => n.to_string(),
            (None, Some(c)) => c,
            (None, None) => trigger.unwrap_or_else(|| "Quartz job".to_string()),
        }
    };
    for i in xml.named("cron").collect::<Vec<_>>() {
        let Some(expr_node) = xml.child(i, "cron-expression") else {
            continue;
        };
        let line = expr_node.line;
        let expression = expr_node.text.trim().to_string();
        if expression.is_empty() {
            continue;
        }
        let job_name = xml.child_text(i, "job-name");
        let command = job_command(job_name.as_deref(), xml.child_text(i, "name"));
        let tz_value = xml
            .child(i, "time-zone")
            .map(|n| (n.line, n.text.trim().to_string()));
        let timezone = read_zone(tz_value, &lines, &mut out.invalid);
        push_trigger(out, path, line, &expression, timezone, command, &lines);
    }
    for i in xml.named("simple").collect::<Vec<_>>() {
        let Some(interval) = xml.child(i, "repeat-interval") else {
            continue;
        };
        let line = interval.line;
        let raw = interval.text.trim().to_string();
        let job_name = xml.child_text(i, "job-name");
        let command = job_command(job_name.as_deref(), xml.child_text(i, "name"));
        let count = xml.child_text(i, "repeat-count");
        match raw
            .parse::<i64>()
            .ok()
            .filter(|ms| *ms > 0)
            .and_then(millis)
        {
            Some(every) => out.tasks.push(Task {
                kind: Kind::Quartz,
                path: path.to_string(),
                line,
                expression: format!("repeat-interval {raw} ms"),
                timing: Timing::Interval {
                    every,
                    anchor: "the trigger's start time (scheduler start unless <start-time> says)"
                        .into(),
                },
                timezone: None,
                command: Some(command),
                user: None,
                note: count
                    .filter(|c| c != "-1")
                    .map(|c| format!("repeats {c} times after the first firing")),
                enabled: true,
            }),
            None => out.invalid.push((
                line,
                format!("repeat-interval '{raw}' is not a positive number of milliseconds"),
                lines.get(line),
            )),
        }
    }
}

/// A `<property name=...>`'s value: the `value` attribute or a `<value>` child, and its line.
fn property_value(xml: &Xml, bean: usize, name: &str) -> Option<(u32, String)> {
    xml.children(bean)
        .find(|(_, n)| n.name == "property" && n.attr("name") == Some(name))
        .and_then(|(pi, p)| {
            p.attr("value")
                .map(|v| (p.line, v.to_string()))
                .or_else(|| {
                    xml.child(pi, "value")
                        .map(|v| (v.line, v.text.trim().to_string()))
                })
        })
}

fn property_ref(xml: &Xml, bean: usize, name: &str) -> Option<String> {
    xml.children(bean)
        .find(|(_, n)| n.name == "property" && n.attr("name") == Some(name))
        .and_then(|(pi, p)| {
            p.attr("ref").map(str::to_string).or_else(|| {
                xml.child(pi, "ref")
                    .and_then(|r| r.attr("bean").or_else(|| r.attr("local")))
                    .map(str::to_string)
            })
        })
}

/// Spring XML trigger beans.
fn spring_beans(path: &str, text: &str, xml: &Xml, out: &mut Parsed) {
    let lines = Lines::new(text);
    let mut beans: HashMap<&str, usize> = HashMap::new();
    for b in xml.named("bean") {
        if let Some(id) = xml
            .node(b)
            .and_then(|n| n.attr("id").or_else(|| n.attr("name")))
        {
            beans.entry(id).or_insert(b);
        }
    }
    let bean_by_id = |id: &str| beans.get(id).copied();
    let job_of = |trigger: usize| -> String {
        let own = xml
            .node(trigger)
            .and_then(|n| n.attr("id").or_else(|| n.attr("name")))
            .unwrap_or("Quartz trigger")
            .to_string();
        let Some(detail) = property_ref(xml, trigger, "jobDetail") else {
            return own;
        };
        let Some(d) = bean_by_id(&detail) else {
            return detail;
        };
        if let Some((_, class)) = property_value(xml, d, "jobClass") {
            return format!("{detail} ({class})");
        }
        let target = property_ref(xml, d, "targetObject")
            .or_else(|| property_value(xml, d, "targetBeanName").map(|(_, v)| v));
        match (target, property_value(xml, d, "targetMethod")) {
            (Some(t), Some((_, m))) => format!("{t}.{m}()"),
            _ => detail,
        }
    };
    for b in xml.named("bean").collect::<Vec<_>>() {
        let Some(class) = xml.node(b).and_then(|n| n.attr("class")) else {
            continue;
        };
        if class.ends_with("CronTriggerFactoryBean") || class.ends_with("CronTriggerBean") {
            let Some((line, expression)) = property_value(xml, b, "cronExpression") else {
                continue;
            };
            let timezone = read_zone(property_value(xml, b, "timeZone"), &lines, &mut out.invalid);
            let command = job_of(b);
            push_trigger(out, path, line, &expression, timezone, command, &lines);
        } else if class.ends_with("SimpleTriggerFactoryBean")
            || class.ends_with("SimpleTriggerBean")
        {
            let Some((line, raw)) = property_value(xml, b, "repeatInterval") else {
                continue;
            };
            let value = match resolve(&raw) {
                Resolved::Value(v) => v,
                _ => continue,
            };
            let Some(every) = value
                .parse::<i64>()
                .ok()
                .filter(|m| *m > 0)
                .and_then(millis)
            else {
                out.invalid.push((
                    line,
                    format!("repeatInterval '{raw}' is not a positive number of milliseconds"),
                    lines.get(line),
                ));
                continue;
            };
            let delay = property_value(xml, b, "startDelay")
                .and_then(|(_, d)| d.parse::<i64>().ok())
                .filter(|d| *d > 0)
                .and_then(millis);
            let anchor = match delay {
                Some(d) => format!(
                    "application start, after a start delay of {}",
                    crate::schedule::words(d)
                ),
                None => "application start".to_string(),
            };
            out.tasks.push(Task {
                kind: Kind::Quartz,
                path: path.to_string(),
                line,
                expression: format!("repeatInterval {raw}"),
                timing: Timing::Interval { every, anchor },
                timezone: None,
                command: Some(job_of(b)),
                user: None,
                note: None,
                enabled: true,
            });
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::schedule::rfc3339;

    const NOW: &str = "2026-11-26T00:00:00Z";

    fn now() -> DateTime<Utc> {
        NOW.parse().unwrap_or_default()
    }

    fn first_run(r: &dyn Recurrence, tz: Tz) -> String {
        r.next_after(now(), tz).map(rfc3339).unwrap_or_default()
    }

    #[test]
    fn quartz_expressions_and_croner() {
        let ok = |e: &str| {
            let r = parse_quartz(e);
            assert!(r.is_ok(), "{e}: {r:?}");
            r.ok()
        };
        // 1 = Sunday ... 7 = Saturday; names too.
        let Some(r) = ok("0 0 3 ? * 1") else { return };
        assert_eq!(first_run(r.as_ref(), Tz::UTC), "2026-11-29T03:00:00Z");
        assert_eq!(r.describe(), "At 03:00, on Sunday");
        let Some(r) = ok("0 0 3 ? * 7") else { return };
        assert_eq!(first_run(r.as_ref(), Tz::UTC), "2026-11-28T03:00:00Z");
        let Some(r) = ok("0 0 3 ? * MON-FRI") else {
            return;
        };
        assert_eq!(first_run(r.as_ref(), Tz::UTC), "2026-11-26T03:00:00Z");
        // `L` alone in day-of-week is Saturday (croner would never fire it).
        let Some(r) = ok("0 0 3 ? * L") else { return };
        assert_eq!(first_run(r.as_ref(), Tz::UTC), "2026-11-28T03:00:00Z");
        // Last Friday, third Friday, last day, last weekday, nearest weekday.
        let Some(r) = ok("0 0 3 ? * 6L") else { return };
        assert_eq!(first_run(r.as_ref(), Tz::UTC), "2026-11-27T03:00:00Z");
        let Some(r) = ok("0 0 3 ? * 6#3") else { return };
        assert_eq!(first_run(r.as_ref(), Tz::UTC), "2026-12-18T03:00:00Z");
        let Some(r) = ok("0 0 3 L * ?") else { return };
        assert_eq!(first_run(r.as_ref(), Tz::UTC), "2026-11-30T03:00:00Z");
        let Some(r) = ok("0 0 3 LW * ?") else { return };
        assert!(r.describe().contains("last weekday"), "{}", r.describe());
        // 2027-01-31 is a Sunday: the last weekday is Friday the 29th.
        let t = "2027-01-01T00:00:00Z".parse().unwrap_or_default();
        assert_eq!(
            r.next_after(t, Tz::UTC).map(rfc3339).unwrap_or_default(),
            "2027-01-29T03:00:00Z"
        );
        let Some(r) = ok("0 0 3 15W * ?") else { return };
        assert_eq!(first_run(r.as_ref(), Tz::UTC), "2026-12-15T03:00:00Z");
        // Open steps and a year.
        let Some(r) = ok("0 0/15 * * * ?") else {
            return;
        };
        assert_eq!(first_run(r.as_ref(), Tz::UTC), "2026-11-26T00:15:00Z");
        let Some(r) = ok("0 0 3 * * ? 2027") else {
            return;
        };
        assert_eq!(first_run(r.as_ref(), Tz::UTC), "2027-01-01T03:00:00Z");
        let Some(r) = ok("0 0 12 1/5 * ?") else {
            return;
        };
        assert_eq!(first_run(r.as_ref(), Tz::UTC), "2026-11-26T12:00:00Z");
    }

    #[test]
    fn quartz_rejections_say_why() {
        let err = |e: &str| parse_quartz(e).err().unwrap_or_default();
        assert!(err("0 0 3 * * *").contains("Support for specifying both a day-of-week AND a day-of-month parameter is not implemented"));
        assert!(err("0 0 3 ? * ?").contains("both"));
        assert!(err("0 3 * * ?").contains("6 or 7 fields"));
        assert!(err("0 0 3 ? * 0").contains("not a valid Quartz expression"));
        assert!(err("0 0 25 ? * *").contains("not a valid Quartz expression"));
        assert!(err("0 0 3 L-2 * ?").contains("L-n"));
        assert!(err("? 0 3 * * ?").contains("'?' is only allowed"));
    }

    #[test]
    fn placeholders_and_steps() {
        assert_eq!(
            resolve("${cleanup.cron:0 0 3 * * ?}"),
            Resolved::Value("0 0 3 * * ?".into())
        );
        assert_eq!(resolve("${a:${b:5000}}"), Resolved::Value("5000".into()));
        assert_eq!(
            resolve("${cleanup.cron}"),
            Resolved::Property("cleanup.cron".into())
        );
        assert_eq!(
            resolve("0 0 ${h:3} * * ?"),
            Resolved::Value("0 0 3 * * ?".into())
        );
        assert!(matches!(resolve("#{@cfg.cron}"), Resolved::Expression(_)));
        assert_eq!(resolve("${broken"), Resolved::Value("${broken".into()));
        assert_eq!(open_steps("0/15", 59), "0-59/15");
        assert_eq!(open_steps("/5,7", 59), "*/5,7");
        assert_eq!(open_steps("*/5", 59), "*/5");
        assert_eq!(open_steps("10-20/5", 59), "10-20/5");
    }

    #[test]
    fn properties_files() {
        let text = "\
# Quartz jobs
org.quartz.scheduler.instanceName = acme
jobs.cleanup.cronExpression = 0 0 3 ? * MON-FRI
jobs.cleanup.jobClass = com.acme.jobs.CleanupJob
jobs.cleanup.timeZone = Europe/Berlin
jobs.report.cron-expression=0 30 2 * * *
plain.cron = 0 3 * * *
spring.style.cron = 0 0 4 * * *
generic.cron = 0 15 1 ? * SUN 2027
jobs.env.cronExpression = ${REPORT_CRON}
jobs.long.cronExpression = 0 0 5 \\
    ? * SAT
";
        let p = detect("app/conf/quartz.properties", text);
        assert!(p.is_some(), "not recognised");
        let Some(p) = p else {
            return;
        };
        let lines: Vec<u32> = p.tasks.iter().map(|t| t.line).collect();
        assert_eq!(lines, [3, 9, 10, 11], "{:?}", p.tasks);
        assert_eq!(
            p.tasks.first().and_then(|t| t.command.clone()).as_deref(),
            Some("com.acme.jobs.CleanupJob")
        );
        assert_eq!(
            p.tasks.first().and_then(|t| t.timezone),
            Some(Tz::Europe__Berlin)
        );
        assert_eq!(
            p.tasks.get(1).and_then(|t| t.command.clone()).as_deref(),
            Some("generic")
        );
        assert!(matches!(
            p.tasks.get(2).map(|t| &t.timing),
            Some(Timing::Event { .. })
        ));
        assert_eq!(
            p.tasks.get(3).map(|t| t.expression.as_str()),
            Some("0 0 5 ? * SAT")
        );
        assert_eq!(p.invalid.len(), 1, "{:?}", p.invalid);
        let Some((line, message, raw)) = p.invalid.first() else {
            return;
        };
        assert_eq!(*line, 6);
        assert!(message.contains("both day-of-month"), "{message}");
        assert_eq!(raw, "jobs.report.cron-expression=0 30 2 * * *");
        assert!(detect("app/conf/other.properties", "a=b\ncron.enabled=true\n").is_none());
        assert!(detect("app/conf/quartz.yaml", text).is_none());
    }

    const JOB_DATA: &str = r#"<?xml version="1.0" encoding="UTF-8"?>
<job-scheduling-data xmlns="http://www.quartz-scheduler.org/xml/JobSchedulingData" version="2.0">
  <!-- <cron><cron-expression>0 0 1 * * ?</cron-expression></cron> -->
  <schedule>
    <job>
      <name>purgeJob</name>
      <group>maintenance</group>
      <job-class>com.acme.jobs.PurgeJob</job-class>
    </job>
    <trigger>
      <cron>
        <name>purgeTrigger</name>
        <job-name>purgeJob</job-name>
        <job-group>maintenance</job-group>
        <cron-expression>0 0 3 ? * *</cron-expression>
        <time-zone>Europe/Berlin</time-zone>
      </cron>
    </trigger>
    <trigger>
      <cron>
        <name>broken</name>
        <job-name>purgeJob</job-name>
        <cron-expression><![CDATA[0 0 4 1 * MON]]></cron-expression>
      </cron>
    </trigger>
    <trigger>
      <simple>
        <name>heartbeat</name>
        <job-name>heartbeatJob</job-name>
        <repeat-count>-1</repeat-count>
        <repeat-interval>300000</repeat-interval>
      </simple>
    </trigger>
  </schedule>
</job-scheduling-data>
"#;

    #[test]
    fn job_scheduling_data() {
        let p = detect("app/WEB-INF/classes/quartz_data.xml", JOB_DATA);
        assert!(p.is_some(), "not recognised");
        let Some(p) = p else {
            return;
        };
        assert_eq!(p.tasks.len(), 2, "{:?}", p.tasks);
        let Some(t) = p.tasks.first() else { return };
        assert_eq!(t.line, 15);
        assert_eq!(t.expression, "0 0 3 ? * *");
        assert_eq!(
            t.command.as_deref(),
            Some("purgeJob (com.acme.jobs.PurgeJob)")
        );
        assert_eq!(t.timezone, Some(Tz::Europe__Berlin));
        let Some(t) = p.tasks.get(1) else { return };
        assert_eq!(t.line, 31);
        assert!(
            matches!(t.timing, Timing::Interval { every, .. } if every == Duration::minutes(5))
        );
        assert_eq!(p.invalid.len(), 1);
        assert_eq!(p.invalid.first().map(|i| i.0), Some(23));
    }

    #[test]
    fn spring_trigger_beans() {
        let text = r#"<beans xmlns="http://www.springframework.org/schema/beans">
  <bean id="exportJob" class="org.springframework.scheduling.quartz.JobDetailFactoryBean">
    <property name="jobClass" value="com.acme.ExportJob"/>
  </bean>
  <bean id="exportTrigger" class="org.springframework.scheduling.quartz.CronTriggerFactoryBean">
    <property name="jobDetail" ref="exportJob"/>
    <property name="cronExpression" value="0 30 3 ? * MON-FRI"/>
    <property name="timeZone" value="America/New_York"/>
  </bean>
  <bean id="pollTrigger" class="org.springframework.scheduling.quartz.SimpleTriggerFactoryBean">
    <property name="repeatInterval" value="60000"/>
  </bean>
  <bean id="badTrigger" class="org.springframework.scheduling.quartz.CronTriggerFactoryBean">
    <property name="cronExpression"><value>0 30 3 * * MON-FRI</value></property>
    <property name="timeZone" value="Mars/Olympus"/>
  </bean>
</beans>
"#;
        let p = detect("app/applicationContext.xml", text);
        assert!(p.is_some(), "not recognised");
        let Some(p) = p else {
            return;
        };
        assert_eq!(p.tasks.len(), 2, "{:?}", p.tasks);
        let Some(t) = p.tasks.first() else { return };
        assert_eq!(
            (t.line, t.command.as_deref()),
            (7, Some("exportJob (com.acme.ExportJob)"))
        );
        assert_eq!(t.timezone, Some(Tz::America__New_York));
        let lines: Vec<u32> = p.invalid.iter().map(|i| i.0).collect();
        assert_eq!(lines, [15, 14]);
    }

    #[test]
    fn xml_reader_survives_junk() {
        for junk in [
            "<",
            "<a",
            "<a b='>",
            "<![CDATA[",
            "<!--",
            "</",
            "<a>&#xZZ;&amp</b>",
            "é<ü>ö</ü>",
        ] {
            let x = parse_xml(junk);
            assert!(!x.nodes.is_empty());
        }
        assert_eq!(
            xml_unescape("a &amp; b &lt;c&gt; &#65;&#x42; &bogus;"),
            "a & b <c> AB &bogus;"
        );
        assert!(detect("x.xml", "<cron><cron-expression>").is_none());
    }

    #[test]
    fn hostile_xml_stays_linear() {
        let deep = format!("<cron>{}{}", "<a>".repeat(100_000), "</b>".repeat(100_000));
        let x = parse_xml(&deep);
        assert_eq!(x.nodes.len(), 100_002);
        let many = format!(
            "<job-scheduling-data>{}{}</job-scheduling-data>",
            "<job><name>j</name><job-class>C</job-class></job>".repeat(2_000),
            "<cron><job-name>j</job-name><cron-expression>0 0 3 ? * *</cron-expression></cron>"
                .repeat(2_000)
        );
        let p = detect("q.xml", &many);
        assert_eq!(p.map(|p| p.tasks.len()), Some(2_000));
    }
}
