//! The page's side of the scan workers.
//!
//! A scan runs on a pool of workers, one per core (capped at [`MAX_WORKERS`]; `?workers=N` in
//! the address sets the number). The page only routes messages, it never scans or parses a
//! part's output: worker 0 cuts the package into parts, each part goes to the next idle worker,
//! one worker hashes the package, and every part's output moves (transferred, not copied) to
//! worker 0, which merges them and builds the report. Findings stream from every worker as they
//! are found. Cancel terminates every worker at once; so does the end of a scan, which frees
//! their memory. The source view reads entries through one more worker, started when needed.
//!
//! The workers' code and WebAssembly are embedded in the page (see `app/shell.html`): the boot
//! script turns the worker's glue into a Blob URL and compiles its module once; every worker
//! started here gets that module in its first message. Nothing is fetched.

use crate::protocol::{Request, Response};
use scanner_core::shard::Part;
use std::cell::RefCell;
use std::collections::VecDeque;
use std::rc::{Rc, Weak};
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;
use wasm_bindgen_futures::JsFuture;
use web_sys::{Blob, ErrorEvent, MessageEvent, Worker};
use yew::Callback;

/// Workers a scan uses at most, whatever the machine has.
pub const MAX_WORKERS: u32 = 8;

/// The worker's message and error handlers, kept alive as long as the worker.
type Handlers = (
    Closure<dyn FnMut(MessageEvent)>,
    Closure<dyn FnMut(ErrorEvent)>,
);

/// One running worker.
struct Slot {
    worker: Worker,
    ready: bool,
    /// Messages waiting for the worker to be ready.
    queue: Vec<js_sys::Object>,
    /// What it is doing, for the pool's bookkeeping.
    job: Option<Job>,
    /// Bytes of its current part behind it.
    part_done: u64,
    /// Its largest WebAssembly memory seen.
    memory: u64,
    _handlers: Handlers,
}

impl Slot {
    fn send(&mut self, msg: js_sys::Object, transfer: Option<&js_sys::Array>) {
        if !self.ready {
            self.queue.push(msg);
            return;
        }
        let _ = match transfer {
            Some(t) => self.worker.post_message_with_transfer(&msg, t),
            None => self.worker.post_message(&msg),
        };
    }
}

#[derive(Debug, Clone, Copy)]
enum Job {
    Plan,
    Part(Part),
    Hash,
}

/// One scan's bookkeeping.
#[derive(Default)]
struct Run {
    file: Option<Blob>,
    parts: Vec<Part>,
    jobs: VecDeque<Job>,
    parts_done: usize,
    bytes_done: u64,
    size: u64,
    sha256: Option<Option<String>>,
    finishing: bool,
}

struct Inner {
    /// Scan workers; worker 0 plans and merges.
    pool: Vec<Slot>,
    /// The source view's worker.
    reader: Option<Slot>,
    run: Run,
    /// Bumped by every new scan and by terminate: late messages of an old pool are dropped.
    generation: u32,
    on_response: Callback<Response>,
    /// Results and progress not yet handed to the page (see [`deliver`]).
    held: Held,
}

/// What the workers sent since the page last rendered: handed over together, at most every
/// [`RENDER_MS`], so the page renders a few times a second however many workers stream.
#[derive(Default)]
struct Held {
    findings: Vec<scanner_core::Finding>,
    files: Vec<scanner_core::FileEntry>,
    diagnostics: Vec<scanner_core::Diagnostic>,
    progress: Option<Response>,
    /// A hand-over is scheduled.
    scheduled: bool,
    /// A finding reached the page already (the first one goes at once).
    shown_finding: bool,
}

/// Milliseconds between two hand-overs of streamed results to the page.
const RENDER_MS: i32 = 200;

/// A handle to the scan workers.
#[derive(Clone)]
pub struct ScanClient(Rc<RefCell<Inner>>);

fn boot_value(key: &str) -> Result<JsValue, String> {
    let boot = js_sys::Reflect::get(&js_sys::global(), &"__preflight".into())
        .map_err(|_| "the page was not started by its boot script".to_string())?;
    js_sys::Reflect::get(&boot, &key.into()).map_err(|_| format!("boot script lacks {key}"))
}

