//! `preflight-report/1` JSON with the checklist state.

use super::{json_safe, View};
use crate::report::Report;

/// The report narrowed to the view: its findings (none with `checklist_only`, which also drops
/// the file list), its steps with `done` and `note` from the marks.
pub(crate) fn render(view: &View<'_>) -> String {
    let source = view.report;
    let report = Report {
        schema: source.schema.clone(),
        tool: source.tool.clone(),
        package: source.package.clone(),
        reference_time: source.reference_time.clone(),
        findings: if view.checklist_only {
            Vec::new()
        } else {
            view.findings.iter().map(|f| (*f).clone()).collect()
        },
        checklist: view.checklist.clone(),
        diagnostics: source.diagnostics.clone(),
        files: if view.checklist_only {
            Vec::new()
        } else {
            source.files.clone()
        },
        complete: source.complete,
    };
    let mut text = json_safe(report.to_json());
    text.push('\n');
    text
}
