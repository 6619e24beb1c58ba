//! Why this exists: EXIF is where phones put the most: GPS, time, device, serial numbers, maker
//! notes and a thumbnail. kamadak-exif parses the TIFF (bounded by the block it is given, fuzzed
//! upstream); this module turns its fields into findings and reads the two Apple maker-note tags
//! that link Live Photos and bursts (`ContentIdentifier`, `BurstUUID`).

use exif::{Context, Exif, Field, In, Rational, Reader, Tag, Value};

use crate::parts::PartInfo;

use super::extract::{decode_text, MetadataExtractor};
use super::{Coordinates, FindingId};

/// Reads an EXIF TIFF into `ex`.
pub(crate) fn read(ex: &mut MetadataExtractor, tiff: &[u8], info: &PartInfo) {
    let mut partial = false;
    let exif = match Reader::new()
        .continue_on_error(true)
        .read_raw(tiff.to_vec())
        .or_else(|e| e.distill_partial_result(|_| partial = true))
    {
        Ok(e) => e,
        Err(_) => {
            ex.push(
                FindingId::UnreadableMetadata,
                "damaged EXIF",
                None,
                info,
                "EXIF TIFF",
            );
            return;
        }
    };
    if partial {
        ex.push(
            FindingId::UnreadableMetadata,
            "partly damaged EXIF",
            None,
            info,
            "EXIF TIFF",
        );
    }
    findings(ex, &exif, info);
}

fn ascii(f: &Field) -> Option<String> {
    match &f.value {
        Value::Ascii(v) => {
            let parts: Vec<String> = v
                .iter()
                .map(|s| decode_text(s).trim().to_owned())
                .filter(|s| !s.is_empty())
                .collect();
            (!parts.is_empty()).then(|| parts.join("; "))
        }
        Value::Byte(b) | Value::Undefined(b, _) => {
            let s = decode_text(b);
            let s = s.trim();
            (!s.is_empty()).then(|| s.to_owned())
        }
        _ => None,
    }
}

fn field(exif: &Exif, tag: Tag) -> Option<&Field> {
    exif.get_field(tag, In::PRIMARY)
}

fn text(exif: &Exif, tag: Tag) -> Option<String> {
    field(exif, tag).and_then(ascii)
}

fn dms(f: Option<&Field>) -> Option<f64> {
    match &f?.value {
        Value::Rational(r) if !r.is_empty() => {
            let part = |i: usize| r.get(i).map_or(0.0, rational);
            Some(part(0) + part(1) / 60.0 + part(2) / 3600.0)
        }
        _ => None,
    }
}

fn rational(r: &Rational) -> f64 {
    if r.denom == 0 {
        if r.num == 0 {
            0.0
        } else {
            f64::NAN
        }
    } else {
        f64::from(r.num) / f64::from(r.denom)
    }
}

fn reference(exif: &Exif, tag: Tag) -> Option<u8> {
    match &field(exif, tag)?.value {
        Value::Ascii(v) => v.first().and_then(|s| s.first()).copied(),
        _ => None,
    }
}

/// Windows "XP" tags: UCS-2 little-endian in a BYTE array.
fn ucs2le(f: &Field) -> Option<String> {
    let b = match &f.value {
        Value::Byte(b) | Value::Undefined(b, _) => b,
        _ => return None,
    };
    let units: Vec<u16> = b
        .chunks_exact(2)
        .map(|c| u16::from_le_bytes([c[0], c[1]]))
        .take_while(|&u| u != 0)
        .collect();
    let s = String::from_utf16_lossy(&units);
    (!s.trim().is_empty()).then_some(s)
}

/// EXIF UserComment: an 8-byte character-code header, then the text.
fn user_comment(f: &Field, little_endian: bool) -> Option<String> {
    let Value::Undefined(b, _) = &f.value else {
        return ascii(f);
    };
    let (code, body) = (b.get(..8)?, b.get(8..)?);
    let s = if code.starts_with(b"UNICODE") {
        let units: Vec<u16> = body
            .chunks_exact(2)
            .map(|c| {
                if little_endian {
                    u16::from_le_bytes([c[0], c[1]])
                } else {
                    u16::from_be_bytes([c[0], c[1]])
                }
            })
            .take_while(|&u| u != 0)
            .collect();
        String::from_utf16_lossy(&units)
    } else {
        decode_text(body)
    };
    let s = s.trim();
    (!s.is_empty()).then(|| s.to_owned())
}

