//! Why this exists: phones write baseline JPEG, and re-compressing a whole photo to hide two faces
//! would soften everything else. Here the scan is Huffman-decoded block by block, every block of
//! a redacted MCU is replaced by synthetic coefficients (a flat colour: DC only, AC zero; or a
//! sticker drawn from nothing but its own shape), and the block is re-encoded with the file's own
//! Huffman tables. Every other block keeps its coefficients bit for bit, so it decodes to the same
//! pixels, and memory stays at one block: the scan is streamed from input to output.
//!
//! Files this cannot edit (progressive, arithmetic, 12-bit, lossless, tables lacking a code the
//! new blocks need) return [`DctOutcome::NotApplicable`] and the caller decodes and re-encodes.

use crate::formats::exif_orientation::{read_orientation, strip_exif_header};
use crate::{Error, Format, Limits, Part, Result};

/// Natural (row-major) index of the coefficient at each zig-zag position.
const ZIGZAG: [usize; 64] = [
    0, 1, 8, 16, 9, 2, 3, 10, 17, 24, 32, 25, 18, 11, 4, 5, 12, 19, 26, 33, 40, 48, 41, 34, 27, 20,
    13, 6, 7, 14, 21, 28, 35, 42, 49, 56, 57, 50, 43, 36, 29, 22, 15, 23, 30, 37, 44, 51, 58, 59,
    52, 45, 38, 31, 39, 46, 53, 60, 61, 54, 47, 55, 62, 63,
];

/// Bits looked up at once when decoding a Huffman symbol (longer codes take the slow path).
const LOOKAHEAD: u32 = 9;

fn bad(offset: usize, marker: u8, reason: &'static str) -> Error {
    Error::malformed(
        Format::Jpeg,
        Part::JpegMarker(marker),
        offset as u64,
        reason,
    )
}

/// One frame component as SOF declares it.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Component {
    id: u8,
    h: u8,
    v: u8,
    tq: u8,
}

/// The frame header of a baseline / extended-sequential Huffman JPEG.
#[derive(Debug, Clone)]
pub(crate) struct Frame {
    /// Stored width in pixels.
    pub(crate) width: u32,
    /// Stored height in pixels.
    pub(crate) height: u32,
    comps: Vec<Component>,
    hmax: u8,
    vmax: u8,
}

impl Frame {
    /// MCU width and height in pixels.
    pub(crate) fn mcu_size(&self) -> (u32, u32) {
        (u32::from(self.hmax) * 8, u32::from(self.vmax) * 8)
    }
    /// MCUs across and down (of an interleaved scan).
    pub(crate) fn mcu_grid(&self) -> (u32, u32) {
        let (mw, mh) = self.mcu_size();
        (self.width.div_ceil(mw), self.height.div_ceil(mh))
    }
    /// Blocks across and down of component `c` in a non-interleaved scan.
    fn comp_blocks(&self, c: &Component) -> (u32, u32) {
        let cw = (self.width * u32::from(c.h)).div_ceil(u32::from(self.hmax));
        let ch = (self.height * u32::from(c.v)).div_ceil(u32::from(self.vmax));
        (cw.div_ceil(8), ch.div_ceil(8))
    }
}

/// A Huffman table usable both ways.
#[derive(Clone)]
struct Huffman {
    /// For each `LOOKAHEAD`-bit prefix: (code length, symbol); length 0 = slow path.
    fast: Vec<(u8, u8)>,
    maxcode: [i32; 17],
    valptr: [i32; 17],
    mincode: [i32; 17],
    values: Vec<u8>,
    /// Encoder side: code and length per symbol (length 0 = the table has no code for it).
    code: [u16; 256],
    size: [u8; 256],
}

impl Huffman {
    fn build(counts: &[u8; 16], values: &[u8], offset: usize) -> Result<Self> {
        let mut h = Huffman {
            fast: vec![(0, 0); 1 << LOOKAHEAD],
            maxcode: [-1; 17],
            valptr: [0; 17],
            mincode: [0; 17],
            values: values.to_vec(),
            code: [0; 256],
            size: [0; 256],
        };
        let mut code: u32 = 0;
        let mut k = 0usize;
        for len in 1..=16u32 {
            let n = usize::from(counts[len as usize - 1]);
            h.valptr[len as usize] = k as i32;
            h.mincode[len as usize] = code as i32;
            for _ in 0..n {
                let sym = values[k];
                if code >= (1 << len) {
                    return Err(bad(offset, 0xC4, "Huffman code lengths overflow"));
                }
                h.code[usize::from(sym)] = code as u16;
                h.size[usize::from(sym)] = len as u8;
                if len <= LOOKAHEAD {
                    let shift = LOOKAHEAD - len;
                    let start = (code << shift) as usize;
                    for e in &mut h.fast[start..start + (1 << shift)] {
                        *e = (len as u8, sym);
                    }
                }
                code += 1;
                k += 1;
            }
            h.maxcode[len as usize] = if n > 0 { code as i32 - 1 } else { -1 };
            code <<= 1;
        }
        Ok(h)
    }
}

/// Reads entropy-coded bits, removing stuffed zero bytes and stopping at markers.
struct BitReader<'a> {
    data: &'a [u8],
    pos: usize,
    acc: u64,
    nbits: u32,
    /// Zero bits fed after a marker or the end of the data (consuming any of them is an error).
    fake: u32,
}

impl<'a> BitReader<'a> {
    fn new(data: &'a [u8], pos: usize) -> Self {
        BitReader {
            data,
            pos,
            acc: 0,
            nbits: 0,
            fake: 0,
        }
    }

