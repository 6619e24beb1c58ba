//! Every field of [`Limits`] triggers its own typed [`Error::LimitExceeded`] on a file this test
//! builds, and a file just under the limit still cleans: the limits are real, named correctly in
//! the error, and not off by one. Where the defaults matter on a phone (parts, ICC size) the
//! default value itself is exercised.

mod canary;

use std::io::Cursor;

use sharesafe_core::{
    clean_bytes, clean_file, inspect_metadata, CleanOptions, Error, Format, Limits,
};

fn opts(limits: Limits) -> CleanOptions {
    CleanOptions {
        limits,
        ..CleanOptions::default()
    }
}

fn pixels() -> Vec<u8> {
    (0..8 * 8 * 3).map(|i| (i * 7) as u8).collect()
}

fn jpeg() -> Vec<u8> {
    let mut out = Vec::new();
    image::codecs::jpeg::JpegEncoder::new_with_quality(&mut out, 80)
        .encode(&pixels(), 8, 8, image::ExtendedColorType::Rgb8)
        .expect("encode JPEG");
    out
}

fn png() -> Vec<u8> {
    let mut out = Vec::new();
    image::ImageEncoder::write_image(
        image::codecs::png::PngEncoder::new(&mut out),
        &pixels(),
        8,
        8,
        image::ExtendedColorType::Rgb8,
    )
    .expect("encode PNG");
    out
}

fn webp() -> Vec<u8> {
    let mut out = Vec::new();
    image::ImageEncoder::write_image(
        image::codecs::webp::WebPEncoder::new_lossless(&mut out),
        &pixels(),
        8,
        8,
        image::ExtendedColorType::Rgb8,
    )
    .expect("encode WebP");
    out
}

/// Inserts `segments` (marker, payload) right after the JPEG's SOI.
fn jpeg_with(segments: &[(u8, Vec<u8>)]) -> Vec<u8> {
    let base = jpeg();
    let mut out = base[..2].to_vec();
    for (m, payload) in segments {
        out.extend_from_slice(&[0xFF, *m]);
        out.extend_from_slice(
            &u16::try_from(payload.len() + 2)
                .expect("fits")
                .to_be_bytes(),
        );
        out.extend_from_slice(payload);
    }
    out.extend_from_slice(&base[2..]);
    out
}

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

/// Inserts `chunks` (already framed) right after IHDR.
fn png_with(chunks: &[Vec<u8>]) -> Vec<u8> {
    let base = png();
    let after_ihdr = 8 + 12 + 13;
    let mut out = base[..after_ihdr].to_vec();
    for c in chunks {
        out.extend_from_slice(c);
    }
    out.extend_from_slice(&base[after_ihdr..]);
    out
}

/// An extended WebP (VP8X) with `chunks` (id, data) before the image.
fn webp_with(flags: u8, chunks: &[(&[u8; 4], Vec<u8>)]) -> Vec<u8> {
    let base = webp();
    let image = &base[12..];
    let mut body = b"VP8X\x0a\0\0\0".to_vec();
    body.extend_from_slice(&[flags, 0, 0, 0, 7, 0, 0, 7, 0, 0]);
    for (id, data) in chunks {
        body.extend_from_slice(*id);
        body.extend_from_slice(&(data.len() as u32).to_le_bytes());
        body.extend_from_slice(data);
        if data.len() % 2 == 1 {
            body.push(0);
        }
    }
    body.extend_from_slice(image);
    let mut out = b"RIFF".to_vec();
    out.extend_from_slice(&(body.len() as u32 + 4).to_le_bytes());
    out.extend_from_slice(b"WEBP");
    out.extend_from_slice(&body);
    out
}

/// A syntactically plausible ICC profile of `len` bytes (header size field set, no tags).
fn icc(len: usize) -> Vec<u8> {
    let mut p = vec![0u8; len];
    p[..4].copy_from_slice(&(len as u32).to_be_bytes());
    p[8..12].copy_from_slice(&[4, 0x30, 0, 0]);
    p[12..24].copy_from_slice(b"mntrRGB XYZ ");
    p[36..40].copy_from_slice(b"acsp");
    p
}

