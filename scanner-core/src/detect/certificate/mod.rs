//! Certificates and key stores: validity against "now" and the maintenance window, keys,
//! signatures and chains.
//!
//! ## What it does
//! - Reads PEM blocks in every text entry, wherever they are: `.pem`/`.crt` files and bundles,
//!   and blocks embedded in YAML, properties, JSON strings or XML ([`pem`]). `CERTIFICATE`,
//!   `X509 CERTIFICATE` and `TRUSTED CERTIFICATE` blocks are certificates; `PKCS7` blocks are
//!   certificate bundles.
//! - Asks for the bytes of binary entries that start like a DER certificate, a PKCS#7 bundle
//!   or a key store, or that carry a certificate extension and start with a DER SEQUENCE
//!   ([`store`]). Key stores (PKCS#12, JKS, JCEKS, BKS, BCFKS) are reported by format and not
//!   opened: that needs their password.
//! - Describes each certificate ([`parse`]): subject, issuer, SANs, validity, key, signature
//!   algorithm, serial, fingerprint, CA flag, key identifiers.
//! - After the walk ([`Detector::finish`]) works out chains across the whole package
//!   ([`chain`]), pairs certificates with PEM private keys whose public key matches, and reports
//!   each certificate: one `certificate.inventory` finding carrying the full
//!   [`CertificateInfo`], plus one finding per problem.
//! - [`link_keys`], called by the scan once every finding has its id, relates certificate
//!   findings and the credential detector's private-key findings.
//!
//! ## Why is this bad?
//! An upgrade installs certificates on the vendor's schedule, not on the certificates' own:
//! one that expires during the window, a weak key a newer TLS library refuses, or a bundle
//! missing its intermediate breaks connections right after the upgrade, when the change is
//! blamed first and the certificate last.
//!
//! Work is bounded: at most 500 PEM blocks and 500 certificates per entry, 5,000
//! certificates kept for chains (later ones are reported at once, without chain details),
//! 5,000 private-key ids.

pub mod chain;
pub mod der;
pub mod link;
pub mod parse;
pub mod pem;
pub mod store;
#[cfg(test)]
mod tests;

pub use link::link_keys;

use super::{Detector, EntryInfo, NewFinding, Scope, TextEntry};
use crate::profile::Profile;
use crate::report::{CertificateInfo, Severity};
use crate::rules::certificate::{
    CERTIFICATE_CHAIN_ORDER, CERTIFICATE_EXPIRED, CERTIFICATE_EXPIRING, CERTIFICATE_INVENTORY,
    CERTIFICATE_KEYSTORE, CERTIFICATE_MISSING_ISSUER, CERTIFICATE_NOT_YET_VALID,
    CERTIFICATE_UNREADABLE, CERTIFICATE_WEAK_KEY, CERTIFICATE_WEAK_SIGNATURE, RULES,
};
use crate::rules::Rule;
use chain::{Issuer, Node};
use chrono::{DateTime, Duration, Timelike, Utc};
use memchr::memmem;
use parse::Cert;
use sha2::{Digest, Sha256};
use std::collections::{BTreeMap, HashSet};

/// Whether a text has the start of a PEM block.
fn has_pem(text: &str) -> bool {
    memmem::find(text.as_bytes(), b"-----BEGIN ").is_some()
}

/// Certificates kept for chain building.
const MAX_RECORDS: usize = 5_000;
/// Private-key ids kept for pairing.
const MAX_KEYS: usize = 5_000;
/// Subject names remembered once [`MAX_RECORDS`] is reached, so issuers are still found.
const MAX_SUBJECTS: usize = 200_000;
/// Without a maintenance window, certificates expiring this close to "now" are reported.
const SOON_DAYS: i64 = 30;

/// A certificate and where it was found.
#[derive(Debug)]
struct Record {
    file: u32,
    path: String,
    line: Option<u32>,
    position: u32,
    cert: Cert,
}

/// A PEM private key's public-key id.
#[derive(Debug)]
struct KeyRecord {
    path: String,
    line: u32,
    id: [u8; 32],
}

/// A problem with one certificate.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Issue {
    /// The rule.
    pub rule: &'static Rule,
    /// Severity, when not the rule's.
    pub severity: Option<Severity>,
    /// Title.
    pub title: String,
}

