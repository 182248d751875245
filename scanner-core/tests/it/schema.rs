#![cfg(not(target_arch = "wasm32"))]
//! Real scanner output against `schema/preflight-report-1.schema.json`, the JSON Schema of the
//! `preflight-report/1` contract. Native only: the validator is a host-side dev-dependency.
//!
//! Positive cases scan real packages and validate `Report::to_json()`; negative cases break one
//! field of a valid report and check the schema rejects it at that field (and nowhere else).

use crate::common::*;
use scanner_core::{FileKind, Report};
use serde_json::{json, Value};

const SCHEMA: &str = include_str!("../../schema/preflight-report-1.schema.json");

const CLEAN: &str = r#"
//- /etc/cron.d/import
0 3 * * * root /opt/acme/bin/data-import.sh
//- /opt/acme/bin/data-import.sh
#!/bin/sh
sftp -b batch.txt import@sftp-legacy.example.net
//- /opt/acme/conf/app.properties
db.url=jdbc:postgresql://db.example.net:5432/acme
//- /README.md
Acme suite 3.0 upgrade package.
"#;

fn schema() -> Value {
    serde_json::from_str(SCHEMA).expect("the schema file is JSON")
}

/// The validator, with `format` asserted (2020-12 only annotates it by default).
fn validator() -> jsonschema::Validator {
    jsonschema::options()
        .should_validate_formats(true)
        .build(&schema())
        .unwrap_or_else(|e| panic!("the schema does not compile: {e}"))
}

/// One schema violation: where in the document, and the validator's full account of it.
struct Violation {
    at: String,
    text: String,
}

fn violations(doc: &Value) -> Vec<Violation> {
    validator()
        .iter_errors(doc)
        .map(|e| Violation {
            at: e.instance_path().to_string(),
            text: format!(
                "at '{}': {e} (schema {})",
                e.instance_path(),
                e.schema_path()
            ),
        })
        .collect()
}

fn listing(errors: &[Violation]) -> String {
    errors
        .iter()
        .map(|v| format!("  - {}", v.text))
        .collect::<Vec<_>>()
        .join("\n")
}

/// Validate a report's JSON text, listing every violation on failure.
fn assert_valid(json: &str) {
    let doc: Value = serde_json::from_str(json).expect("the report is JSON");
    let errors = violations(&doc);
    assert!(
        errors.is_empty(),
        "report does not match the schema ({} errors):\n{}\n\nreport:\n{json}",
        errors.len(),
        listing(&errors),
    );
}

/// Take a valid report, break it with `mutate`, and check the schema rejects it, only at `at`.
fn assert_rejected(base: &Report, at: &str, mutate: impl FnOnce(&mut Value)) {
    let mut doc: Value = serde_json::from_str(&base.to_json()).expect("the report is JSON");
    let before = violations(&doc);
    assert!(
        before.is_empty(),
        "base report already invalid:\n{}",
        listing(&before)
    );
    mutate(&mut doc);
    let errors = violations(&doc);
    assert!(
        !errors.is_empty(),
        "the schema accepted a broken report (expected a violation at '{at}'):\n{}",
        serde_json::to_string_pretty(&doc).unwrap_or_default()
    );
    assert!(
        errors.iter().all(|v| v.at == at),
        "expected violations only at '{at}', got:\n{}",
        listing(&errors)
    );
}

fn clean_report() -> Report {
    scan_bytes(&fixture(CLEAN))
}

