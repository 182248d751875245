//! Preflight's page: a Yew UI on the main thread and a scan worker, both WebAssembly.
//!
//! - `main.rs` renders [`app::App`]; `bin/worker.rs` runs [`worker::start`].
//! - [`client`] is the page's side of the worker, [`protocol`] the messages between them.
//! - [`state`] is the page state (`Reducible` + `Action`); one component per file under
//!   [`components`].
//!
//! This is the only crate that touches `web-sys`; all scanning is `scanner_core`.

pub mod app;
pub mod client;
pub mod components;
pub mod download;
pub mod format;
pub mod protocol;
pub mod settings;
pub mod state;
pub mod worker;
