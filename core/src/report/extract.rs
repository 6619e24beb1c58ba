//! Why this exists: a privacy finding is the same thing whichever container carried it. GPS in an
//! EXIF TIFF means the same in a JPEG APP1, a PNG eXIf, a WebP EXIF chunk or a HEIC Exif item; an
//! XMP packet is an XMP packet. So the readers here work per *payload type*, and
//! [`MetadataExtractor::block`] only decides which reader a removed block goes to.
//!
//! How a container format plugs in:
//! - best: its walk hands removed blocks over with `ctx.collect(&info, payload, complete)` (as
//!   JPEG/PNG/WebP do) and the usual [`PartKind`]s — `Exif` with or without the `Exif\0\0` or
//!   HEIC 4-byte offset header, `Xmp` (a bare or wrapped packet), `Iptc`, `Trailer`,
//!   `Thumbnail`, `MultiPicture`, `Provenance` — and [`MetadataExtractor::block`] does the rest;
//! - with no code at all (how HEIC/AVIF/MP4/MOV/GIF work today): [`crate::inspect`] reads every
//!   removed `Exif`/`Xmp`/`Iptc` part that was not handed over back from the file by its
//!   [`PartInfo`] offset and length ([`MetadataExtractor::uncollected_part`]: QuickTime
//!   `meta`/`udta` boxes, EXIF items, XMP inside any wrapper), and reports `Thumbnail`,
//!   `MultiPicture`, `Provenance` and `Trailer` parts from their kind. This needs the part's
//!   offset/length to cover its bytes contiguously (true for boxes; for a multi-extent item only
//!   the first extent's offset is known, so collecting it is better);
//! - for payloads only that container has, the per-type readers:
//!   [`MetadataExtractor::quicktime_meta`] (a `meta` box payload: `keys` + `ilst`),
//!   [`MetadataExtractor::quicktime_udta`] (a `udta` payload: `©xyz`, `©mak`… atoms, `XMP_`),
//!   [`MetadataExtractor::iso6709`] and [`MetadataExtractor::quicktime_key`] for single values.
//!
//! Every reader here takes untrusted bytes: slices are bounds-checked, nothing allocates more
//! than the block it was given, and a damaged payload becomes an
//! [`FindingId::UnreadableMetadata`] finding, never an error or a panic.

use crate::io::MetadataBlock;
use crate::parts::{PartInfo, PartKind};
use crate::Limits;

use super::{removed, xmp, Coordinates, Finding, FindingId, FoundIn, PrivateValue};

/// The EXIF (IFD1) JPEG thumbnail, kept for the comparison with the main picture.
pub(crate) struct ExifThumbnail {
    pub(crate) jpeg: Vec<u8>,
    pub(crate) info: PartInfo,
}

/// Collects findings from metadata payloads; see the module documentation for how a container
/// format feeds it.
pub struct MetadataExtractor {
    max_block: usize,
    findings: Vec<Finding>,
    exif_thumbnail: Option<ExifThumbnail>,
    extended_xmp: Vec<u8>,
    extended_xmp_info: Option<PartInfo>,
}

/// XMP namespaces the report reads.
pub(crate) mod ns {
    pub const EXIF: &str = "http://ns.adobe.com/exif/1.0/";
    pub const EXIF_EX: &str = "http://cipa.jp/exif/1.0/";
    pub const AUX: &str = "http://ns.adobe.com/exif/1.0/aux/";
    pub const TIFF: &str = "http://ns.adobe.com/tiff/1.0/";
    pub const XMP: &str = "http://ns.adobe.com/xap/1.0/";
    pub const XMP_MM: &str = "http://ns.adobe.com/xap/1.0/mm/";
    pub const ST_EVT: &str = "http://ns.adobe.com/xap/1.0/sType/ResourceEvent#";
    pub const DC: &str = "http://purl.org/dc/elements/1.1/";
    pub const PHOTOSHOP: &str = "http://ns.adobe.com/photoshop/1.0/";
    pub const IPTC_CORE: &str = "http://iptc.org/std/Iptc4xmpCore/1.0/xmlns/";
    pub const IPTC_EXT: &str = "http://iptc.org/std/Iptc4xmpExt/2008-02-29/";
    pub const MWG_RS: &str = "http://www.metadataworkinggroup.com/schemas/regions/";
    pub const MP_REG: &str = "http://ns.microsoft.com/photo/1.2/t/Region#";
    pub const MS_PHOTO: &str = "http://ns.microsoft.com/photo/1.0/";
    pub const LR: &str = "http://ns.adobe.com/lightroom/1.0/";
    pub const CRS: &str = "http://ns.adobe.com/camera-raw-settings/1.0/";
    pub const GCAMERA: &str = "http://ns.google.com/photos/1.0/camera/";
    pub const CONTAINER_ITEM: &str = "http://ns.google.com/photos/1.0/container/item/";
    pub const GDEPTH: &str = "http://ns.google.com/photos/1.0/depthmap/";
    pub const GIMAGE: &str = "http://ns.google.com/photos/1.0/image/";
    pub const HDRGM: &str = "http://ns.adobe.com/hdr-gain-map/1.0/";
    pub const PDF: &str = "http://ns.adobe.com/pdf/1.3/";
}

