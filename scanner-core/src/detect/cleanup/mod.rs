//! What the upgrade leaves behind to clean up (temporary feature flags, webhook registrations,
//! ephemeral credentials, temporary jobs) and the downtime the package's documentation claims.
//!
//! Everything is read line by line from decoded text: keys from properties, YAML, JSON, TOML and
//! env files (YAML, JSON and TOML keys flattened to `a.b.c` through their nesting), commands from
//! scripts, comments next to both. Each finding stays at its line; one finding per file and
//! thing (a key, a host, a user, a claim); a bounded number per file and per scan.

mod downtime;
mod ephemeral;
mod flags;
mod jobs;
mod webhook;

#[cfg(test)]
mod tests;

use super::{Detector, EntryInfo, NewFinding, Scope, TextEntry};
use crate::profile::Profile;
use crate::rules::{cleanup::RULES, Rule};
use regex::Regex;
use std::collections::HashSet;
use std::sync::OnceLock;

/// Findings kept per file.
const MAX_PER_FILE: usize = 40;
/// Findings kept per scan.
const MAX_PER_SCAN: usize = 1_000;
/// Lines looked at per file.
const MAX_LINES: usize = 100_000;
/// Bytes of a line looked at.
const MAX_LINE_BYTES: usize = 2_000;
/// Characters of evidence.
const MAX_EVIDENCE: usize = 200;

/// The cleanup detector.
pub struct Cleanup {
    emitted: usize,
}

impl Cleanup {
    /// A detector for one scan.
    pub fn new(_profile: &Profile) -> Self {
        Cleanup { emitted: 0 }
    }
}

impl Detector for Cleanup {
    fn name(&self) -> &'static str {
        "cleanup"
    }

    fn rules(&self) -> &'static [Rule] {
        RULES
    }

    /// The cap on findings per scan makes what one file reports depend on the files before it.
    fn scope(&self) -> Scope {
        Scope::Package
    }

    fn wants_text(&self, entry: &EntryInfo<'_>, text: &str) -> bool {
        Plan::of(entry.path, text).is_some()
    }

    fn check_text(
        &mut self,
        entry: &EntryInfo<'_>,
        text: &TextEntry<'_>,
        out: &mut Vec<NewFinding>,
    ) {
        if self.emitted >= MAX_PER_SCAN {
            return;
        }
        let Some(Plan {
            kind,
            triggers: t,
            claims,
            jobs,
        }) = Plan::of(entry.path, text.text)
        else {
            return;
        };
        let lines: Vec<&str> = text
            .text
            .lines()
            .take(MAX_LINES)
            .map(|l| clip(l, MAX_LINE_BYTES))
            .collect();
        let mut sink = Sink::new(entry.path);
        if let Some(from) = claims {
            let starts = offsets(text.text, &lines);
            downtime::scan(text.text, from, &lines, &starts, &mut sink);
        }
        if t.webhook_commands {
            webhook::scan_commands(&lines, &mut sink);
        }
        if t.ephemeral_commands {
            ephemeral::scan_commands(&lines, &mut sink);
        }
        if !kind.doc {
            if t.flags || t.webhook_keys || t.ephemeral_keys {
                let keys = keyed_lines(&lines, kind);
                if t.flags {
                    flags::scan(&lines, &keys, &mut sink);
                }
                if t.webhook_keys {
                    webhook::scan_keys(&lines, &keys, &mut sink);
                }
                if t.ephemeral_keys {
                    ephemeral::scan_keys(&lines, &keys, &mut sink);
                }
            }
            if jobs {
                jobs::scan(entry.path, &lines, kind, &mut sink);
            }
        }
        let mut found = sink.out;
        found.sort_by_key(|f| f.line);
        let room = (MAX_PER_SCAN - self.emitted).min(MAX_PER_FILE);
        found.truncate(room);
        self.emitted += found.len();
        out.extend(found);
    }
}

/// Which readers run on a text; `None` when none can report anything (nothing is read and
/// nothing changes, so the text need not be handed over at all).
struct Plan {
    kind: FileKind,
    triggers: Triggers,
    /// Where the first word a downtime claim needs starts, in documentation that has one.
    claims: Option<usize>,
    jobs: bool,
}

impl Plan {
    fn of(path: &str, text: &str) -> Option<Plan> {
        let kind = FileKind::of(path);
        // A few searches over the whole text say which readers can find anything: most files
        // have no POST, no feature key and no `revoke`, and skip the per-line regexes entirely.
        // Only the readers this kind of file feeds are searched for.
        let triggers = Triggers::of(text, kind);
        let commands = triggers.webhook_commands || triggers.ephemeral_commands;
        let keyed = triggers.flags || triggers.webhook_keys || triggers.ephemeral_keys;
        let claims = if kind.doc {
            downtime::first_word(text)
        } else {
            None
        };
        let jobs = !kind.doc && jobs::may_match(path, text);
        (claims.is_some() || commands || keyed || jobs).then_some(Plan {
            kind,
            triggers,
            claims,
            jobs,
        })
    }
}

