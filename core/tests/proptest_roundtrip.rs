//! Property tests of the cleaners' readers and writers.
//!
//! Round trips: random JPEG segments, PNG chunks and WebP chunks (kept, removed, an orientation
//! EXIF written by this test) around real encoded pixels; the clean must give exactly the bytes
//! an independent model of the allowlist predicts (kept parts byte for byte and in order, the
//! first meaningful orientation as ShareSafe's 26-byte TIFF, sizes and flags recomputed), and
//! cleaning that again must change nothing.
//!
//! Damage: random truncations and mutations of every corpus file give a verified clean copy or a
//! typed input error, never a panic, a verification failure or a hang (each case is timed).

mod common;

use std::path::PathBuf;
use std::sync::OnceLock;
use std::time::{Duration, Instant};

use proptest::prelude::*;
use sharesafe_core::{clean_bytes, Action, CleanOptions, Error};

/// Generous bound per damaged file (the largest corpus files are a few MB and the core is
/// unoptimised in test builds); a hang or a quadratic loop blows far past it.
const PER_CASE: Duration = Duration::from_secs(5);

fn opts() -> CleanOptions {
    CleanOptions::default()
}

fn pixels() -> Vec<u8> {
    (0..12 * 8 * 3).map(|i| (i * 5 % 251) as u8).collect()
}

/// ShareSafe's minimal orientation TIFF, written here from the TIFF specification.
fn orientation_tiff(o: u16) -> Vec<u8> {
    let mut t = b"MM\0\x2a\0\0\0\x08\0\x01\x01\x12\0\x03\0\0\0\x01".to_vec();
    t.extend_from_slice(&o.to_be_bytes());
    t.extend_from_slice(&[0, 0, 0, 0, 0, 0]);
    t
}

// ---------------------------------------------------------------------------------------------
// PNG

fn png_chunk(kind: &[u8; 4], data: &[u8]) -> Vec<u8> {
    let mut c = (data.len() as u32).to_be_bytes().to_vec();
    c.extend_from_slice(kind);
    c.extend_from_slice(data);
    let mut crc = flate2::Crc::new();
    crc.update(kind);
    crc.update(data);
    c.extend_from_slice(&crc.sum().to_be_bytes());
    c
}

fn encoded_png() -> &'static [u8] {
    static PNG: OnceLock<Vec<u8>> = OnceLock::new();
    PNG.get_or_init(|| {
        let mut out = Vec::new();
        image::ImageEncoder::write_image(
            image::codecs::png::PngEncoder::new(&mut out),
            &pixels(),
            12,
            8,
            image::ExtendedColorType::Rgb8,
        )
        .expect("encode PNG");
        out
    })
}

