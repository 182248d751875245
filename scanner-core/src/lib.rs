//! Preflight's scanner: what in an upgrade package can hurt the upgrade.
//!
//! The crate takes a package as any `Read + Seek` source, a [`Profile`] and a reference instant
//! from its caller, and returns a [`Report`]. It does no I/O of its own, reads no clock and never
//! panics on package bytes: the page (through WebAssembly) and the `preflight` CLI are thin
//! shells around [`scan`].
//!
//! Data flows one way: bytes → [`archive`] walker → entries and decoded text → [`detect`]
//! detectors → findings with stable ids ([`scan`]) → [`Report`].
//!
//! ```
//! use scanner_core::{scan, NoSink, Profile, ScanInput};
//! # fn zip_with(name: &str, body: &[u8]) -> zip::result::ZipResult<Vec<u8>> {
//! #     use std::io::Write;
//! #     let mut w = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
//! #     w.start_file(name, zip::write::SimpleFileOptions::default())?;
//! #     w.write_all(body)?;
//! #     Ok(w.finish()?.into_inner())
//! # }
//! # fn main() -> Result<(), Box<dyn std::error::Error>> {
//! let package = zip_with("../../etc/cron.d/import", b"0 3 * * * root /opt/import.sh\n")?;
//! let profile = Profile::default();
//! let input = ScanInput {
//!     name: "upgrade.zip",
//!     profile: &profile,
//!     now: "2026-11-26T00:00:00Z".parse()?,
//! };
//! let report = scan(std::io::Cursor::new(package), &input, &mut NoSink)?;
//! assert_eq!(report.findings[0].rule, "archive.path-traversal");
//! println!("{}", report.to_json());
//! # Ok(())
//! # }
//! ```
#![deny(missing_docs)]

pub mod archive;
pub mod checklist;
pub mod detect;
pub mod export;
#[cfg(any(test, feature = "fuzz"))]
#[doc(hidden)]
pub mod fuzz;
pub mod profile;
pub mod report;
pub mod rules;
mod scan;
pub mod schedule;
pub mod shard;
pub mod story;
pub mod text;
pub mod version;

pub use archive::{ScanError, NESTED_SEPARATOR};
pub use profile::{Limits, Profile, ProfileError};
pub use report::{
    Category, ChecklistItem, ConfigInfo, CredentialInfo, Diagnostic, EndpointInfo, FileEntry,
    FileKind, Finding, InventoryInfo, PackageInfo, Report, Severity, ToolInfo, SCHEMA_ID,
};
pub use scan::{
    finding_id, hash, read_entry, scan, scan_unfiltered, EntryContent, NoSink, Phase, Progress,
    ScanInput, ScanSink,
};

/// Re-exported so callers can build the reference instant without a second chrono dependency.
pub use chrono::{DateTime, Utc};
