//! `sharesafe faces` and `sharesafe clean --redact-faces` as a person or a script uses them, over
//! real face photos in `../shared/corpus/faces`: the list matches the library's, redacted faces
//! are not found again, a kept face keeps its pixels, and a damaged photo is refused with nothing
//! written.
//!
//! Needs the corpus and the CenterFace model (`scripts/fetch-face-model.sh`, or
//! `SHARESAFE_FACE_MODEL`); without them these tests print SKIPPED, and fail under CI.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use sharesafe_core::faces::{DetectOptions, Face, FaceDetector};
use sharesafe_core::redact::{Margins, Region};

fn under_ci() -> bool {
    std::env::var("CI").map(|v| v == "true").unwrap_or(false)
}

fn corpus_faces() -> Option<PathBuf> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../../shared/corpus/faces");
    if dir.is_dir() {
        return Some(dir);
    }
    if under_ci() {
        panic!("../shared/corpus is missing; CI must run with ../shared beside the repository");
    }
    eprintln!("SKIPPED: ../shared/corpus not found next to the repository");
    None
}

fn model() -> Option<PathBuf> {
    let candidates = [
        std::env::var_os("SHARESAFE_FACE_MODEL").map(PathBuf::from),
        Some(Path::new(env!("CARGO_MANIFEST_DIR")).join("../../core/assets/centerface.onnx")),
    ];
    if let Some(p) = candidates.into_iter().flatten().find(|p| p.is_file()) {
        return Some(p);
    }
    if under_ci() {
        panic!("centerface.onnx missing: CI must run scripts/fetch-face-model.sh first");
    }
    eprintln!("SKIPPED: centerface.onnx not found (run scripts/fetch-face-model.sh)");
    None
}

fn setup() -> Option<(PathBuf, PathBuf)> {
    Some((corpus_faces()?, model()?))
}

fn bin() -> Command {
    let mut c = Command::new(env!("CARGO_BIN_EXE_sharesafe"));
    // The tests say which model to use; an inherited variable must not change that.
    c.env_remove("SHARESAFE_FACE_MODEL");
    c
}

fn tempdir(name: &str) -> PathBuf {
    let d = Path::new(env!("CARGO_TARGET_TMPDIR")).join(name);
    let _ = std::fs::remove_dir_all(&d);
    std::fs::create_dir_all(&d).expect("mkdir");
    d
}

fn run(cmd: &mut Command) -> Output {
    cmd.output().expect("run sharesafe")
}

