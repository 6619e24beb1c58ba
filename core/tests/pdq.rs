//! PDQ over Meta's own test images (`../shared/corpus/pdq`): our hashes must agree with the
//! published reference hashes within the tolerance Meta's implementations need among
//! themselves, rotations/mirrors must be found through the dihedral variants, near-duplicates
//! must match, and nearly blank images must say their hash is not to be trusted.

mod common;

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use sharesafe_core::decode::{decode_for_analysis, AnalysisRequest};
use sharesafe_core::fingerprint::{
    fingerprint_photo, pdq_hash, Dihedral, PdqHash, PhotoFingerprint, MATCH_THRESHOLD,
    MIN_TRUSTED_QUALITY,
};
use sharesafe_core::Limits;

/// Meta's implementations differ by up to ~12 bits among themselves; upstream's Python test
/// allows 16.
const REFERENCE_TOLERANCE: u32 = 16;

/// A file whose published hashes come from a pipeline that clips 16-bit grey to 8 bits (Pillow
/// converts `I;16` to RGB by saturating every value above 255), not from the picture a person
/// sees. Checked separately below.
const SIXTEEN_BIT_GREY: &str = "python-threatexchange/I16.png";

struct Expected {
    /// (label, hash) of every published reference hash.
    published: Vec<(String, PdqHash)>,
    /// The curator's labelled cross-check (pdqhash wheel on Pillow pixels).
    crosscheck: PdqHash,
    /// Quality the cross-check reported.
    crosscheck_quality: u8,
}

fn pdq_dir() -> Option<PathBuf> {
    common::corpus_dir().map(|d| d.join("pdq"))
}

fn expected(dir: &Path) -> BTreeMap<String, Expected> {
    let text = std::fs::read(dir.join("expected_hashes.json")).expect("expected_hashes.json");
    let json: serde_json::Value = serde_json::from_slice(&text).expect("valid JSON");
    let files = json["files"].as_object().expect("a files object");
    let parse = |v: &serde_json::Value| -> PdqHash {
        v.as_str()
            .expect("hash string")
            .parse()
            .expect("64 hex digits")
    };
    files
        .iter()
        .map(|(name, v)| {
            let published = v["published"]
                .as_object()
                .expect("published object")
                .iter()
                .map(|(label, h)| (label.clone(), parse(h)))
                .collect();
            let cross = &v["crosscheck_pdqhash_pillow"];
            let e = Expected {
                published,
                crosscheck: parse(&cross["hash"]),
                crosscheck_quality: cross["quality"].as_u64().expect("quality") as u8,
            };
            (name.clone(), e)
        })
        .collect()
}

fn fingerprint(dir: &Path, name: &str) -> PhotoFingerprint {
    let bytes = std::fs::read(dir.join(name)).expect("corpus file");
    fingerprint_photo(&bytes, &Limits::default()).unwrap_or_else(|e| panic!("{name}: {e}"))
}

#[test]
fn every_image_is_within_16_bits_of_the_published_hashes() {
    let Some(dir) = pdq_dir() else { return };
    let expected = expected(&dir);
    assert!(
        expected.len() >= 40,
        "the corpus lists {} files",
        expected.len()
    );
    let mut failures = Vec::new();
    let mut worst = 0;
    for (name, e) in &expected {
        if name == SIXTEEN_BIT_GREY {
            continue;
        }
        let fp = fingerprint(&dir, name);
        // Files re-saved in other Pillow modes have no upstream hash; the labelled cross-check
        // (which equals upstream's wherever both exist) stands in.
        let references: Vec<(String, PdqHash)> = if e.published.is_empty() {
            vec![("crosscheck_pdqhash_pillow".to_string(), e.crosscheck)]
        } else {
            e.published.clone()
        };
        let distances: Vec<u32> = references
            .iter()
            .map(|(_, h)| h.distance(&fp.stored.hash))
            .collect();
        eprintln!(
            "{name:48} quality {:3} (reference {:3}) distances {distances:?}",
            fp.stored.quality, e.crosscheck_quality
        );
        for ((label, _), d) in references.iter().zip(&distances) {
            worst = worst.max(*d);
            if *d > REFERENCE_TOLERANCE {
                failures.push(format!("{name}: {d} bits from {label}"));
            }
        }
        // Agreement on the one decision quality drives: trust the hash or not.
        if (fp.stored.quality < MIN_TRUSTED_QUALITY) != (e.crosscheck_quality < MIN_TRUSTED_QUALITY)
        {
            failures.push(format!(
                "{name}: quality {} but reference {}",
                fp.stored.quality, e.crosscheck_quality
            ));
        }
    }
    eprintln!("largest distance to a reference hash: {worst} bits");
    assert!(failures.is_empty(), "{failures:#?}");
}

