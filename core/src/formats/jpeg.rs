//! Why this exists: JPEG is what phones write and what parents share most, and it is where most
//! identifying data hides: EXIF (GPS, serials, maker notes, thumbnails), XMP (people, editing
//! history), IPTC (Facebook's FBMD code), MPF secondary pictures and whole motion-photo videos after
//! the end-of-image marker. This module walks the marker segments once, streams the entropy-coded
//! scans through a fixed buffer (memory does not grow with resolution), keeps what
//! [`crate::policy::jpeg`] allows, and verifies the result with an independent, stricter walk.
//! An oversized EXIF segment follows the size policy shared with PNG and WebP (see
//! [`super::exif_orientation`]): removed, orientation kept from a bounded prefix.

use std::io::{Read, Write};

use super::exif_orientation::{read_exif_block, KeptExif};
use super::{Cleaned, Verified};
use crate::error::{Error, Part, Result};
use crate::io::{Ctx, ImageDigest, Sink, Source};
use crate::parts::{Action, PartInfo, PartKind};
use crate::policy::{self, Decision};
use crate::Format;

const SOI: u8 = 0xD8;
const EOI: u8 = 0xD9;
const SOS: u8 = 0xDA;
const APP0: u8 = 0xE0;
const APP1: u8 = 0xE1;
const APP2: u8 = 0xE2;

/// The APPn identifier read ahead of a segment's payload: `ICC_PROFILE\0` + sequence + count,
/// the longest the policy needs outside APP1.
const ID_LEN: usize = 14;

/// APP1's longer head: `http://ns.adobe.com/xmp/extension/\0`. At 14 bytes the XMP and Extended
/// XMP identifiers look the same (`http://ns.adob`), and the report named every Extended XMP
/// chunk "XMP".
const APP1_ID_LEN: usize = 35;

/// The JFIF APP0 payload without thumbnail: `JFIF\0`, version, units, densities, 0×0 thumbnail.
const JFIF_LEN: usize = 14;

fn is_sof(m: u8) -> bool {
    matches!(m, 0xC0..=0xCF) && !matches!(m, 0xC4 | 0xC8 | 0xCC)
}

fn fail(src: &Source<impl Read>, m: u8, offset: u64, reason: &'static str) -> Error {
    Error::malformed(src.format(), Part::JpegMarker(m), offset, reason)
}

/// Reads the next marker, skipping 0xFF fill bytes. Returns the marker and the offset of its 0xFF.
fn read_marker<R: Read>(src: &mut Source<R>) -> Result<(u8, u64)> {
    let at = src.offset();
    let b = src.read_u8(Part::Header)?;
    if b != 0xFF {
        return Err(Error::malformed(
            Format::Jpeg,
            Part::Header,
            at,
            "expected a marker",
        ));
    }
    loop {
        let m = src.read_u8(Part::Header)?;
        match m {
            0xFF => continue,
            0x00 => {
                return Err(Error::malformed(
                    Format::Jpeg,
                    Part::Header,
                    at,
                    "expected a marker",
                ))
            }
            m => return Ok((m, at)),
        }
    }
}

/// Which label a part gets in the report.
fn app_label(m: u8, id: &[u8]) -> &'static str {
    let known: &[(&[u8], &str)] = &[
        (b"JFIF\0", "JFIF"),
        (b"JFXX\0", "JFXX thumbnail"),
        (b"Exif\0", "Exif"),
        (b"http://ns.adobe.com/xap/1.0/\0", "XMP"),
        (b"http://ns.adobe.com/xmp/extens", "Extended XMP"),
        (b"ICC_PROFILE\0", "ICC_PROFILE"),
        (b"MPF\0", "MPF"),
        (b"FPXR\0", "FlashPix"),
        (b"Photoshop 3.0\0", "Photoshop/IPTC"),
        (b"Adobe", "Adobe"),
        (b"JP", "JUMBF"),
        (b"Ducky", "Ducky"),
    ];
    for (prefix, label) in known {
        if id.starts_with(prefix) {
            return label;
        }
    }
    match m {
        0xFE => "comment",
        0xE0..=0xEF => "application data",
        _ => crate::error::jpeg_marker_name(m),
    }
}

