//! Why this exists: a parent can hide the faces of children who are not theirs (or their own
//! child's) before sharing. The app finds the faces with [`FaceDetector`], lets the parent pick,
//! and [`FaceDetector::redact_bytes`] / [`FaceDetector::redact_file`] destroy those pixels, clean
//! the metadata and verify the result in one step, failing closed. Redaction is a method of the
//! detector because its last check runs the detector on the encoded output: no redaction can
//! skip that check for want of a model. Conversions only: detection (`sharesafe_core::faces`) and
//! redaction (`sharesafe_core::redact`) are the core's.
//!
//! Errors: a model file that is missing or is not CenterFace is a packaging bug of the app (it
//! ships the model), so it is `ShareSafeError::Internal`, like a redaction whose own check fails;
//! an app cannot act on either differently from any other bug. A region outside the photo is the
//! caller's bug too (`Internal`). A damaged or unsupported photo gives the same errors as a clean.

use std::path::{Path, PathBuf};
use std::sync::Arc;

use sharesafe_core::faces as core_faces;
use sharesafe_core::redact as core_redact;

use crate::error::ShareSafeError;
use crate::report::FileFormat;
use crate::{worker, CancelHandle};

impl From<core_faces::FaceError> for ShareSafeError {
    fn from(e: core_faces::FaceError) -> Self {
        match e {
            core_faces::FaceError::Image(e) => e.into(),
            // Model and run failures carry only static reasons.
            other => ShareSafeError::Internal(other.to_string()),
        }
    }
}

impl From<core_redact::RedactError> for ShareSafeError {
    fn from(e: core_redact::RedactError) -> Self {
        match e {
            core_redact::RedactError::Input(e) => e.into(),
            other => ShareSafeError::Internal(other.to_string()),
        }
    }
}

/// A point in displayed pixel coordinates.
#[derive(Debug, Clone, Copy, PartialEq, uniffi::Record)]
pub struct FacePoint {
    /// Distance from the left edge.
    pub x: f32,
    /// Distance from the top edge.
    pub y: f32,
}

/// One face found in a photo, in displayed pixel coordinates (EXIF orientation applied).
#[derive(Debug, Clone, PartialEq, uniffi::Record)]
pub struct DetectedFace {
    /// Position in [`FaceDetection::faces`].
    pub index: u32,
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
    /// Right eye, left eye, nose, right and left mouth corner.
    pub landmarks: Vec<FacePoint>,
}

/// The faces of one photo.
#[derive(Debug, Clone, PartialEq, uniffi::Record)]
pub struct FaceDetection {
    /// Width of the photo as displayed (EXIF orientation applied), in pixels.
    pub width: u32,
    /// Height of the photo as displayed, in pixels.
    pub height: u32,
    /// The faces, best score first.
    pub faces: Vec<DetectedFace>,
}

/// A rectangle of the photo as displayed (EXIF orientation applied), in pixels.
#[derive(Debug, Clone, Copy, PartialEq, Eq, uniffi::Record)]
pub struct RedactRegion {
    /// Left edge.
    pub x: u32,
    /// Top edge.
    pub y: u32,
    /// Width (must not be 0).
    pub width: u32,
    /// Height (must not be 0).
    pub height: u32,
}

impl From<RedactRegion> for core_redact::Region {
    fn from(r: RedactRegion) -> Self {
        Self {
            x: r.x,
            y: r.y,
            width: r.width,
            height: r.height,
        }
    }
}

impl From<core_redact::Region> for RedactRegion {
    fn from(r: core_redact::Region) -> Self {
        Self {
            x: r.x,
            y: r.y,
            width: r.width,
            height: r.height,
        }
    }
}

/// What a redacted area looks like. There is no blur or pixelation on purpose: both leave
/// enough of a face to be reversed or re-synthesised.
#[derive(Debug, Clone, Copy, PartialEq, Eq, uniffi::Enum)]
pub enum RedactionStyle {
    /// A flat colour over the whole area.
    SolidFill,
    /// A round badge drawn over the filled area: the pixels under it are destroyed first, so
    /// removing the sticker reveals only the fill.
    Sticker,
}

impl From<RedactionStyle> for core_redact::RedactionStyle {
    fn from(s: RedactionStyle) -> Self {
        match s {
            RedactionStyle::SolidFill => Self::SolidFill,
            RedactionStyle::Sticker => Self::Sticker,
        }
    }
}

/// CenterFace, loaded once and reused for every photo (building it costs tens of milliseconds
/// and about 7 MB). It finds faces, and it redacts: every redaction ends by running it on the
/// encoded output to check that no face is left inside a redacted region.
#[derive(uniffi::Object)]
pub struct FaceDetector {
    inner: Arc<core_faces::FaceDetector>,
}

