//! Benchmark for the fingerprint targets (issue 11): PDQ of a 12 MP JPEG ≤ 30 ms, ledger lookup
//! over 100,000 entries ≤ 5 ms. Prints figures; asserts nothing (timings belong here, not in
//! unit tests).
//!
//! ```text
//! cargo run --release -p sharesafe-core --example pdq_bench [-- PHOTO.jpg ...]
//! ```
//!
//! Without arguments it synthesises a 4032×3024 JPEG (quality 90, photo-like texture plus sensor
//! grain, so its size and entropy-decoding cost are like a phone's). With arguments it hashes
//! those files, e.g. `jpg12_*.jpg` / `jpg48_*.jpg` from `shared/tools/make_bench_corpus.py`.
//!
//! Wall time is shown with CPU time of the thread (from `/proc/thread-self/schedstat`): on a
//! shared machine the wall clock also counts time spent waiting for a core.

use std::time::Instant;

use sharesafe_core::decode::decode_luma_for_analysis;
use sharesafe_core::fingerprint::{
    fingerprint_photo, pdq, Ledger, LedgerEntry, PdqHash, MATCH_THRESHOLD, PDQ_DECODE_SHORT_SIDE,
};
use sharesafe_core::Limits;

const RUNS: usize = 15;
const LEDGER_ENTRIES: u64 = 100_000;
const QUERIES: usize = 200;

/// CPU time of the calling thread in nanoseconds, when the kernel exposes it.
fn thread_cpu_ns() -> Option<u64> {
    let text = std::fs::read_to_string("/proc/thread-self/schedstat").ok()?;
    text.split_whitespace().next()?.parse().ok()
}

/// Peak resident memory of the process in KiB (`VmHWM`), when available.
fn peak_rss_kib() -> Option<u64> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    let line = status.lines().find(|l| l.starts_with("VmHWM:"))?;
    line.split_whitespace().nth(1)?.parse().ok()
}

/// Resets the peak-memory mark so it measures what follows (Linux `clear_refs` value 5).
fn reset_peak_rss() {
    let _ = std::fs::write("/proc/self/clear_refs", "5");
}

struct Timing {
    wall_ms: Vec<f64>,
    /// Mean CPU time per run: the kernel updates a running thread's CPU clock only at ticks and
    /// switches, so one run's CPU time is imprecise but the total over all runs is not.
    cpu_mean_ms: Option<f64>,
}

impl Timing {
    fn measure(runs: usize, mut f: impl FnMut()) -> Timing {
        let mut wall_ms = Vec::with_capacity(runs);
        let cpu0 = thread_cpu_ns();
        for _ in 0..runs {
            let w0 = Instant::now();
            f();
            wall_ms.push(w0.elapsed().as_secs_f64() * 1e3);
        }
        let cpu_mean_ms = match (cpu0, thread_cpu_ns()) {
            (Some(a), Some(b)) => Some(b.saturating_sub(a) as f64 / 1e6 / runs as f64),
            _ => None,
        };
        Timing {
            wall_ms,
            cpu_mean_ms,
        }
    }

    fn summary(&self) -> String {
        let mut s = self.wall_ms.clone();
        s.sort_by(f64::total_cmp);
        let mut out = format!("wall min {:7.2} ms, median {:7.2} ms", s[0], s[s.len() / 2]);
        if let Some(cpu) = self.cpu_mean_ms {
            out += &format!(" | cpu mean {cpu:7.2} ms");
        }
        out
    }
}

/// A 4032×3024 photo-like JPEG: smooth light and shapes plus per-pixel grain.
fn synthetic_12mp_jpeg() -> Vec<u8> {
    let (w, h) = (4032u32, 3024u32);
    let mut seed = 0x2545_F491_4F6C_DD1Du64;
    let img = image::RgbImage::from_fn(w, h, |x, y| {
        seed ^= seed << 13;
        seed ^= seed >> 7;
        seed ^= seed << 17;
        let grain = (seed % 23) as f32 - 11.0;
        let (fx, fy) = (x as f32 / w as f32, y as f32 / h as f32);
        let base = 120.0
            + 60.0 * (fx * 9.0 + fy * 3.0).sin()
            + 35.0 * (fy * 17.0 - fx * 5.0).cos()
            + if ((x / 300) + (y / 220)) % 3 == 0 {
                40.0
            } else {
                0.0
            };
        let v = |off: f32| (base + off + grain).clamp(0.0, 255.0) as u8;
        image::Rgb([v(10.0), v(0.0), v(-25.0)])
    });
    let mut out = Vec::new();
    let encoder = image::codecs::jpeg::JpegEncoder::new_with_quality(&mut out, 90);
    img.write_with_encoder(encoder)
        .expect("encode synthetic JPEG");
    out
}

