//! Why this exists: at 1/8 scale a JPEG pixel is exactly the average of one 8×8 block, which is
//! the block's DC coefficient — no inverse DCT needed. General decoders still pay for the full
//! per-block pipeline; this one only reads the Huffman stream, keeps each block's DC value and
//! skips every AC coefficient without decoding its value: each AC code resolves in one table
//! lookup to "consume n bits, advance k". What remains is the Huffman walk every decoder must do
//! (measured on a 4 MB 12 MP photo: about a third less CPU than `jpeg-decoder`'s 1/8 path).
//!
//! The walk reads the scan through a small window it unstuffs (0xFF00 → 0xFF) a chunk at a
//! time, so refilling the bit buffer needs no test per byte; each AC lookup in the skip table
//! gives the shift to make directly, and below coefficient 48 no check stands between them.
//!
//! That walk is serial, and phones write no restart markers to split it at. On a machine with a
//! second core, a long scan is split anyway ([`decode_two_halves`]): a second thread decodes the
//! second half from a guessed state, and the first thread, arriving there, keeps that work from
//! the first MCU boundary both decodes share. The answer is the one-thread decode's, bit for bit.
//!
//! Scope, on purpose small: baseline and extended sequential Huffman JPEG, 8-bit, 1 or 3
//! components in one interleaved scan, any sampling factors, restart intervals. Anything else
//! (progressive, arithmetic coding, 12-bit, CMYK, several scans, a damaged stream) returns
//! `None` and the caller falls back to the general decoder, which then decides whether the file
//! is readable — so this fast path never makes ShareSafe more lenient than the general decoder.
//!
//! Every length is checked against the bytes that remain; table sizes are fixed; the block
//! planes are sized from the frame header, which the caller has already checked against
//! [`crate::Limits`].

use image::RgbImage;

/// Decodes `bytes` at 1/8 scale, or `None` when this fast path does not handle the file (or the
/// frame is larger than `max_pixels`, a bound it enforces itself before allocating).
/// The output is `ceil(width / 8) × ceil(height / 8)`, like a decoder's 1/8 IDCT scaling.
pub(super) fn decode_eighth(bytes: &[u8], max_pixels: u64) -> Option<RgbImage> {
    decode_planes(bytes, max_pixels, Mode::for_this_machine())?.to_rgb()
}

/// Like [`decode_eighth`], but only the luminance: each block's mean luma, 0–255, unrounded,
/// row-major, with the width and height. `None` also for JPEGs whose components are RGB rather
/// than YCbCr (luma would need all three; the caller takes the RGB path for those).
///
/// For YCbCr this is the Y plane, with neither chroma plane read after decoding, and no colour
/// conversion: the BT.601 weights PDQ computes luminance with (0.299, 0.587, 0.114) are the ones
/// JPEG's YCbCr is defined by, so Y *is* that luminance of the block's colour. It differs from
/// the luminance of the RGB decode only by that decode's rounding to 8 bits and its clamping of
/// saturated colours.
pub(super) fn decode_eighth_luma(bytes: &[u8], max_pixels: u64) -> Option<(u32, u32, Vec<f32>)> {
    decode_planes(bytes, max_pixels, Mode::for_this_machine())?.to_luma()
}

/// Panics unless splitting every scan in two gives the one-thread answer, and reading the
/// unstuffed scan gives the stuffed reader's (the fuzzing hook's properties; scans of any
/// length are split).
pub(super) fn split_agrees(bytes: &[u8], max_pixels: u64) {
    // The second half on this thread: the same split and merge, without the cost of starting a
    // thread for each input (which bounds a sanitizer build's speed).
    let split = Mode::Parallel {
        min_scan: 1,
        thread: false,
    };
    let one = decode_planes(bytes, max_pixels, Mode::Serial).map(|p| p.planes);
    let two = decode_planes(bytes, max_pixels, split).map(|p| p.planes);
    assert!(
        one == two,
        "the split DC decode differs from the one-thread decode"
    );
    let stuffed = decode_planes(bytes, max_pixels, Mode::Stuffed).map(|p| p.planes);
    assert!(
        one == stuffed,
        "the DC decode of the unstuffed scan differs from the stuffed reader's"
    );
}

/// A decoded scan at 1/8 scale, before any colour conversion: each component's plane of DC
/// values, and what converting them needs.
struct DcPicture {
    frame: Frame,
    /// One plane per component, in frame order ([`plane_size`] blocks each), in coefficient
    /// units (not yet dequantised).
    planes: Vec<Vec<i16>>,
    quant_dc: [u16; 4],
    adobe_transform: Option<u8>,
}

/// Parses the headers and decodes the one scan, on one thread or two.
fn decode_planes(bytes: &[u8], max_pixels: u64, mode: Mode) -> Option<DcPicture> {
    let mut p = Parser {
        data: bytes,
        pos: 0,
    };
    if p.u8()? != 0xFF || p.u8()? != 0xD8 {
        return None;
    }
    let mut dc_tables: [Option<Huffman>; 4] = [None, None, None, None];
    let mut ac_tables: [Option<Huffman>; 4] = [None, None, None, None];
    let mut quant_dc = [0u16; 4];
    let mut frame: Option<Frame> = None;
    let mut restart_interval = 0u16;
    let mut adobe_transform: Option<u8> = None;
    loop {
        let marker = p.next_marker()?;
        match marker {
            0xC0 | 0xC1 => {
                if frame.is_some() {
                    return None;
                }
                let f = Frame::parse(p.segment()?)?;
                if (f.width as u64) * (f.height as u64) > max_pixels {
                    return None;
                }
                frame = Some(f);
            }
            // Progressive, lossless, hierarchical or arithmetic-coded: not ours.
            0xC2 | 0xC3 | 0xC5..=0xC7 | 0xC9..=0xCB | 0xCD..=0xCF => return None,
            0xC4 => parse_dht(p.segment()?, &mut dc_tables, &mut ac_tables)?,
            0xDB => parse_dqt(p.segment()?, &mut quant_dc)?,
            0xDD => {
                let s = p.segment()?;
                if s.len() != 2 {
                    return None;
                }
                restart_interval = u16::from_be_bytes([s[0], s[1]]);
            }
            0xEE => {
                let s = p.segment()?;
                if s.len() >= 12 && &s[..5] == b"Adobe" {
                    adobe_transform = Some(s[11]);
                }
            }
            0xDA => {
                let frame = frame.take()?;
                let scan = p.segment()?;
                let planes = decode_scan(
                    &mut p,
                    scan,
                    &frame,
                    &dc_tables,
                    &ac_tables,
                    restart_interval,
                    mode,
                )?;
                // A second scan (e.g. non-interleaved components) is beyond this fast path.
                if p.next_marker()? != 0xD9 {
                    return None;
                }
                return Some(DcPicture {
                    frame,
                    planes,
                    quant_dc,
                    adobe_transform,
                });
            }
            0xD9 => return None,
            // Standalone markers without a length.
            0x01 | 0xD0..=0xD7 => {}
            _ => {
                p.segment()?;
            }
        }
    }
}

struct Parser<'a> {
    data: &'a [u8],
    pos: usize,
}

impl<'a> Parser<'a> {
    fn u8(&mut self) -> Option<u8> {
        let b = *self.data.get(self.pos)?;
        self.pos += 1;
        Some(b)
    }

    /// Skips to the next marker and returns its code (fill bytes 0xFF are skipped).
    fn next_marker(&mut self) -> Option<u8> {
        if self.u8()? != 0xFF {
            return None;
        }
        loop {
            match self.u8()? {
                0xFF => continue,
                0x00 => return None,
                m => return Some(m),
            }
        }
    }

    /// A marker segment's payload (after its 2-byte length).
    fn segment(&mut self) -> Option<&'a [u8]> {
        let len = usize::from(u16::from_be_bytes([self.u8()?, self.u8()?]));
        let body_len = len.checked_sub(2)?;
        let end = self.pos.checked_add(body_len)?;
        let body = self.data.get(self.pos..end)?;
        self.pos = end;
        Some(body)
    }
}

struct Component {
    id: u8,
    h: usize,
    v: usize,
    quant: usize,
}