/// Which readers a text can feed, each decided by one search over the whole text for what
/// the reader needs (a reader that cannot match anywhere in the text is skipped).
#[derive(Debug, Clone, Copy, Default)]
struct Triggers {
    webhook_commands: bool,
    ephemeral_commands: bool,
    flags: bool,
    webhook_keys: bool,
    ephemeral_keys: bool,
}

impl Triggers {
    /// Commands are read from scripts, configuration and operator instructions; keys from
    /// configuration only (not documentation, not program source).
    fn of(text: &str, kind: FileKind) -> Triggers {
        let commands = !kind.doc || kind.instructions;
        let keys = !kind.doc && !kind.source;
        let words = |cell: &'static OnceLock<Option<Regex>>, pattern: &str| {
            // Without the regex the reader runs.
            keys && compiled(cell, pattern).is_none_or(|re| re.is_match(text))
        };
        static FLAG: OnceLock<Option<Regex>> = OnceLock::new();
        static WEBHOOK: OnceLock<Option<Regex>> = OnceLock::new();
        static EPHEMERAL: OnceLock<Option<Regex>> = OnceLock::new();
        Triggers {
            webhook_commands: commands && webhook::commands_possible(text),
            ephemeral_commands: commands && ephemeral::commands_possible(text),
            flags: words(&FLAG, r"(?i)feature|ff_|enabled"),
            webhook_keys: words(&WEBHOOK, r"(?i)webhook|callback"),
            ephemeral_keys: words(
                &EPHEMERAL,
                r"(?i)temp_|tmp_|revoke|expir|short-lived|valid\s+for",
            ),
        }
    }
}

/// What the file name says about a file.
#[derive(Debug, Clone, Copy, Default)]
pub(crate) struct FileKind {
    /// Documentation (README, INSTALL, UPGRADE, release notes, Markdown...).
    pub doc: bool,
    /// Program source (Python, JavaScript, Java...): no configuration keys in it.
    pub source: bool,
    /// Documentation that tells the operator what to run (INSTALL, UPGRADE).
    pub instructions: bool,
    /// YAML.
    pub yaml: bool,
    /// JSON.
    pub json: bool,
    /// TOML or INI (section headers).
    pub toml: bool,
}

impl FileKind {
    fn of(path: &str) -> FileKind {
        let name = path
            .rsplit(['/', '\\'])
            .next()
            .unwrap_or(path)
            .to_ascii_lowercase();
        let lower = path.to_ascii_lowercase();
        let ext = name.rsplit_once('.').map(|(_, e)| e).unwrap_or("");
        const DOC_NAMES: &[&str] = &[
            "readme",
            "install",
            "upgrad",
            "release",
            "changelog",
            "changes",
            "news",
            "notes",
            "migrating",
        ];
        let named = DOC_NAMES.iter().any(|p| name.starts_with(p));
        let in_docs = lower.starts_with("doc/")
            || lower.starts_with("docs/")
            || lower.contains("/doc/")
            || lower.contains("/docs/");
        let doc = matches!(ext, "md" | "markdown" | "rst" | "adoc")
            || (named && matches!(ext, "" | "txt" | "html" | "htm"))
            || (in_docs && ext == "txt");
        // Program source: its assignments are code, not configuration keys.
        let source = matches!(
            ext,
            "py" | "pyi"
                | "js"
                | "mjs"
                | "cjs"
                | "ts"
                | "java"
                | "kt"
                | "scala"
                | "groovy"
                | "rb"
                | "pl"
                | "pm"
                | "go"
                | "rs"
                | "c"
                | "h"
                | "cc"
                | "cpp"
                | "cs"
                | "php"
                | "swift"
                | "lua"
        );
        // Manual pages and packaged documentation are prose, whatever their extension.
        let manual = lower.contains("share/man/") || lower.contains("share/doc/");
        FileKind {
            doc: doc || manual,
            source,
            instructions: doc && (name.starts_with("install") || name.starts_with("upgrad")),
            yaml: matches!(ext, "yml" | "yaml"),
            json: ext == "json",
            toml: matches!(ext, "toml" | "ini" | "cfg" | "conf"),
        }
    }
}

/// A line holding a key, with the key flattened through YAML/JSON/TOML nesting.
#[derive(Debug, Clone)]
pub(crate) struct Keyed {
    /// 0-based line index.
    pub index: usize,
    /// Flattened key.
    pub key: String,
    /// The value as written (may be empty: a YAML parent).
    pub value: String,
}

