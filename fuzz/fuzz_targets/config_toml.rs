//! The TOML flattener and the config detector.
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| scanner_core::fuzz::config_toml(data));
