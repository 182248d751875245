//! A scan worker: scans the parts of the package it is given and streams results back; worker
//! 0 also merges every part's output and builds the report (see `protocol.rs`). Each worker
//! reads the dropped `File` through its own [`BlobReader`], one slice at a time.

mod blob_reader;

use crate::protocol::{Request, Response};
use blob_reader::BlobReader;
use scanner_core::shard::{Merger, PartOutput, Shard};
use scanner_core::{
    hash, read_entry, DateTime, Diagnostic, FileEntry, Finding, Phase, Profile, Progress,
    ScanInput, ScanSink, Utc,
};
use std::cell::RefCell;
use std::ops::ControlFlow;
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;
use web_sys::{Blob, DedicatedWorkerGlobalScope, MessageEvent};

/// Milliseconds between two progress/batch messages.
const FLUSH_MS: f64 = 50.0;
/// Items that force a batch out before the interval.
const FLUSH_ITEMS: usize = 500;

fn scope() -> DedicatedWorkerGlobalScope {
    js_sys::global().unchecked_into()
}

/// Send a response to the page.
fn post(response: &Response) {
    let json = serde_json::to_string(response).unwrap_or_default();
    let msg = js_sys::Object::new();
    let _ = js_sys::Reflect::set(&msg, &"json".into(), &json.into());
    let _ = scope().post_message(&msg);
}

/// Send a response with bytes attached; their buffer moves to the page instead of being copied.
fn post_with(response: &Response, bytes: &[u8]) {
    let json = serde_json::to_string(response).unwrap_or_default();
    let msg = js_sys::Object::new();
    let output = js_sys::Uint8Array::from(bytes);
    let _ = js_sys::Reflect::set(&msg, &"json".into(), &json.into());
    let _ = js_sys::Reflect::set(&msg, &"output".into(), &output);
    let transfer = js_sys::Array::of1(&output.buffer());
    let _ = scope().post_message_with_transfer(&msg, &transfer);
}

/// This worker's WebAssembly memory, in bytes.
fn memory_bytes() -> u64 {
    wasm_bindgen::memory()
        .dyn_into::<js_sys::WebAssembly::Memory>()
        .ok()
        .and_then(|m| m.buffer().dyn_into::<js_sys::ArrayBuffer>().ok())
        .map_or(0, |b| b.byte_length() as u64)
}

/// The scan this worker takes part in.
struct Session {
    name: String,
    profile: Profile,
    now: DateTime<Utc>,
    workers: u32,
    /// Opened on the first part (or the plan).
    shard: Option<Shard<BlobReader>>,
    /// Worker 0 only, from the first merge on.
    merger: Option<Merger>,
    size: u64,
}

impl Session {
    fn input(&self) -> ScanInput<'_> {
        ScanInput {
            name: &self.name,
            profile: &self.profile,
            now: self.now,
        }
    }

    fn shard(&mut self, file: &Blob) -> Result<&mut Shard<BlobReader>, String> {
        if self.shard.is_none() {
            let reader = BlobReader::new(file.clone()).map_err(|e| e.to_string())?;
            let input = ScanInput {
                name: &self.name,
                profile: &self.profile,
                now: self.now,
            };
            let shard = Shard::open(reader, &input).map_err(|e| e.to_string())?;
            self.size = shard.size();
            self.shard = Some(shard);
        }
        self.shard
            .as_mut()
            .ok_or_else(|| "internal: no shard".to_string())
    }
}

thread_local! {
    static SESSION: RefCell<Option<Session>> = const { RefCell::new(None) };
}

/// Start the worker: install the message handler and say ready.
pub fn start() {
    std::panic::set_hook(Box::new(|info| {
        post(&Response::Crash {
            message: info.to_string(),
        });
    }));
    let handler = Closure::<dyn FnMut(MessageEvent)>::new(on_message);
    scope().set_onmessage(Some(handler.as_ref().unchecked_ref()));
    handler.forget();
    post(&Response::Ready);
}