/// The certificate detector.
pub struct Certificates {
    now: DateTime<Utc>,
    /// The maintenance window, in UTC.
    window: Option<(DateTime<Utc>, DateTime<Utc>)>,
    records: Vec<Record>,
    keys: Vec<KeyRecord>,
    /// SHA-256 of every subject name seen, for certificates beyond [`MAX_RECORDS`].
    subjects: HashSet<[u8; 32]>,
    /// Certificates reported at once because [`MAX_RECORDS`] was reached.
    overflow: usize,
    /// Key stores found (paths, at most a few).
    stores: Vec<String>,
    /// Files with certificates so far.
    files: u32,
}

impl Certificates {
    /// A detector for one scan with the profile's maintenance window and the caller's "now".
    pub fn new(profile: &Profile, now: DateTime<Utc>) -> Self {
        Certificates {
            now,
            window: profile
                .maintenance_window
                .map(|w| (w.start.with_timezone(&Utc), w.end.with_timezone(&Utc))),
            records: Vec::new(),
            keys: Vec::new(),
            subjects: HashSet::new(),
            overflow: 0,
            stores: Vec::new(),
            files: 0,
        }
    }

    fn next_file(&mut self) -> u32 {
        self.files = self.files.saturating_add(1);
        self.files
    }

    fn add(
        &mut self,
        entry: &EntryInfo<'_>,
        line: Option<u32>,
        file: u32,
        position: u32,
        cert: Cert,
        out: &mut Vec<NewFinding>,
    ) {
        if self.subjects.len() < MAX_SUBJECTS {
            self.subjects
                .insert(Sha256::digest(&cert.subject_raw).into());
        }
        let record = Record {
            file,
            path: entry.path.to_string(),
            line,
            position,
            cert,
        };
        if self.records.len() < MAX_RECORDS {
            self.records.push(record);
        } else {
            self.overflow += 1;
            let mut info = record.cert.info.clone();
            info.position = Some(position);
            let issues = issues(&record.cert, self.now, self.window);
            emit(&record, info, issues, out);
        }
    }

    fn unreadable(
        &self,
        entry: &EntryInfo<'_>,
        line: Option<u32>,
        format: &str,
        bytes: &[u8],
        out: &mut Vec<NewFinding>,
    ) {
        let mut f = NewFinding::new(
            &CERTIFICATE_UNREADABLE,
            entry.path,
            match line {
                Some(l) => format!("Certificate at line {l} cannot be read"),
                None => "Certificate file cannot be read".to_string(),
            },
        )
        .evidence(format!(
            "{} bytes of DER that are not an X.509 certificate",
            bytes.len()
        ))
        .key(der::hex(Sha256::digest(bytes).get(..8).unwrap_or(&[])));
        if let Some(l) = line {
            f = f.line(l);
        }
        f.certificate = Some(CertificateInfo {
            format: format.to_string(),
            ..CertificateInfo::default()
        });
        out.push(sample_cap(f));
    }

    /// DER certificates one after another (a `.der` file, one PKCS#7 member).
    fn certs_of_der(
        &mut self,
        entry: &EntryInfo<'_>,
        file: u32,
        position: &mut u32,
        bytes: &[u8],
        format: &str,
        out: &mut Vec<NewFinding>,
    ) {
        let mut rest = bytes;
        let mut read = 0;
        while rest.first() == Some(&der::tag::SEQUENCE) && read < store::MAX_CERTS {
            let Some((cert, after)) = parse::parse(rest, format) else {
                // Only what starts like a certificate is one that cannot be read: a `.der`
                // file may as well hold a key or parameters.
                if read == 0 && store::looks_like_x509(rest) {
                    self.unreadable(entry, None, format, rest, out);
                }
                return;
            };
            read += 1;
            *position += 1;
            self.add(entry, None, file, *position, cert, out);
            rest = after;
        }
    }
}

