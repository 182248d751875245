//! Credentials end to end: a realistic package, redaction in the whole report, fingerprints,
//! inline allow, and profile rules.

use crate::common::*;
use scanner_core::{Profile, Report};

const PACKAGE: &str = r#"
//- /etc/cron.d/backup
30 2 * * * root /opt/acme/bin/backup.sh
//- /opt/acme/bin/backup.sh
#!/bin/sh
set -e
tar czf /tmp/db.tgz /var/lib/acme
sshpass -p 'Wq4#tZm8Kx' scp /tmp/db.tgz backup@sftp-legacy.internal:/in/
//- /opt/acme/conf/application.properties
server.port=8080
spring.datasource.url=jdbc:postgresql://db.internal:5432/acme
spring.datasource.username=acme
spring.datasource.password=Winter2024!
spring.mail.password=${MAIL_PASSWORD}
//- /opt/acme/conf/tls/server.key
-----BEGIN RSA PRIVATE KEY-----
MIIEowIBAAKCAQEAq3Zx9Lm2Vb8Nt4Rc7Wp1Hy6Jd0Fs5Ge2Ka9Qb3Xc8Vn7Mtq3Zx
9Lm2Vb8Nt4Rc7Wp1Hy6Jd0Fs5Ge2Ka9Qb3Xc8Vn7Mt4Rc7Wp1Hy6Jd0Fs5GeXk2Lq
-----END RSA PRIVATE KEY-----
//- /root/.netrc
machine ftp.internal
  login backup
  password Gx5$kWq9Tm
//- /opt/acme/docs/install.md
    password: "Summer#2023x"
"#;

const SECRETS: &[&str] = &[
    "Wq4#tZm8Kx",
    "Winter2024!",
    "MIIEowIBAAKCAQEAq3Zx9Lm2",
    "Gx5$kWq9Tm",
    "Summer#2023x",
];

fn credentials(r: &Report) -> Vec<&scanner_core::Finding> {
    r.findings
        .iter()
        .filter(|f| f.rule.starts_with("credential."))
        .collect()
}

case! {
    fn a_realistic_package() {
        let r = scan_bytes(&fixture(PACKAGE));
        let got: Vec<(String, String, Option<u32>, String, String, String)> = credentials(&r)
            .iter()
            .map(|f| {
                let c = f.credential.clone().map(|c| (c.kind, c.redacted)).unwrap_or_default();
                (f.path.clone(), f.rule.clone(), f.line, f.severity.to_string(), c.0, c.1)
            })
            .collect();
        let want = [
            ("opt/acme/bin/backup.sh", "credential.auth", 4, "high", "password", "Wq******** (10)"),
            ("opt/acme/conf/application.properties", "credential.generic", 4, "high", "password", "Wi********* (11)"),
            ("opt/acme/conf/tls/server.key", "credential.private-key", 1, "critical", "private-key", "MI********** (133)"),
            ("opt/acme/docs/install.md", "credential.generic", 1, "low", "password", "Su********** (12)"),
            ("root/.netrc", "credential.auth", 3, "high", "password", "Gx******** (10)"),
        ];
        for w in want {
            assert!(
                got.iter().any(|g| g.0 == w.0 && g.1 == w.1 && g.2 == Some(w.2) && g.3 == w.3 && g.4 == w.4 && g.5 == w.5),
                "missing {w:?} in {got:#?}"
            );
        }
        assert_eq!(got.len(), want.len(), "{got:#?}");
        // Nothing in the report shows a secret.
        let json = r.to_json();
        for s in SECRETS {
            assert!(!json.contains(s), "{s} in clear in the report");
        }
        let script = credentials(&r).into_iter().find(|f| f.path == "opt/acme/bin/backup.sh");
        let Some(script) = script else { return };
        assert_eq!(script.evidence, "sshpass -p 'Wq******** (10)' scp /tmp/db.tgz backup@sftp-legacy.internal:/in/");
        // The cron job and the secret in the script it runs are one story.
        let cron = r.findings.iter().find(|f| f.rule == "schedule.cron");
        let Some(cron) = cron else { return };
        assert!(cron.related.contains(&script.id), "{cron:#?}");
        assert!(script.related.contains(&cron.id), "{script:#?}");
    }
}

case! {
    fn fingerprints_follow_the_secret_not_the_line() {
        let a = scan_bytes(&fixture("//- /conf/app.properties\ndb.password=Winter2024!\n"));
        let b = scan_bytes(&fixture("//- /conf/app.properties\n# moved down\n\ndb.password=Winter2024!\n"));
        let c = scan_bytes(&fixture("//- /conf/app.properties\ndb.password=Spring2025?\n"));
        let id = |r: &Report| credentials(r).first().map(|f| f.id.clone());
        assert!(id(&a).is_some());
        assert_eq!(id(&a), id(&b));
        assert_ne!(id(&a), id(&c));
        // Ignoring the old secret does not hide a new one on the same line.
        let Some(old) = id(&a) else { return };
        let profile = Profile { ignore: vec![old], ..Profile::default() };
        assert!(credentials(&scan_with(&fixture("//- /conf/app.properties\ndb.password=Winter2024!\n"), &profile)).is_empty());
        assert_eq!(credentials(&scan_with(&fixture("//- /conf/app.properties\ndb.password=Spring2025?\n"), &profile)).len(), 1);
    }
}