    fn fill(&mut self) {
        while self.nbits <= 56 {
            let byte = if self.fake > 0 {
                None
            } else {
                match self.data.get(self.pos) {
                    Some(0xFF) => match self.data.get(self.pos + 1) {
                        Some(0x00) => {
                            self.pos += 2;
                            Some(0xFF)
                        }
                        _ => None,
                    },
                    Some(&b) => {
                        self.pos += 1;
                        Some(b)
                    }
                    None => None,
                }
            };
            match byte {
                Some(b) => self.acc = (self.acc << 8) | u64::from(b),
                None => {
                    self.acc <<= 8;
                    self.fake += 8;
                }
            }
            self.nbits += 8;
        }
    }

    fn consume(&mut self, n: u32) -> Result<()> {
        self.nbits -= n;
        if self.nbits < self.fake {
            return Err(bad(self.pos, 0xDA, "entropy-coded data ends early"));
        }
        Ok(())
    }

    fn bits(&mut self, n: u32) -> Result<u32> {
        if n == 0 {
            return Ok(0);
        }
        self.fill();
        let v = ((self.acc >> (self.nbits - n)) & ((1u64 << n) - 1)) as u32;
        self.consume(n)?;
        Ok(v)
    }

    fn symbol(&mut self, h: &Huffman) -> Result<u8> {
        self.fill();
        let peek = ((self.acc >> (self.nbits - LOOKAHEAD)) & ((1 << LOOKAHEAD) - 1)) as usize;
        let (len, sym) = h.fast[peek];
        if len > 0 {
            self.consume(u32::from(len))?;
            return Ok(sym);
        }
        for len in 1..=16u32 {
            let code = ((self.acc >> (self.nbits - len)) & ((1u64 << len) - 1)) as i32;
            if code <= h.maxcode[len as usize] {
                let idx = h.valptr[len as usize] + code - h.mincode[len as usize];
                let sym = *h
                    .values
                    .get(idx as usize)
                    .ok_or_else(|| bad(self.pos, 0xDA, "bad Huffman code"))?;
                self.consume(len)?;
                return Ok(sym);
            }
        }
        Err(bad(self.pos, 0xDA, "bad Huffman code"))
    }

    /// Drops the padding bits and steps over the restart marker `RST(n)` that must follow.
    fn restart(&mut self, n: u8) -> Result<()> {
        self.acc = 0;
        self.nbits = 0;
        self.fake = 0;
        while self.data.get(self.pos) == Some(&0xFF) && self.data.get(self.pos + 1) == Some(&0xFF) {
            self.pos += 1;
        }
        if self.data.get(self.pos) != Some(&0xFF)
            || self.data.get(self.pos + 1) != Some(&(0xD0 + n))
        {
            return Err(bad(self.pos, 0xD0 + n, "restart marker missing"));
        }
        self.pos += 2;
        Ok(())
    }

    /// The offset of the marker that ends the scan.
    fn end(&self) -> Result<usize> {
        let mut p = self.pos;
        loop {
            match (self.data.get(p), self.data.get(p + 1)) {
                (Some(0xFF), Some(0x00)) => p += 2,
                (Some(0xFF), Some(0xD0..=0xD7)) => p += 2,
                (Some(0xFF), Some(0xFF)) => p += 1,
                (Some(0xFF), Some(_)) => return Ok(p),
                (Some(_), _) => p += 1,
                (None, _) => return Err(bad(p, 0xDA, "scan not terminated by a marker")),
            }
        }
    }
}

/// Writes entropy-coded bits with zero-byte stuffing.
struct BitWriter<'o> {
    out: &'o mut Vec<u8>,
    acc: u64,
    n: u32,
}

impl BitWriter<'_> {
    fn put(&mut self, bits: u32, len: u32) {
        if len == 0 {
            return;
        }
        self.acc = (self.acc << len) | u64::from(bits & ((1u32 << len) - 1));
        self.n += len;
        while self.n >= 8 {
            let b = (self.acc >> (self.n - 8)) as u8;
            self.out.push(b);
            if b == 0xFF {
                self.out.push(0);
            }
            self.n -= 8;
        }
        self.acc &= (1u64 << self.n) - 1;
    }
    fn pad(&mut self) {
        if self.n > 0 {
            let fill = 8 - self.n;
            self.put((1 << fill) - 1, fill);
        }
    }
}

/// A symbol the file's Huffman table has no code for: the block cannot be written with it.
struct MissingCode;

fn put_symbol(w: &mut BitWriter<'_>, h: &Huffman, sym: u8) -> std::result::Result<(), MissingCode> {
    let len = h.size[usize::from(sym)];
    if len == 0 {
        return Err(MissingCode);
    }
    w.put(u32::from(h.code[usize::from(sym)]), u32::from(len));
    Ok(())
}

fn category(v: i32) -> (u32, u32) {
    let mag = v.unsigned_abs();
    let s = 32 - mag.leading_zeros();
    let bits = if v < 0 { (v - 1) as u32 } else { v as u32 };
    (s, bits & ((1u32 << s) - 1))
}

fn extend(v: u32, s: u32) -> i32 {
    if s == 0 {
        0
    } else if v < (1 << (s - 1)) {
        v as i32 - (1 << s) + 1
    } else {
        v as i32
    }
}

fn decode_block(
    r: &mut BitReader<'_>,
    dc: &Huffman,
    ac: &Huffman,
    pred: &mut i32,
    out: &mut [i32; 64],
) -> Result<()> {
    let s = u32::from(r.symbol(dc)?);
    if s > 15 {
        return Err(bad(r.pos, 0xDA, "bad DC category"));
    }
    let diff = extend(r.bits(s)?, s);
    *pred = pred
        .checked_add(diff)
        .ok_or_else(|| bad(r.pos, 0xDA, "DC out of range"))?;
    *out = [0; 64];
    out[0] = *pred;
    let mut k = 1usize;
    while k < 64 {
        let rs = r.symbol(ac)?;
        let run = usize::from(rs >> 4);
        let s = u32::from(rs & 15);
        if s == 0 {
            if run == 15 {
                k += 16;
                continue;
            }
            break;
        }
        k += run;
        if k > 63 {
            return Err(bad(r.pos, 0xDA, "AC run past the block"));
        }
        out[k] = extend(r.bits(s)?, s);
        k += 1;
    }
    Ok(())
}

