//! Why this exists: inputs the DCT-domain editor cannot touch (progressive JPEG, PNG, WebP) are
//! decoded, painted and re-encoded, and the face detector needs decoded pixels too. Decoding is
//! bounded by [`Limits`] before any pixel buffer is allocated, and EXIF orientation is applied so
//! coordinates are the ones the parent sees.
//!
//! Decoding here is at full size, for painting; [`crate::decode`] decodes at reduced scale, for
//! analysis. Both run the third-party decoders behind the same guards
//! ([`crate::decode::guarded`]).

use std::io::Cursor;

use image::{DynamicImage, GenericImage, ImageDecoder, ImageEncoder, ImageReader, Rgba};

use super::{Painter, Region};
use crate::{Error, Format, Limits, Part, Result};

/// A decoded photo, upright, with its colour profile.
pub(crate) struct Decoded {
    /// Pixels with EXIF orientation applied.
    pub(crate) image: DynamicImage,
    /// The embedded ICC profile, kept for the re-encode.
    pub(crate) icc: Option<Vec<u8>>,
}

fn undecodable(format: Format) -> Error {
    Error::malformed(format, Part::Header, 0, "image data could not be decoded")
}

/// Decodes `bytes` within `limits` (dimensions checked before the pixel buffer is allocated) and
/// applies the EXIF orientation.
pub(crate) fn decode_oriented(bytes: &[u8], limits: &Limits) -> Result<Decoded> {
    let format = crate::sniff(bytes).ok_or(Error::Unsupported { detected: None })?;
    crate::decode::guarded(bytes, format, Part::Header, || {
        decode_unguarded(bytes, format, limits)
    })
}

fn decode_unguarded(bytes: &[u8], format: Format, limits: &Limits) -> Result<Decoded> {
    let image_format = match format {
        Format::Jpeg => image::ImageFormat::Jpeg,
        Format::Png => image::ImageFormat::Png,
        Format::Webp => image::ImageFormat::WebP,
        Format::Gif => image::ImageFormat::Gif,
        other => {
            return Err(Error::Unsupported {
                detected: Some(other.name()),
            })
        }
    };
    let mut reader = ImageReader::with_format(Cursor::new(bytes), image_format);
    let mut image_limits = image::Limits::default();
    image_limits.max_image_width = Some(limits.max_dimension);
    image_limits.max_image_height = Some(limits.max_dimension);
    // Decoded RGBA at the pixel limit, plus the decoder's own planes.
    image_limits.max_alloc = Some(limits.max_decoded_pixels.saturating_mul(8));
    reader.limits(image_limits);
    let mut decoder = reader.into_decoder().map_err(|_| undecodable(format))?;
    let (w, h) = decoder.dimensions();
    if w > limits.max_dimension
        || h > limits.max_dimension
        || u64::from(w) * u64::from(h) > limits.max_decoded_pixels
    {
        return Err(Error::limit(format, "max_decoded_pixels", Part::Header, 0));
    }
    let orientation = decoder
        .orientation()
        .unwrap_or(image::metadata::Orientation::NoTransforms);
    let icc = decoder.icc_profile().ok().flatten();
    let mut image = DynamicImage::from_decoder(decoder).map_err(|e| match e {
        image::ImageError::Limits(_) => Error::limit(format, "max_decoded_pixels", Part::Header, 0),
        _ => undecodable(format),
    })?;
    image.apply_orientation(orientation);
    Ok(Decoded { image, icc })
}

/// Overwrites every pixel of every region with the painter's colour. Returns the pixel count.
pub(crate) fn paint(image: &mut DynamicImage, regions: &[Region], painter: &Painter) -> u64 {
    let mut n = 0u64;
    for r in regions {
        for y in r.y..r.y + r.height {
            for x in r.x..r.x + r.width {
                let [red, g, b] = painter.displayed_rgb(x as f32 + 0.5, y as f32 + 0.5);
                // Opaque: a transparent pixel would still carry its colour channels.
                image.put_pixel(x, y, Rgba([red, g, b, 255]));
                n += 1;
            }
        }
    }
    n
}

fn encode_error(format: Format) -> Error {
    Error::VerificationFailed {
        format,
        reason: "re-encoding the redacted image failed",
    }
}