impl Detector for Certificates {
    fn name(&self) -> &'static str {
        "certificates"
    }

    fn rules(&self) -> &'static [Rule] {
        RULES
    }

    /// Chains, key pairs and the missing-issuer check compare certificates across files.
    fn scope(&self) -> Scope {
        Scope::Package
    }

    /// Only a text with a PEM block can hold a certificate or a key: the same test that opens
    /// [`Detector::check_text`].
    fn wants_text(&self, _entry: &EntryInfo<'_>, text: &str) -> bool {
        has_pem(text)
    }

    fn check_text(
        &mut self,
        entry: &EntryInfo<'_>,
        text: &TextEntry<'_>,
        out: &mut Vec<NewFinding>,
    ) {
        if !has_pem(text.text) {
            return;
        }
        let blocks = pem::blocks(text.text);
        let file = self.next_file();
        let mut position = 0u32;
        for b in &blocks {
            match b.label {
                "CERTIFICATE" | "X509 CERTIFICATE" | "TRUSTED CERTIFICATE" => {
                    let Some(bytes) = b.decode() else { continue };
                    if position as usize >= store::MAX_CERTS {
                        continue;
                    }
                    match parse::parse(&bytes, "pem") {
                        Some((cert, _)) => {
                            position += 1;
                            self.add(entry, Some(b.line), file, position, cert, out);
                        }
                        None if bytes.first() == Some(&der::tag::SEQUENCE) => {
                            self.unreadable(entry, Some(b.line), "pem", &bytes, out);
                        }
                        None => {}
                    }
                }
                "PKCS7" | "CMS" => {
                    let Some(bytes) = b.decode() else { continue };
                    for c in store::pkcs7_certs(&bytes).unwrap_or_default() {
                        if position as usize >= store::MAX_CERTS {
                            break;
                        }
                        if let Some((cert, _)) = parse::parse(c, "pkcs7") {
                            position += 1;
                            self.add(entry, Some(b.line), file, position, cert, out);
                        }
                    }
                }
                "RSA PRIVATE KEY" | "EC PRIVATE KEY" | "PRIVATE KEY" => {
                    if self.keys.len() >= MAX_KEYS {
                        continue;
                    }
                    let Some(bytes) = b.decode() else { continue };
                    if let Some(id) = parse::private_key_id(b.label, &bytes) {
                        self.keys.push(KeyRecord {
                            path: entry.path.to_string(),
                            line: b.line,
                            id,
                        });
                    }
                }
                _ => {}
            }
        }
    }

    fn wants_binary(&self, entry: &EntryInfo<'_>, head: &[u8]) -> bool {
        let ext = store::extension(entry.name);
        store::sniff_store(&ext, head).is_some()
            || store::looks_like_x509(head)
            || store::looks_like_pkcs7(head)
            || (head.first() == Some(&der::tag::SEQUENCE)
                && store::CERT_EXTENSIONS.contains(&ext.as_str()))
    }

    fn check_binary(&mut self, entry: &EntryInfo<'_>, bytes: &[u8], out: &mut Vec<NewFinding>) {
        let ext = store::extension(entry.name);
        if let Some(s) = store::sniff_store(&ext, bytes) {
            if self.stores.len() < 5 {
                self.stores.push(entry.path.to_string());
            }
            out.push(keystore_finding(entry.path, s));
            return;
        }
        let file = self.next_file();
        let mut position = 0u32;
        if store::looks_like_pkcs7(bytes) {
            for c in store::pkcs7_certs(bytes).unwrap_or_default() {
                self.certs_of_der(entry, file, &mut position, c, "pkcs7", out);
            }
        } else if bytes.first() == Some(&der::tag::SEQUENCE) {
            self.certs_of_der(entry, file, &mut position, bytes, "der", out);
        }
    }

    fn finish(&mut self, out: &mut Vec<NewFinding>) {
        let records = std::mem::take(&mut self.records);
        let nodes: Vec<Node<'_>> = records
            .iter()
            .map(|r| Node {
                file: r.file,
                dir: r.path.rsplit_once('/').map_or("", |(d, _)| d),
                position: r.position,
                cert: &r.cert,
            })
            .collect();
        let issuers = chain::issuers(&nodes);
        let mut infos: Vec<CertificateInfo> = Vec::with_capacity(records.len());
        for (i, r) in records.iter().enumerate() {
            let mut info = r.cert.info.clone();
            info.position = Some(r.position);
            if let Some(Issuer::Found(j)) = issuers.get(i) {
                info.issuer_sha256 = records.get(*j).and_then(|c| c.cert.info.sha256.clone());
            }
            if let Some(k) = r.cert.key_id.and_then(|id| self.key_for(&r.path, id)) {
                info.private_key = Some(k.path.clone());
                info.private_key_line = Some(k.line);
            }
            infos.push(info);
        }
        for (i, r) in records.iter().enumerate() {
            let Some(info) = infos.get(i) else { continue };
            let mut found = issues(&r.cert, self.now, self.window);
            match issuers.get(i) {
                Some(Issuer::Missing | Issuer::NameOnly)
                    if self.overflow == 0
                        || !self
                            .subjects
                            .contains(&<[u8; 32]>::from(Sha256::digest(&r.cert.issuer_raw))) =>
                {
                    found.push(self.missing_issuer(r, issuers.get(i) == Some(&Issuer::NameOnly)));
                }
                _ => {}
            }
            emit(r, info.clone(), found, out);
        }
        // Bundles, in file order.
        let mut files: BTreeMap<u32, Vec<usize>> = BTreeMap::new();
        for (i, r) in records.iter().enumerate() {
            files.entry(r.file).or_default().push(i);
        }
        for members in files.values() {
            let Some(p) = chain::order(&nodes, &issuers, members) else {
                continue;
            };
            let (Some(r), Some(info)) = (records.get(p.at), infos.get(p.at)) else {
                continue;
            };
            let mut f = NewFinding::new(&CERTIFICATE_CHAIN_ORDER, &r.path, p.title)
                .evidence(p.evidence)
                .key("order");
            if !p.has_leaf {
                f = f.severity(Severity::Low);
            }
            if let Some(l) = r.line {
                f = f.line(l);
            }
            f.certificate = Some(info.clone());
            out.push(sample_cap(f));
        }
    }
}

