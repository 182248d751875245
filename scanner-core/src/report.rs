//! The report model: what a scan returns, and what `preflight-report/1` serialises.
//!
//! These are plain Rust types. Their serde attributes are the JSON contract
//! (`../shared/report-contract.md`, schema in `schema/preflight-report-1.schema.json`):
//! fields may be added, none renamed or removed without a new schema id.

use serde::{Deserialize, Serialize};
use std::fmt;

mod certificate;
mod config;
mod inventory;
mod migration;
mod unit;

pub use certificate::CertificateInfo;
pub use config::ConfigInfo;
pub use inventory::InventoryInfo;
pub use migration::{MigrationInfo, MigrationStep};
pub use unit::UnitInfo;

/// The schema id written into every report.
pub const SCHEMA_ID: &str = "preflight-report/1";

/// How much a finding matters to the upgrade. Ordered from least to most severe.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    /// Worth knowing; nothing to do.
    Info,
    /// Check it when there is time.
    Low,
    /// Check it before the window.
    Medium,
    /// Fix or plan around it before the window.
    High,
    /// Will hurt the upgrade unless acted on.
    Critical,
}

impl Severity {
    /// All severities, most severe first.
    pub const ALL: [Severity; 5] = [
        Severity::Critical,
        Severity::High,
        Severity::Medium,
        Severity::Low,
        Severity::Info,
    ];

    /// The lowercase word used in the contract and on screen.
    pub fn as_str(self) -> &'static str {
        match self {
            Severity::Info => "info",
            Severity::Low => "low",
            Severity::Medium => "medium",
            Severity::High => "high",
            Severity::Critical => "critical",
        }
    }
}

impl fmt::Display for Severity {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl std::str::FromStr for Severity {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Severity::ALL
            .into_iter()
            .find(|v| v.as_str().eq_ignore_ascii_case(s))
            .ok_or_else(|| {
                format!("unknown severity '{s}' (expected critical, high, medium, low or info)")
            })
    }
}

/// What a finding is about. One tab in the page per category.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Category {
    /// Cron, timers, CronJobs and other scheduled tasks.
    Schedule,
    /// URLs, connection strings, hosts.
    Endpoint,
    /// Hard-coded secrets.
    Credential,
    /// Database migrations.
    Migration,
    /// Systemd units.
    Unit,
    /// X.509 certificates and keystores.
    Certificate,
    /// Deprecated or removed configuration keys.
    Config,
    /// Installed versions and upgrade paths.
    Inventory,
    /// The package itself: hygiene, limits, unreadable entries.
    Archive,
}

impl Category {
    /// All categories in the order the page shows them.
    pub const ALL: [Category; 9] = [
        Category::Schedule,
        Category::Endpoint,
        Category::Credential,
        Category::Migration,
        Category::Unit,
        Category::Certificate,
        Category::Config,
        Category::Inventory,
        Category::Archive,
    ];

    /// The lowercase word used in the contract.
    pub fn as_str(self) -> &'static str {
        match self {
            Category::Schedule => "schedule",
            Category::Endpoint => "endpoint",
            Category::Credential => "credential",
            Category::Migration => "migration",
            Category::Unit => "unit",
            Category::Certificate => "certificate",
            Category::Config => "config",
            Category::Inventory => "inventory",
            Category::Archive => "archive",
        }
    }

    /// A plural label for headings ("Schedules").
    pub fn label(self) -> &'static str {
        match self {
            Category::Schedule => "Schedules",
            Category::Endpoint => "Endpoints",
            Category::Credential => "Credentials",
            Category::Migration => "Migrations",
            Category::Unit => "Units",
            Category::Certificate => "Certificates",
            Category::Config => "Config",
            Category::Inventory => "Inventory",
            Category::Archive => "Archive",
        }
    }
}

