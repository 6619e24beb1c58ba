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
//! media headers are set to zero in place (same size). Bytes after the last box that are not a
//! box are dropped, after checking that no track's samples lie there (see [`plan`]).
//!
//! Timed-metadata tracks (handler `meta`: Apple's `mebx` face rectangles and scene data, GoPro and
//! Android `camm`/`gpmd` GPS telemetry) are removed the same way, and because their samples live in
//! `mdat` next to the video, a first pass over `moov` (seeking, reading only those tracks' sample
//! tables) finds the samples so the copy of `mdat` writes zeros in their place.

use std::collections::HashSet;
use std::io::{Read, Seek, SeekFrom, Write};

use super::{decode_head, read_head, write_head, BoxHead, Bytes};
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

/// What the first pass found: timed-metadata tracks to remove and where their samples are.
#[derive(Debug, Default)]
pub(crate) struct Plan {
    /// Input offsets of the `trak` boxes to remove.
    removed_traks: HashSet<u64>,
    /// Sample byte ranges of those tracks, sorted and merged.
    zero: Vec<(u64, u64)>,
    /// Per removed track: first sample offset and total sample bytes (for the report).
    tracks: Vec<(u64, u64)>,
    /// Where the bytes after the last box start, when there are any (dropped by the clean).
    trailer: Option<u64>,
}

/// Largest sample table box of a metadata track read into memory.
fn read_payload<R: Read + Seek>(
    input: &mut R,
    start: u64,
    h: &BoxHead,
    ctx: &Ctx<'_>,
) -> Result<Vec<u8>> {
    let n = h.payload_len();
    if n > u64::from(ctx.limits.max_metadata_bytes) {
        return Err(Error::limit(
            ctx.format,
            "max_metadata_bytes",
            h.part(),
            h.at,
        ));
    }
    let mut v = vec![0u8; n as usize];
    seek_read(
        input,
        start + h.at + h.header_len,
        &mut v,
        ctx.format,
        h.part(),
    )?;
    Ok(v)
}

fn seek_read<R: Read + Seek>(
    input: &mut R,
    at: u64,
    buf: &mut [u8],
    format: crate::Format,
    part: Part,
) -> Result<()> {
    input
        .seek(SeekFrom::Start(at))
        .map_err(|e| Error::io("read input", e))?;
    input.read_exact(buf).map_err(|e| {
        if e.kind() == std::io::ErrorKind::UnexpectedEof {
            Error::malformed(format, part, at, "file ends early")
        } else {
            Error::io("read input", e)
        }
    })
}

/// The child box headers of `[from, to)`, read by seeking (payloads are not read).
fn children_heads<R: Read + Seek>(
    input: &mut R,
    start: u64,
    from: u64,
    to: u64,
    ctx: &mut Ctx<'_>,
) -> Result<Vec<BoxHead>> {
    let mut v = Vec::new();
    let mut pos = from;
    while to - pos >= 8 {
        let mut first = [0u8; 8];
        seek_read(input, start + pos, &mut first, ctx.format, Part::Header)?;
        let typ = [first[4], first[5], first[6], first[7]];
        let format = ctx.format;
        let h = decode_head(
            format,
            pos,
            first,
            || {
                let mut b = [0u8; 8];
                seek_read(input, start + pos + 8, &mut b, format, Part::FourCc(typ))?;
                Ok(b)
            },
            Some(to),
        )?;
        ctx.check_cancel()?;
        pos = h.end();
        v.push(h);
        if v.len() > ctx.limits.max_parts as usize {
            return Err(Error::limit(format, "max_parts", Part::FourCc(typ), pos));
        }
    }
    Ok(v)
}

fn child<'h>(heads: &'h [BoxHead], typ: &[u8; 4]) -> Option<&'h BoxHead> {
    heads.iter().find(|h| &h.typ == typ)
}

/// The byte ranges of every chunk of a track, from its sample tables.
fn chunk_ranges(
    stsc: &[u8],
    sizes: &SampleSizes,
    offsets: &[u64],
    format: crate::Format,
) -> Result<Vec<(u64, u64)>> {
    let mut b = Bytes::new(stsc, 0, format, Part::FourCc(*b"stsc"));
    b.u32()?;
    let n = b.u32()?;
    let mut runs = Vec::new();
    for _ in 0..n {
        let first = b.u32()?;
        let per = b.u32()?;
        b.u32()?;
        runs.push((u64::from(first), u64::from(per)));
    }
    let mut out = Vec::new();
    let mut sample = 0u64;
    let mut run = 0usize;
    for (i, &off) in offsets.iter().enumerate() {
        let chunk = i as u64 + 1;
        while run + 1 < runs.len() && runs[run + 1].0 <= chunk {
            run += 1;
        }
        let per = runs.get(run).map_or(0, |r| r.1);
        let take = per.min(sizes.count.saturating_sub(sample));
        let mut len = 0u64;
        for k in 0..take {
            len = len.saturating_add(sizes.size(sample + k));
        }
        sample += take;
        if len > 0 {
            out.push((off, off.saturating_add(len)));
        }
    }
    Ok(out)
}

