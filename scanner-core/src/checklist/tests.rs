//! Unit tests of the checklist generator, on hand-built findings.

use super::*;
use crate::report::{
    CertificateInfo, ConfigInfo, CredentialInfo, EndpointInfo, InventoryInfo, MigrationInfo,
    ScheduleInfo, UnitInfo,
};

/// A finding with only what every finding has.
fn finding(
    id: &str,
    rule: &str,
    severity: Severity,
    path: &str,
    line: Option<u32>,
    title: &str,
) -> Finding {
    let category = crate::rules::get(rule).map(|r| r.category).unwrap_or(
        match rule.split('.').next().unwrap_or("") {
            "inventory" => Category::Inventory,
            _ => Category::Config,
        },
    );
    Finding {
        id: id.to_string(),
        category,
        rule: rule.to_string(),
        severity,
        title: title.to_string(),
        path: path.to_string(),
        line,
        evidence: String::new(),
        related: Vec::new(),
        schedule: None,
        endpoint: None,
        credential: None,
        migration: None,
        unit: None,
        certificate: None,
        config: None,
        inventory: None,
    }
}

fn schedule(window: &str, entry: &str) -> ScheduleInfo {
    ScheduleInfo {
        kind: "cron".into(),
        expression: "0 3 * * *".into(),
        timezone: None,
        description: "At 03:00, every day (Europe/Berlin)".into(),
        command: Some(format!("/{entry}")),
        user: Some("root".into()),
        next_runs: Vec::new(),
        window: Some(window.into()),
        window_runs: Vec::new(),
        week_runs: Vec::new(),
        enabled: true,
        entry: Some(entry.into()),
        sources: Vec::new(),
    }
}

fn endpoint(host: &str, retired: bool) -> EndpointInfo {
    EndpointInfo {
        url: format!("sftp://{host}/in"),
        scheme: "sftp".into(),
        host: host.into(),
        port: Some(22),
        class: "runtime".into(),
        retired,
    }
}

fn lock(statement: &str, lock: &str) -> MigrationInfo {
    let mut m = MigrationInfo::new("flyway", "postgresql", "up");
    m.statement = Some(statement.into());
    m.lock = Some(lock.into());
    m
}

fn unit(name: &str, suggestion: Option<&str>) -> UnitInfo {
    UnitInfo {
        name: name.into(),
        shipped: false,
        kind: "service".into(),
        template: None,
        shipped_at: Vec::new(),
        aliases: Vec::new(),
        referenced_by: Vec::new(),
        reference_count: 0,
        directive: Some("systemctl restart".into()),
        suggestion: suggestion.map(str::to_string),
    }
}

