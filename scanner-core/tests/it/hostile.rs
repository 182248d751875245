//! Hostile packages, generated here (nothing large is committed): deflate bombs, nested
//! bombs, overlapping entries, zip64, truncated and corrupt central directories, encrypted
//! entries, 100,000 entries, a 50 MB single-line file, deep nesting in every parser that
//! reads package text, hostile names.
//!
//! Each case checks three things, through `scan` and through the split scan (`shard`):
//! 1. the finding or diagnostic a reviewer needs, by rule id and title;
//! 2. a canary planted next to the hostile entry (a cron job and an AWS key) is still found:
//!    the rest of the package is scanned;
//! 3. the work is bounded: uncompressed bytes read (`Progress::uncompressed_read`), package
//!    bytes read, findings and report size stay under a limit that does not grow with what the
//!    package claims. No test asserts a duration; `benches/hostile.rs` measures the time.
//!
//! Scans run on a thread with a 1 MiB stack (the default stack of a WebAssembly worker), so
//! unbounded recursion on package text fails here as a stack overflow. The light cases also
//! run in headless Chromium (`case!`); the three large ones (200 MB bomb, 100,000 entries,
//! 50 MB line) run natively only.

// The three large cases run natively only; their generators are unused in the wasm build.
#![cfg_attr(target_arch = "wasm32", allow(dead_code))]

use crate::common::*;
use scanner_core::shard::{Merger, PartOutput, Shard};
use scanner_core::{
    scan, FileKind, NoSink, Profile, Progress, Report, ScanError, ScanInput, ScanSink,
};
use std::io::{Cursor, Read, Seek, SeekFrom};
use std::ops::ControlFlow;

// ---------------------------------------------------------------------------------------------
// Canaries, measurement, split scans

/// A cron job and a credential: whatever else a package does, these must still be found.
const CANARY_CRON: (&str, &[u8]) = (
    "etc/cron.d/canary",
    b"17 4 * * * root /opt/acme/bin/canary.sh\n",
);
const CANARY_KEY: (&str, &[u8]) = (
    "conf/canary.env",
    b"aws_access_key_id = AKIA64CFSUOSG2WPIZZX\n",
);

/// Both canaries were found (under `prefix`, `""` for the top level).
fn assert_canaries(r: &Report, prefix: &str, case: &str) {
    let cron = format!("{prefix}{}", CANARY_CRON.0);
    let key = format!("{prefix}{}", CANARY_KEY.0);
    assert!(
        r.findings
            .iter()
            .any(|f| f.rule == "schedule.cron" && f.path == cron),
        "{case}: the cron canary {cron} is missing:\n{}",
        short(r).join("\n")
    );
    assert!(
        r.findings
            .iter()
            .any(|f| f.rule.starts_with("credential.") && f.path == key),
        "{case}: the credential canary {key} is missing:\n{}",
        short(r).join("\n")
    );
}

/// What a scan cost, counted (never timed).
#[derive(Debug, Default, Clone, Copy)]
struct Work {
    /// Bytes pulled from the package reader (the hash reads it once whole).
    package_read: u64,
    /// Uncompressed bytes read, every nesting level counted.
    uncompressed: u64,
    findings: usize,
    report_bytes: usize,
}

/// A package reader that counts the bytes it hands out.
struct CountingReader<'a> {
    inner: Cursor<&'a [u8]>,
    read: std::rc::Rc<std::cell::Cell<u64>>,
}

impl Read for CountingReader<'_> {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        let n = self.inner.read(buf)?;
        self.read.set(self.read.get() + n as u64);
        Ok(n)
    }
}

impl Seek for CountingReader<'_> {
    fn seek(&mut self, pos: SeekFrom) -> std::io::Result<u64> {
        self.inner.seek(pos)
    }
}

/// Keeps the largest `uncompressed_read` the scan reported.
#[derive(Default)]
struct MaxRead(u64);

impl ScanSink for MaxRead {
    fn progress(&mut self, p: &Progress<'_>) -> ControlFlow<()> {
        self.0 = self.0.max(p.uncompressed_read);
        ControlFlow::Continue(())
    }
}

fn input<'a>(profile: &'a Profile, name: &'a str) -> ScanInput<'a> {
    ScanInput {
        name,
        profile,
        now: NOW.parse().unwrap_or_default(),
    }
}

/// Scan once, counting the work.
fn measured(bytes: &[u8], profile: &Profile) -> Result<(Report, Work), ScanError> {
    let read = std::rc::Rc::new(std::cell::Cell::new(0));
    let reader = CountingReader {
        inner: Cursor::new(bytes),
        read: read.clone(),
    };
    let mut sink = MaxRead::default();
    let report = scan(reader, &input(profile, "package.zip"), &mut sink)?;
    let work = Work {
        package_read: read.get(),
        uncompressed: sink.0,
        findings: report.findings.len(),
        report_bytes: report.to_json().len(),
    };
    Ok((report, work))
}

/// Scan through the split path: at least `min_parts` parts of at most `per_part` entries,
/// taken in turn by two shards, merged in reverse order. Returns the report and the largest
/// uncompressed byte count one part read.
fn split(bytes: &[u8], profile: &Profile, per_part: u32, min_parts: usize) -> (Report, u64) {
    let input = input(profile, "package.zip");
    let mut shards: Vec<_> = (0..2)
        .filter_map(|_| Shard::open(Cursor::new(bytes), &input).ok())
        .collect();
    assert_eq!(shards.len(), 2, "every shard opens");
    let parts = shards[0].parts_sized(u64::MAX, per_part);
    assert!(
        parts.len() >= min_parts,
        "{} parts, wanted {min_parts}",
        parts.len()
    );
    let mut outputs: Vec<PartOutput> = Vec::new();
    let mut most = 0;
    for (i, part) in parts.iter().enumerate() {
        let mut sink = MaxRead::default();
        let out = shards[i % 2].scan_part(part, &input, &mut sink);
        assert!(out.is_ok(), "part {i} failed: {:?}", out.err());
        most = most.max(sink.0);
        outputs.extend(out);
    }
    outputs.reverse();
    let mut merger = Merger::new(&input, bytes.len() as u64);
    for out in outputs {
        merger.add(out, &mut NoSink);
    }
    let sha = scanner_core::hash(Cursor::new(bytes), &mut NoSink)
        .ok()
        .flatten();
    (
        merger.finish(&input, sha, parts.len() as u32, &mut NoSink),
        most,
    )
}