/// A chunk the generator may place between IHDR and IEND.
#[derive(Debug, Clone)]
enum PngPart {
    /// An ancillary chunk the allowlist keeps (colour, aspect ratio).
    Kept(&'static [u8; 4], Vec<u8>),
    /// One it removes (text, time, provenance, private).
    Removed(&'static [u8; 4], Vec<u8>),
    /// An eXIf holding only Orientation = the value.
    Exif(u16),
}

fn png_part() -> impl Strategy<Value = PngPart> {
    let data = proptest::collection::vec(any::<u8>(), 0..64);
    prop_oneof![
        (
            prop::sample::select(vec![b"gAMA", b"cHRM", b"sRGB", b"pHYs", b"sBIT", b"cICP"]),
            data.clone()
        )
            .prop_map(|(k, d)| PngPart::Kept(k, d)),
        (
            prop::sample::select(vec![b"tEXt", b"zTXt", b"iTXt", b"tIME", b"caBX", b"prVt"]),
            data
        )
            .prop_map(|(k, d)| PngPart::Removed(k, d)),
        (1u16..=9).prop_map(PngPart::Exif),
    ]
}

/// The file and the clean output a correct cleaner must produce from it.
fn png_case(before: &[PngPart], after: &[PngPart], trailer: &[u8]) -> (Vec<u8>, Vec<u8>) {
    let base = encoded_png();
    let ihdr_end = 8 + 12 + 13;
    let iend = base.len() - 12;
    let (mut input, mut expected) = (base[..ihdr_end].to_vec(), base[..ihdr_end].to_vec());
    let mut exif_seen = false;
    let mut add = |parts: &[PngPart], input: &mut Vec<u8>, expected: &mut Vec<u8>| {
        for p in parts {
            match p {
                PngPart::Kept(k, d) => {
                    input.extend_from_slice(&png_chunk(k, d));
                    expected.extend_from_slice(&png_chunk(k, d));
                }
                PngPart::Removed(k, d) => input.extend_from_slice(&png_chunk(k, d)),
                PngPart::Exif(o) => {
                    let chunk = png_chunk(b"eXIf", &orientation_tiff(*o));
                    input.extend_from_slice(&chunk);
                    if !std::mem::replace(&mut exif_seen, true) && (2..=8).contains(o) {
                        expected.extend_from_slice(&chunk);
                    }
                }
            }
        }
    };
    add(before, &mut input, &mut expected);
    input.extend_from_slice(&base[ihdr_end..iend]);
    expected.extend_from_slice(&base[ihdr_end..iend]);
    add(after, &mut input, &mut expected);
    input.extend_from_slice(&base[iend..]);
    expected.extend_from_slice(&base[iend..]);
    input.extend_from_slice(trailer);
    (input, expected)
}

// ---------------------------------------------------------------------------------------------
// JPEG

fn encoded_jpeg() -> &'static [u8] {
    static JPEG: OnceLock<Vec<u8>> = OnceLock::new();
    JPEG.get_or_init(|| {
        let mut out = Vec::new();
        image::codecs::jpeg::JpegEncoder::new_with_quality(&mut out, 85)
            .encode(&pixels(), 12, 8, image::ExtendedColorType::Rgb8)
            .expect("encode JPEG");
        out
    })
}

#[derive(Debug, Clone)]
enum JpegPart {
    /// Adobe APP14 (colour transform): kept byte for byte.
    Adobe(u8),
    /// A segment the allowlist removes: marker and payload.
    Removed(u8, Vec<u8>),
    /// An APP1 EXIF holding only Orientation = the value.
    Exif(u16),
}

fn jpeg_part() -> impl Strategy<Value = JpegPart> {
    let removed_marker = prop::sample::select(vec![
        0xE1u8, 0xE3, 0xE4, 0xE5, 0xE6, 0xE7, 0xE8, 0xE9, 0xEA, 0xEB, 0xEC, 0xED, 0xEF, 0xFE,
    ]);
    prop_oneof![
        any::<u8>().prop_map(JpegPart::Adobe),
        (
            removed_marker,
            proptest::collection::vec(any::<u8>(), 0..200)
        )
            .prop_map(|(m, d)| JpegPart::Removed(m, d)),
        (1u16..=9).prop_map(JpegPart::Exif),
    ]
}

fn jpeg_segment(m: u8, payload: &[u8]) -> Vec<u8> {
    let mut s = vec![0xFF, m];
    s.extend_from_slice(&(payload.len() as u16 + 2).to_be_bytes());
    s.extend_from_slice(payload);
    s
}

fn jpeg_case(parts: &[JpegPart], trailer: &[u8]) -> (Vec<u8>, Vec<u8>) {
    let base = encoded_jpeg();
    // SOI, then the encoder's JFIF APP0 (kept as is: no thumbnail), then the tables.
    let app0_end = 2 + 2 + usize::from(u16::from_be_bytes([base[4], base[5]]));
    let (mut input, mut expected) = (base[..app0_end].to_vec(), base[..app0_end].to_vec());
    let mut exif_seen = false;
    for p in parts {
        match p {
            JpegPart::Adobe(t) => {
                let s = jpeg_segment(
                    0xEE,
                    &[b'A', b'd', b'o', b'b', b'e', 0, 100, 0, 0, 0, 0, *t],
                );
                input.extend_from_slice(&s);
                expected.extend_from_slice(&s);
            }
            JpegPart::Removed(m, d) => {
                // An APP1 that starts like EXIF would be read as EXIF; keep the cases apart.
                let mut d = d.clone();
                if *m == 0xE1 && d.starts_with(b"Exif\0") {
                    d[0] = b'x';
                }
                input.extend_from_slice(&jpeg_segment(*m, &d));
            }
            JpegPart::Exif(o) => {
                let mut payload = b"Exif\0\0".to_vec();
                payload.extend_from_slice(&orientation_tiff(*o));
                let s = jpeg_segment(0xE1, &payload);
                input.extend_from_slice(&s);
                if !std::mem::replace(&mut exif_seen, true) && (2..=8).contains(o) {
                    expected.extend_from_slice(&s);
                }
            }
        }
    }
    input.extend_from_slice(&base[app0_end..]);
    expected.extend_from_slice(&base[app0_end..]);
    input.extend_from_slice(trailer);
    (input, expected)
}

// ---------------------------------------------------------------------------------------------
// WebP

fn encoded_vp8l() -> &'static [u8] {
    static WEBP: OnceLock<Vec<u8>> = OnceLock::new();
    WEBP.get_or_init(|| {
        let mut out = Vec::new();
        image::ImageEncoder::write_image(
            image::codecs::webp::WebPEncoder::new_lossless(&mut out),
            &pixels(),
            12,
            8,
            image::ExtendedColorType::Rgb8,
        )
        .expect("encode WebP");
        out[12..].to_vec() // the VP8L chunk, framed
    })
}

