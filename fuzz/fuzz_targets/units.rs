//! Systemd units, drop-ins and the scripts that refer to units.
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| scanner_core::fuzz::units(data));
