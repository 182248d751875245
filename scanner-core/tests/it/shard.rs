//! A scan split into parts gives the report of a single scan: same findings with the same ids,
//! links and severities, same checklist, files and diagnostics, whatever the number of parts
//! and the order their outputs arrive in.

use crate::common::{fixture, tar_of, zip_of, NOW};
use scanner_core::shard::{Merger, PartOutput, Shard};
use scanner_core::{scan, NoSink, Profile, Report, ScanInput};
use std::io::Cursor;

fn input<'a>(profile: &'a Profile, name: &'a str) -> ScanInput<'a> {
    ScanInput {
        name,
        profile,
        now: NOW.parse().unwrap_or_default(),
    }
}

/// Scan `bytes` in parts of about `target` bytes, through `workers` shards that take parts in
/// turn, and merge the outputs in the order given by `order` (a permutation seed).
fn split(bytes: &[u8], input: &ScanInput<'_>, target: u64, workers: usize, order: u64) -> Report {
    let shards: Vec<_> = (0..workers)
        .map(|_| Shard::open(Cursor::new(bytes), input))
        .collect();
    let mut shards: Vec<_> = shards.into_iter().filter_map(Result::ok).collect();
    assert_eq!(shards.len(), workers, "every shard opens");
    let parts = shards[0].parts_sized(target, 3);
    let mut outputs: Vec<PartOutput> = Vec::new();
    for (i, part) in parts.iter().enumerate() {
        let shard = &mut shards[i % workers];
        let out = shard.scan_part(part, input, &mut NoSink);
        assert!(out.is_ok(), "part {i} failed: {:?}", out.err());
        outputs.extend(out);
    }
    // A fixed shuffle: rotate, then reverse every other pair.
    let len = outputs.len().max(1);
    outputs.rotate_left(order as usize % len);
    for pair in outputs.chunks_mut(2).step_by(2) {
        pair.reverse();
    }
    let mut merger = Merger::new(input, bytes.len() as u64);
    for out in outputs {
        merger.add(out, &mut NoSink);
    }
    let sha = scanner_core::hash(Cursor::new(bytes), &mut NoSink)
        .ok()
        .flatten();
    merger.finish(input, sha, parts.len() as u32, &mut NoSink)
}

fn assert_same(bytes: &[u8], name: &str, profile: &Profile) {
    let input = input(profile, name);
    let single = scan(Cursor::new(bytes), &input, &mut NoSink);
    assert!(single.is_ok(), "{name}: {:?}", single.as_ref().err());
    let expected = single.map(|r| r.to_json()).unwrap_or_default();
    for (target, workers, order) in [(1, 1, 0), (1, 2, 1), (4096, 3, 2), (1 << 30, 2, 0)] {
        let got = split(bytes, &input, target, workers, order).to_json();
        if got != expected {
            let (e, g): (Vec<_>, Vec<_>) = (expected.lines().collect(), got.lines().collect());
            let at = e.iter().zip(&g).position(|(a, b)| a != b).unwrap_or(0);
            assert!(
                got == expected,
                "{name}: split scan (parts of {target} bytes, {workers} workers) differs at line {at}:\n  single: {}\n  split:  {}",
                e.get(at).unwrap_or(&""),
                g.get(at).unwrap_or(&"")
            );
        }
    }
}

#[test]
fn the_sample_package_scans_the_same_in_parts() {
    let pkg = crate::common::sample_package();
    assert!(pkg.is_some(), "the sample package is there");
    let pkg = pkg.unwrap_or_default();
    assert_same(&pkg, "sample.zip", &window("sftp-legacy.example.net"));
    assert_same(&pkg, "sample.zip", &Profile::default());
}

/// A profile with a maintenance window over the nights' jobs and one retired host.
fn window(retired: &str) -> Profile {
    let p = Profile::from_toml(&format!(
        "retired_hosts = [\"{retired}\"]\n[maintenance_window]\nstart = \"2026-11-28T02:00:00Z\"\nend = \"2026-11-28T05:00:00Z\"\n"
    ));
    assert!(p.is_ok(), "{p:?}");
    p.unwrap_or_default()
}

#[test]
fn links_across_parts_survive_the_split() {
    // The task, the script it runs, the file that script sources, the unit it restarts and a
    // certificate chain end up in different parts at one entry per part.
    let package = fixture(
        r#"
//- /etc/cron.d/import
0 3 * * * root /opt/acme/bin/import.sh
//- /opt/acme/bin/import.sh
#!/bin/sh
. /opt/acme/etc/env
systemctl restart acme-api.service
curl -u admin:Sup3rS3cretPassw0rd sftp://files.old.example.com/in
//- /opt/acme/etc/env
DB_URL=postgres://app:hunter7Zq9@db.old.example.com/app
//- /lib/systemd/system/acme-apiserver.service
[Unit]
Description=API
[Service]
ExecStart=/opt/acme/bin/api
//- /db/migration/V2__add_index.sql
CREATE INDEX idx_a ON accounts (email);
//- /db/migration/V1__init.sql
CREATE TABLE accounts (id int);
"#,
    );
    let profile = window("files.old.example.com");
    assert_same(&package, "acme-3.0.zip", &profile);
    // The split report still tells the story: the 03:00 job reaches the retired host.
    let input = input(&profile, "acme-3.0.zip");
    let report = split(&package, &input, 1, 3, 1);
    let critical = report
        .findings
        .iter()
        .filter(|f| f.rule == "schedule.cron" && f.severity == scanner_core::Severity::Critical)
        .count();
    assert_eq!(
        critical, 1,
        "the job inside the window that reaches a retired host"
    );
}

#[test]
fn nested_archives_and_tar_packages_scan_the_same() {
    let inner = fixture("//- /conf/app.properties\npassword=Zq8vLr2mWx9Tn4\n");
    let package = zip_of(&[
        ("lib/inner.jar", &inner),
        ("etc/cron.d/a", b"*/5 * * * * root /bin/true\n"),
        ("README", b"see https://example.org\n"),
    ]);
    assert_same(&package, "p.zip", &Profile::default());
    let tar = tar_of(&[
        ("etc/cron.d/a", b"0 1 * * * root /x.sh\n"),
        ("x.sh", b"#!/bin/sh\n"),
    ]);
    assert_same(&tar, "p.tar", &Profile::default());
}

/// Real packages named in `PREFLIGHT_SPLIT_PACKAGES` (colon-separated paths), for a local run:
/// `PREFLIGHT_SPLIT_PACKAGES=/tmp/bench-usr.zip cargo test --release --test shard`.
#[test]
fn packages_from_the_environment_scan_the_same() {
    let Ok(list) = std::env::var("PREFLIGHT_SPLIT_PACKAGES") else {
        return;
    };
    let profile = Profile::default();
    for path in list.split(':').filter(|p| !p.is_empty()) {
        let bytes = std::fs::read(path).unwrap_or_default();
        assert!(!bytes.is_empty(), "cannot read {path}");
        let input = input(&profile, path);
        let single = scan(Cursor::new(&bytes[..]), &input, &mut NoSink).map(|r| r.to_json());
        let Ok(single) = single else { continue };
        let got = split(&bytes, &input, 4 << 20, 2, 1).to_json();
        assert!(got == single, "{path}: split scan differs");
    }
}
