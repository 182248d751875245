//! Inflate every deflated entry of a ZIP (read into memory first, so only inflating is timed)
//! and print the throughput of the back end this build was made with.

use std::io::{Read, Seek, SeekFrom};

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let path = std::env::args().nth(1).ok_or("usage: inflate-bench PACKAGE.zip")?;
    let mut file = std::fs::File::open(&path)?;
    let mut archive = zip::ZipArchive::new(std::fs::File::open(&path)?)?;
    let mut streams = Vec::new();
    for i in 0..archive.len() {
        let e = archive.by_index_raw(i)?;
        // Without its deflate feature the zip crate calls method 8 "unsupported": that is fine,
        // only the raw bytes are wanted here.
        let method = format!("{:?}", e.compression());
        if method.contains("Deflate") || method.contains("(8)") {
            if let Some(start) = e.data_start() {
                streams.push((start, e.compressed_size()));
            }
        }
    }
    let mut compressed = Vec::new();
    for (start, size) in streams {
        let mut b = vec![0u8; usize::try_from(size)?];
        file.seek(SeekFrom::Start(start))?;
        file.read_exact(&mut b)?;
        compressed.push(b);
    }
    let started = std::time::Instant::now();
    let mut out = vec![0u8; 1 << 16];
    let mut total = 0u64;
    for b in &compressed {
        let mut d = flate2::read::DeflateDecoder::new(&b[..]);
        loop {
            let n = d.read(&mut out)?;
            if n == 0 {
                break;
            }
            total += n as u64;
        }
    }
    let secs = started.elapsed().as_secs_f64();
    println!(
        "{} entries, {:.0} MB inflated in {secs:.3} s: {:.0} MB/s",
        compressed.len(),
        total as f64 / 1e6,
        total as f64 / 1e6 / secs
    );
    Ok(())
}
