//! Behaviour over real files: every JPEG, PNG and WebP in `../shared/corpus` (jpeg/, png/,
//! webp/, pdq/, faces/) cleans to a verified file whose decoded pixels equal the input's, whose
//! colour profile and orientation are the input's, that exiftool finds free of metadata, and that
//! cleaning again leaves byte for byte the same.

mod common;

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};
use std::process::Command;

use sharesafe_core::{clean_bytes, CleanOptions, Error, Format};

/// Corpus files a correct cleaner must refuse, and why. Each is damaged in a way that makes
/// standard decoders (libpng, Pillow) refuse it too, so refusing loses the parent nothing.
const EXPECTED_REFUSALS: &[(&str, &str)] = &[
    ("png/nom-exif/exif.png", "chunk CRC does not match"),
    ("png/nom-exif/exif-both.png", "chunk CRC does not match"),
    ("png/nom-exif/exif-legacy.png", "chunk CRC does not match"),
    (
        "png/nom-exif/exif-legacy-app1.png",
        "chunk CRC does not match",
    ),
];

struct Sample {
    name: String,
    path: PathBuf,
    format: Format,
}

fn samples() -> Vec<Sample> {
    let Some(dir) = common::corpus_dir() else {
        return Vec::new();
    };
    let mut out = Vec::new();
    for sub in ["jpeg", "png", "webp", "pdq", "faces"] {
        for path in common::files_under(&dir.join(sub), &[]) {
            let Ok(bytes) = std::fs::read(&path) else {
                continue;
            };
            let head = &bytes[..bytes.len().min(32)];
            if let Some(format @ (Format::Jpeg | Format::Png | Format::Webp)) =
                sharesafe_core::sniff(head)
            {
                let name = path
                    .strip_prefix(&dir)
                    .unwrap_or(&path)
                    .display()
                    .to_string();
                out.push(Sample { name, path, format });
            }
        }
    }
    assert!(
        out.len() > 100,
        "expected the whole corpus, found {}",
        out.len()
    );
    out
}

fn icc_of(format: Format, bytes: &[u8]) -> Option<Vec<u8>> {
    use img_parts::ImageICC;
    let b = img_parts::Bytes::copy_from_slice(bytes);
    match format {
        Format::Jpeg => img_parts::jpeg::Jpeg::from_bytes(b)
            .ok()?
            .icc_profile()
            .map(|p| p.to_vec()),
        Format::Png => img_parts::png::Png::from_bytes(b)
            .ok()?
            .icc_profile()
            .map(|p| p.to_vec()),
        Format::Webp => img_parts::webp::WebP::from_bytes(b)
            .ok()?
            .icc_profile()
            .map(|p| p.to_vec()),
        _ => None,
    }
}

/// Runs exiftool (the metadata oracle) over `files` in one go; `None` when it is not installed
/// (a failure under CI).
fn exiftool_json(
    args: &[&str],
    files: &[PathBuf],
) -> Option<Vec<serde_json::Map<String, serde_json::Value>>> {
    let out = match Command::new("exiftool").args(args).args(files).output() {
        Ok(o) => o,
        Err(_) if std::env::var("CI").as_deref() == Ok("true") => {
            panic!("exiftool is not installed (apt libimage-exiftool-perl)")
        }
        Err(_) => {
            eprintln!("SKIPPED: exiftool not installed; metadata oracle checks not run");
            return None;
        }
    };
    Some(serde_json::from_slice(&out.stdout).expect("exiftool JSON"))
}

/// The first IFD0 Orientation exiftool reads in each file (1 when absent).
fn orientations(files: &[PathBuf]) -> Option<Vec<u64>> {
    let json = exiftool_json(&["-j", "-n", "-G1", "-IFD0:Orientation", "-q", "-q"], files)?;
    assert_eq!(json.len(), files.len());
    Some(
        json.iter()
            .map(|f| {
                f.get("IFD0:Orientation")
                    .and_then(|v| v.as_u64())
                    .unwrap_or(1)
            })
            .collect(),
    )
}

fn out_dir(name: &str) -> PathBuf {
    let d = Path::new(env!("CARGO_TARGET_TMPDIR")).join(name);
    let _ = std::fs::remove_dir_all(&d);
    std::fs::create_dir_all(&d).expect("create output dir");
    d
}

