//! Why this exists: a blurred or stickered face can be "restored" by AI, because the face is still
//! in the file. ShareSafe destroys the pixels instead: every redacted area is replaced by content
//! made from nothing but a colour (and, for a sticker, its own shape), then the result goes
//! through the same allowlist clean and verification as any share, and is checked again after
//! encoding. If any step cannot be done or checked, the caller gets an error, never the photo.
//!
//! Baseline JPEG (what phones write) is edited in the DCT domain (module `jpeg_dct`): only the
//! MCUs touching a region change, everything else keeps its coefficients. Other inputs are
//! decoded, painted and re-encoded (module `raster`): PNG and WebP losslessly, progressive JPEG
//! at quality 95.

mod jpeg_dct;
pub(crate) mod raster;

use serde::{Deserialize, Serialize};

use crate::{clean_bytes, sniff, CleanOptions, Format, Limits};

/// A rectangle in the photo as the parent sees it (EXIF orientation applied), in pixels.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct Region {
    /// Left edge.
    pub x: u32,
    /// Top edge.
    pub y: u32,
    /// Width (a region of width or height 0 is refused).
    pub width: u32,
    /// Height.
    pub height: u32,
}

impl Region {
    /// This region grown by `margins` (fractions of its own size), so a redaction covers hair,
    /// ears and chin as well as the detected box. Saturates at 0; the far edges are clipped to the
    /// photo when redacting.
    pub fn with_margins(&self, margins: &Margins) -> Region {
        let grow = |len: u32, frac: f32| (len as f32 * frac.max(0.0)).round() as u32;
        let left = grow(self.width, margins.sides);
        let top = grow(self.height, margins.top);
        let bottom = grow(self.height, margins.bottom);
        let x = self.x.saturating_sub(left);
        let y = self.y.saturating_sub(top);
        Region {
            x,
            y,
            width: (self.x - x).saturating_add(self.width).saturating_add(left),
            height: (self.y - y)
                .saturating_add(self.height)
                .saturating_add(bottom),
        }
    }

    fn right(&self) -> u64 {
        u64::from(self.x) + u64::from(self.width)
    }
    fn bottom(&self) -> u64 {
        u64::from(self.y) + u64::from(self.height)
    }
}

/// How far a redaction extends beyond a detected face box, as fractions of the box's size. A face
/// detector's box covers eyes to chin; hair and ears identify a child too.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct Margins {
    /// Added left and right, each (default 0.25).
    pub sides: f32,
    /// Added above, for hair (default 0.45).
    pub top: f32,
    /// Added below, for the chin (default 0.15).
    pub bottom: f32,
}

impl Margins {
    /// No margin: for boxes the parent drew by hand.
    pub const NONE: Margins = Margins {
        sides: 0.0,
        top: 0.0,
        bottom: 0.0,
    };
}

impl Default for Margins {
    fn default() -> Self {
        Margins {
            sides: 0.25,
            top: 0.45,
            bottom: 0.15,
        }
    }
}

/// What a redacted area looks like. There is no blur or pixelation: both keep enough of the face
/// to be reversed or re-synthesised.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
pub enum RedactionStyle {
    /// A flat colour over the whole area (default).
    #[default]
    SolidFill,
    /// A round badge sticker drawn over the filled area: the pixels under it were destroyed
    /// first, so removing the sticker reveals only the fill.
    Sticker,
}

/// How a redaction runs.
#[derive(Debug, Clone)]
pub struct RedactOptions {
    /// The look of the redacted areas.
    pub style: RedactionStyle,
    /// The fill colour (RGB; default a dark grey).
    pub fill: [u8; 3],
    /// Resource limits for reading the photo and for the clean.
    pub limits: Limits,
    /// Photos up to this many pixels are fully decoded for the after-encoding face check; larger
    /// baseline JPEGs are checked on a 1/8-scale image built from their DC coefficients, to stay
    /// within a share extension's memory (default 4 MP).
    pub max_full_check_pixels: u64,
    /// Largest photo redacted by decoding and re-encoding (progressive JPEG, PNG, WebP), in
    /// pixels (default 16 MP). The whole image is held decoded, twice during the check, so a
    /// larger one would not fit a share extension; it is refused with
    /// [`crate::Error::LimitExceeded`] (`max_decoded_pixels`) instead.
    pub max_reencode_pixels: u64,
}