/// Scan single and split; both must give the same findings and diagnostics. Returns the
/// single scan's report and work.
fn both(bytes: &[u8], profile: &Profile, per_part: u32, case: &str) -> (Report, Work) {
    let (report, work) = match measured(bytes, profile) {
        Ok(r) => r,
        Err(e) => panic!("{case}: {e}"),
    };
    let (parts, part_read) = split(bytes, profile, per_part, 2);
    let (a, b) = (lines(&report), lines(&parts));
    if a != b {
        let at = a
            .iter()
            .zip(&b)
            .position(|(x, y)| x != y)
            .unwrap_or(a.len().min(b.len()));
        panic!(
            "{case}: split findings differ at {at} ({} single, {} split):\n  single: {:?}\n  split:  {:?}",
            a.len(),
            b.len(),
            a.get(at),
            b.get(at)
        );
    }
    assert_eq!(
        parts.diagnostics, report.diagnostics,
        "{case}: split diagnostics differ"
    );
    assert!(
        part_read <= work.uncompressed,
        "{case}: a part read {part_read} bytes, the whole scan {}",
        work.uncompressed
    );
    (report, work)
}

/// Run `f` on a thread with a 1 MiB stack (a WebAssembly worker's), natively; in the
/// browser the test already runs on such a stack.
fn small_stack(f: impl FnOnce() + Send + 'static) {
    #[cfg(not(target_arch = "wasm32"))]
    {
        let t = std::thread::Builder::new()
            .stack_size(1 << 20)
            .spawn(f)
            .map(|h| h.join());
        assert!(matches!(t, Ok(Ok(()))), "the scan thread failed");
    }
    #[cfg(target_arch = "wasm32")]
    f();
}

/// The first 20 finding lines, for failure messages.
fn short(r: &Report) -> Vec<String> {
    lines(r).into_iter().take(20).collect()
}

fn finding<'r>(r: &'r Report, rule: &str) -> Vec<&'r scanner_core::Finding> {
    r.findings.iter().filter(|f| f.rule == rule).collect()
}

// ---------------------------------------------------------------------------------------------
// A lower-level ZIP writer than `RawZip`: given compressed bytes and declared sizes, zip64
// extra fields and end records, AES markers, records pointing anywhere.

/// A central-directory record to write.
#[derive(Clone)]
struct Rec {
    name: Vec<u8>,
    flags: u16,
    method: u16,
    crc: u32,
    csize: u64,
    size: u64,
    offset: u64,
    zip64: bool,
    extra: Vec<u8>,
}

#[derive(Default)]
struct Zw {
    out: Vec<u8>,
    cd: Vec<Rec>,
}

fn zip64_extra(size: u64, csize: u64, offset: Option<u64>) -> Vec<u8> {
    let mut e = Vec::new();
    e.extend_from_slice(&1u16.to_le_bytes());
    e.extend_from_slice(&(if offset.is_some() { 24u16 } else { 16 }).to_le_bytes());
    e.extend_from_slice(&size.to_le_bytes());
    e.extend_from_slice(&csize.to_le_bytes());
    if let Some(o) = offset {
        e.extend_from_slice(&o.to_le_bytes());
    }
    e
}

impl Zw {
    /// Write a local header and `data` (already compressed); returns the record for the
    /// central directory (not yet added).
    fn local(&mut self, mut rec: Rec, data: &[u8]) -> Rec {
        rec.offset = self.out.len() as u64;
        rec.csize = data.len() as u64;
        let o = &mut self.out;
        o.extend_from_slice(b"PK\x03\x04");
        o.extend_from_slice(&(if rec.zip64 { 45u16 } else { 20 }).to_le_bytes());
        o.extend_from_slice(&rec.flags.to_le_bytes());
        o.extend_from_slice(&rec.method.to_le_bytes());
        o.extend_from_slice(&[0, 0, 0x21, 0]);
        o.extend_from_slice(&rec.crc.to_le_bytes());
        let mut extra = rec.extra.clone();
        if rec.zip64 {
            o.extend_from_slice(&u32::MAX.to_le_bytes());
            o.extend_from_slice(&u32::MAX.to_le_bytes());
            extra.extend(zip64_extra(rec.size, rec.csize, None));
        } else {
            o.extend_from_slice(&(rec.csize as u32).to_le_bytes());
            o.extend_from_slice(&(rec.size as u32).to_le_bytes());
        }
        o.extend_from_slice(&(rec.name.len() as u16).to_le_bytes());
        o.extend_from_slice(&(extra.len() as u16).to_le_bytes());
        o.extend_from_slice(&rec.name);
        o.extend_from_slice(&extra);
        o.extend_from_slice(data);
        rec
    }

    /// A stored entry with its central record.
    fn stored(&mut self, name: impl Into<Vec<u8>>, body: &[u8]) -> &mut Self {
        let rec = self.local(rec(name, 0, body), body);
        self.cd.push(rec);
        self
    }

    /// A deflated entry with its central record.
    fn deflated(&mut self, name: impl Into<Vec<u8>>, body: &[u8]) -> &mut Self {
        let rec = self.local(rec(name, 8, body), &deflate(body));
        self.cd.push(rec);
        self
    }

    /// The two canaries, stored.
    fn canaries(&mut self) -> &mut Self {
        self.stored(CANARY_CRON.0, CANARY_CRON.1)
            .stored(CANARY_KEY.0, CANARY_KEY.1)
    }

