//! Why this exists: the model-specific half of detection. CenterFace takes planar RGB, 0–255,
//! at [1, 3, H, W] with H and W multiples of 32, and answers at 1/4 resolution with a heatmap,
//! box sizes (log scale), centre offsets and landmarks. tract plans one concrete input size at a
//! time (a symbolic size runs 8× slower), so plans are cached per size; only two are kept, because
//! each holds its own packed weights and a share extension has little memory to spare.

use std::borrow::Cow;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};

use image::RgbImage;
use tract_onnx::prelude::*;

use super::{nms, DetectOptions, Face, FaceError};

type Plan = Arc<TypedSimplePlan>;

/// Plans kept at once: the landscape and the portrait model input (every pass of a photo uses
/// the one that matches it).
const CACHED_PLANS: usize = 2;

/// CenterFace loaded and ready: build it once per app launch and reuse it for every photo.
pub struct FaceDetector {
    model: InferenceModel,
    plans: Mutex<Vec<((u32, u32), Plan)>>,
    runs: AtomicUsize,
}

impl std::fmt::Debug for FaceDetector {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("FaceDetector").finish_non_exhaustive()
    }
}

pub(super) fn round_up_32(v: u32) -> u32 {
    v.max(1).div_ceil(32) * 32
}

impl FaceDetector {
    /// Loads the model from its bytes (the app may embed or memory-map `centerface.onnx`).
    pub fn from_bytes(model: &[u8]) -> Result<Self, FaceError> {
        let model = tract_onnx::onnx()
            .model_for_read(&mut std::io::Cursor::new(model))
            .map_err(|e| {
                log::debug!("face model: {e:#}");
                FaceError::Model("not an ONNX model tract can read")
            })?;
        if model.input_outlets().map(|i| i.len()).unwrap_or(0) != 1
            || model.output_outlets().map(|o| o.len()).unwrap_or(0) != 4
        {
            return Err(FaceError::Model("not a CenterFace model (inputs/outputs)"));
        }
        Ok(FaceDetector {
            model,
            plans: Mutex::new(Vec::new()),
            runs: AtomicUsize::new(0),
        })
    }

    /// The plan for a `w`×`h` input (multiples of 32), from the cache or built (~90 ms).
    fn plan(&self, w: u32, h: u32) -> Result<Plan, FaceError> {
        {
            let mut plans = self
                .plans
                .lock()
                .map_err(|_| FaceError::Run("plan cache poisoned"))?;
            if let Some(i) = plans.iter().position(|(k, _)| *k == (w, h)) {
                let entry = plans.remove(i);
                let plan = entry.1.clone();
                plans.insert(0, entry);
                return Ok(plan);
            }
        }
        let plan = self
            .model
            .clone()
            .with_input_fact(0, f32::fact([1, 3, h as usize, w as usize]).into())
            .and_then(|m| m.into_optimized())
            .and_then(|m| m.into_runnable())
            .map_err(|e| {
                log::debug!("face model plan: {e:#}");
                FaceError::Model("the model cannot be planned at this size")
            })?;
        let mut plans = self
            .plans
            .lock()
            .map_err(|_| FaceError::Run("plan cache poisoned"))?;
        plans.insert(0, ((w, h), plan.clone()));
        plans.truncate(CACHED_PLANS);
        Ok(plan)
    }

    /// How many times the model has run since this detector was made (each pass over the whole
    /// photo and each tile is one run): what detection time is made of, for benchmarks.
    pub fn model_runs(&self) -> usize {
        self.runs.load(Ordering::Relaxed)
    }

    /// Drops the cached plans (and their packed weights), e.g. when the app goes to background.
    pub fn release_plans(&self) {
        if let Ok(mut p) = self.plans.lock() {
            p.clear();
        }
    }

