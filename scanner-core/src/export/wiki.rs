//! Markdown and Jira wiki markup: one ticket layout, two syntaxes.
//!
//! The layout: a summary (package, version, SHA-256, counts, the critical and high stories),
//! one table per category (critical and high rows always complete; at most
//! [`MAX_LOWER_ROWS`] lower rows per category, then how many were left out), then the
//! checklist by phase. With `checklist_only`, the checklist alone.

use super::{defang, shown, View};
use crate::report::{count_by_severity, Category, ChecklistItem, Finding, Severity};

/// Medium, low and info rows listed per category before "N more".
pub(crate) const MAX_LOWER_ROWS: usize = 15;

/// The syntax of one wiki flavour. Every `&str` argument named `text` is package-controlled
/// unless the caller passes its own words through `plain`.
pub(crate) trait Syntax {
    /// A heading of level 2 to 4.
    fn heading(&self, level: u8, text: &str) -> String;
    /// Package or reviewer text in prose.
    fn text(&self, s: &str) -> String;
    /// An identifier (path, rule, id) in a table cell or in prose.
    fn code(&self, s: &str, in_table: bool) -> String;
    /// Bold words of the export's own.
    fn strong(&self, s: &str) -> String;
    /// A table header row.
    fn table_head(&self, cells: &[&str]) -> String;
    /// A table row of already escaped cells.
    fn table_row(&self, cells: &[String]) -> String;
    /// A bullet of already escaped text, nested `depth` levels (0 = top).
    fn bullet(&self, depth: usize, text: &str) -> String;
    /// A checklist line of already escaped text.
    fn task(&self, done: bool, text: &str) -> String;
    /// Italic words of the export's own.
    fn emphasis(&self, s: &str) -> String;
}

/// GitHub / GitLab flavoured Markdown.
pub(crate) struct Markdown;

/// Jira wiki markup.
pub(crate) struct Jira;

/// ASCII punctuation escaped in Markdown prose (see the module docs of `export`).
const MD_SPECIAL: &str = "\\`*_{}[]()#+-!|<>~&$^%";

/// Characters backslash-escaped in Jira text.
const JIRA_SPECIAL: &str = "{}[]|*_-+^~!?#()";

impl Syntax for Markdown {
    fn heading(&self, level: u8, text: &str) -> String {
        format!("{} {text}", "#".repeat(usize::from(level.clamp(1, 6))))
    }

    fn text(&self, s: &str) -> String {
        let mut out = String::with_capacity(s.len() + 8);
        for c in defang(&shown(s), true).chars() {
            if MD_SPECIAL.contains(c) {
                out.push('\\');
            }
            out.push(c);
        }
        out
    }

    fn code(&self, s: &str, in_table: bool) -> String {
        let mut body = shown(s);
        if body.is_empty() {
            return String::new();
        }
        if in_table {
            body = body.replace('|', "\\|");
        }
        let longest = body.split(|c| c != '`').map(str::len).max().unwrap_or(0);
        let fence = "`".repeat(longest + 1);
        let pad = if body.starts_with(['`', ' ']) || body.ends_with(['`', ' ']) {
            " "
        } else {
            ""
        };
        format!("{fence}{pad}{body}{pad}{fence}")
    }

    fn strong(&self, s: &str) -> String {
        format!("**{s}**")
    }

    fn emphasis(&self, s: &str) -> String {
        format!("_{s}_")
    }

    fn table_head(&self, cells: &[&str]) -> String {
        format!(
            "| {} |\n|{}",
            cells.join(" | "),
            cells.iter().map(|_| "---|").collect::<String>()
        )
    }

    fn table_row(&self, cells: &[String]) -> String {
        format!("| {} |", cells.join(" | "))
    }

    fn bullet(&self, depth: usize, text: &str) -> String {
        format!("{}- {text}", "  ".repeat(depth))
    }

    fn task(&self, done: bool, text: &str) -> String {
        format!("- [{}] {text}", if done { "x" } else { " " })
    }
}

impl Syntax for Jira {
    fn heading(&self, level: u8, text: &str) -> String {
        format!("h{}. {text}", level.clamp(1, 6))
    }