impl std::fmt::Debug for FaceDetector {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("FaceDetector")
    }
}

fn detection(
    detector: &core_faces::FaceDetector,
    photo: &[u8],
) -> Result<FaceDetection, ShareSafeError> {
    let opts = core_faces::DetectOptions::default();
    let faces = detector.detect(photo, &opts)?;
    // The displayed size: the cheapest decode there is (JPEG at 1/8 scale) gives the stored size
    // and the orientation.
    let header = sharesafe_core::decode::decode_for_analysis(
        photo,
        &sharesafe_core::decode::AnalysisRequest {
            min_short_side: 1,
            apply_orientation: false,
        },
        &opts.limits,
    )?;
    let transposed = (5..=8).contains(&header.orientation);
    let (width, height) = if transposed {
        (header.stored_height, header.stored_width)
    } else {
        (header.stored_width, header.stored_height)
    };
    Ok(FaceDetection {
        width,
        height,
        faces: faces
            .iter()
            .enumerate()
            .map(|(i, f)| DetectedFace {
                index: u32::try_from(i).unwrap_or(u32::MAX),
                x: f.x,
                y: f.y,
                width: f.width,
                height: f.height,
                confidence: f.confidence,
                landmarks: f
                    .landmarks
                    .iter()
                    .map(|&[x, y]| FacePoint { x, y })
                    .collect(),
            })
            .collect(),
    })
}

/// Reads at most the core's input limit from `path`; more is `TooLarge`.
fn read_bounded(path: &Path) -> Result<Vec<u8>, ShareSafeError> {
    let file = std::fs::File::open(path).map_err(|e| sharesafe_core::Error::Io {
        op: "read input",
        source: e,
    })?;
    Ok(sharesafe_core::decode::read_bounded(
        file,
        &sharesafe_core::Limits::default(),
    )?)
}

#[uniffi::export]
impl FaceDetector {
    /// Loads CenterFace from `model_path` (the `centerface.onnx` the app ships). A missing or
    /// wrong model is `ShareSafeError.Internal` (a packaging bug); the message has no path.
    #[uniffi::constructor]
    pub fn new(model_path: String) -> Result<Arc<Self>, ShareSafeError> {
        crate::error::guard(|| {
            let inner = Arc::new(core_faces::FaceDetector::from_path(Path::new(&model_path))?);
            Ok(Arc::new(Self { inner }))
        })
    }

    /// Finds the faces in a photo held in memory (JPEG, PNG, WebP), small ones included.
    pub async fn detect_bytes(&self, photo: Vec<u8>) -> Result<FaceDetection, ShareSafeError> {
        let inner = Arc::clone(&self.inner);
        worker::run(None, move || detection(&inner, &photo)).await
    }

    /// Finds the faces in the photo at `path`.
    pub async fn detect_file(&self, path: String) -> Result<FaceDetection, ShareSafeError> {
        let inner = Arc::clone(&self.inner);
        worker::run(None, move || {
            let photo = read_bounded(Path::new(&path))?;
            detection(&inner, &photo)
        })
        .await
    }

    /// Destroys the pixels of `regions` (displayed coordinates, e.g. from [`face_region`]),
    /// removes the metadata as a clean does, and verifies both, in one step: the output is
    /// re-parsed against the allowlist, decoded to check that no region kept the face's detail,
    /// and searched with this detector for a face left inside a region. Fails closed: on any
    /// error there is no output at all. `cancel` (or cancelling the awaiting coroutine/task)
    /// makes the call fail with `Cancelled`.
    pub async fn redact_bytes(
        &self,
        input: Vec<u8>,
        regions: Vec<RedactRegion>,
        style: RedactionStyle,
        cancel: Option<Arc<CancelHandle>>,
    ) -> Result<RedactedPhoto, ShareSafeError> {
        let cancel = token(cancel);
        let detector = Arc::clone(&self.inner);
        worker::run(Some(cancel.clone()), move || {
            if cancel.is_cancelled() {
                return Err(sharesafe_core::Error::Cancelled.into());
            }
            redact_checked(&detector, &input, &regions, style, &cancel)
        })
        .await
    }

