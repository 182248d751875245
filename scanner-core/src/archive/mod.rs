//! The archive walker: from a `Read + Seek` package to a stream of entries and decoded text.
//!
//! ZIP (stored, deflate, deflate64, bzip2, lzma, xz, zip64), tar and gzip, nested to
//! `limits.max_depth`, recognised by magic bytes. Every bound in [`Limits`] is enforced here; a
//! bound that is reached becomes an `archive` finding and the walk goes on with what it may
//! still read. A bad entry becomes a diagnostic; only a package that cannot be opened at all is
//! an error ([`ScanError`]).
//!
//! The top-level package is never read whole into memory: ZIP entries are read through the
//! caller's `Read + Seek`, in the order of their offsets, so a reader over a browser `File`
//! fetches slices once, front to back. A nested ZIP must be held in memory to be opened
//! (bounded by `limits.max_nested_bytes`); nested tar and gzip are streamed.

pub mod sniff;

use crate::detect::{EntryInfo, EntryType, NewFinding};
use crate::profile::Limits;
use crate::report::{FileEntry, FileKind};
use crate::rules;
use crate::text::{self, Encoding};
use sniff::{sniff, Kind, SNIFF_BYTES};
use std::cell::Cell;
use std::collections::HashSet;
use std::fmt;
use std::io::{self, Cursor, Read, Seek, SeekFrom};
use std::ops::ControlFlow;
use std::rc::Rc;

/// Separator between an archive's path and the path of an entry inside it.
pub const NESTED_SEPARATOR: &str = "!/";

/// A package that cannot be scanned at all.
#[derive(Debug)]
pub enum ScanError {
    /// The bytes are not an archive format the scanner opens.
    NotAnArchive {
        /// What the bytes look like instead ("a PDF document").
        looks_like: &'static str,
    },
    /// A recognised archive format the scanner does not open (7z, RAR...).
    UnsupportedFormat(&'static str),
    /// The archive is damaged or truncated.
    Corrupt {
        /// Container format.
        format: &'static str,
        /// What is wrong.
        detail: String,
    },
    /// Reading the package failed.
    Io(io::Error),
}

impl fmt::Display for ScanError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ScanError::NotAnArchive { looks_like } => write!(
                f,
                "not an archive: this file looks like {looks_like}. Preflight reads ZIP (also jar, war, ear, whl, nupkg), tar, tar.gz and gzip packages"
            ),
            ScanError::UnsupportedFormat(fmt) => write!(
                f,
                "{fmt} archives are not supported: extract it and repack as ZIP or tar.gz"
            ),
            ScanError::Corrupt { format, detail } => write!(
                f,
                "the {format} archive is damaged or truncated ({detail}); download the package again and compare its checksum"
            ),
            ScanError::Io(e) => write!(f, "the package could not be read: {e}"),
        }
    }
}

impl std::error::Error for ScanError {}

impl From<io::Error> for ScanError {
    fn from(e: io::Error) -> Self {
        ScanError::Io(e)
    }
}

/// Where the walk is.
#[derive(Debug, Clone, Copy)]
pub struct WalkProgress<'a> {
    /// Bytes of the package behind the walk (approximate inside large entries).
    pub bytes_done: u64,
    /// File entries visited so far, nested ones included.
    pub entries_done: u64,
    /// Uncompressed bytes this walk has read so far, every layer counted (what
    /// `limits.max_total_bytes` bounds).
    pub uncompressed_read: u64,
    /// The entry just visited.
    pub current: &'a str,
}

