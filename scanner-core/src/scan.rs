//! One scan: hash the package, walk it, run every detector, and build the report.
//!
//! Findings stream to a [`ScanSink`] as they are found (the page shows them while the scan
//! runs) and are also collected into the returned [`Report`].
//!
//! ## Finding ids
//! A finding's id is the first 16 hex digits of SHA-256 over its rule, its entry path, its
//! identity key (what was matched: a name, a host, a hash of a secret; never a line number) and
//! its occurrence number among findings with the same three. The same package scanned twice
//! gives the same ids, and a finding keeps its id when lines move around it, so a profile's
//! `ignore` list survives a new package version. A second, new secret on an ignored line gets
//! a different key, hence a different id, and is not hidden.

use crate::archive::{self, ContainerInfo, ScanError, WalkProgress, WalkSink};
use crate::detect::{self, Detector, EntryInfo, NewFinding, TextEntry};
use crate::profile::{Limits, Profile};
use crate::report::{
    finding_order, Diagnostic, FileEntry, FileKind, Finding, PackageInfo, Report, ToolInfo,
    SCHEMA_ID,
};
use crate::report::{Category, Severity};
use crate::text::Encoding;
use chrono::{DateTime, SecondsFormat, Utc};
use sha2::{Digest, Sha256};
use std::collections::{HashMap, HashSet};
use std::io::{Read, Seek, SeekFrom};
use std::ops::ControlFlow;

/// What the scan is doing.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Phase {
    /// Computing the package's SHA-256.
    Hashing,
    /// Walking entries and running detectors.
    Scanning,
}

/// Where a scan is, for progress bars.
#[derive(Debug, Clone, Copy)]
pub struct Progress<'a> {
    /// What the scan is doing.
    pub phase: Phase,
    /// Bytes of the package behind this phase.
    pub bytes_done: u64,
    /// Size of the package.
    pub bytes_total: u64,
    /// File entries visited, nested ones included.
    pub entries_done: u64,
    /// Uncompressed bytes read so far (every nesting level counted; 0 while hashing). In a
    /// split scan, what this part has read.
    pub uncompressed_read: u64,
    /// The entry last visited (empty while hashing).
    pub current: &'a str,
}

/// Receives a scan's results as they are produced. Every method has a default that ignores it.
pub trait ScanSink {
    /// Progress; return `Break` to stop the scan (the report is then marked incomplete).
    fn progress(&mut self, _progress: &Progress<'_>) -> ControlFlow<()> {
        ControlFlow::Continue(())
    }
    /// A finding, with its final id (ignored ids never arrive).
    fn finding(&mut self, _finding: &Finding) {}
    /// A file entry for the file tree.
    fn file(&mut self, _file: &FileEntry) {}
    /// Something could not be read.
    fn diagnostic(&mut self, _diagnostic: &Diagnostic) {}
}

/// A sink that keeps nothing: for callers that only want the returned report.
#[derive(Debug, Default)]
pub struct NoSink;
impl ScanSink for NoSink {}

/// What a scan needs besides the bytes.
#[derive(Debug, Clone)]
pub struct ScanInput<'a> {
    /// The package's file name, as the user knows it.
    pub name: &'a str,
    /// The reviewer's profile.
    pub profile: &'a Profile,
    /// The reference instant ("now"), chosen by the caller: the core reads no clock.
    pub now: DateTime<Utc>,
}

/// Bytes read at a time while hashing.
const HASH_CHUNK: usize = 1 << 20;

/// Scan a package. Returns the report, or an error when the package cannot be opened at all.
/// A scan stopped through [`ScanSink::progress`] returns what it found, with `complete: false`.
pub fn scan<R: Read + Seek, S: ScanSink>(
    reader: R,
    input: &ScanInput<'_>,
    sink: &mut S,
) -> Result<Report, ScanError> {
    scan_with(reader, input, sink, Mode::All { unfiltered: false })
}

/// [`scan`], handing every text to every detector whatever its [`Detector::wants_text`] says:
/// the tests check that the filters change no finding.
#[doc(hidden)]
pub fn scan_unfiltered<R: Read + Seek, S: ScanSink>(
    reader: R,
    input: &ScanInput<'_>,
    sink: &mut S,
) -> Result<Report, ScanError> {
    scan_with(reader, input, sink, Mode::All { unfiltered: true })
}