#[test]
fn every_corpus_image_cleans_verified_and_pixel_identical() {
    let opts = CleanOptions::default();
    let written = out_dir("clean_corpus");
    let mut failures = Vec::new();
    let mut cleaned_count = 0;
    let mut pairs = Vec::new();
    for (i, s) in samples().iter().enumerate() {
        let input = std::fs::read(&s.path).expect("read corpus file");
        let expected_refusal = EXPECTED_REFUSALS.iter().find(|(n, _)| *n == s.name);
        let cleaned = match (clean_bytes(&input, &opts), expected_refusal) {
            (Ok(c), None) => c,
            (Err(Error::Malformed { reason, .. }), Some((_, why))) if reason == *why => continue,
            (Ok(_), Some(_)) => {
                failures.push(format!("{}: cleaned but should be refused", s.name));
                continue;
            }
            (Err(e), _) => {
                failures.push(format!("{}: {e}", s.name));
                continue;
            }
        };
        cleaned_count += 1;
        assert!(
            cleaned.bytes.len() <= input.len() + 64,
            "{}: output grew",
            s.name
        );
        if let Ok(a) = image::load_from_memory(&input) {
            let b = image::load_from_memory(&cleaned.bytes)
                .unwrap_or_else(|e| panic!("{}: output does not decode: {e}", s.name));
            assert_eq!(a.color(), b.color(), "{}", s.name);
            assert!(a.as_bytes() == b.as_bytes(), "{}: pixels differ", s.name);
        }
        // Colour survives: the output's profile is the input's with only its text blanked.
        let expected_icc = icc_of(s.format, &input).and_then(|mut p| {
            sharesafe_core::icc::sanitize_profile(&mut p)
                .ok()
                .map(|_| p)
        });
        assert_eq!(
            expected_icc,
            icc_of(s.format, &cleaned.bytes),
            "{}: ICC changed",
            s.name
        );
        let again = clean_bytes(&cleaned.bytes, &opts)
            .unwrap_or_else(|e| panic!("{}: re-clean failed: {e}", s.name));
        assert_eq!(
            again.bytes, cleaned.bytes,
            "{}: second clean changed the bytes",
            s.name
        );
        assert!(
            again.report.removed().next().is_none(),
            "{}: second clean removed something",
            s.name
        );
        let out = written.join(format!("{i:03}.{}", s.format.extension()));
        std::fs::write(&out, &cleaned.bytes).expect("write output");
        pairs.push((s.name.clone(), s.path.clone(), out));
    }
    assert!(
        failures.is_empty(),
        "{} failures:\n{}",
        failures.len(),
        failures.join("\n")
    );
    eprintln!(
        "cleaned {cleaned_count} corpus files; {} refused as expected",
        EXPECTED_REFUSALS.len()
    );
    exiftool_finds_nothing(&written);
    // Orientation as exiftool reads it, input against output.
    let inputs: Vec<PathBuf> = pairs.iter().map(|p| p.1.clone()).collect();
    let outputs: Vec<PathBuf> = pairs.iter().map(|p| p.2.clone()).collect();
    if let (Some(a), Some(b)) = (orientations(&inputs), orientations(&outputs)) {
        for ((name, _, _), (x, y)) in pairs.iter().zip(a.iter().zip(&b)) {
            // exiftool reports out-of-range values too; decoders treat them as upright.
            let x = if (1..=8).contains(x) { *x } else { 1 };
            assert_eq!(x, *y, "{name}: orientation changed");
        }
    }
}

/// Tags exiftool may still report on a cleaned file: file system facts, what it computes, and
/// what describes the picture itself (dimensions, colour, orientation).
fn allowed(group: &str, tag: &str) -> bool {
    match group {
        "System" | "File" | "Composite" => true,
        // An orientation-only eXIf stays where the original's was, after IDAT in a few files.
        "ExifTool" => tag == "ExifToolVersion" || tag == "Warning",
        "JFIF" => !tag.contains("Thumbnail"),
        "ICC_Profile" | "ICC-header" | "ICC-view" | "ICC-meas" | "ICC-chrm" | "ICC-clrt" => true,
        "APP14" | "Adobe" => true,
        "IFD0" => tag == "Orientation",
        "PNG" | "PNG-pHYs" => !matches!(
            tag,
            "ModifyDate"
                | "Comment"
                | "Title"
                | "Author"
                | "Description"
                | "Copyright"
                | "Software"
                | "CreationTime"
                | "Source"
                | "Warning"
                | "TextualData"
        ),
        "RIFF" | "VP8" | "VP8L" | "VP8X" | "ALPH" | "ANIM" | "ANMF" => true,
        _ => false,
    }
}

fn exiftool_finds_nothing(dir: &Path) {
    let Some(files) = exiftool_json(
        &["-j", "-a", "-G1", "-s", "-ee", "-q", "-q"],
        &[dir.to_path_buf()],
    ) else {
        return;
    };
    let mut leaks = BTreeSet::new();
    for f in &files {
        for (key, value) in f {
            let (group, tag) = key.split_once(':').unwrap_or(("", key));
            if key == "SourceFile" {
                continue;
            }
            let after_idat = value
                .as_str()
                .is_some_and(|v| v.contains("chunk(s) found after PNG IDAT"));
            if !allowed(group, tag) || (tag == "Warning" && !after_idat) {
                let file = f.get("SourceFile").and_then(|v| v.as_str()).unwrap_or("?");
                let file = Path::new(file)
                    .file_name()
                    .map(|n| n.to_string_lossy().into_owned())
                    .unwrap_or_default();
                leaks.insert(format!(
                    "{file} {key} = {}",
                    value.to_string().chars().take(60).collect::<String>()
                ));
            }
        }
    }
    assert!(
        leaks.is_empty(),
        "exiftool still finds:\n{}",
        leaks.into_iter().collect::<Vec<_>>().join("\n")
    );
}
