//! Why this exists: parents don't know what a photo carries. Before ShareSafe cleans, it shows what
//! it found, in plain words, so the parent learns why it matters; the in-app tips and the
//! camera-roll audit read the same findings.
//!
//! The report is built on [`crate::inspect_metadata`]: the cleaner's own walk hands over every
//! block it removes, and [`extract::MetadataExtractor`] reads each payload by type (EXIF TIFF, XMP
//! packet, IPTC IIM / Photoshop resources, ISO 6709 strings, QuickTime keys, trailers). So what
//! the report shows is exactly what a clean removes, and a new container format only has to hand
//! its payloads over with the same [`crate::PartInfo`] labels.
//!
//! Privacy of the report itself: a finding's value (coordinates, names, captions) is for the
//! user's eyes only. It lives in a [`PrivateValue`], whose `Debug` shows only its length, and never
//! reaches a log line or an error message.

use std::io::{Cursor, Read, Seek, SeekFrom};

use serde::Serialize;

use crate::error::{Error, Result};
use crate::parts::{Action, PartInfo, PartKind};
use crate::{Format, Limits};

mod exif;
pub mod extract;
mod iptc;
mod text;
mod thumbnail;
mod xmp;

pub use text::FindingId;

/// Version of the serialised report's shape (`schema.json` next to this file). Bump it whenever a
/// field, an id or an enum value is added, removed or renamed; the schema test enforces it.
pub const SCHEMA_VERSION: u32 = 1;

/// The JSON Schema of the serialised [`PrivacyReport`], for app developers and the CLI's `--json`.
pub const SCHEMA_JSON: &str = include_str!("schema.json");

/// The group a finding belongs to, for grouping in a UI.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum FindingKind {
    /// Where the photo was taken.
    Location,
    /// Who is in it.
    People,
    /// Identifiers that can link copies or a device.
    TrackingId,
    /// Camera, lens, software.
    Device,
    /// When it was taken.
    Time,
    /// Pictures, video and data hidden in the file.
    HiddenContent,
    /// Text people wrote into the file.
    FreeText,
    /// Blocks that could not be read.
    Unreadable,
}

/// How much a finding matters for a child's privacy; sorts most severe first.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Severity {
    /// Locates or names the child, or hides a different picture or a video.
    High,
    /// Links copies together or tells about the child's life (time, text, identifiers).
    Medium,
    /// Worth knowing, little risk on its own.
    Info,
}

/// A stable signal the in-app tips map from (one per kind of tip), as returned by
/// [`PrivacyReport::signal_ids`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Signal {
    /// GPS position, altitude or a place name.
    GpsLocation,
    /// GPS tags present but zeroed by the phone.
    GpsZeroed,
    /// Facebook's FBMD code.
    Fbmd,
    /// Other identifiers: unique IDs, serial numbers, owner or author names.
    OtherTrackingId,
    /// Named people.
    PeopleNamed,
    /// Tagged face regions.
    Faces,
    /// A hidden motion-photo video.
    HiddenVideo,
    /// An embedded thumbnail (different or not).
    Thumbnail,
    /// Camera make/model/lens.
    Device,
    /// Capture time.
    CaptureTime,
}

impl Signal {
    /// The stable id string.
    pub fn as_str(self) -> &'static str {
        match self {
            Signal::GpsLocation => "gps_location",
            Signal::GpsZeroed => "gps_zeroed",
            Signal::Fbmd => "fbmd",
            Signal::OtherTrackingId => "other_tracking_id",
            Signal::PeopleNamed => "people_named",
            Signal::Faces => "faces",
            Signal::HiddenVideo => "hidden_video",
            Signal::Thumbnail => "thumbnail",
            Signal::Device => "device",
            Signal::CaptureTime => "capture_time",
        }
    }
}

/// A value taken from the photo (coordinates, a name, a caption). For the user's eyes only: its
/// `Debug` shows only the length, it has no `Display`, and the core never logs it. Read it with
/// [`PrivateValue::reveal`]; it serialises as the plain string for the app's UI.
#[derive(Clone, PartialEq, Eq, Hash, Default)]
pub struct PrivateValue(String);

