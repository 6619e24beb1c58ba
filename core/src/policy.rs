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

/// GIF: by block introducer and extension label; application extensions by their 11-byte
/// identifier. Colour stays as in the other formats: an `ICCRGBG1` profile is kept (the same
/// reason as JPEG APP2 ICC: some viewers colour-manage GIFs with it).
pub fn gif_block(introducer: u8, label: u8, app_id: &[u8]) -> Decision {
    use Decision::*;
    match (introducer, label) {
        (0x2C, _) => Keep(PartKind::ImageData), // image descriptor, local palette, LZW data
        (0x21, 0xF9) => Keep(PartKind::ImageData), // graphic control: delay, transparency
        (0x21, 0xFF) if app_id == b"NETSCAPE2.0" || app_id == b"ANIMEXTS1.0" => {
            Keep(PartKind::Structure) // animation loop count
        }
        (0x21, 0xFF) if app_id == b"ICCRGBG1012" => Keep(PartKind::Colour),
        (0x21, 0xFF) if app_id == b"XMP DataXMP" => Remove(PartKind::Xmp),
        (0x21, 0xFF) if app_id == b"MGK8BIM0000" || app_id == b"MGKIPTC0000" => {
            Remove(PartKind::Iptc)
        }
        (0x21, 0xFE) => Remove(PartKind::Text), // comment
        (0x21, 0x01) => Remove(PartKind::Text), // plain text
        _ => Remove(PartKind::Unknown),         // other application extensions
    }
}

/// MP4/MOV: which boxes are containers the cleaner walks into (the rest are leaves, decided by
/// [`movie_box`]). Sample tables (`stbl`), edit lists and handlers are leaves kept whole.
pub fn movie_container(parent: &[u8; 4], typ: &[u8; 4]) -> bool {
    matches!(
        (parent, typ),
        (b"root", b"moov" | b"moof")
            | (b"moov", b"trak")
            | (b"trak", b"mdia")
            | (b"mdia", b"minf")
            | (b"moof", b"traf")
    )
}

/// MP4/MOV: what to do with a box, by its parent (`root` at the top level) and type. Removed boxes
/// become `free` boxes of the same size with a zeroed payload; `Rewrite` keeps a box with its
/// creation and modification times set to zero (or, for `free`/`skip`, its payload zeroed).
pub fn movie_box(parent: &[u8; 4], typ: &[u8; 4]) -> Decision {
    use Decision::*;
    match (parent, typ) {
        (_, b"free" | b"skip") => Rewrite(PartKind::Structure), // padding may hide old data
        (_, b"udta") => Remove(PartKind::Exif), // ©xyz GPS, ©mak, ©mod, ©swr, XMP_, ...
        (_, b"meta") => Remove(PartKind::Exif), // keys/ilst: ISO6709 location, make, model, ...
        (_, b"uuid") => Remove(PartKind::Xmp),  // XMP and vendor boxes
        (b"root", b"ftyp" | b"wide" | b"styp" | b"sidx" | b"mfra") => Keep(PartKind::Structure),
        (b"root", b"mdat") => Keep(PartKind::ImageData),
        (b"moov", b"mvhd") | (b"trak", b"tkhd") | (b"mdia", b"mdhd") => {
            Rewrite(PartKind::Timestamp) // capture time
        }
        (b"moov", b"iods" | b"mvex") => Keep(PartKind::Structure),
        (b"trak", b"tref" | b"edts" | b"tapt" | b"load" | b"matt" | b"txas" | b"imap") => {
            Keep(PartKind::Structure)
        }
        (b"mdia", b"hdlr" | b"elng") => Keep(PartKind::Structure),
        (b"minf", b"stbl") => Keep(PartKind::ImageData), // codec setup and sample tables
        (b"minf", b"vmhd" | b"smhd" | b"hmhd" | b"nmhd" | b"sthd" | b"gmhd" | b"hdlr") => {
            Keep(PartKind::Structure)
        }
        (b"minf", b"dinf") => Keep(PartKind::Structure),
        (b"moof", b"mfhd") => Keep(PartKind::Structure),
        (b"traf", _) => Keep(PartKind::ImageData), // tfhd, tfdt, trun, sample groups
        _ => Remove(PartKind::Unknown),
    }
}

