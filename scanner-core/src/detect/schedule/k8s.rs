//! Kubernetes `CronJob` manifests (any apiVersion).
//!
//! ## What it does
//! Reads every `.yaml`/`.yml` document with `kind: CronJob` (`batch/v1`, `batch/v1beta1`,
//! `batch/v2alpha1`, also the items of a `kind: List`): `spec.schedule` (five cron fields as the
//! CronJob controller's parser takes them, `@hourly`... macros, `@every 1h30m`), `spec.timeZone`,
//! `spec.suspend`, the containers of `spec.jobTemplate.spec.template.spec` (command and args,
//! image) and `securityContext.runAsUser` (container first, then pod). Multi-document files are
//! split at `---`; a document that is not valid YAML is an `invalid` entry only when it names
//! `kind: CronJob`. Helm templates are read too: `{{ ... }}` actions alone on their lines are
//! dropped, inline ones become placeholders, and a schedule or zone that comes from a template
//! is reported as not readable (its value is in `values.yaml`, not in the file).
//!
//! The line of a task is the line of its `schedule:` key, taken from the YAML parser's markers
//! (`saphyr-parser` events; this file builds a small tree with lines from them).
//!
//! ## Why is this bad?
//! A job that fires during the maintenance window runs against a half-upgraded system.

use super::cron::Invalid;
use super::cron::MACROS;
use super::Parsed;
use crate::schedule::{CronDialect, CronRecurrence, Kind, Task, Timing};
use chrono::Duration;
use chrono_tz::Tz;
use saphyr_parser::{Event, Parser, ScalarStyle};
use std::collections::HashMap;

// ---------------------------------------------------------------------------------------------
// A small YAML tree with line numbers, shared with the GitHub Actions reader.

/// Deepest nesting read: deeper documents are refused, so walking and dropping a tree never
/// recurses far.
const MAX_DEPTH: usize = 64;
/// Most nodes one document may hold, aliases expanded ("billion laughs").
const MAX_NODES: usize = 200_000;

/// A YAML node and the 1-based line it starts on.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Node {
    /// 1-based line in the file.
    pub line: u32,
    /// What it holds.
    pub data: Data,
}

/// A YAML node's content.
#[derive(Debug, Clone, PartialEq)]
pub(crate) enum Data {
    /// A scalar as written; `plain` when unquoted (so `null`, `true` keep their meaning).
    Scalar {
        /// The text.
        value: String,
        /// Written without quotes or block indicator.
        plain: bool,
    },
    /// A sequence.
    Seq(Vec<Node>),
    /// A mapping, in file order.
    Map(Vec<(Node, Node)>),
}

/// A document the parser refused: where and why.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct YamlError {
    /// 1-based line in the file.
    pub line: u32,
    /// The parser's words.
    pub message: String,
}

impl Node {
    /// The key node and the value of `key` in a mapping (also through `<<` merge keys).
    pub fn entry(&self, key: &str) -> Option<(&Node, &Node)> {
        let Data::Map(entries) = &self.data else {
            return None;
        };
        if let Some((k, v)) = entries.iter().find(|(k, _)| k.scalar() == Some(key)) {
            return Some((k, v));
        }
        let merged = entries.iter().find(
            |(k, _)| matches!(&k.data, Data::Scalar { value, plain: true } if value == "<<"),
        )?;
        match &merged.1.data {
            Data::Map(_) => merged.1.entry(key),
            Data::Seq(items) => items.iter().find_map(|m| m.entry(key)),
            Data::Scalar { .. } => None,
        }
    }

    /// The value of `key` in a mapping.
    pub fn get(&self, key: &str) -> Option<&Node> {
        self.entry(key).map(|(_, v)| v)
    }

    /// Follow a path of mapping keys.
    pub fn path(&self, keys: &[&str]) -> Option<&Node> {
        keys.iter().try_fold(self, |n, k| n.get(k))
    }

    /// The text of a scalar; `None` for collections and for null (`~`, `null`, nothing).
    pub fn scalar(&self) -> Option<&str> {
        match &self.data {
            Data::Scalar { value, plain: true }
                if matches!(value.as_str(), "" | "~" | "null" | "Null" | "NULL") =>
            {
                None
            }
            Data::Scalar { value, .. } => Some(value),
            _ => None,
        }
    }

    /// The items of a sequence (none for anything else).
    pub fn items(&self) -> &[Node] {
        match &self.data {
            Data::Seq(items) => items,
            _ => &[],
        }
    }

    /// True for a plain scalar YAML 1.1 reads as true (`true`, `yes`, `on`...), as Kubernetes'
    /// YAML decoder and GitHub do.
    pub fn is_true(&self) -> bool {
        matches!(&self.data, Data::Scalar { value, plain: true }
            if matches!(value.as_str(), "true" | "True" | "TRUE" | "yes" | "Yes" | "YES" | "y" | "Y" | "on" | "On" | "ON"))
    }
}

