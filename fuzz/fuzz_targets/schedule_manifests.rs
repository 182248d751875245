//! Kubernetes CronJobs, GitHub Actions, Jenkins pipelines and job XML, Celery beat.
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| scanner_core::fuzz::schedule_manifests(data));
