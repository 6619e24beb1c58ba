//! Why this exists: a camera roll takes minutes to clean, and phones kill background work, users
//! press Ctrl-C, batteries die. The journal lets the next run of the same batch skip what is done
//! and finish the rest, without redoing or losing work.
//!
//! It is crash-safe by construction: an append-only file of records, each `length | CRC-32 |
//! payload`, written with one `write` call. A kill can only tear the last record; on open every
//! record is checked and the first torn or damaged one ends the journal (the file is cut there, so
//! new records follow a good one). No record is ever rewritten.
//!
//! The journal is an optimisation, never the source of truth for safety: every file is published
//! atomically and verified, and cleaning a clean file again gives the same bytes. So a record lost
//! in a crash (written after the file was published, not yet on disk) costs one redone file, never
//! a wrong one — which is why records are not fsynced one by one (one sync per file would halve
//! the speed of small photos); the journal is synced when the batch ends.
//!
//! Where it lives is the caller's choice ([`crate::batch::BatchOptions::journal`]): an app passes a
//! file in its own state directory; the CLI keeps it beside the output (in the output folder, or
//! in the folder cleaned in place) under a name starting with [`JOURNAL_PREFIX`], which
//! [`crate::batch::collect_items`] ignores, and removes it when the batch completes.
//!
//! A record names an item by its input path (the journal stays on the device, beside the photos
//! it describes; nothing of it is ever logged).

use std::collections::HashMap;
use std::fs::{File, OpenOptions};
use std::io::{Read, Seek, SeekFrom, Write};
use std::path::{Path, PathBuf};

use crate::error::{Error, Result};
use crate::formats::png::Crc32;

/// Every journal file name starts with this (and ends with [`JOURNAL_SUFFIX`]).
pub const JOURNAL_PREFIX: &str = ".sharesafe-";
/// ... and ends with this.
pub const JOURNAL_SUFFIX: &str = ".journal";
/// The name the CLI gives its journal.
pub const DEFAULT_JOURNAL_NAME: &str = ".sharesafe-batch.journal";

const MAGIC: &[u8; 8] = b"SSBATCH1";
const KIND_HEADER: u8 = 1;
const KIND_DONE: u8 = 2;
/// Largest record accepted when reading back: a path and a few numbers.
const MAX_RECORD: u32 = 64 * 1024;
/// Largest journal read back (about half a million photos); a bigger file is not ours.
const MAX_JOURNAL_BYTES: u64 = 256 << 20;

/// True when `name` is a ShareSafe journal file name.
pub fn is_journal_name(name: &str) -> bool {
    name.starts_with(JOURNAL_PREFIX) && name.ends_with(JOURNAL_SUFFIX)
}

/// What the journal remembers of a finished item: the file it produced, and how to recognise that
/// the file is still the one we wrote (size and modification time, to the nanosecond).
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct DoneRecord {
    pub(crate) output: PathBuf,
    pub(crate) len: u64,
    pub(crate) mtime_ns: i128,
}

impl DoneRecord {
    /// The record for `output` as it is on disk now.
    pub(crate) fn of(output: &Path) -> std::io::Result<Self> {
        let m = std::fs::metadata(output)?;
        Ok(DoneRecord {
            output: output.to_path_buf(),
            len: m.len(),
            mtime_ns: mtime_ns(&m),
        })
    }

    /// True when the output is still there, unchanged since it was recorded.
    pub(crate) fn still_valid(&self) -> bool {
        DoneRecord::of(&self.output).is_ok_and(|now| now == *self)
    }
}

fn mtime_ns(m: &std::fs::Metadata) -> i128 {
    match m
        .modified()
        .map(|t| t.duration_since(std::time::UNIX_EPOCH))
    {
        Ok(Ok(d)) => d.as_nanos() as i128,
        Ok(Err(before)) => -(before.duration().as_nanos() as i128),
        Err(_) => 0,
    }
}

/// An open batch journal.
pub(crate) struct Journal {
    file: File,
    /// Items finished in earlier runs, by input path bytes.
    done: HashMap<Vec<u8>, DoneRecord>,
    /// The secret that makes random output names stable across resumed runs.
    pub(crate) name_key: [u8; 16],
    /// True when an earlier run of this batch left this journal (it did not finish).
    pub(crate) resumed: bool,
}

fn path_bytes(p: &Path) -> &[u8] {
    p.as_os_str().as_encoded_bytes()
}

fn frame(payload: &[u8]) -> Vec<u8> {
    let mut crc = Crc32::new();
    crc.update(payload);
    let mut rec = Vec::with_capacity(8 + payload.len());
    // Records are built by us from a path and numbers, far below u32::MAX.
    rec.extend_from_slice(&(payload.len() as u32).to_le_bytes());
    rec.extend_from_slice(&crc.finish().to_le_bytes());
    rec.extend_from_slice(payload);
    rec
}

