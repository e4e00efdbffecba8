#![no_main]
//! libFuzzer target: see `codegen_fuzz::csdl_yaml`.
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| codegen_fuzz::csdl_yaml(data));
