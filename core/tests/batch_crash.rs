//! Crash safety as a test, not a promise: the in-place batch runs over a folder of copies in a
//! child process, which is killed with SIGKILL at random moments, hundreds of times. After every
//! kill each file must be its original bytes or exactly the verified clean version, ShareSafe's
//! temporary files must not accumulate, and running the batch again (which resumes from the
//! journal) must finish the job.
//!
//! The child is this same test binary, running the ignored test `crash_child_process` with the
//! folder in an environment variable. `SHARESAFE_CRASH_KILLS` sets the number of kills (default
//! 250; `scripts/crash_soak.sh` asks for thousands) and `SHARESAFE_CRASH_SECONDS` a time budget
//! (default 50 s: on a loaded machine the test stops early, after at least 50 kills, and says how
//! many it did); `SHARESAFE_CRASH_SEED` replays a run.

mod common;

use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use sharesafe_core::batch::{clean_batch, collect_items, BatchOptions, BatchOutput};
use sharesafe_core::journal::DEFAULT_JOURNAL_NAME;
use sharesafe_core::CleanOptions;

const CHILD_ENV: &str = "SHARESAFE_CRASH_CHILD_DIR";
const JOBS: usize = 2;

/// The corpus files copied into the folder, several times each under other names.
const SOURCES: &[&str] = &[
    "jpeg/exiftool/GPS.jpg",
    "jpeg/exiftool/Canon.jpg",
    "png/kamadak/exif.png",
    "webp/mei/HTC_Desire.webp",
    "jpeg/androidx/jpeg_with_icc_with_exif_with_extended_xmp.jpg",
    "malformed/pngsuite/xhdn0g08.png", // refused every time: must stay its original bytes
];
const COPIES: usize = 3;

fn journal_of(dir: &Path) -> PathBuf {
    dir.join("state").join(DEFAULT_JOURNAL_NAME)
}

/// The child: one run of the in-place batch with a journal. Not a test on its own (ignored); the
/// parent runs it and kills it.
#[test]
#[ignore = "run as a child process by crash_kills_never_lose_or_tear_a_file"]
fn crash_child_process() {
    let Ok(dir) = std::env::var(CHILD_ENV) else {
        return;
    };
    let dir = PathBuf::from(dir);
    let (items, _) = collect_items(&[dir.join("photos")], true);
    let opts = BatchOptions {
        clean: CleanOptions::default(),
        output: BatchOutput::InPlace,
        jobs: JOBS,
        journal: Some(journal_of(&dir)),
        ..Default::default()
    };
    let summary = clean_batch(&items, &opts, &mut |_| {});
    assert!(summary.complete());
    assert_eq!(
        summary.refused, COPIES,
        "only the malformed copies are refused"
    );
}

/// A small xorshift generator: reproducible kill times without a dependency.
struct Rng(u64);
impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }
    fn below(&mut self, n: u64) -> u64 {
        self.next() % n.max(1)
    }
}

struct Fixture {
    dir: PathBuf,
    /// (name, original bytes, clean bytes or None when the clean refuses it)
    files: Vec<(String, Vec<u8>, Option<Vec<u8>>)>,
}

impl Fixture {
    fn new(corpus: &Path) -> Self {
        let dir = Path::new(env!("CARGO_TARGET_TMPDIR")).join("batch-crash");
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(dir.join("photos/sub")).expect("mkdir");
        std::fs::create_dir_all(dir.join("state")).expect("mkdir");
        let mut files = Vec::new();
        for (i, src) in SOURCES.iter().enumerate() {
            let original = std::fs::read(corpus.join(src)).expect("read corpus file");
            let clean = sharesafe_core::clean_bytes(&original, &CleanOptions::default())
                .ok()
                .map(|c| c.bytes);
            let ext = Path::new(src)
                .extension()
                .and_then(|e| e.to_str())
                .unwrap_or("bin");
            for c in 0..COPIES {
                let sub = if c == 1 { "sub/" } else { "" };
                files.push((
                    format!("{sub}f{i}_{c}.{ext}"),
                    original.clone(),
                    clean.clone(),
                ));
            }
        }
        let f = Fixture { dir, files };
        f.reset();
        f
    }

    /// Puts every original back and forgets the journal.
    fn reset(&self) {
        for (name, original, _) in &self.files {
            std::fs::write(self.dir.join("photos").join(name), original).expect("write");
        }
        let _ = std::fs::remove_file(journal_of(&self.dir));
    }

    fn temporaries(&self) -> usize {
        ["photos", "photos/sub"]
            .iter()
            .flat_map(|d| std::fs::read_dir(self.dir.join(d)).expect("ls"))
            .flatten()
            .filter(|e| sharesafe_core::atomic::is_temp_name(&e.file_name().to_string_lossy()))
            .count()
    }