struct Frame {
    width: usize,
    height: usize,
    components: Vec<Component>,
    h_max: usize,
    v_max: usize,
    mcus_x: usize,
    mcus_y: usize,
}

impl Frame {
    fn parse(s: &[u8]) -> Option<Frame> {
        if s.len() < 6 || s[0] != 8 {
            return None; // only 8-bit samples
        }
        let height = usize::from(u16::from_be_bytes([s[1], s[2]]));
        let width = usize::from(u16::from_be_bytes([s[3], s[4]]));
        let n = usize::from(s[5]);
        if width == 0 || height == 0 || !(n == 1 || n == 3) || s.len() != 6 + 3 * n {
            return None;
        }
        let mut components = Vec::with_capacity(n);
        for c in s[6..].chunks_exact(3) {
            let (h, v) = (usize::from(c[1] >> 4), usize::from(c[1] & 15));
            if !(1..=4).contains(&h) || !(1..=4).contains(&v) || c[2] > 3 {
                return None;
            }
            components.push(Component {
                id: c[0],
                h,
                v,
                quant: usize::from(c[2]),
            });
        }
        if n == 1 {
            // A single component is coded as 8×8 blocks whatever its factors say.
            components[0].h = 1;
            components[0].v = 1;
        }
        let h_max = components.iter().map(|c| c.h).max()?;
        let v_max = components.iter().map(|c| c.v).max()?;
        Some(Frame {
            width,
            height,
            mcus_x: width.div_ceil(8 * h_max),
            mcus_y: height.div_ceil(8 * v_max),
            components,
            h_max,
            v_max,
        })
    }
}

/// A Huffman table: an 11-bit lookup for short codes, canonical ranges for the rest.
struct Huffman {
    /// For each 11-bit prefix: `(symbol, code length)`, length 0 when the code is longer.
    fast: Box<[(u8, u8); 1 << FAST_BITS]>,
    /// Largest code of each length (1–16), -1 when none; index 0 unused.
    max_code: [i32; 18],
    /// `values` index of the first code of each length, minus that code.
    offset: [i32; 17],
    values: Vec<u8>,
    /// For AC tables, each [`SKIP_BITS`]-bit prefix resolved to what skipping the next one or
    /// two coefficients takes (see [`skip_entry`]); 0 when the first code is longer than 11 bits.
    /// Two per lookup shortens the chain of dependent table reads that bounds this decoder.
    skip: Box<[u32; 1 << SKIP_BITS]>,
}

const FAST_BITS: u32 = 11;
/// Prefix length of the AC skip table: 12 bits hold two short codes with their values often,
/// and the table (16 KB) still fits the L1 cache beside the others.
const SKIP_BITS: u32 = 12;
/// A skip entry is two steps of 16 bits. The low half is the *best* step: the next two symbols
/// when the second code lies wholly within the prefix, else the next one. The high half is the
/// next symbol alone, for the rare block whose first symbol fills it ([`STEP_PAIR`] says the
/// halves differ). Each step: bits 0–5 = bits taken (codes and values), 6–11 = how far the
/// coefficient index moves, bit 12 = the block ends. The bits taken sit at the bottom so the
/// reader shifts by the entry itself: table read to shift is the whole chain of dependent work
/// per lookup, which bounds this decoder.
const STEP_EOB: u32 = 1 << 12;
/// In a skip entry: the best step takes two symbols.
const STEP_PAIR: u32 = 1 << 13;

/// Bits taken and index advance of one AC symbol `rs` with code length `len`: end of block
/// advances 0, ZRL (sixteen zeros) 16, a coefficient its zero run plus one.
fn ac_step(rs: u8, len: u8) -> (u32, u32) {
    let (run, size) = (u32::from(rs >> 4), u32::from(rs & 15));
    match (run, size) {
        (15, 0) => (u32::from(len), 16),
        (_, 0) => (u32::from(len), 0),
        _ => (u32::from(len) + size, run + 1),
    }
}

/// One 16-bit step: `bits` taken, index moved by `adv`, block ended when `eob`.
fn step(bits: u32, adv: u32, eob: bool) -> u32 {
    bits | adv << 6 | if eob { STEP_EOB } else { 0 }
}

/// The skip entry for one [`SKIP_BITS`]-bit prefix, from the 11-bit symbol table `fast`.
fn skip_entry(fast: &[(u8, u8); 1 << FAST_BITS], prefix: u32) -> u32 {
    let mask = (1u32 << SKIP_BITS) - 1;
    let lookup = |p: u32| fast[(p >> (SKIP_BITS - FAST_BITS)) as usize];
    let (rs1, len1) = lookup(prefix);
    if len1 == 0 {
        return 0;
    }
    let (b1, adv1) = ac_step(rs1, len1);
    let single = step(b1, adv1, adv1 == 0);
    if adv1 == 0 || b1 >= SKIP_BITS {
        return single;
    }
    // The second code is known only if all its bits are inside the prefix.
    let (rs2, len2) = lookup((prefix << b1) & mask);
    if len2 == 0 || u32::from(len2) > SKIP_BITS - b1 {
        return single;
    }
    let (b2, adv2) = ac_step(rs2, len2);
    step(b1 + b2, adv1 + adv2, adv2 == 0) | STEP_PAIR | single << 16
}

impl Huffman {
    fn build(counts: &[u8; 16], values: &[u8]) -> Option<Huffman> {
        let mut fast = Box::new([(0u8, 0u8); 1 << FAST_BITS]);
        let mut max_code = [-1i32; 18];
        let mut offset = [0i32; 17];
        let mut code: u32 = 0;
        let mut k = 0usize;
        for len in 1..=16u32 {
            let n = usize::from(counts[len as usize - 1]);
            offset[len as usize] = k as i32 - code as i32;
            for _ in 0..n {
                if code >= (1 << len) {
                    return None; // over-subscribed table
                }
                if len <= FAST_BITS {
                    let shift = FAST_BITS - len;
                    let first = (code << shift) as usize;
                    for e in &mut fast[first..first + (1 << shift)] {
                        *e = (values[k], len as u8);
                    }
                }
                code += 1;
                k += 1;
            }
            if n > 0 {
                max_code[len as usize] = code as i32 - 1;
            }
            code <<= 1;
        }
        max_code[17] = i32::MAX; // sentinel: ends the slow search
        let mut skip = Box::new([0u32; 1 << SKIP_BITS]);
        for (prefix, e) in (0u32..).zip(skip.iter_mut()) {
            *e = skip_entry(&fast, prefix);
        }
        Some(Huffman {
            fast,
            max_code,
            offset,
            values: values.to_vec(),
            skip,
        })
    }
}

fn parse_dht(
    mut s: &[u8],
    dc: &mut [Option<Huffman>; 4],
    ac: &mut [Option<Huffman>; 4],
) -> Option<()> {
    while !s.is_empty() {
        let class_id = *s.first()?;
        let counts: [u8; 16] = s.get(1..17)?.try_into().ok()?;
        let total: usize = counts.iter().map(|&c| usize::from(c)).sum();
        if total > 256 {
            return None;
        }
        let values = s.get(17..17 + total)?;
        let table = Huffman::build(&counts, values)?;
        let id = usize::from(class_id & 15);
        match (class_id >> 4, id) {
            (0, 0..=3) => dc[id] = Some(table),
            (1, 0..=3) => ac[id] = Some(table),
            _ => return None,
        }
        s = &s[17 + total..];
    }
    Some(())
}

/// Keeps only each table's first (DC) entry: it is all a DC-only decode needs.
fn parse_dqt(mut s: &[u8], quant_dc: &mut [u16; 4]) -> Option<()> {
    while !s.is_empty() {
        let pq_tq = *s.first()?;
        let id = usize::from(pq_tq & 15);
        if id > 3 {
            return None;
        }
        let (dc, len) = match pq_tq >> 4 {
            0 => (u16::from(*s.get(1)?), 65),
            1 => (u16::from_be_bytes([*s.get(1)?, *s.get(2)?]), 129),
            _ => return None,
        };
        if s.len() < len {
            return None;
        }
        quant_dc[id] = dc;
        s = &s[len..];
    }
    Some(())
}

