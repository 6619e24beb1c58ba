//! Why this exists: the parent (and the CLI's `inspect`) should see exactly what a clean kept and
//! removed, named in words. Every format module describes each marker, chunk or box it meets as a
//! [`PartInfo`]: where it is, what kind of data it holds, and what the allowlist did with it.

use serde::Serialize;

use crate::error::Part;

/// What kind of information a part of the file holds, as far as privacy is concerned.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum PartKind {
    /// Signature, headers and structure that every decoder needs.
    Structure,
    /// Compressed pixels, tables and frame headers: the picture itself.
    ImageData,
    /// Colour information (ICC profile, Adobe APP14, PNG colour chunks, WebP ICCP).
    Colour,
    /// A minimal EXIF written by ShareSafe holding only the orientation.
    Orientation,
    /// EXIF: camera, time, GPS, serial numbers, maker notes, thumbnails.
    Exif,
    /// XMP (Adobe's XML metadata): editing history, people, places, document IDs.
    Xmp,
    /// IPTC / Photoshop image resources: captions, places, Facebook's FBMD tracking code.
    Iptc,
    /// A comment or free text (JPEG COM, PNG tEXt/zTXt/iTXt, GIF comment).
    Text,
    /// An embedded preview picture (JFIF/JFXX thumbnails).
    Thumbnail,
    /// Multi-picture data (MPF secondary images, depth and gain maps).
    MultiPicture,
    /// Provenance manifests (JUMBF / C2PA).
    Provenance,
    /// A timestamp (PNG tIME).
    Timestamp,
    /// Data after the end of the image: motion-photo video, Samsung SEFT, AFCP, junk.
    Trailer,
    /// Vendor or application data ShareSafe does not interpret.
    Unknown,
}

impl PartKind {
    /// A short phrase for people ("location and camera data (EXIF)").
    pub fn describe(self) -> &'static str {
        match self {
            PartKind::Structure => "file structure",
            PartKind::ImageData => "image data",
            PartKind::Colour => "colour profile",
            PartKind::Orientation => "orientation (rewritten, nothing else)",
            PartKind::Exif => "camera, time and location data (EXIF)",
            PartKind::Xmp => "XMP metadata (editing history, people, places, IDs)",
            PartKind::Iptc => "IPTC/Photoshop data (captions, places, Facebook FBMD code)",
            PartKind::Text => "text or comment",
            PartKind::Thumbnail => "embedded thumbnail picture",
            PartKind::MultiPicture => "extra pictures (MPF, depth or gain maps)",
            PartKind::Provenance => "provenance manifest (C2PA/JUMBF)",
            PartKind::Timestamp => "timestamp",
            PartKind::Trailer => "hidden data after the image (video, vendor data)",
            PartKind::Unknown => "unrecognised application data",
        }
    }
}

/// What the allowlist did with a part.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Action {
    /// Copied to the output byte for byte.
    Kept,
    /// Not copied.
    Removed,
    /// Replaced by a minimal version written by ShareSafe (JFIF without its thumbnail, EXIF
    /// holding only the orientation, a WebP VP8X header with updated flags).
    Rewritten,
}

/// One marker, chunk or box of the input and what happened to it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct PartInfo {
    /// Which marker/chunk/box.
    #[serde(serialize_with = "serialize_part")]
    pub part: Part,
    /// A finer label for the part's content when the marker alone is ambiguous
    /// (`"Exif"`, `"XMP"`, `"ICC_PROFILE"`, `"MPF"`, …); static, never taken from the file.
    pub label: &'static str,
    /// Byte offset of the part in the input.
    pub offset: u64,
    /// Length in bytes, including the part's own header.
    pub length: u64,
    /// What the part holds.
    pub kind: PartKind,
    /// What the clean did with it.
    pub action: Action,
}

fn serialize_part<S: serde::Serializer>(p: &Part, s: S) -> Result<S::Ok, S::Error> {
    s.collect_str(p)
}
