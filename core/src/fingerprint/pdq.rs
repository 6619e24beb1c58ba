//! Why this exists: StopNCII and Take It Down block an image on a platform by its PDQ hash, so a
//! parent can report a misused photo without anyone uploading the picture. PDQ is Meta's
//! perceptual hash; this is an implementation written from its published description
//! (facebook/ThreatExchange `pdq/README.md` and the hashing paper), in these steps:
//!
//! 1. luminance `Y = 0.299 R + 0.587 G + 0.114 B`, as 32-bit floats;
//! 2. a Jarosz tent filter (two passes of a 1-D box filter along rows then columns, each window
//!    `ceil(side / 128)` wide) and decimation to 64×64 by sampling the filtered image at the
//!    centres of a 64×64 grid — skipped when the input is already 64×64;
//! 3. a quality score 0–100 from the 64×64 image's gradients (flat or tiny images score low;
//!    below 50 the hash should not be trusted);
//! 4. the 16×16 lowest non-constant frequencies of a 2-D DCT-II of the 64×64 image (the constant
//!    term is left out, so brightness does not matter);
//! 5. 256 bits: a bit is 1 where its coefficient is above the median of the 256 coefficients.
//!
//! The bit for coefficient (row frequency `r`, column frequency `c`) is bit `16 r + c` of the
//! hash read as a 256-bit big-endian number, which is how the published hex strings are written.
//!
//! Because the DCT of a rotated or mirrored image is a sign-flipped and/or transposed DCT, the
//! hashes of all 8 rotations and mirrors ([`Dihedral`]) come from one pass.

use std::fmt;
use std::str::FromStr;
use std::sync::OnceLock;

use image::RgbImage;

/// Side of the downsampled image the DCT works on.
const GRID: usize = 64;
/// Side of the kept block of DCT coefficients.
const COEFFS: usize = 16;
/// Images smaller than this on either side hash to all zeros with quality 0, as upstream does.
const MIN_HASHABLE_SIDE: usize = 5;
/// Box-filter passes (X then Y) of the Jarosz tent filter.
const JAROSZ_PASSES: usize = 2;

/// A 256-bit PDQ hash. Shown and parsed as 64 lower-case hex digits, the form every PDQ tool
/// and hash-sharing service uses; serialised the same way.
#[derive(Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Default)]
pub struct PdqHash(pub [u8; 32]);

impl PdqHash {
    /// Number of differing bits (0–256). Meta's match threshold is ≤ 31
    /// ([`crate::fingerprint::MATCH_THRESHOLD`]).
    pub fn distance(&self, other: &PdqHash) -> u32 {
        self.0
            .iter()
            .zip(other.0.iter())
            .map(|(a, b)| (a ^ b).count_ones())
            .sum()
    }

    /// The hash as four 64-bit words (most significant first), for fast comparisons.
    pub fn words(&self) -> [u64; 4] {
        let mut w = [0u64; 4];
        for (i, chunk) in self.0.chunks_exact(8).enumerate() {
            w[i] = u64::from_be_bytes(chunk.try_into().expect("chunks of exactly 8 bytes"));
        }
        w
    }

    /// True when bit `index` (0–255, the coefficient `16 r + c`) is set.
    pub fn bit(&self, index: usize) -> bool {
        index < 256 && self.0[31 - index / 8] & (1 << (index % 8)) != 0
    }

    fn set_bit(&mut self, index: usize) {
        self.0[31 - index / 8] |= 1 << (index % 8);
    }

    /// The 64-digit lower-case hex form.
    pub fn to_hex(&self) -> String {
        let mut s = String::with_capacity(64);
        for b in self.0 {
            s.push(char::from(HEX[usize::from(b >> 4)]));
            s.push(char::from(HEX[usize::from(b & 15)]));
        }
        s
    }

