//! Why this exists: GIFs are still what people share for short animations, and their extension
//! blocks carry text and metadata: comments, plain-text overlays, XMP (`XMP DataXMP`), IPTC and
//! vendor application blocks. This module walks the block stream once, streams image data and
//! keeps what [`crate::policy::gif_block`] allows: image descriptors with their palettes and LZW
//! data, graphic control (frame delay, transparency), the NETSCAPE2.0/ANIMEXTS1.0 loop count, and
//! the ICC profile (colour is kept in every format). Bytes after the trailer are dropped.
//!
//! A graphic control block applies to the next *rendering* block. When that block is a removed
//! plain-text overlay, the control block is removed with it, so it cannot move onto the next image
//! and change its delay or transparency.

use std::io::{Read, Write};

use super::{Cleaned, Verified};
use crate::error::{Error, Part, Result};
use crate::io::{Ctx, ImageDigest, Sink, Source};
use crate::parts::{Action, PartInfo, PartKind};
use crate::policy::{self, Decision};
use crate::Format;

const EXTENSION: u8 = 0x21;
const IMAGE: u8 = 0x2C;
const TRAILER: u8 = 0x3B;
const GRAPHIC_CONTROL: u8 = 0xF9;
const PLAIN_TEXT: u8 = 0x01;
const APPLICATION: u8 = 0xFF;

fn fail(at: u64, part: Part, reason: &'static str) -> Error {
    Error::malformed(Format::Gif, part, at, reason)
}

fn label(intro: u8, ext: u8, app_id: &[u8]) -> &'static str {
    match (intro, ext) {
        (IMAGE, _) => "image",
        (_, GRAPHIC_CONTROL) => "graphic control (delay, transparency)",
        (_, 0xFE) => "comment",
        (_, PLAIN_TEXT) => "plain-text overlay",
        (_, APPLICATION) => match app_id {
            b"NETSCAPE2.0" | b"ANIMEXTS1.0" => "animation loop count",
            b"XMP DataXMP" => "XMP",
            b"ICCRGBG1012" => "ICC profile",
            b"MGK8BIM0000" | b"MGKIPTC0000" => "Photoshop/IPTC",
            _ => "application data",
        },
        _ => "extension",
    }
}

/// Reads the header and logical screen descriptor (with the global palette) and returns them.
fn read_screen<R: Read>(src: &mut Source<R>) -> Result<Vec<u8>> {
    let mut head = src.read_array::<13>(Part::Header)?.to_vec();
    if &head[..6] != b"GIF87a" && &head[..6] != b"GIF89a" {
        return Err(fail(0, Part::Header, "not a GIF signature"));
    }
    let packed = head[10];
    if packed & 0x80 != 0 {
        let n = 3usize << ((packed & 7) + 1);
        let mut table = vec![0u8; n];
        src.read_exact(&mut table, Part::Header)?;
        head.extend_from_slice(&table);
    }
    Ok(head)
}

/// Streams data sub-blocks (length byte + data, ended by a 0 length) to `out` and `digest`.
/// Returns the number of bytes including the terminator.
fn copy_sub_blocks<R: Read, W: Write>(
    src: &mut Source<R>,
    mut out: Option<&mut Sink<W>>,
    mut digest: Option<&mut ImageDigest>,
    part: Part,
    ctx: &Ctx<'_>,
) -> Result<u64> {
    let mut total = 0u64;
    loop {
        let n = src.read_u8(part)?;
        if let Some(o) = out.as_deref_mut() {
            o.write_all(&[n])?;
        }
        if let Some(d) = digest.as_deref_mut() {
            d.update(&[n]);
        }
        total += 1 + u64::from(n);
        if n == 0 {
            return Ok(total);
        }
        src.copy(
            u64::from(n),
            out.as_deref_mut(),
            digest.as_deref_mut(),
            part,
            ctx,
        )?;
    }
}

/// The fixed start of an image: descriptor (after the 0x2C) and local palette.
fn read_image_head<R: Read>(src: &mut Source<R>, part: Part) -> Result<Vec<u8>> {
    let mut d = src.read_array::<9>(part)?.to_vec();
    let packed = d[8];
    if packed & 0x80 != 0 {
        let n = 3usize << ((packed & 7) + 1);
        let mut table = vec![0u8; n];
        src.read_exact(&mut table, part)?;
        d.extend_from_slice(&table);
    }
    d.push(src.read_u8(part)?); // LZW minimum code size
    Ok(d)
}

