//! Shared helpers for the behaviour tests over `../shared/corpus`.
//!
//! The corpus lives beside the repository. Under CI (`CI=true`) a missing corpus is a failure;
//! elsewhere the test says plainly that it was skipped.

#![allow(dead_code)] // each test binary uses a different subset of these helpers

use std::path::{Path, PathBuf};

/// The corpus directory, or `None` (after saying so) when it is absent outside CI.
pub fn corpus_dir() -> Option<PathBuf> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../shared/corpus");
    if dir.is_dir() {
        return Some(dir);
    }
    if std::env::var("CI").map(|v| v == "true").unwrap_or(false) {
        panic!("../shared/corpus is missing; CI must run with ../shared beside the repository");
    }
    eprintln!("SKIPPED: ../shared/corpus not found next to the repository");
    None
}

/// Every file under `dir` (recursively), sorted, whose extension (lower-cased) is in `exts`
/// (all files when `exts` is empty).
pub fn files_under(dir: &Path, exts: &[&str]) -> Vec<PathBuf> {
    let mut out = Vec::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        let Ok(rd) = std::fs::read_dir(&d) else {
            continue;
        };
        for e in rd.flatten() {
            let p = e.path();
            if p.is_dir() {
                stack.push(p);
            } else {
                let ext = p
                    .extension()
                    .and_then(|e| e.to_str())
                    .map(|e| e.to_ascii_lowercase())
                    .unwrap_or_default();
                if exts.is_empty() || exts.contains(&ext.as_str()) {
                    out.push(p);
                }
            }
        }
    }
    out.sort();
    out
}
