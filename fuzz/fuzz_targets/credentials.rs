//! Every credential rule, path-bound ones included, and the masking of other findings.
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| scanner_core::fuzz::credentials(data));