const XMP_ID: &[u8] = b"http://ns.adobe.com/xap/1.0/\0";
const EXT_XMP_ID: &[u8] = b"http://ns.adobe.com/xmp/extension/\0";
const PHOTOSHOP_ID: &[u8] = b"Photoshop 3.0\0";

/// Ids whose findings are one per file whatever their value: a second sighting only adds a place.
fn one_per_file(id: FindingId) -> bool {
    matches!(
        id,
        FindingId::Thumbnail
            | FindingId::ThumbnailDiffers
            | FindingId::MotionPhotoVideo
            | FindingId::DepthOrGainMap
            | FindingId::ExtraImages
            | FindingId::ProvenanceManifest
            | FindingId::MakerNote
    )
}

impl MetadataExtractor {
    /// A new, empty extractor. Payloads longer than [`Limits::max_metadata_bytes`] are read only in
    /// part.
    pub fn new(limits: &Limits) -> Self {
        MetadataExtractor {
            max_block: usize::try_from(limits.max_metadata_bytes).unwrap_or(usize::MAX),
            findings: Vec::new(),
            exif_thumbnail: None,
            extended_xmp: Vec::new(),
            extended_xmp_info: None,
        }
    }

    /// Adds a finding, merging it with an earlier one of the same id and value.
    pub fn push(
        &mut self,
        id: FindingId,
        value: &str,
        coordinates: Option<Coordinates>,
        info: &PartInfo,
        field: &'static str,
    ) {
        let value = PrivateValue::new(value);
        let at = FoundIn {
            part: info.part.to_string(),
            label: info.label,
            offset: info.offset,
            field,
        };
        let existing = self.findings.iter_mut().find(|f| {
            f.id == id && (one_per_file(id) || (f.value == value && f.coordinates == coordinates))
        });
        if let Some(f) = existing {
            if f.value.is_empty() && !value.is_empty() {
                f.value = value;
            }
            if !f.found_in.contains(&at) {
                f.found_in.push(at);
            }
            f.removed_by_clean &= removed(info);
            return;
        }
        self.findings.push(Finding {
            id,
            kind: id.kind(),
            severity: id.severity(),
            title: id.title(),
            explanation: id.explanation(),
            value,
            coordinates,
            found_in: vec![at],
            removed_by_clean: removed(info),
        });
    }

