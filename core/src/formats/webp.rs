//! Why this exists: WebP (RIFF) carries EXIF and XMP chunks, and Android writers leave unknown
//! chunks and junk after the RIFF payload. This module streams the chunks, keeps what
//! [`crate::policy::webp`] allows, filters the sub-chunks of animation frames, writes a minimal
//! EXIF when the photo is rotated, and rewrites the VP8X flags and the RIFF size (patched in place
//! once known, so the payload is never buffered). An `EXIF` chunk of any size is removed; the
//! orientation comes from a bounded prefix, as for JPEG and PNG (see [`super::exif_orientation`]).

use std::io::{Read, Seek, Write};

use super::exif_orientation::{read_exif_block, KeptExif};
use super::{Cleaned, Verified};
use crate::error::{Error, Part, Result};
use crate::io::{Ctx, ImageDigest, Sink, Source};
use crate::parts::{Action, PartInfo, PartKind};
use crate::policy::{self, Decision};
use crate::Format;

const FLAG_ICC: u8 = 0x20;
const FLAG_ALPHA: u8 = 0x10;
const FLAG_EXIF: u8 = 0x08;
const FLAG_XMP: u8 = 0x04;
const FLAG_ANIM: u8 = 0x02;
/// Flags that describe the image itself and are copied from the input.
const IMAGE_FLAGS: u8 = FLAG_ALPHA | FLAG_ANIM;
/// Size of the fixed ANMF frame header before its sub-chunks.
const ANMF_HEADER: u32 = 16;

struct ChunkHead {
    at: u64,
    id: [u8; 4],
    size: u32,
}

impl ChunkHead {
    /// Payload plus the pad byte RIFF adds after odd sizes.
    fn padded(&self) -> u64 {
        u64::from(self.size) + u64::from(self.size & 1)
    }
}

fn read_head<R: Read>(src: &mut Source<R>) -> Result<ChunkHead> {
    let at = src.offset();
    let id = src.read_array(Part::Header)?;
    let size = src.read_u32_le(Part::FourCc(id))?;
    Ok(ChunkHead { at, id, size })
}

fn fail(h: &ChunkHead, reason: &'static str) -> Error {
    Error::malformed(Format::Webp, Part::FourCc(h.id), h.at, reason)
}

/// Checks that a chunk (with its pad) fits before `end`. A missing pad byte on the very last
/// chunk is a common writer slip and is tolerated (`Ok(false)`: no pad to read).
fn fits(h: &ChunkHead, end: u64) -> Result<bool> {
    let body_end = h.at + 8 + u64::from(h.size);
    if body_end + u64::from(h.size & 1) <= end {
        Ok(h.size & 1 == 1)
    } else if body_end == end {
        Ok(false)
    } else {
        Err(fail(h, "chunk runs past the end of its container"))
    }
}

fn write_head<W: Write>(out: &mut Sink<W>, id: &[u8; 4], size: u32) -> Result<()> {
    out.write_all(id)?;
    out.write_all(&size.to_le_bytes())
}

fn digest_head(d: &mut ImageDigest, h: &ChunkHead) {
    d.boundary(u32::from_be_bytes(h.id));
    d.update(&h.size.to_le_bytes());
}

fn label(id: &[u8; 4]) -> &'static str {
    match id {
        b"VP8 " => "lossy image",
        b"VP8L" => "lossless image",
        b"VP8X" => "extended header",
        b"ALPH" => "alpha",
        b"ANIM" => "animation",
        b"ANMF" => "animation frame",
        b"ICCP" => "ICC profile",
        b"EXIF" => "Exif",
        b"XMP " | b"XMP\0" => "XMP",
        _ => "chunk",
    }
}

