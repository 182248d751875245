//! The `--format text` report: a summary a person reads in a terminal or a CI log.

use scanner_core::text::visible;
use scanner_core::{Report, Severity};
use std::fmt::Write;

/// Render the report as plain text. Package-controlled strings go through `visible`, so a
/// hostile entry name cannot move the cursor or reorder a line in a terminal.
pub fn render(report: &Report) -> String {
    let mut s = String::new();
    let p = &report.package;
    let _ = writeln!(
        s,
        "{}  {} bytes  {} entries  {}  sha256 {}",
        visible(&p.name),
        p.size,
        p.entries,
        p.format,
        p.sha256
    );
    let counts = report.counts_by_severity();
    let summary: Vec<String> = Severity::ALL
        .iter()
        .zip(counts)
        .map(|(sev, n)| format!("{n} {sev}"))
        .collect();
    let _ = writeln!(
        s,
        "{} findings: {}{}",
        report.findings.len(),
        summary.join(", "),
        if report.complete {
            ""
        } else {
            " (scan stopped early)"
        }
    );
    if !report.findings.is_empty() {
        s.push('\n');
    }
    for f in &report.findings {
        let place = match f.line {
            Some(l) => format!("{}:{l}", visible(&f.path)),
            None if f.path.is_empty() => "(package)".to_string(),
            None => visible(&f.path).into_owned(),
        };
        let _ = writeln!(
            s,
            "{:<8} {place}\n         {}  [{}] id {}",
            f.severity.as_str().to_uppercase(),
            visible(&f.title),
            f.rule,
            f.id
        );
    }
    if !report.diagnostics.is_empty() {
        let _ = writeln!(s, "\nNot read:");
        for d in &report.diagnostics {
            let path = if d.path.is_empty() {
                "(package)"
            } else {
                &d.path
            };
            let _ = writeln!(s, "  {}: {}", visible(path), visible(&d.message));
        }
    }
    s
}
