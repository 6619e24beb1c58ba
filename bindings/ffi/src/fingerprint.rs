//! Why this exists: if a shared photo is ever misused, the parent can ask platforms to block it
//! (StopNCII, Take It Down) with its PDQ hash, and ShareSafe can say "you shared this, on that
//! day, to that app". The app fingerprints each photo it shares and records it in a private,
//! on-device ledger. Conversions only: the hash (`sharesafe_core::fingerprint::pdq`) and the
//! crash-safe ledger file (`sharesafe_core::fingerprint::ledger`) are the core's.

use std::path::Path;
use std::sync::{Arc, Mutex};

use sharesafe_core::fingerprint as core_fp;
use sharesafe_core::fingerprint::ledger::LedgerError;
use sharesafe_core::fingerprint::PdqHash;

use crate::error::ShareSafeError;
use crate::worker;

impl From<LedgerError> for ShareSafeError {
    fn from(e: LedgerError) -> Self {
        let message = e.to_string();
        match e {
            LedgerError::Io { .. } | LedgerError::NeedsReopen => Self::Storage(message),
            LedgerError::Damaged { .. } => Self::Damaged(message),
            LedgerError::TooLarge => Self::TooLarge(message),
            // A target app name that is too long, or an entry number that does not exist, is a
            // bug of the caller; so is any error this adapter does not know yet.
            _ => Self::Internal(message),
        }
    }
}

/// The PDQ fingerprint of a photo: what the ledger stores and what a hash-sharing service takes.
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Record)]
pub struct PhotoFingerprint {
    /// PDQ hash (64 hex digits) of the pixels as stored, EXIF orientation ignored: the form
    /// published hashes and StopNCII / Take It Down use.
    pub pdq_hex: String,
    /// The hash's quality, 0–100; below 50 a match is not trustworthy.
    pub quality: u8,
    /// PDQ hash of the photo as displayed (orientation applied); equal to `pdq_hex` when upright.
    pub oriented_pdq_hex: String,
    /// True when `quality` is too low to trust a match (flat, blank or tiny pictures).
    pub low_quality: bool,
    /// Stored width, in pixels.
    pub width: u32,
    /// Stored height, in pixels.
    pub height: u32,
    /// The hashes of all 8 rotations and mirrors of the stored pixels, so
    /// [`SharedPhotoLedger::find`] matches a photo shared upright and queried sideways (or
    /// mirrored). Empty when the record was built by hand: `find` then tries the two hashes above.
    #[uniffi(default)]
    pub rotation_hashes_hex: Vec<String>,
}

impl From<core_fp::PhotoFingerprint> for PhotoFingerprint {
    fn from(f: core_fp::PhotoFingerprint) -> Self {
        Self {
            pdq_hex: f.stored.hash.to_hex(),
            quality: f.stored.quality,
            oriented_pdq_hex: f.oriented.hash.to_hex(),
            low_quality: f.is_low_quality(),
            width: f.width,
            height: f.height,
            rotation_hashes_hex: f.dihedral.hashes.iter().map(PdqHash::to_hex).collect(),
        }
    }
}

fn parse_hash(hex: &str) -> Result<PdqHash, ShareSafeError> {
    PdqHash::from_hex(hex)
        .map_err(|_| ShareSafeError::Damaged("not a PDQ hash (64 hex digits)".to_owned()))
}

/// Fingerprints a photo held in memory (JPEG, PNG, WebP, GIF), decoding it at reduced scale.
#[uniffi::export]
pub async fn fingerprint_bytes(photo: Vec<u8>) -> Result<PhotoFingerprint, ShareSafeError> {
    worker::run(None, move || {
        let f = core_fp::fingerprint_photo(&photo, &sharesafe_core::Limits::default())?;
        Ok(f.into())
    })
    .await
}

/// Fingerprints the photo at `path`.
#[uniffi::export]
pub async fn fingerprint_file(path: String) -> Result<PhotoFingerprint, ShareSafeError> {
    worker::run(None, move || {
        let file =
            std::fs::File::open(Path::new(&path)).map_err(|e| sharesafe_core::Error::Io {
                op: "open input",
                source: e,
            })?;
        let f = core_fp::fingerprint_reader(
            std::io::BufReader::new(file),
            &sharesafe_core::Limits::default(),
        )?;
        Ok(f.into())
    })
    .await
}

/// The Hamming distance (0–256) between two PDQ hashes given as 64 hex digits; ≤ 31 means the
/// same picture. `Damaged` when either is not a PDQ hash.
#[uniffi::export]
pub fn pdq_distance(a_hex: String, b_hex: String) -> Result<u32, ShareSafeError> {
    Ok(parse_hash(&a_hex)?.distance(&parse_hash(&b_hex)?))
}

