//! Stories: findings joined into one sentence a person reads.
//!
//! "At 03:00, every day (inside the maintenance window): etc/cron.d/import runs
//! opt/acme/bin/data-import.sh, which connects to sftp-legacy.example.net (retired)." One story
//! per scheduled task that fires inside or near the window, or that leads to other findings;
//! its severity is the most severe of its chain. `scan` links the chain (`related`); this module
//! only tells it.

use crate::report::{Category, Finding, Severity};
use crate::text::visible;
use std::collections::HashMap;

/// One chain of findings.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Story {
    /// The most severe finding of the chain.
    pub severity: Severity,
    /// The finding the story starts from (a scheduled task).
    pub lead: String,
    /// The sentence.
    pub sentence: String,
    /// Every finding of the chain, the lead first.
    pub findings: Vec<String>,
}

/// The stories of a report, most severe first. Takes findings or shared pointers to them.
pub fn stories<F: std::borrow::Borrow<Finding>>(findings: &[F]) -> Vec<Story> {
    let by_id: HashMap<&str, &Finding> = findings
        .iter()
        .map(|f| (f.borrow().id.as_str(), f.borrow()))
        .collect();
    let mut out = Vec::new();
    for f in findings.iter().map(|f| f.borrow()) {
        let Some(s) = &f.schedule else { continue };
        if !s.enabled {
            continue;
        }
        let related: Vec<&Finding> = f
            .related
            .iter()
            .filter_map(|id| by_id.get(id.as_str()).copied())
            .collect();
        let in_window = matches!(s.window.as_deref(), Some("always" | "may"));
        if !in_window && related.is_empty() {
            continue;
        }
        let when = s.description.split(" (").next().unwrap_or(&s.description);
        let window = match s.window.as_deref() {
            Some("always") => " (inside the maintenance window)",
            Some("may") => " (may fire inside the maintenance window)",
            _ => "",
        };
        let what = match (&s.entry, &s.command) {
            (Some(entry), _) => visible(entry).into_owned(),
            (None, Some(c)) => visible(c).into_owned(),
            (None, None) => "a command the package does not ship".to_string(),
        };
        let mut sentence = format!("{when}{window}: {} runs {what}", visible(&f.path));
        if !s.sources.is_empty() {
            let sourced: Vec<String> = s.sources.iter().map(|p| visible(p).into_owned()).collect();
            sentence.push_str(&format!(" (reading {})", join_and(&sourced)));
        }
        // One clause per kind of link, in the order first met: "carries a hard-coded password
        // and connects to a and b (retired)", never "connects to a and connects to b".
        let (mut hosts, mut kinds, mut order) = (Vec::new(), Vec::new(), Vec::new());
        let mut also = Vec::new();
        for r in &related {
            let (list, item, clause) = match (&r.category, &r.endpoint, &r.credential) {
                (Category::Endpoint, Some(e), _) => (
                    &mut hosts,
                    format!(
                        "{}{}",
                        visible(&e.host),
                        if e.retired { " (retired)" } else { "" }
                    ),
                    "connects to",
                ),
                (Category::Credential, _, Some(c)) => (
                    &mut kinds,
                    visible(&c.kind).into_owned(),
                    "carries a hard-coded",
                ),
                _ => {
                    also.push(lowercase_first(&visible(&r.title)));
                    continue;
                }
            };
            if !list.contains(&item) {
                list.push(item);
            }
            if !order.contains(&clause) {
                order.push(clause);
            }
        }
        also.dedup();
        let clauses: Vec<String> = order
            .iter()
            .map(|&clause| {
                let list = if clause == "connects to" {
                    &hosts
                } else {
                    &kinds
                };
                format!("{clause} {}", join_and(list))
            })
            .collect();
        if !clauses.is_empty() {
            sentence.push_str(", which ");
            sentence.push_str(&join_and(&clauses));
        }
        sentence.push('.');
        if !also.is_empty() {
            sentence.push_str(" Also: ");
            sentence.push_str(&also.join("; "));
            if !sentence.ends_with(['.', '?', '!']) {
                sentence.push('.');
            }
        }
        let severity = related
            .iter()
            .map(|r| r.severity)
            .chain([f.severity])
            .max()
            .unwrap_or(f.severity);
        out.push(Story {
            severity,
            lead: f.id.clone(),
            sentence,
            findings: std::iter::once(f.id.clone())
                .chain(related.iter().map(|r| r.id.clone()))
                .collect(),
        });
    }
    out.sort_by_key(|s| std::cmp::Reverse(s.severity));
    out
}

fn lowercase_first(s: &str) -> String {
    let mut c = s.chars();
    match c.next() {
        Some(f) => f.to_lowercase().chain(c).collect(),
        None => String::new(),
    }
}

fn join_and(parts: &[String]) -> String {
    match parts {
        [] => String::new(),
        [one] => one.clone(),
        [init @ .., last] => format!("{} and {last}", init.join(", ")),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn join() {
        assert_eq!(join_and(&["a".into()]), "a");
        assert_eq!(
            join_and(&["a".into(), "b".into(), "c".into()]),
            "a, b and c"
        );
    }
}