/// Encodes the painted image in its own format: PNG and WebP losslessly, JPEG at quality 95.
pub(crate) fn encode(image: &DynamicImage, format: Format, icc: Option<&[u8]>) -> Result<Vec<u8>> {
    let mut out = Vec::new();
    let err = |_| encode_error(format);
    match format {
        Format::Jpeg => {
            let rgb = image.to_rgb8();
            let mut enc = image::codecs::jpeg::JpegEncoder::new_with_quality(&mut out, 95);
            if let Some(p) = icc {
                // A profile the encoder refuses is dropped; colours shift slightly, nothing leaks.
                let _ = enc.set_icc_profile(p.to_vec());
            }
            enc.write_image(
                rgb.as_raw(),
                rgb.width(),
                rgb.height(),
                image::ExtendedColorType::Rgb8,
            )
            .map_err(err)?;
        }
        Format::Png => {
            let mut enc = image::codecs::png::PngEncoder::new(&mut out);
            if let Some(p) = icc {
                let _ = enc.set_icc_profile(p.to_vec());
            }
            enc.write_image(
                image.as_bytes(),
                image.width(),
                image.height(),
                image.color().into(),
            )
            .map_err(err)?;
        }
        Format::Webp => {
            let rgba = image.to_rgba8();
            let mut enc = image::codecs::webp::WebPEncoder::new_lossless(&mut out);
            if let Some(p) = icc {
                let _ = enc.set_icc_profile(p.to_vec());
            }
            enc.write_image(
                rgba.as_raw(),
                rgba.width(),
                rgba.height(),
                image::ExtendedColorType::Rgba8,
            )
            .map_err(err)?;
        }
        other => {
            return Err(Error::Unsupported {
                detected: Some(other.name()),
            })
        }
    }
    Ok(out)
}

/// Checks the decoded output: every pixel of every region must be the painted colour (exactly
/// for lossless formats; for JPEG within compression error, away from the region's edges where
/// the original's neighbouring blocks ring into it). `gray`: the image has no colour channels.
pub(crate) fn check_painted(
    rgb: &image::RgbImage,
    regions: &[Region],
    painter: &Painter,
    lossy: bool,
    gray: bool,
) -> std::result::Result<(), &'static str> {
    use image::Pixel;
    for r in regions {
        let inset = if lossy { 8 } else { 0 };
        if r.width <= 2 * inset || r.height <= 2 * inset {
            continue;
        }
        let (mut sum, mut n) = (0u64, 0u64);
        for y in r.y + inset..r.y + r.height - inset {
            for x in r.x + inset..r.x + r.width - inset {
                let mut want = painter.displayed_rgb(x as f32 + 0.5, y as f32 + 0.5);
                if gray {
                    // The paint went through the encoder's own RGB-to-luma conversion.
                    want = [image::Rgb(want).to_luma().0[0]; 3];
                }
                let got = rgb.get_pixel(x, y).0;
                let diff: u64 = (0..3).map(|c| u64::from(want[c].abs_diff(got[c]))).sum();
                if !lossy && diff != 0 {
                    return Err("a redacted pixel differs from the painted colour");
                }
                sum += diff;
                n += 1;
            }
        }
        // Mean error per channel above 4 levels means something other than the paint is there.
        if lossy && n > 0 && sum > n * 3 * 4 {
            return Err("a redacted area differs from the painted content");
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::formats::png::tests::indexed_png;

    #[test]
    fn a_png_palette_the_decoder_would_panic_on_is_refused_first() {
        // 52 bytes: png 0.18.1 panics expanding it (fuzz_regressions/decode/crash-729d20e5…).
        match decode_oriented(&indexed_png(&[7; 52]), &Limits::default()) {
            Err(Error::Malformed {
                part: Part::FourCc(k),
                ..
            }) => assert_eq!(&k, b"PLTE"),
            Err(e) => panic!("refused, but not for the palette: {e:?}"),
            Ok(_) => panic!("a 52-byte palette decoded"),
        }
        let fine = decode_oriented(&indexed_png(&[7; 6]), &Limits::default()).expect("decodes");
        assert_eq!(fine.image.to_rgb8().get_pixel(0, 0).0, [7; 3]);
    }
}