impl Certificates {
    /// The private key with this public-key id: in the same entry, else the same directory,
    /// else anywhere.
    fn key_for(&self, path: &str, id: [u8; 32]) -> Option<&KeyRecord> {
        let dir = |p: &str| p.rsplit_once('/').map_or("", |(d, _)| d).to_string();
        let matching = || self.keys.iter().filter(move |k| k.id == id);
        matching()
            .find(|k| k.path == path)
            .or_else(|| matching().find(|k| dir(&k.path) == dir(path)))
            .or_else(|| matching().next())
    }

    fn missing_issuer(&self, r: &Record, other_key: bool) -> Issue {
        let c = &r.cert;
        let leaf = c.info.role.as_deref() == Some("leaf");
        let mut title = if leaf {
            format!(
                "Issuer of {} is not in the package: {}",
                c.name, c.info.issuer
            )
        } else {
            format!(
                "Chain of {} ends at {}, which is not in the package",
                c.name, c.info.issuer
            )
        };
        if other_key {
            title.push_str(" (a certificate with that name but another key is)");
        }
        if !self.stores.is_empty() {
            title.push_str("; key stores were not opened");
        }
        Issue {
            rule: &CERTIFICATE_MISSING_ISSUER,
            severity: (!leaf).then_some(Severity::Info),
            title,
        }
    }
}

/// A date for titles: the day, with the time when it is not midnight UTC.
fn when(t: DateTime<Utc>) -> String {
    if t.hour() == 0 && t.minute() == 0 && t.second() == 0 {
        t.format("%Y-%m-%d").to_string()
    } else {
        t.format("%Y-%m-%d %H:%M UTC").to_string()
    }
}

/// The problems of one certificate on its own: validity against `now` and the window, key and
/// signature.
pub fn issues(
    c: &Cert,
    now: DateTime<Utc>,
    window: Option<(DateTime<Utc>, DateTime<Utc>)>,
) -> Vec<Issue> {
    let mut out = Vec::new();
    let root = c.info.role.as_deref() == Some("root");
    let name = &c.name;
    if c.not_after <= now {
        out.push(Issue {
            rule: &CERTIFICATE_EXPIRED,
            severity: root.then_some(Severity::Medium),
            title: format!(
                "Certificate {name} expired on {} ({} days ago)",
                when(c.not_after),
                (now - c.not_after).num_days()
            ),
        });
    } else if let Some((start, _)) = window.filter(|(_, end)| c.not_after < *end) {
        let during = if c.not_after >= start {
            "during the maintenance window"
        } else {
            "before the maintenance window"
        };
        out.push(Issue {
            rule: &CERTIFICATE_EXPIRING,
            severity: None,
            title: format!("Certificate {name} expires {}, {during}", when(c.not_after)),
        });
    } else if c.not_after < now + Duration::days(SOON_DAYS) {
        // Soon after the window, or soon when no window is set: the upgraded system meets it
        // in its first weeks.
        let days = (c.not_after - now).num_days();
        out.push(Issue {
            rule: &CERTIFICATE_EXPIRING,
            severity: Some(Severity::Medium),
            title: format!(
                "Certificate {name} expires in {days} day{} ({}){}",
                if days == 1 { "" } else { "s" },
                when(c.not_after),
                if window.is_some() {
                    ", soon after the maintenance window"
                } else {
                    ""
                }
            ),
        });
    }
    if c.not_before > now {
        let before_window = window.is_some_and(|(start, _)| c.not_before <= start);
        out.push(Issue {
            rule: &CERTIFICATE_NOT_YET_VALID,
            severity: before_window.then_some(Severity::Low),
            title: if before_window {
                format!(
                    "Certificate {name} becomes valid {}, before the maintenance window",
                    when(c.not_before)
                )
            } else {
                format!(
                    "Certificate {name} is not valid before {}",
                    when(c.not_before)
                )
            },
        });
    }
    if let Some(k) = &c.weak_key {
        out.push(Issue {
            rule: &CERTIFICATE_WEAK_KEY,
            severity: None,
            title: format!("Certificate {name} has a weak key ({k})"),
        });
    }
    if let Some(h) = c.weak_hash {
        let alg = c.info.signature_algorithm.as_deref().unwrap_or(h);
        out.push(if c.info.self_signed {
            Issue {
                rule: &CERTIFICATE_WEAK_SIGNATURE,
                severity: Some(Severity::Low),
                title: format!(
                    "{name} signs itself with {h} ({alg}); clients do not check a self-signed certificate's own signature"
                ),
            }
        } else {
            Issue {
                rule: &CERTIFICATE_WEAK_SIGNATURE,
                severity: None,
                title: format!("Certificate {name} is signed with {h} ({alg})"),
            }
        });
    }
    out
}

