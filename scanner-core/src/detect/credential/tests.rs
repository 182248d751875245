//! The rule data checks itself: every built-in rule compiles, and its samples behave.

use super::*;
use crate::profile::{Profile, UserRule};

fn no_user() -> RuleSet {
    RuleSet::new(Vec::new())
}

fn findings(path: &str, text: &str) -> Vec<NewFinding> {
    scan_text(builtin(), &no_user(), path, text)
}

#[test]
fn every_builtin_rule_compiles() {
    let (ok, errors) = ruleset::builtin();
    assert!(errors.is_empty(), "{errors:#?}");
    assert!(ok.len() >= 150, "only {} rules", ok.len());
    let mut ids = std::collections::HashSet::new();
    for r in &ok {
        assert!(ids.insert(r.id.clone()), "duplicate rule id {}", r.id);
        // Rules without keywords run on every text; only path-limited ones may do so.
        assert!(
            !r.keywords.is_empty() || r.paths.is_some(),
            "{} has no keywords",
            r.id
        );
        assert!(!r.kind.is_empty() && !r.description.is_empty(), "{}", r.id);
    }
}

#[test]
fn every_sample_behaves() {
    let mut failures = Vec::new();
    let mut count = 0;
    for (file, text) in ruleset::FILES {
        let parsed = ruleset::parse_file(text);
        assert!(parsed.is_ok(), "{file}: {parsed:?}");
        let Ok(parsed) = parsed else { return };
        for raw in &parsed.rules {
            count += 1;
            let path = raw.sample_path.as_deref().unwrap_or("conf/app.conf");
            if raw.tp.is_empty() || raw.fp.is_empty() {
                failures.push(format!("{file} {}: needs tp and fp samples", raw.id));
            }
            let suffix = format!("({})", raw.id);
            for tp in &raw.tp {
                let got = findings(path, tp);
                if !got.iter().any(|f| f.title.ends_with(&suffix)) {
                    let titles: Vec<&str> = got.iter().map(|f| f.title.as_str()).collect();
                    failures.push(format!(
                        "{file} {}: TP not found: {tp:?} (got {titles:?})",
                        raw.id
                    ));
                }
                // The secret never shows in clear.
                let Ok(re) = regex::Regex::new(&raw.regex) else {
                    continue;
                };
                let group = raw
                    .secret_group
                    .unwrap_or(usize::from(re.captures_len() > 1));
                if let Some(secret) = re.captures(tp).and_then(|c| c.get(group)) {
                    for f in &got {
                        if f.evidence.contains(secret.as_str()) || f.title.contains(secret.as_str())
                        {
                            failures.push(format!(
                                "{file} {}: secret in clear: {}",
                                raw.id, f.evidence
                            ));
                        }
                    }
                }
            }
            for fp in &raw.fp {
                let got = findings(path, fp);
                if !got.is_empty() {
                    let titles: Vec<&str> = got.iter().map(|f| f.title.as_str()).collect();
                    failures.push(format!(
                        "{file} {}: FP matched: {fp:?} -> {titles:?}",
                        raw.id
                    ));
                }
            }
        }
    }
    assert!(
        failures.is_empty(),
        "{} failures:\n{}",
        failures.len(),
        failures.join("\n")
    );
    assert!(count >= 150, "{count} rules");
}

/// Values of the generic assignment rules: (line, reported).
const GENERIC: &[(&str, bool)] = &[
    ("db.password=Winter2024!", true),
    ("password: \"p@ss;word\"", true),
    ("DB_PASSWORD='Tr0ub4dor&3'", true),
    ("export API_KEY=9fB2kQ7xLm4Np8Rs", true),
    ("\"clientSecret\": \"q8Z~r4Tn.2LpXw9Vb\"", true),
    ("<password>S3rv1ce!Acct</password>", true),
    ("<add key=\"DbPassword\" value=\"Kx9#mPq2vL\" />", true),
    ("$password = 'Summer#2023';", true),
    ("secret_key => \"Zq4Ym8Wn2Lk6Hj0G\",", true),
    ("password=${DB_PASSWORD}", false),
    ("password=$DB_PASSWORD", false),
    ("password=%DB_PASSWORD%", false),
    ("password: \"{{ vault_db_password }}\"", false),
    ("password=<changeme>", false),
    ("password=<your-password>", false),
    ("api_key = \"your-api-key\"", false),
    ("password=changeme", false),
    ("password=xxxxxxxx", false),
    ("password=********", false),
    ("password=example", false),
    ("password=dummy", false),
    ("password=test", false),
    ("secret=secret", false),
    ("password=password", false),
    ("password=", false),
    ("password: null", false),
    ("password = None", false),
    ("auth: true", false),
    ("password: false", false),
    ("pin=12345", false),
    ("password = os.environ[\"DB_PASSWORD\"]", false),
    ("String password = System.getenv(\"DB_PASSWORD\");", false),
    ("password = getpass.getpass()", false),
    ("token = self.token", false),
    ("password: \"Enter your password\"", false),
    ("secretName: db-credentials", false),
    ("password_file=/etc/app/db.pass", false),
    ("if password == \"admin\":", false),
];