    fn text(&self, s: &str) -> String {
        let mut out = String::with_capacity(s.len() + 8);
        for c in defang(&shown(s), false).chars() {
            match c {
                '\\' => out.push_str("&#92;"),
                '&' => out.push_str("&amp;"),
                '<' => out.push_str("&lt;"),
                '>' => out.push_str("&gt;"),
                c if JIRA_SPECIAL.contains(c) => {
                    out.push('\\');
                    out.push(c);
                }
                c => out.push(c),
            }
        }
        out
    }

    fn code(&self, s: &str, _in_table: bool) -> String {
        // Monospace `{{..}}` still interprets effects inside: escaped text is the safe form.
        self.text(s)
    }

    fn strong(&self, s: &str) -> String {
        format!("*{s}*")
    }

    fn emphasis(&self, s: &str) -> String {
        format!("_{s}_")
    }

    fn table_head(&self, cells: &[&str]) -> String {
        format!("||{}||", cells.join("||"))
    }

    fn table_row(&self, cells: &[String]) -> String {
        let cells: Vec<&str> = cells
            .iter()
            .map(|c| if c.is_empty() { " " } else { c.as_str() })
            .collect();
        format!("|{}|", cells.join("|"))
    }

    fn bullet(&self, depth: usize, text: &str) -> String {
        format!("{} {text}", "*".repeat(depth + 1))
    }

    fn task(&self, done: bool, text: &str) -> String {
        format!("* {} {text}", if done { "(/)" } else { "(x)" })
    }
}

/// The whole document.
pub(crate) fn render(s: &dyn Syntax, view: &View<'_>) -> String {
    let mut out: Vec<String> = Vec::new();
    if view.checklist_only {
        checklist(s, view, &mut out, false);
    } else {
        summary(s, view, &mut out);
        findings(s, view, &mut out);
        checklist(s, view, &mut out, true);
    }
    let mut text = out.join("\n");
    while text.ends_with('\n') {
        text.pop();
    }
    text.push('\n');
    text
}

fn plural(n: usize, one: &str, many: &str) -> String {
    format!("{n} {}", if n == 1 { one } else { many })
}

fn summary(s: &dyn Syntax, view: &View<'_>, out: &mut Vec<String>) {
    let report = view.report;
    let package = &report.package;
    let version = view.package_version();
    let title = match version {
        Some((_, v)) => format!("{} {}", s.text(&package.name), s.text(v)),
        None => s.text(&package.name),
    };
    out.push(s.heading(2, &format!("Preflight: {title}")));
    out.push(String::new());
    let mut facts = vec![format!(
        "{} {}",
        s.strong("Package:"),
        s.code(&package.name, false)
    )];
    if let Some((component, v)) = version {
        facts.push(format!(
            "version {} ({})",
            s.code(v, false),
            s.text(component)
        ));
    }
    facts.push(format!("SHA-256 {}", s.code(view.short_sha(), false)));
    facts.push(plural(package.entries as usize, "entry", "entries"));
    out.push(s.bullet(0, &facts.join(" · ")));
    let counts = count_by_severity(
        &view
            .findings
            .iter()
            .map(|f| (*f).clone())
            .collect::<Vec<Finding>>(),
    );
    let by_severity: Vec<String> = Severity::ALL
        .iter()
        .zip(counts)
        .map(|(sev, n)| format!("{n} {sev}"))
        .collect();
    let total = view.findings.len();
    let mut line = format!(
        "{} {}: {}",
        s.strong("Findings:"),
        total,
        by_severity.join(", ")
    );
    if view.filtered {
        line.push_str(&format!(
            " ({})",
            s.emphasis(&format!(
                "filtered: {total} of {} findings",
                report.findings.len()
            ))
        ));
    }
    out.push(s.bullet(0, &line));
    if !report.complete {
        out.push(s.bullet(
            0,
            &format!(
                "{} the scan stopped early; findings may be missing.",
                s.strong("Incomplete:")
            ),
        ));
    }
    if !report.diagnostics.is_empty() {
        out.push(s.bullet(
            0,
            &format!(
                "{} {} of the package could not be read; the JSON report says which.",
                s.strong("Not inspected:"),
                plural(report.diagnostics.len(), "part", "parts")
            ),
        ));
    }
    out.push(s.bullet(
        0,
        &format!("Reference time {}", s.code(&report.reference_time, false)),
    ));
    let selected: Vec<Finding> = view.findings.iter().map(|f| (*f).clone()).collect();
    let stories: Vec<_> = crate::story::stories(&selected)
        .into_iter()
        .filter(|st| st.severity >= Severity::High)
        .collect();
    if !stories.is_empty() {
        out.push(String::new());
        out.push(s.heading(3, "What matters"));
        out.push(String::new());
        for st in stories {
            out.push(s.bullet(
                0,
                &format!(
                    "{} {}",
                    s.strong(&st.severity.as_str().to_uppercase()),
                    s.text(&st.sentence)
                ),
            ));
        }
    }
    out.push(String::new());
}

