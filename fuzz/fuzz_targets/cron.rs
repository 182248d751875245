//! Crontabs: the system crontab, a user crontab and an anacrontab.
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| scanner_core::fuzz::cron(data));
