//! Why this exists: every length in an untrusted file is a claim, not a fact. The format modules
//! read only through [`Source`], which counts the offset, turns an early end of file into a typed
//! "truncated" error at the right part and offset, refuses to read past [`Limits::max_input_bytes`],
//! and copies or skips large payloads through a fixed 64 KiB buffer so memory does not grow with the
//! photo. [`Sink`] is the matching writer that counts what it wrote.

use std::io::{BufRead, BufReader, Read, Seek, SeekFrom, Write};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;

use crate::error::{Error, Part, Result};
use crate::parts::PartInfo;
use crate::{Format, Limits};

/// Size of the buffers used to stream payloads: big enough for throughput, small enough that memory
/// stays flat whatever the photo's size.
pub(crate) const COPY_BUF: usize = 64 * 1024;

/// How often (in bytes copied) a long copy checks for cancellation.
const CANCEL_CHECK_EVERY: u64 = 1 << 20;

/// A cheap, cloneable flag the caller sets to stop a clean, an inspection or a batch at the next
/// safe point. Nothing is written after cancellation is seen.
#[derive(Debug, Clone, Default)]
pub struct CancelToken(Arc<AtomicBool>);

impl CancelToken {
    /// A token that is not cancelled.
    pub fn new() -> Self {
        Self::default()
    }
    /// Asks every operation holding a clone of this token to stop.
    pub fn cancel(&self) {
        self.0.store(true, Ordering::SeqCst);
    }
    /// True once [`CancelToken::cancel`] was called.
    pub fn is_cancelled(&self) -> bool {
        self.0.load(Ordering::SeqCst)
    }
}

/// A digest of the image-bearing bytes (tables, frame headers, compressed pixels, colour data).
/// The clean computes it over what it copies from the input, the verification over what it finds
/// in the output; they must be equal. It guards against our own mistakes (a part dropped, bytes
/// moved or altered on the way), not against an adversary, who controls the input but not our
/// copy of it. So it is CRC-32 over the stream (with part boundaries mixed in) and the number of
/// bytes hashed: CRC catches every burst error shorter than 32 bits and any other change but for
/// one chance in 2³², and `crc32fast` runs it at memory speed (SipHash, before it, cost about a
/// sixth of a JPEG clean's CPU time).
///
/// A dry run (inspection, the privacy report) verifies nothing, so its walk uses a disabled
/// digest ([`Ctx::new_digest`]): hashing a 12 MP photo's scan data costs more than the whole
/// metadata report.
#[derive(Clone)]
pub(crate) struct ImageDigest(Option<(crc32fast::Hasher, u64)>);

impl Default for ImageDigest {
    fn default() -> Self {
        ImageDigest(Some((crc32fast::Hasher::new(), 0)))
    }
}

impl ImageDigest {
    /// A digest that hashes nothing and finishes as 0 (for walks whose result is not verified).
    pub(crate) fn disabled() -> Self {
        ImageDigest(None)
    }
    pub(crate) fn update(&mut self, bytes: &[u8]) {
        if let Some((h, n)) = &mut self.0 {
            h.update(bytes);
            *n = n.wrapping_add(bytes.len() as u64);
        }
    }
    /// Separates logical parts so that moving bytes between two parts changes the digest.
    pub(crate) fn boundary(&mut self, tag: u32) {
        self.update(&tag.to_le_bytes());
    }
    /// The CRC in the low 32 bits, the byte count in the high 32 (a difference in length is
    /// always caught); 0 when disabled.
    pub(crate) fn finish(&self) -> u64 {
        self.0
            .as_ref()
            .map_or(0, |(h, n)| n << 32 | u64::from(h.clone().finalize()))
    }
}

/// A removed (or rewritten) metadata block, handed to an inspection while the cleaner walks the
/// file: the same walk decides what is removed and what is reported, so the two cannot drift.
pub struct MetadataBlock<'a> {
    /// Where the block is and what the clean does with it.
    pub info: &'a PartInfo,
    /// The block's payload: for JPEG the APPn/COM payload after the length (identifier included),
    /// for PNG and WebP the chunk data, for a trailer its first bytes. Untrusted.
    pub payload: &'a [u8],
    /// False when the payload was longer than [`Limits::max_metadata_bytes`] and only its start
    /// is given.
    pub complete: bool,
}