fn on_message(event: MessageEvent) {
    let data = event.data();
    let json = js_sys::Reflect::get(&data, &"json".into())
        .ok()
        .and_then(|v| v.as_string())
        .unwrap_or_default();
    let file: Option<Blob> = js_sys::Reflect::get(&data, &"file".into())
        .ok()
        .and_then(|v| v.dyn_into().ok());
    let request: Request = match serde_json::from_str(&json) {
        Ok(r) => r,
        Err(e) => {
            post(&Response::Failed {
                message: format!("internal: bad request to the worker: {e}"),
            });
            return;
        }
    };
    let Some(file) = file else {
        post(&Response::Failed {
            message: "internal: no file attached to the request".into(),
        });
        return;
    };
    let output: Option<js_sys::Uint8Array> = js_sys::Reflect::get(&data, &"output".into())
        .ok()
        .and_then(|v| v.dyn_into().ok());
    match request {
        Request::Start {
            name,
            profile,
            now,
            workers,
        } => start_session(name, &profile, &now, workers),
        Request::Plan => with_session(|s| {
            let workers = s.workers as usize;
            match s.shard(&file) {
                Ok(shard) => {
                    let parts = shard.parts(workers);
                    let size = shard.size();
                    post(&Response::Planned { parts, size });
                }
                Err(message) => post(&Response::Failed { message }),
            }
        }),
        Request::Part { part } => with_session(|s| run_part(s, &file, &part)),
        Request::Hash => {
            let mut streamer = Streamer::new();
            let sha256 = BlobReader::new(file)
                .ok()
                .and_then(|r| hash(r, &mut streamer).ok().flatten());
            post(&Response::Hashed { sha256 });
        }
        Request::Merge => with_session(|s| {
            let bytes = output.map(|o| o.to_vec()).unwrap_or_default();
            match serde_json::from_slice::<PartOutput>(&bytes) {
                Ok(out) => {
                    let size = s.size.max(file.size() as u64);
                    let mut merger = match s.merger.take() {
                        Some(m) => m,
                        None => Merger::new(&s.input(), size),
                    };
                    let mut streamer = Streamer::new();
                    merger.add(out, &mut streamer);
                    streamer.flush();
                    s.merger = Some(merger);
                }
                Err(e) => post(&Response::Failed {
                    message: format!("internal: a part's output does not read: {e}"),
                }),
            }
        }),
        Request::Finish { sha256, parts } => with_session(|s| {
            let size = file.size() as u64;
            let merger = s
                .merger
                .take()
                .unwrap_or_else(|| Merger::new(&s.input(), size));
            let mut streamer = Streamer::new();
            let mut report = merger.finish(&s.input(), sha256, parts, &mut streamer);
            streamer.flush();
            // The page has the files from the batches.
            report.files = Vec::new();
            post(&Response::Done {
                report: Box::new(report),
            });
        }),
        Request::ReadEntry {
            name,
            path,
            profile,
        } => run_read(file, &name, &path, &profile),
    }
}

fn start_session(name: String, profile: &str, now: &str, workers: u32) {
    let profile = match parse_profile(profile) {
        Ok(p) => p,
        Err(message) => return post(&Response::Failed { message }),
    };
    let now: DateTime<Utc> = match DateTime::parse_from_rfc3339(now) {
        Ok(t) => t.with_timezone(&Utc),
        Err(e) => {
            return post(&Response::Failed {
                message: format!("internal: bad reference time: {e}"),
            })
        }
    };
    SESSION.with(|cell| {
        *cell.borrow_mut() = Some(Session {
            name,
            profile,
            now,
            workers,
            shard: None,
            merger: None,
            size: 0,
        });
    });
}

fn with_session(f: impl FnOnce(&mut Session)) {
    SESSION.with(|cell| match cell.borrow_mut().as_mut() {
        Some(s) => f(s),
        None => post(&Response::Failed {
            message: "internal: a scan request came before its start".into(),
        }),
    });
}

