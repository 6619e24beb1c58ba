//! Why this exists: phone videos (and HEIC's video cousins) keep their location and device in
//! QuickTime metadata, not EXIF: `moov/meta` with a `keys` list and an `ilst` of values (Apple:
//! `com.apple.quicktime.location.ISO6709`, `…make`, `…content.identifier`), and `moov/udta` atoms
//! (`©xyz` ISO 6709 position, `©mak`, `©day`). These readers take the payload of a `meta` or
//! `udta` box (after its 8-byte header) and hand each text value to
//! [`MetadataExtractor::quicktime_key`]. Every box length is checked against what is left.

use crate::parts::PartInfo;

use super::extract::{decode_text, MetadataExtractor};
use super::FindingId;

/// Most boxes read inside one `meta`/`udta` payload.
const MAX_BOXES: usize = 4096;

/// Child boxes of a payload, as (type, body).
type Boxes<'a> = Vec<([u8; 4], &'a [u8])>;

/// The child boxes of a payload, and whether bytes were left that do not form a box.
fn boxes(mut p: &[u8]) -> (Boxes<'_>, bool) {
    let mut out = Vec::new();
    while !p.is_empty() {
        if out.len() >= MAX_BOXES || p.len() < 8 {
            return (out, p.iter().any(|&b| b != 0));
        }
        let size = u64::from(u32::from_be_bytes([p[0], p[1], p[2], p[3]]));
        let typ = [p[4], p[5], p[6], p[7]];
        let (header, size) = match size {
            0 => (8, p.len() as u64),
            1 => match p.get(8..16) {
                Some(b) => (
                    16,
                    u64::from_be_bytes([b[0], b[1], b[2], b[3], b[4], b[5], b[6], b[7]]),
                ),
                None => return (out, true),
            },
            s => (8, s),
        };
        let Ok(size) = usize::try_from(size) else {
            return (out, true);
        };
        if size < header || size > p.len() {
            return (out, true);
        }
        out.push((typ, &p[header..size]));
        p = &p[size..];
    }
    (out, false)
}

/// The text of a `data` box (type indicator, locale, value) when it holds UTF-8/UTF-16 text.
fn data_text(b: &[u8]) -> Option<String> {
    let (kind, value) = (b.get(..4)?, b.get(8..)?);
    match u32::from_be_bytes([kind[0], kind[1], kind[2], kind[3]]) & 0x00FF_FFFF {
        1 => Some(decode_text(value)),
        2 => {
            let units: Vec<u16> = value
                .chunks_exact(2)
                .map(|c| u16::from_be_bytes([c[0], c[1]]))
                .collect();
            Some(String::from_utf16_lossy(&units))
        }
        _ => None,
    }
}

/// A four-character atom name as text: `©` is byte 0xA9 (Mac Roman / Latin-1).
fn atom_name(t: [u8; 4]) -> String {
    t.iter().map(|&b| char::from(b)).collect()
}

impl MetadataExtractor {
    /// A QuickTime/MP4 `meta` box payload (after the 8-byte header; the ISO full-box version and
    /// flags are skipped when present): `keys` names joined with the `ilst` values.
    pub fn quicktime_meta(&mut self, payload: &[u8], info: &PartInfo) {
        // ISO `meta` is a full box (4 bytes of version/flags); QuickTime's is not.
        let p = match payload.get(4..8) {
            Some(t) if t == b"hdlr" || t == b"keys" || t == b"ilst" => payload,
            _ => payload.get(4..).unwrap_or_default(),
        };
        let (children, mut damaged) = boxes(p);
        let mut keys: Vec<String> = Vec::new();
        for (t, body) in &children {
            if t == b"keys" {
                let (names, bad) = key_names(body);
                keys = names;
                damaged |= bad;
            }
        }
        for (t, body) in &children {
            if t != b"ilst" {
                continue;
            }
            let (items, bad) = boxes(body);
            damaged |= bad;
            for (t, item) in items {
                let index = u32::from_be_bytes(t) as usize;
                let key = match index.checked_sub(1).and_then(|i| keys.get(i)) {
                    Some(k) => k.clone(),
                    None => atom_name(t),
                };
                let (inner, bad) = boxes(item);
                damaged |= bad;
                for (dt, d) in inner {
                    if &dt == b"data" {
                        if let Some(v) = data_text(d) {
                            self.quicktime_key(&key, &v, info);
                        }
                    }
                }
            }
        }
        if damaged {
            self.push(
                FindingId::UnreadableMetadata,
                "damaged QuickTime metadata",
                None,
                info,
                "QuickTime meta",
            );
        }
    }

    /// A QuickTime `udta` box payload: `©xxx` text atoms (16-bit length, language, text) and
    /// a nested `meta`.
    pub fn quicktime_udta(&mut self, payload: &[u8], info: &PartInfo) {
        let (children, damaged) = boxes(payload);
        for (t, body) in children {
            if &t == b"meta" {
                self.quicktime_meta(body, info);
            } else if &t == b"XMP_" {
                self.xmp_packet(body, info);
            } else if t[0] == 0xA9 {
                let (inner, _) = boxes(body);
                if let Some((_, d)) = inner.iter().find(|(it, _)| it == b"data") {
                    if let Some(v) = data_text(d) {
                        self.quicktime_key(&atom_name(t), &v, info);
                    }
                    continue;
                }
                let Some(len) = body
                    .get(..2)
                    .map(|l| usize::from(u16::from_be_bytes([l[0], l[1]])))
                else {
                    continue;
                };
                if let Some(text) = body.get(4..4 + len) {
                    self.quicktime_key(&atom_name(t), &decode_text(text), info);
                }
            }
        }
        if damaged {
            self.push(
                FindingId::UnreadableMetadata,
                "damaged QuickTime user data",
                None,
                info,
                "QuickTime udta",
            );
        }
    }
}