/// A package with an entry whose deflate stream is damaged (a diagnostic), a traversal name,
/// an absolute name, a symlink out of the package, an encrypted entry, odd names (bidi
/// control, non-UTF-8, quote and tab), and a nested zip with a hostile name.
fn hostile_report() -> Report {
    let inner = zip_of(&[
        ("conf/app.properties", b"db.url=jdbc:x\n"),
        ("../inner-escape.txt", b"x\n"),
    ]);
    let mut zip = RawZip::default()
        .push(RawEntry {
            method: 8,
            ..RawEntry::stored("broken.txt", "text that deflates\n".repeat(20))
        })
        .push(RawEntry::stored("../../etc/passwd", "root:x:0:0\n"))
        .push(RawEntry::stored("/etc/shadow", "x"))
        .push(RawEntry {
            unix_mode: Some(0o120777),
            ..RawEntry::stored("current", "/etc")
        })
        .push(RawEntry {
            flags: 1,
            ..RawEntry::stored("secrets.env", "encrypted-bytes")
        })
        .push(RawEntry::stored("invoice\u{202e}fdp.exe", "x"))
        .push(RawEntry::stored(b"caf\x82 \"q\"\t.txt".to_vec(), "x"))
        .push(RawEntry::stored("plugins/inner.zip", inner))
        .push(RawEntry::stored("README.md", "hello\n"))
        .build();
    // Damage the first entry's deflate stream (it starts after the 30-byte header and name).
    let data_start = 30 + "broken.txt".len();
    for b in &mut zip[data_start..data_start + 8] {
        *b = 0xff;
    }
    scan_bytes(&zip)
}

#[test]
fn the_schema_is_a_valid_2020_12_schema() {
    let schema = schema();
    assert_eq!(
        schema["$schema"], "https://json-schema.org/draft/2020-12/schema",
        "draft"
    );
    if let Err(e) = jsonschema::meta::validate(&schema) {
        panic!(
            "schema fails its meta-schema at '{}': {e}",
            e.instance_path()
        );
    }
}

#[test]
fn clean_multi_file_report_matches_the_schema() {
    let report = clean_report();
    assert_eq!(report.package.entries, 4);
    assert!(report.files.iter().all(|f| f.kind == FileKind::Text));
    assert_valid(&report.to_json());
}

#[test]
fn hostile_package_report_matches_the_schema() {
    let report = hostile_report();
    // The report must actually exercise findings, nested paths and every unusual file kind,
    // or validating it proves little.
    let rules: Vec<&str> = report.findings.iter().map(|f| f.rule.as_str()).collect();
    for rule in [
        "archive.path-traversal",
        "archive.absolute-path",
        "archive.symlink",
        "archive.encrypted-entry",
    ] {
        assert!(rules.contains(&rule), "no {rule} finding in {rules:?}");
    }
    for kind in [FileKind::Symlink, FileKind::Skipped, FileKind::Archive] {
        assert!(
            report.files.iter().any(|f| f.kind == kind),
            "no {kind:?} entry in {:?}",
            report.files
        );
    }
    assert_eq!(
        report.diagnostics.len(),
        1,
        "expected one diagnostic: {:?}",
        report.diagnostics
    );
    assert!(
        report.files.iter().any(|f| f.path.contains("!/")),
        "no nested entry in {:?}",
        report.files
    );
    assert_valid(&report.to_json());
}

#[test]
fn reports_round_trip_through_json() {
    for report in [clean_report(), hostile_report()] {
        let json = report.to_json();
        let back = Report::from_json(&json).unwrap_or_else(|e| panic!("{e}\n{json}"));
        assert_eq!(back, report);
        assert_eq!(back.to_json(), json);
    }
}

#[test]
fn unknown_severity_is_rejected() {
    assert_rejected(&hostile_report(), "/findings/0/severity", |doc| {
        doc["findings"][0]["severity"] = json!("urgent");
    });
}

#[test]
fn missing_package_sha256_is_rejected() {
    assert_rejected(&clean_report(), "/package", |doc| {
        doc["package"]
            .as_object_mut()
            .expect("package is an object")
            .remove("sha256");
    });
}

#[test]
fn other_schema_id_is_rejected() {
    assert_rejected(&clean_report(), "/schema", |doc| {
        doc["schema"] = json!("preflight-report/2");
    });
}