/// Nodes in a subtree and its height.
fn measure(n: &Node) -> (usize, usize) {
    match &n.data {
        Data::Scalar { .. } => (1, 1),
        Data::Seq(items) => items.iter().fold((1, 1), |(s, h), c| {
            let (cs, ch) = measure(c);
            (s + cs, h.max(ch + 1))
        }),
        Data::Map(entries) => entries.iter().fold((1, 1), |(s, h), (k, v)| {
            let (ks, kh) = measure(k);
            let (vs, vh) = measure(v);
            (s + ks + vs, h.max(kh + 1).max(vh + 1))
        }),
    }
}

/// A document's lines: `(first line number, text)`. Documents are split at `---` and after
/// `...` markers in column 0 (they end any block scalar too), so one broken document does not
/// hide the others.
pub(crate) fn split_documents(text: &str) -> Vec<(u32, String)> {
    let mut docs: Vec<(u32, String)> = Vec::new();
    let mut current = String::new();
    let mut first: u32 = 1;
    let marker = |line: &str, m: &str| {
        line.strip_prefix(m)
            .is_some_and(|rest| rest.is_empty() || rest.starts_with(char::is_whitespace))
    };
    for (i, line) in text.split_inclusive('\n').enumerate() {
        let line_no = u32::try_from(i).unwrap_or(u32::MAX).saturating_add(1);
        if marker(line, "---") && !current.trim().is_empty() {
            docs.push((first, std::mem::take(&mut current)));
            first = line_no;
        } else if current.is_empty() {
            first = line_no;
        }
        current.push_str(line);
        if marker(line, "...") {
            docs.push((first, std::mem::take(&mut current)));
        }
    }
    if !current.trim().is_empty() {
        docs.push((first, current));
    }
    docs
}

enum Frame {
    Seq(u32, usize, Vec<Node>),
    Map(u32, usize, Vec<(Node, Node)>, Option<Node>),
}

/// Parse one document's text (its first line is line `first` of the file) into trees.
pub(crate) fn parse_document(text: &str, first: u32) -> Result<Vec<Node>, YamlError> {
    let offset = first.saturating_sub(1);
    let line_of = |l: usize| offset.saturating_add(u32::try_from(l).unwrap_or(u32::MAX));
    let mut roots = Vec::new();
    let mut stack: Vec<Frame> = Vec::new();
    let mut anchors: HashMap<usize, (Node, usize, usize)> = HashMap::new();
    let mut count: usize = 0;
    let err = |line: u32, message: &str| YamlError {
        line,
        message: message.to_string(),
    };
    for event in Parser::new_from_str(text) {
        let (event, span) = event.map_err(|e| YamlError {
            line: line_of(e.marker().line()),
            message: e.info().to_string(),
        })?;
        let line = line_of(span.start.line());
        let (node, anchor) = match event {
            Event::SequenceStart(anchor, _) | Event::MappingStart(anchor, _) => {
                if stack.len() >= MAX_DEPTH {
                    return Err(err(line, "nested too deeply"));
                }
                stack.push(if matches!(event, Event::SequenceStart(..)) {
                    Frame::Seq(line, anchor, Vec::new())
                } else {
                    Frame::Map(line, anchor, Vec::new(), None)
                });
                continue;
            }
            Event::SequenceEnd | Event::MappingEnd => match stack.pop() {
                Some(Frame::Seq(line, anchor, items)) => (
                    Node {
                        line,
                        data: Data::Seq(items),
                    },
                    anchor,
                ),
                Some(Frame::Map(line, anchor, entries, _)) => (
                    Node {
                        line,
                        data: Data::Map(entries),
                    },
                    anchor,
                ),
                None => continue,
            },
            Event::Scalar(value, style, anchor, _) => (
                Node {
                    line,
                    data: Data::Scalar {
                        value: value.into_owned(),
                        plain: style == ScalarStyle::Plain,
                    },
                },
                anchor,
            ),
            Event::Alias(id) => {
                let Some((node, size, height)) = anchors.get(&id) else {
                    return Err(err(line, "an alias to an unknown anchor"));
                };
                count = count.saturating_add(*size);
                if stack.len() + height > MAX_DEPTH {
                    return Err(err(line, "nested too deeply"));
                }
                (node.clone(), 0)
            }
            _ => continue,
        };
        count = count.saturating_add(1);
        if count > MAX_NODES {
            return Err(err(
                line,
                "too many nodes (aliases expand to more than 200000)",
            ));
        }
        if anchor > 0 {
            let (size, height) = measure(&node);
            anchors.insert(anchor, (node.clone(), size, height));
        }
        match stack.last_mut() {
            Some(Frame::Seq(_, _, items)) => items.push(node),
            Some(Frame::Map(_, _, entries, key)) => match key.take() {
                Some(k) => entries.push((k, node)),
                None => *key = Some(node),
            },
            None => roots.push(node),
        }
    }
    Ok(roots)
}

// ---------------------------------------------------------------------------------------------
// Helm and Go templates.

const TPL: &str = "__preflight_tpl_";

