//! Why this exists: a parent can only choose which faces to hide if ShareSafe finds them first,
//! on the phone, including the small child at the back of a group photo. This module runs
//! CenterFace (MIT; the app bundles `centerface.onnx`, fetched by `scripts/fetch-face-model.sh`)
//! with tract, and returns boxes in the coordinates of the photo as displayed (EXIF orientation
//! applied), each with a confidence and five landmarks.
//!
//! Small faces: a whole-photo pass finds the large and medium faces, and on larger photos a
//! second pass over tiles at a finer scale finds the small ones. Both passes run on one small,
//! fixed model input (448×352 by default), so memory does not grow with the photo and stays
//! within a share extension's budget. Nothing is downloaded: the model comes in as bytes or a
//! path from the app.

mod centerface;

use std::path::Path;

use serde::Serialize;

pub use centerface::FaceDetector;

use crate::decode::{decode_for_analysis, AnalysisRequest};
use crate::redact::Region;
use crate::Limits;

/// One face found in a photo, in displayed pixel coordinates.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct Face {
    /// Left edge of the box.
    pub x: f32,
    /// Top edge of the box.
    pub y: f32,
    /// Box width.
    pub width: f32,
    /// Box height.
    pub height: f32,
    /// The detector's score, 0–1.
    pub confidence: f32,
    /// Right eye, left eye, nose, right and left mouth corner, as (x, y).
    pub landmarks: [[f32; 2]; 5],
}

impl Face {
    /// The box as whole pixels (rounded outwards), ready to pass to [`crate::redact`] (usually
    /// after [`Region::with_margins`]).
    pub fn region(&self) -> Region {
        let x0 = self.x.max(0.0).floor();
        let y0 = self.y.max(0.0).floor();
        let x1 = (self.x + self.width).max(x0).ceil();
        let y1 = (self.y + self.height).max(y0).ceil();
        Region {
            x: x0 as u32,
            y: y0 as u32,
            width: (x1 - x0) as u32,
            height: (y1 - y0) as u32,
        }
    }

    fn iou(&self, o: &Face) -> f32 {
        let ix = (self.x + self.width).min(o.x + o.width) - self.x.max(o.x);
        let iy = (self.y + self.height).min(o.y + o.height) - self.y.max(o.y);
        if ix <= 0.0 || iy <= 0.0 {
            return 0.0;
        }
        let inter = ix * iy;
        inter / (self.width * self.height + o.width * o.height - inter)
    }

    /// Intersection over the smaller box: catches a partial box inside a whole one.
    fn overlap_of_smaller(&self, o: &Face) -> f32 {
        let ix = (self.x + self.width).min(o.x + o.width) - self.x.max(o.x);
        let iy = (self.y + self.height).min(o.y + o.height) - self.y.max(o.y);
        if ix <= 0.0 || iy <= 0.0 {
            return 0.0;
        }
        ix * iy / (self.width * self.height).min(o.width * o.height)
    }
}

/// How detection runs. The defaults suit a phone photo in a share extension.
#[derive(Debug, Clone)]
pub struct DetectOptions {
    /// Score above which a heatmap peak is a face (default 0.5).
    pub threshold: f32,
    /// Boxes overlapping a better one by more than this IoU are dropped (default 0.3).
    pub nms_iou: f32,
    /// Longer side of the one model input every pass uses, in pixels (default 448, a multiple of
    /// 32). The photo is fitted into it for the whole-photo pass and cut into tiles of it for the
    /// tiled pass, so detection builds one plan per photo orientation and its memory is that
    /// plan's whatever the photo's size: tract's buffers grow with the input (measured: 47 MB at
    /// 448×352, 83 MB at 640×480), and iOS ends a share extension at about 120 MB.
    pub input_long: u32,
    /// Shorter side of the model input (default 352, a multiple of 32).
    pub input_short: u32,
    /// Longest side the photo is scaled to for the tiled pass, which finds the faces too small
    /// for the whole-photo pass (default 1280; 0 turns it off). A 4:3 photo is then cut into 9
    /// tiles (10 model runs with the whole-photo pass), which puts faces of roughly 30 pixels
    /// (of 4,032) within the model's reach. It runs only when it looks at the photo in more
    /// detail than the whole-photo pass; photos are never enlarged.
    pub tiled_side: u32,
    /// Overlap between tiles, at the tiled pass's scale (default 32). A face that small lies
    /// whole in some tile; a larger one cut by a tile edge is the whole-photo pass's to find,
    /// which sees it at more than half that size.
    pub tile_overlap: u32,
    /// Most faces reported (default 1,000), so a crafted image cannot make the output unbounded.
    pub max_faces: usize,
    /// Limits for decoding the photo.
    pub limits: Limits,
}