pub(crate) fn clean<R: Read, W: Write + Seek>(
    src: &mut Source<R>,
    out: &mut Sink<W>,
    ctx: &mut Ctx<'_>,
) -> Result<Cleaned> {
    let riff = read_head(src)?;
    let form: [u8; 4] = src.read_array(Part::Header)?;
    if &riff.id != b"RIFF" || &form != b"WEBP" || riff.size < 4 {
        return Err(fail(&riff, "not a RIFF WEBP file"));
    }
    let end = 8 + u64::from(riff.size);
    write_head(out, b"RIFF", 0)?; // size patched at the end
    out.write_all(b"WEBP")?;
    let mut parts = vec![PartInfo {
        part: Part::FourCc(*b"RIFF"),
        label: "RIFF header",
        offset: 0,
        length: 12,
        kind: PartKind::Structure,
        action: Action::Kept,
    }];
    let mut digest = ctx.new_digest();
    let mut orientation = None;
    let mut exif_seen = false;
    let mut vp8x_flags_at: Option<(u64, u8)> = None;
    let mut out_flags = 0u8;
    let mut first = true;
    let mut saw_image = false;

    while src.offset() < end {
        let h = read_head(src)?;
        let part = Part::FourCc(h.id);
        ctx.next_part(part, h.at)?;
        let pad = fits(&h, end)?;
        let info = |kind, action| PartInfo {
            part,
            label: label(&h.id),
            offset: h.at,
            length: 8 + h.padded(),
            kind,
            action,
        };
        if first && !matches!(&h.id, b"VP8 " | b"VP8L" | b"VP8X") {
            return Err(fail(&h, "first chunk is not an image or VP8X header"));
        }
        let is_first = std::mem::replace(&mut first, false);
        saw_image |= matches!(&h.id, b"VP8 " | b"VP8L" | b"ANMF");
        match policy::webp(&h.id) {
            Decision::Rewrite(kind) if &h.id == b"VP8X" => {
                if !is_first || h.size != 10 {
                    return Err(fail(&h, "misplaced or malformed VP8X header"));
                }
                let body: [u8; 10] = src.read_array(part)?;
                let flags = body[0] & IMAGE_FLAGS;
                digest.boundary(u32::from_be_bytes(h.id));
                digest.update(&[flags]);
                digest.update(&body[4..]);
                write_head(out, b"VP8X", 10)?;
                vp8x_flags_at = Some((out.written(), flags));
                out.write_all(&[flags, 0, 0, 0])?;
                out.write_all(&body[4..])?;
                parts.push(info(kind, Action::Rewritten));
            }
            Decision::Rewrite(kind) => {
                // EXIF: read for the orientation, write a minimal one where it stood.
                // The first is interpreted, from at most max_metadata_bytes (the policy shared
                // with JPEG and PNG is in `read_exif_block`); a repeated one is skipped.
                let (value, data) = if exif_seen {
                    src.skip(h.size.into(), part, ctx)?;
                    (None, None)
                } else {
                    let block =
                        read_exif_block(src, Vec::new(), h.size.into(), true, (part, h.at), ctx)?;
                    let kept = block.kept;
                    ((!kept.is_empty()).then_some(kept), Some(block))
                };
                if pad {
                    src.skip(1, part, ctx)?;
                }
                exif_seen = true;
                let action = match value.filter(|_| vp8x_flags_at.is_some()) {
                    Some(kept) => {
                        orientation = kept.orientation;
                        let tiff = kept.to_tiff();
                        write_head(out, b"EXIF", tiff.len() as u32)?;
                        out.write_all(&tiff)?;
                        out_flags |= FLAG_EXIF;
                        Action::Rewritten
                    }
                    None => Action::Removed,
                };
                let i = info(kind, action);
                if let Some(b) = data {
                    ctx.collect(&i, &b.prefix, b.complete);
                }
                parts.push(i);
            }
            Decision::Keep(kind) if &h.id == b"ANMF" => {
                copy_frame(src, out, &h, &mut digest, &mut parts, ctx)?;
                if pad {
                    src.skip(1, part, ctx)?;
                }
                parts.push(info(kind, Action::Kept));
            }
            Decision::Keep(kind) if &h.id == b"ICCP" => {
                if h.size > ctx.limits.max_icc_bytes {
                    return Err(Error::limit(Format::Webp, "max_icc_bytes", part, h.at));
                }
                let mut profile = src.read_vec(
                    h.size.into(),
                    ctx.limits.max_icc_bytes,
                    "max_icc_bytes",
                    part,
                )?;
                if pad {
                    src.skip(1, part, ctx)?;
                }
                let mut i = info(kind, Action::Kept);
                match crate::icc::sanitize_profile(&mut profile) {
                    Ok(changed) => {
                        write_head(out, &h.id, h.size)?;
                        digest_head(&mut digest, &h);
                        digest.update(&profile);
                        out.write_all(&profile)?;
                        if h.size & 1 == 1 {
                            out.write_all(&[0])?;
                        }
                        out_flags |= FLAG_ICC;
                        if changed {
                            i.action = Action::Rewritten;
                            i.label = "ICC profile (text blanked)";
                        }
                    }
                    Err(_) => {
                        i.action = Action::Removed;
                        i.label = "unreadable ICC profile (ignored by decoders)";
                        ctx.collect(&i, &profile, true);
                    }
                }
                parts.push(i);
            }
            Decision::Keep(kind) => {
                write_head(out, &h.id, h.size)?;
                digest_head(&mut digest, &h);
                src.copy(h.size.into(), Some(out), Some(&mut digest), part, ctx)?;
                if pad {
                    src.skip(1, part, ctx)?;
                }
                if h.size & 1 == 1 {
                    out.write_all(&[0])?;
                }
                parts.push(info(kind, Action::Kept));
            }
            Decision::Remove(kind) => {
                let i = info(kind, Action::Removed);
                src.skip_or_collect(h.size.into(), &[], &i, ctx)?;
                src.skip(u64::from(pad), part, ctx)?;
                parts.push(i);
            }
        }
    }
    if !saw_image {
        return Err(fail(&riff, "no image chunk"));
    }
    let trailer_at = src.offset();
    let (head, n) = src.read_trailer(ctx)?;
    if n > 0 {
        let i = PartInfo {
            part: Part::Trailer,
            label: "data after the RIFF payload",
            offset: trailer_at,
            length: n,
            kind: PartKind::Trailer,
            action: Action::Removed,
        };
        ctx.collect(&i, &head, head.len() as u64 == n);
        parts.push(i);
    }
    if let Some((at, flags)) = vp8x_flags_at {
        out.patch(at, &[flags | out_flags])?;
    }
    let riff_size =
        u32::try_from(out.written() - 8).map_err(|_| fail(&riff, "output too large for RIFF"))?;
    out.patch(4, &riff_size.to_le_bytes())?;
    Ok(Cleaned {
        parts,
        digest: digest.finish(),
        orientation,
    })
}