/// The message for a request: `{ json, file }`.
fn message(request: &Request, file: &Blob) -> js_sys::Object {
    let msg = js_sys::Object::new();
    let json = serde_json::to_string(request).unwrap_or_default();
    let _ = js_sys::Reflect::set(&msg, &"json".into(), &json.into());
    let _ = js_sys::Reflect::set(&msg, &"file".into(), file);
    msg
}

/// How many workers a scan uses: `?workers=N` when given, else one per core.
fn worker_count() -> u32 {
    let asked = web_sys::window()
        .and_then(|w| w.location().search().ok())
        .and_then(|q| {
            q.trim_start_matches('?')
                .split('&')
                .find_map(|kv| kv.strip_prefix("workers=").map(str::to_string))
        })
        .and_then(|n| n.parse::<u32>().ok());
    let cores = web_sys::window()
        .map(|w| w.navigator().hardware_concurrency() as u32)
        .unwrap_or(1);
    asked.unwrap_or(cores).clamp(1, MAX_WORKERS)
}

/// Start a worker whose parsed responses go to `on_response` (with the raw message data).
fn spawn(
    on_response: impl FnMut(Response, JsValue) + 'static,
    on_crash: impl FnMut(String) + 'static,
) -> Result<Slot, String> {
    let url = boot_value("workerUrl")?
        .as_string()
        .ok_or("no worker URL")?;
    let module: js_sys::Promise = boot_value("workerModule")?
        .dyn_into()
        .map_err(|_| "no worker module".to_string())?;
    let worker = Worker::new(&url).map_err(|e| format!("{e:?}"))?;
    let mut on_response = on_response;
    let on_message = Closure::<dyn FnMut(MessageEvent)>::new(move |e: MessageEvent| {
        let data = e.data();
        let json = js_sys::Reflect::get(&data, &"json".into())
            .ok()
            .and_then(|v| v.as_string())
            .unwrap_or_default();
        let response: Response = match serde_json::from_str(&json) {
            Ok(r) => r,
            Err(err) => Response::Crash {
                message: format!("unreadable message from the worker: {err}"),
            },
        };
        on_response(response, data);
    });
    let mut on_crash = on_crash;
    let on_error = Closure::<dyn FnMut(ErrorEvent)>::new(move |e: ErrorEvent| {
        e.prevent_default();
        on_crash(e.message());
    });
    worker.set_onmessage(Some(on_message.as_ref().unchecked_ref()));
    worker.set_onerror(Some(on_error.as_ref().unchecked_ref()));
    let for_init = worker.clone();
    wasm_bindgen_futures::spawn_local(async move {
        // A module that does not compile leaves the worker silent; the boot script reports it.
        if let Ok(module) = JsFuture::from(module).await {
            let msg = js_sys::Object::new();
            let _ = js_sys::Reflect::set(&msg, &"module".into(), &module);
            let _ = for_init.post_message(&msg);
        }
    });
    Ok(Slot {
        worker,
        ready: false,
        queue: Vec::new(),
        job: None,
        part_done: 0,
        memory: 0,
        _handlers: (on_message, on_error),
    })
}

impl ScanClient {
    /// A client whose responses go to `on_response`. No worker runs yet.
    pub fn new(on_response: Callback<Response>) -> Self {
        ScanClient(Rc::new(RefCell::new(Inner {
            pool: Vec::new(),
            reader: None,
            run: Run::default(),
            generation: 0,
            on_response,
            held: Held::default(),
        })))
    }

