//! The TOML profile: any text that parses must survive `to_toml` and parse to the same profile.
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| {
    if let Err(e) = scanner_core::fuzz::profile(data) {
        panic!("{e}");
    }
});
