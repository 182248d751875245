//! Quartz (job XML, `quartz.properties`) and Spring (`@Scheduled` in Java and Kotlin, task XML).
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| scanner_core::fuzz::quartz_spring(data));
