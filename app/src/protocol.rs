//! Messages between the page and the scan worker.
//!
//! Each message is a JS object `{ json, file? }`: `json` is one of the enums below as JSON, and
//! `file` is the package `Blob` itself, which the browser passes by reference (the worker reads
//! slices of it; the package is never copied through the message).

use scanner_core::{Diagnostic, FileEntry, FileKind, Finding, Report};
use serde::{Deserialize, Serialize};

/// Page to worker.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "kebab-case")]
pub enum Request {
    /// Scan the attached file.
    Scan {
        /// The file name as the user dropped it.
        name: String,
        /// Profile TOML (may be empty).
        profile: String,
        /// Reference instant, RFC 3339.
        now: String,
    },
    /// Read one entry of the attached file as text, for the source view.
    ReadEntry {
        /// Package file name.
        name: String,
        /// `!/`-joined entry path.
        path: String,
        /// Profile TOML, for its limits.
        profile: String,
    },
}

/// Worker to page.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "kebab-case")]
pub enum Response {
    /// The worker is ready for requests.
    Ready,
    /// Where the scan is.
    Progress {
        /// `hashing` or `scanning`.
        phase: String,
        /// Bytes of the package behind the scan.
        bytes_done: u64,
        /// Package size.
        bytes_total: u64,
        /// Entries visited.
        entries_done: u64,
        /// Entry being visited.
        current: String,
    },
    /// Results found since the last batch.
    Batch {
        /// New findings.
        findings: Vec<Finding>,
        /// New file entries.
        files: Vec<FileEntry>,
        /// New diagnostics.
        diagnostics: Vec<Diagnostic>,
    },
    /// The scan finished; `report.files` is empty (the files came in batches).
    Done {
        /// The final report.
        report: Box<Report>,
    },
    /// The package could not be scanned at all.
    Failed {
        /// Why, in words for the reviewer.
        message: String,
    },
    /// An entry's content, answering [`Request::ReadEntry`].
    Entry {
        /// The entry path asked for.
        path: String,
        /// How the scanner treats it; `None` when not found.
        kind: Option<FileKind>,
        /// Decoded text.
        text: Option<String>,
        /// Encoding name.
        encoding: Option<String>,
        /// Only the first part is shown.
        truncated: bool,
        /// Why it could not be read.
        error: Option<String>,
    },
    /// The worker hit an internal error and is gone.
    Crash {
        /// The panic message.
        message: String,
    },
}
