//! Why this exists: when a child's photo is misused, a parent can ask platforms to block it through
//! StopNCII or Take It Down, which take a PDQ hash instead of the picture. ShareSafe can tell the
//! parent "yes, you shared this (or something like it), on this day, to this app" and hand over
//! the hash, because it keeps a private, on-device ledger of the PDQ hash of every photo shared
//! through it — never the photo, never where it was taken.
//!
//! - [`pdq`]: the hash itself (Meta's PDQ), its quality score and its 8 rotations/mirrors.
//! - [`ledger`]: the append-only, crash-safe ledger file and its queries.
//! - [`fingerprint_photo`]: bytes of a photo → hashes, decoding at reduced scale
//!   ([`crate::decode`]).
//!
//! Two hashes are given for each photo. The *stored* hash is of the pixels as the file holds
//! them, ignoring EXIF orientation: that is what Meta's tools and the published reference hashes
//! compute, so it is the one to hand to a hash-sharing service. The *oriented* hash is of the
//! photo as a person sees it (orientation applied); it equals the stored hash for upright photos.

pub mod ledger;
pub mod pdq;

use std::io::Read;

use crate::decode::{decode_luma_for_analysis, decode_reader_luma_for_analysis, AnalysisLuma};
use crate::{Format, Limits, Result};

pub use ledger::{Ledger, LedgerEntry, LedgerError, LedgerMatch};
pub use pdq::{pdq_hash, pdq_hash_dihedral, Dihedral, PdqDihedral, PdqHash, PdqResult};

/// Meta's recommended match threshold: two PDQ hashes at Hamming distance ≤ 31 are the same
/// picture (recompressed, resized, lightly edited).
pub const MATCH_THRESHOLD: u32 = 31;

/// Below this quality score a hash is not trustworthy (Meta recommends discarding hashes with
/// quality ≤ 49): flat, blank or tiny images all look alike to PDQ.
pub const MIN_TRUSTED_QUALITY: u8 = 50;

/// The shorter side PDQ decodes at. The hash is computed on a 64×64 image after a tent filter
/// one output cell wide; the filter needs at least 4 input pixels per cell to do its work (below
/// 128 pixels it degenerates to point sampling and hashes drift by 40+ bits), so 256. A 12 MP
/// JPEG then decodes at 1/8 scale (one pixel per DCT block, 504×378), and hashes stay within a
/// few bits of full-size decoding (measured over Meta's test images in `core/tests/pdq.rs`).
pub const PDQ_DECODE_SHORT_SIDE: u32 = 256;

/// The fingerprint of one photo.
#[derive(Debug, Clone, serde::Serialize)]
pub struct PhotoFingerprint {
    /// Hash and quality of the pixels as stored (EXIF orientation ignored): the form published
    /// hashes and hash-sharing services use.
    pub stored: PdqResult,
    /// Hash of the photo as displayed (EXIF orientation applied); equal to `stored` when the
    /// photo is upright.
    pub oriented: PdqResult,
    /// All 8 rotations/mirrors of the stored pixels, for rotation-blind matching.
    #[serde(skip)]
    pub dihedral: PdqDihedral,
    /// The EXIF orientation found (1–8, 1 when none).
    pub orientation: u16,
    /// The photo's container format.
    pub format: Format,
    /// Stored width at full size, in pixels.
    pub width: u32,
    /// Stored height at full size, in pixels.
    pub height: u32,
}

impl PhotoFingerprint {
    /// True when the quality is too low to trust a match ([`MIN_TRUSTED_QUALITY`]).
    pub fn is_low_quality(&self) -> bool {
        self.stored.quality < MIN_TRUSTED_QUALITY
    }
}

/// Fingerprints a photo held in memory (JPEG, PNG, WebP, GIF), decoding its luminance at
/// reduced scale under `limits` ([`decode_luma_for_analysis`]). The oriented hash is derived
/// from the stored pixels' DCT (a rotation or mirror of the image is a sign change and/or
/// transpose of its DCT), so the photo is decoded once.
pub fn fingerprint_photo(bytes: &[u8], limits: &Limits) -> Result<PhotoFingerprint> {
    let decoded = decode_luma_for_analysis(bytes, PDQ_DECODE_SHORT_SIDE, limits)?;
    Ok(fingerprint_decoded(decoded))
}

/// Like [`fingerprint_photo`], reading the photo from `reader` (at most
/// [`Limits::max_input_bytes`]).
pub fn fingerprint_reader<R: Read>(reader: R, limits: &Limits) -> Result<PhotoFingerprint> {
    let decoded = decode_reader_luma_for_analysis(reader, PDQ_DECODE_SHORT_SIDE, limits)?;
    Ok(fingerprint_decoded(decoded))
}

fn fingerprint_decoded(decoded: AnalysisLuma) -> PhotoFingerprint {
    let coeffs = pdq::PdqCoefficients::from_luma(
        decoded.luma,
        decoded.width as usize,
        decoded.height as usize,
    );
    let dihedral = coeffs.dihedral();
    let upright =
        Dihedral::from_exif_orientation(decoded.orientation).unwrap_or(Dihedral::Original);
    PhotoFingerprint {
        stored: coeffs.result(),
        oriented: PdqResult {
            hash: dihedral.get(upright),
            quality: dihedral.quality,
        },
        dihedral,
        orientation: decoded.orientation,
        format: decoded.format,
        width: decoded.stored_width,
        height: decoded.stored_height,
    }
}
