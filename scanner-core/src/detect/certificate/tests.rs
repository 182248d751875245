//! Unit tests on the committed fixtures (`tests/fixtures/certificates`, see its README).

use super::*;
use crate::report::{Category, CredentialInfo, Finding};
use crate::text::Encoding;

macro_rules! fixture {
    ($name:literal) => {
        include_bytes!(concat!("../../../tests/fixtures/certificates/", $name))
    };
}

fn reference_time() -> DateTime<Utc> {
    DateTime::parse_from_rfc3339("2026-11-26T00:00:00Z")
        .map(|t| t.with_timezone(&Utc))
        .unwrap_or_default()
}

fn at(s: &str) -> DateTime<Utc> {
    DateTime::parse_from_rfc3339(s)
        .map(|t| t.with_timezone(&Utc))
        .unwrap_or_default()
}

fn entry(path: &str) -> EntryInfo<'_> {
    EntryInfo::test_file(path, 0)
}

/// The certificates of a PEM text.
fn certs(pem_text: &[u8]) -> Vec<Cert> {
    let text = String::from_utf8_lossy(pem_text);
    pem::blocks(&text)
        .iter()
        .filter_map(|b| b.decode())
        .filter_map(|d| parse::parse(&d, "pem").map(|(c, _)| c))
        .collect()
}

fn one(pem_text: &[u8]) -> Cert {
    let mut all = certs(pem_text);
    assert_eq!(all.len(), 1);
    all.pop().unwrap_or_else(|| Cert {
        info: CertificateInfo::default(),
        name: String::new(),
        subject_raw: Vec::new(),
        issuer_raw: Vec::new(),
        ski: None,
        aki: None,
        not_before: reference_time(),
        not_after: reference_time(),
        not_ca: false,
        weak_key: None,
        weak_hash: None,
        key_id: None,
    })
}

/// Run the detector over (path, bytes) entries: text when they decode as UTF-8 and contain no
/// NUL, else binary when the detector asks.
fn run(profile: &Profile, entries: &[(&str, &[u8])]) -> Vec<NewFinding> {
    let mut d = Certificates::new(profile, reference_time());
    let mut out = Vec::new();
    for (path, bytes) in entries {
        let e = entry(path);
        match std::str::from_utf8(bytes) {
            Ok(text) if !bytes.contains(&0) => d.check_text(
                &e,
                &TextEntry {
                    text,
                    encoding: Encoding::Utf8,
                },
                &mut out,
            ),
            _ => {
                if d.wants_binary(&e, bytes.get(..512).unwrap_or(bytes)) {
                    d.check_binary(&e, bytes, &mut out);
                }
            }
        }
    }
    d.finish(&mut out);
    out
}

fn rules_of(out: &[NewFinding]) -> Vec<(&str, &str, Severity)> {
    out.iter()
        .map(|f| {
            (
                f.rule.id,
                f.path.as_str(),
                f.severity.unwrap_or(f.rule.severity),
            )
        })
        .collect()
}

#[test]
fn describes_a_leaf() {
    let c = one(fixture!("leaf.crt"));
    let i = &c.info;
    assert_eq!(i.subject, "O=Preflight Tests, CN=app.example.test");
    assert_eq!(
        i.issuer,
        "O=Preflight Tests, CN=Preflight Test Intermediate CA"
    );
    assert_eq!(
        i.sans,
        [
            "DNS:app.example.test",
            "DNS:www.example.test",
            "IP:10.0.0.5"
        ]
    );
    assert_eq!(i.not_before.as_deref(), Some("2026-01-01T00:00:00Z"));
    assert_eq!(i.not_after.as_deref(), Some("2027-06-01T00:00:00Z"));
    assert_eq!(i.key.as_deref(), Some("EC P-256"));
    assert_eq!(
        i.signature_algorithm.as_deref(),
        Some("sha256WithRSAEncryption")
    );
    assert_eq!(i.serial.as_deref(), Some("1002"));
    assert_eq!(i.role.as_deref(), Some("leaf"));
    assert!(!i.is_ca && !i.self_signed);
    assert_eq!(i.format, "pem");
    assert_eq!(c.name, "app.example.test");
    assert!(i.subject_key_id.as_ref().is_some_and(|s| s.len() == 40));
    assert!(i.authority_key_id.is_some());
    // The fingerprint is the DER's: the DER copy has the same one.
    let der_copy = parse::parse(fixture!("leaf.cer"), "der");
    assert_eq!(der_copy.map(|(d, _)| d.info.sha256), Some(i.sha256.clone()));
    assert_eq!(
        i.sha256.as_deref(),
        Some(der::hex(&Sha256::digest(fixture!("leaf.cer"))).as_str())
    );
    assert!(issues(&c, reference_time(), None).is_empty());
}