/// Streams one entropy-coded scan (after the SOS header) to `out`/`digest`, byte-stuffing and
/// RSTn markers included, and returns the marker that ends the scan (already consumed) with the
/// offset of its 0xFF.
fn copy_scan<R: Read, W: Write>(
    src: &mut Source<R>,
    mut out: Option<&mut Sink<W>>,
    digest: &mut ImageDigest,
    ctx: &Ctx<'_>,
) -> Result<(u8, u64)> {
    let part = Part::JpegMarker(SOS);
    let mut since_check = 0usize;
    loop {
        let buf = src.fill_buf()?;
        if buf.is_empty() {
            return Err(fail(src, SOS, src.offset(), "scan data ends early"));
        }
        // The longest start of the buffer that holds no marker: data, stuffed 0xFF00 and RSTn,
        // handed on in one piece (one 0xFF in about 256 bytes of entropy-coded data, so taking
        // them one at a time cost more than the copy). memchr scans a word at a time.
        let run = scan_run(buf);
        if run > 0 {
            let chunk = &buf[..run];
            digest.update(chunk);
            if let Some(o) = out.as_deref_mut() {
                o.write_all(chunk)?;
            }
            src.consume(run, part)?;
            since_check += run;
            if since_check >= 1 << 20 {
                ctx.check_cancel()?;
                since_check = 0;
            }
            continue;
        }
        // At a 0xFF: look at what follows (fill bytes 0xFF collapse into one).
        let at = src.offset();
        src.consume(1, part)?;
        let next = loop {
            match src.peek_u8()? {
                None => return Err(fail(src, SOS, at, "scan data ends early")),
                Some(0xFF) => src.consume(1, part)?,
                Some(b) => break b,
            }
        };
        src.consume(1, part)?;
        match next {
            0x00 | 0xD0..=0xD7 => {
                let pair = [0xFF, next];
                digest.update(&pair);
                if let Some(o) = out.as_deref_mut() {
                    o.write_all(&pair)?;
                }
            }
            m => return Ok((m, at)),
        }
    }
}

/// How many bytes at the start of `buf` are scan data that [`copy_scan`] can pass on whole:
/// everything before the first 0xFF that is not followed, within `buf`, by 0x00 or RST0–7
/// (a marker, a fill byte, or a 0xFF at the end of the buffer, which the caller looks at
/// byte by byte).
fn scan_run(buf: &[u8]) -> usize {
    let mut end = 0;
    while let Some(i) = memchr::memchr(0xFF, &buf[end..]) {
        let at = end + i;
        match buf.get(at + 1) {
            Some(0x00 | 0xD0..=0xD7) => end = at + 2,
            _ => return at,
        }
    }
    buf.len()
}

/// A frame header must describe a picture: 1–4 components, a non-zero width, and a length that
/// matches the component count. (A zero height is legal: DNL gives it later.)
fn check_frame_header(len: u16, head: &[u8]) -> std::result::Result<(), &'static str> {
    let [_precision, _h0, _h1, w0, w1, components, ..] = head else {
        return Err("frame header too short");
    };
    if !(1..=4).contains(components) || u16::from_be_bytes([*w0, *w1]) == 0 {
        return Err("frame header describes no picture");
    }
    if usize::from(len) != 8 + 3 * usize::from(*components) {
        return Err("frame header length does not match its components");
    }
    Ok(())
}

/// A scan header names 1–4 components and its length matches.
fn check_scan_header(len: u16, head: &[u8]) -> std::result::Result<(), &'static str> {
    let Some(&components) = head.first() else {
        return Err("scan header too short");
    };
    if !(1..=4).contains(&components) || usize::from(len) != 6 + 2 * usize::from(components) {
        return Err("scan header length does not match its components");
    }
    Ok(())
}