/// What the walker reports. The scan (`crate::scan`) turns these into findings and a report.
pub trait WalkSink {
    /// Every entry, files, directories and links, before its content is read.
    fn entry(&mut self, entry: &EntryInfo<'_>);
    /// The decoded text of a text entry.
    fn text(&mut self, entry: &EntryInfo<'_>, text: &str, encoding: Encoding);
    /// Whether the content of this binary entry (not text, not an archive) should be read and
    /// handed to [`WalkSink::binary`]; `head` is its first bytes.
    fn wants_binary(&mut self, _entry: &EntryInfo<'_>, _head: &[u8]) -> bool {
        false
    }
    /// The bytes of a binary entry asked for by [`WalkSink::wants_binary`], at most
    /// `limits.max_entry_bytes` of them.
    fn binary(&mut self, _entry: &EntryInfo<'_>, _bytes: &[u8]) {}
    /// A file entry, as listed in the report's file tree.
    fn file(&mut self, file: FileEntry);
    /// A finding about the package itself (limits, overlaps...).
    fn finding(&mut self, finding: NewFinding);
    /// Something could not be read.
    fn diagnostic(&mut self, path: &str, message: String);
    /// Called after each file entry; `Break` stops the walk (cancel, time limit).
    fn progress(&mut self, progress: WalkProgress<'_>) -> ControlFlow<()>;
}

/// Facts about the top-level container, for `package` in the report.
#[derive(Debug, Clone, Default)]
pub struct ContainerInfo {
    /// `zip`, `tar`, `tar.gz` or `gzip`.
    pub format: &'static str,
    /// File entries of the top-level container (directories excluded).
    pub entries: u64,
    /// Their total declared uncompressed size.
    pub uncompressed_bytes: u64,
}

/// Why the walk stopped early.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Stop {
    /// Too many entries: nothing more is listed.
    Entries,
    /// The sink asked to stop.
    Cancelled,
}

/// Walk a package. `name` is the package's file name (used for a bare `.gz`). With `only`,
/// the walk visits just that entry (a `!/`-joined path) and the archives that contain it,
/// without reading any other entry's content.
pub fn walk<R: Read + Seek, S: WalkSink>(
    reader: R,
    name: &str,
    limits: &Limits,
    only: Option<&str>,
    sink: &mut S,
) -> Result<(ContainerInfo, bool), ScanError> {
    open(reader, name)?.walk(None, limits, only, sink)
}

/// A contiguous range of a ZIP package's top-level entries, in the order of their data: the
/// unit of work of a scan split over several workers (see [`Opened::parts`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct Part {
    /// Position of the part in the package, from 0.
    pub index: u32,
    /// First entry (in data order).
    pub start: u32,
    /// One past the last entry.
    pub end: u32,
    /// Compressed bytes of its entries, for progress.
    pub bytes: u64,
    /// Where its first entry starts in the package, for progress.
    pub offset: u64,
}

/// A package opened once, to be walked whole or part by part.
pub struct Opened<R: Read + Seek> {
    name: String,
    inner: Inner<R>,
}

enum Inner<R: Read + Seek> {
    Zip {
        archive: zip::ZipArchive<R>,
        slots: Vec<Slot>,
    },
    /// tar, tar.gz, gzip: read front to back, so walked whole by one part.
    Stream { reader: Option<R>, kind: Kind },
}

/// Open a package: sniff it and, for a ZIP, read its central directory once.
pub fn open<R: Read + Seek>(mut reader: R, name: &str) -> Result<Opened<R>, ScanError> {
    let mut head = Vec::with_capacity(SNIFF_BYTES);
    (&mut reader)
        .take(SNIFF_BYTES as u64)
        .read_to_end(&mut head)?;
    reader.seek(SeekFrom::Start(0))?;
    let inner = match sniff(&head) {
        Kind::Zip => {
            let mut archive = zip::ZipArchive::new(reader).map_err(|e| ScanError::Corrupt {
                format: "ZIP",
                detail: zip_error_text(&e),
            })?;
            let slots = slots(&mut archive);
            Inner::Zip { archive, slots }
        }
        kind @ (Kind::Tar | Kind::Gzip) => Inner::Stream {
            reader: Some(reader),
            kind,
        },
        Kind::Unsupported(fmt) => return Err(ScanError::UnsupportedFormat(fmt)),
        Kind::Other => {
            return Err(ScanError::NotAnArchive {
                looks_like: sniff::describe(&head),
            })
        }
    };
    Ok(Opened {
        name: name.to_string(),
        inner,
    })
}

impl<R: Read + Seek> Opened<R> {
    /// Cut the package into parts of about `target_bytes` compressed bytes and at most
    /// `max_entries` entries each. A tar or gzip package is one part.
    pub fn parts(&self, target_bytes: u64, max_entries: u32) -> Vec<Part> {
        let Inner::Zip { slots, .. } = &self.inner else {
            return vec![Part {
                index: 0,
                start: 0,
                end: u32::MAX,
                bytes: 0,
                offset: 0,
            }];
        };
        let mut parts = Vec::new();
        let (mut start, mut bytes) = (0usize, 0u64);
        for (i, slot) in slots.iter().enumerate() {
            bytes = bytes.saturating_add(slot.compressed);
            let full = bytes >= target_bytes || i + 1 - start >= max_entries.max(1) as usize;
            if full || i + 1 == slots.len() {
                parts.push(Part {
                    index: parts.len() as u32,
                    start: start as u32,
                    end: (i + 1) as u32,
                    bytes,
                    offset: slots.get(start).map_or(0, |s| s.header_start),
                });
                start = i + 1;
                bytes = 0;
            }
        }
        if parts.is_empty() {
            parts.push(Part {
                index: 0,
                start: 0,
                end: 0,
                bytes: 0,
                offset: 0,
            });
        }
        parts
    }

    /// Walk the whole package (`part: None`) or one part of it. Findings about the package as a
    /// whole (duplicate names, overlapping entries) come with the part that starts at entry 0.
    /// A part counts the entries and bytes before it by their declared sizes, for the limits.
    pub fn walk<S: WalkSink>(
        &mut self,
        part: Option<&Part>,
        limits: &Limits,
        only: Option<&str>,
        sink: &mut S,
    ) -> Result<(ContainerInfo, bool), ScanError> {
        let mut w = Walker {
            limits: *limits,
            sink,
            entries: 0,
            total_bytes: 0,
            read: 0,
            stop: None,
            total_reported: false,
            position: Rc::new(Cell::new(0)),
            top: ContainerInfo::default(),
            only,
        };
        match &mut self.inner {
            Inner::Zip { archive, slots } => {
                w.top.format = "zip";
                let (start, end) = match part {
                    Some(p) => (p.start as usize, (p.end as usize).min(slots.len())),
                    None => (0, slots.len()),
                };
                let before = slots.get(..start).unwrap_or_default();
                w.entries = before.iter().filter(|s| s.file).count() as u64;
                w.total_bytes = before
                    .iter()
                    .fold(0u64, |n, s| n.saturating_add(s.size))
                    .min(limits.max_total_bytes);
                let slots = slots.clone();
                w.walk_zip_slots(archive, &slots, start..end, "", 0);
            }
            Inner::Stream { reader, kind } => {
                if part.is_some_and(|p| p.start > 0) {
                    return Ok((ContainerInfo::default(), true));
                }
                let Some(reader) = reader.take() else {
                    return Err(ScanError::Io(io::Error::other(
                        "internal: a tar or gzip package can be walked only once",
                    )));
                };
                w.walk_stream(reader, *kind, &self.name)?;
            }
        }
        let complete = w.stop != Some(Stop::Cancelled);
        Ok((w.top, complete))
    }
}

/// A ZIP entry as its central directory describes it.
#[derive(Debug, Clone)]
struct Slot {
    header_start: u64,
    index: usize,
    compressed: u64,
    size: u64,
    /// Not a directory.
    file: bool,
    /// The entry whose data this entry's header lies in (a zip bomb construction), by index.
    overlaps: Option<usize>,
}

/// The archive's entries in the order of their data, each marked when its local header starts
/// before the previous entries' data can have ended: the least a local header takes (30 bytes
/// and the name) plus the compressed size. Entries of a well-formed archive never overlap;
/// overlapping ones (the "overlapping files" zip bomb) would inflate the same bytes again.
fn slots<R: Read + Seek>(archive: &mut zip::ZipArchive<R>) -> Vec<Slot> {
    let mut slots: Vec<(Slot, u64)> = (0..archive.len())
        .filter_map(|i| {
            let e = archive.by_index_data(i).ok()?;
            let reach = e
                .header_start()
                .saturating_add(30)
                .saturating_add(e.name_raw().len() as u64)
                .saturating_add(e.compressed_size());
            Some((
                Slot {
                    header_start: e.header_start(),
                    index: i,
                    compressed: e.compressed_size(),
                    size: e.size(),
                    file: !e.is_dir(),
                    overlaps: None,
                },
                reach,
            ))
        })
        .collect();
    slots.sort_unstable_by_key(|(s, _)| (s.header_start, s.index));
    // The entry reaching furthest so far, and how far.
    let mut furthest: Option<(usize, u64)> = None;
    for (slot, reach) in &mut slots {
        if let Some((owner, end)) = furthest {
            if slot.header_start < end {
                slot.overlaps = Some(owner);
            }
        }
        if furthest.is_none_or(|(_, end)| *reach > end) {
            furthest = Some((slot.index, *reach));
        }
    }
    slots.into_iter().map(|(s, _)| s).collect()
}

fn zip_error_text(e: &zip::result::ZipError) -> String {
    use zip::result::ZipError;
    match e {
        ZipError::InvalidArchive(m) => m.to_string(),
        ZipError::UnsupportedArchive(m) => m.to_string(),
        ZipError::Io(e) if e.kind() == io::ErrorKind::UnexpectedEof => {
            "the data ends before the end of the archive".into()
        }
        other => other.to_string(),
    }
}

/// How the compressed size of an entry is known, for the ratio limit.
#[derive(Debug, Clone)]
enum Compressed {
    /// Declared by the container (ZIP).
    Known(u64),
    /// Counted as the decoder pulls input (gzip).
    Counter(Rc<Cell<u64>>),
    /// Not compressed at this level (tar members).
    Unknown,
}

/// An entry as a container yields it.
struct RawEntry<'n> {
    path: String,
    name: &'n str,
    kind: EntryType,
    link_target: Option<String>,
    encrypted: bool,
    name_not_utf8: bool,
    size: u64,
    compressed: Compressed,
    depth: u32,
    /// The content is the output of a gzip layer (a tar inside it costs no extra depth).
    gunzipped: bool,
}

impl RawEntry<'_> {
    fn info(&self) -> EntryInfo<'_> {
        EntryInfo {
            path: &self.path,
            name: self.name,
            kind: self.kind,
            link_target: self.link_target.as_deref(),
            encrypted: self.encrypted,
            name_not_utf8: self.name_not_utf8,
            size: self.size,
            depth: self.depth,
        }
    }
}