    /// The central directory of `records`, the end records (zip64 ones with `zip64`), and a
    /// comment.
    fn finish_with(mut self, records: &[Rec], zip64: bool, comment: &[u8]) -> Vec<u8> {
        let cd_offset = self.out.len() as u64;
        for r in records {
            let o = &mut self.out;
            let big = r.zip64 || r.offset > u32::MAX as u64;
            o.extend_from_slice(b"PK\x01\x02");
            o.extend_from_slice(&0x0314u16.to_le_bytes());
            o.extend_from_slice(&(if big { 45u16 } else { 20 }).to_le_bytes());
            o.extend_from_slice(&r.flags.to_le_bytes());
            o.extend_from_slice(&r.method.to_le_bytes());
            o.extend_from_slice(&[0, 0, 0x21, 0]);
            o.extend_from_slice(&r.crc.to_le_bytes());
            let mut extra = r.extra.clone();
            if big {
                o.extend_from_slice(&u32::MAX.to_le_bytes());
                o.extend_from_slice(&u32::MAX.to_le_bytes());
                extra.extend(zip64_extra(r.size, r.csize, Some(r.offset)));
            } else {
                o.extend_from_slice(&(r.csize as u32).to_le_bytes());
                o.extend_from_slice(&(r.size as u32).to_le_bytes());
            }
            o.extend_from_slice(&(r.name.len() as u16).to_le_bytes());
            o.extend_from_slice(&(extra.len() as u16).to_le_bytes());
            o.extend_from_slice(&[0; 6]); // comment length, disk, internal attributes
            o.extend_from_slice(&(0o100644u32 << 16).to_le_bytes());
            let off = if big { u32::MAX } else { r.offset as u32 };
            o.extend_from_slice(&off.to_le_bytes());
            o.extend_from_slice(&r.name);
            o.extend_from_slice(&extra);
        }
        let cd_size = self.out.len() as u64 - cd_offset;
        let n = records.len() as u64;
        let o = &mut self.out;
        if zip64 {
            let eocd64 = o.len() as u64;
            o.extend_from_slice(b"PK\x06\x06");
            o.extend_from_slice(&44u64.to_le_bytes());
            o.extend_from_slice(&45u16.to_le_bytes());
            o.extend_from_slice(&45u16.to_le_bytes());
            o.extend_from_slice(&[0; 8]); // disk numbers
            o.extend_from_slice(&n.to_le_bytes());
            o.extend_from_slice(&n.to_le_bytes());
            o.extend_from_slice(&cd_size.to_le_bytes());
            o.extend_from_slice(&cd_offset.to_le_bytes());
            o.extend_from_slice(b"PK\x06\x07");
            o.extend_from_slice(&0u32.to_le_bytes());
            o.extend_from_slice(&eocd64.to_le_bytes());
            o.extend_from_slice(&1u32.to_le_bytes());
        }
        o.extend_from_slice(b"PK\x05\x06");
        o.extend_from_slice(&[0; 4]);
        let count = if zip64 || n > 0xfffe {
            0xffff
        } else {
            n as u16
        };
        o.extend_from_slice(&count.to_le_bytes());
        o.extend_from_slice(&count.to_le_bytes());
        let (size32, off32) = if zip64 {
            (u32::MAX, u32::MAX)
        } else {
            (cd_size as u32, cd_offset as u32)
        };
        o.extend_from_slice(&size32.to_le_bytes());
        o.extend_from_slice(&off32.to_le_bytes());
        o.extend_from_slice(&(comment.len() as u16).to_le_bytes());
        o.extend_from_slice(comment);
        self.out
    }

    fn finish(self, zip64: bool) -> Vec<u8> {
        let records = self.cd.clone();
        self.finish_with(&records, zip64, b"")
    }
}

/// A record for `body` (its CRC and size), compressed with `method` later.
fn rec(name: impl Into<Vec<u8>>, method: u16, body: &[u8]) -> Rec {
    Rec {
        name: name.into(),
        flags: 0,
        method,
        crc: crc32fast::hash(body),
        csize: 0,
        size: body.len() as u64,
        offset: 0,
        zip64: false,
        extra: Vec::new(),
    }
}

/// `total` bytes of `byte`, raw-deflated without ever holding them: 1 MiB chunks compressed
/// with a full flush (which forgets the history), so every chunk after the first compresses to
/// the same bytes and the stream is the first chunk, the second repeated, and the end.
/// Returns the stream and the CRC-32 of the content.
fn deflate_run(byte: u8, total: u64) -> (Vec<u8>, u32) {
    deflate_framed(b"", byte, total, b"")
}

/// [`deflate_run`] between a `prefix` and a `suffix`.
fn deflate_framed(prefix: &[u8], byte: u8, total: u64, suffix: &[u8]) -> (Vec<u8>, u32) {
    use flate2::{Compress, Compression, FlushCompress};
    const CHUNK: usize = 1 << 20;
    assert!(total.is_multiple_of(CHUNK as u64) && total >= 3 * CHUNK as u64);
    let chunk = vec![byte; CHUNK];
    let mut c = Compress::new(Compression::best(), false);
    let mut piece = |input: &[u8], flush| {
        let mut out = Vec::with_capacity(CHUNK);
        let before = c.total_in();
        let mut consumed = 0;
        loop {
            out.reserve(4096);
            let status = c.compress_vec(&input[consumed..], &mut out, flush);
            consumed = (c.total_in() - before) as usize;
            assert!(status.is_ok());
            if consumed == input.len() && out.len() < out.capacity() {
                break;
            }
        }
        out
    };
    let mut stream = piece(prefix, FlushCompress::Full);
    stream.extend(piece(&chunk, FlushCompress::Full));
    let repeat = piece(&chunk, FlushCompress::Full);
    let third = piece(&chunk, FlushCompress::Full);
    assert_eq!(repeat, third, "a full flush makes chunks independent");
    let n = (total / CHUNK as u64) as usize;
    for _ in 1..n {
        stream.extend_from_slice(&repeat);
    }
    stream.extend(piece(suffix, FlushCompress::Finish));
    let mut h = crc32fast::Hasher::new();
    h.update(prefix);
    let mut one = crc32fast::Hasher::new();
    one.update(&chunk);
    for _ in 0..n {
        h.combine(&one);
    }
    let mut end = crc32fast::Hasher::new();
    end.update(suffix);
    h.combine(&end);
    (stream, h.finalize())
}

// ---------------------------------------------------------------------------------------------
// Deflate bombs

/// 200 MB of zeros in one entry, about 200 KB compressed.
fn zero_bomb() -> Vec<u8> {
    let total = 200u64 << 20;
    let (stream, crc) = deflate_run(0, total);
    let mut z = Zw::default();
    let mut r = rec("data/zeros.bin", 8, b"");
    r.crc = crc;
    r.size = total;
    let r = z.local(r, &stream);
    z.cd.push(r);
    z.canaries();
    z.finish(false)
}

/// The same kind of stream, 64 MB of spaces, declaring only 4 KiB: a bomb that lies about its
/// size so the declared ratio looks harmless.
fn lying_bomb() -> Vec<u8> {
    let total = 64u64 << 20;
    let (stream, crc) = deflate_run(b' ', total);
    let mut z = Zw::default();
    z.canaries();
    let mut r = rec("static/blank.css", 8, b"");
    r.crc = crc;
    r.size = 4096;
    let r = z.local(r, &stream);
    z.cd.push(r);
    z.finish(false)
}

#[cfg(not(target_arch = "wasm32"))]
#[test]
fn deflate_bomb_declaring_its_ratio_is_not_inflated() {
    small_stack(|| {
        let bomb = zero_bomb();
        assert!(bomb.len() < 300_000, "{} bytes", bomb.len());
        let (r, work) = both(&bomb, &Profile::default(), 1, "zero bomb");
        let ratio = finding(&r, "archive.limit.ratio");
        assert_eq!(ratio.len(), 1, "{:?}", short(&r));
        assert_eq!(ratio[0].path, "data/zeros.bin");
        assert!(
            ratio[0].title.starts_with("Declares 209715200 bytes from ")
                && ratio[0].title.ends_with(", limit 1000:1); not read"),
            "{}",
            ratio[0].title
        );
        assert_canaries(&r, "", "zero bomb");
        // Only the canaries were inflated.
        assert!(work.uncompressed < 4096, "{work:?}");
        assert!(work.package_read < 3 * bomb.len() as u64, "{work:?}");
    });
}

