//! Why this exists: phone videos carry the place they were shot (`©xyz` in `udta`,
//! `com.apple.quicktime.location.ISO6709` in `meta`/`keys`/`ilst`), the device (make, model,
//! software) and the capture time (`mvhd`/`tkhd`/`mdhd` dates, `creationdate` keys). This module
//! walks the box tree once, streaming, and applies [`crate::policy::movie_box`].
//!
//! Approach: a removed box is **replaced by a `free` box of exactly the same size whose payload is
//! zeroed**; `stco`/`co64` are not rewritten. Why: every chunk offset in the sample tables is an
//! absolute file offset, and in a "fast-start" file `moov` sits before `mdat`, so shrinking `moov`
//! would move every sample. Keeping every box where it was means no offset in any track can be
//! wrong (including in layouts we have not seen: several `mdat`s, fragments, QuickTime `wide`
//! atoms, data references into the file), the media bytes are copied untouched and in one pass,
//! and memory stays flat whatever the video's length. The price is a few kilobytes of zeros where
//! the metadata was, which no player reads. Creation and modification times in the movie, track and
//! media headers are set to zero in place (same size). Bytes after the last box are dropped (no
//! offset can point there).

use std::io::{Read, Write};

use super::{read_head, write_head, BoxHead};
use crate::error::{Error, Part, Result};
use crate::formats::{Cleaned, Verified};
use crate::io::{Ctx, ImageDigest, Sink, Source, COPY_BUF};
use crate::parts::{Action, PartInfo, PartKind};
use crate::policy::{self, Decision};

const ROOT: [u8; 4] = *b"root";

/// Largest movie/track/media header read into memory to clear its times (real ones are 32–120
/// bytes).
const MAX_HEADER_BOX: u64 = 4096;

fn label(typ: &[u8; 4]) -> &'static str {
    match typ {
        b"ftyp" => "file type",
        b"moov" => "movie",
        b"mdat" => "media data",
        b"mvhd" => "movie header (dates cleared)",
        b"tkhd" => "track header (dates cleared)",
        b"mdhd" => "media header (dates cleared)",
        b"trak" => "track",
        b"mdia" => "media",
        b"minf" => "media information",
        b"stbl" => "sample table",
        b"udta" => "user data (GPS, make, model, software, XMP)",
        b"meta" => "metadata (keys/ilst: location, make, model, dates)",
        b"uuid" => "vendor box (often XMP)",
        b"free" | b"skip" => "padding (zeroed)",
        b"wide" => "QuickTime wide atom",
        b"moof" | b"traf" => "movie fragment",
        _ => "box",
    }
}

/// Offsets of the creation/modification time fields inside a full box payload, by version.
fn time_fields(version: u8) -> Option<std::ops::Range<usize>> {
    match version {
        0 => Some(4..12),
        1 => Some(4..20),
        _ => None,
    }
}

struct Walk<'c, 'l> {
    ctx: &'c mut Ctx<'l>,
    parts: Vec<PartInfo>,
    digest: ImageDigest,
    zeros: Vec<u8>,
}

fn digest_kept_head(d: &mut ImageDigest, h: &BoxHead) {
    d.boundary(u32::from_be_bytes(h.typ));
    d.update(&h.size.to_be_bytes());
}

impl Walk<'_, '_> {
    fn info(&mut self, h: &BoxHead, kind: PartKind, action: Action) {
        self.parts.push(PartInfo {
            part: h.part(),
            label: label(&h.typ),
            offset: h.at,
            length: h.size,
            kind,
            action,
        });
    }

    fn write_zeros<W: Write>(&mut self, out: &mut Sink<W>, mut n: u64) -> Result<()> {
        while n > 0 {
            let k = n.min(self.zeros.len() as u64) as usize;
            out.write_all(&self.zeros[..k])?;
            n -= k as u64;
        }
        Ok(())
    }

