//! `OnCalendar=` expressions (parsed, described, next firings) and the timer unit they sit in.
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| scanner_core::fuzz::oncalendar(data));