/// Replace template actions (`{{ ... }}`) so the rest parses as YAML: a line made only of
/// actions (`{{- if ... }}`, `{{- end }}`, `{{ include ... | nindent 4 }}`) becomes blank, an
/// inline action a placeholder that [`restore`] turns back into the action. Lines keep their
/// numbers.
pub(crate) fn untemplate(text: &str) -> (String, Vec<String>) {
    if !text.contains("{{") {
        return (text.to_string(), Vec::new());
    }
    let mut out = String::with_capacity(text.len());
    let mut actions = Vec::new();
    let mut rest = text;
    while let Some(i) = rest.find("{{") {
        let (before, from) = rest.split_at(i);
        let Some(j) = from.find("}}") else { break };
        let (action, after) = from.split_at(j.saturating_add(2).min(from.len()));
        out.push_str(before);
        out.push_str(&format!("{TPL}{}__", actions.len()));
        out.extend(std::iter::repeat_n('\n', action.matches('\n').count()));
        actions.push(action.to_string());
        rest = after;
    }
    out.push_str(rest);
    let lines: Vec<String> = out
        .split('\n')
        .map(|line| {
            if line.contains(TPL) && strip_placeholders(line).trim().is_empty() {
                String::new()
            } else {
                line.to_string()
            }
        })
        .collect();
    (lines.join("\n"), actions)
}

/// A line without its placeholders.
fn strip_placeholders(line: &str) -> String {
    let mut out = String::new();
    let mut rest = line;
    while let Some(i) = rest.find(TPL) {
        let (before, from) = rest.split_at(i);
        out.push_str(before);
        let tail = from.get(TPL.len()..).unwrap_or("");
        let digits = tail.bytes().take_while(u8::is_ascii_digit).count();
        let end = TPL.len()
            + digits
            + tail
                .get(digits..)
                .map_or(0, |t| if t.starts_with("__") { 2 } else { 0 });
        rest = from.get(end..).unwrap_or("");
    }
    out.push_str(rest);
    out
}

/// Put the template actions back into a value.
pub(crate) fn restore(value: &str, actions: &[String]) -> String {
    if actions.is_empty() || !value.contains(TPL) {
        return value.to_string();
    }
    let mut out = String::new();
    let mut rest = value;
    while let Some(i) = rest.find(TPL) {
        let (before, from) = rest.split_at(i);
        out.push_str(before);
        let tail = from.get(TPL.len()..).unwrap_or("");
        let digits = tail.bytes().take_while(u8::is_ascii_digit).count();
        let n = tail.get(..digits).and_then(|d| d.parse::<usize>().ok());
        match (n.and_then(|n| actions.get(n)), tail.get(digits..)) {
            (Some(action), Some(t)) if t.starts_with("__") => {
                out.push_str(action);
                rest = t.get(2..).unwrap_or("");
            }
            _ => {
                out.push_str(TPL);
                rest = tail;
            }
        }
    }
    out.push_str(rest);
    out
}

/// True when a value came (partly) from a template action.
fn templated(value: &str) -> bool {
    value.contains(TPL)
}

// ---------------------------------------------------------------------------------------------
// Cron patterns as the Kubernetes controller and GitHub take them.

const FIELDS: [&str; 5] = ["minute", "hour", "day-of-month", "month", "day-of-week"];
const MONTHS: [&str; 12] = [
    "JAN", "FEB", "MAR", "APR", "MAY", "JUN", "JUL", "AUG", "SEP", "OCT", "NOV", "DEC",
];
const DAYS: [&str; 7] = ["SUN", "MON", "TUE", "WED", "THU", "FRI", "SAT"];

/// Check a pattern has five fields made only of numbers, `*`, `,`, `-`, `/` and month or day
/// names (and `?`, when `question`): what POSIX cron, the CronJob controller and GitHub take.
/// croner alone would also take `L`, `W` and `#`, which they reject.
pub(crate) fn check_plain_fields(pattern: &str, question: bool) -> Result<(), String> {
    let fields: Vec<&str> = pattern.split_whitespace().collect();
    if fields.len() != 5 {
        return Err(format!(
            "{} fields where five are needed (minute hour day-of-month month day-of-week)",
            fields.len()
        ));
    }
    for (i, field) in fields.iter().enumerate() {
        for atom in field.split([',', '-', '/']) {
            let upper = atom.to_ascii_uppercase();
            let ok = atom == "*"
                || (question && atom == "?")
                || (!atom.is_empty() && atom.bytes().all(|b| b.is_ascii_digit()))
                || (i == 3 && MONTHS.contains(&upper.as_str()))
                || (i == 4 && DAYS.contains(&upper.as_str()));
            if !ok {
                let name = FIELDS.get(i).copied().unwrap_or("");
                return Err(format!("'{atom}' is not allowed in the {name} field"));
            }
        }
    }
    Ok(())
}

/// A macro's pattern.
pub(crate) fn expand_macro(expression: &str) -> Option<&'static str> {
    let lower = expression.to_ascii_lowercase();
    MACROS
        .iter()
        .find(|(m, _)| *m == lower)
        .map(|(_, pattern)| *pattern)
}