fn encode_block(
    w: &mut BitWriter<'_>,
    dc: &Huffman,
    ac: &Huffman,
    pred: &mut i32,
    coef: &[i32; 64],
) -> std::result::Result<(), MissingCode> {
    let (s, bits) = category(coef[0] - *pred);
    *pred = coef[0];
    put_symbol(w, dc, s as u8)?;
    w.put(bits, s);
    let mut run = 0u32;
    for &c in &coef[1..] {
        if c == 0 {
            run += 1;
            continue;
        }
        while run > 15 {
            put_symbol(w, ac, 0xF0)?;
            run -= 16;
        }
        let (s, bits) = category(c);
        put_symbol(w, ac, ((run << 4) | s) as u8)?;
        w.put(bits, s);
        run = 0;
    }
    if run > 0 {
        put_symbol(w, ac, 0x00)?;
    }
    Ok(())
}

/// Which colour model the components carry, so a fill colour can be expressed in them.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum ColourModel {
    Gray,
    YCbCr,
    Rgb,
    /// CMYK / YCCK (Adobe): filled with mid-level samples.
    Other,
}

/// Everything a caller needs to know to place regions before editing.
#[derive(Debug, Clone)]
pub(crate) struct JpegInfo {
    /// The frame (stored dimensions, sampling).
    pub(crate) frame: Frame,
    /// EXIF orientation (1 when absent).
    pub(crate) orientation: u16,
    /// True when the DCT-domain path applies (baseline or extended sequential, Huffman, 8-bit).
    pub(crate) sequential_huffman: bool,
}

fn segment_len(data: &[u8], pos: usize, marker: u8) -> Result<usize> {
    let b = data
        .get(pos + 2..pos + 4)
        .ok_or_else(|| bad(pos, marker, "truncated segment"))?;
    let len = usize::from(u16::from_be_bytes([b[0], b[1]]));
    if len < 2 || pos + 2 + len > data.len() {
        return Err(bad(pos, marker, "segment length past the end"));
    }
    Ok(len)
}

fn parse_sof(data: &[u8], pos: usize, marker: u8, limits: &Limits) -> Result<Frame> {
    let len = segment_len(data, pos, marker)?;
    let s = &data[pos + 4..pos + 2 + len];
    if s.len() < 6 {
        return Err(bad(pos, marker, "short frame header"));
    }
    if s[0] != 8 {
        return Err(bad(pos, marker, "sample precision is not 8 bits"));
    }
    let height = u32::from(u16::from_be_bytes([s[1], s[2]]));
    let width = u32::from(u16::from_be_bytes([s[3], s[4]]));
    let nf = usize::from(s[5]);
    if width == 0 || height == 0 {
        return Err(bad(pos, marker, "zero dimension (DNL is not supported)"));
    }
    if width > limits.max_dimension
        || height > limits.max_dimension
        || u64::from(width) * u64::from(height) > limits.max_decoded_pixels
    {
        return Err(Error::limit(
            Format::Jpeg,
            "max_decoded_pixels",
            Part::JpegMarker(marker),
            pos as u64,
        ));
    }
    if nf == 0 || nf > 4 || s.len() < 6 + 3 * nf {
        return Err(bad(pos, marker, "bad component count"));
    }
    let mut comps = Vec::with_capacity(nf);
    for i in 0..nf {
        let c = &s[6 + 3 * i..9 + 3 * i];
        let (h, v) = (c[1] >> 4, c[1] & 15);
        if !(1..=4).contains(&h) || !(1..=4).contains(&v) || c[2] > 3 {
            return Err(bad(pos, marker, "bad component sampling or table"));
        }
        comps.push(Component {
            id: c[0],
            h,
            v,
            tq: c[2],
        });
    }
    let hmax = comps.iter().map(|c| c.h).max().unwrap_or(1);
    let vmax = comps.iter().map(|c| c.v).max().unwrap_or(1);
    Ok(Frame {
        width,
        height,
        comps,
        hmax,
        vmax,
    })
}

/// Reads the frame and orientation without editing anything.
pub(crate) fn inspect(data: &[u8], limits: &Limits) -> Result<JpegInfo> {
    if data.get(..2) != Some(&[0xFF, 0xD8]) {
        return Err(bad(0, 0xD8, "missing SOI"));
    }
    let mut pos = 2;
    let mut orientation = None;
    let mut parts = 0u32;
    loop {
        parts += 1;
        if parts > limits.max_parts {
            return Err(Error::limit(
                Format::Jpeg,
                "max_parts",
                Part::Header,
                pos as u64,
            ));
        }
        while data.get(pos) == Some(&0xFF) && data.get(pos + 1) == Some(&0xFF) {
            pos += 1;
        }
        if data.get(pos) != Some(&0xFF) {
            return Err(bad(pos, 0, "expected a marker"));
        }
        let m = *data
            .get(pos + 1)
            .ok_or_else(|| bad(pos, 0, "truncated marker"))?;
        match m {
            0xC0 | 0xC1 | 0xC2 | 0xC3 | 0xC5..=0xC7 | 0xC9..=0xCB | 0xCD..=0xCF => {
                let mut sequential_huffman = matches!(m, 0xC0 | 0xC1);
                let frame = match parse_sof(data, pos, m, limits) {
                    Ok(f) => f,
                    // 12-bit or lossless frames: left to the decoder (which will refuse or
                    // decode them); only the DCT-domain path is ruled out here.
                    Err(Error::Malformed {
                        reason: "sample precision is not 8 bits",
                        ..
                    }) => {
                        sequential_huffman = false;
                        Frame {
                            width: 0,
                            height: 0,
                            comps: Vec::new(),
                            hmax: 1,
                            vmax: 1,
                        }
                    }
                    Err(e) => return Err(e),
                };
                return Ok(JpegInfo {
                    frame,
                    orientation: orientation.unwrap_or(1),
                    sequential_huffman,
                });
            }
            0xD8..=0xDA => return Err(bad(pos, m, "no frame header before the scan")),
            0x01 | 0xD0..=0xD7 => pos += 2,
            _ => {
                let len = segment_len(data, pos, m)?;
                let payload = &data[pos + 4..pos + 2 + len];
                if m == 0xE1 && orientation.is_none() && payload.starts_with(b"Exif\0") {
                    orientation = read_orientation(strip_exif_header(payload));
                }
                pos += 2 + len;
            }
        }
    }
}

