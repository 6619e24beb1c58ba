//! Why this exists: PNG carries metadata in text chunks (XMP, "Raw profile" EXIF/IPTC in hex),
//! `eXIf`, `tIME` and private chunks, anywhere between IHDR and IEND — including after the image
//! data. This module streams the chunks once, checks the CRC of everything it keeps, keeps what
//! [`crate::policy::png`] allows (pixels, palette, transparency, colour, APNG animation), and
//! replaces the first `eXIf` with a minimal one when the photo is rotated. An `eXIf` of any size
//! is removed; the orientation comes from a bounded prefix, as for JPEG and WebP (see
//! [`super::exif_orientation`]).

use std::io::{Read, Write};

use super::exif_orientation::{read_exif_block, KeptExif};
use super::{Cleaned, Verified};
use crate::error::{Error, Part, Result};
use crate::io::{Ctx, ImageDigest, Sink, Source};
use crate::parts::{Action, PartInfo, PartKind};
use crate::policy::{self, Decision};
use crate::Format;

const SIGNATURE: [u8; 8] = *b"\x89PNG\r\n\x1a\n";
/// PNG's own bound on a chunk length.
const MAX_CHUNK: u32 = 0x7FFF_FFFF;

/// CRC-32 (ISO 3309 / PNG), through `crc32fast`: carry-less multiply where the CPU has it, many
/// times the speed of the byte-at-a-time table this used to be, and every byte of a PNG passes
/// through it twice (clean and verification).
pub(crate) struct Crc32(crc32fast::Hasher);

impl Crc32 {
    pub(crate) fn new() -> Self {
        Crc32(crc32fast::Hasher::new())
    }
    pub(crate) fn update(&mut self, bytes: &[u8]) {
        self.0.update(bytes);
    }
    pub(crate) fn finish(&self) -> u32 {
        self.0.clone().finalize()
    }
}

/// Chunk header: where it starts, its data length and type.
struct ChunkHead {
    at: u64,
    len: u32,
    kind: [u8; 4],
}

fn read_chunk_head<R: Read>(src: &mut Source<R>) -> Result<ChunkHead> {
    let at = src.offset();
    let len = src.read_u32_be(Part::Header)?;
    let kind: [u8; 4] = src.read_array(Part::Header)?;
    if !kind.iter().all(u8::is_ascii_alphabetic) {
        return Err(Error::malformed(
            Format::Png,
            Part::FourCc(kind),
            at,
            "chunk type is not four letters",
        ));
    }
    if len > MAX_CHUNK {
        return Err(Error::malformed(
            Format::Png,
            Part::FourCc(kind),
            at,
            "chunk length over 2^31-1",
        ));
    }
    Ok(ChunkHead { at, len, kind })
}

/// Streams a chunk's data (to `out` when given) and checks its CRC; returns the CRC.
fn copy_chunk_data<R: Read, W: Write>(
    src: &mut Source<R>,
    h: &ChunkHead,
    out: Option<&mut Sink<W>>,
    digest: &mut ImageDigest,
    ctx: &Ctx<'_>,
) -> Result<u32> {
    let part = Part::FourCc(h.kind);
    if &h.kind == b"IHDR" && h.len != 13 {
        return Err(Error::malformed(
            Format::Png,
            part,
            h.at,
            "IHDR is not 13 bytes",
        ));
    }
    let mut crc = Crc32::new();
    crc.update(&h.kind);
    digest.boundary(u32::from_be_bytes(h.kind));
    digest.update(&h.len.to_be_bytes());
    // IHDR is tiny and checked below; nothing else is kept in memory.
    let mut ihdr = Vec::new();
    let is_ihdr = &h.kind == b"IHDR";
    src.copy_observed(
        h.len.into(),
        out,
        &mut |c| {
            crc.update(c);
            digest.update(c);
            if is_ihdr {
                ihdr.extend_from_slice(c);
            }
        },
        part,
        ctx,
    )?;
    let stored = src.read_u32_be(part)?;
    if stored != crc.finish() {
        return Err(Error::malformed(
            Format::Png,
            part,
            h.at,
            "chunk CRC does not match",
        ));
    }
    if is_ihdr {
        check_ihdr(&ihdr).map_err(|r| Error::malformed(Format::Png, part, h.at, r))?;
    }
    Ok(stored)
}