    /// Reads one removed block handed over by [`crate::inspect_metadata`], by its kind and label.
    pub fn block(&mut self, b: &MetadataBlock<'_>) {
        let info = b.info;
        if !b.complete && info.kind != PartKind::Trailer {
            self.push(
                FindingId::UnreadableMetadata,
                "block too large to read fully",
                None,
                info,
                "block length",
            );
        }
        let p = b.payload;
        match info.kind {
            PartKind::Exif => self.exif_payload(p, info),
            PartKind::Xmp => {
                if let Some(x) = p.strip_prefix(XMP_ID) {
                    self.xmp_packet(x, info);
                } else if let Some(x) = p.strip_prefix(EXT_XMP_ID) {
                    self.extended_xmp_chunk(x, info);
                } else if first_non_space(p) == Some(b'<') {
                    self.xmp_packet(p, info);
                }
            }
            PartKind::Iptc => match p.strip_prefix(PHOTOSHOP_ID) {
                Some(irb) => self.photoshop_irb(irb, info),
                None if p.first() == Some(&0x1C) => self.iptc_iim(p, info),
                None => self.photoshop_irb(p, info),
            },
            PartKind::Text => self.text_block(p, info),
            PartKind::Thumbnail => {
                self.push(FindingId::Thumbnail, "", None, info, "embedded thumbnail")
            }
            PartKind::MultiPicture => self.push(
                FindingId::ExtraImages,
                "multi-picture (MPF) images",
                None,
                info,
                "MPF",
            ),
            // A JPEG APP11 is a manifest only when it carries JUMBF boxes.
            PartKind::Provenance
                if info.label == "JUMBF"
                    || find(p, b"jumb").is_some()
                    || find(p, b"c2pa").is_some() =>
            {
                self.push(FindingId::ProvenanceManifest, "", None, info, "JUMBF/C2PA")
            }
            PartKind::Trailer => self.trailer(p, info),
            PartKind::Unknown if info.label.contains("unreadable") => self.push(
                FindingId::UnreadableMetadata,
                "",
                None,
                info,
                "block header",
            ),
            _ => {}
        }
    }

    /// A removed metadata part that the container's walk did not hand over as a block, read back
    /// from the file by its [`PartInfo`] offset and length (ISO-BMFF items and boxes, GIF
    /// extensions): a QuickTime `meta`/`udta` box, an EXIF item, an XMP packet inside whatever
    /// wraps it, IPTC. Bytes this cannot recognise are left alone: the part is still removed.
    pub fn uncollected_part(&mut self, b: &[u8], info: &PartInfo) {
        match b.get(4..8) {
            Some(t) if t == b"meta" => {
                return self.quicktime_meta(b.get(8..).unwrap_or_default(), info)
            }
            Some(t) if t == b"udta" => {
                return self.quicktime_udta(b.get(8..).unwrap_or_default(), info)
            }
            _ => {}
        }
        match info.kind {
            PartKind::Exif => {
                if let Some(t) = tiff_start(b) {
                    self.exif_tiff(t, info);
                }
            }
            PartKind::Xmp => {
                if let Some(x) = xmp_slice(b) {
                    self.xmp_packet(x, info);
                }
            }
            PartKind::Iptc => match b.strip_prefix(PHOTOSHOP_ID) {
                Some(irb) => self.photoshop_irb(irb, info),
                None if b.first() == Some(&0x1C) => self.iptc_iim(b, info),
                None => {}
            },
            _ => {}
        }
    }

    /// An EXIF payload with any of the usual headers: `Exif\0\0` (JPEG, some WebP), none (PNG
    /// eXIf, WebP), or HEIC's 4-byte offset to the TIFF header.
    pub fn exif_payload(&mut self, payload: &[u8], info: &PartInfo) {
        match tiff_start(payload) {
            Some(tiff) => self.exif_tiff(tiff, info),
            None => self.push(
                FindingId::UnreadableMetadata,
                "EXIF without a TIFF header",
                None,
                info,
                "EXIF header",
            ),
        }
    }

    /// An EXIF TIFF structure (starting `II*\0` or `MM\0*`), read with kamadak-exif.
    pub fn exif_tiff(&mut self, tiff: &[u8], info: &PartInfo) {
        super::exif::read(self, tiff, info);
    }

    pub(crate) fn set_exif_thumbnail(&mut self, jpeg: &[u8], info: &PartInfo) {
        if self.exif_thumbnail.is_none() {
            self.exif_thumbnail = Some(ExifThumbnail {
                jpeg: jpeg.to_vec(),
                info: info.clone(),
            });
        }
    }

    /// An XMP packet (the XML, without any container header).
    pub fn xmp_packet(&mut self, xml: &[u8], info: &PartInfo) {
        let mut r = xmp::XmpFindings::default();
        let ok = xmp::walk(xml, &mut |path, value| r.value(path, value));
        r.finish(self, info);
        if !ok {
            self.push(
                FindingId::UnreadableMetadata,
                "damaged XMP",
                None,
                info,
                "XMP packet",
            );
        }
    }