#[test]
fn generic_table() {
    let mut failures = Vec::new();
    for &(line, want) in GENERIC {
        for path in ["conf/app.properties", "src/app.py"] {
            if path.ends_with(".py") && !line.contains(['"', '\'']) {
                continue;
            }
            let got = findings(path, line);
            if got.is_empty() == want {
                failures.push(format!("{path}: {line:?} expected {want}, got {got:?}"));
            }
            for f in &got {
                let Some(c) = &f.credential else { continue };
                assert!(c.redacted.contains('*'), "{c:?}");
            }
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

#[test]
fn redaction_and_key() {
    let got = findings(
        "conf/app.properties",
        "db.user=app\ndb.password=Winter2024!\n",
    );
    assert_eq!(got.len(), 1, "{got:?}");
    let Some(f) = got.first() else { return };
    assert_eq!(f.line, Some(2));
    assert_eq!(f.evidence, "db.password=Wi********* (11)");
    assert_eq!(
        f.credential.as_ref().map(|c| c.redacted.as_str()),
        Some("Wi********* (11)")
    );
    assert_eq!(f.key, fingerprint("Winter2024!"));
    assert!(!f.key.contains("Winter2024!") && !f.title.contains("Winter2024!"));
}

#[test]
fn two_secrets_on_one_line_are_both_masked() {
    let line = "curl -u deploy:Tr0ub4dor3x https://x.invalid/?token=ghp_Q8r2Lk9mZx4Vb7Nt1Wc5Hy3Jp6Ds0Fa2Ge8K";
    let got = findings("bin/deploy.sh", line);
    assert!(got.len() >= 2, "{got:?}");
    for f in &got {
        assert!(!f.evidence.contains("Tr0ub4dor3x"), "{}", f.evidence);
        assert!(!f.evidence.contains("Q8r2Lk9mZx4Vb7Nt1"), "{}", f.evidence);
    }
}

#[test]
fn allow_marker_silences_a_line() {
    let text = "db.password=Winter2024!  # preflight:allow\nother.password=Summer2025!\n";
    let got = findings("conf/app.properties", text);
    assert_eq!(got.len(), 1, "{got:?}");
    assert_eq!(got.first().and_then(|f| f.line), Some(2));
    let got = findings(
        "bin/x.sh",
        "sshpass -p 'Tr0ub4dor3x' ssh h # preflight:allow\n",
    );
    assert!(got.is_empty(), "{got:?}");
}

#[test]
fn sample_paths_are_low_and_keys_critical() {
    let got = findings("docs/setup.properties", "db.password=Winter2024!\n");
    assert_eq!(got.first().and_then(|f| f.severity), Some(Severity::Low));
    let pem = "-----BEGIN RSA PRIVATE KEY-----\nMIIEowIBAAKCAQEAq3Zx9Lm2Vb8Nt4Rc7Wp1Hy6Jd0Fs5Ge2Ka9Qb3Xc8Vn7Mt\nq3Zx9Lm2Vb8Nt4Rc7Wp1Hy6Jd0Fs5Ge2Ka9Qb3Xc8Vn7Mt4Rc7Wp1Hy6Jd0Fs5Ge\n-----END RSA PRIVATE KEY-----\n";
    let got = findings("etc/ssl/app.key", pem);
    assert_eq!(got.len(), 1, "{got:?}");
    let Some(f) = got.first() else { return };
    assert_eq!(f.rule.id, "credential.private-key");
    assert_eq!(f.severity.unwrap_or(f.rule.severity), Severity::Critical);
    assert_eq!(f.line, Some(1));
    assert!(!f.evidence.contains("MIIEowIBAAKCAQEA"), "{}", f.evidence);
}

#[test]
fn user_rules_run_with_their_allowlists() {
    let text = "[[rules]]\nid = \"acme-token\"\ndescription = \"ACME internal token\"\nregex = '''acme_(?:live|test)_([a-z0-9]{24})'''\nkeywords = [\"acme_\"]\n[[rules.allowlists]]\nstopwords = [\"0000\"]\n";
    let profile = Profile::from_toml(text);
    assert!(profile.is_ok(), "{profile:?}");
    let Ok(profile) = profile else { return };
    let rules: &[UserRule] = &profile.rules;
    assert_eq!(rules.len(), 1);
    let d = Credentials::new(&profile);
    let got = scan_text(
        builtin(),
        &d.user,
        "conf/x.conf",
        "see acme_live_k3j9x8m2v7b4n1q6w5e0r9t2 in the log\n",
    );
    assert_eq!(got.len(), 1, "{got:?}");
    let Some(f) = got.first() else { return };
    assert_eq!(f.rule.id, "credential.custom");
    assert_eq!(
        f.credential.as_ref().map(|c| c.kind.as_str()),
        Some("acme-token")
    );
    let got = scan_text(
        builtin(),
        &d.user,
        "conf/x.conf",
        "see acme_live_k3j9x8m2v7b4n0000w5e0r9t2 in the log\n",
    );
    assert!(got.is_empty(), "{got:?}");
}

#[test]
fn hostile_text_does_not_panic() {
    let mut s = String::new();
    for i in 0..2000 {
        s.push_str(if i % 3 == 0 {
            "password=é€"
        } else {
            "token:\u{0}ghp_"
        });
        s.push('€');
    }
    let _ = findings("x", &s);
    let long = "password=".repeat(20_000);
    let _ = findings("x", &long);
    let _ = findings("x", "-----BEGIN RSA PRIVATE KEY-----\n€€€");
}

#[test]
fn other_detectors_can_mask_their_evidence() {
    assert_eq!(
        mask_secrets(
            "bin/x.sh",
            "sshpass -p 'Wq4#tZm8Kx' scp f backup@sftp.internal:/in/"
        ),
        "sshpass -p 'Wq******** (10)' scp f backup@sftp.internal:/in/"
    );
    assert_eq!(mask_secrets("x", "nothing here"), "nothing here");
}

/// A match's trailing context (the first URL's host runs into the second URL's scheme) does
/// not hide the secret after it (found by the `credentials` fuzz target: masking twice masked
/// more).
#[test]
fn a_secret_right_after_a_match_is_masked_too() {
    let glued = "u=postgres://app:Kq9vL.Xm2w4rTz8@db01.exapostgres://app:Zt5!mW8qLx.p3@db02.exa";
    let once = mask_secrets("conf/app.properties", glued);
    assert_eq!(
        once,
        "u=postgres://app:Kq********** (15)@db01.exapostgres://app:Zt********** (13)@db02.exa"
    );
    assert_eq!(mask_secrets("conf/app.properties", &once), once);
}

#[test]
fn secrets_in_docstrings_and_comments_are_low() {
    let text = "def refresh():\n    \"\"\"Returns {'access_token': 'Kq7vR2mXw9Lp'}.\"\"\"\n    TOKEN = 'Zt4nB8cQy1Hs'\n    # old: api_key = 'Pw3xL9dVm5Rt'\n";
    let got = findings("lib/oauth/client.py", text);
    let sev: Vec<_> = got
        .iter()
        .map(|f| (f.line, f.severity.unwrap_or(f.rule.severity)))
        .collect();
    assert_eq!(
        sev,
        [
            (Some(2), Severity::Low),
            (Some(3), Severity::High),
            (Some(4), Severity::Low)
        ]
    );
}

#[test]
fn prechecks_hold_in_every_match() {
    // A precheck may only skip windows where the rule cannot match: every match of the rule
    // (on its samples and on a few lines made to be close calls) must contain a match of it.
    let extra = [
        "api_key = \"Zq4Ym8Wn2Lk6Hj0G\" token: 'Kx9#mPq2vL'",
        "<db.authToken>S3rv1ce!Acct</db.authToken> <x:PWD>Ws4!nTz7Qm</x:PWD>",
        "ſecret = \"Zq4Ym8Wn2Lk6Hj0G\" toKen = 'Kx9#mPq2vL' CREDENTIALS => \"Ws4!nTz7Qm\"",
        "<property name=\"db.password\" value=\"Ws4!nTz7Qm\"/>",
        "https://deploy:Wq4#tZm8Kx@git.example.org/x GITHUB_APP_CLIENT-SECRET=abc",
    ];
    let mut checked = 0;
    for (file, text) in ruleset::FILES {
        let Ok(parsed) = ruleset::parse_file(text) else {
            continue;
        };
        for raw in &parsed.rules {
            let Some(pre) = &raw.precheck else { continue };
            let (re, pre) = (regex::Regex::new(&raw.regex), regex::Regex::new(pre));
            assert!(
                re.is_ok() && pre.is_ok(),
                "{file} {}: does not compile",
                raw.id
            );
            let (Ok(re), Ok(pre)) = (re, pre) else {
                continue;
            };
            for sample in raw
                .tp
                .iter()
                .chain(&raw.fp)
                .map(String::as_str)
                .chain(extra)
            {
                for m in re.find_iter(sample) {
                    checked += 1;
                    assert!(
                        pre.is_match(m.as_str()),
                        "{file} {}: precheck misses {:?}",
                        raw.id,
                        m.as_str()
                    );
                }
            }
        }
    }
    assert!(checked >= 10, "{checked}");
}
