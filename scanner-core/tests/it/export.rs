//! Exports through the whole scanner: golden files per format, a hostile package through every
//! format, no secret in any export, SARIF against its schema, and the options (`only`,
//! `checklist_only`, marks).
//!
//! Golden files live in `tests/golden/`. `UPDATE_GOLDEN=1 cargo test -p scanner-core --test
//! export` rewrites them (natively); otherwise, and always in wasm, they are compared exactly.

use crate::common::*;
use scanner_core::export::{export, ChecklistMark, ExportOptions, Format};
use scanner_core::{Profile, Report};
use serde_json::Value;
use std::collections::BTreeMap;

const PROFILE: &str = r#"timezone = "Europe/Berlin"
retired_hosts = ["sftp-legacy.example.net"]

[maintenance_window]
start = "2026-11-28T02:00:00+01:00"
end = "2026-11-28T05:00:00+01:00"
"#;

/// A schedule inside the window whose script talks to a retired host, a credential, a
/// migration and the package's own version.
const PACKAGE: &str = r#"
//- /etc/cron.d/acme-import
30 2 * * * acme /opt/acme/bin/import.sh
//- /opt/acme/bin/import.sh
#!/bin/sh
sftp -b batch.txt acme@sftp-legacy.example.net
//- /opt/acme/conf/application.properties
spring.datasource.password=Winter2024!
//- /db/migration/V4__drop_prefs.sql
DROP TABLE user_prefs;
//- /package.json
{ "name": "acme-suite", "version": "3.0.0" }
"#;

/// The credential value of [`PACKAGE`], which no export may contain.
const SECRET: &str = "Winter2024!";

fn profile() -> Profile {
    let p = Profile::from_toml(PROFILE);
    assert!(p.is_ok(), "{p:?}");
    p.unwrap_or_default()
}

fn report() -> Report {
    scan_with(&fixture(PACKAGE), &profile())
}

fn no_marks() -> BTreeMap<String, ChecklistMark> {
    BTreeMap::new()
}

/// The first step done with a note, the second with a hostile note and not done.
fn some_marks(r: &Report) -> BTreeMap<String, ChecklistMark> {
    let mut marks = BTreeMap::new();
    if let Some(first) = r.checklist.first() {
        marks.insert(
            first.id.clone(),
            ChecklistMark {
                done: true,
                note: "Paused by ops (ticket OPS-12).".into(),
            },
        );
    }
    if let Some(second) = r.checklist.get(1) {
        marks.insert(
            second.id.clone(),
            ChecklistMark {
                done: false,
                note: "see [here](http://evil.example/x) <b>now</b>".into(),
            },
        );
    }
    marks
}

fn run(
    format: Format,
    r: &Report,
    only: Option<&[String]>,
    checklist_only: bool,
    marks: &BTreeMap<String, ChecklistMark>,
) -> String {
    export(
        format,
        r,
        &ExportOptions {
            only,
            checklist_only,
            marks,
        },
    )
}

fn json(text: &str) -> Value {
    let v: Result<Value, _> = serde_json::from_str(text);
    assert!(v.is_ok(), "not JSON: {v:?}\n{text}");
    v.unwrap_or_default()
}

// ---------------------------------------------------------------------------------------------
// Golden files

/// (file, format, checklist_only, text compiled in).
const GOLDEN: [(&str, Format, bool, &str); 8] = [
    (
        "package.md",
        Format::Markdown,
        false,
        include_str!("../golden/package.md"),
    ),
    (
        "package.jira.txt",
        Format::Jira,
        false,
        include_str!("../golden/package.jira.txt"),
    ),
    (
        "package.json",
        Format::Json,
        false,
        include_str!("../golden/package.json"),
    ),
    (
        "package.sarif",
        Format::Sarif,
        false,
        include_str!("../golden/package.sarif"),
    ),
    (
        "package.csv",
        Format::Csv,
        false,
        include_str!("../golden/package.csv"),
    ),
    (
        "checklist.md",
        Format::Markdown,
        true,
        include_str!("../golden/checklist.md"),
    ),
    (
        "checklist.jira.txt",
        Format::Jira,
        true,
        include_str!("../golden/checklist.jira.txt"),
    ),
    (
        "checklist.csv",
        Format::Csv,
        true,
        include_str!("../golden/checklist.csv"),
    ),
];

