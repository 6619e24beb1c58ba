//! The `sharesafe` binary as a script or a person uses it: exit codes, JSON, where files go, and
//! that verbose logs never carry paths.

use std::path::{Path, PathBuf};
use std::process::Command;

fn bin() -> Command {
    Command::new(env!("CARGO_BIN_EXE_sharesafe"))
}

fn sample() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../../samples/beach-day.jpg")
}

fn tempdir(name: &str) -> PathBuf {
    let d = Path::new(env!("CARGO_TARGET_TMPDIR")).join(name);
    let _ = std::fs::remove_dir_all(&d);
    std::fs::create_dir_all(&d).expect("mkdir");
    d
}

#[test]
fn clean_to_folder_exits_zero_and_reports_json() {
    let out = tempdir("cli-json");
    let o = bin()
        .args(["clean", "--json", "--out"])
        .arg(&out)
        .arg(sample())
        .output()
        .expect("run");
    assert_eq!(
        o.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&o.stderr)
    );
    let doc: serde_json::Value = serde_json::from_slice(&o.stdout).expect("JSON on stdout");
    assert_eq!(doc["schema"], "sharesafe.clean/1");
    assert_eq!(doc["summary"]["cleaned"], 1);
    let file = &doc["files"][0];
    assert_eq!(file["status"], "cleaned");
    let kinds: Vec<&str> = file["report"]["parts"]
        .as_array()
        .expect("parts")
        .iter()
        .filter(|p| p["action"] == "removed")
        .filter_map(|p| p["kind"].as_str())
        .collect();
    for k in ["exif", "xmp", "iptc", "text"] {
        assert!(kinds.contains(&k), "{k} not reported removed: {kinds:?}");
    }
    assert!(out.join("beach-day.jpg").is_file());
}

#[test]
fn refusal_exits_one_and_says_why() {
    let dir = tempdir("cli-refuse");
    let bad = dir.join("truncated.jpg");
    let good = std::fs::read(sample()).expect("sample");
    std::fs::write(&bad, &good[..good.len() / 2]).expect("write");
    let out = dir.join("out");
    let o = bin()
        .args(["clean", "--out"])
        .arg(&out)
        .arg(&bad)
        .output()
        .expect("run");
    assert_eq!(o.status.code(), Some(1));
    let text = String::from_utf8_lossy(&o.stdout);
    assert!(
        text.contains("REFUSED") && text.contains("damaged JPEG"),
        "{text}"
    );
    assert!(
        !out.join("truncated.jpg").exists(),
        "a refused file was written"
    );
}

#[test]
fn usage_errors_exit_two_and_nothing_is_written_next_to_the_input() {
    let dir = tempdir("cli-usage");
    let input = dir.join("photo.jpg");
    std::fs::copy(sample(), &input).expect("copy");
    let o = bin().arg("clean").arg(&input).output().expect("run");
    assert_eq!(
        o.status.code(),
        Some(2),
        "clean without --out/--in-place must be refused"
    );
    assert_eq!(
        bin().arg("frobnicate").output().expect("run").status.code(),
        Some(2)
    );
    assert_eq!(
        std::fs::read_dir(&dir).expect("ls").count(),
        1,
        "something was written next to the input"
    );
}

#[test]
fn verbose_logs_carry_no_paths() {
    let dir = tempdir("cli-logs-Lisa");
    let input = dir.join("Lisa_at_school.jpg");
    std::fs::copy(sample(), &input).expect("copy");
    let o = bin()
        .args(["--verbose", "clean", "--out"])
        .arg(dir.join("out"))
        .arg(&input)
        .output()
        .expect("run");
    assert_eq!(o.status.code(), Some(0));
    let logs = String::from_utf8_lossy(&o.stderr);
    assert!(logs.contains("cleaned JPEG"), "debug log missing: {logs}");
    assert!(!logs.contains("Lisa"), "a path reached the logs: {logs}");
}

#[test]
fn inspect_lists_what_clean_removes() {
    let o = bin().args(["inspect"]).arg(sample()).output().expect("run");
    assert_eq!(o.status.code(), Some(0));
    let text = String::from_utf8_lossy(&o.stdout);
    assert!(
        text.contains("REMOVE") && text.contains("Exif") && text.contains("ICC_PROFILE"),
        "{text}"
    );
}
