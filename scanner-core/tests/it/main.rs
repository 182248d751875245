//! scanner-core's integration tests, one module per area, in one test binary: one link instead
//! of eighteen, and a tenth of the disk (each binary carried the whole scanner and its
//! dependencies). Every `case!` also runs in headless Chromium under wasm-bindgen-test
//! (`cargo test -p scanner-core --target wasm32-unknown-unknown`).

#[cfg(target_arch = "wasm32")]
wasm_bindgen_test::wasm_bindgen_test_configure!(run_in_browser);

#[macro_use]
mod common;

mod certificates;
mod checklist;
mod config;
mod credentials;
mod endpoints;
mod export;
mod filters;
mod hostile;
mod inventory;
mod migrations;
mod schedules_cron;
mod schedules_jvm_py;
mod schedules_k8s_gh_win;
mod schema;
mod shard;
mod systemd;
mod units;
mod walk;
