//! Migration DSLs: Liquibase XML and YAML, Alembic, Rails, Django.
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| scanner_core::fuzz::migration_dsl(data));