    /// Parses 64 hex digits (either case).
    pub fn from_hex(text: &str) -> Result<PdqHash, ParsePdqHashError> {
        let bytes = text.as_bytes();
        if bytes.len() != 64 {
            return Err(ParsePdqHashError);
        }
        let digit = |c: u8| -> Result<u8, ParsePdqHashError> {
            match c {
                b'0'..=b'9' => Ok(c - b'0'),
                b'a'..=b'f' => Ok(c - b'a' + 10),
                b'A'..=b'F' => Ok(c - b'A' + 10),
                _ => Err(ParsePdqHashError),
            }
        };
        let mut out = [0u8; 32];
        for (i, pair) in bytes.chunks_exact(2).enumerate() {
            out[i] = digit(pair[0])? << 4 | digit(pair[1])?;
        }
        Ok(PdqHash(out))
    }
}

const HEX: &[u8; 16] = b"0123456789abcdef";

/// The text was not 64 hex digits.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
#[error("a PDQ hash is 64 hexadecimal digits")]
pub struct ParsePdqHashError;

impl fmt::Display for PdqHash {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.to_hex())
    }
}

impl fmt::Debug for PdqHash {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "PdqHash({})", self.to_hex())
    }
}

impl FromStr for PdqHash {
    type Err = ParsePdqHashError;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        PdqHash::from_hex(s)
    }
}

impl serde::Serialize for PdqHash {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(&self.to_hex())
    }
}

impl<'de> serde::Deserialize<'de> for PdqHash {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let s = <std::borrow::Cow<'de, str>>::deserialize(deserializer)?;
        PdqHash::from_hex(&s).map_err(serde::de::Error::custom)
    }
}

/// A PDQ hash with its quality score.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct PdqResult {
    /// The 256-bit hash.
    pub hash: PdqHash,
    /// 0–100: how much structure the image has. Below 50
    /// ([`crate::fingerprint::MIN_TRUSTED_QUALITY`]) the hash is unreliable (flat, tiny or
    /// nearly blank images) and should not be used to claim a match.
    pub quality: u8,
}

/// The 8 ways to rotate or mirror an image (the dihedral group of the square). Names and
/// directions follow the PDQ reference: rotations are counter-clockwise.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Dihedral {
    /// The image as given.
    Original,
    /// Rotated 90° counter-clockwise.
    Rotate90,
    /// Rotated 180°.
    Rotate180,
    /// Rotated 270° counter-clockwise (90° clockwise).
    Rotate270,
    /// Mirrored top to bottom (about the horizontal axis).
    FlipX,
    /// Mirrored left to right (about the vertical axis).
    FlipY,
    /// Mirrored about the main diagonal (top-left to bottom-right): a transpose.
    FlipPlus1,
    /// Mirrored about the anti-diagonal (top-right to bottom-left).
    FlipMinus1,
}

impl Dihedral {
    /// All 8, in the reference order.
    pub const ALL: [Dihedral; 8] = [
        Dihedral::Original,
        Dihedral::Rotate90,
        Dihedral::Rotate180,
        Dihedral::Rotate270,
        Dihedral::FlipX,
        Dihedral::FlipY,
        Dihedral::FlipPlus1,
        Dihedral::FlipMinus1,
    ];

    /// The transform that displays a photo stored with EXIF Orientation `orientation` (1–8)
    /// upright; `None` for values outside 1–8.
    pub fn from_exif_orientation(orientation: u16) -> Option<Dihedral> {
        Some(match orientation {
            1 => Dihedral::Original,
            2 => Dihedral::FlipY,
            3 => Dihedral::Rotate180,
            4 => Dihedral::FlipX,
            5 => Dihedral::FlipPlus1,
            6 => Dihedral::Rotate270,
            7 => Dihedral::FlipMinus1,
            8 => Dihedral::Rotate90,
            _ => return None,
        })
    }

    /// How the transform acts on DCT coefficients: whether rows and columns swap, and which
    /// coefficients change sign. Mirroring a 64-sample signal multiplies its frequency-`k`
    /// coefficient by `(-1)^k`; the kept block holds frequencies 1–16, so index `i` (frequency
    /// `i + 1`) flips sign when `i` is even.
    fn dct_action(self) -> (bool, bool, bool) {
        // (transpose, mirror rows top-bottom, mirror columns left-right), the mirrors applied
        // in the *original* image's axes.
        match self {
            Dihedral::Original => (false, false, false),
            Dihedral::Rotate90 => (true, false, true),
            Dihedral::Rotate180 => (false, true, true),
            Dihedral::Rotate270 => (true, true, false),
            Dihedral::FlipX => (false, true, false),
            Dihedral::FlipY => (false, false, true),
            Dihedral::FlipPlus1 => (true, false, false),
            Dihedral::FlipMinus1 => (true, true, true),
        }
    }
}

