//! Hard-coded secrets, as `credential` findings (always redacted).
//!
//! ## What it does
//! Runs the built-in rules (TOML files in `rules/`: cloud keys, source-control and CI
//! tokens, package registries, payment providers, chat bots and webhooks, hosted services,
//! database passwords, private keys, logins in URLs, headers and command lines, and generic
//! `password = ...` assignments) and the profile's own `[[rules]]` (gitleaks format) over every
//! text entry. A keyword prefilter decides which rules are tried at all. Placeholders
//! (`${VAR}`, `{{ x }}`, `<changeme>`, `your-api-key`, `xxxx`, documentation values),
//! environment lookups and low-entropy values are dropped; a line containing
//! `preflight:allow` yields nothing.
//!
//! Every finding carries the secret masked (`Wi********* (11)`: its first two characters,
//! `*` for the rest, its length), evidence with the secret masked the same way, and an identity
//! key that is a salted SHA-256 of the secret: a new secret on an ignored line is a new finding.
//! Private keys and account-wide cloud keys are critical, secrets under test, example and doc
//! folders or in `*.example`/`*.sample` files low.
//!
//! ## Why is this bad?
//! A secret in a package is disclosed to everyone who handles the package, survives the
//! upgrade in every copy, and breaks whatever still uses it on the day it is rotated.

mod engine;
mod filter;
mod ruleset;

use super::{Detector, EntryInfo, NewFinding, TextEntry};
use crate::profile::Profile;
use crate::report::{CredentialInfo, Severity};
use crate::rules::{self, Rule};
use engine::{Candidate, RuleSet, ALLOW_MARKER};
use std::sync::OnceLock;

pub use filter::{entropy, fingerprint, redact};

/// Findings per entry at most (a dump of test keys would otherwise flood the report).
const MAX_PER_ENTRY: usize = 50;
/// Characters of evidence at most.
const EVIDENCE_CHARS: usize = 200;

const RULES: &[Rule] = &[
    rules::CREDENTIAL_CLOUD,
    rules::CREDENTIAL_VCS_CI,
    rules::CREDENTIAL_PACKAGE_REGISTRY,
    rules::CREDENTIAL_PAYMENT,
    rules::CREDENTIAL_MESSAGING,
    rules::CREDENTIAL_SAAS,
    rules::CREDENTIAL_DATABASE,
    rules::CREDENTIAL_PRIVATE_KEY,
    rules::CREDENTIAL_AUTH,
    rules::CREDENTIAL_GENERIC,
    rules::CREDENTIAL_CUSTOM,
];

/// The built-in rules, compiled once per process.
fn builtin() -> &'static RuleSet {
    static SET: OnceLock<RuleSet> = OnceLock::new();
    SET.get_or_init(|| RuleSet::new(ruleset::builtin().0))
}

/// The credentials detector.
#[derive(Debug)]
pub struct Credentials {
    user: RuleSet,
}

impl Credentials {
    /// A detector for one scan with the profile's own rules.
    pub fn new(profile: &Profile) -> Self {
        Credentials {
            user: RuleSet::new(ruleset::user(&profile.rules)),
        }
    }
}

impl Detector for Credentials {
    fn name(&self) -> &'static str {
        "credentials"
    }

    fn scope(&self) -> crate::detect::Scope {
        crate::detect::Scope::Entry
    }

    fn rules(&self) -> &'static [Rule] {
        RULES
    }

    fn check_text(&mut self, e: &EntryInfo<'_>, t: &TextEntry<'_>, out: &mut Vec<NewFinding>) {
        out.extend(scan_text(builtin(), &self.user, e.path, t.text));
    }
}

/// Every credential finding of one text.
fn scan_text(builtin: &RuleSet, user: &RuleSet, path: &str, text: &str) -> Vec<NewFinding> {
    let mut cands = Vec::new();
    engine::collect(builtin, 0, path, text, &mut cands);
    engine::collect(user, 1, path, text, &mut cands);
    if cands.is_empty() {
        return Vec::new();
    }
    let mut kept = engine::resolve(cands);
    let lines = LineIndex::new(text);
    kept.retain(|c| {
        let (ls, le) = lines.bounds(text, c.anchor);
        !text.get(ls..le).is_some_and(|l| l.contains(ALLOW_MARKER))
    });
    kept.truncate(MAX_PER_ENTRY);
    let secrets: Vec<&str> = kept
        .iter()
        .filter_map(|c| text.get(c.start..c.end))
        .collect();
    let sample = filter::is_sample_path(path);
    // Secrets in comments, docstrings and documentation files are examples more often
    // than not: reported, but low.
    let anchors: Vec<usize> = kept.iter().map(|c| c.anchor).collect();
    let prose = crate::detect::endpoint::in_documentation(path, text, &anchors);
    let mut out = Vec::new();
    for (c, in_prose) in kept.iter().zip(prose) {
        let set = if c.set == 0 { builtin } else { user };
        let (Some(rule), Some(secret)) = (set.rules.get(c.rule), text.get(c.start..c.end)) else {
            continue;
        };
        let line = lines.line_of(c.anchor);
        let evidence = evidence(text, &lines, c, &kept, &secrets);
        let severity = if sample || in_prose {
            Severity::Low
        } else {
            rule.severity
        };
        let mut f = NewFinding::new(
            rule.family,
            path,
            format!("{} ({})", rule.description, rule.id),
        )
        .line(line)
        .evidence(evidence)
        .key(fingerprint(secret));
        if severity != rule.family.severity {
            f = f.severity(severity);
        }
        f.credential = Some(CredentialInfo {
            kind: rule.kind.clone(),
            redacted: redact(secret),
        });
        out.push(f);
    }
    out
}

