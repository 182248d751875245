//! Endpoints in a properties file, a shell script and a README.
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| scanner_core::fuzz::endpoints(data));
