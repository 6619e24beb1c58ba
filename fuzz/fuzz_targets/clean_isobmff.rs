//! Fuzzes the ISO-BMFF cleaner (HEIC, AVIF, MP4, MOV): any input that sniffs as one of them must
//! clean verified or be refused as damaged, unsupported or over a limit (see
//! `sharesafe_fuzz::fuzz_clean_format`).
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    sharesafe_fuzz::fuzz_clean_format(data, &sharesafe_fuzz::ISOBMFF);
});