/// The ICC_PROFILE chunks of one JPEG, buffered until the set is complete (every sequence number
/// from 1 to the declared count, once; at most [`crate::Limits::max_icc_bytes`] in all) so the
/// profile's text can be blanked ([`crate::icc`]) before it is written back with the same
/// chunking. Decoders use the profile only when the set is complete and before the first scan;
/// an incomplete or unreadable set is ignored by them, so dropping it leaves the picture as shown.
struct IccProfile {
    chunks: Vec<IccChunk>,
    count: Option<u8>,
    seen: [bool; 256],
    total: u64,
    broken: bool,
    done: bool,
}

struct IccChunk {
    seq: u8,
    id: Vec<u8>,
    data: Vec<u8>,
    info: PartInfo,
}

impl IccProfile {
    fn new() -> Self {
        IccProfile {
            chunks: Vec::new(),
            count: None,
            seen: [false; 256],
            total: 0,
            broken: false,
            done: false,
        }
    }

    /// Checks a chunk's sequence number and count; `Err` names what is wrong.
    fn check(&mut self, id: &[u8]) -> std::result::Result<u8, &'static str> {
        let (seq, count) = match id {
            [.., seq, count] if id.len() == ID_LEN => (*seq, *count),
            _ => return Err("ICC profile chunk too short"),
        };
        if seq == 0 || count == 0 || seq > count {
            return Err("ICC profile chunk number out of range");
        }
        if *self.count.get_or_insert(count) != count {
            return Err("ICC profile chunks disagree on their count");
        }
        if std::mem::replace(&mut self.seen[usize::from(seq)], true) {
            return Err("ICC profile chunk repeated");
        }
        Ok(seq)
    }

    fn complete(&self) -> bool {
        self.count
            .is_some_and(|c| (1..=usize::from(c)).all(|i| self.seen[i]))
    }

    /// The whole profile in sequence order.
    fn assemble(&mut self) -> Vec<u8> {
        self.chunks.sort_by_key(|c| c.seq);
        self.chunks
            .iter()
            .flat_map(|c| c.data.iter().copied())
            .collect()
    }

    /// Writes the (blanked) profile back in its original chunking, or drops it when incomplete,
    /// inconsistent or unreadable. Either way the parts are reported.
    fn flush<W: Write>(
        &mut self,
        out: &mut Sink<W>,
        digest: &mut ImageDigest,
        parts: &mut Vec<PartInfo>,
    ) -> Result<()> {
        if self.done {
            return Ok(());
        }
        self.done = true;
        let mut profile = self.assemble();
        let sanitized = if self.broken || !self.complete() {
            Err("incomplete")
        } else {
            crate::icc::sanitize_profile(&mut profile)
        };
        match sanitized {
            Ok(changed) => {
                let mut at = 0;
                for c in &mut self.chunks {
                    let n = c.data.len();
                    let data = &profile[at..at + n];
                    at += n;
                    // id (14 bytes) + data fits the original segment: same length.
                    let len = (2 + c.id.len() + n) as u16;
                    write_segment_start(out, APP2, len, &c.id)?;
                    out.write_all(data)?;
                    digest_segment_start(digest, APP2, len, &c.id);
                    digest.update(data);
                    c.info.action = if changed {
                        Action::Rewritten
                    } else {
                        Action::Kept
                    };
                    c.info.label = if changed {
                        "ICC_PROFILE (text blanked)"
                    } else {
                        "ICC_PROFILE"
                    };
                    parts.push(c.info.clone());
                }
            }
            Err(_) => {
                for c in &mut self.chunks {
                    c.info.action = Action::Removed;
                    c.info.label = "incomplete or unreadable ICC profile (ignored by decoders)";
                    parts.push(c.info.clone());
                }
            }
        }
        self.chunks.clear();
        Ok(())
    }
}

/// Writes a segment header `FF m len` followed by `head`.
fn write_segment_start<W: Write>(out: &mut Sink<W>, m: u8, len: u16, head: &[u8]) -> Result<()> {
    let l = len.to_be_bytes();
    out.write_all(&[0xFF, m, l[0], l[1]])?;
    out.write_all(head)
}

