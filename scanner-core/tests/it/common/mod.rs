//! Test fixtures: packages written in memory.
//!
//! - [`fixture`]: multi-file text, rust-analyzer style (`//- /etc/cron.d/job` headers), zipped.
//! - [`RawZip`]: a byte-level ZIP writer for what well-behaved writers refuse to produce
//!   (non-UTF-8 names, encryption flags, records sharing data).
//! - [`tar_of`], [`gzip`]: tar and gzip containers.
//! - [`check`]: scan a package and compare its findings with expected text lines.
#![allow(dead_code)]

use scanner_core::text::visible;
use scanner_core::{scan, NoSink, Profile, Report, ScanInput};
use std::io::{Cursor, Write};

/// Declare a test that also runs in headless Chromium under wasm-bindgen-test.
#[macro_export]
macro_rules! case {
    ($(#[$m:meta])* fn $name:ident() $body:block) => {
        $(#[$m])*
        #[cfg_attr(not(target_arch = "wasm32"), test)]
        #[cfg_attr(target_arch = "wasm32", wasm_bindgen_test::wasm_bindgen_test)]
        fn $name() $body
    };
}

/// The reference instant all tests use.
pub const NOW: &str = "2026-11-26T00:00:00Z";

/// Split `//- /path` fixture text into (path, content) pairs. Paths lose their leading `/`;
/// every line loses the indentation of the `//-` header above it (so YAML keeps its own).
pub fn files(text: &str) -> Vec<(String, String)> {
    let mut out: Vec<(String, String)> = Vec::new();
    let mut indent = 0;
    for line in text.lines() {
        let trimmed = line.trim_start();
        if let Some(path) = trimmed.strip_prefix("//- ") {
            indent = line.len() - trimmed.len();
            out.push((
                path.trim().trim_start_matches('/').to_string(),
                String::new(),
            ));
        } else if let Some((_, body)) = out.last_mut() {
            let cut = (line.len() - trimmed.len()).min(indent);
            body.push_str(&line[cut..]);
            body.push('\n');
        }
    }
    out
}

/// A deflated ZIP of the fixture's files.
pub fn fixture(text: &str) -> Vec<u8> {
    let owned = files(text);
    zip_of(
        &owned
            .iter()
            .map(|(p, b)| (p.as_str(), b.as_bytes()))
            .collect::<Vec<_>>(),
    )
}

/// A deflated ZIP of (name, bytes) pairs.
pub fn zip_of(entries: &[(&str, &[u8])]) -> Vec<u8> {
    let mut w = zip::ZipWriter::new(Cursor::new(Vec::new()));
    for (name, body) in entries {
        w.start_file(*name, zip::write::SimpleFileOptions::default())
            .unwrap();
        w.write_all(body).unwrap();
    }
    w.finish().unwrap().into_inner()
}

/// A ZIP written with one compression method and optional zip64 records.
pub fn zip_with(entries: &[(&str, &[u8])], method: zip::CompressionMethod, zip64: bool) -> Vec<u8> {
    let mut w = zip::ZipWriter::new(Cursor::new(Vec::new()));
    let opts = zip::write::SimpleFileOptions::default()
        .compression_method(method)
        .large_file(zip64);
    for (name, body) in entries {
        w.start_file(*name, opts).unwrap();
        w.write_all(body).unwrap();
    }
    w.finish().unwrap().into_inner()
}

/// A tar of (name, bytes) pairs.
pub fn tar_of(entries: &[(&str, &[u8])]) -> Vec<u8> {
    let mut b = tar::Builder::new(Vec::new());
    for (name, body) in entries {
        // Names are written raw: the tar crate refuses `..`, and hostile tests need it.
        let mut h = tar::Header::new_gnu();
        h.as_gnu_mut().unwrap().name[..name.len()].copy_from_slice(name.as_bytes());
        h.set_size(body.len() as u64);
        h.set_mode(0o644);
        h.set_cksum();
        b.append(&h, *body).unwrap();
    }
    b.into_inner().unwrap()
}

/// Gzip some bytes.
pub fn gzip(bytes: &[u8]) -> Vec<u8> {
    let mut e = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::default());
    e.write_all(bytes).unwrap();
    e.finish().unwrap()
}

/// Deflate-compressed bytes (raw deflate, as inside a ZIP).
pub fn deflate(bytes: &[u8]) -> Vec<u8> {
    let mut e = flate2::write::DeflateEncoder::new(Vec::new(), flate2::Compression::default());
    e.write_all(bytes).unwrap();
    e.finish().unwrap()
}

/// One record of a [`RawZip`].
pub struct RawEntry {
    /// Name bytes as stored.
    pub name: Vec<u8>,
    /// Uncompressed content.
    pub data: Vec<u8>,
    /// General-purpose flags (bit 0: encrypted, bit 11: UTF-8 name).
    pub flags: u16,
    /// Store (0) or deflate (8).
    pub method: u16,
    /// Unix mode for the external attributes (e.g. `0o120777` for a symlink).
    pub unix_mode: Option<u32>,
    /// Point this central record at the local header of an earlier entry (index).
    pub same_data_as: Option<usize>,
}

impl RawEntry {
    /// A stored entry.
    pub fn stored(name: impl Into<Vec<u8>>, data: impl Into<Vec<u8>>) -> Self {
        RawEntry {
            name: name.into(),
            data: data.into(),
            flags: 0,
            method: 0,
            unix_mode: None,
            same_data_as: None,
        }
    }
}

/// A byte-level ZIP writer.
#[derive(Default)]
pub struct RawZip {
    entries: Vec<RawEntry>,
}

impl RawZip {
    /// Add a record.
    pub fn push(mut self, e: RawEntry) -> Self {
        self.entries.push(e);
        self
    }

    /// Write the archive.
    pub fn build(&self) -> Vec<u8> {
        let mut out = Vec::new();
        let mut central = Vec::new();
        let mut offsets: Vec<(u32, u32, u32, u32)> = Vec::new(); // offset, crc, csize, size
        for e in &self.entries {
            let (offset, crc, csize, size) = match e.same_data_as {
                Some(i) => offsets[i],
                None => {
                    let stored = if e.method == 8 {
                        deflate(&e.data)
                    } else {
                        e.data.clone()
                    };
                    let crc = crc32fast::hash(&e.data);
                    let offset = out.len() as u32;
                    out.extend_from_slice(b"PK\x03\x04");
                    out.extend_from_slice(&20u16.to_le_bytes());
                    out.extend_from_slice(&e.flags.to_le_bytes());
                    out.extend_from_slice(&e.method.to_le_bytes());
                    out.extend_from_slice(&[0, 0, 0x21, 0]); // time, date
                    out.extend_from_slice(&crc.to_le_bytes());
                    out.extend_from_slice(&(stored.len() as u32).to_le_bytes());
                    out.extend_from_slice(&(e.data.len() as u32).to_le_bytes());
                    out.extend_from_slice(&(e.name.len() as u16).to_le_bytes());
                    out.extend_from_slice(&0u16.to_le_bytes());
                    out.extend_from_slice(&e.name);
                    out.extend_from_slice(&stored);
                    (offset, crc, stored.len() as u32, e.data.len() as u32)
                }
            };
            offsets.push((offset, crc, csize, size));
            let made_by: u16 = if e.unix_mode.is_some() {
                0x0314
            } else {
                0x0014
            };
            central.extend_from_slice(b"PK\x01\x02");
            central.extend_from_slice(&made_by.to_le_bytes());
            central.extend_from_slice(&20u16.to_le_bytes());
            central.extend_from_slice(&e.flags.to_le_bytes());
            central.extend_from_slice(&e.method.to_le_bytes());
            central.extend_from_slice(&[0, 0, 0x21, 0]);
            central.extend_from_slice(&crc.to_le_bytes());
            central.extend_from_slice(&csize.to_le_bytes());
            central.extend_from_slice(&size.to_le_bytes());
            central.extend_from_slice(&(e.name.len() as u16).to_le_bytes());
            central.extend_from_slice(&[0; 8]); // extra len, comment len, disk, internal attrs
            central.extend_from_slice(&(e.unix_mode.unwrap_or(0) << 16).to_le_bytes());
            central.extend_from_slice(&offset.to_le_bytes());
            central.extend_from_slice(&e.name);
        }
        let cd_offset = out.len() as u32;
        out.extend_from_slice(&central);
        out.extend_from_slice(b"PK\x05\x06");
        out.extend_from_slice(&[0; 4]);
        out.extend_from_slice(&(self.entries.len() as u16).to_le_bytes());
        out.extend_from_slice(&(self.entries.len() as u16).to_le_bytes());
        out.extend_from_slice(&(central.len() as u32).to_le_bytes());
        out.extend_from_slice(&cd_offset.to_le_bytes());
        out.extend_from_slice(&0u16.to_le_bytes());
        out
    }
}

/// Scan with a profile.
pub fn scan_with(bytes: &[u8], profile: &Profile) -> Report {
    let input = ScanInput {
        name: "package.zip",
        profile,
        now: NOW.parse().unwrap(),
    };
    scan(Cursor::new(bytes), &input, &mut NoSink).expect("package scans")
}

/// Scan with the default profile.
pub fn scan_bytes(bytes: &[u8]) -> Report {
    scan_with(bytes, &Profile::default())
}

/// Findings as `severity rule path: title` lines, in report order.
pub fn lines(report: &Report) -> Vec<String> {
    report
        .findings
        .iter()
        .map(|f| {
            format!(
                "{} {} {}: {}",
                f.severity,
                f.rule,
                visible(&f.path),
                f.title
            )
        })
        .collect()
}

/// Scan and compare the finding lines with `expect` (one per line, blank lines ignored).
pub fn check(bytes: &[u8], expect: &str) {
    let report = scan_bytes(bytes);
    let got = lines(&report);
    let want: Vec<String> = expect
        .lines()
        .map(str::trim)
        .filter(|l| !l.is_empty())
        .map(String::from)
        .collect();
    assert_eq!(got, want, "\nfull report:\n{}", report.to_json());
}

/// The page's built-in sample, zipped from `public/sample-package/` (files in name order).
/// `None` where the directory cannot be read (in the browser).
pub fn sample_package() -> Option<Vec<u8>> {
    fn under(dir: &std::path::Path, base: &std::path::Path, out: &mut Vec<(String, Vec<u8>)>) {
        let Ok(entries) = std::fs::read_dir(dir) else {
            return;
        };
        let mut entries: Vec<_> = entries.filter_map(Result::ok).map(|e| e.path()).collect();
        entries.sort();
        for path in entries {
            if path.is_dir() {
                under(&path, base, out);
            } else if let (Ok(bytes), Ok(rel)) = (std::fs::read(&path), path.strip_prefix(base)) {
                out.push((rel.to_string_lossy().into_owned(), bytes));
            }
        }
    }
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../public/sample-package");
    let mut files = Vec::new();
    under(&dir, &dir, &mut files);
    let refs: Vec<(&str, &[u8])> = files.iter().map(|(p, b)| (p.as_str(), &b[..])).collect();
    (files.len() > 10).then(|| zip_of(&refs))
}

/// A maintenance window over the nights of 28 November (Berlin), for window verdicts.
pub const WINDOW: &str = "timezone = \"Europe/Berlin\"
[maintenance_window]
start = \"2026-11-28T02:00:00+01:00\"
end = \"2026-11-28T05:00:00+01:00\"
";

/// The profile of [`WINDOW`].
pub fn window_profile() -> Profile {
    let p = Profile::from_toml(WINDOW);
    assert!(p.is_ok(), "{p:?}");
    p.unwrap_or_default()
}