/// Splits `data` into the payloads of its valid records; returns them and the length of the valid
/// prefix (where a torn or damaged record starts).
fn parse_records(data: &[u8]) -> (Vec<&[u8]>, usize) {
    let mut out = Vec::new();
    let mut at = 0usize;
    while let Some(head) = data.get(at..at + 8) {
        let len = u32::from_le_bytes([head[0], head[1], head[2], head[3]]);
        let crc = u32::from_le_bytes([head[4], head[5], head[6], head[7]]);
        if len > MAX_RECORD {
            break;
        }
        let Some(payload) = data.get(at + 8..at + 8 + len as usize) else {
            break;
        };
        let mut c = Crc32::new();
        c.update(payload);
        if c.finish() != crc {
            break;
        }
        out.push(payload);
        at += 8 + len as usize;
    }
    (out, at)
}

struct Reader<'a>(&'a [u8]);

impl<'a> Reader<'a> {
    fn take(&mut self, n: usize) -> Option<&'a [u8]> {
        let (a, b) = (self.0.get(..n)?, self.0.get(n..)?);
        self.0 = b;
        Some(a)
    }
    fn u8(&mut self) -> Option<u8> {
        Some(self.take(1)?[0])
    }
    fn u32(&mut self) -> Option<u32> {
        Some(u32::from_le_bytes(self.take(4)?.try_into().ok()?))
    }
    fn u64(&mut self) -> Option<u64> {
        Some(u64::from_le_bytes(self.take(8)?.try_into().ok()?))
    }
    fn i128(&mut self) -> Option<i128> {
        Some(i128::from_le_bytes(self.take(16)?.try_into().ok()?))
    }
    fn bytes(&mut self) -> Option<&'a [u8]> {
        let n = usize::try_from(self.u32()?).ok()?;
        self.take(n)
    }
}

fn put_bytes(buf: &mut Vec<u8>, b: &[u8]) {
    buf.extend_from_slice(&(b.len() as u32).to_le_bytes());
    buf.extend_from_slice(b);
}

fn header_payload(fingerprint: u64, name_key: &[u8; 16]) -> Vec<u8> {
    let mut p = vec![KIND_HEADER];
    p.extend_from_slice(MAGIC);
    p.extend_from_slice(&fingerprint.to_le_bytes());
    p.extend_from_slice(name_key);
    p
}

fn parse_header(p: &[u8], fingerprint: u64) -> Option<[u8; 16]> {
    let mut r = Reader(p);
    if r.u8()? != KIND_HEADER || r.take(8)? != MAGIC || r.u64()? != fingerprint {
        return None;
    }
    r.take(16)?.try_into().ok()
}

fn parse_done(p: &[u8]) -> Option<(Vec<u8>, DoneRecord)> {
    let mut r = Reader(p);
    if r.u8()? != KIND_DONE {
        return None;
    }
    let key = r.bytes()?.to_vec();
    let output = r.bytes()?;
    // Written by us from an OsStr on this same platform.
    let output = std::str::from_utf8(output)
        .ok()
        .map(PathBuf::from)
        .or_else(|| {
            #[cfg(unix)]
            {
                use std::os::unix::ffi::OsStrExt;
                Some(PathBuf::from(std::ffi::OsStr::from_bytes(output)))
            }
            #[cfg(not(unix))]
            None
        })?;
    let len = r.u64()?;
    let mtime_ns = r.i128()?;
    Some((
        key,
        DoneRecord {
            output,
            len,
            mtime_ns,
        },
    ))
}

impl Journal {
    /// Opens the journal at `path`, or starts one. `fingerprint` identifies the batch's settings
    /// (mode, output folder, naming): a journal left by a batch with other settings is discarded,
    /// since its records would describe other outputs. `fresh_key` is used as the random-name
    /// secret when a new journal is started.
    pub(crate) fn open(path: &Path, fingerprint: u64, fresh_key: [u8; 16]) -> Result<Self> {
        let io = |op| move |e| Error::io(op, e);
        let mut file = OpenOptions::new()
            .read(true)
            .write(true)
            .create(true)
            .truncate(false)
            .open(path)
            .map_err(io("open journal"))?;
        let len = file.metadata().map_err(io("open journal"))?.len();
        let mut data = Vec::new();
        if len <= MAX_JOURNAL_BYTES {
            (&mut file)
                .take(MAX_JOURNAL_BYTES)
                .read_to_end(&mut data)
                .map_err(io("read journal"))?;
        }
        let (records, valid) = parse_records(&data);
        let mut done = HashMap::new();
        let header = records.first().and_then(|h| parse_header(h, fingerprint));
        let (name_key, resumed, keep) = match header {
            Some(key) => {
                for r in &records[1..] {
                    // A record we cannot read ends the trustworthy part, as a torn one does.
                    let Some((k, rec)) = parse_done(r) else { break };
                    done.insert(k, rec);
                }
                (key, true, valid as u64)
            }
            None => (fresh_key, false, 0),
        };
        // Cut a torn tail (or a foreign journal) so appends follow a good record.
        file.set_len(keep).map_err(io("write journal"))?;
        file.seek(SeekFrom::End(0)).map_err(io("write journal"))?;
        let mut j = Journal {
            file,
            done,
            name_key,
            resumed,
        };
        if keep == 0 {
            j.append(&header_payload(fingerprint, &name_key))?;
            j.file.sync_all().map_err(io("sync journal"))?;
        }
        Ok(j)
    }

