//! A scan split over several workers: threads in the CLI, Web Workers in the page.
//!
//! The core stays single-threaded; the caller runs the pieces where it likes:
//!
//! 1. [`Shard::open`] opens the package (for a ZIP, reads its central directory once) and
//!    [`Shard::parts`] cuts it into [`Part`]s: contiguous ranges of entries in data order. Every
//!    worker opens its own `Shard` over its own reader.
//! 2. [`Shard::scan_part`] walks one part. The detectors whose findings depend only on the
//!    entry at hand ([`Scope::Entry`](crate::detect::Scope): credentials, endpoints, config
//!    keys...) run there and their findings stream out with their final ids. So do the
//!    [merged-scope](crate::detect::Scope::Merged) detectors (units), whose state per part
//!    travels instead of the texts they read. What the package-scope detectors need (every
//!    entry's name and kind, and the texts and binaries they
//!    [want](crate::detect::Detector::wants_text)) is recorded in the [`PartOutput`].
//! 3. One [`Merger`] takes the parts' outputs in any order, appends the merged-scope states and
//!    replays the records to the package-scope detectors in part order (so they see exactly
//!    the walk a single scan would give them), and builds the [`Report`] with
//!    [`Merger::finish`].
//!
//! A finding's id depends on its rule, path, key and occurrence among findings with the same
//! three; a path belongs to one part, and each rule to one side (part or merge), so the ids are
//! those of a single scan. Findings about the package as a whole (duplicate names, overlapping
//! entries) come with part 0. The limits on entries and total bytes count the entries before a
//! part by their declared sizes, since nested entries of other parts are not known to it: a
//! package near those limits may stop at a slightly different place than in a single scan.

pub use crate::archive::Part;
use crate::archive::{self, ContainerInfo, Opened, ScanError};
use crate::detect::{EntryInfo, EntryType};
use crate::report::{Diagnostic, FileEntry, Finding, Report};
use crate::scan::{Collector, Mode, ScanInput, ScanSink, Walking};
use crate::text::Encoding;
use serde::{Deserialize, Serialize};
use std::collections::{BTreeMap, HashSet};
use std::io::{Read, Seek, SeekFrom};

/// An entry as recorded for the package-scope detectors.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Entry {
    path: String,
    name: String,
    kind: EntryType,
    link_target: Option<String>,
    encrypted: bool,
    name_not_utf8: bool,
    size: u64,
    depth: u32,
}

impl Entry {
    pub(crate) fn of(e: &EntryInfo<'_>) -> Self {
        Entry {
            path: e.path.to_string(),
            name: e.name.to_string(),
            kind: e.kind,
            link_target: e.link_target.map(str::to_string),
            encrypted: e.encrypted,
            name_not_utf8: e.name_not_utf8,
            size: e.size,
            depth: e.depth,
        }
    }

    fn info(&self) -> EntryInfo<'_> {
        EntryInfo {
            path: &self.path,
            name: &self.name,
            kind: self.kind,
            link_target: self.link_target.as_deref(),
            encrypted: self.encrypted,
            name_not_utf8: self.name_not_utf8,
            size: self.size,
            depth: self.depth,
        }
    }
}

/// One thing the walk met, kept for the package-scope detectors.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "t", rename_all = "kebab-case")]
pub enum Event {
    /// An entry (every one: its name and kind are cheap and every such detector reads them).
    Entry(Entry),
    /// A text some package-scope detector wants.
    Text {
        /// Its entry.
        entry: Entry,
        /// The decoded text.
        text: String,
        /// How it was decoded.
        encoding: Encoding,
    },
    /// A binary some package-scope detector wants.
    Binary {
        /// Its entry.
        entry: Entry,
        /// Its bytes (at most `limits.max_entry_bytes`).
        bytes: Vec<u8>,
    },
}

/// What scanning one part produced.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
pub struct PartOutput {
    /// Which part.
    pub part: u32,
    /// Findings of the entry-scope detectors and the walker, with their final ids.
    pub findings: Vec<Finding>,
    /// File entries, in walk order (a caller that already streamed them may drop them).
    pub files: Vec<FileEntry>,
    /// What could not be read.
    pub diagnostics: Vec<Diagnostic>,
    /// For the package-scope detectors, in walk order.
    pub events: Vec<Event>,
    /// What each merged-scope detector kept, by its place in the registry.
    pub states: Vec<(u32, String)>,
    /// `zip`, `tar`...
    pub format: String,
    /// File entries of the package itself in this part.
    pub entries: u64,
    /// Their declared uncompressed size.
    pub uncompressed_bytes: u64,
    /// False when the sink stopped the part early.
    pub complete: bool,
}

/// One worker's handle on the package.
pub struct Shard<R: Read + Seek> {
    opened: Opened<R>,
    collector: Collector,
    size: u64,
}

impl<R: Read + Seek> Shard<R> {
    /// Open the package for this worker.
    pub fn open(mut reader: R, input: &ScanInput<'_>) -> Result<Self, ScanError> {
        let size = reader.seek(SeekFrom::End(0))?;
        reader.seek(SeekFrom::Start(0))?;
        let opened = archive::open(reader, input.name)?;
        Ok(Shard {
            opened,
            collector: Collector::new(input, size, Mode::Part),
            size,
        })
    }

    /// The package's size in bytes.
    pub fn size(&self) -> u64 {
        self.size
    }