struct SampleSizes {
    constant: u64,
    table: Vec<u64>,
    count: u64,
}

impl SampleSizes {
    fn size(&self, i: u64) -> u64 {
        if self.constant != 0 {
            self.constant
        } else {
            usize::try_from(i)
                .ok()
                .and_then(|i| self.table.get(i))
                .copied()
                .unwrap_or(0)
        }
    }
}

fn parse_sizes(typ: &[u8; 4], data: &[u8], format: crate::Format) -> Result<SampleSizes> {
    let mut b = Bytes::new(data, 0, format, Part::FourCc(*typ));
    b.u32()?;
    if typ == b"stsz" {
        let constant = u64::from(b.u32()?);
        let count = u64::from(b.u32()?);
        let mut table = Vec::new();
        if constant == 0 {
            for _ in 0..count {
                table.push(u64::from(b.u32()?));
            }
        }
        return Ok(SampleSizes {
            constant,
            table,
            count,
        });
    }
    // stz2: 24 reserved bits, field size, count, packed sizes
    let field = b.u32()? & 0xFF;
    let count = u64::from(b.u32()?);
    let mut table = Vec::new();
    let mut i = 0u64;
    while i < count {
        match field {
            4 => {
                let x = b.u8()?;
                table.push(u64::from(x >> 4));
                if i + 1 < count {
                    table.push(u64::from(x & 15));
                }
                i += 2;
            }
            8 => {
                table.push(u64::from(b.u8()?));
                i += 1;
            }
            16 => {
                table.push(u64::from(b.u16()?));
                i += 1;
            }
            _ => return Err(b.fail("compact sample size field not 4, 8 or 16")),
        }
    }
    Ok(SampleSizes {
        constant: 0,
        table,
        count,
    })
}

fn parse_offsets(typ: &[u8; 4], data: &[u8], format: crate::Format) -> Result<Vec<u64>> {
    let mut b = Bytes::new(data, 0, format, Part::FourCc(*typ));
    b.u32()?;
    let n = b.u32()?;
    let mut v = Vec::new();
    for _ in 0..n {
        v.push(if typ == b"co64" {
            b.u64()?
        } else {
            u64::from(b.u32()?)
        });
    }
    Ok(v)
}

/// The top-level boxes of the file, headers only, and where a trailer starts: the first
/// position after at least one box where fewer than 8 bytes are left or the bytes do not frame
/// as a box and are not one the movie needs ([`super::unframed_is_trailer`], shared with HEIF).
fn top_level<R: Read + Seek>(
    input: &mut R,
    start: u64,
    len: u64,
    ctx: &mut Ctx<'_>,
) -> Result<(Vec<BoxHead>, Option<u64>)> {
    let format = ctx.format;
    let mut v: Vec<BoxHead> = Vec::new();
    let mut pos = 0u64;
    while pos < len {
        if len - pos < 8 {
            return Ok((v, Some(pos)));
        }
        let mut first = [0u8; 8];
        seek_read(input, start + pos, &mut first, format, Part::Header)?;
        let typ = [first[4], first[5], first[6], first[7]];
        let head = decode_head(
            format,
            pos,
            first,
            || {
                let mut b = [0u8; 8];
                seek_read(input, start + pos + 8, &mut b, format, Part::FourCc(typ))?;
                Ok(b)
            },
            Some(len),
        );
        let h = match head {
            Ok(h) => h,
            Err(_) if super::unframed_is_trailer(&typ, !v.is_empty()) => return Ok((v, Some(pos))),
            Err(e) => return Err(e),
        };
        ctx.check_cancel()?;
        pos = h.end();
        v.push(h);
        if v.len() > ctx.limits.max_parts as usize {
            return Err(Error::limit(format, "max_parts", Part::FourCc(typ), pos));
        }
    }
    Ok((v, None))
}

