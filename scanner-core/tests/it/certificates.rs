//! Certificates through the whole scanner, on the committed fixtures of
//! `tests/fixtures/certificates` (made by its `make.sh`; dates fixed against NOW =
//! 2026-11-26T00:00:00Z): inventory, expiry against now and the maintenance window, weak keys
//! and signatures, bundle order, missing intermediates, key stores, DER in nested archives,
//! and the pairing of certificates with private keys.

use crate::common::*;
use scanner_core::report::CertificateInfo;
use scanner_core::{Category, Finding, Profile, Report, Severity};

macro_rules! fx {
    ($name:literal) => {
        include_bytes!(concat!("../fixtures/certificates/", $name)) as &[u8]
    };
}

const WINDOW_PROFILE: &str = "timezone = \"Europe/Berlin\"
[maintenance_window]
start = \"2026-11-28T02:00:00+01:00\"
end = \"2026-11-28T05:00:00+01:00\"
";

fn profile(toml: &str) -> Profile {
    let p = Profile::from_toml(toml);
    assert!(p.is_ok(), "{p:?}");
    p.unwrap_or_default()
}

fn certificate_findings(r: &Report) -> Vec<&Finding> {
    r.findings
        .iter()
        .filter(|f| f.category == Category::Certificate)
        .collect()
}

/// `severity rule path: title` of the certificate findings other than the inventory, sorted.
fn problems(r: &Report) -> Vec<String> {
    let mut v: Vec<String> = certificate_findings(r)
        .into_iter()
        .filter(|f| f.rule != "certificate.inventory")
        .map(|f| format!("{} {} {}: {}", f.severity, f.rule, f.path, f.title))
        .collect();
    v.sort();
    v
}

fn inventory<'r>(r: &'r Report, path: &str) -> Vec<&'r CertificateInfo> {
    certificate_findings(r)
        .into_iter()
        .filter(|f| f.rule == "certificate.inventory" && f.path == path)
        .filter_map(|f| f.certificate.as_ref())
        .collect()
}

fn sorted(lines: &[&str]) -> Vec<String> {
    let mut v: Vec<String> = lines.iter().map(|s| s.to_string()).collect();
    v.sort();
    v
}

/// A server's certificates as a vendor ships them: chain in order, key beside it, the CA
/// bundle, plus the problem cases.
fn package() -> Vec<u8> {
    zip_of(&[
        ("etc/ssl/app/fullchain.pem", fx!("fullchain.pem")),
        ("etc/ssl/app/privkey.pem", fx!("leaf.key")),
        ("etc/ssl/expired.pem", fx!("expired.pem")),
        ("etc/ssl/soon.pem", fx!("soon.pem")),
        ("etc/ssl/window.pem", fx!("window.pem")),
        ("etc/ssl/future.pem", fx!("future.pem")),
        ("etc/ssl/weak-rsa.pem", fx!("weak-rsa.pem")),
        ("etc/ssl/sha1-signed.pem", fx!("sha1-signed.pem")),
        ("etc/ssl/legacy-root.pem", fx!("sha1-root.pem")),
        ("etc/ssl/ed25519.pem", fx!("ed25519.pem")),
    ])
}

case! {
    fn without_a_window_certificates_expiring_within_30_days_are_medium() {
        let r = scan_bytes(&package());
        assert_eq!(
            problems(&r),
            sorted(&[
                "high certificate.expired etc/ssl/expired.pem: Certificate expired.example.test expired on 2025-01-01 (694 days ago)",
                "medium certificate.expiring etc/ssl/soon.pem: Certificate soon.example.test expires in 14 days (2026-12-10)",
                "medium certificate.expiring etc/ssl/window.pem: Certificate window.example.test expires in 2 days (2026-11-28 01:30 UTC)",
                "medium certificate.not-yet-valid etc/ssl/future.pem: Certificate future.example.test is not valid before 2027-01-01",
                "high certificate.weak-key etc/ssl/weak-rsa.pem: Certificate weak-rsa.example.test has a weak key (RSA 1024)",
                "high certificate.weak-signature etc/ssl/sha1-signed.pem: Certificate sha1-signed.example.test is signed with SHA-1 (sha1WithRSAEncryption)",
                "low certificate.weak-signature etc/ssl/legacy-root.pem: Preflight Legacy SHA-1 Root signs itself with SHA-1 (sha1WithRSAEncryption); clients do not check a self-signed certificate's own signature",
            ])
        );
        // One inventory finding per certificate: 3 in the chain, 8 single ones.
        let count = certificate_findings(&r)
            .iter()
            .filter(|f| f.rule == "certificate.inventory")
            .count();
        assert_eq!(count, 11);
    }
}