/// The hashes of all 8 [`Dihedral`] transforms of one image, with the (shared) quality.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct PdqDihedral {
    /// Hashes in [`Dihedral::ALL`] order.
    pub hashes: [PdqHash; 8],
    /// The quality score (the same for every transform).
    pub quality: u8,
}

impl PdqDihedral {
    /// The hash of one transform.
    pub fn get(&self, which: Dihedral) -> PdqHash {
        let i = Dihedral::ALL
            .iter()
            .position(|&d| d == which)
            .expect("ALL lists every variant");
        self.hashes[i]
    }

    /// The smallest distance from `other` to any of the 8 transforms, and which one.
    pub fn closest(&self, other: &PdqHash) -> (u32, Dihedral) {
        let mut best = (u32::MAX, Dihedral::Original);
        for (h, d) in self.hashes.iter().zip(Dihedral::ALL) {
            let dist = h.distance(other);
            if dist < best.0 {
                best = (dist, d);
            }
        }
        best
    }
}

/// The DCT block and quality of one image: everything the 8 hashes derive from.
#[derive(Clone)]
pub struct PdqCoefficients {
    coeffs: [[f32; COEFFS]; COEFFS],
    quality: u8,
    hashable: bool,
}

impl PdqCoefficients {
    /// Computes the DCT block of an RGB image.
    pub fn from_rgb(image: &RgbImage) -> PdqCoefficients {
        let (w, h) = (image.width() as usize, image.height() as usize);
        PdqCoefficients::from_luma(crate::decode::luminance(image), w, h)
    }

    /// Computes the DCT block of a luminance image (`width * height` values, row-major, 0–255).
    /// The buffer is reused as filter workspace.
    pub fn from_luma(mut luma: Vec<f32>, width: usize, height: usize) -> PdqCoefficients {
        if width < MIN_HASHABLE_SIDE
            || height < MIN_HASHABLE_SIDE
            || luma.len() != width.saturating_mul(height)
        {
            return PdqCoefficients {
                coeffs: [[0.0; COEFFS]; COEFFS],
                quality: 0,
                hashable: false,
            };
        }
        let grid = if width == GRID && height == GRID {
            let mut g = [[0f32; GRID]; GRID];
            for (row, chunk) in g.iter_mut().zip(luma.chunks_exact(GRID)) {
                row.copy_from_slice(chunk);
            }
            g
        } else {
            jarosz_filter(&mut luma, width, height);
            decimate(&luma, width, height)
        };
        PdqCoefficients {
            coeffs: dct_16x16(&grid),
            quality: quality_of(&grid),
            hashable: true,
        }
    }

    /// The quality score 0–100.
    pub fn quality(&self) -> u8 {
        self.quality
    }

    /// The hash of the image transformed by `which`.
    pub fn hash(&self, which: Dihedral) -> PdqHash {
        if !self.hashable {
            return PdqHash::default();
        }
        let (transpose, mirror_rows, mirror_cols) = which.dct_action();
        let mut block = [[0f32; COEFFS]; COEFFS];
        for (r, row) in self.coeffs.iter().enumerate() {
            for (c, &v) in row.iter().enumerate() {
                // Even index = odd frequency: the one a mirror negates.
                let negate = (mirror_rows && r % 2 == 0) != (mirror_cols && c % 2 == 0);
                let v = if negate { -v } else { v };
                if transpose {
                    block[c][r] = v;
                } else {
                    block[r][c] = v;
                }
            }
        }
        bits_above_median(&block)
    }

    /// The hash and quality of the image as given.
    pub fn result(&self) -> PdqResult {
        PdqResult {
            hash: self.hash(Dihedral::Original),
            quality: self.quality,
        }
    }