#[test]
fn other_contract_violations_are_rejected() {
    let base = hostile_report();
    type Mutation = fn(&mut Value);
    let cases: [(&str, Mutation); 9] = [
        ("/package/sha256", |d| {
            d["package"]["sha256"] = json!("AB".repeat(32));
        }),
        ("/package/size", |d| d["package"]["size"] = json!(-1)),
        ("/reference_time", |d| {
            d["reference_time"] = json!("26 Nov 2026");
        }),
        ("/findings/0/line", |d| d["findings"][0]["line"] = json!(0)),
        ("/findings/0/category", |d| {
            d["findings"][0]["category"] = json!("network");
        }),
        ("/findings/0/related/0", |d| {
            d["findings"][0]["related"] = json!([7]);
        }),
        ("/findings/0", |d| {
            d["findings"][0].as_object_mut().unwrap().remove("evidence");
        }),
        ("/diagnostics/0", |d| {
            d["diagnostics"][0]
                .as_object_mut()
                .unwrap()
                .remove("message");
        }),
        ("/checklist/0/phase", |d| {
            d["checklist"] =
                json!([{ "id": "c1", "phase": "during", "text": "x", "findings": [] }]);
        }),
    ];
    for (at, mutate) in cases {
        assert_rejected(&base, at, mutate);
    }
}

/// A schedule, an endpoint and a credential finding as the contract describes them; the
/// scanner does not produce these objects yet, so the schema's description of them is
/// checked here.
fn with_typed_findings(doc: &mut Value) {
    let common = |category: &str| {
        json!({
            "id": format!("{category}-1"),
            "category": category,
            "rule": format!("{category}.example"),
            "severity": "medium",
            "title": "t",
            "path": "plugins/p.zip!/conf/a.properties",
            "line": 3,
            "evidence": "e",
            "related": [],
        })
    };
    let mut schedule = common("schedule");
    schedule["schedule"] = json!({
        "kind": "cron",
        "expression": "0 3 * * *",
        "timezone": null,
        "description": "At 03:00, every day",
        "command": "/opt/acme/bin/data-import.sh",
        "user": null,
        "next_runs": ["2026-11-26T03:00:00Z", "2026-11-27T03:00:00+01:00"],
        "window": null,
    });
    let mut endpoint = common("endpoint");
    endpoint["endpoint"] = json!({
        "url": "sftp://sftp-legacy.example.net:22/in",
        "scheme": "sftp",
        "host": "sftp-legacy.example.net",
        "port": 22,
        "class": "runtime",
        "retired": true,
    });
    let mut credential = common("credential");
    credential["credential"] = json!({ "kind": "password", "redacted": "Wi******" });
    credential["line"] = Value::Null;
    let findings = doc["findings"].as_array_mut().expect("findings array");
    findings.insert(0, schedule);
    findings.insert(1, endpoint);
    findings.insert(2, credential);
    doc["checklist"] = json!([
        { "id": "c1", "phase": "preflight", "text": "Pause the import job", "findings": ["schedule-1"] },
        { "id": "c2", "phase": "rollback", "text": "Resume it", "findings": [] },
    ]);
}

#[test]
fn contract_objects_not_yet_produced_are_described() {
    let mut doc: Value = serde_json::from_str(&hostile_report().to_json()).unwrap();
    with_typed_findings(&mut doc);
    assert_valid(&serde_json::to_string_pretty(&doc).unwrap());

    type Mutation = fn(&mut Value);
    let cases: [(&str, Mutation); 9] = [
        ("/findings/0", |d| {
            d["findings"][0].as_object_mut().unwrap().remove("schedule");
        }),
        ("/findings/0/schedule/kind", |d| {
            d["findings"][0]["schedule"]["kind"] = json!("at");
        }),
        ("/findings/0/schedule/window", |d| {
            d["findings"][0]["schedule"]["window"] = json!("sometimes");
        }),
        ("/findings/0/schedule/next_runs/0", |d| {
            d["findings"][0]["schedule"]["next_runs"] = json!(["tomorrow"]);
        }),
        ("/findings/0/schedule", |d| {
            let s = d["findings"][0]["schedule"].as_object_mut().unwrap();
            s.remove("timezone");
        }),
        ("/findings/1/endpoint/class", |d| {
            d["findings"][1]["endpoint"]["class"] = json!("internal");
        }),
        ("/findings/1/endpoint/port", |d| {
            d["findings"][1]["endpoint"]["port"] = json!(70000);
        }),
        ("/findings/1", |d| {
            d["findings"][1].as_object_mut().unwrap().remove("endpoint");
        }),
        ("/findings/2/credential", |d| {
            d["findings"][2]["credential"]
                .as_object_mut()
                .unwrap()
                .remove("redacted");
        }),
    ];
    for (at, mutate) in cases {
        let mut broken = doc.clone();
        mutate(&mut broken);
        let errors = violations(&broken);
        assert!(
            !errors.is_empty() && errors.iter().all(|v| v.at == at),
            "expected violations only at '{at}', got:\n{}",
            listing(&errors)
        );
    }
}