/// Evidence shared by a certificate's findings.
fn evidence(info: &CertificateInfo) -> String {
    let mut parts = vec![format!("subject: {}", info.subject)];
    if !info.issuer.is_empty() && !info.self_signed {
        parts.push(format!("issuer: {}", info.issuer));
    }
    if let (Some(a), Some(b)) = (&info.not_before, &info.not_after) {
        parts.push(format!("valid {a} to {b}"));
    }
    if let Some(fp) = &info.sha256 {
        parts.push(format!("SHA-256 {fp}"));
    }
    parts.join("; ")
}

/// Push the inventory finding and the issues of one certificate.
fn emit(r: &Record, info: CertificateInfo, issues: Vec<Issue>, out: &mut Vec<NewFinding>) {
    let key = info.sha256.clone().unwrap_or_default();
    let ev = evidence(&info);
    let until = info
        .not_after
        .as_deref()
        .map(|s| s.get(..10).unwrap_or(s))
        .unwrap_or("?");
    let title = format!(
        "Certificate {} ({}, {}, valid until {until})",
        r.cert.name,
        info.role.as_deref().unwrap_or("certificate"),
        info.key.as_deref().unwrap_or("unknown key"),
    );
    let make = |rule: &'static Rule, title: String| {
        let mut f = NewFinding::new(rule, &r.path, title)
            .evidence(ev.clone())
            .key(key.clone());
        if let Some(l) = r.line {
            f = f.line(l);
        }
        f.certificate = Some(info.clone());
        f
    };
    out.push(make(&CERTIFICATE_INVENTORY, title));
    for issue in issues {
        let mut f = make(issue.rule, issue.title);
        f.severity = issue.severity;
        out.push(sample_cap(f));
    }
}

fn keystore_finding(path: &str, s: store::Store) -> NewFinding {
    let lower = path.to_ascii_lowercase();
    let java_trust =
        lower.ends_with("lib/security/cacerts") || lower.ends_with("lib/security/jssecacerts");
    let entries = match s.entries {
        Some(1) => " with 1 entry".to_string(),
        Some(n) => format!(" with {n} entries"),
        None => String::new(),
    };
    let title = if java_trust {
        format!("Java runtime trust store ({}{entries}) not opened", s.label)
    } else {
        format!(
            "{} key store{entries} not opened (password needed)",
            s.label
        )
    };
    let mut f = NewFinding::new(&CERTIFICATE_KEYSTORE, path, title)
        .evidence(format!("{} key store", s.label))
        .key(s.format);
    if java_trust {
        f = f.severity(Severity::Info);
    }
    f.certificate = Some(CertificateInfo {
        format: s.format.to_string(),
        entries: s.entries,
        ..CertificateInfo::default()
    });
    sample_cap(f)
}

/// Findings under test, example and documentation folders are at most low: such
/// certificates are samples more often than not.
fn sample_cap(mut f: NewFinding) -> NewFinding {
    let sev = f.severity.unwrap_or(f.rule.severity);
    if sev > Severity::Low && is_sample_path(&f.path) {
        f.severity = Some(Severity::Low);
    }
    f
}

/// Directory names whose certificates are samples.
const SAMPLE_DIRS: &[&str] = &[
    "test",
    "tests",
    "testdata",
    "test-data",
    "testing",
    "fixtures",
    "example",
    "examples",
    "sample",
    "samples",
    "doc",
    "docs",
    "demo",
    "demos",
];

fn is_sample_path(path: &str) -> bool {
    let lower = path.to_ascii_lowercase();
    let mut parts: Vec<&str> = lower.split(['/', '!']).filter(|s| !s.is_empty()).collect();
    parts.pop();
    parts.iter().any(|d| SAMPLE_DIRS.contains(d))
}
