//! Why this exists: to answer "did I share this photo, and when, and to which app?" long after
//! the photo left the phone, ShareSafe keeps one small file in the app's private storage with a
//! line per shared photo: its PDQ hash, the hash's quality, the time, and the app it went to.
//! Never the photo, never a thumbnail, never its location or any other metadata: a PDQ hash
//! cannot be turned back into a picture, and that is all the ledger holds about the image.
//!
//! The file must survive the app being killed at any moment (iOS kills share extensions freely),
//! so it is append-only and every record checks itself:
//!
//! ```text
//! file    = magic "SSPDQLG1" , record*
//! record  = len:u16le , payload[len] , crc32(len bytes ++ payload):u32le
//! payload = version:u8 (=1) , pdq:[u8;32] , quality:u8 , shared_at:i64le (Unix seconds) ,
//!           app_len:u8 , app:[u8;app_len] (UTF-8)
//! ```
//!
//! An append is one `write` of the whole record followed by `fsync`, so a kill leaves at worst a
//! partial last record. [`Ledger::open`] reads records until the first one that is incomplete or
//! fails its checksum; what follows it — a torn append, at most a few KiB of file-system padding —
//! is cut off. More than [`TORN_TAIL_MAX`] bytes of unreadable data is not a crash artefact but
//! damage, and the file is left untouched with [`LedgerError::Damaged`], so nothing is destroyed
//! silently.
//!
//! One process writes a ledger at a time (the app and its share extension must take turns);
//! lookups are in memory: a query over 100,000 entries takes well under a millisecond.

use std::fs::{File, OpenOptions};
use std::io::{BufReader, Read, Write};
use std::path::{Path, PathBuf};

use super::pdq::{Dihedral, PdqDihedral, PdqHash};

/// First bytes of every ledger file.
pub const MAGIC: &[u8; 8] = b"SSPDQLG1";
/// Record payload version written by this code.
const RECORD_VERSION: u8 = 1;
/// Longest target-app name stored, in bytes (Android package names and iOS bundle identifiers
/// are shorter in practice).
pub const MAX_TARGET_APP_BYTES: usize = 200;
/// Payload size without the app name: version, hash, quality, time, app length.
const FIXED_PAYLOAD: usize = 1 + 32 + 1 + 8 + 1;
/// Largest valid payload.
const MAX_PAYLOAD: usize = FIXED_PAYLOAD + MAX_TARGET_APP_BYTES;
/// Unreadable bytes at the end that [`Ledger::open`] treats as a torn append and cuts off.
pub const TORN_TAIL_MAX: u64 = 64 * 1024;
/// Largest ledger file read (about a million entries).
pub const MAX_LEDGER_BYTES: u64 = 64 << 20;

/// Everything that can go wrong with a ledger. Messages never contain a path or an entry.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum LedgerError {
    /// Reading, writing or syncing the file failed.
    #[error("ledger {op} failed: {source}")]
    Io {
        /// What was being done.
        op: &'static str,
        /// The operating system's error (which never includes the path).
        #[source]
        source: std::io::Error,
    },
    /// The file is not a ledger, or holds more unreadable data than a crash can leave.
    #[error("ledger file is damaged: {reason} at offset {offset}")]
    Damaged {
        /// Byte offset of the first unreadable data.
        offset: u64,
        /// What is wrong.
        reason: &'static str,
    },
    /// The file is larger than [`MAX_LEDGER_BYTES`].
    #[error("ledger file exceeds the size limit")]
    TooLarge,
    /// An entry to append is not storable.
    #[error("ledger entry rejected: {reason}")]
    InvalidEntry {
        /// Why.
        reason: &'static str,
    },
    /// An index passed to an export does not name an entry.
    #[error("no ledger entry number {index}")]
    NoSuchEntry {
        /// The index asked for.
        index: usize,
    },
    /// An earlier append failed and its partial bytes could not be removed; reopen the ledger
    /// (which cuts them off) before appending again.
    #[error("ledger must be reopened after a failed write")]
    NeedsReopen,
}

