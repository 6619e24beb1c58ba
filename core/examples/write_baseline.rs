//! Benchmark baseline: what it costs just to write each file's bytes safely — read it, write a
//! temporary file in the output folder, fsync, rename, fsync the folder — the floor under any
//! cleaner that promises atomic, durable output. `sharesafe clean` is measured against it.
//!
//! The bytes go through one reused 64 KiB buffer, as a streaming cleaner's do. Reading each file
//! whole into a fresh allocation, as this did first, made the floor slower than the cleaner it
//! bounds: 4.95 s instead of 1.95 s over the bench corpus, nearly all of it kernel time. No
//! in-kernel copy (`copy_file_range`, as `cp` does): a cleaner writes bytes it has looked at.
//!
//! usage: write_baseline OUT_DIR FILE...

use std::io::{Read, Write};

fn main() -> std::io::Result<()> {
    let mut args = std::env::args_os().skip(1);
    let out = std::path::PathBuf::from(args.next().expect("usage: write_baseline OUT_DIR FILE..."));
    std::fs::create_dir_all(&out)?;
    let dir = std::fs::File::open(&out)?;
    let mut buf = vec![0u8; 64 * 1024];
    for input in args {
        let input = std::path::PathBuf::from(input);
        let mut src = std::fs::File::open(&input)?;
        let name = input.file_name().expect("file name");
        let tmp = out.join(".baseline.tmp");
        let mut f = std::fs::File::create(&tmp)?;
        loop {
            let n = src.read(&mut buf)?;
            if n == 0 {
                break;
            }
            f.write_all(&buf[..n])?;
        }
        f.sync_all()?;
        drop(f);
        std::fs::rename(&tmp, out.join(name))?;
        dir.sync_all()?;
    }
    Ok(())
}
