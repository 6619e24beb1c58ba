//! Why this exists: a parent does not believe "metadata" is a risk until they see their own camera
//! roll say "47 photos were taken within 150 m of one place — likely your home". The audit reads a
//! folder without changing anything and says how many photos reveal a location, where the photos
//! cluster (coordinates and counts only: no network, no addresses), which places recur on
//! school-day mornings, which devices took them, which people are named, which tracking IDs are
//! embedded, and which photos hide a video.
//!
//! Findings come from [`crate::inspect_metadata`], so the audit sees exactly the blocks a clean
//! removes. [`findings_from_metadata`] is the one place that interprets them (EXIF through
//! kamadak-exif, XMP by a few tag names); it is meant to be swapped for the privacy report module
//! (`crate::report`) when that lands, without touching the clustering or the summary.
//!
//! The report holds user data (coordinates, names) because showing it to the parent is its
//! purpose; nothing of it is ever logged.

use std::io::BufReader;
use std::path::PathBuf;

use serde::Serialize;

use crate::batch::BatchItem;
use crate::error::{Error, Result};
use crate::io::MetadataBlock;
use crate::parts::PartKind;
use crate::Limits;

/// Photos within this distance of a place's first photo count as taken at that place.
pub const PLACE_RADIUS_M: f64 = 150.0;
/// A place needs this many photos to be reported.
pub const MIN_PHOTOS_PER_PLACE: usize = 3;

/// A GPS position in degrees (WGS 84).
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct GeoPoint {
    /// Latitude, north positive.
    pub lat: f64,
    /// Longitude, east positive.
    pub lon: f64,
}

impl GeoPoint {
    /// Great-circle distance in metres (haversine).
    pub fn distance_m(&self, other: &GeoPoint) -> f64 {
        let (p1, p2) = (self.lat.to_radians(), other.lat.to_radians());
        let dp = p2 - p1;
        let dl = (other.lon - self.lon).to_radians();
        let a = (dp / 2.0).sin().powi(2) + p1.cos() * p2.cos() * (dl / 2.0).sin().powi(2);
        2.0 * 6_371_000.0 * a.sqrt().clamp(0.0, 1.0).asin()
    }
}

/// The local date and time a photo was taken, as the camera recorded it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct TakenAt {
    /// Year, month (1–12), day (1–31).
    pub date: (u16, u8, u8),
    /// Hour (0–23) and minute.
    pub time: (u8, u8),
    /// Day of the week, 0 = Monday … 6 = Sunday.
    pub weekday: u8,
}

impl TakenAt {
    /// Parses EXIF's `YYYY:MM:DD HH:MM:SS`.
    pub fn parse(text: &[u8]) -> Option<Self> {
        let d = crate::formats::exif_orientation::CaptureDate::parse(text)?;
        let n = |r: std::ops::Range<usize>| -> u32 {
            d.text[r]
                .iter()
                .fold(0, |a, &b| a * 10 + u32::from(b - b'0'))
        };
        let days = d.unix_seconds().div_euclid(86_400);
        // 1970-01-01 was a Thursday (3 when Monday is 0).
        let weekday = (days + 3).rem_euclid(7) as u8;
        Some(TakenAt {
            date: (n(0..4) as u16, n(5..7) as u8, n(8..10) as u8),
            time: (n(11..13) as u8, n(14..16) as u8),
            weekday,
        })
    }

    /// Monday to Friday, 07:00–09:59: when children are taken to school or nursery.
    pub fn is_school_day_morning(&self) -> bool {
        self.weekday < 5 && (7..10).contains(&self.time.0)
    }
}

/// What one photo gives away.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct PhotoFindings {
    /// Where it was taken.
    pub location: Option<GeoPoint>,
    /// When it was taken.
    pub taken: Option<TakenAt>,
    /// The camera or phone ("Apple iPhone 12").
    pub device: Option<String>,
    /// People named in it (face regions, "person in image", artist, camera owner).
    pub people: Vec<String>,
    /// Identifiers that link copies of the photo or the device across shares (serial numbers,
    /// unique image IDs, XMP document IDs), as `kind: value`.
    pub tracking_ids: Vec<String>,
    /// True when a video is hidden in it (motion photo, embedded MP4).
    pub hidden_video: bool,
}