case! {
    fn with_a_window_what_expires_before_it_ends_is_high_soon_after_medium() {
        let r = scan_with(&package(), &profile(WINDOW_PROFILE));
        let expiring: Vec<String> = problems(&r)
            .into_iter()
            .filter(|l| l.contains("certificate.expiring"))
            .collect();
        // soon.pem expires after the window, within 30 days: medium.
        assert_eq!(
            expiring,
            vec![
                "high certificate.expiring etc/ssl/window.pem: Certificate window.example.test expires 2026-11-28 01:30 UTC, during the maintenance window",
                "medium certificate.expiring etc/ssl/soon.pem: Certificate soon.example.test expires in 14 days (2026-12-10), soon after the maintenance window",
            ]
        );
    }
}

case! {
    fn the_inventory_carries_the_whole_record() {
        let r = scan_bytes(&package());
        let chain = inventory(&r, "etc/ssl/app/fullchain.pem");
        assert_eq!(chain.len(), 3);
        let Some(leaf) = chain.first() else { return };
        assert_eq!(leaf.subject, "O=Preflight Tests, CN=app.example.test");
        assert_eq!(leaf.issuer, "O=Preflight Tests, CN=Preflight Test Intermediate CA");
        assert_eq!(leaf.sans, ["DNS:app.example.test", "DNS:www.example.test", "IP:10.0.0.5"]);
        assert_eq!(leaf.not_before.as_deref(), Some("2026-01-01T00:00:00Z"));
        assert_eq!(leaf.not_after.as_deref(), Some("2027-06-01T00:00:00Z"));
        assert_eq!(leaf.key.as_deref(), Some("EC P-256"));
        assert_eq!(leaf.signature_algorithm.as_deref(), Some("sha256WithRSAEncryption"));
        assert_eq!(leaf.format, "pem");
        assert_eq!(leaf.role.as_deref(), Some("leaf"));
        assert_eq!(leaf.position, Some(1));
        assert_eq!(leaf.issuer_sha256, chain.get(1).and_then(|c| c.sha256.clone()));
        // The private key beside it has the same public key.
        assert_eq!(leaf.private_key.as_deref(), Some("etc/ssl/app/privkey.pem"));
        assert_eq!(leaf.private_key_line, Some(1));
        let roles: Vec<Option<&str>> = chain.iter().map(|c| c.role.as_deref()).collect();
        assert_eq!(roles, [Some("leaf"), Some("intermediate"), Some("root")]);
        let Some(root) = chain.get(2) else { return };
        assert!(root.is_ca && root.self_signed && root.issuer_sha256.is_none());
        let ed = inventory(&r, "etc/ssl/ed25519.pem");
        assert_eq!(ed.first().and_then(|c| c.key.as_deref()), Some("Ed25519"));
        // The single certificates all name the intermediate of the chain file as issuer.
        let int_fp = chain.get(1).and_then(|c| c.sha256.clone());
        assert_eq!(inventory(&r, "etc/ssl/expired.pem").first().and_then(|c| c.issuer_sha256.clone()), int_fp);
    }
}

case! {
    fn bundles_out_of_order_and_missing_intermediates() {
        let pkg = zip_of(&[
            ("srv/a/shuffled.pem", fx!("shuffled-bundle.pem")),
            ("srv/b/missing-intermediate.pem", fx!("missing-intermediate.pem")),
        ]);
        let r = scan_bytes(&pkg);
        assert_eq!(
            problems(&r),
            sorted(&[
                "medium certificate.chain-order srv/a/shuffled.pem: Bundle does not start with its leaf: app.example.test is certificate 2 of 3",
            ])
        );
        // On its own, the bundle without its intermediate is incomplete.
        let r = scan_bytes(&zip_of(&[(
            "srv/b/missing-intermediate.pem",
            fx!("missing-intermediate.pem"),
        )]));
        assert_eq!(
            problems(&r),
            sorted(&[
                "medium certificate.missing-issuer srv/b/missing-intermediate.pem: Issuer of app.example.test is not in the package: O=Preflight Tests, CN=Preflight Test Intermediate CA",
            ])
        );
        let order = certificate_findings(&r);
        assert!(order.iter().all(|f| f.line.is_some()));
    }
}