#[derive(Debug, Clone)]
enum WebpPart {
    /// A well-formed colour profile without text tags: kept byte for byte.
    Icc([u8; 12]),
    /// Bytes in an ICCP chunk that are no profile: decoders ignore them, the clean drops them.
    UnreadableIcc(Vec<u8>),
    Removed(&'static [u8; 4], Vec<u8>),
    Exif(u16),
}

fn webp_part() -> impl Strategy<Value = WebpPart> {
    let data = proptest::collection::vec(any::<u8>(), 0..80);
    prop_oneof![
        any::<[u8; 12]>().prop_map(WebpPart::Icc),
        data.clone().prop_map(WebpPart::UnreadableIcc),
        (prop::sample::select(vec![b"XMP ", b"junk", b"META"]), data)
            .prop_map(|(k, d)| WebpPart::Removed(k, d)),
        (1u16..=9).prop_map(WebpPart::Exif),
    ]
}

/// An ICC display profile with one tag (the white point) and no text: nothing to sanitise.
fn textless_profile(white_point: &[u8; 12]) -> Vec<u8> {
    let size = 128 + 4 + 12 + 20;
    let mut p = vec![0u8; 128];
    p[..4].copy_from_slice(&(size as u32).to_be_bytes());
    p[8..12].copy_from_slice(&[4, 0x30, 0, 0]);
    p[12..24].copy_from_slice(b"mntrRGB XYZ ");
    p[36..40].copy_from_slice(b"acsp");
    p.extend_from_slice(&1u32.to_be_bytes());
    p.extend_from_slice(b"wtpt");
    p.extend_from_slice(&144u32.to_be_bytes());
    p.extend_from_slice(&20u32.to_be_bytes());
    p.extend_from_slice(b"XYZ \0\0\0\0");
    p.extend_from_slice(white_point);
    assert_eq!(p.len(), size);
    p
}

fn riff_chunk(id: &[u8; 4], data: &[u8]) -> Vec<u8> {
    let mut c = id.to_vec();
    c.extend_from_slice(&(data.len() as u32).to_le_bytes());
    c.extend_from_slice(data);
    if data.len() % 2 == 1 {
        c.push(0);
    }
    c
}

fn riff(body: &[u8]) -> Vec<u8> {
    let mut out = b"RIFF".to_vec();
    out.extend_from_slice(&(body.len() as u32 + 4).to_le_bytes());
    out.extend_from_slice(b"WEBP");
    out.extend_from_slice(body);
    out
}

/// At most one ICCP (the format allows one); the chunks come after the image, as in files
/// written by exiftool and Android.
fn webp_case(parts: &[WebpPart], trailer: &[u8]) -> (Vec<u8>, Vec<u8>) {
    let vp8x = |flags: u8| {
        let mut v = vec![flags, 0, 0, 0];
        v.extend_from_slice(&11u32.to_le_bytes()[..3]);
        v.extend_from_slice(&7u32.to_le_bytes()[..3]);
        riff_chunk(b"VP8X", &v)
    };
    let (mut body_in, mut body_out) = (Vec::new(), Vec::new());
    let (mut flags_in, mut flags_out) = (0u8, 0u8);
    let mut icc_seen = false;
    let mut exif_seen = false;
    for p in parts {
        match p {
            WebpPart::Icc(white_point) if !icc_seen => {
                icc_seen = true;
                flags_in |= 0x20;
                flags_out |= 0x20;
                let profile = textless_profile(white_point);
                body_in.extend_from_slice(&riff_chunk(b"ICCP", &profile));
                body_out.extend_from_slice(&riff_chunk(b"ICCP", &profile));
            }
            WebpPart::UnreadableIcc(d) if !icc_seen => {
                icc_seen = true;
                flags_in |= 0x20;
                body_in.extend_from_slice(&riff_chunk(b"ICCP", d));
            }
            WebpPart::Icc(_) | WebpPart::UnreadableIcc(_) => {}
            WebpPart::Removed(k, d) => {
                if *k == b"XMP " {
                    flags_in |= 0x04;
                }
                body_in.extend_from_slice(&riff_chunk(k, d));
            }
            WebpPart::Exif(o) => {
                flags_in |= 0x08;
                let c = riff_chunk(b"EXIF", &orientation_tiff(*o));
                body_in.extend_from_slice(&c);
                if !std::mem::replace(&mut exif_seen, true) && (2..=8).contains(o) {
                    flags_out |= 0x08;
                    body_out.extend_from_slice(&c);
                }
            }
        }
    }
    let mut input = vp8x(flags_in);
    input.extend_from_slice(encoded_vp8l());
    input.extend_from_slice(&body_in);
    let mut expected = vp8x(flags_out);
    expected.extend_from_slice(encoded_vp8l());
    expected.extend_from_slice(&body_out);
    let mut input = riff(&input);
    input.extend_from_slice(trailer);
    (input, riff(&expected))
}

// ---------------------------------------------------------------------------------------------

fn assert_round_trip(input: &[u8], expected: &[u8]) -> Result<(), TestCaseError> {
    let cleaned = clean_bytes(input, &opts())
        .map_err(|e| TestCaseError::fail(format!("a well-formed file was refused: {e}")))?;
    prop_assert_eq!(
        &cleaned.bytes,
        expected,
        "clean output differs from the model"
    );
    let again = clean_bytes(&cleaned.bytes, &opts())
        .map_err(|e| TestCaseError::fail(format!("cleaned output refused: {e}")))?;
    prop_assert_eq!(&again.bytes, &cleaned.bytes, "clean is not idempotent");
    prop_assert!(again
        .report
        .parts
        .iter()
        .all(|p| p.action != Action::Removed));
    Ok(())
}

fn trailer() -> impl Strategy<Value = Vec<u8>> {
    prop_oneof![
        Just(Vec::new()),
        proptest::collection::vec(any::<u8>(), 1..100)
    ]
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(200))]

    #[test]
    fn png_chunks_round_trip(
        before in proptest::collection::vec(png_part(), 0..8),
        after in proptest::collection::vec(png_part(), 0..4),
        trailer in trailer(),
    ) {
        let (input, expected) = png_case(&before, &after, &trailer);
        assert_round_trip(&input, &expected)?;
    }

    #[test]
    fn jpeg_segments_round_trip(
        parts in proptest::collection::vec(jpeg_part(), 0..10),
        trailer in trailer(),
    ) {
        let (input, expected) = jpeg_case(&parts, &trailer);
        assert_round_trip(&input, &expected)?;
    }

    #[test]
    fn webp_chunks_round_trip(
        parts in proptest::collection::vec(webp_part(), 0..8),
        trailer in trailer(),
    ) {
        let (input, expected) = webp_case(&parts, &trailer);
        assert_round_trip(&input, &expected)?;
    }
}