/// The package's SHA-256, in hex; `None` when the sink stopped it.
pub fn hash<R: Read + Seek, S: ScanSink>(
    mut reader: R,
    sink: &mut S,
) -> Result<Option<String>, ScanError> {
    let size = reader.seek(SeekFrom::End(0))?;
    reader.seek(SeekFrom::Start(0))?;
    let mut hasher = Sha256::new();
    let mut buf = vec![0u8; HASH_CHUNK];
    let mut done = 0u64;
    loop {
        let n = reader.read(&mut buf)?;
        if n == 0 {
            break;
        }
        hasher.update(buf.get(..n).unwrap_or_default());
        done += n as u64;
        let p = Progress {
            phase: Phase::Hashing,
            bytes_done: done,
            bytes_total: size,
            entries_done: 0,
            uncompressed_read: 0,
            current: "",
        };
        if sink.progress(&p).is_break() {
            return Ok(None);
        }
    }
    Ok(Some(hex(&hasher.finalize())))
}

fn scan_with<R: Read + Seek, S: ScanSink>(
    mut reader: R,
    input: &ScanInput<'_>,
    sink: &mut S,
    mode: Mode,
) -> Result<Report, ScanError> {
    let size = reader.seek(SeekFrom::End(0))?;
    let sha256 = hash(&mut reader, sink)?;
    reader.seek(SeekFrom::Start(0))?;
    let mut collector = Collector::new(input, size, mode);
    let (info, complete) = match &sha256 {
        None => (ContainerInfo::default(), false),
        Some(_) => archive::walk(
            reader,
            input.name,
            &input.profile.limits,
            None,
            &mut Walking {
                c: &mut collector,
                sink,
            },
        )?,
    };
    let hashed = sha256.is_some();
    Ok(collector.report(
        input,
        sha256.unwrap_or_default(),
        info,
        complete && hashed,
        sink,
    ))
}

fn hex(bytes: &[u8]) -> String {
    use std::fmt::Write;
    bytes
        .iter()
        .fold(String::with_capacity(bytes.len() * 2), |mut s, b| {
            let _ = write!(s, "{b:02x}");
            s
        })
}

/// Join findings into stories: a scheduled task that runs an entry of the package is related
/// to every finding in that entry (and they to it), so "the 03:00 job runs import.sh, which
/// talks to a retired host" reads as one story.
fn link_stories(findings: &mut [Finding]) {
    let mut by_path: HashMap<String, Vec<usize>> = HashMap::new();
    for (i, f) in findings.iter().enumerate() {
        by_path.entry(f.path.clone()).or_default().push(i);
    }
    let mut links: Vec<(usize, usize)> = Vec::new();
    for (i, f) in findings.iter().enumerate() {
        let Some(s) = &f.schedule else { continue };
        // What the task runs, and the files that script sources.
        for path in s.entry.iter().chain(&s.sources) {
            for &j in by_path.get(path).map(Vec::as_slice).unwrap_or(&[]) {
                if j != i {
                    links.push((i, j));
                }
            }
        }
    }
    for &(i, j) in &links {
        let (a, b) = (findings[i].id.clone(), findings[j].id.clone());
        if !findings[i].related.contains(&b) {
            findings[i].related.push(b);
        }
        if !findings[j].related.contains(&a) {
            findings[j].related.push(a);
        }
    }
    // Severity follows the chain: a task that fires inside the window and reaches a retired
    // host is critical.
    for &(i, j) in &links {
        let inside = findings[i]
            .schedule
            .as_ref()
            .is_some_and(|s| s.window.as_deref() == Some("always"));
        let retired = findings[j].endpoint.as_ref().is_some_and(|e| e.retired);
        if inside && retired {
            findings[i].severity = Severity::Critical;
        }
    }
}

/// The stable id of a finding (see the module docs).
pub fn finding_id(rule: &str, path: &str, key: &str, occurrence: u32) -> String {
    let mut h = Sha256::new();
    for part in [rule, path, key] {
        h.update(part.as_bytes());
        h.update([0]);
    }
    h.update(occurrence.to_le_bytes());
    hex(&h.finalize()[..8])
}

/// Which detectors a [`Collector`] runs, and whether it records for later.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Mode {
    /// A whole scan in one place: every detector, every text.
    All {
        /// Ignore [`Detector::wants_text`] (tests).
        unfiltered: bool,
    },
    /// One part of a split scan: entry-scope detectors run; what the package-scope detectors
    /// need is recorded for the merge.
    Part,
    /// The merge of a split scan: package-scope detectors replay the parts' records.
    Merge,
}

