//! Benchmark baseline: what it costs just to write each file's bytes safely — read it, write a
//! temporary file in the output folder, fsync, rename, fsync the folder — the floor under any
//! cleaner that promises atomic, durable output. `sharesafe clean` is measured against it.
//!
//! usage: write_baseline OUT_DIR FILE...

use std::io::Write;

fn main() -> std::io::Result<()> {
    let mut args = std::env::args_os().skip(1);
    let out = std::path::PathBuf::from(args.next().expect("usage: write_baseline OUT_DIR FILE..."));
    std::fs::create_dir_all(&out)?;
    let dir = std::fs::File::open(&out)?;
    for input in args {
        let input = std::path::PathBuf::from(input);
        let bytes = std::fs::read(&input)?;
        let name = input.file_name().expect("file name");
        let tmp = out.join(".baseline.tmp");
        let mut f = std::fs::File::create(&tmp)?;
        f.write_all(&bytes)?;
        f.sync_all()?;
        drop(f);
        std::fs::rename(&tmp, out.join(name))?;
        dir.sync_all()?;
    }
    Ok(())
}