case! {
    fn inline_allow_in_any_comment_syntax() {
        let pkg = fixture(
            "//- /conf/a.properties\ndb.password=Winter2024! # preflight:allow\n//- /conf/b.xml\n<password>S3rv1ce!Acct</password> <!-- preflight:allow -->\n//- /bin/c.sh\nsshpass -p Jv7!nQx2Lm ssh h  # preflight:allow (vendor test box)\n",
        );
        assert!(credentials(&scan_bytes(&pkg)).is_empty());
    }
}

case! {
    fn profile_rules_find_their_tokens() {
        let profile = Profile::from_toml(
            "[[rules]]\nid = \"acme-internal\"\ndescription = \"ACME internal API token\"\nregex = '''\\bacme_(?:live|test)_([a-z0-9]{24})\\b'''\nkeywords = [\"acme_\"]\n",
        );
        assert!(profile.is_ok(), "{profile:?}");
        let Ok(profile) = profile else { return };
        let r = scan_with(&fixture("//- /opt/acme/run.sh\nACME_KEY=acme_live_k3j9x8m2v7b4n1q6w5e0r9t2 # for the nightly import\n"), &profile);
        let got = credentials(&r);
        assert_eq!(got.len(), 1, "{got:#?}");
        assert_eq!(got[0].rule, "credential.custom");
        assert_eq!(got[0].credential.as_ref().map(|c| c.kind.as_str()), Some("acme-internal"));
        assert!(!r.to_json().contains("k3j9x8m2v7b4n1q6w5e0r9t2"));
        let e = Profile::from_toml("[[rules]]\nid = \"bad\"\nregex = \"acme_([a-z\"\n").err();
        assert_eq!(e.and_then(|e| e.line), Some(3));
    }
}

case! {
    fn no_detector_quotes_a_secret_in_clear() {
        // The secret sits in a cron command (schedule title, evidence, command) and on a line
        // that also names an endpoint (endpoint evidence).
        let pkg = fixture(
            r#"
            //- /etc/cron.d/backup
            0 3 * * * root mysqldump -u backup -pZq8Lr2Vw9Tx4 acme > /var/backups/acme.sql
            //- /opt/acme/bin/pull.sh
            #!/bin/sh
            sshpass -p 'Kp3!vR8#qL2w' sftp import@sftp-legacy.example.net:/out/orders.csv .
            "#,
        );
        let report = scan_bytes(&pkg);
        let json = report.to_json();
        for secret in ["Zq8Lr2Vw9Tx4", "Kp3!vR8#qL2w"] {
            assert!(!json.contains(secret), "{secret} appears in the report:\n{json}");
        }
        assert!(report.findings.iter().any(|f| f.rule == "schedule.cron"));
        assert!(report.findings.iter().any(|f| f.category == scanner_core::Category::Endpoint));
    }
}

case! {
    /// Shapes the recall benchmark once missed (BENCHMARKS.md, "Peers and recall"): a second
    /// constructor argument, passwords with a `.` in URLs and JDBC parameters, Redis's empty
    /// user, SQL user statements. Each is found, on its line, and never shown.
    fn secrets_in_urls_sql_and_sdk_calls() {
        let secrets = [
            ("/src/S3.java", 1, "new BasicAWSCredentials(\"AKIA64CFSUOSG2WPIZZX\", \"6rXRRbr7rz53L3A/RFZK1j/O82pyNilgWqgVbsbb\");", "6rXRRbr7rz53L3A/RFZK1j/O82pyNilgWqgVbsbb"),
            ("/conf/app.env", 1, "DATABASE_URL=postgres://app:Kq9vLm2Xw4.rTz8@db01.example.net:5432/app", "Kq9vLm2Xw4.rTz8"),
            ("/conf/cache.env", 1, "REDIS_URL=redis://:Wz4mK8pQx2.hT7v@cache01.example.net:6379/0", "Wz4mK8pQx2.hT7v"),
            ("/conf/db.properties", 1, "db.url=jdbc:mysql://db01.example.net:3306/app?user=svc&password=Hq7vLm2Xw9.kT4z&useSSL=true", "Hq7vLm2Xw9.kT4z"),
            ("/bin/upload.sh", 1, "curl -fsS -u deploy:Tr0ub4dor3xQ.z8Kp https://repo.example.net/upload", "Tr0ub4dor3xQ.z8Kp"),
            ("/db/001_users.sql", 1, "CREATE USER svc_app WITH PASSWORD 'Kx9~mPq2vL@t';", "Kx9~mPq2vL@t"),
            ("/db/002_grants.sql", 1, "CREATE USER 'app'@'%' IDENTIFIED BY 'Rv5#tKm9Qz';", "Rv5#tKm9Qz"),
        ];
        let text: String = secrets.iter().map(|(p, _, l, _)| format!("//- {p}\n{l}\n")).collect();
        let report = scan_bytes(&fixture(&text));
        let found = credentials(&report);
        for (path, line, _, secret) in secrets {
            let path = path.trim_start_matches('/');
            let hit = found.iter().find(|f| {
                f.path == path
                    && f.line == Some(line)
                    && f.credential.as_ref().is_some_and(|c| !c.redacted.contains(secret))
            });
            assert!(hit.is_some(), "{path}:{line} not found in {found:#?}");
        }
        let json = report.to_json();
        for (_, _, _, secret) in secrets {
            assert!(!json.contains(secret), "{secret} shown in the report: {json}");
        }
    }
}