/// A package with something of every kind.
fn everything() -> Vec<Finding> {
    let mut v = Vec::new();
    let mut job = finding(
        "job1",
        "schedule.cron",
        Severity::Critical,
        "etc/cron.d/import",
        Some(2),
        "Scheduled task",
    );
    job.schedule = Some(schedule("always", "opt/acme/bin/import.sh"));
    job.related = vec!["ep1".into()];
    v.push(job);
    let mut ep = finding(
        "ep1",
        "endpoint.retired-host",
        Severity::Critical,
        "opt/acme/bin/import.sh",
        Some(4),
        "Connects to a retired host",
    );
    ep.endpoint = Some(endpoint("sftp-legacy.example.net", true));
    ep.related = vec!["job1".into()];
    v.push(ep);
    let mut ep2 = finding(
        "ep2",
        "endpoint.retired-host",
        Severity::Critical,
        "conf/app.properties",
        Some(9),
        "Connects to a retired host",
    );
    ep2.endpoint = Some(endpoint("sftp-legacy.example.net", true));
    v.push(ep2);
    let mut quiet = finding(
        "job2",
        "schedule.cron",
        Severity::Low,
        "etc/cron.d/report",
        Some(1),
        "Scheduled task",
    );
    quiet.schedule = Some(schedule("never", "opt/acme/bin/report.sh"));
    v.push(quiet);
    let mut l1 = finding(
        "lk1",
        "migration.table-rewrite",
        Severity::High,
        "db/V3__orders.sql",
        Some(4),
        "Table rewritten",
    );
    l1.migration = Some(lock(
        "ALTER TABLE orders ALTER COLUMN total TYPE numeric",
        "ACCESS EXCLUSIVE",
    ));
    v.push(l1);
    let mut l2 = finding(
        "lk2",
        "migration.index-lock",
        Severity::High,
        "db/V3__orders.sql",
        Some(7),
        "Index built",
    );
    l2.migration = Some(lock("CREATE INDEX orders_total ON orders (total)", "SHARE"));
    v.push(l2);
    let mut file = finding(
        "mf1",
        "migration.file",
        Severity::Info,
        "db/V3__orders.sql",
        None,
        "Database migration file",
    );
    file.migration = Some(MigrationInfo::new("flyway", "postgresql", "up"));
    v.push(file);
    v.push(finding(
        "mr1",
        "migration.missing-rollback",
        Severity::Low,
        "db/V3__orders.sql",
        None,
        "Migration cannot be rolled back",
    ));
    let mut dr = finding(
        "dr1",
        "migration.destructive-rollback",
        Severity::Medium,
        "db/U4__users.sql",
        Some(2),
        "Rollback deletes data",
    );
    dr.migration = Some(lock("DROP TABLE user_prefs", "ACCESS EXCLUSIVE"));
    if let Some(m) = dr.migration.as_mut() {
        m.lock = None;
    }
    v.push(dr);
    let mut cert = finding(
        "ce1",
        "certificate.expired",
        Severity::High,
        "certs/app.pem",
        None,
        "Certificate has expired",
    );
    cert.certificate = Some(CertificateInfo {
        subject: "CN=app.example.test".into(),
        not_after: Some("2026-01-01T00:00:00Z".into()),
        ..CertificateInfo::default()
    });
    v.push(cert);
    let mut inv = finding(
        "ci1",
        "certificate.inventory",
        Severity::Info,
        "certs/app.pem",
        None,
        "Certificate in the package",
    );
    inv.certificate = Some(CertificateInfo::default());
    v.push(inv);
    let mut key = finding(
        "ck1",
        "config.removed-key",
        Severity::High,
        "conf/app.yaml",
        Some(3),
        "Key removed in acme-api 5.2.0; use cache.store.redis.host",
    );
    key.config = Some(ConfigInfo {
        key: "cache.redis.host".into(),
        component: "acme-api".into(),
        status: "removed".into(),
        removed_in: Some("5.2.0".into()),
        replacement: Some("cache.store.redis.host".into()),
        ..ConfigInfo::default()
    });
    v.push(key);
    let mut gap = finding(
        "ig1",
        "inventory.no-upgrade-path",
        Severity::High,
        "",
        None,
        "No supported upgrade path from 2.1.4 to 3.0.0",
    );
    let mut gi = InventoryInfo::new("acme-suite", "3.0.0", "version-file", "package");
    gi.installed = Some("2.1.4".into());
    gi.missing = vec!["2.1 → 2.2".into()];
    gap.inventory = Some(gi);
    v.push(gap);
    let mut u = finding(
        "um1",
        "unit.missing",
        Severity::High,
        "scripts/postinst",
        Some(12),
        "Refers to a unit that is not there",
    );
    u.unit = Some(unit("acme-worker.service", Some("acme-jobs.service")));
    v.push(u);
    let mut u2 = finding(
        "um2",
        "unit.missing",
        Severity::High,
        "scripts/prerm",
        Some(3),
        "Refers to a unit that is not there",
    );
    u2.unit = Some(unit("acme-worker.service", Some("acme-jobs.service")));
    v.push(u2);
    v.push(finding(
        "cd1",
        "config.claimed-downtime",
        Severity::Info,
        "README.md",
        Some(5),
        "Documentation claims about 5 minutes of downtime",
    ));
    v.push(finding(
        "tf1",
        "config.temporary-flag",
        Severity::Low,
        "conf/features.yaml",
        Some(3),
        "Temporary feature flag `features.dual_write`",
    ));
    v.push(finding(
        "tf2",
        "config.temporary-flag",
        Severity::Info,
        "conf/features.yaml",
        Some(4),
        "Feature flag `features.new_ui` set by the package",
    ));
    v.push(finding(
        "wh1",
        "config.webhook-registration",
        Severity::Low,
        "scripts/post-upgrade.sh",
        Some(3),
        "Registers a webhook with hooks.partner.example (POST …/webhooks)",
    ));
    v.push(finding(
        "ec1",
        "config.ephemeral-credential",
        Severity::Low,
        "etc/upgrade.env",
        Some(1),
        "Temporary credential `TMP_DB_PASSWORD`",
    ));
    v.push(finding(
        "tj1",
        "config.temporary-job",
        Severity::Low,
        "etc/cron.d/acme-reindex-once",
        None,
        "Temporary job `acme-reindex-once`",
    ));
    let mut cr = finding(
        "cr1",
        "credential.generic",
        Severity::High,
        "etc/upgrade.env",
        Some(1),
        "Password or secret assigned in clear text",
    );
    cr.credential = Some(CredentialInfo {
        kind: "password".into(),
        redacted: "Hu******* (9)".into(),
    });
    v.push(cr);
    v.sort_by(crate::report::finding_order);
    v
}

