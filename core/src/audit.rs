//! Why this exists: a parent does not believe "metadata" is a risk until they see their own camera
//! roll say "47 photos were taken within 150 m of one place — likely your home". The audit reads a
//! folder without changing anything and says how many photos reveal a location, where the photos
//! cluster (coordinates and counts only: no network, no addresses), which places recur on
//! school-day mornings, which devices took them, which people are named, which tracking IDs are
//! embedded, and which photos hide a video.
//!
//! Findings come from the privacy report ([`crate::report::inspect`]), which runs the cleaner's
//! own walk: the audit sees exactly the blocks a clean removes, read the way the review screen
//! reads them. [`findings_from_report`] turns one report into the audit's terms; the clustering
//! and the summary work on those.
//!
//! The report holds user data (coordinates, names) because showing it to the parent is its
//! purpose; nothing of it is ever logged.

use std::io::BufReader;
use std::path::PathBuf;

use serde::Serialize;

use crate::batch::BatchItem;
use crate::error::{Error, Result};
use crate::report::{FindingId, InspectOptions, PrivacyReport};
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

fn push_unique(v: &mut Vec<String>, s: String) {
    if !s.is_empty() && !v.contains(&s) && v.len() < 64 {
        v.push(s);
    }
}

/// What one photo's privacy report says, in the audit's terms. The report is the one place that
/// interprets metadata (EXIF through kamadak-exif, XMP through an XML parser, IPTC, PNG text,
/// QuickTime), so the audit and the review screen can never disagree about a photo.
pub fn findings_from_report(report: &PrivacyReport) -> PhotoFindings {
    let mut out = PhotoFindings::default();
    for f in &report.findings {
        let value = f.value.reveal();
        match f.id {
            FindingId::GpsPosition => {
                // (0, 0) is what a phone writes when it blanks the location: not a place.
                let place = f.coordinates.filter(|c| c.is_valid() && !c.is_zero());
                if let (None, Some(c)) = (out.location, place) {
                    out.location = Some(GeoPoint {
                        lat: c.latitude,
                        lon: c.longitude,
                    });
                }
            }
            FindingId::CaptureTime if out.taken.is_none() => {
                out.taken = TakenAt::parse(value.as_bytes());
            }
            FindingId::Device if out.device.is_none() && !value.is_empty() => {
                out.device = Some(value.to_string());
            }
            FindingId::PersonName | FindingId::OwnerName | FindingId::AuthorCopyright => {
                push_unique(&mut out.people, value.to_string());
            }
            FindingId::FacebookFbmd | FindingId::UniqueId | FindingId::SerialNumber => {
                push_unique(&mut out.tracking_ids, format!("{}: {value}", f.id.as_str()));
            }
            FindingId::MotionPhotoVideo => out.hidden_video = true,
            _ => {}
        }
    }
    out
}

/// Reads one file's findings without changing it (the privacy report without the thumbnail
/// comparison, which a folder-wide count does not need).
pub fn audit_file(path: &std::path::Path, limits: &Limits) -> Result<PhotoFindings> {
    let file = std::fs::File::open(path).map_err(|e| Error::io("open input", e))?;
    let opts = InspectOptions {
        limits: limits.clone(),
        compare_thumbnail: false,
    };
    let report = crate::report::inspect(BufReader::new(file), &opts)?;
    Ok(findings_from_report(&report))
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
    fn report_people_ids_and_motion_photos() {
        // A JPEG carrying XMP with a named face region, a person in the image, a document ID
        // and a motion-photo flag: the audit reads them through the privacy report.
        let xmp = br#"<x:xmpmeta xmlns:x="adobe:ns:meta/"><rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#"><rdf:Description xmlns:xmpMM="http://ns.adobe.com/xap/1.0/mm/" xmlns:GCamera="http://ns.google.com/photos/1.0/camera/" xmlns:mwg-rs="http://www.metadataworkinggroup.com/schemas/regions/" xmlns:Iptc4xmpExt="http://iptc.org/std/Iptc4xmpExt/2008-02-29/" xmpMM:DocumentID="xmp.did:123" GCamera:MotionPhoto="1"><mwg-rs:Regions rdf:parseType="Resource"><mwg-rs:RegionList><rdf:Bag><rdf:li><rdf:Description mwg-rs:Name="Lisa" mwg-rs:Type="Face"/></rdf:li></rdf:Bag></mwg-rs:RegionList></mwg-rs:Regions><Iptc4xmpExt:PersonInImage><rdf:Bag><rdf:li>Tom</rdf:li></rdf:Bag></Iptc4xmpExt:PersonInImage></rdf:Description></rdf:RDF></x:xmpmeta>"#;
        let mut app1 = b"http://ns.adobe.com/xap/1.0/\0".to_vec();
        app1.extend_from_slice(xmp);
        let len = u16::try_from(app1.len() + 2).expect("small segment");
        let img =
            image::RgbImage::from_fn(16, 16, |x, y| image::Rgb([x as u8 * 9, y as u8 * 9, 90]));
        let mut encoded = Vec::new();
        image::codecs::jpeg::JpegEncoder::new_with_quality(&mut encoded, 90)
            .encode_image(&img)
            .expect("encoding to memory");
        let mut jpeg = vec![0xFF, 0xD8, 0xFF, 0xE1];
        jpeg.extend_from_slice(&len.to_be_bytes());
        jpeg.extend_from_slice(&app1);
        jpeg.extend_from_slice(&encoded[2..]);
        let report = crate::report::inspect_bytes(&jpeg, &InspectOptions::default())
            .expect("the test JPEG inspects");
        let f = findings_from_report(&report);
        assert!(f.people.contains(&"Lisa".to_string()), "{:?}", f.people);
        assert!(f.people.contains(&"Tom".to_string()), "{:?}", f.people);
        assert!(
            f.tracking_ids.iter().any(|t| t.ends_with("xmp.did:123")),
            "{:?}",
            f.tracking_ids
        );
        assert!(f.hidden_video);
    }
}