fn io(op: &'static str) -> impl FnOnce(std::io::Error) -> LedgerError {
    move |source| LedgerError::Io { op, source }
}

/// One shared photo, as the ledger remembers it.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct LedgerEntry {
    /// PDQ hash of the photo's stored pixels.
    pub hash: PdqHash,
    /// The hash's quality score (0–100).
    pub quality: u8,
    /// When it was shared, in seconds since 1970-01-01 UTC.
    pub shared_at: i64,
    /// The app it was shared to (package name / bundle identifier), at most
    /// [`MAX_TARGET_APP_BYTES`] bytes.
    pub target_app: String,
}

impl LedgerEntry {
    /// An entry stamped with the current time.
    pub fn now(hash: PdqHash, quality: u8, target_app: impl Into<String>) -> LedgerEntry {
        let shared_at = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map(|d| i64::try_from(d.as_secs()).unwrap_or(i64::MAX))
            .unwrap_or(0);
        LedgerEntry {
            hash,
            quality,
            shared_at,
            target_app: target_app.into(),
        }
    }

    fn validate(&self) -> Result<(), LedgerError> {
        if self.target_app.len() > MAX_TARGET_APP_BYTES {
            return Err(LedgerError::InvalidEntry {
                reason: "target app name is too long",
            });
        }
        if self.quality > 100 {
            return Err(LedgerError::InvalidEntry {
                reason: "quality is above 100",
            });
        }
        Ok(())
    }

    /// The full record bytes (length, payload, checksum).
    fn encode(&self, out: &mut Vec<u8>) {
        let app = self.target_app.as_bytes();
        let len = FIXED_PAYLOAD + app.len();
        let start = out.len();
        out.extend_from_slice(
            &u16::try_from(len)
                .expect("validated: payload is at most MAX_PAYLOAD bytes")
                .to_le_bytes(),
        );
        out.push(RECORD_VERSION);
        out.extend_from_slice(&self.hash.0);
        out.push(self.quality);
        out.extend_from_slice(&self.shared_at.to_le_bytes());
        out.push(u8::try_from(app.len()).expect("validated: app name fits in a byte"));
        out.extend_from_slice(app);
        let crc = crc32fast::hash(&out[start..]);
        out.extend_from_slice(&crc.to_le_bytes());
    }

    /// Parses a payload whose checksum has been verified.
    fn decode(payload: &[u8]) -> Option<LedgerEntry> {
        let (&version, rest) = payload.split_first()?;
        if version != RECORD_VERSION || rest.len() < FIXED_PAYLOAD - 1 {
            return None;
        }
        let hash = PdqHash(rest[..32].try_into().ok()?);
        let quality = rest[32];
        let shared_at = i64::from_le_bytes(rest[33..41].try_into().ok()?);
        let app_len = usize::from(rest[41]);
        let app = rest.get(42..)?;
        if app.len() != app_len || quality > 100 {
            return None;
        }
        let target_app = String::from_utf8(app.to_vec()).ok()?;
        Some(LedgerEntry {
            hash,
            quality,
            shared_at,
            target_app,
        })
    }
}

/// A ledger entry close to a queried hash.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
pub struct LedgerMatch {
    /// The entry's position in [`Ledger::entries`].
    pub index: usize,
    /// Hamming distance between the query and the entry's hash (0–256).
    pub distance: u32,
    /// Which rotation/mirror of the query matched ([`Dihedral::Original`] for plain queries).
    pub transform: Dihedral,
}

/// An open ledger: the file (for appends) and every entry in memory (for queries).
#[derive(Debug)]
pub struct Ledger {
    file: File,
    path: PathBuf,
    entries: Vec<LedgerEntry>,
    /// The entries' hashes as 64-bit words, kept apart so a scan touches 32 bytes per entry.
    words: Vec<[u64; 4]>,
    /// Length of the valid file.
    end: u64,
    /// Set when a write failed and its partial bytes could not be removed.
    poisoned: bool,
}