impl Default for RedactOptions {
    fn default() -> Self {
        RedactOptions {
            style: RedactionStyle::SolidFill,
            fill: [40, 40, 40],
            limits: Limits::default(),
            max_full_check_pixels: 4_000_000,
            max_reencode_pixels: 16_000_000,
        }
    }
}

/// How the redacted file was produced.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub enum RedactMethod {
    /// Baseline JPEG edited in the DCT domain: blocks outside the redacted MCUs are untouched.
    DctDomain,
    /// Decoded, painted and re-encoded (PNG and WebP lossless, JPEG at quality 95).
    Reencoded,
}

/// What a redaction did, for the app and the CLI.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct RedactReport {
    /// The container format of input and output.
    pub format: Format,
    /// DCT-domain edit or re-encode.
    pub method: RedactMethod,
    /// The regions actually redacted, in displayed coordinates, clipped to the photo. For a
    /// DCT-domain edit the destroyed area extends to the enclosing MCUs (8 or 16 pixels).
    pub regions: Vec<Region>,
    /// Blocks replaced (DCT-domain) or pixels painted (re-encode).
    pub units_replaced: u64,
    /// Faces the after-encoding check found elsewhere in the photo (never inside a region).
    pub faces_found_after: usize,
    /// The checks that passed on the final bytes.
    pub checks: Vec<&'static str>,
}

/// A redacted, cleaned and verified photo.
#[derive(Debug, Clone)]
pub struct Redacted {
    /// The file to share.
    pub bytes: Vec<u8>,
    /// What was done and checked.
    pub report: RedactReport,
}