fn exif_text(f: &exif::Field) -> Option<String> {
    match &f.value {
        exif::Value::Ascii(v) => {
            let s: String = v
                .iter()
                .map(|b| {
                    String::from_utf8_lossy(b)
                        .trim_matches(char::from(0))
                        .trim()
                        .to_string()
                })
                .filter(|s| !s.is_empty())
                .collect::<Vec<_>>()
                .join(" ");
            (!s.is_empty()).then_some(s)
        }
        _ => None,
    }
}

fn exif_degrees(e: &exif::Exif, tag: exif::Tag, reference: exif::Tag, negative: u8) -> Option<f64> {
    let f = e.get_field(tag, exif::In::PRIMARY)?;
    let exif::Value::Rational(v) = &f.value else {
        return None;
    };
    let part = |i: usize| v.get(i).map(|r| r.to_f64()).filter(|x| x.is_finite());
    let deg = part(0)? + part(1).unwrap_or(0.0) / 60.0 + part(2).unwrap_or(0.0) / 3600.0;
    let r = e
        .get_field(reference, exif::In::PRIMARY)
        .and_then(|f| match &f.value {
            exif::Value::Ascii(v) => v.first().and_then(|s| s.first().copied()),
            _ => None,
        });
    Some(if r == Some(negative) { -deg } else { deg })
}

fn read_exif(tiff: &[u8], out: &mut PhotoFindings) {
    let Ok(e) = exif::Reader::new().read_raw(tiff.to_vec()) else {
        return;
    };
    use exif::Tag;
    let lat = exif_degrees(&e, Tag::GPSLatitude, Tag::GPSLatitudeRef, b'S');
    let lon = exif_degrees(&e, Tag::GPSLongitude, Tag::GPSLongitudeRef, b'W');
    if let (Some(lat), Some(lon)) = (lat, lon) {
        // (0, 0) is what broken GPS modules write; it is not a place anybody lives.
        let plausible = lat.abs() <= 90.0 && lon.abs() <= 180.0 && (lat != 0.0 || lon != 0.0);
        if plausible && out.location.is_none() {
            out.location = Some(GeoPoint { lat, lon });
        }
    }
    let text = |t: Tag| e.get_field(t, exif::In::PRIMARY).and_then(exif_text);
    if out.taken.is_none() {
        out.taken = e
            .get_field(Tag::DateTimeOriginal, exif::In::PRIMARY)
            .and_then(|f| match &f.value {
                exif::Value::Ascii(v) => v.first().and_then(|s| TakenAt::parse(s)),
                _ => None,
            });
    }
    if out.device.is_none() {
        let (make, model) = (text(Tag::Make), text(Tag::Model));
        out.device = match (make, model) {
            (Some(a), Some(b)) if b.to_lowercase().starts_with(&a.to_lowercase()) => Some(b),
            (Some(a), Some(b)) => Some(format!("{a} {b}")),
            (a, b) => a.or(b),
        };
    }
    for t in [Tag::Artist, Tag::CameraOwnerName] {
        if let Some(n) = text(t) {
            push_unique(&mut out.people, n);
        }
    }
    for (t, kind) in [
        (Tag::BodySerialNumber, "camera serial number"),
        (Tag::LensSerialNumber, "lens serial number"),
        (Tag::ImageUniqueID, "unique image ID"),
    ] {
        if let Some(v) = text(t) {
            push_unique(&mut out.tracking_ids, format!("{kind}: {v}"));
        }
    }
}

fn push_unique(v: &mut Vec<String>, s: String) {
    if !v.contains(&s) && v.len() < 64 {
        v.push(s);
    }
}

/// The values of `name="value"` attributes and `<name>value</name>` elements in an XMP packet.
fn xmp_values<'a>(xmp: &'a str, name: &str) -> Vec<&'a str> {
    let mut out = Vec::new();
    for (i, _) in xmp.match_indices(name) {
        let rest = &xmp[i + name.len()..];
        let value = if let Some(r) = rest.strip_prefix("=\"") {
            r.split('"').next()
        } else if let Some(r) = rest.strip_prefix('>') {
            r.split('<').next()
        } else {
            None
        };
        if let Some(v) = value.map(str::trim).filter(|v| !v.is_empty()) {
            out.push(v);
        }
    }
    out
}