#[cfg(not(target_arch = "wasm32"))]
fn update_golden(file: &str, text: &str) -> bool {
    if std::env::var_os("UPDATE_GOLDEN").is_none_or(|v| v != "1") {
        return false;
    }
    let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/golden")
        .join(file);
    let written = std::fs::write(&path, text);
    assert!(
        written.is_ok(),
        "cannot write {}: {written:?}",
        path.display()
    );
    true
}

#[cfg(target_arch = "wasm32")]
fn update_golden(_file: &str, _text: &str) -> bool {
    false
}

case! {
    fn golden_files_match() {
        let r = report();
        let marks = some_marks(&r);
        for (file, format, checklist_only, want) in GOLDEN {
            let got = run(format, &r, None, checklist_only, &marks);
            if update_golden(file, &got) {
                continue;
            }
            assert!(
                got == want,
                "{file} differs from the export (UPDATE_GOLDEN=1 rewrites it):\n--- got\n{got}\n--- want\n{want}"
            );
        }
    }
}

case! {
    fn the_fixture_has_what_the_golden_files_need() {
        let r = report();
        let rules: Vec<&str> = r.findings.iter().map(|f| f.rule.as_str()).collect();
        for rule in ["schedule.cron", "endpoint.retired-host"] {
            assert!(rules.contains(&rule), "no {rule} in {rules:?}");
        }
        assert!(r.findings.iter().any(|f| f.credential.is_some()), "{rules:?}");
        assert!(r.findings.iter().any(|f| f.migration.is_some()), "{rules:?}");
        assert!(
            r.findings.iter().any(|f| f.inventory.as_ref().is_some_and(|i| i.role == "package")),
            "{rules:?}"
        );
        assert!(r.checklist.len() >= 2, "{:?}", r.checklist);
        let md = run(Format::Markdown, &r, None, false, &some_marks(&r));
        assert!(md.contains("### What matters"), "{md}");
        assert!(md.contains("- [x] "), "{md}");
        assert!(md.contains("  - Note: Paused by ops"), "{md}");
    }
}

// ---------------------------------------------------------------------------------------------
// Secrets

case! {
    fn no_export_carries_the_secret() {
        let r = report();
        assert!(!r.to_json().contains(SECRET), "the scan itself leaks the secret");
        let marks = some_marks(&r);
        for format in Format::ALL {
            for checklist_only in [false, true] {
                let text = run(format, &r, None, checklist_only, &marks);
                assert!(!text.contains(SECRET), "{format} export leaks the secret:\n{text}");
                assert!(!text.contains("Winter2024"), "{format} export leaks part of it:\n{text}");
            }
        }
    }
}

// ---------------------------------------------------------------------------------------------
// Hostile package

const HOSTILE_TEXT: &str = "[x](http://evil) ![img](http://evil/a.png) <script>alert(1)</script> {color:red}x{color} [~user] a|b `tick` =cmd|' /C calc'!A0 www.evil.example @team \u{202e}gnp.exe";

fn hostile_report() -> Report {
    let names = [
        "conf/[x](http:evil).properties",
        "conf/![img](evil.png).properties",
        "conf/<script>alert(1)</script>.properties",
        "conf/{color:red}a{color}.properties",
        "conf/[~user] a|b.properties",
        "conf/`tick``s.properties",
        "conf/line\nbreak\r.properties",
        "=cmd|' \\C calc'!A0.properties",
        "conf/invoice\u{202e}gnp.properties",
        "-rm.properties",
        "@SUM(A1).properties",
    ];
    let body = format!(
        "# {HOSTILE_TEXT}\nupload.url=https://evil.example/[x](http://evil)/<script>\nhost=www.evil.example\npassword=Hx7!pQ2#mL9z\n"
    );
    let cron = format!("0 3 * * * root /opt/run.sh \"{HOSTILE_TEXT}\"\n");
    let mut entries: Vec<(String, Vec<u8>)> = names
        .iter()
        .map(|n| (n.to_string(), body.clone().into_bytes()))
        .collect();
    entries.push(("etc/cron.d/x[y](http:evil)".to_string(), cron.into_bytes()));
    entries.push(("../[x](http:evil)".to_string(), b"x\n".to_vec()));
    let refs: Vec<(&str, &[u8])> = entries
        .iter()
        .map(|(n, b)| (n.as_str(), b.as_slice()))
        .collect();
    scan_with(&zip_of(&refs), &profile())
}