/// The callback an inspection passes to receive [`MetadataBlock`]s.
pub type MetadataCollector<'a> = &'a mut dyn FnMut(&MetadataBlock<'_>);

/// Shared state of one read: limits, cancellation, how many parts were seen.
pub(crate) struct Ctx<'a> {
    pub(crate) format: Format,
    pub(crate) limits: &'a Limits,
    pub(crate) cancel: Option<&'a CancelToken>,
    /// Keep DateTimeOriginal in the minimal EXIF ([`crate::CleanOptions::keep_capture_date`]).
    pub(crate) keep_capture_date: bool,
    /// The capture date a clean kept, for the report.
    pub(crate) capture_date: Option<crate::formats::exif_orientation::CaptureDate>,
    parts_seen: u32,
    collector: Option<MetadataCollector<'a>>,
    /// False for dry runs: nothing verifies their digest.
    digesting: bool,
}

impl<'a> Ctx<'a> {
    pub(crate) fn new(format: Format, limits: &'a Limits, cancel: Option<&'a CancelToken>) -> Self {
        Ctx {
            format,
            limits,
            cancel,
            keep_capture_date: false,
            capture_date: None,
            parts_seen: 0,
            collector: None,
            digesting: true,
        }
    }

    /// The same, computing no image digest (a dry run: its output is never verified).
    pub(crate) fn without_digest(mut self) -> Self {
        self.digesting = false;
        self
    }

    /// The image digest the clean side of a format walk updates: disabled in dry runs.
    pub(crate) fn new_digest(&self) -> ImageDigest {
        if self.digesting {
            ImageDigest::default()
        } else {
            ImageDigest::disabled()
        }
    }

    /// The same, keeping DateTimeOriginal when `keep` is true.
    pub(crate) fn keeping_capture_date(mut self, keep: bool) -> Self {
        self.keep_capture_date = keep;
        self
    }

    /// The same, handing every removed metadata block to `collector`.
    pub(crate) fn with_collector(mut self, collector: Option<MetadataCollector<'a>>) -> Self {
        self.collector = collector;
        self
    }

    /// True when an inspection wants the payloads of removed blocks.
    pub(crate) fn collects(&self) -> bool {
        self.collector.is_some()
    }

    /// Hands a block to the inspection, if there is one.
    pub(crate) fn collect(&mut self, info: &PartInfo, payload: &[u8], complete: bool) {
        if let Some(c) = self.collector.as_mut() {
            c(&MetadataBlock {
                info,
                payload,
                complete,
            });
        }
    }

    /// Counts one more part against [`Limits::max_parts`] and checks for cancellation.
    pub(crate) fn next_part(&mut self, part: Part, offset: u64) -> Result<()> {
        self.parts_seen = self.parts_seen.saturating_add(1);
        if self.parts_seen > self.limits.max_parts {
            return Err(Error::limit(self.format, "max_parts", part, offset));
        }
        self.check_cancel()
    }

    pub(crate) fn check_cancel(&self) -> Result<()> {
        match self.cancel {
            Some(c) if c.is_cancelled() => Err(Error::Cancelled),
            _ => Ok(()),
        }
    }
}

/// A bounded, offset-counting reader over untrusted input.
pub(crate) struct Source<R> {
    inner: BufReader<R>,
    offset: u64,
    max_bytes: u64,
    format: Format,
}

impl<R: Read> Source<R> {
    pub(crate) fn new(inner: R, format: Format, limits: &Limits) -> Self {
        Source {
            inner: BufReader::with_capacity(COPY_BUF, inner),
            offset: 0,
            max_bytes: limits.max_input_bytes,
            format,
        }
    }

    /// Bytes consumed so far: the offset of the next byte.
    pub(crate) fn offset(&self) -> u64 {
        self.offset
    }

    pub(crate) fn format(&self) -> Format {
        self.format
    }

    fn truncated(&self, part: Part) -> Error {
        Error::malformed(self.format, part, self.offset, "file ends early")
    }

    fn check_budget(&self, n: u64, part: Part) -> Result<()> {
        match self.offset.checked_add(n) {
            Some(end) if end <= self.max_bytes => Ok(()),
            _ => Err(Error::limit(
                self.format,
                "max_input_bytes",
                part,
                self.offset,
            )),
        }
    }

    fn map_read_err(&self, e: std::io::Error, part: Part) -> Error {
        if e.kind() == std::io::ErrorKind::UnexpectedEof {
            self.truncated(part)
        } else {
            Error::io("read input", e)
        }
    }

