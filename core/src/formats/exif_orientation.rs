//! Why this exists: orientation is the one EXIF field a photo needs to look the same — a portrait
//! taken with the phone turned is stored sideways with Orientation=6. ShareSafe reads only that
//! tag from IFD0 (as browsers and decoders do) and writes a fresh 26-byte TIFF holding nothing
//! else. Nothing from the original EXIF is ever copied.
//!
//! One opt-in exception, for photo books and albums sorted by date: with
//! [`crate::CleanOptions::keep_capture_date`] the fresh TIFF also carries DateTimeOriginal, and
//! nothing else — no time zone, no sub-second, no other date. The value is re-validated digit by
//! digit and written by ShareSafe, so no byte of text from the original can ride along.
//!
//! One size policy for every format that carries EXIF as a block (JPEG APP1, PNG `eXIf`, WebP
//! `EXIF`), in [`read_exif_block`]: the block is always removed, whatever its size; at most
//! [`crate::Limits::max_metadata_bytes`] of it is read, and the orientation is looked up in that
//! prefix (IFD0 follows the 8-byte TIFF header, so it is there in practice). Only when the block
//! is over the limit *and* IFD0's Orientation lies beyond the bytes read is the file refused:
//! removing the block then might turn the photo on its side, and a photo that looks different
//! is a broken promise, while a refusal is a typed error the user sees.

use std::io::Read;

use crate::error::{Error, Part, Result};
use crate::io::{Ctx, Source};

/// The TIFF tag number of Orientation.
const ORIENTATION_TAG: u16 = 0x0112;
/// IFD0's pointer to the Exif sub-IFD.
const EXIF_IFD_TAG: u16 = 0x8769;
/// DateTimeOriginal, in the Exif sub-IFD: `YYYY:MM:DD HH:MM:SS` and a NUL.
const DATE_TIME_ORIGINAL_TAG: u16 = 0x9003;
/// OffsetTimeOriginal (`+HH:MM`): read only to set a file's modification time, never written.
const OFFSET_TIME_ORIGINAL_TAG: u16 = 0x9011;
/// Length of an EXIF date without its NUL.
const DATE_LEN: usize = 19;

/// A bounds-checked view of a TIFF structure. Every read returns `None` past the end.
struct Tiff<'a> {
    data: &'a [u8],
    big: bool,
}

impl<'a> Tiff<'a> {
    fn new(data: &'a [u8]) -> Option<Self> {
        let big = match data.get(..4)? {
            [b'M', b'M', 0, 42] => true,
            [b'I', b'I', 42, 0] => false,
            _ => return None,
        };
        Some(Tiff { data, big })
    }

    fn u16_at(&self, o: usize) -> Option<u16> {
        let b: [u8; 2] = self.data.get(o..o.checked_add(2)?)?.try_into().ok()?;
        Some(if self.big {
            u16::from_be_bytes(b)
        } else {
            u16::from_le_bytes(b)
        })
    }

    fn u32_at(&self, o: usize) -> Option<u32> {
        let b: [u8; 4] = self.data.get(o..o.checked_add(4)?)?.try_into().ok()?;
        Some(if self.big {
            u32::from_be_bytes(b)
        } else {
            u32::from_le_bytes(b)
        })
    }

    fn ifd0(&self) -> Option<usize> {
        usize::try_from(self.u32_at(4)?).ok()
    }

    /// The offset of the 12-byte entry for `tag` in the IFD at `ifd`.
    fn entry(&self, ifd: usize, tag: u16) -> Option<usize> {
        let count = usize::from(self.u16_at(ifd)?);
        (0..count).find_map(|i| {
            let entry = ifd.checked_add(2)?.checked_add(i.checked_mul(12)?)?;
            (self.u16_at(entry)? == tag).then_some(entry)
        })
    }