// ---------------------------------------------------------------------------------------------
// Damage to real files

fn corpus_files() -> &'static [(PathBuf, Vec<u8>)] {
    static FILES: OnceLock<Vec<(PathBuf, Vec<u8>)>> = OnceLock::new();
    FILES.get_or_init(|| {
        let Some(dir) = common::corpus_dir() else {
            return Vec::new();
        };
        common::files_under(&dir, &[])
            .into_iter()
            .filter(|p| {
                !matches!(
                    p.extension().and_then(|e| e.to_str()),
                    Some("json" | "md" | "xml")
                )
            })
            .map(|p| {
                let bytes = std::fs::read(&p).expect("read corpus file");
                (p, bytes)
            })
            .collect()
    })
}

#[derive(Debug, Clone)]
enum Damage {
    Truncate(prop::sample::Index),
    FlipBit(prop::sample::Index, u8),
    SetByte(prop::sample::Index, u8),
    Insert(prop::sample::Index, Vec<u8>),
    Delete(prop::sample::Index, usize),
    /// Copies a range elsewhere (duplicated segments and chunks).
    Duplicate(prop::sample::Index, prop::sample::Index, usize),
}

fn damage() -> impl Strategy<Value = Damage> {
    use prop::sample::Index;
    prop_oneof![
        any::<Index>().prop_map(Damage::Truncate),
        (any::<Index>(), 0u8..8).prop_map(|(i, b)| Damage::FlipBit(i, b)),
        (
            any::<Index>(),
            prop_oneof![Just(0u8), Just(0xFF), any::<u8>()]
        )
            .prop_map(|(i, v)| Damage::SetByte(i, v)),
        (
            any::<Index>(),
            proptest::collection::vec(any::<u8>(), 1..16)
        )
            .prop_map(|(i, v)| Damage::Insert(i, v)),
        (any::<Index>(), 1usize..64).prop_map(|(i, n)| Damage::Delete(i, n)),
        (any::<Index>(), any::<Index>(), 1usize..256)
            .prop_map(|(a, b, n)| Damage::Duplicate(a, b, n)),
    ]
}

