//! Why this exists: fingerprints, face detection and the report's thumbnail comparison all need
//! pixels, but none of them needs *all* the pixels. A 12–48 MP phone photo decoded at full size
//! costs 36–144 MB and most of a second; a share extension on iOS is killed at about 120 MB. So
//! every analysis decodes through this one function, which
//!
//! 1. reads only the header first and refuses, before any pixel buffer exists, an image wider,
//!    taller or larger than [`Limits::max_dimension`] / [`Limits::max_decoded_pixels`];
//! 2. decodes JPEG at a reduced scale inside the decoder (the IDCT is computed at 1/2, 1/4 or 1/8
//!    size, so a 12 MP JPEG at 1/8 never exists as 12 MP of pixels; `jpeg-decoder`'s
//!    `Decoder::scale`), and at 1/8 from the DC coefficients alone when the file is an ordinary
//!    baseline JPEG (`jpeg_dc`: no inverse DCT, AC values skipped, long scans split between two
//!    threads);
//! 3. decodes PNG, WebP and GIF (first frame) with the `image` crate under its own allocation
//!    limits, then shrinks them by an integer box filter;
//! 4. optionally applies the EXIF orientation, so the caller sees the photo as a person does.
//!
//! [`decode_luma_for_analysis`] is the same for a caller that needs luminance alone (PDQ): it
//! takes a JPEG's Y plane from the DC-only decoder without converting colour.
//!
//! The reduction rule is the same for every format: the result is the smallest image, reached by
//! shrinking by an integer factor (a DCT scale for JPEG, a box average otherwise), whose *shorter*
//! side is still at least [`AnalysisRequest::min_short_side`]. An image already smaller is never
//! enlarged.
//!
//! ```no_run
//! use sharesafe_core::decode::{decode_for_analysis, AnalysisRequest};
//! use sharesafe_core::Limits;
//!
//! let bytes = std::fs::read("photo.jpg")?;
//! let req = AnalysisRequest { min_short_side: 320, apply_orientation: true };
//! let decoded = decode_for_analysis(&bytes, &req, &Limits::default())?;
//! println!("{}x{} (stored {}x{}, orientation {})", decoded.image.width(), decoded.image.height(),
//!          decoded.stored_width, decoded.stored_height, decoded.orientation);
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```
//!
//! Errors carry only the format, a part and a static reason, never the decoder's own message
//! (which may quote bytes of the file).

mod jpeg_dc;

/// For the fuzz target `jpeg_dc_split` and its regression replays, not for apps: panics unless
/// the DC-only JPEG decoder gives the same answer with every scan split between two threads as
/// on one.
#[doc(hidden)]
pub fn fuzz_dc_split_agrees(bytes: &[u8], max_pixels: u64) {
    jpeg_dc::split_agrees(bytes, max_pixels);
}

use std::io::{Cursor, Read};
use std::panic::{catch_unwind, AssertUnwindSafe};

use image::{DynamicImage, ImageDecoder, RgbImage};

use crate::error::{Error, Part, Result};
use crate::formats::exif_orientation::{read_orientation, strip_exif_header};
use crate::{sniff, Format, Limits};

/// What the caller needs from the decoded image.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct AnalysisRequest {
    /// The decoded image is reduced as far as possible while its shorter side stays at least this
    /// many pixels (counted before orientation is applied; rotation does not change which side is
    /// shorter). `0` or `1` means "as small as the decoder can go cheaply"; an image whose shorter
    /// side is already below this value is decoded at full size and never enlarged.
    pub min_short_side: u32,
    /// Rotate/flip the result as the EXIF Orientation tag says (what a person sees). `false`
    /// keeps the pixels as stored, which is what published PDQ hashes are computed on.
    pub apply_orientation: bool,
}

/// A photo decoded for analysis, at reduced scale, always 8-bit RGB (alpha dropped, grey and
/// CMYK converted).
#[derive(Debug, Clone)]
pub struct AnalysisImage {
    /// The pixels, reduced as [`AnalysisRequest::min_short_side`] asked, oriented when
    /// [`AnalysisRequest::apply_orientation`] was set.
    pub image: RgbImage,
    /// The container format the bytes were sniffed as.
    pub format: Format,
    /// Width of the stored image at full size, in pixels (before orientation).
    pub stored_width: u32,
    /// Height of the stored image at full size, in pixels (before orientation).
    pub stored_height: u32,
    /// The EXIF Orientation found (1–8; 1 when absent or unreadable).
    pub orientation: u16,
    /// True when `image` was rotated/flipped by `orientation` (requested and not 1).
    pub orientation_applied: bool,
    /// The total reduction factor per side (1 = full size, 8 = one pixel per 8×8 block).
    pub reduction: u32,
}

/// A photo decoded for analysis as luminance alone, reduced like [`AnalysisImage`], with the
/// pixels as stored (no orientation applied): what a perceptual hash works on.
#[derive(Debug, Clone)]
pub struct AnalysisLuma {
    /// Width of `luma`, in pixels.
    pub width: u32,
    /// Height of `luma`, in pixels.
    pub height: u32,
    /// `width × height` values, row-major, 0–255 and not rounded to integers: the BT.601
    /// luminance `0.299 R + 0.587 G + 0.114 B` ([`luminance`]).
    pub luma: Vec<f32>,
    /// The container format the bytes were sniffed as.
    pub format: Format,
    /// Width of the stored image at full size, in pixels.
    pub stored_width: u32,
    /// Height of the stored image at full size, in pixels.
    pub stored_height: u32,
    /// The EXIF Orientation found (1–8; 1 when absent or unreadable), not applied.
    pub orientation: u16,
    /// The total reduction factor per side.
    pub reduction: u32,
}

/// BT.601 luminance weights: what PDQ specifies, and what JPEG's YCbCr is defined by.
const LUMA_WEIGHTS: [f32; 3] = [0.299, 0.587, 0.114];

/// The BT.601 luminance `0.299 R + 0.587 G + 0.114 B` of every pixel, row-major.
pub fn luminance(image: &RgbImage) -> Vec<f32> {
    let [r, g, b] = LUMA_WEIGHTS;
    image
        .pixels()
        .map(|p| r * f32::from(p[0]) + g * f32::from(p[1]) + b * f32::from(p[2]))
        .collect()
}

/// Decodes `bytes` (a JPEG, PNG, WebP or GIF; sniffed from its content, never its name) for
/// analysis, reduced and bounded as the module documentation describes.
///
/// Errors: [`Error::Unsupported`] for other formats (HEIF/AVIF/video are not decoded yet),
/// [`Error::LimitExceeded`] when the header announces more than [`Limits::max_dimension`] or
/// [`Limits::max_decoded_pixels`] (or the input exceeds [`Limits::max_input_bytes`]), and
/// [`Error::Malformed`] when the decoder cannot read the image.
pub fn decode_for_analysis(
    bytes: &[u8],
    request: &AnalysisRequest,
    limits: &Limits,
) -> Result<AnalysisImage> {
    let format = sniff(bytes).ok_or(Error::Unsupported { detected: None })?;
    if bytes.len() as u64 > limits.max_input_bytes {
        return Err(Error::limit(format, "max_input_bytes", Part::Header, 0));
    }
    let decoded = guarded(bytes, format, data_part(format), || match format {
        Format::Jpeg => decode_jpeg(bytes, request, limits),
        Format::Png | Format::Webp | Format::Gif => {
            decode_with_image_crate(bytes, format, request, limits)
        }
        other => Err(Error::Unsupported {
            detected: Some(other.name()),
        }),
    })?;

    let mut out = decoded;
    if request.apply_orientation && out.orientation != 1 {
        let o = image::metadata::Orientation::from_exif(out.orientation as u8)
            .expect("orientation was validated to be 1..=8");
        let mut dynamic = DynamicImage::ImageRgb8(std::mem::take(&mut out.image));
        dynamic.apply_orientation(o);
        out.image = dynamic.into_rgb8();
        out.orientation_applied = true;
    }
    Ok(out)
}

/// Decodes `bytes` for analysis of its luminance alone ([`AnalysisLuma`]), reduced as
/// [`decode_for_analysis`] reduces with `min_short_side` and no orientation applied; the same
/// errors.
///
/// It is [`luminance`] of that function's image, except for the commonest photo of all: a
/// baseline YCbCr (or grey) JPEG reduced by 8 or more. There the Y plane comes straight from the
/// DC-only decoder, with neither chroma plane converted and no RGB made, because JPEG's Y is the
/// BT.601 luminance already; the values then differ from the RGB route's only by its rounding to
/// 8 bits and its clamping of saturated colours.
pub fn decode_luma_for_analysis(
    bytes: &[u8],
    min_short_side: u32,
    limits: &Limits,
) -> Result<AnalysisLuma> {
    let request = AnalysisRequest {
        min_short_side,
        apply_orientation: false,
    };
    if sniff(bytes) == Some(Format::Jpeg) && bytes.len() as u64 <= limits.max_input_bytes {
        let fast = guarded(bytes, Format::Jpeg, data_part(Format::Jpeg), || {
            jpeg_luma_eighth(bytes, &request, limits)
        })?;
        if let Some(luma) = fast {
            return Ok(luma);
        }
    }
    let d = decode_for_analysis(bytes, &request, limits)?;
    Ok(AnalysisLuma {
        width: d.image.width(),
        height: d.image.height(),
        luma: luminance(&d.image),
        format: d.format,
        stored_width: d.stored_width,
        stored_height: d.stored_height,
        orientation: d.orientation,
        reduction: d.reduction,
    })
}

/// Like [`decode_luma_for_analysis`], reading the photo from `reader` first (at most
/// [`Limits::max_input_bytes`]).
pub fn decode_reader_luma_for_analysis<R: Read>(
    reader: R,
    min_short_side: u32,
    limits: &Limits,
) -> Result<AnalysisLuma> {
    let bytes = read_bounded(reader, limits)?;
    decode_luma_for_analysis(&bytes, min_short_side, limits)
}

/// Reads a whole photo into memory, never more than [`Limits::max_input_bytes`] (one byte over
/// is [`Error::LimitExceeded`]): the one way a path or stream becomes bytes for the decoders,
/// detection and fingerprints, so a huge file is refused before it is allocated.
pub fn read_bounded<R: Read>(reader: R, limits: &Limits) -> Result<Vec<u8>> {
    let mut bytes = Vec::new();
    reader
        .take(limits.max_input_bytes.saturating_add(1))
        .read_to_end(&mut bytes)
        .map_err(|e| Error::io("read input", e))?;
    if bytes.len() as u64 > limits.max_input_bytes {
        let format = sniff(&bytes).unwrap_or(Format::Jpeg);
        return Err(Error::limit(format, "max_input_bytes", Part::Header, 0));
    }
    Ok(bytes)
}

/// Like [`decode_for_analysis`], reading the photo from `reader` first (at most
/// [`Limits::max_input_bytes`]; more is [`Error::LimitExceeded`]).
pub fn decode_reader_for_analysis<R: Read>(
    reader: R,
    request: &AnalysisRequest,
    limits: &Limits,
) -> Result<AnalysisImage> {
    let bytes = read_bounded(reader, limits)?;
    decode_for_analysis(&bytes, request, limits)
}

/// The stored width and height (before orientation) and the EXIF orientation (1–8) from the
/// header alone, without decoding a pixel: what a caller needs to choose
/// [`AnalysisRequest::min_short_side`] for a size it wants on the *longer* side. The dimensions are
/// checked against `limits` like [`decode_for_analysis`] does.
pub fn stored_size(bytes: &[u8], limits: &Limits) -> Result<(u32, u32, u16)> {
    let format = sniff(bytes).ok_or(Error::Unsupported { detected: None })?;
    if bytes.len() as u64 > limits.max_input_bytes {
        return Err(Error::limit(format, "max_input_bytes", Part::Header, 0));
    }
    let read = || -> Result<(u32, u32, u16)> {
        match format {
            Format::Jpeg => {
                let mut decoder = jpeg_decoder::Decoder::new(Cursor::new(bytes));
                decoder
                    .read_info()
                    .map_err(|_| undecodable(format, Part::Header))?;
                let info = decoder
                    .info()
                    .ok_or_else(|| undecodable(format, Part::Header))?;
                let orientation = decoder.exif_data().and_then(read_orientation).unwrap_or(1);
                Ok((u32::from(info.width), u32::from(info.height), orientation))
            }
            Format::Png | Format::Webp | Format::Gif => {
                let image_format = match format {
                    Format::Png => image::ImageFormat::Png,
                    Format::Webp => image::ImageFormat::WebP,
                    _ => image::ImageFormat::Gif,
                };
                let reader = image::ImageReader::with_format(Cursor::new(bytes), image_format);
                let mut decoder = reader
                    .into_decoder()
                    .map_err(|e| map_image_error(e, format))?;
                let (w, h) = decoder.dimensions();
                let orientation = decoder
                    .exif_metadata()
                    .ok()
                    .flatten()
                    .and_then(|exif| read_orientation(strip_exif_header(&exif)))
                    .unwrap_or(1);
                Ok((w, h, orientation))
            }
            other => Err(Error::Unsupported {
                detected: Some(other.name()),
            }),
        }
    };
    let (w, h, orientation) = guarded(bytes, format, Part::Header, read)?;
    check_dimensions(format, w, h, limits)?;
    Ok((w, h, orientation))
}

/// The [`AnalysisRequest::min_short_side`] that keeps the *longer* side of a `width`×`height`
/// image at about `min_long_side` or more after reduction (the short side in proportion, rounded
/// up; at most the short side itself, so the image is never enlarged).
pub fn min_short_side_for_long(width: u32, height: u32, min_long_side: u32) -> u32 {
    let (long, short) = (
        u64::from(width.max(height).max(1)),
        u64::from(width.min(height)),
    );
    let want = u64::from(min_long_side);
    (short * want).div_ceil(long).min(short) as u32
}

/// The largest per-side reduction `k` (≥ 1) such that `ceil(short / k) >= min_short_side`.
fn largest_reduction(width: u32, height: u32, min_short_side: u32) -> u32 {
    let short = width.min(height).max(1);
    let want = min_short_side.max(1);
    if short <= want {
        return 1;
    }
    // ceil(short / k) >= want  <=>  short > (want - 1) * k  <=>  k < short / (want - 1)
    if want == 1 {
        return short;
    }
    (short - 1) / (want - 1)
}

/// Refuses, from header dimensions alone, an image over the decoding limits.
fn check_dimensions(format: Format, width: u32, height: u32, limits: &Limits) -> Result<()> {
    if width == 0 || height == 0 {
        return Err(Error::malformed(
            format,
            Part::Header,
            0,
            "image has no pixels",
        ));
    }
    if width > limits.max_dimension || height > limits.max_dimension {
        return Err(Error::limit(format, "max_dimension", Part::Header, 0));
    }
    if u64::from(width) * u64::from(height) > limits.max_decoded_pixels {
        return Err(Error::limit(format, "max_decoded_pixels", Part::Header, 0));
    }
    Ok(())
}

/// Runs `decode`, third-party decoder code fed the untrusted `bytes`, behind the guards every
/// decoding path shares. A PNG with a chunk that decoder is known to mishandle is refused first
/// ([`crate::formats::png::check_for_decoder`]). A panic on a crafted file becomes an ordinary
/// "cannot be decoded" error at `panic_part` instead of crossing into the host app: the decoders
/// are written to return errors, but this is the one net under all of them.
pub(crate) fn guarded<T>(
    bytes: &[u8],
    format: Format,
    panic_part: Part,
    decode: impl FnOnce() -> Result<T>,
) -> Result<T> {
    if format == Format::Png {
        crate::formats::png::check_for_decoder(bytes)?;
    }
    catch_unwind(AssertUnwindSafe(decode)).unwrap_or_else(|_| Err(undecodable(format, panic_part)))
}

fn undecodable(format: Format, part: Part) -> Error {
    Error::malformed(format, part, 0, "image data cannot be decoded")
}

/// The part named in a pixel-decoding error: where the compressed pixels live.
fn data_part(format: Format) -> Part {
    match format {
        Format::Jpeg => Part::JpegMarker(0xDA),
        Format::Png => Part::FourCc(*b"IDAT"),
        Format::Webp => Part::FourCc(*b"VP8 "),
        Format::Gif => Part::GifBlock(0x2C, 0),
        _ => Part::Header,
    }
}

/// A JPEG's header, read and checked: the decoder positioned after it, the stored size, the
/// EXIF orientation, and the reduction wanted (`wanted`, any integer) and reachable inside the
/// decoder (`dct`: 8, 4, 2 or 1).
struct JpegHeader<'b> {
    decoder: jpeg_decoder::Decoder<Cursor<&'b [u8]>>,
    width: u32,
    height: u32,
    orientation: u16,
    wanted: u32,
    dct: u32,
}

fn jpeg_header<'b>(
    bytes: &'b [u8],
    request: &AnalysisRequest,
    limits: &Limits,
) -> Result<JpegHeader<'b>> {
    let format = Format::Jpeg;
    let mut decoder = jpeg_decoder::Decoder::new(Cursor::new(bytes));
    decoder
        .read_info()
        .map_err(|_| undecodable(format, Part::Header))?;
    let info = decoder
        .info()
        .ok_or_else(|| undecodable(format, Part::Header))?;
    let (width, height) = (u32::from(info.width), u32::from(info.height));
    check_dimensions(format, width, height, limits)?;
    // APP1 comes before the frame header in every writer we know of, so the EXIF is read by now.
    // A photo with EXIF after SOF is treated as upright, as most viewers do.
    let orientation = decoder.exif_data().and_then(read_orientation).unwrap_or(1);
    let wanted = largest_reduction(width, height, request.min_short_side);
    let dct = [8u32, 4, 2, 1]
        .into_iter()
        .find(|&d| d <= wanted)
        .expect("1 is always <= wanted");
    Ok(JpegHeader {
        decoder,
        width,
        height,
        orientation,
        wanted,
        dct,
    })
}

/// The luminance of a JPEG from the DC-only decoder, when the reduction asked for reaches 1/8
/// and the fast path takes the file; `Ok(None)` when another route must decode it.
fn jpeg_luma_eighth(
    bytes: &[u8],
    request: &AnalysisRequest,
    limits: &Limits,
) -> Result<Option<AnalysisLuma>> {
    let header = jpeg_header(bytes, request, limits)?;
    if header.dct != 8 {
        return Ok(None);
    }
    let (w, h) = (header.width.div_ceil(8), header.height.div_ceil(8));
    let Some((lw, lh, luma)) = jpeg_dc::decode_eighth_luma(bytes, limits.max_decoded_pixels) else {
        return Ok(None);
    };
    if (lw, lh) != (w, h) {
        return Ok(None);
    }
    let further = (header.wanted / 8).max(1);
    let (width, height, luma) = shrink_luma_by_box(luma, lw, lh, further);
    Ok(Some(AnalysisLuma {
        width,
        height,
        luma,
        format: Format::Jpeg,
        stored_width: header.width,
        stored_height: header.height,
        orientation: header.orientation,
        reduction: 8 * further,
    }))
}

fn decode_jpeg(bytes: &[u8], request: &AnalysisRequest, limits: &Limits) -> Result<AnalysisImage> {
    let format = Format::Jpeg;
    let JpegHeader {
        mut decoder,
        width: stored_width,
        height: stored_height,
        orientation,
        wanted,
        dct: dct_reduction,
    } = jpeg_header(bytes, request, limits)?;
    // At 1/8 a pixel is a block's DC coefficient: the DC-only path skips the inverse DCT and
    // the AC values entirely. It declines anything unusual, which then takes the general path.
    if dct_reduction == 8 {
        if let Some(rgb) = jpeg_dc::decode_eighth(bytes, limits.max_decoded_pixels)
            .filter(|img| img.dimensions() == (stored_width.div_ceil(8), stored_height.div_ceil(8)))
        {
            let further = (wanted / 8).max(1);
            return Ok(AnalysisImage {
                image: shrink_by_box(&rgb, further),
                format,
                stored_width,
                stored_height,
                orientation,
                orientation_applied: false,
                reduction: 8 * further,
            });
        }
    }
    let (scaled_w, scaled_h) = (
        stored_width.div_ceil(dct_reduction),
        stored_height.div_ceil(dct_reduction),
    );
    let (out_w, out_h) = decoder
        .scale(
            u16::try_from(scaled_w).expect("≤ 65535: JPEG sizes are 16-bit"),
            u16::try_from(scaled_h).expect("≤ 65535: JPEG sizes are 16-bit"),
        )
        .map_err(|_| undecodable(format, Part::Header))?;
    let (out_w, out_h) = (u32::from(out_w), u32::from(out_h));
    let max_buffer = u64::from(out_w) * u64::from(out_h) * 4;
    decoder.set_max_decoding_buffer_size(usize::try_from(max_buffer).unwrap_or(usize::MAX));
    let pixels = decoder
        .decode()
        .map_err(|_| undecodable(format, data_part(format)))?;
    let pixel_format = decoder
        .info()
        .ok_or_else(|| undecodable(format, Part::Header))?
        .pixel_format;
    let rgb = jpeg_pixels_to_rgb(pixels, pixel_format, out_w, out_h)
        .ok_or_else(|| undecodable(format, data_part(format)))?;

    // The DCT went as far as 1/8; anything further is a box average.
    let actual_reduction = stored_width.div_ceil(out_w.max(1)).max(1);
    let further = (wanted / actual_reduction).max(1);
    let image = shrink_by_box(&rgb, further);
    Ok(AnalysisImage {
        image,
        format,
        stored_width,
        stored_height,
        orientation,
        orientation_applied: false,
        reduction: actual_reduction.saturating_mul(further),
    })
}

/// Converts `jpeg-decoder` output to 8-bit RGB. `None` when the buffer does not match the size.
fn jpeg_pixels_to_rgb(
    pixels: Vec<u8>,
    pixel_format: jpeg_decoder::PixelFormat,
    width: u32,
    height: u32,
) -> Option<RgbImage> {
    use jpeg_decoder::PixelFormat;
    let n = usize::try_from(u64::from(width) * u64::from(height)).ok()?;
    let rgb: Vec<u8> = match pixel_format {
        PixelFormat::RGB24 => {
            if pixels.len() != n.checked_mul(3)? {
                return None;
            }
            pixels
        }
        PixelFormat::L8 => {
            if pixels.len() != n {
                return None;
            }
            pixels.iter().flat_map(|&l| [l, l, l]).collect()
        }
        PixelFormat::L16 => {
            if pixels.len() != n.checked_mul(2)? {
                return None;
            }
            // jpeg-decoder emits 16-bit samples big-endian; the high byte is the 8-bit value.
            pixels
                .chunks_exact(2)
                .flat_map(|c| [c[0], c[0], c[0]])
                .collect()
        }
        PixelFormat::CMYK32 => {
            if pixels.len() != n.checked_mul(4)? {
                return None;
            }
            // jpeg-decoder hands back ink amounts (0 = no ink; it undoes Adobe's inversion).
            // Naive ink-to-light conversion, as Pillow and most viewers do without a colour
            // profile: analysis only needs the luminance structure.
            pixels
                .chunks_exact(4)
                .flat_map(|p| {
                    let light_k = 255 - u16::from(p[3]);
                    let f = |c: u8| (((255 - u16::from(c)) * light_k + 127) / 255) as u8;
                    [f(p[0]), f(p[1]), f(p[2])]
                })
                .collect()
        }
    };
    RgbImage::from_raw(width, height, rgb)
}

fn decode_with_image_crate(
    bytes: &[u8],
    format: Format,
    request: &AnalysisRequest,
    limits: &Limits,
) -> Result<AnalysisImage> {
    let image_format = match format {
        Format::Png => image::ImageFormat::Png,
        Format::Webp => image::ImageFormat::WebP,
        Format::Gif => image::ImageFormat::Gif,
        _ => return Err(Error::Unsupported { detected: None }),
    };
    let mut reader = image::ImageReader::with_format(Cursor::new(bytes), image_format);
    // Dimensions are checked below, from the header, with ShareSafe's own error; the decoder's
    // allocation cap is the second line of defence.
    let mut image_limits = image::Limits::default();
    // RGBA at 16 bits per channel is the widest buffer these decoders produce.
    image_limits.max_alloc = Some(limits.max_decoded_pixels.saturating_mul(8));
    reader.limits(image_limits);
    let mut decoder = reader
        .into_decoder()
        .map_err(|e| map_image_error(e, format))?;
    let (stored_width, stored_height) = decoder.dimensions();
    check_dimensions(format, stored_width, stored_height, limits)?;
    let orientation = decoder
        .exif_metadata()
        .ok()
        .flatten()
        .and_then(|exif| read_orientation(strip_exif_header(&exif)))
        .unwrap_or(1);
    let dynamic = DynamicImage::from_decoder(decoder).map_err(|e| map_image_error(e, format))?;
    let rgb = match dynamic {
        DynamicImage::ImageRgb8(rgb) => rgb,
        other => other.into_rgb8(),
    };
    let k = largest_reduction(stored_width, stored_height, request.min_short_side);
    Ok(AnalysisImage {
        image: shrink_by_box(&rgb, k),
        format,
        stored_width,
        stored_height,
        orientation,
        orientation_applied: false,
        reduction: k,
    })
}

fn map_image_error(e: image::ImageError, format: Format) -> Error {
    match e {
        image::ImageError::Limits(_) => Error::limit(format, "max_decoded_pixels", Part::Header, 0),
        image::ImageError::Unsupported(_) => Error::Unsupported {
            detected: Some(format.name()),
        },
        // Every decoder here reads from memory, which cannot fail: an I/O error is a decoder's
        // way of saying the bytes are wrong (a chunk cut short is `UnexpectedEof`; the png crate
        // reports a palette image's bKGD before any PLTE, as fuzzing found, and a malformed
        // cICP, mDCV or cLLI chunk as `InvalidData`), so it blames the input like any other
        // undecodable image.
        _ => undecodable(format, data_part(format)),
    }
}

/// Shrinks by averaging each `k`×`k` block (the last row/column of blocks may be partial).
/// `k = 1` returns a copy. This is what a JPEG DCT scale does, so every format is reduced the
/// same way, and memory is the output's size only.
pub fn shrink_by_box(src: &RgbImage, k: u32) -> RgbImage {
    if k <= 1 {
        return src.clone();
    }
    let (w, h) = src.dimensions();
    let (ow, oh) = (w.div_ceil(k), h.div_ceil(k));
    let mut sums = vec![[0u32; 3]; ow as usize];
    let mut out = RgbImage::new(ow, oh);
    for oy in 0..oh {
        sums.iter_mut().for_each(|s| *s = [0; 3]);
        let y0 = oy * k;
        let y1 = (y0 + k).min(h);
        for y in y0..y1 {
            for x in 0..w {
                let p = src.get_pixel(x, y).0;
                let s = &mut sums[(x / k) as usize];
                s[0] += u32::from(p[0]);
                s[1] += u32::from(p[1]);
                s[2] += u32::from(p[2]);
            }
        }
        for (ox, s) in sums.iter().enumerate() {
            let ox = ox as u32;
            let bw = (ox * k + k).min(w) - ox * k;
            let count = bw * (y1 - y0);
            let avg = |v: u32| ((v + count / 2) / count) as u8;
            out.put_pixel(ox, oy, image::Rgb([avg(s[0]), avg(s[1]), avg(s[2])]));
        }
    }
    out
}

/// [`shrink_by_box`] for a plane of luminance (`width × height` values): averages each `k`×`k`
/// block, unrounded. Returns the new width, height and values (the input itself when `k` is 1,
/// or when its length is not `width × height`).
pub fn shrink_luma_by_box(luma: Vec<f32>, width: u32, height: u32, k: u32) -> (u32, u32, Vec<f32>) {
    let (w, h) = (width as usize, height as usize);
    if k <= 1 || luma.len() != w * h {
        return (width, height, luma);
    }
    let k = k as usize;
    let (ow, oh) = (w.div_ceil(k), h.div_ceil(k));
    let mut out = Vec::with_capacity(ow * oh);
    let mut sums = vec![0f32; ow];
    for oy in 0..oh {
        sums.iter_mut().for_each(|s| *s = 0.0);
        let (y0, y1) = (oy * k, (oy * k + k).min(h));
        for row in luma[y0 * w..y1 * w].chunks_exact(w) {
            for (x, &v) in row.iter().enumerate() {
                sums[x / k] += v;
            }
        }
        for (ox, &s) in sums.iter().enumerate() {
            let bw = (ox * k + k).min(w) - ox * k;
            out.push(s / (bw * (y1 - y0)) as f32);
        }
    }
    (ow as u32, oh as u32, out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn read_bounded_stops_one_byte_past_the_limit() {
        let limits = Limits {
            max_input_bytes: 1000,
            ..Limits::default()
        };
        // An endless stream: the read must stop at the limit, not try to hold it all.
        let endless = std::io::repeat(0xAB);
        match read_bounded(endless, &limits) {
            Err(Error::LimitExceeded { limit, .. }) => assert_eq!(limit, "max_input_bytes"),
            other => panic!("expected the input-size limit, got {other:?}"),
        }
        let exact = vec![7u8; 1000];
        assert_eq!(
            read_bounded(&exact[..], &limits).expect("at the limit"),
            exact
        );
    }

    #[test]
    fn reduction_keeps_short_side_at_least_requested() {
        assert_eq!(largest_reduction(4032, 3024, 128), 23); // ceil(3024/23)=132, /24=126
        assert!(3024u32.div_ceil(23) >= 128 && 3024u32.div_ceil(24) < 128);
        assert_eq!(largest_reduction(100, 80, 128), 1);
        assert_eq!(largest_reduction(100, 80, 0), 80);
        assert_eq!(largest_reduction(256, 256, 128), 2);
    }

    #[test]
    fn long_side_request_keeps_the_long_side() {
        // 12 MP 4:3 wanting 1280 on the long side: the short side in proportion.
        assert_eq!(min_short_side_for_long(4032, 3024, 1280), 960);
        assert_eq!(min_short_side_for_long(3024, 4032, 1280), 960);
        // A panorama is reduced by its long side, not its short one.
        assert_eq!(min_short_side_for_long(12000, 2000, 1200), 200);
        // Never asks for more than the image has.
        assert_eq!(min_short_side_for_long(800, 600, 1280), 600);
        let k = largest_reduction(12000, 2000, 200);
        assert!(12000u32.div_ceil(k) >= 1200, "k {k}");
    }

    #[test]
    fn stored_size_reads_the_header_only() {
        let png = encode_png(&RgbImage::new(30, 20));
        assert_eq!(
            stored_size(&png, &Limits::default()).expect("header"),
            (30, 20, 1)
        );
        let tight = Limits {
            max_dimension: 29,
            ..Limits::default()
        };
        assert!(matches!(
            stored_size(&png, &tight),
            Err(Error::LimitExceeded { .. })
        ));
        assert!(stored_size(b"nope", &Limits::default()).is_err());
    }

    #[test]
    fn box_shrink_averages_blocks_and_keeps_partial_edges() {
        let mut img = RgbImage::new(5, 3);
        for (x, y, p) in img.enumerate_pixels_mut() {
            *p = image::Rgb([(x * 10) as u8, (y * 100) as u8, 7]);
        }
        let s = shrink_by_box(&img, 2);
        assert_eq!(s.dimensions(), (3, 2));
        assert_eq!(s.get_pixel(0, 0).0, [5, 50, 7]);
        assert_eq!(s.get_pixel(2, 1).0, [40, 200, 7]); // the lone corner pixel
    }

    /// `png` with one more chunk right after IHDR.
    fn with_chunk_after_ihdr(png: &[u8], kind: &[u8; 4], data: &[u8]) -> Vec<u8> {
        let at = 8 + 25; // the signature, then IHDR: length, type, 13 bytes, CRC
        let chunk = crate::formats::png::tests::chunk(kind, data);
        [&png[..at], &chunk, &png[at..]].concat()
    }

    #[test]
    fn a_decoders_io_error_from_memory_blames_the_input() {
        // A cICP chunk whose matrix coefficients are not 0 (RGB): the png crate refuses it with
        // a bare `io::ErrorKind::InvalidData`, which once came out as an I/O error ("read
        // input") instead of a damaged image. Fuzzing found it through another chunk the crate
        // refuses the same way, a palette image's bKGD with no PLTE before it
        // (fuzz_regressions/decode/crash-0a572599…).
        let png =
            with_chunk_after_ihdr(&encode_png(&RgbImage::new(30, 20)), b"cICP", &[1, 13, 1, 1]);
        let req = AnalysisRequest {
            min_short_side: 8,
            apply_orientation: false,
        };
        for e in [
            decode_for_analysis(&png, &req, &Limits::default()).expect_err("a bad cICP"),
            stored_size(&png, &Limits::default()).expect_err("a bad cICP"),
        ] {
            assert!(
                matches!(
                    e,
                    Error::Malformed {
                        format: Format::Png,
                        ..
                    }
                ),
                "{e:?}"
            );
        }
        // The same chunk well formed (sRGB primaries and transfer, RGB, full range) decodes.
        let fine =
            with_chunk_after_ihdr(&encode_png(&RgbImage::new(30, 20)), b"cICP", &[1, 13, 0, 1]);
        assert!(decode_for_analysis(&fine, &req, &Limits::default()).is_ok());
    }

    #[test]
    fn a_png_palette_the_decoder_would_panic_on_is_refused_first() {
        use crate::formats::png::tests::indexed_png;
        // 52 bytes, 17⅓ entries: png 0.18.1 panics expanding it, and a caught panic would come
        // out as undecodable IDAT (fuzz_regressions/decode/crash-729d20e5…); the refusal names
        // the palette instead, before the decoder runs.
        let req = AnalysisRequest {
            min_short_side: 64, // no reduction
            apply_orientation: false,
        };
        match decode_for_analysis(&indexed_png(&[9; 52]), &req, &Limits::default()) {
            Err(Error::Malformed {
                part: Part::FourCc(k),
                ..
            }) => assert_eq!(&k, b"PLTE"),
            other => panic!("{other:?}"),
        }
        let fine = decode_for_analysis(&indexed_png(&[9; 51]), &req, &Limits::default())
            .expect("17 whole entries");
        assert_eq!(fine.image.get_pixel(1, 0).0, [9; 3]);
    }

    fn encode_png(img: &RgbImage) -> Vec<u8> {
        let mut out = Vec::new();
        img.write_to(&mut Cursor::new(&mut out), image::ImageFormat::Png)
            .expect("encoding to memory");
        out
    }

    #[test]
    fn refuses_oversized_headers_before_decoding() {
        let png = encode_png(&RgbImage::new(300, 200));
        let tight = Limits {
            max_dimension: 299,
            ..Limits::default()
        };
        let req = AnalysisRequest {
            min_short_side: 64,
            apply_orientation: false,
        };
        assert!(matches!(
            decode_for_analysis(&png, &req, &tight),
            Err(Error::LimitExceeded {
                limit: "max_dimension",
                ..
            })
        ));
        let few = Limits {
            max_decoded_pixels: 59_999,
            ..Limits::default()
        };
        assert!(matches!(
            decode_for_analysis(&png, &req, &few),
            Err(Error::LimitExceeded {
                limit: "max_decoded_pixels",
                ..
            })
        ));
        let ok = decode_for_analysis(&png, &req, &Limits::default()).expect("decodes");
        assert_eq!((ok.stored_width, ok.stored_height), (300, 200));
        assert_eq!(ok.image.height(), 67); // 200 / 3, rounded up
    }

    #[test]
    fn luma_is_the_rgb_decodes_luminance_within_its_rounding() {
        // Smooth colour (no saturated corners) so only rounding separates the two routes.
        let img = RgbImage::from_fn(1600, 1200, |x, y| {
            let (fx, fy) = (x as f32 / 1600.0, y as f32 / 1200.0);
            let v = |a: f32| (128.0 + 80.0 * a.sin()) as u8;
            image::Rgb([v(fx * 9.0), v(fy * 7.0 + 1.0), v((fx + fy) * 5.0 + 2.0)])
        });
        let mut jpeg = Vec::new();
        img.write_to(&mut Cursor::new(&mut jpeg), image::ImageFormat::Jpeg)
            .expect("encoding to memory");
        let png = encode_png(&img);
        let limits = Limits::default();
        // (input, short side asked for, largest difference allowed). Rounding each of R, G, B
        // to an integer moves luminance by at most 0.5; at 1/16 the RGB route rounds again
        // after its box average.
        for (bytes, short, bound) in [(&jpeg, 150, 0.5), (&jpeg, 70, 1.0), (&png, 150, 0.0)] {
            let luma = decode_luma_for_analysis(bytes, short, &limits).expect("luma");
            let req = AnalysisRequest {
                min_short_side: short,
                apply_orientation: false,
            };
            let rgb = decode_for_analysis(bytes, &req, &limits).expect("rgb");
            assert_eq!((luma.width, luma.height), rgb.image.dimensions(), "{short}");
            assert_eq!(luma.reduction, rgb.reduction);
            assert_eq!(
                (luma.stored_width, luma.stored_height, luma.orientation),
                (1600, 1200, 1)
            );
            let reference = luminance(&rgb.image);
            let worst = luma
                .luma
                .iter()
                .zip(&reference)
                .map(|(a, b)| (a - b).abs())
                .fold(0f32, f32::max);
            // A PNG takes the RGB route itself: no difference at all.
            assert!(worst <= bound + 1e-3, "short side {short}: {worst}");
        }
    }

    #[test]
    fn jpeg_is_decoded_at_dct_scale() {
        let mut img = RgbImage::new(1600, 1200);
        for (x, y, p) in img.enumerate_pixels_mut() {
            *p = image::Rgb([(x % 256) as u8, (y % 256) as u8, ((x + y) % 256) as u8]);
        }
        let mut jpeg = Vec::new();
        img.write_to(&mut Cursor::new(&mut jpeg), image::ImageFormat::Jpeg)
            .expect("encoding to memory");
        let req = AnalysisRequest {
            min_short_side: 150,
            apply_orientation: true,
        };
        let d = decode_for_analysis(&jpeg, &req, &Limits::default()).expect("decodes");
        assert_eq!(d.image.dimensions(), (200, 150));
        assert_eq!(d.reduction, 8);
        assert_eq!(d.orientation, 1);
        assert!(!d.orientation_applied);
    }

    #[test]
    fn garbage_and_truncation_are_typed_errors() {
        let req = AnalysisRequest {
            min_short_side: 64,
            apply_orientation: false,
        };
        assert!(matches!(
            decode_for_analysis(b"hello", &req, &Limits::default()),
            Err(Error::Unsupported { .. })
        ));
        let png = encode_png(&RgbImage::new(64, 64));
        let cut = &png[..png.len() / 2];
        let err = decode_for_analysis(cut, &req, &Limits::default()).expect_err("truncated");
        assert!(err.is_input_fault(), "{err}");
        let jpeg_head = [0xFF, 0xD8, 0xFF, 0xE0, 0, 4, 0, 0];
        let err = decode_for_analysis(&jpeg_head, &req, &Limits::default()).expect_err("no frame");
        assert!(err.is_input_fault(), "{err}");
    }
}