/// Digests a kept segment's marker, length and leading bytes the same way in clean and verify.
fn digest_segment_start(d: &mut ImageDigest, m: u8, len: u16, head: &[u8]) {
    d.boundary(u32::from(m));
    d.update(&len.to_be_bytes());
    d.update(head);
}

/// Reads a segment's length field and the first bytes of its payload (the APPn identifier).
fn read_segment_head<R: Read>(src: &mut Source<R>, m: u8, at: u64) -> Result<(u16, Vec<u8>, u64)> {
    let part = Part::JpegMarker(m);
    let len = src.read_u16_be(part)?;
    if len < 2 {
        return Err(fail(src, m, at, "segment length below 2"));
    }
    let payload = u64::from(len - 2);
    let head = if m == APP1 { APP1_ID_LEN } else { ID_LEN };
    let id_len = payload.min(head as u64);
    let mut id = vec![0u8; id_len as usize];
    src.read_exact(&mut id, part)?;
    Ok((len, id, payload - id_len))
}

pub(crate) fn clean<R: Read, W: Write>(
    src: &mut Source<R>,
    out: &mut Sink<W>,
    ctx: &mut Ctx<'_>,
) -> Result<Cleaned> {
    let mut parts = Vec::new();
    let mut digest = ctx.new_digest();
    let mut orientation = None;
    let (mut exif_seen, mut jfif_seen, mut sof_seen, mut sos_seen) = (false, false, false, false);
    let mut icc = IccProfile::new();

    let (m, at) = read_marker(src)?;
    if m != SOI {
        return Err(fail(src, m, at, "does not start with SOI"));
    }
    out.write_all(&[0xFF, SOI])?;
    parts.push(PartInfo {
        part: Part::JpegMarker(SOI),
        label: "SOI",
        offset: 0,
        length: 2,
        kind: PartKind::Structure,
        action: Action::Kept,
    });

    let mut pending = None;
    loop {
        let (m, at) = match pending.take() {
            Some(p) => p,
            None => read_marker(src)?,
        };
        ctx.next_part(Part::JpegMarker(m), at)?;
        match m {
            EOI => {
                if !sof_seen || !sos_seen {
                    return Err(fail(src, m, at, "no frame or scan before end of image"));
                }
                out.write_all(&[0xFF, EOI])?;
                digest.boundary(u32::from(EOI));
                parts.push(PartInfo {
                    part: Part::JpegMarker(EOI),
                    label: "EOI",
                    offset: at,
                    length: 2,
                    kind: PartKind::ImageData,
                    action: Action::Kept,
                });
                let trailer_at = src.offset();
                let (head, n) = src.read_trailer(ctx)?;
                if n > 0 {
                    let info = PartInfo {
                        part: Part::Trailer,
                        label: trailer_label(&head),
                        offset: trailer_at,
                        length: n,
                        kind: PartKind::Trailer,
                        action: Action::Removed,
                    };
                    ctx.collect(&info, &head, head.len() as u64 == n);
                    parts.push(info);
                }
                break;
            }
            SOI => return Err(fail(src, m, at, "second start of image")),
            0xD0..=0xD7 => return Err(fail(src, m, at, "restart marker outside a scan")),
            0x01 => {
                parts.push(PartInfo {
                    part: Part::JpegMarker(m),
                    label: "TEM",
                    offset: at,
                    length: 2,
                    kind: PartKind::Unknown,
                    action: Action::Removed,
                });
                continue;
            }
            _ => {}
        }

        let (len, id, rest) = read_segment_head(src, m, at)?;
        let part = Part::JpegMarker(m);
        let length = 2 + u64::from(len);
        let label = app_label(m, &id);
        let mut decision = policy::jpeg(m, &id);
        // Only the first JFIF header is meaningful; a repeated one is just data.
        if m == APP0 && matches!(decision, Decision::Rewrite(_)) && jfif_seen {
            decision = Decision::Remove(PartKind::Unknown);
        }
        match decision {
            Decision::Keep(kind) => {
                if is_sof(m) {
                    check_frame_header(len, &id).map_err(|r| fail(src, m, at, r))?;
                    sof_seen = true;
                }
                if m == SOS {
                    check_scan_header(len, &id).map_err(|r| fail(src, m, at, r))?;
                }
                if m == SOS && !sof_seen {
                    return Err(fail(src, m, at, "scan before frame header"));
                }
                if m == SOS {
                    // Decoders read the profile before the first scan: settle it now.
                    icc.flush(out, &mut digest, &mut parts)?;
                }
                if m == APP2 {
                    let info = PartInfo {
                        part,
                        label,
                        offset: at,
                        length,
                        kind,
                        action: Action::Kept,
                    };
                    if icc.done {
                        // After the first scan, or a second profile: decoders ignore it.
                        let info = PartInfo {
                            action: Action::Removed,
                            label: "ICC chunk after the profile (ignored by decoders)",
                            ..info
                        };
                        src.skip_or_collect(rest, &id, &info, ctx)?;
                        parts.push(info);
                        continue;
                    }
                    icc.total += rest;
                    if icc.total > u64::from(ctx.limits.max_icc_bytes) {
                        return Err(Error::limit(Format::Jpeg, "max_icc_bytes", part, at));
                    }
                    match icc.check(&id) {
                        Ok(seq) => {
                            let data = src.read_vec(
                                rest,
                                ctx.limits.max_icc_bytes,
                                "max_icc_bytes",
                                part,
                            )?;
                            icc.chunks.push(IccChunk {
                                seq,
                                id: id.clone(),
                                data,
                                info,
                            });
                        }
                        Err(_) => {
                            icc.broken = true;
                            src.skip(rest, part, ctx)?;
                            icc.chunks.push(IccChunk {
                                seq: 0,
                                id: id.clone(),
                                data: Vec::new(),
                                info,
                            });
                        }
                    }
                    if icc.complete() && !icc.broken {
                        icc.flush(out, &mut digest, &mut parts)?;
                    }
                    continue;
                }
                write_segment_start(out, m, len, &id)?;
                digest_segment_start(&mut digest, m, len, &id);
                src.copy(rest, Some(out), Some(&mut digest), part, ctx)?;
                if m == SOS {
                    sos_seen = true;
                    pending = Some(copy_scan(src, Some(out), &mut digest, ctx)?);
                    parts.push(PartInfo {
                        part,
                        label: "SOS + scan data",
                        offset: at,
                        length: pending.map_or(0, |p| p.1) - at,
                        kind,
                        action: Action::Kept,
                    });
                } else {
                    parts.push(PartInfo {
                        part,
                        label,
                        offset: at,
                        length,
                        kind,
                        action: Action::Kept,
                    });
                }
            }
            Decision::Rewrite(kind) if m == APP0 => {
                jfif_seen = true;
                if id.len() < JFIF_LEN {
                    let info = PartInfo {
                        part,
                        label: "JFIF (unreadable)",
                        offset: at,
                        length,
                        kind: PartKind::Unknown,
                        action: Action::Removed,
                    };
                    src.skip_or_collect(rest, &id, &info, ctx)?;
                    parts.push(info);
                    continue;
                }
                let mut jfif = [0u8; JFIF_LEN];
                jfif.copy_from_slice(&id[..JFIF_LEN]);
                jfif[12] = 0;
                jfif[13] = 0;
                write_segment_start(out, APP0, (2 + JFIF_LEN) as u16, &jfif)?;
                parts.push(PartInfo {
                    part,
                    label: "JFIF",
                    offset: at,
                    length: 2 + 2 + JFIF_LEN as u64,
                    kind,
                    action: Action::Rewritten,
                });
                if rest > 0 {
                    // Raw RGB thumbnail; its width and height (id[12..14]) lead the payload.
                    let info = PartInfo {
                        part,
                        label: "JFIF thumbnail",
                        offset: at + 2 + 2 + JFIF_LEN as u64,
                        length: rest,
                        kind: PartKind::Thumbnail,
                        action: Action::Removed,
                    };
                    src.skip_or_collect(rest, &id[12..14], &info, ctx)?;
                    parts.push(info);
                }
            }
            Decision::Rewrite(kind) => {
                // APP1 Exif: only the first is interpreted, from at most max_metadata_bytes
                // (a segment is at most 64 KiB anyway); see `read_exif_block` for the policy.
                let first = !exif_seen;
                exif_seen = true;
                let block = read_exif_block(src, id, rest, first, (part, at), ctx)?;
                let kept = block.kept;
                let action = match (!kept.is_empty()).then_some(kept) {
                    Some(kept) => {
                        orientation = kept.orientation;
                        let tiff = kept.to_tiff();
                        write_segment_start(out, APP1, (2 + 6 + tiff.len()) as u16, b"Exif\0\0")?;
                        out.write_all(&tiff)?;
                        Action::Rewritten
                    }
                    None => Action::Removed,
                };
                let info = PartInfo {
                    part,
                    label,
                    offset: at,
                    length,
                    kind,
                    action,
                };
                ctx.collect(&info, &block.prefix, block.complete);
                parts.push(info);
            }
            Decision::Remove(kind) => {
                let info = PartInfo {
                    part,
                    label,
                    offset: at,
                    length,
                    kind,
                    action: Action::Removed,
                };
                src.skip_or_collect(rest, &id, &info, ctx)?;
                parts.push(info);
            }
        }
    }
    Ok(Cleaned {
        parts,
        digest: digest.finish(),
        orientation,
    })
}

