//! Why this exists: one module per container, each with the same two duties. `clean` walks the
//! input once, asks [`crate::policy`] what to keep, streams kept bytes to the output and describes
//! every part it met; `verify` re-parses the output independently and refuses anything outside the
//! *output* allowlist. Both digest the image-bearing bytes, and the caller compares the two.

pub(crate) mod exif_orientation;
pub(crate) mod gif;
pub(crate) mod isobmff;
pub(crate) mod jpeg;
pub(crate) mod png;
pub(crate) mod webp;

use crate::parts::PartInfo;

/// What a format's `clean` found and did.
#[derive(Debug)]
pub(crate) struct Cleaned {
    /// Every part of the input, with what was done to it.
    pub(crate) parts: Vec<PartInfo>,
    /// Digest of the image-bearing bytes copied from the input.
    pub(crate) digest: u64,
    /// The orientation written to the output (`None` when the photo is upright or had none).
    pub(crate) orientation: Option<u16>,
}

/// What a format's `verify` found in a cleaned output.
#[derive(Debug, PartialEq, Eq)]
pub(crate) struct Verified {
    /// Digest of the image-bearing bytes in the output.
    pub(crate) digest: u64,
    /// The orientation the output carries.
    pub(crate) orientation: Option<u16>,
}
