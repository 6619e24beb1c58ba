//! Proof that nothing leaks: photos written by this test with a unique canary in every metadata
//! slot (see `canary/mod.rs`) are cleaned, and no canary — in UTF-8, UTF-16 either way or hex —
//! may be found in the output: not in its raw bytes, not in any zlib stream inflated from it,
//! not in the JPEG ICC profile reassembled from its chunks. The photo must still be the same
//! picture (pixels equal), keep its colour profile and its orientation.

mod canary;

use canary::{CanaryFile, Group};
use sharesafe_core::{clean_bytes, clean_file, CleanOptions, Format};

fn clean(file: &CanaryFile) -> Vec<u8> {
    match clean_bytes(&file.bytes, &CleanOptions::default()) {
        Ok(c) => c.bytes,
        Err(e) => panic!("{}: the canary photo was refused: {e}", file.name),
    }
}

fn pixels(bytes: &[u8]) -> image::RgbImage {
    image::load_from_memory(bytes)
        .expect("the photo decodes")
        .to_rgb8()
}

/// The test is only as good as its planting: every canary must be findable in the input.
#[test]
fn every_planted_canary_is_findable_in_the_input() {
    let mut slots = 0;
    for file in canary::all() {
        let views = canary::views(&file.bytes);
        for c in &file.canaries {
            let found = canary::encodings(c)
                .iter()
                .any(|(_, needle)| views.iter().any(|(_, hay)| canary::contains(hay, needle)));
            assert!(found, "{}: canary {} was not planted", file.name, c.slot);
            slots += 1;
        }
        // The photo is a real picture before any cleaning (HEIC and video: no decoder here).
        if !file.name.ends_with(".heic") && !file.name.ends_with(".mov") {
            assert_eq!(pixels(&file.bytes).dimensions(), (24, 16), "{}", file.name);
        }
    }
    assert!(slots >= 140, "only {slots} canaries planted");
}

fn assert_no_metadata_leak(file: CanaryFile, format: Format, orientation: Option<u16>) {
    assert_no_leak_in(file, format, orientation, true)
}

fn assert_no_leak_in(file: CanaryFile, format: Format, orientation: Option<u16>, decodes: bool) {
    let out = clean(&file);
    let leaks = canary::leaks(&out, &file.canaries, Some(Group::Metadata));
    assert!(
        leaks.is_empty(),
        "{}: canaries survived the clean:\n  {}",
        file.name,
        leaks.join("\n  ")
    );
    if decodes {
        assert_eq!(
            pixels(&out),
            pixels(&file.bytes),
            "{}: pixels changed",
            file.name
        );
    }
    let report = clean_bytes(&file.bytes, &CleanOptions::default()).expect("cleans");
    assert_eq!(report.report.format, format);
    assert_eq!(
        report.report.orientation, orientation,
        "{}: orientation",
        file.name
    );
}

#[test]
fn jpeg_metadata_canaries_do_not_survive() {
    assert_no_metadata_leak(canary::jpeg(), Format::Jpeg, Some(6));
}

#[test]
fn png_metadata_canaries_do_not_survive() {
    assert_no_metadata_leak(canary::png(), Format::Png, Some(6));
}

#[test]
fn webp_metadata_canaries_do_not_survive() {
    assert_no_metadata_leak(canary::webp(), Format::Webp, Some(6));
}

#[test]
fn animated_webp_metadata_canaries_do_not_survive() {
    assert_no_metadata_leak(canary::webp_animated(), Format::Webp, Some(6));
}

#[test]
fn gif_metadata_canaries_do_not_survive() {
    assert_no_metadata_leak(canary::gif(), Format::Gif, None);
}

/// HEIC items (Exif, XMP, thumbnail), the item name, the `udes` description property, a
/// top-level `uuid`, the motion-photo `mpvd` box and a trailer.
#[test]
fn heic_metadata_canaries_do_not_survive() {
    assert_no_leak_in(canary::heic(), Format::Heif, None, false);
}

/// MP4/MOV `udta` (GPS, make, model, software, title, XMP), `meta` keys/ilst, the track's own
/// `udta`, a face-detection timed-metadata track and its sample, capture times, `uuid` XMP, a
/// `free` box with old data, a trailer.
#[test]
fn movie_metadata_canaries_do_not_survive() {
    assert_no_leak_in(canary::mp4(), Format::Mov, None, false);
}

/// Data after a movie's last box that is not itself a box (a vendor trailer, junk) never reaches
/// the output: it is dropped (the movie's samples all lie before it), as HEIF drops it.
#[test]
fn movie_trailer_is_dropped() {
    let mut file = canary::mp4();
    let mut trailer = b"SEFH".to_vec();
    trailer.extend_from_slice(format!("{}-99-movie-trailer", canary::MARKER).as_bytes());
    file.bytes.extend_from_slice(&trailer);
    let c = clean_bytes(&file.bytes, &CleanOptions::default())
        .unwrap_or_else(|e| panic!("a movie with a vendor trailer was refused: {e:?}"));
    assert!(
        !canary::contains(&c.bytes, canary::MARKER.as_bytes()),
        "the trailer survived"
    );
    assert!(
        c.report
            .parts
            .iter()
            .any(|p| p.part == sharesafe_core::Part::Trailer
                && p.action == sharesafe_core::Action::Removed
                && p.length == trailer.len() as u64),
        "the dropped trailer is not reported"
    );
}

/// The colour profile is kept (colours must look the same), but its text tags are what a person
/// named their display, their company or themselves: description, copyright, device
/// manufacturer and model, and the PNG iCCP profile name. None of them may survive, and the
/// profile itself must.
fn assert_icc_text_blanked(files: &[CanaryFile]) {
    let mut failures = Vec::new();
    for file in files {
        let out = clean(file);
        let leaks = canary::leaks(&out, &file.canaries, Some(Group::Icc));
        if !leaks.is_empty() {
            failures.push(format!("{}: {}", file.name, leaks.join("; ")));
        }
        let has_profile = match file.name {
            "canary.jpg" => !canary::jpeg_icc(&out).is_empty(),
            "canary.png" => canary::contains(&out, b"iCCP"),
            "canary.heic" => canary::contains(&out, b"colrprof"),
            _ => canary::contains(&out, b"ICCP"),
        };
        assert!(has_profile, "{}: the colour profile was dropped", file.name);
    }
    assert!(
        failures.is_empty(),
        "ICC text survived the clean:\n  {}",
        failures.join("\n  ")
    );
}

#[test]
fn icc_profile_texts_do_not_survive() {
    assert_icc_text_blanked(&[canary::jpeg(), canary::png(), canary::webp()]);
}

#[test]
fn heic_icc_profile_texts_do_not_survive() {
    assert_icc_text_blanked(&[canary::heic()]);
}

/// The file entry point (what the apps and the CLI use) writes the same verified bytes.
#[test]
fn clean_file_writes_what_clean_bytes_returns() {
    let dir = std::path::Path::new(env!("CARGO_TARGET_TMPDIR")).join("leak-clean-file");
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).expect("mkdir");
    for file in canary::all() {
        let input = dir.join(file.name);
        std::fs::write(&input, &file.bytes).expect("write");
        let output = dir.join(format!("clean-{}", file.name));
        clean_file(&input, &output, &CleanOptions::default()).expect("cleans");
        assert_eq!(
            std::fs::read(&output).expect("read"),
            clean(&file),
            "{}",
            file.name
        );
        assert_eq!(
            std::fs::read(&input).expect("read"),
            file.bytes,
            "original touched"
        );
    }
    std::fs::remove_dir_all(&dir).ok();
}