fn bench_photo(label: &str, bytes: &[u8]) {
    let limits = Limits::default();
    let first = fingerprint_photo(bytes, &limits).expect("fingerprint");
    println!(
        "{label}: {}x{} {:.1} MB, hash {} quality {}",
        first.width,
        first.height,
        bytes.len() as f64 / 1e6,
        first.stored.hash,
        first.stored.quality
    );
    reset_peak_rss();
    let rss_before = peak_rss_kib();
    let total = Timing::measure(RUNS, || {
        fingerprint_photo(bytes, &limits).expect("fingerprint");
    });
    let rss_after = peak_rss_kib();
    let decoded = decode_luma_for_analysis(bytes, PDQ_DECODE_SHORT_SIDE, &limits).expect("decode");
    let decode = Timing::measure(RUNS, || {
        decode_luma_for_analysis(bytes, PDQ_DECODE_SHORT_SIDE, &limits).expect("decode");
    });
    let (w, h) = (decoded.width as usize, decoded.height as usize);
    let hash = Timing::measure(RUNS, || {
        pdq::PdqCoefficients::from_luma(decoded.luma.clone(), w, h).dihedral();
    });
    let target = if u64::from(first.width) * u64::from(first.height) <= 13_000_000 {
        "   [target for 12 MP: <= 30 ms]"
    } else {
        ""
    };
    println!(
        "  PDQ of the file (decode + 8 hashes): {}{target}",
        total.summary()
    );
    println!(
        "    luma decode at 1/{} ({}x{}):       {}",
        decoded.reduction,
        decoded.width,
        decoded.height,
        decode.summary()
    );
    println!("    hash (filter, DCT, 8 variants):   {}", hash.summary());
    if let (Some(a), Some(b)) = (rss_before, rss_after) {
        println!(
            "    peak RSS while hashing: {:.1} MB (input held in memory: {:.1} MB)",
            b.max(a) as f64 / 1024.0,
            bytes.len() as f64 / 1e6
        );
    }
}

fn bench_ledger() {
    let dir = std::env::temp_dir().join(format!("sharesafe-pdq-bench-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).expect("temp dir");
    let path = dir.join("bench.ledger");
    let mut x = 0x9E37_79B9_7F4A_7C15u64;
    let mut random_hash = || {
        let mut h = [0u8; 32];
        for b in h.iter_mut() {
            x ^= x << 13;
            x ^= x >> 7;
            x ^= x << 17;
            *b = x as u8;
        }
        PdqHash(h)
    };
    let entries: Vec<LedgerEntry> = (0..LEDGER_ENTRIES)
        .map(|i| LedgerEntry {
            hash: random_hash(),
            quality: 100,
            shared_at: 1_700_000_000 + i as i64 * 600,
            target_app: "com.whatsapp".to_string(),
        })
        .collect();
    let mut queries: Vec<PdqHash> = (0..QUERIES).map(|_| random_hash()).collect();
    // Half the queries are near-duplicates of stored entries (a few bits flipped).
    for (k, q) in queries.iter_mut().enumerate().filter(|(k, _)| k % 2 == 0) {
        let mut h = entries[(k * 499) % entries.len()].hash;
        h.0[k % 32] ^= 0b1011;
        *q = h;
    }
    {
        let mut ledger = Ledger::open(&path).expect("create ledger");
        let t = Instant::now();
        for chunk in entries.chunks(10_000) {
            ledger.append_many(chunk.iter().cloned()).expect("append");
        }
        println!(
            "ledger: wrote {LEDGER_ENTRIES} entries in {:.0} ms ({:.1} MB)",
            t.elapsed().as_secs_f64() * 1e3,
            std::fs::metadata(&path).map(|m| m.len()).unwrap_or(0) as f64 / 1e6
        );
    }
    let t = Instant::now();
    let ledger = Ledger::open(&path).expect("open ledger");
    println!(
        "  open (read + verify every record): {:.1} ms",
        t.elapsed().as_secs_f64() * 1e3
    );
    let mut found = 0;
    let mut qi = 0;
    let find = Timing::measure(QUERIES, || {
        found += ledger.find(&queries[qi % QUERIES], MATCH_THRESHOLD).len();
        qi += 1;
    });
    println!(
        "  find(hash, 31) over {LEDGER_ENTRIES}: {}   [target <= 5 ms]",
        find.summary()
    );
    let dihedral = pdq::PdqDihedral {
        hashes: [queries[0]; 8],
        quality: 100,
    };
    let any = Timing::measure(QUERIES / 4, || {
        found += ledger
            .find_any_orientation(&dihedral, MATCH_THRESHOLD)
            .len();
    });
    println!("  find_any_orientation (8 variants): {}", any.summary());
    println!("  ({found} matches in all)");
    let _ = std::fs::remove_dir_all(&dir);
}

fn main() {
    let paths: Vec<String> = std::env::args().skip(1).collect();
    if paths.is_empty() {
        let t = Instant::now();
        let bytes = synthetic_12mp_jpeg();
        println!(
            "(synthesised a 12 MP JPEG in {:.1} s)",
            t.elapsed().as_secs_f64()
        );
        bench_photo("synthetic 12 MP JPEG", &bytes);
    } else {
        for p in &paths {
            let bytes = std::fs::read(p).expect("read photo");
            let name = std::path::Path::new(p)
                .file_name()
                .map(|n| n.to_string_lossy().into_owned())
                .unwrap_or_default();
            bench_photo(&name, &bytes);
        }
    }
    bench_ledger();
}