    /// Runs the model on `input` (already `w`×`h`, multiples of 32) and returns faces in input
    /// pixel coordinates.
    fn run(&self, input: &RgbImage, opts: &DetectOptions) -> Result<Vec<Face>, FaceError> {
        let (w, h) = input.dimensions();
        debug_assert!(w % 32 == 0 && h % 32 == 0);
        let plan = self.plan(w, h)?;
        self.runs.fetch_add(1, Ordering::Relaxed);
        let plane = (w * h) as usize;
        let mut data = vec![0f32; 3 * plane];
        for (i, p) in input.pixels().enumerate() {
            data[i] = f32::from(p[0]);
            data[plane + i] = f32::from(p[1]);
            data[2 * plane + i] = f32::from(p[2]);
        }
        let tensor = Tensor::from_shape(&[1, 3, h as usize, w as usize], &data)
            .map_err(|_| FaceError::Run("input tensor"))?;
        drop(data);
        let outputs = plan.run(tvec!(tensor.into())).map_err(|e| {
            log::debug!("face model run: {e:#}");
            FaceError::Run("model run failed")
        })?;
        if outputs.len() != 4 {
            return Err(FaceError::Model("not a CenterFace model (outputs)"));
        }
        let view = |i: usize| {
            outputs[i]
                .to_plain_array_view::<f32>()
                .ok()
                .and_then(|a| a.into_dimensionality::<tract_ndarray::Ix4>().ok())
                .ok_or(FaceError::Model("not a CenterFace model (output type)"))
        };
        let (heat, scale, offset, lms) = (view(0)?, view(1)?, view(2)?, view(3)?);
        let (h4, w4) = ((h / 4) as usize, (w / 4) as usize);
        let expect = |a: &tract_ndarray::ArrayView4<'_, f32>, c: usize| a.dim() == (1, c, h4, w4);
        if !expect(&heat, 1) || !expect(&scale, 2) || !expect(&offset, 2) || !expect(&lms, 10) {
            return Err(FaceError::Model("not a CenterFace model (output shapes)"));
        }
        let mut faces = Vec::new();
        for y in 0..h4 {
            for x in 0..w4 {
                let score = heat[[0, 0, y, x]];
                if score.is_nan() || score <= opts.threshold {
                    continue;
                }
                let s_h = scale[[0, 0, y, x]].min(10.0).exp() * 4.0;
                let s_w = scale[[0, 1, y, x]].min(10.0).exp() * 4.0;
                let cy = (y as f32 + offset[[0, 0, y, x]] + 0.5) * 4.0;
                let cx = (x as f32 + offset[[0, 1, y, x]] + 0.5) * 4.0;
                let x0 = (cx - s_w / 2.0).max(0.0);
                let y0 = (cy - s_h / 2.0).max(0.0);
                let x1 = (cx + s_w / 2.0).min(w as f32);
                let y1 = (cy + s_h / 2.0).min(h as f32);
                if x1 <= x0 || y1 <= y0 {
                    continue;
                }
                let mut landmarks = [[0f32; 2]; 5];
                for (j, l) in landmarks.iter_mut().enumerate() {
                    l[0] = lms[[0, 2 * j + 1, y, x]] * s_w + x0;
                    l[1] = lms[[0, 2 * j, y, x]] * s_h + y0;
                }
                faces.push(Face {
                    x: x0,
                    y: y0,
                    width: x1 - x0,
                    height: y1 - y0,
                    confidence: score,
                    landmarks,
                });
            }
        }
        // Bound the work NMS does on a pathological heatmap.
        Ok(nms(faces, opts.nms_iou, opts.max_faces.saturating_mul(4)))
    }

    /// Finds faces in decoded, upright pixels; boxes in `image`'s coordinates.
    pub fn detect_rgb(
        &self,
        image: &RgbImage,
        opts: &DetectOptions,
    ) -> Result<Vec<Face>, FaceError> {
        self.detect_image(Cow::Borrowed(image), opts)
    }

    /// [`Self::detect_rgb`], dropping an owned `image` as soon as the passes have their
    /// smaller copies of it (a decoded photo is the largest buffer detection holds).
    pub(super) fn detect_image(
        &self,
        image: Cow<'_, RgbImage>,
        opts: &DetectOptions,
    ) -> Result<Vec<Face>, FaceError> {
        let (w, h) = image.dimensions();
        if w == 0 || h == 0 {
            return Ok(Vec::new());
        }
        let (iw, ih) = opts.input_for(w, h);
        let mut all = Vec::new();

        // Scales of the two passes: the whole photo fitted into the model input (never
        // enlarged), and the tiled pass, when it is finer than that by a margin.
        let s = (iw as f32 / w as f32).min(ih as f32 / h as f32).min(1.0);
        let t = (opts.tiled_side as f32 / w.max(h) as f32).min(1.0);
        let tiled = (opts.tiled_side > 0 && t > 1.05 * s).then(|| {
            let (sw, sh) = scaled_size(w, h, t);
            resize(&image, sw, sh)
        });
        // The whole-photo input comes from the tiled pass's copy when there is one, so an
        // owned photo can go now.
        let (rw, rh) = scaled_size(w, h, s);
        let input = match &tiled {
            Some(smaller) => {
                drop(image);
                crop_padded(&resize(smaller, rw, rh), 0, 0, iw, ih)
            }
            None => crop_padded(&resize(&image, rw, rh), 0, 0, iw, ih),
        };

        // Whole-photo pass; the rest of the input is black, so faces keep their shape.
        let (fx, fy) = (w as f32 / rw as f32, h as f32 / rh as f32);
        for f in self.run(&input, opts)? {
            if f.x < rw as f32 && f.y < rh as f32 {
                all.push(scale_face(&f, 0.0, 0.0, fx, fy));
            }
        }
        drop(input);

        // Tiled pass, for the small faces.
        if let Some(scaled) = tiled {
            let (sw, sh) = scaled.dimensions();
            let (fx, fy) = (w as f32 / sw as f32, h as f32 / sh as f32);
            let overlap = opts.tile_overlap.min(iw.min(ih) / 2);
            for ty in tile_starts(sh, ih, overlap) {
                for tx in tile_starts(sw, iw, overlap) {
                    let crop = crop_padded(&scaled, tx, ty, iw, ih);
                    // The part of this tile that holds photo (the last row and column may be
                    // padded when the photo is smaller than a tile).
                    let (vw, vh) = (iw.min(sw - tx), ih.min(sh - ty));
                    for f in self.run(&crop, opts)? {
                        // A box cut by an inner tile edge is a partial face: a neighbouring
                        // tile (or the whole-photo pass) sees it whole.
                        let cut = (f.x <= 1.0 && tx > 0)
                            || (f.y <= 1.0 && ty > 0)
                            || (f.x + f.width >= vw as f32 - 1.0 && tx + vw < sw)
                            || (f.y + f.height >= vh as f32 - 1.0 && ty + vh < sh);
                        if !cut && f.x < vw as f32 && f.y < vh as f32 {
                            all.push(scale_face(&f, tx as f32, ty as f32, fx, fy));
                        }
                    }
                }
            }
        }
        Ok(nms(all, opts.nms_iou, opts.max_faces))
    }
}

