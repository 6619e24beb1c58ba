//! Why this exists: an EXIF thumbnail is written when the photo is taken and many editors never
//! update it. Crop your child's school out of a photo and the 160×120 preview may still show the
//! whole scene. This module decides whether the thumbnail shows a *different picture* from the
//! main image: both are reduced to a tiny grey image (after cutting the black bars phones add to
//! fit a 4:3 preview) and compared by shape and by normalised correlation.
//!
//! The main image is decoded by [`crate::decode`] at reduced scale (DCT/DC-only for JPEG), never
//! at full size; the thumbnail itself (about 160×120) is decoded by the `image` crate.

use std::io::{BufReader, Read, Seek};
use std::panic::{catch_unwind, AssertUnwindSafe};

use image::{imageops, DynamicImage, GrayImage, ImageDecoder, ImageFormat, ImageReader};

use crate::decode::{decode_reader_for_analysis, AnalysisRequest};
use crate::{Format, Limits};

/// Side of the grey images compared.
const SIDE: u32 = 16;
/// Below this correlation the two pictures are different scenes. Re-encoded copies of one scene
/// correlate above 0.9; unrelated photos scatter around 0.
const MIN_CORRELATION: f32 = 0.5;
/// Aspect ratios differing by more than this (as |ln(a/b)|, about 20 %) mean a different frame:
/// the photo was cropped after the thumbnail was made.
const MAX_ASPECT_LN: f64 = 0.18;

/// `Some(true)` when the thumbnail shows a different picture, `Some(false)` when it shows the same
/// one, `None` when either cannot be decoded (the thumbnail finding stands on its own then).
pub(crate) fn differs_from_main<R: Read + Seek>(
    thumb_jpeg: &[u8],
    main: R,
    format: Format,
    limits: &Limits,
) -> Option<bool> {
    let thumb = decode_small(
        std::io::Cursor::new(thumb_jpeg),
        ImageFormat::Jpeg,
        limits,
        u32::MAX,
    )?;
    let main = decode_main_reduced(main, format, limits, 4 * SIDE)?;
    Some(pictures_differ(&thumb, &main))
}

/// Decodes the main picture to a small grey image whose shorter side is at least
/// `min_short_side`, through the shared reduced-scale decoder (a 12 MP JPEG is decoded at 1/8
/// scale inside the decoder and never exists at full size).
pub(crate) fn decode_main_reduced<R: Read + Seek>(
    main: R,
    format: Format,
    limits: &Limits,
    min_short_side: u32,
) -> Option<GrayImage> {
    if !matches!(format, Format::Jpeg | Format::Png | Format::Webp) {
        return None;
    }
    let req = AnalysisRequest {
        min_short_side,
        apply_orientation: false,
    };
    let d = decode_reader_for_analysis(main, &req, limits).ok()?;
    Some(DynamicImage::ImageRgb8(d.image).to_luma8())
}

fn decode_small<R: Read + Seek>(
    r: R,
    format: ImageFormat,
    limits: &Limits,
    min_short_side: u32,
) -> Option<GrayImage> {
    // Decoders are third-party code fed hostile bytes: a panic there is a "cannot decode", not a
    // crash of the host app.
    catch_unwind(AssertUnwindSafe(|| {
        let mut reader = ImageReader::with_format(BufReader::new(r), format);
        let mut l = image::Limits::default();
        l.max_image_width = Some(limits.max_dimension);
        l.max_image_height = Some(limits.max_dimension);
        l.max_alloc = Some(limits.max_decoded_pixels.saturating_mul(4));
        reader.limits(l);
        let decoder = reader.into_decoder().ok()?;
        let (w, h) = decoder.dimensions();
        if w == 0 || h == 0 || u64::from(w) * u64::from(h) > limits.max_decoded_pixels {
            return None;
        }
        let img = DynamicImage::from_decoder(decoder).ok()?;
        let short = w.min(h);
        let k = (short / min_short_side.max(1)).max(1);
        // into_rgb8 reuses the decoded buffer: one full-size image in memory, not two.
        let rgb = img.into_rgb8();
        let small = if k > 1 {
            imageops::thumbnail(&rgb, (w / k).max(1), (h / k).max(1))
        } else {
            rgb
        };
        Some(DynamicImage::ImageRgb8(small).to_luma8())
    }))
    .ok()
    .flatten()
}