case! {
    fn key_stores_der_and_nested_archives() {
        let inner = zip_of(&[
            ("certs/root.der", fx!("root-ca.der")),
            ("certs/leaf.cer", fx!("leaf.cer")),
        ]);
        let pkg = zip_of(&[
            ("opt/app/keystore.p12", fx!("app.p12")),
            ("opt/app/truststore.jks", fx!("truststore.jks")),
            ("opt/app/truststore.jceks", fx!("truststore.jceks")),
            ("opt/jre/lib/security/cacerts", fx!("truststore.jks")),
            ("opt/app/lib/certs.jar", &inner),
        ]);
        let r = scan_bytes(&pkg);
        assert_eq!(
            problems(&r),
            sorted(&[
                "info certificate.keystore opt/jre/lib/security/cacerts: Java runtime trust store (JKS with 1 entry) not opened",
                "low certificate.keystore opt/app/keystore.p12: PKCS#12 key store not opened (password needed)",
                "low certificate.keystore opt/app/truststore.jceks: JCEKS key store with 1 entry not opened (password needed)",
                "low certificate.keystore opt/app/truststore.jks: JKS key store with 1 entry not opened (password needed)",
                "medium certificate.missing-issuer opt/app/lib/certs.jar!/certs/leaf.cer: Issuer of app.example.test is not in the package: O=Preflight Tests, CN=Preflight Test Intermediate CA; key stores were not opened",
            ])
        );
        let der = inventory(&r, "opt/app/lib/certs.jar!/certs/root.der");
        assert_eq!(der.first().map(|c| c.format.as_str()), Some("der"));
        let store = certificate_findings(&r)
            .into_iter()
            .find(|f| f.path == "opt/app/truststore.jks")
            .and_then(|f| f.certificate.clone());
        assert_eq!(
            store,
            Some(CertificateInfo {
                format: "jks".into(),
                entries: Some(1),
                ..CertificateInfo::default()
            })
        );
    }
}

case! {
    fn pem_blocks_inside_configuration_files() {
        let leaf = String::from_utf8_lossy(fx!("leaf.crt")).into_owned();
        let int = String::from_utf8_lossy(fx!("intermediate-ca.pem")).into_owned();
        let indent = |s: &str| s.lines().map(|l| format!("    {l}\n")).collect::<String>();
        let yaml = format!(
            "apiVersion: v1\nkind: Secret\nstringData:\n  tls.crt: |\n{}  ca.crt: |\n{}",
            indent(&leaf),
            indent(&int)
        );
        let props = format!("server.ssl.cert={}\n", leaf.replace('\n', "\\n"));
        let pkg = fixture(&format!(
            "//- /deploy/secret.yaml\n{yaml}//- /conf/app.properties\n{props}"
        ));
        let r = scan_bytes(&pkg);
        let yaml_certs = inventory(&r, "deploy/secret.yaml");
        assert_eq!(yaml_certs.len(), 2);
        let lines: Vec<Option<u32>> = certificate_findings(&r)
            .into_iter()
            .filter(|f| f.rule == "certificate.inventory" && f.path == "deploy/secret.yaml")
            .map(|f| f.line)
            .collect();
        assert_eq!(lines, [Some(5), Some(24)]);
        assert_eq!(inventory(&r, "conf/app.properties").len(), 1);
        // The YAML's intermediate completes both leaves' chains; only the root is missing.
        let missing: Vec<(String, Severity)> = certificate_findings(&r)
            .into_iter()
            .filter(|f| f.rule == "certificate.missing-issuer")
            .map(|f| (f.path.clone(), f.severity))
            .collect();
        assert_eq!(missing, [("deploy/secret.yaml".to_string(), Severity::Info)]);
    }
}

fn ids(r: &Report, rule: &str, path: &str) -> Vec<String> {
    r.findings
        .iter()
        .filter(|f| f.rule == rule && f.path == path)
        .map(|f| f.id.clone())
        .collect()
}