impl Ledger {
    /// Opens the ledger at `path`, creating it when missing, and cuts off a torn last record
    /// left by a crash (see the module documentation).
    pub fn open(path: impl AsRef<Path>) -> Result<Ledger, LedgerError> {
        let path = path.as_ref().to_path_buf();
        let mut file = OpenOptions::new()
            .read(true)
            .append(true)
            .create(true)
            .open(&path)
            .map_err(io("open"))?;
        let len = file.metadata().map_err(io("stat"))?.len();
        if len > MAX_LEDGER_BYTES {
            return Err(LedgerError::TooLarge);
        }
        if len < MAGIC.len() as u64 {
            // New, or killed while being created: anything but a prefix of the magic is foreign.
            let mut head = Vec::new();
            (&file).read_to_end(&mut head).map_err(io("read"))?;
            if !MAGIC.starts_with(&head) {
                return Err(LedgerError::Damaged {
                    offset: 0,
                    reason: "not a ShareSafe ledger",
                });
            }
            file.set_len(0).map_err(io("truncate"))?;
            file.write_all(MAGIC).map_err(io("write"))?;
            file.sync_all().map_err(io("sync"))?;
            sync_parent_dir(&path);
            return Ok(Ledger {
                file,
                path,
                entries: Vec::new(),
                words: Vec::new(),
                end: MAGIC.len() as u64,
                poisoned: false,
            });
        }

        let (entries, valid_end) = read_records(&file, len)?;
        if valid_end < len {
            if len - valid_end > TORN_TAIL_MAX {
                return Err(LedgerError::Damaged {
                    offset: valid_end,
                    reason: "unreadable records",
                });
            }
            log::warn!(
                "ledger: cutting off {} bytes of a torn last record",
                len - valid_end
            );
            file.set_len(valid_end).map_err(io("truncate"))?;
            file.sync_all().map_err(io("sync"))?;
        }
        let words = entries.iter().map(|e| e.hash.words()).collect();
        Ok(Ledger {
            file,
            path,
            entries,
            words,
            end: valid_end,
            poisoned: false,
        })
    }

    /// The file this ledger lives in.
    pub fn path(&self) -> &Path {
        &self.path
    }

    /// Every entry, oldest first.
    pub fn entries(&self) -> &[LedgerEntry] {
        &self.entries
    }

    /// Number of entries.
    pub fn len(&self) -> usize {
        self.entries.len()
    }

    /// True when nothing was recorded yet.
    pub fn is_empty(&self) -> bool {
        self.entries.is_empty()
    }

    /// Appends one entry durably: when this returns `Ok`, the entry survives a kill or a power
    /// loss.
    pub fn append(&mut self, entry: LedgerEntry) -> Result<(), LedgerError> {
        self.append_many(std::iter::once(entry))
    }

    /// Appends several entries with one write and one sync (an import, a batch share). Either
    /// all are appended or, after a crash, a prefix of them.
    pub fn append_many(
        &mut self,
        entries: impl IntoIterator<Item = LedgerEntry>,
    ) -> Result<(), LedgerError> {
        if self.poisoned {
            return Err(LedgerError::NeedsReopen);
        }
        let entries: Vec<LedgerEntry> = entries.into_iter().collect();
        let mut bytes = Vec::with_capacity(entries.len() * (FIXED_PAYLOAD + 6 + 24));
        for e in &entries {
            e.validate()?;
            e.encode(&mut bytes);
        }
        let new_end = self
            .end
            .checked_add(bytes.len() as u64)
            .filter(|&n| n <= MAX_LEDGER_BYTES)
            .ok_or(LedgerError::TooLarge)?;
        let written = self
            .file
            .write_all(&bytes)
            .and_then(|()| self.file.sync_data());
        if let Err(source) = written {
            // Take the partial record back off, so later appends stay readable.
            if self.file.set_len(self.end).is_err() {
                self.poisoned = true;
            }
            return Err(LedgerError::Io {
                op: "append",
                source,
            });
        }
        self.end = new_end;
        self.words.extend(entries.iter().map(|e| e.hash.words()));
        self.entries.extend(entries);
        Ok(())
    }

