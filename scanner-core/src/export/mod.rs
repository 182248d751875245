//! Exports: a report as text a reviewer pastes into a ticket or uploads to a pipeline.
//!
//! [`export`] writes one of five [`Format`]s: Markdown (GitHub, GitLab), Jira wiki markup,
//! `preflight-report/1` JSON, SARIF 2.1.0 and CSV. Every format takes the same
//! [`ExportOptions`]: the findings the page currently shows, whether only the checklist is
//! wanted, and the reviewer's ticks and notes.
//!
//! ## What goes in
//! Only the report and the marks. Secrets are masked by the scan, so no export can carry one;
//! nothing is looked up elsewhere. With `only`, the findings are those ids (in report order)
//! and the checklist keeps the steps that link at least one of them; a step keeps its full list
//! of finding ids. A step's state is its mark when there is one, else what the report says
//! (a reopened JSON export carries `done` and `note`).
//!
//! ## Package text is data, never markup
//! File names, evidence, titles, hosts and step texts come from the package. Each format
//! escapes them for its own syntax so that they cannot become a link, an image, HTML, a
//! mention, a macro or a table break, and spells out control and bidirectional characters
//! ([`crate::text::visible`], plus U+2028 and U+2029):
//!
//! - **Markdown**: paths, rules and other identifiers are code spans, fenced with one backtick
//!   more than the longest run inside (padded with a space when they start or end with a
//!   backtick), `|` written `\|` inside tables. Prose (titles, stories, steps, notes) has every
//!   ASCII punctuation character with a Markdown, GFM or GitLab meaning backslash-escaped
//!   (`` \ ` * _ { } [ ] ( ) # + - ! | < > ~ & $ ^ % ``), and what would be
//!   auto-linked is defanged first: `://` → `[:]//`, `www.` → `www[.]`, `@` → `[@]`,
//!   `mailto:` → `mailto[:]`. Text never starts a line (every line starts with the export's
//!   own `|`, `-` or words), so block syntax (`#`, `>`, `1.`) cannot start either.
//! - **Jira**: `{ } [ ] | * _ - + ^ ~ ! ? # ( )` are backslash-escaped (so no `[link|url]`,
//!   `[~mention]`, `!image!`, `{macro}`, emoticon or effect), `\`, `&`, `<` and `>` are written
//!   as HTML character references (a backslash pair would be a line break), and `://`,
//!   `www.` and `mailto:` are defanged as in Markdown. No package text goes into `{code}` or
//!   `{noformat}`.
//! - **JSON** and **SARIF**: serde's escaping; `<`, `>`, `&`, bidirectional controls, U+2028
//!   and U+2029 are additionally written as `\uXXXX` escapes (the same JSON value, but no tag
//!   survives a paste and text viewers show no reordering). JSON keeps values exactly as the report has them (it reopens as the same
//!   report); SARIF message texts are spelled out and have `[`, `]` and `\` escaped as SARIF
//!   plain-text messages require, and `://` defanged.
//! - **CSV**: every cell spelled out (so no line breaks inside cells), RFC 4180 quoting, and a
//!   cell starting with `=`, `+`, `-`, `@`, tab or CR gets a leading `'`.

use crate::report::{ChecklistItem, Finding, Report};
use serde::{Deserialize, Serialize};
use std::collections::{BTreeMap, HashSet};

mod csv;
mod json;
mod sarif;
mod wiki;

#[cfg(test)]
mod tests;

/// What the reviewer did with a checklist step (the page keeps these per package).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct ChecklistMark {
    /// The step is done.
    #[serde(default)]
    pub done: bool,
    /// The reviewer's note.
    #[serde(default)]
    pub note: String,
}

/// An export format.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Format {
    /// GitHub / GitLab flavoured Markdown: summary, tables per category, a task list.
    Markdown,
    /// Jira wiki markup: the same content in Jira's syntax.
    Jira,
    /// The `preflight-report/1` JSON document with the checklist state.
    Json,
    /// SARIF 2.1.0 (GitHub code scanning and other SARIF viewers).
    Sarif,
    /// One row per finding (or per checklist step).
    Csv,
}

impl Format {
    /// Every format, in the order the page offers them.
    pub const ALL: [Format; 5] = [
        Format::Markdown,
        Format::Jira,
        Format::Json,
        Format::Sarif,
        Format::Csv,
    ];

    /// The format named `s` (its [`name`](Format::name) or its extension, any case).
    pub fn parse(s: &str) -> Option<Format> {
        let s = s.trim();
        Format::ALL.into_iter().find(|f| {
            f.name().eq_ignore_ascii_case(s)
                || f.extension().eq_ignore_ascii_case(s)
                || (*f == Format::Markdown && s.eq_ignore_ascii_case("md"))
        })
    }

    /// The lowercase name (`markdown`, `jira`, `json`, `sarif`, `csv`).
    pub fn name(self) -> &'static str {
        match self {
            Format::Markdown => "markdown",
            Format::Jira => "jira",
            Format::Json => "json",
            Format::Sarif => "sarif",
            Format::Csv => "csv",
        }
    }

    /// The file name extension, without the dot.
    pub fn extension(self) -> &'static str {
        match self {
            Format::Markdown => "md",
            Format::Jira => "txt",
            Format::Json => "json",
            Format::Sarif => "sarif",
            Format::Csv => "csv",
        }
    }

    /// The media type of the exported text.
    pub fn mime(self) -> &'static str {
        match self {
            Format::Markdown => "text/markdown; charset=utf-8",
            Format::Jira => "text/plain; charset=utf-8",
            Format::Json => "application/json",
            Format::Sarif => "application/sarif+json",
            Format::Csv => "text/csv; charset=utf-8",
        }
    }
}