fn profile() -> Profile {
    Profile::from_toml("[installed]\nacme-suite = \"2.1.4\"\n").unwrap_or_default()
}

fn texts(items: &[ChecklistItem]) -> Vec<(String, String, Vec<String>)> {
    items
        .iter()
        .map(|i| (i.phase.clone(), i.text.clone(), i.findings.clone()))
        .collect()
}

fn ids(v: &[&str]) -> Vec<String> {
    v.iter().map(|s| s.to_string()).collect()
}

#[test]
fn every_kind_with_texts_and_links() {
    let items = checklist(&everything(), &profile());
    let got = texts(&items);
    let want: Vec<(String, String, Vec<String>)> = [
        ("preflight", "Disable or move the scheduled task in etc/cron.d/import:2 for the window: it fires inside the maintenance window (At 03:00, every day) and runs opt/acme/bin/import.sh, which talks to retired host sftp-legacy.example.net (opt/acme/bin/import.sh:4).", vec!["job1", "ep1"]),
        ("preflight", "Point conf/app.properties:9 and opt/acme/bin/import.sh:4 at the host that replaced retired host sftp-legacy.example.net (or remove the integration) before the window.", vec!["ep2", "ep1"]),
        ("preflight", "Back up the database and schedule db/V3__orders.sql inside the window: it takes blocking locks: db/V3__orders.sql:4 ALTER TABLE orders ALTER COLUMN total TYPE numeric (ACCESS EXCLUSIVE) and db/V3__orders.sql:7 CREATE INDEX orders_total ON orders (total) (SHARE). Time it on a copy of production data.", vec!["lk1", "lk2", "mf1"]),
        ("preflight", "Install or renew certificates in certs/app.pem before the window: renew CN=app.example.test (expired 2026-01-01T00:00:00Z).", vec!["ce1"]),
        ("preflight", "Fix the removed or deprecated keys in conf/app.yaml before the upgrade: `cache.redis.host` (line 3): removed in acme-api 5.2.0, use `cache.store.redis.host`.", vec!["ck1"]),
        ("preflight", "Close the upgrade-path gap for `acme-suite` before the window (install the intermediate releases first, or get the vendor's supported path): no supported upgrade path from 2.1.4 to 3.0.0 (installed 2.1.4, package 3.0.0, missing hop 2.1 → 2.2).", vec!["ig1"]),
        ("preflight", "Replace unit `acme-worker.service` with `acme-jobs.service` (the name the package now ships) in scripts/postinst:12 and scripts/prerm:3.", vec!["um1", "um2"]),
        ("preflight", "Check the claimed downtime, about 5 minutes of downtime (README.md:5): it assumes the migrations finish within it, but they take blocking locks: db/V3__orders.sql:4 ALTER TABLE orders ALTER COLUMN total TYPE numeric (ACCESS EXCLUSIVE) and db/V3__orders.sql:7 CREATE INDEX orders_total ON orders (total) (SHARE). Time them on a copy of production data.", vec!["cd1", "lk1", "lk2"]),
        ("cleanup", "Rotate the credentials the package carries in etc/upgrade.env (password at line 1) and move them to the secret store: they have been disclosed with the package.", vec!["cr1"]),
        ("cleanup", "Once the upgrade is confirmed, remove or flip to their final value the temporary feature flags in conf/features.yaml: temporary feature flag `features.dual_write` (line 3).", vec!["tf1"]),
        ("cleanup", "Deregister the webhooks registered through scripts/post-upgrade.sh once the upgrade is done, and before a rollback: registers a webhook with hooks.partner.example (POST …/webhooks) (line 3).", vec!["wh1"]),
        ("cleanup", "Revoke the temporary credentials created or set in etc/upgrade.env after the upgrade: temporary credential `TMP_DB_PASSWORD` (line 1).", vec!["ec1"]),
        ("cleanup", "Remove or disable the temporary jobs of etc/cron.d/acme-reindex-once after the upgrade: temporary job `acme-reindex-once`.", vec!["tj1"]),
        ("rollback", "Configuration rollback: keep a copy of the current conf/app.yaml; a rollback puts back its changed keys: `cache.redis.host`.", vec!["ck1"]),
        ("rollback", "Configuration rollback: restore unit `acme-worker.service` (the new version ships `acme-jobs.service` instead), re-enable it and disable `acme-jobs.service`.", vec!["um1", "um2"]),
        ("rollback", "Keep the package of the version running today (acme-suite 2.1.4), with its configuration, so a rollback can reinstall it.", vec!["ig1"]),
        ("rollback", "Data rollback for db/U4__users.sql: its rollback deletes data (line 2: DROP TABLE user_prefs); export those tables before rolling back, or restore from backup instead.", vec!["dr1"]),
        ("rollback", "Data rollback for db/V3__orders.sql: it has no down step, so undoing it means restoring from the backup taken before the window; take and verify that backup.", vec!["mr1"]),
        ("rollback", "Configuration rollback: keep a copy of the certificates and key stores the package replaces (certs/app.pem) so a rollback can put the current ones back.", vec!["ci1"]),
    ]
    .into_iter()
    .map(|(p, t, f)| (p.to_string(), t.to_string(), ids(&f)))
    .collect();
    for (g, w) in got.iter().zip(&want) {
        assert_eq!(g, w);
    }
    assert_eq!(got.len(), want.len(), "{got:#?}");
}