    /// Entries whose hash is within `max_distance` bits of `hash`, closest first (ties by age).
    /// Use [`super::MATCH_THRESHOLD`] (31) for "the same picture".
    pub fn find(&self, hash: &PdqHash, max_distance: u32) -> Vec<LedgerMatch> {
        let q = hash.words();
        let mut out: Vec<LedgerMatch> = self
            .words
            .iter()
            .enumerate()
            .filter_map(|(index, w)| {
                let distance = distance_words(&q, w);
                (distance <= max_distance).then_some(LedgerMatch {
                    index,
                    distance,
                    transform: Dihedral::Original,
                })
            })
            .collect();
        out.sort_by_key(|m| (m.distance, m.index));
        out
    }

    /// Like [`Ledger::find`], but an entry matches if *any* rotation or mirror of the queried
    /// photo is close: finds a photo shared upright and queried sideways, or mirrored by a
    /// selfie camera. Each entry is reported once, with its closest transform.
    pub fn find_any_orientation(&self, query: &PdqDihedral, max_distance: u32) -> Vec<LedgerMatch> {
        let qs: Vec<[u64; 4]> = query.hashes.iter().map(PdqHash::words).collect();
        let mut out: Vec<LedgerMatch> = self
            .words
            .iter()
            .enumerate()
            .filter_map(|(index, w)| {
                let (distance, which) = qs
                    .iter()
                    .zip(Dihedral::ALL)
                    .map(|(q, d)| (distance_words(q, w), d))
                    .min_by_key(|&(dist, _)| dist)
                    .expect("8 transforms");
                (distance <= max_distance).then_some(LedgerMatch {
                    index,
                    distance,
                    transform: which,
                })
            })
            .collect();
        out.sort_by_key(|m| (m.distance, m.index));
        out
    }

    /// The selected entries as text for a report to StopNCII, Take It Down or the police: a
    /// comment line, then one line per entry with the PDQ hash (64 hex digits), its quality and
    /// the UTC date it was shared. The target app is left out: the report is about the picture.
    pub fn export_text(&self, indices: &[usize]) -> Result<String, LedgerError> {
        let mut out = String::from(
            "# PDQ hashes of photos shared with ShareSafe: hash quality(0-100) date-shared(UTC)\n",
        );
        for &index in indices {
            let e = self
                .entries
                .get(index)
                .ok_or(LedgerError::NoSuchEntry { index })?;
            out.push_str(&format!(
                "{} {} {}\n",
                e.hash,
                e.quality,
                utc_date(e.shared_at)
            ));
        }
        Ok(out)
    }
}

fn distance_words(a: &[u64; 4], b: &[u64; 4]) -> u32 {
    (a[0] ^ b[0]).count_ones()
        + (a[1] ^ b[1]).count_ones()
        + (a[2] ^ b[2]).count_ones()
        + (a[3] ^ b[3]).count_ones()
}

