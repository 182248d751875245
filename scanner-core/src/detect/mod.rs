//! Detectors and their registry.
//!
//! A detector sees every entry of the package ([`Detector::check_entry`]: names, kinds,
//! flags) and the decoded text of every text entry ([`Detector::check_text`]), and pushes
//! [`NewFinding`]s. It never sees bytes it would have to parse for structure itself: the walker
//! has already opened nested archives and decoded text. [`registry`] lists them all; a new
//! detector joins by adding one line there.

pub mod certificate;
pub mod cleanup;
pub mod config;
pub mod credential;
pub mod endpoint;
mod hygiene;
pub mod inventory;
pub mod migration;
pub mod schedule;
pub mod unit;

use crate::profile::Profile;
use crate::report::{
    CertificateInfo, ConfigInfo, CredentialInfo, EndpointInfo, InventoryInfo, MigrationInfo,
    ScheduleInfo, Severity, UnitInfo,
};
use crate::rules::Rule;
use crate::text::Encoding;
use chrono::{DateTime, Utc};

pub use hygiene::ArchiveHygiene;

/// What kind of entry the walker met.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub enum EntryType {
    /// A regular file.
    File,
    /// A directory record.
    Dir,
    /// A symbolic (or hard) link.
    Link,
}

/// An entry as every detector sees it, before any content is read.
#[derive(Debug, Clone, Copy)]
pub struct EntryInfo<'a> {
    /// Full `!/`-joined path.
    pub path: &'a str,
    /// The name as stored in its own container (the last `!/` segment), decoded.
    pub name: &'a str,
    /// What the entry is.
    pub kind: EntryType,
    /// Where a link points, when the container says.
    pub link_target: Option<&'a str>,
    /// The content is encrypted and was not read.
    pub encrypted: bool,
    /// The stored name was not valid UTF-8 and was decoded with a legacy code page.
    pub name_not_utf8: bool,
    /// Declared uncompressed size.
    pub size: u64,
    /// 0 for entries of the package itself, 1 inside a nested archive, ...
    pub depth: u32,
}

#[cfg(any(test, feature = "fuzz"))]
impl<'a> EntryInfo<'a> {
    /// A regular file of the package itself (depth 0), as detector tests and fuzz targets
    /// need one.
    pub(crate) fn test_file(path: &'a str, size: u64) -> Self {
        EntryInfo {
            path,
            name: path.rsplit('/').next().unwrap_or(path),
            kind: EntryType::File,
            link_target: None,
            encrypted: false,
            name_not_utf8: false,
            size,
            depth: 0,
        }
    }
}

/// A decoded text entry.
#[derive(Debug, Clone, Copy)]
pub struct TextEntry<'a> {
    /// The decoded text (possibly only the first `limits.max_entry_bytes`).
    pub text: &'a str,
    /// How it was decoded.
    pub encoding: Encoding,
}

/// A finding as a detector reports it; the scan adds the id and applies the profile.
#[derive(Debug, Clone, PartialEq)]
pub struct NewFinding {
    /// The rule that fired.
    pub rule: &'static Rule,
    /// Severity, when it differs from the rule's default.
    pub severity: Option<Severity>,
    /// Entry path (`!/`-joined).
    pub path: String,
    /// 1-based line.
    pub line: Option<u32>,
    /// One line a person reads.
    pub title: String,
    /// Short excerpt; never a secret in clear.
    pub evidence: String,
    /// What makes this finding itself, beyond rule and path: the matched text, a name.
    /// Feeds the stable id, so it must not depend on line numbers.
    pub key: String,
    /// The schedule, for `schedule` findings.
    pub schedule: Option<ScheduleInfo>,
    /// The endpoint, for `endpoint` findings.
    pub endpoint: Option<EndpointInfo>,
    /// The credential, for `credential` findings (masked).
    pub credential: Option<CredentialInfo>,
    /// The migration, for `migration` findings.
    pub migration: Option<MigrationInfo>,
    /// The unit, for `unit` findings.
    pub unit: Option<UnitInfo>,
    /// The certificate or key store, for `certificate` findings.
    pub certificate: Option<CertificateInfo>,
    /// The key and matrix row, for deprecation findings.
    pub config: Option<ConfigInfo>,
    /// The component and version, for `inventory` findings.
    pub inventory: Option<InventoryInfo>,
}

