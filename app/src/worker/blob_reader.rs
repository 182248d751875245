//! `Read + Seek` over a browser `Blob`, reading slices with `FileReaderSync` (workers only).
//! The package is never held whole in memory: one slice of [`CHUNK`] bytes at a time.

use js_sys::Uint8Array;
use std::io::{self, Read, Seek, SeekFrom};
use web_sys::{Blob, FileReaderSync};

/// Bytes fetched from the blob at a time.
pub const CHUNK: u64 = 1 << 20;

/// A seekable reader over a `Blob`.
pub struct BlobReader {
    blob: Blob,
    reader: FileReaderSync,
    size: u64,
    pos: u64,
    buf: Vec<u8>,
    buf_start: u64,
}

impl BlobReader {
    /// Wrap a blob.
    pub fn new(blob: Blob) -> io::Result<Self> {
        let reader = FileReaderSync::new().map_err(js_err)?;
        let size = blob.size() as u64;
        Ok(BlobReader {
            blob,
            reader,
            size,
            pos: 0,
            buf: Vec::new(),
            buf_start: 0,
        })
    }

    fn fill(&mut self) -> io::Result<()> {
        let start = self.pos;
        let end = (start + CHUNK).min(self.size);
        let slice = self
            .blob
            .slice_with_f64_and_f64(start as f64, end as f64)
            .map_err(js_err)?;
        let buffer = self.reader.read_as_array_buffer(&slice).map_err(js_err)?;
        let bytes = Uint8Array::new(&buffer);
        self.buf.resize(bytes.length() as usize, 0);
        bytes.copy_to(&mut self.buf);
        self.buf_start = start;
        Ok(())
    }
}

fn js_err(e: wasm_bindgen::JsValue) -> io::Error {
    io::Error::other(format!("reading the file failed: {e:?}"))
}

impl Read for BlobReader {
    fn read(&mut self, out: &mut [u8]) -> io::Result<usize> {
        if self.pos >= self.size || out.is_empty() {
            return Ok(0);
        }
        let in_buf =
            self.pos >= self.buf_start && self.pos < self.buf_start + self.buf.len() as u64;
        if !in_buf {
            self.fill()?;
        }
        let offset = (self.pos - self.buf_start) as usize;
        let n = out.len().min(self.buf.len() - offset);
        out[..n].copy_from_slice(&self.buf[offset..offset + n]);
        self.pos += n as u64;
        Ok(n)
    }
}

impl Seek for BlobReader {
    fn seek(&mut self, to: SeekFrom) -> io::Result<u64> {
        let target = match to {
            SeekFrom::Start(n) => Some(n),
            SeekFrom::End(d) => self.size.checked_add_signed(d),
            SeekFrom::Current(d) => self.pos.checked_add_signed(d),
        };
        match target {
            Some(t) => {
                self.pos = t;
                Ok(t)
            }
            None => Err(io::Error::new(
                io::ErrorKind::InvalidInput,
                "seek before the start of the file",
            )),
        }
    }
}