fn apply(file: &mut Vec<u8>, d: &Damage) {
    if file.is_empty() {
        return;
    }
    let len = file.len();
    match d {
        Damage::Truncate(i) => file.truncate(i.index(len)),
        Damage::FlipBit(i, b) => file[i.index(len)] ^= 1 << b,
        Damage::SetByte(i, v) => file[i.index(len)] = *v,
        Damage::Insert(i, v) => {
            let at = i.index(len + 1);
            file.splice(at..at, v.iter().copied());
        }
        Damage::Delete(i, n) => {
            let at = i.index(len);
            file.drain(at..(at + n).min(len));
        }
        Damage::Duplicate(from, to, n) => {
            let a = from.index(len);
            let piece: Vec<u8> = file[a..(a + n).min(len)].to_vec();
            let at = to.index(len + 1);
            file.splice(at..at, piece);
        }
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(300))]

    #[test]
    fn damaged_corpus_files_clean_verified_or_fail_typed(
        which in any::<prop::sample::Index>(),
        damages in proptest::collection::vec(damage(), 1..4),
    ) {
        let files = corpus_files();
        if files.is_empty() {
            return Ok(()); // corpus absent outside CI: corpus_dir() said SKIPPED
        }
        let (path, good) = &files[which.index(files.len())];
        let mut bytes = good.clone();
        for d in &damages {
            apply(&mut bytes, d);
        }
        let name = path.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default();
        let start = Instant::now();
        let result = clean_bytes(&bytes, &opts());
        let took = start.elapsed();
        prop_assert!(took < PER_CASE, "{}: clean took {:?}", name, took);
        match result {
            Ok(c) => {
                let again = clean_bytes(&c.bytes, &opts())
                    .map_err(|e| TestCaseError::fail(format!("{name}: verified output refused: {e}")))?;
                prop_assert_eq!(&again.bytes, &c.bytes, "{}: not idempotent", name);
                prop_assert!(again.report.parts.iter().all(|p| p.action != Action::Removed),
                    "{}: metadata survived", name);
            }
            Err(e @ (Error::Malformed { .. } | Error::Unsupported { .. } | Error::LimitExceeded { .. })) => {
                let msg = e.to_string();
                prop_assert!(!msg.contains(&name), "{}: the error names the file", name);
            }
            Err(e) => prop_assert!(false, "{}: error that does not blame the input: {:?}", name, e),
        }
    }
}