/// The outcome of an attempted DCT-domain edit.
pub(crate) enum DctOutcome {
    /// The edited file, and how many blocks were replaced.
    Edited { bytes: Vec<u8>, blocks: u64 },
    /// This file needs the decode/re-encode path (reason for the log).
    NotApplicable(&'static str),
}

/// Scan-level state shared by the editor and the checker.
struct Tables {
    dc: [Option<Huffman>; 4],
    ac: [Option<Huffman>; 4],
    quant: [Option<[u16; 64]>; 4],
    restart_interval: u32,
}

fn parse_dht(data: &[u8], pos: usize, len: usize, t: &mut Tables) -> Result<()> {
    let mut p = pos + 4;
    let end = pos + 2 + len;
    while p < end {
        let tc_th = data[p];
        let counts: [u8; 16] = data
            .get(p + 1..p + 17)
            .and_then(|c| c.try_into().ok())
            .ok_or_else(|| bad(p, 0xC4, "truncated table"))?;
        let n: usize = counts.iter().map(|&c| usize::from(c)).sum();
        if n > 256 || p + 17 + n > end {
            return Err(bad(p, 0xC4, "truncated table"));
        }
        let h = Huffman::build(&counts, &data[p + 17..p + 17 + n], p)?;
        let id = usize::from(tc_th & 15);
        if id > 3 {
            return Err(bad(p, 0xC4, "bad table id"));
        }
        match tc_th >> 4 {
            0 => t.dc[id] = Some(h),
            1 => t.ac[id] = Some(h),
            _ => return Err(bad(p, 0xC4, "bad table class")),
        }
        p += 17 + n;
    }
    Ok(())
}

fn parse_dqt(data: &[u8], pos: usize, len: usize, t: &mut Tables) -> Result<()> {
    let mut p = pos + 4;
    let end = pos + 2 + len;
    while p < end {
        let pq = data[p] >> 4;
        let id = usize::from(data[p] & 15);
        if id > 3 || pq > 1 {
            return Err(bad(p, 0xDB, "bad quantisation table"));
        }
        let size = if pq == 0 { 64 } else { 128 };
        let body = data
            .get(p + 1..p + 1 + size)
            .filter(|_| p + 1 + size <= end)
            .ok_or_else(|| bad(p, 0xDB, "truncated quantisation table"))?;
        let mut q = [0u16; 64];
        for (k, v) in q.iter_mut().enumerate() {
            *v = if pq == 0 {
                u16::from(body[k])
            } else {
                u16::from_be_bytes([body[2 * k], body[2 * k + 1]])
            };
            if *v == 0 {
                return Err(bad(p, 0xDB, "zero quantiser"));
            }
        }
        t.quant[id] = Some(q);
        p += 1 + size;
    }
    Ok(())
}

/// Called for every block of a scan: its component index, block coordinates, and coefficients.
/// Returns true when the block was replaced.
type BlockVisit<'v> = dyn FnMut(usize, u32, u32, &[u16; 64], &mut [i32; 64]) -> Result<bool> + 'v;

/// Walks a sequential Huffman JPEG, calling `visit` on each block; when `out` is given, writes
/// the file with the (possibly modified) blocks re-encoded with the file's own tables.
fn walk(
    data: &[u8],
    limits: &Limits,
    mut out: Option<&mut Vec<u8>>,
    visit: &mut BlockVisit<'_>,
) -> Result<std::result::Result<u64, &'static str>> {
    if data.get(..2) != Some(&[0xFF, 0xD8]) {
        return Err(bad(0, 0xD8, "missing SOI"));
    }
    if let Some(o) = out.as_deref_mut() {
        o.extend_from_slice(&data[..2]);
    }
    let mut t = Tables {
        dc: Default::default(),
        ac: Default::default(),
        quant: [None; 4],
        restart_interval: 0,
    };
    let mut frame: Option<Frame> = None;
    let mut pos = 2;
    let mut replaced = 0u64;
    let mut parts = 0u32;
    let mut scans = 0u32;
    let mut coef = [0i32; 64];
    loop {
        parts += 1;
        if parts > limits.max_parts {
            return Err(Error::limit(
                Format::Jpeg,
                "max_parts",
                Part::Header,
                pos as u64,
            ));
        }
        let seg_start = pos;
        while data.get(pos) == Some(&0xFF) && data.get(pos + 1) == Some(&0xFF) {
            pos += 1;
        }
        if data.get(pos) != Some(&0xFF) {
            return Err(bad(pos, 0, "expected a marker"));
        }
        let m = *data
            .get(pos + 1)
            .ok_or_else(|| bad(pos, 0, "truncated marker"))?;
        match m {
            0xD9 => {
                if let Some(o) = out.as_deref_mut() {
                    o.extend_from_slice(&data[seg_start..]);
                }
                return Ok(if scans == 0 {
                    Err("no scan")
                } else {
                    Ok(replaced)
                });
            }
            0xD8 => return Err(bad(pos, m, "second SOI")),
            0x01 | 0xD0..=0xD7 => {
                if let Some(o) = out.as_deref_mut() {
                    o.extend_from_slice(&data[seg_start..pos + 2]);
                }
                pos += 2;
                continue;
            }
            0xC2 | 0xC3 | 0xC5..=0xC7 | 0xC9..=0xCB | 0xCD..=0xCF => {
                return Ok(Err("not a sequential Huffman JPEG"));
            }
            _ => {}
        }
        let len = segment_len(data, pos, m)?;
        match m {
            0xC0 | 0xC1 => {
                if frame.is_some() {
                    return Err(bad(pos, m, "second frame header"));
                }
                match parse_sof(data, pos, m, limits) {
                    Ok(f) => frame = Some(f),
                    Err(Error::Malformed {
                        reason: "sample precision is not 8 bits",
                        ..
                    }) => return Ok(Err("12-bit samples")),
                    Err(e) => return Err(e),
                }
            }
            0xC4 => parse_dht(data, pos, len, &mut t)?,
            0xCC => return Ok(Err("arithmetic coding")),
            0xDB => parse_dqt(data, pos, len, &mut t)?,
            0xDD => {
                if len < 4 {
                    return Err(bad(pos, m, "short DRI"));
                }
                t.restart_interval = u32::from(u16::from_be_bytes([data[pos + 4], data[pos + 5]]));
            }
            _ => {}
        }
        if let Some(o) = out.as_deref_mut() {
            o.extend_from_slice(&data[seg_start..pos + 2 + len]);
        }
        if m != 0xDA {
            pos += 2 + len;
            continue;
        }
        // Start of scan.
        scans += 1;
        let f = frame
            .as_ref()
            .ok_or_else(|| bad(pos, m, "scan before the frame header"))?;
        let s = &data[pos + 4..pos + 2 + len];
        let ns = usize::from(*s.first().ok_or_else(|| bad(pos, m, "short SOS"))?);
        if ns == 0 || ns > 4 || s.len() < 1 + 2 * ns + 3 {
            return Err(bad(pos, m, "bad scan header"));
        }
        let (ss, se, ahal) = (s[1 + 2 * ns], s[2 + 2 * ns], s[3 + 2 * ns]);
        if ss != 0 || se != 63 || ahal != 0 {
            return Ok(Err("scan is not sequential"));
        }
        // (frame component index, dc table, ac table)
        let mut sc: Vec<(usize, usize, usize)> = Vec::with_capacity(ns);
        for i in 0..ns {
            let id = s[1 + 2 * i];
            let tables = s[2 + 2 * i];
            let ci = f
                .comps
                .iter()
                .position(|c| c.id == id)
                .ok_or_else(|| bad(pos, m, "scan names an unknown component"))?;
            let (td, ta) = (usize::from(tables >> 4), usize::from(tables & 15));
            if td > 3 || ta > 3 || t.dc[td].is_none() || t.ac[ta].is_none() {
                return Err(bad(pos, m, "scan uses an undefined Huffman table"));
            }
            if t.quant[usize::from(f.comps[ci].tq)].is_none() {
                return Err(bad(
                    pos,
                    m,
                    "component uses an undefined quantisation table",
                ));
            }
            sc.push((ci, td, ta));
        }
        let mut blocks_per_comp: u64 = 0;
        for &(ci, _, _) in &sc {
            let c = &f.comps[ci];
            blocks_per_comp += u64::from(c.h) * u64::from(c.v);
        }
        if ns > 1 && blocks_per_comp > 10 {
            return Err(bad(pos, m, "too many blocks per MCU"));
        }
        pos += 2 + len;
        let mut reader = BitReader::new(data, pos);
        let mut scan_out = out.as_deref_mut().map(|o| BitWriter {
            out: o,
            acc: 0,
            n: 0,
        });
        // Input and output DC predictors differ once a block is replaced: the next block must
        // encode its difference from what was written, not from what was read.
        let mut preds = [0i32; 4];
        let mut out_preds = [0i32; 4];
        // The MCU grid of this scan, and the blocks each MCU holds per component.
        let (mcus_x, mcus_y) = if ns == 1 {
            f.comp_blocks(&f.comps[sc[0].0])
        } else {
            f.mcu_grid()
        };
        let total = u64::from(mcus_x) * u64::from(mcus_y);
        let mut rst = 0u8;
        for mcu in 0..total {
            if t.restart_interval > 0 && mcu > 0 && mcu % u64::from(t.restart_interval) == 0 {
                reader.restart(rst)?;
                if let Some(w) = scan_out.as_mut() {
                    w.pad();
                    w.out.extend_from_slice(&[0xFF, 0xD0 + rst]);
                }
                rst = (rst + 1) & 7;
                preds = [0; 4];
                out_preds = [0; 4];
            }
            let (mx, my) = (
                (mcu % u64::from(mcus_x)) as u32,
                (mcu / u64::from(mcus_x)) as u32,
            );
            for (si, &(ci, td, ta)) in sc.iter().enumerate() {
                let c = f.comps[ci];
                let (hn, vn) = if ns == 1 {
                    (1, 1)
                } else {
                    (u32::from(c.h), u32::from(c.v))
                };
                let dc = t.dc[td]
                    .as_ref()
                    .expect("checked when the scan header was read");
                let ac = t.ac[ta]
                    .as_ref()
                    .expect("checked when the scan header was read");
                let q = t.quant[usize::from(c.tq)]
                    .as_ref()
                    .expect("checked when the scan header was read");
                for v in 0..vn {
                    for h in 0..hn {
                        let (bx, by) = (mx * hn + h, my * vn + v);
                        let mut pred_in = preds[si];
                        decode_block(&mut reader, dc, ac, &mut pred_in, &mut coef)?;
                        preds[si] = pred_in;
                        if visit(ci, bx, by, q, &mut coef)? {
                            replaced += 1;
                        }
                        if let Some(w) = scan_out.as_mut() {
                            if encode_block(w, dc, ac, &mut out_preds[si], &coef).is_err() {
                                return Ok(Err("Huffman table lacks a code the new blocks need"));
                            }
                        }
                    }
                }
            }
        }
        if let Some(w) = scan_out.as_mut() {
            w.pad();
        }
        // Whatever sat between the last decoded bit and the next marker (padding, stray RSTs)
        // is replaced by our own padding; nothing else may sit there in a valid file.
        pos = reader.end()?;
    }
}