    /// Cleans the children of a container from the current offset to `end`.
    fn children<R: Read, W: Write>(
        &mut self,
        src: &mut Source<R>,
        out: &mut Sink<W>,
        parent: [u8; 4],
        end: u64,
        depth: u32,
    ) -> Result<()> {
        while src.offset() < end {
            if end - src.offset() < 8 && parent != ROOT {
                return Err(Error::malformed(
                    src.format(),
                    Part::FourCc(parent),
                    src.offset(),
                    "box ends inside a child header",
                ));
            }
            let h = read_head(src, Some(end))?;
            self.ctx.next_part(h.part(), h.at)?;
            self.one_box(src, out, parent, &h, depth)?;
        }
        Ok(())
    }

    fn one_box<R: Read, W: Write>(
        &mut self,
        src: &mut Source<R>,
        out: &mut Sink<W>,
        parent: [u8; 4],
        h: &BoxHead,
        depth: u32,
    ) -> Result<()> {
        let part = h.part();
        let payload = h.payload_len();
        if policy::movie_container(&parent, &h.typ) {
            if depth >= self.ctx.limits.max_nesting_depth {
                return Err(Error::limit(src.format(), "max_nesting_depth", part, h.at));
            }
            write_head(out, &h.typ, h.size, h.header_len)?;
            digest_kept_head(&mut self.digest, h);
            self.info(h, PartKind::Structure, Action::Kept);
            return self.children(src, out, h.typ, h.end(), depth + 1);
        }
        match policy::movie_box(&parent, &h.typ) {
            Decision::Keep(kind) => {
                write_head(out, &h.typ, h.size, h.header_len)?;
                digest_kept_head(&mut self.digest, h);
                src.copy(payload, Some(out), Some(&mut self.digest), part, self.ctx)?;
                self.info(h, kind, Action::Kept);
            }
            Decision::Rewrite(kind) if kind == PartKind::Timestamp => {
                let mut body =
                    src.read_vec(payload, MAX_HEADER_BOX as u32, "max_metadata_bytes", part)?;
                let range = body
                    .first()
                    .and_then(|&v| time_fields(v))
                    .filter(|r| r.end <= body.len())
                    .ok_or_else(|| {
                        Error::malformed(src.format(), part, h.at, "header box too short")
                    })?;
                body[range].fill(0);
                write_head(out, &h.typ, h.size, h.header_len)?;
                out.write_all(&body)?;
                digest_kept_head(&mut self.digest, h);
                self.digest.update(&body);
                self.info(h, kind, Action::Rewritten);
            }
            Decision::Rewrite(kind) => {
                // free/skip: same box, payload zeroed (padding can hold what an editor deleted).
                write_head(out, &h.typ, h.size, h.header_len)?;
                src.skip(payload, part, self.ctx)?;
                self.write_zeros(out, payload)?;
                self.info(h, kind, Action::Rewritten);
            }
            Decision::Remove(kind) => {
                write_head(out, b"free", h.size, h.header_len)?;
                src.skip(payload, part, self.ctx)?;
                self.write_zeros(out, payload)?;
                self.info(h, kind, Action::Removed);
            }
        }
        Ok(())
    }
}

/// Cleans an MP4/MOV of `len` bytes from `src` into `out`.
pub(crate) fn clean<R: Read, W: Write>(
    src: &mut Source<R>,
    len: u64,
    out: &mut Sink<W>,
    ctx: &mut Ctx<'_>,
) -> Result<Cleaned> {
    let mut walk = Walk {
        ctx,
        parts: Vec::new(),
        digest: ImageDigest::default(),
        zeros: vec![0u8; COPY_BUF],
    };
    let mut saw_moov = false;
    let mut first = true;
    while src.offset() < len {
        if len - src.offset() < 8 {
            break; // too short to be a box: trailing bytes, dropped below
        }
        let h = read_head(src, Some(len))?;
        walk.ctx.next_part(h.part(), h.at)?;
        if first && &h.typ != b"ftyp" && src.format() == crate::Format::Mp4 {
            return Err(Error::malformed(
                src.format(),
                h.part(),
                h.at,
                "ftyp is not the first box",
            ));
        }
        first = false;
        saw_moov |= &h.typ == b"moov";
        // A size-0 box (to the end of the file) is written with its explicit size.
        walk.one_box(src, out, ROOT, &h, 1)?;
    }
    if !saw_moov {
        return Err(Error::malformed(
            src.format(),
            Part::FourCc(*b"moov"),
            0,
            "no movie box",
        ));
    }
    let at = src.offset();
    let n = src.drain(walk.ctx)?;
    if n > 0 {
        walk.parts.push(PartInfo {
            part: Part::Trailer,
            label: "data after the last box",
            offset: at,
            length: n,
            kind: PartKind::Trailer,
            action: Action::Removed,
        });
    }
    Ok(Cleaned {
        parts: walk.parts,
        digest: walk.digest.finish(),
        orientation: None,
    })
}