/// A graphic control block held until we know what it applies to.
struct PendingControl {
    bytes: Vec<u8>,
    part_index: usize,
}

pub(crate) fn clean<R: Read, W: Write>(
    src: &mut Source<R>,
    out: &mut Sink<W>,
    ctx: &mut Ctx<'_>,
) -> Result<Cleaned> {
    let screen = read_screen(src)?;
    out.write_all(&screen)?;
    let mut digest = ctx.new_digest();
    digest.update(&screen);
    let mut parts = vec![PartInfo {
        part: Part::Header,
        label: "header, screen and palette",
        offset: 0,
        length: screen.len() as u64,
        kind: PartKind::ImageData,
        action: Action::Kept,
    }];
    let mut pending: Option<PendingControl> = None;
    let mut icc_total = 0u64;
    let mut images = 0u32;
    loop {
        let at = src.offset();
        let intro = src.read_u8(Part::Header)?;
        match intro {
            TRAILER => {
                ctx.next_part(Part::GifBlock(TRAILER, 0), at)?;
                if let Some(p) = pending.take() {
                    // A control block with nothing after it controls nothing.
                    parts[p.part_index].action = Action::Removed;
                }
                if images == 0 {
                    return Err(fail(
                        at,
                        Part::GifBlock(TRAILER, 0),
                        "no image before the trailer",
                    ));
                }
                out.write_all(&[TRAILER])?;
                digest.boundary(u32::from(TRAILER));
                parts.push(PartInfo {
                    part: Part::GifBlock(TRAILER, 0),
                    label: "trailer",
                    offset: at,
                    length: 1,
                    kind: PartKind::Structure,
                    action: Action::Kept,
                });
                break;
            }
            IMAGE => {
                let part = Part::GifBlock(IMAGE, 0);
                ctx.next_part(part, at)?;
                if let Some(p) = pending.take() {
                    out.write_all(&p.bytes)?;
                    digest.boundary(u32::from(GRAPHIC_CONTROL));
                    digest.update(&p.bytes);
                }
                let head = read_image_head(src, part)?;
                out.write_all(&[IMAGE])?;
                out.write_all(&head)?;
                digest.boundary(u32::from(IMAGE));
                digest.update(&head);
                let n = copy_sub_blocks(src, Some(out), Some(&mut digest), part, ctx)?;
                images += 1;
                parts.push(PartInfo {
                    part,
                    label: "image",
                    offset: at,
                    length: 1 + head.len() as u64 + n,
                    kind: PartKind::ImageData,
                    action: Action::Kept,
                });
            }
            EXTENSION => {
                let ext = src.read_u8(Part::GifBlock(EXTENSION, 0))?;
                let part = Part::GifBlock(EXTENSION, ext);
                ctx.next_part(part, at)?;
                // Application blocks name themselves in an 11-byte first sub-block.
                let mut first = Vec::new();
                if ext == APPLICATION {
                    let n = src.read_u8(part)?;
                    first.push(n);
                    if n == 0 {
                        return Err(fail(at, part, "empty application block"));
                    }
                    first.extend(src.read_vec(u64::from(n), 255, "max_metadata_bytes", part)?);
                }
                let app_id: &[u8] = if first.len() == 12 { &first[1..] } else { &[] };
                let lbl = label(EXTENSION, ext, app_id);
                if ext == GRAPHIC_CONTROL {
                    let mut bytes = vec![EXTENSION, ext];
                    let n = src.read_u8(part)?;
                    if n != 4 {
                        return Err(fail(at, part, "graphic control block is not 4 bytes"));
                    }
                    bytes.push(n);
                    bytes.extend_from_slice(&src.read_array::<5>(part)?);
                    if bytes[7] != 0 {
                        return Err(fail(at, part, "graphic control block not terminated"));
                    }
                    if let Some(p) = pending.take() {
                        // Two controls in a row: only the last one applies.
                        parts[p.part_index].action = Action::Removed;
                    }
                    parts.push(PartInfo {
                        part,
                        label: lbl,
                        offset: at,
                        length: bytes.len() as u64,
                        kind: PartKind::ImageData,
                        action: Action::Kept,
                    });
                    pending = Some(PendingControl {
                        bytes,
                        part_index: parts.len() - 1,
                    });
                    continue;
                }
                match policy::gif_block(EXTENSION, ext, app_id) {
                    Decision::Keep(kind) | Decision::Rewrite(kind) => {
                        out.write_all(&[EXTENSION, ext])?;
                        out.write_all(&first)?;
                        digest.boundary(u32::from_be_bytes([0, 0, EXTENSION, ext]));
                        digest.update(&first);
                        let n = copy_sub_blocks(src, Some(out), Some(&mut digest), part, ctx)?;
                        if kind == PartKind::Colour {
                            icc_total += n;
                            if icc_total > u64::from(ctx.limits.max_icc_bytes) {
                                return Err(Error::limit(Format::Gif, "max_icc_bytes", part, at));
                            }
                        }
                        parts.push(PartInfo {
                            part,
                            label: lbl,
                            offset: at,
                            length: 2 + first.len() as u64 + n,
                            kind,
                            action: Action::Kept,
                        });
                    }
                    Decision::Remove(kind) => {
                        let n = copy_sub_blocks::<R, W>(src, None, None, part, ctx)?;
                        if ext == PLAIN_TEXT {
                            if let Some(p) = pending.take() {
                                parts[p.part_index].action = Action::Removed;
                            }
                        }
                        parts.push(PartInfo {
                            part,
                            label: lbl,
                            offset: at,
                            length: 2 + first.len() as u64 + n,
                            kind,
                            action: Action::Removed,
                        });
                    }
                }
            }
            _ => return Err(fail(at, Part::GifBlock(intro, 0), "unknown block")),
        }
    }
    let at = src.offset();
    let n = src.drain(ctx)?;
    if n > 0 {
        parts.push(PartInfo {
            part: Part::Trailer,
            label: "data after the GIF trailer",
            offset: at,
            length: n,
            kind: PartKind::Trailer,
            action: Action::Removed,
        });
    }
    Ok(Cleaned {
        parts,
        digest: digest.finish(),
        orientation: None,
    })
}

