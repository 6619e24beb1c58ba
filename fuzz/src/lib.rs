//! Why this exists: every fuzz target checks the same promises, so they are written once here.
//! A clean of untrusted bytes either returns a copy that passed verification or refuses with an
//! error that blames the *file* (damaged, unsupported, over a limit); anything else — a panic, a
//! verification failure, an internal error, a message that echoes control bytes from the file —
//! is a bug and must crash the target so libFuzzer keeps the input.
//!
//! `core/tests/fuzz_regressions.rs` replays every crash file through these same functions (it
//! includes this file by path), so a fixed crash stays fixed without building libFuzzer.

use std::io::Cursor;

use sharesafe_core::{
    clean_bytes, inspect_metadata, inspect_structure, sniff, Action, CleanOptions, CleanedBytes,
    Error, Format, Limits, PartKind,
};

/// The limits the fuzz targets run under: the product's defaults, as a phone uses them, except
/// the decoded-pixel budget. A 64 KB input may declare a 64 MP image, and decoding that much
/// zero padding under AddressSanitizer is slow (`decode` ran at 23–33 executions a second). At
/// 4 MP the decoders, the reduced-scale paths and the limit's own refusal are all still reached,
/// and each execution stays short.
pub fn limits() -> Limits {
    Limits {
        max_decoded_pixels: 4_000_000,
        ..Limits::default()
    }
}

fn options() -> CleanOptions {
    CleanOptions {
        limits: limits(),
        ..CleanOptions::default()
    }
}

/// Panics unless `e` says the input is at fault. A verification failure or an internal error on
/// any input is a ShareSafe bug; I/O and cancellation cannot happen on an in-memory clean.
pub fn assert_input_fault(e: &Error, what: &str) {
    assert!(
        e.is_input_fault(),
        "{what}: error that does not blame the input: {e:?}"
    );
    let msg = e.to_string();
    assert!(
        !msg.chars().any(char::is_control),
        "{what}: error message carries control characters: {msg:?}"
    );
}

/// What may be left in a cleaned file: the picture, its colour, its structure and orientation.
fn kept_kind_allowed(kind: PartKind) -> bool {
    matches!(
        kind,
        PartKind::Structure | PartKind::ImageData | PartKind::Colour | PartKind::Orientation
    )
}

/// The clean-then-verify property on one verified output `first` of `input`:
/// the output re-parses, re-cleaning it removes nothing (nothing outside the allowlist survived),
/// and cleaning it again gives the same bytes (clean is idempotent).
pub fn check_cleaned_output(input: &[u8], first: &CleanedBytes) {
    let opts = options();
    assert_eq!(
        first.report.input_bytes,
        input.len() as u64,
        "clean did not account for every input byte"
    );
    assert_eq!(first.report.output_bytes, first.bytes.len() as u64);
    assert_eq!(
        sniff(&first.bytes),
        Some(first.report.format),
        "output is not the input's format"
    );
    let second = match clean_bytes(&first.bytes, &opts) {
        Ok(s) => s,
        Err(e) => panic!("a verified output does not re-parse: {e:?}"),
    };
    for p in &second.report.parts {
        assert_ne!(
            p.action,
            Action::Removed,
            "re-cleaning removed {p:?}: something outside the allowlist survived the first clean"
        );
        // Rewritten parts are ShareSafe's own minimal structures (JFIF without thumbnail, the
        // orientation-only EXIF, VP8X flags, a profile with its text blanked); kept ones must be
        // picture, colour or structure.
        assert!(
            p.action == Action::Rewritten || kept_kind_allowed(p.kind),
            "cleaned output still holds {p:?}"
        );
    }
    assert!(
        second.bytes == first.bytes,
        "cleaning a cleaned file changed it ({} -> {} bytes)",
        first.bytes.len(),
        second.bytes.len()
    );
    assert_eq!(second.report.format, first.report.format);
    assert_eq!(second.report.orientation, first.report.orientation);
}

/// The ISO-BMFF family: one cleaner, four brands.
pub const ISOBMFF: [Format; 4] = [Format::Heif, Format::Avif, Format::Mp4, Format::Mov];

/// A format-focused target: inputs that are not one of `formats` are skipped (their coverage
/// belongs to another target); the rest must clean verified or be refused as
/// damaged/unsupported/over a limit.
pub fn fuzz_clean_format(data: &[u8], formats: &[Format]) {
    let Some(format) = sniff(data).filter(|f| formats.contains(f)) else {
        return;
    };
    match clean_bytes(data, &options()) {
        Ok(cleaned) => {
            assert_eq!(cleaned.report.format, format);
            assert_eq!(
                cleaned.report.input_bytes,
                data.len() as u64,
                "clean did not account for every input byte"
            );
        }
        Err(e) => assert_input_fault(&e, "clean"),
    }
}

/// Any bytes: if the clean succeeds, its output must satisfy [`check_cleaned_output`].
pub fn fuzz_clean_then_verify(data: &[u8]) {
    match clean_bytes(data, &options()) {
        Ok(first) => check_cleaned_output(data, &first),
        Err(e) => assert_input_fault(&e, "clean"),
    }
}

