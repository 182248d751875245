//! Every credential rule, path-bound ones included, and the masking of other findings: masking
//! the masked text again must change nothing (no secret a rule recognises is left).
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| {
    if let Err(e) = scanner_core::fuzz::credentials(data) {
        panic!("{e}");
    }
});