/// Rows/columns at the edges that are flat and dark: letterbox bars.
fn trim_bars(img: &GrayImage) -> GrayImage {
    let (w, h) = img.dimensions();
    let flat_dark = |vals: &mut dyn Iterator<Item = u8>| {
        let (mut lo, mut hi, mut sum, mut n) = (255u8, 0u8, 0u32, 0u32);
        for v in vals {
            lo = lo.min(v);
            hi = hi.max(v);
            sum += u32::from(v);
            n += 1;
        }
        n > 0 && hi.saturating_sub(lo) < 24 && sum / n < 24
    };
    let row = |y: u32| flat_dark(&mut (0..w).map(move |x| img.get_pixel(x, y).0[0]));
    let col = |x: u32| flat_dark(&mut (0..h).map(move |y| img.get_pixel(x, y).0[0]));
    let (mut top, mut bottom) = (0, h);
    while top < bottom && row(top) {
        top += 1;
    }
    while bottom > top && row(bottom - 1) {
        bottom -= 1;
    }
    let (mut left, mut right) = (0, w);
    while left < right && col(left) {
        left += 1;
    }
    while right > left && col(right - 1) {
        right -= 1;
    }
    // An all-dark thumbnail is compared whole.
    if bottom - top < h / 4 || right - left < w / 4 {
        return img.clone();
    }
    imageops::crop_imm(img, left, top, right - left, bottom - top).to_image()
}

fn normalised(img: &GrayImage) -> (Vec<f32>, f32, f32) {
    let small = imageops::resize(img, SIDE, SIDE, imageops::FilterType::Triangle);
    let v: Vec<f32> = small.pixels().map(|p| f32::from(p.0[0])).collect();
    let n = v.len() as f32;
    let mean = v.iter().sum::<f32>() / n;
    let sd = (v.iter().map(|x| (x - mean) * (x - mean)).sum::<f32>() / n).sqrt();
    (v, mean, sd)
}

/// True when `thumb` and `main` show different pictures.
pub(crate) fn pictures_differ(thumb: &GrayImage, main: &GrayImage) -> bool {
    let thumb = trim_bars(thumb);
    let aspect = |i: &GrayImage| f64::from(i.width()) / f64::from(i.height().max(1));
    if (aspect(&thumb) / aspect(main)).ln().abs() > MAX_ASPECT_LN {
        return true;
    }
    let (a, ma, sa) = normalised(&thumb);
    let (b, mb, sb) = normalised(main);
    if sa < 2.0 || sb < 2.0 {
        // A flat picture has no shape to correlate: compare brightness.
        return (ma - mb).abs() > 40.0 || (sa < 2.0) != (sb < 2.0);
    }
    let n = a.len() as f32;
    let corr = a
        .iter()
        .zip(&b)
        .map(|(x, y)| (x - ma) * (y - mb))
        .sum::<f32>()
        / (n * sa * sb);
    log::trace!("thumbnail correlation {corr:.3}");
    corr < MIN_CORRELATION
}

#[cfg(test)]
mod tests {
    use super::*;

    fn scene(w: u32, h: u32, flip: bool) -> GrayImage {
        GrayImage::from_fn(w, h, |x, y| {
            let (x, y) = if flip { (w - 1 - x, y) } else { (x, y) };
            let v = (x * 255 / w) / 2
                + if (x / (w / 4) + y / (h / 3)) % 2 == 0 {
                    100
                } else {
                    0
                };
            image::Luma([v.min(255) as u8])
        })
    }

    #[test]
    fn same_scene_at_two_sizes_is_the_same_picture() {
        let main = scene(640, 480, false);
        let thumb = imageops::resize(&main, 160, 120, imageops::FilterType::Triangle);
        assert!(!pictures_differ(&thumb, &main));
    }

    #[test]
    fn letterboxed_thumbnail_of_a_wide_photo_is_the_same_picture() {
        let main = scene(1600, 900, false);
        let inner = imageops::resize(&main, 160, 90, imageops::FilterType::Triangle);
        let mut thumb = GrayImage::new(160, 120);
        imageops::replace(&mut thumb, &inner, 0, 15);
        assert!(!pictures_differ(&thumb, &main));
    }

    #[test]
    fn other_scene_or_other_frame_differs() {
        let main = scene(640, 480, false);
        let other = imageops::resize(
            &scene(640, 480, true),
            160,
            120,
            imageops::FilterType::Triangle,
        );
        assert!(pictures_differ(&other, &main));
        let uncropped = scene(640, 640, false);
        assert!(pictures_differ(&uncropped, &main));
    }
}