/// Independent check of a cleaned GIF: only allowlisted blocks, every graphic control directly
/// followed by an image (possibly after other kept extensions), ends with the trailer.
pub(crate) fn verify<R: Read>(src: &mut Source<R>, ctx: &mut Ctx<'_>) -> Result<Verified> {
    let bad = |reason| Error::VerificationFailed {
        format: Format::Gif,
        reason,
    };
    let screen = read_screen(src)?;
    let mut digest = ImageDigest::default();
    digest.update(&screen);
    let mut pending: Option<Vec<u8>> = None;
    let mut images = 0u32;
    loop {
        let at = src.offset();
        let intro = src.read_u8(Part::Header)?;
        match intro {
            TRAILER => {
                if pending.is_some() || images == 0 {
                    return Err(bad("graphic control without an image"));
                }
                digest.boundary(u32::from(TRAILER));
                break;
            }
            IMAGE => {
                let part = Part::GifBlock(IMAGE, 0);
                ctx.next_part(part, at)?;
                if let Some(p) = pending.take() {
                    digest.boundary(u32::from(GRAPHIC_CONTROL));
                    digest.update(&p);
                }
                let head = read_image_head(src, part)?;
                digest.boundary(u32::from(IMAGE));
                digest.update(&head);
                copy_sub_blocks::<R, std::io::Sink>(src, None, Some(&mut digest), part, ctx)?;
                images += 1;
            }
            EXTENSION => {
                let ext = src.read_u8(Part::GifBlock(EXTENSION, 0))?;
                let part = Part::GifBlock(EXTENSION, ext);
                ctx.next_part(part, at)?;
                if ext == GRAPHIC_CONTROL {
                    let mut bytes = vec![EXTENSION, ext];
                    bytes.extend_from_slice(&src.read_array::<6>(part)?);
                    if bytes[2] != 4 || bytes[7] != 0 || pending.replace(bytes).is_some() {
                        return Err(bad("malformed or repeated graphic control"));
                    }
                    continue;
                }
                let mut first = Vec::new();
                if ext == APPLICATION {
                    let n = src.read_u8(part)?;
                    first.push(n);
                    first.extend(src.read_vec(u64::from(n), 255, "max_metadata_bytes", part)?);
                }
                let app_id: &[u8] = if first.len() == 12 { &first[1..] } else { &[] };
                match policy::gif_block(EXTENSION, ext, app_id) {
                    Decision::Keep(_) | Decision::Rewrite(_) => {
                        digest.boundary(u32::from_be_bytes([0, 0, EXTENSION, ext]));
                        digest.update(&first);
                        copy_sub_blocks::<R, std::io::Sink>(
                            src,
                            None,
                            Some(&mut digest),
                            part,
                            ctx,
                        )?;
                    }
                    Decision::Remove(_) => return Err(bad("block outside the allowlist")),
                }
            }
            _ => return Err(bad("unknown block")),
        }
    }
    Ok(Verified {
        digest: digest.finish(),
        orientation: None,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::io::CancelToken;
    use crate::Limits;

    /// A 1×1 GIF89a with a comment, a plain-text block (with its own control block), an XMP
    /// block, a loop extension and one image with a control block.
    fn sample() -> Vec<u8> {
        let mut g = b"GIF89a\x01\x00\x01\x00\x80\x00\x00".to_vec();
        g.extend_from_slice(&[0, 0, 0, 255, 255, 255]); // global palette (2 colours)
        g.extend_from_slice(b"\x21\xFF\x0BNETSCAPE2.0\x03\x01\x00\x00\x00");
        g.extend_from_slice(b"\x21\xFE\x05hello\x00");
        g.extend_from_slice(b"\x21\xFF\x0BXMP DataXMP\x03abc\x00");
        g.extend_from_slice(b"\x21\xF9\x04\x01\x0A\x00\x00\x00"); // control for the text
        g.extend_from_slice(
            b"\x21\x01\x0C\x00\x00\x00\x00\x01\x00\x01\x00\x01\x01\x00\x00\x02hi\x00",
        );
        g.extend_from_slice(b"\x21\xF9\x04\x00\x05\x00\x00\x00"); // control for the image
        g.extend_from_slice(b"\x2C\x00\x00\x00\x00\x01\x00\x01\x00\x00\x02\x02\x44\x01\x00");
        g.push(TRAILER);
        g.extend_from_slice(b"junk");
        g
    }

    fn run(data: &[u8]) -> Result<(Vec<u8>, Cleaned)> {
        let l = Limits::default();
        let tok = CancelToken::new();
        let mut ctx = Ctx::new(Format::Gif, &l, Some(&tok));
        let mut src = Source::new(data, Format::Gif, &l);
        let mut out = Sink::new(Vec::new(), 0);
        let c = clean(&mut src, &mut out, &mut ctx)?;
        Ok((out.into_inner(), c))
    }

    #[test]
    fn drops_text_and_metadata_keeps_animation_and_image() {
        let (out, c) = run(&sample()).expect("valid GIF");
        let has = |needle: &[u8]| out.windows(needle.len()).any(|w| w == needle);
        assert!(has(b"NETSCAPE2.0"));
        assert!(!has(b"hello") && !has(b"XMP DataXMP") && !has(b"hi") && !has(b"junk"));
        // the control block of the removed text is gone; the image's (delay 5) stays
        assert!(!has(b"\x21\xF9\x04\x01\x0A"));
        assert!(has(b"\x21\xF9\x04\x00\x05"));
        let removed: Vec<_> = c
            .parts
            .iter()
            .filter(|p| p.action == Action::Removed)
            .map(|p| p.label)
            .collect();
        assert_eq!(
            removed,
            [
                "comment",
                "XMP",
                "graphic control (delay, transparency)",
                "plain-text overlay",
                "data after the GIF trailer"
            ]
        );
        let l = Limits::default();
        let mut ctx = Ctx::new(Format::Gif, &l, None);
        let v = verify(&mut Source::new(&out[..], Format::Gif, &l), &mut ctx).expect("verifies");
        assert_eq!(v.digest, c.digest);
        let img = image::load_from_memory(&out).expect("decodes");
        assert_eq!((img.width(), img.height()), (1, 1));
    }

    #[test]
    fn truncated_gif_is_a_typed_error() {
        let s = sample();
        for cut in [5, 13, 20, 60, s.len() - 6] {
            assert!(
                matches!(run(&s[..cut]), Err(Error::Malformed { .. })),
                "cut at {cut}"
            );
        }
    }

    #[test]
    fn verifier_refuses_a_comment() {
        let mut g = b"GIF89a\x01\x00\x01\x00\x00\x00\x00".to_vec();
        g.extend_from_slice(b"\x21\xFE\x01x\x00");
        g.extend_from_slice(b"\x2C\x00\x00\x00\x00\x01\x00\x01\x00\x00\x02\x02\x44\x01\x00\x3B");
        let l = Limits::default();
        let mut ctx = Ctx::new(Format::Gif, &l, None);
        assert!(matches!(
            verify(&mut Source::new(&g[..], Format::Gif, &l), &mut ctx),
            Err(Error::VerificationFailed { .. })
        ));
    }
}
