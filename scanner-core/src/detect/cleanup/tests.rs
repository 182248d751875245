//! Unit tests of the cleanup detector.

use super::*;
use crate::report::Severity;
use crate::text::Encoding;

/// A file entry of the package itself.
fn entry<'a>(path: &'a str, text: &str) -> EntryInfo<'a> {
    EntryInfo::test_file(path, text.len() as u64)
}

fn run(files: &[(&str, &str)]) -> Vec<NewFinding> {
    let mut d = Cleanup::new(&Profile::default());
    let mut out = Vec::new();
    for (path, text) in files {
        let e = entry(path, text);
        d.check_text(
            &e,
            &TextEntry {
                text,
                encoding: Encoding::Utf8,
            },
            &mut out,
        );
    }
    d.finish(&mut out);
    out
}

/// (rule, line, title, severity) of each finding.
fn rows(out: &[NewFinding]) -> Vec<(&str, Option<u32>, &str, Severity)> {
    out.iter()
        .map(|f| {
            (
                f.rule.id,
                f.line,
                f.title.as_str(),
                f.severity.unwrap_or(f.rule.severity),
            )
        })
        .collect()
}

#[test]
fn patterns_compile() {
    assert!(flags::temporary_words().is_some());
    let out = run(&[("README.md", "Expect a five-minute downtime.\n")]);
    assert_eq!(out.len(), 1);
}

#[test]
fn flags_in_properties_yaml_json_env_toml() {
    let out = run(&[
        (
            "conf/app.properties",
            "# TEMPORARY: remove after 3.0 is everywhere\nfeature.legacy-import=true\nserver.port=8080\nfeature.dark-mode=false\ncache.enabled=true\nreports.v2.enabled=true # rollout until 2027\n",
        ),
        (
            "conf/features.yaml",
            "features:\n  # migration toggle\n  dual_write: true\n  new_ui: true\nlogging:\n  enabled: true\n",
        ),
        (
            "conf/flags.json",
            "{\n  \"features\": {\n    \"shadowReads\": true\n  },\n  \"tmpMigrationEnabled\": true\n}\n",
        ),
        ("etc/acme.env", "FF_TEMP_BACKFILL=1\nACME_FEATURE_SEARCH=on # TODO remove\n"),
        ("conf/app.toml", "[features]\n# temp, until the cut-over\nsplit_db = true\n"),
    ]);
    assert_eq!(
        rows(&out),
        [
            (
                "config.temporary-flag",
                Some(2),
                "Temporary feature flag `feature.legacy-import`",
                Severity::Low
            ),
            (
                "config.temporary-flag",
                Some(4),
                "Feature flag `feature.dark-mode` set by the package",
                Severity::Info
            ),
            (
                "config.temporary-flag",
                Some(6),
                "Temporary feature flag `reports.v2.enabled`",
                Severity::Low
            ),
            (
                "config.temporary-flag",
                Some(3),
                "Temporary feature flag `features.dual_write`",
                Severity::Low
            ),
            (
                "config.temporary-flag",
                Some(4),
                "Feature flag `features.new_ui` set by the package",
                Severity::Info
            ),
            (
                "config.temporary-flag",
                Some(3),
                "Feature flag `features.shadowReads` set by the package",
                Severity::Info
            ),
            (
                "config.temporary-flag",
                Some(5),
                "Temporary feature flag `tmpMigrationEnabled`",
                Severity::Low
            ),
            (
                "config.temporary-flag",
                Some(1),
                "Temporary feature flag `FF_TEMP_BACKFILL`",
                Severity::Low
            ),
            (
                "config.temporary-flag",
                Some(2),
                "Temporary feature flag `ACME_FEATURE_SEARCH`",
                Severity::Low
            ),
            (
                "config.temporary-flag",
                Some(3),
                "Temporary feature flag `features.split_db`",
                Severity::Low
            ),
        ]
    );
    let first = out.first().map(|f| f.evidence.as_str()).unwrap_or("");
    assert_eq!(
        first,
        "# TEMPORARY: remove after 3.0 is everywhere / feature.legacy-import=true"
    );
    assert_eq!(
        out.first().map(|f| f.key.as_str()),
        Some("feature.legacy-import")
    );
}

