//! The generated checklist through the whole scanner, and each cleanup rule in realistic
//! files. The package below has something for every checklist step the scanner's own findings
//! lead to; steps from the config and inventory findings are also unit-tested on hand-built
//! findings in `src/checklist/tests.rs`.

use crate::common::*;
use scanner_core::{ChecklistItem, Profile, Report, Severity};

const PROFILE: &str = r#"timezone = "Europe/Berlin"
retired_hosts = ["sftp-legacy.example.net"]

[maintenance_window]
start = "2026-11-28T02:00:00+01:00"
end = "2026-11-28T05:00:00+01:00"

[target_versions]
acme-api = "5.2.0"
kubernetes = "1.30.0"

[installed]
acme-suite = "2.1.4"

[[deprecations]]
component = "acme-api"
key = "cache.redis.*"
deprecated_in = "5.0.0"
removed_in = "5.2.0"
replacement = "cache.store.redis.*"

[[upgrade_paths]]
component = "acme-suite"
from = "2.2"
to = "3.0"
"#;

const PACKAGE: &str = r#"
//- /README.md
# Acme Suite 3.0
The upgrade needs a five-minute downtime.
//- /etc/cron.d/acme-import
30 2 * * * acme /opt/acme/bin/import.sh
//- /opt/acme/bin/import.sh
#!/bin/sh
sftp -b batch.txt acme@sftp-legacy.example.net
//- /db/migration/V3__orders_total.sql
ALTER TABLE orders ALTER COLUMN total TYPE numeric(12,2);
CREATE INDEX orders_total_idx ON orders (total);
//- /db/migration/V4__drop_prefs.sql
DROP TABLE user_prefs;
//- /debian/postinst
#!/bin/sh
set -e
systemctl restart acme-importer.service
//- /lib/systemd/system/acme-import.service
[Service]
ExecStart=/opt/acme/bin/import
//- /conf/application.yaml
cache:
  redis:
    host: cache01.internal
features:
  # temporary: remove once every node runs 3.0
  dual_write: true
notify:
  webhook_url: https://hooks.partner.example/acme/T0/B0/abcdefghijkl
//- /scripts/post-upgrade.sh
#!/bin/sh
curl -sf -X POST https://api.partner.example/v2/webhooks -d @hook.json
aws iam create-access-key --user-name acme-upgrade
//- /etc/upgrade.env
TMP_DB_PASSWORD=Vx9qLr2Tz8Wm
//- /etc/cron.d/acme-reindex-once
15 4 * * * root /opt/acme/bin/reindex
//- /opt/acme-suite/VERSION
3.0.0
"#;

fn profile() -> Profile {
    let p = Profile::from_toml(PROFILE);
    assert!(p.is_ok(), "{p:?}");
    p.unwrap_or_default()
}

fn report() -> Report {
    scan_with(&fixture(PACKAGE), &profile())
}

/// The ids of the findings of `rule` at `path`.
fn ids(r: &Report, rule: &str, path: &str) -> Vec<String> {
    r.findings
        .iter()
        .filter(|f| f.rule == rule && f.path == path)
        .map(|f| f.id.clone())
        .collect()
}

/// The one step whose text starts with `start`.
fn step<'r>(r: &'r Report, start: &str) -> &'r ChecklistItem {
    let found: Vec<&ChecklistItem> = r
        .checklist
        .iter()
        .filter(|i| i.text.starts_with(start))
        .collect();
    assert_eq!(found.len(), 1, "{start}\n{:#?}", r.checklist);
    found[0]
}

fn links(item: &ChecklistItem, want: &[String]) {
    for id in want {
        assert!(item.findings.contains(id), "{id} not in {item:#?}");
    }
}