/// `w`×`h` scaled by `s`, each side at least one pixel.
fn scaled_size(w: u32, h: u32, s: f32) -> (u32, u32) {
    (
        ((w as f32 * s).round() as u32).clamp(1, w),
        ((h as f32 * s).round() as u32).clamp(1, h),
    )
}

/// Tile origins along one axis of length `len`: as few tiles as cover it with at least `overlap`
/// between neighbours, spread evenly, the first flush with the start and the last with the end.
fn tile_starts(len: u32, tile: u32, overlap: u32) -> Vec<u32> {
    if len <= tile {
        return vec![0];
    }
    let step = (tile - overlap).max(1);
    let n = (len - overlap).div_ceil(step);
    (0..n)
        .map(|i| (u64::from(len - tile) * u64::from(i) / u64::from(n - 1)) as u32)
        .collect()
}

/// `f` moved by (`ox`, `oy`) then scaled by (`fx`, `fy`): tile or reduced coordinates to the
/// photo's.
pub(super) fn scale_face(f: &Face, ox: f32, oy: f32, fx: f32, fy: f32) -> Face {
    let mut landmarks = f.landmarks;
    for l in &mut landmarks {
        l[0] = (l[0] + ox) * fx;
        l[1] = (l[1] + oy) * fy;
    }
    Face {
        x: (f.x + ox) * fx,
        y: (f.y + oy) * fy,
        width: f.width * fx,
        height: f.height * fy,
        confidence: f.confidence,
        landmarks,
    }
}

/// Stretch-resizes to exactly `w`×`h` (area-averaging when shrinking, bilinear when growing).
fn resize(image: &RgbImage, w: u32, h: u32) -> RgbImage {
    if image.dimensions() == (w, h) {
        return image.clone();
    }
    if w <= image.width() && h <= image.height() {
        image::imageops::thumbnail(image, w, h)
    } else {
        image::imageops::resize(image, w, h, image::imageops::FilterType::Triangle)
    }
}

/// The `w`×`h` window at (`x`, `y`), black where it runs past the image.
fn crop_padded(image: &RgbImage, x: u32, y: u32, w: u32, h: u32) -> RgbImage {
    let mut out = RgbImage::new(w, h);
    let cw = w.min(image.width().saturating_sub(x));
    let ch = h.min(image.height().saturating_sub(y));
    for j in 0..ch {
        for i in 0..cw {
            out.put_pixel(i, j, *image.get_pixel(x + i, y + j));
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tiles_cover_the_axis_with_overlap() {
        assert_eq!(tile_starts(500, 640, 96), vec![0]);
        let s = tile_starts(1280, 640, 96);
        assert_eq!(s, vec![0, 320, 640]);
        assert_eq!(tile_starts(1184, 640, 96), vec![0, 544]);
        for len in [641, 1000, 1184, 1185, 3000] {
            let s = tile_starts(len, 640, 96);
            assert_eq!(*s.last().expect("one tile at least") + 640, len);
            for w in s.windows(2) {
                assert!(w[0] + 640 >= w[1] + 96, "len {len}: {s:?}");
            }
        }
    }
}