/// Turns walker events into detector calls and findings with ids.
pub(crate) struct Collector {
    pub(crate) detectors: Vec<Box<dyn Detector>>,
    pending: Vec<NewFinding>,
    ids: HashMap<(String, String, String), u32>,
    ignore: HashSet<String>,
    pub(crate) findings: Vec<Finding>,
    pub(crate) files: Vec<FileEntry>,
    pub(crate) diagnostics: Vec<Diagnostic>,
    size: u64,
    mode: Mode,
    /// What the package-scope detectors need, in walk order ([`Mode::Part`]).
    pub(crate) events: Vec<crate::shard::Event>,
}

impl Collector {
    pub(crate) fn new(input: &ScanInput<'_>, size: u64, mode: Mode) -> Self {
        Collector {
            detectors: detect::registry(input.profile, input.now, input.name),
            pending: Vec::new(),
            ids: HashMap::new(),
            ignore: input.profile.ignore.iter().cloned().collect(),
            findings: Vec::new(),
            files: Vec::new(),
            diagnostics: Vec::new(),
            size,
            mode,
            events: Vec::new(),
        }
    }

    /// Whether this collector runs detector `d` on what it meets directly.
    fn runs(&self, d: &dyn Detector) -> bool {
        match self.mode {
            Mode::All { .. } => true,
            Mode::Part => d.scope() != detect::Scope::Package,
            Mode::Merge => d.scope() == detect::Scope::Package,
        }
    }

    /// Give the findings detectors pushed their ids, drop ignored ones, mask secrets, stream.
    pub(crate) fn flush(&mut self, sink: &mut dyn ScanSink) {
        for nf in std::mem::take(&mut self.pending) {
            let key = if nf.key.is_empty() {
                nf.title.clone()
            } else {
                nf.key
            };
            let slot = (nf.rule.id.to_string(), nf.path.clone(), key);
            let n = self.ids.entry(slot.clone()).or_insert(0);
            let id = finding_id(&slot.0, &slot.1, &slot.2, *n);
            *n += 1;
            if self.ignore.contains(&id) {
                continue;
            }
            let mut f = Finding {
                id,
                category: nf.rule.category,
                rule: nf.rule.id.to_string(),
                severity: nf.severity.unwrap_or(nf.rule.severity),
                title: nf.title,
                path: nf.path,
                line: nf.line,
                evidence: nf.evidence,
                related: Vec::new(),
                schedule: nf.schedule,
                endpoint: nf.endpoint,
                credential: nf.credential,
                migration: nf.migration,
                unit: nf.unit,
                certificate: nf.certificate,
                config: nf.config,
                inventory: nf.inventory,
            };
            // Mask, then cut: a cut could leave a secret too short for its rule to recognise.
            mask_secrets(&mut f);
            clip(&mut f.title);
            clip(&mut f.evidence);
            sink.finding(&f);
            self.findings.push(f);
        }
    }

    pub(crate) fn entry(&mut self, entry: &EntryInfo<'_>, sink: &mut dyn ScanSink) {
        let mut detectors = std::mem::take(&mut self.detectors);
        for d in &mut detectors {
            if self.runs(d.as_ref()) {
                d.check_entry(entry, &mut self.pending);
            }
        }
        self.detectors = detectors;
        if self.mode == Mode::Part {
            self.events
                .push(crate::shard::Event::Entry(crate::shard::Entry::of(entry)));
        }
        self.flush(sink);
    }

    pub(crate) fn text(
        &mut self,
        entry: &EntryInfo<'_>,
        text: &str,
        encoding: Encoding,
        sink: &mut dyn ScanSink,
    ) {
        let t = TextEntry { text, encoding };
        let unfiltered = self.mode == Mode::All { unfiltered: true };
        let mut wanted = false;
        let mut detectors = std::mem::take(&mut self.detectors);
        for d in &mut detectors {
            // Only entry-scope detectors read every text; the others say which they want.
            let filtered = d.scope() != detect::Scope::Entry && !unfiltered;
            if filtered && !d.wants_text(entry, text) {
                continue;
            }
            if self.runs(d.as_ref()) {
                d.check_text(entry, &t, &mut self.pending);
            } else if self.mode == Mode::Part {
                wanted = true;
            }
        }
        self.detectors = detectors;
        if self.mode == Mode::Part && wanted {
            self.events.push(crate::shard::Event::Text {
                entry: crate::shard::Entry::of(entry),
                text: text.to_string(),
                encoding,
            });
        }
        self.flush(sink);
    }