#[test]
fn describes_roots_and_key_types() {
    let root = one(fixture!("root-ca.pem"));
    assert!(root.info.self_signed && root.info.is_ca);
    assert_eq!(root.info.role.as_deref(), Some("root"));
    assert_eq!(root.info.key.as_deref(), Some("RSA 2048"));
    let int = one(fixture!("intermediate-ca.pem"));
    assert_eq!(int.info.role.as_deref(), Some("intermediate"));
    assert!(int.info.is_ca && !int.info.self_signed);
    assert_eq!(int.aki, root.ski);
    let ed = one(fixture!("ed25519.pem"));
    assert_eq!(ed.info.key.as_deref(), Some("Ed25519"));
    assert_eq!(ed.weak_key, None);
}

fn titles(
    c: &Cert,
    window: Option<(DateTime<Utc>, DateTime<Utc>)>,
) -> Vec<(String, Severity, String)> {
    issues(c, reference_time(), window)
        .into_iter()
        .map(|i| {
            (
                i.rule.id.to_string(),
                i.severity.unwrap_or(i.rule.severity),
                i.title,
            )
        })
        .collect()
}

fn s(id: &str, sev: Severity, title: &str) -> (String, Severity, String) {
    (id.to_string(), sev, title.to_string())
}

#[test]
fn validity_against_now_and_the_window() {
    let window = Some((at("2026-11-28T01:00:00Z"), at("2026-11-28T04:00:00Z")));
    let expired = one(fixture!("expired.pem"));
    let want = vec![s(
        "certificate.expired",
        Severity::High,
        "Certificate expired.example.test expired on 2025-01-01 (694 days ago)",
    )];
    assert_eq!(titles(&expired, None), want);
    assert_eq!(titles(&expired, window), want);

    let soon = one(fixture!("soon.pem"));
    assert_eq!(
        titles(&soon, None),
        vec![s(
            "certificate.expiring",
            Severity::Medium,
            "Certificate soon.example.test expires in 14 days (2026-12-10)"
        )]
    );
    // With a window: before it ends is high, in the 30 days after now medium.
    assert_eq!(
        titles(&soon, window),
        vec![s(
            "certificate.expiring",
            Severity::Medium,
            "Certificate soon.example.test expires in 14 days (2026-12-10), soon after the maintenance window"
        )]
    );
    let during = one(fixture!("window.pem"));
    assert_eq!(
        titles(&during, window),
        vec![s(
            "certificate.expiring",
            Severity::High,
            "Certificate window.example.test expires 2026-11-28 01:30 UTC, during the maintenance window"
        )]
    );
    let late_window = Some((at("2026-12-20T00:00:00Z"), at("2026-12-21T00:00:00Z")));
    assert_eq!(
        titles(&soon, late_window),
        vec![s(
            "certificate.expiring",
            Severity::High,
            "Certificate soon.example.test expires 2026-12-10, before the maintenance window"
        )]
    );

    let future = one(fixture!("future.pem"));
    assert_eq!(
        titles(&future, None),
        vec![s(
            "certificate.not-yet-valid",
            Severity::Medium,
            "Certificate future.example.test is not valid before 2027-01-01"
        )]
    );
    let january = Some((at("2027-01-02T00:00:00Z"), at("2027-01-03T00:00:00Z")));
    assert_eq!(
        titles(&future, january),
        vec![s(
            "certificate.not-yet-valid",
            Severity::Low,
            "Certificate future.example.test becomes valid 2027-01-01, before the maintenance window"
        )]
    );
}