    /// Scan `file`: stops any scan running, starts the pool and streams responses.
    pub fn scan(&self, file: Blob, name: String, profile: String, now: String) {
        self.terminate();
        let count = worker_count();
        let generation = self.0.borrow().generation;
        let mut pool = Vec::new();
        for index in 0..count as usize {
            let weak = Rc::downgrade(&self.0);
            let weak_crash = weak.clone();
            let slot = spawn(
                move |r, data| on_pool_message(&weak, generation, index, r, data),
                move |message| {
                    emit(&weak_crash, generation, vec![Response::Crash { message }]);
                },
            );
            match slot {
                Ok(slot) => pool.push(slot),
                Err(e) => {
                    // Fewer workers still scan; none is an error for the reviewer.
                    if pool.is_empty() {
                        let cb = self.0.borrow().on_response.clone();
                        cb.emit(Response::Crash {
                            message: format!("the scan worker could not start: {e}"),
                        });
                        return;
                    }
                    break;
                }
            }
        }
        let workers = pool.len() as u32;
        set_stats(workers, 0);
        let mut inner = self.0.borrow_mut();
        inner.run = Run {
            file: Some(file.clone()),
            size: file.size() as u64,
            ..Run::default()
        };
        let start = Request::Start {
            name,
            profile,
            now,
            workers,
        };
        for slot in &mut pool {
            slot.send(message(&start, &file), None);
        }
        if let Some(first) = pool.first_mut() {
            first.job = Some(Job::Plan);
            first.send(message(&Request::Plan, &file), None);
        }
        inner.pool = pool;
    }

    /// Read one entry for the source view, on a worker of its own.
    pub fn read(&self, request: Request, file: Blob) {
        let needs_start = self.0.borrow().reader.is_none();
        if needs_start {
            let weak = Rc::downgrade(&self.0);
            let weak_crash = weak.clone();
            let slot = spawn(
                move |r, _| on_reader_message(&weak, r),
                move |message| {
                    if let Some(inner) = weak_crash.upgrade() {
                        let cb = inner.borrow().on_response.clone();
                        cb.emit(Response::Crash { message });
                    }
                },
            );
            match slot {
                Ok(slot) => self.0.borrow_mut().reader = Some(slot),
                Err(e) => {
                    let cb = self.0.borrow().on_response.clone();
                    cb.emit(Response::Crash {
                        message: format!("the worker could not start: {e}"),
                    });
                    return;
                }
            }
        }
        if let Some(slot) = self.0.borrow_mut().reader.as_mut() {
            slot.send(message(&request, &file), None);
        }
    }

    /// Cancel: stop every scan worker at once, after handing the page what they already sent
    /// (results held for the next render are not lost).
    pub fn cancel(&self) {
        let (held, cb) = {
            let mut inner = self.0.borrow_mut();
            let mut held = take_held(&mut inner.held);
            held.retain(|r| matches!(r, Response::Batch { .. }));
            (held, inner.on_response.clone())
        };
        for r in held {
            cb.emit(r);
        }
        self.terminate();
    }

    /// Stop every scan worker at once (the end of a scan frees their memory; a new scan starts
    /// afresh). Results not yet handed over are dropped: see [`ScanClient::cancel`].
    pub fn terminate(&self) {
        let mut inner = self.0.borrow_mut();
        inner.generation = inner.generation.wrapping_add(1);
        for slot in inner.pool.drain(..) {
            slot.worker.terminate();
        }
        inner.run = Run::default();
        inner.held = Held::default();
    }
}

/// The pool's numbers for benchmarks: workers and the sum of their largest memories.
fn set_stats(workers: u32, wasm_peak_bytes: u64) {
    let stats = js_sys::Object::new();
    let _ = js_sys::Reflect::set(&stats, &"workers".into(), &workers.into());
    let _ = js_sys::Reflect::set(
        &stats,
        &"wasm_peak_bytes".into(),
        &(wasm_peak_bytes as f64).into(),
    );
    let _ = js_sys::Reflect::set(&js_sys::global(), &"__preflight_stats".into(), &stats);
}

fn emit(weak: &Weak<RefCell<Inner>>, generation: u32, responses: Vec<Response>) {
    let Some(inner) = weak.upgrade() else { return };
    let cb = {
        let i = inner.borrow();
        if i.generation != generation {
            return;
        }
        i.on_response.clone()
    };
    for r in responses {
        cb.emit(r);
    }
}

fn on_reader_message(weak: &Weak<RefCell<Inner>>, response: Response) {
    let Some(inner) = weak.upgrade() else { return };
    if matches!(response, Response::Ready) {
        if let Some(slot) = inner.borrow_mut().reader.as_mut() {
            slot.ready = true;
            for msg in std::mem::take(&mut slot.queue) {
                let _ = slot.worker.post_message(&msg);
            }
        }
        return;
    }
    let cb = inner.borrow().on_response.clone();
    cb.emit(response);
}

