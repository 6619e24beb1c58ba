//! Why this exists: a file's name says nothing reliable about its content (a JPEG named `.HEIC` is
//! common), so every entry point decides the format from the first bytes alone.

use std::fmt;

/// A container format ShareSafe recognises.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Format {
    /// JPEG / JFIF / Exif JPEG.
    Jpeg,
    /// PNG and APNG.
    Png,
    /// WebP (RIFF), lossy, lossless, animated.
    Webp,
    /// GIF 87a/89a.
    Gif,
    /// HEIF still images (HEIC, HEIF) in ISO-BMFF.
    Heif,
    /// AVIF still images in ISO-BMFF.
    Avif,
    /// MP4 / M4V / 3GP video in ISO-BMFF.
    Mp4,
    /// Apple QuickTime MOV.
    Mov,
}

impl Format {
    /// The conventional file extension for cleaned output of this format.
    pub fn extension(self) -> &'static str {
        match self {
            Format::Jpeg => "jpg",
            Format::Png => "png",
            Format::Webp => "webp",
            Format::Gif => "gif",
            Format::Heif => "heic",
            Format::Avif => "avif",
            Format::Mp4 => "mp4",
            Format::Mov => "mov",
        }
    }

    /// The MIME type apps should declare when forwarding a file of this format.
    pub fn mime_type(self) -> &'static str {
        match self {
            Format::Jpeg => "image/jpeg",
            Format::Png => "image/png",
            Format::Webp => "image/webp",
            Format::Gif => "image/gif",
            Format::Heif => "image/heic",
            Format::Avif => "image/avif",
            Format::Mp4 => "video/mp4",
            Format::Mov => "video/quicktime",
        }
    }

    /// The short upper-case name used in messages.
    pub fn name(self) -> &'static str {
        match self {
            Format::Jpeg => "JPEG",
            Format::Png => "PNG",
            Format::Webp => "WebP",
            Format::Gif => "GIF",
            Format::Heif => "HEIF",
            Format::Avif => "AVIF",
            Format::Mp4 => "MP4",
            Format::Mov => "MOV",
        }
    }
}

impl fmt::Display for Format {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

/// How many leading bytes [`sniff`] needs to decide every format it knows.
pub const SNIFF_LEN: usize = 32;

/// Decides the format from the first bytes of a file (at least [`SNIFF_LEN`] when available).
/// Returns `None` for anything unrecognised.
pub fn sniff(head: &[u8]) -> Option<Format> {
    if head.len() >= 3 && head[..3] == [0xFF, 0xD8, 0xFF] {
        return Some(Format::Jpeg);
    }
    if head.len() >= 8 && head[..8] == *b"\x89PNG\r\n\x1a\n" {
        return Some(Format::Png);
    }
    if head.len() >= 12 && &head[..4] == b"RIFF" && &head[8..12] == b"WEBP" {
        return Some(Format::Webp);
    }
    if head.len() >= 6 && (&head[..6] == b"GIF87a" || &head[..6] == b"GIF89a") {
        return Some(Format::Gif);
    }
    sniff_isobmff(head)
}

/// ISO-BMFF files start with a box; `ftyp` carries the major brand (and compatible brands).
/// QuickTime files may start with `wide`, `mdat`, `moov` or `free` instead of `ftyp`.
/// A QuickTime box header is all it takes (8 bytes); an `ftyp` needs its major brand too (12).
/// (Asking 12 of every file once refused, as "no longer a MOV", the 8-byte clean of a 13-byte
/// MOV: an empty `moov` followed by 5 bytes that are not a box.)
fn sniff_isobmff(head: &[u8]) -> Option<Format> {
    if head.len() < 8 {
        return None;
    }
    let box_type = &head[4..8];
    if box_type != b"ftyp" {
        return match box_type {
            b"moov" | b"mdat" | b"wide" | b"free" | b"skip" | b"pnot" => Some(Format::Mov),
            _ => None,
        };
    }
    if head.len() < 12 {
        return None;
    }
    let size = u32::from_be_bytes([head[0], head[1], head[2], head[3]]) as usize;
    let brands_end = size.min(head.len());
    let mut brands: Vec<&[u8]> = vec![&head[8..12]];
    let mut i = 16;
    while i + 4 <= brands_end {
        brands.push(&head[i..i + 4]);
        i += 4;
    }
    let has = |b: &[u8; 4]| brands.iter().any(|x| *x == b);
    let major = &head[8..12];
    match major {
        b"avif" | b"avis" => Some(Format::Avif),
        b"heic" | b"heix" | b"heim" | b"heis" | b"hevc" | b"hevx" | b"mif1" | b"msf1" | b"mif2" => {
            if has(b"avif") && !has(b"heic") {
                Some(Format::Avif)
            } else {
                Some(Format::Heif)
            }
        }
        b"qt  " => Some(Format::Mov),
        _ if has(b"avif") => Some(Format::Avif),
        _ if has(b"heic") || has(b"mif1") => Some(Format::Heif),
        _ => Some(Format::Mp4),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sniffs_by_content() {
        assert_eq!(sniff(b"\xFF\xD8\xFF\xE0\0\x10JFIF"), Some(Format::Jpeg));
        assert_eq!(sniff(b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR"), Some(Format::Png));
        assert_eq!(sniff(b"RIFF\x1a\0\0\0WEBPVP8L"), Some(Format::Webp));
        assert_eq!(sniff(b"GIF89a\x01\0\x01\0"), Some(Format::Gif));
        assert_eq!(
            sniff(b"\0\0\0\x18ftypheic\0\0\0\0mif1heic"),
            Some(Format::Heif)
        );
        assert_eq!(
            sniff(b"\0\0\0\x1cftypavif\0\0\0\0avifmif1miaf"),
            Some(Format::Avif)
        );
        assert_eq!(sniff(b"\0\0\0\x14ftypqt  \0\0\0\0qt  "), Some(Format::Mov));
        assert_eq!(
            sniff(b"\0\0\0\x18ftypisom\0\0\x02\0isomiso2"),
            Some(Format::Mp4)
        );
        assert_eq!(sniff(b"%PDF-1.7"), None);
        assert_eq!(sniff(b""), None);
    }

    #[test]
    fn a_quicktime_box_header_is_enough_but_an_ftyp_needs_its_brand() {
        // What the clean of fuzz finding crash-f81bd4ba… (an empty `moov` and 5 stray bytes)
        // leaves: it must still read as a MOV.
        assert_eq!(sniff(b"\0\0\0\x08moov"), Some(Format::Mov));
        assert_eq!(sniff(b"\0\0\0\x08wide"), Some(Format::Mov));
        assert_eq!(sniff(b"\0\0\0\x08moo"), None);
        assert_eq!(sniff(b"\0\0\0\x0cftypqt "), None);
        assert_eq!(sniff(b"\0\0\0\x0cftypqt  "), Some(Format::Mov));
    }
}
