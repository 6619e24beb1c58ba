//! Replays every input the fuzz targets ever failed on (`fuzz_regressions/<target>/*`) through the
//! same checks the targets make (`fuzz/src/lib.rs`, included by path, so the two cannot drift),
//! plus the hostile corpus (`../shared/corpus/malformed`) through every format-blind check. A
//! fixed crash stays fixed without libFuzzer or a nightly compiler.

mod common;

#[allow(dead_code)] // the harness has a function per target; each is used below
#[path = "../../fuzz/src/lib.rs"]
mod harness;

use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Mutex, Once};
use std::time::{Duration, Instant};

use sharesafe_core::Format;

/// libFuzzer runs with -timeout=10 (optimised); the unoptimised test build gets the same.
const PER_INPUT: Duration = Duration::from_secs(10);

/// Runs `data` through the checks of `target` and through the format-blind ones.
fn replay(target: &str, data: &[u8]) {
    match target {
        "clean_jpeg" => harness::fuzz_clean_format(data, &[Format::Jpeg]),
        "clean_png" => harness::fuzz_clean_format(data, &[Format::Png]),
        "clean_webp" => harness::fuzz_clean_format(data, &[Format::Webp]),
        "clean_gif" => harness::fuzz_clean_format(data, &[Format::Gif]),
        "clean_isobmff" => harness::fuzz_clean_format(data, &harness::ISOBMFF),
        "decode" => harness::fuzz_decode(data),
        "jpeg_dc_split" => harness::fuzz_jpeg_dc_split(data),
        "caption" => return harness::fuzz_caption(data),
        "inspect" | "clean_then_verify" | "malformed-corpus" => {}
        other => panic!("fuzz_regressions/{other}: no replay for this target; add it here"),
    }
    harness::fuzz_clean_then_verify(data);
    harness::fuzz_inspect(data);
}

/// Panics seen on any thread since the hook was installed, caught or not.
static PANICS: AtomicUsize = AtomicUsize::new(0);
/// One replay at a time, so a panic is counted against the file that caused it.
static REPLAYING: Mutex<()> = Mutex::new(());

/// Counts every panic, including one that core catches and turns into an error: libFuzzer's
/// panic hook aborts at the panic itself, so a caught panic is still a crash there (a decoder
/// panic inside `catch_unwind` was how `decode/crash-729d20e5…` was found), and a replay that
/// ignored it would pass without the fix.
fn count_every_panic() {
    static HOOK: Once = Once::new();
    HOOK.call_once(|| {
        let default = std::panic::take_hook();
        std::panic::set_hook(Box::new(move |info| {
            PANICS.fetch_add(1, Ordering::SeqCst);
            default(info);
        }));
    });
}

fn replay_dir(target: &str, files: &[PathBuf]) -> usize {
    count_every_panic();
    let _one_at_a_time = REPLAYING.lock().unwrap_or_else(|e| e.into_inner());
    for f in files {
        let data = std::fs::read(f).expect("read regression file");
        let name = f.file_name().map(|n| n.to_string_lossy().into_owned());
        let start = Instant::now();
        let before = PANICS.load(Ordering::SeqCst);
        if std::panic::catch_unwind(|| replay(target, &data)).is_err() {
            panic!("{target}/{}: fails again", name.unwrap_or_default());
        }
        if PANICS.load(Ordering::SeqCst) != before {
            panic!(
                "{target}/{}: a panic inside ShareSafe or a decoder, caught before it reached \
                 the checks (libFuzzer counts it as a crash)",
                name.unwrap_or_default()
            );
        }
        let took = start.elapsed();
        assert!(took < PER_INPUT, "{target}/{name:?}: took {took:?}");
    }
    files.len()
}

#[test]
fn every_fuzz_finding_stays_fixed() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fuzz_regressions");
    assert!(
        root.join("README.md").is_file(),
        "the regression set is missing"
    );
    let mut replayed = 0;
    let mut dirs: Vec<PathBuf> = std::fs::read_dir(&root)
        .expect("list fuzz_regressions")
        .flatten()
        .map(|e| e.path())
        .filter(|p| p.is_dir())
        .collect();
    dirs.sort();
    for dir in dirs {
        let target = dir
            .file_name()
            .and_then(|n| n.to_str())
            .expect("target folder name")
            .to_string();
        replayed += replay_dir(&target, &common::files_under(&dir, &[]));
    }
    eprintln!("replayed {replayed} fuzz findings");
}

#[test]
fn hostile_corpus_passes_the_fuzz_checks() {
    let Some(dir) = common::corpus_dir() else {
        return;
    };
    let files = common::files_under(&dir.join("malformed"), &[]);
    assert!(files.len() >= 70, "malformed corpus incomplete");
    let n = replay_dir("malformed-corpus", &files);
    eprintln!("{n} hostile corpus files pass the clean-then-verify and inspect checks");
}