/// The MCU-level mask of what to redact: `true` for every MCU whose pixels touch a region.
pub(crate) struct McuMask {
    mcus_x: u32,
    mcus_y: u32,
    mcu_w: u32,
    mcu_h: u32,
    bits: Vec<bool>,
}

impl McuMask {
    /// An all-false mask for `frame`.
    pub(crate) fn new(frame: &Frame) -> Self {
        let (mcus_x, mcus_y) = frame.mcu_grid();
        let (mcu_w, mcu_h) = frame.mcu_size();
        McuMask {
            mcus_x,
            mcus_y,
            mcu_w,
            mcu_h,
            bits: vec![false; (mcus_x as usize) * (mcus_y as usize)],
        }
    }
    /// Marks every MCU touching the stored-pixel rectangle [x0, x1) × [y0, y1).
    pub(crate) fn mark(&mut self, x0: u32, y0: u32, x1: u32, y1: u32) {
        if x1 <= x0 || y1 <= y0 || self.bits.is_empty() {
            return;
        }
        let (cx0, cx1) = (x0 / self.mcu_w, (x1 - 1) / self.mcu_w);
        let (cy0, cy1) = (y0 / self.mcu_h, (y1 - 1) / self.mcu_h);
        for my in cy0..=cy1.min(self.mcus_y.saturating_sub(1)) {
            for mx in cx0..=cx1.min(self.mcus_x.saturating_sub(1)) {
                self.bits[(my * self.mcus_x + mx) as usize] = true;
            }
        }
    }
    /// True when the MCU holding block (`bx`, `by`) of a component sampled (`h`, `v`) is marked.
    fn block_marked(&self, h: u32, v: u32, bx: u32, by: u32) -> bool {
        let (mx, my) = (bx / h, by / v);
        mx < self.mcus_x && my < self.mcus_y && self.bits[(my * self.mcus_x + mx) as usize]
    }
    /// True when the MCU containing stored pixel (`x`, `y`) is marked.
    #[cfg(test)]
    fn pixel_marked(&self, x: u32, y: u32) -> bool {
        let (mx, my) = (x / self.mcu_w, y / self.mcu_h);
        mx < self.mcus_x && my < self.mcus_y && self.bits[(my * self.mcus_x + mx) as usize]
    }
    /// MCU size in pixels.
    #[cfg(test)]
    fn mcu_size(&self) -> (u32, u32) {
        (self.mcu_w, self.mcu_h)
    }
}