#[cfg(not(target_arch = "wasm32"))]
#[test]
fn deflate_bomb_lying_about_its_size_stops_at_the_declared_size() {
    small_stack(|| {
        let bomb = lying_bomb();
        let (r, work) = both(&bomb, &Profile::default(), 1, "lying bomb");
        // The ZIP reader stops as soon as the entry inflates past its declared size.
        assert_eq!(r.diagnostics.len(), 1, "{:?}", r.diagnostics);
        assert_eq!(r.diagnostics[0].path, "static/blank.css");
        assert_eq!(
            r.diagnostics[0].message,
            "entry could not be read: File is larger than its declared uncompressed size"
        );
        assert_canaries(&r, "", "lying bomb");
        // Not the 32 MiB text cap, not the 64 MiB the stream holds.
        assert!(work.uncompressed < 64 << 10, "{work:?}");
    });
}

case! {
    fn gzip_bomb_inside_tar_gz_package_is_metered() {
        small_stack(|| {
            // A tar.gz package whose member is 64 MiB of zeros. The top-level gzip layer
            // declares no size, a tar member no compressed size: the ratio is measured while
            // the package inflates.
            let size: u64 = 64 << 20;
            let canaries = tar_of(&[CANARY_CRON, CANARY_KEY]);
            let mut prefix = canaries[..canaries.len() - 1024].to_vec();
            let mut h = tar::Header::new_gnu();
            assert!(h.set_path("var/lib/blob.img").is_ok());
            h.set_size(size);
            h.set_mode(0o644);
            h.set_cksum();
            prefix.extend_from_slice(h.as_bytes());
            let suffix = tar_of(&[("etc/cron.d/after", b"5 1 * * * root /bin/true\n")]);
            let (stream, crc) = deflate_framed(&prefix, 0, size, &suffix);
            let total = prefix.len() as u64 + size + suffix.len() as u64;
            let mut tgz = vec![0x1f, 0x8b, 8, 0, 0, 0, 0, 0, 0, 0xff];
            tgz.extend_from_slice(&stream);
            tgz.extend_from_slice(&crc.to_le_bytes());
            tgz.extend_from_slice(&(total as u32).to_le_bytes());
            let mut profile = Profile::default();
            profile.limits.max_ratio = 100;
            let (r, work) = measured(&tgz, &profile).unwrap_or_else(|e| panic!("{e}"));
            assert_eq!(r.package.format, "tar.gz");
            let f = finding(&r, "archive.limit.ratio");
            assert_eq!(f.len(), 1, "{:?}", short(&r));
            assert_eq!(f[0].path, "");
            assert!(f[0].title.starts_with("The package's gzip layer inflates more than 100:1"), "{}", f[0].title);
            assert!(r.diagnostics.iter().any(|d| d.message.starts_with("tar.gz archive ends early")), "{:?}", r.diagnostics);
            assert_canaries(&r, "", "tar.gz bomb");
            assert!(work.uncompressed < 4 << 20, "{work:?}");
            // Without the limit the whole member is inflated (and skipped): same package, a
            // ratio limit above the real one.
            profile.limits.max_ratio = 100_000;
            let (r, _) = measured(&tgz, &profile).unwrap_or_else(|e| panic!("{e}"));
            assert!(finding(&r, "archive.limit.ratio").is_empty());
            assert!(r.findings.iter().any(|f| f.path == "etc/cron.d/after"));
        });
    }
}

// ---------------------------------------------------------------------------------------------
// Nested bombs

/// zip-in-zip `levels` deep; each level also holds the canaries.
fn nested(levels: usize, fanout: usize) -> Vec<u8> {
    let mut inner = zip_of(&[CANARY_CRON, CANARY_KEY, ("bottom.txt", b"bottom\n")]);
    for level in (0..levels).rev() {
        let name = format!("level{level}.zip");
        let mut entries: Vec<(String, &[u8])> = (0..fanout)
            .map(|i| {
                let n = if fanout == 1 {
                    name.clone()
                } else {
                    format!("{i}-{name}")
                };
                (n, &inner[..])
            })
            .collect();
        entries.insert(0, (CANARY_CRON.0.to_string(), CANARY_CRON.1));
        entries.insert(1, (CANARY_KEY.0.to_string(), CANARY_KEY.1));
        let refs: Vec<(&str, &[u8])> = entries.iter().map(|(n, b)| (n.as_str(), *b)).collect();
        inner = zip_of(&refs);
    }
    inner
}

case! {
    fn nested_zips_beyond_the_depth_limit() {
        small_stack(|| {
            let pkg = nested(8, 1);
            let (r, work) = both(&pkg, &Profile::default(), 1, "nested chain");
            let depth = finding(&r, "archive.limit.depth");
            assert_eq!(depth.len(), 1, "{:?}", short(&r));
            let deepest = "level0.zip!/level1.zip!/level2.zip!/level3.zip!/level4.zip!/level5.zip";
            assert_eq!(depth[0].path, deepest);
            assert_eq!(depth[0].title, "Nested archive at depth 6 not opened (limit 5)");
            // The canaries at the top and at the deepest level opened are found.
            assert_canaries(&r, "", "nested chain");
            assert_canaries(&r, "level0.zip!/level1.zip!/level2.zip!/level3.zip!/level4.zip!/", "nested chain");
            assert!(work.uncompressed < 2 * pkg.len() as u64 * 6, "{work:?}");
        });
    }
}

case! {
    fn nested_fanout_bomb_is_bounded_by_the_depth_and_entry_limits() {
        small_stack(|| {
            // 42.zip in small: 5 copies per level, 7 levels = 78,125 leaves if opened.
            let pkg = nested(7, 5);
            let mut profile = Profile::default();
            profile.limits.max_depth = 3;
            profile.limits.max_entries = 500;
            let (r, work) = measured(&pkg, &profile).unwrap_or_else(|e| panic!("{e}"));
            // A part counts the entries before it by the top-level count (nested entries of
            // other parts are unknown to it, see shard.rs): each part may list up to the limit.
            let (parts, _) = split(&pkg, &profile, 2, 2);
            assert!(parts.files.len() <= 4 * 500, "{}", parts.files.len());
            // Depth 4 archives are not opened: 5^4 of them exist, but the entry limit stops first.
            let depth = finding(&r, "archive.limit.depth");
            assert!(!depth.is_empty(), "{:?}", short(&r));
            let entries = finding(&r, "archive.limit.entries");
            assert_eq!(entries.len(), 1, "{:?}", short(&r));
            assert!(r.files.len() <= 500, "{}", r.files.len());
            assert!(work.findings < 1_000, "{work:?}");
            assert_canaries(&r, "", "fanout");
        });
    }
}