#[test]
fn weak_keys_and_signatures() {
    assert_eq!(
        titles(&one(fixture!("weak-rsa.pem")), None),
        vec![s(
            "certificate.weak-key",
            Severity::High,
            "Certificate weak-rsa.example.test has a weak key (RSA 1024)"
        )]
    );
    assert_eq!(
        titles(&one(fixture!("sha1-signed.pem")), None),
        vec![s(
            "certificate.weak-signature",
            Severity::High,
            "Certificate sha1-signed.example.test is signed with SHA-1 (sha1WithRSAEncryption)"
        )]
    );
    assert_eq!(
        titles(&one(fixture!("sha1-root.pem")), None),
        vec![s(
            "certificate.weak-signature",
            Severity::Low,
            "Preflight Legacy SHA-1 Root signs itself with SHA-1 (sha1WithRSAEncryption); clients do not check a self-signed certificate's own signature"
        )]
    );
}

#[test]
fn signature_and_key_tables() {
    use parse::{key, signature};
    let pss_default = signature::describe(
        &[0x2a, 0x86, 0x48, 0x86, 0xf7, 0x0d, 0x01, 0x01, 0x0a],
        None,
    );
    assert_eq!(pss_default.name, "rsassaPss(sha1)");
    assert_eq!(pss_default.weak_hash, Some("SHA-1"));
    // [0] { SEQUENCE { OID sha256 } }
    let params = [
        0xa0, 0x0d, 0x30, 0x0b, 0x06, 0x09, 0x60, 0x86, 0x48, 0x01, 0x65, 0x03, 0x04, 0x02, 0x01,
    ];
    let pss = signature::describe(
        &[0x2a, 0x86, 0x48, 0x86, 0xf7, 0x0d, 0x01, 0x01, 0x0a],
        Some(&params),
    );
    assert_eq!(
        (pss.name.as_str(), pss.weak_hash),
        ("rsassaPss(sha256)", None)
    );
    let md5 = signature::describe(
        &[0x2a, 0x86, 0x48, 0x86, 0xf7, 0x0d, 0x01, 0x01, 0x04],
        None,
    );
    assert_eq!(md5.weak_hash, Some("MD5"));
    assert_eq!(
        signature::describe(&[0x2b, 0x06, 0x01], None).name,
        "1.3.6.1"
    );
    // SPKI { AlgId { dsa, { p (1024 bits), q, g } }, BIT STRING }
    let mut p = vec![0x02, 0x81, 0x81, 0x00, 0x80];
    p.extend(std::iter::repeat_n(0x01, 127));
    let params_seq = [
        vec![0x30, 0x81, (p.len() + 6) as u8],
        p,
        vec![0x02, 0x01, 0x03, 0x02, 0x01, 0x02],
    ]
    .concat();
    let alg = [
        vec![0x30, 0x81, (params_seq.len() + 9) as u8, 0x06, 0x07],
        key::DSA.to_vec(),
        params_seq,
    ]
    .concat();
    let spki = [
        vec![0x30, 0x81, (alg.len() + 4) as u8],
        alg,
        vec![0x03, 0x02, 0x00, 0x05],
    ]
    .concat();
    let dsa = key::describe(&spki);
    assert_eq!((dsa.label.as_str(), dsa.weak), ("DSA 1024", true));
    assert_eq!(key::describe(&[0x30, 0x00]).label, "unknown");
}

#[test]
fn private_keys_pair_with_their_certificates() {
    let leaf = one(fixture!("leaf.crt"));
    let text = String::from_utf8_lossy(fixture!("leaf.key"));
    let blocks = pem::blocks(&text);
    let ids: Vec<Option<[u8; 32]>> = blocks
        .iter()
        .map(|b| b.decode().and_then(|d| parse::private_key_id(b.label, &d)))
        .collect();
    assert_eq!(ids, vec![leaf.key_id]);
    assert!(leaf.key_id.is_some());
    let api = certs(fixture!("api-combined.pem"));
    let text = String::from_utf8_lossy(fixture!("api-combined.pem"));
    let key_ids: Vec<[u8; 32]> = pem::blocks(&text)
        .iter()
        .filter_map(|b| b.decode().and_then(|d| parse::private_key_id(b.label, &d)))
        .collect();
    assert_eq!(api.len(), 1);
    assert_eq!(key_ids.len(), 1);
    assert_eq!(api.first().and_then(|c| c.key_id), key_ids.first().copied());
    assert_ne!(leaf.key_id, key_ids.first().copied());
}