/// Source of synthetic pixel colours for redacted blocks, in stored pixel coordinates (centre of
/// pixel `x`, `y`); returns RGB.
pub(crate) trait StoredPainter {
    /// The colour of the stored pixel at (`x`, `y`) inside a redacted MCU.
    fn rgb_at(&self, x: f32, y: f32) -> [u8; 3];
    /// True when every redacted pixel has the same colour (blocks can be DC-only).
    fn flat(&self) -> Option<[u8; 3]>;
}

fn colour_model(data: &[u8], nf: usize) -> ColourModel {
    if nf == 1 {
        return ColourModel::Gray;
    }
    if nf != 3 {
        return ColourModel::Other;
    }
    // Adobe APP14 transform 0 with three components means RGB samples.
    let mut pos = 2;
    while pos + 4 <= data.len() && data[pos] == 0xFF {
        let m = data[pos + 1];
        if m == 0xDA || m == 0xD9 {
            break;
        }
        let Ok(len) = segment_len(data, pos, m) else {
            break;
        };
        let p = &data[pos + 4..pos + 2 + len];
        if m == 0xEE && p.len() >= 12 && p.starts_with(b"Adobe") && p[11] == 0 {
            return ColourModel::Rgb;
        }
        pos += 2 + len;
    }
    ColourModel::YCbCr
}

fn sample_of(model: ColourModel, comp: usize, rgb: [u8; 3]) -> f32 {
    let [r, g, b] = rgb.map(f32::from);
    match (model, comp) {
        (ColourModel::Gray, _) | (ColourModel::YCbCr, 0) => 0.299 * r + 0.587 * g + 0.114 * b,
        (ColourModel::YCbCr, 1) => 128.0 - 0.168_736 * r - 0.331_264 * g + 0.5 * b,
        (ColourModel::YCbCr, 2) => 128.0 + 0.5 * r - 0.418_688 * g - 0.081_312 * b,
        (ColourModel::Rgb, c) => [r, g, b][c.min(2)],
        _ => 128.0,
    }
}

/// Makes the synthetic blocks of one file.
struct Synth<'a> {
    frame: &'a Frame,
    model: ColourModel,
    painter: &'a dyn StoredPainter,
}

impl Synth<'_> {
    /// The synthetic, quantised block (zig-zag order) for component `ci` at block (`bx`, `by`).
    fn block(&self, ci: usize, bx: u32, by: u32, q: &[u16; 64], out: &mut [i32; 64]) {
        synth_block(self.frame, self.model, self.painter, (ci, bx, by), q, out);
    }
}