fn trailer_label(head: &[u8]) -> &'static str {
    if head.starts_with(&[0xFF, 0xD8]) {
        "embedded JPEG image after end of image"
    } else if head.get(4..8) == Some(b"ftyp") {
        "embedded video after end of image"
    } else if head.iter().all(|&b| b == 0) {
        "padding after end of image"
    } else {
        "data after end of image"
    }
}

/// Independent check of a cleaned JPEG: only allowlisted segments, a JFIF without thumbnail, at
/// most one EXIF that is exactly ShareSafe's minimal orientation TIFF, complete ICC, nothing
/// after EOI (checked by the caller).
pub(crate) fn verify<R: Read>(src: &mut Source<R>, ctx: &mut Ctx<'_>) -> Result<Verified> {
    let bad = |reason| Error::VerificationFailed {
        format: Format::Jpeg,
        reason,
    };
    let mut digest = ImageDigest::default();
    let mut orientation = None;
    let mut exif_seen = false;
    let mut icc = IccProfile::new();
    let (m, _) = read_marker(src)?;
    if m != SOI {
        return Err(bad("does not start with SOI"));
    }
    let mut pending = None;
    let (mut sof_seen, mut sos_seen) = (false, false);
    loop {
        let (m, at) = match pending.take() {
            Some(p) => p,
            None => read_marker(src)?,
        };
        ctx.next_part(Part::JpegMarker(m), at)?;
        if m == EOI {
            if !sof_seen || !sos_seen {
                return Err(bad("no frame or scan"));
            }
            digest.boundary(u32::from(EOI));
            break;
        }
        if matches!(m, SOI | 0x01 | 0xD0..=0xD7) {
            return Err(bad("unexpected standalone marker"));
        }
        let (len, id, rest) = read_segment_head(src, m, at)?;
        let part = Part::JpegMarker(m);
        match policy::jpeg(m, &id) {
            Decision::Keep(_) => {
                if is_sof(m) {
                    sof_seen = true;
                }
                if m == APP2 {
                    // The profile: before the first scan, complete, and without text.
                    if sos_seen || icc.done {
                        return Err(bad("ICC chunk after the first scan"));
                    }
                    icc.check(&id).map_err(bad)?;
                    let data =
                        src.read_vec(rest, ctx.limits.max_icc_bytes, "max_icc_bytes", part)?;
                    digest_segment_start(&mut digest, m, len, &id);
                    digest.update(&data);
                    icc.chunks.push(IccChunk {
                        seq: id[12],
                        id,
                        data,
                        info: PartInfo {
                            part,
                            label: "",
                            offset: at,
                            length: 0,
                            kind: PartKind::Colour,
                            action: Action::Kept,
                        },
                    });
                    if icc.complete() {
                        icc.done = true;
                        if !crate::icc::is_sanitized(&icc.assemble()) {
                            return Err(bad("ICC profile still carries text"));
                        }
                    }
                    continue;
                }
                if m == SOS && icc.count.is_some() && !icc.done {
                    return Err(bad("incomplete ICC profile"));
                }
                digest_segment_start(&mut digest, m, len, &id);
                src.copy::<std::io::Sink>(rest, None, Some(&mut digest), part, ctx)?;
                if m == SOS {
                    sos_seen = true;
                    pending = Some(copy_scan::<R, std::io::Sink>(src, None, &mut digest, ctx)?);
                }
            }
            Decision::Rewrite(_) if m == APP0 => {
                if usize::from(len) != 2 + JFIF_LEN || id[12] != 0 || id[13] != 0 {
                    return Err(bad("JFIF header with a thumbnail"));
                }
            }
            Decision::Rewrite(_) => {
                let mut payload = id;
                payload.extend(src.read_vec(
                    rest,
                    ctx.limits.max_metadata_bytes,
                    "max_metadata_bytes",
                    part,
                )?);
                let tiff = payload
                    .strip_prefix(b"Exif\0\0")
                    .ok_or(bad("EXIF segment not minimal"))?;
                let kept =
                    KeptExif::parse_minimal(tiff, ctx).ok_or(bad("EXIF segment not minimal"))?;
                if std::mem::replace(&mut exif_seen, true) {
                    return Err(bad("more than one EXIF segment"));
                }
                orientation = kept.orientation;
            }
            Decision::Remove(_) => return Err(bad("segment outside the allowlist")),
        }
    }
    Ok(Verified {
        digest: digest.finish(),
        orientation,
    })
}

