//! Fuzzes the DC-only JPEG decoder's two-thread split (the 1/8-scale path behind fingerprints,
//! the thumbnail check and faces): with every scan split, speculatively, between two threads,
//! the answer must be the one-thread decode's, and reading the scan through the unstuffing
//! window must give what the stuffed reader gives, for any bytes (see
//! `sharesafe_fuzz::fuzz_jpeg_dc_split`).
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    sharesafe_fuzz::fuzz_jpeg_dc_split(data);
});