fn related_of(r: &Report, id: &str) -> Vec<String> {
    r.findings
        .iter()
        .find(|f| f.id == id)
        .map(|f| f.related.clone())
        .unwrap_or_default()
}

case! {
    fn private_keys_are_linked_to_their_certificates() {
        let pkg = zip_of(&[
            // Public keys match: different names.
            ("etc/ssl/app/fullchain.pem", fx!("fullchain.pem")),
            ("etc/ssl/app/secret-material.pem", fx!("leaf.key")),
            // Key and certificate in one file.
            ("etc/ssl/api/api.pem", fx!("api-combined.pem")),
        ]);
        let r = scan_bytes(&pkg);
        let key = ids(&r, "credential.private-key", "etc/ssl/app/secret-material.pem");
        assert_eq!(key.len(), 1, "{}", r.to_json());
        let leaf = ids(&r, "certificate.inventory", "etc/ssl/app/fullchain.pem");
        assert_eq!(leaf.len(), 3);
        let (Some(key), Some(leaf)) = (key.first(), leaf.first()) else { return };
        assert_eq!(related_of(&r, key), std::slice::from_ref(leaf));
        assert_eq!(related_of(&r, leaf), std::slice::from_ref(key));
        // The CA certificates of the chain are not the key's.
        for other in ids(&r, "certificate.inventory", "etc/ssl/app/fullchain.pem").iter().skip(1) {
            assert!(related_of(&r, other).is_empty());
        }
        let api_key = ids(&r, "credential.private-key", "etc/ssl/api/api.pem");
        let api_cert = ids(&r, "certificate.inventory", "etc/ssl/api/api.pem");
        assert_eq!(api_key.len(), 1);
        let (Some(k), Some(c)) = (api_key.first(), api_cert.first()) else { return };
        assert_eq!(related_of(&r, k), std::slice::from_ref(c));
        assert_eq!(related_of(&r, c), std::slice::from_ref(k));
        let api = inventory(&r, "etc/ssl/api/api.pem");
        assert_eq!(api.first().and_then(|c| c.private_key.as_deref()), Some("etc/ssl/api/api.pem"));
    }
}

case! {
    fn ids_are_stable_and_keyed_by_fingerprint() {
        let a = scan_bytes(&package());
        let b = scan_bytes(&zip_of(&[
            ("etc/ssl/ed25519.pem", fx!("ed25519.pem")),
            ("etc/ssl/expired.pem", fx!("expired.pem")),
        ]));
        let expired = |r: &Report| ids(r, "certificate.expired", "etc/ssl/expired.pem");
        assert_eq!(expired(&a), expired(&b));
        assert_eq!(expired(&a).len(), 1);
    }
}

#[cfg(not(target_arch = "wasm32"))]
#[test]
fn reports_with_certificates_match_the_schema() {
    let schema: serde_json::Value =
        serde_json::from_str(include_str!("../../schema/preflight-report-1.schema.json"))
            .unwrap_or_default();
    let validator = jsonschema::options()
        .should_validate_formats(true)
        .build(&schema);
    assert!(validator.is_ok(), "{:?}", validator.err());
    let Ok(validator) = validator else { return };
    let mut pkg_entries: Vec<(&str, &[u8])> = vec![
        ("opt/app/keystore.p12", fx!("app.p12")),
        ("opt/app/truststore.jks", fx!("truststore.jks")),
        ("etc/ssl/shuffled.pem", fx!("shuffled-bundle.pem")),
        ("etc/ssl/root.der", fx!("root-ca.der")),
        ("etc/ssl/app/privkey.pem", fx!("leaf.key")),
    ];
    let packaged = package();
    pkg_entries.push(("nested.zip", &packaged));
    let r = scan_with(&zip_of(&pkg_entries), &profile(WINDOW_PROFILE));
    assert!(certificate_findings(&r).len() > 20);
    let doc: serde_json::Value = serde_json::from_str(&r.to_json()).unwrap_or_default();
    let errors: Vec<String> = validator
        .iter_errors(&doc)
        .map(|e| format!("at '{}': {e}", e.instance_path()))
        .collect();
    assert!(errors.is_empty(), "{errors:#?}");
    // And the report reads back.
    let back = Report::from_json(&r.to_json());
    assert_eq!(back.ok().map(|b| b.findings), Some(r.findings));
}
