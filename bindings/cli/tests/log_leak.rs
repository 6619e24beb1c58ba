//! Logs and messages carry no user data: `sharesafe --verbose` (and the most detailed log level)
//! runs `clean` and `inspect`, in text and JSON, over photos full of canaries (built by core's
//! leak-test module), over damaged copies of them that are refused, and over a file that does
//! not exist, all kept in a folder whose path names a child. No canary, no coordinate and no
//! part of that path may appear in the logs (stderr), in any error message, or in the report
//! (stdout) beyond the file names the report is about.

#[path = "../../../core/tests/canary/mod.rs"]
mod canary;

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

/// Planted in the folder and file names.
const PATH_MARK: &str = "QZ7PATH";

fn tempdir() -> PathBuf {
    let d = Path::new(env!("CARGO_TARGET_TMPDIR")).join(format!("Lisa-{PATH_MARK}-home"));
    let _ = std::fs::remove_dir_all(&d);
    std::fs::create_dir_all(d.join("photos")).expect("mkdir");
    d
}

fn run(args: &[&str], files: &[PathBuf]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_sharesafe"))
        .args(args)
        .args(files)
        .env("SHARESAFE_LOG", "trace")
        .output()
        .expect("run sharesafe")
}

/// Every forbidden string found in `text`.
fn forbidden_in(text: &str, allow_paths: bool) -> Vec<String> {
    let mut found = Vec::new();
    for marker in [canary::MARKER, canary::ICC_MARKER] {
        if text.contains(marker) {
            found.push(format!("canary {marker}"));
        }
    }
    for c in canary::COORDINATE_TEXTS
        .iter()
        .chain(&[canary::LAT_XMP, canary::LON_XMP])
    {
        if text.contains(c) {
            found.push(format!("coordinate {c}"));
        }
    }
    if !allow_paths && text.contains(PATH_MARK) {
        found.push("a path".to_string());
    }
    found
}

/// Builds the photos: each canary file, a truncated copy (refused), and an unsupported file.
fn photos(dir: &Path) -> Vec<PathBuf> {
    let mut paths = Vec::new();
    for f in canary::all() {
        let p = dir.join(format!("photos/Lisa_{PATH_MARK}_{}", f.name));
        std::fs::write(&p, &f.bytes).expect("write");
        paths.push(p);
        let cut = dir.join(format!("photos/Lisa_{PATH_MARK}_cut_{}", f.name));
        std::fs::write(&cut, &f.bytes[..f.bytes.len() / 3]).expect("write");
        paths.push(cut);
    }
    let mut text = b"%PDF-1.7\n".to_vec();
    text.extend_from_slice(canary::MARKER.as_bytes());
    let pdf = dir.join(format!("photos/Lisa_{PATH_MARK}_letter.jpg"));
    std::fs::write(&pdf, text).expect("write");
    paths.push(pdf);
    paths
}

#[test]
fn verbose_clean_and_inspect_print_no_canary_path_or_coordinate() {
    let dir = tempdir();
    let mut inputs = photos(&dir);
    let missing = dir.join(format!("photos/Lisa_{PATH_MARK}_missing.jpg"));
    let out = dir.join("out");
    let out_arg = out.to_string_lossy().into_owned();
    let mut runs = vec![
        (
            "clean",
            run(&["--verbose", "clean", "--out", &out_arg], &inputs),
        ),
        (
            "clean --json",
            run(
                &[
                    "--verbose",
                    "clean",
                    "--json",
                    "--out",
                    &format!("{out_arg}-json"),
                ],
                &inputs,
            ),
        ),
    ];
    inputs.push(missing);
    runs.push(("inspect", run(&["--verbose", "inspect"], &inputs)));
    runs.push((
        "inspect --json",
        run(&["--verbose", "inspect", "--json"], &inputs),
    ));

    let mut problems = Vec::new();
    for (what, o) in &runs {
        // Some files are refused on purpose.
        assert_eq!(o.status.code(), Some(1), "{what}: exit code");
        let stderr = String::from_utf8_lossy(&o.stderr);
        let stdout = String::from_utf8_lossy(&o.stdout);
        assert!(
            stderr.contains("DEBUG") || stderr.contains("TRACE") || what.starts_with("inspect"),
            "{what}: no debug log was printed, so the test checks nothing: {stderr}"
        );
        for f in forbidden_in(&stderr, false) {
            problems.push(format!("{what}: stderr has {f}"));
        }
        // `clean` output names the files it is about; nothing else from the user may appear.
        // `inspect` is the privacy report: showing the parent what the photo carries (their
        // own coordinates, names, captions) on their own terminal is its job — only its logs
        // and error messages must stay free of them.
        if !what.starts_with("inspect") {
            for f in forbidden_in(&stdout, true) {
                problems.push(format!("{what}: stdout has {f}"));
            }
        }
        let messages = error_messages(&stdout, &inputs);
        // 7 damaged photos and 1 unsupported file (and, for inspect, 1 missing file).
        assert!(
            messages.len() >= 8,
            "{what}: error messages not found: {messages:?}"
        );
        for msg in messages {
            for f in forbidden_in(&msg, false) {
                problems.push(format!("{what}: error message {msg:?} has {f}"));
            }
        }
    }
    assert!(problems.is_empty(), "{}", problems.join("\n"));
    // The refusals were really exercised: no damaged or unsupported file was cleaned, and the
    // intact photos all were.
    let clean_json: serde_json::Value =
        serde_json::from_slice(&runs[1].1.stdout).expect("clean --json prints JSON");
    let files = clean_json["files"].as_array().expect("files");
    assert_eq!(files.len(), canary::all().len() * 2 + 1);
    for f in files {
        let input = f["input"].as_str().expect("input");
        let damaged = input.contains("_cut_") || input.contains("_letter");
        let cleaned = f["status"] == "cleaned";
        assert_eq!(cleaned, !damaged, "{input}: {}", f["status"]);
    }
    std::fs::remove_dir_all(&dir).ok();
}

/// The error messages in a report: the text after "REFUSED  <path>: " or "cannot inspect: ",
/// and the "reason"/"error" fields of a JSON report.
fn error_messages(stdout: &str, inputs: &[PathBuf]) -> Vec<String> {
    if let Ok(doc) = serde_json::from_str::<serde_json::Value>(stdout) {
        return doc["files"]
            .as_array()
            .map(|files| {
                files
                    .iter()
                    .filter_map(|f| f.get("reason").or_else(|| f.get("error")))
                    .filter_map(|r| r.as_str().map(str::to_string))
                    .collect()
            })
            .unwrap_or_default();
    }
    stdout
        .lines()
        .filter_map(|l| {
            if l.starts_with("REFUSED") || l.starts_with("skipped") {
                // "REFUSED  <input>: <reason>" (or "skipped"), for one of the inputs.
                inputs.iter().find_map(|p| {
                    let rest = l.get(9..)?.strip_prefix(p.to_string_lossy().as_ref())?;
                    rest.strip_prefix(": ").map(str::to_string)
                })
            } else {
                l.split_once("cannot inspect: ").map(|(_, r)| r.to_string())
            }
        })
        .collect()
}