#[test]
fn chains_and_bundle_order() {
    let out = run(
        &Profile::default(),
        &[("etc/ssl/shuffled.pem", fixture!("shuffled-bundle.pem"))],
    );
    let order: Vec<&NewFinding> = out
        .iter()
        .filter(|f| f.rule.id == "certificate.chain-order")
        .collect();
    assert_eq!(order.len(), 1, "{:#?}", rules_of(&out));
    let Some(f) = order.first() else { return };
    assert_eq!(
        f.title,
        "Bundle does not start with its leaf: app.example.test is certificate 2 of 3"
    );
    assert_eq!(
        f.evidence,
        "found: 1. Preflight Test Root CA (root), 2. app.example.test (leaf), 3. Preflight Test Intermediate CA (intermediate); expected: app.example.test, Preflight Test Intermediate CA, Preflight Test Root CA"
    );
    assert_eq!(f.line, Some(21));
    assert_eq!(f.severity, None);
    // Issuers are linked by fingerprint.
    let inv: Vec<&CertificateInfo> = out
        .iter()
        .filter(|f| f.rule.id == "certificate.inventory")
        .filter_map(|f| f.certificate.as_ref())
        .collect();
    assert_eq!(inv.len(), 3);
    let fp = |role: &str| {
        inv.iter()
            .find(|c| c.role.as_deref() == Some(role))
            .and_then(|c| c.sha256.clone())
    };
    let issuer_of = |role: &str| {
        inv.iter()
            .find(|c| c.role.as_deref() == Some(role))
            .and_then(|c| c.issuer_sha256.clone())
    };
    assert_eq!(issuer_of("leaf"), fp("intermediate"));
    assert_eq!(issuer_of("intermediate"), fp("root"));
    assert_eq!(issuer_of("root"), None);
    let positions: Vec<Option<u32>> = inv.iter().map(|c| c.position).collect();
    assert_eq!(positions, vec![Some(1), Some(2), Some(3)]);

    // In order: nothing but the inventory.
    let out = run(
        &Profile::default(),
        &[("etc/ssl/fullchain.pem", fixture!("fullchain.pem"))],
    );
    assert!(
        out.iter().all(|f| f.rule.id == "certificate.inventory"),
        "{:#?}",
        rules_of(&out)
    );
}

#[test]
fn issuers_across_files_and_missing_ones() {
    let p = Profile::default();
    let out = run(&p, &[("etc/ssl/leaf.crt", fixture!("leaf.crt"))]);
    let missing: Vec<(&str, Severity, &str)> = out
        .iter()
        .filter(|f| f.rule.id == "certificate.missing-issuer")
        .map(|f| {
            (
                f.path.as_str(),
                f.severity.unwrap_or(f.rule.severity),
                f.title.as_str(),
            )
        })
        .collect();
    assert_eq!(
        missing,
        vec![(
            "etc/ssl/leaf.crt",
            Severity::Medium,
            "Issuer of app.example.test is not in the package: O=Preflight Tests, CN=Preflight Test Intermediate CA"
        )]
    );
    // The intermediate in another directory completes it; its own issuer (the root) missing
    // is only information.
    let out = run(
        &p,
        &[
            ("etc/ssl/leaf.crt", fixture!("leaf.crt")),
            ("opt/ca/intermediate.pem", fixture!("intermediate-ca.pem")),
        ],
    );
    let got: Vec<(&str, Severity)> = out
        .iter()
        .filter(|f| f.rule.id == "certificate.missing-issuer")
        .map(|f| (f.path.as_str(), f.severity.unwrap_or(f.rule.severity)))
        .collect();
    assert_eq!(got, vec![("opt/ca/intermediate.pem", Severity::Info)]);
}

