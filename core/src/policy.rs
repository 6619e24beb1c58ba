//! Why this exists: the allowlist — what ShareSafe keeps — on one screen, apart from the parsers.
//! Anything not named here is removed. A reviewer checks privacy here; the format modules only
//! report what they found and obey. Keeping a thing needs a reason: a decoder needs it to show the
//! picture the same way (pixels, colour, orientation, animation).

use crate::parts::PartKind;

/// What to do with a part of the input.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Decision {
    /// Copy byte for byte; the bytes are part of the image (digested and verified).
    Keep(PartKind),
    /// Keep a minimal version written by ShareSafe (JFIF without thumbnail, EXIF with only the
    /// orientation, VP8X with recomputed flags).
    Rewrite(PartKind),
    /// Do not copy.
    Remove(PartKind),
}

/// JPEG: by marker, and for APPn by the identifier that starts the payload.
pub fn jpeg(marker: u8, app_id: &[u8]) -> Decision {
    use Decision::*;
    match marker {
        0xDB | 0xC4 | 0xCC | 0xDD | 0xDC => Keep(PartKind::ImageData), // DQT DHT DAC DRI DNL
        0xC0..=0xCF => Keep(PartKind::ImageData), // SOF0–15 (C4 DHT, C8 JPG, CC DAC above)
        0xDA | 0xD0..=0xD7 | 0xD9 => Keep(PartKind::ImageData), // SOS RSTn EOI
        0xE0 if app_id.starts_with(b"JFIF\0") => Rewrite(PartKind::Structure), // drop thumbnail
        0xE0 if app_id.starts_with(b"JFXX\0") => Remove(PartKind::Thumbnail),
        0xE1 if app_id.starts_with(b"Exif\0") => Rewrite(PartKind::Exif), // orientation only
        0xE1 => Remove(PartKind::Xmp), // XMP, Extended XMP, anything else in APP1
        0xE2 if app_id.starts_with(b"ICC_PROFILE\0") => Keep(PartKind::Colour),
        0xE2 if app_id.starts_with(b"MPF\0") => Remove(PartKind::MultiPicture),
        0xE2 => Remove(PartKind::Unknown), // FlashPix and others
        0xEB => Remove(PartKind::Provenance), // APP11 JUMBF / C2PA
        0xED => Remove(PartKind::Iptc),    // APP13 Photoshop IRB / IPTC (FBMD)
        0xEE if app_id.starts_with(b"Adobe") => Keep(PartKind::Colour), // APP14: CMYK/YCCK
        0xFE => Remove(PartKind::Text),    // COM
        _ => Remove(PartKind::Unknown),    // other APPn, JPGn, reserved
    }
}

/// PNG: by chunk type.
pub fn png(chunk: &[u8; 4]) -> Decision {
    use Decision::*;
    match chunk {
        b"IHDR" | b"PLTE" | b"IDAT" | b"IEND" | b"tRNS" => Keep(PartKind::ImageData),
        b"acTL" | b"fcTL" | b"fdAT" => Keep(PartKind::ImageData), // APNG animation
        b"gAMA" | b"cHRM" | b"sRGB" | b"iCCP" | b"cICP" | b"sBIT" | b"mDCv" | b"cLLi" => {
            Keep(PartKind::Colour)
        }
        b"pHYs" => Keep(PartKind::Structure), // pixel aspect ratio: shapes the picture
        b"eXIf" => Rewrite(PartKind::Exif),   // orientation only
        b"tEXt" | b"zTXt" | b"iTXt" => Remove(PartKind::Text), // XMP, raw EXIF/IPTC profiles
        b"tIME" => Remove(PartKind::Timestamp),
        b"caBX" => Remove(PartKind::Provenance),
        _ => Remove(PartKind::Unknown),
    }
}

/// WebP: by RIFF chunk id.
pub fn webp(chunk: &[u8; 4]) -> Decision {
    use Decision::*;
    match chunk {
        b"VP8 " | b"VP8L" | b"ALPH" | b"ANIM" | b"ANMF" => Keep(PartKind::ImageData),
        b"ICCP" => Keep(PartKind::Colour),
        b"VP8X" => Rewrite(PartKind::Structure), // flags recomputed
        b"EXIF" => Rewrite(PartKind::Exif),      // orientation only
        b"XMP " | b"XMP\0" => Remove(PartKind::Xmp),
        _ => Remove(PartKind::Unknown),
    }
}

/// Inside a WebP `ANMF` frame only the frame's own image chunks are kept.
pub fn webp_frame(chunk: &[u8; 4]) -> Decision {
    match chunk {
        b"VP8 " | b"VP8L" | b"ALPH" => Decision::Keep(PartKind::ImageData),
        _ => Decision::Remove(PartKind::Unknown),
    }
}
