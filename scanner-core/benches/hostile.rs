//! The cost of hostile packages, against a benign package of the same compressed size.
//!
//! `cargo bench -p scanner-core --bench hostile` generates each package (as
//! `tests/it/hostile.rs` does, in smaller form where the issue names no size), scans it a few
//! times and prints one row per case: package bytes, uncompressed bytes read, entries,
//! findings, median time and peak resident memory. The clock is read here, in the bench
//! binary, never in the library. Peak memory is the process's `VmHWM` (Linux), reset before
//! each case through `/proc/self/clear_refs`; the workspace forbids `unsafe`, so there is no
//! counting allocator.

#[path = "../tests/it/common/mod.rs"]
#[allow(unused_macros)]
mod common;

use common::{deflate, zip_of, RawEntry, RawZip};
use scanner_core::{scan, Profile, Progress, ScanInput, ScanSink};
use std::io::Cursor;
use std::ops::ControlFlow;
use std::time::Instant;

const RUNS: usize = 5;

#[derive(Default)]
struct Count {
    read: u64,
    entries: u64,
}

impl ScanSink for Count {
    fn progress(&mut self, p: &Progress<'_>) -> ControlFlow<()> {
        self.read = self.read.max(p.uncompressed_read);
        self.entries = self.entries.max(p.entries_done);
        ControlFlow::Continue(())
    }
}

fn peak_reset() {
    let _ = std::fs::write("/proc/self/clear_refs", "5");
}

fn peak_kib() -> u64 {
    std::fs::read_to_string("/proc/self/status")
        .ok()
        .and_then(|s| {
            s.lines()
                .find(|l| l.starts_with("VmHWM:"))
                .and_then(|l| l.split_whitespace().nth(1)?.parse().ok())
        })
        .unwrap_or(0)
}

const CANARIES: [(&str, &[u8]); 2] = [
    (
        "etc/cron.d/canary",
        b"17 4 * * * root /opt/acme/bin/canary.sh\n",
    ),
    (
        "conf/canary.env",
        b"aws_access_key_id = AKIA64CFSUOSG2WPIZZX\n",
    ),
];

/// Text files with some findings, deflated, until the package reaches `size` bytes.
fn benign(size: usize) -> Vec<u8> {
    let mut files: Vec<(String, Vec<u8>)> = Vec::new();
    let mut total = 0;
    let mut i = 0u64;
    while total < size {
        // Pseudo-random words compress about 3:1, like source and configuration.
        let mut body = String::new();
        let mut x = i.wrapping_mul(0x9e37_79b9_7f4a_7c15) | 1;
        for line in 0..400 {
            x ^= x << 13;
            x ^= x >> 7;
            x ^= x << 17;
            body.push_str(&format!(
                "key{line}.v{:x} = value-{:x} https://svc{}.example.com/\n",
                x % 4096,
                x >> 40,
                x % 7
            ));
        }
        total += deflate(body.as_bytes()).len() + 80;
        files.push((format!("app/conf/file{i:05}.properties"), body.into_bytes()));
        i += 1;
    }
    let mut refs: Vec<(&str, &[u8])> = CANARIES.to_vec();
    refs.extend(files.iter().map(|(n, b)| (n.as_str(), b.as_slice())));
    zip_of(&refs)
}

fn with_canaries(z: RawZip) -> RawZip {
    CANARIES
        .iter()
        .fold(z, |z, (n, b)| z.push(RawEntry::stored(*n, *b)))
}