/// Reads the magic and every valid record; returns the entries and where valid data ends.
fn read_records(file: &File, len: u64) -> Result<(Vec<LedgerEntry>, u64), LedgerError> {
    let mut r = BufReader::with_capacity(64 * 1024, file);
    let mut magic = [0u8; 8];
    r.read_exact(&mut magic).map_err(io("read"))?;
    if &magic != MAGIC {
        return Err(LedgerError::Damaged {
            offset: 0,
            reason: "not a ShareSafe ledger",
        });
    }
    let mut entries = Vec::new();
    let mut offset = MAGIC.len() as u64;
    let mut buf = [0u8; 2 + MAX_PAYLOAD + 4];
    loop {
        let remaining = len - offset;
        if remaining < 2 {
            break;
        }
        r.read_exact(&mut buf[..2]).map_err(io("read"))?;
        let plen = usize::from(u16::from_le_bytes([buf[0], buf[1]]));
        let total = 2 + plen + 4;
        if !(FIXED_PAYLOAD..=MAX_PAYLOAD).contains(&plen) || (total as u64) > remaining {
            break;
        }
        r.read_exact(&mut buf[2..total]).map_err(io("read"))?;
        let stored_crc = u32::from_le_bytes(
            buf[2 + plen..total]
                .try_into()
                .expect("exactly 4 checksum bytes"),
        );
        if crc32fast::hash(&buf[..2 + plen]) != stored_crc {
            break;
        }
        let Some(entry) = LedgerEntry::decode(&buf[2..2 + plen]) else {
            break;
        };
        entries.push(entry);
        offset += total as u64;
    }
    Ok((entries, offset))
}

/// Makes a newly created file's directory entry durable (best effort: not every platform lets a
/// directory be opened for syncing, and the file is still usable without it).
fn sync_parent_dir(path: &Path) {
    if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
        if let Ok(d) = File::open(dir) {
            let _ = d.sync_all();
        }
    }
}