#[test]
fn key_stores_and_der() {
    let out = run(
        &Profile::default(),
        &[
            ("opt/app/app.p12", fixture!("app.p12")),
            ("opt/app/trust.jks", fixture!("truststore.jks")),
            ("opt/app/trust.jceks", fixture!("truststore.jceks")),
            ("opt/jre/lib/security/cacerts", fixture!("truststore.jks")),
            ("opt/app/root.der", fixture!("root-ca.der")),
            ("opt/app/notes.bin", b"\x00\x01binary"),
        ],
    );
    let got: Vec<(&str, &str, Severity)> = out
        .iter()
        .map(|f| {
            (
                f.path.as_str(),
                f.title.as_str(),
                f.severity.unwrap_or(f.rule.severity),
            )
        })
        .collect();
    assert_eq!(
        got,
        vec![
            (
                "opt/app/app.p12",
                "PKCS#12 key store not opened (password needed)",
                Severity::Low
            ),
            (
                "opt/app/trust.jks",
                "JKS key store with 1 entry not opened (password needed)",
                Severity::Low
            ),
            (
                "opt/app/trust.jceks",
                "JCEKS key store with 1 entry not opened (password needed)",
                Severity::Low
            ),
            (
                "opt/jre/lib/security/cacerts",
                "Java runtime trust store (JKS with 1 entry) not opened",
                Severity::Info
            ),
            (
                "opt/app/root.der",
                "Certificate Preflight Test Root CA (root, RSA 2048, valid until 2045-01-01)",
                Severity::Info
            ),
        ]
    );
    let formats: Vec<(&str, Option<u32>)> = out
        .iter()
        .filter_map(|f| f.certificate.as_ref())
        .map(|c| (c.format.as_str(), c.entries))
        .collect();
    assert_eq!(
        formats,
        vec![
            ("pkcs12", None),
            ("jks", Some(1)),
            ("jceks", Some(1)),
            ("jks", Some(1)),
            ("der", None)
        ]
    );
}

#[test]
fn only_broken_certificates_are_unreadable() {
    let text = String::from_utf8_lossy(fixture!("leaf.key")).into_owned();
    let key_der = pem::blocks(&text)
        .first()
        .and_then(|b| b.decode())
        .unwrap_or_default();
    assert!(key_der.len() > 100);
    let root: &[u8] = fixture!("root-ca.der");
    let cut = root.get(..300).unwrap_or(root);
    let out = run(
        &Profile::default(),
        &[("x/key.der", &key_der), ("x/cut.der", cut)],
    );
    let got: Vec<(&str, &str, &str)> = out
        .iter()
        .map(|f| (f.rule.id, f.path.as_str(), f.title.as_str()))
        .collect();
    assert_eq!(
        got,
        vec![(
            "certificate.unreadable",
            "x/cut.der",
            "Certificate file cannot be read"
        )]
    );
}

#[test]
fn wants_only_certificate_like_binaries() {
    let d = Certificates::new(&Profile::default(), reference_time());
    assert!(d.wants_binary(&entry("a/root.der"), fixture!("root-ca.der")));
    assert!(d.wants_binary(&entry("a/no-extension"), fixture!("root-ca.der")));
    assert!(d.wants_binary(&entry("a/cacerts"), fixture!("truststore.jks")));
    assert!(d.wants_binary(&entry("a/x.bin"), fixture!("app.p12")));
    assert!(d.wants_binary(&entry("a/x.crt"), &[0x30, 0x03]));
    assert!(!d.wants_binary(&entry("a/x.bin"), &[0x30, 0x03, 0x02, 0x01, 0x00]));
    assert!(!d.wants_binary(&entry("a/x.so"), b"\x7fELF\x02\x01"));
    assert!(!d.wants_binary(&entry("a/x.crt"), b"\x00\x00"));
}

#[test]
fn sample_paths_are_capped_at_low() {
    let out = run(
        &Profile::default(),
        &[(
            "lib/python/tests/certs/expired.pem",
            fixture!("expired.pem"),
        )],
    );
    let got: Vec<(&str, Severity)> = out
        .iter()
        .map(|f| (f.rule.id, f.severity.unwrap_or(f.rule.severity)))
        .collect();
    assert_eq!(
        got,
        vec![
            ("certificate.inventory", Severity::Info),
            ("certificate.expired", Severity::Low),
            ("certificate.missing-issuer", Severity::Low),
        ]
    );
}