impl NewFinding {
    /// A finding with the rule's own severity and no line.
    pub fn new(rule: &'static Rule, path: &str, title: String) -> Self {
        NewFinding {
            rule,
            severity: None,
            path: path.to_string(),
            line: None,
            title,
            evidence: String::new(),
            key: String::new(),
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

    /// Set the evidence excerpt.
    pub fn evidence(mut self, evidence: impl Into<String>) -> Self {
        self.evidence = evidence.into();
        self
    }

    /// Set the identity key (see [`NewFinding::key`]).
    pub fn key(mut self, key: impl Into<String>) -> Self {
        self.key = key.into();
        self
    }

    /// Override the rule's severity.
    pub fn severity(mut self, severity: Severity) -> Self {
        self.severity = Some(severity);
        self
    }

    /// Tie the finding to a line.
    pub fn line(mut self, line: u32) -> Self {
        self.line = Some(line);
        self
    }
}

/// What a detector's findings depend on, which decides where it runs in a scan split over
/// several workers (see `scan::shard`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Scope {
    /// Only on the entry at hand: the detector runs in every worker, on that worker's entries.
    Entry,
    /// On other entries too (a task and the script it runs, a unit and who starts it, a
    /// certificate and its issuer): the detector runs once, over every entry in walk order, and
    /// is handed only the texts it [`Detector::wants_text`].
    Package,
    /// On other entries too, but what it keeps from each entry joins by appending: the
    /// detector runs where each part is walked (so the texts never travel), and the state of
    /// each part ([`Detector::save_state`]) is appended in part order
    /// ([`Detector::load_state`]) before [`Detector::finish`]. Appending the parts' states must
    /// give the state a single walk gives.
    Merged,
}

/// A check over the entries of a package.
pub trait Detector {
    /// Short name, for diagnostics.
    fn name(&self) -> &'static str;
    /// See [`Scope`]. `Package` unless the detector says otherwise, since that is always
    /// right: a `Package` detector sees every entry in walk order, whether the scan is split
    /// over workers or not. An `Entry` detector keeps no state between entries and has no
    /// [`Detector::finish`].
    fn scope(&self) -> Scope {
        Scope::Package
    }
    /// For a [`Scope::Package`] detector: whether [`Detector::check_text`] could do anything
    /// with this text (a finding or a change of state). Called where the text is decoded, so it
    /// must be cheap; a `false` must be certain, since the text is then never handed over. The
    /// default hands over everything.
    fn wants_text(&self, _entry: &EntryInfo<'_>, _text: &str) -> bool {
        true
    }
    /// For a [`Scope::Merged`] detector: take the state gathered so far, serialized.
    fn save_state(&mut self) -> String {
        String::new()
    }
    /// For a [`Scope::Merged`] detector: append the state one part saved.
    fn load_state(&mut self, _state: &str) {}
    /// Every rule this detector can emit.
    fn rules(&self) -> &'static [Rule];
    /// Called once per entry (files, directories and links), in walk order.
    fn check_entry(&mut self, _entry: &EntryInfo<'_>, _out: &mut Vec<NewFinding>) {}
    /// Called once per text entry, after [`Detector::check_entry`].
    fn check_text(
        &mut self,
        _entry: &EntryInfo<'_>,
        _text: &TextEntry<'_>,
        _out: &mut Vec<NewFinding>,
    ) {
    }
    /// Whether this detector wants the bytes of a binary entry (not text, not an archive);
    /// `head` is its first bytes. Say yes only for what you parse: reading costs.
    fn wants_binary(&self, _entry: &EntryInfo<'_>, _head: &[u8]) -> bool {
        false
    }
    /// Called with the bytes of a binary entry some detector asked for (see
    /// [`Detector::wants_binary`]): at most `limits.max_entry_bytes` of them.
    fn check_binary(&mut self, _entry: &EntryInfo<'_>, _bytes: &[u8], _out: &mut Vec<NewFinding>) {}
    /// Called once after the walk, for findings that need the whole package.
    fn finish(&mut self, _out: &mut Vec<NewFinding>) {}
}

/// Every detector, fresh for one scan with this profile and reference instant, of the package
/// file named `package` (its file name, for what only the name says: `acme-suite-3.0.zip`).
pub fn registry(profile: &Profile, now: DateTime<Utc>, package: &str) -> Vec<Box<dyn Detector>> {
    vec![
        Box::new(ArchiveHygiene),
        Box::new(schedule::Schedules::new(profile, now)),
        Box::new(credential::Credentials::new(profile)),
        Box::new(endpoint::Endpoints::new(profile)),
        Box::new(migration::Migrations::new(profile)),
        Box::new(unit::Units::new(profile)),
        Box::new(certificate::Certificates::new(profile, now)),
        Box::new(config::Configs::new(profile)),
        Box::new(inventory::Inventory::new(profile, package)),
        Box::new(cleanup::Cleanup::new(profile)),
    ]
}
