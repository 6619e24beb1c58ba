//! Behaviour of the privacy report over real files in `../shared/corpus` and over files these
//! tests write themselves: GPS matches exiftool's numbers, people and places are named, an FBMD
//! code is a tracking ID, a thumbnail that shows another picture is flagged, motion photos and
//! trailers are hidden content, damaged files never panic, and a cleaned file reports nothing.

mod common;

use std::collections::BTreeMap;
use std::io::Cursor;
use std::path::Path;
use std::process::Command;

use sharesafe_core::{
    clean_bytes, inspect_bytes, CleanOptions, FindingId, FindingKind, InspectOptions,
    PrivacyReport, Severity,
};

/// Corpus files the cleaner refuses (see clean_corpus.rs): inspection refuses them the same way.
const REFUSED: &[&str] = &[
    "png/nom-exif/exif.png",
    "png/nom-exif/exif-both.png",
    "png/nom-exif/exif-legacy.png",
    "png/nom-exif/exif-legacy-app1.png",
];

fn report(bytes: &[u8]) -> PrivacyReport {
    inspect_bytes(bytes, &InspectOptions::default()).expect("inspects")
}

fn values(r: &PrivacyReport, id: FindingId) -> Vec<String> {
    r.with_id(id).map(|f| f.value.reveal().to_owned()).collect()
}

fn exiftool_available() -> bool {
    let ok = Command::new("exiftool")
        .arg("-ver")
        .output()
        .map(|o| o.status.success())
        .unwrap_or(false);
    if !ok {
        if std::env::var("CI").map(|v| v == "true").unwrap_or(false) {
            panic!("exiftool is missing; CI must install libimage-exiftool-perl");
        }
        eprintln!("SKIPPED: exiftool not installed");
    }
    ok
}

/// A small real JPEG made by the `image` crate, with `segment` (marker + payload) after SOI.
fn jpeg_with_segments(img: &image::RgbImage, segments: &[(u8, Vec<u8>)]) -> Vec<u8> {
    let mut base = Vec::new();
    image::codecs::jpeg::JpegEncoder::new_with_quality(&mut base, 90)
        .encode_image(img)
        .expect("encodes");
    let mut out = base[..2].to_vec();
    for (marker, payload) in segments {
        let len = u16::try_from(payload.len() + 2).expect("segment fits");
        out.extend_from_slice(&[0xFF, *marker]);
        out.extend_from_slice(&len.to_be_bytes());
        out.extend_from_slice(payload);
    }
    out.extend_from_slice(&base[2..]);
    out
}

fn scene(w: u32, h: u32, seed: u32) -> image::RgbImage {
    image::RgbImage::from_fn(w, h, |x, y| {
        let blocks = (x * 5 / w + y * 3 / h + seed) % 2;
        let ramp = if seed % 2 == 0 {
            x * 200 / w
        } else {
            200 - y * 200 / h
        };
        let v = (ramp + blocks * 55) as u8;
        image::Rgb([v, v / 2 + 40, 255 - v])
    })
}

#[test]
fn gps_files_report_exiftools_coordinates() {
    let Some(dir) = common::corpus_dir() else {
        return;
    };
    if !exiftool_available() {
        return;
    }
    let mut files = Vec::new();
    for sub in ["jpeg", "png", "webp", "heic", "video", "gif"] {
        files.extend(common::files_under(&dir.join(sub), &[]));
    }
    let out = Command::new("exiftool")
        .args([
            "-n",
            "-j",
            "-q",
            "-q",
            "-Composite:GPSLatitude",
            "-Composite:GPSLongitude",
        ])
        .args(&files)
        .output()
        .expect("runs exiftool");
    let rows: Vec<serde_json::Value> = serde_json::from_slice(&out.stdout).expect("exiftool JSON");
    let mut checked = 0;
    for row in rows {
        let (Some(lat), Some(lon), Some(src)) = (
            row["GPSLatitude"].as_f64(),
            row["GPSLongitude"].as_f64(),
            row["SourceFile"].as_str(),
        ) else {
            continue;
        };
        let path = Path::new(src);
        let name = path
            .strip_prefix(&dir)
            .unwrap_or(path)
            .display()
            .to_string();
        let bytes = std::fs::read(path).expect("reads");
        let r = match inspect_bytes(&bytes, &InspectOptions::default()) {
            Ok(r) => r,
            Err(e) => {
                assert!(REFUSED.contains(&name.as_str()), "{name}: {e}");
                continue;
            }
        };
        if lat == 0.0 && lon == 0.0 {
            assert!(
                r.has(FindingId::GpsZeroed),
                "{name}: zeroed GPS not reported"
            );
            assert!(r.signal_ids().contains(&"gps_zeroed"), "{name}");
        } else {
            let found = r.with_id(FindingId::GpsPosition).any(|f| {
                f.coordinates.is_some_and(|c| {
                    (c.latitude - lat).abs() < 1e-6 && (c.longitude - lon).abs() < 1e-6
                })
            });
            assert!(found, "{name}: exiftool's position not among the report's");
            let f = r.with_id(FindingId::GpsPosition).next().expect("position");
            assert_eq!(f.severity, Severity::High);
            assert_eq!(f.kind, FindingKind::Location);
            assert!(f.removed_by_clean);
            assert!(f
                .coordinates
                .expect("coords")
                .map_link()
                .starts_with("https://www.openstreetmap.org/?mlat="));
        }
        checked += 1;
    }
    assert!(checked >= 20, "only {checked} GPS files checked");
}