/// Asserts `r` is `LimitExceeded` for `limit` in `format`.
fn assert_limit<T: std::fmt::Debug>(r: Result<T, Error>, format: Format, limit: &str, what: &str) {
    match r {
        Err(Error::LimitExceeded {
            format: f,
            limit: l,
            ..
        }) if f == format && l == limit => {}
        other => panic!("{what}: expected {format} {limit} exceeded, got {other:?}"),
    }
}

#[test]
fn max_input_bytes_stops_every_format_and_the_file_entry_point() {
    for (format, file) in [
        (Format::Jpeg, jpeg()),
        (Format::Png, png()),
        (Format::Webp, webp()),
        (Format::Gif, canary::gif().bytes),
        (Format::Heif, canary::heic().bytes),
        (Format::Mov, canary::mp4().bytes),
    ] {
        let n = file.len() as u64;
        let at_limit = Limits {
            max_input_bytes: n,
            ..Limits::default()
        };
        clean_bytes(&file, &opts(at_limit)).expect("a file exactly at the limit cleans");
        let under = Limits {
            max_input_bytes: n - 1,
            ..Limits::default()
        };
        assert_limit(
            clean_bytes(&file, &opts(under.clone())),
            format,
            "max_input_bytes",
            "in memory",
        );
        // Bytes after the end of the image count too: a small photo with a huge trailer is
        // refused, not read forever (the trailer is dropped, but counted while it is read).
        let mut with_trailer = file.clone();
        with_trailer.extend_from_slice(&[0u8; 100]);
        let just_image = Limits {
            max_input_bytes: n + 50,
            ..Limits::default()
        };
        assert_limit(
            clean_bytes(&with_trailer, &opts(just_image)),
            format,
            "max_input_bytes",
            "trailer",
        );
        // From a file, the size is checked before anything is read.
        let dir = std::path::Path::new(env!("CARGO_TARGET_TMPDIR")).join("limits-input");
        std::fs::create_dir_all(&dir).expect("mkdir");
        let input = dir.join(format!("big.{}", format.extension()));
        std::fs::write(&input, &file).expect("write");
        let output = dir.join(format!("out.{}", format.extension()));
        let _ = std::fs::remove_file(&output);
        assert_limit(
            clean_file(&input, &output, &opts(under)),
            format,
            "max_input_bytes",
            "clean_file",
        );
        assert!(!output.exists(), "a refused file produced an output");
    }
}

#[test]
fn max_parts_stops_files_made_of_many_tiny_parts() {
    let small = Limits {
        max_parts: 40,
        ..Limits::default()
    };
    // The encoder's own JPEG has about 8 segments; 40 comments push it over.
    let comments: Vec<(u8, Vec<u8>)> = (0..40).map(|_| (0xFE, b"x".to_vec())).collect();
    let few: Vec<(u8, Vec<u8>)> = (0..20).map(|_| (0xFE, b"x".to_vec())).collect();
    clean_bytes(&jpeg_with(&few), &opts(small.clone())).expect("under the limit");
    assert_limit(
        clean_bytes(&jpeg_with(&comments), &opts(small.clone())),
        Format::Jpeg,
        "max_parts",
        "JPEG comments",
    );
    let texts: Vec<Vec<u8>> = (0..40).map(|_| png_chunk(b"tEXt", b"k\0v")).collect();
    assert_limit(
        clean_bytes(&png_with(&texts), &opts(small.clone())),
        Format::Png,
        "max_parts",
        "PNG text chunks",
    );
    let unknown: Vec<(&[u8; 4], Vec<u8>)> = (0..40).map(|_| (b"junk", vec![0u8; 2])).collect();
    assert_limit(
        clean_bytes(&webp_with(0, &unknown), &opts(small)),
        Format::Webp,
        "max_parts",
        "WebP unknown chunks",
    );
    // The default (100,000) holds against a 1.2 MB PNG of empty private chunks.
    let default = Limits::default();
    let empty = png_chunk(b"prVt", b"");
    let many: Vec<Vec<u8>> = (0..default.max_parts).map(|_| empty.clone()).collect();
    assert_limit(
        clean_bytes(&png_with(&many), &opts(default)),
        Format::Png,
        "max_parts",
        "default limit",
    );
}