/// The key of every line that has one (comments left out).
fn keyed_lines(lines: &[&str], kind: FileKind) -> Vec<Keyed> {
    let mut out = Vec::new();
    // (indent, key) for YAML, key for JSON objects, section for TOML.
    let mut stack: Vec<(usize, String)> = Vec::new();
    let mut section = String::new();
    for (i, raw) in lines.iter().enumerate() {
        let t = raw.trim();
        if t.is_empty() || is_comment(t) {
            continue;
        }
        if kind.json {
            if t.starts_with('}') || t.starts_with(']') {
                stack.pop();
                continue;
            }
            if t == "{" || t == "[" {
                if stack.len() < 64 {
                    stack.push((0, String::new()));
                }
                continue;
            }
        }
        if kind.toml && t.starts_with('[') {
            section = t
                .trim_matches(['[', ']'])
                .trim()
                .trim_matches('"')
                .to_string();
            continue;
        }
        let indent = raw.len() - raw.trim_start().len();
        if kind.yaml {
            if t == "---" {
                stack.clear();
                continue;
            }
            while stack.last().is_some_and(|(d, _)| *d >= indent) {
                stack.pop();
            }
        }
        let Some((key, value, _)) = crate::detect::endpoint::config::key_value(t) else {
            continue;
        };
        let mut full = String::new();
        if kind.toml && !section.is_empty() {
            full.push_str(&section);
            full.push('.');
        }
        if kind.yaml || kind.json {
            for (_, k) in stack.iter().filter(|(_, k)| !k.is_empty()) {
                full.push_str(k);
                full.push('.');
            }
        }
        full.push_str(key);
        if kind.yaml && value.is_empty() && stack.len() < 64 {
            stack.push((indent, key.to_string()));
        }
        if kind.json && (value.starts_with('{') || value.starts_with('[')) {
            let closed = t.trim_end_matches(',').ends_with(['}', ']']);
            if !closed && stack.len() < 64 {
                stack.push((indent, key.to_string()));
            }
            continue;
        }
        out.push(Keyed {
            index: i,
            key: full,
            value: value.to_string(),
        });
    }
    out
}

/// A comment line of any of the usual syntaxes.
pub(crate) fn is_comment(t: &str) -> bool {
    t.starts_with('#')
        || t.starts_with("//")
        || t.starts_with("--")
        || t.starts_with(';')
        || t.starts_with("<!--")
        || t.starts_with("/*")
        || t.starts_with("* ")
        || t.starts_with("::")
        || t.len() >= 4 && t.get(..4).is_some_and(|p| p.eq_ignore_ascii_case("rem "))
}

/// The byte offset in `text` of each of `lines` (slices of `text`).
fn offsets(text: &str, lines: &[&str]) -> Vec<usize> {
    let base = text.as_ptr() as usize;
    lines
        .iter()
        .map(|l| (l.as_ptr() as usize).wrapping_sub(base))
        .collect()
}

/// The first `max` bytes of `s`, cut at a character boundary.
pub(crate) fn clip(s: &str, max: usize) -> &str {
    if s.len() <= max {
        return s;
    }
    let mut end = max;
    while end > 0 && !s.is_char_boundary(end) {
        end -= 1;
    }
    s.get(..end).unwrap_or("")
}

/// A trimmed line as evidence.
pub(crate) fn evidence(line: &str) -> String {
    let t = line.trim();
    let mut s: String = t.chars().take(MAX_EVIDENCE).collect();
    if t.chars().count() > MAX_EVIDENCE {
        s.push('…');
    }
    s
}

/// A name for a title: shortened, without backticks.
pub(crate) fn name(s: &str) -> String {
    let s: String = s
        .chars()
        .filter(|c| *c != '`' && !c.is_control())
        .take(80)
        .collect();
    s
}

/// Collects one file's findings, one per (rule, key).
pub(crate) struct Sink<'p> {
    path: &'p str,
    seen: HashSet<(&'static str, String)>,
    out: Vec<NewFinding>,
}

impl<'p> Sink<'p> {
    fn new(path: &'p str) -> Self {
        Sink {
            path,
            seen: HashSet::new(),
            out: Vec::new(),
        }
    }

    /// Keep a finding unless one with its rule and key is already there (or the file is full).
    /// `index` is the 0-based line index.
    pub fn push(
        &mut self,
        rule: &'static Rule,
        index: Option<usize>,
        key: String,
        title: String,
        ev: String,
    ) -> Option<&mut NewFinding> {
        if self.out.len() >= MAX_PER_FILE * 2 || !self.seen.insert((rule.id, key.clone())) {
            return None;
        }
        let mut f = NewFinding::new(rule, self.path, title)
            .key(key)
            .evidence(ev);
        if let Some(i) = index {
            f = f.line(u32::try_from(i + 1).unwrap_or(u32::MAX));
        }
        self.out.push(f);
        self.out.last_mut()
    }
}

/// A built-in pattern, compiled once (`None` only if it failed to compile, which a test rules out).
pub(crate) fn compiled(
    cell: &'static OnceLock<Option<Regex>>,
    pattern: &str,
) -> Option<&'static Regex> {
    cell.get_or_init(|| Regex::new(pattern).ok()).as_ref()
}
