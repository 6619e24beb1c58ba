//! Benchmarks for face detection and redaction, printing figures (never asserting them): run in
//! release, one thread, one mode per process so peak RSS belongs to that mode alone.
//!
//! ```text
//! cargo run --release -p sharesafe-core --example faces_bench -- detect MODEL PHOTO_12MP.jpg
//! cargo run --release -p sharesafe-core --example faces_bench -- sizes MODEL 640x480 1280x960
//! cargo run --release -p sharesafe-core --example faces_bench -- redact PHOTO_48MP.jpg [MODEL]
//! ```
//! `detect`: decode time, then whole detection (both passes) median of 5, and the model inputs
//! it ran. `sizes`: one model run per size, median of 5 (compare with
//! `scripts/bench_faces_ort.py`). `redact`: redacts four boxes of a 48 MP baseline JPEG (with the
//! after-encoding face check when MODEL is given) and prints time and peak RSS.

use std::time::{Duration, Instant};

use sharesafe_core::faces::{DetectOptions, FaceDetector};
use sharesafe_core::redact::{redact_with, FaceFinder, RedactOptions, Region};

fn peak_rss_mb() -> f64 {
    let status = std::fs::read_to_string("/proc/self/status").unwrap_or_default();
    status
        .lines()
        .find(|l| l.starts_with("VmHWM:"))
        .and_then(|l| l.split_whitespace().nth(1))
        .and_then(|kb| kb.parse::<f64>().ok())
        .map(|kb| kb / 1024.0)
        .unwrap_or(f64::NAN)
}

fn median(mut v: Vec<Duration>) -> Duration {
    v.sort();
    v[v.len() / 2]
}

fn ms(d: Duration) -> f64 {
    d.as_secs_f64() * 1000.0
}

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let args: Vec<String> = std::env::args().skip(1).collect();
    match args.first().map(String::as_str) {
        Some("detect") if args.len() == 3 => detect(&args[1], &args[2]),
        Some("sizes") if args.len() >= 3 => sizes(&args[1], &args[2..]),
        Some("redact") if args.len() >= 2 => redact(&args[1], args.get(2)),
        _ => {
            eprintln!(
                "usage: faces_bench detect MODEL PHOTO | sizes MODEL WxH... | redact PHOTO [MODEL]"
            );
            std::process::exit(2);
        }
    }
}

fn detect(model: &str, photo: &str) -> Result<(), Box<dyn std::error::Error>> {
    let det = FaceDetector::from_path(model.as_ref())?;
    let bytes = std::fs::read(photo)?;
    let after_load = peak_rss_mb();
    let opts = DetectOptions::default();
    // What the app does: decode at reduced size, then both passes. The first call also builds
    // the plans (one per model input size).
    let t = Instant::now();
    let found = det.detect_photo(&bytes, &opts)?;
    let first = t.elapsed();
    let runs_per_photo = det.model_runs();
    let (iw, ih) = opts.input_for(found.width, found.height);
    let runs: Vec<Duration> = (0..5)
        .map(|_| {
            let t = Instant::now();
            let _ = det.detect_photo(&bytes, &opts);
            t.elapsed()
        })
        .collect();
    // The model alone on the decoded photo, and the whole-photo pass alone (plans warm).
    let request = sharesafe_core::decode::AnalysisRequest {
        min_short_side: sharesafe_core::decode::min_short_side_for_long(
            found.width,
            found.height,
            opts.tiled_side,
        ),
        apply_orientation: true,
    };
    let t = Instant::now();
    let img = sharesafe_core::decode::decode_for_analysis(&bytes, &request, &opts.limits)?.image;
    let decode = t.elapsed();
    let whole_only = DetectOptions {
        tiled_side: 0,
        ..DetectOptions::default()
    };
    let _ = det.detect_rgb(&img, &whole_only)?;
    let whole: Vec<Duration> = (0..5)
        .map(|_| {
            let t = Instant::now();
            let _ = det.detect_rgb(&img, &whole_only);
            t.elapsed()
        })
        .collect();
    println!(
        "photo {}x{} decoded at 1/{} ({}x{}): decode {:.0} ms; model runs per photo {runs_per_photo} at {iw}x{ih}; detect_photo (decode + whole + tiles) first {:.0} ms (plans built), median {:.0} ms; whole-photo pass only median {:.0} ms; {} faces; peak RSS {:.0} MB (after loading the model and reading the file: {:.0} MB)",
        found.width,
        found.height,
        found.decoded_reduction,
        img.width(),
        img.height(),
        ms(decode),
        ms(first),
        ms(median(runs)),
        ms(median(whole)),
        found.faces.len(),
        peak_rss_mb(),
        after_load
    );
    Ok(())
}

fn sizes(model: &str, sizes: &[String]) -> Result<(), Box<dyn std::error::Error>> {
    let det = FaceDetector::from_path(model.as_ref())?;
    for s in sizes {
        let (w, h) = s
            .split_once('x')
            .and_then(|(w, h)| Some((w.parse::<u32>().ok()?, h.parse::<u32>().ok()?)))
            .ok_or("size must be WxH")?;
        let img = image::RgbImage::from_fn(w, h, |x, y| {
            image::Rgb([(x % 251) as u8, (y % 241) as u8, ((x + y) % 239) as u8])
        });
        // Whole-photo pass only, at exactly this size (never enlarged, never tiled).
        let opts = DetectOptions {
            input_long: w.max(h),
            input_short: w.min(h),
            tiled_side: 0,
            ..DetectOptions::default()
        };
        let _ = det.detect_rgb(&img, &opts)?;
        let runs: Vec<Duration> = (0..5)
            .map(|_| {
                let t = Instant::now();
                let _ = det.detect_rgb(&img, &opts);
                t.elapsed()
            })
            .collect();
        println!("tract {w}x{h}: median {:.1} ms", ms(median(runs)));
        det.release_plans();
    }
    println!("peak RSS {:.0} MB", peak_rss_mb());
    Ok(())
}

fn redact(photo: &str, model: Option<&String>) -> Result<(), Box<dyn std::error::Error>> {
    let det = match model {
        Some(m) => Some(FaceDetector::from_path(m.as_ref())?),
        None => None,
    };
    let bytes = std::fs::read(photo)?;
    let base = peak_rss_mb();
    let regions: Vec<Region> = (0..4)
        .map(|i| Region {
            x: 500 + i * 1700,
            y: 900 + i * 1100,
            width: 600,
            height: 800,
        })
        .collect();
    let t = Instant::now();
    let out = redact_with(
        &bytes,
        &regions,
        &RedactOptions::default(),
        det.as_ref().map(|d| d as &dyn FaceFinder),
    )?;
    let took = t.elapsed();
    println!(
        "redact {} bytes -> {} bytes ({:?}, {} blocks): {:.0} ms; peak RSS {:.0} MB (after reading the input: {:.0} MB); checks: {}",
        bytes.len(),
        out.bytes.len(),
        out.report.method,
        out.report.units_replaced,
        ms(took),
        peak_rss_mb(),
        base,
        out.report.checks.join("; ")
    );
    Ok(())
}