#[test]
fn sixteen_bit_grey_differs_only_by_the_reference_pipelines_clipping() {
    let Some(dir) = pdq_dir() else { return };
    let e = &expected(&dir)[SIXTEEN_BIT_GREY];
    let bytes = std::fs::read(dir.join(SIXTEEN_BIT_GREY)).expect("corpus file");
    let grey = image::load_from_memory(&bytes)
        .expect("decodes")
        .into_luma16();
    assert!(
        grey.pixels().any(|p| p.0[0] > 255),
        "the file uses more than 8 bits"
    );
    // Saturate at 255 as the reference pipeline does, then hash: this must match the published
    // hash, which shows our PDQ agrees and only the 16-to-8-bit conversion differs.
    let clipped = image::RgbImage::from_fn(grey.width(), grey.height(), |x, y| {
        let v = grey.get_pixel(x, y).0[0].min(255) as u8;
        image::Rgb([v, v, v])
    });
    let emulated = pdq_hash(&clipped);
    for (label, h) in &e.published {
        let d = h.distance(&emulated.hash);
        assert!(d <= REFERENCE_TOLERANCE, "{d} bits from {label}");
    }
    assert!(emulated.quality.abs_diff(e.crosscheck_quality) <= 10);
    // ShareSafe scales 16-bit samples to 8 bits (v / 257), so it hashes the visible picture.
    let ours = fingerprint(&dir, SIXTEEN_BIT_GREY);
    assert!(ours.stored.quality >= MIN_TRUSTED_QUALITY);
}

/// The dihedral test images and the transform that turns the original into each.
const DIHEDRAL_FILES: [(&str, Dihedral); 8] = [
    ("dih/bridge-1-original.jpg", Dihedral::Original),
    ("dih/bridge-2-rotate-90.jpg", Dihedral::Rotate90),
    ("dih/bridge-3-rotate-180.jpg", Dihedral::Rotate180),
    ("dih/bridge-4-rotate-270.jpg", Dihedral::Rotate270),
    ("dih/bridge-5-flipx.jpg", Dihedral::FlipX),
    ("dih/bridge-6-flipy.jpg", Dihedral::FlipY),
    ("dih/bridge-7-flip-plus-1.jpg", Dihedral::FlipPlus1),
    ("dih/bridge-8-flip-minus-1.jpg", Dihedral::FlipMinus1),
];

#[test]
fn dihedral_images_map_onto_each_others_variants() {
    let Some(dir) = pdq_dir() else { return };
    let original = fingerprint(&dir, DIHEDRAL_FILES[0].0);
    for (name, transform) in DIHEDRAL_FILES {
        let fp = fingerprint(&dir, name);
        // The transformed file is found among the original's 8 derived hashes, as the right one.
        let (distance, which) = original.dihedral.closest(&fp.stored.hash);
        eprintln!("{name:32} closest to original's {which:?} at {distance} bits");
        assert_eq!(which, transform, "{name}");
        assert!(distance <= REFERENCE_TOLERANCE, "{name}: {distance} bits");
        // And the other way round: some variant of the transformed file is the original.
        let (back, _) = fp.dihedral.closest(&original.stored.hash);
        assert!(back <= REFERENCE_TOLERANCE, "{name}: {back} bits back");
        // Without the variants they are different pictures to PDQ.
        if transform != Dihedral::Original {
            assert!(original.stored.hash.distance(&fp.stored.hash) > MATCH_THRESHOLD);
        }
    }
}

#[test]
fn bridge_mods_near_duplicates_stay_within_match_threshold() {
    let Some(dir) = pdq_dir() else { return };
    let original = fingerprint(&dir, "dih/bridge-1-original.jpg");
    let mods = common::files_under(&dir.join("bridge-mods"), &["jpg"]);
    assert!(mods.len() >= 11, "found {} bridge-mods", mods.len());
    for path in mods {
        let bytes = std::fs::read(&path).expect("corpus file");
        let fp = fingerprint_photo(&bytes, &Limits::default()).expect("fingerprints");
        let d = original.stored.hash.distance(&fp.stored.hash);
        eprintln!("{:32} {d} bits from the original", path.display());
        assert!(d <= MATCH_THRESHOLD, "{}: {d} bits", path.display());
    }
    // An unrelated photo stays far away.
    let other = fingerprint(&dir, "labelme/q0291.jpg");
    assert!(original.stored.hash.distance(&other.stored.hash) > 2 * MATCH_THRESHOLD);
}

#[test]
fn low_quality_images_report_low_quality() {
    let Some(dir) = pdq_dir() else { return };
    for name in ["labelme/q0003.jpg", "labelme/q0004.jpg", "misc/small.jpg"] {
        let fp = fingerprint(&dir, name);
        assert!(
            fp.stored.quality < MIN_TRUSTED_QUALITY,
            "{name}: {}",
            fp.stored.quality
        );
        assert!(fp.is_low_quality());
    }
    for name in [
        "labelme/q0122.jpg",
        "dih/bridge-1-original.jpg",
        "pen-and-coaster.png",
    ] {
        let fp = fingerprint(&dir, name);
        assert!(!fp.is_low_quality(), "{name}: {}", fp.stored.quality);
    }
}

