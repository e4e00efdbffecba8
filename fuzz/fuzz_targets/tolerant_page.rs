#![no_main]
//! libFuzzer target: see `codegen_fuzz::tolerant_page`.
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| codegen_fuzz::tolerant_page(data));