/// Route one pool worker's response; what the page must see is emitted after the bookkeeping.
fn on_pool_message(
    weak: &Weak<RefCell<Inner>>,
    generation: u32,
    index: usize,
    response: Response,
    data: JsValue,
) {
    let Some(inner) = weak.upgrade() else { return };
    let out = {
        let mut guard = inner.borrow_mut();
        if guard.generation != generation {
            return;
        }
        route(&mut guard, index, response, &data)
    };
    deliver(weak, generation, out);
}

/// Hold streamed results and progress for the next hand-over; anything else (the report, an
/// error) goes at once, after what is held.
fn deliver(weak: &Weak<RefCell<Inner>>, generation: u32, responses: Vec<Response>) {
    let Some(inner) = weak.upgrade() else { return };
    let mut now = Vec::new();
    let schedule = {
        let mut guard = inner.borrow_mut();
        if guard.generation != generation {
            return;
        }
        let held = &mut guard.held;
        for r in responses {
            match r {
                Response::Batch {
                    findings,
                    files,
                    diagnostics,
                } => {
                    let first = !held.shown_finding && !findings.is_empty();
                    held.findings.extend(findings);
                    held.files.extend(files);
                    held.diagnostics.extend(diagnostics);
                    if first {
                        // The first finding is on screen at once.
                        held.shown_finding = true;
                        now.extend(take_held(held));
                    }
                }
                p @ Response::Progress { .. } => held.progress = Some(p),
                other => {
                    now.extend(take_held(held));
                    now.push(other);
                }
            }
        }
        let pending = !held.findings.is_empty()
            || !held.files.is_empty()
            || !held.diagnostics.is_empty()
            || held.progress.is_some();
        let schedule = pending && !held.scheduled;
        if schedule {
            held.scheduled = true;
        }
        schedule
    };
    if schedule {
        let weak = weak.clone();
        let flush = Closure::once_into_js(move || {
            let Some(inner) = weak.upgrade() else { return };
            let out = {
                let mut guard = inner.borrow_mut();
                if guard.generation != generation {
                    return;
                }
                guard.held.scheduled = false;
                take_held(&mut guard.held)
            };
            emit(&weak, generation, out);
        });
        if let Some(w) = web_sys::window() {
            let _ = w.set_timeout_with_callback_and_timeout_and_arguments_0(
                flush.unchecked_ref(),
                RENDER_MS,
            );
        }
    }
    emit(weak, generation, now);
}

/// What is held, as at most one batch and one progress.
fn take_held(held: &mut Held) -> Vec<Response> {
    let mut out = Vec::new();
    if !held.findings.is_empty() || !held.files.is_empty() || !held.diagnostics.is_empty() {
        out.push(Response::Batch {
            findings: std::mem::take(&mut held.findings),
            files: std::mem::take(&mut held.files),
            diagnostics: std::mem::take(&mut held.diagnostics),
        });
    }
    out.extend(held.progress.take());
    out
}