/// A Go duration as `@every` takes it (`90m`, `1h30m`, `45s`), whole seconds.
fn go_duration(text: &str) -> Option<Duration> {
    let mut total: i64 = 0;
    let mut rest = text;
    if rest.is_empty() {
        return None;
    }
    while !rest.is_empty() {
        let digits = rest.bytes().take_while(u8::is_ascii_digit).count();
        let n: i64 = rest.get(..digits)?.parse().ok()?;
        rest = rest.get(digits..)?;
        let (unit, seconds) = [("h", 3600), ("m", 60), ("s", 1)]
            .into_iter()
            .find(|(u, _)| rest.starts_with(u) && !rest.starts_with("ms"))?;
        rest = rest.get(unit.len()..)?;
        total = total.checked_add(n.checked_mul(seconds)?)?;
    }
    (total > 0 && total <= 400 * 86_400).then(|| Duration::seconds(total))
}

/// How the CronJob controller reads `spec.schedule`.
fn k8s_timing(expression: &str) -> Result<Timing, String> {
    let e = expression.trim();
    if e.starts_with("TZ=") || e.starts_with("CRON_TZ=") {
        return Err(
            "Kubernetes refuses TZ= or CRON_TZ= in spec.schedule: set spec.timeZone".into(),
        );
    }
    if let Some(d) = e.strip_prefix("@every ") {
        let every = go_duration(d.trim())
            .ok_or_else(|| format!("'{}' is not a duration such as 1h30m", d.trim()))?;
        return Ok(Timing::Interval {
            every,
            anchor: "the CronJob's creation (the controller counts from its last scheduled run)"
                .into(),
        });
    }
    let pattern = if e.starts_with('@') {
        expand_macro(e)
            .ok_or_else(|| format!("unknown schedule macro '{e}'"))?
            .to_string()
    } else {
        check_plain_fields(e, true)?;
        // robfig/cron reads `?` as `*` in any field; croner only where Quartz allows it.
        e.split_whitespace()
            .map(|f| f.replace('?', "*"))
            .collect::<Vec<_>>()
            .join(" ")
    };
    let recurrence = CronRecurrence::parse(&pattern, CronDialect::default())?;
    Ok(Timing::Clock {
        recurrence: Box::new(recurrence),
        jitter: Duration::zero(),
        randomized: false,
    })
}

// ---------------------------------------------------------------------------------------------
// CronJobs.

/// The path inside its own container.
pub(crate) fn inner_path(path: &str) -> &str {
    path.rsplit(crate::NESTED_SEPARATOR).next().unwrap_or(path)
}

/// A GitHub workflow file (read by `github.rs`, not here).
pub(crate) fn is_github_workflow(path: &str) -> bool {
    let p = inner_path(path);
    let Some(i) = p.find(".github/workflows/") else {
        return false;
    };
    let before = p.get(..i).unwrap_or("");
    let name = p.get(i + ".github/workflows/".len()..).unwrap_or("");
    (before.is_empty() || before.ends_with('/'))
        && !name.is_empty()
        && !name.contains('/')
        && is_yaml_name(name)
}

/// `.yaml` or `.yml`, any case.
pub(crate) fn is_yaml_name(path: &str) -> bool {
    let lower = path.to_ascii_lowercase();
    lower.ends_with(".yaml") || lower.ends_with(".yml")
}

/// The line of the file, as written.
pub(crate) fn raw_line(text: &str, line: u32) -> String {
    let n = usize::try_from(line.saturating_sub(1)).unwrap_or(usize::MAX);
    text.split('\n')
        .nth(n)
        .unwrap_or("")
        .trim_end_matches('\r')
        .to_string()
}

/// The first line of a document that says `kind: CronJob`, if any.
fn kind_cronjob_line(doc: &str, first: u32) -> Option<u32> {
    doc.split('\n').enumerate().find_map(|(i, l)| {
        let l = l.trim();
        let v = l.strip_prefix("kind:")?.trim();
        let v = v.trim_matches(|c| c == '"' || c == '\'');
        (v == "CronJob").then(|| first.saturating_add(u32::try_from(i).unwrap_or(u32::MAX)))
    })
}

/// Whether [`detect`] could read anything from `text`: a YAML file (not a workflow) that
/// mentions `CronJob`.
pub fn wants(path: &str, text: &str) -> bool {
    is_yaml_name(inner_path(path)) && !is_github_workflow(path) && text.contains("CronJob")
}