    /// Reads exactly `buf.len()` bytes or fails with "file ends early" at `part`.
    pub(crate) fn read_exact(&mut self, buf: &mut [u8], part: Part) -> Result<()> {
        self.check_budget(buf.len() as u64, part)?;
        self.inner
            .read_exact(buf)
            .map_err(|e| self.map_read_err(e, part))?;
        self.offset += buf.len() as u64;
        Ok(())
    }

    pub(crate) fn read_array<const N: usize>(&mut self, part: Part) -> Result<[u8; N]> {
        let mut b = [0u8; N];
        self.read_exact(&mut b, part)?;
        Ok(b)
    }

    pub(crate) fn read_u8(&mut self, part: Part) -> Result<u8> {
        Ok(self.read_array::<1>(part)?[0])
    }

    pub(crate) fn read_u16_be(&mut self, part: Part) -> Result<u16> {
        Ok(u16::from_be_bytes(self.read_array(part)?))
    }

    pub(crate) fn read_u32_be(&mut self, part: Part) -> Result<u32> {
        Ok(u32::from_be_bytes(self.read_array(part)?))
    }

    pub(crate) fn read_u32_le(&mut self, part: Part) -> Result<u32> {
        Ok(u32::from_le_bytes(self.read_array(part)?))
    }

    /// Reads `n` bytes into a new vector, refusing (before allocating) when `n` exceeds `max`.
    pub(crate) fn read_vec(
        &mut self,
        n: u64,
        max: u32,
        limit: &'static str,
        part: Part,
    ) -> Result<Vec<u8>> {
        if n > u64::from(max) {
            return Err(Error::limit(self.format, limit, part, self.offset));
        }
        self.check_budget(n, part)?;
        // n <= u32::MAX here, so the cast cannot truncate.
        let mut v = vec![0u8; n as usize];
        self.read_exact(&mut v, part)?;
        Ok(v)
    }

    /// True when no byte is left.
    pub(crate) fn at_eof(&mut self) -> Result<bool> {
        let buf = self
            .inner
            .fill_buf()
            .map_err(|e| Error::io("read input", e))?;
        Ok(buf.is_empty())
    }

    /// Peeks at the next byte without consuming it.
    pub(crate) fn peek_u8(&mut self) -> Result<Option<u8>> {
        let buf = self
            .inner
            .fill_buf()
            .map_err(|e| Error::io("read input", e))?;
        Ok(buf.first().copied())
    }

    /// Streams `n` bytes to `out` (when given) and into `digest` (when given), through the fixed
    /// buffer. `out = None` skips the bytes.
    pub(crate) fn copy<W: Write>(
        &mut self,
        n: u64,
        out: Option<&mut Sink<W>>,
        digest: Option<&mut ImageDigest>,
        part: Part,
        ctx: &Ctx<'_>,
    ) -> Result<()> {
        match digest {
            Some(d) => self.copy_observed(n, out, &mut |c| d.update(c), part, ctx),
            None => self.copy_observed(n, out, &mut |_| {}, part, ctx),
        }
    }

    /// Like [`Source::copy`], handing every streamed chunk to `observe` (digests, CRCs).
    pub(crate) fn copy_observed<W: Write>(
        &mut self,
        mut n: u64,
        mut out: Option<&mut Sink<W>>,
        observe: &mut dyn FnMut(&[u8]),
        part: Part,
        ctx: &Ctx<'_>,
    ) -> Result<()> {
        self.check_budget(n, part)?;
        let mut since_check = 0u64;
        while n > 0 {
            let buf = self
                .inner
                .fill_buf()
                .map_err(|e| Error::io("read input", e))?;
            if buf.is_empty() {
                return Err(self.truncated(part));
            }
            let take = buf.len().min(usize::try_from(n).unwrap_or(usize::MAX));
            let chunk = &buf[..take];
            observe(chunk);
            if let Some(o) = out.as_deref_mut() {
                o.write_all(chunk)?;
            }
            self.inner.consume(take);
            self.offset += take as u64;
            n -= take as u64;
            since_check += take as u64;
            if since_check >= CANCEL_CHECK_EVERY {
                ctx.check_cancel()?;
                since_check = 0;
            }
        }
        Ok(())
    }

    /// Skips `n` bytes.
    pub(crate) fn skip(&mut self, n: u64, part: Part, ctx: &Ctx<'_>) -> Result<()> {
        self.copy::<std::io::Sink>(n, None, None, part, ctx)
    }