/// HEIF/AVIF: the top-level boxes. `meta` and `mdat` are rebuilt (only kept items, unused media
/// bytes zeroed); everything else is dropped — `moov` is an image-sequence or burst track and
/// `mpvd` is Samsung's motion-photo video.
pub fn heif_top_level(typ: &[u8; 4]) -> Decision {
    use Decision::*;
    match typ {
        b"ftyp" => Keep(PartKind::Structure),
        b"meta" => Rewrite(PartKind::Structure),
        b"mdat" => Rewrite(PartKind::ImageData),
        b"mpvd" => Remove(PartKind::Trailer),
        b"moov" => Remove(PartKind::MultiPicture),
        b"uuid" => Remove(PartKind::Xmp),
        b"free" | b"skip" => Remove(PartKind::Structure),
        _ => Remove(PartKind::Unknown),
    }
}

/// HEIF/AVIF: the children of `meta`. `iinf`, `iloc`, `iref`, `iprp` are rebuilt for the kept
/// items; `idat` keeps only the bytes kept items use.
pub fn heif_meta_child(typ: &[u8; 4]) -> Decision {
    use Decision::*;
    match typ {
        b"hdlr" | b"pitm" | b"dinf" => Keep(PartKind::Structure),
        b"iinf" | b"iloc" | b"iref" | b"iprp" | b"grpl" => Rewrite(PartKind::Structure),
        b"idat" => Rewrite(PartKind::ImageData),
        b"xml " | b"bxml" => Remove(PartKind::Xmp),
        _ => Remove(PartKind::Unknown),
    }
}

/// HEIF/AVIF: an item by its type. Only coded or derived pictures can be kept; whether a
/// picture is kept also depends on its role (see [`heif_auxiliary`] and the thumbnail rule in the
/// HEIF module: thumbnails, depth and gain maps are hidden pictures and are removed).
pub fn heif_item(item_type: &[u8; 4], content_type: &[u8]) -> Decision {
    use Decision::*;
    match item_type {
        b"hvc1" | b"av01" | b"grid" | b"iovl" | b"iden" | b"jpeg" | b"hvt1" | b"j2k1" | b"unci"
        | b"avc1" | b"vvc1" => Keep(PartKind::ImageData),
        b"Exif" => Remove(PartKind::Exif),
        b"mime"
            if content_type
                .windows(3)
                .any(|w| w.eq_ignore_ascii_case(b"xml")) =>
        {
            Remove(PartKind::Xmp)
        }
        b"tmap" => Remove(PartKind::MultiPicture), // gain-map tone mapping
        _ => Remove(PartKind::Unknown),            // other mime items, uri, jumb (C2PA), ...
    }
}

/// HEIF/AVIF: an auxiliary picture by its `auxC` type. Alpha is part of the picture and kept;
/// depth maps, HDR gain maps and portrait mattes are hidden pictures and removed.
pub fn heif_auxiliary(aux_type: &[u8]) -> Decision {
    match aux_type {
        b"urn:mpeg:hevc:2015:auxid:1"
        | b"urn:mpeg:mpegB:cicp:systems:auxiliary:alpha"
        | b"urn:mpeg:avc:2015:auxid:1" => Decision::Keep(PartKind::ImageData),
        _ => Decision::Remove(PartKind::MultiPicture),
    }
}

/// HEIF/AVIF: item properties (`ipco`) kept so the picture decodes and shows exactly as before:
/// codec configuration, size, colour (incl. ICC), bit depth, rotation, mirroring, cropping.
pub fn heif_property(typ: &[u8; 4]) -> Decision {
    use Decision::*;
    match typ {
        b"colr" | b"clli" | b"mdcv" | b"cclv" | b"amve" | b"pixi" => Keep(PartKind::Colour),
        b"hvcC" | b"av1C" | b"avcC" | b"vvcC" | b"ispe" | b"irot" | b"imir" | b"clap" | b"pasp"
        | b"auxC" | b"rloc" | b"lsel" | b"a1op" | b"a1lx" | b"iscl" | b"uncC" | b"cmpd"
        | b"jpgC" | b"j2kH" | b"hvcE" => Keep(PartKind::ImageData),
        _ => Remove(PartKind::Unknown), // udes (text), vendor properties
    }
}

/// HEIF/AVIF: item references kept between kept items (grid tiles, alpha, premultiplication).
/// `cdsc` (metadata describing a picture) and `thmb` (thumbnail of) go with their items.
pub fn heif_reference(typ: &[u8; 4]) -> bool {
    matches!(typ, b"dimg" | b"auxl" | b"prem" | b"base")
}

/// MP4/MOV: track handlers whose whole track is removed (box and samples): timed metadata —
/// Apple `mebx` (detected faces, scene data), GoPro `gpmd` and Google `camm` telemetry with GPS.
pub fn movie_timed_metadata(handler: &[u8; 4]) -> bool {
    matches!(handler, b"meta" | b"mdta" | b"camm")
}