#[test]
fn webhooks_in_scripts_and_keys() {
    let out = run(&[
        (
            "scripts/post-upgrade.sh",
            "#!/bin/sh\n# curl -X POST https://commented.example/webhooks\ncurl -sf -X POST https://hooks.partner.example/v2/webhooks -d @hook.json\ncurl -X POST https://hooks.partner.example/v2/webhooks -d @other.json\ncurl https://status.example.com/health\nhttp POST https://api.example.org/subscriptions url=$CB\n",
        ),
        (
            "scripts/register.ps1",
            "Invoke-RestMethod -Uri \"https://crm.example.net/api/hooks\" -Method Post -Body $body\n",
        ),
        (
            "conf/app.yaml",
            "notify:\n  webhook_url: https://hooks.slack.com/services/T000/B000/XXXXXXXX\n  callback_url: ${CALLBACK}\n",
        ),
    ]);
    assert_eq!(
        rows(&out),
        [
            (
                "config.webhook-registration",
                Some(3),
                "Registers a webhook with hooks.partner.example (POST …/webhooks)",
                Severity::Low
            ),
            (
                "config.webhook-registration",
                Some(6),
                "Registers a webhook with api.example.org (POST …/subscriptions)",
                Severity::Low
            ),
            (
                "config.webhook-registration",
                Some(1),
                "Registers a webhook with crm.example.net (POST …/hooks)",
                Severity::Low
            ),
            (
                "config.webhook-registration",
                Some(2),
                "Webhook URL in `notify.webhook_url` (hooks.slack.com)",
                Severity::Low
            ),
            (
                "config.webhook-registration",
                Some(3),
                "Webhook URL in `notify.callback_url`",
                Severity::Low
            ),
        ]
    );
    assert!(out.iter().all(|f| !f.title.contains("XXXXXXXX")));
}

#[test]
fn ephemeral_credentials() {
    let out = run(&[
        (
            "etc/upgrade.env",
            "TMP_DB_PASSWORD=Hunter22x\nTEMP_API_TOKEN=${TOKEN}\nDB_PASSWORD=secret\n# revoke this token after the upgrade\nUPGRADE_TOKEN=abc\n",
        ),
        (
            "db/upgrade.sql",
            "CREATE USER upgrade_tmp WITH PASSWORD 'x';\nCREATE USER app_reader;\nCREATE ROLE \"migrator_temp\" LOGIN;\n",
        ),
        (
            "scripts/creds.sh",
            "aws iam create-access-key --user-name upgrade-bot\nvault token create -ttl=2h -policy=upgrade\nkubectl -n acme create token upgrader\n",
        ),
    ]);
    assert_eq!(
        rows(&out),
        [
            ("config.ephemeral-credential", Some(1), "Temporary credential `TMP_DB_PASSWORD`", Severity::Low),
            ("config.ephemeral-credential", Some(2), "Temporary credential `TEMP_API_TOKEN`", Severity::Low),
            ("config.ephemeral-credential", Some(5), "Credential `UPGRADE_TOKEN` marked to be revoked or to expire", Severity::Low),
            ("config.ephemeral-credential", Some(1), "Creates temporary database user `upgrade_tmp`", Severity::Low),
            ("config.ephemeral-credential", Some(3), "Creates temporary database user `migrator_temp`", Severity::Low),
            ("config.ephemeral-credential", Some(1), "Creates a temporary credential: `aws iam create-access-key` (--user-name upgrade-bot)", Severity::Low),
            ("config.ephemeral-credential", Some(2), "Creates a temporary credential: `vault token create` (-ttl 2h)", Severity::Low),
            ("config.ephemeral-credential", Some(3), "Creates a temporary credential: `kubectl -n acme create token`", Severity::Low),
        ]
    );
    assert!(out.iter().all(|f| !f.title.contains("Hunter22x")));
}