/// A photo the ledger remembers that matches a query.
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Record)]
pub struct LedgerMatch {
    /// The recorded PDQ hash (64 hex digits).
    pub pdq_hex: String,
    /// Hamming distance to the queried photo (the closest of its rotations/mirrors).
    pub distance: u32,
    /// When it was shared, in seconds since 1970-01-01 UTC.
    pub shared_at_unix: i64,
    /// The app it was shared to (package name / bundle identifier).
    pub target_app: String,
}

/// The private, on-device list of every photo shared through ShareSafe: PDQ hash, date and target
/// app only, never the photo or where it was taken. Append-only and crash-safe: an entry recorded
/// survives a kill or a power loss. Keep the file in app-private storage.
#[derive(uniffi::Object)]
pub struct SharedPhotoLedger {
    ledger: Mutex<core_fp::Ledger>,
}

impl std::fmt::Debug for SharedPhotoLedger {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("SharedPhotoLedger")
    }
}

impl SharedPhotoLedger {
    fn locked(&self) -> std::sync::MutexGuard<'_, core_fp::Ledger> {
        // A panic while holding the lock leaves the in-memory ledger as the file has it (the
        // core appends to memory only after the file), so the data is still good to use.
        self.ledger.lock().unwrap_or_else(|p| p.into_inner())
    }
}

#[uniffi::export]
impl SharedPhotoLedger {
    /// Opens the ledger file at `path`, creating it when missing (its directory must exist), and
    /// repairs a last entry torn by a crash.
    #[uniffi::constructor]
    pub fn open(path: String) -> Result<Arc<Self>, ShareSafeError> {
        crate::error::guard(|| {
            let ledger = core_fp::Ledger::open(Path::new(&path))?;
            Ok(Arc::new(Self {
                ledger: Mutex::new(ledger),
            }))
        })
    }

    /// Records that the photo with `fingerprint` was shared to `target_app` now. Durable when it
    /// returns.
    pub fn record(
        &self,
        fingerprint: PhotoFingerprint,
        target_app: String,
    ) -> Result<(), ShareSafeError> {
        crate::error::guard(|| {
            let hash = parse_hash(&fingerprint.pdq_hex)?;
            let entry = core_fp::LedgerEntry::now(hash, fingerprint.quality, target_app);
            self.locked().append(entry)?;
            Ok(())
        })
    }

    /// The recorded photos that match `fingerprint` in any orientation (distance ≤ 31), closest
    /// first.
    pub fn find(&self, fingerprint: PhotoFingerprint) -> Vec<LedgerMatch> {
        let ledger = self.locked();
        let rotations: Option<Vec<PdqHash>> = fingerprint
            .rotation_hashes_hex
            .iter()
            .map(|h| PdqHash::from_hex(h).ok())
            .collect();
        let matches = match rotations.and_then(|r| <[PdqHash; 8]>::try_from(r).ok()) {
            Some(hashes) => {
                let query = core_fp::pdq::PdqDihedral {
                    hashes,
                    quality: fingerprint.quality,
                };
                ledger.find_any_orientation(&query, core_fp::MATCH_THRESHOLD)
            }
            None => {
                // A hand-made record: the stored and the displayed hash, each entry once at its
                // closer distance.
                let mut all = Vec::new();
                for hex in [&fingerprint.pdq_hex, &fingerprint.oriented_pdq_hex] {
                    if let Ok(h) = PdqHash::from_hex(hex) {
                        all.extend(ledger.find(&h, core_fp::MATCH_THRESHOLD));
                    }
                }
                all.sort_by_key(|m| (m.distance, m.index));
                let mut seen = Vec::new();
                all.retain(|m| {
                    let new = !seen.contains(&m.index);
                    seen.push(m.index);
                    new
                });
                all
            }
        };
        matches
            .iter()
            .filter_map(|m| {
                let e = ledger.entries().get(m.index)?;
                Some(LedgerMatch {
                    pdq_hex: e.hash.to_hex(),
                    distance: m.distance,
                    shared_at_unix: e.shared_at,
                    target_app: e.target_app.clone(),
                })
            })
            .collect()
    }

    /// Every recorded hash as text for a report to StopNCII, Take It Down or the police: a comment
    /// line, then one line per photo with its PDQ hash, quality and the UTC date it was shared
    /// (no target app, no photo, no location).
    pub fn export_text(&self) -> String {
        let ledger = self.locked();
        let all: Vec<usize> = (0..ledger.len()).collect();
        // Every index exists, so the core's only error (an unknown index) cannot happen.
        ledger.export_text(&all).unwrap_or_default()
    }

    /// How many photos are recorded.
    pub fn count(&self) -> u64 {
        self.locked().len() as u64
    }
}