fn synth_block(
    frame: &Frame,
    model: ColourModel,
    painter: &dyn StoredPainter,
    (ci, bx, by): (usize, u32, u32),
    q: &[u16; 64],
    out: &mut [i32; 64],
) {
    *out = [0; 64];
    let c = frame.comps[ci];
    if let Some(rgb) = painter.flat() {
        let dc = (sample_of(model, ci, rgb) - 128.0) * 8.0 / f32::from(q[0]);
        out[0] = dc.round().clamp(-2047.0, 2047.0) as i32;
        return;
    }
    // Each component sample covers (hmax/h) × (vmax/v) stored pixels; paint at its centre.
    let sx = f32::from(frame.hmax) / f32::from(c.h);
    let sy = f32::from(frame.vmax) / f32::from(c.v);
    let mut px = [0f32; 64];
    for j in 0..8u32 {
        for i in 0..8u32 {
            let x = ((bx * 8 + i) as f32 + 0.5) * sx;
            let y = ((by * 8 + j) as f32 + 0.5) * sy;
            px[(j * 8 + i) as usize] = sample_of(model, ci, painter.rgb_at(x, y)) - 128.0;
        }
    }
    let mut f = [0f32; 64];
    forward_dct(&px, &mut f);
    for k in 0..64 {
        let v = f[ZIGZAG[k]] / f32::from(q[k]);
        out[k] = v.round().clamp(-1023.0, 1023.0) as i32;
    }
    out[0] = out[0].clamp(-2047, 2047);
}

/// The textbook 8×8 DCT-II (as in T.81 A.3.3). Only redacted blocks go through it.
fn forward_dct(px: &[f32; 64], out: &mut [f32; 64]) {
    use std::f32::consts::PI;
    let mut cos = [[0f32; 8]; 8];
    for (x, row) in cos.iter_mut().enumerate() {
        for (u, c) in row.iter_mut().enumerate() {
            *c = (((2 * x + 1) as f32) * (u as f32) * PI / 16.0).cos();
        }
    }
    for v in 0..8 {
        for u in 0..8 {
            let mut s = 0f32;
            for y in 0..8 {
                for x in 0..8 {
                    s += px[y * 8 + x] * cos[x][u] * cos[y][v];
                }
            }
            let cu = if u == 0 {
                std::f32::consts::FRAC_1_SQRT_2
            } else {
                1.0
            };
            let cv = if v == 0 {
                std::f32::consts::FRAC_1_SQRT_2
            } else {
                1.0
            };
            out[v * 8 + u] = 0.25 * cu * cv * s;
        }
    }
}

/// Replaces every block of every marked MCU with synthetic coefficients from `painter`.
pub(crate) fn redact(
    data: &[u8],
    limits: &Limits,
    info: &JpegInfo,
    mask: &McuMask,
    painter: &dyn StoredPainter,
) -> Result<DctOutcome> {
    let frame = &info.frame;
    let synth = Synth {
        frame,
        model: colour_model(data, frame.comps.len()),
        painter,
    };
    let mut out = Vec::with_capacity(data.len());
    let mut visit = |ci: usize, bx: u32, by: u32, q: &[u16; 64], coef: &mut [i32; 64]| {
        let c = frame.comps[ci];
        if !mask.block_marked(u32::from(c.h), u32::from(c.v), bx, by) {
            return Ok(false);
        }
        synth.block(ci, bx, by, q, coef);
        Ok(true)
    };
    match walk(data, limits, Some(&mut out), &mut visit)? {
        Ok(blocks) => Ok(DctOutcome::Edited { bytes: out, blocks }),
        Err(reason) => Ok(DctOutcome::NotApplicable(reason)),
    }
}

/// The independent check on an edited (and cleaned) file: every block of every marked MCU must
/// hold exactly the synthetic coefficients, so nothing of the original survives there. Returns
/// the number of blocks checked.
pub(crate) fn verify_redacted(
    data: &[u8],
    limits: &Limits,
    mask: &McuMask,
    painter: &dyn StoredPainter,
) -> Result<std::result::Result<u64, &'static str>> {
    let info = inspect(data, limits)?;
    if !info.sequential_huffman {
        return Ok(Err("output is not a sequential JPEG"));
    }
    let frame = info.frame;
    let synth = Synth {
        frame: &frame,
        model: colour_model(data, frame.comps.len()),
        painter,
    };
    let mut expected = [0i32; 64];
    let mut mismatch = false;
    let mut visit = |ci: usize, bx: u32, by: u32, q: &[u16; 64], coef: &mut [i32; 64]| {
        let c = frame.comps[ci];
        if !mask.block_marked(u32::from(c.h), u32::from(c.v), bx, by) {
            return Ok(false);
        }
        synth.block(ci, bx, by, q, &mut expected);
        if *coef != expected {
            mismatch = true;
        }
        Ok(true)
    };
    let checked = walk(data, limits, None, &mut visit)?;
    if mismatch {
        return Ok(Err("a redacted block keeps detail"));
    }
    Ok(checked)
}