/// The names in a `keys` box: version/flags, count, then (size, namespace, name) entries.
fn key_names(b: &[u8]) -> (Vec<String>, bool) {
    let Some(count) = b
        .get(4..8)
        .map(|c| u32::from_be_bytes([c[0], c[1], c[2], c[3]]))
    else {
        return (Vec::new(), true);
    };
    let mut names = Vec::new();
    let mut p = &b[8..];
    for _ in 0..count.min(MAX_BOXES as u32) {
        let Some(s) = p.get(..4) else {
            return (names, true);
        };
        let size = u32::from_be_bytes([s[0], s[1], s[2], s[3]]) as usize;
        if size < 8 || size > p.len() {
            return (names, true);
        }
        names.push(decode_text(&p[8..size]));
        p = &p[size..];
    }
    (names, false)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::error::Part;
    use crate::parts::{Action, PartKind};
    use crate::report::Severity;
    use crate::Limits;

    fn bx(t: &[u8; 4], body: &[u8]) -> Vec<u8> {
        let mut v = u32::try_from(body.len() + 8)
            .expect("small")
            .to_be_bytes()
            .to_vec();
        v.extend_from_slice(t);
        v.extend_from_slice(body);
        v
    }

    fn data(text: &str) -> Vec<u8> {
        let mut d = vec![0, 0, 0, 1, 0, 0, 0, 0];
        d.extend_from_slice(text.as_bytes());
        bx(b"data", &d)
    }

    fn info() -> PartInfo {
        PartInfo {
            part: Part::FourCc(*b"meta"),
            label: "QuickTime meta",
            offset: 100,
            length: 200,
            kind: PartKind::Unknown,
            action: Action::Removed,
        }
    }

    #[test]
    fn apple_keys_and_ilst_give_location_device_and_content_id() {
        let mut keys = vec![0, 0, 0, 0, 0, 0, 0, 3];
        for k in [
            "com.apple.quicktime.location.ISO6709",
            "com.apple.quicktime.model",
            "com.apple.quicktime.content.identifier",
        ] {
            let mut e = u32::try_from(k.len() + 8)
                .expect("small")
                .to_be_bytes()
                .to_vec();
            e.extend_from_slice(b"mdta");
            e.extend_from_slice(k.as_bytes());
            keys.extend(e);
        }
        let mut ilst = Vec::new();
        for (i, v) in [
            "+48.8584+002.2945+035.000/",
            "iPhone 15",
            "0D4A7C8E-1111-2222-3333-444455556666",
        ]
        .iter()
        .enumerate()
        {
            ilst.extend(bx(&(i as u32 + 1).to_be_bytes(), &data(v)));
        }
        let mut meta = bx(b"hdlr", &[0; 24]);
        meta.extend(bx(b"keys", &keys));
        meta.extend(bx(b"ilst", &ilst));
        let mut ex = MetadataExtractor::new(&Limits::default());
        ex.quicktime_meta(&meta, &info());
        let f = ex.finish();
        let pos = f
            .iter()
            .find(|f| f.id == FindingId::GpsPosition)
            .expect("position");
        let c = pos.coordinates.expect("coords");
        assert!((c.latitude - 48.8584).abs() < 1e-9 && (c.longitude - 2.2945).abs() < 1e-9);
        assert_eq!(pos.severity, Severity::High);
        assert!(f
            .iter()
            .any(|f| f.id == FindingId::Device && f.value.reveal() == "iPhone 15"));
        assert!(f.iter().any(|f| f.id == FindingId::UniqueId));
        assert!(!f.iter().any(|f| f.id == FindingId::UnreadableMetadata));
    }

    #[test]
    fn udta_text_atoms_and_damaged_boxes() {
        let mut xyz = vec![0, 18, 0x15, 0xC7];
        xyz.extend_from_slice(b"+40.6892-074.0445/");
        let mut udta = bx(&[0xA9, b'x', b'y', b'z'], &xyz);
        udta.extend(bx(&[0xA9, b'm', b'a', b'k'], &data("Apple")));
        let mut ex = MetadataExtractor::new(&Limits::default());
        ex.quicktime_udta(&udta, &info());
        let f = ex.finish();
        assert!(f.iter().any(|f| f.id == FindingId::GpsPosition));
        assert!(f
            .iter()
            .any(|f| f.id == FindingId::Device && f.value.reveal() == "Apple"));

        let mut bad = bx(b"meta", &[0; 4]);
        bad.extend_from_slice(&[0, 0, 0xFF, 0xFF, b'x', b'x', b'x', b'x']);
        let mut ex = MetadataExtractor::new(&Limits::default());
        ex.quicktime_udta(&bad, &info());
        assert!(ex
            .finish()
            .iter()
            .any(|f| f.id == FindingId::UnreadableMetadata));
    }
}