    /// Like [`FaceDetector::redact_bytes`], reading `input_path` and writing the result to a new
    /// file at `output_path` (never overwritten: `OutputExists`). The output appears only
    /// complete and verified; on any error or a cancel nothing is written. The input is never
    /// modified.
    pub async fn redact_file(
        &self,
        input_path: String,
        output_path: String,
        regions: Vec<RedactRegion>,
        style: RedactionStyle,
        cancel: Option<Arc<CancelHandle>>,
    ) -> Result<RedactionReport, ShareSafeError> {
        let cancel = token(cancel);
        let detector = Arc::clone(&self.inner);
        worker::run(Some(cancel.clone()), move || {
            let output = PathBuf::from(output_path);
            if output.exists() {
                return Err(sharesafe_core::Error::OutputExists.into());
            }
            let photo = read_bounded(Path::new(&input_path))?;
            let redacted = redact_checked(&detector, &photo, &regions, style, &cancel)?;
            drop(photo);
            let dir = match output.parent() {
                Some(p) if !p.as_os_str().is_empty() => p,
                _ => Path::new("."),
            };
            let mut tmp = sharesafe_core::atomic::AtomicFile::new_in(dir)?;
            std::io::Write::write_all(tmp.file(), &redacted.data).map_err(|e| {
                sharesafe_core::Error::Io {
                    op: "write output",
                    source: e,
                }
            })?;
            if cancel.is_cancelled() {
                return Err(sharesafe_core::Error::Cancelled.into());
            }
            tmp.commit_new(&output)?;
            Ok(redacted.report)
        })
        .await
    }
}

/// The region to redact for a detected face: its box grown by the core's margins, so the
/// redaction covers hair, ears and chin too. Pass it to [`FaceDetector::redact_bytes`] as it is,
/// or let the parent adjust it.
#[uniffi::export]
pub fn face_region(face: DetectedFace) -> RedactRegion {
    let mut landmarks = [[0f32; 2]; 5];
    for (slot, p) in landmarks.iter_mut().zip(&face.landmarks) {
        *slot = [p.x, p.y];
    }
    let core_face = core_faces::Face {
        x: face.x,
        y: face.y,
        width: face.width,
        height: face.height,
        confidence: face.confidence,
        landmarks,
    };
    core_face
        .region()
        .with_margins(&core_redact::Margins::default())
        .into()
}

/// What a redaction did.
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Record)]
pub struct RedactionReport {
    /// The format of input and output (the same).
    pub format: FileFormat,
    /// True when every pixel outside the redacted regions is exactly as it was: a baseline JPEG
    /// edited in the DCT domain, or a PNG/WebP re-encoded losslessly. False for a progressive
    /// JPEG, which is re-encoded at quality 95.
    pub lossless_outside_regions: bool,
    /// The regions actually destroyed, clipped to the photo (a JPEG's grow to whole 8/16-pixel
    /// blocks).
    pub regions: Vec<RedactRegion>,
    /// Faces the check after encoding found elsewhere in the photo (never inside a region: that
    /// fails the redaction).
    pub faces_found_after: u32,
    /// Size of the redacted file in bytes.
    pub output_bytes: u64,
}

/// A redacted, cleaned and verified photo held in memory.
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Record)]
pub struct RedactedPhoto {
    /// The file to share.
    pub data: Vec<u8>,
    /// What was done.
    pub report: RedactionReport,
}

fn redact_checked(
    detector: &core_faces::FaceDetector,
    photo: &[u8],
    regions: &[RedactRegion],
    style: RedactionStyle,
    cancel: &sharesafe_core::CancelToken,
) -> Result<RedactedPhoto, ShareSafeError> {
    let regions: Vec<core_redact::Region> = regions.iter().map(|&r| r.into()).collect();
    let opts = core_redact::RedactOptions {
        style: style.into(),
        ..Default::default()
    };
    let finder: &dyn core_redact::FaceFinder = detector;
    let redacted = core_redact::redact_with(photo, &regions, &opts, Some(finder))?;
    // The core's redaction runs to the end once started; a cancel that arrived meanwhile still
    // means the caller wants no output.
    if cancel.is_cancelled() {
        return Err(sharesafe_core::Error::Cancelled.into());
    }
    let r = &redacted.report;
    let lossless = r.method == core_redact::RedactMethod::DctDomain
        || matches!(
            r.format,
            sharesafe_core::Format::Png | sharesafe_core::Format::Webp
        );
    Ok(RedactedPhoto {
        report: RedactionReport {
            format: r.format.into(),
            lossless_outside_regions: lossless,
            regions: r.regions.iter().map(|&g| g.into()).collect(),
            faces_found_after: u32::try_from(r.faces_found_after).unwrap_or(u32::MAX),
            output_bytes: redacted.bytes.len() as u64,
        },
        data: redacted.bytes,
    })
}

fn token(cancel: Option<Arc<CancelHandle>>) -> sharesafe_core::CancelToken {
    cancel.map(|h| h.token.clone()).unwrap_or_default()
}