impl PrivateValue {
    /// Wraps a value, cut to [`MAX_VALUE_CHARS`] characters.
    pub fn new(s: &str) -> Self {
        let s = s.trim();
        match s.char_indices().nth(MAX_VALUE_CHARS) {
            Some((cut, _)) => PrivateValue(format!("{}…", &s[..cut])),
            None => PrivateValue(s.to_owned()),
        }
    }
    /// The value, to show to the user who owns the photo. Never log it.
    pub fn reveal(&self) -> &str {
        &self.0
    }
    /// True when there is nothing to show.
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }
}

/// Longest value kept in a finding, in characters: enough for a caption, not a base64 image.
pub const MAX_VALUE_CHARS: usize = 400;

impl std::fmt::Debug for PrivateValue {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "PrivateValue({} chars)", self.0.chars().count())
    }
}

impl Serialize for PrivateValue {
    fn serialize<S: serde::Serializer>(&self, s: S) -> std::result::Result<S::Ok, S::Error> {
        s.serialize_str(&self.0)
    }
}

/// A position on Earth, in decimal degrees (WGS 84), as the photo states it. Private like
/// [`PrivateValue`]: `Debug` does not print the numbers.
#[derive(Clone, Copy, PartialEq, Serialize)]
pub struct Coordinates {
    /// Latitude, positive north.
    pub latitude: f64,
    /// Longitude, positive east.
    pub longitude: f64,
}

impl Coordinates {
    /// A map link the user can copy (text only; ShareSafe never opens it or goes online).
    pub fn map_link(&self) -> String {
        format!(
            "https://www.openstreetmap.org/?mlat={:.6}&mlon={:.6}#map=17/{:.6}/{:.6}",
            self.latitude, self.longitude, self.latitude, self.longitude
        )
    }
    /// True for the 0,0 a phone writes when it blanks the location.
    pub fn is_zero(&self) -> bool {
        self.latitude == 0.0 && self.longitude == 0.0
    }
    /// True when both numbers are finite and on Earth.
    pub fn is_valid(&self) -> bool {
        self.latitude.is_finite()
            && self.longitude.is_finite()
            && self.latitude.abs() <= 90.0
            && self.longitude.abs() <= 180.0
    }
}

impl std::fmt::Debug for Coordinates {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Coordinates(..)")
    }
}

/// Where in the file a finding was found. Everything here is structural (static names and
/// offsets), never user data.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct FoundIn {
    /// The marker, chunk or box (`marker 0xFFE1 (APP1)`, `eXIf`, `trailing data`).
    pub part: String,
    /// The part's content label (`Exif`, `XMP`, `Photoshop/IPTC`…).
    pub label: &'static str,
    /// Byte offset of the part in the file.
    pub offset: u64,
    /// The field inside the block (`EXIF GPSLatitude`, `XMP mwg-rs:Name`, `IPTC 2:40`…).
    pub field: &'static str,
}

/// One thing the photo gives away.
#[derive(Debug, Clone, Serialize)]
pub struct Finding {
    /// Stable id: translate the title and explanation by it.
    pub id: FindingId,
    /// The group, for grouping in a UI.
    pub kind: FindingKind,
    /// How much it matters.
    pub severity: Severity,
    /// English title (see [`FindingId::title`]).
    pub title: &'static str,
    /// English explanation (see [`FindingId::explanation`]).
    pub explanation: &'static str,
    /// The value to show the user (for their eyes only; may be empty when there is nothing
    /// readable to show, for example a hidden video).
    pub value: PrivateValue,
    /// For location findings: the position, for a map link.
    pub coordinates: Option<Coordinates>,
    /// Every place in the file where this same value was found.
    pub found_in: Vec<FoundIn>,
    /// True when a clean removes it (all findings, by the allowlist, unless a part is kept).
    pub removed_by_clean: bool,
}

/// Everything [`inspect`] found in one file.
#[derive(Debug, Clone, Serialize)]
pub struct PrivacyReport {
    /// [`SCHEMA_VERSION`] of this shape.
    pub schema_version: u32,
    /// The file's format, decided from its content.
    pub format: Format,
    /// Size of the file in bytes.
    pub input_bytes: u64,
    /// What a clean would leave: the bytes of the cleaned output.
    pub cleaned_bytes: u64,
    /// Findings, most severe first, then by group and id.
    pub findings: Vec<Finding>,
}