    /// The hashes of all 8 transforms.
    pub fn dihedral(&self) -> PdqDihedral {
        PdqDihedral {
            hashes: Dihedral::ALL.map(|d| self.hash(d)),
            quality: self.quality,
        }
    }
}

/// PDQ hash and quality of an RGB image (pixels as given; no orientation is applied).
pub fn pdq_hash(image: &RgbImage) -> PdqResult {
    PdqCoefficients::from_rgb(image).result()
}

/// The hashes of all 8 rotations and mirrors of an RGB image, from one DCT.
pub fn pdq_hash_dihedral(image: &RgbImage) -> PdqDihedral {
    PdqCoefficients::from_rgb(image).dihedral()
}

/// Per-pass box window for reducing `side` samples to 64: half of `side / 64`, rounded up, so
/// that two passes together cover one output cell.
fn jarosz_window(side: usize) -> usize {
    side.div_ceil(2 * GRID).max(1)
}

/// Two X-then-Y passes of a centred box filter, in place (`scratch` holds the X pass).
fn jarosz_filter(luma: &mut [f32], width: usize, height: usize) {
    let wx = jarosz_window(width);
    let wy = jarosz_window(height);
    let mut scratch = vec![0f32; luma.len()];
    for _ in 0..JAROSZ_PASSES {
        box_blur_rows(luma, &mut scratch, width, wx);
        box_blur_columns(&scratch, luma, width, height, wy);
    }
}

/// [`box_blur_line`] along every row of a `width`-wide image, [`ROW_LANES`] rows at a time.
/// One row's running sum is a chain of dependent additions; the sums of several rows are not,
/// so advancing them together lets the processor overlap them. Each row's arithmetic is the
/// same, in the same order, as [`box_blur_line`]'s ([`box_blur_lanes`] does both), so the
/// result is identical.
fn box_blur_rows(src: &[f32], dst: &mut [f32], width: usize, window: usize) {
    let group = ROW_LANES * width;
    let mut src_groups = src.chunks_exact(group);
    let mut dst_groups = dst.chunks_exact_mut(group);
    for (s, d) in (&mut src_groups).zip(&mut dst_groups) {
        box_blur_lanes::<ROW_LANES>(s, d, width, window);
    }
    let rest = src_groups.remainder();
    for (s, d) in rest
        .chunks_exact(width)
        .zip(dst_groups.into_remainder().chunks_exact_mut(width))
    {
        box_blur_line(s, d, window);
    }
}

/// Rows [`box_blur_rows`] filters together.
const ROW_LANES: usize = 8;

/// [`box_blur_line`] down every column at once: one running sum per column, rows added and
/// removed whole, so memory is read row by row (cache-friendly, vectorisable).
fn box_blur_columns(src: &[f32], dst: &mut [f32], width: usize, height: usize, window: usize) {
    let right = window / 2;
    let left = window - 1 - right;
    let mut sums = vec![0f64; width];
    let (mut lo, mut hi) = (0usize, 0usize);
    for (y, out_row) in dst.chunks_exact_mut(width).enumerate().take(height) {
        let want_hi = (y + right + 1).min(height);
        while hi < want_hi {
            for (s, &v) in sums.iter_mut().zip(&src[hi * width..(hi + 1) * width]) {
                *s += f64::from(v);
            }
            hi += 1;
        }
        let want_lo = y.saturating_sub(left);
        while lo < want_lo {
            for (s, &v) in sums.iter_mut().zip(&src[lo * width..(lo + 1) * width]) {
                *s -= f64::from(v);
            }
            lo += 1;
        }
        let inv = 1.0 / (hi - lo) as f64;
        for (o, &s) in out_row.iter_mut().zip(&sums) {
            *o = (s * inv) as f32;
        }
    }
}

/// A centred moving average of `window` samples; near the ends the window is cut short and the
/// average taken over the samples that exist. For an even window the extra sample is on the
/// right (`window / 2` right of centre, the rest left), as the reference filter places it.
fn box_blur_line(src: &[f32], dst: &mut [f32], window: usize) {
    box_blur_lanes::<1>(src, dst, src.len(), window);
}