/// A 1/8-scale RGB rendering from the DC coefficients alone (one pixel per 8×8 luma block): the
/// cheap decode the after-redaction face check runs on for photos too large to decode whole.
/// Returns (width, height, RGB bytes).
pub(crate) fn dc_thumbnail(data: &[u8], limits: &Limits) -> Result<Option<(u32, u32, Vec<u8>)>> {
    let info = inspect(data, limits)?;
    if !info.sequential_huffman {
        return Ok(None);
    }
    let frame = info.frame;
    let model = colour_model(data, frame.comps.len());
    let (hmax, vmax) = (u32::from(frame.hmax), u32::from(frame.vmax));
    let tw = frame.width.div_ceil(8 * hmax) * hmax;
    let th = frame.height.div_ceil(8 * vmax) * vmax;
    let n = frame.comps.len().min(3);
    let mut planes = vec![vec![128f32; (tw as usize) * (th as usize)]; n];
    let mut visit = |ci: usize, bx: u32, by: u32, q: &[u16; 64], coef: &mut [i32; 64]| {
        if ci < n {
            let c = frame.comps[ci];
            let val = coef[0] as f32 * f32::from(q[0]) / 8.0 + 128.0;
            let (fx, fy) = (hmax / u32::from(c.h), vmax / u32::from(c.v));
            for y in by * fy..(by + 1) * fy {
                for x in bx * fx..(bx + 1) * fx {
                    if x < tw && y < th {
                        planes[ci][(y * tw + x) as usize] = val;
                    }
                }
            }
        }
        Ok(false)
    };
    if walk(data, limits, None, &mut visit)?.is_err() {
        return Ok(None);
    }
    let w = frame.width.div_ceil(8);
    let h = frame.height.div_ceil(8);
    let mut rgb = Vec::with_capacity((w * h * 3) as usize);
    for y in 0..h {
        for x in 0..w {
            let i = (y * tw + x) as usize;
            let px = match (model, n) {
                (ColourModel::YCbCr, 3) => {
                    let (yy, cb, cr) = (planes[0][i], planes[1][i] - 128.0, planes[2][i] - 128.0);
                    [
                        yy + 1.402 * cr,
                        yy - 0.344_136 * cb - 0.714_136 * cr,
                        yy + 1.772 * cb,
                    ]
                }
                (ColourModel::Rgb, 3) => [planes[0][i], planes[1][i], planes[2][i]],
                _ => [planes[0][i]; 3],
            };
            rgb.extend(px.map(|v| v.round().clamp(0.0, 255.0) as u8));
        }
    }
    Ok(Some((w, h, rgb)))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn category_and_extend_round_trip() {
        for v in -2047..=2047 {
            let (s, bits) = category(v);
            assert_eq!(extend(bits, s), v, "value {v}");
        }
    }

    #[test]
    fn dct_of_flat_block_is_dc_only() {
        let px = [10f32; 64];
        let mut f = [0f32; 64];
        forward_dct(&px, &mut f);
        assert!((f[0] - 80.0).abs() < 1e-3);
        assert!(f[1..].iter().all(|v| v.abs() < 1e-3));
    }

    #[test]
    fn truncated_scan_is_an_error_not_a_panic() {
        let limits = Limits::default();
        let mut mask_frame = None;
        let jpeg = tiny_jpeg();
        for cut in 0..jpeg.len() {
            let part = &jpeg[..cut];
            if let Ok(info) = inspect(part, &limits) {
                mask_frame = Some(info.frame.clone());
                let mut mask = McuMask::new(&info.frame);
                mask.mark(0, 0, 4, 4);
                let _ = redact(part, &limits, &info, &mask, &Flat([0, 0, 0]));
            }
        }
        assert!(mask_frame.is_some());
    }

    struct Flat([u8; 3]);
    impl StoredPainter for Flat {
        fn rgb_at(&self, _: f32, _: f32) -> [u8; 3] {
            self.0
        }
        fn flat(&self) -> Option<[u8; 3]> {
            Some(self.0)
        }
    }

    fn tiny_jpeg() -> Vec<u8> {
        let img = image::RgbImage::from_fn(40, 24, |x, y| {
            image::Rgb([(x * 6) as u8, (y * 10) as u8, ((x + y) * 3) as u8])
        });
        let mut out = Vec::new();
        image::codecs::jpeg::JpegEncoder::new_with_quality(&mut out, 90)
            .encode_image(&img)
            .expect("encoding to memory");
        out
    }

    #[test]
    fn unmarked_blocks_reencode_to_identical_bytes() {
        let limits = Limits::default();
        let jpeg = tiny_jpeg();
        let info = inspect(&jpeg, &limits).expect("valid jpeg");
        let mask = McuMask::new(&info.frame);
        match redact(&jpeg, &limits, &info, &mask, &Flat([0, 0, 0])).expect("edits") {
            DctOutcome::Edited { bytes, blocks } => {
                assert_eq!(blocks, 0);
                assert_eq!(bytes, jpeg);
            }
            DctOutcome::NotApplicable(r) => panic!("not applicable: {r}"),
        }
    }

    #[test]
    fn marked_blocks_verify_and_others_decode_identically() {
        let limits = Limits::default();
        let jpeg = tiny_jpeg();
        let info = inspect(&jpeg, &limits).expect("valid jpeg");
        let mut mask = McuMask::new(&info.frame);
        mask.mark(0, 0, 10, 10);
        let DctOutcome::Edited { bytes, blocks } =
            redact(&jpeg, &limits, &info, &mask, &Flat([20, 30, 40])).expect("edits")
        else {
            panic!("not applicable");
        };
        assert!(blocks > 0);
        assert_eq!(
            verify_redacted(&bytes, &limits, &mask, &Flat([20, 30, 40])).expect("parses"),
            Ok(blocks)
        );
        assert_eq!(
            verify_redacted(&jpeg, &limits, &mask, &Flat([20, 30, 40])).expect("parses"),
            Err("a redacted block keeps detail")
        );
        let a = image::load_from_memory(&jpeg).expect("decodes").to_rgb8();
        let b = image::load_from_memory(&bytes).expect("decodes").to_rgb8();
        let (mw, mh) = mask.mcu_size();
        for (x, y, p) in b.enumerate_pixels() {
            let near = (0..=1).any(|dy| {
                (0..=1).any(|dx| {
                    mask.pixel_marked(
                        (x + dx * mw).saturating_sub(mw),
                        (y + dy * mh).saturating_sub(mh),
                    )
                })
            });
            if !near && !mask.pixel_marked(x, y) {
                assert_eq!(*p, *a.get_pixel(x, y), "pixel {x},{y}");
            }
        }
    }
}
