//! Why this exists: HEIC and AVIF (what iPhones and Android phones write for photos) and MP4/MOV
//! (what they write for video) share one container, ISO-BMFF: a tree of length-prefixed boxes.
//! Location, device and time hide in it in several places — Exif and XMP *items* in a HEIF `meta`,
//! QuickTime `meta`/`keys`/`ilst` and `udta` boxes in a movie, XMP `uuid` boxes, Samsung's `mpvd`
//! motion video after the picture. This module holds what both families share: a bounded box-header
//! reader (sizes 0/1/64-bit checked against the container and the file, nesting depth and box count
//! under [`crate::Limits`]) and a checked byte-slice reader for boxes small enough to parse in memory.
//!
//! The two families are cleaned differently because their bytes are addressed differently:
//! - [`heif`]: pictures are *items* located by the `iloc` table. The `meta` box is rebuilt with only
//!   the image items (and their properties and references), written before the media data, and the
//!   `iloc` offsets are rewritten for the new layout. Media bytes that no kept item uses are zeroed.
//! - [`movie`]: see its module doc for why removed boxes become zero-filled `free` boxes of the same
//!   size instead of rewriting `stco`/`co64`.

pub(crate) mod heif;
pub(crate) mod movie;
mod ranges;

use std::io::{Read, Seek, SeekFrom, Write};

use super::{Cleaned, Verified};
use crate::error::{Error, Part, Result};
use crate::io::{Ctx, Sink, Source};
use crate::Format;

/// Whether bytes at the top level that do not frame as a box (too short for a header, or a size
/// that runs past the end of the file) are a trailer to drop rather than a damaged file to
/// refuse. One rule for HEIF and movies: after at least one box, anything is a trailer except a
/// box the file cannot do without (`ftyp`, `meta`, `moov`, `moof`, `mdat`), which, cut short,
/// means the file is truncated. Movies also check that no sample lies in the trailer
/// ([`movie::plan`]); HEIF refuses any kept item whose bytes are outside an `mdat` or `idat`.
pub(crate) fn unframed_is_trailer(typ: &[u8; 4], boxes_before: bool) -> bool {
    boxes_before && !matches!(typ, b"ftyp" | b"meta" | b"moov" | b"moof" | b"mdat")
}

/// A box header: where the box starts, its type, how long its header is and its total size.
#[derive(Debug, Clone, Copy)]
pub(crate) struct BoxHead {
    /// Offset of the box's first byte.
    pub(crate) at: u64,
    /// The FourCC.
    pub(crate) typ: [u8; 4],
    /// 8, or 16 for a 64-bit `largesize`.
    pub(crate) header_len: u64,
    /// Total size including the header.
    pub(crate) size: u64,
}

impl BoxHead {
    pub(crate) fn payload_len(&self) -> u64 {
        self.size - self.header_len
    }
    pub(crate) fn end(&self) -> u64 {
        self.at + self.size
    }
    pub(crate) fn part(&self) -> Part {
        Part::FourCc(self.typ)
    }
}

/// Decodes a box header from its first 8 (or 16) bytes. `largesize` is read through `more` only
/// when the 32-bit size is 1. `end` is the end of the enclosing container (or file): size 0 means
/// "to there", and every box must fit before it.
pub(crate) fn decode_head(
    format: Format,
    at: u64,
    first: [u8; 8],
    more: impl FnOnce() -> Result<[u8; 8]>,
    end: Option<u64>,
) -> Result<BoxHead> {
    let size32 = u32::from_be_bytes([first[0], first[1], first[2], first[3]]);
    let typ = [first[4], first[5], first[6], first[7]];
    let fail = |reason| Error::malformed(format, Part::FourCc(typ), at, reason);
    let (header_len, size) = match size32 {
        0 => {
            let end = end.ok_or_else(|| fail("box size 0 where the end is not known"))?;
            (
                8,
                end.checked_sub(at)
                    .ok_or_else(|| fail("box starts past its container"))?,
            )
        }
        1 => (16, u64::from_be_bytes(more()?)),
        n => (8, u64::from(n)),
    };
    if size < header_len {
        return Err(fail("box size smaller than its header"));
    }
    let box_end = at
        .checked_add(size)
        .ok_or_else(|| fail("box size overflows"))?;
    if let Some(end) = end {
        if box_end > end {
            return Err(fail("box runs past the end of its container"));
        }
    }
    Ok(BoxHead {
        at,
        typ,
        header_len,
        size,
    })
}

