//! Why this exists: before sharing, the app shows the parent what the photo gives away (where it
//! was taken, who is named, Facebook's tracking code…) in plain words, and the tips read the same
//! findings. This carries the core's privacy report (`sharesafe_core::report`) across the boundary
//! as records and enums. Conversions only: what counts as a finding, its severity and its English
//! text all come from the core.
//!
//! The finding's `value` and coordinates are the parent's own data, shown to them alone: nothing
//! here logs them, and no error message carries them.

use std::io::{BufReader, Cursor};
use std::path::PathBuf;

use sharesafe_core::report as core_report;

use crate::error::ShareSafeError;
use crate::report::FileFormat;
use crate::worker;

/// The group a finding belongs to, for grouping in a UI (one per core `report::FindingKind`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, uniffi::Enum)]
pub enum FindingCategory {
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

impl From<core_report::FindingKind> for FindingCategory {
    fn from(k: core_report::FindingKind) -> Self {
        use core_report::FindingKind as K;
        match k {
            K::Location => Self::Location,
            K::People => Self::People,
            K::TrackingId => Self::TrackingId,
            K::Device => Self::Device,
            K::Time => Self::Time,
            K::HiddenContent => Self::HiddenContent,
            K::FreeText => Self::FreeText,
            K::Unreadable => Self::Unreadable,
        }
    }
}

/// How much a finding matters for a child's privacy.
#[derive(Debug, Clone, Copy, PartialEq, Eq, uniffi::Enum)]
pub enum FindingSeverity {
    /// Locates or names the child, or hides a different picture or a video.
    High,
    /// Links copies together or tells about the child's life (time, text, identifiers).
    Medium,
    /// Worth knowing, little risk on its own.
    Info,
}

impl From<core_report::Severity> for FindingSeverity {
    fn from(s: core_report::Severity) -> Self {
        match s {
            core_report::Severity::High => Self::High,
            core_report::Severity::Medium => Self::Medium,
            core_report::Severity::Info => Self::Info,
        }
    }
}

/// One thing the photo gives away.
#[derive(Debug, Clone, PartialEq, uniffi::Record)]
pub struct PrivacyFinding {
    /// Stable id (`"gps_position"`, `"facebook_fbmd"`, …): translate `title` and `explanation` by
    /// it; [`finding_ids`] lists them all.
    pub id: String,
    /// The group, for grouping in a UI.
    pub category: FindingCategory,
    /// How much it matters.
    pub severity: FindingSeverity,
    /// English title, the fallback when the app has no translation for `id`.
    pub title: String,
    /// English explanation (why it matters), the fallback when the app has no translation.
    pub explanation: String,
    /// What the photo says (a place, a name, a date), for the parent's own eyes only: never log
    /// it. Empty when there is nothing readable to show (a hidden video, say).
    pub value: String,
    /// For a location finding: the latitude in decimal degrees (WGS 84), positive north.
    pub latitude: Option<f64>,
    /// For a location finding: the longitude in decimal degrees, positive east.
    pub longitude: Option<f64>,
    /// For a location finding: an OpenStreetMap link the parent can copy (text only: ShareSafe
    /// never opens it or goes online).
    pub map_link: Option<String>,
    /// Every place in the file where the value was found, e.g.
    /// `"marker 0xFFE1 (APP1) Exif @ 20 (EXIF GPSLatitude)"`: structure only, never user data.
    pub found_in: Vec<String>,
    /// True when a clean removes it.
    pub removed_by_clean: bool,
}

impl From<&core_report::Finding> for PrivacyFinding {
    fn from(f: &core_report::Finding) -> Self {
        let coordinates = f.coordinates.filter(|c| c.is_valid());
        Self {
            id: f.id.as_str().to_owned(),
            category: f.kind.into(),
            severity: f.severity.into(),
            title: f.title.to_owned(),
            explanation: f.explanation.to_owned(),
            value: f.value.reveal().to_owned(),
            latitude: coordinates.map(|c| c.latitude),
            longitude: coordinates.map(|c| c.longitude),
            map_link: coordinates.map(|c| c.map_link()),
            found_in: f
                .found_in
                .iter()
                .map(|w| format!("{} {} @ {} ({})", w.part, w.label, w.offset, w.field))
                .collect(),
            removed_by_clean: f.removed_by_clean,
        }
    }
}

/// What a photo gives away, in plain words: the app's "before you share" screen.
#[derive(Debug, Clone, PartialEq, uniffi::Record)]
pub struct PrivacyReport {
    /// The format, decided from the content.
    pub format: FileFormat,
    /// Size of the photo in bytes.
    pub input_bytes: u64,
    /// Size the cleaned copy will have.
    pub cleaned_bytes: u64,
    /// Everything found, most severe first (the core's order).
    pub findings: Vec<PrivacyFinding>,
    /// What the findings mean for the tips, as stable ids (`"gps_location"`, `"gps_zeroed"`,
    /// `"fbmd"`, `"other_tracking_id"`, `"people_named"`, `"faces"`, `"hidden_video"`,
    /// `"thumbnail"`, `"device"`, `"capture_time"`); [`crate::tips_for`] reads them.
    pub signals: Vec<String>,
    /// True when the photo has a GPS block whose position is zeroed: the phone already hid the
    /// location (Android's MediaStore does so for apps without `ACCESS_MEDIA_LOCATION`).
    pub location_already_hidden: bool,
}

impl From<&core_report::PrivacyReport> for PrivacyReport {
    fn from(r: &core_report::PrivacyReport) -> Self {
        Self {
            format: r.format.into(),
            input_bytes: r.input_bytes,
            cleaned_bytes: r.cleaned_bytes,
            findings: r.findings.iter().map(Into::into).collect(),
            signals: r.signal_ids().into_iter().map(str::to_owned).collect(),
            location_already_hidden: r.signals().contains(&core_report::Signal::GpsZeroed),
        }
    }
}

/// Every finding id the core can report, so an app's tests can check that each one has a
/// translated title and explanation.
#[uniffi::export]
pub fn finding_ids() -> Vec<String> {
    core_report::FindingId::ALL
        .iter()
        .map(|id| id.as_str().to_owned())
        .collect()
}

/// The privacy report of a photo held in memory (Android: the bytes of the shared content URI).
/// Reads only; nothing is written.
#[uniffi::export]
pub async fn privacy_report_bytes(input: Vec<u8>) -> Result<PrivacyReport, ShareSafeError> {
    worker::run(None, move || {
        let report = sharesafe_core::inspect(Cursor::new(input), &Default::default())?;
        Ok(PrivacyReport::from(&report))
    })
    .await
}

/// The privacy report of the file at `path` (iOS: a file URL's path). Reads only.
#[uniffi::export]
pub async fn privacy_report_file(path: String) -> Result<PrivacyReport, ShareSafeError> {
    worker::run(None, move || report_of_path(PathBuf::from(path))).await
}

/// The privacy report of an open file descriptor (Android: `ParcelFileDescriptor.getFd()`). The
/// library opens `/proc/self/fd/<fd>` itself, so the app keeps owning the descriptor and closes
/// it after the call; the descriptor's own read position is left alone.
#[uniffi::export]
pub async fn privacy_report_fd(fd: i32) -> Result<PrivacyReport, ShareSafeError> {
    worker::run(None, move || report_of_path(crate::fd_path(fd)?)).await
}

fn report_of_path(path: PathBuf) -> Result<PrivacyReport, ShareSafeError> {
    let file = std::fs::File::open(path).map_err(|e| sharesafe_core::Error::Io {
        op: "open input",
        source: e,
    })?;
    let report = sharesafe_core::inspect(BufReader::new(file), &Default::default())?;
    Ok(PrivacyReport::from(&report))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_finding_id_is_listed_once() {
        let ids = finding_ids();
        let mut unique = ids.clone();
        unique.sort();
        unique.dedup();
        assert_eq!(unique.len(), ids.len());
        assert!(ids.iter().any(|i| i == "gps_position"));
        assert!(ids.iter().any(|i| i == "facebook_fbmd"));
    }
}