    /// Passes over the rest (`n` bytes) of a removed block whose first bytes `head` were already
    /// read. When an inspection collects payloads, reads up to [`Limits::max_metadata_bytes`] of
    /// it and hands `head` + that to the collector; otherwise just skips.
    pub(crate) fn skip_or_collect(
        &mut self,
        n: u64,
        head: &[u8],
        info: &PartInfo,
        ctx: &mut Ctx<'_>,
    ) -> Result<()> {
        if !ctx.collects() {
            return self.skip(n, info.part, ctx);
        }
        let max = u64::from(ctx.limits.max_metadata_bytes);
        let room = max.saturating_sub(head.len() as u64);
        let take = n.min(room);
        let mut payload = head.to_vec();
        // take <= max_metadata_bytes (a u32), so it fits in memory terms and in usize.
        payload.extend(self.read_vec(
            take,
            ctx.limits.max_metadata_bytes,
            "max_metadata_bytes",
            info.part,
        )?);
        self.skip(n - take, info.part, ctx)?;
        ctx.collect(info, &payload, take == n);
        Ok(())
    }

    /// Gives the buffered bytes for a scan; call [`Source::consume`] with how many were used.
    pub(crate) fn fill_buf(&mut self) -> Result<&[u8]> {
        self.inner
            .fill_buf()
            .map_err(|e| Error::io("read input", e))
    }

    /// Marks `n` buffered bytes as read (after [`Source::fill_buf`]).
    pub(crate) fn consume(&mut self, n: usize, part: Part) -> Result<()> {
        self.check_budget(n as u64, part)?;
        self.inner.consume(n);
        self.offset += n as u64;
        Ok(())
    }

    /// Reads the rest of the input as a trailer: its first bytes (at most 64 KiB, enough to
    /// recognise an embedded video or picture) and its whole length. The head is filled across
    /// buffer refills, so a trailer that begins near the end of a read buffer is still seen
    /// whole (one that did showed up as a few bytes of "data" instead of an embedded video).
    pub(crate) fn read_trailer(&mut self, ctx: &Ctx<'_>) -> Result<(Vec<u8>, u64)> {
        let start = self.offset;
        let mut head = Vec::new();
        while head.len() < COPY_BUF {
            let buf = self.fill_buf()?;
            if buf.is_empty() {
                break;
            }
            let n = buf.len().min(COPY_BUF - head.len());
            head.extend_from_slice(&buf[..n]);
            self.consume(n, Part::Trailer)?;
            ctx.check_cancel()?;
        }
        self.drain(ctx)?;
        Ok((head, self.offset - start))
    }

    /// Reads to the end and returns how many bytes there were (used to measure trailers).
    pub(crate) fn drain(&mut self, ctx: &Ctx<'_>) -> Result<u64> {
        let start = self.offset;
        loop {
            let len = self.fill_buf()?.len();
            if len == 0 {
                return Ok(self.offset - start);
            }
            self.consume(len, Part::Trailer)?;
            ctx.check_cancel()?;
        }
    }
}

/// A counting writer for the cleaned output.
pub(crate) struct Sink<W> {
    inner: W,
    /// Position of the underlying writer when this sink started (for [`Sink::patch`]).
    start: u64,
    written: u64,
}

impl<W: Write> Sink<W> {
    /// A sink over a writer positioned at `start`.
    pub(crate) fn new(inner: W, start: u64) -> Self {
        Sink {
            inner,
            start,
            written: 0,
        }
    }

    pub(crate) fn write_all(&mut self, bytes: &[u8]) -> Result<()> {
        self.inner
            .write_all(bytes)
            .map_err(|e| Error::io("write output", e))?;
        self.written += bytes.len() as u64;
        Ok(())
    }

    /// Bytes written so far: the offset in the output of the next byte.
    pub(crate) fn written(&self) -> u64 {
        self.written
    }

    /// The underlying writer (tests read back what a format module wrote).
    #[cfg(test)]
    pub(crate) fn into_inner(self) -> W {
        self.inner
    }

    pub(crate) fn flush(&mut self) -> Result<()> {
        self.inner.flush().map_err(|e| Error::io("write output", e))
    }
}