/// Copies an ANMF frame keeping only its image sub-chunks; the frame size is patched after.
fn copy_frame<R: Read, W: Write + Seek>(
    src: &mut Source<R>,
    out: &mut Sink<W>,
    h: &ChunkHead,
    digest: &mut ImageDigest,
    parts: &mut Vec<PartInfo>,
    ctx: &mut Ctx<'_>,
) -> Result<()> {
    if h.size < ANMF_HEADER {
        return Err(fail(h, "animation frame too short"));
    }
    let end = h.at + 8 + u64::from(h.size);
    let size_at = out.written() + 4;
    write_head(out, b"ANMF", 0)?;
    let start = out.written();
    let header: [u8; ANMF_HEADER as usize] = src.read_array(Part::FourCc(h.id))?;
    digest.boundary(u32::from_be_bytes(h.id));
    digest.update(&header);
    out.write_all(&header)?;
    while src.offset() < end {
        let sub = read_head(src)?;
        let part = Part::FourCc(sub.id);
        ctx.next_part(part, sub.at)?;
        let pad = fits(&sub, end)?;
        match policy::webp_frame(&sub.id) {
            Decision::Keep(_) => {
                write_head(out, &sub.id, sub.size)?;
                digest_head(digest, &sub);
                src.copy(sub.size.into(), Some(out), Some(digest), part, ctx)?;
                if sub.size & 1 == 1 {
                    out.write_all(&[0])?;
                }
            }
            _ => {
                let i = PartInfo {
                    part,
                    label: "chunk inside an animation frame",
                    offset: sub.at,
                    length: 8 + sub.padded(),
                    kind: PartKind::Unknown,
                    action: Action::Removed,
                };
                src.skip_or_collect(sub.size.into(), &[], &i, ctx)?;
                parts.push(i);
            }
        }
        if pad {
            src.skip(1, part, ctx)?;
        }
    }
    let len = out.written() - start;
    let size = u32::try_from(len).map_err(|_| fail(h, "frame too large"))?;
    out.patch(size_at, &size.to_le_bytes())
}