fn cases() -> Vec<(&'static str, Vec<u8>)> {
    let mut out = Vec::new();
    // 200 MB of zeros, declared.
    let zeros = vec![0u8; 200 << 20];
    out.push((
        "deflate bomb, 200 MB of zeros",
        with_canaries(RawZip::default().push(RawEntry {
            method: 8,
            ..RawEntry::stored("data/zeros.bin", zeros)
        }))
        .build(),
    ));
    // zip in zip, 8 levels.
    let mut inner = zip_of(&[("bottom.txt", b"bottom\n")]);
    for level in (0..8).rev() {
        let name = format!("level{level}.zip");
        let mut e: Vec<(&str, &[u8])> = CANARIES.to_vec();
        e.push((&name, &inner));
        inner = zip_of(&e);
    }
    out.push(("zip in zip, 8 levels (limit 5)", inner));
    // 20,000 records sharing one 1,000,000-byte kernel.
    let mut z = with_canaries(RawZip::default()).push(RawEntry {
        method: 8,
        ..RawEntry::stored("kernel", vec![b'a'; 1_000_000])
    });
    for i in 0..20_000 {
        z = z.push(RawEntry {
            same_data_as: Some(2),
            ..RawEntry::stored(format!("copy{i:05}"), "")
        });
    }
    out.push(("overlapping, 20,000 x 1 MB kernel", z.build()));
    // 100,000 entries (zip64 end record).
    let names: Vec<String> = (0..100_000).map(|i| format!("f/{i:06}.txt")).collect();
    let mut e: Vec<(&str, &[u8])> = CANARIES.to_vec();
    e.extend(names.iter().map(|n| (n.as_str(), &b"x\n"[..])));
    out.push(("100,000 entries", zip_of(&e)));
    // 50 MB on one line.
    let unit = b"function f(a){return a.password||fetch(\"https://cdn.example.com/x.js\")&&\"0 3 * * *\"};";
    let mut js = b"var cfg={aws_access_key_id:\"AKIA64CFSUOSG2WPIZZX\"};".to_vec();
    while js.len() < 50_000_000 {
        js.extend_from_slice(unit);
    }
    let mut e: Vec<(&str, &[u8])> = CANARIES.to_vec();
    e.push(("static/app.min.js", &js));
    out.push(("50 MB single-line minified JS", zip_of(&e)));
    // 100,000 levels of nesting in each reader.
    let n = 100_000;
    let deep: Vec<(String, String)> = vec![
        ("config/flow.yaml".into(), "[".repeat(n)),
        ("config/map.yaml".into(), "{a: ".repeat(n)),
        ("config/array.json".into(), "[".repeat(n)),
        (
            "config/table.toml".into(),
            format!("a = {}", "{b = ".repeat(n)),
        ),
        ("config/deep.xml".into(), "<a>".repeat(n)),
        (
            "k8s/cronjob.yaml".into(),
            format!(
                "apiVersion: batch/v1\nkind: CronJob\nspec: {}",
                "{a: ".repeat(n)
            ),
        ),
        (
            "db/migration/V1__deep.sql".into(),
            format!("SELECT {}1{};\n", "(".repeat(n), ")".repeat(n)),
        ),
        (
            "db/changelog/db.changelog-master.xml".into(),
            format!("<databaseChangeLog>{}", "<sql>".repeat(n)),
        ),
    ];
    let mut e: Vec<(&str, &[u8])> = CANARIES.to_vec();
    e.extend(deep.iter().map(|(p, b)| (p.as_str(), b.as_bytes())));
    out.push(("deep nesting, 8 readers x 100,000 levels", zip_of(&e)));
    // Hostile names.
    let mut z = with_canaries(RawZip::default());
    for i in 0..10_000 {
        let name = match i % 5 {
            0 => format!("../../etc/x{i}"),
            1 => format!("/etc/abs{i}"),
            2 => format!("C:\\Windows\\x{i}.dll"),
            3 => format!("ctl\u{1b}[31m{i}\u{202e}"),
            _ => format!("..\\..\\y{i}"),
        };
        z = z.push(RawEntry::stored(name, "x\n"));
    }
    out.push(("10,000 hostile names", z.build()));
    out
}

fn main() {
    if std::env::args().any(|a| a == "--list") {
        return;
    }
    let profile = Profile::default();
    let input = ScanInput {
        name: "package.zip",
        profile: &profile,
        now: common::NOW.parse().unwrap_or_default(),
    };
    println!("| case | package bytes | uncompressed read | entries | findings | median | x benign | peak RSS |");
    println!("|---|---:|---:|---:|---:|---:|---:|---:|");
    for (name, pkg) in cases() {
        let base = benign(pkg.len());
        let mut rows = Vec::new();
        for (label, bytes) in [
            (name.to_string(), &pkg),
            (format!("benign, same size ({name})"), &base),
        ] {
            peak_reset();
            let mut times = Vec::new();
            let mut last = None;
            for _ in 0..RUNS {
                let mut sink = Count::default();
                let t = Instant::now();
                let r = scan(Cursor::new(&bytes[..]), &input, &mut sink);
                times.push(t.elapsed().as_secs_f64());
                last = Some((r.map(|r| r.findings.len()).unwrap_or(0), sink));
            }
            times.sort_by(|a, b| a.total_cmp(b));
            let (findings, sink) = last.unwrap_or_default();
            rows.push((
                label,
                bytes.len(),
                sink.read,
                sink.entries,
                findings,
                times[RUNS / 2],
                peak_kib(),
            ));
        }
        let benign_time = rows[1].5.max(1e-9);
        for (label, size, read, entries, findings, t, kib) in rows {
            println!(
                "| {label} | {size} | {read} | {entries} | {findings} | {:.1} ms | {:.1} | {} MiB |",
                t * 1e3,
                t / benign_time,
                kib / 1024
            );
        }
    }
}