// ---------------------------------------------------------------------------------------------
// Overlapping entries

case! {
    fn overlapping_entries_inflate_once() {
        small_stack(|| {
            // Full overlap: 20,000 central records share one kernel of 1,000,000 zeros.
            let kernel = vec![b'a'; 1_000_000];
            let mut z = Zw::default();
            z.canaries();
            let k = z.local(rec("kernel", 8, &kernel), &deflate(&kernel));
            let mut records = z.cd.clone();
            for i in 0..20_000 {
                records.push(Rec { name: format!("copy{i:05}").into_bytes(), ..k.clone() });
            }
            records.insert(2, k);
            let pkg = z.finish_with(&records, false, b"");
            let (r, work) = both(&pkg, &Profile::default(), 5_000, "full overlap");
            let f = finding(&r, "archive.overlapping-entries");
            assert_eq!(f.len(), 1, "{:?}", f);
            assert!(f[0].title.starts_with("20000 entries point at bytes"), "{}", f[0].title);
            assert_canaries(&r, "", "full overlap");
            // 20 GB if each copy were inflated; the kernel is read once.
            assert!(work.uncompressed < 1_100_000, "{work:?}");
            assert_eq!(r.files.len(), 20_003);

            // Quoted overlap (Fifield): each entry's stored data starts with the next entry's
            // local header, so every header lies inside the previous entry's data.
            let mut z = Zw::default();
            z.canaries();
            let tail_body = b"tail\n".to_vec();
            let mut recs: Vec<Rec> = Vec::new();
            // Build back to front: the data of entry i is the local header + data of i+1.
            let mut blob = {
                let mut w = Zw::default();
                w.local(rec("q999", 0, &tail_body), &tail_body);
                w.out
            };
            let mut sizes = vec![(b"q999".to_vec(), tail_body.clone())];
            for i in (0..999).rev() {
                let name = format!("q{i:03}").into_bytes();
                let mut w = Zw::default();
                w.local(rec(name.clone(), 0, &blob), &blob);
                sizes.push((name, blob.clone()));
                blob = w.out;
            }
            let base = z.out.len() as u64;
            z.out.extend_from_slice(&blob);
            let mut at = base;
            for (name, body) in sizes.iter().rev() {
                let mut r = rec(name.clone(), 0, body);
                r.offset = at;
                r.csize = body.len() as u64;
                recs.push(r);
                at += 30 + name.len() as u64;
            }
            let mut records = z.cd.clone();
            records.extend(recs);
            let pkg = z.finish_with(&records, false, b"");
            let (r, work) = both(&pkg, &Profile::default(), 300, "quoted overlap");
            let f = finding(&r, "archive.overlapping-entries");
            assert_eq!(f.len(), 1, "{:?}", f);
            assert!(f[0].title.starts_with("999 entries"), "{}", f[0].title);
            assert_canaries(&r, "", "quoted overlap");
            // Reading every entry would read the quoted bytes 1000 times over (~17 MB).
            assert!(work.uncompressed < 2 * pkg.len() as u64, "{work:?}");
        });
    }
}

// ---------------------------------------------------------------------------------------------
// zip64 and 100,000 entries

case! {
    fn zip64_records_are_read() {
        small_stack(|| {
            // Every entry carries zip64 extra fields; the end of the directory is zip64 too.
            let mut z = Zw::default();
            for (name, body) in [CANARY_CRON, CANARY_KEY, ("README", &b"zip64\n"[..])] {
                let r = z.local(Rec { zip64: true, ..rec(name, 0, body) }, body);
                z.cd.push(Rec { zip64: true, ..r });
            }
            let pkg = z.finish(true);
            let (r, _) = both(&pkg, &Profile::default(), 1, "zip64");
            assert!(r.diagnostics.is_empty(), "{:?}", r.diagnostics);
            assert_eq!(r.package.entries, 3);
            assert_canaries(&r, "", "zip64");
            assert!(finding(&r, "archive.limit.entries").is_empty());
        });
    }
}

case! {
    fn zip64_end_record_claiming_huge_counts_is_corrupt() {
        small_stack(|| {
            let mut z = Zw::default();
            z.canaries();
            let mut pkg = z.finish(true);
            // The zip64 end record's entry counts (offsets 24 and 32 in it) claim 2^40 entries.
            let at = pkg.windows(4).position(|w| w == b"PK\x06\x06").unwrap_or(0);
            for off in [at + 24, at + 32] {
                pkg[off..off + 8].copy_from_slice(&(1u64 << 40).to_le_bytes());
            }
            let e = measured(&pkg, &Profile::default()).err();
            assert!(matches!(e, Some(ScanError::Corrupt { .. })), "{e:?}");
        });
    }
}

/// `n` stored entries `f/000000.txt`... plus the canaries, written directly (fast).
fn many_entries(n: usize) -> Vec<u8> {
    let mut z = Zw::default();
    z.canaries();
    for i in 0..n {
        z.stored(format!("f/{i:06}.txt"), b"x\n");
    }
    z.finish(n > 0xfffe)
}

#[cfg(not(target_arch = "wasm32"))]
#[test]
fn a_hundred_thousand_entries() {
    small_stack(|| {
        let pkg = many_entries(100_000);
        // The default limit (250,000) lets them all through.
        let (r, work) = both(&pkg, &Profile::default(), 40_000, "100,000 entries");
        assert_eq!(r.package.entries, 100_002);
        assert_eq!(r.files.len(), 100_002);
        assert!(r.findings.iter().all(|f| f.rule != "archive.limit.entries"));
        assert_canaries(&r, "", "100,000 entries");
        assert!(work.uncompressed < 300_000, "{work:?}");
        // A lower limit in the profile stops at the limit, with the finding naming it.
        let mut profile = Profile::default();
        profile.limits.max_entries = 50_000;
        let (r, _) = both(&pkg, &profile, 40_000, "entry limit");
        assert_eq!(
            lines(&r).iter().filter(|l| l.contains("archive.limit.entries")).collect::<Vec<_>>(),
            ["high archive.limit.entries : More than 50000 entries: the scan stopped at f/049998.txt"]
        );
        assert_eq!(r.files.len(), 50_000);
        assert_canaries(&r, "", "entry limit");
    });
}

// ---------------------------------------------------------------------------------------------
// Truncated and corrupt central directories