#[test]
fn embedded_and_broken_blocks() {
    let leaf = String::from_utf8_lossy(fixture!("leaf.crt")).into_owned();
    let yaml = format!(
        "tls:\n  cert: |\n{}",
        leaf.lines()
            .map(|l| format!("    {l}\n"))
            .collect::<String>()
    );
    let json = format!("{{\"cert\": \"{}\"}}", leaf.replace('\n', "\\n"));
    // A truncated certificate: valid Base64, broken DER.
    let body: String = leaf
        .lines()
        .filter(|l| !l.starts_with("-----"))
        .take(3)
        .collect();
    let broken = format!("-----BEGIN CERTIFICATE-----\n{body}\n-----END CERTIFICATE-----\n");
    let placeholder = "-----BEGIN CERTIFICATE-----\n...\n-----END CERTIFICATE-----\n";
    let out = run(
        &Profile::default(),
        &[
            ("conf/values.yaml", yaml.as_bytes()),
            ("conf/app.json", json.as_bytes()),
            ("conf/broken.pem", broken.as_bytes()),
            ("README", placeholder.as_bytes()),
        ],
    );
    let got: Vec<(&str, &str, Option<u32>)> = out
        .iter()
        .filter(|f| f.rule.id != "certificate.missing-issuer")
        .map(|f| (f.rule.id, f.path.as_str(), f.line))
        .collect();
    assert_eq!(
        got,
        vec![
            ("certificate.unreadable", "conf/broken.pem", Some(1)),
            ("certificate.inventory", "conf/values.yaml", Some(3)),
            ("certificate.inventory", "conf/app.json", Some(1)),
        ]
    );
}

#[test]
fn hostile_input_never_panics() {
    let der_bytes: &[u8] = fixture!("root-ca.der");
    let p12: &[u8] = fixture!("app.p12");
    let mut d = Certificates::new(&Profile::default(), reference_time());
    let mut out = Vec::new();
    for cut in 0..der_bytes.len() {
        let part = der_bytes.get(..cut).unwrap_or(&[]);
        d.check_binary(&entry("x.der"), part, &mut out);
        let mut flipped = der_bytes.to_vec();
        if let Some(b) = flipped.get_mut(cut) {
            *b ^= 0x5a;
        }
        d.check_binary(&entry("x.der"), &flipped, &mut out);
    }
    for cut in 0..64.min(p12.len()) {
        d.check_binary(&entry("x.p12"), p12.get(..cut).unwrap_or(&[]), &mut out);
    }
    let pem_text = String::from_utf8_lossy(fixture!("fullchain.pem")).into_owned();
    for cut in (0..pem_text.len()).step_by(7) {
        if let Some(t) = pem_text.get(..cut) {
            d.check_text(
                &entry("x.pem"),
                &TextEntry {
                    text: t,
                    encoding: Encoding::Utf8,
                },
                &mut out,
            );
        }
    }
    d.check_binary(
        &entry("x.p7b"),
        &[0x30, 0x84, 0xff, 0xff, 0xff, 0xff],
        &mut out,
    );
    d.finish(&mut out);
    assert!(!out.is_empty());
}

// ---------------------------------------------------------------------------------------
// link_keys