/// Reads a box header from a sequential source.
pub(crate) fn read_head<R: Read>(src: &mut Source<R>, end: Option<u64>) -> Result<BoxHead> {
    let at = src.offset();
    let first: [u8; 8] = src.read_array(Part::Header)?;
    let format = src.format();
    decode_head(
        format,
        at,
        first,
        || src.read_array(Part::FourCc([first[4], first[5], first[6], first[7]])),
        end,
    )
}

/// Writes a box header of `size` bytes in total, in the same header length as the original
/// (`header_len` 8 or 16) so that nothing after it moves.
pub(crate) fn write_head<W: Write>(
    out: &mut Sink<W>,
    typ: &[u8; 4],
    size: u64,
    header_len: u64,
) -> Result<()> {
    if header_len == 16 {
        out.write_all(&1u32.to_be_bytes())?;
        out.write_all(typ)?;
        out.write_all(&size.to_be_bytes())
    } else {
        let s = u32::try_from(size).map_err(|_| Error::Unsupported {
            detected: Some("box too large for its 32-bit size field"),
        })?;
        out.write_all(&s.to_be_bytes())?;
        out.write_all(typ)
    }
}

/// A checked reader over a box held in memory (a HEIF `meta`, an `ftyp`, a movie header box).
/// Every read is bounds-checked; failures name the box and the input offset.
#[derive(Clone, Debug)]
pub(crate) struct Bytes<'a> {
    data: &'a [u8],
    pos: usize,
    /// Input offset of `data[0]`, for error messages.
    base: u64,
    format: Format,
    part: Part,
}

impl<'a> Bytes<'a> {
    pub(crate) fn new(data: &'a [u8], base: u64, format: Format, part: Part) -> Self {
        Bytes {
            data,
            pos: 0,
            base,
            format,
            part,
        }
    }

    pub(crate) fn fail(&self, reason: &'static str) -> Error {
        Error::malformed(self.format, self.part, self.offset(), reason)
    }

    /// Input offset of the next byte.
    pub(crate) fn offset(&self) -> u64 {
        self.base + self.pos as u64
    }

    pub(crate) fn pos(&self) -> usize {
        self.pos
    }

    pub(crate) fn remaining(&self) -> usize {
        self.data.len() - self.pos
    }

    pub(crate) fn is_empty(&self) -> bool {
        self.remaining() == 0
    }

    pub(crate) fn take(&mut self, n: usize) -> Result<&'a [u8]> {
        if n > self.remaining() {
            return Err(self.fail("field runs past the end of its box"));
        }
        let s = &self.data[self.pos..self.pos + n];
        self.pos += n;
        Ok(s)
    }

    pub(crate) fn array<const N: usize>(&mut self) -> Result<[u8; N]> {
        let s = self.take(N)?;
        let mut a = [0u8; N];
        a.copy_from_slice(s);
        Ok(a)
    }

    pub(crate) fn u8(&mut self) -> Result<u8> {
        Ok(self.array::<1>()?[0])
    }
    pub(crate) fn u16(&mut self) -> Result<u16> {
        Ok(u16::from_be_bytes(self.array()?))
    }
    pub(crate) fn u32(&mut self) -> Result<u32> {
        Ok(u32::from_be_bytes(self.array()?))
    }
    pub(crate) fn u64(&mut self) -> Result<u64> {
        Ok(u64::from_be_bytes(self.array()?))
    }

    /// An unsigned big-endian integer of 0, 4 or 8 bytes (the `iloc` field sizes).
    pub(crate) fn uint(&mut self, bytes: u8) -> Result<u64> {
        match bytes {
            0 => Ok(0),
            4 => Ok(u64::from(self.u32()?)),
            8 => self.u64(),
            _ => Err(self.fail("field size not 0, 4 or 8")),
        }
    }

    /// A NUL-terminated string (bytes only; never interpreted or logged).
    pub(crate) fn cstr(&mut self) -> Result<&'a [u8]> {
        let rest = &self.data[self.pos..];
        let n = rest
            .iter()
            .position(|&b| b == 0)
            .ok_or_else(|| self.fail("string without terminator"))?;
        let s = &rest[..n];
        self.pos += n + 1;
        Ok(s)
    }

    /// The next child box: its header (offsets in input coordinates) and its payload reader.
    pub(crate) fn next_box(&mut self) -> Result<(BoxHead, Bytes<'a>)> {
        let at = self.offset();
        let first: [u8; 8] = self.array()?;
        let end = self.base + self.data.len() as u64;
        let mut me = self.clone();
        let head = decode_head(self.format, at, first, || me.array(), Some(end))?;
        if head.header_len == 16 {
            self.pos += 8;
        }
        // Fits: decode_head checked box end <= end.
        let payload_len =
            usize::try_from(head.payload_len()).map_err(|_| self.fail("box too large"))?;
        let payload = self.take(payload_len)?;
        Ok((
            head,
            Bytes::new(payload, head.at + head.header_len, self.format, head.part()),
        ))
    }

    /// The whole underlying slice (for copying a box verbatim).
    pub(crate) fn all(&self) -> &'a [u8] {
        self.data
    }
}