#[test]
fn ids_are_stable_unique_and_hex() {
    let a = checklist(&everything(), &profile());
    let b = checklist(&everything(), &profile());
    assert_eq!(a, b);
    let mut seen = HashSet::new();
    for i in &a {
        assert_eq!(i.id.len(), 16);
        assert!(i.id.bytes().all(|c| c.is_ascii_hexdigit()));
        assert!(seen.insert(i.id.clone()));
    }
    // Ids depend on the finding set, not on the text or the order.
    let mut shuffled = everything();
    shuffled.reverse();
    let c = checklist(&shuffled, &profile());
    let mut x: Vec<&str> = a.iter().map(|i| i.id.as_str()).collect();
    let mut y: Vec<&str> = c.iter().map(|i| i.id.as_str()).collect();
    x.sort_unstable();
    y.sort_unstable();
    assert_eq!(x, y);
}

#[test]
fn no_claim_asks_to_agree_and_claims_without_locks_say_nothing() {
    let claim = finding(
        "cd1",
        "config.claimed-downtime",
        Severity::Info,
        "README.md",
        Some(5),
        "Documentation claims no downtime (0 minutes)",
    );
    let items = checklist(std::slice::from_ref(&claim), &Profile::default());
    assert!(
        items.iter().all(|i| !i.text.contains("downtime")),
        "{items:#?}"
    );
    let mut l1 = finding(
        "lk1",
        "migration.rename",
        Severity::Medium,
        "db/V9__r.sql",
        Some(1),
        "Renamed",
    );
    l1.migration = Some(lock("ALTER TABLE a RENAME TO b", "ACCESS EXCLUSIVE"));
    let items = checklist(std::slice::from_ref(&l1), &Profile::default());
    let agree: Vec<&ChecklistItem> = items
        .iter()
        .filter(|i| i.text.starts_with("Agree on the downtime"))
        .collect();
    assert_eq!(agree.len(), 1);
    assert!(agree.iter().all(|i| i
        .text
        .contains("db/V9__r.sql:1 ALTER TABLE a RENAME TO b (ACCESS EXCLUSIVE)")
        && i.findings == ids(&["lk1"])));
    let items = checklist(&[claim, l1], &Profile::default());
    assert!(items.iter().any(|i| i
        .text
        .starts_with("Check the claimed downtime, no downtime (0 minutes) (README.md:5)")));
    assert!(checklist(&[], &Profile::default()).is_empty());
}

