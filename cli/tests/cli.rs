//! The `preflight` binary as a pipeline uses it: exit codes, formats, one-line errors.

use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

fn zip(entries: &[(&str, &[u8])]) -> Vec<u8> {
    let mut w = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
    for (name, body) in entries {
        w.start_file(*name, zip::write::SimpleFileOptions::default())
            .unwrap();
        w.write_all(body).unwrap();
    }
    w.finish().unwrap().into_inner()
}

struct Dir(tempfile::TempDir);

impl Dir {
    fn new() -> Self {
        Dir(tempfile::tempdir().unwrap())
    }
    fn file(&self, name: &str, bytes: &[u8]) -> PathBuf {
        let p = self.0.path().join(name);
        std::fs::write(&p, bytes).unwrap();
        p
    }
    fn path(&self) -> &Path {
        self.0.path()
    }
}

fn preflight(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_preflight"))
        .args(args)
        .output()
        .unwrap()
}

fn stderr(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

fn stdout(o: &Output) -> String {
    String::from_utf8_lossy(&o.stdout).into_owned()
}

fn hostile(dir: &Dir) -> PathBuf {
    dir.file(
        "Full-upgrade-package.zip",
        &zip(&[
            ("etc/cron.d/import", b"0 3 * * * root /opt/import.sh\n"),
            ("../../etc/passwd", b"x\n"),
        ]),
    )
}

#[test]
fn text_report_and_exit_zero() {
    let dir = Dir::new();
    let pkg = hostile(&dir);
    let o = preflight(&[
        "scan",
        pkg.to_str().unwrap(),
        "--now",
        "2026-11-26T00:00:00Z",
    ]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let out = stdout(&o);
    assert!(out.starts_with("Full-upgrade-package.zip  "), "{out}");
    assert!(
        out.contains("2 findings: 0 critical, 1 high, 0 medium, 1 low, 0 info"),
        "{out}"
    );
    assert!(out.contains("LOW      etc/cron.d/import:1"), "{out}");
    assert!(
        out.contains("At 03:00, every day: runs /opt/import.sh as root"),
        "{out}"
    );
    assert!(out.contains("HIGH     ../../etc/passwd"), "{out}");
    assert!(out.contains("[archive.path-traversal]"), "{out}");
}

#[test]
fn json_report_to_file_with_fixed_now() {
    let dir = Dir::new();
    let pkg = hostile(&dir);
    let out = dir.path().join("report.json");
    let o = preflight(&[
        "scan",
        pkg.to_str().unwrap(),
        "--format",
        "json",
        "--now",
        "2026-11-28T02:00:00+01:00",
        "--out",
        out.to_str().unwrap(),
    ]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    assert!(o.stdout.is_empty());
    let v: serde_json::Value = serde_json::from_slice(&std::fs::read(&out).unwrap()).unwrap();
    assert_eq!(v["schema"], "preflight-report/1");
    assert_eq!(v["reference_time"], "2026-11-28T01:00:00Z");
    assert_eq!(v["package"]["entries"], 2);
    assert_eq!(v["findings"][0]["rule"], "archive.path-traversal");
}

#[test]
fn fail_on_sets_exit_one_at_or_above_the_threshold() {
    let dir = Dir::new();
    let pkg = hostile(&dir);
    let p = pkg.to_str().unwrap();
    assert_eq!(
        preflight(&["scan", p, "--fail-on", "high"]).status.code(),
        Some(1)
    );
    assert_eq!(
        preflight(&["scan", p, "--fail-on", "medium"]).status.code(),
        Some(1)
    );
    assert_eq!(
        preflight(&["scan", p, "--fail-on", "critical"])
            .status
            .code(),
        Some(0)
    );
}

fn assert_one_line_error(o: &Output, needle: &str) {
    assert_eq!(o.status.code(), Some(2), "{}", stderr(o));
    let err = stderr(o);
    assert_eq!(err.lines().count(), 1, "one line on stderr, got: {err}");
    assert!(err.starts_with("preflight: "), "{err}");
    assert!(err.contains(needle), "{err:?} should mention {needle:?}");
}

#[test]
fn unreadable_input_is_exit_two_with_one_line() {
    let dir = Dir::new();
    let pdf = dir.file("notes.pdf", b"%PDF-1.7 not a package");
    assert_one_line_error(
        &preflight(&["scan", pdf.to_str().unwrap()]),
        "looks like a PDF document",
    );
    let missing = dir.path().join("missing.zip");
    assert_one_line_error(
        &preflight(&["scan", missing.to_str().unwrap()]),
        "cannot open",
    );
    let full = zip(&[("a.txt", b"hello\n"), ("b.txt", b"world\n")]);
    let cut = dir.file("cut.zip", &full[..full.len() - 30]);
    assert_one_line_error(
        &preflight(&["scan", cut.to_str().unwrap()]),
        "damaged or truncated",
    );
}

#[test]
fn bad_arguments_are_exit_two_with_one_line() {
    let dir = Dir::new();
    let pkg = hostile(&dir);
    let p = pkg.to_str().unwrap();
    assert_one_line_error(
        &preflight(&["scan", p, "--fail-on", "urgent"]),
        "unknown severity",
    );
    assert_one_line_error(&preflight(&["scan", p, "--now", "tomorrow"]), "RFC 3339");
    assert_one_line_error(&preflight(&["scan", p, "--format", "xml"]), "xml");
    assert_one_line_error(&preflight(&["scan", p, "--bogus"]), "--bogus");
    assert_one_line_error(&preflight(&["scan"]), "PACKAGE");
}

#[test]
fn bad_profile_names_its_line() {
    let dir = Dir::new();
    let pkg = hostile(&dir);
    let profile = dir.file("profile.toml", b"ignore = []\n[limits]\nmax_depht = 3\n");
    let o = preflight(&[
        "scan",
        pkg.to_str().unwrap(),
        "--profile",
        profile.to_str().unwrap(),
    ]);
    assert_one_line_error(&o, "line 3");
}

#[test]
fn profile_ignore_and_limits_apply() {
    let dir = Dir::new();
    let pkg = hostile(&dir);
    let p = pkg.to_str().unwrap();
    let o = preflight(&["scan", p, "--format", "json"]);
    let v: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    let id = v["findings"][0]["id"].as_str().unwrap().to_string();
    let profile = dir.file("profile.toml", format!("ignore = [\"{id}\"]\n").as_bytes());
    let o = preflight(&[
        "scan",
        p,
        "--profile",
        profile.to_str().unwrap(),
        "--fail-on",
        "medium",
    ]);
    assert_eq!(
        o.status.code(),
        Some(0),
        "ignored finding no longer fails the build"
    );
    let o = preflight(&["scan", p, "--fail-on", "medium"]);
    assert_eq!(o.status.code(), Some(1), "without the profile it does");
}

#[test]
fn help_exits_zero() {
    let o = preflight(&["scan", "--help"]);
    assert_eq!(o.status.code(), Some(0));
    assert!(stdout(&o).contains("--fail-on"));
}

/// The profile the README shows is a profile the command accepts, and each of its tables does
/// what the README says on a package that has what they look for.
#[test]
fn the_readme_profile_works() {
    let readme =
        std::fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join("../README.md"))
            .unwrap();
    let start = readme.find("```toml\n").unwrap() + "```toml\n".len();
    let end = start + readme[start..].find("```").unwrap();
    let dir = Dir::new();
    let profile = dir.file("profile.toml", &readme.as_bytes()[start..end]);
    let pkg = dir.file(
        "acme-suite-3.0.0.zip",
        &zip(&[
            ("conf/app.properties", b"cache.redis.host=cache01\n"),
            ("lib/license.txt", b"key = ACME-7F3A9C21B8E4D6F0A1C5E92B\n"),
        ]),
    );
    let o = preflight(&[
        "scan",
        pkg.to_str().unwrap(),
        "--profile",
        profile.to_str().unwrap(),
        "--format",
        "json",
    ]);
    assert!(o.status.code().is_some_and(|c| c <= 1), "{}", stderr(&o));
    let r: serde_json::Value = serde_json::from_str(&stdout(&o)).unwrap();
    let rules: Vec<&str> = r["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["rule"].as_str().unwrap())
        .collect();
    // [[deprecations]] with target acme-api 5.2.0: removed.
    assert!(rules.contains(&"config.removed-key"), "{rules:?}");
    // [[rules]]: the licence key.
    assert!(rules.contains(&"credential.custom"), "{rules:?}");
    // [installed] 2.1.4 and [[upgrade_paths]] 2.2 -> 3.0: a gap.
    assert!(rules.contains(&"inventory.no-upgrade-path"), "{rules:?}");
}

/// Scan the hostile package with `--format FORMAT` at a fixed instant; standard output.
fn exported(format: &str) -> String {
    let dir = Dir::new();
    let pkg = hostile(&dir);
    let o = preflight(&[
        "scan",
        pkg.to_str().unwrap(),
        "--format",
        format,
        "--now",
        "2026-11-26T00:00:00Z",
    ]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    stdout(&o)
}

#[test]
fn markdown_format_is_a_ticket_summary() {
    let out = exported("markdown");
    assert!(
        out.starts_with("## Preflight: Full\\-upgrade\\-package.zip\n"),
        "{out}"
    );
    assert!(
        out.contains("- **Findings:** 2: 0 critical, 1 high, 0 medium, 1 low, 0 info"),
        "{out}"
    );
    assert!(out.contains("| high | Entry name climbs out"), "{out}");
    assert!(out.contains("`../../etc/passwd`"), "{out}");
    assert!(out.contains("### Checklist"), "{out}");
}

#[test]
fn jira_format_uses_wiki_markup() {
    let out = exported("jira");
    assert!(
        out.starts_with("h2. Preflight: Full\\-upgrade\\-package.zip\n"),
        "{out}"
    );
    assert!(out.contains("||Severity||Title||Location||Rule||"), "{out}");
    assert!(out.contains("h3. Checklist"), "{out}");
}

#[test]
fn sarif_format_has_one_run_with_results() {
    let out = exported("sarif");
    let v: serde_json::Value = serde_json::from_str(&out).unwrap();
    assert_eq!(v["version"], "2.1.0");
    assert_eq!(v["runs"][0]["tool"]["driver"]["name"], "preflight");
    let results = v["runs"][0]["results"].as_array().unwrap();
    assert_eq!(results.len(), 2);
    assert!(results.iter().all(|r| r["level"].is_string()));
    assert!(results
        .iter()
        .any(|r| r["ruleId"] == "archive.path-traversal" && r["level"] == "error"));
}

#[test]
fn csv_format_has_a_header_and_a_row_per_finding() {
    let out = exported("csv");
    let lines: Vec<&str> = out.split("\r\n").filter(|l| !l.is_empty()).collect();
    assert_eq!(
        lines[0],
        "id,severity,category,rule,title,path,line,evidence,related"
    );
    assert_eq!(lines.len(), 3, "{out}");
    assert!(lines.iter().any(|l| l.contains(",archive.path-traversal,")));
}

#[test]
fn jobs_give_the_report_of_one_thread() {
    // About 6 MB: binaries no compressor shrinks, between configuration files with findings,
    // and a job whose script reaches a retired host: several parts, scanned on several threads.
    let mut x: u32 = 7;
    let mut noise = |n: usize| -> Vec<u8> {
        (0..n)
            .map(|_| {
                x ^= x << 13;
                x ^= x >> 17;
                x ^= x << 5;
                x as u8
            })
            .collect()
    };
    let mut owned: Vec<(String, Vec<u8>)> = Vec::new();
    for i in 0..12 {
        owned.push((format!("lib/blob-{i}.bin"), noise(500_000)));
        owned.push((
            format!("conf/module-{i}.properties"),
            format!("db.password=Zq8vLr2mWx9Tn4Kp{i}\npartner.url=https://api-{i}.partner.example.com/v1\n").into_bytes(),
        ));
    }
    owned.push((
        "etc/cron.d/nightly".into(),
        b"0 3 * * * root /opt/run.sh\n".to_vec(),
    ));
    owned.push((
        "opt/run.sh".into(),
        b"#!/bin/sh\nsftp batch@files.old.example.net\n".to_vec(),
    ));
    let entries: Vec<(&str, &[u8])> = owned.iter().map(|(n, b)| (n.as_str(), &b[..])).collect();
    let dir = Dir::new();
    let pkg = dir.file("big.zip", &zip(&entries));
    let profile = dir.file("p.toml", b"retired_hosts = [\"files.old.example.net\"]\n");
    let report = |jobs: &str| {
        let out = dir.path().join(format!("r{jobs}.json"));
        let o = preflight(&[
            "scan",
            pkg.to_str().unwrap(),
            "--profile",
            profile.to_str().unwrap(),
            "--now",
            "2026-11-26T00:00:00Z",
            "--format",
            "json",
            "--jobs",
            jobs,
            "--out",
            out.to_str().unwrap(),
        ]);
        assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
        std::fs::read_to_string(out).unwrap()
    };
    let one = report("1");
    assert!(one.contains("files.old.example.net") && one.contains("credential.generic"));
    assert_eq!(report("3"), one);
    assert_eq!(report("2"), one);
}