case! {
    fn every_phase_and_kind() {
        let r = report();
        let phases: Vec<&str> = r.checklist.iter().map(|i| i.phase.as_str()).collect();
        let mut sorted = phases.clone();
        sorted.sort_by_key(|p| ["preflight", "cleanup", "rollback"].iter().position(|x| x == p));
        assert_eq!(phases, sorted);

        let job = step(&r, "Disable or move the scheduled task in etc/cron.d/acme-import:1");
        assert!(job.text.contains("fires inside the maintenance window (At 02:30"), "{}", job.text);
        assert!(job.text.ends_with("runs opt/acme/bin/import.sh, which talks to retired host sftp-legacy.example.net (opt/acme/bin/import.sh:2)."), "{}", job.text);
        links(job, &ids(&r, "schedule.cron", "etc/cron.d/acme-import"));
        links(job, &ids(&r, "endpoint.retired-host", "opt/acme/bin/import.sh"));

        let host = step(&r, "Point opt/acme/bin/import.sh:2 at the host that replaced retired host sftp-legacy.example.net");
        links(host, &ids(&r, "endpoint.retired-host", "opt/acme/bin/import.sh"));

        let lock = step(&r, "Back up the database and schedule db/migration/V3__orders_total.sql inside the window");
        assert!(lock.text.contains("(ACCESS EXCLUSIVE)") && lock.text.contains("(SHARE)"), "{}", lock.text);
        links(lock, &ids(&r, "migration.file", "db/migration/V3__orders_total.sql"));

        let claim = step(&r, "Check the claimed downtime, about 5 minutes of downtime (README.md:2)");
        links(claim, &ids(&r, "config.claimed-downtime", "README.md"));
        assert!(claim.text.contains("V3__orders_total.sql:1 ALTER TABLE orders"), "{}", claim.text);

        let unit = step(&r, "Replace unit `acme-importer.service` with `acme-import.service`");
        assert!(unit.text.contains("debian/postinst:3"), "{}", unit.text);
        let back = step(&r, "Configuration rollback: restore unit `acme-importer.service`");
        assert_eq!(unit.findings, back.findings);

        let flags = step(&r, "Once the upgrade is confirmed, remove or flip to their final value the temporary feature flags in conf/application.yaml");
        assert!(flags.text.contains("`features.dual_write` (line 6)"), "{}", flags.text);
        let hooks = step(&r, "Deregister the webhooks registered through scripts/post-upgrade.sh");
        assert!(hooks.text.contains("api.partner.example (POST …/webhooks) (line 2)"), "{}", hooks.text);
        step(&r, "Deregister the webhooks registered through conf/application.yaml");
        let creds = step(&r, "Revoke the temporary credentials created or set in scripts/post-upgrade.sh");
        assert!(creds.text.contains("aws iam create-access-key` (--user-name acme-upgrade)"), "{}", creds.text);
        step(&r, "Revoke the temporary credentials created or set in etc/upgrade.env");
        step(&r, "Remove or disable the temporary jobs of etc/cron.d/acme-reindex-once");
        let rotate = step(&r, "Rotate the credentials the package carries in etc/upgrade.env");
        assert!(r.checklist.iter().all(|i| !i.text.contains("Vx9qLr2Tz8Wm") && !i.text.contains("abcdefghijkl")));
        // Cleanup findings quote the key and host, never the value (other detectors mask their own).
        assert!(r
            .findings
            .iter()
            .filter(|f| f.rule.starts_with("config."))
            .all(|f| !f.evidence.contains("Vx9qLr2Tz8Wm") && !f.evidence.contains("abcdefghijkl")));
        assert_eq!(rotate.phase, "cleanup");

        step(&r, "Data rollback for db/migration/V3__orders_total.sql: it has no down step");
        let drop = step(&r, "Data rollback for db/migration/V4__drop_prefs.sql: it deletes data going forward (line 1: DROP TABLE user_prefs)");
        assert_eq!(drop.phase, "rollback");
        step(&r, "Keep the package of the version running today (acme-suite 2.1.4)");

        // Config and inventory steps.
        step(&r, "Fix the removed or deprecated keys in conf/application.yaml");
        step(&r, "Configuration rollback: keep a copy of the current conf/application.yaml");
        let gap = step(&r, "Close the upgrade-path gap for");
        assert!(gap.text.contains("2.1.4"), "{}", gap.text);
        // Every step links findings that exist, except the ones about the whole upgrade.
        for i in &r.checklist {
            assert!(i.findings.iter().all(|id| r.findings.iter().any(|f| &f.id == id)));
        }
    }
}

case! {
    fn ids_are_stable() {
        let a = report();
        let b = report();
        let ids_a: Vec<&str> = a.checklist.iter().map(|i| i.id.as_str()).collect();
        let ids_b: Vec<&str> = b.checklist.iter().map(|i| i.id.as_str()).collect();
        assert_eq!(ids_a, ids_b);
        assert!(ids_a.iter().all(|i| i.len() == 16));
        let mut dedup = ids_a.clone();
        dedup.sort_unstable();
        dedup.dedup();
        assert_eq!(dedup.len(), ids_a.len());
    }
}

case! {
    fn without_a_claim_agree_on_the_downtime() {
        let r = scan_bytes(&fixture(
            "//- /db/migration/V9__rename.sql\nALTER TABLE a RENAME TO b;\n",
        ));
        let agree = step(&r, "Agree on the downtime with the vendor and the service owners: the documentation states none, and the migrations take blocking locks: db/migration/V9__rename.sql:1");
        assert_eq!(agree.phase, "preflight");
    }
}