/// Inspection must agree with itself and with a clean: `inspect_structure` and
/// `inspect_metadata` give the same report; every metadata block handed to the collector is a
/// part the report removes or rewrites and respects `max_metadata_bytes`; and a clean succeeds
/// exactly when the inspection does, with the same parts and output size (the privacy report
/// shows exactly what a clean removes).
pub fn fuzz_inspect(data: &[u8]) {
    let l = limits();
    let structure = inspect_structure(Cursor::new(data), &l);
    let mut blocks = Vec::new();
    let metadata = inspect_metadata(Cursor::new(data), &l, &mut |b| {
        assert!(
            b.payload.len() as u64 <= u64::from(l.max_metadata_bytes) + 64 * 1024,
            "metadata block of {} bytes handed out, over max_metadata_bytes",
            b.payload.len()
        );
        assert!(
            matches!(b.info.action, Action::Removed | Action::Rewritten),
            "a kept part was handed out as metadata: {:?}",
            b.info
        );
        blocks.push(b.info.clone());
    });
    let clean = clean_bytes(data, &options());
    match (&structure, &metadata) {
        (Ok(s), Ok(m)) => {
            assert_eq!(s, m, "inspect_structure and inspect_metadata disagree");
            for b in &blocks {
                assert!(
                    s.parts.contains(b),
                    "collected a block not in the report: {b:?}"
                );
            }
            match &clean {
                Ok(c) => {
                    assert_eq!(c.report.parts, s.parts, "inspection and clean disagree");
                    assert_eq!(c.report.output_bytes, s.output_bytes);
                    assert_eq!(c.report.orientation, s.orientation);
                }
                Err(e) => panic!("inspection succeeded but the clean failed: {e:?}"),
            }
        }
        (Err(s), Err(m)) => {
            assert_input_fault(s, "inspect_structure");
            assert_input_fault(m, "inspect_metadata");
            assert!(
                clean.is_err(),
                "inspection refused a file the clean accepted"
            );
        }
        (s, m) => panic!("inspect_structure {s:?} but inspect_metadata {m:?}"),
    }
}

/// Caption analysis on any text: spans lie inside the caption and say what they cover,
/// findings come in caption order, combined risks point at real findings, and the overall
/// severity is the highest finding's.
pub fn fuzz_caption(data: &[u8]) {
    use sharesafe_core::caption::analyze_caption;
    let (hint, text) = match data.split_first() {
        Some((h, rest)) => (
            ["en", "fr", "de", "nl", "xx", ""]
                .get(usize::from(*h % 8))
                .copied(),
            String::from_utf8_lossy(rest),
        ),
        None => (None, String::from_utf8_lossy(data)),
    };
    let report = analyze_caption(&text, hint);
    let chars: Vec<char> = text.chars().collect();
    assert!(report.char_len <= chars.len(), "char_len past the caption");
    let mut last_start = 0;
    for f in &report.findings {
        assert!(
            f.start < f.end && f.end <= report.char_len,
            "span {}..{} outside 0..{}",
            f.start,
            f.end,
            report.char_len
        );
        assert!(f.start >= last_start, "findings out of order");
        last_start = f.start;
        let covered: String = chars[f.start..f.end].iter().collect();
        assert_eq!(
            covered, f.text,
            "a finding's text is not what its span covers"
        );
        if let Some(r) = &f.rewrite {
            assert!(
                r.start <= r.end && r.end <= report.char_len,
                "rewrite outside the caption"
            );
        }
    }
    for c in &report.combined {
        assert!(
            c.findings.iter().all(|&i| i < report.findings.len()),
            "combined risk points past the findings"
        );
    }
    assert_eq!(
        report.overall,
        report.findings.iter().map(|f| f.severity).max(),
        "overall severity is not the highest finding's"
    );
}

/// The DC-only JPEG decoder splits long scans between two threads, the second starting from a
/// guess. Property: with every scan split (however short), the decode is the one-thread decode,
/// `None` included. The pixel bound is the fuzz limits' (a frame above it is declined first).
pub fn fuzz_jpeg_dc_split(data: &[u8]) {
    sharesafe_core::decode::fuzz_dc_split_agrees(data, limits().max_decoded_pixels);
}

/// Decoding for analysis (fingerprints, faces) on any bytes: a decoded image never exceeds the
/// limits or its own stored size, and a refusal blames the input.
pub fn fuzz_decode(data: &[u8]) {
    use sharesafe_core::decode::{decode_for_analysis, AnalysisRequest};
    let l = limits();
    let (min_short_side, apply_orientation) = match data.first() {
        Some(b) => (u32::from(*b & 0x7F) * 4, b & 0x80 != 0),
        None => (0, false),
    };
    let req = AnalysisRequest {
        min_short_side,
        apply_orientation,
    };
    match decode_for_analysis(data, &req, &l) {
        Ok(d) => {
            assert!(d.stored_width <= l.max_dimension && d.stored_height <= l.max_dimension);
            assert!(u64::from(d.stored_width) * u64::from(d.stored_height) <= l.max_decoded_pixels);
            assert!(d.reduction >= 1, "reduction below 1");
            let (w, h) = (d.image.width(), d.image.height());
            assert!(w > 0 && h > 0, "empty image decoded");
            let (sw, sh) = if d.orientation_applied && d.orientation >= 5 {
                (d.stored_height, d.stored_width)
            } else {
                (d.stored_width, d.stored_height)
            };
            assert!(
                w <= sw && h <= sh,
                "decoded {w}x{h}, larger than the stored {sw}x{sh}"
            );
        }
        Err(e) => assert_input_fault(&e, "decode_for_analysis"),
    }
}
