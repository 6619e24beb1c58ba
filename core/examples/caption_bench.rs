//! Benchmark of the caption checker, run in release:
//!
//! ```text
//! cargo run --release -p sharesafe-core --example caption_bench
//! ```
//!
//! Prints the dictionaries' load time, resident-memory growth (Linux `/proc/self/statm`) and
//! estimated heap, the app-size cost of the embedded data, and the time per 300-character caption
//! (mean, median, 99th percentile) over captions built from the labelled set. Targets: ≤ 50 ms and
//! ≤ 20 MB to load, ≤ 2 ms per caption.

use std::time::Instant;

use sharesafe_core::caption::{analyze_caption, preload_dictionaries};

/// CPU time (user + system) of this process, in seconds, from `/proc/self/stat` (clock ticks of
/// 1/100 s): unlike wall time it does not count the time other processes held the CPU.
fn cpu_seconds() -> Option<f64> {
    let stat = std::fs::read_to_string("/proc/self/stat").ok()?;
    let after = stat.rsplit_once(')')?.1;
    let f: Vec<&str> = after.split_whitespace().collect();
    let utime: f64 = f.get(11)?.parse().ok()?;
    let stime: f64 = f.get(12)?.parse().ok()?;
    Some((utime + stime) / 100.0)
}

fn rss_bytes() -> Option<u64> {
    let statm = std::fs::read_to_string("/proc/self/statm").ok()?;
    let pages: u64 = statm.split_whitespace().nth(1)?.parse().ok()?;
    Some(pages * 4096)
}

/// 300-char captions made by joining labelled captions (so they are full of findings and traps).
fn captions_300() -> Vec<String> {
    let path = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../tests/captions/captions.tsv"
    );
    let text = std::fs::read_to_string(path).expect("tests/captions/captions.tsv");
    let pool: Vec<&str> = text
        .lines()
        .filter(|l| !l.starts_with('#'))
        .filter_map(|l| l.split('\t').nth(3))
        .collect();
    let mut out = Vec::new();
    for start in 0..pool.len() {
        let mut s = String::new();
        let mut k = start;
        while s.chars().count() < 300 {
            s.push_str(pool[k % pool.len()]);
            s.push(' ');
            k += 7;
        }
        out.push(s.chars().take(300).collect());
    }
    out
}

/// First-load time measured in fresh processes (the dictionaries load once per process): the
/// minimum is the cost without other processes competing for the CPU.
fn load_in_fresh_processes(n: usize) -> Option<(f64, f64)> {
    let exe = std::env::current_exe().ok()?;
    let mut ms: Vec<f64> = (0..n)
        .filter_map(|_| {
            let out = std::process::Command::new(&exe)
                .arg("--load-only")
                .output()
                .ok()?;
            String::from_utf8(out.stdout)
                .ok()?
                .trim()
                .parse::<f64>()
                .ok()
        })
        .collect();
    ms.sort_by(|a, b| a.total_cmp(b));
    Some((*ms.first()?, ms[ms.len() / 2]))
}

fn main() {
    if std::env::args().any(|a| a == "--load-only") {
        println!("{}", preload_dictionaries().load_micros as f64 / 1000.0);
        return;
    }
    let rss_before = rss_bytes();
    let cpu_before = cpu_seconds();
    let stats = preload_dictionaries();
    let cpu_load = cpu_seconds().zip(cpu_before).map(|(a, b)| a - b);
    let rss_after = rss_bytes();
    println!("dictionaries: {} entries, embedded {} bytes ({:.1} KiB app-size cost, before store compression)", stats.entries, stats.embedded_bytes, stats.embedded_bytes as f64 / 1024.0);
    println!(
        "load: {:.2} ms, estimated heap {:.1} MiB",
        stats.load_micros as f64 / 1000.0,
        stats.estimated_heap_bytes as f64 / 1_048_576.0
    );
    if let Some((min, median)) = load_in_fresh_processes(15) {
        println!("load in 15 fresh processes: min {min:.2} ms, median {median:.2} ms");
    }
    if let Some(c) = cpu_load {
        println!("load CPU time: {:.0} ms (1/100 s resolution)", c * 1000.0);
    }
    if let (Some(a), Some(b)) = (rss_before, rss_after) {
        println!(
            "resident memory growth on load: {:.1} MiB",
            b.saturating_sub(a) as f64 / 1_048_576.0
        );
    }

    let caps = captions_300();
    // Warm-up.
    for c in &caps {
        std::hint::black_box(analyze_caption(c, None));
    }
    let rounds = 20;
    let cpu_start = cpu_seconds();
    let mut times = Vec::with_capacity(caps.len() * rounds);
    let mut findings = 0usize;
    for _ in 0..rounds {
        for c in &caps {
            let t = Instant::now();
            let r = analyze_caption(c, None);
            times.push(t.elapsed().as_secs_f64() * 1000.0);
            findings += r.findings.len();
        }
    }
    let cpu_total = cpu_seconds().zip(cpu_start).map(|(a, b)| a - b);
    times.sort_by(|a, b| a.total_cmp(b));
    let mean = times.iter().sum::<f64>() / times.len() as f64;
    let pct = |p: f64| times[((times.len() - 1) as f64 * p) as usize];
    println!(
        "per 300-char caption over {} runs: mean {:.3} ms, median {:.3} ms, p99 {:.3} ms, max {:.3} ms ({:.1} findings each)",
        times.len(),
        mean,
        pct(0.5),
        pct(0.99),
        pct(1.0),
        findings as f64 / times.len() as f64
    );
    if let Some(c) = cpu_total {
        println!(
            "CPU time per caption (whole loop / runs): {:.3} ms",
            c * 1000.0 / times.len() as f64
        );
    }
}
