//! Behaviour over every HEIC/AVIF/MOV/MP4/GIF in `../shared/corpus`, judged by outside tools:
//! after a clean, exiftool finds no GPS, device, serial, capture time or XMP; the pictures decode
//! to the same pixels (pillow-heif for HEIC/AVIF, `ffmpeg -f framemd5` for video, the `image` crate
//! for GIF and for the JPEG named `.HEIC`); the damaged files in `malformed/` give typed errors and
//! leave nothing behind.
//!
//! The tools come from `scripts/setup-media-tools.sh`. A missing tool fails the test under
//! `CI=true` and prints SKIPPED elsewhere.

mod common;

use std::path::{Path, PathBuf};
use std::process::Command;

use sharesafe_core::{clean_bytes, clean_file, Action, CleanOptions, Error, Format, PartKind};

const MEDIA_EXTS: &[&str] = &["heic", "heif", "hif", "avif", "mov", "mp4", "m4v", "gif"];

fn in_ci() -> bool {
    std::env::var("CI").map(|v| v == "true").unwrap_or(false)
}

/// True when `program args…` runs; otherwise fails under CI or says SKIPPED.
fn tool(program: &str, args: &[&str], what: &str) -> bool {
    let ok = Command::new(program)
        .args(args)
        .output()
        .map(|o| o.status.success())
        .unwrap_or(false);
    if !ok {
        if in_ci() {
            panic!("{what} is missing under CI: run scripts/setup-media-tools.sh");
        }
        eprintln!("SKIPPED: {what} not installed (scripts/setup-media-tools.sh installs it)");
    }
    ok
}

fn media_files(corpus: &Path) -> Vec<PathBuf> {
    let mut files = Vec::new();
    for dir in ["heic", "video", "gif"] {
        files.extend(common::files_under(&corpus.join(dir), MEDIA_EXTS));
    }
    assert!(
        files.len() >= 25,
        "expected the corpus's media files, found {}",
        files.len()
    );
    files
}

