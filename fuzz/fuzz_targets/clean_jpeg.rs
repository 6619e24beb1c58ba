//! Fuzzes the JPEG cleaner: any input that sniffs as JPEG must clean verified or be refused as
//! damaged, unsupported or over a limit (see `sharesafe_fuzz::fuzz_clean_format`).
#![no_main]

use libfuzzer_sys::fuzz_target;
use sharesafe_core::Format;

fuzz_target!(|data: &[u8]| {
    sharesafe_fuzz::fuzz_clean_format(data, &[Format::Jpeg]);
});