/// A line (or any excerpt) with every secret the built-in rules find in it masked as in
/// credential findings: for other detectors' evidence, so no finding shows a secret.
pub fn mask_secrets(path: &str, text: &str) -> String {
    let mut cands = Vec::new();
    engine::collect(builtin(), 0, path, text, &mut cands);
    let kept = engine::resolve(cands);
    let mut out = String::with_capacity(text.len());
    let mut at = 0;
    for c in &kept {
        if c.start < at {
            continue;
        }
        if let (Some(before), Some(secret)) = (text.get(at..c.start), text.get(c.start..c.end)) {
            out.push_str(before);
            out.push_str(&redact(secret));
            at = c.end;
        }
    }
    out.push_str(text.get(at..).unwrap_or(""));
    out
}

/// Newline offsets of a text, for line numbers.
struct LineIndex {
    newlines: Vec<usize>,
}

impl LineIndex {
    fn new(text: &str) -> Self {
        LineIndex {
            newlines: text
                .bytes()
                .enumerate()
                .filter(|&(_, b)| b == b'\n')
                .map(|(i, _)| i)
                .collect(),
        }
    }

    /// 1-based line of a byte offset.
    fn line_of(&self, pos: usize) -> u32 {
        let n = self.newlines.partition_point(|&nl| nl < pos);
        u32::try_from(n + 1).unwrap_or(u32::MAX)
    }

    /// Byte bounds of the line holding `pos` (without its newline).
    fn bounds(&self, text: &str, pos: usize) -> (usize, usize) {
        let n = self.newlines.partition_point(|&nl| nl < pos);
        let start = match n.checked_sub(1).and_then(|i| self.newlines.get(i)) {
            Some(&nl) => nl + 1,
            None => 0,
        };
        let end = self.newlines.get(n).copied().unwrap_or(text.len());
        (start, end)
    }
}

/// The line of a finding with every secret of the entry masked, cut to a readable excerpt
/// around this finding's secret.
fn evidence(
    text: &str,
    lines: &LineIndex,
    c: &Candidate,
    kept: &[Candidate],
    secrets: &[&str],
) -> String {
    let (ls, le) = lines.bounds(text, c.anchor);
    // The secret, or where the match starts when the secret lies on a later line.
    let focus = if c.start >= ls && c.start <= le {
        c.start
    } else {
        c.anchor
    };
    // An excerpt of long lines, widened so it never cuts through a secret it shows.
    let mut a = engine::floor_boundary(text, focus.saturating_sub(300)).max(ls);
    let mut b = engine::ceil_boundary(text, focus.saturating_add(600)).min(le);
    for k in kept {
        if k.start < a && k.end > a {
            a = k.start.max(ls);
        }
        if k.start < b && k.end > b {
            b = k.end.min(le);
        }
    }
    let mut s = String::new();
    let mut at = a;
    let mut mask_at = 0;
    for k in kept.iter().filter(|k| k.end > a && k.start < b) {
        let ks = k.start.max(at);
        if let Some(before) = text.get(at..ks) {
            s.push_str(before);
        }
        if k == c {
            mask_at = s.len();
        }
        if let Some(secret) = text.get(k.start..k.end) {
            s.push_str(&redact(secret));
        }
        at = k.end.min(b).max(at);
    }
    if let Some(rest) = text.get(at.min(b)..b) {
        s.push_str(rest);
    }
    // The same secrets written again elsewhere on the line are masked too.
    let mut longest: Vec<&str> = secrets
        .iter()
        .copied()
        .filter(|v| v.chars().count() >= 4)
        .collect();
    longest.sort_by_key(|v| std::cmp::Reverse(v.len()));
    for v in longest {
        if s.contains(v) {
            s = s.replace(v, &redact(v));
        }
    }
    let s = s.replace('\r', "");
    // Keep the excerpt around the mask when the line is long.
    let before = s
        .get(..mask_at.min(s.len()))
        .map_or(0, |x| x.chars().count());
    let skip = before.saturating_sub(EVIDENCE_CHARS / 3);
    let excerpt: String = s.chars().skip(skip).take(EVIDENCE_CHARS).collect();
    let trimmed = excerpt.trim();
    let mut out = String::new();
    if skip > 0 {
        out.push('…');
    }
    out.push_str(trimmed);
    if s.chars().count() > skip + EVIDENCE_CHARS {
        out.push('…');
    }
    crate::text::visible(&out).into_owned()
}

#[cfg(test)]
mod tests;