fn scratch(name: &str) -> PathBuf {
    let d = std::env::temp_dir().join(format!("sharesafe-media-{name}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&d);
    std::fs::create_dir_all(&d).expect("create scratch dir");
    d
}

fn rel(corpus: &Path, p: &Path) -> String {
    p.strip_prefix(corpus).unwrap_or(p).display().to_string()
}

/// Cleans every media file once, writing the outputs next to each other in a scratch dir.
fn cleaned_copies(corpus: &Path, name: &str) -> Vec<(PathBuf, PathBuf, Format)> {
    let dir = scratch(name);
    media_files(corpus)
        .into_iter()
        .enumerate()
        .map(|(i, p)| {
            let data = std::fs::read(&p).expect("read corpus file");
            let c = clean_bytes(&data, &CleanOptions::default())
                .unwrap_or_else(|e| panic!("{}: {e}", rel(corpus, &p)));
            let ext = p.extension().and_then(|e| e.to_str()).unwrap_or("bin");
            let out = dir.join(format!("{i:02}.{ext}"));
            std::fs::write(&out, &c.bytes).expect("write cleaned copy");
            (p, out, c.report.format)
        })
        .collect()
}

#[test]
fn every_media_file_cleans_verifies_and_is_stable() {
    let Some(corpus) = common::corpus_dir() else {
        return;
    };
    for p in media_files(&corpus) {
        let name = rel(&corpus, &p);
        let data = std::fs::read(&p).expect("read corpus file");
        let c =
            clean_bytes(&data, &CleanOptions::default()).unwrap_or_else(|e| panic!("{name}: {e}"));
        let ext = name.rsplit('.').next().unwrap_or("").to_ascii_lowercase();
        let expected = match ext.as_str() {
            _ if name.ends_with("IMG_2762.HEIC") => Format::Jpeg, // a JPEG named .HEIC
            "heic" | "heif" | "hif" => Format::Heif,
            "avif" => Format::Avif,
            "gif" => Format::Gif,
            "mov" => Format::Mov,
            _ => Format::Mp4,
        };
        assert_eq!(c.report.format, expected, "{name}");
        // The report covers the input: parts lie inside it and nothing is listed twice.
        for part in &c.report.parts {
            assert!(
                part.offset.saturating_add(part.length) <= data.len() as u64,
                "{name}: {part:?}"
            );
        }
        // Cleaning a clean file changes nothing and removes nothing.
        let again = clean_bytes(&c.bytes, &CleanOptions::default())
            .unwrap_or_else(|e| panic!("{name} (second clean): {e}"));
        assert_eq!(again.bytes, c.bytes, "{name}: second clean differs");
        let removed_again: Vec<_> = again
            .report
            .removed()
            .filter(|p| p.kind != PartKind::Structure)
            .collect();
        assert!(
            removed_again.is_empty(),
            "{name}: second clean removed {removed_again:?}"
        );
    }
}

#[test]
fn metadata_the_issue_names_is_reported_removed() {
    let Some(corpus) = common::corpus_dir() else {
        return;
    };
    let report = |p: &str| {
        let data = std::fs::read(corpus.join(p)).expect("read corpus file");
        clean_bytes(&data, &CleanOptions::default())
            .expect("cleans")
            .report
    };
    let removed_labels = |p: &str| -> Vec<(String, &'static str)> {
        report(p)
            .removed()
            .map(|x| (x.part.to_string(), x.label))
            .collect()
    };
    // HEIC: Exif item, motion video, thumbnails, depth/gain maps.
    let s22 = removed_labels("heic/motion/samsung_s22_motionphoto.heic");
    assert!(s22.iter().any(|(p, _)| p == "mpvd"), "{s22:?}");
    assert!(s22.iter().any(|(p, _)| p == "Exif"), "{s22:?}");
    assert!(s22.iter().any(|(p, _)| p == "mime"), "{s22:?}");
    let pug = report("heic/pillow_heif/pug.heic");
    assert!(
        pug.removed().any(|x| x.kind == PartKind::MultiPicture),
        "depth/gain map kept in pug.heic"
    );
    let arrow = report("heic/pillow_heif/arrow.heic");
    assert!(arrow.removed().any(|x| x.kind == PartKind::Thumbnail));
    // The alpha plane is part of the picture and stays.
    let alpha = report("heic/nokia/alpha.heic");
    assert!(alpha
        .removed()
        .all(|x| x.kind != PartKind::ImageData && x.kind != PartKind::MultiPicture));
    // Video: Keys metadata, udta, header dates.
    let mov = report("video/mei/with-gps.mov");
    assert!(mov.removed().any(|x| x.part.to_string() == "meta"));
    // Its two timed-metadata tracks (detected faces) go, box and samples.
    let timed: Vec<_> = mov
        .removed()
        .filter(|x| x.label.starts_with("timed-metadata"))
        .collect();
    assert_eq!(timed.len(), 4, "{timed:?}");
    assert!(mov
        .parts
        .iter()
        .any(|x| x.part.to_string() == "mvhd" && x.action == Action::Rewritten));
    let mp4 = report("video/mei/with-gps.mp4");
    assert!(mp4.removed().any(|x| x.part.to_string() == "udta"));
    assert_eq!(
        mp4.input_bytes, mp4.output_bytes,
        "movie boxes are blanked in place"
    );
    // GIF: comment and XMP.
    let gif = report("gif/exiftool/GIF.gif");
    let kinds = gif.removed_kinds();
    assert!(
        kinds.contains(&PartKind::Text) && kinds.contains(&PartKind::Xmp),
        "{kinds:?}"
    );
}

/// Tag names (exiftool `-G1` keys, `Group:Name`) that must not survive, with the groups whose
/// tags describe only what is kept on purpose (the file system, the ICC colour profile).
fn leaks(json: &serde_json::Value) -> Vec<String> {
    const FORBIDDEN: &[&str] = &[
        "gps",
        "make",
        "model",
        "serial",
        "software",
        "datetimeoriginal",
        "createdate",
        "creationdate",
        "modifydate",
        "datecreated",
        "contentidentifier",
        "location",
        "lens",
        "artist",
        "author",
        "copyright",
        "comment",
        "title",
        "description",
        "owner",
        "camera",
        "coordinates",
        "iso6709",
        "encoder",
        "hostcomputer",
    ];
    let mut out = Vec::new();
    let Some(obj) = json.as_object() else {
        return out;
    };
    for (key, value) in obj {
        let (group, name) = key.split_once(':').unwrap_or(("", key));
        if matches!(
            group,
            "System" | "File" | "ExifTool" | "Composite" | "SourceFile" | ""
        ) || group.starts_with("ICC")
        {
            continue;
        }
        if group.starts_with("XMP") {
            out.push(key.clone());
            continue;
        }
        let lname = name.to_ascii_lowercase();
        // Handler names ("Core Media Video", "VideoHandler") name the writer's component, not a person.
        if lname == "handlerdescription" {
            continue;
        }
        if FORBIDDEN.iter().any(|f| lname.contains(f)) {
            // Dates cleared to zero are not a capture time.
            let zero_date = value.as_str().is_some_and(|s| s.starts_with("0000:00:00"));
            if !zero_date {
                out.push(format!("{key}={value}"));
            }
        }
    }
    out
}

#[test]
fn exiftool_finds_nothing_identifying_after_a_clean() {
    let Some(corpus) = common::corpus_dir() else {
        return;
    };
    if !tool("exiftool", &["-ver"], "exiftool") {
        return;
    }
    let copies = cleaned_copies(&corpus, "exiftool");
    let out = Command::new("exiftool")
        .args(["-j", "-a", "-G1", "-n", "-ee"])
        .args(copies.iter().map(|c| &c.1))
        .output()
        .expect("run exiftool");
    let json: serde_json::Value = serde_json::from_slice(&out.stdout).expect("exiftool JSON");
    let mut failures = Vec::new();
    for (orig, cleaned, _) in &copies {
        let name = cleaned.display().to_string();
        let entry = json
            .as_array()
            .and_then(|a| {
                a.iter()
                    .find(|e| e["SourceFile"].as_str() == Some(name.as_str()))
            })
            .unwrap_or_else(|| panic!("{}: exiftool printed nothing", rel(&corpus, orig)));
        let l = leaks(entry);
        if !l.is_empty() {
            failures.push(format!("{}: {l:?}", rel(&corpus, orig)));
        }
        if let Some(w) = entry.get("ExifTool:Error") {
            failures.push(format!("{}: exiftool error {w}", rel(&corpus, orig)));
        }
    }
    // The check must be able to fail: the originals do leak.
    let orig = Command::new("exiftool")
        .args(["-j", "-a", "-G1", "-n"])
        .arg(corpus.join("video/mei/with-gps.mov"))
        .output()
        .expect("run exiftool");
    let json: serde_json::Value = serde_json::from_slice(&orig.stdout).expect("exiftool JSON");
    assert!(
        !leaks(&json[0]).is_empty(),
        "the leak check finds nothing in an original"
    );
    assert!(
        failures.is_empty(),
        "metadata left after cleaning:\n{}",
        failures.join("\n")
    );
}

#[test]
fn heif_and_avif_pixels_are_identical() {
    let Some(corpus) = common::corpus_dir() else {
        return;
    };
    let script = Path::new(env!("CARGO_MANIFEST_DIR")).join("../scripts/heif_pixels.py");
    if !tool("python3", &["-c", "import pillow_heif"], "pillow-heif") {
        return;
    }
    let pixels = |p: &Path| -> String {
        let out = Command::new("python3")
            .arg(&script)
            .arg(p)
            .output()
            .expect("run heif_pixels.py");
        String::from_utf8_lossy(&out.stdout).into_owned()
    };
    let mut checked = 0;
    for (orig, cleaned, format) in cleaned_copies(&corpus, "heif") {
        if !matches!(format, Format::Heif | Format::Avif) {
            continue;
        }
        let (a, b) = (pixels(&orig), pixels(&cleaned));
        let name = rel(&corpus, &orig);
        assert!(!a.is_empty(), "{name}: pixel helper printed nothing");
        assert_eq!(a, b, "{name}: decoded pictures differ");
        // exiftool's QuickTime.heic holds a 26-byte stand-in for the picture: it does not decode
        // before or after (asserted equal above); every real photo does.
        if !a.contains("UNDECODABLE") {
            checked += 1;
        }
    }
    assert!(checked >= 13, "only {checked} HEIF/AVIF files decoded");
}

#[test]
fn video_frames_are_identical() {
    let Some(corpus) = common::corpus_dir() else {
        return;
    };
    if !tool("ffmpeg", &["-version"], "ffmpeg") {
        return;
    }
    // `0:V` is every real video stream (not iTunes cover art, which is metadata), `0:a` audio.
    let frames = |p: &Path| -> String {
        let out = Command::new("ffmpeg")
            .args(["-v", "error", "-i"])
            .arg(p)
            .args(["-map", "0:V?", "-map", "0:a?", "-f", "framemd5", "-"])
            .output()
            .expect("run ffmpeg");
        String::from_utf8_lossy(&out.stdout).into_owned()
    };
    let mut checked = 0;
    for (orig, cleaned, format) in cleaned_copies(&corpus, "video") {
        if !matches!(format, Format::Mp4 | Format::Mov) {
            continue;
        }
        let (a, b) = (frames(&orig), frames(&cleaned));
        let name = rel(&corpus, &orig);
        assert_eq!(a, b, "{name}: decoded frames differ");
        // exiftool's QuickTime.mov is a metadata sample without decodable media; the rest decode.
        if a.lines().any(|l| !l.starts_with('#')) {
            checked += 1;
        }
    }
    assert!(checked >= 5, "only {checked} videos had frames to compare");
}

/// Every frame of a GIF (or the one picture of a JPEG) as RGBA, with GIF delays.
fn decode_frames(data: &[u8], format: Format) -> Vec<(Vec<u8>, (u32, u32))> {
    use image::AnimationDecoder;
    match format {
        Format::Gif => {
            let dec = image::codecs::gif::GifDecoder::new(std::io::Cursor::new(data))
                .expect("GIF decodes");
            dec.into_frames()
                .map(|f| {
                    let f = f.expect("frame decodes");
                    (f.buffer().as_raw().clone(), f.delay().numer_denom_ms())
                })
                .collect()
        }
        _ => {
            let img = image::load_from_memory(data).expect("image decodes");
            vec![(img.to_rgba8().into_raw(), (0, 1))]
        }
    }
}

#[test]
fn gif_frames_and_the_jpeg_named_heic_are_identical() {
    let Some(corpus) = common::corpus_dir() else {
        return;
    };
    let mut checked = 0;
    for (orig, cleaned, format) in cleaned_copies(&corpus, "gif") {
        if !matches!(format, Format::Gif | Format::Jpeg) {
            continue;
        }
        let a = decode_frames(&std::fs::read(&orig).expect("read"), format);
        let b = decode_frames(&std::fs::read(&cleaned).expect("read"), format);
        let name = rel(&corpus, &orig);
        assert!(!a.is_empty(), "{name}: no frames");
        assert!(a == b, "{name}: decoded frames differ");
        checked += 1;
    }
    assert!(checked >= 5, "only {checked} GIF/JPEG files checked");
}

#[test]
fn malformed_media_gives_typed_errors_and_writes_nothing() {
    let Some(corpus) = common::corpus_dir() else {
        return;
    };
    let files = common::files_under(&corpus.join("malformed"), MEDIA_EXTS);
    assert!(
        files.len() >= 15,
        "expected the malformed HEIC/MP4/MOV/GIF files"
    );
    let dir = scratch("malformed");
    let mut refused = 0;
    for (i, p) in files.iter().enumerate() {
        let out = dir.join(format!("{i}.out"));
        match clean_file(p, &out, &CleanOptions::default()) {
            Ok(_) => {
                // Accepted only if it really was a valid file: the output re-cleans unchanged.
                let bytes = std::fs::read(&out).expect("output exists");
                let again =
                    clean_bytes(&bytes, &CleanOptions::default()).expect("output re-cleans");
                assert_eq!(again.bytes, bytes, "{}", rel(&corpus, p));
            }
            Err(e) => {
                assert!(
                    e.is_input_fault(),
                    "{}: not an input fault: {e}",
                    rel(&corpus, p)
                );
                assert!(
                    !out.exists(),
                    "{}: output written on error",
                    rel(&corpus, p)
                );
                refused += 1;
            }
        }
    }
    assert!(
        refused >= files.len() - 2,
        "only {refused} of {} refused",
        files.len()
    );
    assert_eq!(
        std::fs::read_dir(&dir).expect("ls").count(),
        files.len() - refused,
        "temporary files left"
    );
}

/// Overwrites `at..at + bytes.len()` of a copy of a corpus file.
fn patched(corpus: &Path, p: &str, at: usize, bytes: &[u8]) -> Vec<u8> {
    let mut d = std::fs::read(corpus.join(p)).expect("read corpus file");
    d[at..at + bytes.len()].copy_from_slice(bytes);
    d
}

fn find(data: &[u8], needle: &[u8]) -> usize {
    data.windows(needle.len())
        .position(|w| w == needle)
        .expect("needle present")
}

#[test]
fn crafted_damage_is_refused_with_typed_errors() {
    let Some(corpus) = common::corpus_dir() else {
        return;
    };
    let heic = "heic/kamadak/exif.heic";
    let orig = std::fs::read(corpus.join(heic)).expect("read");
    let iloc = find(&orig, b"iloc") - 4;
    let iref = find(&orig, b"iref") - 4;
    let mdat = find(&orig, b"mdat") - 4;
    let malformed = |d: &[u8], why: &str| match clean_bytes(d, &CleanOptions::default()) {
        Err(
            e @ (Error::Malformed { .. } | Error::LimitExceeded { .. } | Error::Unsupported { .. }),
        ) => {
            assert!(e.is_input_fault());
            e
        }
        other => panic!(
            "{why}: expected a typed input error, got {:?}",
            other.map(|c| c.report.parts.len())
        ),
    };
    // A box size past the end of the file.
    malformed(
        &patched(&corpus, heic, mdat, &0xFFFF_FF00u32.to_be_bytes()),
        "mdat size past the end",
    );
    // meta claims more than the file has.
    malformed(
        &patched(&corpus, heic, 24, &0x7FFF_0000u32.to_be_bytes()),
        "meta size past the end",
    );
    // iloc: first item's first extent offset far outside the file. Layout (version 0, sizes 4/4/0):
    // fullbox 4, sizes 2, count 2, then item: id 2, data ref 2, extent count 2, offset 4, length 4.
    let first_offset = iloc + 8 + 4 + 2 + 2 + 2 + 2 + 2;
    let bad = patched(&corpus, heic, first_offset, &0xFFFF_FFF0u32.to_be_bytes());
    let e = malformed(&bad, "extent outside the file");
    assert!(
        e.to_string().contains("iloc") || e.to_string().contains("HEIF"),
        "{e}"
    );
    // iloc length so large that offset + length overflows the field arithmetic.
    let mut overflow = orig.clone();
    overflow[iloc + 12] = 0x88; // offset_size 8, length_size 8: the table now reads past its box
    malformed(&overflow, "iloc field sizes past its box");
    // A dimg loop: turn the cdsc reference into "item derived from itself" (item 1 -> 1).
    let iref_body = iref + 12;
    let mut looped = orig.clone();
    looped[iref_body + 4..iref_body + 8].copy_from_slice(b"dimg");
    let from = u16::from_be_bytes([looped[iref_body + 8], looped[iref_body + 9]]);
    looped[iref_body + 12..iref_body + 14].copy_from_slice(&from.to_be_bytes());
    malformed(&looped, "loop in iref");
    // Truncations anywhere give a typed error, never a panic.
    for cut in [10, 30, iloc + 10, mdat + 4, orig.len() - 1] {
        malformed(&orig[..cut], "truncated HEIC");
    }
    let mov = std::fs::read(corpus.join("video/mei/with-gps.mov")).expect("read");
    for cut in [9, 25, 433_900, mov.len() - 20] {
        malformed(&mov[..cut], "truncated MOV");
    }
    // A child box larger than its parent.
    let moov = find(&mov, b"moov") - 4;
    let mut big_child = mov.clone();
    big_child[moov + 8..moov + 12].copy_from_slice(&0x0010_0000u32.to_be_bytes()); // mvhd size
    malformed(&big_child, "child past its parent");
}

#[test]
fn mutated_media_never_panics_and_fails_typed() {
    let Some(corpus) = common::corpus_dir() else {
        return;
    };
    let files = [
        "heic/kamadak/exif.heic",
        "heic/exiftool/QuickTime.heic",
        "heic/androidx/avif_with_exif.avif",
        "heic/nokia/alpha.heic",
        "video/mp4san/ffmpeg-smptebars-30f.mp4",
        "video/exiftool/QuickTime.mov",
        "gif/exiftool/GIF.gif",
        "gif/image-rs/interlaced.gif",
    ];
    let mut state = 0x9E37_79B9_7F4A_7C15u64;
    let mut next = move || {
        state ^= state << 13;
        state ^= state >> 7;
        state ^= state << 17;
        state
    };
    let (mut accepted, mut refused) = (0, 0);
    for f in files {
        let orig = std::fs::read(corpus.join(f)).expect("read corpus file");
        // Mutate only the first 4 KiB (headers, box tables): that is where parsers go wrong.
        let span = orig.len().min(4096);
        for round in 0..300 {
            let mut d = orig.clone();
            match round % 4 {
                0 => {
                    let i = (next() as usize) % span;
                    d[i] ^= 1 << (next() % 8);
                }
                1 => {
                    let i = (next() as usize) % span.saturating_sub(4).max(1);
                    let v = [0u32, 1, 7, 8, 0xFFFF_FFFF, 0x8000_0000][(next() % 6) as usize];
                    d[i..i + 4].copy_from_slice(&v.to_be_bytes());
                }
                2 => d.truncate((next() as usize) % orig.len()),
                _ => {
                    for _ in 0..8 {
                        let i = (next() as usize) % span;
                        d[i] = next() as u8;
                    }
                }
            }
            match clean_bytes(&d, &CleanOptions::default()) {
                Ok(c) => {
                    accepted += 1;
                    // Whatever was accepted was verified; cleaning it again is stable.
                    let again = clean_bytes(&c.bytes, &CleanOptions::default())
                        .unwrap_or_else(|e| panic!("{f} round {round}: re-clean failed: {e}"));
                    assert_eq!(again.bytes, c.bytes, "{f} round {round}");
                }
                Err(e) => {
                    assert!(e.is_input_fault(), "{f} round {round}: {e}");
                    refused += 1;
                }
            }
        }
    }
    assert!(
        accepted > 0 && refused > 0,
        "accepted {accepted}, refused {refused}"
    );
}
