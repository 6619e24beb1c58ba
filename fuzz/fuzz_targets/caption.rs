//! Fuzzes caption analysis: any text (with any locale hint) gives a consistent report (see
//! `sharesafe_fuzz::fuzz_caption`).
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    sharesafe_fuzz::fuzz_caption(data);
});