    /// One JPEG Extended XMP chunk (after its identifier): 32-byte GUID, total length, offset of
    /// this chunk in the whole, data. Chunks may come in any order; they are placed by offset and
    /// read as one packet at [`MetadataExtractor::finish`].
    fn extended_xmp_chunk(&mut self, p: &[u8], info: &PartInfo) {
        let header = p.get(32..40).map(|h| {
            (
                u32::from_be_bytes([h[0], h[1], h[2], h[3]]) as usize,
                u32::from_be_bytes([h[4], h[5], h[6], h[7]]) as usize,
            )
        });
        let (Some((total, offset)), Some(data)) = (header, p.get(40..)) else {
            self.push(
                FindingId::UnreadableMetadata,
                "damaged extended XMP",
                None,
                info,
                "Extended XMP header",
            );
            return;
        };
        let total = total.min(self.max_block);
        if self.extended_xmp.len() < total {
            self.extended_xmp.resize(total, b' ');
        }
        let end = offset.saturating_add(data.len()).min(total);
        if offset < end {
            self.extended_xmp[offset..end].copy_from_slice(&data[..end - offset]);
        }
        if self.extended_xmp_info.is_none() {
            self.extended_xmp_info = Some(info.clone());
        }
    }

    /// IPTC-IIM datasets (`0x1C record dataset length value`…).
    pub fn iptc_iim(&mut self, data: &[u8], info: &PartInfo) {
        super::iptc::read_iim(self, data, info);
    }

    /// Photoshop image resources (`8BIM` blocks): IPTC, thumbnails, EXIF and XMP copies.
    pub fn photoshop_irb(&mut self, data: &[u8], info: &PartInfo) {
        super::iptc::read_irb(self, data, info);
    }

    /// An ISO 6709 position string (`+37.3318-122.0312+012.3/`), as QuickTime and MP4 store it.
    /// Returns false when the string is not one.
    pub fn iso6709(&mut self, s: &str, info: &PartInfo, field: &'static str) -> bool {
        match parse_iso6709(s) {
            Some(c) => {
                self.position(c, info, field);
                true
            }
            None => false,
        }
    }

    /// A QuickTime metadata item: a `keys` name (`com.apple.quicktime.make`…) or a `udta`/`ilst`
    /// atom name (`©xyz`, `©day`…), with its text value. Unknown keys are ignored.
    pub fn quicktime_key(&mut self, key: &str, value: &str, info: &PartInfo) {
        let k = key.strip_prefix("com.apple.quicktime.").unwrap_or(key);
        let (id, field) = match k {
            "location.ISO6709" | "\u{a9}xyz" => {
                if !self.iso6709(value, info, "QuickTime location.ISO6709") {
                    self.push(
                        FindingId::UnreadableMetadata,
                        "",
                        None,
                        info,
                        "QuickTime location",
                    );
                }
                return;
            }
            "location.name" => (FindingId::PlaceName, "QuickTime location.name"),
            "make" | "\u{a9}mak" => (FindingId::Device, "QuickTime make"),
            "model" | "\u{a9}mod" => (FindingId::Device, "QuickTime model"),
            "software" | "\u{a9}swr" | "\u{a9}too" => (FindingId::Software, "QuickTime software"),
            "creationdate" | "\u{a9}day" => (FindingId::CaptureTime, "QuickTime creationdate"),
            "content.identifier" => (FindingId::UniqueId, "QuickTime content.identifier"),
            "author" | "artist" | "\u{a9}aut" | "\u{a9}ART" | "copyright" | "\u{a9}cpy" => {
                (FindingId::AuthorCopyright, "QuickTime author")
            }
            "description" | "\u{a9}des" | "desc" => {
                (FindingId::Description, "QuickTime description")
            }
            "title" | "\u{a9}nam" => (FindingId::Title, "QuickTime title"),
            "comment" | "\u{a9}cmt" => (FindingId::Comment, "QuickTime comment"),
            "keywords" | "\u{a9}key" => (FindingId::Keywords, "QuickTime keywords"),
            _ => return,
        };
        if !value.trim().is_empty() {
            self.push(id, value, None, info, field);
        }
    }