case! {
    fn truncated_packages_are_typed_errors() {
        small_stack(|| {
            let mut z = Zw::default();
            z.canaries().deflated("docs/notes.txt", &b"notes\n".repeat(100));
            let data_end = z.out.len();
            let pkg = z.finish(false);
            let cd = data_end;
            let eocd = pkg.len() - 22;
            // In the data, at the directory's start, inside it, inside the end record.
            for cut in [data_end / 2, cd, cd + 10, cd + 60, eocd + 4, pkg.len() - 1] {
                let e = measured(&pkg[..cut], &Profile::default()).err();
                let Some(e) = e else {
                    panic!("cut at {cut} of {}: scanned", pkg.len());
                };
                assert!(matches!(e, ScanError::Corrupt { format: "ZIP", .. }), "cut at {cut}: {e:?}");
                let msg = e.to_string();
                assert!(msg.contains("damaged or truncated"), "cut at {cut}: {msg}");
                assert!(msg.contains("download the package again"), "cut at {cut}: {msg}");
            }
        });
    }
}

case! {
    fn corrupt_central_directories() {
        small_stack(|| {
            let mut z = Zw::default();
            z.canaries().stored("docs/a.txt", b"a\n");
            let cd_offset = z.out.len();
            let records = z.cd.clone();
            let pkg = z.finish_with(&records, false, b"");
            let eocd = pkg.len() - 22;
            let corrupt = |f: &dyn Fn(&mut Vec<u8>)| {
                let mut b = pkg.clone();
                f(&mut b);
                measured(&b, &Profile::default())
            };
            // A bad signature on the first central record.
            let e = corrupt(&|b| b[cd_offset] = b'X').err();
            assert!(matches!(e, Some(ScanError::Corrupt { .. })), "bad signature: {e:?}");
            // Counts larger than the records there are.
            let e = corrupt(&|b| {
                b[eocd + 8..eocd + 12].copy_from_slice(&[9, 0, 9, 0]);
            }).err();
            assert!(matches!(e, Some(ScanError::Corrupt { .. })), "counts: {e:?}");
            // The directory's offset past the end of the file.
            let e = corrupt(&|b| {
                b[eocd + 16..eocd + 20].copy_from_slice(&0x7fff_0000u32.to_le_bytes());
            }).err();
            assert!(matches!(e, Some(ScanError::Corrupt { .. })), "offset: {e:?}");
            // A comment length that claims more bytes than follow.
            let e = corrupt(&|b| b[eocd + 20..eocd + 22].copy_from_slice(&200u16.to_le_bytes())).err();
            assert!(matches!(e, Some(ScanError::Corrupt { .. })), "comment length: {e:?}");

            // One record's local offset out of range: that entry is a diagnostic, the rest
            // is scanned.
            let mut z = Zw::default();
            z.canaries();
            let mut records = z.cd.clone();
            let mut lost = rec("docs/lost.txt", 0, b"lost\n");
            lost.offset = 0x7000_0000;
            records.push(lost);
            let pkg = z.finish_with(&records, false, b"");
            let (r, work) = both(&pkg, &Profile::default(), 1, "offset out of range");
            assert_canaries(&r, "", "offset out of range");
            assert_eq!(r.diagnostics.len(), 1, "{:?}", r.diagnostics);
            assert_eq!(r.diagnostics[0].path, "docs/lost.txt");
            assert!(r.diagnostics[0].message.contains("could not be opened"), "{:?}", r.diagnostics);
            assert!(work.uncompressed < 1000, "{work:?}");
        });
    }
}

// ---------------------------------------------------------------------------------------------
// Encrypted entries

case! {
    fn encrypted_entries_traditional_and_aes() {
        small_stack(|| {
            let mut z = Zw::default();
            z.canaries();
            let body = b"password=Zq8vLr2mWx9Tn4\n";
            let r = z.local(Rec { flags: 1, ..rec("conf/zipcrypto.properties", 0, body) }, body);
            z.cd.push(r);
            // WinZip AES: method 99, flag bit 0, extra field 0x9901 (AE-2, AES-256, deflate).
            let mut aes = Rec { flags: 1, ..rec("conf/aes.properties", 99, body) };
            aes.crc = 0;
            aes.extra = vec![0x01, 0x99, 7, 0, 2, 0, b'A', b'E', 3, 8, 0];
            let r = z.local(aes, &[0x55; 40]);
            z.cd.push(r);
            let pkg = z.finish(false);
            let (r, _) = both(&pkg, &Profile::default(), 1, "encrypted");
            let got: Vec<_> = finding(&r, "archive.encrypted-entry").iter().map(|f| (f.path.as_str(), f.title.as_str())).collect();
            assert_eq!(
                got,
                [
                    ("conf/aes.properties", "Encrypted entry, content not inspected: conf/aes.properties"),
                    ("conf/zipcrypto.properties", "Encrypted entry, content not inspected: conf/zipcrypto.properties"),
                ]
            );
            assert!(r.files.iter().filter(|f| f.path.contains("properties")).all(|f| f.kind == FileKind::Skipped));
            assert_canaries(&r, "", "encrypted");
        });
    }
}

// ---------------------------------------------------------------------------------------------
// A 50 MB single-line minified file

/// 50 MB on one line: a key at the start, filler full of keywords and URLs the detectors look
/// at, a second key at the end (beyond the 32 MiB read).
fn minified(total: usize) -> Vec<u8> {
    let head = b"var cfg={aws_access_key_id:\"AKIA64CFSUOSG2WPIZZX\"};";
    let tail = b"var late={aws_access_key_id:\"ASIAXN7EPGWZQXQC2SBL\"};\n";
    let unit = b"function f(a){return a.password||fetch(\"https://cdn.example.com/x.js\")&&\"0 3 * * *\"};";
    let mut out = Vec::with_capacity(total);
    out.extend_from_slice(head);
    while out.len() + unit.len() + tail.len() < total {
        out.extend_from_slice(unit);
    }
    out.extend_from_slice(tail);
    out
}

