//! Why this exists: the privacy report runs before every share, in a share extension, so it has a
//! time budget: on a 12 MP phone JPEG, ≤ 2 ms (median) for the metadata findings and ≤ 40 ms
//! including the thumbnail comparison. This prints the medians over the 12 MP JPEGs of the bench
//! corpus (made by `python3 ../shared/tools/make_bench_corpus.py DIR`; `--n12 3 --n48 0 --png 0
//! --webp 0` is enough here).
//!
//! Run: `cargo run --release -p sharesafe-core --example report_bench -- DIR [ROUNDS]`
//! (DIR defaults to `$SHARESAFE_BENCH_CORPUS`, then `../bench-corpus` beside the repository).
//!
//! Files are read into memory first: the figures are the report's own cost, not the disk's. On a
//! busy machine the medians grow with the load; the fastest run is printed beside them.

use std::path::PathBuf;
use std::time::Instant;

use sharesafe_core::{inspect_bytes, inspect_structure, InspectOptions, Limits};

fn median(mut v: Vec<f64>) -> f64 {
    v.sort_by(|a, b| a.total_cmp(b));
    v[v.len() / 2]
}

fn main() {
    let mut args = std::env::args().skip(1);
    let dir = args
        .next()
        .map(PathBuf::from)
        .or_else(|| std::env::var_os("SHARESAFE_BENCH_CORPUS").map(PathBuf::from))
        .unwrap_or_else(|| {
            PathBuf::from(concat!(env!("CARGO_MANIFEST_DIR"), "/../../bench-corpus"))
        });
    let rounds: usize = args.next().and_then(|r| r.parse().ok()).unwrap_or(20);
    let mut files: Vec<PathBuf> = std::fs::read_dir(&dir)
        .map(|rd| {
            rd.flatten()
                .map(|e| e.path())
                .filter(|p| {
                    p.file_name()
                        .and_then(|n| n.to_str())
                        .is_some_and(|n| n.starts_with("jpg12_") && n.ends_with(".jpg"))
                })
                .collect()
        })
        .unwrap_or_default();
    files.sort();
    files.truncate(8);
    if files.is_empty() {
        eprintln!(
            "no jpg12_*.jpg in the bench corpus directory; make one with\n  python3 ../shared/tools/make_bench_corpus.py DIR --n12 3 --n48 0 --png 0 --webp 0"
        );
        std::process::exit(2);
    }
    let photos: Vec<Vec<u8>> = files
        .iter()
        .map(|p| std::fs::read(p).expect("bench file readable"))
        .collect();
    let metadata_only = InspectOptions {
        compare_thumbnail: false,
        ..InspectOptions::default()
    };
    let with_thumbnail = InspectOptions::default();
    // The cleaner's own walk (what the report is built on), for the split of the cost.
    let mut walk = Vec::new();
    for _ in 0..rounds {
        for photo in &photos {
            let t = Instant::now();
            inspect_structure(std::io::Cursor::new(photo), &Limits::default()).expect("walks");
            walk.push(t.elapsed().as_secs_f64() * 1e3);
        }
    }
    let walk_min = walk.iter().copied().fold(f64::INFINITY, f64::min);
    println!(
        "{:<28} median {:8.3} ms, fastest {walk_min:8.3} ms (the cleaner's dry-run walk alone)",
        "structure walk",
        median(walk)
    );
    for (name, opts, target) in [
        ("metadata findings", &metadata_only, 2.0),
        ("with thumbnail comparison", &with_thumbnail, 40.0),
    ] {
        let mut times = Vec::new();
        let mut findings = 0;
        for _ in 0..rounds {
            for photo in &photos {
                let t = Instant::now();
                let r = inspect_bytes(photo, opts).expect("bench photo inspects");
                times.push(t.elapsed().as_secs_f64() * 1e3);
                findings = r.findings.len();
            }
        }
        let n = times.len();
        let fastest = times.iter().copied().fold(f64::INFINITY, f64::min);
        let m = median(times);
        println!(
            "{name:<28} median {m:8.3} ms, fastest {fastest:8.3} ms over {n} runs of {} 12 MP JPEGs ({findings} findings in the last; target ≤ {target} ms median: {})",
            photos.len(),
            if m <= target { "met" } else { "NOT met" }
        );
    }
}