/// MSB-first bit reader over entropy-coded data: undoes 0xFF00 stuffing, stops at a marker
/// (feeding zero bits after it, and counting them).
///
/// With `FLAT`, the reader first unstuffs the data into a small window of its own
/// ([`FLAT_CHUNK`] bytes of the file at a time), and a refill is then one 8-byte load from
/// there, of which it keeps as many whole bytes as fit (Giesen's "variant 4"), with no test of
/// the data. A stuffed stream needs a test for 0xFF at every refill instead. Without `FLAT` it
/// reads the file's bytes directly (restart intervals need that).
struct Bits<'a, const FLAT: bool> {
    data: &'a [u8],
    /// The next byte of `data` to read (with `FLAT`: to unstuff into `win`).
    pos: usize,
    buf: u64,
    count: u32,
    /// Zero bytes fed past a marker or the end: a few are normal at the end of a scan, many mean
    /// the stream is truncated.
    padding: u32,
    /// Bytes put into `buf` since the scan began, after unstuffing and counting padding: with
    /// `count` it gives the reader's position in the unstuffed bit stream ([`Bits::bit_pos`]).
    loaded: u64,
    /// With `FLAT`: the index in `win.bytes` of the byte at `loaded`.
    at: usize,
    /// With `FLAT`: the unstuffed window. Apart from the other fields, so that the one call
    /// that takes it by reference ([`Window::slide`]) leaves the bit buffer in registers.
    win: Window,
}

/// Unstuffed bytes for a [`FlatBits`].
struct Window {
    bytes: Vec<u8>,
    /// The unstuffed stream's length, once the marker (or file end) that ends it has been
    /// unstuffed up to; [`FLAT_PADDING`] zeros then follow it in `bytes`.
    end: Option<u64>,
}

/// Reads through an unstuffed window ([`Bits`] with `FLAT`).
type FlatBits<'a> = Bits<'a, true>;
/// Reads stuffed data straight from the file.
type StuffedBits<'a> = Bits<'a, false>;

/// Bytes of the file a [`FlatBits`] unstuffs at a time: small enough to stay in the cache, and
/// the window's memory, whatever the photo's size.
const FLAT_CHUNK: usize = 32 * 1024;

/// Zero bytes after the end of the stream in a window, so that every 8-byte load before the
/// end is in bounds.
const FLAT_PADDING: usize = 8;

impl Window {
    /// Moves the window on: keeps its unread bytes (from `at`) and unstuffs the file after
    /// them, from byte `pos` of `data`, a chunk at a time, as far as a stuffed reader would
    /// read: up to the first 0xFF not followed by 0x00 (a marker, or fill before one), or the
    /// end of the file, after which come zeros. `loaded` is the stream position of `at`.
    /// Returns the next 8 bytes, and the new `pos` and `at`.
    #[cold]
    #[inline(never)]
    fn slide(
        &mut self,
        data: &[u8],
        mut pos: usize,
        mut at: usize,
        loaded: u64,
    ) -> (u64, usize, usize) {
        while self.end.is_none() && self.bytes.len() < at + 8 {
            let kept = at.min(self.bytes.len());
            self.bytes.drain(..kept);
            at -= kept;
            let chunk_end = pos.saturating_add(FLAT_CHUNK).min(data.len());
            let chunk = &data[pos.min(chunk_end)..chunk_end];
            let mut from = 0;
            let mut stop = None;
            for i in memchr::memchr_iter(0xFF, chunk) {
                if i < from {
                    continue; // the zero of a stuffed pair, never 0xFF: defensive
                }
                if data.get(pos + i + 1) == Some(&0x00) {
                    self.bytes.extend_from_slice(&chunk[from..=i]);
                    from = i + 2;
                } else {
                    stop = Some(i);
                    break;
                }
            }
            let upto = stop.unwrap_or(chunk.len()).max(from);
            self.bytes
                .extend_from_slice(chunk.get(from..upto).unwrap_or_default());
            pos += stop.unwrap_or(from.max(chunk.len()));
            if stop.is_some() || pos >= data.len() {
                let len = self.bytes.len();
                self.end = Some(loaded - at as u64 + len as u64);
                self.bytes.resize(len + FLAT_PADDING, 0);
            }
        }
        let word = match self.bytes.get(at..at + 8) {
            Some(chunk) => u64::from_be_bytes(chunk.try_into().expect("8 bytes")),
            None => 0, // past the end and its padding: zeros for ever
        };
        (word, pos, at)
    }
}

impl<'a, const FLAT: bool> Bits<'a, FLAT> {
    #[inline]
    fn refill(&mut self) {
        if FLAT {
            // The bits already past `count` came from these same bytes, so OR-ing them in again
            // changes nothing.
            let word = match self.win.bytes.get(self.at..self.at + 8) {
                Some(chunk) => u64::from_be_bytes(chunk.try_into().expect("8 bytes")),
                None => {
                    let (word, pos, at) = self.win.slide(self.data, self.pos, self.at, self.loaded);
                    (self.pos, self.at) = (pos, at);
                    word
                }
            };
            self.buf |= word >> self.count;
            let take = (63 - self.count) >> 3;
            self.at += take as usize;
            self.loaded += u64::from(take);
            self.count += take * 8;
            return;
        }
        if self.count > 56 {
            return; // not a whole byte of room
        }
        // Fast path: eight bytes without 0xFF need no unstuffing and hold no marker.
        if let Some(chunk) = self.data.get(self.pos..self.pos + 8) {
            let word = u64::from_be_bytes(chunk.try_into().expect("8 bytes"));
            let inverted = !word; // 0xFF bytes become zero bytes
            let has_ff =
                inverted.wrapping_sub(0x0101_0101_0101_0101) & !inverted & 0x8080_8080_8080_8080
                    != 0;
            if !has_ff {
                let take = (64 - self.count) / 8; // whole bytes that fit, 1..=8
                let top = if take == 8 {
                    word
                } else {
                    word >> (64 - 8 * take)
                };
                let shift = 64 - self.count - 8 * take;
                self.buf |= top << shift;
                self.count += 8 * take;
                self.pos += take as usize;
                self.loaded += u64::from(take);
                return;
            }
        }
        while self.count <= 56 {
            let byte = match self.data.get(self.pos) {
                Some(&0xFF) => match self.data.get(self.pos + 1) {
                    Some(0x00) => {
                        self.pos += 2;
                        0xFF
                    }
                    _ => {
                        self.padding += 1;
                        0
                    }
                },
                Some(&b) => {
                    self.pos += 1;
                    b
                }
                None => {
                    self.padding += 1;
                    0
                }
            };
            self.buf |= u64::from(byte) << (56 - self.count);
            self.count += 8;
            self.loaded += 1;
        }
    }

    /// A reader at byte `pos` of `data`, `loaded` unstuffed bytes after the scan's start.
    fn at(data: &'a [u8], pos: usize, loaded: u64) -> Self {
        Bits {
            data,
            pos,
            buf: 0,
            count: 0,
            padding: 0,
            loaded,
            at: 0,
            win: Window {
                bytes: if FLAT {
                    Vec::with_capacity(FLAT_CHUNK + FLAT_PADDING)
                } else {
                    Vec::new()
                },
                end: None,
            },
        }
    }

    /// Position of the next unread bit in the unstuffed stream, counted from the scan's start.
    /// Two readers at the same position see the same bits from there on (the stream, then zeros
    /// for ever after the marker that ends it), whatever each has buffered.
    #[inline]
    fn bit_pos(&self) -> u64 {
        self.loaded * 8 - u64::from(self.count)
    }

    /// Bits taken past the end of the data (the zeros fed after the scan's marker). Like
    /// [`Bits::bit_pos`], it depends only on the position, not on how far the reader buffered.
    #[inline]
    fn overrun(&self) -> u32 {
        if FLAT {
            let past = match self.win.end {
                Some(end) => self.bit_pos().saturating_sub(end * 8),
                None => 0,
            };
            return u32::try_from(past).unwrap_or(u32::MAX);
        }
        self.padding.saturating_mul(8).saturating_sub(self.count)
    }

    #[inline]
    fn peek(&self, n: u32) -> u32 {
        (self.buf >> (64 - n)) as u32
    }

    #[inline]
    fn consume(&mut self, n: u32) {
        self.buf <<= n;
        self.count -= n;
    }