fn run_part(session: &mut Session, file: &Blob, part: &scanner_core::shard::Part) {
    let shard = match session.shard(file) {
        Ok(_) => session.shard.take(),
        Err(message) => return post(&Response::Failed { message }),
    };
    let Some(mut shard) = shard else { return };
    let mut streamer = Streamer::new();
    let result = shard.scan_part(part, &session.input(), &mut streamer);
    session.shard = Some(shard);
    streamer.flush();
    match result {
        Ok(mut out) => {
            // The page has the files from the batches; the merge needs none.
            out.files = Vec::new();
            let bytes = serde_json::to_vec(&out).unwrap_or_default();
            drop(out);
            post_with(
                &Response::PartDone {
                    part: part.index,
                    memory: memory_bytes(),
                },
                &bytes,
            );
        }
        Err(e) => post(&Response::Failed {
            message: e.to_string(),
        }),
    }
}

/// Streams results to the page in batches, at most every [`FLUSH_MS`].
struct Streamer {
    findings: Vec<Finding>,
    files: Vec<FileEntry>,
    diagnostics: Vec<Diagnostic>,
    last_flush: f64,
}

impl Streamer {
    fn new() -> Self {
        Streamer {
            findings: Vec::new(),
            files: Vec::new(),
            diagnostics: Vec::new(),
            last_flush: js_sys::Date::now(),
        }
    }

    fn pending(&self) -> usize {
        self.findings.len() + self.files.len() + self.diagnostics.len()
    }

    fn flush(&mut self) {
        if self.pending() > 0 {
            post(&Response::Batch {
                findings: std::mem::take(&mut self.findings),
                files: std::mem::take(&mut self.files),
                diagnostics: std::mem::take(&mut self.diagnostics),
            });
        }
        self.last_flush = js_sys::Date::now();
    }
}

impl ScanSink for Streamer {
    fn progress(&mut self, p: &Progress<'_>) -> ControlFlow<()> {
        let now = js_sys::Date::now();
        if now - self.last_flush >= FLUSH_MS || self.pending() >= FLUSH_ITEMS {
            self.flush();
            post(&Response::Progress {
                phase: match p.phase {
                    Phase::Hashing => "hashing",
                    Phase::Scanning => "scanning",
                }
                .into(),
                bytes_done: p.bytes_done,
                bytes_total: p.bytes_total,
                entries_done: p.entries_done,
                current: p.current.to_string(),
                memory: memory_bytes(),
            });
        }
        // Cancel terminates the worker; nothing to check here.
        ControlFlow::Continue(())
    }

    fn finding(&mut self, f: &Finding) {
        self.findings.push(f.clone());
        // The first finding goes out at once: a reviewer should not wait for a batch.
        if self.findings.len() == 1 && self.files.len() < FLUSH_ITEMS {
            self.flush();
        }
    }

    fn file(&mut self, f: &FileEntry) {
        self.files.push(f.clone());
    }

    fn diagnostic(&mut self, d: &Diagnostic) {
        self.diagnostics.push(d.clone());
    }
}

fn parse_profile(text: &str) -> Result<Profile, String> {
    Profile::from_toml(text).map_err(|e| e.to_string())
}

fn run_read(file: Blob, name: &str, path: &str, profile: &str) {
    let limits = parse_profile(profile).map(|p| p.limits).unwrap_or_default();
    let result = BlobReader::new(file)
        .map_err(|e| e.to_string())
        .and_then(|r| read_entry(r, name, path, &limits).map_err(|e| e.to_string()));
    let response = match result {
        Ok(c) => Response::Entry {
            path: path.to_string(),
            kind: c.kind,
            text: c.text,
            encoding: c.encoding.map(|e| e.as_str().to_string()),
            truncated: c.truncated,
            error: None,
        },
        Err(e) => Response::Entry {
            path: path.to_string(),
            kind: None,
            text: None,
            encoding: None,
            truncated: false,
            error: Some(e),
        },
    };
    post(&response);
}