#[test]
fn mwg_jpg_reports_its_people_places_and_text() {
    let Some(dir) = common::corpus_dir() else {
        return;
    };
    let r = report(&std::fs::read(dir.join("jpeg/exiftool/MWG.jpg")).expect("reads"));
    let authors = values(&r, FindingId::AuthorCopyright);
    assert!(
        authors.iter().any(|v| v.contains("RIGHT1of2-EXIF-Creator")),
        "{authors:?}"
    );
    assert!(authors.iter().any(|v| v.contains("WRONG1of2-IPTC-Creator")));
    assert!(authors.iter().any(|v| v.contains("WRONG1of2-XMP-Creator")));
    assert!(authors.iter().any(|v| v == "RIGHT-XMP-Copyright"));
    let places = values(&r, FindingId::PlaceName);
    for p in [
        "RIGHT-XMP-City",
        "RIGHT-IPTC-Location",
        "RIGHT-IPTC-State",
        "RIGHT-IPTC-Country",
    ] {
        assert!(places.iter().any(|v| v == p), "{p} missing from {places:?}");
    }
    assert!(values(&r, FindingId::Keywords).contains(&"RIGHT1of2-XMP-Keywords".to_owned()));
    assert!(values(&r, FindingId::Description).contains(&"RIGHT-EXIF-Description".to_owned()));
    assert!(values(&r, FindingId::CaptureTime)
        .iter()
        .any(|v| v.starts_with("2001:01:01")));
    // MWG.jpg has no region or person tags (exiftool lists none): none may be invented.
    assert!(!r.has(FindingId::PersonName) && !r.has(FindingId::FaceRegions));
    // Most severe first.
    assert!(r
        .findings
        .windows(2)
        .all(|w| w[0].severity <= w[1].severity));
}

#[test]
fn extended_xmp_chunks_out_of_order_and_utf16_xmp_are_read() {
    let Some(dir) = common::corpus_dir() else {
        return;
    };
    // ExtendedXMP.jpg stores its second chunk first; the author is only in the joined packet.
    let bytes = std::fs::read(dir.join("jpeg/exiftool/ExtendedXMP.jpg")).expect("reads");
    // Regression (stop 18): the structure named both Extended XMP chunks "XMP", because only the
    // first 14 bytes of an APP1 identifier were read.
    let structure = sharesafe_core::inspect_structure(Cursor::new(&bytes), &Default::default())
        .expect("inspects");
    let labels: Vec<_> = structure.parts.iter().map(|p| p.label).collect();
    assert_eq!(
        labels.iter().filter(|l| **l == "Extended XMP").count(),
        2,
        "{labels:?}"
    );
    assert_eq!(
        labels.iter().filter(|l| **l == "XMP").count(),
        1,
        "{labels:?}"
    );
    let r = report(&bytes);
    let a = r
        .with_id(FindingId::AuthorCopyright)
        .find(|f| f.value.reveal() == "PhilToo");
    assert_eq!(a.expect("author").found_in[0].field, "XMP pdf:Author");
    assert!(values(&r, FindingId::Title).contains(&"PDF Title".to_owned()));
    assert!(!r.has(FindingId::UnreadableMetadata));
    // XMP.jpg's packet is UTF-16.
    let r = report(&std::fs::read(dir.join("jpeg/exiftool/XMP.jpg")).expect("reads"));
    assert!(r
        .with_id(FindingId::Keywords)
        .any(|f| f.found_in.iter().any(|w| w.label == "XMP")));
}