/// Builds a file of one format around an EXIF payload (TIFF without header).
type Builder = dyn Fn(&[u8]) -> Vec<u8>;

/// A big-endian Orientation entry (SHORT, count 1).
fn orientation_entry(value: u16) -> [u8; 12] {
    let mut e = [0u8; 12];
    e[..2].copy_from_slice(&0x0112u16.to_be_bytes());
    e[2..4].copy_from_slice(&3u16.to_be_bytes());
    e[4..8].copy_from_slice(&1u32.to_be_bytes());
    e[8..10].copy_from_slice(&value.to_be_bytes());
    e
}

/// A `total`-byte big-endian TIFF whose IFD0 at `ifd0` holds one entry: Orientation =
/// `orientation`, or an unrelated tag (ImageDescription) when `None`.
fn tiff_with_ifd0(ifd0: usize, total: usize, orientation: Option<u16>) -> Vec<u8> {
    let mut t = b"MM\0\x2a".to_vec();
    t.extend_from_slice(&(ifd0 as u32).to_be_bytes());
    t.resize(total, 0);
    t[ifd0..ifd0 + 2].copy_from_slice(&1u16.to_be_bytes());
    let mut e = orientation_entry(orientation.unwrap_or(1));
    if orientation.is_none() {
        e[..2].copy_from_slice(&0x010Eu16.to_be_bytes());
    }
    t[ifd0 + 2..ifd0 + 14].copy_from_slice(&e);
    t
}

#[test]
fn max_metadata_bytes_bounds_what_is_read_into_memory() {
    let limits = Limits {
        max_metadata_bytes: 4096,
        ..Limits::default()
    };
    // One policy for JPEG APP1, PNG eXIf and WebP EXIF: a block over the limit is removed, and
    // the orientation is still read from its first max_metadata_bytes; only when IFD0's
    // Orientation lies beyond them is the file refused (dropping it could turn the photo).
    let jpeg_exif = |tiff: &[u8]| jpeg_with(&[(0xE1, [&b"Exif\0\0"[..], tiff].concat())]);
    let png_exif = |tiff: &[u8]| png_with(&[png_chunk(b"eXIf", tiff)]);
    let webp_exif = |tiff: &[u8]| webp_with(0x08, &[(b"EXIF", tiff.to_vec())]);
    let builders: [(Format, &Builder); 3] = [
        (Format::Jpeg, &jpeg_exif),
        (Format::Png, &png_exif),
        (Format::Webp, &webp_exif),
    ];
    for (format, with) in builders {
        for total in [4000, 5000, 60_000] {
            // Orientation 6 in an IFD0 right after the header, as every camera writes it.
            let c = clean_bytes(
                &with(&tiff_with_ifd0(8, total, Some(6))),
                &opts(limits.clone()),
            )
            .unwrap_or_else(|e| panic!("{format} EXIF of {total} refused: {e:?}"));
            assert_eq!(
                c.report.orientation,
                Some(6),
                "{format} {total}: rotation lost"
            );
            let exif = c
                .report
                .parts
                .iter()
                .find(|p| p.kind == sharesafe_core::PartKind::Exif);
            assert_eq!(
                exif.map(|p| p.action),
                Some(sharesafe_core::Action::Rewritten),
                "{format} {total}"
            );
            // No orientation in IFD0: removed, nothing kept, not refused.
            let c = clean_bytes(
                &with(&tiff_with_ifd0(8, total, None)),
                &opts(limits.clone()),
            )
            .unwrap_or_else(|e| panic!("{format} EXIF of {total} refused: {e:?}"));
            assert_eq!(c.report.orientation, None);
            // IFD0 pointing past the block's end: unreadable, like a whole block would be.
            let mut past = tiff_with_ifd0(8, total, None);
            past[4..8].copy_from_slice(&(total as u32 + 10).to_be_bytes());
            let c = clean_bytes(&with(&past), &opts(limits.clone())).expect("unreadable EXIF");
            assert_eq!(c.report.orientation, None);
        }
        // Under the limit, IFD0 anywhere in the block is read.
        let c = clean_bytes(
            &with(&tiff_with_ifd0(3000, 4000, Some(8))),
            &opts(limits.clone()),
        )
        .expect("under the limit");
        assert_eq!(c.report.orientation, Some(8), "{format}");
        // Over the limit with IFD0 beyond the bytes read: cannot tell, refused.
        assert_limit(
            clean_bytes(
                &with(&tiff_with_ifd0(4500, 5000, Some(8))),
                &opts(limits.clone()),
            ),
            format,
            "max_metadata_bytes",
            "orientation beyond the limit",
        );
        // IFD0 in the bytes read, but its Orientation entry after many others, beyond: refused.
        let mut many = tiff_with_ifd0(8, 5000, None);
        let n = (4200 - 10) / 12;
        many[8..10].copy_from_slice(&(n as u16 + 1).to_be_bytes());
        for i in 0..n {
            let e = 10 + 12 * i;
            many[e..e + 2].copy_from_slice(&0x010Fu16.to_be_bytes());
        }
        let last = 10 + 12 * n;
        many[last..last + 12].copy_from_slice(&orientation_entry(8));
        assert_limit(
            clean_bytes(&with(&many), &opts(limits.clone())),
            format,
            "max_metadata_bytes",
            "orientation entry beyond the limit",
        );
    }

    // An inspection hands out at most max_metadata_bytes of any block, marked incomplete.
    let xmp = png_chunk(b"iTXt", &vec![b'a'; 10_000]);
    let mut sizes = Vec::new();
    inspect_metadata(Cursor::new(png_with(&[xmp])), &limits, &mut |b| {
        sizes.push((b.payload.len(), b.complete))
    })
    .expect("inspects");
    assert_eq!(sizes, vec![(4096, false)]);
}

