//! Entry points for the fuzz targets in `fuzz/` (cargo-fuzz), one per parser, and the test that
//! replays their committed corpus and crash reproducers. Not an API: compiled only with the
//! `fuzz` feature (and in this crate's own tests).
//!
//! Each function takes arbitrary bytes, decodes them as the walker does ([`text::decode`]) and
//! hands them to the parser through the code a scan uses: the detector that owns the parser,
//! on one entry at a path that reaches it, then its `finish` (which evaluates schedules against
//! the window, pairs migrations, chains certificates). Profile and reference instant are fixed.

use crate::detect::config::flatten::Format;
use crate::detect::schedule::calendar::CalendarEvent;
use crate::detect::{self, Detector, EntryInfo, NewFinding, TextEntry};
use crate::profile::Profile;
use crate::schedule::Recurrence;
use crate::text;
use crate::{scan, NoSink, ScanInput};
use chrono::{DateTime, Utc};
use chrono_tz::Tz;
use std::sync::OnceLock;

/// The reference instant of every target (Thursday 2026-11-26, 00:00 UTC).
const NOW: i64 = 1_795_651_200;

/// A profile that turns on what the default leaves off: a zone, a maintenance window (schedules
/// are evaluated against it), target versions and a deprecation matrix (config keys are
/// matched), installed versions and an upgrade path.
const PROFILE: &str = r#"
timezone = "Europe/Berlin"
retired_hosts = ["db-old.example.com", "*.legacy.example.com"]

[maintenance_window]
start = "2026-11-28T02:00:00+01:00"
end = "2026-11-28T05:00:00+01:00"

[target_versions]
acme-suite = "5.2.0"
kubernetes = "1.30.0"

[installed]
acme-suite = "4.9.1"

[[deprecations]]
component = "acme-suite"
key = "cache.redis.*"
deprecated_in = "5.0"
removed_in = "5.2.0"
replacement = "cache.valkey.*"

[[deprecations]]
component = "acme-suite"
key = "servers.*.weight"
deprecated_in = "4.0"
replacement = "servers.*.priority"

[[upgrade_paths]]
component = "acme-suite"
from = "4.9"
to = "5.2"
"#;

fn now() -> DateTime<Utc> {
    DateTime::from_timestamp(NOW, 0).unwrap_or_default()
}

/// The fuzz profile, parsed once (the default profile if it ever stops parsing).
fn settings() -> &'static Profile {
    static P: OnceLock<Profile> = OnceLock::new();
    P.get_or_init(|| Profile::from_toml(PROFILE).unwrap_or_default())
}

/// `data` as the text of one file at `path`, handed to `d` as a scan would (entry, then text
/// if the detector wants it); `finish` is left to the caller.
fn feed(d: &mut dyn Detector, path: &str, data: &[u8], out: &mut Vec<NewFinding>) {
    let (text, encoding) = text::decode(data, false);
    let entry = file(path, data.len());
    d.check_entry(&entry, out);
    if d.wants_text(&entry, &text) {
        let t = TextEntry {
            text: &text,
            encoding,
        };
        d.check_text(&entry, &t, out);
    }
}

/// `data` as the bytes of one binary file at `path`, handed to `d` if it asks for them.
fn feed_binary(d: &mut dyn Detector, path: &str, data: &[u8], out: &mut Vec<NewFinding>) {
    let entry = file(path, data.len());
    d.check_entry(&entry, out);
    if d.wants_binary(&entry, data.get(..512).unwrap_or(data)) {
        d.check_binary(&entry, data, out);
    }
}

fn file(path: &str, size: usize) -> EntryInfo<'_> {
    EntryInfo::test_file(path, size as u64)
}

fn schedules() -> detect::schedule::Schedules {
    detect::schedule::Schedules::new(settings(), now())
}

/// `data` as the text of a file at each path in turn through one detector, then its `finish`
/// (which pairs, chains and evaluates what the files gave it).
fn text_files(d: &mut dyn Detector, paths: &[&str], data: &[u8]) -> Vec<NewFinding> {
    let mut out = Vec::new();
    for path in paths {
        feed(d, path, data, &mut out);
    }
    d.finish(&mut out);
    out
}

/// `data` at each path in turn through one fresh schedules detector, then its `finish`.
fn schedule_files(paths: &[&str], data: &[u8]) -> Vec<NewFinding> {
    text_files(&mut schedules(), paths, data)
}