    /// A GPS position: a location finding, or "already hidden" when it is 0,0.
    pub(crate) fn position(&mut self, c: Coordinates, info: &PartInfo, field: &'static str) {
        if !c.is_valid() {
            self.push(
                FindingId::UnreadableMetadata,
                "GPS position out of range",
                None,
                info,
                field,
            );
        } else if c.is_zero() {
            self.push(FindingId::GpsZeroed, "0, 0", None, info, field);
        } else {
            let v = format!("{:.6}, {:.6}", c.latitude, c.longitude);
            self.push(FindingId::GpsPosition, &v, Some(c), info, field);
        }
    }

    /// PNG text chunks (tEXt, zTXt, iTXt: XMP, legacy "Raw profile" EXIF/IPTC/XMP, free text)
    /// and JPEG COM comments.
    fn text_block(&mut self, p: &[u8], info: &PartInfo) {
        let png_kind = match info.part {
            crate::Part::FourCc(cc) => Some(cc),
            _ => None,
        };
        let Some(cc) = png_kind else {
            self.text_value(FindingId::Comment, p, info, "JPEG comment");
            return;
        };
        let Some(nul) = p.iter().position(|&b| b == 0) else {
            self.push(FindingId::UnreadableMetadata, "", None, info, "text chunk");
            return;
        };
        let keyword = String::from_utf8_lossy(&p[..nul]).into_owned();
        let rest = &p[nul + 1..];
        let text: Option<Vec<u8>> = match &cc {
            b"tEXt" => Some(rest.to_vec()),
            b"zTXt" => rest.get(1..).and_then(|z| self.inflate(z)),
            b"iTXt" => self.itxt_text(rest),
            _ => None,
        };
        let Some(text) = text else {
            self.push(
                FindingId::UnreadableMetadata,
                "damaged text chunk",
                None,
                info,
                "text chunk",
            );
            return;
        };
        let kw = keyword.to_ascii_lowercase();
        if kw == "xml:com.adobe.xmp" {
            self.xmp_packet(&text, info);
        } else if let Some(profile) = kw.strip_prefix("raw profile type ") {
            match decode_raw_profile(&text, self.max_block) {
                Some(bytes) => match profile {
                    "exif" | "app1" => self.exif_payload(&bytes, info),
                    "xmp" => self.xmp_packet(&bytes, info),
                    "iptc" => self.iptc_iim(&bytes, info),
                    "8bim" => self.photoshop_irb(&bytes, info),
                    _ => {}
                },
                None => self.push(
                    FindingId::UnreadableMetadata,
                    "damaged raw profile",
                    None,
                    info,
                    "PNG raw profile",
                ),
            }
        } else {
            let (id, field) = match kw.as_str() {
                "title" => (FindingId::Title, "PNG Title"),
                "author" => (FindingId::AuthorCopyright, "PNG Author"),
                "copyright" => (FindingId::AuthorCopyright, "PNG Copyright"),
                "description" => (FindingId::Description, "PNG Description"),
                "software" => (FindingId::Software, "PNG Software"),
                "source" => (FindingId::Device, "PNG Source"),
                "creation time" => (FindingId::CaptureTime, "PNG Creation Time"),
                _ => (FindingId::Comment, "PNG text"),
            };
            self.text_value(id, &text, info, field);
        }
    }

    fn itxt_text(&self, rest: &[u8]) -> Option<Vec<u8>> {
        let (&compressed, rest) = rest.split_first()?;
        let rest = rest.get(1..)?; // compression method
        let lang_end = rest.iter().position(|&b| b == 0)?;
        let rest = rest.get(lang_end + 1..)?;
        let tk_end = rest.iter().position(|&b| b == 0)?;
        let text = rest.get(tk_end + 1..)?;
        if compressed == 1 {
            self.inflate(text)
        } else {
            Some(text.to_vec())
        }
    }

    fn inflate(&self, z: &[u8]) -> Option<Vec<u8>> {
        miniz_oxide::inflate::decompress_to_vec_zlib_with_limit(z, self.max_block).ok()
    }

    pub(crate) fn text_value(
        &mut self,
        id: FindingId,
        bytes: &[u8],
        info: &PartInfo,
        field: &'static str,
    ) {
        let s = decode_text(bytes);
        if !s.trim().is_empty() {
            self.push(id, &s, None, info, field);
        }
    }