impl fmt::Display for Category {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// One thing in the package that can hurt the upgrade.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Finding {
    /// Stable fingerprint: the same finding in the same place has the same id across runs
    /// (see [`crate::scan`] for how it is derived).
    pub id: String,
    /// What the finding is about.
    pub category: Category,
    /// Rule id, e.g. `archive.path-traversal`; see [`crate::rules`].
    pub rule: String,
    /// How much it matters.
    pub severity: Severity,
    /// One line a person reads.
    pub title: String,
    /// Entry path inside the package; nested archives joined with `!/`.
    /// Empty for findings about the package as a whole.
    pub path: String,
    /// 1-based line, when the finding is tied to one.
    pub line: Option<u32>,
    /// Short excerpt, secrets redacted.
    pub evidence: String,
    /// Ids of linked findings.
    #[serde(default)]
    pub related: Vec<String>,
    /// Present when `category` is `schedule`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub schedule: Option<ScheduleInfo>,
    /// Present when `category` is `endpoint`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub endpoint: Option<EndpointInfo>,
    /// Present when `category` is `credential`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub credential: Option<CredentialInfo>,
    /// Present when `category` is `migration`. Extension to the contract.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub migration: Option<MigrationInfo>,
    /// Present when `category` is `unit`. Extension to the contract.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub unit: Option<UnitInfo>,
    /// Present when `category` is `certificate`. Extension to the contract.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub certificate: Option<CertificateInfo>,
    /// Present on deprecation findings of the `config` category. Extension to the contract.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub config: Option<ConfigInfo>,
    /// Present when `category` is `inventory`. Extension to the contract.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub inventory: Option<InventoryInfo>,
}

/// A place the package talks to.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct EndpointInfo {
    /// As found, with any credentials removed.
    pub url: String,
    /// `sftp`, `https`, `jdbc:postgresql`, `unc`, `scp`, `host` (a bare host value), `ip`...
    pub scheme: String,
    /// Host name or address (lowercase).
    pub host: String,
    /// Port, given or the scheme's default.
    pub port: Option<u16>,
    /// `runtime`, `documentation` or `local`.
    pub class: String,
    /// The host is in the profile's `retired_hosts`.
    pub retired: bool,
}

/// A secret the package carries, never in clear.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CredentialInfo {
    /// `password`, `aws-access-key`, `private-key`...
    pub kind: String,
    /// Masked value: its first characters and its length, e.g. `Wi******** (11)`.
    pub redacted: String,
}

/// What a scheduled task is, when it fires, and whether it fires inside the maintenance window.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ScheduleInfo {
    /// Format: `cron`, `cron-periodic`, `anacron`, `systemd-timer`, `k8s-cronjob`,
    /// `windows-task`, `quartz`, `spring`, `github-actions`, `jenkins`, `celery`.
    pub kind: String,
    /// The schedule as written in the file.
    pub expression: String,
    /// IANA zone the schedule is evaluated in (the file's own, else the profile's).
    pub timezone: Option<String>,
    /// When it fires, in words.
    pub description: String,
    /// What it runs.
    pub command: Option<String>,
    /// Who it runs as.
    pub user: Option<String>,
    /// The next firings after the reference time (RFC 3339, UTC).
    pub next_runs: Vec<String>,
    /// `always`, `may` or `never` against the profile's maintenance window; `None` without one.
    pub window: Option<String>,
    /// Firings inside the maintenance window (RFC 3339, UTC). Extension to the contract.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub window_runs: Vec<String>,
    /// Firings in the week the page draws (see `schedule::timeline`), at most 2,100.
    /// Extension to the contract.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub week_runs: Vec<String>,
    /// False for tasks that never fire (suspended, disabled, not understood). Extension to the
    /// contract; written only when false.
    #[serde(default = "default_true", skip_serializing_if = "is_true")]
    pub enabled: bool,
    /// The package entry the command runs, when it is in the package. Extension to the contract.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub entry: Option<String>,
    /// Package files the task reads: sourced by its script (`. /etc/acme/env`), or named as
    /// configuration by the script or the command line. Extension to the contract.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub sources: Vec<String>,
}

/// Something that could not be read, and why. Not a risk in itself, but the reviewer must know
/// what was not looked at.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Diagnostic {
    /// Entry path (`!/`-joined), or empty for the package.
    pub path: String,
    /// What could not be read and why.
    pub message: String,
}

/// Facts about the scanned package file.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct PackageInfo {
    /// File name as given by the caller.
    pub name: String,
    /// Lowercase hex SHA-256 of the package bytes.
    pub sha256: String,
    /// Bytes of the package file.
    pub size: u64,
    /// File entries of the top-level archive (directories excluded).
    pub entries: u64,
    /// Total declared uncompressed size of those entries.
    pub uncompressed_bytes: u64,
    /// Container format of the package (`zip`, `tar`, `tar.gz`, `gzip`). Extension to the contract.
    #[serde(default)]
    pub format: String,
}

/// The name and version of the tool that wrote a report.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ToolInfo {
    /// Always `preflight`.
    pub name: String,
    /// The scanner-core version.
    pub version: String,
}

impl Default for ToolInfo {
    fn default() -> Self {
        ToolInfo {
            name: "preflight".into(),
            version: env!("CARGO_PKG_VERSION").into(),
        }
    }
}

