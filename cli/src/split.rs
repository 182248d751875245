//! The scan on several threads: each opens the package on its own and takes the next part
//! while there is one; one more hashes the package; this thread merges the parts as they come.
//! The report is the one a single-threaded scan gives (see `scanner_core::shard`).

use scanner_core::shard::{Merger, Shard};
use scanner_core::{hash, NoSink, Report, ScanError, ScanInput};
use std::fs::File;
use std::io::BufReader;
use std::path::Path;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::mpsc;

/// Why a scan gave no report.
pub enum Error {
    /// The file could not be opened.
    Open(std::io::Error),
    /// The package could not be scanned.
    Scan(ScanError),
}

impl From<ScanError> for Error {
    fn from(e: ScanError) -> Self {
        Error::Scan(e)
    }
}

type Reader = BufReader<File>;

fn open(path: &Path) -> Result<Reader, Error> {
    File::open(path)
        .map(|f| BufReader::with_capacity(1 << 16, f))
        .map_err(Error::Open)
}

/// Scan the package at `path` with up to `jobs` threads.
pub fn scan(path: &Path, input: &ScanInput<'_>, jobs: usize) -> Result<Report, Error> {
    let first = Shard::open(open(path)?, input)?;
    let parts = first.parts(jobs);
    if jobs <= 1 || parts.len() <= 1 {
        drop(first);
        return Ok(scanner_core::scan(open(path)?, input, &mut NoSink)?);
    }
    let size = first.size();
    drop(first);
    let next = AtomicUsize::new(0);
    let (tx, rx) = mpsc::channel();
    std::thread::scope(|s| {
        let hashing =
            s.spawn(|| -> Result<Option<String>, Error> { Ok(hash(open(path)?, &mut NoSink)?) });
        for _ in 0..jobs.min(parts.len()) {
            let tx = tx.clone();
            let (next, parts) = (&next, &parts);
            s.spawn(move || {
                // Detectors stay on the thread that made them.
                let shard = open(path).and_then(|r| Ok(Shard::open(r, input)?));
                let mut shard = match shard {
                    Ok(shard) => shard,
                    Err(e) => {
                        let _ = tx.send(Err(e));
                        return;
                    }
                };
                loop {
                    let i = next.fetch_add(1, Ordering::Relaxed);
                    let Some(part) = parts.get(i) else { break };
                    let out = shard.scan_part(part, input, &mut NoSink);
                    if tx.send(out.map_err(Error::from)).is_err() {
                        break;
                    }
                }
            });
        }
        drop(tx);
        let mut merger = Merger::new(input, size);
        for out in rx {
            merger.add(out?, &mut NoSink);
        }
        let sha = hashing
            .join()
            .map_err(|_| Error::Scan(ScanError::Io(std::io::Error::other("hashing failed"))))??;
        Ok(merger.finish(input, sha, parts.len() as u32, &mut NoSink))
    })
}