/// The byte ranges of a track's samples, from the sample tables under its `mdia` (`None` when
/// the track has no complete set of tables, so no samples).
fn sample_ranges<R: Read + Seek>(
    input: &mut R,
    start: u64,
    mdia_kids: &[BoxHead],
    ctx: &mut Ctx<'_>,
) -> Result<Option<Vec<(u64, u64)>>> {
    let format = ctx.format;
    let tables = child(mdia_kids, b"minf")
        .map(|minf| children_heads(input, start, minf.at + minf.header_len, minf.end(), ctx))
        .transpose()?
        .and_then(|kids| child(&kids, b"stbl").copied());
    let Some(stbl) = tables else {
        return Ok(None);
    };
    let st = children_heads(input, start, stbl.at + stbl.header_len, stbl.end(), ctx)?;
    let (Some(stsc), Some(sz), Some(co)) = (
        child(&st, b"stsc"),
        child(&st, b"stsz").or_else(|| child(&st, b"stz2")),
        child(&st, b"stco").or_else(|| child(&st, b"co64")),
    ) else {
        return Ok(None);
    };
    let stsc = read_payload(input, start, stsc, ctx)?;
    let sizes = parse_sizes(&sz.typ, &read_payload(input, start, sz, ctx)?, format)?;
    let offsets = parse_offsets(&co.typ, &read_payload(input, start, co, ctx)?, format)?;
    chunk_ranges(&stsc, &sizes, &offsets, format).map(Some)
}

/// First pass: finds timed-metadata tracks in every `moov` and their samples, and decides what
/// happens to bytes after the last box.
///
/// Trailer policy (the same as HEIF's, and as JPEG's and PNG's data after the end of the image):
/// bytes after the last top-level box that do not frame as a box (a vendor trailer such as
/// Samsung's, junk, padding) are outside the allowlist, so they are dropped and reported — not
/// refused, because phones append them to ordinary videos. Dropping is safe only if no sample
/// lives there: every track's chunk offsets are absolute file offsets, so when a trailer exists
/// every track's sample ranges are checked to end before it, and the file is refused if one does
/// not (the bytes are media, and the video would lose frames). Fragmented movies locate samples
/// through `moof` (`tfhd` base offsets can be absolute), which this pass does not read, so a
/// fragmented movie with a trailer is refused. A top-level `moov`, `mdat`, `moof` or `ftyp` whose
/// size runs past the end of the file is a truncated movie, never a trailer: refused.
pub(crate) fn plan<R: Read + Seek>(
    input: &mut R,
    start: u64,
    len: u64,
    ctx: &mut Ctx<'_>,
) -> Result<Plan> {
    let format = ctx.format;
    let (tops, trailer) = top_level(input, start, len, ctx)?;
    let mut plan = Plan {
        trailer,
        ..Plan::default()
    };
    if let Some(at) = trailer {
        if tops.iter().any(|h| &h.typ == b"moof") {
            return Err(Error::malformed(
                format,
                Part::Trailer,
                at,
                "data after the last box of a fragmented movie",
            ));
        }
    }
    for moov in tops.iter().filter(|h| &h.typ == b"moov") {
        let traks = children_heads(input, start, moov.at + moov.header_len, moov.end(), ctx)?;
        for trak in traks.iter().filter(|h| &h.typ == b"trak") {
            let inside = children_heads(input, start, trak.at + trak.header_len, trak.end(), ctx)?;
            let Some(mdia) = child(&inside, b"mdia") else {
                continue;
            };
            let mdia_kids =
                children_heads(input, start, mdia.at + mdia.header_len, mdia.end(), ctx)?;
            let mut timed = false;
            if let Some(hdlr) = child(&mdia_kids, b"hdlr").filter(|h| h.payload_len() >= 12) {
                let mut head = [0u8; 12];
                seek_read(
                    input,
                    start + hdlr.at + hdlr.header_len,
                    &mut head,
                    format,
                    hdlr.part(),
                )?;
                timed = policy::movie_timed_metadata(&[head[8], head[9], head[10], head[11]]);
            }
            if !timed && trailer.is_none() {
                continue;
            }
            if timed {
                plan.removed_traks.insert(trak.at);
            }
            let Some(ranges) = sample_ranges(input, start, &mdia_kids, ctx)? else {
                continue;
            };
            if let Some(at) = trailer {
                if ranges.iter().any(|&(_, end)| end > at) {
                    return Err(Error::malformed(
                        format,
                        Part::Trailer,
                        at,
                        "track samples lie in the data after the last box",
                    ));
                }
            }
            if !timed {
                continue;
            }
            let total = ranges.iter().map(|(s, e)| e - s).sum::<u64>();
            if let Some(first) = ranges.iter().map(|r| r.0).min() {
                plan.tracks.push((first, total));
            }
            plan.zero.extend(ranges);
        }
    }
    plan.zero.sort_unstable();
    let mut merged: Vec<(u64, u64)> = Vec::new();
    for (s, e) in plan.zero.drain(..) {
        match merged.last_mut() {
            Some(last) if s <= last.1 => last.1 = last.1.max(e),
            _ => merged.push((s, e)),
        }
    }
    plan.zero = merged;
    input
        .seek(SeekFrom::Start(start))
        .map_err(|e| Error::io("read input", e))?;
    Ok(plan)
}