    /// The bytes of an ASCII entry (type 2) of at least `min` bytes, wherever they are stored.
    fn ascii(&self, entry: usize, min: usize) -> Option<&'a [u8]> {
        if self.u16_at(entry.checked_add(2)?)? != 2 {
            return None;
        }
        let count = usize::try_from(self.u32_at(entry.checked_add(4)?)?).ok()?;
        if count < min {
            return None;
        }
        let at = if count <= 4 {
            entry.checked_add(8)?
        } else {
            usize::try_from(self.u32_at(entry.checked_add(8)?)?).ok()?
        };
        self.data.get(at..at.checked_add(min)?)
    }

    /// The Exif sub-IFD's offset, from IFD0's pointer (LONG or IFD type).
    fn exif_ifd(&self) -> Option<usize> {
        let e = self.entry(self.ifd0()?, EXIF_IFD_TAG)?;
        match (self.u16_at(e + 2)?, self.u32_at(e + 4)?) {
            (4 | 13, 1) => usize::try_from(self.u32_at(e + 8)?).ok(),
            _ => None,
        }
    }
}

/// A photo's capture date and time as the camera wrote it (local time, no time zone), validated
/// to be `YYYY:MM:DD HH:MM:SS` with plausible fields.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct CaptureDate {
    /// The 19 ASCII bytes.
    pub(crate) text: [u8; DATE_LEN],
    /// The time-zone offset in minutes east of UTC, when the camera recorded one. Used only to
    /// turn the date into a file modification time; never written into a clean file.
    pub(crate) offset_minutes: Option<i32>,
}

impl CaptureDate {
    /// Validates `text` as an EXIF date. Rejects the all-zero "unknown" date and anything that is
    /// not digits and separators in the right places.
    pub(crate) fn parse(text: &[u8]) -> Option<Self> {
        let t: [u8; DATE_LEN] = text.get(..DATE_LEN)?.try_into().ok()?;
        let digits = |r: std::ops::Range<usize>| -> Option<u32> {
            t.get(r)?.iter().try_fold(0u32, |acc, &b| {
                b.is_ascii_digit().then(|| acc * 10 + u32::from(b - b'0'))
            })
        };
        let seps = [(4, b':'), (7, b':'), (10, b' '), (13, b':'), (16, b':')];
        if seps.iter().any(|&(i, c)| t[i] != c) {
            return None;
        }
        let (y, mo, d) = (digits(0..4)?, digits(5..7)?, digits(8..10)?);
        let (h, mi, s) = (digits(11..13)?, digits(14..16)?, digits(17..19)?);
        let ok = (1900..=2999).contains(&y)
            && (1..=12).contains(&mo)
            && (1..=31).contains(&d)
            && h <= 23
            && mi <= 59
            && s <= 60;
        ok.then_some(CaptureDate {
            text: t,
            offset_minutes: None,
        })
    }

    /// The date as text, `YYYY:MM:DD HH:MM:SS`.
    pub(crate) fn as_str(&self) -> &str {
        // Validated to be ASCII digits and separators in `parse`.
        std::str::from_utf8(&self.text).unwrap_or("")
    }

    /// Seconds since the Unix epoch: the recorded offset applied when there is one, else the
    /// local time taken as UTC (a file time off by the time zone beats none at all).
    pub(crate) fn unix_seconds(&self) -> i64 {
        let n = |r: std::ops::Range<usize>| -> i64 {
            self.text[r]
                .iter()
                .fold(0i64, |a, &b| a * 10 + i64::from(b - b'0'))
        };
        let (y, m, d) = (n(0..4), n(5..7), n(8..10));
        // Days from civil (proleptic Gregorian), after Howard Hinnant's algorithm.
        let y = if m <= 2 { y - 1 } else { y };
        let era = y.div_euclid(400);
        let yoe = y - era * 400;
        let mp = (m + 9) % 12;
        let doy = (153 * mp + 2) / 5 + d - 1;
        let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
        let days = era * 146_097 + doe - 719_468;
        let secs = days * 86_400 + n(11..13) * 3600 + n(14..16) * 60 + n(17..19);
        secs - i64::from(self.offset_minutes.unwrap_or(0)) * 60
    }
}

/// Reads DateTimeOriginal (and OffsetTimeOriginal, for the file time) from the Exif sub-IFD.
/// `None` when absent, unreadable or not a valid date.
pub(crate) fn read_capture_date(tiff: &[u8]) -> Option<CaptureDate> {
    let t = Tiff::new(tiff)?;
    let ifd = t.exif_ifd()?;
    let mut date = CaptureDate::parse(t.ascii(t.entry(ifd, DATE_TIME_ORIGINAL_TAG)?, DATE_LEN)?)?;
    date.offset_minutes = t
        .entry(ifd, OFFSET_TIME_ORIGINAL_TAG)
        .and_then(|e| t.ascii(e, 6))
        .and_then(parse_offset);
    Some(date)
}

