//! CSV: one row per finding, or per checklist step with `checklist_only`.
//!
//! RFC 4180: comma-separated, CRLF line ends, a header row, a cell quoted (with `"` doubled)
//! when it holds a comma, a quote or a line break. Every cell is spelled out first
//! ([`super::shown`]), so line breaks never reach it, then a cell that a spreadsheet would
//! read as a formula (first character `=`, `+`, `-`, `@`, tab or CR) gets a leading `'`.

use super::{shown, View};

/// One cell, protected and quoted.
pub(crate) fn cell(s: &str) -> String {
    let mut value = shown(s);
    if value.starts_with(['=', '+', '-', '@', '\t', '\r']) {
        value.insert(0, '\'');
    }
    if value.contains([',', '"', '\n', '\r']) {
        format!("\"{}\"", value.replace('"', "\"\""))
    } else {
        value
    }
}

fn row(cells: &[&str]) -> String {
    let mut line = cells.iter().map(|c| cell(c)).collect::<Vec<_>>().join(",");
    line.push_str("\r\n");
    line
}

pub(crate) fn render(view: &View<'_>) -> String {
    let mut out = String::new();
    if view.checklist_only {
        out.push_str(&row(&["id", "phase", "done", "note", "text", "findings"]));
        for item in &view.checklist {
            out.push_str(&row(&[
                &item.id,
                &item.phase,
                if item.done { "yes" } else { "no" },
                &item.note,
                &item.text,
                &item.findings.join(" "),
            ]));
        }
        return out;
    }
    out.push_str(&row(&[
        "id", "severity", "category", "rule", "title", "path", "line", "evidence", "related",
    ]));
    for f in &view.findings {
        let line = f.line.map(|l| l.to_string()).unwrap_or_default();
        out.push_str(&row(&[
            &f.id,
            f.severity.as_str(),
            f.category.as_str(),
            &f.rule,
            &f.title,
            &f.path,
            &line,
            &f.evidence,
            &f.related.join(" "),
        ]));
    }
    out
}