/// The whole scan: `data` as a package (ZIP, tar, gzip, nested), then its JSON report.
pub fn walk(data: &[u8]) {
    let input = ScanInput {
        name: "fuzz.zip",
        profile: settings(),
        now: now(),
    };
    if let Ok(report) = scan(std::io::Cursor::new(data), &input, &mut NoSink) {
        let _ = report.to_json();
    }
}

/// Crontabs: the system crontab, a user crontab and an anacrontab.
pub fn cron(data: &[u8]) {
    schedule_files(
        &[
            "etc/crontab",
            "var/spool/cron/crontabs/fuzz",
            "etc/anacrontab",
        ],
        data,
    );
}

/// `OnCalendar=`: each line as an expression (parsed, described, next three firings), then the
/// text after `OnCalendar=` in a timer unit with its service.
pub fn oncalendar(data: &[u8]) {
    let (text, _) = text::decode(data, false);
    for line in text.lines() {
        if let Ok(ev) = CalendarEvent::parse(line) {
            let _ = (ev.normalized(), ev.describe());
            let tz = ev.zone().unwrap_or(Tz::Europe__Berlin);
            let mut at = now();
            for _ in 0..3 {
                match ev.next_after(at, tz) {
                    Some(next) => at = next,
                    None => break,
                }
            }
        }
    }
    let mut unit = b"[Timer]\nOnCalendar=".to_vec();
    unit.extend_from_slice(data);
    let mut d = schedules();
    let mut out = Vec::new();
    feed(&mut d, "lib/systemd/system/fuzz.timer", &unit, &mut out);
    let service = b"[Service]\nExecStart=/opt/acme/bin/fuzz.sh\n";
    feed(&mut d, "lib/systemd/system/fuzz.service", service, &mut out);
    d.finish(&mut out);
}

/// Windows Task Scheduler XML (the format is told by its namespace, not its name).
pub fn windows_task(data: &[u8]) {
    schedule_files(&["Windows/System32/Tasks/fuzz.xml"], data);
}

/// Quartz (job XML, `quartz.properties`) and Spring (`@Scheduled` in Java and Kotlin, task XML).
pub fn quartz_spring(data: &[u8]) {
    schedule_files(&["conf/quartz_data.xml"], data);
    schedule_files(&["conf/quartz.properties"], data);
    schedule_files(&["src/main/java/Jobs.java"], data);
    schedule_files(&["src/main/kotlin/Jobs.kt"], data);
}

/// SQL migrations: a Flyway forward and undo pair (split, dialect, squawk, the scanner's own
/// checks, pairing), and a golang-migrate up file.
pub fn sql_migration(data: &[u8]) {
    text_files(
        &mut detect::migration::Migrations::new(settings()),
        &[
            "db/migration/V1__fuzz.sql",
            "db/migration/U1__fuzz.sql",
            "migrations/000001_fuzz.up.sql",
        ],
        data,
    );
}

/// Kubernetes CronJobs, GitHub Actions workflows, Jenkins pipelines and job XML, and Celery beat
/// configuration: the same bytes at each of their paths, through one schedules detector.
pub fn schedule_manifests(data: &[u8]) {
    schedule_files(
        &[
            "deploy/k8s/cronjob.yaml",
            ".github/workflows/nightly.yml",
            "Jenkinsfile",
            "jenkins/jobs/nightly/config.xml",
            "app/celeryconfig.py",
        ],
        data,
    );
}

/// Migration DSLs: a Liquibase changelog (XML and YAML), an Alembic revision, a Rails and a
/// Django migration, through one migrations detector, then its pairing.
pub fn migration_dsl(data: &[u8]) {
    text_files(
        &mut detect::migration::Migrations::new(settings()),
        &[
            "db/changelog/db.changelog-master.xml",
            "db/changelog/changes.yaml",
            "alembic/versions/1a2b3c4d5e6f_fuzz.py",
            "db/migrate/20260101000000_fuzz.rb",
            "shop/migrations/0002_fuzz.py",
        ],
        data,
    );
}

/// Systemd units and what refers to them: a service, a timer, a drop-in and a shell script,
/// then the shipped-against-referenced comparison.
pub fn units(data: &[u8]) {
    text_files(
        &mut detect::unit::Units::new(settings()),
        &[
            "lib/systemd/system/fuzz.service",
            "lib/systemd/system/fuzz.timer",
            "etc/systemd/system/fuzz.service.d/override.conf",
            "opt/acme/bin/restart.sh",
        ],
        data,
    );
}