fn findings(ex: &mut MetadataExtractor, exif: &Exif, info: &PartInfo) {
    // Location.
    let lat = dms(field(exif, Tag::GPSLatitude));
    let lon = dms(field(exif, Tag::GPSLongitude));
    if let (Some(lat), Some(lon)) = (lat, lon) {
        let sign = |r: Option<u8>, neg: u8| if r == Some(neg) { -1.0 } else { 1.0 };
        let c = Coordinates {
            latitude: lat * sign(reference(exif, Tag::GPSLatitudeRef), b'S'),
            longitude: lon * sign(reference(exif, Tag::GPSLongitudeRef), b'W'),
        };
        ex.position(c, info, "EXIF GPSLatitude/GPSLongitude");
    }
    if let Some(Value::Rational(r)) = field(exif, Tag::GPSAltitude).map(|f| &f.value) {
        if let Some(a) = r
            .first()
            .map(rational)
            .filter(|a| a.is_finite() && *a != 0.0)
        {
            let below = matches!(
                field(exif, Tag::GPSAltitudeRef).map(|f| &f.value),
                Some(Value::Byte(b)) if b.first() == Some(&1)
            );
            let a = if below { -a } else { a };
            ex.push(
                FindingId::GpsAltitude,
                &format!("{a:.1} m"),
                None,
                info,
                "EXIF GPSAltitude",
            );
        }
    }

    // Time.
    let time = [
        (
            Tag::DateTimeOriginal,
            Tag::OffsetTimeOriginal,
            "EXIF DateTimeOriginal",
        ),
        (
            Tag::DateTimeDigitized,
            Tag::OffsetTimeDigitized,
            "EXIF DateTimeDigitized",
        ),
        (Tag::DateTime, Tag::OffsetTime, "EXIF DateTime"),
    ];
    if let Some((t, off, name)) = time
        .iter()
        .find_map(|&(t, o, n)| text(exif, t).map(|t| (t, text(exif, o), n)))
    {
        let v = match off {
            Some(o) => format!("{t} {o}"),
            None => t,
        };
        ex.push(FindingId::CaptureTime, &v, None, info, name);
    }

    // Device.
    let make = text(exif, Tag::Make);
    let model = text(exif, Tag::Model);
    if let Some(v) = join_make_model(make, model) {
        ex.push(FindingId::Device, &v, None, info, "EXIF Make/Model");
    }
    if let Some(v) = join_make_model(text(exif, Tag::LensMake), text(exif, Tag::LensModel)) {
        ex.push(FindingId::Lens, &v, None, info, "EXIF LensMake/LensModel");
    }
    let simple: [(Tag, FindingId, &'static str); 9] = [
        (Tag::Software, FindingId::Software, "EXIF Software"),
        (
            Tag::ImageUniqueID,
            FindingId::UniqueId,
            "EXIF ImageUniqueID",
        ),
        (
            Tag::BodySerialNumber,
            FindingId::SerialNumber,
            "EXIF BodySerialNumber",
        ),
        (
            Tag::LensSerialNumber,
            FindingId::SerialNumber,
            "EXIF LensSerialNumber",
        ),
        (
            Tag::CameraOwnerName,
            FindingId::OwnerName,
            "EXIF CameraOwnerName",
        ),
        (Tag::Artist, FindingId::AuthorCopyright, "EXIF Artist"),
        (Tag::Copyright, FindingId::AuthorCopyright, "EXIF Copyright"),
        (
            Tag::ImageDescription,
            FindingId::Description,
            "EXIF ImageDescription",
        ),
        (
            Tag(Context::Tiff, 0x013C),
            FindingId::Software,
            "EXIF HostComputer",
        ),
    ];
    for (tag, id, name) in simple {
        if let Some(v) = text(exif, tag) {
            ex.push(id, &v, None, info, name);
        }
    }
    if let Some(v) =
        field(exif, Tag::UserComment).and_then(|f| user_comment(f, exif.little_endian()))
    {
        ex.push(FindingId::Comment, &v, None, info, "EXIF UserComment");
    }
    let xp: [(u16, FindingId, &'static str); 5] = [
        (0x9C9B, FindingId::Title, "EXIF XPTitle"),
        (0x9C9C, FindingId::Comment, "EXIF XPComment"),
        (0x9C9D, FindingId::AuthorCopyright, "EXIF XPAuthor"),
        (0x9C9E, FindingId::Keywords, "EXIF XPKeywords"),
        (0x9C9F, FindingId::Description, "EXIF XPSubject"),
    ];
    for (tag, id, name) in xp {
        if let Some(v) = field(exif, Tag(Context::Tiff, tag)).and_then(ucs2le) {
            ex.push(id, &v, None, info, name);
        }
    }

    // Maker note: its presence, and Apple's identifiers.
    if let Some(f) = field(exif, Tag::MakerNote) {
        if let Value::Undefined(b, _) = &f.value {
            ex.push(
                FindingId::MakerNote,
                &super::extract::human_size(b.len() as u64),
                None,
                info,
                "EXIF MakerNote",
            );
            apple_maker_note(ex, b, info);
        }
    }

    // XMP and IPTC copies inside the TIFF (TIFF tags 700 and 33723).
    if let Some(Value::Byte(b) | Value::Undefined(b, _)) =
        field(exif, Tag(Context::Tiff, 0x02BC)).map(|f| &f.value)
    {
        ex.xmp_packet(b, info);
    }
    if let Some(Value::Byte(b) | Value::Undefined(b, _)) =
        field(exif, Tag(Context::Tiff, 0x83BB)).map(|f| &f.value)
    {
        ex.iptc_iim(b, info);
    }

    // Thumbnail (IFD1).
    let off = exif
        .get_field(Tag::JPEGInterchangeFormat, In::THUMBNAIL)
        .and_then(|f| f.value.get_uint(0));
    let len = exif
        .get_field(Tag::JPEGInterchangeFormatLength, In::THUMBNAIL)
        .and_then(|f| f.value.get_uint(0));
    if let (Some(off), Some(len)) = (off, len) {
        let (off, len) = (off as usize, len as usize);
        match exif.buf().get(off..off.saturating_add(len)) {
            Some(jpeg) if jpeg.starts_with(&[0xFF, 0xD8]) => {
                ex.push(
                    FindingId::Thumbnail,
                    &format!("JPEG preview, {}", super::extract::human_size(len as u64)),
                    None,
                    info,
                    "EXIF IFD1 JPEGInterchangeFormat",
                );
                ex.set_exif_thumbnail(jpeg, info);
            }
            _ => ex.push(
                FindingId::UnreadableMetadata,
                "thumbnail outside the EXIF block",
                None,
                info,
                "EXIF IFD1 JPEGInterchangeFormat",
            ),
        }
    }
}

fn join_make_model(make: Option<String>, model: Option<String>) -> Option<String> {
    match (make, model) {
        (Some(ma), Some(mo)) if mo.to_lowercase().starts_with(&ma.to_lowercase()) => Some(mo),
        (Some(ma), Some(mo)) => Some(format!("{ma} {mo}")),
        (a, b) => a.or(b),
    }
}

/// Apple's maker note: `Apple iOS\0`, version, `MM`, then an IFD whose offsets count from the
/// start of the maker note. Tag 0x000B is the burst UUID, 0x0011 the content identifier that
/// pairs a Live Photo's picture and video.
fn apple_maker_note(ex: &mut MetadataExtractor, mn: &[u8], info: &PartInfo) {
    if !mn.starts_with(b"Apple iOS\0") || mn.get(12..14) != Some(b"MM") {
        return;
    }
    let be16 = |at: usize| {
        mn.get(at..at.checked_add(2)?)
            .map(|b| u16::from_be_bytes([b[0], b[1]]))
    };
    let be32 = |at: usize| {
        mn.get(at..at.checked_add(4)?)
            .map(|b| u32::from_be_bytes([b[0], b[1], b[2], b[3]]))
    };
    let Some(count) = be16(14) else { return };
    for i in 0..usize::from(count.min(256)) {
        let e = 16 + i * 12;
        let (Some(tag), Some(typ), Some(n), Some(val)) =
            (be16(e), be16(e + 2), be32(e + 4), be32(e + 8))
        else {
            return;
        };
        let (id_field, name): (FindingId, &'static str) = match tag {
            0x000B => (FindingId::UniqueId, "Apple maker note BurstUUID"),
            0x0011 => (FindingId::UniqueId, "Apple maker note ContentIdentifier"),
            _ => continue,
        };
        if typ != 2 {
            continue; // ASCII only
        }
        let n = n as usize;
        let bytes = if n <= 4 {
            mn.get(e + 8..e + 8 + n)
        } else {
            let at = val as usize;
            mn.get(at..at.saturating_add(n))
        };
        if let Some(b) = bytes {
            let s = decode_text(b);
            if !s.trim().is_empty() {
                ex.push(id_field, &s, None, info, name);
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::error::Part;
    use crate::parts::{Action, PartKind};
    use crate::Limits;

    fn tiff_with(fields: &[Field]) -> Vec<u8> {
        let mut w = exif::experimental::Writer::new();
        for f in fields {
            w.push_field(f);
        }
        let mut out = std::io::Cursor::new(Vec::new());
        w.write(&mut out, false).expect("writes");
        out.into_inner()
    }

    fn findings_of(tiff: &[u8]) -> Vec<super::super::Finding> {
        let info = PartInfo {
            part: Part::JpegMarker(0xE1),
            label: "Exif",
            offset: 2,
            length: 100,
            kind: PartKind::Exif,
            action: Action::Rewritten,
        };
        let mut ex = MetadataExtractor::new(&Limits::default());
        ex.exif_tiff(tiff, &info);
        ex.finish()
    }

    #[test]
    fn apple_maker_note_content_identifier_is_a_tracking_id() {
        let id = b"6E1C4A5B-0000-4C2E-9D1A-2F3B4C5D6E7F\0";
        let mut mn = b"Apple iOS\0\0\x01MM".to_vec();
        mn.extend_from_slice(&1u16.to_be_bytes());
        mn.extend_from_slice(&0x0011u16.to_be_bytes());
        mn.extend_from_slice(&2u16.to_be_bytes());
        mn.extend_from_slice(&(id.len() as u32).to_be_bytes());
        mn.extend_from_slice(&32u32.to_be_bytes()); // 14 + 2 + 12 + 4 (next IFD)
        mn.extend_from_slice(&0u32.to_be_bytes());
        mn.extend_from_slice(id);
        let fields = [Field {
            tag: Tag::MakerNote,
            ifd_num: In::PRIMARY,
            value: Value::Undefined(mn, 0),
        }];
        let f = findings_of(&tiff_with(&fields));
        let uid = f
            .iter()
            .find(|f| f.id == FindingId::UniqueId)
            .expect("content identifier");
        assert_eq!(uid.value.reveal(), "6E1C4A5B-0000-4C2E-9D1A-2F3B4C5D6E7F");
        assert_eq!(uid.found_in[0].field, "Apple maker note ContentIdentifier");
        assert!(
            uid.removed_by_clean,
            "a rewritten EXIF keeps only the orientation"
        );
        assert!(f.iter().any(|f| f.id == FindingId::MakerNote));
    }

    #[test]
    fn zeroed_gps_is_already_hidden_and_southern_western_signs_apply() {
        let r = |n| Rational { num: n, denom: 1 };
        let gps = |lat: u32, lon: u32, lat_ref: &[u8], lon_ref: &[u8]| {
            [
                Field {
                    tag: Tag::GPSLatitudeRef,
                    ifd_num: In::PRIMARY,
                    value: Value::Ascii(vec![lat_ref.to_vec()]),
                },
                Field {
                    tag: Tag::GPSLatitude,
                    ifd_num: In::PRIMARY,
                    value: Value::Rational(vec![r(lat), r(30), r(0)]),
                },
                Field {
                    tag: Tag::GPSLongitudeRef,
                    ifd_num: In::PRIMARY,
                    value: Value::Ascii(vec![lon_ref.to_vec()]),
                },
                Field {
                    tag: Tag::GPSLongitude,
                    ifd_num: In::PRIMARY,
                    value: Value::Rational(vec![r(lon), r(15), r(0)]),
                },
            ]
        };
        let f = findings_of(&tiff_with(&gps(33, 70, b"S", b"W")));
        let c = f[0].coordinates.expect("position");
        assert!((c.latitude + 33.5).abs() < 1e-9 && (c.longitude + 70.25).abs() < 1e-9);

        let mut zero = gps(0, 0, b"N", b"E");
        for z in zero.iter_mut() {
            if let Value::Rational(v) = &mut z.value {
                v.iter_mut().for_each(|x| x.num = 0);
            }
        }
        let f = findings_of(&tiff_with(&zero));
        assert!(f.iter().any(|f| f.id == FindingId::GpsZeroed));
        assert!(!f.iter().any(|f| f.id == FindingId::GpsPosition));
    }

    #[test]
    fn damaged_tiff_is_an_unreadable_finding() {
        let f = findings_of(b"MM\0*\xff\xff\xff\xff");
        assert_eq!(f.len(), 1);
        assert_eq!(f[0].id, FindingId::UnreadableMetadata);
    }
}