/// Read `text` (the entry at `path`) if it is in this format.
pub fn detect(path: &str, text: &str) -> Option<Parsed> {
    if !wants(path, text) {
        return None;
    }
    let (clean, actions) = untemplate(text);
    let mut out = Parsed::default();
    let mut seen = false;
    for (first, doc) in split_documents(&clean) {
        if !doc.contains("CronJob") {
            continue;
        }
        match parse_document(&doc, first) {
            Ok(roots) => {
                for root in &roots {
                    let jobs: Vec<&Node> = if root
                        .get("kind")
                        .and_then(Node::scalar)
                        .is_some_and(|k| k.ends_with("List"))
                    {
                        root.get("items")
                            .map(Node::items)
                            .unwrap_or(&[])
                            .iter()
                            .collect()
                    } else {
                        vec![root]
                    };
                    for job in jobs {
                        if job.get("kind").and_then(Node::scalar) == Some("CronJob") {
                            seen = true;
                            read_cronjob(path, text, job, &actions, &mut out);
                        }
                    }
                }
            }
            Err(e) => {
                if kind_cronjob_line(&doc, first).is_some() {
                    seen = true;
                    // At the end of the document, the parser points past its last line.
                    let last = doc
                        .split('\n')
                        .enumerate()
                        .filter(|(_, l)| !l.trim().is_empty())
                        .last()
                        .map_or(0, |(i, _)| i);
                    let last = first.saturating_add(u32::try_from(last).unwrap_or(u32::MAX));
                    let line = e.line.min(last);
                    out.invalid.push((
                        line,
                        format!("the CronJob manifest is not valid YAML: {}", e.message),
                        raw_line(text, line),
                    ));
                }
            }
        }
    }
    seen.then_some(out)
}

/// Removed apiVersions, as a note.
fn api_note(api: &str) -> Option<String> {
    match api {
        "batch/v1beta1" => Some(
            "apiVersion batch/v1beta1 is no longer served since Kubernetes 1.25 (use batch/v1)"
                .into(),
        ),
        "batch/v2alpha1" => Some(
            "apiVersion batch/v2alpha1 is no longer served since Kubernetes 1.21 (use batch/v1)"
                .into(),
        ),
        _ => None,
    }
}

/// Join command words, quoting those with spaces.
fn join_words(words: &[String]) -> String {
    words
        .iter()
        .map(|w| {
            let action = w.starts_with("{{") && w.ends_with("}}");
            if w.is_empty() || (w.contains(char::is_whitespace) && !action) {
                format!("'{w}'")
            } else {
                w.clone()
            }
        })
        .collect::<Vec<_>>()
        .join(" ")
}

/// A command or args value: a list of words, or one templated scalar.
fn words(node: Option<&Node>, actions: &[String]) -> Vec<String> {
    match node {
        Some(n) if !n.items().is_empty() => n
            .items()
            .iter()
            .filter_map(Node::scalar)
            .map(|s| restore(s, actions))
            .collect(),
        Some(n) => n
            .scalar()
            .map(|s| vec![restore(s, actions)])
            .unwrap_or_default(),
        None => Vec::new(),
    }
}