#[test]
fn oriented_hash_is_the_hash_of_the_upright_photo() {
    let Some(dir) = pdq_dir() else { return };
    let bytes = std::fs::read(dir.join("exif-rotn/exif-rotn-6.jpg")).expect("corpus file");
    let fp = fingerprint_photo(&bytes, &Limits::default()).expect("fingerprints");
    assert_eq!(fp.orientation, 6);
    assert_eq!((fp.width, fp.height), (4032, 3024));
    assert_ne!(fp.oriented.hash, fp.stored.hash);
    // Decode with the orientation applied to the pixels and hash that directly.
    let upright = decode_for_analysis(
        &bytes,
        &AnalysisRequest {
            min_short_side: sharesafe_core::fingerprint::PDQ_DECODE_SHORT_SIDE,
            apply_orientation: true,
        },
        &Limits::default(),
    )
    .expect("decodes");
    assert!(upright.orientation_applied);
    assert!(upright.image.height() > upright.image.width(), "portrait");
    let direct = pdq_hash(&upright.image).hash;
    let d = direct.distance(&fp.oriented.hash);
    assert!(d <= REFERENCE_TOLERANCE, "{d} bits");
    assert!(direct.distance(&fp.stored.hash) > MATCH_THRESHOLD);

    // An upright photo's two hashes are the same.
    let fp1 = fingerprint(&dir, "exif-rotn/exif-rotn-1.jpg");
    assert_eq!(fp1.orientation, 1);
    assert_eq!(fp1.oriented, fp1.stored);
}

#[test]
fn damaged_files_give_typed_errors_not_panics() {
    let Some(corpus) = common::corpus_dir() else {
        return;
    };
    let files = common::files_under(&corpus.join("malformed"), &[]);
    assert!(!files.is_empty());
    let limits = Limits::default();
    let mut errors = 0;
    for path in &files {
        let bytes = std::fs::read(path).expect("corpus file");
        match fingerprint_photo(&bytes, &limits) {
            Ok(fp) => assert!(fp.stored.quality <= 100),
            Err(e) => {
                errors += 1;
                assert!(
                    e.is_input_fault(),
                    "{}: not an input fault: {e}",
                    path.display()
                );
            }
        }
    }
    assert!(errors > 0, "some malformed files must be refused");
}

#[test]
fn fingerprints_serialise_for_the_cli() {
    let Some(dir) = pdq_dir() else { return };
    let fp = fingerprint(&dir, "misc/wee.jpg");
    let json = serde_json::to_value(&fp).expect("serialises");
    assert_eq!(json["stored"]["hash"], fp.stored.hash.to_hex());
    assert_eq!(json["stored"]["quality"], u64::from(fp.stored.quality));
    assert_eq!(json["format"], "jpeg");
    assert!(json.get("dihedral").is_none());
}

/// For large JPEGs the fingerprint reads luminance straight from the DC-only decoder (the Y
/// plane, no RGB). That must hash like the RGB route it replaced: the differences are only the
/// RGB decode's rounding and clamping.
#[test]
fn luma_route_hashes_like_the_rgb_route_on_camera_jpegs() {
    let Some(corpus) = common::corpus_dir() else {
        return;
    };
    let limits = Limits::default();
    let mut compared = 0;
    let mut worst = 0;
    for path in common::files_under(&corpus, &["jpg", "jpeg"]) {
        let Ok(bytes) = std::fs::read(&path) else {
            continue;
        };
        let Ok(fp) = fingerprint_photo(&bytes, &limits) else {
            continue;
        };
        // Only photos reduced by 8 or more take the DC-only route.
        if fp.width.min(fp.height) < 8 * sharesafe_core::fingerprint::PDQ_DECODE_SHORT_SIDE {
            continue;
        }
        let request = AnalysisRequest {
            min_short_side: sharesafe_core::fingerprint::PDQ_DECODE_SHORT_SIDE,
            apply_orientation: false,
        };
        let rgb = decode_for_analysis(&bytes, &request, &limits).expect("decodes as RGB too");
        let d = fp.stored.hash.distance(&pdq_hash(&rgb.image).hash);
        println!("{}: {d} bits", path.display());
        worst = worst.max(d);
        compared += 1;
    }
    println!("{compared} camera JPEGs compared; the routes differ by at most {worst} bits");
    assert!(
        compared >= 5,
        "too few large JPEGs in the corpus: {compared}"
    );
    // Measured: 0 bits on all 6 (stop 20). Meta's implementations differ by up to ~12 bits
    // among themselves; a few bits here would still be one photo.
    assert!(worst <= 4, "the luma route moved a hash by {worst} bits");
}