    /// Cut the package into parts for `workers` workers: small enough that the work spreads
    /// evenly and the first findings come early, large enough that a part's overhead (one
    /// message, one record) does not matter. Every worker computes the same list.
    pub fn parts(&self, workers: usize) -> Vec<Part> {
        const MIN: u64 = 1 << 20;
        const MAX: u64 = 32 << 20;
        let per = self.size / (workers.max(1) as u64 * 8);
        self.parts_sized(per.clamp(MIN, MAX), 4_000)
    }

    /// Cut the package into parts of about `target_bytes` compressed bytes and at most
    /// `max_entries` entries each (a tar or gzip package is always one part).
    pub fn parts_sized(&self, target_bytes: u64, max_entries: u32) -> Vec<Part> {
        self.opened.parts(target_bytes, max_entries)
    }

    /// Walk one part; findings, files and diagnostics also stream to `sink` as they are found.
    pub fn scan_part<S: ScanSink>(
        &mut self,
        part: &Part,
        input: &ScanInput<'_>,
        sink: &mut S,
    ) -> Result<PartOutput, ScanError> {
        let mut walking = Walking {
            c: &mut self.collector,
            sink,
        };
        let result = self
            .opened
            .walk(Some(part), &input.profile.limits, None, &mut walking);
        // The collector's id counts are per part: a path belongs to one part only.
        let c = std::mem::replace(
            &mut self.collector,
            Collector::new(input, self.size, Mode::Part),
        );
        let (info, complete) = result?;
        let mut c = c;
        let states = c
            .detectors
            .iter_mut()
            .enumerate()
            .filter(|(_, d)| d.scope() == crate::detect::Scope::Merged)
            .map(|(i, d)| (i as u32, d.save_state()))
            .filter(|(_, s)| !s.is_empty())
            .collect();
        Ok(PartOutput {
            states,
            part: part.index,
            findings: c.findings,
            files: c.files,
            diagnostics: c.diagnostics,
            events: c.events,
            format: info.format.to_string(),
            entries: info.entries,
            uncompressed_bytes: info.uncompressed_bytes,
            complete,
        })
    }
}

/// Joins the parts' outputs into one report.
pub struct Merger {
    collector: Collector,
    /// Ids already taken (a finding about the whole package may come from several parts).
    seen: HashSet<String>,
    /// The next part to replay, and the parts that came before their turn.
    next: u32,
    waiting: BTreeMap<u32, PartOutput>,
    info: ContainerInfo,
    format: String,
    complete: bool,
}

impl Merger {
    /// A merger for a scan of a package of `size` bytes.
    pub fn new(input: &ScanInput<'_>, size: u64) -> Self {
        Merger {
            collector: Collector::new(input, size, Mode::Merge),
            seen: HashSet::new(),
            next: 0,
            waiting: BTreeMap::new(),
            info: ContainerInfo::default(),
            format: String::new(),
            complete: true,
        }
    }

    /// Take one part's output. Its records are replayed as soon as every earlier part is in;
    /// findings of the package-scope detectors stream to `sink` as they are found (the part's
    /// own findings are not sent again).
    pub fn add<S: ScanSink>(&mut self, output: PartOutput, sink: &mut S) {
        self.waiting.insert(output.part, output);
        while let Some(out) = self.waiting.remove(&self.next) {
            self.replay(out, sink);
            self.next += 1;
        }
    }

    fn replay<S: ScanSink>(&mut self, out: PartOutput, sink: &mut S) {
        let c = &mut self.collector;
        for f in out.findings {
            if self.seen.insert(f.id.clone()) {
                c.findings.push(f);
            }
        }
        c.files.extend(out.files);
        c.diagnostics.extend(out.diagnostics);
        for (i, state) in &out.states {
            if let Some(d) = c.detectors.get_mut(*i as usize) {
                d.load_state(state);
            }
        }
        for event in out.events {
            match event {
                Event::Entry(e) => c.entry(&e.info(), sink),
                Event::Text {
                    entry,
                    text,
                    encoding,
                } => c.text(&entry.info(), &text, encoding, sink),
                Event::Binary { entry, bytes } => c.binary(&entry.info(), &bytes, sink),
            }
        }
        if self.format.is_empty() {
            self.format = out.format;
        }
        self.info.entries += out.entries;
        self.info.uncompressed_bytes = self
            .info
            .uncompressed_bytes
            .saturating_add(out.uncompressed_bytes);
        self.complete &= out.complete;
    }

    /// Build the report. Parts that never came (a cancelled scan) make it incomplete; the
    /// records of the parts that did come are replayed in order, gaps or not.
    pub fn finish<S: ScanSink>(
        mut self,
        input: &ScanInput<'_>,
        sha256: Option<String>,
        parts: u32,
        sink: &mut S,
    ) -> Report {
        let missing = self.next + self.waiting.len() as u32 != parts;
        for (_, out) in std::mem::take(&mut self.waiting) {
            self.replay(out, sink);
        }
        let complete = self.complete && !missing && sha256.is_some();
        self.info.format = match self.format.as_str() {
            "zip" => "zip",
            "tar" => "tar",
            "tar.gz" => "tar.gz",
            "gzip" => "gzip",
            _ => "",
        };
        self.collector
            .report(input, sha256.unwrap_or_default(), self.info, complete, sink)
    }
}