#[cfg(test)]
mod tests {
    use super::{app_label, scan_run, APP1_ID_LEN};

    #[test]
    fn xmp_and_extended_xmp_get_their_own_labels() {
        let ext = b"http://ns.adobe.com/xmp/extension/\0";
        assert_eq!(ext.len(), APP1_ID_LEN);
        assert_eq!(app_label(0xE1, ext), "Extended XMP");
        assert_eq!(
            app_label(0xE1, b"http://ns.adobe.com/xap/1.0/\0<x:xmp"),
            "XMP"
        );
        assert_eq!(app_label(0xE1, b"Exif\0\0MM"), "Exif");
        assert_eq!(app_label(0xE2, b"ICC_PROFILE\0\x01\x01"), "ICC_PROFILE");
        // A head cut short by its segment is not mistaken for one it only begins like.
        assert_eq!(app_label(0xE1, b"http://ns.adob"), "application data");
    }

    #[test]
    fn scan_runs_stop_only_where_the_byte_after_0xff_is_not_data() {
        // Stuffed bytes and restart markers are data; the run goes on past them.
        assert_eq!(scan_run(&[1, 2, 0xFF, 0x00, 3, 0xFF, 0xD3, 4]), 8);
        assert_eq!(scan_run(&[]), 0);
        // A marker (EOI), a fill byte, or a 0xFF whose next byte is not in the buffer yet.
        assert_eq!(scan_run(&[1, 0xFF, 0x00, 2, 0xFF, 0xD9, 5]), 4);
        assert_eq!(scan_run(&[0xFF, 0xFF, 0xD9]), 0);
        assert_eq!(scan_run(&[7, 7, 0xFF]), 2);
        assert_eq!(scan_run(&[0xFF, 0xD0, 0xFF]), 2);
    }
}