/// Endpoints: URLs, connection strings, UNC paths, remote targets, hosts and IPs in a properties
/// file, a shell script and a README (documentation class).
pub fn endpoints(data: &[u8]) {
    text_files(
        &mut detect::endpoint::Endpoints::new(settings()),
        &["conf/app.properties", "opt/acme/bin/sync.sh", "README.md"],
        data,
    );
}

/// Credentials: every built-in rule over a config file, a script and the files whose rules are
/// bound to their names (`.pgpass`, `.netrc`, `snmpd.conf`), and the masking other detectors'
/// text goes through. The error says when masking the masked text changes it again: a rule
/// still recognised a secret in what was to be shown (the target turns it into a crash).
pub fn credentials(data: &[u8]) -> Result<(), String> {
    let paths = [
        "conf/app.properties",
        "opt/acme/bin/sync.sh",
        "home/app/.pgpass",
        "root/.netrc",
        "etc/snmp/snmpd.conf",
    ];
    text_files(
        &mut detect::credential::Credentials::new(settings()),
        &paths,
        data,
    );
    let (text, _) = text::decode(data, false);
    for path in paths {
        let once = detect::credential::mask_secrets(path, &text);
        let twice = detect::credential::mask_secrets(path, &once);
        if twice != once {
            return Err(format!(
                "masking at {path} left a secret:\n{once}\nmasked again:\n{twice}"
            ));
        }
    }
    Ok(())
}

/// Certificates and key stores: PEM in a text file, and the same bytes as a DER certificate, a
/// PKCS#12 and a Java key store.
pub fn certificate(data: &[u8]) {
    let mut d = detect::certificate::Certificates::new(settings(), now());
    let mut out = Vec::new();
    feed(&mut d, "etc/ssl/fuzz.pem", data, &mut out);
    for path in ["etc/ssl/fuzz.der", "etc/ssl/fuzz.p12", "etc/ssl/fuzz.jks"] {
        feed_binary(&mut d, path, data, &mut out);
    }
    d.finish(&mut out);
}

/// One config flattener, then the config detector on a file of that format.
fn config(format: Format, path: &str, data: &[u8]) {
    let (text, _) = text::decode(data, false);
    let _ = format.flatten(&text).names();
    text_files(&mut detect::config::Configs::new(settings()), &[path], data);
}

/// Java `.properties`.
pub fn config_properties(data: &[u8]) {
    config(Format::Properties, "conf/fuzz.properties", data);
}

/// YAML (Helm templates included).
pub fn config_yaml(data: &[u8]) {
    config(Format::Yaml, "conf/fuzz.yaml", data);
}

/// JSON.
pub fn config_json(data: &[u8]) {
    config(Format::Json, "conf/fuzz.json", data);
}

/// TOML.
pub fn config_toml(data: &[u8]) {
    config(Format::Toml, "conf/fuzz.toml", data);
}

/// INI.
pub fn config_ini(data: &[u8]) {
    config(Format::Ini, "conf/fuzz.ini", data);
}

/// `.env`.
pub fn config_env(data: &[u8]) {
    config(Format::Env, "conf/.env", data);
}

/// XML.
pub fn config_xml(data: &[u8]) {
    config(Format::Xml, "conf/fuzz.xml", data);
}

/// The TOML profile: parsed, and when it parses, written back with `to_toml` and parsed again.
/// The error says how the round trip failed (the target turns it into a crash).
pub fn profile(data: &[u8]) -> Result<(), String> {
    let (text, _) = text::decode(data, false);
    let Ok(p) = Profile::from_toml(&text) else {
        return Ok(());
    };
    let written = p.to_toml();
    match Profile::from_toml(&written) {
        Ok(again) if again == p => Ok(()),
        Ok(again) => Err(format!(
            "to_toml changed the profile:\n{written}\n{p:?}\n{again:?}"
        )),
        Err(e) => Err(format!(
            "to_toml wrote a profile that does not parse: {e}\n{written}"
        )),
    }
}

#[cfg(test)]
mod tests {
    //! The corpus and reproducers are replayed by `tests/fuzz_replay.rs` (feature `fuzz`).

    /// The fuzz profile parses: a typo would silently leave every target on the default one.
    #[test]
    fn the_fuzz_profile_parses() {
        let p = crate::Profile::from_toml(super::PROFILE);
        assert!(p.is_ok(), "{p:?}");
        assert!(super::settings().maintenance_window.is_some());
        assert_eq!(super::now().to_rfc3339(), "2026-11-26T00:00:00+00:00");
    }
}