/// Markdown with code spans removed (their content is literal).
fn outside_code_spans(md: &str) -> String {
    let mut out = String::new();
    let chars: Vec<char> = md.chars().collect();
    let mut i = 0;
    while i < chars.len() {
        if chars[i] == '\\' && i + 1 < chars.len() {
            out.push(chars[i]);
            out.push(chars[i + 1]);
            i += 2;
            continue;
        }
        if chars[i] == '`' {
            let mut n = 0;
            while i + n < chars.len() && chars[i + n] == '`' {
                n += 1;
            }
            // Find the closing run of exactly n backticks.
            let mut j = i + n;
            let mut closed = None;
            while j < chars.len() {
                if chars[j] == '`' {
                    let mut m = 0;
                    while j + m < chars.len() && chars[j + m] == '`' {
                        m += 1;
                    }
                    if m == n {
                        closed = Some(j + m);
                        break;
                    }
                    j += m;
                } else {
                    j += 1;
                }
            }
            assert!(closed.is_some(), "unclosed code span at {i} in:\n{md}");
            out.push_str("CODE");
            i = closed.unwrap_or(chars.len());
            continue;
        }
        out.push(chars[i]);
        i += 1;
    }
    out
}

/// The characters at which `line` splits into cells: `|` not escaped by a backslash.
fn unescaped_pipes(line: &str) -> usize {
    let mut n = 0;
    let mut escaped = false;
    for c in line.chars() {
        if escaped {
            escaped = false;
        } else if c == '\\' {
            escaped = true;
        } else if c == '|' {
            n += 1;
        }
    }
    n
}

/// Every occurrence of `c` is escaped with a backslash.
fn all_escaped(text: &str, c: char) -> bool {
    let mut escaped = false;
    for x in text.chars() {
        if escaped {
            escaped = false;
        } else if x == '\\' {
            escaped = true;
        } else if x == c {
            return false;
        }
    }
    true
}

/// The text with every backslash-escaped character (and its backslash) replaced by `_`.
fn strip_escapes(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut chars = text.chars();
    while let Some(c) = chars.next() {
        if c == '\\' {
            chars.next();
            out.push('_');
        } else {
            out.push(c);
        }
    }
    out
}

/// Dangerous text no rendered export may hold anywhere.
fn assert_common(format: Format, text: &str) {
    // In Markdown prose and Jira text, an escaped character is literal: drop escaped pairs.
    let text = if format == Format::Markdown {
        strip_escapes(&outside_code_spans(text))
    } else if format == Format::Jira {
        strip_escapes(text)
    } else {
        text.to_string()
    };
    let text = text.as_str();
    for bad in [
        "](http", "<script", "\u{202e}", "http://", "https://", "www.evil",
    ] {
        assert!(!text.contains(bad), "{format}: '{bad}' survived:\n{text}");
    }
}

case! {
    fn the_hostile_package_has_findings_with_hostile_text() {
        let r = hostile_report();
        assert!(r.findings.len() >= 10, "{}", r.to_json());
        assert!(r.findings.iter().any(|f| f.path.contains("](http")), "{}", r.to_json());
        assert!(r.findings.iter().any(|f| f.path.contains('\n')), "{}", r.to_json());
        assert!(
            r.findings.iter().any(|f| f.title.contains("[x](http") || f.evidence.contains("[x](http")),
            "{}",
            r.to_json()
        );
        assert!(!r.checklist.is_empty());
    }
}

