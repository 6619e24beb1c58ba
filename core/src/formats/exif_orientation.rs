//! Why this exists: orientation is the one EXIF field a photo needs to look the same — a portrait
//! taken with the phone turned is stored sideways with Orientation=6. ShareSafe reads only that
//! tag from IFD0 (as browsers and decoders do) and writes a fresh 26-byte TIFF holding nothing
//! else. Nothing from the original EXIF is ever copied.

/// The TIFF tag number of Orientation.
const ORIENTATION_TAG: u16 = 0x0112;

/// Reads the Orientation of IFD0 from a TIFF structure (the EXIF payload after any `Exif\0\0`
/// header). Returns `None` when absent, unreadable or out of range (1–8). Lenient on purpose: a
/// damaged EXIF block is removed anyway; it only must not make ShareSafe guess a rotation.
pub(crate) fn read_orientation(tiff: &[u8]) -> Option<u16> {
    let big = match tiff.get(..4)? {
        [b'M', b'M', 0, 42] => true,
        [b'I', b'I', 42, 0] => false,
        _ => return None,
    };
    let u16_at = |o: usize| -> Option<u16> {
        let b: [u8; 2] = tiff.get(o..o.checked_add(2)?)?.try_into().ok()?;
        Some(if big {
            u16::from_be_bytes(b)
        } else {
            u16::from_le_bytes(b)
        })
    };
    let u32_at = |o: usize| -> Option<u32> {
        let b: [u8; 4] = tiff.get(o..o.checked_add(4)?)?.try_into().ok()?;
        Some(if big {
            u32::from_be_bytes(b)
        } else {
            u32::from_le_bytes(b)
        })
    };
    let ifd0 = usize::try_from(u32_at(4)?).ok()?;
    let count = usize::from(u16_at(ifd0)?);
    for i in 0..count {
        let entry = ifd0.checked_add(2)?.checked_add(i.checked_mul(12)?)?;
        if u16_at(entry)? != ORIENTATION_TAG {
            continue;
        }
        let value = match (u16_at(entry + 2)?, u32_at(entry + 4)?) {
            (3, 1) => u16_at(entry + 8)?,                      // SHORT
            (4, 1) => u16::try_from(u32_at(entry + 8)?).ok()?, // LONG (writer quirk)
            _ => return None,
        };
        return (1..=8).contains(&value).then_some(value);
    }
    None
}

/// Strips the `Exif\0\0` (or the `Exif\0\xFF` quirk) header some containers carry before TIFF.
pub(crate) fn strip_exif_header(payload: &[u8]) -> &[u8] {
    match payload {
        [b'E', b'x', b'i', b'f', 0, _, rest @ ..] => rest,
        _ => payload,
    }
}

/// The orientation worth keeping: `None` for upright (1), which needs no EXIF at all.
pub(crate) fn meaningful(orientation: Option<u16>) -> Option<u16> {
    orientation.filter(|&o| o != 1)
}

/// A minimal big-endian TIFF with one IFD0 entry: Orientation = `value`.
pub(crate) fn minimal_tiff(value: u16) -> [u8; 26] {
    let mut t = [0u8; 26];
    t[..8].copy_from_slice(b"MM\0\x2a\0\0\0\x08");
    t[8..10].copy_from_slice(&1u16.to_be_bytes());
    t[10..12].copy_from_slice(&ORIENTATION_TAG.to_be_bytes());
    t[12..14].copy_from_slice(&3u16.to_be_bytes());
    t[14..18].copy_from_slice(&1u32.to_be_bytes());
    t[18..20].copy_from_slice(&value.to_be_bytes());
    // t[20..22] pad, t[22..26] next IFD offset = 0
    t
}

/// For the verifier: the orientation if `tiff` is exactly a [`minimal_tiff`], else `None`.
pub(crate) fn parse_minimal_tiff(tiff: &[u8]) -> Option<u16> {
    if tiff.len() != 26 {
        return None;
    }
    let value = u16::from_be_bytes([tiff[18], tiff[19]]);
    ((2..=8).contains(&value) && minimal_tiff(value) == tiff).then_some(value)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn minimal_round_trips_and_reads_back() {
        for v in 2..=8 {
            let t = minimal_tiff(v);
            assert_eq!(parse_minimal_tiff(&t), Some(v));
            assert_eq!(read_orientation(&t), Some(v));
        }
        assert_eq!(parse_minimal_tiff(&minimal_tiff(1)), None);
    }

    #[test]
    fn reads_little_endian_and_ignores_garbage() {
        // II, IFD0 at 8, 2 entries: 0x010F (Make, ASCII) then Orientation = 6
        let mut t = vec![b'I', b'I', 42, 0, 8, 0, 0, 0, 2, 0];
        t.extend_from_slice(&[0x0F, 0x01, 2, 0, 4, 0, 0, 0, b'a', b'b', b'c', 0]);
        t.extend_from_slice(&[0x12, 0x01, 3, 0, 1, 0, 0, 0, 6, 0, 0, 0]);
        t.extend_from_slice(&[0, 0, 0, 0]);
        assert_eq!(read_orientation(&t), Some(6));
        assert_eq!(read_orientation(&t[..20]), None);
        assert_eq!(read_orientation(b"MM\0\x2a\xff\xff\xff\xff"), None);
        assert_eq!(read_orientation(b""), None);
        // out of range value
        let mut bad = minimal_tiff(6);
        bad[19] = 9;
        assert_eq!(read_orientation(&bad), None);
    }

    #[test]
    fn strips_app1_style_header() {
        assert_eq!(strip_exif_header(b"Exif\0\0MM"), b"MM");
        assert_eq!(strip_exif_header(b"MM\0*"), b"MM\0*");
    }
}