    /// Data after the end of the picture, from its first bytes (64 KiB are plenty).
    pub fn trailer(&mut self, head: &[u8], info: &PartInfo) {
        let size = human_size(info.length);
        if head.get(4..8) == Some(b"ftyp") {
            self.push(
                FindingId::MotionPhotoVideo,
                &format!("MP4/MOV video, {size}"),
                None,
                info,
                "data after the image",
            );
        } else if head.starts_with(&[0xFF, 0xD8]) {
            self.push(
                FindingId::ExtraImages,
                &format!("JPEG picture(s) after the image, {size}"),
                None,
                info,
                "data after the image",
            );
        } else if let Some(names) = samsung_trailer_names(head) {
            if names.iter().any(|n| n.contains("MotionPhoto")) {
                self.push(
                    FindingId::MotionPhotoVideo,
                    &format!("Samsung motion photo, {size}"),
                    None,
                    info,
                    "Samsung trailer",
                );
            }
            self.push(
                FindingId::HiddenData,
                &format!("Samsung camera data ({}), {size}", names.join(", ")),
                None,
                info,
                "Samsung trailer",
            );
        } else if head.iter().all(|&b| b == 0 || b == 0xFF) {
            // Padding: nothing to tell, and the clean drops it anyway.
        } else if head.starts_with(b"AFCP") || head.windows(4).any(|w| w == b"AXS!") {
            self.push(
                FindingId::HiddenData,
                &format!("AFCP metadata, {size}"),
                None,
                info,
                "AFCP trailer",
            );
        } else if find(head, b"ftyp").is_some() {
            self.push(
                FindingId::MotionPhotoVideo,
                &format!("video inside data after the image, {size}"),
                None,
                info,
                "data after the image",
            );
        } else {
            self.push(
                FindingId::HiddenData,
                &format!("unknown data, {size}"),
                None,
                info,
                "data after the image",
            );
        }
    }

    /// Takes the EXIF thumbnail for the comparison with the main picture.
    pub(crate) fn take_exif_thumbnail(&mut self) -> Option<ExifThumbnail> {
        self.exif_thumbnail.take()
    }

    /// Reads what was kept for the end (joined Extended XMP) and returns the findings, most
    /// severe first, then by group and id, then in file order.
    pub fn finish(mut self) -> Vec<Finding> {
        if let Some(info) = self.extended_xmp_info.take() {
            let xml = std::mem::take(&mut self.extended_xmp);
            self.xmp_packet(&xml, &info);
        }
        let mut f = self.findings;
        f.sort_by_key(|x| (x.severity, x.kind, x.id));
        f
    }
}

/// The XMP packet inside wrapping bytes: from `<?xpacket begin` (or `<x:xmpmeta`, `<rdf:RDF`)
/// to the end of `<?xpacket end…?>` (or `</x:xmpmeta>`), so a GIF's magic trailer or a box's
/// padding does not read as damaged XML.
pub(crate) fn xmp_slice(b: &[u8]) -> Option<&[u8]> {
    let start = [&b"<?xpacket begin"[..], b"<x:xmpmeta", b"<rdf:RDF"]
        .iter()
        .find_map(|m| find(b, m))?;
    let rest = &b[start..];
    let end = match find(rest, b"<?xpacket end") {
        Some(e) => find(&rest[e..], b"?>").map(|q| e + q + 2),
        None => find(rest, b"</x:xmpmeta>").map(|e| e + 12),
    };
    Some(&rest[..end.unwrap_or(rest.len())])
}

fn first_non_space(p: &[u8]) -> Option<u8> {
    p.iter().copied().find(|b| !b.is_ascii_whitespace())
}

pub(crate) fn find(hay: &[u8], needle: &[u8]) -> Option<usize> {
    hay.windows(needle.len()).position(|w| w == needle)
}

/// Where the TIFF header starts in an EXIF payload.
fn tiff_start(p: &[u8]) -> Option<&[u8]> {
    let is_tiff = |t: &[u8]| t.starts_with(b"II*\0") || t.starts_with(b"MM\0*");
    if let Some(t) = p.strip_prefix(b"Exif\0\0") {
        return is_tiff(t).then_some(t);
    }
    if let Some(t) = p.strip_prefix(b"Exif\0") {
        return is_tiff(t).then_some(t);
    }
    if is_tiff(p) {
        return Some(p);
    }
    // HEIC Exif item: a 4-byte big-endian offset to the TIFF header.
    let off = usize::try_from(u32::from_be_bytes(p.get(..4)?.try_into().ok()?)).ok()?;
    let t = p.get(4usize.checked_add(off)?..)?;
    if is_tiff(t) {
        Some(t)
    } else {
        t.strip_prefix(b"Exif\0\0").filter(|t| is_tiff(t))
    }
}

