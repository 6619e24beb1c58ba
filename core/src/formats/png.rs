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
    if &h.kind == b"PLTE" {
        check_plte_len(h.len).map_err(|r| Error::malformed(Format::Png, part, h.at, r))?;
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

/// A palette holds whole RGB entries, 1 to 256 of them (PNG 11.2.3), and libpng refuses any
/// other length. png 0.18.1, the decoder behind `image`, accepts a length that is not a multiple
/// of 3 and then panics expanding the palette (image-rs/image-png#694: fixed upstream, not yet
/// released). So ShareSafe refuses such a palette itself, in the cleaner (a cleaned PNG never
/// carries one) and before anything decodes a PNG ([`check_for_decoder`]).
fn check_plte_len(len: u32) -> std::result::Result<(), &'static str> {
    if len == 0 || len > 3 * 256 || len % 3 != 0 {
        return Err("palette is not 1 to 256 whole RGB entries");
    }
    Ok(())
}

/// Refuses, before a third-party decoder sees an in-memory PNG, what that decoder is known to
/// mishandle: today a palette of the wrong length ([`check_plte_len`]). It reads the chunk
/// headers only, up to IEND or the end of the bytes, and leaves everything else (truncation,
/// CRCs, the pixels) to the decoder's own errors; it is no substitute for [`clean`]'s checks.
pub(crate) fn check_for_decoder(bytes: &[u8]) -> Result<()> {
    let mut at = SIGNATURE.len();
    while let Some(head) = at.checked_add(8).and_then(|end| bytes.get(at..end)) {
        let len = u32::from_be_bytes([head[0], head[1], head[2], head[3]]);
        let kind = [head[4], head[5], head[6], head[7]];
        if &kind == b"PLTE" {
            check_plte_len(len)
                .map_err(|r| Error::malformed(Format::Png, Part::FourCc(kind), at as u64, r))?;
        }
        if &kind == b"IEND" {
            break;
        }
        // Length, type, data and CRC; a length past the end ends the walk.
        match usize::try_from(len)
            .ok()
            .and_then(|l| l.checked_add(12))
            .and_then(|n| at.checked_add(n))
        {
            Some(next) => at = next,
            None => break,
        }
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
pub(crate) mod tests {
    use super::*;

    /// One chunk as stored: length, type, data and CRC.
    pub(crate) fn chunk(kind: &[u8; 4], data: &[u8]) -> Vec<u8> {
        let mut out = (data.len() as u32).to_be_bytes().to_vec();
        out.extend_from_slice(kind);
        out.extend_from_slice(data);
        out.extend_from_slice(&crc32fast::hash(&out[4..]).to_be_bytes());
        out
    }

    /// A 2×2 8-bit palette PNG (every pixel index 0) with `palette` as its PLTE data.
    pub(crate) fn indexed_png(palette: &[u8]) -> Vec<u8> {
        // Two rows, each a filter byte 0 then two indices.
        let pixels = miniz_oxide::deflate::compress_to_vec_zlib(&[0; 6], 6);
        [
            &SIGNATURE[..],
            &chunk(b"IHDR", &[0, 0, 0, 2, 0, 0, 0, 2, 8, 3, 0, 0, 0]),
            &chunk(b"PLTE", palette),
            &chunk(b"IDAT", &pixels),
            &chunk(b"IEND", &[]),
        ]
        .concat()
    }

    fn plte_refusal(e: &Error) -> bool {
        matches!(
            e,
            Error::Malformed {
                format: Format::Png,
                part: Part::FourCc(k),
                offset: 33,
                reason: "palette is not 1 to 256 whole RGB entries",
            } if k == b"PLTE"
        )
    }

    #[test]
    fn a_palette_of_whole_entries_is_kept_and_decodes() {
        for entries in [1, 2, 256] {
            let png = indexed_png(&vec![0x40; 3 * entries]);
            let cleaned = crate::clean_bytes(&png, &crate::CleanOptions::default())
                .unwrap_or_else(|e| panic!("{entries} entries: {e:?}"));
            assert_eq!(cleaned.bytes, png, "nothing to remove");
            check_for_decoder(&png).expect("a valid palette");
            let img = image::load_from_memory(&png).expect("decodes").to_rgb8();
            assert_eq!(img.get_pixel(1, 1).0, [0x40; 3]);
        }
    }

    #[test]
    fn a_palette_of_the_wrong_length_is_refused_before_any_decoder_sees_it() {
        // 52 bytes (17⅓ entries) is what fuzzing found (fuzz_regressions/decode/crash-729d20e5…):
        // png 0.18.1 panics on it. 0 and 771 (257 entries) are outside PNG's range.
        for len in [0, 1, 4, 52, 770, 771] {
            let png = indexed_png(&vec![0x40; len]);
            let e = crate::clean_bytes(&png, &crate::CleanOptions::default())
                .expect_err("a bad palette");
            assert!(plte_refusal(&e), "clean, {len} bytes: {e:?}");
            let e = check_for_decoder(&png).expect_err("a bad palette");
            assert!(plte_refusal(&e), "decoder check, {len} bytes: {e:?}");
        }
    }

    #[test]
    fn the_decoder_check_leaves_damage_it_does_not_know_to_the_decoder() {
        let png = indexed_png(&[0; 3]);
        // Cut anywhere, or a chunk length pointing far past the end: no refusal and no panic.
        for end in 0..png.len() {
            check_for_decoder(&png[..end]).expect("a truncated file is the decoder's to refuse");
        }
        let mut huge = png.clone();
        huge[48..52].copy_from_slice(&u32::MAX.to_be_bytes()); // IDAT's length
        assert_eq!(&huge[52..56], b"IDAT");
        check_for_decoder(&huge).expect("an impossible length ends the walk");
        // A palette after IEND is never read by a decoder.
        let mut after = png.clone();
        after.extend_from_slice(&indexed_png(&[0; 4])[33..]);
        check_for_decoder(&after).expect("nothing after IEND counts");
    }

    #[test]
    fn crc_matches_known_value() {
        let mut c = Crc32::new();
        c.update(b"IEND");
        assert_eq!(c.finish(), 0xAE42_6082);
    }
}