    pub(crate) fn wants_binary(&self, entry: &EntryInfo<'_>, head: &[u8]) -> bool {
        self.detectors.iter().any(|d| {
            (self.runs(d.as_ref()) || self.mode == Mode::Part) && d.wants_binary(entry, head)
        })
    }

    pub(crate) fn binary(&mut self, entry: &EntryInfo<'_>, bytes: &[u8], sink: &mut dyn ScanSink) {
        let mut record = false;
        let mut detectors = std::mem::take(&mut self.detectors);
        for d in &mut detectors {
            if !d.wants_binary(entry, bytes) {
                continue;
            }
            if self.runs(d.as_ref()) {
                d.check_binary(entry, bytes, &mut self.pending);
            } else if self.mode == Mode::Part {
                record = true;
            }
        }
        self.detectors = detectors;
        if record {
            self.events.push(crate::shard::Event::Binary {
                entry: crate::shard::Entry::of(entry),
                bytes: bytes.to_vec(),
            });
        }
        self.flush(sink);
    }

    fn diagnostic(&mut self, path: &str, message: String, sink: &mut dyn ScanSink) {
        let d = Diagnostic {
            path: path.to_string(),
            message,
        };
        sink.diagnostic(&d);
        self.diagnostics.push(d);
    }

    /// Finish the detectors and build the report from everything collected.
    pub(crate) fn report(
        mut self,
        input: &ScanInput<'_>,
        sha256: String,
        info: ContainerInfo,
        complete: bool,
        sink: &mut dyn ScanSink,
    ) -> Report {
        // Detectors finish with what they saw, also when the scan stopped early: nothing
        // already found is lost.
        let mut out = Vec::new();
        for d in &mut self.detectors {
            if self.mode != Mode::Part {
                d.finish(&mut out);
            }
        }
        self.pending = out;
        self.flush(sink);
        if !complete {
            self.diagnostic(
                "",
                "the scan was stopped before the end; what is listed was found before it stopped"
                    .into(),
                sink,
            );
        }
        let mut findings = self.findings;
        // The order is total, so the links come out the same however the scan was split.
        findings.sort_by(finding_order);
        link_stories(&mut findings);
        crate::detect::certificate::link_keys(&mut findings);
        findings.sort_by(finding_order);
        let checklist = crate::checklist::checklist(&findings, input.profile);
        Report {
            schema: SCHEMA_ID.to_string(),
            tool: ToolInfo::default(),
            package: PackageInfo {
                name: input.name.to_string(),
                sha256,
                size: self.size,
                entries: info.entries,
                uncompressed_bytes: info.uncompressed_bytes,
                format: info.format.to_string(),
            },
            reference_time: input.now.to_rfc3339_opts(SecondsFormat::Secs, true),
            findings,
            checklist,
            diagnostics: self.diagnostics,
            files: self.files,
            complete,
        }
    }
}

/// A [`Collector`] and the caller's sink, as the walker sees them.
pub(crate) struct Walking<'a, S: ScanSink> {
    pub(crate) c: &'a mut Collector,
    pub(crate) sink: &'a mut S,
}

/// Longest title or evidence a finding carries, in bytes: package text quoted in a finding (a
/// 400 KB line of a minified or deeply nested file) is cut, so a report's size stays bounded.
const MAX_FINDING_TEXT: usize = 1000;

/// Cut `s` to [`MAX_FINDING_TEXT`] bytes (at a character boundary) and mark the cut.
fn clip(s: &mut String) {
    if s.len() > MAX_FINDING_TEXT {
        let mut at = MAX_FINDING_TEXT;
        while !s.is_char_boundary(at) {
            at -= 1;
        }
        s.truncate(at);
        s.push('…');
    }
}

