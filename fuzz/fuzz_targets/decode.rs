//! Fuzzes decoding for analysis (the reduced-scale decoders behind fingerprints and faces): a
//! decoded image stays within the limits, a refusal blames the input (see
//! `sharesafe_fuzz::fuzz_decode`).
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    sharesafe_fuzz::fuzz_decode(data);
});
