//! Fuzzes the whole clean: when it succeeds, the output re-parses, re-cleaning it removes
//! nothing, and cleaning it again changes nothing (see `sharesafe_fuzz::fuzz_clean_then_verify`).
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    sharesafe_fuzz::fuzz_clean_then_verify(data);
});