fn read_xmp(payload: &[u8], out: &mut PhotoFindings) {
    let Some(start) = payload
        .windows(10)
        .position(|w| w == b"<x:xmpmeta")
        .or_else(|| payload.windows(8).position(|w| w == b"<rdf:RDF"))
    else {
        return;
    };
    let xmp = String::from_utf8_lossy(&payload[start..]);
    for name in [
        "mwg-rs:Name",
        "Iptc4xmpExt:PersonInImage",
        "MP:PersonDisplayName",
    ] {
        for v in xmp_values(&xmp, name) {
            // PersonInImage is a list: its values are in <rdf:li> elements.
            if v.is_empty() || v.starts_with('<') {
                continue;
            }
            push_unique(&mut out.people, v.to_string());
        }
    }
    if let Some(i) = xmp.find("Iptc4xmpExt:PersonInImage>") {
        let list = &xmp[i..];
        let end = list
            .find("</Iptc4xmpExt:PersonInImage")
            .unwrap_or(list.len());
        for v in xmp_values(&list[..end], "rdf:li") {
            push_unique(&mut out.people, v.to_string());
        }
    }
    for (name, kind) in [
        ("xmpMM:DocumentID", "XMP document ID"),
        ("xmpMM:OriginalDocumentID", "XMP original document ID"),
        ("xmpMM:InstanceID", "XMP instance ID"),
    ] {
        for v in xmp_values(&xmp, name) {
            push_unique(&mut out.tracking_ids, format!("{kind}: {v}"));
        }
    }
    if [
        "GCamera:MotionPhoto",
        "GCamera:MicroVideo",
        "Camera:MotionPhoto",
        "MotionPhoto_Data",
    ]
    .iter()
    .any(|k| xmp.contains(k))
    {
        out.hidden_video = true;
    }
}

/// Interprets the metadata blocks a clean removes. The one function to swap for the privacy
/// report module: everything else in the audit works on [`PhotoFindings`].
pub fn findings_from_metadata(blocks: &[(PartKind, &'static str, Vec<u8>)]) -> PhotoFindings {
    let mut out = PhotoFindings::default();
    for (kind, label, payload) in blocks {
        match kind {
            PartKind::Exif => read_exif(
                crate::formats::exif_orientation::strip_exif_header(payload),
                &mut out,
            ),
            PartKind::Xmp | PartKind::Text | PartKind::Unknown => read_xmp(payload, &mut out),
            PartKind::Trailer if label.contains("video") => out.hidden_video = true,
            _ => {}
        }
    }
    out
}

/// Reads one file's findings without changing it.
pub fn audit_file(path: &std::path::Path, limits: &Limits) -> Result<PhotoFindings> {
    let file = std::fs::File::open(path).map_err(|e| Error::io("open input", e))?;
    let mut blocks: Vec<(PartKind, &'static str, Vec<u8>)> = Vec::new();
    let mut kept_bytes = 0usize;
    crate::inspect_metadata(BufReader::new(file), limits, &mut |b: &MetadataBlock<
        '_,
    >| {
        // Bounded: at most max_metadata_bytes per block, and a few blocks' worth in total.
        let budget = (limits.max_metadata_bytes as usize).saturating_mul(4);
        if kept_bytes.saturating_add(b.payload.len()) <= budget {
            kept_bytes += b.payload.len();
            blocks.push((b.info.kind, b.info.label, b.payload.to_vec()));
        }
    })?;
    Ok(findings_from_metadata(&blocks))
}

/// A place where several photos were taken.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Place {
    /// The place (its first photo's position, rounded to about 10 m).
    pub at: GeoPoint,
    /// Photos within [`PLACE_RADIUS_M`] of it.
    pub photos: usize,
    /// Of those, how many on school-day mornings (Monday–Friday, 07:00–09:59).
    pub school_day_mornings: usize,
    /// What the pattern suggests: "likely your home", "likely a school or nursery", or none.
    pub likely: Option<&'static str>,
}

/// Something counted across the folder (a device, a person) and in how many photos.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Count {
    /// The device model or the person's name.
    pub name: String,
    /// In how many photos.
    pub photos: usize,
}

/// What a folder of photos gives away.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct AuditReport {
    /// Files looked at.
    pub files: usize,
    /// Files that could be read as photos.
    pub photos: usize,
    /// Files that could not be read (not a photo, damaged, unsupported).
    pub unreadable: usize,
    /// Photos that reveal where they were taken.
    pub with_location: usize,
    /// Places with at least [`MIN_PHOTOS_PER_PLACE`] photos, most photos first.
    pub places: Vec<Place>,
    /// Devices, most photos first.
    pub devices: Vec<Count>,
    /// People named, most photos first.
    pub people: Vec<Count>,
    /// Photos carrying an identifier that links them across shares.
    pub with_tracking_ids: usize,
    /// Distinct identifiers found.
    pub tracking_ids: usize,
    /// Photos hiding a video.
    pub hidden_videos: usize,
    /// Per photo, what it gives away (input order; only photos with any finding).
    pub per_photo: Vec<(PathBuf, PhotoFindings)>,
}