/// `+HH:MM` / `-HH:MM` as minutes east of UTC.
fn parse_offset(b: &[u8]) -> Option<i32> {
    let sign = match b.first()? {
        b'+' => 1,
        b'-' => -1,
        _ => return None,
    };
    let d = |i: usize| -> Option<i32> {
        let c = *b.get(i)?;
        c.is_ascii_digit().then(|| i32::from(c - b'0'))
    };
    if b.get(3) != Some(&b':') {
        return None;
    }
    let (h, m) = (d(1)? * 10 + d(2)?, d(4)? * 10 + d(5)?);
    (h <= 14 && m <= 59).then_some(sign * (h * 60 + m))
}

/// The EXIF a clean keeps: the orientation when the photo is not upright, and the capture date
/// when the caller asked for it. Written fresh by [`KeptExif::to_tiff`].
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub(crate) struct KeptExif {
    /// Orientation 2–8 (upright needs no EXIF).
    pub(crate) orientation: Option<u16>,
    /// DateTimeOriginal, only with [`crate::CleanOptions::keep_capture_date`].
    pub(crate) capture_date: Option<CaptureDate>,
}

impl KeptExif {
    /// What a clean keeps from the input's TIFF. With `keep_capture_date` the date is also
    /// recorded in `ctx` so the report (and the batch's file time) can use it.
    pub(crate) fn from_input(tiff: &[u8], ctx: &mut crate::io::Ctx<'_>) -> Self {
        let capture_date = if ctx.keep_capture_date {
            read_capture_date(tiff)
        } else {
            None
        };
        if capture_date.is_some() {
            ctx.capture_date = capture_date;
        }
        KeptExif {
            orientation: meaningful(read_orientation(tiff)),
            capture_date,
        }
    }

    /// Like [`KeptExif::from_input`] when only the first bytes of the block were read: `tiff` is
    /// that prefix (after any `Exif\0\0` header) of a TIFF `total` bytes long. `None` when the
    /// orientation lies beyond the prefix (the caller refuses the file rather than lose it). A
    /// capture date beyond the prefix is simply not kept: it does not change how the photo looks.
    pub(crate) fn from_prefix(
        tiff: &[u8],
        total: usize,
        ctx: &mut crate::io::Ctx<'_>,
    ) -> Option<Self> {
        let orientation = match read_orientation_bounded(tiff, total) {
            BoundedOrientation::Known(o) => meaningful(o),
            BoundedOrientation::Beyond => return None,
        };
        Some(KeptExif {
            orientation,
            ..KeptExif::from_input(tiff, ctx)
        })
    }

    /// For a verifier: what `tiff` keeps, if it is exactly what [`KeptExif::to_tiff`] writes and
    /// holds a date only when the clean was asked to keep one. `None` means "not minimal".
    pub(crate) fn parse_minimal(tiff: &[u8], ctx: &crate::io::Ctx<'_>) -> Option<Self> {
        let kept = KeptExif {
            orientation: meaningful(read_orientation(tiff)),
            capture_date: read_capture_date(tiff).map(|d| CaptureDate {
                offset_minutes: None,
                ..d
            }),
        };
        let allowed = kept.capture_date.is_none() || ctx.keep_capture_date;
        (allowed && !kept.is_empty() && kept.to_tiff() == tiff).then_some(kept)
    }

    /// True when nothing is worth keeping: the EXIF block is removed outright.
    pub(crate) fn is_empty(&self) -> bool {
        self.orientation.is_none() && self.capture_date.is_none()
    }

