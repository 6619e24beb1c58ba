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
mod quicktime;
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
    /// The tips module's signal for this one (`tips::tips_for` takes them).
    pub fn photo_signal(self) -> crate::tips::PhotoSignal {
        use crate::tips::PhotoSignal as P;
        match self {
            Signal::GpsLocation => P::GpsLocation,
            Signal::GpsZeroed => P::GpsAlreadyZeroed,
            Signal::Fbmd => P::FacebookTrackingCode,
            Signal::OtherTrackingId => P::OtherTrackingIds,
            Signal::PeopleNamed => P::PeopleNamedInMetadata,
            // Tagged face regions mean faces are in the picture.
            Signal::Faces => P::FacesVisible,
            Signal::HiddenVideo => P::HiddenVideo,
            Signal::Thumbnail => P::EmbeddedThumbnail,
            Signal::Device => P::DeviceInfo,
            Signal::CaptureTime => P::CaptureTime,
        }
    }

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

    /// The signals as the tips module takes them: `tips::tips_for(&report.photo_signals(), …)`.
    pub fn photo_signals(&self) -> Vec<crate::tips::PhotoSignal> {
        self.signals()
            .into_iter()
            .map(Signal::photo_signal)
            .collect()
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
    let mut collected: Vec<u64> = Vec::new();
    let structure = crate::inspect_metadata(&mut input, &opts.limits, &mut |b| {
        collected.push(b.info.offset);
        if b.info.kind != PartKind::Trailer {
            ex.block(b)
        }
    })?;
    let max = u64::from(opts.limits.max_metadata_bytes);
    for p in structure.parts.iter().filter(|p| p.action != Action::Kept) {
        let handed_over = collected.contains(&p.offset);
        match p.kind {
            PartKind::Trailer => {
                let head = read_at(&mut input, start, p.offset, p.length.min(TRAILER_HEAD))?;
                ex.trailer(&head, p);
            }
            // Formats whose walk does not hand blocks over (yet): read the part back by its
            // offset, or report it from its kind alone.
            _ if handed_over => {}
            PartKind::Exif | PartKind::Xmp | PartKind::Iptc if p.length <= max => {
                let bytes = read_at(&mut input, start, p.offset, p.length)?;
                ex.uncollected_part(&bytes, p);
            }
            PartKind::Thumbnail => ex.push(FindingId::Thumbnail, "", None, p, p.label),
            PartKind::MultiPicture => ex.push(FindingId::ExtraImages, "", None, p, p.label),
            PartKind::Provenance => ex.push(FindingId::ProvenanceManifest, "", None, p, p.label),
            _ => {}
        }
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

#[cfg(test)]
mod schema_tests {
    //! The serialised shape is an API for the apps: these tests fail when it changes without a
    //! [`SCHEMA_VERSION`] bump and a new `x-shape-history` entry in `schema.json`, and when the
    //! schema document no longer describes what is serialised.

    use std::collections::BTreeSet;

    use serde_json::Value;

    use super::*;
    use crate::error::Part;
    use crate::parts::PartKind;

    fn sample() -> PrivacyReport {
        let info = PartInfo {
            part: Part::JpegMarker(0xE1),
            label: "Exif",
            offset: 2,
            length: 100,
            kind: PartKind::Exif,
            action: Action::Removed,
        };
        let mut ex = extract::MetadataExtractor::new(&Limits::default());
        ex.position(
            Coordinates {
                latitude: 1.5,
                longitude: -2.5,
            },
            &info,
            "EXIF GPSLatitude/GPSLongitude",
        );
        PrivacyReport {
            schema_version: SCHEMA_VERSION,
            format: Format::Jpeg,
            input_bytes: 1000,
            cleaned_bytes: 900,
            findings: ex.finish(),
        }
    }

    /// The shape of a JSON value: object keys with their shapes, array element shape, scalar type.
    fn shape(v: &Value) -> String {
        match v {
            Value::Object(m) => {
                let inner: Vec<String> =
                    m.iter().map(|(k, v)| format!("{k}:{}", shape(v))).collect();
                format!("{{{}}}", inner.join(","))
            }
            Value::Array(a) => format!("[{}]", a.first().map(shape).unwrap_or_default()),
            Value::String(_) => "string".into(),
            Value::Number(_) => "number".into(),
            Value::Bool(_) => "bool".into(),
            Value::Null => "null".into(),
        }
    }

    fn enum_strings<T: Serialize>(items: &[T]) -> Vec<String> {
        items
            .iter()
            .map(|i| {
                serde_json::to_value(i)
                    .expect("serialises")
                    .as_str()
                    .unwrap_or("")
                    .to_owned()
            })
            .collect()
    }

    fn kinds() -> Vec<String> {
        use FindingKind::*;
        enum_strings(&[
            Location,
            People,
            TrackingId,
            Device,
            Time,
            HiddenContent,
            FreeText,
            Unreadable,
        ])
    }

    fn severities() -> Vec<String> {
        enum_strings(&[Severity::High, Severity::Medium, Severity::Info])
    }

    fn signals() -> Vec<String> {
        use Signal::*;
        let all = [
            GpsLocation,
            GpsZeroed,
            Fbmd,
            OtherTrackingId,
            PeopleNamed,
            Faces,
            HiddenVideo,
            Thumbnail,
            Device,
            CaptureTime,
        ];
        for s in all {
            assert_eq!(enum_strings(&[s])[0], s.as_str());
        }
        enum_strings(&all)
    }

    /// FNV-1a over the canonical description of the shape and every enum's values.
    fn fingerprint() -> String {
        let v = serde_json::to_value(sample()).expect("serialises");
        let canon = format!(
            "{}|{}|{}|{}|{}",
            shape(&v),
            enum_strings(FindingId::ALL).join(","),
            kinds().join(","),
            severities().join(","),
            signals().join(",")
        );
        let mut h: u64 = 0xcbf2_9ce4_8422_2325;
        for b in canon.bytes() {
            h ^= u64::from(b);
            h = h.wrapping_mul(0x0100_0000_01b3);
        }
        format!("{h:016x}")
    }

    fn schema() -> Value {
        serde_json::from_str(SCHEMA_JSON).expect("schema.json is JSON")
    }

    fn strings(v: &Value) -> Vec<String> {
        v.as_array()
            .map(|a| {
                a.iter()
                    .filter_map(|x| x.as_str().map(String::from))
                    .collect()
            })
            .unwrap_or_default()
    }

    fn keys(v: &Value) -> BTreeSet<String> {
        v.as_object()
            .map(|m| m.keys().cloned().collect())
            .unwrap_or_default()
    }

    #[test]
    fn serialised_shape_matches_the_versioned_fingerprint() {
        let s = schema();
        assert_eq!(
            s["x-schema-version"], SCHEMA_VERSION,
            "schema.json x-schema-version"
        );
        assert_eq!(s["properties"]["schema_version"]["const"], SCHEMA_VERSION);
        let history = s["x-shape-history"].as_array().expect("x-shape-history");
        let versions: Vec<u64> = history
            .iter()
            .filter_map(|h| h["version"].as_u64())
            .collect();
        assert!(
            versions.windows(2).all(|w| w[0] < w[1]),
            "versions must increase"
        );
        let prints: BTreeSet<&str> = history
            .iter()
            .filter_map(|h| h["fingerprint"].as_str())
            .collect();
        assert_eq!(
            prints.len(),
            history.len(),
            "each version has its own shape"
        );
        let last = history.last().expect("one entry");
        assert_eq!(
            last["version"], SCHEMA_VERSION,
            "the newest history entry is SCHEMA_VERSION"
        );
        let now = fingerprint();
        assert_eq!(
            last["fingerprint"].as_str(),
            Some(now.as_str()),
            "the serialised report changed shape: bump SCHEMA_VERSION, describe the change in \
             schema.json and add {{\"version\": N, \"fingerprint\": \"{now}\"}} to x-shape-history"
        );
    }

    #[test]
    fn schema_document_describes_every_serialised_field_and_value() {
        let s = schema();
        let v = serde_json::to_value(sample()).expect("serialises");
        assert_eq!(keys(&s["properties"]), keys(&v));
        assert_eq!(
            strings(&s["required"]).into_iter().collect::<BTreeSet<_>>(),
            keys(&v)
        );
        let finding = &s["$defs"]["finding"];
        let f = &v["findings"][0];
        assert_eq!(keys(&finding["properties"]), keys(f));
        assert_eq!(
            strings(&finding["required"])
                .into_iter()
                .collect::<BTreeSet<_>>(),
            keys(f)
        );
        let coords = &finding["properties"]["coordinates"]["oneOf"][1]["properties"];
        assert_eq!(keys(coords), keys(&f["coordinates"]));
        let found = &finding["properties"]["found_in"]["items"]["properties"];
        assert_eq!(keys(found), keys(&f["found_in"][0]));
        assert_eq!(
            strings(&finding["properties"]["id"]["enum"]),
            enum_strings(FindingId::ALL)
        );
        assert_eq!(strings(&finding["properties"]["kind"]["enum"]), kinds());
        assert_eq!(
            strings(&finding["properties"]["severity"]["enum"]),
            severities()
        );
        assert_eq!(strings(&s["x-signals"]), signals());
    }

    #[test]
    fn values_and_coordinates_stay_out_of_debug_output() {
        let r = sample();
        let d = format!("{r:?}");
        assert!(!d.contains("1.5") && !d.contains("2.5"), "{d}");
        assert_eq!(r.findings[0].value.reveal(), "1.500000, -2.500000");
        assert_eq!(
            r.findings[0].coordinates.expect("coords").map_link(),
            "https://www.openstreetmap.org/?mlat=1.500000&mlon=-2.500000#map=17/1.500000/-2.500000"
        );
        assert_eq!(r.signal_ids(), vec!["gps_location"]);
        assert_eq!(
            r.photo_signals(),
            vec![crate::tips::PhotoSignal::GpsLocation]
        );
    }
}