#[cfg(not(target_arch = "wasm32"))]
#[test]
fn a_fifty_megabyte_single_line_file() {
    small_stack(|| {
        let js = minified(50_000_000);
        let json = {
            let mut j = b"{\"token\":\"AKIA64CFSUOSG2WPIZZX\",\"a\":[".to_vec();
            while j.len() < 50_000_000 {
                j.extend_from_slice(b"{\"url\":\"https://api.example.com/v1\",\"password\":\"\"},");
            }
            j.extend_from_slice(b"0]}");
            j
        };
        let mut z = Zw::default();
        z.stored("static/app.min.js", &js)
            .stored("static/data.json", &json)
            .canaries();
        let pkg = z.finish(false);
        drop((js, json));
        let (r, work) = both(&pkg, &Profile::default(), 2, "minified");
        let cut: Vec<_> = finding(&r, "archive.limit.entry-bytes")
            .iter()
            .map(|f| (f.path.as_str(), f.title.as_str()))
            .collect();
        assert_eq!(
            cut,
            [
                (
                    "static/app.min.js",
                    "Only the first 33554432 bytes were scanned"
                ),
                (
                    "static/data.json",
                    "Only the first 33554432 bytes were scanned"
                ),
            ]
        );
        // The key at the start is found, the one past the cut is not (the cut says so).
        let keys: Vec<_> = r
            .findings
            .iter()
            .filter(|f| f.rule.starts_with("credential.") && f.path.starts_with("static/"))
            .collect();
        assert!(
            keys.iter()
                .any(|f| f.path == "static/app.min.js" && f.line == Some(1)),
            "{:?}",
            short(&r)
        );
        assert!(
            keys.iter().any(|f| f.path == "static/data.json"),
            "{:?}",
            short(&r)
        );
        assert!(
            !r.to_json().contains("XN7EPGWZ"),
            "the late key is not read (and never shown)"
        );
        assert_canaries(&r, "", "minified");
        // Two entries at the 32 MiB cap (+1 probe byte each) and the canaries.
        assert!(work.uncompressed <= 2 * ((32 << 20) + 1) + 200, "{work:?}");
        // Hundreds of thousands of repeated hits are not as many findings.
        assert!(
            work.findings < 100,
            "{} findings:\n{}",
            work.findings,
            short(&r).join("\n")
        );
        assert!(work.report_bytes < 1 << 20, "{work:?}");
    });
}

// ---------------------------------------------------------------------------------------------
// Deep nesting in every reader of package text

/// A DER SEQUENCE nested `levels` deep (definite lengths, built inside out).
fn deep_der(levels: usize) -> Vec<u8> {
    let mut inner = vec![0x05, 0x00]; // NULL
    for _ in 0..levels {
        let mut next = Vec::with_capacity(inner.len() + 6);
        next.push(0x30);
        next.push(0x84);
        next.extend_from_slice(&(inner.len() as u32).to_be_bytes());
        next.extend_from_slice(&inner);
        inner = next;
    }
    inner
}

fn base64(bytes: &[u8]) -> String {
    const A: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    let mut s = String::new();
    for (i, c) in bytes.chunks(3).enumerate() {
        if i > 0 && i % 16 == 0 {
            s.push('\n');
        }
        let n = (c[0] as u32) << 16
            | (*c.get(1).unwrap_or(&0) as u32) << 8
            | *c.get(2).unwrap_or(&0) as u32;
        for k in 0..4 {
            if k <= c.len() {
                s.push(A[(n >> (18 - 6 * k) & 63) as usize] as char);
            } else {
                s.push('=');
            }
        }
    }
    s
}

/// Files that each reach one parser with 100,000 levels of nesting.
fn deep_files() -> Vec<(&'static str, Vec<u8>)> {
    // In headless Chromium the debug build is slow enough that 100,000 levels of 33 readers
    // outlast the test runner's patience; 20,000 levels still overflow the wasm stack (1 MiB)
    // for any reader that recurses once per level.
    const N: usize = if cfg!(target_arch = "wasm32") {
        20_000
    } else {
        100_000
    };
    let r = |s: &str, n: usize| s.repeat(n);
    let der = deep_der(N);
    let pem = format!(
        "-----BEGIN CERTIFICATE-----\n{}\n-----END CERTIFICATE-----\n",
        base64(&der)
    );
    vec![
        ("config/flow.yaml", r("[", N).into_bytes()),
        ("config/seq.yaml", (r("- ", N) + "x\n").into_bytes()),
        ("config/map.yaml", (r("{a: ", N) + "1").into_bytes()),
        ("config/anchors.yaml", (0..N).map(|i| if i == 0 { "a0: &a0 [x]\n".to_string() } else { format!("a{i}: &a{i} [*a{}]\n", i - 1) }).collect::<String>().into_bytes()),
        ("config/array.json", r("[", N).into_bytes()),
        ("config/object.json", r("{\"a\":", N).into_bytes()),
        ("config/array.toml", (String::from("a = ") + &r("[", N)).into_bytes()),
        ("config/table.toml", (String::from("a = ") + &r("{b = ", N)).into_bytes()),
        ("config/deep.xml", r("<a>", N).into_bytes()),
        ("config/deep.ini", r("[", N).into_bytes()),
        ("package.json", r("{\"a\":", N).into_bytes()),
        ("pom.xml", (String::from("<project>") + &r("<a>", N)).into_bytes()),
        ("Chart.yaml", (String::from("apiVersion: v2\nname: x\nversion: ") + &r("[", N)).into_bytes()),
        ("k8s/cronjob.yaml", (String::from("apiVersion: batch/v1\nkind: CronJob\nspec: ") + &r("{a: ", N)).into_bytes()),
        (".github/workflows/deep.yml", (String::from("on:\n  schedule: ") + &r("[", N)).into_bytes()),
        ("Tasks/Deep.xml", (String::from("<Task><Triggers>") + &r("<CalendarTrigger>", N)).into_bytes()),
        ("WEB-INF/quartz.xml", (String::from("<job-scheduling-data>") + &r("<schedule>", N)).into_bytes()),
        ("db/changelog/db.changelog-master.xml", (String::from("<databaseChangeLog><changeSet id=\"1\" author=\"a\">") + &r("<sql>", N)).into_bytes()),
        ("db/migration/V1__deep.sql", (String::from("SELECT ") + &r("(", N) + "1" + &r(")", N) + ";\n").into_bytes()),
        ("db/migration/V2__open.sql", (String::from("SELECT ") + &r("(", N) + ";\n").into_bytes()),
        ("db/migration/V3__not.sql", (String::from("SELECT ") + &r("NOT ", N) + "true;\n").into_bytes()),
        ("db/migration/V4__minus.sql", (String::from("SELECT ") + &r("- ", N) + "1;\n").into_bytes()),
        ("db/migration/V5__array.sql", (String::from("SELECT ") + &r("ARRAY[", N) + "1;\n").into_bytes()),
        ("db/migration/V6__subquery.sql", (String::from("SELECT * FROM ") + &r("(SELECT * FROM ", N) + "t;\n").into_bytes()),
        // At the limit squawk still parses it (and does not overflow a 1 MiB stack).
        ("db/migration/V7__at_limit.sql", (String::from("SELECT ") + &r("(", 100) + "1" + &r(")", 100) + ";\n").into_bytes()),
        ("alembic/versions/0001_deep.py", (String::from("def upgrade():\n    op.execute(") + &r("(", N) + "\n").into_bytes()),
        ("db/migrate/20240101000000_deep.rb", (String::from("class Deep < ActiveRecord::Migration[7.0]\n  def up\n    execute ") + &r("[", N) + "\n").into_bytes()),
        ("app/migrations/0001_deep.py", (String::from("from django.db import migrations\nclass Migration(migrations.Migration):\n    operations = ") + &r("[", N) + "\n").into_bytes()),
        ("certs/deep.pem", pem.into_bytes()),
        ("certs/deep.der", der),
        ("lib/systemd/system/deep.service", (String::from("[Unit]\nDescription=") + &r("${", N) + "\n").into_bytes()),
        ("etc/celery.py", (String::from("beat_schedule = ") + &r("{'a': ", N) + "\n").into_bytes()),
        ("Jenkinsfile", (String::from("pipeline { triggers { cron(") + &r("(", N) + "\n").into_bytes()),
    ]
}