fn join(prefix: &str, name: &str) -> String {
    if prefix.is_empty() {
        name.to_string()
    } else {
        format!("{prefix}{NESTED_SEPARATOR}{name}")
    }
}

/// Decode a stored name: UTF-8 when it is valid (many tools write UTF-8 without saying so),
/// otherwise the container's own decoding (CP437 for ZIP, Latin-1 for tar).
fn decode_name(raw: &[u8], fallback: impl FnOnce() -> String) -> (String, bool) {
    match std::str::from_utf8(raw) {
        Ok(s) => (s.to_string(), false),
        Err(_) => (fallback(), true),
    }
}

/// A reader that counts what it hands out into a shared cell (progress, gzip input).
struct Counted<R> {
    inner: R,
    count: Rc<Cell<u64>>,
}

impl<R> Counted<R> {
    fn new(inner: R, count: Rc<Cell<u64>>) -> Self {
        Counted { inner, count }
    }
}

impl<R: Read> Read for Counted<R> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        let n = self.inner.read(buf)?;
        self.count.set(self.count.get().saturating_add(n as u64));
        Ok(n)
    }
}

/// Which bound a [`Meter`] hit.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Trip {
    Ratio,
    Total,
}

/// Wraps an entry's decompressed stream: counts its bytes, enforces the ratio and the total.
/// A tripped meter reads as end of data and remembers why.
struct Meter<'r> {
    inner: &'r mut dyn Read,
    produced: u64,
    compressed: Compressed,
    max_ratio: u64,
    total_left: u64,
    tripped: Option<Trip>,
}