/// Independent check of a cleaned WebP: RIFF size exact, VP8X flags match what is present, only
/// allowlisted chunks (and frame sub-chunks), EXIF exactly the minimal orientation TIFF.
pub(crate) fn verify<R: Read>(src: &mut Source<R>, ctx: &mut Ctx<'_>) -> Result<Verified> {
    let bad = |reason| Error::VerificationFailed {
        format: Format::Webp,
        reason,
    };
    let riff = read_head(src)?;
    let form: [u8; 4] = src.read_array(Part::Header)?;
    if &riff.id != b"RIFF" || &form != b"WEBP" {
        return Err(bad("not a RIFF WEBP file"));
    }
    let end = 8 + u64::from(riff.size);
    let mut digest = ImageDigest::default();
    let mut orientation = None;
    let mut exif_seen = false;
    let mut declared = None;
    let mut present = 0u8;
    let mut first = true;
    while src.offset() < end {
        let h = read_head(src)?;
        let part = Part::FourCc(h.id);
        ctx.next_part(part, h.at)?;
        if h.at + 8 + h.padded() > end {
            return Err(bad("chunk runs past the RIFF end"));
        }
        let is_first = std::mem::replace(&mut first, false);
        match policy::webp(&h.id) {
            Decision::Rewrite(_) if &h.id == b"VP8X" => {
                let body: [u8; 10] = src.read_array(part)?;
                if !is_first || h.size != 10 || body[1..4] != [0, 0, 0] {
                    return Err(bad("malformed VP8X header"));
                }
                if body[0] & FLAG_XMP != 0 || body[0] & !(IMAGE_FLAGS | FLAG_ICC | FLAG_EXIF) != 0 {
                    return Err(bad("VP8X declares metadata"));
                }
                declared = Some(body[0]);
                digest.boundary(u32::from_be_bytes(h.id));
                digest.update(&[body[0] & IMAGE_FLAGS]);
                digest.update(&body[4..]);
            }
            Decision::Rewrite(_) => {
                let data = src.read_vec(h.size.into(), 128, "max_metadata_bytes", part)?;
                let kept =
                    KeptExif::parse_minimal(&data, ctx).ok_or(bad("EXIF chunk not minimal"))?;
                if std::mem::replace(&mut exif_seen, true) {
                    return Err(bad("more than one EXIF chunk"));
                }
                orientation = kept.orientation;
                present |= FLAG_EXIF;
            }
            Decision::Keep(_) if &h.id == b"ANMF" => {
                let header: [u8; ANMF_HEADER as usize] = src.read_array(part)?;
                digest.boundary(u32::from_be_bytes(h.id));
                digest.update(&header);
                let frame_end = h.at + 8 + u64::from(h.size);
                while src.offset() < frame_end {
                    let sub = read_head(src)?;
                    if !matches!(policy::webp_frame(&sub.id), Decision::Keep(_))
                        || sub.at + 8 + sub.padded() > frame_end
                    {
                        return Err(bad("frame chunk outside the allowlist"));
                    }
                    ctx.next_part(Part::FourCc(sub.id), sub.at)?;
                    digest_head(&mut digest, &sub);
                    src.copy::<std::io::Sink>(
                        sub.size.into(),
                        None,
                        Some(&mut digest),
                        Part::FourCc(sub.id),
                        ctx,
                    )?;
                    src.skip(u64::from(sub.size & 1), part, ctx)?;
                }
            }
            Decision::Keep(_) => {
                digest_head(&mut digest, &h);
                if &h.id == b"ICCP" {
                    present |= FLAG_ICC;
                    let profile = src.read_vec(
                        h.size.into(),
                        ctx.limits.max_icc_bytes,
                        "max_icc_bytes",
                        part,
                    )?;
                    if !crate::icc::is_sanitized(&profile) {
                        return Err(bad("ICC profile still carries text"));
                    }
                    digest.update(&profile);
                } else {
                    src.copy::<std::io::Sink>(h.size.into(), None, Some(&mut digest), part, ctx)?;
                }
            }
            Decision::Remove(_) => return Err(bad("chunk outside the allowlist")),
        }
        src.skip(u64::from(h.size & 1), part, ctx)?;
    }
    if let Some(flags) = declared {
        if flags & (FLAG_ICC | FLAG_EXIF) != present {
            return Err(bad("VP8X flags disagree with the chunks present"));
        }
    } else if present != 0 {
        return Err(bad("metadata chunks without VP8X"));
    }
    Ok(Verified {
        digest: digest.finish(),
        orientation,
    })
}