struct Check<'c, 'l> {
    ctx: &'c mut Ctx<'l>,
    digest: ImageDigest,
}

fn bad(format: crate::Format, reason: &'static str) -> Error {
    Error::VerificationFailed { format, reason }
}

impl Check<'_, '_> {
    fn children<R: Read>(
        &mut self,
        src: &mut Source<R>,
        parent: [u8; 4],
        end: Option<u64>,
        depth: u32,
    ) -> Result<()> {
        loop {
            match end {
                Some(e) if src.offset() >= e => return Ok(()),
                None if src.at_eof()? => return Ok(()),
                _ => {}
            }
            let h = read_head(src, end)?;
            self.ctx.next_part(h.part(), h.at)?;
            self.one_box(src, parent, &h, depth)?;
        }
    }

    fn one_box<R: Read>(
        &mut self,
        src: &mut Source<R>,
        parent: [u8; 4],
        h: &BoxHead,
        depth: u32,
    ) -> Result<()> {
        let format = src.format();
        let part = h.part();
        let payload = h.payload_len();
        if policy::movie_container(&parent, &h.typ) {
            if depth >= self.ctx.limits.max_nesting_depth {
                return Err(bad(format, "max_nesting_depth"));
            }
            digest_kept_head(&mut self.digest, h);
            return self.children(src, h.typ, Some(h.end()), depth + 1);
        }
        match policy::movie_box(&parent, &h.typ) {
            Decision::Keep(_) => {
                digest_kept_head(&mut self.digest, h);
                src.copy::<std::io::Sink>(payload, None, Some(&mut self.digest), part, self.ctx)?;
            }
            Decision::Rewrite(PartKind::Timestamp) => {
                let body =
                    src.read_vec(payload, MAX_HEADER_BOX as u32, "max_metadata_bytes", part)?;
                let range = body
                    .first()
                    .and_then(|&v| time_fields(v))
                    .filter(|r| r.end <= body.len())
                    .ok_or(bad(format, "header box too short"))?;
                if body[range].iter().any(|&b| b != 0) {
                    return Err(bad(format, "capture time left in a header box"));
                }
                digest_kept_head(&mut self.digest, h);
                self.digest.update(&body);
            }
            Decision::Rewrite(_) => {
                // free/skip: only zeros.
                let mut nonzero = false;
                src.copy_observed::<std::io::Sink>(
                    payload,
                    None,
                    &mut |c| nonzero |= c.iter().any(|&b| b != 0),
                    part,
                    self.ctx,
                )?;
                if nonzero {
                    return Err(bad(format, "padding box holds data"));
                }
            }
            Decision::Remove(_) => return Err(bad(format, "box outside the allowlist")),
        }
        Ok(())
    }
}

/// Independent check of a cleaned movie: every box allowlisted for where it sits, header dates
/// zero, `free`/`skip` all zeros, nothing after the last box.
pub(crate) fn verify<R: Read>(src: &mut Source<R>, ctx: &mut Ctx<'_>) -> Result<Verified> {
    let mut check = Check {
        ctx,
        digest: ImageDigest::default(),
    };
    check.children(src, ROOT, None, 1)?;
    Ok(Verified {
        digest: check.digest.finish(),
        orientation: None,
    })
}