case! {
    fn deep_nesting_in_every_reader_is_bounded() {
        small_stack(|| {
            for (path, body) in deep_files() {
                // One package per file, so a crash names its reader.
                eprintln!("deep nesting: {path}");
                let pkg = zip_of(&[CANARY_CRON, (path, &body), CANARY_KEY]);
                let (r, work) = both(&pkg, &Profile::default(), 1, path);
                assert_canaries(&r, "", path);
                // Parentheses 100,000 deep: not understood (the scanner's own reading says why).
                if path.starts_with("db/migration/V1") || path.starts_with("db/migration/V2") {
                    assert!(
                        r.findings.iter().any(|f| f.path == path && f.rule == "migration.unparsed-statement"),
                        "{path}: {:?}",
                        short(&r)
                    );
                }
                assert!(work.findings < 50, "{path}: {} findings:\n{}", work.findings, short(&r).join("\n"));
                if let Some(f) = r.findings.iter().find(|f| serde_json::to_string(f).map_or(0, |s| s.len()) > 10_000) {
                    panic!("{path}: a finding of {} bytes: {} {} (evidence {} bytes)", serde_json::to_string(f).map_or(0, |s| s.len()), f.rule, f.title.chars().take(200).collect::<String>(), f.evidence.len());
                }
                assert!(work.report_bytes < 200_000, "{path}: {work:?}");
            }
        });
    }
}

// ---------------------------------------------------------------------------------------------
// Hostile names

case! {
    fn non_utf8_and_control_character_names() {
        small_stack(|| {
            let mut z = Zw::default();
            z.canaries();
            z.stored(b"caf\x82/men\xa3.txt".to_vec(), b"x\n"); // CP437, no UTF-8 flag
            let r = z.local(Rec { flags: 0x800, ..rec(b"bad\xff\xfe.txt".to_vec(), 0, b"x\n") }, b"x\n");
            z.cd.push(r); // the UTF-8 flag set on bytes that are not UTF-8
            z.stored("nul\0.txt", b"x\n")
                .stored("esc\x1b[31mred.txt", b"x\n")
                .stored("two\r\nlines.txt", b"x\n")
                .stored("invoice\u{202e}fdp.exe", b"x\n");
            let pkg = z.finish(false);
            let (r, _) = both(&pkg, &Profile::default(), 2, "names");
            let mut got: Vec<String> = lines(&r).into_iter().filter(|l| l.contains(" archive.")).collect();
            got.sort();
            assert_eq!(
                got,
                [
                    "high archive.bidi-control invoice<U+202E>fdp.exe: Entry name contains a bidirectional control character: invoice<U+202E>fdp.exe",
                    // The UTF-8 flag is a lie: CP437 shows every byte (U+FFFD would hide them).
                    "low archive.non-utf8-name bad\u{a0}■.txt: Entry name is not valid UTF-8 (shown decoded as CP437): bad\u{a0}■.txt",
                    "low archive.non-utf8-name café/menú.txt: Entry name is not valid UTF-8 (shown decoded as CP437): café/menú.txt",
                    "medium archive.control-character esc<U+001B>[31mred.txt: Entry name contains control characters: esc<U+001B>[31mred.txt",
                    "medium archive.control-character nul<U+0000>.txt: Entry name contains control characters: nul<U+0000>.txt",
                    "medium archive.control-character two<U+000D><U+000A>lines.txt: Entry name contains control characters: two<U+000D><U+000A>lines.txt",
                ]
            );
            // No raw control character reaches the report's text a page or terminal shows.
            for f in &r.findings {
                assert!(!f.title.chars().any(|c| c.is_control() || c == '\u{202e}'), "{:?}", f.title);
            }
            assert_canaries(&r, "", "names");
        });
    }
}

const TRAVERSAL: &[&str] = &[
    "../../etc/passwd",
    "..\\..\\windows\\system.ini",
    "a/../../b",
    "a/../b",
    "/etc/shadow",
    "C:\\Windows\\x.dll",
    "\\\\server\\share\\x",
];

fn traversal_lines(r: &Report) -> Vec<String> {
    let mut got: Vec<String> = lines(r)
        .into_iter()
        .filter(|l| l.contains(" archive."))
        .collect();
    got.sort();
    got
}

case! {
    fn traversal_and_absolute_names_in_zip_and_tar() {
        small_stack(|| {
            let want = [
                "high archive.absolute-path /etc/shadow: Entry name is an absolute path: /etc/shadow",
                "high archive.absolute-path \\\\server\\share\\x: Entry name is an absolute path: \\\\server\\share\\x",
                "high archive.drive-letter C:\\Windows\\x.dll: Entry name starts with a drive letter: C:\\Windows\\x.dll",
                "high archive.path-traversal ../../etc/passwd: Entry name climbs out of the extraction folder: ../../etc/passwd",
                "high archive.path-traversal ..\\..\\windows\\system.ini: Entry name climbs out of the extraction folder: ..\\..\\windows\\system.ini",
                "high archive.path-traversal a/../../b: Entry name climbs out of the extraction folder: a/../../b",
                "medium archive.path-traversal a/../b: Entry name contains '..': a/../b",
            ];
            let mut z = Zw::default();
            for name in TRAVERSAL {
                z.stored(*name, b"x\n");
            }
            z.canaries();
            let pkg = z.finish(false);
            let (r, _) = both(&pkg, &Profile::default(), 3, "traversal zip");
            assert_eq!(traversal_lines(&r), want);
            assert_canaries(&r, "", "traversal zip");

            let mut entries: Vec<(&str, &[u8])> = TRAVERSAL.iter().map(|n| (*n, &b"x\n"[..])).collect();
            entries.extend([CANARY_CRON, CANARY_KEY]);
            let tgz = gzip(&tar_of(&entries));
            let (r, _) = measured(&tgz, &Profile::default()).unwrap_or_else(|e| panic!("{e}"));
            assert_eq!(traversal_lines(&r), want);
            assert_canaries(&r, "", "traversal tar.gz");
        });
    }
}