/// Zeroes in `chunk` (at input offset `at`) the bytes inside `zero` (sorted, disjoint).
fn zero_ranges(zero: &[(u64, u64)], at: u64, chunk: &mut [u8]) {
    let end = at + chunk.len() as u64;
    let first = zero.partition_point(|&(_, e)| e <= at);
    for &(s, e) in &zero[first..] {
        if s >= end {
            break;
        }
        let a = (s.max(at) - at) as usize;
        let b = (e.min(end) - at) as usize;
        chunk[a..b].fill(0);
    }
}

struct Walk<'c, 'l> {
    ctx: &'c mut Ctx<'l>,
    plan: &'c Plan,
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
        if &h.typ == b"trak" && self.plan.removed_traks.contains(&h.at) {
            write_head(out, b"free", h.size, h.header_len)?;
            src.skip(payload, part, self.ctx)?;
            self.write_zeros(out, payload)?;
            self.parts.push(PartInfo {
                part,
                label: "timed-metadata track (faces, telemetry, location)",
                offset: h.at,
                length: h.size,
                kind: PartKind::Exif,
                action: Action::Removed,
            });
            return Ok(());
        }
        if parent == ROOT && &h.typ == b"mdat" && !self.plan.zero.is_empty() {
            write_head(out, &h.typ, h.size, h.header_len)?;
            digest_kept_head(&mut self.digest, h);
            let mut pos = h.at + h.header_len;
            let mut left = payload;
            let mut buf = vec![0u8; COPY_BUF];
            while left > 0 {
                let n = left.min(COPY_BUF as u64) as usize;
                src.read_exact(&mut buf[..n], part)?;
                zero_ranges(&self.plan.zero, pos, &mut buf[..n]);
                self.digest.update(&buf[..n]);
                out.write_all(&buf[..n])?;
                pos += n as u64;
                left -= n as u64;
                self.ctx.check_cancel()?;
            }
            self.info(h, PartKind::ImageData, Action::Rewritten);
            return Ok(());
        }
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
    plan: &Plan,
    out: &mut Sink<W>,
    ctx: &mut Ctx<'_>,
) -> Result<Cleaned> {
    let mut walk = Walk {
        ctx,
        plan,
        parts: Vec::new(),
        digest: ImageDigest::default(),
        zeros: vec![0u8; COPY_BUF],
    };
    let mut saw_moov = false;
    let mut first = true;
    // The first pass found where the boxes end; what follows is the trailer, dropped below.
    let body_end = plan.trailer.unwrap_or(len);
    while src.offset() < body_end {
        let h = read_head(src, Some(body_end))?;
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
    for &(offset, length) in &plan.tracks {
        walk.parts.push(PartInfo {
            part: Part::FourCc(*b"mdat"),
            label: "timed-metadata samples (zeroed)",
            offset,
            length,
            kind: PartKind::Exif,
            action: Action::Removed,
        });
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn chunk_ranges_follow_stsc_runs() {
        // chunks 1-2 hold 2 samples each, chunk 3 onwards 1 sample
        let mut stsc = vec![0u8; 4];
        stsc.extend_from_slice(&2u32.to_be_bytes());
        for (first, per) in [(1u32, 2u32), (3, 1)] {
            stsc.extend_from_slice(&first.to_be_bytes());
            stsc.extend_from_slice(&per.to_be_bytes());
            stsc.extend_from_slice(&1u32.to_be_bytes());
        }
        let sizes = SampleSizes {
            constant: 0,
            table: vec![10, 20, 30, 40, 50, 60],
            count: 6,
        };
        let r = chunk_ranges(&stsc, &sizes, &[100, 200, 300, 400], crate::Format::Mov)
            .expect("valid tables");
        assert_eq!(r, [(100, 130), (200, 270), (300, 350), (400, 460)]);
        // A table claiming more samples than exist stops at the last sample.
        let short = SampleSizes {
            constant: 5,
            table: Vec::new(),
            count: 3,
        };
        let r = chunk_ranges(&stsc, &short, &[0, 50, 90], crate::Format::Mov).expect("valid");
        assert_eq!(r, [(0, 10), (50, 55)]);
    }

    #[test]
    fn zeroing_touches_only_the_ranges() {
        let mut c = [1u8; 10];
        zero_ranges(&[(2, 4), (8, 20)], 1, &mut c);
        assert_eq!(c, [1, 0, 0, 1, 1, 1, 1, 0, 0, 0]);
    }
}