impl Default for DetectOptions {
    fn default() -> Self {
        DetectOptions {
            threshold: 0.5,
            nms_iou: 0.3,
            input_long: 448,
            input_short: 352,
            tiled_side: 1280,
            tile_overlap: 32,
            max_faces: 1000,
            limits: Limits::default(),
        }
    }
}

impl DetectOptions {
    /// The model input for a `w`×`h` photo: landscape for a landscape photo, portrait for a
    /// portrait one, each side a multiple of 32 (at least 64).
    pub fn input_for(&self, w: u32, h: u32) -> (u32, u32) {
        let long = centerface::round_up_32(self.input_long.max(64));
        let short = centerface::round_up_32(self.input_short.max(64)).min(long);
        if w >= h {
            (long, short)
        } else {
            (short, long)
        }
    }
}

/// Why detection failed. Never carries user data.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum FaceError {
    /// The model bytes are not a CenterFace ONNX model tract can plan.
    #[error("face model could not be loaded: {0}")]
    Model(&'static str),
    /// Running the model failed.
    #[error("face detection failed: {0}")]
    Run(&'static str),
    /// The photo could not be read or is over a limit.
    #[error(transparent)]
    Image(#[from] crate::Error),
}

impl FaceDetector {
    /// Loads the model from a file the app bundles (`centerface.onnx`).
    pub fn from_path(path: &Path) -> Result<Self, FaceError> {
        let bytes = std::fs::read(path).map_err(|_| FaceError::Model("model file unreadable"))?;
        Self::from_bytes(&bytes)
    }

    /// Finds faces in an encoded photo (JPEG, PNG, WebP). Boxes are in displayed coordinates.
    pub fn detect(&self, photo: &[u8], opts: &DetectOptions) -> Result<Vec<Face>, FaceError> {
        Ok(self.detect_photo(photo, opts)?.faces)
    }

    /// Finds faces in an encoded photo and says at what size it is displayed.
    ///
    /// The photo is decoded only as large as detection needs: its longer side at about
    /// [`DetectOptions::tiled_side`] (or [`DetectOptions::input_long`] when tiling is off),
    /// never enlarged. A JPEG gets there inside the decoder (DCT scaling to 1/2, 1/4 or 1/8, then
    /// a box average), so a 12 MP photo exists in memory as about 3 MP at most. PNG, WebP and GIF
    /// have no reduced decode: they are decoded whole (RGB or RGBA, 8 bits; at most
    /// [`Limits::max_decoded_pixels`]) and then box-averaged, so for them the decode, not the
    /// model, bounds memory (a 12 MP PNG: about 36–48 MB for a moment).
    pub fn detect_photo(
        &self,
        photo: &[u8],
        opts: &DetectOptions,
    ) -> Result<PhotoFaces, FaceError> {
        let (sw, sh, _) = crate::decode::stored_size(photo, &opts.limits)?;
        let wanted_long = if opts.tiled_side > 0 {
            opts.tiled_side.max(opts.input_long)
        } else {
            opts.input_long
        };
        let request = AnalysisRequest {
            min_short_side: crate::decode::min_short_side_for_long(sw, sh, wanted_long.max(32)),
            apply_orientation: true,
        };
        let decoded = decode_for_analysis(photo, &request, &opts.limits)?;
        let (width, height) = if decoded.orientation >= 5 {
            (decoded.stored_height, decoded.stored_width)
        } else {
            (decoded.stored_width, decoded.stored_height)
        };
        let image = decoded.image;
        let (iw, ih) = image.dimensions();
        if iw == 0 || ih == 0 {
            return Ok(PhotoFaces {
                width,
                height,
                faces: Vec::new(),
                decoded_reduction: decoded.reduction,
            });
        }
        let found = self.detect_image(std::borrow::Cow::Owned(image), opts)?;
        let (fx, fy) = (width as f32 / iw as f32, height as f32 / ih as f32);
        let faces = found
            .iter()
            .map(|f| clamp_face(centerface::scale_face(f, 0.0, 0.0, fx, fy), width, height))
            .collect();
        Ok(PhotoFaces {
            width,
            height,
            faces,
            decoded_reduction: decoded.reduction,
        })
    }
}

/// `f` clipped to a `w`×`h` photo (scaling a reduced decode back up can overshoot an edge by a
/// pixel or two).
fn clamp_face(mut f: Face, w: u32, h: u32) -> Face {
    let (w, h) = (w as f32, h as f32);
    f.x = f.x.clamp(0.0, w);
    f.y = f.y.clamp(0.0, h);
    f.width = f.width.min(w - f.x).max(0.0);
    f.height = f.height.min(h - f.y).max(0.0);
    f
}

/// The faces of one photo, with the size the photo is displayed at.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct PhotoFaces {
    /// Displayed width (EXIF orientation applied), the coordinate space of the boxes.
    pub width: u32,
    /// Displayed height.
    pub height: u32,
    /// The faces, best first.
    pub faces: Vec<Face>,
    /// How far the photo was reduced per side for detection (1 = decoded at full size).
    pub decoded_reduction: u32,
}

/// Greedy non-maximum suppression, best score first.
fn nms(mut faces: Vec<Face>, iou: f32, max: usize) -> Vec<Face> {
    faces.sort_by(|a, b| b.confidence.total_cmp(&a.confidence));
    let mut kept: Vec<Face> = Vec::new();
    for f in faces {
        if kept.len() >= max {
            break;
        }
        if kept
            .iter()
            .all(|k| k.iou(&f) <= iou && k.overlap_of_smaller(&f) <= 0.7)
        {
            kept.push(f);
        }
    }
    kept
}

impl crate::redact::FaceFinder for FaceDetector {
    fn find_faces(&self, image: &image::RgbImage) -> Result<Vec<Region>, &'static str> {
        self.detect_rgb(image, &DetectOptions::default())
            .map(|faces| faces.iter().map(Face::region).collect())
            .map_err(|_| "face detector failed")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn face(x: f32, y: f32, s: f32, c: f32) -> Face {
        Face {
            x,
            y,
            width: s,
            height: s,
            confidence: c,
            landmarks: [[0.0; 2]; 5],
        }
    }

    #[test]
    fn nms_keeps_the_best_of_overlapping_boxes() {
        let out = nms(
            vec![
                face(0.0, 0.0, 10.0, 0.6),
                face(1.0, 1.0, 10.0, 0.9),
                face(50.0, 50.0, 10.0, 0.7),
                // A partial box inside the first: suppressed by the containment rule.
                face(2.0, 2.0, 4.0, 0.65),
            ],
            0.3,
            10,
        );
        assert_eq!(out.len(), 2);
        assert_eq!(out[0].confidence, 0.9);
        assert_eq!(out[1].confidence, 0.7);
    }

    #[test]
    fn region_rounds_outwards() {
        let r = face(1.5, 2.5, 3.2, 1.0).region();
        assert_eq!((r.x, r.y, r.width, r.height), (1, 2, 4, 4));
    }
}