/// Why a redaction was refused. In every case no photo is returned.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum RedactError {
    /// The photo could not be read, is over a limit, or its clean failed.
    #[error(transparent)]
    Input(#[from] crate::Error),
    /// A region is empty or lies wholly outside the photo.
    #[error("region {index} is empty or outside the photo")]
    BadRegion {
        /// Position of the region in the list passed in.
        index: usize,
    },
    /// The check after encoding found detail left in a redacted area. A bug, never the photo's
    /// fault; the output was discarded.
    #[error("redacted output failed its check: {0}")]
    NotRedacted(&'static str),
    /// The face check after encoding could not run (the detector failed).
    #[error("the face check could not run: {0}")]
    FaceCheckFailed(&'static str),
}

/// Something that finds faces in a decoded image: the detector in [`crate::faces`], or a test
/// double. Used to check that no face is found where one was hidden.
pub trait FaceFinder {
    /// Face boxes in `image`'s own pixel coordinates.
    fn find_faces(&self, image: &image::RgbImage) -> Result<Vec<Region>, &'static str>;
}

/// Redacts `regions` (displayed coordinates) of `photo` in `style`, cleans the result and
/// verifies it. The simple entry point; see [`redact_with`] for options and the face check.
pub fn redact(
    photo: &[u8],
    regions: &[Region],
    style: RedactionStyle,
) -> Result<Vec<u8>, RedactError> {
    let opts = RedactOptions {
        style,
        ..RedactOptions::default()
    };
    Ok(redact_with(photo, regions, &opts, None)?.bytes)
}

/// The redaction with every knob. When `finder` is given, the final bytes are decoded and
/// searched for faces, and any face whose centre falls in a redacted region fails the call.
pub fn redact_with(
    photo: &[u8],
    regions: &[Region],
    opts: &RedactOptions,
    finder: Option<&dyn FaceFinder>,
) -> Result<Redacted, RedactError> {
    let limits = &opts.limits;
    if photo.len() as u64 > limits.max_input_bytes {
        return Err(crate::Error::limit(
            sniff(photo).unwrap_or(Format::Jpeg),
            "max_input_bytes",
            crate::Part::Header,
            0,
        )
        .into());
    }
    let format = sniff(photo).ok_or(crate::Error::Unsupported { detected: None })?;
    let mut checks = Vec::new();

    // Baseline JPEG: the DCT-domain edit.
    if format == Format::Jpeg {
        let info = jpeg_dct::inspect(photo, limits)?;
        if info.sequential_huffman {
            let view = View::new(info.frame.width, info.frame.height, info.orientation);
            let clipped = view.clip_all(regions)?;
            let mut mask = jpeg_dct::McuMask::new(&info.frame);
            for r in &clipped {
                let (x0, y0, x1, y1) = view.displayed_to_stored(r);
                mask.mark(x0, y0, x1, y1);
            }
            let painter = Painter::new(opts, &clipped, view);
            match jpeg_dct::redact(photo, limits, &info, &mask, &painter)? {
                jpeg_dct::DctOutcome::Edited { bytes, blocks } => {
                    let cleaned = clean_bytes(&bytes, &clean_options(limits))?;
                    drop(bytes);
                    checks.push("cleaned and verified by the allowlist cleaner");
                    match jpeg_dct::verify_redacted(&cleaned.bytes, limits, &mask, &painter)? {
                        Ok(n) if n == blocks => {}
                        Ok(_) => {
                            return Err(RedactError::NotRedacted("redacted block count changed"))
                        }
                        Err(reason) => return Err(RedactError::NotRedacted(reason)),
                    }
                    checks.push("every redacted block holds only synthetic coefficients");
                    let faces_after = match finder {
                        Some(f) => {
                            let n = face_check_jpeg(&cleaned.bytes, opts, &clipped, view, f)?;
                            checks.push("no face found inside a redacted region");
                            n
                        }
                        None => 0,
                    };
                    return Ok(Redacted {
                        bytes: cleaned.bytes,
                        report: RedactReport {
                            format,
                            method: RedactMethod::DctDomain,
                            regions: clipped,
                            units_replaced: blocks,
                            faces_found_after: faces_after,
                            checks,
                        },
                    });
                }
                jpeg_dct::DctOutcome::NotApplicable(reason) => {
                    log::debug!("redact: DCT-domain edit not possible ({reason}); re-encoding");
                }
            }
        }
    }

    // Everything else: decode, paint, re-encode.
    let reencode_limits = Limits {
        max_decoded_pixels: limits.max_decoded_pixels.min(opts.max_reencode_pixels),
        ..limits.clone()
    };
    let decoded = raster::decode_oriented(photo, &reencode_limits)?;
    let (w, h) = (decoded.image.width(), decoded.image.height());
    let view = View::new(w, h, 1);
    let clipped = view.clip_all(regions)?;
    let painter = Painter::new(opts, &clipped, view);
    let mut image = decoded.image;
    let painted = raster::paint(&mut image, &clipped, &painter);
    let encoded = raster::encode(&image, format, decoded.icc.as_deref())?;
    drop(image);
    let cleaned = clean_bytes(&encoded, &clean_options(limits))?;
    drop(encoded);
    checks.push("cleaned and verified by the allowlist cleaner");
    let out = raster::decode_oriented(&cleaned.bytes, limits)?;
    if (out.image.width(), out.image.height()) != (w, h) {
        return Err(RedactError::NotRedacted("output dimensions changed"));
    }
    let gray = !out.image.color().has_color();
    let rgb = out.image.to_rgb8();
    drop(out);
    raster::check_painted(&rgb, &clipped, &painter, format == Format::Jpeg, gray)
        .map_err(RedactError::NotRedacted)?;
    checks.push("every redacted pixel holds only the painted content");
    let faces_after = match finder {
        Some(f) => {
            let faces = f.find_faces(&rgb).map_err(RedactError::FaceCheckFailed)?;
            faces_outside(&faces, &clipped, 1.0, 1.0)?;
            checks.push("no face found inside a redacted region");
            faces.len()
        }
        None => 0,
    };
    Ok(Redacted {
        bytes: cleaned.bytes,
        report: RedactReport {
            format,
            method: RedactMethod::Reencoded,
            regions: clipped,
            units_replaced: painted,
            faces_found_after: faces_after,
            checks,
        },
    })
}

fn clean_options(limits: &Limits) -> CleanOptions {
    CleanOptions {
        limits: limits.clone(),
        ..CleanOptions::default()
    }
}

/// Decodes the final JPEG (whole when small, from DC coefficients when large) and runs `finder`.
fn face_check_jpeg(
    bytes: &[u8],
    opts: &RedactOptions,
    regions: &[Region],
    view: View,
    finder: &dyn FaceFinder,
) -> Result<usize, RedactError> {
    let pixels = u64::from(view.stored_w) * u64::from(view.stored_h);
    let image = if pixels <= opts.max_full_check_pixels {
        raster::decode_oriented(bytes, &opts.limits)?
            .image
            .to_rgb8()
    } else {
        let (w, h, rgb) = jpeg_dct::dc_thumbnail(bytes, &opts.limits)?
            .ok_or(RedactError::NotRedacted("output is not a sequential JPEG"))?;
        let thumb = image::RgbImage::from_raw(w, h, rgb)
            .ok_or(RedactError::NotRedacted("thumbnail size mismatch"))?;
        let mut dynamic = image::DynamicImage::ImageRgb8(thumb);
        if let Some(o) = image::metadata::Orientation::from_exif(view.orientation as u8) {
            dynamic.apply_orientation(o);
        }
        dynamic.to_rgb8()
    };
    let (dw, dh) = view.displayed_size();
    let sx = dw as f32 / image.width() as f32;
    let sy = dh as f32 / image.height() as f32;
    let faces = finder
        .find_faces(&image)
        .map_err(RedactError::FaceCheckFailed)?;
    faces_outside(&faces, regions, sx, sy)?;
    Ok(faces.len())
}

/// Fails when any face's centre (scaled by `sx`, `sy` to displayed pixels) lies in a region.
fn faces_outside(
    faces: &[Region],
    regions: &[Region],
    sx: f32,
    sy: f32,
) -> Result<(), RedactError> {
    for f in faces {
        let cx = (f.x as f32 + f.width as f32 / 2.0) * sx;
        let cy = (f.y as f32 + f.height as f32 / 2.0) * sy;
        if regions.iter().any(|r| {
            cx >= r.x as f32 && cx < r.right() as f32 && cy >= r.y as f32 && cy < r.bottom() as f32
        }) {
            return Err(RedactError::NotRedacted(
                "a face is still found in a redacted region",
            ));
        }
    }
    Ok(())
}

/// The stored image and how it is shown: maps between displayed and stored coordinates.
#[derive(Debug, Clone, Copy)]
pub(crate) struct View {
    stored_w: u32,
    stored_h: u32,
    orientation: u16,
}

impl View {
    pub(crate) fn new(stored_w: u32, stored_h: u32, orientation: u16) -> Self {
        View {
            stored_w,
            stored_h,
            orientation: if (1..=8).contains(&orientation) {
                orientation
            } else {
                1
            },
        }
    }

    fn swaps(&self) -> bool {
        self.orientation >= 5
    }

    /// Width and height as displayed.
    pub(crate) fn displayed_size(&self) -> (u32, u32) {
        if self.swaps() {
            (self.stored_h, self.stored_w)
        } else {
            (self.stored_w, self.stored_h)
        }
    }

    /// Clips each region to the displayed photo; an empty or wholly outside region is an error.
    fn clip_all(&self, regions: &[Region]) -> Result<Vec<Region>, RedactError> {
        let (dw, dh) = self.displayed_size();
        regions
            .iter()
            .enumerate()
            .map(|(index, r)| {
                let x1 = r.right().min(u64::from(dw)) as u32;
                let y1 = r.bottom().min(u64::from(dh)) as u32;
                if r.width == 0 || r.height == 0 || r.x >= x1 || r.y >= y1 {
                    return Err(RedactError::BadRegion { index });
                }
                Ok(Region {
                    x: r.x,
                    y: r.y,
                    width: x1 - r.x,
                    height: y1 - r.y,
                })
            })
            .collect()
    }

    /// Continuous stored point → displayed point (EXIF orientation 1–8).
    pub(crate) fn stored_to_displayed_pt(&self, x: f32, y: f32) -> (f32, f32) {
        let (w, h) = (self.stored_w as f32, self.stored_h as f32);
        match self.orientation {
            2 => (w - x, y),
            3 => (w - x, h - y),
            4 => (x, h - y),
            5 => (y, x),
            6 => (h - y, x),
            7 => (h - y, w - x),
            8 => (y, w - x),
            _ => (x, y),
        }
    }

    /// Continuous displayed point → stored point.
    pub(crate) fn displayed_to_stored_pt(&self, x: f32, y: f32) -> (f32, f32) {
        let (w, h) = (self.stored_w as f32, self.stored_h as f32);
        match self.orientation {
            2 => (w - x, y),
            3 => (w - x, h - y),
            4 => (x, h - y),
            5 => (y, x),
            6 => (y, h - x),
            7 => (w - y, h - x),
            8 => (w - y, x),
            _ => (x, y),
        }
    }

    /// A displayed region as a stored pixel rectangle [x0, x1) × [y0, y1).
    pub(crate) fn displayed_to_stored(&self, r: &Region) -> (u32, u32, u32, u32) {
        let (ax, ay) = self.displayed_to_stored_pt(r.x as f32, r.y as f32);
        let (bx, by) = self.displayed_to_stored_pt(r.right() as f32, r.bottom() as f32);
        let clamp_w = |v: f32| (v.round().max(0.0) as u32).min(self.stored_w);
        let clamp_h = |v: f32| (v.round().max(0.0) as u32).min(self.stored_h);
        (
            clamp_w(ax.min(bx)),
            clamp_h(ay.min(by)),
            clamp_w(ax.max(bx)),
            clamp_h(ay.max(by)),
        )
    }
}

/// The synthetic content of redacted areas, defined in displayed coordinates.
pub(crate) struct Painter {
    style: RedactionStyle,
    fill: [u8; 3],
    regions: Vec<Region>,
    view: View,
}

impl Painter {
    fn new(opts: &RedactOptions, regions: &[Region], view: View) -> Self {
        Painter {
            style: opts.style,
            fill: opts.fill,
            regions: regions.to_vec(),
            view,
        }
    }

    /// The colour at displayed point (`x`, `y`).
    pub(crate) fn displayed_rgb(&self, x: f32, y: f32) -> [u8; 3] {
        if self.style == RedactionStyle::SolidFill {
            return self.fill;
        }
        for r in &self.regions {
            if let Some(c) = sticker_pixel(r, x, y) {
                return c;
            }
        }
        self.fill
    }
}

impl jpeg_dct::StoredPainter for Painter {
    fn rgb_at(&self, x: f32, y: f32) -> [u8; 3] {
        let (dx, dy) = self.view.stored_to_displayed_pt(x, y);
        self.displayed_rgb(dx, dy)
    }
    fn flat(&self) -> Option<[u8; 3]> {
        (self.style == RedactionStyle::SolidFill).then_some(self.fill)
    }
}

/// A round badge inscribed in `r` (a yellow disc in a dark ring), drawn from geometry alone;
/// `None` outside its disc. It has no eyes or mouth on purpose: the after-encoding face check
/// must not find a face in it.
fn sticker_pixel(r: &Region, x: f32, y: f32) -> Option<[u8; 3]> {
    const YELLOW: [u8; 3] = [255, 204, 64];
    const INK: [u8; 3] = [70, 45, 20];
    let radius = 0.5 * r.width.min(r.height) as f32;
    let cx = r.x as f32 + r.width as f32 / 2.0;
    let cy = r.y as f32 + r.height as f32 / 2.0;
    let d = ((x - cx).powi(2) + (y - cy).powi(2)).sqrt() / radius;
    if d > 1.0 {
        return None;
    }
    Some(if d > 0.9 { INK } else { YELLOW })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn orientation_maps_round_trip() {
        for o in 1..=8 {
            let v = View::new(300, 200, o);
            for &(x, y) in &[(0.0, 0.0), (10.5, 20.25), (299.0, 199.0)] {
                let (dx, dy) = v.stored_to_displayed_pt(x, y);
                let (sx, sy) = v.displayed_to_stored_pt(dx, dy);
                assert!((sx - x).abs() < 1e-3 && (sy - y).abs() < 1e-3, "o={o}");
            }
        }
        // Orientation 6 shows the stored top-left corner at the displayed top-right.
        let v = View::new(300, 200, 6);
        assert_eq!(v.stored_to_displayed_pt(0.0, 0.0), (200.0, 0.0));
    }

    #[test]
    fn margins_grow_and_saturate() {
        let r = Region {
            x: 10,
            y: 10,
            width: 100,
            height: 100,
        };
        let g = r.with_margins(&Margins::default());
        assert_eq!((g.x, g.y), (0, 0));
        assert_eq!((g.width, g.height), (135, 125));
        assert_eq!(r.with_margins(&Margins::NONE), r);
    }

    #[test]
    fn regions_outside_the_photo_are_refused() {
        let v = View::new(100, 50, 6);
        let outside = Region {
            x: 60,
            y: 0,
            width: 5,
            height: 5,
        };
        assert!(matches!(
            v.clip_all(&[outside]),
            Err(RedactError::BadRegion { index: 0 })
        ));
    }
}