#[test]
fn temporary_jobs() {
    let out = run(&[
        ("etc/cron.d/acme-reindex-once", "30 2 * * * root /opt/acme/bin/reindex\n"),
        (
            "etc/cron.d/acme-backfill",
            "# Temporary job: remove after the upgrade\n0 * * * * acme /opt/acme/bin/backfill\n",
        ),
        ("scripts/cleanup.sh", "#!/bin/sh\n# create a temporary directory\nmktemp -d\n"),
        (
            "k8s/hooks.yaml",
            "apiVersion: batch/v1\nkind: Job\nmetadata:\n  name: acme-db-migrate\n  annotations:\n    \"helm.sh/hook\": pre-upgrade,post-install\n    \"helm.sh/hook-weight\": \"1\"\n---\napiVersion: batch/v1\nkind: Job\nmetadata:\n  name: acme-post-upgrade\n  annotations:\n    helm.sh/hook: post-upgrade\n    helm.sh/hook-delete-policy: hook-succeeded\n---\nkind: Job\nmetadata:\n  name: acme-upgrade-check\nspec:\n  template: {}\n---\nkind: Job\nmetadata:\n  name: nightly-report\n",
        ),
    ]);
    assert_eq!(
        rows(&out),
        [
            (
                "config.temporary-job",
                None,
                "Temporary job `acme-reindex-once`",
                Severity::Low
            ),
            (
                "config.temporary-job",
                Some(1),
                "Temporary job `acme-backfill` (marked \u{201c}temporary job\u{201d})",
                Severity::Low
            ),
            (
                "config.temporary-job",
                Some(2),
                "Helm hook `Job/acme-db-migrate` (pre-upgrade,post-install) is never deleted",
                Severity::Low
            ),
            (
                "config.temporary-job",
                Some(17),
                "Upgrade Job `Job/acme-upgrade-check` stays in the cluster",
                Severity::Low
            ),
        ]
    );
}

#[test]
fn downtime_claims_in_documentation_only() {
    let out = run(&[
        (
            "README.md",
            "# Acme\nThe upgrade needs a five-minute downtime.\nExpect a downtime of about 10 minutes for large sites.\nPlan 5 min downtime.\nRolling mode: zero downtime.\nThe upgrade requires a restart of the service.\nOr 1-2 hours of downtime with the archive.\n",
        ),
        ("UPGRADE.txt", "Downtime: 90 seconds.\n"),
        ("conf/app.properties", "# five-minute downtime\n"),
    ]);
    assert_eq!(
        rows(&out),
        [
            (
                "config.claimed-downtime",
                Some(2),
                "Documentation claims about 5 minutes of downtime",
                Severity::Info
            ),
            (
                "config.claimed-downtime",
                Some(3),
                "Documentation claims about 10 minutes of downtime",
                Severity::Info
            ),
            (
                "config.claimed-downtime",
                Some(5),
                "Documentation claims no downtime (0 minutes)",
                Severity::Info
            ),
            (
                "config.claimed-downtime",
                Some(6),
                "Documentation says the upgrade requires a restart (minutes not stated)",
                Severity::Info
            ),
            (
                "config.claimed-downtime",
                Some(7),
                "Documentation claims 60 to 120 minutes of downtime",
                Severity::Info
            ),
            (
                "config.claimed-downtime",
                Some(1),
                "Documentation claims about 2 minutes of downtime",
                Severity::Info
            ),
        ]
    );
    // "5 min downtime" is the same claim as line 2: one finding per claim.
    assert_eq!(
        out.first().map(|f| f.evidence.as_str()),
        Some("The upgrade needs a five-minute downtime.")
    );
}

#[test]
fn hostile_input_is_bounded() {
    let long = "feature.x=true # temporary ".repeat(10_000);
    let many: String = (0..5_000)
        .map(|i| format!("feature.f{i}=true # temporary\n"))
        .collect();
    let odd = "\u{202e}features:\n\t- : :\n{{{{\n}}}}]]]\n\"helm.sh/hook\"\nkind:\n---\n---\n";
    let out = run(&[
        ("a.properties", &long),
        ("b.properties", &many),
        ("c.yaml", odd),
        (
            "README",
            "downtime 99999999999 minutes\n9999 hours of downtime\n",
        ),
    ]);
    assert!(out.len() <= MAX_PER_FILE * 4, "{}", out.len());
    assert_eq!(
        out.iter().filter(|f| f.path == "b.properties").count(),
        MAX_PER_FILE
    );
}

