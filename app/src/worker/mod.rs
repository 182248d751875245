//! The scan worker: runs `scanner_core::scan` off the main thread and streams results back.

mod blob_reader;

use crate::protocol::{Request, Response};
use blob_reader::BlobReader;
use scanner_core::{
    read_entry, scan, DateTime, Diagnostic, FileEntry, Finding, Phase, Profile, Progress,
    ScanInput, ScanSink, Utc,
};
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
    match request {
        Request::Scan { name, profile, now } => run_scan(file, &name, &profile, &now),
        Request::ReadEntry {
            name,
            path,
            profile,
        } => run_read(file, &name, &path, &profile),
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

fn run_scan(file: Blob, name: &str, profile: &str, now: &str) {
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
    let reader = match BlobReader::new(file) {
        Ok(r) => r,
        Err(e) => {
            return post(&Response::Failed {
                message: e.to_string(),
            })
        }
    };
    let input = ScanInput {
        name,
        profile: &profile,
        now,
    };
    let mut streamer = Streamer {
        findings: Vec::new(),
        files: Vec::new(),
        diagnostics: Vec::new(),
        last_flush: js_sys::Date::now(),
    };
    let result = scan(reader, &input, &mut streamer);
    streamer.flush();
    match result {
        Ok(mut report) => {
            report.files = Vec::new();
            post(&Response::Done {
                report: Box::new(report),
            });
        }
        Err(e) => post(&Response::Failed {
            message: e.to_string(),
        }),
    }
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