impl Meter<'_> {
    fn compressed_so_far(&self) -> Option<u64> {
        match &self.compressed {
            Compressed::Known(n) => Some(*n),
            Compressed::Counter(c) => Some(c.get()),
            Compressed::Unknown => None,
        }
    }
}

impl Read for Meter<'_> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        if self.tripped.is_some() {
            return Ok(0);
        }
        if self.produced >= self.total_left {
            self.tripped = Some(Trip::Total);
            return Ok(0);
        }
        let room = (self.total_left - self.produced).min(buf.len() as u64) as usize;
        let n = self.inner.read(&mut buf[..room])?;
        self.produced += n as u64;
        if self.produced > Limits::RATIO_GRACE_BYTES {
            if let Some(c) = self.compressed_so_far() {
                if self.produced > c.max(1).saturating_mul(self.max_ratio) {
                    self.tripped = Some(Trip::Ratio);
                }
            }
        }
        Ok(n)
    }
}

struct Walker<'s, S: WalkSink> {
    limits: Limits,
    sink: &'s mut S,
    /// File entries visited, nested included.
    entries: u64,
    /// Uncompressed bytes counted against `max_total_bytes` (a part starts from the declared
    /// sizes before it).
    total_bytes: u64,
    /// Uncompressed bytes this walk has read.
    read: u64,
    stop: Option<Stop>,
    /// The total-bytes finding was emitted.
    total_reported: bool,
    /// Bytes of the top-level package behind the walk.
    position: Rc<Cell<u64>>,
    top: ContainerInfo,
    /// Visit only this entry and its containers.
    only: Option<&'s str>,
}

