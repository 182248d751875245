//! SARIF 2.1.0, as GitHub code scanning reads it.
//!
//! - One run; `tool.driver` is `preflight` with the scanner version, and its `rules` are the
//!   registry entries ([`crate::rules::all`]) the results use, in registry order (a rule id the
//!   registry does not know, e.g. from a profile, gets a descriptor named after its id).
//!   Each rule has `shortDescription` (name), `fullDescription` (what), `help` (why and fix,
//!   text and Markdown), `defaultConfiguration.level`, `properties.tags` (the category, and
//!   `security` for credentials, certificates and archive hygiene, which also carry GitHub's
//!   `security-severity`).
//! - One result per finding: `ruleId`, `ruleIndex`, `level` (critical and high → `error`,
//!   medium → `warning`, low and info → `note`), `message.text` (the title), one location,
//!   `partialFingerprints["preflightFindingId/v1"]` = the finding id, and `properties`
//!   (category, severity, finding id, related ids).
//! - `artifactLocation.uri` is the entry path as a relative URI reference: every byte but
//!   unreserved characters, `/` and `!` is percent-encoded (UTF-8), so a nested entry
//!   `a.zip!/b/c` stays `a.zip!/b/c`, a space is `%20`, and a leading `/` (an absolute entry
//!   name) is `%2F` so that the reference stays relative. A finding about the whole package
//!   points at the package file name. `region.startLine` is written when the finding has a
//!   line (≥ 1).

use super::{defang, json_safe, shown, View};
use crate::report::{Category, Finding, Severity};
use crate::rules::Rule;
use serde_json::{json, Map, Value};

/// SARIF level of a severity.
pub(crate) fn level(s: Severity) -> &'static str {
    match s {
        Severity::Critical | Severity::High => "error",
        Severity::Medium => "warning",
        Severity::Low | Severity::Info => "note",
    }
}

/// GitHub's `security-severity` score of a severity (critical > 9.0, high 7.0–8.9...).
fn security_severity(s: Severity) -> &'static str {
    match s {
        Severity::Critical => "9.5",
        Severity::High => "8.0",
        Severity::Medium => "5.5",
        Severity::Low => "3.0",
        Severity::Info => "0.0",
    }
}

fn is_security(c: Category) -> bool {
    matches!(
        c,
        Category::Credential | Category::Certificate | Category::Archive
    )
}

/// A relative URI reference for an entry path (see the module docs).
pub(crate) fn uri(path: &str) -> String {
    let mut out = String::with_capacity(path.len() + 8);
    for (i, b) in path.bytes().enumerate() {
        let keep = b.is_ascii_alphanumeric()
            || matches!(b, b'-' | b'.' | b'_' | b'~' | b'!')
            || (b == b'/' && !path.as_bytes()[..i].iter().all(|&p| p == b'/'));
        if keep {
            out.push(char::from(b));
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

/// Plain text for a SARIF message: spelled out, defanged, and `\`, `[`, `]` escaped so that no
/// embedded link can form.
pub(crate) fn message(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 8);
    for c in defang(&shown(s), false).chars() {
        if matches!(c, '\\' | '[' | ']') {
            out.push('\\');
        }
        out.push(c);
    }
    out
}

fn rule_descriptor(rule: &Rule) -> Value {
    let mut properties = Map::new();
    let mut tags = vec![Value::from(rule.category.as_str())];
    if is_security(rule.category) {
        tags.push(Value::from("security"));
        properties.insert(
            "security-severity".into(),
            Value::from(security_severity(rule.severity)),
        );
    }
    properties.insert("tags".into(), Value::from(tags));
    properties.insert("severity".into(), Value::from(rule.severity.as_str()));
    json!({
        "id": rule.id,
        "name": rule.id,
        "shortDescription": { "text": rule.name },
        "fullDescription": { "text": rule.what },
        "help": {
            "text": format!("Why: {}\n\nFix: {}", rule.why, rule.fix),
            "markdown": format!("**Why:** {}\n\n**Fix:** {}", rule.why, rule.fix),
        },
        "defaultConfiguration": { "level": level(rule.severity) },
        "properties": properties,
    })
}

/// A descriptor for a rule id the registry does not list.
fn unknown_descriptor(id: &str, f: &Finding) -> Value {
    json!({
        "id": id,
        "name": id,
        "shortDescription": { "text": message(id) },
        "defaultConfiguration": { "level": level(f.severity) },
        "properties": { "tags": [f.category.as_str()] },
    })
}

fn result(f: &Finding, index: usize, package_name: &str) -> Value {
    let target = if f.path.is_empty() {
        if package_name.is_empty() {
            "package"
        } else {
            package_name
        }
    } else {
        f.path.as_str()
    };
    let mut physical = Map::new();
    physical.insert("artifactLocation".into(), json!({ "uri": uri(target) }));
    if let Some(line) = f.line.filter(|l| *l >= 1) {
        physical.insert("region".into(), json!({ "startLine": line }));
    }
    json!({
        "ruleId": f.rule,
        "ruleIndex": index,
        "level": level(f.severity),
        "message": { "text": message(&f.title) },
        "locations": [{ "physicalLocation": physical }],
        "partialFingerprints": { "preflightFindingId/v1": f.id },
        "properties": {
            "category": f.category.as_str(),
            "severity": f.severity.as_str(),
            "findingId": f.id,
            "related": f.related,
        },
    })
}

pub(crate) fn render(view: &View<'_>) -> String {
    // Rules the results use, registry order first, unknown ids after in finding order.
    let mut rules: Vec<Value> = Vec::new();
    let mut ids: Vec<String> = Vec::new();
    for rule in crate::rules::all() {
        if view.findings.iter().any(|f| f.rule == rule.id) {
            ids.push(rule.id.to_string());
            rules.push(rule_descriptor(rule));
        }
    }
    for f in &view.findings {
        if !ids.contains(&f.rule) {
            ids.push(f.rule.clone());
            rules.push(unknown_descriptor(&f.rule, f));
        }
    }
    let results: Vec<Value> = view
        .findings
        .iter()
        .map(|f| {
            let index = ids.iter().position(|id| *id == f.rule).unwrap_or(0);
            result(f, index, &view.report.package.name)
        })
        .collect();
    let tool = &view.report.tool;
    let doc = json!({
        "$schema": "https://json.schemastore.org/sarif-2.1.0.json",
        "version": "2.1.0",
        "runs": [{
            "tool": {
                "driver": {
                    "name": "preflight",
                    "version": tool.version,
                    "semanticVersion": tool.version,
                    "rules": rules,
                }
            },
            "results": results,
            "columnKind": "unicodeCodePoints",
            "properties": {
                "package": {
                    "name": view.report.package.name,
                    "sha256": view.report.package.sha256,
                },
                "referenceTime": view.report.reference_time,
                "complete": view.report.complete,
            },
        }],
    });
    let mut text = json_safe(serde_json::to_string_pretty(&doc).unwrap_or_default());
    text.push('\n');
    text
}