/// The image header must describe a picture a decoder can draw: non-zero size within PNG's
/// bounds, and a bit depth allowed for the colour type.
fn check_ihdr(d: &[u8]) -> std::result::Result<(), &'static str> {
    let [w0, w1, w2, w3, h0, h1, h2, h3, depth, colour, compression, filter, interlace] = d else {
        return Err("IHDR is not 13 bytes");
    };
    let w = u32::from_be_bytes([*w0, *w1, *w2, *w3]);
    let h = u32::from_be_bytes([*h0, *h1, *h2, *h3]);
    if w == 0 || h == 0 || w > MAX_CHUNK || h > MAX_CHUNK {
        return Err("image width or height out of range");
    }
    let depth_ok = match colour {
        0 => matches!(depth, 1 | 2 | 4 | 8 | 16),
        3 => matches!(depth, 1 | 2 | 4 | 8),
        2 | 4 | 6 => matches!(depth, 8 | 16),
        _ => return Err("unknown colour type"),
    };
    if !depth_ok {
        return Err("bit depth not allowed for the colour type");
    }
    if *compression != 0 || *filter != 0 || *interlace > 1 {
        return Err("unknown compression, filter or interlace method");
    }
    Ok(())
}

/// The profile name ShareSafe writes in iCCP (the original name is free text).
const ICCP_NAME: &[u8] = b"ICC profile";

/// Reads a whole (small, bounded) chunk's data and checks its CRC.
fn read_checked_chunk<R: Read>(
    src: &mut Source<R>,
    h: &ChunkHead,
    ctx: &Ctx<'_>,
) -> Result<Vec<u8>> {
    let part = Part::FourCc(h.kind);
    let data = src.read_vec(
        h.len.into(),
        ctx.limits.max_icc_bytes.max(ctx.limits.max_metadata_bytes),
        "max_icc_bytes",
        part,
    )?;
    let stored = src.read_u32_be(part)?;
    let mut crc = Crc32::new();
    crc.update(&h.kind);
    crc.update(&data);
    if stored != crc.finish() {
        return Err(Error::malformed(
            Format::Png,
            part,
            h.at,
            "chunk CRC does not match",
        ));
    }
    Ok(data)
}

/// Digests a chunk ShareSafe writes from memory exactly as [`copy_chunk_data`] digests one it
/// streams.
fn digest_chunk(digest: &mut ImageDigest, kind: &[u8; 4], data: &[u8]) {
    digest.boundary(u32::from_be_bytes(*kind));
    // Chunk data here is bounded by the ICC limit (a u32).
    digest.update(&(data.len() as u32).to_be_bytes());
    digest.update(data);
}

/// iCCP data: Latin-1 name, NUL, compression method 0, zlib stream. Returns the name and the
/// inflated profile (at most `max` bytes), or `None` when unreadable.
fn split_iccp(data: &[u8], max: u32) -> Option<(&[u8], Vec<u8>)> {
    let nul = data.iter().take(80).position(|&b| b == 0)?;
    let (name, rest) = data.split_at(nul);
    let (&method, stream) = rest.get(1..)?.split_first()?;
    if name.is_empty() || method != 0 {
        return None;
    }
    let profile =
        miniz_oxide::inflate::decompress_to_vec_zlib_with_limit(stream, max as usize).ok()?;
    Some((name, profile))
}

/// The iCCP data to write: the original bytes when the name is already ShareSafe's and the profile
/// has no text, else the neutral name and the blanked profile, recompressed. `None` when the
/// profile cannot be read (decoders ignore such a chunk, so it is dropped).
fn sanitized_iccp(data: &[u8], max: u32) -> Option<Vec<u8>> {
    let (name, mut profile) = split_iccp(data, max)?;
    let changed = crate::icc::sanitize_profile(&mut profile).ok()?;
    if !changed && name == ICCP_NAME {
        return Some(data.to_vec());
    }
    let mut out = ICCP_NAME.to_vec();
    out.extend([0, 0]);
    out.extend(miniz_oxide::deflate::compress_to_vec_zlib(&profile, 9));
    Some(out)
}