/// Cleans an ISO-BMFF file. HEIF/AVIF need random access (the `meta` box may follow the media
/// data, and item offsets must be rewritten), so this takes the seekable input directly.
/// Returns what was done and how many input bytes there were.
pub(crate) fn clean<R: Read + Seek, W: Write + Seek>(
    input: &mut R,
    out: &mut Sink<W>,
    ctx: &mut Ctx<'_>,
) -> Result<(Cleaned, u64)> {
    let start = input
        .stream_position()
        .map_err(|e| Error::io("read input", e))?;
    let end = input
        .seek(SeekFrom::End(0))
        .map_err(|e| Error::io("read input", e))?;
    let len = end.saturating_sub(start);
    if len > ctx.limits.max_input_bytes {
        return Err(Error::limit(ctx.format, "max_input_bytes", Part::Header, 0));
    }
    input
        .seek(SeekFrom::Start(start))
        .map_err(|e| Error::io("read input", e))?;
    let cleaned = match ctx.format {
        Format::Heif | Format::Avif => heif::clean(input, start, len, out, ctx)?,
        _ => {
            let plan = movie::plan(input, start, len, ctx)?;
            let mut src = Source::new(&mut *input, ctx.format, ctx.limits);
            movie::clean(&mut src, len, &plan, out, ctx)?
        }
    };
    Ok((cleaned, len))
}

/// Independently re-reads a cleaned ISO-BMFF output.
pub(crate) fn verify<R: Read>(src: &mut Source<R>, ctx: &mut Ctx<'_>) -> Result<Verified> {
    match ctx.format {
        Format::Heif | Format::Avif => heif::verify(src, ctx),
        _ => movie::verify(src, ctx),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn header_sizes_are_checked_against_the_container() {
        let f = Format::Mp4;
        let h = decode_head(f, 0, *b"\0\0\0\x10free", || unreachable!(), Some(16)).expect("fits");
        assert_eq!((h.size, h.header_len), (16, 8));
        assert!(decode_head(f, 0, *b"\0\0\0\x11free", || unreachable!(), Some(16)).is_err());
        assert!(decode_head(f, 0, *b"\0\0\0\x07free", || unreachable!(), None).is_err());
        // size 0 = to the end, only where the end is known
        let h = decode_head(f, 4, *b"\0\0\0\0mdat", || unreachable!(), Some(100)).expect("to end");
        assert_eq!(h.size, 96);
        assert!(decode_head(f, 4, *b"\0\0\0\0mdat", || unreachable!(), None).is_err());
        // 64-bit size that overflows the offset
        let e = decode_head(
            f,
            8,
            *b"\0\0\0\x01mdat",
            || Ok(u64::MAX.to_be_bytes()),
            None,
        );
        assert!(matches!(
            e,
            Err(Error::Malformed {
                reason: "box size overflows",
                ..
            })
        ));
    }

    #[test]
    fn byte_reader_never_reads_past_its_box() {
        let data = [0u8, 0, 0, 9, b'a', b'b', b'c', b'd', 1];
        let mut b = Bytes::new(&data, 100, Format::Heif, Part::Header);
        let (h, mut p) = b.next_box().expect("one box");
        assert_eq!((h.at, h.typ, h.size), (100, *b"abcd", 9));
        assert_eq!(p.u8().expect("one byte"), 1);
        assert!(p.u8().is_err());
        assert!(b.is_empty());
        let mut short = Bytes::new(&data[..8], 0, Format::Heif, Part::Header);
        assert!(short.next_box().is_err());
    }
}
