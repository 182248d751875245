//! SQL migrations: a Flyway forward and undo pair and a golang-migrate up file.
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| scanner_core::fuzz::sql_migration(data));