case! {
    fn hostile_markdown_is_inert() {
        let r = hostile_report();
        let marks = some_marks(&r);
        for checklist_only in [false, true] {
            let md = run(Format::Markdown, &r, None, checklist_only, &marks);
            assert_common(Format::Markdown, &md);
            let prose = outside_code_spans(&md);
            for line in prose.lines() {
                assert!(
                    line.is_empty()
                        || ["#", "| ", "|---", "- ", "  - ", "_", "No "].iter().any(|p| line.starts_with(p)),
                    "a line starts with package text: {line:?}\n{md}"
                );
                if line.starts_with("| ") {
                    assert_eq!(unescaped_pipes(line), 5, "table row broken: {line}");
                }
            }
            // Package text in prose: every bracket, angle, brace, bang and star is escaped.
            // The export's own syntax uses `- [ ]`/`- [x]`, `**` and `_`: strip those first.
            let own_removed = prose
                .replace("- [ ] ", "")
                .replace("- [x] ", "")
                .replace("**", "");
            for c in ['[', ']', '<', '>', '{', '}', '!', '`', '~', '$'] {
                assert!(all_escaped(&own_removed, c), "unescaped '{c}' in markdown prose:\n{own_removed}");
            }
            assert!(!own_removed.contains("@team"), "{own_removed}");
        }
    }
}

case! {
    fn hostile_jira_is_inert() {
        let r = hostile_report();
        let marks = some_marks(&r);
        for checklist_only in [false, true] {
            let jira = run(Format::Jira, &r, None, checklist_only, &marks);
            assert_common(Format::Jira, &jira);
            for line in jira.lines() {
                assert!(
                    line.is_empty() || ["h2. ", "h3. ", "h4. ", "|", "* ", "** ", "_", "No "].iter().any(|p| line.starts_with(p)),
                    "a line starts with package text: {line:?}\n{jira}"
                );
                if line.starts_with("||") {
                    assert_eq!(unescaped_pipes(line), 10, "header broken: {line}");
                } else if line.starts_with('|') {
                    assert_eq!(unescaped_pipes(line), 5, "table row broken: {line}");
                }
            }
            // Jira's own syntax here uses none of these.
            let no_entities = jira.replace("&#92;", "");
            for c in ['[', ']', '{', '}', '!', '~', '^', '+', '?', '#'] {
                assert!(all_escaped(&no_entities, c), "unescaped '{c}' in Jira text:\n{jira}");
            }
            assert!(!jira.contains('<') && !jira.contains('>'), "{jira}");
            assert!(!jira.contains("{noformat}") && !jira.contains("{code"), "{jira}");
        }
    }
}

/// RFC 4180 records of a CSV text.
fn parse_csv(text: &str) -> Vec<Vec<String>> {
    let mut rows = Vec::new();
    let mut row = Vec::new();
    let mut cell = String::new();
    let mut quoted = false;
    let mut bare_lf = false;
    let mut chars = text.chars().peekable();
    while let Some(c) = chars.next() {
        match (quoted, c) {
            (true, '"') if chars.peek() == Some(&'"') => {
                chars.next();
                cell.push('"');
            }
            (true, '"') => quoted = false,
            (true, c) => cell.push(c),
            (false, '"') if cell.is_empty() => quoted = true,
            (false, ',') => row.push(std::mem::take(&mut cell)),
            (false, '\r') => {
                assert_eq!(chars.next(), Some('\n'), "CR without LF");
                row.push(std::mem::take(&mut cell));
                rows.push(std::mem::take(&mut row));
            }
            (false, '\n') => bare_lf = true,
            (false, c) => cell.push(c),
        }
    }
    assert!(!bare_lf, "bare LF in CSV:\n{text}");
    assert!(
        cell.is_empty() && row.is_empty(),
        "CSV does not end with CRLF"
    );
    rows
}