impl std::fmt::Display for Format {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.name())
    }
}

/// What to export besides the format.
#[derive(Debug, Clone, Copy)]
pub struct ExportOptions<'a> {
    /// Only these finding ids (the page's current filter); None = every finding.
    pub only: Option<&'a [String]>,
    /// Only the checklist. Markdown and Jira: the task list alone. CSV: one row per step.
    /// JSON: the report with its checklist, no findings and no file list (diagnostics kept).
    /// SARIF: ignored (SARIF has no place for a checklist).
    pub checklist_only: bool,
    /// Ticks and notes by checklist item id.
    pub marks: &'a BTreeMap<String, ChecklistMark>,
}

/// The report as `format` text (see the module docs for what each format holds and how
/// package text is escaped).
pub fn export(format: Format, report: &Report, opts: &ExportOptions<'_>) -> String {
    let view = View::new(report, opts);
    match format {
        Format::Markdown => wiki::render(&wiki::Markdown, &view),
        Format::Jira => wiki::render(&wiki::Jira, &view),
        Format::Json => json::render(&view),
        Format::Sarif => sarif::render(&view),
        Format::Csv => csv::render(&view),
    }
}

/// The part of a report an export shows.
pub(crate) struct View<'r> {
    pub report: &'r Report,
    /// The selected findings, in report order.
    pub findings: Vec<&'r Finding>,
    /// The selected steps, with their effective state.
    pub checklist: Vec<ChecklistItem>,
    pub checklist_only: bool,
    /// True when `only` narrowed the findings.
    pub filtered: bool,
}

impl<'r> View<'r> {
    fn new(report: &'r Report, opts: &ExportOptions<'_>) -> Self {
        let wanted: Option<HashSet<&str>> = opts
            .only
            .map(|ids| ids.iter().map(String::as_str).collect());
        let findings: Vec<&Finding> = report
            .findings
            .iter()
            .filter(|f| wanted.as_ref().is_none_or(|w| w.contains(f.id.as_str())))
            .collect();
        let checklist = report
            .checklist
            .iter()
            .filter(|item| {
                wanted
                    .as_ref()
                    .is_none_or(|w| item.findings.iter().any(|id| w.contains(id.as_str())))
            })
            .map(|item| {
                let mut item = item.clone();
                if let Some(mark) = opts.marks.get(&item.id) {
                    item.done = mark.done;
                    item.note = mark.note.clone();
                }
                item
            })
            .collect();
        View {
            report,
            findings,
            checklist,
            checklist_only: opts.checklist_only,
            filtered: wanted.is_some(),
        }
    }

    /// The package's own name and version, from an inventory finding with role `package`.
    pub fn package_version(&self) -> Option<(&'r str, &'r str)> {
        self.report.findings.iter().find_map(|f| {
            let inv = f.inventory.as_ref()?;
            (inv.role == "package" && !inv.version.is_empty())
                .then_some((inv.component.as_str(), inv.version.as_str()))
        })
    }

    /// The first 12 hex digits of the package's SHA-256.
    pub fn short_sha(&self) -> &'r str {
        let sha = self.report.package.sha256.as_str();
        sha.get(..12).unwrap_or(sha)
    }
}

/// [`crate::text::visible`], and the line and paragraph separators spelled out too.
pub(crate) fn shown(s: &str) -> String {
    crate::text::visible(s)
        .chars()
        .fold(String::with_capacity(s.len()), |mut out, c| {
            if matches!(c, '\u{2028}' | '\u{2029}') {
                out.push_str(&format!("<U+{:04X}>", c as u32));
            } else {
                out.push(c);
            }
            out
        })
}

/// Break what text viewers turn into links: `://`, `www.`, `mailto:` (and `@` when `at`).
/// The brackets it adds are escaped by the caller like any other text.
pub(crate) fn defang(s: &str, at: bool) -> String {
    let mut out = String::with_capacity(s.len() + 8);
    let mut rest = s;
    while let Some(c) = rest.chars().next() {
        let lower = rest.get(..7).map(str::to_ascii_lowercase);
        if rest.starts_with("://") {
            out.push_str("[:]//");
            rest = &rest[3..];
        } else if rest
            .get(..4)
            .is_some_and(|p| p.eq_ignore_ascii_case("www."))
        {
            out.push_str(&rest[..3]);
            out.push_str("[.]");
            rest = &rest[4..];
        } else if lower.as_deref() == Some("mailto:") {
            out.push_str(&rest[..6]);
            out.push_str("[:]");
            rest = &rest[7..];
        } else if at && c == '@' {
            out.push_str("[@]");
            rest = &rest[1..];
        } else {
            out.push(c);
            rest = &rest[c.len_utf8()..];
        }
    }
    out
}

/// JSON text with `<`, `>`, `&`, bidirectional controls and line/paragraph separators written
/// as `\uXXXX` escapes: the same value, but no HTML tag survives a paste and nothing reorders
/// or breaks the text in a viewer. These characters only occur inside JSON strings (compact or
/// pretty JSON has none outside), where the escape is valid.
pub(crate) fn json_safe(json: String) -> String {
    let risky = |c: char| {
        crate::text::is_bidi_control(c) || matches!(c, '\u{2028}' | '\u{2029}' | '<' | '>' | '&')
    };
    if !json.chars().any(risky) {
        return json;
    }
    let mut out = String::with_capacity(json.len() + 16);
    for c in json.chars() {
        if risky(c) {
            out.push_str(&format!("\\u{:04x}", c as u32));
        } else {
            out.push(c);
        }
    }
    out
}