impl PrivacyReport {
    /// The distinct tip signals the findings raise, in [`Signal`] order, as stable strings
    /// (`"gps_location"`, `"gps_zeroed"`, `"fbmd"`, `"other_tracking_id"`, `"people_named"`,
    /// `"faces"`, `"hidden_video"`, `"thumbnail"`, `"device"`, `"capture_time"`).
    pub fn signal_ids(&self) -> Vec<&'static str> {
        self.signals().into_iter().map(Signal::as_str).collect()
    }

    /// The distinct tip signals, in [`Signal`] order.
    pub fn signals(&self) -> Vec<Signal> {
        let mut s: Vec<Signal> = self.findings.iter().filter_map(|f| f.id.signal()).collect();
        s.sort();
        s.dedup();
        s
    }

    /// The findings with this id.
    pub fn with_id(&self, id: FindingId) -> impl Iterator<Item = &Finding> {
        self.findings.iter().filter(move |f| f.id == id)
    }

    /// True when some finding has this id.
    pub fn has(&self, id: FindingId) -> bool {
        self.with_id(id).next().is_some()
    }
}

/// How an inspection runs.
#[derive(Debug, Clone)]
pub struct InspectOptions {
    /// Resource limits for reading the file.
    pub limits: Limits,
    /// Decode the EXIF thumbnail and the main picture (at reduced scale) to tell whether the
    /// thumbnail shows a different picture. Costs tens of milliseconds on a 12 MP photo.
    pub compare_thumbnail: bool,
}

impl Default for InspectOptions {
    fn default() -> Self {
        InspectOptions {
            limits: Limits::default(),
            compare_thumbnail: true,
        }
    }
}

/// Inspects a file held in memory. See [`inspect`].
pub fn inspect_bytes(bytes: &[u8], opts: &InspectOptions) -> Result<PrivacyReport> {
    inspect(Cursor::new(bytes), opts)
}

/// Reads a file and reports what it gives away. Runs the cleaner's own walk (nothing is written),
/// so every finding is something a clean removes.
///
/// Errors are those of the walk: a file ShareSafe cannot clean (unsupported, damaged structure,
/// over a limit) cannot be inspected either. Damaged *metadata* in an otherwise good file is not an
/// error: it is an [`FindingId::UnreadableMetadata`] finding.
pub fn inspect<R: Read + Seek>(mut input: R, opts: &InspectOptions) -> Result<PrivacyReport> {
    let start = input
        .stream_position()
        .map_err(|e| Error::io("read input", e))?;
    let mut ex = extract::MetadataExtractor::new(&opts.limits);
    // Trailers are read again below: the walk hands over only the bytes it had buffered.
    let structure = crate::inspect_metadata(&mut input, &opts.limits, &mut |b| {
        if b.info.kind != PartKind::Trailer {
            ex.block(b)
        }
    })?;
    for p in structure
        .parts
        .iter()
        .filter(|p| p.kind == PartKind::Trailer)
    {
        let head = read_at(&mut input, start, p.offset, p.length.min(TRAILER_HEAD))?;
        ex.trailer(&head, p);
    }
    if opts.compare_thumbnail {
        if let Some(thumb) = ex.take_exif_thumbnail() {
            input
                .seek(SeekFrom::Start(start))
                .map_err(|e| Error::io("read input", e))?;
            if let Some(differs) = thumbnail::differs_from_main(
                &thumb.jpeg,
                &mut input,
                structure.format,
                &opts.limits,
            ) {
                if differs {
                    ex.push(
                        FindingId::ThumbnailDiffers,
                        "",
                        None,
                        &thumb.info,
                        "EXIF IFD1 JPEGInterchangeFormat",
                    );
                }
            }
        }
    }
    Ok(PrivacyReport {
        schema_version: SCHEMA_VERSION,
        format: structure.format,
        input_bytes: structure.input_bytes,
        cleaned_bytes: structure.output_bytes,
        findings: ex.finish(),
    })
}

/// How much of a trailer is read to recognise it.
const TRAILER_HEAD: u64 = 64 * 1024;

fn read_at<R: Read + Seek>(input: &mut R, start: u64, offset: u64, n: u64) -> Result<Vec<u8>> {
    let at = start
        .checked_add(offset)
        .ok_or_else(|| Error::io("read input", std::io::ErrorKind::InvalidInput.into()))?;
    input
        .seek(SeekFrom::Start(at))
        .map_err(|e| Error::io("read input", e))?;
    let mut head = Vec::new();
    input
        .take(n)
        .read_to_end(&mut head)
        .map_err(|e| Error::io("read input", e))?;
    Ok(head)
}

fn removed(info: &PartInfo) -> bool {
    info.action != Action::Kept
}
