//! The page's side of the scan worker: started lazily, terminated by cancel, dropped when idle.
//!
//! The worker's code and WebAssembly are embedded in the page (see `app/shell.html`): the boot
//! script turns the worker's glue into a Blob URL and compiles its module once; every worker
//! started here gets that module in its first message. Nothing is fetched.

use crate::protocol::{Request, Response};
use std::cell::RefCell;
use std::rc::Rc;
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;
use wasm_bindgen_futures::JsFuture;
use web_sys::{Blob, ErrorEvent, MessageEvent, Worker};
use yew::Callback;

/// The worker's message and error handlers, kept alive as long as the worker.
type Handlers = (
    Closure<dyn FnMut(MessageEvent)>,
    Closure<dyn FnMut(ErrorEvent)>,
);

struct Inner {
    worker: Option<Worker>,
    ready: bool,
    queue: Vec<(Request, Blob)>,
    on_response: Callback<Response>,
    _handlers: Option<Handlers>,
}

/// A handle to the scan worker.
#[derive(Clone)]
pub struct ScanClient(Rc<RefCell<Inner>>);

fn boot_value(key: &str) -> Result<JsValue, String> {
    let boot = js_sys::Reflect::get(&js_sys::global(), &"__preflight".into())
        .map_err(|_| "the page was not started by its boot script".to_string())?;
    js_sys::Reflect::get(&boot, &key.into()).map_err(|_| format!("boot script lacks {key}"))
}

impl ScanClient {
    /// A client whose worker responses go to `on_response`. No worker runs yet.
    pub fn new(on_response: Callback<Response>) -> Self {
        ScanClient(Rc::new(RefCell::new(Inner {
            worker: None,
            ready: false,
            queue: Vec::new(),
            on_response,
            _handlers: None,
        })))
    }

    /// Send a request with the package attached; starts the worker if none runs.
    pub fn send(&self, request: Request, file: Blob) {
        let needs_start = self.0.borrow().worker.is_none();
        if needs_start {
            if let Err(e) = self.start() {
                self.0.borrow().on_response.emit(Response::Crash {
                    message: format!("the scan worker could not start: {e}"),
                });
                return;
            }
        }
        let mut inner = self.0.borrow_mut();
        if inner.ready {
            if let Some(w) = &inner.worker {
                post(w, &request, &file);
            }
        } else {
            inner.queue.push((request, file));
        }
    }

    /// Stop the worker at once (cancel). The next request starts a fresh one.
    pub fn terminate(&self) {
        let mut inner = self.0.borrow_mut();
        if let Some(w) = inner.worker.take() {
            w.terminate();
        }
        inner.ready = false;
        inner.queue.clear();
        // The handlers stay until the next start: this may run inside one of them.
    }

    fn start(&self) -> Result<(), String> {
        let url = boot_value("workerUrl")?
            .as_string()
            .ok_or("no worker URL")?;
        let module: js_sys::Promise = boot_value("workerModule")?
            .dyn_into()
            .map_err(|_| "no worker module".to_string())?;
        let worker = Worker::new(&url).map_err(|e| format!("{e:?}"))?;

        let weak = Rc::downgrade(&self.0);
        let on_message = Closure::<dyn FnMut(MessageEvent)>::new(move |e: MessageEvent| {
            let Some(inner) = weak.upgrade() else { return };
            let json = js_sys::Reflect::get(&e.data(), &"json".into())
                .ok()
                .and_then(|v| v.as_string())
                .unwrap_or_default();
            let response: Response = match serde_json::from_str(&json) {
                Ok(r) => r,
                Err(err) => Response::Crash {
                    message: format!("unreadable message from the worker: {err}"),
                },
            };
            if matches!(response, Response::Ready) {
                let mut i = inner.borrow_mut();
                i.ready = true;
                let queue = std::mem::take(&mut i.queue);
                if let Some(w) = &i.worker {
                    for (req, file) in &queue {
                        post(w, req, file);
                    }
                }
            }
            let cb = inner.borrow().on_response.clone();
            cb.emit(response);
        });
        let weak = Rc::downgrade(&self.0);
        let on_error = Closure::<dyn FnMut(ErrorEvent)>::new(move |e: ErrorEvent| {
            e.prevent_default();
            let Some(inner) = weak.upgrade() else { return };
            let cb = inner.borrow().on_response.clone();
            cb.emit(Response::Crash {
                message: e.message(),
            });
        });
        worker.set_onmessage(Some(on_message.as_ref().unchecked_ref()));
        worker.set_onerror(Some(on_error.as_ref().unchecked_ref()));

        let for_init = worker.clone();
        let report = self.0.borrow().on_response.clone();
        wasm_bindgen_futures::spawn_local(async move {
            match JsFuture::from(module).await {
                Ok(module) => {
                    let msg = js_sys::Object::new();
                    let _ = js_sys::Reflect::set(&msg, &"module".into(), &module);
                    let _ = for_init.post_message(&msg);
                }
                Err(e) => report.emit(Response::Crash {
                    message: format!("the scanner's WebAssembly could not be compiled: {e:?}"),
                }),
            }
        });
        let mut inner = self.0.borrow_mut();
        inner.worker = Some(worker);
        inner.ready = false;
        inner._handlers = Some((on_message, on_error));
        Ok(())
    }
}

fn post(worker: &Worker, request: &Request, file: &Blob) {
    let msg = js_sys::Object::new();
    let json = serde_json::to_string(request).unwrap_or_default();
    let _ = js_sys::Reflect::set(&msg, &"json".into(), &json.into());
    let _ = js_sys::Reflect::set(&msg, &"file".into(), file);
    let _ = worker.post_message(&msg);
}