    /// A fresh big-endian TIFF: IFD0 with Orientation and, with a date, a pointer to an Exif
    /// sub-IFD holding DateTimeOriginal alone. With only an orientation this is exactly
    /// [`minimal_tiff`], so files cleaned before dates existed still verify byte for byte.
    pub(crate) fn to_tiff(self) -> Vec<u8> {
        let Some(date) = self.capture_date else {
            return self
                .orientation
                .map(|o| minimal_tiff(o).to_vec())
                .unwrap_or_default();
        };
        let n0: u16 = if self.orientation.is_some() { 2 } else { 1 };
        let exif_ifd: u32 = 8 + 2 + 12 * u32::from(n0) + 4;
        let date_at = exif_ifd + 2 + 12 + 4;
        let mut t = Vec::with_capacity(date_at as usize + DATE_LEN + 1);
        t.extend_from_slice(b"MM\0\x2a\0\0\0\x08");
        t.extend_from_slice(&n0.to_be_bytes());
        if let Some(o) = self.orientation {
            entry_be(&mut t, ORIENTATION_TAG, 3, 1, u32::from(o) << 16);
        }
        entry_be(&mut t, EXIF_IFD_TAG, 4, 1, exif_ifd);
        t.extend_from_slice(&0u32.to_be_bytes());
        t.extend_from_slice(&1u16.to_be_bytes());
        entry_be(
            &mut t,
            DATE_TIME_ORIGINAL_TAG,
            2,
            DATE_LEN as u32 + 1,
            date_at,
        );
        t.extend_from_slice(&0u32.to_be_bytes());
        t.extend_from_slice(&date.text);
        t.push(0);
        t
    }
}

/// One big-endian IFD entry; `value` is the 4-byte value field (a SHORT sits in its high half).
fn entry_be(t: &mut Vec<u8>, tag: u16, typ: u16, count: u32, value: u32) {
    t.extend_from_slice(&tag.to_be_bytes());
    t.extend_from_slice(&typ.to_be_bytes());
    t.extend_from_slice(&count.to_be_bytes());
    t.extend_from_slice(&value.to_be_bytes());
}

/// Reads the Orientation of IFD0 from a TIFF structure (the EXIF payload after any `Exif\0\0`
/// header). Returns `None` when absent, unreadable or out of range (1–8). Lenient on purpose: a
/// damaged EXIF block is removed anyway; it only must not make ShareSafe guess a rotation.
pub(crate) fn read_orientation(tiff: &[u8]) -> Option<u16> {
    let t = Tiff::new(tiff)?;
    let entry = t.entry(t.ifd0()?, ORIENTATION_TAG)?;
    let value = match (t.u16_at(entry + 2)?, t.u32_at(entry + 4)?) {
        (3, 1) => t.u16_at(entry + 8)?,                      // SHORT
        (4, 1) => u16::try_from(t.u32_at(entry + 8)?).ok()?, // LONG (writer quirk)
        _ => return None,
    };
    (1..=8).contains(&value).then_some(value)
}

/// An EXIF block as a clean reads it: at most [`crate::Limits::max_metadata_bytes`] of it.
pub(crate) struct ExifBlock {
    /// What the clean keeps from it (empty when not interpreted).
    pub(crate) kept: KeptExif,
    /// The bytes read (the whole block when `complete`), for an inspection's collector.
    pub(crate) prefix: Vec<u8>,
    /// True when `prefix` is the whole block.
    pub(crate) complete: bool,
}

/// Reads an EXIF block whose first bytes `head` were already read and `rest` bytes follow,
/// holding at most [`crate::Limits::max_metadata_bytes`] in memory and skipping the remainder.
/// With `interpret`, the orientation (and the capture date when asked) is taken from what was
/// read. The one policy for JPEG APP1, PNG `eXIf` and WebP `EXIF`: a block of any size is
/// removed; it is refused (typed `max_metadata_bytes` error naming `part` at `at`) only when it
/// is larger than the limit *and* its Orientation cannot be found in the bytes read, because
/// dropping it then could turn the photo on its side.
pub(crate) fn read_exif_block<R: Read>(
    src: &mut Source<R>,
    mut head: Vec<u8>,
    rest: u64,
    interpret: bool,
    (part, at): (Part, u64),
    ctx: &mut Ctx<'_>,
) -> Result<ExifBlock> {
    let max = ctx.limits.max_metadata_bytes;
    let total = (head.len() as u64).saturating_add(rest);
    let take = rest.min(u64::from(max).saturating_sub(head.len() as u64));
    head.extend(src.read_vec(take, max, "max_metadata_bytes", part)?);
    src.skip(rest - take, part, ctx)?;
    let complete = take == rest;
    let kept = if !interpret {
        KeptExif::default()
    } else if complete {
        KeptExif::from_input(strip_exif_header(&head), ctx)
    } else {
        let tiff = strip_exif_header(&head);
        let header = (head.len() - tiff.len()) as u64;
        // Too little read to even know whether a header precedes the TIFF: cannot tell.
        let total_tiff = usize::try_from(total - header).unwrap_or(usize::MAX);
        let kept = (head.len() >= 6)
            .then(|| KeptExif::from_prefix(tiff, total_tiff, ctx))
            .flatten();
        kept.ok_or_else(|| Error::limit(src.format(), "max_metadata_bytes", part, at))?
    };
    Ok(ExifBlock {
        kept,
        prefix: head,
        complete,
    })
}