/// The moving average of [`box_blur_line`] over `LANES` rows of `width` samples (`src` and
/// `dst` hold them one after another), the rows advanced together.
fn box_blur_lanes<const LANES: usize>(src: &[f32], dst: &mut [f32], width: usize, window: usize) {
    let right = window / 2; // samples after the centre
    let left = window - 1 - right; // samples before the centre
    let mut sums = [0f64; LANES];
    let mut lo = 0usize; // first sample in the window
    let mut hi = 0usize; // one past the last sample in the window

    // A multiplication by the reciprocal, as in `box_blur_columns`: a division per sample was
    // most of this filter's time. Away from the ends the window is whole and so is the
    // reciprocal.
    let whole = 1.0 / window as f64;
    for i in 0..width {
        let want_hi = (i + right + 1).min(width);
        while hi < want_hi {
            for (lane, sum) in sums.iter_mut().enumerate() {
                *sum += f64::from(src[lane * width + hi]);
            }
            hi += 1;
        }
        let want_lo = i.saturating_sub(left);
        while lo < want_lo {
            for (lane, sum) in sums.iter_mut().enumerate() {
                *sum -= f64::from(src[lane * width + lo]);
            }
            lo += 1;
        }
        let count = hi - lo;
        let inv = if count == window {
            whole
        } else {
            1.0 / count as f64
        };
        for (lane, &sum) in sums.iter().enumerate() {
            dst[lane * width + i] = (sum * inv) as f32;
        }
    }
}

/// Samples the filtered image at the centres of a 64×64 grid of cells.
fn decimate(luma: &[f32], width: usize, height: usize) -> [[f32; GRID]; GRID] {
    let mut g = [[0f32; GRID]; GRID];
    for (gy, row) in g.iter_mut().enumerate() {
        let y = ((gy as f64 + 0.5) * height as f64 / GRID as f64) as usize;
        for (gx, cell) in row.iter_mut().enumerate() {
            let x = ((gx as f64 + 0.5) * width as f64 / GRID as f64) as usize;
            *cell = luma[y.min(height - 1) * width + x.min(width - 1)];
        }
    }
    g
}

/// Sum of quantised absolute differences between neighbours (in percent of full scale, each
/// truncated to an integer so only visible steps count), scaled so that ordinary photos reach
/// 100 and flat images stay near 0.
fn quality_of(g: &[[f32; GRID]; GRID]) -> u8 {
    let step = |u: f32, v: f32| (((u - v) * 100.0) / 255.0) as i32;
    let mut total: i64 = 0;
    for rows in g.windows(2) {
        for (&u, &v) in rows[0].iter().zip(rows[1].iter()) {
            total += i64::from(step(u, v).abs());
        }
    }
    for row in g.iter() {
        for pair in row.windows(2) {
            total += i64::from(step(pair[0], pair[1]).abs());
        }
    }
    (total / 90).min(100) as u8
}

/// Rows 1..=16 of the 64-point DCT-II basis, scaled by sqrt(2/64).
fn dct_basis() -> &'static [[f32; GRID]; COEFFS] {
    static BASIS: OnceLock<[[f32; GRID]; COEFFS]> = OnceLock::new();
    BASIS.get_or_init(|| {
        let mut m = [[0f32; GRID]; COEFFS];
        let scale = (2.0 / GRID as f64).sqrt();
        for (k, row) in m.iter_mut().enumerate() {
            for (n, v) in row.iter_mut().enumerate() {
                let angle = std::f64::consts::PI / (2.0 * GRID as f64)
                    * (k as f64 + 1.0)
                    * (2 * n + 1) as f64;
                *v = (scale * angle.cos()) as f32;
            }
        }
        m
    })
}

/// `D · G · Dᵀ` for the 16×64 basis `D`: frequencies 1–16 along both axes.
fn dct_16x16(g: &[[f32; GRID]; GRID]) -> [[f32; COEFFS]; COEFFS] {
    let d = dct_basis();
    // Vertical pass: t[k][x] = sum_y d[k][y] * g[y][x]
    let mut t = [[0f32; GRID]; COEFFS];
    for (k, trow) in t.iter_mut().enumerate() {
        for (y, grow) in g.iter().enumerate() {
            let dk = d[k][y];
            for (tv, &gv) in trow.iter_mut().zip(grow.iter()) {
                *tv += dk * gv;
            }
        }
    }
    // Horizontal pass: b[k][l] = sum_x t[k][x] * d[l][x]
    let mut b = [[0f32; COEFFS]; COEFFS];
    for (brow, trow) in b.iter_mut().zip(t.iter()) {
        for (bv, drow) in brow.iter_mut().zip(d.iter()) {
            *bv = trow.iter().zip(drow.iter()).map(|(a, c)| a * c).sum();
        }
    }
    b
}