/// Text from a metadata field: UTF-8 when it is, else Latin-1 (old IPTC, PNG tEXt); trailing NULs
/// dropped.
pub(crate) fn decode_text(b: &[u8]) -> String {
    let b = match b.iter().rposition(|&c| c != 0) {
        Some(end) => &b[..=end],
        None => return String::new(),
    };
    match std::str::from_utf8(b) {
        Ok(s) => s.to_owned(),
        Err(_) => b.iter().map(|&c| char::from(c)).collect(),
    }
}

/// ImageMagick's legacy "Raw profile type X" text: `\nX\n   LENGTH\nHEX…`.
fn decode_raw_profile(text: &[u8], max: usize) -> Option<Vec<u8>> {
    let s = std::str::from_utf8(text).ok()?;
    let mut lines = s.trim_start().splitn(3, '\n');
    let _name = lines.next()?;
    let len: usize = lines.next()?.trim().parse().ok()?;
    if len > max {
        return None;
    }
    let hex = lines.next()?;
    let mut out = Vec::with_capacity(len);
    let mut hi: Option<u8> = None;
    for c in hex.bytes() {
        let v = match c {
            b'0'..=b'9' => c - b'0',
            b'a'..=b'f' => c - b'a' + 10,
            b'A'..=b'F' => c - b'A' + 10,
            c if c.is_ascii_whitespace() => continue,
            _ => return None,
        };
        match hi.take() {
            Some(h) => out.push(h << 4 | v),
            None => hi = Some(v),
        }
        if out.len() == len {
            break;
        }
    }
    (out.len() == len).then_some(out)
}

/// Names of the records of a Samsung SEF trailer (`Image_UTC_Data`, `MotionPhoto_Data`…), when
/// the data looks like one: records start `00 00 TT 0A`, a little-endian name length, the name.
fn samsung_trailer_names(head: &[u8]) -> Option<Vec<String>> {
    let sef = find(head, b"SEFH").is_some() || head.ends_with(b"SEFT");
    let mut names = Vec::new();
    let mut i = 0usize;
    while let Some(rec) = head.get(i..i.checked_add(8)?) {
        if !(rec[0] == 0 && rec[1] == 0 && rec[3] == 0x0A) {
            break;
        }
        let n = usize::try_from(u32::from_le_bytes([rec[4], rec[5], rec[6], rec[7]])).ok()?;
        if n == 0 || n > 64 {
            break;
        }
        let Some(name) = head.get(i + 8..i + 8 + n) else {
            break;
        };
        if !name.iter().all(|b| b.is_ascii_graphic()) {
            break;
        }
        names.push(String::from_utf8_lossy(name).into_owned());
        // The record's data length is only in the SEFH directory at the end; look for the next
        // record header after this name instead.
        let from = i + 8 + n;
        match head[from..]
            .windows(4)
            .position(|w| w[0] == 0 && w[1] == 0 && w[3] == 0x0A)
        {
            Some(k) if names.len() < 16 => i = from + k,
            _ => break,
        }
    }
    if names.is_empty() && !sef {
        return None;
    }
    if names.is_empty() {
        names.push("unnamed".into());
    }
    Some(names)
}

/// "1.3 MB" style size (structure, not user data).
pub(crate) fn human_size(n: u64) -> String {
    if n >= 1_000_000 {
        format!("{:.1} MB", n as f64 / 1e6)
    } else if n >= 1000 {
        format!("{:.1} kB", n as f64 / 1e3)
    } else {
        format!("{n} bytes")
    }
}