/// The answer to "what is the Orientation?" when only the first bytes of an EXIF block were read.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum BoundedOrientation {
    /// The prefix settles it: the orientation (1–8), or `None` when the block has none or it is
    /// unreadable — exactly what [`read_orientation`] says of the whole block.
    Known(Option<u16>),
    /// IFD0, or its Orientation entry, lies beyond the bytes read: only reading more could tell.
    Beyond,
}

/// Reads the Orientation of IFD0 from the first bytes (`prefix`) of a TIFF structure that is
/// `total` bytes long. Why: an EXIF block larger than [`crate::Limits::max_metadata_bytes`] is
/// not read into memory, yet dropping it blindly would lose the rotation (the photo would look
/// different). IFD0 sits right after the 8-byte TIFF header in every writer seen, so a bounded
/// prefix almost always answers; [`BoundedOrientation::Beyond`] is returned only when a field the
/// lookup needs lies between `prefix.len()` and `total`, and the caller then refuses the file.
/// Reads past `total` fail exactly as [`read_orientation`] fails on the whole block.
pub(crate) fn read_orientation_bounded(prefix: &[u8], total: usize) -> BoundedOrientation {
    if prefix.len() >= total {
        return BoundedOrientation::Known(read_orientation(prefix));
    }
    match orientation_in_prefix(prefix, total) {
        Ok(o) => BoundedOrientation::Known(o),
        Err(PastPrefix) => BoundedOrientation::Beyond,
    }
}

/// A read that needed bytes after the prefix but inside the block.
struct PastPrefix;