fn finding(id: &str, path: &str, line: Option<u32>) -> Finding {
    Finding {
        id: id.to_string(),
        category: Category::Archive,
        rule: String::new(),
        severity: Severity::Info,
        title: String::new(),
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

fn key(id: &str, path: &str, line: u32) -> Finding {
    Finding {
        category: Category::Credential,
        rule: "credential.private-key".into(),
        credential: Some(CredentialInfo {
            kind: "private-key".into(),
            redacted: "MII***".into(),
        }),
        ..finding(id, path, Some(line))
    }
}

fn cert(id: &str, rule: &str, path: &str, fp: &str, role: &str) -> Finding {
    Finding {
        category: Category::Certificate,
        rule: rule.into(),
        certificate: Some(CertificateInfo {
            sha256: Some(fp.into()),
            role: Some(role.into()),
            ..CertificateInfo::default()
        }),
        ..finding(id, path, Some(1))
    }
}

fn related(fs: &[Finding]) -> Vec<(&str, Vec<&str>)> {
    fs.iter()
        .map(|f| {
            (
                f.id.as_str(),
                f.related.iter().map(String::as_str).collect(),
            )
        })
        .collect()
}

#[test]
fn links_a_key_in_the_same_file_to_the_leaf_only() {
    let mut fs = vec![
        cert(
            "c1",
            "certificate.inventory",
            "etc/ssl/server.pem",
            "aa",
            "leaf",
        ),
        cert(
            "c2",
            "certificate.expired",
            "etc/ssl/server.pem",
            "aa",
            "leaf",
        ),
        cert(
            "c3",
            "certificate.inventory",
            "etc/ssl/server.pem",
            "bb",
            "intermediate",
        ),
        key("k1", "etc/ssl/server.pem", 40),
        finding("x", "etc/ssl/server.pem", Some(3)),
    ];
    link_keys(&mut fs);
    assert_eq!(
        related(&fs),
        vec![
            ("c1", vec!["k1"]),
            ("c2", vec!["k1"]),
            ("c3", vec![]),
            ("k1", vec!["c1", "c2"]),
            ("x", vec![]),
        ]
    );
    // Twice changes nothing.
    link_keys(&mut fs);
    assert_eq!(fs.get(3).map(|f| f.related.len()), Some(2));
}

#[test]
fn links_by_directory_and_name() {
    let mut fs = vec![
        cert(
            "tls",
            "certificate.inventory",
            "k8s/secret/tls.crt",
            "aa",
            "leaf",
        ),
        cert(
            "other",
            "certificate.inventory",
            "k8s/secret/other.crt",
            "bb",
            "leaf",
        ),
        cert(
            "far",
            "certificate.inventory",
            "elsewhere/tls.crt",
            "cc",
            "leaf",
        ),
        key("k", "k8s/secret/tls.key", 1),
        cert(
            "le",
            "certificate.inventory",
            "live/x/fullchain.pem",
            "dd",
            "leaf",
        ),
        cert(
            "le-ca",
            "certificate.inventory",
            "live/x/chain.pem",
            "ee",
            "intermediate",
        ),
        key("lk", "live/x/privkey.pem", 1),
    ];
    link_keys(&mut fs);
    assert_eq!(
        related(&fs),
        vec![
            ("tls", vec!["k"]),
            ("other", vec![]),
            ("far", vec![]),
            ("k", vec!["tls"]),
            ("le", vec!["lk"]),
            ("le-ca", vec![]),
            ("lk", vec!["le"]),
        ]
    );
}

#[test]
fn a_matching_public_key_wins_over_names() {
    let mut paired = cert(
        "c",
        "certificate.inventory",
        "etc/ssl/web.crt",
        "aa",
        "leaf",
    );
    if let Some(c) = paired.certificate.as_mut() {
        c.private_key = Some("etc/keys/secret.pem".into());
        c.private_key_line = Some(30);
    }
    let mut fs = vec![
        paired,
        key("k-other", "etc/keys/secret.pem", 1),
        key("k-match", "etc/keys/secret.pem", 30),
        // A key next to the certificate by name does not take it from its real key.
        key("k-web", "etc/ssl/web.key", 1),
        // Key store passwords are not keys.
        Finding {
            credential: Some(CredentialInfo {
                kind: "keystore-password".into(),
                redacted: "ch***".into(),
            }),
            ..key("pw", "etc/ssl/web.crt", 1)
        },
    ];
    link_keys(&mut fs);
    assert_eq!(
        related(&fs),
        vec![
            ("c", vec!["k-match"]),
            ("k-other", vec![]),
            ("k-match", vec!["c"]),
            ("k-web", vec![]),
            ("pw", vec![]),
        ]
    );
}

#[test]
fn pair_stems() {
    for (a, b) in [
        ("x/tls.crt", "x/tls.key"),
        ("x/server-cert.pem", "x/server-key.pem"),
        ("x/server.pem", "x/server_key.pem"),
        ("x/cert.pem", "x/privkey.pem"),
        ("x/app.example.com.crt", "x/app.example.com.key"),
    ] {
        assert_eq!(link::pair_stem(a), link::pair_stem(b), "{a} {b}");
    }
    assert_ne!(link::pair_stem("x/a.crt"), link::pair_stem("x/b.key"));
}
