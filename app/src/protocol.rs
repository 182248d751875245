//! Messages between the page and the scan worker.
//!
//! Each message is a JS object `{ json, file?, output? }`: `json` is one of the enums below as
//! JSON; `file` is the package `Blob` itself, which the browser passes by reference (the worker
//! reads slices of it; the package is never copied through the message); `output` is a part's
//! [`scanner_core::shard::PartOutput`] as JSON bytes in an `ArrayBuffer` that is transferred,
//! not copied, from the worker that scanned the part, through the page, to the merging worker.
//!
//! A scan is split over several workers (see `client.rs`): every worker gets `Start`; worker 0
//! answers `Plan` with the parts; each part goes to the next idle worker (`Part` →
//! `PartDone`), one worker hashes (`Hash` → `Hashed`); worker 0 also merges every part's output
//! (`Merge`) and, once all are in, builds the report (`Finish` → `Done`).

use scanner_core::shard::Part;
use scanner_core::{Diagnostic, FileEntry, FileKind, Finding, Report};
use serde::{Deserialize, Serialize};

/// Page to worker.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "kebab-case")]
pub enum Request {
    /// A scan of the attached file begins: what every other request of the scan refers to.
    Start {
        /// The file name as the user dropped it.
        name: String,
        /// Profile TOML (may be empty).
        profile: String,
        /// Reference instant, RFC 3339.
        now: String,
        /// Workers taking part, for cutting the package into parts.
        workers: u32,
    },
    /// Open the package and cut it into parts (answered by `Planned` or `Failed`).
    Plan,
    /// Scan one part (answered by batches, then `PartDone` with the output attached).
    Part {
        /// Which part.
        part: Part,
    },
    /// Hash the package (answered by `Hashed`).
    Hash,
    /// Merge the attached part output.
    Merge,
    /// Every part is merged: build the report (answered by `Done`).
    Finish {
        /// The package's SHA-256, when the hash finished.
        sha256: Option<String>,
        /// How many parts the package has.
        parts: u32,
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
    /// The package's parts.
    Planned {
        /// In package order.
        parts: Vec<Part>,
        /// Package size in bytes.
        size: u64,
    },
    /// A part is scanned; its output is attached.
    PartDone {
        /// Which part.
        part: u32,
        /// The worker's WebAssembly memory, in bytes.
        memory: u64,
    },
    /// The package is hashed.
    Hashed {
        /// SHA-256 in hex.
        sha256: Option<String>,
    },
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
        /// The worker's WebAssembly memory, in bytes (0 from the page's own sum).
        #[serde(default)]
        memory: u64,
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