#[test]
fn k8s_apis_and_jobs_that_may_fire() {
    let mut api = finding(
        "k1",
        "config.k8s-removed-api",
        Severity::High,
        "k8s/deploy.yaml",
        Some(1),
        "extensions/v1beta1 Ingress is removed in Kubernetes 1.22",
    );
    api.config = Some(ConfigInfo {
        key: "extensions/v1beta1/Ingress".into(),
        component: "kubernetes".into(),
        status: "removed".into(),
        removed_in: Some("1.22".into()),
        replacement: Some("networking.k8s.io/v1".into()),
        ..ConfigInfo::default()
    });
    let mut job = finding(
        "j1",
        "schedule.k8s-cronjob",
        Severity::Medium,
        "k8s/cron.yaml",
        Some(6),
        "Scheduled task",
    );
    job.schedule = Some(ScheduleInfo {
        entry: None,
        command: Some("/bin/sync --all".into()),
        ..schedule("may", "x")
    });
    let items = checklist(&[api, job], &Profile::default());
    let t: Vec<&str> = items.iter().map(|i| i.text.as_str()).collect();
    assert!(t.contains(&"Move the Kubernetes objects in k8s/deploy.yaml to APIs the target release serves: `extensions/v1beta1/Ingress` (line 1): removed in kubernetes 1.22, use `networking.k8s.io/v1`."), "{t:#?}");
    assert!(t.contains(&"Disable or move the scheduled task in k8s/cron.yaml:6 for the window: it may fire inside the maintenance window (At 03:00, every day) and runs /bin/sync --all."), "{t:#?}");
    // Severity orders a phase: the removed API (high) before the job (medium).
    assert!(
        t.iter().position(|x| x.starts_with("Move"))
            < t.iter().position(|x| x.starts_with("Disable"))
    );
}

#[test]
fn many_findings_fold_into_few_steps() {
    let fs: Vec<Finding> = (0..200)
        .map(|i| {
            let mut f = finding(
                &format!("c{i:03}"),
                "credential.generic",
                Severity::High,
                &format!("etc/f{i:03}.env"),
                Some(1),
                "Password",
            );
            f.credential = Some(CredentialInfo {
                kind: "password".into(),
                redacted: "x".into(),
            });
            f
        })
        .collect();
    let items = checklist(&fs, &Profile::default());
    let rotate: Vec<&ChecklistItem> = items.iter().filter(|i| i.phase == "cleanup").collect();
    assert_eq!(rotate.len(), MAX_PER_KIND + 1);
    assert!(rotate
        .iter()
        .any(|i| i.text.starts_with("175 more steps") && i.findings.len() == 175));
}

#[test]
fn list_joins() {
    let v = |n: usize| (0..n).map(|i| i.to_string()).collect::<Vec<_>>();
    assert_eq!(list(&v(1)), "0");
    assert_eq!(list(&v(2)), "0 and 1");
    assert_eq!(list(&v(3)), "0, 1 and 2");
    assert_eq!(list(&v(8)), "0, 1, 2, 3, 4, 5 and 2 more");
}

#[test]
fn rollback_files_are_not_scheduled_as_upgrade_locks() {
    let mut up = finding(
        "a1",
        "migration.index-lock",
        Severity::High,
        "db/V3__idx.sql",
        Some(2),
        "Index built without CONCURRENTLY",
    );
    up.migration = Some(lock("CREATE INDEX i ON t (a)", "SHARE"));
    let mut down = finding(
        "b2",
        "migration.destructive-rollback",
        Severity::Medium,
        "db/U2__archive.sql",
        Some(2),
        "Rollback drops table archive",
    );
    let mut m = lock("DROP TABLE archive", "ACCESS EXCLUSIVE");
    m.direction = "down".into();
    down.migration = Some(m);
    let items = checklist(&[up, down], &Profile::default());
    let locks: Vec<&str> = items
        .iter()
        .filter(|i| i.phase == "preflight" && i.text.starts_with("Back up the database"))
        .map(|i| i.text.as_str())
        .collect();
    assert_eq!(locks.len(), 1, "{locks:?}");
    assert!(locks
        .iter()
        .all(|t| t.contains("V3__idx.sql") && !t.contains("U2__")));
    assert!(items
        .iter()
        .any(|i| i.phase == "rollback" && i.text.contains("U2__archive.sql")));
}