#[test]
fn written_face_regions_and_people_are_named_and_counted() {
    let xmp = r#"<x:xmpmeta xmlns:x="adobe:ns:meta/"><rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#">
 <rdf:Description rdf:about="" xmlns:mwg-rs="http://www.metadataworkinggroup.com/schemas/regions/"
   xmlns:stArea="http://ns.adobe.com/xmp/sType/Area#" xmlns:Iptc4xmpExt="http://iptc.org/std/Iptc4xmpExt/2008-02-29/"
   xmlns:MP="http://ns.microsoft.com/photo/1.2/" xmlns:MPRI="http://ns.microsoft.com/photo/1.2/t/RegionInfo#"
   xmlns:MPReg="http://ns.microsoft.com/photo/1.2/t/Region#">
  <mwg-rs:Regions rdf:parseType="Resource"><mwg-rs:RegionList><rdf:Bag>
   <rdf:li><rdf:Description mwg-rs:Name="Emma Example" mwg-rs:Type="Face"><mwg-rs:Area stArea:x="0.3" stArea:y="0.4" stArea:w="0.1" stArea:h="0.1"/></rdf:Description></rdf:li>
   <rdf:li rdf:parseType="Resource"><mwg-rs:Name>Liam Example</mwg-rs:Name><mwg-rs:Type>Face</mwg-rs:Type></rdf:li>
  </rdf:Bag></mwg-rs:RegionList></mwg-rs:Regions>
  <Iptc4xmpExt:PersonInImage><rdf:Bag><rdf:li>Noah Example</rdf:li></rdf:Bag></Iptc4xmpExt:PersonInImage>
  <MP:RegionInfo rdf:parseType="Resource"><MPRI:Regions><rdf:Bag><rdf:li MPReg:PersonDisplayName="Olivia Example" MPReg:Rectangle="0.1, 0.1, 0.2, 0.2"/></rdf:Bag></MPRI:Regions></MP:RegionInfo>
 </rdf:Description></rdf:RDF></x:xmpmeta>"#;
    let mut app1 = b"http://ns.adobe.com/xap/1.0/\0".to_vec();
    app1.extend_from_slice(xmp.as_bytes());
    let r = report(&jpeg_with_segments(&scene(64, 48, 0), &[(0xE1, app1)]));
    let names = values(&r, FindingId::PersonName);
    for n in [
        "Emma Example",
        "Liam Example",
        "Noah Example",
        "Olivia Example",
    ] {
        assert!(names.iter().any(|v| v == n), "{n} missing from {names:?}");
    }
    assert_eq!(
        values(&r, FindingId::FaceRegions),
        vec!["2 tagged regions".to_owned()]
    );
    let ids = r.signal_ids();
    assert!(
        ids.contains(&"people_named") && ids.contains(&"faces"),
        "{ids:?}"
    );
    // Names are for the user's eyes: never in Debug output.
    assert!(!format!("{r:?}").contains("Example"));
}

fn iim(record: u8, dataset: u8, value: &[u8]) -> Vec<u8> {
    let mut v = vec![0x1C, record, dataset];
    v.extend_from_slice(&u16::try_from(value.len()).expect("short").to_be_bytes());
    v.extend_from_slice(value);
    v
}

#[test]
fn written_fbmd_code_in_iptc_is_a_tracking_id_and_cleaning_removes_it() {
    let code = b"FBMD01000a8b0300002a0f00008a1d0000d31e0000f91f0000";
    let mut data = iim(1, 90, b"\x1b%G");
    data.extend(iim(2, 40, code));
    data.extend(iim(2, 90, "Zürich".as_bytes()));
    let mut app13 = b"Photoshop 3.0\08BIM\x04\x04\0\0".to_vec();
    app13.extend_from_slice(&u32::try_from(data.len()).expect("short").to_be_bytes());
    app13.extend_from_slice(&data);
    if data.len() % 2 == 1 {
        app13.push(0);
    }
    let file = jpeg_with_segments(&scene(64, 48, 1), &[(0xED, app13)]);
    let r = report(&file);
    let fbmd: Vec<_> = r.with_id(FindingId::FacebookFbmd).collect();
    assert_eq!(fbmd.len(), 1);
    let f = fbmd[0];
    assert_eq!(f.value.reveal().as_bytes(), code);
    assert_eq!(f.kind, FindingKind::TrackingId);
    assert_eq!(f.severity, Severity::High);
    assert!(f.removed_by_clean);
    assert_eq!(f.found_in[0].label, "Photoshop/IPTC");
    assert_eq!(f.found_in[0].field, "IPTC 2:40 SpecialInstructions");
    assert_eq!(values(&r, FindingId::PlaceName), vec!["Zürich".to_owned()]);
    assert!(r.signal_ids().contains(&"fbmd"));
    let cleaned = clean_bytes(&file, &CleanOptions::default()).expect("cleans");
    assert!(report(&cleaned.bytes).findings.is_empty());
}