fn count_into(counts: &mut Vec<Count>, name: &str) {
    match counts.iter_mut().find(|c| c.name == name) {
        Some(c) => c.photos += 1,
        None => counts.push(Count {
            name: name.to_string(),
            photos: 1,
        }),
    }
}

/// Groups located photos into places: each photo joins the first place whose first photo is
/// within [`PLACE_RADIUS_M`], else starts a new one. Deterministic in input order; O(photos ×
/// places), fine for a camera roll.
pub fn cluster_places(points: &[(GeoPoint, Option<TakenAt>)]) -> Vec<Place> {
    let mut places: Vec<Place> = Vec::new();
    let mut leaders: Vec<GeoPoint> = Vec::new();
    for (p, taken) in points {
        let i = match leaders
            .iter()
            .position(|l| l.distance_m(p) <= PLACE_RADIUS_M)
        {
            Some(i) => i,
            None => {
                leaders.push(*p);
                places.push(Place {
                    at: GeoPoint {
                        lat: (p.lat * 1e4).round() / 1e4,
                        lon: (p.lon * 1e4).round() / 1e4,
                    },
                    photos: 0,
                    school_day_mornings: 0,
                    likely: None,
                });
                places.len() - 1
            }
        };
        places[i].photos += 1;
        if taken.is_some_and(|t| t.is_school_day_morning()) {
            places[i].school_day_mornings += 1;
        }
    }
    places.retain(|p| p.photos >= MIN_PHOTOS_PER_PLACE);
    places.sort_by_key(|p| std::cmp::Reverse(p.photos));
    // The place with most photos, if it holds a good share of them, is most likely home; a place
    // where most photos are from school-day mornings is most likely a school or nursery.
    let located: usize = points.len();
    for (i, p) in places.iter_mut().enumerate() {
        if p.school_day_mornings >= MIN_PHOTOS_PER_PLACE && p.school_day_mornings * 2 >= p.photos {
            p.likely = Some("likely a school or nursery");
        } else if i == 0 && p.photos * 5 >= located {
            p.likely = Some("likely your home");
        }
    }
    places
}

/// Audits every item (reading only), and summarises.
pub fn audit_items(items: &[BatchItem], limits: &Limits) -> AuditReport {
    let mut r = AuditReport {
        files: items.len(),
        ..AuditReport::default()
    };
    let mut points = Vec::new();
    let mut ids = std::collections::BTreeSet::new();
    for item in items {
        let f = match audit_file(&item.path, limits) {
            Ok(f) => f,
            Err(_) => {
                r.unreadable += 1;
                continue;
            }
        };
        r.photos += 1;
        if let Some(p) = f.location {
            r.with_location += 1;
            points.push((p, f.taken));
        }
        if let Some(d) = &f.device {
            count_into(&mut r.devices, d);
        }
        for p in &f.people {
            count_into(&mut r.people, p);
        }
        if !f.tracking_ids.is_empty() {
            r.with_tracking_ids += 1;
            ids.extend(f.tracking_ids.iter().cloned());
        }
        if f.hidden_video {
            r.hidden_videos += 1;
        }
        if f != PhotoFindings::default() {
            r.per_photo.push((item.path.clone(), f));
        }
    }
    r.tracking_ids = ids.len();
    r.places = cluster_places(&points);
    r.devices
        .sort_by(|a, b| b.photos.cmp(&a.photos).then(a.name.cmp(&b.name)));
    r.people
        .sort_by(|a, b| b.photos.cmp(&a.photos).then(a.name.cmp(&b.name)));
    r
}

