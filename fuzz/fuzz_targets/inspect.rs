//! Fuzzes inspection: `inspect_structure`, `inspect_metadata` and a clean must agree on every
//! input (see `sharesafe_fuzz::fuzz_inspect`).
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    sharesafe_fuzz::fuzz_inspect(data);
});