fn stderr(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

fn library_faces(model: &Path, photo: &Path) -> Vec<Face> {
    let det = FaceDetector::from_path(model).expect("model loads");
    let bytes = std::fs::read(photo).expect("photo");
    det.detect(&bytes, &DetectOptions::default())
        .expect("detects")
}

fn margin_regions(faces: &[Face]) -> Vec<Region> {
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
fn faces_json_matches_the_library() {
    let Some((faces, model)) = setup() else {
        return;
    };
    for name in ["linzaer/9.jpg", "dlib/2008_001009.jpg"] {
        let photo = faces.join(name);
        let o = run(bin()
            .args(["faces", "--json", "--face-model"])
            .arg(&model)
            .arg(&photo));
        assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
        let doc: serde_json::Value = serde_json::from_slice(&o.stdout).expect("JSON on stdout");
        assert_eq!(doc["schema"], "sharesafe.faces/1");
        let file = &doc["files"][0];
        assert_eq!(file["status"], "ok");
        let img = image::open(&photo).expect("decodes");
        assert_eq!(file["width"], img.width());
        assert_eq!(file["height"], img.height());
        let listed = file["faces"].as_array().expect("faces");
        let lib = library_faces(&model, &photo);
        println!(
            "{name}: CLI lists {}, library finds {}",
            listed.len(),
            lib.len()
        );
        assert!(!lib.is_empty(), "{name}: no face found");
        assert_eq!(listed.len(), lib.len(), "{name}");
        for (i, (l, f)) in listed.iter().zip(&lib).enumerate() {
            assert_eq!(l["index"], i);
            let r = f.region();
            let got: Vec<Option<u64>> = ["x", "y", "width", "height"]
                .iter()
                .map(|k| l[*k].as_u64())
                .collect();
            let want = [r.x, r.y, r.width, r.height].map(|v| Some(u64::from(v)));
            assert_eq!(got, want, "{name} face {i}");
            let c = l["confidence"].as_f64().expect("confidence");
            assert!((c - f64::from(f.confidence)).abs() < 1e-4);
            assert_eq!(l["landmarks"].as_array().expect("landmarks").len(), 5);
        }
    }
    // The text form lists the same faces, one line each.
    let photo = faces.join("linzaer/9.jpg");
    let o = run(bin()
        .args(["faces", "--face-model"])
        .arg(&model)
        .arg(&photo));
    let text = String::from_utf8_lossy(&o.stdout);
    let lines = text.lines().filter(|l| l.contains("confidence")).count();
    assert_eq!(lines, library_faces(&model, &photo).len(), "{text}");
}

#[test]
fn redacted_faces_are_not_found_again() {
    let Some((faces, model)) = setup() else {
        return;
    };
    let dir = tempdir("faces-cli-redact");
    for (name, style) in [
        ("linzaer/9.jpg", "fill"),
        ("dlib/2008_001322.jpg", "sticker"),
    ] {
        let photo = faces.join(name);
        let out = dir.join(style);
        let o = run(bin()
            .args(["clean", "--redact-faces", "--style", style, "--face-model"])
            .arg(&model)
            .arg("--out")
            .arg(&out)
            .arg(&photo));
        assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
        let file_name = photo.file_name().expect("name");
        let written = out.join(file_name);
        assert!(written.is_file(), "{name}: no output");
        let before = library_faces(&model, &photo);
        let regions = margin_regions(&before);
        let after = library_faces(&model, &written);
        let left = after.iter().filter(|f| centre_inside(f, &regions)).count();
        println!(
            "{name} ({style}): {} faces hidden, {} found after, {left} inside a redacted box",
            before.len(),
            after.len()
        );
        assert!(!before.is_empty());
        assert_eq!(
            left, 0,
            "{name}: a face is still found where one was hidden"
        );
        // The output is clean: nothing left to remove.
        let report = sharesafe_core::inspect_structure(
            std::io::Cursor::new(std::fs::read(&written).expect("output")),
            &sharesafe_core::Limits::default(),
        )
        .expect("output re-parses");
        assert_eq!(report.bytes_removed(), 0, "{name}: output not clean");
    }
}

#[test]
fn a_kept_face_keeps_its_pixels() {
    let Some((faces, model)) = setup() else {
        return;
    };
    let photo = faces.join("dlib/2008_001009.jpg");
    let found = library_faces(&model, &photo);
    assert_eq!(found.len(), 2, "the photo has two faces");
    let out = tempdir("faces-cli-keep");
    let o = run(bin()
        .args([
            "clean",
            "--redact-faces",
            "--keep-face",
            "0",
            "--face-model",
        ])
        .arg(&model)
        .arg("--out")
        .arg(&out)
        .arg(&photo));
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    assert!(
        String::from_utf8_lossy(&o.stdout).contains("1 of 2 faces hidden"),
        "{}",
        String::from_utf8_lossy(&o.stdout)
    );
    let a = image::open(&photo).expect("input decodes").to_rgb8();
    let b = image::open(out.join("2008_001009.jpg"))
        .expect("output decodes")
        .to_rgb8();
    assert_eq!(a.dimensions(), b.dimensions());
    // Face 1 was hidden: its redacted MCUs, grown by one 16-pixel MCU for chroma upsampling, are
    // the only pixels allowed to change.
    let hidden = found[1].region().with_margins(&Margins::default());
    let near_hidden = |x: u32, y: u32| {
        let x0 = (hidden.x / 16).saturating_sub(1) * 16;
        let y0 = (hidden.y / 16).saturating_sub(1) * 16;
        let x1 = ((hidden.x + hidden.width).div_ceil(16) + 1) * 16;
        let y1 = ((hidden.y + hidden.height).div_ceil(16) + 1) * 16;
        x >= x0 && x < x1 && y >= y0 && y < y1
    };
    let kept = found[0].region();
    let (mut same, mut compared) = (0u64, 0u64);
    for y in kept.y..(kept.y + kept.height).min(a.height()) {
        for x in kept.x..(kept.x + kept.width).min(a.width()) {
            if near_hidden(x, y) {
                continue;
            }
            compared += 1;
            same += u64::from(a.get_pixel(x, y) == b.get_pixel(x, y));
        }
    }
    let area = u64::from(kept.width) * u64::from(kept.height);
    println!("kept face 0: {same}/{compared} pixels identical (box {area} pixels)");
    assert!(compared * 2 > area, "the kept face overlaps the hidden one");
    assert_eq!(same, compared, "the kept face's pixels changed");
    // And the kept face is still found.
    let after = library_faces(&model, &out.join("2008_001009.jpg"));
    assert!(after
        .iter()
        .any(|f| centre_inside(f, &[kept.with_margins(&Margins::default())])));
}

#[test]
fn a_truncated_photo_is_refused_and_nothing_is_written() {
    let Some((faces, model)) = setup() else {
        return;
    };
    let dir = tempdir("faces-cli-truncated");
    let good = std::fs::read(faces.join("linzaer/9.jpg")).expect("photo");
    let bad = dir.join("cut.jpg");
    std::fs::write(&bad, &good[..good.len() / 2]).expect("write");
    let ok = dir.join("whole.jpg");
    std::fs::write(&ok, &good).expect("write");
    let out = dir.join("out");
    let o = run(bin()
        .args(["clean", "--redact-faces", "--face-model"])
        .arg(&model)
        .arg("--out")
        .arg(&out)
        .arg(&bad)
        .arg(&ok));
    assert_eq!(o.status.code(), Some(1), "{}", stderr(&o));
    let text = String::from_utf8_lossy(&o.stdout);
    assert!(
        text.contains("REFUSED") && text.contains("cut.jpg"),
        "{text}"
    );
    assert!(!out.join("cut.jpg").exists(), "a refused file was written");
    // The batch went on with the other file.
    assert!(out.join("whole.jpg").is_file(), "{text}");
    let leftovers: Vec<_> = std::fs::read_dir(&out)
        .expect("out")
        .flatten()
        .map(|e| e.file_name())
        .filter(|n| n != "whole.jpg")
        .collect();
    assert!(leftovers.is_empty(), "{leftovers:?}");
}

#[test]
fn a_missing_model_is_an_error_not_an_unredacted_clean() {
    let Some(faces) = corpus_faces() else { return };
    let out = tempdir("faces-cli-nomodel");
    let o = run(bin()
        .args(["clean", "--redact-faces", "--face-model"])
        .arg(out.join("absent.onnx"))
        .arg("--out")
        .arg(out.join("o"))
        .arg(faces.join("linzaer/9.jpg")));
    assert_eq!(o.status.code(), Some(1));
    assert!(stderr(&o).contains("face model"), "{}", stderr(&o));
    assert!(!out.join("o/9.jpg").exists(), "written without redaction");
    // The same through the environment variable.
    let o = run(bin()
        .env("SHARESAFE_FACE_MODEL", out.join("absent.onnx"))
        .args(["faces"])
        .arg(faces.join("linzaer/9.jpg")));
    assert_eq!(o.status.code(), Some(1));
    assert!(
        stderr(&o).contains("SHARESAFE_FACE_MODEL"),
        "{}",
        stderr(&o)
    );
}

#[test]
fn a_drawn_region_is_hidden_without_the_model() {
    let Some(faces) = corpus_faces() else { return };
    let out = tempdir("faces-cli-region");
    let photo = faces.join("linzaer/9.jpg");
    let o = run(bin()
        .args(["clean", "--region", "32,48,64,80", "--out"])
        .arg(&out)
        .arg(&photo));
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let b = image::open(out.join("9.jpg")).expect("decodes").to_rgb8();
    let first = *b.get_pixel(40, 56);
    for y in 50..126 {
        for x in 34..94 {
            let p = b.get_pixel(x, y);
            assert!(
                p.0.iter().zip(first.0).all(|(c, f)| c.abs_diff(f) <= 2),
                "detail left at {x},{y}"
            );
        }
    }
    // A region outside the photo refuses the file.
    let o = run(bin()
        .args(["clean", "--region", "90000,10,5,5", "--out"])
        .arg(out.join("far"))
        .arg(&photo));
    assert_eq!(o.status.code(), Some(1));
    assert!(!out.join("far/9.jpg").exists());
}
