//! Why this exists: the app shows the parent what was found and removed, so the core's report
//! crosses the boundary as plain records and enums (no serde, no JSON strings to parse). These are
//! one-to-one copies of `sharesafe_core`'s types; the conversions below are all this module does.

use sharesafe_core as core;

/// A container format ShareSafe recognises, decided from the content, never from the file name.
#[derive(Debug, Clone, Copy, PartialEq, Eq, uniffi::Enum)]
pub enum FileFormat {
    /// JPEG / JFIF / Exif JPEG.
    Jpeg,
    /// PNG and APNG.
    Png,
    /// WebP (RIFF), lossy, lossless, animated.
    Webp,
    /// GIF 87a/89a.
    Gif,
    /// HEIF still images (HEIC, HEIF).
    Heif,
    /// AVIF still images.
    Avif,
    /// MP4 / M4V / 3GP video.
    Mp4,
    /// Apple QuickTime MOV.
    Mov,
}

impl From<core::Format> for FileFormat {
    fn from(f: core::Format) -> Self {
        match f {
            core::Format::Jpeg => Self::Jpeg,
            core::Format::Png => Self::Png,
            core::Format::Webp => Self::Webp,
            core::Format::Gif => Self::Gif,
            core::Format::Heif => Self::Heif,
            core::Format::Avif => Self::Avif,
            core::Format::Mp4 => Self::Mp4,
            core::Format::Mov => Self::Mov,
        }
    }
}

/// What kind of information a part of the file holds, as far as privacy is concerned.
#[derive(Debug, Clone, Copy, PartialEq, Eq, uniffi::Enum)]
pub enum PartKind {
    /// Signature, headers and structure that every decoder needs.
    Structure,
    /// Compressed pixels, tables and frame headers: the picture itself.
    ImageData,
    /// Colour information (ICC profile, Adobe APP14, PNG colour chunks, WebP ICCP).
    Colour,
    /// A minimal EXIF written by ShareSafe holding only the orientation.
    Orientation,
    /// EXIF: camera, time, GPS location, serial numbers, maker notes, thumbnails.
    Exif,
    /// XMP: editing history, people, places, document IDs.
    Xmp,
    /// IPTC / Photoshop image resources: captions, places, Facebook's FBMD tracking code.
    Iptc,
    /// A comment or free text.
    Text,
    /// An embedded preview picture.
    Thumbnail,
    /// Multi-picture data (MPF secondary images, depth and gain maps).
    MultiPicture,
    /// Provenance manifests (JUMBF / C2PA).
    Provenance,
    /// A timestamp (PNG tIME).
    Timestamp,
    /// Data after the end of the image: motion-photo video, vendor data, junk.
    Trailer,
    /// Vendor or application data ShareSafe does not interpret.
    Unknown,
}

impl From<core::PartKind> for PartKind {
    fn from(k: core::PartKind) -> Self {
        use core::PartKind as K;
        match k {
            K::Structure => Self::Structure,
            K::ImageData => Self::ImageData,
            K::Colour => Self::Colour,
            K::Orientation => Self::Orientation,
            K::Exif => Self::Exif,
            K::Xmp => Self::Xmp,
            K::Iptc => Self::Iptc,
            K::Text => Self::Text,
            K::Thumbnail => Self::Thumbnail,
            K::MultiPicture => Self::MultiPicture,
            K::Provenance => Self::Provenance,
            K::Timestamp => Self::Timestamp,
            K::Trailer => Self::Trailer,
            K::Unknown => Self::Unknown,
        }
    }
}

/// What the allowlist did (or, for an inspection, would do) with a part.
#[derive(Debug, Clone, Copy, PartialEq, Eq, uniffi::Enum)]
pub enum PartAction {
    /// Copied to the output byte for byte.
    Kept,
    /// Not copied.
    Removed,
    /// Replaced by a minimal version written by ShareSafe (e.g. EXIF holding only the orientation).
    Rewritten,
}

impl From<core::Action> for PartAction {
    fn from(a: core::Action) -> Self {
        match a {
            core::Action::Kept => Self::Kept,
            core::Action::Removed => Self::Removed,
            core::Action::Rewritten => Self::Rewritten,
        }
    }
}

/// One marker, chunk or box of the input and what happened to it.
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Record)]
pub struct PartInfo {
    /// Which marker, chunk or box (`"marker 0xFFE1 (APP1)"`, `"iCCP"`); never text from the file.
    pub part: String,
    /// A finer label when the marker alone is ambiguous (`"Exif"`, `"XMP"`, `"ICC_PROFILE"`), or empty.
    pub label: String,
    /// Byte offset of the part in the input.
    pub offset: u64,
    /// Length in bytes, including the part's own header.
    pub length: u64,
    /// What the part holds.
    pub kind: PartKind,
    /// A short phrase for people describing `kind` ("camera, time and location data (EXIF)").
    pub description: String,
    /// What the clean did with it.
    pub action: PartAction,
}

impl From<&core::PartInfo> for PartInfo {
    fn from(p: &core::PartInfo) -> Self {
        Self {
            part: p.part.to_string(),
            label: p.label.to_owned(),
            offset: p.offset,
            length: p.length,
            kind: p.kind.into(),
            description: p.kind.describe().to_owned(),
            action: p.action.into(),
        }
    }
}

/// What a clean (or an inspection) found and did.
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Record)]
pub struct CleanReport {
    /// The format, decided from the content.
    pub format: FileFormat,
    /// The MIME type to declare when forwarding the cleaned file (`"image/jpeg"`).
    pub mime_type: String,
    /// The conventional file extension for the cleaned file, without a dot (`"jpg"`).
    pub extension: String,
    /// Size of the input in bytes.
    pub input_bytes: u64,
    /// Size of the cleaned output in bytes (for an inspection: what it would be).
    pub output_bytes: u64,
    /// The EXIF orientation (2–8) kept in the output, when the photo is rotated or mirrored.
    pub orientation: Option<u16>,
    /// Every part of the input, in file order, with what the allowlist did to it.
    pub parts: Vec<PartInfo>,
    /// The kinds of information removed, each once, in the order first met.
    pub removed_kinds: Vec<PartKind>,
}

impl From<core::CleanReport> for CleanReport {
    fn from(r: core::CleanReport) -> Self {
        Self {
            format: r.format.into(),
            mime_type: r.format.mime_type().to_owned(),
            extension: r.format.extension().to_owned(),
            input_bytes: r.input_bytes,
            output_bytes: r.output_bytes,
            orientation: r.orientation,
            removed_kinds: r.removed_kinds().into_iter().map(Into::into).collect(),
            parts: r.parts.iter().map(Into::into).collect(),
        }
    }
}

/// A verified clean copy held in memory, with its report.
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Record)]
pub struct CleanedFile {
    /// The cleaned file, ready to share.
    pub bytes: Vec<u8>,
    /// What was found and done.
    pub report: CleanReport,
}

impl From<core::CleanedBytes> for CleanedFile {
    fn from(c: core::CleanedBytes) -> Self {
        Self {
            bytes: c.bytes,
            report: c.report.into(),
        }
    }
}