    /// Consumes the bits a skip step takes (its low 6 bits): the shift reads them from the step
    /// itself, with no masking in between.
    #[inline]
    fn consume_step(&mut self, step: u32) {
        self.buf = self.buf.wrapping_shl(step);
        self.count -= step & 63;
    }

    /// Decodes one Huffman symbol. Always inlined, like every use of the reader in the block
    /// loop: a call that takes the reader by reference would keep its bit buffer in memory.
    #[inline(always)]
    fn symbol(&mut self, t: &Huffman) -> Option<u8> {
        if self.count < 16 {
            self.refill();
        }
        let (sym, len) = t.fast[self.peek(FAST_BITS) as usize];
        if len > 0 {
            self.consume(u32::from(len));
            return Some(sym);
        }
        let code16 = self.peek(16) as i32;
        let mut len = FAST_BITS + 1;
        while len <= 16 {
            let code = code16 >> (16 - len);
            if code <= t.max_code[len as usize] {
                self.consume(len);
                let index = usize::try_from(code + t.offset[len as usize]).ok()?;
                return t.values.get(index).copied();
            }
            len += 1;
        }
        None
    }

    /// Reads `n` (1–16) bits as a signed coefficient value (JPEG's EXTEND).
    #[inline(always)]
    fn signed(&mut self, n: u32) -> i32 {
        if self.count < n {
            self.refill();
        }
        let v = self.peek(n) as i32;
        self.consume(n);
        if v < 1 << (n - 1) {
            v - (1 << n) + 1
        } else {
            v
        }
    }

    /// At a restart point (stuffed data only): drops what is left of the interval (padding
    /// bits) and expects RSTn. The reader never consumes a marker, so the marker is at or after
    /// `pos`; bytes before it are skipped, as libjpeg resynchronises.
    fn restart(&mut self) -> Option<()> {
        self.buf = 0;
        self.count = 0;
        self.padding = 0;
        self.pos = next_marker_at(self.data, self.pos)?;
        match self.data.get(self.pos + 1) {
            Some(0xD0..=0xD7) => {
                self.pos += 2;
                Some(())
            }
            _ => None,
        }
    }
}

/// Position of the next marker (0xFF followed by neither 0x00 nor 0xFF) at or after `pos`.
fn next_marker_at(data: &[u8], mut pos: usize) -> Option<usize> {
    loop {
        match (data.get(pos)?, data.get(pos + 1)?) {
            (0xFF, 0x00) => pos += 2,
            (0xFF, 0xFF) => pos += 1,
            (0xFF, _) => return Some(pos),
            _ => pos += 1,
        }
    }
}

/// Bits an MCU may take past the end of the data before the scan counts as truncated: the end
/// of a complete scan takes none, so this only leaves room for a last byte an encoder cut short.
const MAX_OVERRUN_BITS: u32 = 64;

/// Scans with fewer entropy-coded bytes than this are decoded on one thread: below it, starting
/// a thread and synchronising costs more than the half it saves.
const PARALLEL_MIN_SCAN: usize = 256 * 1024;

/// How a scan is decoded: [`Mode::Parallel`] splits long scans between two threads.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
enum Mode {
    Serial,
    /// On one thread, from the stuffed bytes even without restart markers: the reader the
    /// unstuffed one must agree with (tests and the fuzzing hook compare them).
    Stuffed,
    /// Scans of at least `min_scan` entropy-coded bytes without restart markers are split in two
    /// ([`decode_two_halves`]); the second half on a second thread when `thread`, else on this
    /// one before the first (for fuzzing the split itself).
    Parallel {
        min_scan: usize,
        thread: bool,
    },
}

impl Mode {
    /// Parallel where the machine has a second core to give.
    fn for_this_machine() -> Mode {
        static CORES: std::sync::OnceLock<usize> = std::sync::OnceLock::new();
        let cores = *CORES.get_or_init(|| {
            std::thread::available_parallelism()
                .map(|n| n.get())
                .unwrap_or(1)
        });
        if cores > 1 {
            Mode::Parallel {
                min_scan: PARALLEL_MIN_SCAN,
                thread: true,
            }
        } else {
            Mode::Serial
        }
    }
}

/// One block of an MCU, in coding order: its component's tables.
struct BlockSpec<'t> {
    dc: &'t Huffman,
    ac: &'t Huffman,
}

/// Decodes one block: returns its DC difference, and skips its AC coefficients (run/size
/// symbols decoded, value bits passed over).
#[inline(always)]
fn decode_block<const F: bool>(
    bits: &mut Bits<'_, F>,
    dc_t: &Huffman,
    ac_t: &Huffman,
) -> Option<i16> {
    let s = u32::from(bits.symbol(dc_t)?);
    if s > 11 {
        return None;
    }
    // |diff| < 2^11: it fits an i16.
    let diff = if s > 0 { bits.signed(s) as i16 } else { 0 };
    let mut k = 1u32;
    // While the index is below 48, no symbol can fill the block (a run advances it at most 16),
    // so a pair is always right and the table's best step is taken as it is: table read, then
    // shift, with nothing in between.
    while k < PAIRS_ALWAYS_FIT {
        // One refill covers two symbols of the skip table (at most 37 bits), or the longest
        // code (16) and value (15) together. (Refilling at every lookup instead, without the
        // branch, took a third of the mispredictions away and added as much time in
        // instructions: measured equal, so the branch stays.)
        if bits.count < 40 {
            bits.refill();
        }
        let e = ac_t.skip[bits.peek(SKIP_BITS) as usize];
        if e == 0 {
            k = ac_symbol(bits, ac_t, k)?;
            continue;
        }
        bits.consume_step(e);
        if e & STEP_EOB != 0 {
            return Some(diff);
        }
        k += (e >> 6) & 63;
    }
    while k < 64 {
        if bits.count < 40 {
            bits.refill();
        }
        let e = ac_t.skip[bits.peek(SKIP_BITS) as usize];
        if e == 0 {
            k = ac_symbol(bits, ac_t, k)?;
            continue;
        }
        // Near the end, the first symbol may fill the block: then the second code of a pair
        // is the next block's DC code, and only the first is taken.
        let s = if e & STEP_PAIR != 0 && k + ((e >> 22) & 63) >= 64 {
            e >> 16
        } else {
            e
        };
        bits.consume_step(s);
        if s & STEP_EOB != 0 {
            return Some(diff);
        }
        k += (s >> 6) & 63;
    }
    if k > 64 {
        return None;
    }
    Some(diff)
}

/// Below this coefficient index every pair in the skip table can be taken whole.
const PAIRS_ALWAYS_FIT: u32 = 48;

/// One AC symbol whose code the skip table does not hold (longer than 11 bits): returns the
/// next coefficient index, 64 at the end of the block.
#[inline(always)]
fn ac_symbol<const F: bool>(bits: &mut Bits<'_, F>, ac_t: &Huffman, k: u32) -> Option<u32> {
    let rs = bits.symbol(ac_t)?;
    let (run, size) = (u32::from(rs >> 4), u32::from(rs & 15));
    if size == 0 {
        return Some(if run == 15 { k + 16 } else { 64 });
    }
    bits.consume(size);
    Some(k + run + 1)
}

