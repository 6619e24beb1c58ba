//! Benchmark driver for `scripts/bench_media.sh`: cleans one file with [`clean_file`] (read, clean,
//! verify, fsync, link) or, as the baseline, copies the same bytes with write + fsync + rename,
//! the least any safe file-producing tool must do. Prints the best and median wall time of `runs`
//! runs and the throughput; peak memory is measured around this process by `/usr/bin/time -v`.
//!
//! Usage: `bench_clean clean|copy INPUT OUTPUT_DIR [runs]`

use std::io::{Read, Write};
use std::path::Path;
use std::time::Instant;

use sharesafe_core::{clean_file, CleanOptions};

/// The baseline, streamed through one 64 KiB buffer like the cleaner (see `write_baseline.rs`
/// for why not a whole-file read).
fn copy_fsync_rename(input: &Path, dir: &Path) -> std::io::Result<()> {
    let mut src = std::fs::File::open(input)?;
    let tmp = dir.join(".bench-copy.tmp");
    let mut f = std::fs::File::create(&tmp)?;
    let mut buf = vec![0u8; 64 * 1024];
    loop {
        let n = src.read(&mut buf)?;
        if n == 0 {
            break;
        }
        f.write_all(&buf[..n])?;
    }
    f.sync_all()?;
    drop(f);
    std::fs::rename(&tmp, dir.join("copy.out"))?;
    std::fs::File::open(dir)?.sync_all()
}

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let args: Vec<String> = std::env::args().collect();
    let [_, mode, input, dir, rest @ ..] = args.as_slice() else {
        return Err("usage: bench_clean clean|copy INPUT OUTPUT_DIR [runs]".into());
    };
    let runs: usize = rest.first().map(|r| r.parse()).transpose()?.unwrap_or(5);
    let (input, dir) = (Path::new(input), Path::new(dir));
    let len = std::fs::metadata(input)?.len();
    let mut times = Vec::with_capacity(runs);
    for _ in 0..runs {
        let out = dir.join("clean.out");
        let _ = std::fs::remove_file(&out);
        let t = Instant::now();
        match mode.as_str() {
            "clean" => {
                clean_file(input, &out, &CleanOptions::default())?;
            }
            "copy" => copy_fsync_rename(input, dir)?,
            _ => return Err("mode is clean or copy".into()),
        }
        times.push(t.elapsed().as_secs_f64());
    }
    times.sort_by(f64::total_cmp);
    let median = times[times.len() / 2];
    let mb = len as f64 / 1e6;
    println!(
        "{mode} {mb:.1} MB: best {:.1} ms, median {:.1} ms, {:.0} MB/s (median)",
        times[0] * 1e3,
        median * 1e3,
        mb / median
    );
    Ok(())
}