fn write_chunk<W: Write>(out: &mut Sink<W>, kind: &[u8; 4], data: &[u8]) -> Result<()> {
    let mut crc = Crc32::new();
    crc.update(kind);
    crc.update(data);
    // Chunk data written here is ShareSafe's own (26 bytes); the cast cannot truncate.
    out.write_all(&(data.len() as u32).to_be_bytes())?;
    out.write_all(kind)?;
    out.write_all(data)?;
    out.write_all(&crc.finish().to_be_bytes())
}

fn label(kind: &[u8; 4]) -> &'static str {
    match kind {
        b"tEXt" => "text",
        b"zTXt" => "compressed text",
        b"iTXt" => "international text (often XMP)",
        b"eXIf" => "Exif",
        b"tIME" => "modification time",
        b"iCCP" => "ICC profile",
        b"IDAT" => "image data",
        b"fdAT" => "animation frame data",
        _ => "chunk",
    }
}

pub(crate) fn clean<R: Read, W: Write>(
    src: &mut Source<R>,
    out: &mut Sink<W>,
    ctx: &mut Ctx<'_>,
) -> Result<Cleaned> {
    let sig: [u8; 8] = src.read_array(Part::Header)?;
    if sig != SIGNATURE {
        return Err(Error::malformed(
            Format::Png,
            Part::Header,
            0,
            "bad PNG signature",
        ));
    }
    out.write_all(&SIGNATURE)?;
    let mut parts = vec![PartInfo {
        part: Part::Header,
        label: "signature",
        offset: 0,
        length: 8,
        kind: PartKind::Structure,
        action: Action::Kept,
    }];
    let mut digest = ctx.new_digest();
    let mut orientation = None;
    let mut exif_seen = false;
    let mut first = true;
    let mut saw_idat = false;
    loop {
        let h = read_chunk_head(src)?;
        let part = Part::FourCc(h.kind);
        ctx.next_part(part, h.at)?;
        if first != (&h.kind == b"IHDR") {
            return Err(Error::malformed(
                Format::Png,
                part,
                h.at,
                "IHDR is not the first chunk",
            ));
        }
        first = false;
        let length = 12 + u64::from(h.len);
        let info = |kind, action| PartInfo {
            part,
            label: label(&h.kind),
            offset: h.at,
            length,
            kind,
            action,
        };
        match policy::png(&h.kind) {
            Decision::Keep(kind) if &h.kind == b"iCCP" => {
                if h.len > ctx.limits.max_icc_bytes {
                    return Err(Error::limit(Format::Png, "max_icc_bytes", part, h.at));
                }
                let data = read_checked_chunk(src, &h, ctx)?;
                match sanitized_iccp(&data, ctx.limits.max_icc_bytes) {
                    Some(new) => {
                        let same = new == data;
                        write_chunk(out, b"iCCP", &new)?;
                        digest_chunk(&mut digest, b"iCCP", &new);
                        let mut i = info(
                            kind,
                            if same {
                                Action::Kept
                            } else {
                                Action::Rewritten
                            },
                        );
                        if !same {
                            i.label = "ICC profile (text blanked)";
                        }
                        parts.push(i);
                    }
                    None => {
                        let mut i = info(kind, Action::Removed);
                        i.label = "unreadable ICC profile (ignored by decoders)";
                        ctx.collect(&i, &data, true);
                        parts.push(i);
                    }
                }
            }
            Decision::Keep(kind) => {
                out.write_all(&h.len.to_be_bytes())?;
                out.write_all(&h.kind)?;
                let crc = copy_chunk_data(src, &h, Some(out), &mut digest, ctx)?;
                out.write_all(&crc.to_be_bytes())?;
                parts.push(info(kind, Action::Kept));
            }
            Decision::Rewrite(kind) => {
                // eXIf: the first is interpreted, from at most max_metadata_bytes (the policy
                // shared with JPEG and WebP is in `read_exif_block`); a repeated one is skipped.
                let (value, data) = if exif_seen {
                    src.skip(h.len.into(), part, ctx)?;
                    (None, None)
                } else {
                    let block =
                        read_exif_block(src, Vec::new(), h.len.into(), true, (part, h.at), ctx)?;
                    let kept = block.kept;
                    ((!kept.is_empty()).then_some(kept), Some(block))
                };
                src.skip(4, part, ctx)?; // CRC of a chunk we do not copy
                exif_seen = true;
                let action = match value {
                    Some(kept) => {
                        orientation = kept.orientation;
                        write_chunk(out, b"eXIf", &kept.to_tiff())?;
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
            Decision::Remove(kind) => {
                let i = info(kind, Action::Removed);
                src.skip_or_collect(h.len.into(), &[], &i, ctx)?;
                src.skip(4, part, ctx)?;
                parts.push(i);
            }
        }
        if &h.kind == b"IDAT" {
            saw_idat = true;
        }
        if &h.kind == b"IEND" {
            if !saw_idat {
                return Err(Error::malformed(
                    Format::Png,
                    part,
                    h.at,
                    "no image data before IEND",
                ));
            }
            break;
        }
    }
    let at = src.offset();
    let (head, n) = src.read_trailer(ctx)?;
    if n > 0 {
        let i = PartInfo {
            part: Part::Trailer,
            label: "data after IEND",
            offset: at,
            length: n,
            kind: PartKind::Trailer,
            action: Action::Removed,
        };
        ctx.collect(&i, &head, head.len() as u64 == n);
        parts.push(i);
    }
    Ok(Cleaned {
        parts,
        digest: digest.finish(),
        orientation,
    })
}

/// Independent check of a cleaned PNG: IHDR first, IEND last, every chunk allowlisted with a
/// correct CRC, at most one `eXIf` and it is exactly the minimal orientation TIFF.
pub(crate) fn verify<R: Read>(src: &mut Source<R>, ctx: &mut Ctx<'_>) -> Result<Verified> {
    let bad = |reason| Error::VerificationFailed {
        format: Format::Png,
        reason,
    };
    let sig: [u8; 8] = src.read_array(Part::Header)?;
    if sig != SIGNATURE {
        return Err(bad("bad signature"));
    }
    let mut digest = ImageDigest::default();
    let mut orientation = None;
    let mut exif_seen = false;
    let mut first = true;
    let mut saw_idat = false;
    loop {
        let h = read_chunk_head(src)?;
        let part = Part::FourCc(h.kind);
        ctx.next_part(part, h.at)?;
        if first != (&h.kind == b"IHDR") {
            return Err(bad("IHDR is not the first chunk"));
        }
        first = false;
        match policy::png(&h.kind) {
            Decision::Keep(_) if &h.kind == b"iCCP" => {
                let data = read_checked_chunk(src, &h, ctx)?;
                let (name, profile) = split_iccp(&data, ctx.limits.max_icc_bytes)
                    .ok_or(bad("unreadable ICC profile"))?;
                if name != ICCP_NAME || !crate::icc::is_sanitized(&profile) {
                    return Err(bad("ICC profile still carries text"));
                }
                digest_chunk(&mut digest, b"iCCP", &data);
            }
            Decision::Keep(_) => {
                copy_chunk_data::<R, std::io::Sink>(src, &h, None, &mut digest, ctx)?;
            }
            Decision::Rewrite(_) => {
                let data = src.read_vec(h.len.into(), 128, "max_metadata_bytes", part)?;
                let stored = src.read_u32_be(part)?;
                let mut crc = Crc32::new();
                crc.update(&h.kind);
                crc.update(&data);
                let kept =
                    KeptExif::parse_minimal(&data, ctx).ok_or(bad("eXIf chunk not minimal"))?;
                if stored != crc.finish() || std::mem::replace(&mut exif_seen, true) {
                    return Err(bad("eXIf chunk not minimal"));
                }
                orientation = kept.orientation;
            }
            Decision::Remove(_) => return Err(bad("chunk outside the allowlist")),
        }
        if &h.kind == b"IDAT" {
            saw_idat = true;
        }
        if &h.kind == b"IEND" {
            if !saw_idat {
                return Err(Error::malformed(
                    Format::Png,
                    part,
                    h.at,
                    "no image data before IEND",
                ));
            }
            break;
        }
    }
    Ok(Verified {
        digest: digest.finish(),
        orientation,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn crc_matches_known_value() {
        let mut c = Crc32::new();
        c.update(b"IEND");
        assert_eq!(c.finish(), 0xAE42_6082);
    }
}