fn route(inner: &mut Inner, index: usize, response: Response, data: &JsValue) -> Vec<Response> {
    let Some(file) = inner.run.file.clone() else {
        return Vec::new();
    };
    match response {
        Response::Ready => {
            if let Some(slot) = inner.pool.get_mut(index) {
                slot.ready = true;
                for msg in std::mem::take(&mut slot.queue) {
                    let _ = slot.worker.post_message(&msg);
                }
            }
            Vec::new()
        }
        Response::Planned { parts, size } => {
            let run = &mut inner.run;
            run.size = size;
            // The first part first (the first findings), the hash next (it runs alongside),
            // then the rest in package order.
            let mut jobs: VecDeque<Job> = parts.iter().copied().map(Job::Part).collect();
            jobs.insert(jobs.len().min(1), Job::Hash);
            run.jobs = jobs;
            run.parts = parts;
            if let Some(slot) = inner.pool.get_mut(index) {
                slot.job = None;
            }
            dispatch(inner, &file);
            Vec::new()
        }
        Response::PartDone { part, memory } => {
            let output: Option<js_sys::Uint8Array> = js_sys::Reflect::get(data, &"output".into())
                .ok()
                .and_then(|v| v.dyn_into().ok());
            if let Some(slot) = inner.pool.get_mut(index) {
                slot.job = None;
                slot.part_done = 0;
                slot.memory = slot.memory.max(memory);
            }
            let bytes = inner.run.parts.get(part as usize).map_or(0, |p| p.bytes);
            inner.run.parts_done += 1;
            inner.run.bytes_done += bytes;
            if let (Some(output), Some(merger)) = (output, inner.pool.first_mut()) {
                let msg = message(&Request::Merge, &file);
                let _ = js_sys::Reflect::set(&msg, &"output".into(), &output);
                let transfer = js_sys::Array::of1(&output.buffer());
                merger.send(msg, Some(&transfer));
            }
            dispatch(inner, &file);
            let peak = inner.pool.iter().map(|s| s.memory).sum();
            set_stats(inner.pool.len() as u32, peak);
            vec![progress(inner, "scanning", "")]
        }
        Response::Hashed { sha256 } => {
            if let Some(slot) = inner.pool.get_mut(index) {
                slot.job = None;
            }
            inner.run.sha256 = Some(sha256);
            dispatch(inner, &file);
            Vec::new()
        }
        Response::Progress {
            phase,
            bytes_done,
            current,
            memory,
            ..
        } => {
            let Some(slot) = inner.pool.get_mut(index) else {
                return Vec::new();
            };
            slot.memory = slot.memory.max(memory);
            if let Some(Job::Part(p)) = slot.job {
                slot.part_done = if p.end == u32::MAX {
                    // A tar or gzip package is one part: its progress is the package's.
                    bytes_done
                } else {
                    bytes_done.saturating_sub(p.offset).min(p.bytes)
                };
            }
            if phase == "hashing" && inner.run.parts_done < inner.run.parts.len() {
                // The hash runs alongside; the bar follows the scan.
                return Vec::new();
            }
            vec![progress(inner, &phase, &current)]
        }
        r @ Response::Done { .. } => vec![r],
        r @ (Response::Failed { .. } | Response::Crash { .. }) => vec![r],
        r @ (Response::Batch { .. } | Response::Entry { .. }) => vec![r],
    }
}

/// The scan's progress over every worker.
fn progress(inner: &Inner, phase: &str, current: &str) -> Response {
    let run = &inner.run;
    let in_parts: u64 = inner.pool.iter().map(|s| s.part_done).sum();
    let total: u64 = run.parts.iter().map(|p| p.bytes).sum();
    let (done, total) = if total == 0 {
        (in_parts, run.size)
    } else {
        (run.bytes_done + in_parts, total)
    };
    Response::Progress {
        phase: phase.to_string(),
        bytes_done: done.min(total),
        bytes_total: total,
        entries_done: 0,
        current: current.to_string(),
        memory: 0,
    }
}

/// Give each idle worker its next job; once every part is scanned and the hash is known, ask
/// worker 0 (whose queue already holds every merge) for the report.
fn dispatch(inner: &mut Inner, file: &Blob) {
    for slot in &mut inner.pool {
        if slot.job.is_some() {
            continue;
        }
        let Some(job) = inner.run.jobs.pop_front() else {
            break;
        };
        let request = match job {
            Job::Part(part) => Request::Part { part },
            Job::Hash => Request::Hash,
            Job::Plan => Request::Plan,
        };
        slot.job = Some(job);
        slot.part_done = 0;
        slot.send(message(&request, file), None);
    }
    let run = &mut inner.run;
    let all_parts = !run.parts.is_empty() && run.parts_done == run.parts.len();
    if all_parts && !run.finishing {
        if let Some(sha256) = run.sha256.clone() {
            run.finishing = true;
            let parts = run.parts.len() as u32;
            if let Some(merger) = inner.pool.first_mut() {
                merger.send(message(&Request::Finish { sha256, parts }, file), None);
            }
        }
    }
}