    /// Checks the invariant; returns how many files are clean.
    fn check(&self, when: &str) -> usize {
        let mut clean_count = 0;
        for (name, original, clean) in &self.files {
            let now = std::fs::read(self.dir.join("photos").join(name))
                .unwrap_or_else(|e| panic!("{when}: {name} is gone: {e}"));
            if clean.as_ref() == Some(&now) {
                clean_count += 1;
            } else {
                assert!(
                    now == *original,
                    "{when}: {name} is neither its original nor its clean version ({} bytes)",
                    now.len()
                );
            }
        }
        clean_count
    }

    fn cleanable(&self) -> usize {
        self.files.iter().filter(|f| f.2.is_some()).count()
    }

    fn child(&self) -> Command {
        let mut c = Command::new(std::env::current_exe().expect("test binary"));
        c.args([
            "--ignored",
            "--exact",
            "crash_child_process",
            "--test-threads=1",
        ])
        .env(CHILD_ENV, &self.dir)
        .stdout(Stdio::null())
        .stderr(Stdio::null());
        c
    }
}

#[test]
fn crash_kills_never_lose_or_tear_a_file() {
    let Some(corpus) = common::corpus_dir() else {
        return;
    };
    let kills: usize = std::env::var("SHARESAFE_CRASH_KILLS")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(250);
    let seed: u64 = std::env::var("SHARESAFE_CRASH_SEED")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or_else(|| {
            std::time::SystemTime::now()
                .duration_since(std::time::UNIX_EPOCH)
                .map_or(1, |d| d.as_nanos() as u64)
                | 1
        });
    let budget = Duration::from_secs(
        std::env::var("SHARESAFE_CRASH_SECONDS")
            .ok()
            .and_then(|v| v.parse().ok())
            .unwrap_or(50),
    );
    eprintln!("crash test: {kills} kills, SHARESAFE_CRASH_SEED={seed}");
    let started = Instant::now();
    let mut rng = Rng(seed);
    let fx = Fixture::new(&corpus);

    // Calibrate: how long one uninterrupted run takes, so kills land all over it.
    let t0 = Instant::now();
    let status = fx.child().status().expect("spawn child");
    let full_run = t0.elapsed();
    assert!(status.success(), "an uninterrupted batch must succeed");
    assert_eq!(fx.check("after a full run"), fx.cleanable());
    assert!(
        !journal_of(&fx.dir).exists(),
        "journal left after a complete batch"
    );
    assert_eq!(fx.temporaries(), 0);
    fx.reset();
    // Process start-up is part of the run; kill anywhere in it. The window follows how long
    // uninterrupted runs take (a moving average), so few runs escape to the end.
    let mut run_us = full_run.as_micros() as f64;

    let (mut killed, mut finished, mut mixed, mut resumed_runs) = (0usize, 0usize, 0usize, 0usize);
    let mut previous_clean = 0usize;
    while killed < kills && (started.elapsed() < budget || killed < 50) {
        let spawned = Instant::now();
        let mut child = fx.child().spawn().expect("spawn child");
        std::thread::sleep(Duration::from_micros(rng.below(run_us as u64 + 1)));
        let exited = child.try_wait().expect("wait");
        let status = match exited {
            Some(s) => s,
            None => {
                child.kill().expect("SIGKILL the child"); // SIGKILL on Unix
                child.wait().expect("wait")
            }
        };
        if status.success() {
            // The job finished (maybe after many kills): everything is clean, nothing left over.
            assert_eq!(fx.check("after a finished run"), fx.cleanable());
            assert_eq!(fx.temporaries(), 0, "temporary files after a finished run");
            assert!(
                !journal_of(&fx.dir).exists(),
                "journal left after a finished run"
            );
            finished += 1;
            run_us = 0.8 * run_us + 0.2 * spawned.elapsed().as_micros() as f64;
            previous_clean = 0;
            fx.reset();
            continue;
        }
        killed += 1;
        let clean = fx.check(&format!("after kill {killed}"));
        // Each job has at most two temporaries at a kill: the photo it cleans and the one whose
        // commit runs meanwhile. The next run sweeps them.
        assert!(
            fx.temporaries() <= 2 * JOBS,
            "after kill {killed}: {} temporary files (they accumulate)",
            fx.temporaries()
        );
        if clean > 0 && clean < fx.cleanable() {
            mixed += 1;
        }
        if previous_clean > 0 {
            resumed_runs += 1;
        }
        assert!(clean >= previous_clean, "a clean file went back to dirty");
        previous_clean = clean;
    }
    // Resume to the end: no kill this time.
    let status = fx.child().status().expect("spawn child");
    assert!(status.success(), "the resumed batch must finish");
    assert_eq!(fx.check("after the final resume"), fx.cleanable());
    assert_eq!(
        fx.temporaries(),
        0,
        "temporary files after the final resume"
    );
    assert!(!journal_of(&fx.dir).exists());
    eprintln!(
        "crash test: {killed} kills ({mixed} mid-batch with some files clean, {resumed_runs} \
         during a resumed run), {finished} batches finished between kills, full run {full_run:?}"
    );
    assert!(
        mixed > 0,
        "no kill landed in the middle of the batch: the test did not test anything"
    );
}