#[test]
fn gates_pass_every_text_a_reader_can_report_from() {
    // Each reader's gate is true on the texts its tests report from, false on plain prose.
    assert!(super::downtime::possible(
        "Expect about 5 minutes of downtime."
    ));
    assert!(super::downtime::possible("The upgrade requires a restart."));
    assert!(!super::downtime::possible("Install the package and enjoy."));
    assert!(super::webhook::commands_possible(
        "curl -X POST https://api.example.org/webhooks -d @hook.json"
    ));
    assert!(!super::webhook::commands_possible(
        "curl -s https://api.example.org/status"
    ));
    assert!(super::ephemeral::commands_possible(
        "aws iam create-access-key --user-name tmp"
    ));
    assert!(super::ephemeral::commands_possible(
        "CREATE USER tmp_migrator WITH PASSWORD 'x';"
    ));
    assert!(!super::ephemeral::commands_possible(
        "create the table first"
    ));
    assert!(super::jobs::may_match(
        "etc/cron.d/reindex-once",
        "15 4 * * * root /x\n"
    ));
    assert!(super::jobs::may_match(
        "chart/templates/job.yaml",
        "kind: Job\nmetadata:\n  annotations:\n    helm.sh/hook: pre-upgrade\n"
    ));
    assert!(!super::jobs::may_match(
        "lib/util.py",
        "def f():\n    return 1\n"
    ));
    assert!(!super::jobs::may_match(
        "docs/guide.txt",
        "remove after the upgrade"
    ));
}

#[test]
fn library_code_and_manuals_are_not_jobs_or_flags() {
    // Seen in real wheels and Debian packages: none of these is a temporary job, a flag or a
    // credential the upgrade leaves behind.
    let out = run(&[
        (
            "celery/concurrency/prefork.py",
            "def f():\n    # run once per process.\n    pass\n",
        ),
        (
            "django/core/files/temp.py",
            "\"\"\"Temporary files.\"\"\"\n",
        ),
        (
            "ansible/modules/service.py",
            "startup_enabled = (enabled and not temporary)\ntemp_dict[key] = value  # expires\n",
        ),
        (
            "usr/share/man/man5/crontab.5.gz",
            "# Run once every 9th day, even across week boundaries:\n",
        ),
    ]);
    assert!(out.is_empty(), "{out:#?}");
    // A script with a `#!` line and a cron file still are.
    let out = run(&[
        (
            "opt/acme/bin/backfill.py",
            "#!/usr/bin/env python3\n# one-off: remove after the upgrade\n",
        ),
        (
            "etc/cron.d/acme-reindex-once",
            "15 4 * * * root /opt/acme/bin/reindex\n",
        ),
    ]);
    assert_eq!(out.len(), 2, "{out:#?}");
}

#[test]
fn texts_it_does_not_want_give_nothing() -> Result<(), Box<dyn std::error::Error>> {
    // The scan hands this detector only the texts it wants; the ones it turns down must give
    // nothing when handed over anyway.
    let quiet: &[(&str, &str)] = &[
        (
            "usr/share/doc/acme/README.md",
            "Install the package and enjoy.\n",
        ),
        (
            "lib/acme/util.py",
            "def f(key):\n    return {\"a\": 1}[key]\n",
        ),
        (
            "etc/acme/app.properties",
            "server.port=8080\ncache.size=10\n",
        ),
        (
            "bin/acme.sh",
            "#!/bin/sh\ncurl -s https://api.example.org/status\n",
        ),
        (
            "usr/share/man/man1/acme.1",
            ".TH ACME 1\nacme \\- does things\n",
        ),
    ];
    let d = Cleanup::new(&Profile::default());
    for (path, text) in quiet {
        let e = entry(path, text);
        assert!(!d.wants_text(&e, text), "{path}");
    }
    assert!(run(quiet).is_empty());
    // Whole scans with and without the filter agree (a wanted text among them too).
    let wanted = ("docs/UPGRADE.md", "Expect about 5 minutes of downtime.\n");
    let mut all: Vec<(&str, &str)> = quiet.to_vec();
    all.push(wanted);
    let package = {
        use std::io::Write;
        let mut w = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
        for (path, text) in &all {
            w.start_file(*path, zip::write::SimpleFileOptions::default())?;
            w.write_all(text.as_bytes())?;
        }
        w.finish()?.into_inner()
    };
    let profile = Profile::default();
    let input = crate::ScanInput {
        name: "p.zip",
        profile: &profile,
        now: "2026-11-26T00:00:00Z".parse()?,
    };
    let filtered = crate::scan(std::io::Cursor::new(&package), &input, &mut crate::NoSink)?;
    let unfiltered =
        crate::scan_unfiltered(std::io::Cursor::new(&package), &input, &mut crate::NoSink)?;
    assert_eq!(filtered.findings, unfiltered.findings);
    assert!(filtered
        .findings
        .iter()
        .any(|f| f.rule == crate::rules::cleanup::CLAIMED_DOWNTIME.id));
    Ok(())
}
