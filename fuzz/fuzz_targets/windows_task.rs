//! Windows Task Scheduler XML (the format is told by its namespace, not its name).
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| scanner_core::fuzz::windows_task(data));