/// Decodes one MCU, appending one DC difference per block. `None` when the stream is invalid
/// here or the MCU ran past the end of the data (a truncated scan).
#[inline(always)]
fn decode_mcu<const F: bool>(
    bits: &mut Bits<'_, F>,
    layout: &[BlockSpec<'_>],
    diffs: &mut Vec<i16>,
) -> Option<()> {
    for b in layout {
        diffs.push(decode_block(bits, b.dc, b.ac)?);
    }
    if bits.overrun() > MAX_OVERRUN_BITS {
        return None;
    }
    Some(())
}

/// Decodes one interleaved scan; returns each component's plane of DC values (in coefficient
/// units, not yet dequantised), `mcus_x * h` by `mcus_y * v` blocks.
fn decode_scan(
    p: &mut Parser<'_>,
    scan: &[u8],
    frame: &Frame,
    dc_tables: &[Option<Huffman>; 4],
    ac_tables: &[Option<Huffman>; 4],
    restart_interval: u16,
    mode: Mode,
) -> Option<Vec<Vec<i16>>> {
    let n = usize::from(*scan.first()?);
    if n != frame.components.len() || scan.len() != 1 + 2 * n + 3 {
        return None;
    }
    let (ss, se, a) = (scan[1 + 2 * n], scan[2 + 2 * n], scan[3 + 2 * n]);
    if ss != 0 || se != 63 || a != 0 {
        return None;
    }
    let single = n == 1;
    // Scan components must be the frame's, in frame order (what every encoder writes).
    let mut layout = Vec::new();
    for (i, c) in frame.components.iter().enumerate() {
        let id = scan[1 + 2 * i];
        let t = scan[2 + 2 * i];
        if id != c.id {
            return None;
        }
        let dc = dc_tables.get(usize::from(t >> 4))?.as_ref()?;
        let ac = ac_tables.get(usize::from(t & 15))?.as_ref()?;
        let blocks = if single { 1 } else { c.h * c.v };
        for _ in 0..blocks {
            layout.push(BlockSpec { dc, ac });
        }
    }
    let (total_mcus, mcus_x) = if single {
        let (w, h) = plane_size(frame, &frame.components[0], true);
        (w * h, w)
    } else {
        (frame.mcus_x * frame.mcus_y, frame.mcus_x)
    };
    let start = p.pos;
    let interval = usize::from(restart_interval);
    let diffs = if interval == 0 && mode != Mode::Stuffed {
        // No restart markers (what phones write): the unstuffing reader.
        let end = scan_end(p.data, start)?;
        p.pos = end;
        match mode {
            Mode::Parallel { min_scan, thread } if end - start >= min_scan => {
                let (diffs, _met) =
                    decode_two_halves(p.data, start, end, &layout, total_mcus, thread)?;
                #[cfg(test)]
                tests::MET_AT.with(|m| m.set(_met));
                diffs
            }
            _ => decode_flat(p.data, start, &layout, total_mcus)?,
        }
    } else {
        decode_restarts(p, &layout, total_mcus, interval)?
    };
    scatter(frame, &layout, &diffs, total_mcus, mcus_x, interval)
}

/// Decodes every MCU of a scan without restart intervals in order, on this thread.
fn decode_flat(
    data: &[u8],
    start: usize,
    layout: &[BlockSpec<'_>],
    total_mcus: usize,
) -> Option<Vec<i16>> {
    let mut bits = FlatBits::at(data, start, 0);
    let mut diffs = Vec::with_capacity(total_mcus.checked_mul(layout.len())?);
    for _ in 0..total_mcus {
        decode_mcu(&mut bits, layout, &mut diffs)?;
    }
    Some(diffs)
}

/// Decodes a scan with restart intervals, in order on this thread, from the stuffed bytes;
/// leaves `p` at the marker that ends the scan.
fn decode_restarts(
    p: &mut Parser<'_>,
    layout: &[BlockSpec<'_>],
    total_mcus: usize,
    interval: usize,
) -> Option<Vec<i16>> {
    let mut bits = StuffedBits::at(p.data, p.pos, 0);
    let mut diffs = Vec::with_capacity(total_mcus.checked_mul(layout.len())?);
    for mcu in 0..total_mcus {
        if interval > 0 && mcu > 0 && mcu % interval == 0 {
            bits.restart()?;
        }
        decode_mcu(&mut bits, layout, &mut diffs)?;
    }
    // The reader stopped at (never past) the marker that ends the scan.
    p.pos = next_marker_at(p.data, bits.pos)?;
    Some(diffs)
}

/// Position of the marker that ends the entropy-coded data starting at `pos` (what
/// [`next_marker_at`] finds, with memchr's word-at-a-time search between the 0xFF bytes).
fn scan_end(data: &[u8], pos: usize) -> Option<usize> {
    let rest = data.get(pos..)?;
    for i in memchr::memchr_iter(0xFF, rest) {
        match rest.get(i + 1)? {
            // Stuffing, or a fill byte (the next 0xFF is looked at in turn).
            0x00 | 0xFF => {}
            _ => return Some(pos + i),
        }
    }
    None
}

/// What the second thread decoded from the middle of a scan, not knowing where it stood.
struct Speculation {
    /// For each MCU it decoded without error: the bit position where it began, the index of its
    /// first block in `diffs`, and the run (between errors) it belongs to. Increasing positions.
    starts: Vec<(u64, usize, usize)>,
    /// Where each run's blocks end in `diffs`.
    run_ends: Vec<usize>,
    diffs: Vec<i16>,
}

/// The second half of a scan, decoded speculatively from byte `split`.
///
/// A Huffman stream has no landmarks: from the middle, nothing says which block, component or
/// coefficient comes next. This decoder guesses "the first block of an MCU" and goes on; when
/// the stream turns out invalid under that guess, it guesses again one bit past where the MCU
/// failed. Wrong
/// guesses decode garbage, but Huffman codes fall back into step with the true symbols within a
/// few codes, and so, a little later, do block and MCU boundaries. Every MCU start it passes is
/// recorded; [`decode_two_halves`] keeps its work from the first one the true decode also starts
/// an MCU at — same bit position, same state, so the same decode from there on.
fn speculate(
    data: &[u8],
    start: usize,
    split: usize,
    layout: &[BlockSpec<'_>],
    max_mcus: usize,
) -> Speculation {
    // Bytes before the split, less the zero of each stuffed 0xFF00 (the data holds no marker
    // before `scan_end`, so every 0xFF there is stuffed).
    let stuffed = memchr::memchr_iter(0xFF, &data[start..split]).count();
    let mut bits = FlatBits::at(data, split, (split - start - stuffed) as u64);
    let mut spec = Speculation {
        starts: Vec::with_capacity(max_mcus / 2 + 16),
        run_ends: Vec::new(),
        diffs: Vec::with_capacity((max_mcus / 2 + 16).saturating_mul(layout.len())),
    };
    while spec.starts.len() < max_mcus {
        let (pos, before) = (bits.bit_pos(), spec.diffs.len());
        if decode_mcu(&mut bits, layout, &mut spec.diffs).is_some() {
            spec.starts.push((pos, before, spec.run_ends.len()));
            continue;
        }
        spec.diffs.truncate(before);
        spec.run_ends.push(before);
        if bits.overrun() > MAX_OVERRUN_BITS {
            return spec;
        }
        // Guess again one bit on: an invalid code consumes nothing, so without the step the
        // same guess would fail at the same place for ever.
        if bits.count == 0 {
            bits.refill();
        }
        bits.consume(1);
    }
    spec.run_ends.push(spec.diffs.len());
    spec
}

/// Decodes a scan on two threads: this one from the start, a second one speculatively from the
/// middle ([`speculate`]). Once this thread reaches the middle it looks, at each MCU it starts,
/// for the second thread's record of an MCU starting at the same bit position; from the first
/// such point on, the second thread's blocks are exactly what this thread would decode, and it
/// stops. The result is the serial decode's, bit for bit, whether or not the halves meet: if
/// they never do, this thread decodes the rest itself. Also returns the MCU where they met.
fn decode_two_halves(
    data: &[u8],
    start: usize,
    end: usize,
    layout: &[BlockSpec<'_>],
    total_mcus: usize,
    thread: bool,
) -> Option<(Vec<i16>, Option<usize>)> {
    let bpm = layout.len();
    let mut split = start + (end - start) / 2;
    if data[split - 1] == 0xFF {
        split += 1; // never between a stuffed 0xFF and its zero
    }
    // This reader unstuffs ahead of where it reads, by at most a chunk: once it has unstuffed a
    // chunk past the split, it reads past the split too, where the second thread's record
    // begins. (Joining a little late only means decoding a little of that record again.)
    let join_at = split.saturating_add(FLAT_CHUNK).min(end);
    std::thread::scope(|scope| {
        let mut second = None;
        let mut spec: Option<Speculation> = None;
        if thread {
            second = std::thread::Builder::new()
                .name("jpeg-dc-half".into())
                .spawn_scoped(scope, || speculate(data, start, split, layout, total_mcus))
                .ok();
        }
        // Without a second thread (or when it could not start), speculate here first.
        let mut ready = second
            .is_none()
            .then(|| speculate(data, start, split, layout, total_mcus));
        let mut next_start = 0usize; // index into spec.starts
        let mut bits = FlatBits::at(data, start, 0);
        let mut diffs = Vec::with_capacity(total_mcus.checked_mul(bpm)?);
        for mcu in 0..total_mcus {
            // (Or once it has reached the end of the stream: fill bytes before the marker can
            // end it short of `join_at`.)
            if spec.is_none() && (bits.pos >= join_at || bits.win.end.is_some()) {
                // A panic in the second thread is a bug; without its half, decode it all here.
                spec = ready
                    .take()
                    .or_else(|| second.take().and_then(|h| h.join().ok()));
            }
            if let Some(s) = &spec {
                let here = bits.bit_pos();
                while s.starts.get(next_start).is_some_and(|&(p, _, _)| p < here) {
                    next_start += 1;
                }
                if let Some(&(p, first, run)) = s.starts.get(next_start) {
                    if p == here {
                        let wanted = (total_mcus - mcu).checked_mul(bpm)?;
                        let end = s.run_ends.get(run).copied().unwrap_or(first);
                        if let Some(rest) = s.diffs.get(first..end).and_then(|r| r.get(..wanted)) {
                            diffs.extend_from_slice(rest);
                            return Some((diffs, Some(mcu)));
                        }
                        // Its run stopped short (at an error this thread will meet itself,
                        // or at its cap): finish here.
                        spec = None;
                        second = None;
                    }
                }
            }
            decode_mcu(&mut bits, layout, &mut diffs)?;
        }
        Some((diffs, None))
    })
}

/// Turns each block's DC difference into its DC value (a running sum per component, reset at
/// each restart interval) and places it in its component's plane. A sum that leaves `i16` (no
/// valid 8-bit stream's does: its DC values are within ±2^11) declines the file.
fn scatter(
    frame: &Frame,
    layout: &[BlockSpec<'_>],
    diffs: &[i16],
    total_mcus: usize,
    mcus_x: usize,
    interval: usize,
) -> Option<Vec<Vec<i16>>> {
    let single = frame.components.len() == 1;
    if diffs.len() != total_mcus.checked_mul(layout.len())? {
        return None;
    }
    let mut planes = Vec::with_capacity(frame.components.len());
    // For each block of an MCU: its component, and its offset in that component's plane from
    // the MCU's first block. For each component: blocks per MCU across and down, plane width.
    let mut blocks = Vec::with_capacity(layout.len());
    let mut shapes = Vec::with_capacity(frame.components.len());
    for (ci, c) in frame.components.iter().enumerate() {
        let (w, h) = plane_size(frame, c, single);
        planes.push(vec![0i16; w * h]);
        let (bh, bv) = if single { (1, 1) } else { (c.h, c.v) };
        shapes.push((bh, bv, w));
        for v in 0..bv {
            for h in 0..bh {
                blocks.push((ci, v * w + h));
            }
        }
    }
    let mut pred = vec![0i16; frame.components.len()];
    let mut origin = vec![0usize; frame.components.len()];
    for (mcu, mcu_diffs) in diffs.chunks_exact(layout.len()).enumerate() {
        if interval > 0 && mcu > 0 && mcu % interval == 0 {
            pred.iter_mut().for_each(|v| *v = 0);
        }
        let (mx, my) = (mcu % mcus_x, mcu / mcus_x);
        for (o, &(bh, bv, w)) in origin.iter_mut().zip(&shapes) {
            *o = my * bv * w + mx * bh;
        }
        for (&(ci, offset), &d) in blocks.iter().zip(mcu_diffs) {
            pred[ci] = pred[ci].checked_add(d)?;
            *planes[ci].get_mut(origin[ci] + offset)? = pred[ci];
        }
    }
    Some(planes)
}

/// A component's plane of blocks: whole MCUs when interleaved; just the image's blocks when the
/// scan has one component.
fn plane_size(frame: &Frame, c: &Component, single: bool) -> (usize, usize) {
    if single {
        let w = (frame.width * c.h).div_ceil(frame.h_max);
        let h = (frame.height * c.v).div_ceil(frame.v_max);
        (w.div_ceil(8), h.div_ceil(8))
    } else {
        (frame.mcus_x * c.h, frame.mcus_y * c.v)
    }
}

/// One component, read for conversion: its plane, the plane's width, the DC scale, and which
/// plane column and row each output pixel takes (chroma repeats over the luma blocks it covers).
struct Source<'p> {
    plane: &'p [i16],
    width: usize,
    scale: f32,
    cols: Vec<usize>,
    rows: Vec<usize>,
}

impl<'p> Source<'p> {
    /// Row `y` of the output, as this component's plane row.
    #[inline]
    fn row(&self, y: usize) -> Option<&'p [i16]> {
        self.plane
            .get(self.rows[y] * self.width..)?
            .get(..self.width)
    }

    /// The block average at output column `x` of `row`: DC × q / 8 + 128, clamped as a full
    /// decoder clamps.
    #[inline]
    fn level(&self, row: &[i16], x: usize) -> f32 {
        (f32::from(row[self.cols[x]]) * self.scale + 128.0).clamp(0.0, 255.0)
    }
}

impl DcPicture {
    /// The 1/8-scale output size: `ceil(width / 8) × ceil(height / 8)`.
    fn size(&self) -> (usize, usize) {
        (self.frame.width.div_ceil(8), self.frame.height.div_ceil(8))
    }

    fn single(&self) -> bool {
        self.frame.components.len() == 1
    }

    /// True when the three components are R, G, B rather than Y, Cb, Cr.
    fn is_rgb(&self) -> bool {
        let ids: Vec<u8> = self.frame.components.iter().map(|c| c.id).collect();
        !self.single() && (self.adobe_transform == Some(0) || ids == [b'R', b'G', b'B'])
    }

    /// Component `i`, ready to convert.
    fn source(&self, i: usize) -> Option<Source<'_>> {
        let (w, h) = self.size();
        let (frame, single) = (&self.frame, self.single());
        let c = frame.components.get(i)?;
        let (pw, ph) = plane_size(frame, c, single);
        let (ch, cv, hm, vm) = if single {
            (1, 1, 1, 1)
        } else {
            (c.h, c.v, frame.h_max, frame.v_max)
        };
        Some(Source {
            plane: self.planes.get(i)?,
            width: pw,
            scale: f32::from(self.quant_dc[c.quant]) / 8.0,
            cols: (0..w).map(|x| (x * ch / hm).min(pw - 1)).collect(),
            rows: (0..h).map(|y| (y * cv / vm).min(ph - 1)).collect(),
        })
    }

    /// The 1/8-scale picture in RGB: each block's average, converted from YCbCr unless the
    /// components are RGB already.
    fn to_rgb(&self) -> Option<RgbImage> {
        let (w, h) = self.size();
        let single = self.single();
        let is_rgb = self.is_rgb();
        let to_u8 = |v: f32| (v + 0.5).clamp(0.0, 255.0) as u8;
        let mut rgb = vec![0u8; w.checked_mul(h)?.checked_mul(3)?];
        if single {
            let s = self.source(0)?;
            for (y, out) in rgb.chunks_exact_mut(w * 3).enumerate() {
                let row = s.row(y)?;
                for (x, px) in out.chunks_exact_mut(3).enumerate() {
                    px.fill(to_u8(s.level(row, x)));
                }
            }
        } else {
            let (s0, s1, s2) = (self.source(0)?, self.source(1)?, self.source(2)?);
            for (y, out) in rgb.chunks_exact_mut(w * 3).enumerate() {
                let (r0, r1, r2) = (s0.row(y)?, s1.row(y)?, s2.row(y)?);
                for (x, px) in out.chunks_exact_mut(3).enumerate() {
                    let (a, b, c) = (s0.level(r0, x), s1.level(r1, x), s2.level(r2, x));
                    px.copy_from_slice(&if is_rgb {
                        [to_u8(a), to_u8(b), to_u8(c)]
                    } else {
                        let (yv, cb, cr) = (a, b - 128.0, c - 128.0);
                        [
                            to_u8(yv + 1.402 * cr),
                            to_u8(yv - 0.344_136 * cb - 0.714_136 * cr),
                            to_u8(yv + 1.772 * cb),
                        ]
                    });
                }
            }
        }
        RgbImage::from_raw(u32::try_from(w).ok()?, u32::try_from(h).ok()?, rgb)
    }

    /// The 1/8-scale luminance (see [`decode_eighth_luma`]): the Y (or only) component's block
    /// averages, unrounded. `None` for RGB components.
    fn to_luma(&self) -> Option<(u32, u32, Vec<f32>)> {
        if self.is_rgb() {
            return None;
        }
        let (w, h) = self.size();
        let s = self.source(0)?;
        let mut luma = Vec::with_capacity(w.checked_mul(h)?);
        for y in 0..h {
            let row = s.row(y)?;
            luma.extend((0..w).map(|x| s.level(row, x)));
        }
        Some((u32::try_from(w).ok()?, u32::try_from(h).ok()?, luma))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::io::Cursor;

    thread_local! {
        /// The MCU at which the last two-thread decode on this thread met its second half.
        pub(super) static MET_AT: std::cell::Cell<Option<usize>> =
            const { std::cell::Cell::new(None) };
    }

    /// Every scan, however short, split between two threads.
    const ALWAYS_SPLIT: Mode = Mode::Parallel {
        min_scan: 1,
        thread: true,
    };

    /// A photo-like image with sensor grain, so its scan is as dense as a phone's.
    fn grainy(w: u32, h: u32) -> RgbImage {
        let mut x = 0x9E37_79B9_7F4A_7C15u64;
        let mut img = photo(w, h);
        for p in img.pixels_mut() {
            for c in p.0.iter_mut() {
                x ^= x << 13;
                x ^= x >> 7;
                x ^= x << 17;
                *c = c.saturating_add((x % 24) as u8);
            }
        }
        img
    }

    fn photo(w: u32, h: u32) -> RgbImage {
        RgbImage::from_fn(w, h, |x, y| {
            let v = ((x as f32 / 17.0).sin() * 80.0 + (y as f32 / 29.0).cos() * 60.0 + 128.0)
                .clamp(0.0, 255.0) as u8;
            image::Rgb([v, 255 - v, (x + y) as u8])
        })
    }

    fn encode(img: &RgbImage) -> Vec<u8> {
        let mut out = Vec::new();
        img.write_to(&mut Cursor::new(&mut out), image::ImageFormat::Jpeg)
            .expect("encode");
        out
    }

    /// The general decoder at 1/8 scale, for comparison.
    fn reference_eighth(bytes: &[u8]) -> RgbImage {
        let mut d = jpeg_decoder::Decoder::new(Cursor::new(bytes));
        d.read_info().expect("info");
        let (w, h) = d.scale(1, 1).expect("scale");
        let px = d.decode().expect("decode");
        RgbImage::from_raw(u32::from(w), u32::from(h), px).expect("rgb")
    }

    #[test]
    fn matches_the_general_decoder_at_one_eighth() {
        for (w, h) in [(403, 301), (64, 64), (17, 9)] {
            let bytes = encode(&photo(w, h));
            let fast = decode_eighth(&bytes, u64::MAX).expect("baseline JPEG is handled");
            let reference = reference_eighth(&bytes);
            assert_eq!(fast.dimensions(), reference.dimensions());
            let worst = fast
                .pixels()
                .zip(reference.pixels())
                .flat_map(|(a, b)| a.0.iter().zip(b.0).map(|(x, y)| x.abs_diff(y)))
                .max()
                .unwrap_or(0);
            assert!(worst <= 3, "{w}x{h}: differs by up to {worst}");
        }
    }

    /// Everything [`FlatBits`] reads from byte `start` of `data`, up to `n` bytes, with how
    /// far it counts itself past the end afterwards.
    fn read_flat(data: &[u8], start: usize, n: usize) -> (Vec<u8>, u32) {
        let mut bits = FlatBits::at(data, start, 0);
        let mut out = Vec::new();
        for _ in 0..n {
            bits.refill();
            out.push(bits.peek(8) as u8);
            bits.consume(8);
        }
        (out, bits.overrun())
    }

    #[test]
    fn the_flat_reader_unstuffs_and_stops_where_the_stuffed_one_does() {
        // Byte 0 is before the scan; after the stream, zeros, counted as overrun.
        let cases: [(&[u8], &[u8]); 5] = [
            (b"\xAA\x12\xFF\x00\x34\xFF\xD9", b"\x12\xFF\x34"),
            (b"\xAA\xFF\x00\xFF\x00\xFF\xFF\xD9", b"\xFF\xFF"), // fill ends it
            (b"\xAA\x12\xFF\xD0\x34", b"\x12"),                 // so does a marker
            (b"\xAA\x12\x34", b"\x12\x34"),                     // and the file's end
            (b"\xAA\x12\xFF", b"\x12"),                         // a last, lone 0xFF
        ];
        for (data, stream) in cases {
            let (got, overrun) = read_flat(data, 1, stream.len() + 3);
            assert_eq!(&got[..stream.len()], stream, "{data:02X?}");
            assert_eq!(&got[stream.len()..], [0, 0, 0], "{data:02X?}");
            assert_eq!(overrun, 24, "{data:02X?}");
            // The stuffed reader reads the same.
            let mut stuffed = StuffedBits::at(data, 1, 0);
            for &b in stream.iter().chain(&[0, 0, 0]) {
                stuffed.refill();
                assert_eq!(stuffed.peek(8) as u8, b);
                stuffed.consume(8);
            }
            assert_eq!(stuffed.overrun(), 24);
        }
        // Across many windows: a long stream with stuffing at every distance from a chunk's
        // end, read whole and from a start in the middle.
        let mut data = vec![0xAA];
        let mut stream = Vec::new();
        for i in 0..3 * FLAT_CHUNK {
            let b = (i * 7 % 251) as u8 | if i % 5 == 0 { 0xFF } else { 0 };
            data.push(b);
            if b == 0xFF {
                data.push(0x00);
            }
            stream.push(b);
        }
        data.extend_from_slice(b"\xFF\xD9");
        let (got, overrun) = read_flat(&data, 1, stream.len() + 1);
        assert_eq!(&got[..stream.len()], &stream[..]);
        assert_eq!((got[stream.len()], overrun), (0, 8));
        assert_eq!(read_flat(&data, 1, 100).1, 0, "no overrun before the end");
    }

    /// The two-thread decode is the one-thread decode, bit for bit, and on a real-shaped
    /// photo its halves meet soon after the middle (else it would save nothing).
    #[test]
    fn two_halves_decode_exactly_what_one_thread_decodes() {
        for (w, h, q) in [
            (1024, 768, 92),
            (640, 480, 75),
            (333, 257, 50),
            (64, 48, 90),
        ] {
            let mut bytes = Vec::new();
            image::codecs::jpeg::JpegEncoder::new_with_quality(&mut bytes, q)
                .encode_image(&grainy(w, h))
                .expect("encode");
            let one = decode_planes(&bytes, u64::MAX, Mode::Serial)
                .and_then(|p| p.to_rgb())
                .expect("one thread");
            MET_AT.with(|m| m.set(None));
            let two = decode_planes(&bytes, u64::MAX, ALWAYS_SPLIT)
                .and_then(|p| p.to_rgb())
                .expect("two threads");
            assert_eq!(one, two, "{w}x{h} q{q}");
            let stuffed = decode_planes(&bytes, u64::MAX, Mode::Stuffed).and_then(|p| p.to_rgb());
            assert_eq!(stuffed.as_ref(), Some(&one), "{w}x{h} q{q}: stuffed reader");
            let met = MET_AT.with(|m| m.get());
            if w >= 640 {
                // The split is at half the scan's bytes.
                let sof = bytes
                    .windows(2)
                    .position(|m| m == [0xFF, 0xC0])
                    .expect("SOF0");
                let mut p = Parser {
                    data: &bytes,
                    pos: sof + 2,
                };
                let frame = Frame::parse(p.segment().expect("SOF0 segment")).expect("frame");
                let total = frame.mcus_x * frame.mcus_y;
                let met = met.unwrap_or_else(|| panic!("{w}x{h}: the halves never met"));
                assert!(
                    met > total / 4 && met < total * 3 / 4,
                    "{w}x{h}: met at MCU {met} of {total}"
                );
            }
        }
    }

    /// Fill bytes (0xFF) before the marker that ends the scan end the stream for the reader,
    /// short of where the marker search puts the scan's end: the halves must still meet.
    /// (They did not before `ad2568c` when the scan was shorter than the split plus a window.)
    #[test]
    fn halves_meet_when_fill_bytes_end_the_scan() {
        let mut bytes = Vec::new();
        image::codecs::jpeg::JpegEncoder::new_with_quality(&mut bytes, 92)
            .encode_image(&grainy(256, 192))
            .expect("encode");
        assert!(bytes.len() < 2 * FLAT_CHUNK, "{} bytes", bytes.len());
        assert_eq!(bytes[bytes.len() - 2..], [0xFF, 0xD9]);
        bytes.truncate(bytes.len() - 2);
        bytes.extend_from_slice(&[0xFF; 40]);
        bytes.extend_from_slice(&[0xFF, 0xD9]);
        let one = decode_planes(&bytes, u64::MAX, Mode::Serial).map(|p| p.planes);
        assert!(one.is_some(), "fill bytes before EOI are valid");
        MET_AT.with(|m| m.set(None));
        let two = decode_planes(&bytes, u64::MAX, ALWAYS_SPLIT).map(|p| p.planes);
        assert_eq!(one, two);
        assert!(MET_AT.with(|m| m.get()).is_some(), "the halves never met");
        let stuffed = decode_planes(&bytes, u64::MAX, Mode::Stuffed).map(|p| p.planes);
        assert_eq!(one, stuffed);
    }

    #[test]
    fn declines_what_it_does_not_handle_and_never_panics_on_damage() {
        let bytes = encode(&photo(120, 80));
        for cut in [0, 2, 20, bytes.len() / 3, bytes.len() - 3] {
            assert!(
                decode_eighth(&bytes[..cut], u64::MAX).is_none(),
                "cut at {cut}"
            );
        }
        let mut damaged = bytes.clone();
        for i in (200..damaged.len() - 2).step_by(37) {
            damaged[i] ^= 0x5A;
        }
        let _ = decode_eighth(&damaged, 64_000_000); // any answer but a panic
        assert!(decode_eighth(b"\xFF\xD8\xFF\xD9", u64::MAX).is_none());
    }

    /// Every real camera JPEG in the corpus that the fast path accepts must decode as the
    /// general decoder does (restart intervals, 4:2:2 and 4:4:4 sampling, odd sizes, grey).
    #[test]
    fn agrees_with_the_general_decoder_on_camera_files() {
        let corpus = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../shared/corpus");
        if !corpus.is_dir() {
            assert!(
                std::env::var("CI").map(|v| v != "true").unwrap_or(true),
                "corpus missing"
            );
            eprintln!("SKIPPED: ../shared/corpus not found");
            return;
        }
        let mut stack = vec![
            corpus.join("jpeg"),
            corpus.join("pdq"),
            corpus.join("faces"),
        ];
        let (mut accepted, mut declined) = (0, 0);
        while let Some(dir) = stack.pop() {
            for entry in std::fs::read_dir(&dir).expect("corpus dir").flatten() {
                let path = entry.path();
                if path.is_dir() {
                    stack.push(path);
                    continue;
                }
                let bytes = std::fs::read(&path).expect("corpus file");
                if !bytes.starts_with(&[0xFF, 0xD8, 0xFF]) {
                    continue;
                }
                let Some(fast) =
                    decode_planes(&bytes, u64::MAX, Mode::Serial).and_then(|p| p.to_rgb())
                else {
                    declined += 1;
                    continue;
                };
                assert_eq!(
                    decode_planes(&bytes, u64::MAX, ALWAYS_SPLIT)
                        .and_then(|p| p.to_rgb())
                        .as_ref(),
                    Some(&fast),
                    "{}: two threads differ from one",
                    path.display()
                );
                assert_eq!(
                    decode_planes(&bytes, u64::MAX, Mode::Stuffed)
                        .and_then(|p| p.to_rgb())
                        .as_ref(),
                    Some(&fast),
                    "{}: the unstuffed scan decodes otherwise than the stuffed one",
                    path.display()
                );
                let mut d = jpeg_decoder::Decoder::new(Cursor::new(&bytes));
                let Ok(()) = d.read_info() else { continue };
                let _ = d.scale(1, 1);
                let (Ok(px), Some(info)) = (d.decode(), d.info()) else {
                    continue;
                };
                if info.pixel_format != jpeg_decoder::PixelFormat::RGB24 {
                    continue;
                }
                let reference =
                    RgbImage::from_raw(u32::from(info.width), u32::from(info.height), px)
                        .expect("rgb");
                assert_eq!(
                    fast.dimensions(),
                    reference.dimensions(),
                    "{}",
                    path.display()
                );
                // Chroma is upsampled differently (nearest here, smooth there), which shows at
                // colour edges (a FLIR thermal image differs most); luminance — what PDQ and face
                // detection use — must agree closely. The 1/2-level luma offset is rounding: this
                // path rounds the block average as libjpeg does, jpeg-decoder truncates.
                let luma = |p: &image::Rgb<u8>| {
                    0.299 * f64::from(p[0]) + 0.587 * f64::from(p[1]) + 0.114 * f64::from(p[2])
                };
                let n = f64::from(fast.width() * fast.height());
                let (mut luma_diff, mut rgb_diff) = (0f64, 0f64);
                for (a, b) in fast.pixels().zip(reference.pixels()) {
                    luma_diff += (luma(a) - luma(b)).abs();
                    rgb_diff +=
                        a.0.iter()
                            .zip(b.0)
                            .map(|(x, y)| f64::from(x.abs_diff(y)))
                            .sum::<f64>();
                }
                let (luma_mean, rgb_mean) = (luma_diff / n, rgb_diff / (3.0 * n));
                assert!(
                    luma_mean < 1.0,
                    "{}: luma differs by {luma_mean:.2}",
                    path.display()
                );
                assert!(
                    rgb_mean < 8.0,
                    "{}: colour differs by {rgb_mean:.2}",
                    path.display()
                );
                accepted += 1;
            }
        }
        eprintln!("fast path: {accepted} files agree, {declined} declined");
        assert!(accepted >= 20, "only {accepted} files took the fast path");
    }

    /// Mutation smoke test: thousands of damaged variants of a real-shaped JPEG (with restart
    /// markers from a corpus file when present) must give an answer, never a panic or a hang.
    #[test]
    fn damaged_variants_never_panic() {
        let corpus = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../shared/corpus");
        let mut inputs = vec![encode(&photo(96, 64))];
        if let Ok(bytes) = std::fs::read(corpus.join("pdq/misc/wee.jpg")) {
            inputs.push(bytes);
        }
        if let Ok(rd) = std::fs::read_dir(corpus.join("malformed")) {
            for dir in rd.flatten() {
                for f in std::fs::read_dir(dir.path())
                    .into_iter()
                    .flatten()
                    .flatten()
                {
                    if let Ok(b) = std::fs::read(f.path()) {
                        let _ = decode_eighth(&b, 64_000_000);
                    }
                }
            }
        }
        let mut x = 0x2545_F491_4F6C_DD1Du64;
        let mut next = move || {
            x ^= x << 13;
            x ^= x >> 7;
            x ^= x << 17;
            x
        };
        for input in &inputs {
            for _ in 0..1500 {
                let mut m = input.clone();
                for _ in 0..1 + next() % 4 {
                    let i = (next() as usize) % m.len();
                    m[i] = next() as u8;
                }
                if next() % 4 == 0 {
                    m.truncate((next() as usize) % m.len());
                }
                let one = decode_planes(&m, 64_000_000, Mode::Serial).and_then(|p| p.to_rgb());
                if let Some(img) = &one {
                    assert!(img.width() > 0 && img.height() > 0);
                }
                // Splitting the scan never changes the answer, on damaged data too.
                assert_eq!(
                    decode_planes(&m, 64_000_000, ALWAYS_SPLIT).and_then(|p| p.to_rgb()),
                    one
                );
                split_agrees(&m, 64_000_000); // the fuzz target's form: both halves here
            }
        }
    }
}