/// `YYYY-MM-DD` of a Unix time, UTC (proleptic Gregorian; days-from-civil inverted).
fn utc_date(unix_seconds: i64) -> String {
    let days = unix_seconds.div_euclid(86_400);
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097);
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let day = doy - (153 * mp + 2) / 5 + 1;
    let month = if mp < 10 { mp + 3 } else { mp - 9 };
    let year = yoe + era * 400 + i64::from(month <= 2);
    format!("{year:04}-{month:02}-{day:02}")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn temp_path(name: &str) -> PathBuf {
        let dir =
            std::env::temp_dir().join(format!("sharesafe-ledger-{}-{name}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).expect("temp dir");
        dir.join("ledger.bin")
    }

    fn entry(i: u32) -> LedgerEntry {
        let mut h = [0u8; 32];
        for (k, b) in h.iter_mut().enumerate() {
            *b = (i.wrapping_mul(2_654_435_761).rotate_left(k as u32) >> 3) as u8;
        }
        LedgerEntry {
            hash: PdqHash(h),
            quality: (i % 101) as u8,
            shared_at: 1_700_000_000 + i64::from(i) * 60,
            target_app: format!("com.example.app{}", i % 5),
        }
    }

    #[test]
    fn appends_survive_reopen_and_queries_find_them() {
        let path = temp_path("reopen");
        {
            let mut l = Ledger::open(&path).expect("create");
            assert!(l.is_empty());
            for i in 0..10 {
                l.append(entry(i)).expect("append");
            }
        }
        let l = Ledger::open(&path).expect("reopen");
        assert_eq!(
            l.entries(),
            (0..10).map(entry).collect::<Vec<_>>().as_slice()
        );
        let mut q = entry(3).hash;
        q.0[0] ^= 0b111; // 3 bits away
        let hits = l.find(&q, 31);
        assert_eq!(hits[0].index, 3);
        assert_eq!(hits[0].distance, 3);
        assert!(l.find(&q, 2).iter().all(|m| m.index != 3));
    }

    #[test]
    fn every_torn_tail_is_cut_and_the_file_stays_usable() {
        let path = temp_path("torn");
        {
            let mut l = Ledger::open(&path).expect("create");
            l.append_many((0..3).map(entry)).expect("append");
        }
        let full = std::fs::read(&path).expect("read");
        let mut last = Vec::new();
        entry(3).encode(&mut last);
        for cut in 0..last.len() {
            let mut bytes = full.clone();
            bytes.extend_from_slice(&last[..cut]);
            std::fs::write(&path, &bytes).expect("write");
            let mut l = Ledger::open(&path).expect("open torn");
            assert_eq!(l.len(), 3, "cut at {cut}");
            l.append(entry(9)).expect("append after recovery");
            drop(l);
            let l = Ledger::open(&path).expect("reopen");
            assert_eq!(l.len(), 4);
            assert_eq!(l.entries()[3], entry(9));
        }
    }

    #[test]
    fn a_flipped_bit_ends_the_log_but_large_damage_is_refused() {
        let path = temp_path("flip");
        {
            let mut l = Ledger::open(&path).expect("create");
            l.append_many((0..5).map(entry)).expect("append");
        }
        let mut bytes = std::fs::read(&path).expect("read");
        let last_start = bytes.len() - {
            let mut v = Vec::new();
            entry(4).encode(&mut v);
            v.len()
        };
        bytes[last_start + 10] ^= 1;
        std::fs::write(&path, &bytes).expect("write");
        assert_eq!(Ledger::open(&path).expect("open").len(), 4);

        // Damage near the start with more than TORN_TAIL_MAX behind it is not a torn append.
        let mut l = Ledger::open(&path).expect("open");
        l.append_many((0..3000).map(entry)).expect("append");
        drop(l);
        let mut bytes = std::fs::read(&path).expect("read");
        bytes[MAGIC.len() + 5] ^= 0xFF;
        std::fs::write(&path, &bytes).expect("write");
        assert!(matches!(
            Ledger::open(&path),
            Err(LedgerError::Damaged { offset: 8, .. })
        ));
        assert_eq!(std::fs::read(&path).expect("read").len(), bytes.len());
    }

    #[test]
    fn foreign_files_are_not_touched() {
        let path = temp_path("foreign");
        std::fs::write(&path, b"hello").expect("write");
        assert!(matches!(
            Ledger::open(&path),
            Err(LedgerError::Damaged { .. })
        ));
        assert_eq!(std::fs::read(&path).expect("read"), b"hello");
        // A file killed while its magic was written is completed.
        std::fs::write(&path, &MAGIC[..3]).expect("write");
        assert!(Ledger::open(&path).expect("open").is_empty());
    }

    #[test]
    fn rejects_unstorable_entries() {
        let path = temp_path("invalid");
        let mut l = Ledger::open(&path).expect("create");
        let mut e = entry(1);
        e.target_app = "x".repeat(MAX_TARGET_APP_BYTES + 1);
        assert!(matches!(l.append(e), Err(LedgerError::InvalidEntry { .. })));
        let mut e = entry(1);
        e.quality = 101;
        assert!(matches!(l.append(e), Err(LedgerError::InvalidEntry { .. })));
        assert!(l.is_empty());
    }

    #[test]
    fn finds_rotated_queries_and_exports_text() {
        let path = temp_path("export");
        let mut l = Ledger::open(&path).expect("create");
        l.append_many((0..4).map(entry)).expect("append");
        let target = entry(2).hash;
        let mut hashes = [PdqHash([0x55; 32]); 8];
        hashes[3] = target; // the photo, queried rotated
        let query = PdqDihedral {
            hashes,
            quality: 100,
        };
        let hits = l.find_any_orientation(&query, 0);
        assert_eq!(hits.len(), 1);
        assert_eq!(hits[0].index, 2);
        assert_eq!(hits[0].transform, Dihedral::Rotate270);

        let text = l.export_text(&[2, 0]).expect("export");
        let lines: Vec<&str> = text.lines().collect();
        assert_eq!(lines.len(), 3);
        assert!(lines[0].starts_with('#'));
        assert_eq!(
            lines[1],
            format!("{} {} {}", target, entry(2).quality, "2023-11-14")
        );
        assert!(!text.contains("com.example"));
        assert!(matches!(
            l.export_text(&[9]),
            Err(LedgerError::NoSuchEntry { index: 9 })
        ));
    }

    #[test]
    fn utc_dates() {
        assert_eq!(utc_date(0), "1970-01-01");
        assert_eq!(utc_date(951_782_400), "2000-02-29");
        assert_eq!(utc_date(1_700_000_000), "2023-11-14");
        assert_eq!(utc_date(-86_400), "1969-12-31");
    }
}