#[test]
fn max_icc_bytes_bounds_the_kept_colour_profile() {
    let limits = Limits {
        max_icc_bytes: 2000,
        ..Limits::default()
    };
    // JPEG: the limit is on the profile's total over all its APP2 chunks.
    let chunk = |seq: u8, count: u8, len: usize| {
        let mut p = b"ICC_PROFILE\0".to_vec();
        p.extend_from_slice(&[seq, count]);
        p.extend_from_slice(&icc(len)[..len]);
        (0xE2u8, p)
    };
    clean_bytes(&jpeg_with(&[chunk(1, 1, 1500)]), &opts(limits.clone())).expect("under");
    assert_limit(
        clean_bytes(
            &jpeg_with(&[chunk(1, 2, 1500), chunk(2, 2, 1500)]),
            &opts(limits.clone()),
        ),
        Format::Jpeg,
        "max_icc_bytes",
        "JPEG two chunks",
    );
    let mut iccp = b"icc\0\0".to_vec();
    iccp.extend_from_slice(&vec![0x78; 2500]);
    assert_limit(
        clean_bytes(
            &png_with(&[png_chunk(b"iCCP", &iccp)]),
            &opts(limits.clone()),
        ),
        Format::Png,
        "max_icc_bytes",
        "PNG iCCP",
    );
    assert_limit(
        clean_bytes(&webp_with(0x20, &[(b"ICCP", icc(2500))]), &opts(limits)),
        Format::Webp,
        "max_icc_bytes",
        "WebP ICCP",
    );
    // The default (16 MiB) refuses a 17 MB profile.
    let default = Limits::default();
    let huge = icc(default.max_icc_bytes as usize + 1);
    assert_limit(
        clean_bytes(&webp_with(0x20, &[(b"ICCP", huge)]), &opts(default)),
        Format::Webp,
        "max_icc_bytes",
        "default limit",
    );
}

#[test]
fn max_nesting_depth_bounds_the_box_tree() {
    // moov (depth 1) > trak (2) > mdia (3) > minf (4): a limit of 3 stops at minf.
    let movie = canary::mp4().bytes;
    let shallow = Limits {
        max_nesting_depth: 3,
        ..Limits::default()
    };
    assert_limit(
        clean_bytes(&movie, &opts(shallow)),
        Format::Mov,
        "max_nesting_depth",
        "movie",
    );
    let enough = Limits {
        max_nesting_depth: 5,
        ..Limits::default()
    };
    clean_bytes(&movie, &opts(enough)).expect("the movie's real depth is within the limit");
    clean_bytes(&movie, &opts(Limits::default())).expect("and within the default");
}