/// Bit `16 r + c` is set where `block[r][c]` is above the median (the 128th smallest of 256).
fn bits_above_median(block: &[[f32; COEFFS]; COEFFS]) -> PdqHash {
    let mut sorted: Vec<f32> = block.iter().flatten().copied().collect();
    sorted.sort_by(f32::total_cmp);
    let median = sorted[sorted.len() / 2 - 1];
    let mut hash = PdqHash::default();
    for (r, row) in block.iter().enumerate() {
        for (c, &v) in row.iter().enumerate() {
            if v > median {
                hash.set_bit(r * COEFFS + c);
            }
        }
    }
    hash
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A photo-like image: smooth shapes at several scales, no pattern finer than a grid cell.
    fn gradient_image(w: u32, h: u32) -> RgbImage {
        RgbImage::from_fn(w, h, |x, y| {
            let (fx, fy) = (x as f32 / w as f32, y as f32 / h as f32);
            let v = 128.0
                + 50.0 * (fx * 7.0 + fy * 2.0).sin()
                + 40.0 * (fy * 11.0 - fx * 3.0).cos()
                + 30.0 * ((fx - 0.3) * (fy - 0.6) * 40.0).sin();
            let v = v.clamp(0.0, 255.0) as u8;
            image::Rgb([v, v / 2 + 60, 255 - v])
        })
    }

    #[test]
    fn hex_round_trips_and_bits_follow_reference_layout() {
        let text = "f8f8f0cee0f4a84f06370a22038f67f0b36e2ed596221e1d33e6b39c4e9c9b22";
        let h: PdqHash = text.parse().expect("valid hex");
        assert_eq!(h.to_string(), text);
        assert_eq!(PdqHash::from_hex(&text.to_uppercase()), Ok(h));
        assert!(PdqHash::from_hex(&text[1..]).is_err());
        assert!(PdqHash::from_hex(&text.replace('f', "g")).is_err());
        // Last hex digit '2' = bits 0..4 are 0100: bit 1 set, bit 0 clear.
        assert!(h.bit(1) && !h.bit(0));
        // First digit 'f': bits 252..=255 set.
        assert!((252..256).all(|i| h.bit(i)));
        let json = serde_json::to_string(&h).expect("serialises");
        assert_eq!(json, format!("\"{text}\""));
        let back: PdqHash = serde_json::from_str(&json).expect("deserialises");
        assert_eq!(back, h);
    }

    #[test]
    fn distance_counts_differing_bits() {
        let a = PdqHash::default();
        let mut b = a;
        b.set_bit(0);
        b.set_bit(200);
        assert_eq!(a.distance(&b), 2);
        assert_eq!(b.words()[3], 1);
    }

    #[test]
    fn box_blur_matches_direct_average_with_cut_edges() {
        let src: Vec<f32> = (0..16).map(|v| v as f32).collect();
        for window in 1..=9 {
            let mut dst = vec![0f32; 16];
            box_blur_line(&src, &mut dst, window);
            let right = window / 2;
            let left = window - 1 - right;
            for (i, &got) in dst.iter().enumerate() {
                let lo = i.saturating_sub(left);
                let hi = (i + right).min(15);
                let avg = (lo..=hi).map(|v| v as f32).sum::<f32>() / (hi - lo + 1) as f32;
                assert!((got - avg).abs() < 1e-4, "window {window} at {i}");
            }
        }
        // The reference's worked example (window 8): out[4] averages samples 1..=8.
        let mut dst = vec![0f32; 16];
        box_blur_line(&src, &mut dst, 8);
        assert!((dst[4] - 36.0 / 8.0).abs() < 1e-5);
    }

    #[test]
    fn row_blur_is_line_blur_of_each_row_bit_for_bit() {
        // 19 rows: two groups of eight and a remainder of three.
        let (w, h) = (29usize, 19usize);
        let src: Vec<f32> = (0..w * h).map(|i| ((i * 53) % 211) as f32 * 0.7).collect();
        for window in 1..=7 {
            let mut rows = vec![0f32; w * h];
            box_blur_rows(&src, &mut rows, w, window);
            let mut lines = vec![0f32; w * h];
            for (s, d) in src.chunks_exact(w).zip(lines.chunks_exact_mut(w)) {
                box_blur_line(s, d, window);
            }
            assert_eq!(rows, lines, "window {window}");
        }
    }

    #[test]
    fn column_blur_equals_line_blur_of_each_column() {
        let (w, h) = (7usize, 23usize);
        let src: Vec<f32> = (0..w * h).map(|i| ((i * 37) % 101) as f32).collect();
        for window in 1..=6 {
            let mut dst = vec![0f32; w * h];
            box_blur_columns(&src, &mut dst, w, h, window);
            for x in 0..w {
                let col: Vec<f32> = (0..h).map(|y| src[y * w + x]).collect();
                let mut expect = vec![0f32; h];
                box_blur_line(&col, &mut expect, window);
                for y in 0..h {
                    assert!(
                        (dst[y * w + x] - expect[y]).abs() < 1e-3,
                        "w{window} {x},{y}"
                    );
                }
            }
        }
    }

    #[test]
    fn flat_and_tiny_images_have_no_quality() {
        let flat = RgbImage::from_pixel(200, 100, image::Rgb([90, 90, 90]));
        assert_eq!(pdq_hash(&flat).quality, 0);
        let tiny = gradient_image(4, 40);
        let r = pdq_hash(&tiny);
        assert_eq!((r.hash, r.quality), (PdqHash::default(), 0));
    }

    #[test]
    fn half_the_bits_are_set_for_a_textured_image() {
        let mut img = gradient_image(300, 200);
        for (x, y, p) in img.enumerate_pixels_mut() {
            if ((x / 9) ^ (y / 13)) % 2 == 1 {
                p.0 = p.0.map(|v| v.saturating_add(90));
            }
        }
        let r = pdq_hash(&img);
        let ones: u32 = r.hash.0.iter().map(|b| b.count_ones()).sum();
        assert_eq!(ones, 128);
        assert!(r.quality >= 50, "quality {}", r.quality);
    }

    #[test]
    fn dihedral_variants_match_transformed_pixels() {
        use image::imageops;
        let img = gradient_image(256, 256);
        let all = pdq_hash_dihedral(&img);
        let cases: [(Dihedral, RgbImage); 8] = [
            (Dihedral::Original, img.clone()),
            (Dihedral::Rotate90, imageops::rotate270(&img)), // imageops rotates clockwise
            (Dihedral::Rotate180, imageops::rotate180(&img)),
            (Dihedral::Rotate270, imageops::rotate90(&img)),
            (Dihedral::FlipX, imageops::flip_vertical(&img)),
            (Dihedral::FlipY, imageops::flip_horizontal(&img)),
            (
                Dihedral::FlipPlus1,
                imageops::flip_horizontal(&imageops::rotate90(&img)),
            ),
            (
                Dihedral::FlipMinus1,
                imageops::flip_horizontal(&imageops::rotate270(&img)),
            ),
        ];
        for (which, transformed) in cases {
            let direct = pdq_hash(&transformed).hash;
            // The tent filter and the decimation grid are not exactly mirror-symmetric (as in
            // the reference), so a transformed image hashes a few bits away from its derived
            // variant — well within the match threshold, and far from every other variant.
            let (closest, best) = all.closest(&direct);
            assert_eq!(best, which, "{which:?} is closest to {best:?}");
            assert!(closest <= 31, "{which:?}: {closest} bits apart");
            for other in Dihedral::ALL.into_iter().filter(|&o| o != which) {
                assert!(
                    direct.distance(&all.get(other)) > 64,
                    "{which:?} vs {other:?}"
                );
            }
        }
    }
}