case! {
    fn hostile_csv_is_inert() {
        let r = hostile_report();
        let marks = some_marks(&r);
        for (checklist_only, columns, rows) in [(false, 9, r.findings.len()), (true, 6, r.checklist.len())] {
            let text = run(Format::Csv, &r, None, checklist_only, &marks);
            assert!(!text.contains('\u{202e}'), "{text}");
            let records = parse_csv(&text);
            assert_eq!(records.len(), rows + 1, "{text}");
            for rec in &records {
                assert_eq!(rec.len(), columns, "{rec:?}");
                for cell in rec {
                    assert!(!cell.starts_with(['=', '+', '-', '@', '\t', '\r']), "formula cell {cell:?}");
                    assert!(!cell.contains(['\n', '\r']), "line break in cell {cell:?}");
                }
            }
        }
        let text = run(Format::Csv, &r, None, false, &marks);
        assert!(text.contains("'=cmd|' \\C calc'!A0.properties"), "{text}");
    }
}

case! {
    fn hostile_json_and_sarif_are_data() {
        let r = hostile_report();
        let marks = no_marks();
        let text = run(Format::Json, &r, None, false, &marks);
        for bad in ["<script", "\u{202e}", "\u{2028}"] {
            assert!(!text.contains(bad), "JSON holds '{bad}' raw");
        }
        // JSON keeps values exactly: it reopens as the same report.
        assert_eq!(Report::from_json(&text), Ok(r.clone()));

        let sarif = run(Format::Sarif, &r, None, false, &marks);
        assert!(!sarif.contains("<script") && !sarif.contains('\u{202e}'), "{sarif}");
        let doc = json(&sarif);
        let results = doc["runs"][0]["results"].as_array().cloned().unwrap_or_default();
        assert_eq!(results.len(), r.findings.len());
        for res in &results {
            let text = res["message"]["text"].as_str().unwrap_or_default();
            assert!(!text.contains("://"), "{text}");
            assert!(all_escaped(text, '[') && all_escaped(text, ']'), "{text}");
            let uri = res["locations"][0]["physicalLocation"]["artifactLocation"]["uri"]
                .as_str()
                .unwrap_or_default();
            assert!(!uri.is_empty() && !uri.starts_with('/'), "{uri}");
            assert!(
                uri.bytes().all(|b| b.is_ascii_alphanumeric() || b"-._~!/%".contains(&b)),
                "{uri}"
            );
        }
    }
}

// ---------------------------------------------------------------------------------------------
// SARIF

case! {
    fn sarif_results_point_at_their_rules() {
        let r = report();
        let doc = json(&run(Format::Sarif, &r, None, false, &no_marks()));
        assert_eq!(doc["version"], "2.1.0");
        let runs = doc["runs"].as_array().cloned().unwrap_or_default();
        assert_eq!(runs.len(), 1);
        let driver = &runs[0]["tool"]["driver"];
        assert_eq!(driver["name"], "preflight");
        let rules = driver["rules"].as_array().cloned().unwrap_or_default();
        let results = runs[0]["results"].as_array().cloned().unwrap_or_default();
        assert_eq!(results.len(), r.findings.len());
        for (res, f) in results.iter().zip(&r.findings) {
            let index = res["ruleIndex"].as_u64().unwrap_or(u64::MAX) as usize;
            assert_eq!(rules.get(index).map(|rule| &rule["id"]), Some(&res["ruleId"]));
            assert_eq!(res["ruleId"], f.rule.as_str());
            let want = match f.severity {
                scanner_core::Severity::Critical | scanner_core::Severity::High => "error",
                scanner_core::Severity::Medium => "warning",
                _ => "note",
            };
            assert_eq!(res["level"], want, "{res}");
            assert_eq!(res["partialFingerprints"]["preflightFindingId/v1"], f.id.as_str());
            let region = &res["locations"][0]["physicalLocation"]["region"];
            match f.line {
                Some(line) => assert_eq!(region["startLine"], line),
                None => assert!(region.is_null()),
            }
        }
        let credential = rules.iter().find(|rule| rule["id"].as_str().is_some_and(|id| id.starts_with("credential.")));
        assert!(
            credential.is_some_and(|c| c["properties"]["security-severity"].is_string()),
            "{rules:?}"
        );
    }
}