#[test]
fn added_fields_are_allowed_at_every_level() {
    let mut doc: Value = serde_json::from_str(&hostile_report().to_json()).unwrap();
    with_typed_findings(&mut doc);
    doc["x_top"] = json!(1);
    doc["tool"]["x"] = json!(1);
    doc["package"]["x"] = json!(1);
    doc["findings"][0]["x"] = json!(1);
    doc["findings"][0]["schedule"]["x"] = json!(1);
    doc["findings"][1]["endpoint"]["x"] = json!(1);
    doc["findings"][2]["credential"]["x"] = json!(1);
    doc["checklist"][0]["x"] = json!(1);
    doc["diagnostics"][0]["x"] = json!(1);
    doc["files"][0]["x"] = json!(1);
    assert_valid(&serde_json::to_string_pretty(&doc).unwrap());
}

#[test]
fn schedule_findings_of_every_kind_match_the_schema() {
    let profile = scanner_core::Profile::from_toml(
        "timezone = \"Europe/Berlin\"\n[maintenance_window]\nstart = \"2026-11-28T02:00:00+01:00\"\nend = \"2026-11-28T05:00:00+01:00\"\n",
    )
    .unwrap();
    let pkg = fixture(
        r#"
        //- /etc/cron.d/import
        0 3 * * * acme /opt/acme/bin/import.sh
        @reboot root /opt/acme/bin/start.sh
        0 99 * * * root /bad
        //- /opt/acme/bin/import.sh
        #!/bin/sh
        //- /lib/systemd/system/sync.timer
        [Timer]
        OnCalendar=*-*-* 02:30:00
        RandomizedDelaySec=15min
        //- /lib/systemd/system/sync.service
        [Service]
        ExecStart=/opt/acme/bin/import.sh
        //- /etc/cron.daily/acme-clean
        #!/bin/sh
        //- /.github/workflows/nightly.yml
        name: Nightly
        on:
          schedule:
            - cron: "0 2 * * *"
        jobs:
          build:
            runs-on: ubuntu-latest
        "#,
    );
    let report = scan_with(&pkg, &profile);
    let kinds: std::collections::BTreeSet<_> = report
        .findings
        .iter()
        .filter_map(|f| f.schedule.as_ref().map(|s| s.kind.clone()))
        .collect();
    assert_eq!(
        kinds.into_iter().collect::<Vec<_>>(),
        ["cron", "cron-periodic", "github-actions", "systemd-timer"]
    );
    assert!(report.findings.iter().any(|f| f.rule == "schedule.invalid"));
    assert_valid(&report.to_json());
}

#[test]
fn endpoint_and_credential_findings_match_the_schema() {
    let pkg = fixture(
        r#"
        //- /opt/acme/conf/application.properties
        spring.datasource.url=jdbc:postgresql://db01.internal.example.net:5432/acme
        spring.datasource.password=Vx7!pQ2#mL9z
        //- /opt/acme/bin/backup.sh
        #!/bin/sh
        cp /var/lib/acme/dump.sql file:///mnt/backup/
        scp dump.sql backup@10.20.30.40:/srv/backups/
        "#,
    );
    let report = scan_bytes(&pkg);
    assert!(report.findings.iter().any(|f| f.endpoint.is_some()));
    assert!(report.findings.iter().any(|f| f.credential.is_some()));
    assert_valid(&report.to_json());
}
