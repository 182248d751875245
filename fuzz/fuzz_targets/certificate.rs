//! Certificates and key stores: PEM text, and the same bytes as DER, PKCS#12 and JKS.
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| scanner_core::fuzz::certificate(data));