/// What kind of entry a [`FileEntry`] is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum FileKind {
    /// Decoded as text and given to the text detectors.
    Text,
    /// Recognised as binary; text detectors skip it.
    Binary,
    /// A nested archive that was opened; its entries follow with this path as prefix.
    Archive,
    /// A symbolic link entry.
    Symlink,
    /// Not read: encrypted, over a limit, or unreadable (a finding or diagnostic says why).
    Skipped,
}

/// One file entry of the package, for the file tree. Extension to the contract.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct FileEntry {
    /// `!/`-joined path.
    pub path: String,
    /// Declared uncompressed size in bytes.
    pub size: u64,
    /// How the scanner treated the entry.
    pub kind: FileKind,
    /// Text encoding when `kind` is `text` (`utf-8`, `utf-16le`, `utf-16be`, `latin-1`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub encoding: Option<String>,
}

/// A whole scan result: the `preflight-report/1` document.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Report {
    /// Always [`SCHEMA_ID`].
    pub schema: String,
    /// Who wrote it.
    pub tool: ToolInfo,
    /// The package that was scanned.
    pub package: PackageInfo,
    /// The instant used as "now" (RFC 3339, UTC).
    pub reference_time: String,
    /// Findings, most severe first, then by path and line.
    pub findings: Vec<Finding>,
    /// The generated checklist (see [`crate::checklist`]).
    #[serde(default)]
    pub checklist: Vec<ChecklistItem>,
    /// What could not be read and why.
    pub diagnostics: Vec<Diagnostic>,
    /// Every file entry, in walk order. Extension to the contract.
    #[serde(default)]
    pub files: Vec<FileEntry>,
    /// False when the scan stopped early (cancelled by the caller). Extension to the contract.
    #[serde(default = "default_true")]
    pub complete: bool,
}

fn default_true() -> bool {
    true
}

fn is_true(b: &bool) -> bool {
    *b
}

/// One step of the generated checklist.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ChecklistItem {
    /// Stable id.
    pub id: String,
    /// `preflight`, `cleanup` or `rollback`.
    pub phase: String,
    /// What to do.
    pub text: String,
    /// Ids of the findings behind this step.
    #[serde(default)]
    pub findings: Vec<String>,
    /// The reviewer ticked the step (written by exports with the checklist state; never set by
    /// a scan). Extension to the contract; written only when true.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub done: bool,
    /// The reviewer's note on the step (exports only, like `done`). Extension to the contract;
    /// written only when not empty.
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub note: String,
}

impl Report {
    /// Serialise as pretty `preflight-report/1` JSON.
    pub fn to_json(&self) -> String {
        // Serialising plain data with string keys cannot fail.
        serde_json::to_string_pretty(self).unwrap_or_default()
    }

    /// Read a `preflight-report/1` document back (the page's "reopen a report").
    pub fn from_json(text: &str) -> Result<Report, String> {
        let report: Report = serde_json::from_str(text).map_err(|e| e.to_string())?;
        if report.schema != SCHEMA_ID {
            return Err(format!(
                "unsupported report schema '{}' (expected {SCHEMA_ID})",
                report.schema
            ));
        }
        Ok(report)
    }

    /// Number of findings per severity, in [`Severity::ALL`] order.
    pub fn counts_by_severity(&self) -> [usize; 5] {
        count_by_severity(&self.findings)
    }

    /// The most severe finding's severity, if any.
    pub fn max_severity(&self) -> Option<Severity> {
        self.findings.iter().map(|f| f.severity).max()
    }
}

/// Number of findings per severity, in [`Severity::ALL`] order.
pub fn count_by_severity(findings: &[Finding]) -> [usize; 5] {
    let mut counts = [0; 5];
    for f in findings {
        if let Some(i) = Severity::ALL.iter().position(|s| *s == f.severity) {
            counts[i] += 1;
        }
    }
    counts
}

/// The order findings are listed in: most severe first, then path, line, rule, title and id (a
/// total order, so a report reads the same however its scan was split).
pub fn finding_order(a: &Finding, b: &Finding) -> std::cmp::Ordering {
    b.severity
        .cmp(&a.severity)
        .then_with(|| a.path.cmp(&b.path))
        .then_with(|| a.line.cmp(&b.line))
        .then_with(|| a.rule.cmp(&b.rule))
        .then_with(|| a.title.cmp(&b.title))
        .then_with(|| a.id.cmp(&b.id))
}