    fn append(&mut self, payload: &[u8]) -> Result<()> {
        // One write call per record: a kill tears at most this record, which the next open drops.
        self.file
            .write_all(&frame(payload))
            .map_err(|e| Error::io("write journal", e))
    }

    /// What an earlier run recorded for `input`, if its output is still as it left it.
    pub(crate) fn finished(&self, input: &Path) -> Option<&DoneRecord> {
        self.done.get(path_bytes(input)).filter(|r| r.still_valid())
    }

    /// Records that `input` was cleaned into `record.output`.
    pub(crate) fn record_done(&mut self, input: &Path, record: &DoneRecord) -> Result<()> {
        let mut p = vec![KIND_DONE];
        put_bytes(&mut p, path_bytes(input));
        put_bytes(&mut p, path_bytes(&record.output));
        p.extend_from_slice(&record.len.to_le_bytes());
        p.extend_from_slice(&record.mtime_ns.to_le_bytes());
        self.append(&p)?;
        self.done.insert(path_bytes(input).to_vec(), record.clone());
        Ok(())
    }

    /// Syncs the journal to disk.
    pub(crate) fn sync(&self) -> Result<()> {
        self.file
            .sync_all()
            .map_err(|e| Error::io("sync journal", e))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn tempdir(name: &str) -> PathBuf {
        let d =
            std::env::temp_dir().join(format!("sharesafe-journal-{name}-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&d);
        std::fs::create_dir_all(&d).expect("mkdir");
        d
    }

    #[test]
    fn records_survive_reopen_and_a_torn_tail_is_dropped() {
        let d = tempdir("torn");
        let jpath = d.join(DEFAULT_JOURNAL_NAME);
        let out = d.join("a.jpg");
        std::fs::write(&out, b"clean").expect("write");
        let key = [7u8; 16];
        {
            let mut j = Journal::open(&jpath, 42, key).expect("open");
            assert!(!j.resumed);
            j.record_done(Path::new("/in/a.jpg"), &DoneRecord::of(&out).expect("stat"))
                .expect("record");
        }
        let good_len = std::fs::metadata(&jpath).expect("stat").len();
        // Simulate a kill in the middle of the next record: a few bytes of garbage at the end.
        let mut f = OpenOptions::new().append(true).open(&jpath).expect("open");
        f.write_all(&[40, 0, 0, 0, 1, 2]).expect("write");
        drop(f);
        let j = Journal::open(&jpath, 42, [0u8; 16]).expect("reopen");
        assert!(j.resumed);
        assert_eq!(j.name_key, key, "random-name secret must survive a resume");
        assert!(j.finished(Path::new("/in/a.jpg")).is_some());
        assert!(j.finished(Path::new("/in/b.jpg")).is_none());
        assert_eq!(std::fs::metadata(&jpath).expect("stat").len(), good_len);
        // A changed output is not "done" any more.
        std::fs::write(&out, b"replaced by the user").expect("write");
        assert!(j.finished(Path::new("/in/a.jpg")).is_none());
        std::fs::remove_dir_all(&d).ok();
    }

    #[test]
    fn other_settings_or_garbage_start_a_fresh_journal() {
        let d = tempdir("fresh");
        let jpath = d.join(DEFAULT_JOURNAL_NAME);
        let out = d.join("a.jpg");
        std::fs::write(&out, b"clean").expect("write");
        {
            let mut j = Journal::open(&jpath, 1, [1; 16]).expect("open");
            j.record_done(Path::new("/in/a.jpg"), &DoneRecord::of(&out).expect("stat"))
                .expect("record");
        }
        let j = Journal::open(&jpath, 2, [2; 16]).expect("open");
        assert!(!j.resumed);
        assert_eq!(j.name_key, [2; 16]);
        assert!(j.finished(Path::new("/in/a.jpg")).is_none());
        drop(j);
        std::fs::write(&jpath, b"not a journal at all").expect("write");
        let j = Journal::open(&jpath, 2, [3; 16]).expect("open");
        assert!(!j.resumed);
        std::fs::remove_dir_all(&d).ok();
    }

    #[test]
    fn every_truncation_point_parses_to_a_prefix() {
        let mut data = frame(&header_payload(9, &[0; 16]));
        let mut p = vec![KIND_DONE];
        put_bytes(&mut p, b"/x");
        put_bytes(&mut p, b"/y");
        p.extend_from_slice(&[0u8; 24]);
        data.extend(frame(&p));
        let full = parse_records(&data).0.len();
        assert_eq!(full, 2);
        for n in 0..data.len() {
            let (recs, valid) = parse_records(&data[..n]);
            assert!(valid <= n && recs.len() < full);
        }
        // A flipped bit anywhere in a record drops it and what follows.
        for i in 0..data.len() {
            let mut bad = data.clone();
            bad[i] ^= 0x10;
            assert!(parse_records(&bad).0.len() < full, "flip at {i} accepted");
        }
    }
}