#[cfg(not(target_arch = "wasm32"))]
fn assert_sarif_valid(text: &str) {
    let schema = json(include_str!("../data/sarif-schema-2.1.0.json"));
    let validator = jsonschema::validator_for(&schema);
    assert!(
        validator.is_ok(),
        "the SARIF schema does not compile: {:?}",
        validator.err()
    );
    let Ok(validator) = validator else { return };
    let doc = json(text);
    let errors: Vec<String> = validator
        .iter_errors(&doc)
        .map(|e| format!("at '{}': {e}", e.instance_path()))
        .collect();
    assert!(
        errors.is_empty(),
        "SARIF does not match its schema:\n{}\n{text}",
        errors.join("\n")
    );
}

#[cfg(not(target_arch = "wasm32"))]
#[test]
fn sarif_matches_the_sarif_2_1_0_schema() {
    let marks = no_marks();
    for r in [
        report(),
        hostile_report(),
        scan_bytes(&fixture("//- /README.md\nnothing here\n")),
    ] {
        assert_sarif_valid(&run(Format::Sarif, &r, None, false, &marks));
    }
    // A schema that rejects nothing would prove nothing.
    let mut broken = json(&run(Format::Sarif, &report(), None, false, &marks));
    broken["runs"][0]["results"][0]["level"] = Value::from("fatal");
    let schema = json(include_str!("../data/sarif-schema-2.1.0.json"));
    let valid = jsonschema::validator_for(&schema).map(|v| v.is_valid(&broken));
    assert_eq!(valid.ok(), Some(false));
}

#[cfg(not(target_arch = "wasm32"))]
#[test]
fn json_export_matches_the_report_schema() {
    let schema = json(include_str!("../../schema/preflight-report-1.schema.json"));
    let validator = jsonschema::options()
        .should_validate_formats(true)
        .build(&schema);
    assert!(validator.is_ok(), "{:?}", validator.err());
    let Ok(validator) = validator else { return };
    let r = report();
    let marks = some_marks(&r);
    for checklist_only in [false, true] {
        let doc = json(&run(Format::Json, &r, None, checklist_only, &marks));
        let errors: Vec<String> = validator.iter_errors(&doc).map(|e| e.to_string()).collect();
        assert!(errors.is_empty(), "{errors:?}");
    }
}

// ---------------------------------------------------------------------------------------------
// Options

case! {
    fn marks_set_the_checklist_state() {
        let r = report();
        let marks = some_marks(&r);
        let ids: Vec<&String> = marks.keys().collect();
        assert_eq!(ids.len(), 2);
        let doc = json(&run(Format::Json, &r, None, false, &marks));
        let steps = doc["checklist"].as_array().cloned().unwrap_or_default();
        let done: Vec<&Value> = steps.iter().filter(|s| s["done"] == true).collect();
        assert_eq!(done.len(), 1);
        assert_eq!(done[0]["note"], "Paused by ops (ticket OPS-12).");
        // Unmarked steps carry neither field.
        assert!(steps.iter().filter(|s| s.get("note").is_none()).all(|s| s.get("done").is_none()));
        // The state survives a reopen and is exported again without marks.
        let reopened = Report::from_json(&run(Format::Json, &r, None, false, &marks));
        assert!(reopened.is_ok());
        let reopened = reopened.unwrap_or_else(|_| r.clone());
        let md = run(Format::Markdown, &reopened, None, true, &no_marks());
        assert_eq!(md, run(Format::Markdown, &r, None, true, &marks));
        assert!(md.contains("- [x] "), "{md}");
        let jira = run(Format::Jira, &r, None, true, &marks);
        assert_eq!(jira.matches("* (/) ").count(), 1, "{jira}");
        assert_eq!(jira.matches("* (x) ").count(), r.checklist.len() - 1, "{jira}");
        // Without marks nothing is done.
        let plain = run(Format::Markdown, &r, None, true, &no_marks());
        assert!(!plain.contains("- [x]"), "{plain}");
        assert!(!r.to_json().contains("\"done\""), "a scan never writes the state");
    }
}