/// Parses an ISO 6709 position: `±DD.D±DDD.D`, `±DDMM.M±DDDMM.M` or `±DDMMSS.S±DDDMMSS.S`, with
/// an optional altitude and a trailing `/` or `CRS…`.
pub(crate) fn parse_iso6709(s: &str) -> Option<Coordinates> {
    let s = s.trim();
    let b = s.as_bytes();
    if !matches!(b.first(), Some(b'+' | b'-')) {
        return None;
    }
    let next_sign = |from: usize| {
        b.iter()
            .skip(from)
            .position(|&c| c == b'+' || c == b'-')
            .map(|p| p + from)
    };
    let lon_at = next_sign(1)?;
    let lon_end = next_sign(lon_at + 1)
        .or_else(|| b.iter().position(|&c| c == b'/'))
        .unwrap_or(b.len());
    let lat = iso_component(s.get(..lon_at)?, 2)?;
    let lon = iso_component(s.get(lon_at..lon_end)?, 3)?;
    Some(Coordinates {
        latitude: lat,
        longitude: lon,
    })
}

fn iso_component(c: &str, deg_digits: usize) -> Option<f64> {
    let (sign, digits) = match c.as_bytes().first()? {
        b'+' => (1.0, &c[1..]),
        b'-' => (-1.0, &c[1..]),
        _ => return None,
    };
    let int_len = digits.find('.').unwrap_or(digits.len());
    if !digits.bytes().all(|b| b.is_ascii_digit() || b == b'.') || int_len == 0 {
        return None;
    }
    let v: f64 = digits.parse().ok()?;
    let value = if int_len <= deg_digits {
        v
    } else if int_len == deg_digits + 2 {
        let d = (v / 100.0).trunc();
        d + (v - d * 100.0) / 60.0
    } else if int_len == deg_digits + 4 {
        let d = (v / 10000.0).trunc();
        let m = ((v - d * 10000.0) / 100.0).trunc();
        d + m / 60.0 + (v - d * 10000.0 - m * 100.0) / 3600.0
    } else {
        return None;
    };
    Some(sign * value)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn iso6709_forms_parse_to_decimal_degrees() {
        let c = parse_iso6709("+37.3318-122.0312+012.345/").expect("parses");
        assert!((c.latitude - 37.3318).abs() < 1e-9 && (c.longitude + 122.0312).abs() < 1e-9);
        let c = parse_iso6709("+4033.5-07358.5/").expect("parses");
        assert!((c.latitude - 40.558333).abs() < 1e-5 && (c.longitude + 73.975).abs() < 1e-5);
        let c = parse_iso6709("-334530+1510900/").expect("parses");
        assert!((c.latitude + 33.758333).abs() < 1e-5 && (c.longitude - 151.15).abs() < 1e-5);
        assert!(parse_iso6709("hello").is_none());
        assert!(parse_iso6709("+").is_none());
        assert!(parse_iso6709("+1x-2").is_none());
    }

    #[test]
    fn raw_profile_hex_decodes_and_refuses_overlong_lengths() {
        assert_eq!(
            decode_raw_profile(b"\nexif\n       4\n4d4d002a\n", 100),
            Some(vec![0x4d, 0x4d, 0, 0x2a])
        );
        assert_eq!(decode_raw_profile(b"\nexif\n 99999\n00", 100), None);
        assert_eq!(decode_raw_profile(b"\nexif\n 4\n4d4d", 100), None);
    }

    #[test]
    fn exif_headers_of_every_container_are_found() {
        assert!(tiff_start(b"Exif\0\0II*\0rest").is_some());
        assert!(tiff_start(b"MM\0*rest").is_some());
        assert!(tiff_start(b"\0\0\0\x06Exif\0\0MM\0*").is_some());
        assert!(tiff_start(b"\0\0\0\0II*\0").is_some());
        assert!(tiff_start(b"\xff\xff\xff\xff").is_none());
        assert!(tiff_start(b"").is_none());
    }

    #[test]
    fn samsung_records_are_named() {
        let mut t = vec![0, 0, 1, 0x0A, 14, 0, 0, 0];
        t.extend_from_slice(b"Image_UTC_Data1486666298918SEFHe\0\0\0\x01\0\0\0\0\0\x01\x0a#\0\0\0");
        assert_eq!(
            samsung_trailer_names(&t),
            Some(vec!["Image_UTC_Data".to_owned()])
        );
        assert_eq!(samsung_trailer_names(b"random bytes"), None);
    }
}