fn read_cronjob(path: &str, text: &str, job: &Node, actions: &[String], out: &mut Parsed) {
    let invalid = |line: u32, message: String| -> Invalid { (line, message, raw_line(text, line)) };
    let kind_line = job.entry("kind").map_or(job.line, |(k, _)| k.line);
    let name = job
        .path(&["metadata", "name"])
        .and_then(Node::scalar)
        .map(|s| restore(s, actions));
    let namespace = job
        .path(&["metadata", "namespace"])
        .and_then(Node::scalar)
        .map(|s| restore(s, actions));
    let who = match (&namespace, &name) {
        (Some(ns), Some(n)) => format!("CronJob {ns}/{n}"),
        (None, Some(n)) => format!("CronJob {n}"),
        _ => "CronJob".to_string(),
    };
    let Some(spec) = job.get("spec") else {
        out.invalid
            .push(invalid(kind_line, format!("{who} has no spec")));
        return;
    };
    let Some((key, value)) = spec.entry("schedule") else {
        out.invalid
            .push(invalid(kind_line, format!("{who} has no spec.schedule")));
        return;
    };
    let line = key.line;
    let Some(expression) = value.scalar() else {
        out.invalid.push(invalid(
            line,
            format!("spec.schedule of {who} is not a cron text"),
        ));
        return;
    };
    if templated(expression) {
        out.invalid.push(invalid(
            line,
            format!(
                "spec.schedule of {who} comes from the template {}: its value is not in this file",
                restore(expression, actions).trim()
            ),
        ));
        return;
    }
    let mut timezone = None;
    if let Some((zkey, zvalue)) = spec.entry("timeZone") {
        if let Some(zone) = zvalue.scalar() {
            if templated(zone) {
                out.invalid.push(invalid(
                    zkey.line,
                    format!(
                        "spec.timeZone of {who} comes from the template {}: its value is not in this file",
                        restore(zone, actions).trim()
                    ),
                ));
                return;
            }
            match zone.trim().parse::<Tz>() {
                Ok(z) => timezone = Some(z),
                Err(_) => {
                    out.invalid.push(invalid(
                        zkey.line,
                        format!("unknown time zone '{zone}' in spec.timeZone (Kubernetes refuses the CronJob)"),
                    ));
                    return;
                }
            }
        }
    }
    let timing = match k8s_timing(expression) {
        Ok(t) => t,
        Err(e) => {
            out.invalid.push(invalid(
                line,
                format!("'{}' is not a valid schedule: {e}", expression.trim()),
            ));
            return;
        }
    };
    let suspend = spec.get("suspend");
    let suspended = suspend.is_some_and(Node::is_true);
    let suspend_templated = suspend.and_then(Node::scalar).is_some_and(templated);
    let pod = spec.path(&["jobTemplate", "spec", "template", "spec"]);
    let containers = pod
        .and_then(|p| p.get("containers"))
        .map(Node::items)
        .unwrap_or(&[]);
    let mut images = Vec::new();
    let mut commands = Vec::new();
    let mut uid = None;
    for c in containers {
        let image = c
            .get("image")
            .and_then(Node::scalar)
            .map(|s| restore(s, actions));
        let command = words(c.get("command"), actions);
        let args = words(c.get("args"), actions);
        let entrypoint = || match &image {
            Some(i) => format!("(entrypoint of {i})"),
            None => "(image entrypoint)".to_string(),
        };
        let text = match (command.is_empty(), args.is_empty()) {
            (false, _) => join_words(&[command, args].concat()),
            (true, false) => format!("{} {}", entrypoint(), join_words(&args)),
            (true, true) => entrypoint(),
        };
        commands.push(text);
        if let Some(i) = image {
            images.push(i);
        }
        if uid.is_none() {
            uid = c
                .path(&["securityContext", "runAsUser"])
                .and_then(Node::scalar)
                .map(|s| restore(s, actions));
        }
    }
    if uid.is_none() {
        uid = pod
            .and_then(|p| p.path(&["securityContext", "runAsUser"]))
            .and_then(Node::scalar)
            .map(|s| restore(s, actions));
    }
    let mut notes = vec![who];
    match images.len() {
        0 => {}
        1 => notes.push(format!("image {}", images.join(""))),
        _ => notes.push(format!("images {}", images.join(", "))),
    }
    if timezone.is_none() && matches!(timing, Timing::Clock { .. }) {
        notes.push("no spec.timeZone: the kube-controller-manager's zone".into());
    }
    if let Some(n) = job
        .get("apiVersion")
        .and_then(Node::scalar)
        .and_then(api_note)
    {
        notes.push(n);
    }
    if suspended {
        notes.push("suspended".into());
    } else if suspend_templated {
        notes.push("spec.suspend comes from a template: it may be suspended".into());
    }
    out.tasks.push(Task {
        kind: Kind::K8sCronJob,
        path: path.to_string(),
        line,
        expression: expression.trim().to_string(),
        timing,
        timezone,
        command: (!commands.is_empty()).then(|| commands.join("; ")),
        user: uid.map(|u| format!("uid {u}")),
        note: Some(notes.join("; ")),
        enabled: !suspended,
    });
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;
    use crate::schedule::rfc3339;
    use chrono::{DateTime, Utc};

    const NOW: &str = "2026-11-26T00:00:00Z";

    fn now() -> DateTime<Utc> {
        NOW.parse().unwrap_or_default()
    }

    const MANIFEST: &str = "\
apiVersion: v1
kind: ConfigMap
metadata:
  name: importer-config
data:
  mode: full
---
apiVersion: batch/v1
kind: CronJob
metadata:
  name: nightly-import
  namespace: acme
spec:
  schedule: \"30 2 * * 1-5\"
  timeZone: Europe/Berlin
  concurrencyPolicy: Forbid
  jobTemplate:
    spec:
      template:
        spec:
          securityContext:
            runAsUser: 1000
          containers:
            - name: importer
              image: acme/importer:3.0
              command: [\"/opt/acme/bin/import\"]
              args:
                - --full
                - --source=sftp://legacy.example.net
          restartPolicy: OnFailure
---
apiVersion: batch/v1beta1
kind: CronJob
metadata:
  name: cleanup
spec:
  schedule: '@hourly'
  suspend: true
  jobTemplate:
    spec:
      template:
        spec:
          containers:
          - name: cleanup
            image: busybox:1.36
            command: [/bin/sh, -c, rm -rf /tmp/acme/*]
            securityContext:
              runAsUser: 0
";

    #[test]
    fn two_cronjobs_among_other_documents() {
        let p = detect("deploy/k8s/cronjobs.yaml", MANIFEST);
        assert!(p.is_some(), "not recognised");
        let Some(p) = p else { return };
        assert!(p.invalid.is_empty(), "{:?}", p.invalid);
        assert_eq!(p.tasks.len(), 2);
        let Some(t) = p.tasks.first() else { return };
        assert_eq!(t.line, 14);
        assert_eq!(t.expression, "30 2 * * 1-5");
        assert_eq!(t.timezone, Some(Tz::Europe__Berlin));
        assert_eq!(
            t.command.as_deref(),
            Some("/opt/acme/bin/import --full --source=sftp://legacy.example.net")
        );
        assert_eq!(t.user.as_deref(), Some("uid 1000"));
        assert_eq!(
            t.note.as_deref(),
            Some("CronJob acme/nightly-import; image acme/importer:3.0")
        );
        assert!(t.enabled);
        let e = t.evaluate(now(), Tz::UTC, None);
        assert_eq!(
            e.next_runs.first().map(|t| rfc3339(*t)).as_deref(),
            Some("2026-11-26T01:30:00Z")
        );
        let Some(t) = p.tasks.get(1) else { return };
        assert_eq!(t.line, 37);
        assert_eq!(t.expression, "@hourly");
        assert!(!t.enabled);
        assert_eq!(
            t.command.as_deref(),
            Some("/bin/sh -c 'rm -rf /tmp/acme/*'")
        );
        assert_eq!(t.user.as_deref(), Some("uid 0"));
        let note = t.note.as_deref().unwrap_or("");
        assert!(note.contains("batch/v1beta1"), "{note}");
        assert!(note.ends_with("; suspended"), "{note}");
        let e = t.evaluate(now(), Tz::UTC, None);
        assert!(
            e.description.starts_with("At minute 0"),
            "{}",
            e.description
        );
    }

    #[test]
    fn other_yaml_is_not_this_format() {
        assert!(detect("a/deployment.yaml", "kind: Deployment\n").is_none());
        assert!(detect("a/notes.txt", "kind: CronJob\n").is_none());
        assert!(detect(".github/workflows/ci.yml", "kind: CronJob\n").is_none());
        // A document that mentions CronJob without being one.
        assert!(detect("a/x.yml", "description: runs a CronJob\n").is_none());
    }

    #[test]
    fn invalid_schedules_and_zones() {
        let text = "\
kind: CronJob
metadata: {name: a}
spec:
  schedule: 61 * * * *
---
kind: CronJob
metadata: {name: b}
spec:
  schedule: 0 3 * * *
  timeZone: Mars/Olympus
---
kind: CronJob
metadata: {name: c}
spec:
  schedule: 0 3 L * *
---
kind: CronJob
metadata: {name: d}
spec:
  schedule: CRON_TZ=UTC 0 3 * * *
---
kind: CronJob
metadata: {name: e}
spec:
  jobTemplate: {}
---
kind: CronJob
metadata:
  name: [broken
";
        let p = detect("x.yaml", text);
        assert!(p.is_some(), "not recognised");
        let Some(p) = p else { return };
        assert!(p.tasks.is_empty(), "{:?}", p.tasks);
        let lines: Vec<u32> = p.invalid.iter().map(|i| i.0).collect();
        assert_eq!(lines, [4, 10, 15, 20, 22, 29], "{:?}", p.invalid);
        let messages: Vec<&str> = p.invalid.iter().map(|i| i.1.as_str()).collect();
        assert!(messages
            .first()
            .is_some_and(|m| m.contains("not a valid schedule")));
        assert!(messages.get(1).is_some_and(|m| m.contains("Mars/Olympus")));
        assert!(messages.get(2).is_some_and(|m| m.contains("'L'")));
        assert!(messages.get(3).is_some_and(|m| m.contains("spec.timeZone")));
        assert!(messages
            .get(4)
            .is_some_and(|m| m.contains("no spec.schedule")));
        assert!(messages
            .get(5)
            .is_some_and(|m| m.contains("not valid YAML")));
        assert_eq!(
            p.invalid.get(1).map(|i| i.2.as_str()),
            Some("  timeZone: Mars/Olympus")
        );
    }

    #[test]
    fn helm_templates() {
        let text = "\
{{- if .Values.cleanup.enabled }}
apiVersion: batch/v1
kind: CronJob
metadata:
  name: {{ include \"acme.fullname\" . }}-cleanup
  labels:
    {{- include \"acme.labels\" . | nindent 4 }}
spec:
  schedule: \"15 3 * * *\"
  jobTemplate:
    spec:
      template:
        spec:
          containers:
            - name: cleanup
              image: \"{{ .Values.image.repository }}:{{ .Values.image.tag }}\"
              args: [\"--older-than\", {{ .Values.cleanup.days | quote }}]
{{- end }}
---
{{- range .Values.jobs }}
apiVersion: batch/v1
kind: CronJob
metadata:
  name: {{ .name }}
spec:
  schedule: {{ .schedule | quote }}
{{- end }}
";
        let p = detect("chart/templates/cronjob.yaml", text);
        assert!(p.is_some(), "not recognised");
        let Some(p) = p else { return };
        assert_eq!(p.tasks.len(), 1, "{:?}", p.invalid);
        let Some(t) = p.tasks.first() else { return };
        assert_eq!(t.line, 9);
        assert_eq!(
            t.command.as_deref(),
            Some("(entrypoint of {{ .Values.image.repository }}:{{ .Values.image.tag }}) --older-than {{ .Values.cleanup.days | quote }}")
        );
        assert!(t
            .note
            .as_deref()
            .is_some_and(|n| n.starts_with("CronJob {{ include \"acme.fullname\" . }}-cleanup;")));
        assert_eq!(p.invalid.len(), 1);
        let Some(i) = p.invalid.first() else { return };
        assert_eq!(i.0, 26);
        assert!(i.1.contains("{{ .schedule | quote }}"), "{}", i.1);
    }

    #[test]
    fn every_and_lists() {
        let text = "apiVersion: v1\nkind: List\nitems:\n- apiVersion: batch/v1\n  kind: CronJob\n  metadata: {name: poll}\n  spec:\n    schedule: '@every 1h30m'\n";
        let p = detect("dump.yml", text);
        assert!(p.as_ref().is_some_and(|p| p.tasks.len() == 1), "{p:?}");
        let Some(t) = p.as_ref().and_then(|p| p.tasks.first()) else {
            return;
        };
        assert_eq!(t.line, 8);
        assert!(
            matches!(t.timing, Timing::Interval { every, .. } if every == Duration::minutes(90))
        );
        assert_eq!(go_duration("1h30m"), Some(Duration::minutes(90)));
        assert_eq!(go_duration("10ms"), None);
        assert_eq!(go_duration(""), None);
    }

    #[test]
    fn yaml_tree_limits() {
        let deep = format!("{}x{}", "[".repeat(200), "]".repeat(200));
        assert!(parse_document(&deep, 1).is_err());
        let deep_block = format!("{}x\n", "- ".repeat(5_000));
        assert!(parse_document(&deep_block, 1).is_err());
        let laughs = "a: &a [x, x, x, x, x, x, x, x, x, x]\nb: &b [*a, *a, *a, *a, *a, *a, *a, *a, *a, *a]\nc: &c [*b, *b, *b, *b, *b, *b, *b, *b, *b, *b]\nd: &d [*c, *c, *c, *c, *c, *c, *c, *c, *c, *c]\ne: &e [*d, *d, *d, *d, *d, *d, *d, *d, *d, *d]\nf: &f [*e, *e, *e, *e, *e, *e, *e, *e, *e, *e]\n";
        assert!(parse_document(laughs, 1).is_err());
        let merged = parse_document("base: &b {schedule: '0 1 * * *'}\nspec:\n  <<: *b\n", 1);
        assert!(merged.is_ok(), "{merged:?}");
        let Ok(roots) = merged else { return };
        assert_eq!(
            roots
                .first()
                .and_then(|r| r.path(&["spec", "schedule"]))
                .and_then(Node::scalar),
            Some("0 1 * * *")
        );
    }

    #[test]
    fn templates_round_trip() {
        let (clean, actions) =
            untemplate("a: {{ x }}\n  {{- if y }}\nb: \"{{ z }}-{{ w }}\"\n{{/*\nc\n*/}}\nd: 1\n");
        assert_eq!(clean, "a: __preflight_tpl_0__\n\nb: \"__preflight_tpl_2__-__preflight_tpl_3__\"\n\n\n\nd: 1\n");
        assert_eq!(
            restore("__preflight_tpl_2__-__preflight_tpl_3__", &actions),
            "{{ z }}-{{ w }}"
        );
        assert_eq!(
            restore("__preflight_tpl_99__", &actions),
            "__preflight_tpl_99__"
        );
        assert_eq!(untemplate("a: {{ open").0, "a: {{ open");
    }

    /// Deterministic mutations of a text: characters replaced by ones that matter to parsers.
    pub(crate) fn mutations(text: &str, rounds: usize, charset: &[char]) -> Vec<String> {
        let chars: Vec<char> = text.chars().collect();
        let mut seed: u64 = 0x9e37_79b9_7f4a_7c15;
        let mut next = move || {
            seed ^= seed << 13;
            seed ^= seed >> 7;
            seed ^= seed << 17;
            usize::try_from(seed % 1_000_003).unwrap_or(0)
        };
        (0..rounds)
            .map(|_| {
                let mut c = chars.clone();
                for _ in 0..1 + next() % 4 {
                    let at = next() % c.len().max(1);
                    let with = charset
                        .get(next() % charset.len().max(1))
                        .copied()
                        .unwrap_or(' ');
                    if let Some(slot) = c.get_mut(at) {
                        *slot = with;
                    }
                }
                c.into_iter().collect()
            })
            .collect()
    }

    #[test]
    fn never_panics_on_mutations() {
        let set = [
            '{', '}', '[', ']', ':', '-', '&', '*', '!', '|', '>', '\'', '"', '%', '@', '#', '\n',
            ' ', '\t', '?', ',', '\\', '\u{feff}', 'é',
        ];
        for m in mutations(MANIFEST, 3_000, &set) {
            let _ = detect("x.yaml", &m);
        }
    }

    #[test]
    fn never_panics_on_prefixes() {
        for end in 0..MANIFEST.len() {
            if let Some(prefix) = MANIFEST.get(..end) {
                let _ = detect("x.yaml", prefix);
                let _ = detect("x.yaml", &prefix.replace(' ', "{{"));
            }
        }
    }
}