impl<W: Write + Seek> Sink<W> {
    /// Overwrites bytes already written at output offset `at` (relative to where this sink
    /// started) and returns to the end. Used for sizes only known after the payload (RIFF).
    pub(crate) fn patch(&mut self, at: u64, bytes: &[u8]) -> Result<()> {
        let io = |e| Error::io("write output", e);
        let end = self.start + self.written;
        self.inner
            .seek(SeekFrom::Start(self.start + at))
            .map_err(io)?;
        self.inner.write_all(bytes).map_err(io)?;
        self.inner.seek(SeekFrom::Start(end)).map_err(io)?;
        Ok(())
    }
}

/// A writer that keeps nothing but supports seeking: lets `inspect` run the clean logic as a dry
/// run, and lets `clean` of a huge input be measured without storing it.
#[derive(Default)]
pub(crate) struct NullSink {
    pos: u64,
    len: u64,
}

impl Write for NullSink {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        self.pos += buf.len() as u64;
        self.len = self.len.max(self.pos);
        Ok(buf.len())
    }
    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

impl Seek for NullSink {
    fn seek(&mut self, pos: SeekFrom) -> std::io::Result<u64> {
        let new = match pos {
            SeekFrom::Start(p) => Some(p),
            SeekFrom::End(d) => self.len.checked_add_signed(d),
            SeekFrom::Current(d) => self.pos.checked_add_signed(d),
        };
        self.pos = new.ok_or_else(|| std::io::Error::other("seek before start"))?;
        Ok(self.pos)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ctx(l: &Limits) -> Ctx<'_> {
        Ctx::new(Format::Png, l, None)
    }

    #[test]
    fn early_end_is_a_typed_truncation_with_offset() {
        let l = Limits::default();
        let mut s = Source::new(&b"abc"[..], Format::Png, &l);
        s.read_array::<2>(Part::Header)
            .expect("two bytes are there");
        let e = s.read_u16_be(Part::FourCc(*b"IDAT")).unwrap_err();
        assert!(matches!(
            e,
            Error::Malformed {
                offset: 2,
                reason: "file ends early",
                ..
            }
        ));
    }

    #[test]
    fn read_vec_refuses_before_allocating() {
        let l = Limits::default();
        let mut s = Source::new(&b""[..], Format::Png, &l);
        let e = s.read_vec(
            u64::from(u32::MAX),
            1024,
            "max_metadata_bytes",
            Part::Header,
        );
        assert!(matches!(
            e,
            Err(Error::LimitExceeded {
                limit: "max_metadata_bytes",
                ..
            })
        ));
    }

    #[test]
    fn input_budget_is_enforced() {
        let l = Limits {
            max_input_bytes: 4,
            ..Limits::default()
        };
        let data = [0u8; 10];
        let mut s = Source::new(&data[..], Format::Png, &l);
        let c = ctx(&l);
        assert!(matches!(
            s.skip(5, Part::Header, &c),
            Err(Error::LimitExceeded {
                limit: "max_input_bytes",
                ..
            })
        ));
    }

    #[test]
    fn copy_streams_and_digests() {
        let l = Limits::default();
        let data: Vec<u8> = (0..200_000u32).map(|i| i as u8).collect();
        let mut s = Source::new(&data[..], Format::Png, &l);
        let mut out = Sink::new(Vec::new(), 0);
        let mut d = ImageDigest::default();
        let c = ctx(&l);
        s.copy(150_000, Some(&mut out), Some(&mut d), Part::Header, &c)
            .expect("enough bytes");
        let mut d2 = ImageDigest::default();
        d2.update(&data[..150_000]);
        assert_eq!(d.finish(), d2.finish());
        assert_eq!(out.inner, &data[..150_000]);
        assert_eq!(s.offset(), 150_000);
    }

    #[test]
    fn dry_run_digest_hashes_nothing() {
        let l = Limits::default();
        let c = ctx(&l);
        let mut on = c.new_digest();
        on.update(b"scan data");
        let dry = ctx(&l).without_digest();
        let mut off = dry.new_digest();
        off.update(b"scan data");
        off.boundary(7);
        assert_ne!(on.finish(), 0, "a clean's digest covers the bytes");
        assert_eq!(off.finish(), 0, "a dry run's digest is never computed");
    }

    #[test]
    fn cancel_stops_copy() {
        let l = Limits::default();
        let data = vec![0u8; 3 << 20];
        let tok = CancelToken::new();
        tok.cancel();
        let c = Ctx::new(Format::Png, &l, Some(&tok));
        let mut s = Source::new(&data[..], Format::Png, &l);
        assert!(matches!(
            s.skip(data.len() as u64, Part::Header, &c),
            Err(Error::Cancelled)
        ));
    }
}