/// `severity rule path:line title` of the cleanup findings.
fn cleanup_lines(r: &Report) -> Vec<String> {
    r.findings
        .iter()
        .filter(|f| {
            [
                "config.temporary-flag",
                "config.webhook-registration",
                "config.ephemeral-credential",
                "config.temporary-job",
                "config.claimed-downtime",
            ]
            .contains(&f.rule.as_str())
        })
        .map(|f| {
            format!(
                "{} {} {}:{} {}",
                f.severity,
                f.rule,
                f.path,
                f.line.map(|l| l.to_string()).unwrap_or_default(),
                f.title
            )
        })
        .collect()
}

fn sorted(mut v: Vec<String>) -> Vec<String> {
    v.sort();
    v
}

case! {
    fn temporary_flags() {
        let r = scan_bytes(&fixture(
            "//- /conf/app.properties\n# TODO remove after the rollout\nfeature.new-billing=true\nmetrics.enabled=true\nFF_SHADOW_READS=1 # migration toggle\n",
        ));
        assert_eq!(
            sorted(cleanup_lines(&r)),
            [
                "low config.temporary-flag conf/app.properties:2 Temporary feature flag `feature.new-billing`",
                "low config.temporary-flag conf/app.properties:4 Temporary feature flag `FF_SHADOW_READS`",
            ]
        );
    }
}

case! {
    fn webhook_registrations() {
        let r = scan_bytes(&fixture(
            "//- /scripts/register.ps1\nInvoke-RestMethod -Uri https://crm.example.net/api/subscriptions -Method Post -Body $b\n//- /conf/app.env\nORDER_WEBHOOK_URL=https://hooks.example.org/T1/B2/secretpart\n",
        ));
        assert_eq!(
            sorted(cleanup_lines(&r)),
            [
                "low config.webhook-registration conf/app.env:1 Webhook URL in `ORDER_WEBHOOK_URL` (hooks.example.org)",
                "low config.webhook-registration scripts/register.ps1:1 Registers a webhook with crm.example.net (POST …/subscriptions)",
            ]
        );
    }
}

case! {
    fn ephemeral_credentials() {
        let r = scan_bytes(&fixture(
            "//- /db/upgrade/001_users.sql\nCREATE USER tmp_migrator WITH PASSWORD 'Zq8vX2mN4pLr';\n//- /scripts/token.sh\nvault token create -ttl=1h -policy=upgrade\nkubectl create token acme-upgrader\n",
        ));
        let got = sorted(cleanup_lines(&r));
        assert_eq!(
            got,
            [
                "low config.ephemeral-credential db/upgrade/001_users.sql:1 Creates temporary database user `tmp_migrator`",
                "low config.ephemeral-credential scripts/token.sh:1 Creates a temporary credential: `vault token create` (-ttl 1h)",
                "low config.ephemeral-credential scripts/token.sh:2 Creates a temporary credential: `kubectl create token`",
            ]
        );
        assert!(r.findings.iter().all(|f| !f.evidence.contains("Zq8vX2mN4pLr") || f.rule.starts_with("credential.")));
    }
}

case! {
    fn temporary_jobs() {
        let r = scan_bytes(&fixture(
            "//- /chart/templates/migrate-job.yaml\napiVersion: batch/v1\nkind: Job\nmetadata:\n  name: acme-migrate\n  annotations:\n    \"helm.sh/hook\": pre-upgrade\nspec: {}\n//- /etc/cron.d/acme-backfill\n# one-off: remove after the upgrade\n0 * * * * acme /opt/acme/bin/backfill\n",
        ));
        assert_eq!(
            sorted(cleanup_lines(&r)),
            [
                "low config.temporary-job chart/templates/migrate-job.yaml:2 Helm hook `Job/acme-migrate` (pre-upgrade) is never deleted",
                "low config.temporary-job etc/cron.d/acme-backfill:1 Temporary job `acme-backfill` (marked \u{201c}one-off\u{201d})",
            ]
        );
    }
}

case! {
    fn claimed_downtime() {
        let r = scan_bytes(&fixture(
            "//- /docs/UPGRADE.md\nExpect a downtime of about 10 minutes.\n//- /RELEASE-NOTES.txt\nThis release supports zero-downtime upgrades.\n",
        ));
        assert_eq!(
            sorted(cleanup_lines(&r)),
            [
                "info config.claimed-downtime RELEASE-NOTES.txt:1 Documentation claims no downtime (0 minutes)",
                "info config.claimed-downtime docs/UPGRADE.md:1 Documentation claims about 10 minutes of downtime",
            ]
        );
        let f = r.findings.iter().find(|f| f.rule == "config.claimed-downtime" && f.path == "docs/UPGRADE.md");
        assert_eq!(f.map(|f| (f.evidence.as_str(), f.severity)), Some(("Expect a downtime of about 10 minutes.", Severity::Info)));
    }
}