case! {
    fn only_narrows_findings_and_checklist() {
        let r = report();
        let cred = r.findings.iter().find(|f| f.credential.is_some());
        assert!(cred.is_some(), "no credential finding");
        let Some(cred) = cred else { return };
        let only = vec![cred.id.clone()];
        let marks = no_marks();
        let doc = json(&run(Format::Json, &r, Some(&only), false, &marks));
        let findings = doc["findings"].as_array().cloned().unwrap_or_default();
        assert_eq!(findings.len(), 1);
        assert_eq!(findings[0]["id"], cred.id.as_str());
        let steps = doc["checklist"].as_array().cloned().unwrap_or_default();
        let linking = r.checklist.iter().filter(|s| s.findings.contains(&cred.id)).count();
        assert!(linking > 0);
        assert_eq!(steps.len(), linking);

        let csv = parse_csv(&run(Format::Csv, &r, Some(&only), false, &marks));
        assert_eq!(csv.len(), 2);
        let sarif = json(&run(Format::Sarif, &r, Some(&only), false, &marks));
        assert_eq!(sarif["runs"][0]["results"].as_array().map(Vec::len), Some(1));
        assert_eq!(sarif["runs"][0]["tool"]["driver"]["rules"].as_array().map(Vec::len), Some(1));
        let md = run(Format::Markdown, &r, Some(&only), false, &marks);
        assert!(
            md.contains(&format!("filtered: 1 of {} findings", r.findings.len())),
            "{md}"
        );
        assert!(md.contains("### Credentials (1)") && !md.contains("### Schedules"), "{md}");

        let none: Vec<String> = Vec::new();
        let doc = json(&run(Format::Json, &r, Some(&none), false, &marks));
        assert_eq!(doc["findings"].as_array().map(Vec::len), Some(0));
        assert_eq!(doc["checklist"].as_array().map(Vec::len), Some(0));
    }
}

case! {
    fn checklist_only_keeps_the_steps_alone() {
        let r = report();
        let marks = some_marks(&r);
        let md = run(Format::Markdown, &r, None, true, &marks);
        assert!(!md.contains("Preflight:") && !md.contains("| Severity"), "{md}");
        assert_eq!(md.matches("- [").count(), r.checklist.len(), "{md}");
        let doc = json(&run(Format::Json, &r, None, true, &marks));
        assert_eq!(doc["findings"].as_array().map(Vec::len), Some(0));
        assert_eq!(doc["files"].as_array().map(Vec::len), Some(0));
        assert_eq!(doc["checklist"].as_array().map(Vec::len), Some(r.checklist.len()));
        let csv = parse_csv(&run(Format::Csv, &r, None, true, &marks));
        assert_eq!(csv[0], ["id", "phase", "done", "note", "text", "findings"]);
        assert_eq!(csv.len(), r.checklist.len() + 1);
        // SARIF ignores it.
        assert_eq!(
            run(Format::Sarif, &r, None, true, &marks),
            run(Format::Sarif, &r, None, false, &marks)
        );
    }
}

case! {
    fn long_lists_are_capped_but_critical_and_high_are_complete() {
        let mut cron = String::from("//- /etc/crontab\n");
        for m in 0..30 {
            cron.push_str(&format!("{m} 12 * * * root /opt/job{m}.sh\n"));
        }
        for i in 0..20 {
            cron.push_str(&format!("//- /../escape{i}.txt\nx\n"));
        }
        let r = scan_bytes(&fixture(&cron));
        let high = r.findings.iter().filter(|f| f.severity >= scanner_core::Severity::High).count();
        let lower_schedules = r
            .findings
            .iter()
            .filter(|f| f.category == scanner_core::Category::Schedule && f.severity < scanner_core::Severity::High)
            .count();
        assert!(high >= 20 && lower_schedules == 30, "{}", r.to_json());
        for format in [Format::Markdown, Format::Jira] {
            let text = run(format, &r, None, false, &no_marks());
            let rows = text.lines().filter(|l| l.starts_with("| high") || l.starts_with("|high") || l.starts_with("| critical") || l.starts_with("|critical")).count();
            assert_eq!(rows, high, "{text}");
            assert!(text.contains("15 more findings not listed here (15 low)"), "{text}");
        }
        // CSV, JSON and SARIF are complete.
        assert_eq!(parse_csv(&run(Format::Csv, &r, None, false, &no_marks())).len(), r.findings.len() + 1);
    }
}
