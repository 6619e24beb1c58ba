//! Why this exists: promise 2, nothing lost. A cleaned file is written to a temporary file in the
//! target's own directory, synced to disk, and only then renamed over (in place) or linked to (new
//! file, never clobbering) its final name, and the directory is synced. A crash at any instant
//! leaves the old file or the new one, never a torn mix; an error or a drop removes the temporary.

use std::collections::hash_map::RandomState;
use std::fs::{File, OpenOptions};
use std::hash::{BuildHasher, Hasher};
use std::io::ErrorKind;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU64, Ordering};

use crate::error::{Error, Result};

/// Every temporary file ShareSafe creates starts with this, so an interrupted batch can recognise
/// and remove its own leftovers (and nobody else's).
pub const TEMP_PREFIX: &str = ".sharesafe-";
/// ... and ends with this.
pub const TEMP_SUFFIX: &str = ".tmp";

/// True when `name` is one of ShareSafe's temporary file names.
pub fn is_temp_name(name: &str) -> bool {
    name.starts_with(TEMP_PREFIX) && name.ends_with(TEMP_SUFFIX)
}

/// A file being written that becomes visible under its final name only on commit.
pub struct AtomicFile {
    tmp: PathBuf,
    dir: PathBuf,
    file: Option<File>,
}

fn random_u64() -> u64 {
    static COUNTER: AtomicU64 = AtomicU64::new(0);
    let mut h = RandomState::new().build_hasher();
    h.write_u64(COUNTER.fetch_add(1, Ordering::Relaxed));
    h.write_u32(std::process::id());
    if let Ok(t) = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH) {
        h.write_u128(t.as_nanos());
    }
    h.finish()
}

impl AtomicFile {
    /// Creates a new, empty temporary file (read + write) in `dir`.
    pub fn new_in(dir: &Path) -> Result<Self> {
        for _ in 0..16 {
            let tmp = dir.join(format!("{TEMP_PREFIX}{:016x}{TEMP_SUFFIX}", random_u64()));
            match OpenOptions::new()
                .read(true)
                .write(true)
                .create_new(true)
                .open(&tmp)
            {
                Ok(file) => {
                    return Ok(AtomicFile {
                        tmp,
                        dir: dir.to_path_buf(),
                        file: Some(file),
                    })
                }
                Err(e) if e.kind() == ErrorKind::AlreadyExists => continue,
                Err(e) => return Err(Error::io("create temporary file", e)),
            }
        }
        Err(Error::io(
            "create temporary file",
            std::io::Error::other("no free temporary name"),
        ))
    }

    /// The open temporary file.
    pub fn file(&mut self) -> &mut File {
        // `file` is only taken by the commit functions, which consume `self`.
        self.file.as_mut().expect("file is present until commit")
    }

    fn sync_and_close(&mut self) -> Result<()> {
        if let Some(f) = self.file.take() {
            f.sync_all().map_err(|e| Error::io("sync output", e))?;
        }
        Ok(())
    }

    fn sync_dir(&self) -> Result<()> {
        // Directories cannot be opened for syncing on every platform; where they can, a failure
        // to sync is a real error.
        match File::open(&self.dir) {
            Ok(d) => d.sync_all().map_err(|e| Error::io("sync directory", e)),
            Err(_) => Ok(()),
        }
    }

    /// Syncs and publishes the file as `target`, failing with [`Error::OutputExists`] when
    /// `target` exists. Uses a hard link (atomic, never clobbers) where the file system has them.
    pub fn commit_new(mut self, target: &Path) -> Result<()> {
        self.sync_and_close()?;
        match std::fs::hard_link(&self.tmp, target) {
            Ok(()) => {
                let _ = std::fs::remove_file(&self.tmp);
            }
            Err(e) if e.kind() == ErrorKind::AlreadyExists => return Err(Error::OutputExists),
            Err(_) => {
                // No hard links here (FAT, some phone storage): check, then rename.
                if target.exists() {
                    return Err(Error::OutputExists);
                }
                std::fs::rename(&self.tmp, target).map_err(|e| Error::io("rename output", e))?;
            }
        }
        self.tmp = PathBuf::new();
        self.sync_dir()
    }

    /// Syncs and atomically replaces `target` (which may exist) with the file.
    pub fn commit_replace(mut self, target: &Path) -> Result<()> {
        self.sync_and_close()?;
        std::fs::rename(&self.tmp, target).map_err(|e| Error::io("rename output", e))?;
        self.tmp = PathBuf::new();
        self.sync_dir()
    }
}

impl Drop for AtomicFile {
    fn drop(&mut self) {
        if !self.tmp.as_os_str().is_empty() {
            self.file.take();
            let _ = std::fs::remove_file(&self.tmp);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::io::Write;

    fn tempdir(name: &str) -> PathBuf {
        let d = std::env::temp_dir().join(format!("sharesafe-atomic-{name}-{:x}", random_u64()));
        std::fs::create_dir_all(&d).expect("create test dir");
        d
    }

    #[test]
    fn commit_new_never_clobbers_and_leaves_no_temp() {
        let d = tempdir("new");
        let target = d.join("out.jpg");
        std::fs::write(&target, b"old").expect("write");
        let mut a = AtomicFile::new_in(&d).expect("temp");
        a.file().write_all(b"new").expect("write");
        assert!(matches!(a.commit_new(&target), Err(Error::OutputExists)));
        assert_eq!(std::fs::read(&target).expect("read"), b"old");
        let names: Vec<_> = std::fs::read_dir(&d).expect("ls").collect();
        assert_eq!(names.len(), 1, "temporary file left behind");
        std::fs::remove_dir_all(&d).ok();
    }

    #[test]
    fn commit_replace_swaps_whole_file() {
        let d = tempdir("replace");
        let target = d.join("photo.jpg");
        std::fs::write(&target, b"original bytes").expect("write");
        let mut a = AtomicFile::new_in(&d).expect("temp");
        a.file().write_all(b"clean").expect("write");
        a.commit_replace(&target).expect("commit");
        assert_eq!(std::fs::read(&target).expect("read"), b"clean");
        assert_eq!(std::fs::read_dir(&d).expect("ls").count(), 1);
        std::fs::remove_dir_all(&d).ok();
    }

    #[test]
    fn dropped_temp_is_removed() {
        let d = tempdir("drop");
        {
            let mut a = AtomicFile::new_in(&d).expect("temp");
            a.file().write_all(b"partial").expect("write");
        }
        assert_eq!(std::fs::read_dir(&d).expect("ls").count(), 0);
        std::fs::remove_dir_all(&d).ok();
    }
}