fn orientation_in_prefix(
    prefix: &[u8],
    total: usize,
) -> std::result::Result<Option<u16>, PastPrefix> {
    // `get(o, n)`: the bytes, `Ok(None)` past the block's end, `Err` past the prefix only.
    let get = |o: usize, n: usize| -> std::result::Result<Option<&[u8]>, PastPrefix> {
        let Some(end) = o.checked_add(n) else {
            return Ok(None);
        };
        match prefix.get(o..end) {
            Some(b) => Ok(Some(b)),
            None if end <= total => Err(PastPrefix),
            None => Ok(None),
        }
    };
    let Some(head) = get(0, 4)? else {
        return Ok(None);
    };
    let big = match head {
        [b'M', b'M', 0, 42] => true,
        [b'I', b'I', 42, 0] => false,
        _ => return Ok(None),
    };
    let u16_at = |o: usize| -> std::result::Result<Option<u16>, PastPrefix> {
        Ok(get(o, 2)?.map(|b| {
            let b = [b[0], b[1]];
            if big {
                u16::from_be_bytes(b)
            } else {
                u16::from_le_bytes(b)
            }
        }))
    };
    let u32_at = |o: usize| -> std::result::Result<Option<u32>, PastPrefix> {
        Ok(get(o, 4)?.map(|b| {
            let b = [b[0], b[1], b[2], b[3]];
            if big {
                u32::from_be_bytes(b)
            } else {
                u32::from_le_bytes(b)
            }
        }))
    };
    let Some(ifd0) = u32_at(4)?.and_then(|v| usize::try_from(v).ok()) else {
        return Ok(None);
    };
    let Some(count) = u16_at(ifd0)? else {
        return Ok(None);
    };
    for i in 0..usize::from(count) {
        // Entries past the block's end are skipped, as `Tiff::entry` skips them.
        let Some(entry) = ifd0.checked_add(2 + 12 * i) else {
            return Ok(None);
        };
        if u16_at(entry)? != Some(ORIENTATION_TAG) {
            continue;
        }
        let (Some(typ), Some(n)) = (u16_at(entry + 2)?, u32_at(entry + 4)?) else {
            return Ok(None);
        };
        let value = match (typ, n) {
            (3, 1) => u16_at(entry + 8)?,
            (4, 1) => u32_at(entry + 8)?.and_then(|v| u16::try_from(v).ok()),
            _ => None,
        };
        return Ok(value.filter(|v| (1..=8).contains(v)));
    }
    Ok(None)
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn minimal_round_trips_and_reads_back() {
        let limits = crate::Limits::default();
        let ctx = crate::io::Ctx::new(crate::Format::Jpeg, &limits, None);
        for v in 2..=8 {
            let t = minimal_tiff(v);
            let kept = KeptExif::parse_minimal(&t, &ctx).map(|k| k.orientation);
            assert_eq!(kept, Some(Some(v)));
            assert_eq!(read_orientation(&t), Some(v));
        }
        assert_eq!(KeptExif::parse_minimal(&minimal_tiff(1), &ctx), None);
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
    fn bounded_lookup_agrees_with_the_whole_block_or_says_beyond() {
        let mut le = vec![b'I', b'I', 42, 0, 8, 0, 0, 0, 2, 0];
        le.extend_from_slice(&[0x0F, 0x01, 2, 0, 4, 0, 0, 0, b'a', b'b', b'c', 0]);
        le.extend_from_slice(&[0x12, 0x01, 3, 0, 1, 0, 0, 0, 6, 0, 0, 0]);
        le.extend_from_slice(&[0, 0, 0, 0]);
        let mut padded = minimal_tiff(3).to_vec();
        padded.resize(4000, 0xAB);
        let mut late = padded.clone();
        late[4..8].copy_from_slice(&3000u32.to_be_bytes());
        late[3000..3018].copy_from_slice(&minimal_tiff(5)[8..]);
        let tiffs = [
            le,
            camera_tiff(b"2024:06:12 08:05:09\0"),
            minimal_tiff(6).to_vec(),
            padded,
            late,
            b"not a tiff at all".to_vec(),
        ];
        for t in &tiffs {
            let whole = read_orientation(t);
            let mut known_from = None;
            for k in 0..=t.len() {
                match read_orientation_bounded(&t[..k], t.len()) {
                    BoundedOrientation::Known(o) => {
                        assert_eq!(o, whole, "prefix {k} of {} disagrees", t.len());
                        known_from.get_or_insert(k);
                    }
                    BoundedOrientation::Beyond => {
                        assert!(known_from.is_none(), "Beyond after Known at {k}");
                    }
                }
            }
            // The whole block always answers.
            assert!(known_from.is_some());
        }
        // IFD0 right after the header answers within its first 22 bytes, whatever the total.
        assert_eq!(
            read_orientation_bounded(&tiffs[3][..22], 4000),
            BoundedOrientation::Known(Some(3))
        );
        assert_eq!(
            read_orientation_bounded(&tiffs[4][..2999], 4000),
            BoundedOrientation::Beyond
        );
        // Non-TIFF prefixes answer at once: no orientation to lose.
        assert_eq!(
            read_orientation_bounded(b"JUNK", 1 << 20),
            BoundedOrientation::Known(None)
        );
    }

    #[test]
    fn strips_app1_style_header() {
        assert_eq!(strip_exif_header(b"Exif\0\0MM"), b"MM");
        assert_eq!(strip_exif_header(b"MM\0*"), b"MM\0*");
    }

    /// A little-endian camera-style TIFF: IFD0 {Make, Orientation, ExifIFD} and an Exif IFD
    /// {DateTimeOriginal, OffsetTimeOriginal, a maker note stand-in}.
    fn camera_tiff(date: &[u8; 20]) -> Vec<u8> {
        let mut t = vec![b'I', b'I', 42, 0, 8, 0, 0, 0];
        let e = |t: &mut Vec<u8>, tag: u16, typ: u16, count: u32, value: u32| {
            t.extend_from_slice(&tag.to_le_bytes());
            t.extend_from_slice(&typ.to_le_bytes());
            t.extend_from_slice(&count.to_le_bytes());
            t.extend_from_slice(&value.to_le_bytes());
        };
        // IFD0 at 8: 3 entries -> 8 + 2 + 36 + 4 = 50; Exif IFD at 50: 3 entries -> 50+42 = 92
        t.extend_from_slice(&3u16.to_le_bytes());
        e(&mut t, 0x010F, 2, 4, u32::from_le_bytes(*b"abc\0"));
        e(&mut t, ORIENTATION_TAG, 3, 1, 6);
        e(&mut t, EXIF_IFD_TAG, 4, 1, 50);
        t.extend_from_slice(&0u32.to_le_bytes());
        t.extend_from_slice(&3u16.to_le_bytes());
        e(&mut t, DATE_TIME_ORIGINAL_TAG, 2, 20, 92);
        e(&mut t, OFFSET_TIME_ORIGINAL_TAG, 2, 7, 112);
        e(&mut t, 0x927C, 7, 4, 0xdead_beef);
        t.extend_from_slice(&0u32.to_le_bytes());
        assert_eq!(t.len(), 92);
        t.extend_from_slice(date);
        t.extend_from_slice(b"+02:00\0");
        t
    }

    #[test]
    fn capture_date_is_read_validated_and_written_alone() {
        let t = camera_tiff(b"2024:06:12 08:05:09\0");
        let d = read_capture_date(&t).expect("date");
        assert_eq!(d.as_str(), "2024:06:12 08:05:09");
        assert_eq!(d.offset_minutes, Some(120));
        // 2024-06-12T08:05:09+02:00 = 1718172309
        assert_eq!(d.unix_seconds(), 1_718_172_309);
        let kept = KeptExif {
            orientation: meaningful(read_orientation(&t)),
            capture_date: Some(d),
        };
        let out = kept.to_tiff();
        assert_eq!(out.len(), 76);
        assert!(!out.windows(3).any(|w| w == b"abc"), "Make copied");
        assert!(!out.windows(6).any(|w| w == b"+02:00"), "time zone copied");
        assert_eq!(read_orientation(&out), Some(6));
        assert_eq!(read_capture_date(&out).map(|d| d.text), Some(d.text));
        // Orientation only is the historic 26-byte TIFF.
        let o_only = KeptExif {
            orientation: Some(6),
            capture_date: None,
        };
        assert_eq!(o_only.to_tiff(), minimal_tiff(6).to_vec());
        // Date only (upright photo).
        let d_only = KeptExif {
            orientation: None,
            capture_date: Some(d),
        };
        let t2 = d_only.to_tiff();
        assert_eq!(read_orientation(&t2), None);
        assert_eq!(read_capture_date(&t2).map(|d| d.text), Some(d.text));
    }

    #[test]
    fn verifier_accepts_only_exact_minimal_and_dates_only_when_asked() {
        let limits = crate::Limits::default();
        let mut keep = crate::io::Ctx::new(crate::Format::Jpeg, &limits, None);
        keep.keep_capture_date = true;
        let strict = crate::io::Ctx::new(crate::Format::Jpeg, &limits, None);
        let d = CaptureDate::parse(b"2023:01:02 03:04:05").expect("date");
        let kept = KeptExif {
            orientation: Some(3),
            capture_date: Some(d),
        };
        let t = kept.to_tiff();
        assert_eq!(KeptExif::parse_minimal(&t, &keep), Some(kept));
        assert_eq!(KeptExif::parse_minimal(&t, &strict), None);
        let mut tampered = t.clone();
        tampered.push(0);
        assert_eq!(KeptExif::parse_minimal(&tampered, &keep), None);
        // The camera's own TIFF is never "minimal".
        let cam = camera_tiff(b"2023:01:02 03:04:05\0");
        assert_eq!(KeptExif::parse_minimal(&cam, &keep), None);
        assert_eq!(
            KeptExif::parse_minimal(&minimal_tiff(6), &strict).map(|k| k.orientation),
            Some(Some(6))
        );
    }

    #[test]
    fn bad_dates_are_not_kept() {
        for bad in [
            &b"0000:00:00 00:00:00"[..],
            b"2024:13:01 00:00:00",
            b"2024:06:12 24:00:00",
            b"2024-06-12 08:05:09",
            b"2024:06:12 08:05:0",
            b"Lisa:06:12 08:05:09",
        ] {
            assert_eq!(CaptureDate::parse(bad), None, "{bad:?}");
        }
        assert_eq!(
            read_capture_date(&camera_tiff(b"    :  :     :  :  \0")),
            None
        );
        let t = camera_tiff(b"2024:06:12 08:05:09\0");
        for n in 0..t.len() {
            let _ = read_capture_date(&t[..n]); // never panics on truncation
        }
    }
}