impl<S: WalkSink> Walker<'_, S> {
    fn stopped(&self) -> bool {
        self.stop.is_some()
    }

    /// Whether `path` is the wanted entry or an archive on the way to it.
    fn wanted(&self, path: &str) -> bool {
        match self.only {
            None => true,
            Some(only) => {
                only == path
                    || only
                        .strip_prefix(path)
                        .is_some_and(|rest| rest.starts_with(NESTED_SEPARATOR))
            }
        }
    }

    fn content_allowed(&self) -> bool {
        self.total_bytes < self.limits.max_total_bytes
    }

    /// Walk a top-level tar, tar.gz or bare gzip package.
    fn walk_stream<R: Read>(&mut self, reader: R, kind: Kind, name: &str) -> Result<(), ScanError> {
        match kind {
            Kind::Tar => {
                self.top.format = "tar";
                let counted = Counted::new(reader, self.position.clone());
                if let Err(detail) = self.walk_tar(counted, "", 0) {
                    if self.top.entries == 0 {
                        return Err(ScanError::Corrupt {
                            format: "tar",
                            detail,
                        });
                    }
                    self.sink
                        .diagnostic("", format!("tar archive ends early: {detail}"));
                }
            }
            _ => {
                let counted = Counted::new(reader, self.position.clone());
                let mut gz = flate2::read::MultiGzDecoder::new(io::BufReader::new(counted));
                let mut inner = Vec::with_capacity(SNIFF_BYTES);
                (&mut gz)
                    .take(SNIFF_BYTES as u64)
                    .read_to_end(&mut inner)
                    .map_err(|e| ScanError::Corrupt {
                        format: "gzip",
                        detail: e.to_string(),
                    })?;
                if sniff::is_tar_header(&inner) {
                    self.top.format = "tar.gz";
                    // The gzip layer declares no size: its ratio is measured as it inflates
                    // (tar members are skipped by reading them, so this bounds them too).
                    let mut meter = Meter {
                        inner: &mut gz,
                        produced: inner.len() as u64,
                        compressed: Compressed::Counter(self.position.clone()),
                        max_ratio: self.limits.max_ratio,
                        total_left: u64::MAX,
                        tripped: None,
                    };
                    let result = self.walk_tar(Cursor::new(inner).chain(&mut meter), "", 0);
                    if meter.tripped.is_some() {
                        let ratio = meter.produced / meter.compressed_so_far().unwrap_or(1).max(1);
                        self.sink.finding(
                            NewFinding::new(
                                &rules::LIMIT_RATIO,
                                "",
                                format!(
                                    "The package's gzip layer inflates more than {}:1 (reached {ratio}:1 after {} bytes); reading stopped",
                                    self.limits.max_ratio, meter.produced
                                ),
                            )
                            .key("limit-ratio-gzip"),
                        );
                    }
                    if let Err(detail) = result {
                        if self.top.entries == 0 {
                            return Err(ScanError::Corrupt {
                                format: "tar.gz",
                                detail,
                            });
                        }
                        self.sink
                            .diagnostic("", format!("tar.gz archive ends early: {detail}"));
                    }
                } else {
                    let stream = Cursor::new(inner).chain(gz);
                    self.top.format = "gzip";
                    let inner_name = name
                        .rsplit(['/', '\\'])
                        .next()
                        .unwrap_or(name)
                        .trim_end_matches(".gz")
                        .trim_end_matches(".GZ");
                    let inner_name = if inner_name.is_empty() {
                        "content"
                    } else {
                        inner_name
                    };
                    let mut stream = stream;
                    self.top.entries = 1;
                    let position = self.position.clone();
                    self.file_entry(
                        RawEntry {
                            path: inner_name.to_string(),
                            name: inner_name,
                            kind: EntryType::File,
                            link_target: None,
                            encrypted: false,
                            name_not_utf8: false,
                            size: 0,
                            compressed: Compressed::Counter(position),
                            depth: 0,
                            gunzipped: true,
                        },
                        Some(&mut stream),
                    );
                }
            }
        }
        Ok(())
    }

    /// Walk a nested ZIP, all of it.
    fn walk_zip<R: Read + Seek>(
        &mut self,
        mut archive: zip::ZipArchive<R>,
        prefix: &str,
        depth: u32,
    ) {
        let slots = slots(&mut archive);
        let all = 0..slots.len();
        self.walk_zip_slots(&mut archive, &slots, all, prefix, depth);
    }

    /// Walk the entries `range` of `slots` (the archive's entries in data order). The part
    /// that starts at the first entry also reports what concerns the archive as a whole.
    fn walk_zip_slots<R: Read + Seek>(
        &mut self,
        archive: &mut zip::ZipArchive<R>,
        slots: &[Slot],
        range: std::ops::Range<usize>,
        prefix: &str,
        depth: u32,
    ) {
        let top = depth == 0;
        let whole = range.start == 0;
        if whole && archive.has_duplicate_names() {
            let at = if prefix.is_empty() { "" } else { prefix };
            self.sink.finding(
                NewFinding::new(
                    &rules::DUPLICATE_NAME,
                    at,
                    "Several central-directory records share a name; only one copy of each was scanned".into(),
                )
                .key("zip-duplicate-names"),
            );
        }
        for slot in slots.get(range).unwrap_or_default() {
            let (header_start, index) = (slot.header_start, slot.index);
            if self.stopped() {
                break;
            }
            if top {
                self.position.set(header_start);
            }
            let meta = match archive.by_index_data(index) {
                Ok(m) => m,
                Err(e) => {
                    self.sink.diagnostic(
                        prefix,
                        format!("entry #{index} could not be read: {}", zip_error_text(&e)),
                    );
                    continue;
                }
            };
            let raw = meta.name_raw().to_vec();
            let (name, name_not_utf8) = decode_name(&raw, || {
                meta.name()
                    .map(|n| n.into_owned())
                    .unwrap_or_else(|_| String::from_utf8_lossy(&raw).into_owned())
            });
            let kind = if meta.is_dir() {
                EntryType::Dir
            } else if meta.is_symlink() {
                EntryType::Link
            } else {
                EntryType::File
            };
            let encrypted = meta.encrypted();
            let size = meta.size();
            let compressed_size = meta.compressed_size();
            drop(meta);
            let path = join(prefix, &name);
            if !self.wanted(&path) {
                continue;
            }
            let mut entry = RawEntry {
                path,
                name: &name,
                kind,
                link_target: None,
                encrypted,
                name_not_utf8,
                size,
                compressed: Compressed::Known(compressed_size),
                depth,
                gunzipped: false,
            };
            if kind == EntryType::Dir {
                self.sink.entry(&entry.info());
                continue;
            }
            if top {
                self.top.entries += 1;
                self.top.uncompressed_bytes = self.top.uncompressed_bytes.saturating_add(size);
            }
            if slot.overlaps.is_some() {
                // Its bytes belong to another entry: listed, never inflated again.
                self.sink.entry(&entry.info());
                self.count_file(&entry, FileKind::Skipped, None);
                continue;
            }
            if encrypted {
                self.file_entry(entry, None);
                continue;
            }
            // A declared ratio past the limit is a bomb announcing itself: do not inflate it.
            if size > Limits::RATIO_GRACE_BYTES
                && size > compressed_size.max(1).saturating_mul(self.limits.max_ratio)
            {
                self.sink.finding(
                    NewFinding::new(
                        &rules::LIMIT_RATIO,
                        &entry.path,
                        format!(
                            "Declares {size} bytes from {compressed_size} compressed ({}:1, limit {}:1); not read",
                            size / compressed_size.max(1),
                            self.limits.max_ratio
                        ),
                    )
                    .key("limit-ratio"),
                );
                self.file_entry(entry, None);
                continue;
            }
            let mut file = match archive.by_index(index) {
                Ok(f) => f,
                Err(e) => {
                    self.sink.entry(&entry.info());
                    self.sink.diagnostic(
                        &entry.path,
                        format!("entry could not be opened: {}", zip_error_text(&e)),
                    );
                    self.count_file(&entry, FileKind::Skipped, None);
                    continue;
                }
            };
            if kind == EntryType::Link {
                let mut target = Vec::new();
                let _ = (&mut file).take(4096).read_to_end(&mut target);
                entry.link_target = Some(String::from_utf8_lossy(&target).into_owned());
                self.file_entry(entry, None);
                continue;
            }
            self.file_entry(entry, Some(&mut file));
        }
        let overlapping: Vec<&Slot> = slots.iter().filter(|s| s.overlaps.is_some()).collect();
        if let (true, Some(first)) = (whole, overlapping.first()) {
            let n = overlapping.len();
            let name_of = |archive: &mut zip::ZipArchive<R>, index: usize| {
                archive
                    .by_index_data(index)
                    .ok()
                    .map(|e| join(prefix, &String::from_utf8_lossy(e.name_raw())))
                    .unwrap_or_default()
            };
            let path = name_of(archive, first.index);
            let other = first
                .overlaps
                .map(|i| name_of(archive, i))
                .unwrap_or_default();
            self.sink.finding(
                NewFinding::new(
                    &rules::OVERLAPPING_ENTRIES,
                    prefix,
                    format!(
                        "{n} {} point at bytes another entry already uses (zip bomb construction); they were not inflated again",
                        if n == 1 { "entry" } else { "entries" }
                    ),
                )
                .evidence(format!("{} shares data with {}", text::visible(&path), text::visible(&other)))
                .key("zip-overlap"),
            );
        }
    }

    fn walk_tar<R: Read>(&mut self, reader: R, prefix: &str, depth: u32) -> Result<(), String> {
        let top = depth == 0;
        let mut archive = tar::Archive::new(reader);
        let entries = archive.entries().map_err(|e| e.to_string())?;
        let mut names = HashSet::new();
        let mut duplicates = 0u64;
        for item in entries {
            if self.stopped() {
                break;
            }
            let mut item = item.map_err(|e| e.to_string())?;
            let raw = item.path_bytes().into_owned();
            let (name, name_not_utf8) =
                decode_name(&raw, || raw.iter().map(|&b| b as char).collect());
            let header = item.header();
            let kind = match header.entry_type() {
                tar::EntryType::Directory => EntryType::Dir,
                tar::EntryType::Symlink | tar::EntryType::Link => EntryType::Link,
                t if t.is_file() || t == tar::EntryType::Continuous => EntryType::File,
                // PAX/GNU metadata records are consumed by the tar crate; devices, FIFOs
                // and other specials carry no content.
                _ => continue,
            };
            let size = header.size().unwrap_or(0);
            let link_target = match kind {
                EntryType::Link => item
                    .link_name_bytes()
                    .map(|b| String::from_utf8_lossy(&b).into_owned()),
                _ => None,
            };
            let path = join(prefix, &name);
            if !self.wanted(&path) {
                continue;
            }
            let entry = RawEntry {
                path,
                name: &name,
                kind,
                link_target,
                encrypted: false,
                name_not_utf8,
                size,
                compressed: Compressed::Unknown,
                depth,
                gunzipped: false,
            };
            if kind == EntryType::Dir {
                self.sink.entry(&entry.info());
                continue;
            }
            if !names.insert(name.clone()) {
                duplicates += 1;
            }
            if top {
                self.top.entries += 1;
                self.top.uncompressed_bytes = self.top.uncompressed_bytes.saturating_add(size);
            }
            if kind == EntryType::Link {
                self.file_entry(entry, None);
            } else {
                self.file_entry(entry, Some(&mut item));
            }
        }
        if duplicates > 0 {
            self.sink.finding(
                NewFinding::new(
                    &rules::DUPLICATE_NAME,
                    prefix,
                    format!("{duplicates} tar members repeat an earlier name; extracting keeps only the last copy"),
                )
                .key("tar-duplicate-names"),
            );
        }
        Ok(())
    }

    /// Record a file entry in the tree and count it against the entry limit.
    fn count_file(&mut self, entry: &RawEntry<'_>, kind: FileKind, encoding: Option<Encoding>) {
        self.sink.file(FileEntry {
            path: entry.path.clone(),
            size: entry.size,
            kind,
            encoding: encoding.map(|e| e.as_str().to_string()),
        });
        let done = self.entries;
        if self
            .sink
            .progress(WalkProgress {
                bytes_done: self.position.get(),
                entries_done: done,
                uncompressed_read: self.read,
                current: &entry.path,
            })
            .is_break()
        {
            self.stop = Some(Stop::Cancelled);
        }
    }

    /// Visit one file or link entry: hygiene first, then its content if there is one to read.
    fn file_entry(&mut self, entry: RawEntry<'_>, content: Option<&mut dyn Read>) {
        self.entries += 1;
        if self.entries > self.limits.max_entries {
            self.sink.finding(
                NewFinding::new(
                    &rules::LIMIT_ENTRIES,
                    "",
                    format!(
                        "More than {} entries: the scan stopped at {}",
                        self.limits.max_entries,
                        text::visible(&entry.path)
                    ),
                )
                .key("limit-entries"),
            );
            self.entries -= 1;
            self.stop = Some(Stop::Entries);
            return;
        }
        self.sink.entry(&entry.info());
        let Some(reader) = content else {
            let kind = if entry.kind == EntryType::Link {
                FileKind::Symlink
            } else {
                FileKind::Skipped
            };
            self.count_file(&entry, kind, None);
            return;
        };
        let (kind, encoding) = self.read_content(&entry, reader);
        self.count_file(&entry, kind, encoding);
    }

    fn note_total_limit(&mut self, path: &str) {
        if !self.total_reported {
            self.total_reported = true;
            self.sink.finding(
                NewFinding::new(
                    &rules::LIMIT_TOTAL_BYTES,
                    "",
                    format!(
                        "Read {} uncompressed bytes, the limit: content from {} on was not scanned (names still were)",
                        self.limits.max_total_bytes,
                        text::visible(path)
                    ),
                )
                .key("limit-total"),
            );
        }
    }

    /// Read an entry's content: recognise nested archives, skip binaries, decode text.
    fn read_content(
        &mut self,
        entry: &RawEntry<'_>,
        reader: &mut dyn Read,
    ) -> (FileKind, Option<Encoding>) {
        if !self.content_allowed() {
            self.note_total_limit(&entry.path);
            return (FileKind::Skipped, None);
        }
        let mut meter = Meter {
            inner: reader,
            produced: 0,
            compressed: entry.compressed.clone(),
            max_ratio: self.limits.max_ratio,
            total_left: self.limits.max_total_bytes - self.total_bytes,
            tripped: None,
        };
        let result = self.read_metered(entry, &mut meter);
        self.total_bytes = self.total_bytes.saturating_add(meter.produced);
        self.read = self.read.saturating_add(meter.produced);
        match meter.tripped {
            Some(Trip::Ratio) => {
                let ratio = meter
                    .compressed_so_far()
                    .map(|c| meter.produced / c.max(1))
                    .unwrap_or(0);
                self.sink.finding(
                    NewFinding::new(
                        &rules::LIMIT_RATIO,
                        &entry.path,
                        format!(
                            "Inflates more than {}:1 (reached {ratio}:1 after {} bytes); reading stopped",
                            self.limits.max_ratio, meter.produced
                        ),
                    )
                    .evidence(format!("declared size {} bytes", entry.size))
                    .key("limit-ratio"),
                );
            }
            Some(Trip::Total) => self.note_total_limit(&entry.path),
            None => {}
        }
        result
    }

    fn read_metered(
        &mut self,
        entry: &RawEntry<'_>,
        meter: &mut Meter<'_>,
    ) -> (FileKind, Option<Encoding>) {
        let mut head = Vec::with_capacity(SNIFF_BYTES);
        if let Err(e) = meter
            .by_ref()
            .take(SNIFF_BYTES as u64)
            .read_to_end(&mut head)
        {
            self.sink
                .diagnostic(&entry.path, format!("entry could not be read: {e}"));
            return (FileKind::Skipped, None);
        }
        let kind = sniff(&head);
        // A gzip layer already counted one level; the tar it wraps is the same archive.
        let nested_depth = if entry.gunzipped && kind == Kind::Tar {
            entry.depth
        } else {
            entry.depth + 1
        };
        let is_container = matches!(kind, Kind::Zip | Kind::Tar | Kind::Gzip);
        if is_container && nested_depth > self.limits.max_depth {
            self.sink.finding(
                NewFinding::new(
                    &rules::LIMIT_DEPTH,
                    &entry.path,
                    format!(
                        "Nested archive at depth {nested_depth} not opened (limit {})",
                        self.limits.max_depth
                    ),
                )
                .key("limit-depth"),
            );
            return (FileKind::Skipped, None);
        }
        match kind {
            Kind::Zip => {
                let mut bytes = head;
                let cap = self.limits.max_nested_bytes;
                let before = bytes.len() as u64;
                if let Err(e) = meter
                    .by_ref()
                    .take(cap + 1 - before.min(cap))
                    .read_to_end(&mut bytes)
                {
                    self.sink.diagnostic(
                        &entry.path,
                        format!("nested archive could not be read: {e}"),
                    );
                    return (FileKind::Skipped, None);
                }
                if meter.tripped.is_some() {
                    return (FileKind::Skipped, None);
                }
                if bytes.len() as u64 > cap {
                    self.sink.finding(
                        NewFinding::new(
                            &rules::LIMIT_NESTED_SIZE,
                            &entry.path,
                            format!("Nested ZIP larger than {cap} bytes was not opened"),
                        )
                        .key("limit-nested-size"),
                    );
                    return (FileKind::Skipped, None);
                }
                match zip::ZipArchive::new(Cursor::new(bytes)) {
                    Ok(archive) => {
                        self.walk_zip(archive, &entry.path, nested_depth);
                        (FileKind::Archive, None)
                    }
                    Err(e) => {
                        self.sink.diagnostic(
                            &entry.path,
                            format!(
                                "looks like a ZIP but could not be opened: {}",
                                zip_error_text(&e)
                            ),
                        );
                        (FileKind::Binary, None)
                    }
                }
            }
            Kind::Tar => {
                let stream = Cursor::new(head).chain(meter);
                if let Err(detail) = self.walk_tar(stream, &entry.path, nested_depth) {
                    self.sink
                        .diagnostic(&entry.path, format!("nested tar ends early: {detail}"));
                }
                (FileKind::Archive, None)
            }
            Kind::Gzip => {
                let input = Rc::new(Cell::new(0));
                let counted = Counted::new(Cursor::new(head).chain(meter), input.clone());
                let mut gz = flate2::read::MultiGzDecoder::new(counted);
                let inner = RawEntry {
                    path: entry.path.clone(),
                    name: entry.name,
                    kind: EntryType::File,
                    link_target: None,
                    encrypted: false,
                    name_not_utf8: entry.name_not_utf8,
                    size: entry.size,
                    compressed: Compressed::Counter(input),
                    depth: nested_depth,
                    gunzipped: true,
                };
                // The decompressed stream is this entry's content: tar members join the
                // path with `!/`, anything else is read as the entry itself.
                let (kind, encoding) = self.read_content(&inner, &mut gz);
                if kind == FileKind::Archive {
                    (FileKind::Archive, None)
                } else {
                    (kind, encoding)
                }
            }
            Kind::Unsupported(format) => {
                self.sink.finding(
                    NewFinding::new(
                        &rules::UNSUPPORTED_NESTED,
                        &entry.path,
                        format!("Nested {format} archive not opened"),
                    )
                    .key(format),
                );
                (FileKind::Binary, None)
            }
            Kind::Other if text::is_binary(&head) => {
                if self.sink.wants_binary(&entry.info(), &head) {
                    let mut bytes = head;
                    let cap = self.limits.max_entry_bytes;
                    let before = bytes.len() as u64;
                    match meter
                        .by_ref()
                        .take(cap.saturating_sub(before))
                        .read_to_end(&mut bytes)
                    {
                        Ok(_) => self.sink.binary(&entry.info(), &bytes),
                        Err(e) => self
                            .sink
                            .diagnostic(&entry.path, format!("entry could not be read: {e}")),
                    }
                }
                (FileKind::Binary, None)
            }
            Kind::Other => {
                let mut bytes = head;
                let cap = self.limits.max_entry_bytes;
                let before = bytes.len() as u64;
                if let Err(e) = meter
                    .by_ref()
                    .take(cap.saturating_sub(before))
                    .read_to_end(&mut bytes)
                {
                    self.sink
                        .diagnostic(&entry.path, format!("entry could not be read: {e}"));
                    return (FileKind::Skipped, None);
                }
                let mut probe = [0u8; 1];
                let cut = matches!(meter.read(&mut probe), Ok(1));
                if cut {
                    self.sink.finding(
                        NewFinding::new(
                            &rules::LIMIT_ENTRY_BYTES,
                            &entry.path,
                            format!("Only the first {cap} bytes were scanned"),
                        )
                        .evidence(format!("declared size {} bytes", entry.size))
                        .key("limit-entry-bytes"),
                    );
                }
                let (text, encoding) = text::decode(&bytes, cut);
                self.sink.text(&entry.info(), &text, encoding);
                (FileKind::Text, Some(encoding))
            }
        }
    }
}