fn location(f: &Finding) -> String {
    match (f.path.is_empty(), f.line) {
        (true, _) => "(package)".to_string(),
        (false, Some(line)) => format!("{}:{line}", f.path),
        (false, None) => f.path.clone(),
    }
}

fn findings(s: &dyn Syntax, view: &View<'_>, out: &mut Vec<String>) {
    if view.findings.is_empty() {
        out.push(s.heading(3, "Findings"));
        out.push(String::new());
        out.push("No findings.".to_string());
        out.push(String::new());
        return;
    }
    for category in Category::ALL {
        let rows: Vec<&Finding> = view
            .findings
            .iter()
            .copied()
            .filter(|f| f.category == category)
            .collect();
        if rows.is_empty() {
            continue;
        }
        out.push(s.heading(3, &format!("{} ({})", category.label(), rows.len())));
        out.push(String::new());
        out.push(s.table_head(&["Severity", "Title", "Location", "Rule"]));
        let mut lower = 0usize;
        let mut left_out = [0usize; 5];
        for f in &rows {
            if f.severity < Severity::High {
                lower += 1;
                if lower > MAX_LOWER_ROWS {
                    if let Some(i) = Severity::ALL.iter().position(|v| *v == f.severity) {
                        left_out[i] += 1;
                    }
                    continue;
                }
            }
            out.push(s.table_row(&[
                f.severity.as_str().to_string(),
                s.text(&f.title),
                s.code(&location(f), true),
                s.code(&f.rule, true),
            ]));
        }
        let omitted: usize = left_out.iter().sum();
        if omitted > 0 {
            let parts: Vec<String> = Severity::ALL
                .iter()
                .zip(left_out)
                .filter(|(_, n)| *n > 0)
                .map(|(sev, n)| format!("{n} {sev}"))
                .collect();
            out.push(String::new());
            out.push(s.emphasis(&format!(
                "{} not listed here ({}): see the JSON or CSV export.",
                plural(omitted, "more finding", "more findings"),
                parts.join(", ")
            )));
        }
        out.push(String::new());
    }
}

fn checklist(s: &dyn Syntax, view: &View<'_>, out: &mut Vec<String>, heading: bool) {
    if heading {
        out.push(s.heading(3, "Checklist"));
        out.push(String::new());
    }
    if view.checklist.is_empty() {
        out.push("No checklist steps.".to_string());
        return;
    }
    for (phase, label) in [
        ("preflight", "Before the upgrade"),
        ("cleanup", "After the upgrade"),
        ("rollback", "If the upgrade is rolled back"),
    ] {
        let items: Vec<&ChecklistItem> =
            view.checklist.iter().filter(|i| i.phase == phase).collect();
        if items.is_empty() {
            continue;
        }
        out.push(s.heading(4, label));
        out.push(String::new());
        for item in items {
            out.push(s.task(item.done, &s.text(&item.text)));
            if !item.note.is_empty() {
                out.push(s.bullet(1, &format!("Note: {}", s.text(&item.note))));
            }
        }
        out.push(String::new());
    }
}
