//! The whole scan: arbitrary bytes as a package (ZIP, tar, gzip, nested) with the fuzz profile.
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| scanner_core::fuzz::walk(data));
