//! Why this exists: IPTC-IIM is where news tools, Photoshop and Facebook write captions, places,
//! bylines and Facebook's FBMD tracking code. The format is small (a run of `0x1C record dataset
//! length value` datasets, usually wrapped in Photoshop `8BIM` resources), so it is read here
//! directly, every length checked against what is left.

use crate::parts::PartInfo;

use super::extract::{decode_text, MetadataExtractor};
use super::FindingId;

/// Reads IPTC-IIM datasets.
pub(crate) fn read_iim(ex: &mut MetadataExtractor, data: &[u8], info: &PartInfo) {
    let mut i = 0usize;
    let mut date: Option<String> = None;
    let mut time: Option<String> = None;
    let mut damaged = false;
    while i < data.len() {
        if data[i] == 0 {
            break; // padding
        }
        let Some(h) = data.get(i..i + 5) else {
            damaged = true;
            break;
        };
        if h[0] != 0x1C {
            damaged = true;
            break;
        }
        let (rec, ds) = (h[1], h[2]);
        let mut len = usize::from(u16::from_be_bytes([h[3], h[4]]));
        i += 5;
        if len & 0x8000 != 0 {
            // Extended dataset: the low bits give how many bytes hold the length.
            let n = len & 0x7FFF;
            let Some(lb) = data.get(i..i.saturating_add(n)).filter(|_| n <= 4) else {
                damaged = true;
                break;
            };
            len = lb.iter().fold(0usize, |a, &b| a << 8 | usize::from(b));
            i += n;
        }
        let Some(value) = data.get(i..i.saturating_add(len)) else {
            damaged = true;
            break;
        };
        i += len;
        if rec != 2 {
            continue;
        }
        let push = |ex: &mut MetadataExtractor, id, field| ex.text_value(id, value, info, field);
        match ds {
            5 => push(ex, FindingId::Title, "IPTC 2:05 ObjectName"),
            25 => push(ex, FindingId::Keywords, "IPTC 2:25 Keywords"),
            40 => {
                if value.starts_with(b"FBMD") {
                    push(ex, FindingId::FacebookFbmd, "IPTC 2:40 SpecialInstructions")
                } else {
                    push(ex, FindingId::Comment, "IPTC 2:40 SpecialInstructions")
                }
            }
            103 => {
                if value.starts_with(b"FBMD") {
                    push(
                        ex,
                        FindingId::FacebookFbmd,
                        "IPTC 2:103 OriginalTransmissionReference",
                    )
                } else {
                    push(
                        ex,
                        FindingId::UniqueId,
                        "IPTC 2:103 OriginalTransmissionReference",
                    )
                }
            }
            55 => date = Some(decode_text(value)),
            60 => time = Some(decode_text(value)),
            80 => push(ex, FindingId::AuthorCopyright, "IPTC 2:80 By-line"),
            110 => push(ex, FindingId::AuthorCopyright, "IPTC 2:110 Credit"),
            115 => push(ex, FindingId::AuthorCopyright, "IPTC 2:115 Source"),
            116 => push(ex, FindingId::AuthorCopyright, "IPTC 2:116 CopyrightNotice"),
            122 => push(ex, FindingId::AuthorCopyright, "IPTC 2:122 Writer-Editor"),
            90 => push(ex, FindingId::PlaceName, "IPTC 2:90 City"),
            92 => push(ex, FindingId::PlaceName, "IPTC 2:92 Sub-location"),
            95 => push(ex, FindingId::PlaceName, "IPTC 2:95 Province-State"),
            101 => push(ex, FindingId::PlaceName, "IPTC 2:101 Country"),
            105 => push(ex, FindingId::Title, "IPTC 2:105 Headline"),
            120 => push(ex, FindingId::Description, "IPTC 2:120 Caption-Abstract"),
            _ => {}
        }
    }
    if let Some(d) = date.filter(|d| !d.trim().is_empty()) {
        let v = match time {
            Some(t) => format!("{d} {t}"),
            None => d,
        };
        ex.push(
            FindingId::CaptureTime,
            &v,
            None,
            info,
            "IPTC 2:55 DateCreated",
        );
    }
    if damaged {
        ex.push(
            FindingId::UnreadableMetadata,
            "damaged IPTC",
            None,
            info,
            "IPTC dataset",
        );
    }
}

/// Reads Photoshop image resource blocks: `8BIM`, id, padded Pascal name, size, padded data.
pub(crate) fn read_irb(ex: &mut MetadataExtractor, data: &[u8], info: &PartInfo) {
    let mut i = 0usize;
    let mut damaged = false;
    while i < data.len() {
        let Some(sig) = data.get(i..i + 4) else {
            damaged = true;
            break;
        };
        if !matches!(sig, b"8BIM" | b"PHUT" | b"AgHg" | b"DCSR" | b"MeSa") {
            damaged = data[i..].iter().any(|&b| b != 0);
            break;
        }
        let Some(idb) = data.get(i + 4..i + 7) else {
            damaged = true;
            break;
        };
        let id = u16::from_be_bytes([idb[0], idb[1]]);
        let name_total = (1 + usize::from(idb[2]) + 1) & !1;
        let at = i + 4 + 2 + name_total;
        let Some(sb) = data.get(at..at + 4) else {
            damaged = true;
            break;
        };
        let Ok(size) = usize::try_from(u32::from_be_bytes([sb[0], sb[1], sb[2], sb[3]])) else {
            damaged = true;
            break;
        };
        let body_at = at + 4;
        let Some(body) = data.get(body_at..body_at.saturating_add(size)) else {
            damaged = true;
            break;
        };
        i = body_at.saturating_add(size).saturating_add(size & 1);
        match id {
            0x0404 => read_iim(ex, body, info),
            0x0409 | 0x040C => ex.push(
                FindingId::Thumbnail,
                "",
                None,
                info,
                "Photoshop thumbnail resource",
            ),
            0x0422 => ex.exif_payload(body, info),
            0x0424 => ex.xmp_packet(body, info),
            _ => {}
        }
    }
    if damaged {
        ex.push(
            FindingId::UnreadableMetadata,
            "damaged Photoshop resources",
            None,
            info,
            "Photoshop resource",
        );
    }
}