impl AuditReport {
    /// The summary a parent reads, one finding a line.
    pub fn human_summary(&self) -> Vec<String> {
        let mut lines = vec![format!(
            "{} of {} photos reveal where they were taken.",
            self.with_location, self.photos
        )];
        for p in &self.places {
            let mut line = format!(
                "{} photos were taken within {} m of one place ({:.4}, {:.4})",
                p.photos, PLACE_RADIUS_M, p.at.lat, p.at.lon
            );
            if let Some(l) = p.likely {
                line.push_str(" — ");
                line.push_str(l);
            }
            lines.push(line);
            if p.school_day_mornings >= MIN_PHOTOS_PER_PLACE {
                lines.push(format!(
                    "  {} of them at this place on school-day mornings",
                    p.school_day_mornings
                ));
            }
        }
        if !self.devices.is_empty() {
            let d: Vec<String> = self
                .devices
                .iter()
                .map(|c| format!("{} ({})", c.name, c.photos))
                .collect();
            lines.push(format!("Devices named: {}", d.join(", ")));
        }
        if !self.people.is_empty() {
            let d: Vec<String> = self
                .people
                .iter()
                .map(|c| format!("{} ({})", c.name, c.photos))
                .collect();
            lines.push(format!("People named: {}", d.join(", ")));
        }
        if self.with_tracking_ids > 0 {
            lines.push(format!(
                "{} photos carry tracking IDs ({} distinct: serial numbers, unique image and document IDs) that link them to each other and to your device.",
                self.with_tracking_ids, self.tracking_ids
            ));
        }
        if self.hidden_videos > 0 {
            lines.push(format!(
                "{} photos hide a video (motion photos): sharing the photo shares the clip.",
                self.hidden_videos
            ));
        }
        if self.unreadable > 0 {
            lines.push(format!(
                "{} files could not be read as photos.",
                self.unreadable
            ));
        }
        lines
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(lat: f64, lon: f64) -> GeoPoint {
        GeoPoint { lat, lon }
    }

    #[test]
    fn distance_is_right_at_city_scale() {
        // One thousandth of a degree of latitude is about 111 m.
        let d = at(52.0, 13.0).distance_m(&at(52.001, 13.0));
        assert!((d - 111.2).abs() < 1.0, "{d}");
    }

    #[test]
    fn weekday_and_school_mornings() {
        let t = TakenAt::parse(b"2024:06:12 08:05:09").expect("date"); // a Wednesday
        assert_eq!(t.weekday, 2);
        assert!(t.is_school_day_morning());
        let sat = TakenAt::parse(b"2024:06:15 08:05:09").expect("date");
        assert_eq!(sat.weekday, 5);
        assert!(!sat.is_school_day_morning());
        assert!(!TakenAt::parse(b"2024:06:12 13:00:00")
            .expect("date")
            .is_school_day_morning());
    }

    #[test]
    fn clusters_home_and_school() {
        let mut pts = Vec::new();
        let evening = TakenAt::parse(b"2024:06:15 18:00:00");
        let morning = TakenAt::parse(b"2024:06:12 08:10:00");
        for i in 0..47 {
            // Spread over ~100 m around home.
            pts.push((at(52.5200 + f64::from(i % 7) * 1e-4, 13.4050), evening));
        }
        for i in 0..12 {
            pts.push((at(52.5300, 13.4200 + f64::from(i % 3) * 1e-4), morning));
        }
        pts.push((at(48.8566, 2.3522), evening)); // one holiday photo: not a place
        let places = cluster_places(&pts);
        assert_eq!(places.len(), 2, "{places:?}");
        assert_eq!(places[0].photos, 47);
        assert_eq!(places[0].likely, Some("likely your home"));
        assert_eq!(places[1].photos, 12);
        assert_eq!(places[1].school_day_mornings, 12);
        assert_eq!(places[1].likely, Some("likely a school or nursery"));
    }

    #[test]
    fn xmp_people_ids_and_motion_photos() {
        let xmp = br#"<x:xmpmeta><rdf:RDF><rdf:Description xmpMM:DocumentID="xmp.did:123"
            GCamera:MotionPhoto="1"><mwg-rs:Regions><rdf:li mwg-rs:Name="Lisa"/></mwg-rs:Regions>
            <Iptc4xmpExt:PersonInImage><rdf:Bag><rdf:li>Tom</rdf:li></rdf:Bag>
            </Iptc4xmpExt:PersonInImage></rdf:Description></rdf:RDF></x:xmpmeta>"#;
        let f = findings_from_metadata(&[(PartKind::Xmp, "XMP", xmp.to_vec())]);
        assert_eq!(f.people, vec!["Lisa".to_string(), "Tom".to_string()]);
        assert_eq!(
            f.tracking_ids,
            vec!["XMP document ID: xmp.did:123".to_string()]
        );
        assert!(f.hidden_video);
    }
}