/// No finding shows a secret: the text other detectors quote from the package (a cron command
/// with `mysql -pSecret`, a line that also holds a token) goes through the credential rules and
/// comes out masked, whatever detector wrote it. Credential findings mask their own.
fn mask_secrets(f: &mut Finding) {
    if f.category == Category::Credential {
        return;
    }
    let path = f.path.clone();
    let mask = |s: &mut String| {
        if !s.is_empty() {
            *s = crate::detect::credential::mask_secrets(&path, s);
        }
    };
    mask(&mut f.title);
    mask(&mut f.evidence);
    if let Some(s) = &mut f.schedule {
        mask(&mut s.expression);
        mask(&mut s.description);
        if let Some(c) = &mut s.command {
            mask(c);
        }
    }
    if let Some(e) = &mut f.endpoint {
        mask(&mut e.url);
    }
    if let Some(m) = &mut f.migration {
        for s in [&mut m.statement, &mut m.safe_form].into_iter().flatten() {
            mask(s);
        }
        for step in &mut m.steps {
            mask(&mut step.statement);
        }
    }
    if let Some(d) = f.unit.as_mut().and_then(|u| u.directive.as_mut()) {
        mask(d);
    }
}

impl<S: ScanSink> WalkSink for Walking<'_, S> {
    fn entry(&mut self, entry: &EntryInfo<'_>) {
        self.c.entry(entry, self.sink);
    }

    fn text(&mut self, entry: &EntryInfo<'_>, text: &str, encoding: Encoding) {
        self.c.text(entry, text, encoding, self.sink);
    }

    fn wants_binary(&mut self, entry: &EntryInfo<'_>, head: &[u8]) -> bool {
        self.c.wants_binary(entry, head)
    }

    fn binary(&mut self, entry: &EntryInfo<'_>, bytes: &[u8]) {
        self.c.binary(entry, bytes, self.sink);
    }

    fn file(&mut self, file: FileEntry) {
        self.sink.file(&file);
        self.c.files.push(file);
    }

    fn finding(&mut self, finding: NewFinding) {
        self.c.pending.push(finding);
        self.c.flush(self.sink);
    }

    fn diagnostic(&mut self, path: &str, message: String) {
        self.c.diagnostic(path, message, self.sink);
    }

    fn progress(&mut self, p: WalkProgress<'_>) -> ControlFlow<()> {
        self.sink.progress(&Progress {
            phase: Phase::Scanning,
            bytes_done: p.bytes_done.min(self.c.size),
            bytes_total: self.c.size,
            entries_done: p.entries_done,
            uncompressed_read: p.uncompressed_read,
            current: p.current,
        })
    }
}

/// One entry's content, for a source view.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EntryContent {
    /// How the scanner treats the entry; `None` when no entry has that path.
    pub kind: Option<FileKind>,
    /// The decoded text, for text entries.
    pub text: Option<String>,
    /// How the text was decoded.
    pub encoding: Option<Encoding>,
    /// Only the first `limits.max_entry_bytes` are in `text`.
    pub truncated: bool,
}

/// Read one entry (a `!/`-joined path) as text, opening only the archives on the way to it.
pub fn read_entry<R: Read + Seek>(
    reader: R,
    package_name: &str,
    path: &str,
    limits: &Limits,
) -> Result<EntryContent, ScanError> {
    struct Capture<'p> {
        path: &'p str,
        content: EntryContent,
    }
    impl WalkSink for Capture<'_> {
        fn entry(&mut self, _: &EntryInfo<'_>) {}
        fn text(&mut self, entry: &EntryInfo<'_>, text: &str, encoding: Encoding) {
            if entry.path == self.path {
                self.content.text = Some(text.to_string());
                self.content.encoding = Some(encoding);
            }
        }
        fn file(&mut self, file: FileEntry) {
            if file.path == self.path {
                self.content.kind = Some(file.kind);
            }
        }
        fn finding(&mut self, f: NewFinding) {
            if f.path == self.path && f.rule.id == crate::rules::LIMIT_ENTRY_BYTES.id {
                self.content.truncated = true;
            }
        }
        fn diagnostic(&mut self, _: &str, _: String) {}
        fn progress(&mut self, _: WalkProgress<'_>) -> ControlFlow<()> {
            if self.content.kind.is_some() {
                ControlFlow::Break(())
            } else {
                ControlFlow::Continue(())
            }
        }
    }
    let mut capture = Capture {
        path,
        content: EntryContent {
            kind: None,
            text: None,
            encoding: None,
            truncated: false,
        },
    };
    archive::walk(reader, package_name, limits, Some(path), &mut capture)?;
    Ok(capture.content)
}