fn exif_with_thumbnail(thumb: &[u8]) -> Vec<u8> {
    let make = exif::Field {
        tag: exif::Tag::Make,
        ifd_num: exif::In::PRIMARY,
        value: exif::Value::Ascii(vec![b"TestCam".to_vec()]),
    };
    let mut w = exif::experimental::Writer::new();
    w.push_field(&make);
    w.set_jpeg(thumb, exif::In::THUMBNAIL);
    let mut tiff = Cursor::new(Vec::new());
    w.write(&mut tiff, false).expect("writes EXIF");
    let mut app1 = b"Exif\0\0".to_vec();
    app1.extend(tiff.into_inner());
    app1
}

fn encode(img: &image::RgbImage) -> Vec<u8> {
    let mut v = Vec::new();
    image::codecs::jpeg::JpegEncoder::new_with_quality(&mut v, 85)
        .encode_image(img)
        .expect("encodes");
    v
}

#[test]
fn thumbnail_of_a_different_picture_is_flagged_and_a_true_one_is_not() {
    let main = scene(640, 480, 0);
    // The preview of another scene: what an uncropped original hiding in an edit looks like.
    let other = encode(&image::imageops::resize(
        &scene(640, 640, 1),
        160,
        160,
        image::imageops::FilterType::Triangle,
    ));
    let lying = jpeg_with_segments(&main, &[(0xE1, exif_with_thumbnail(&other))]);
    let r = report(&lying);
    assert!(r.has(FindingId::Thumbnail));
    let d = r
        .with_id(FindingId::ThumbnailDiffers)
        .next()
        .expect("flagged");
    assert_eq!(d.severity, Severity::High);
    assert_eq!(r.findings[0].severity, Severity::High);
    assert!(r.signal_ids().contains(&"thumbnail"));
    let no_compare = InspectOptions {
        compare_thumbnail: false,
        ..InspectOptions::default()
    };
    let quick = inspect_bytes(&lying, &no_compare).expect("inspects");
    assert!(quick.has(FindingId::Thumbnail) && !quick.has(FindingId::ThumbnailDiffers));

    let same = encode(&image::imageops::resize(
        &main,
        160,
        120,
        image::imageops::FilterType::Triangle,
    ));
    let honest = report(&jpeg_with_segments(
        &main,
        &[(0xE1, exif_with_thumbnail(&same))],
    ));
    assert!(honest.has(FindingId::Thumbnail));
    assert!(!honest.has(FindingId::ThumbnailDiffers));
    assert_eq!(
        values(&honest, FindingId::Device),
        vec!["TestCam".to_owned()]
    );
}

#[test]
fn real_camera_thumbnails_match_their_photos() {
    let Some(dir) = common::corpus_dir() else {
        return;
    };
    for name in [
        "jpeg/mei/Apple_iPhone_4.jpg",
        "jpeg/little_exif/PXL_20241007_142045194.jpg",
        "jpeg/mei/Samsung_SM-G935L_Galaxy_S7_Edge.jpg",
    ] {
        let r = report(&std::fs::read(dir.join(name)).expect("reads"));
        if r.has(FindingId::Thumbnail) {
            assert!(!r.has(FindingId::ThumbnailDiffers), "{name}: false alarm");
        }
    }
}

#[test]
fn motion_photo_and_samsung_trailer_report_hidden_video_and_data() {
    let Some(dir) = common::corpus_dir() else {
        return;
    };
    let pixel = report(
        &std::fs::read(dir.join("jpeg/motion/PXL_20200710_061629144.MP.jpg")).expect("reads"),
    );
    let v = pixel
        .with_id(FindingId::MotionPhotoVideo)
        .next()
        .expect("video");
    assert_eq!(v.severity, Severity::High);
    assert!(v.removed_by_clean);
    assert!(
        v.found_in.iter().any(|w| w.part == "trailing data"),
        "{:?}",
        v.found_in
    );
    assert!(pixel.signal_ids().contains(&"hidden_video"));

    let samsung = report(
        &std::fs::read(dir.join("jpeg/mei/Samsung_SM-G935L_Galaxy_S7_Edge.jpg")).expect("reads"),
    );
    let h = samsung
        .with_id(FindingId::HiddenData)
        .next()
        .expect("trailer");
    assert!(
        h.value.reveal().contains("Image_UTC_Data"),
        "{}",
        h.value.reveal()
    );
    assert_eq!(h.found_in[0].part, "trailing data");
    assert!(samsung.has(FindingId::GpsPosition) && samsung.has(FindingId::Device));
}