#[test]
fn max_parts_stops_gif_and_movies_made_of_tiny_blocks() {
    let small = Limits {
        max_parts: 30,
        ..Limits::default()
    };
    // GIF: 40 empty comment extensions after the header.
    let gif = canary::gif().bytes;
    let packed = gif[10];
    let head = 13
        + if packed & 0x80 != 0 {
            3 << ((packed & 7) + 1)
        } else {
            0
        };
    let mut many = gif[..head].to_vec();
    for _ in 0..40 {
        many.extend_from_slice(&[0x21, 0xFE, 1, b'x', 0]);
    }
    many.extend_from_slice(&gif[head..]);
    assert_limit(
        clean_bytes(&many, &opts(small.clone())),
        Format::Gif,
        "max_parts",
        "GIF comments",
    );
    // A movie: 40 empty free boxes before the movie box.
    let movie = canary::mp4().bytes;
    let ftyp_len = u32::from_be_bytes(movie[..4].try_into().expect("4 bytes")) as usize;
    let mut boxes = movie[..ftyp_len].to_vec();
    for _ in 0..40 {
        boxes.extend_from_slice(b"\0\0\0\x08free");
    }
    boxes.extend_from_slice(&movie[ftyp_len..]);
    assert_limit(
        clean_bytes(&boxes, &opts(small)),
        Format::Mov,
        "max_parts",
        "free boxes",
    );
}

/// A PNG whose header announces `w`×`h` pixels, with one byte of image data: the limits must
/// refuse it from the header alone (decoding would need gigabytes).
fn png_claiming(w: u32, h: u32) -> Vec<u8> {
    let mut ihdr = w.to_be_bytes().to_vec();
    ihdr.extend_from_slice(&h.to_be_bytes());
    ihdr.extend_from_slice(&[8, 2, 0, 0, 0]);
    let mut out = b"\x89PNG\r\n\x1a\n".to_vec();
    out.extend_from_slice(&png_chunk(b"IHDR", &ihdr));
    out.extend_from_slice(&png_chunk(b"IDAT", &[0x78, 0x9C, 0x03, 0x00]));
    out.extend_from_slice(&png_chunk(b"IEND", &[]));
    out
}

#[test]
fn max_dimension_and_max_decoded_pixels_bound_decoding_for_analysis() {
    use sharesafe_core::decode::{decode_for_analysis, AnalysisRequest};
    let req = AnalysisRequest {
        min_short_side: 1,
        apply_orientation: false,
    };
    let narrow = Limits {
        max_dimension: 7,
        ..Limits::default()
    };
    let few = Limits {
        max_decoded_pixels: 63,
        ..Limits::default()
    };
    let gif = canary::gif().bytes; // 24x16
    for (format, file) in [
        (Format::Jpeg, jpeg()),
        (Format::Png, png()),
        (Format::Webp, webp()),
        (Format::Gif, gif),
    ] {
        decode_for_analysis(&file, &req, &Limits::default()).expect("decodes within the defaults");
        assert_limit(
            decode_for_analysis(&file, &req, &narrow),
            format,
            "max_dimension",
            "8 px wide",
        );
        assert_limit(
            decode_for_analysis(&file, &req, &few),
            format,
            "max_decoded_pixels",
            "64 px",
        );
    }
    // The defaults, from a header alone: wider than 16,384, and 100 MP within that width.
    let default = Limits::default();
    assert_limit(
        decode_for_analysis(&png_claiming(20_000, 10), &req, &default),
        Format::Png,
        "max_dimension",
        "20,000 px wide",
    );
    assert_limit(
        decode_for_analysis(&png_claiming(10_000, 10_000), &req, &default),
        Format::Png,
        "max_decoded_pixels",
        "100 MP",
    );
}
