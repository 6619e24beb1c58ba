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

#[test]
fn caption_marks_findings_and_reads_stdin() {
    let o = bin()
        .args(["caption", "--json", "Emma Schmidt turns 6 today #bathtime"])
        .output()
        .expect("run");
    assert_eq!(o.status.code(), Some(0));
    let doc: serde_json::Value = serde_json::from_slice(&o.stdout).expect("JSON");
    let kinds: Vec<&str> = doc["caption"]["findings"]
        .as_array()
        .expect("findings")
        .iter()
        .filter_map(|f| f["kind"].as_str())
        .collect();
    assert!(kinds.contains(&"searchable_hashtag"), "{kinds:?}");
    assert!(kinds.contains(&"age_or_birthday"), "{kinds:?}");
    let mut child = bin()
        .arg("caption")
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .spawn()
        .expect("spawn");
    use std::io::Write;
    child
        .stdin
        .take()
        .expect("stdin")
        .write_all(b"Reading a book on a sunny afternoon")
        .expect("write");
    let o = child.wait_with_output().expect("wait");
    assert_eq!(o.status.code(), Some(0));
    assert!(String::from_utf8_lossy(&o.stdout).contains("nothing found"));
}

#[test]
fn ledger_remembers_a_shared_photo_and_finds_it_again() {
    let dir = tempdir("cli-ledger");
    let ledger = dir.join("shared.ledger");
    let fp = bin()
        .args(["fingerprint", "--json"])
        .arg(sample())
        .output()
        .expect("run");
    assert_eq!(fp.status.code(), Some(0));
    let doc: serde_json::Value = serde_json::from_slice(&fp.stdout).expect("JSON");
    let hash = doc["files"][0]["fingerprint"]["stored"]["hash"]
        .as_str()
        .expect("hash")
        .to_string();
    assert_eq!(hash.len(), 64);
    let add = bin()
        .args(["ledger", "--ledger"])
        .arg(&ledger)
        .args(["add", "--app", "com.instagram.android"])
        .arg(sample())
        .output()
        .expect("run");
    assert_eq!(
        add.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&add.stderr)
    );
    // The cleaned copy is the same picture: it must be found.
    let out = dir.join("clean");
    assert_eq!(
        bin()
            .args(["clean", "--out"])
            .arg(&out)
            .arg(sample())
            .output()
            .expect("run")
            .status
            .code(),
        Some(0)
    );
    let find = bin()
        .args(["ledger", "--ledger"])
        .arg(&ledger)
        .args(["find", "--json"])
        .arg(out.join("beach-day.jpg"))
        .output()
        .expect("run");
    let doc: serde_json::Value = serde_json::from_slice(&find.stdout).expect("JSON");
    assert_eq!(doc["files"][0]["matches"][0]["distance"], 0);
    let export = bin()
        .args(["ledger", "--ledger"])
        .arg(&ledger)
        .arg("export")
        .output()
        .expect("run");
    let text = String::from_utf8_lossy(&export.stdout);
    assert!(
        text.contains(&hash) && !text.contains("instagram"),
        "{text}"
    );
}