#[test]
fn malformed_files_give_a_report_or_a_typed_error_never_a_panic() {
    let Some(dir) = common::corpus_dir() else {
        return;
    };
    let files = common::files_under(&dir.join("malformed"), &[]);
    assert!(files.len() >= 50);
    let mut outcome = BTreeMap::new();
    for path in files {
        let bytes = std::fs::read(&path).expect("reads");
        let name = path.display().to_string();
        let result = std::panic::catch_unwind(|| inspect_bytes(&bytes, &InspectOptions::default()));
        let result = result.unwrap_or_else(|_| panic!("{name}: panicked"));
        match result {
            Ok(r) => {
                serde_json::to_string(&r).expect("serialises");
                *outcome.entry("report").or_insert(0) += 1;
                if r.has(FindingId::UnreadableMetadata) {
                    *outcome.entry("with unreadable finding").or_insert(0) += 1;
                }
            }
            Err(e) => {
                assert!(e.is_input_fault(), "{name}: {e}");
                *outcome.entry("typed error").or_insert(0) += 1;
            }
        }
    }
    eprintln!("malformed: {outcome:?}");
}

#[test]
fn every_corpus_photo_reports_something_and_its_clean_copy_reports_nothing() {
    let Some(dir) = common::corpus_dir() else {
        return;
    };
    let mut with_findings = 0;
    for sub in ["jpeg", "png", "webp", "heic", "video", "gif"] {
        for path in common::files_under(&dir.join(sub), &[]) {
            let bytes = std::fs::read(&path).expect("reads");
            let Ok(r) = inspect_bytes(&bytes, &InspectOptions::default()) else {
                continue;
            };
            serde_json::to_string(&r).expect("serialises");
            if !r.findings.is_empty() {
                with_findings += 1;
            }
            assert!(r.findings.iter().all(|f| f.removed_by_clean));
            let cleaned = clean_bytes(&bytes, &CleanOptions::default()).expect("cleans");
            let again = report(&cleaned.bytes);
            assert!(
                again.findings.is_empty(),
                "{}: clean copy still reports {:?}",
                path.display(),
                again.findings.iter().map(|f| f.id).collect::<Vec<_>>()
            );
        }
    }
    assert!(with_findings >= 50, "{with_findings}");
}

#[test]
fn a_trailer_that_straddles_a_read_buffer_is_still_recognised() {
    // Regression (stop 18): the trailer's head was whatever the 64 KiB read buffer still held,
    // so a video appended just before a buffer boundary was judged from the few bytes left
    // there: labelled "data after end of image", and missing from the report. Every
    // end-of-image position around the boundary is tried.
    let base = jpeg_with_segments(&scene(64, 48, 1), &[]);
    let mut video = b"\0\0\0\x18ftypmp42\0\0\0\0mp42isom".to_vec();
    video.extend_from_slice(&[0u8; 200]);
    for end in (64 * 1024 - 6)..=(64 * 1024 + 2) {
        let pad = end - base.len() - 4; // the COM segment's payload
        let mut jpeg = jpeg_with_segments(&scene(64, 48, 1), &[(0xFE, vec![b'x'; pad])]);
        assert_eq!(jpeg.len(), end);
        jpeg.extend_from_slice(&video);
        let structure = sharesafe_core::inspect_structure(Cursor::new(&jpeg), &Default::default())
            .expect("inspects");
        let trailer = structure
            .parts
            .iter()
            .find(|p| p.kind == sharesafe_core::PartKind::Trailer)
            .expect("trailer found");
        assert_eq!(trailer.length, video.len() as u64, "end {end}");
        assert_eq!(
            trailer.label, "embedded video after end of image",
            "end {end}"
        );
        assert!(
            report(&jpeg).has(FindingId::MotionPhotoVideo),
            "end {end}: the appended video is not reported"
        );
    }
}
