//! Why this exists: XMP is RDF written as XML in several equivalent spellings (a property as an
//! attribute of `rdf:Description`, as a child element, inside `rdf:Bag`/`Seq`/`Alt` lists, in
//! nested structures). It is parsed here with a real XML parser (quick-xml, namespace-aware, no
//! DTD or entity expansion) into (property path, value) pairs, and the pairs are mapped to
//! findings by namespace URI and name — never by prefix, which a file may choose freely.

use quick_xml::events::{BytesStart, Event};
use quick_xml::name::ResolveResult;
use quick_xml::NsReader;

use crate::parts::PartInfo;

use super::extract::{ns, MetadataExtractor};
use super::{Coordinates, FindingId};

const RDF: &str = "http://www.w3.org/1999/02/22-rdf-syntax-ns#";
const X_META: &str = "adobe:ns:meta/";
const XML_NS: &str = "http://www.w3.org/XML/1998/namespace";

/// Deepest element nesting read; real XMP nests a dozen deep at most.
const MAX_DEPTH: usize = 64;
/// Longest text collected for one property (base64 depth maps are much longer; their presence
/// is what matters).
const MAX_TEXT: usize = 4096;

/// One step of a property path: namespace URI and local name.
pub(crate) type Step = (String, String);

struct Frame {
    step: Option<Step>,
    text: String,
    had_child: bool,
}

fn resolve(r: ResolveResult<'_>) -> String {
    match r {
        ResolveResult::Bound(ns) => String::from_utf8_lossy(ns.as_ref()).into_owned(),
        _ => String::new(),
    }
}

/// Walks an XMP packet, calling `on_value(path, value)` for every simple property value. Returns
/// false when the XML is damaged or nests too deep (values found before that were reported).
pub(crate) fn walk(xml: &[u8], on_value: &mut dyn FnMut(&[Step], &str)) -> bool {
    let transcoded = utf16_to_utf8(xml);
    let xml = transcoded.as_deref().map_or(xml, str::as_bytes);
    let mut reader = NsReader::from_reader(xml);
    reader.config_mut().trim_text(false);
    let mut buf = Vec::new();
    let mut stack: Vec<Frame> = Vec::new();
    let mut path: Vec<Step> = Vec::new();
    loop {
        buf.clear();
        let (res, ev) = match reader.read_resolved_event_into(&mut buf) {
            Ok(x) => x,
            Err(_) => return false,
        };
        match ev {
            Event::Start(ref e) | Event::Empty(ref e) => {
                let empty = matches!(ev, Event::Empty(_));
                let step = element_step(resolve(res), e);
                if stack.len() >= MAX_DEPTH {
                    return false;
                }
                if let Some(top) = stack.last_mut() {
                    top.had_child = true;
                }
                if let Some(s) = &step {
                    path.push(s.clone());
                }
                attributes(&reader, e, &mut path, on_value);
                if empty {
                    if step.is_some() {
                        path.pop();
                    }
                } else {
                    stack.push(Frame {
                        step,
                        text: String::new(),
                        had_child: false,
                    });
                }
            }
            Event::End(_) => {
                let Some(f) = stack.pop() else { return false };
                if f.step.is_some() {
                    if !f.had_child && !f.text.trim().is_empty() {
                        on_value(&path, f.text.trim());
                    }
                    path.pop();
                } else if !f.had_child && !f.text.trim().is_empty() {
                    // Text of an rdf:li: the value of the enclosing property.
                    on_value(&path, f.text.trim());
                }
            }
            Event::Text(t) => {
                if let (Some(top), Ok(s)) = (stack.last_mut(), t.xml10_content()) {
                    push_text(&mut top.text, &s);
                }
            }
            Event::CData(t) => {
                if let (Some(top), Ok(s)) = (stack.last_mut(), t.decode()) {
                    push_text(&mut top.text, &s);
                }
            }
            Event::GeneralRef(r) => {
                let resolved = if r.is_char_ref() {
                    r.resolve_char_ref().ok().flatten().map(String::from)
                } else {
                    r.decode()
                        .ok()
                        .and_then(|n| quick_xml::escape::resolve_predefined_entity(&n))
                        .map(String::from)
                };
                if let (Some(top), Some(s)) = (stack.last_mut(), resolved) {
                    push_text(&mut top.text, &s);
                }
            }
            Event::Eof => return stack.is_empty(),
            _ => {}
        }
    }
}

/// XMP may be UTF-16 (the XMP spec allows it; exiftool's test files use it). quick-xml reads
/// UTF-8, so UTF-16 — told by its byte-order mark or by a NUL beside the first `<` — is
/// transcoded first.
fn utf16_to_utf8(xml: &[u8]) -> Option<String> {
    let big_endian = match xml {
        [0xFE, 0xFF, ..] | [0, b'<', ..] => true,
        [0xFF, 0xFE, ..] | [b'<', 0, ..] => false,
        _ => return None,
    };
    let units: Vec<u16> = xml
        .chunks_exact(2)
        .map(|c| {
            if big_endian {
                u16::from_be_bytes([c[0], c[1]])
            } else {
                u16::from_le_bytes([c[0], c[1]])
            }
        })
        .collect();
    let s = String::from_utf16_lossy(&units);
    Some(s.trim_start_matches('\u{feff}').to_owned())
}

fn push_text(into: &mut String, s: &str) {
    let room = MAX_TEXT.saturating_sub(into.len());
    if room == 0 {
        return;
    }
    match s.char_indices().nth(room) {
        Some((cut, _)) => into.push_str(&s[..cut]),
        None => into.push_str(s),
    }
}

/// The path step an element adds: none for RDF syntax (`rdf:RDF`, `Description`, `Bag`, `li`…)
/// and the `x:xmpmeta` wrapper.
fn element_step(ns: String, e: &BytesStart<'_>) -> Option<Step> {
    if ns == RDF || ns == X_META {
        return None;
    }
    let local = String::from_utf8_lossy(e.local_name().as_ref()).into_owned();
    Some((ns, local))
}

fn attributes<R>(
    reader: &NsReader<R>,
    e: &BytesStart<'_>,
    path: &mut Vec<Step>,
    on_value: &mut dyn FnMut(&[Step], &str),
) {
    for a in e.attributes().flatten() {
        let key = a.key;
        if key.as_ref().starts_with(b"xmlns") {
            continue;
        }
        let (r, local) = reader.resolver().resolve_attribute(key);
        let ns = resolve(r);
        if ns.is_empty() || ns == RDF || ns == XML_NS || ns == X_META {
            continue;
        }
        let Ok(v) = a.normalized_value(quick_xml::XmlVersion::Implicit1_0) else {
            continue;
        };
        if v.trim().is_empty() {
            continue;
        }
        path.push((ns, String::from_utf8_lossy(local.as_ref()).into_owned()));
        on_value(path, v.trim());
        path.pop();
    }
}

/// Maps the (path, value) pairs of one packet to findings; position, make/model and face counts
/// are combined at the end of the packet.
#[derive(Default)]
pub(crate) struct XmpFindings {
    pending: Vec<(FindingId, String, &'static str)>,
    lat: Option<String>,
    lon: Option<String>,
    ext_lat: Option<String>,
    ext_lon: Option<String>,
    make: Option<String>,
    model: Option<String>,
    mwg_faces: u32,
    mwg_regions: u32,
    mp_regions: u32,
    camera_raw: bool,
}

impl XmpFindings {
    pub(crate) fn value(&mut self, path: &[Step], v: &str) {
        let Some((ns_uri, name)) = path.last() else {
            return;
        };
        let top = path.len() == 1;
        let under = |uri: &str, local: &str| path.iter().any(|(n, l)| n == uri && l == local);
        let mut add = |id, field| self.pending.push((id, v.to_owned(), field));
        use FindingId as F;
        match (ns_uri.as_str(), name.as_str()) {
            (ns::EXIF, "GPSLatitude") => self.lat = Some(v.to_owned()),
            (ns::EXIF, "GPSLongitude") => self.lon = Some(v.to_owned()),
            (ns::IPTC_EXT, "GPSLatitude") => self.ext_lat = Some(v.to_owned()),
            (ns::IPTC_EXT, "GPSLongitude") => self.ext_lon = Some(v.to_owned()),
            (ns::EXIF, "GPSAltitude") => {
                if let Some(a) = xmp_rational(v).filter(|a| *a != 0.0) {
                    self.pending.push((
                        F::GpsAltitude,
                        format!("{a:.1} m"),
                        "XMP exif:GPSAltitude",
                    ));
                }
            }
            (ns::EXIF, "DateTimeOriginal") => add(F::CaptureTime, "XMP exif:DateTimeOriginal"),
            (ns::XMP, "CreateDate") => add(F::CaptureTime, "XMP xmp:CreateDate"),
            (ns::PHOTOSHOP, "DateCreated") => add(F::CaptureTime, "XMP photoshop:DateCreated"),
            (ns::EXIF, "UserComment") => add(F::Comment, "XMP exif:UserComment"),
            (ns::EXIF, "ImageUniqueID") => add(F::UniqueId, "XMP exif:ImageUniqueID"),
            (ns::EXIF_EX | ns::AUX, "BodySerialNumber" | "LensSerialNumber" | "SerialNumber") => {
                add(F::SerialNumber, "XMP serial number")
            }
            (ns::EXIF_EX, "CameraOwnerName") | (ns::AUX, "OwnerName") => {
                add(F::OwnerName, "XMP owner name")
            }
            (ns::EXIF_EX, "LensModel") | (ns::AUX, "Lens") => add(F::Lens, "XMP lens"),
            (ns::TIFF, "Make") => self.make = Some(v.to_owned()),
            (ns::TIFF, "Model") => self.model = Some(v.to_owned()),
            (ns::TIFF, "Software") => add(F::Software, "XMP tiff:Software"),
            (ns::XMP, "CreatorTool") => add(F::Software, "XMP xmp:CreatorTool"),
            (ns::TIFF, "Artist") => add(F::AuthorCopyright, "XMP tiff:Artist"),
            (ns::TIFF, "Copyright") => add(F::AuthorCopyright, "XMP tiff:Copyright"),
            (ns::DC, "creator") => add(F::AuthorCopyright, "XMP dc:creator"),
            (ns::PDF, "Author") => add(F::AuthorCopyright, "XMP pdf:Author"),
            (ns::PDF, "Title") => add(F::Title, "XMP pdf:Title"),
            (ns::PDF, "Keywords") => add(F::Keywords, "XMP pdf:Keywords"),
            (ns::PDF, "Producer") => add(F::Software, "XMP pdf:Producer"),
            (ns::DC, "rights") => add(F::AuthorCopyright, "XMP dc:rights"),
            (ns::PHOTOSHOP, "Credit" | "Source" | "CaptionWriter" | "AuthorsPosition") => {
                add(F::AuthorCopyright, "XMP photoshop credit")
            }
            (ns::IPTC_CORE, "CiEmailWork" | "CiTelWork" | "CiUrlWork") => {
                add(F::AuthorCopyright, "XMP Iptc4xmpCore:CreatorContactInfo")
            }
            (ns::IPTC_CORE, "CiAdrExtadr" | "CiAdrCity" | "CiAdrRegion" | "CiAdrCtry") => {
                add(F::PlaceName, "XMP Iptc4xmpCore:CreatorContactInfo")
            }
            (ns::TIFF, "ImageDescription") => add(F::Description, "XMP tiff:ImageDescription"),
            (ns::DC, "description") => add(F::Description, "XMP dc:description"),
            (ns::PHOTOSHOP, "Headline") => add(F::Title, "XMP photoshop:Headline"),
            (ns::DC, "title") => add(F::Title, "XMP dc:title"),
            (ns::DC, "subject") => add(F::Keywords, "XMP dc:subject"),
            (ns::LR, "hierarchicalSubject") => add(F::Keywords, "XMP lr:hierarchicalSubject"),
            (ns::MS_PHOTO, "LastKeywordXMP" | "LastKeywordIPTC") => {
                add(F::Keywords, "XMP MicrosoftPhoto:LastKeyword")
            }
            (ns::PHOTOSHOP, "City" | "State" | "Country") => {
                add(F::PlaceName, "XMP photoshop:City/State/Country")
            }
            (ns::IPTC_CORE, "Location" | "CountryCode") => {
                add(F::PlaceName, "XMP Iptc4xmpCore:Location")
            }
            (
                ns::IPTC_EXT,
                "City" | "Sublocation" | "CountryName" | "ProvinceState" | "WorldRegion"
                | "LocationName",
            ) => add(F::PlaceName, "XMP Iptc4xmpExt:Location"),
            (ns::PHOTOSHOP, "Instructions") => {
                if v.starts_with("FBMD") {
                    add(F::FacebookFbmd, "XMP photoshop:Instructions")
                } else {
                    add(F::Comment, "XMP photoshop:Instructions")
                }
            }
            (ns::PHOTOSHOP, "TransmissionReference") => {
                if v.starts_with("FBMD") {
                    add(F::FacebookFbmd, "XMP photoshop:TransmissionReference")
                } else {
                    add(F::UniqueId, "XMP photoshop:TransmissionReference")
                }
            }
            (ns::XMP_MM, "DocumentID" | "InstanceID" | "OriginalDocumentID") if top => {
                add(F::UniqueId, "XMP xmpMM document/instance ID")
            }
            (ns::ST_EVT, "softwareAgent") => add(F::EditingHistory, "XMP xmpMM:History"),
            (ns::CRS, _) => self.camera_raw = true,
            (ns::IPTC_EXT, "PersonInImage") => add(F::PersonName, "XMP Iptc4xmpExt:PersonInImage"),
            (ns::MWG_RS, "Name") if under(ns::MWG_RS, "RegionList") => {
                add(F::PersonName, "XMP mwg-rs:Name")
            }
            (ns::MWG_RS, "Type") if under(ns::MWG_RS, "RegionList") => {
                self.mwg_regions += 1;
                if v.eq_ignore_ascii_case("face") {
                    self.mwg_faces += 1;
                }
            }
            (ns::MP_REG, "PersonDisplayName") => add(F::PersonName, "XMP MPReg:PersonDisplayName"),
            (ns::MP_REG, "Rectangle") => self.mp_regions += 1,
            (ns::GCAMERA, "MotionPhoto" | "MicroVideo") if v == "1" => self.pending.push((
                F::MotionPhotoVideo,
                String::new(),
                "XMP GCamera:MotionPhoto",
            )),
            (ns::GCAMERA, "BurstID") => add(F::UniqueId, "XMP GCamera:BurstID"),
            (ns::CONTAINER_ITEM, "Semantic") => match v {
                "MotionPhoto" => self.pending.push((
                    F::MotionPhotoVideo,
                    String::new(),
                    "XMP Container:Directory",
                )),
                "Depth" | "GainMap" => {
                    self.pending
                        .push((F::DepthOrGainMap, v.to_owned(), "XMP Container:Directory"))
                }
                "Primary" => {}
                _ => self
                    .pending
                    .push((F::ExtraImages, v.to_owned(), "XMP Container:Directory")),
            },
            (ns::GDEPTH, _) => {
                self.pending
                    .push((F::DepthOrGainMap, "depth map".into(), "XMP GDepth"))
            }
            (ns::GIMAGE, "Data") => self.pending.push((
                F::ExtraImages,
                "a second picture (GImage)".into(),
                "XMP GImage:Data",
            )),
            (ns::HDRGM, _) => {
                self.pending
                    .push((F::DepthOrGainMap, "HDR gain map".into(), "XMP hdrgm"))
            }
            _ => {}
        }
    }

    pub(crate) fn finish(self, ex: &mut MetadataExtractor, info: &PartInfo) {
        for (lat, lon, field) in [
            (self.lat, self.lon, "XMP exif:GPSLatitude/GPSLongitude"),
            (self.ext_lat, self.ext_lon, "XMP Iptc4xmpExt GPS"),
        ] {
            if let (Some(lat), Some(lon)) = (lat, lon) {
                match (xmp_coordinate(&lat), xmp_coordinate(&lon)) {
                    (Some(latitude), Some(longitude)) => ex.position(
                        Coordinates {
                            latitude,
                            longitude,
                        },
                        info,
                        field,
                    ),
                    _ => ex.push(
                        FindingId::UnreadableMetadata,
                        "unreadable XMP GPS value",
                        None,
                        info,
                        field,
                    ),
                }
            }
        }
        let device = match (self.make, self.model) {
            (Some(ma), Some(mo)) if mo.to_lowercase().starts_with(&ma.to_lowercase()) => Some(mo),
            (Some(ma), Some(mo)) => Some(format!("{ma} {mo}")),
            (a, b) => a.or(b),
        };
        if let Some(d) = device {
            ex.push(FindingId::Device, &d, None, info, "XMP tiff:Make/Model");
        }
        let faces = if self.mwg_faces > 0 {
            self.mwg_faces
        } else {
            self.mwg_regions.max(self.mp_regions)
        };
        if faces > 0 {
            let v = if faces == 1 {
                "1 tagged region".to_owned()
            } else {
                format!("{faces} tagged regions")
            };
            ex.push(FindingId::FaceRegions, &v, None, info, "XMP face regions");
        }
        if self.camera_raw {
            ex.push(
                FindingId::EditingHistory,
                "Camera Raw / Lightroom edit settings",
                None,
                info,
                "XMP crs",
            );
        }
        for (id, v, field) in self.pending {
            ex.push(id, &v, None, info, field);
        }
    }
}

/// An XMP rational (`"123/10"`) or plain number.
fn xmp_rational(v: &str) -> Option<f64> {
    match v.split_once('/') {
        Some((n, d)) => {
            let (n, d): (f64, f64) = (n.trim().parse().ok()?, d.trim().parse().ok()?);
            (d != 0.0).then(|| n / d).filter(|x| x.is_finite())
        }
        None => v.trim().parse().ok().filter(|x: &f64| x.is_finite()),
    }
}

/// An XMP GPS coordinate: `"DDD,MM.mmk"`, `"DDD,MM,SSk"` (k = N/S/E/W), or a signed decimal.
pub(crate) fn xmp_coordinate(v: &str) -> Option<f64> {
    let v = v.trim();
    let last = v.chars().last()?;
    let (body, sign) = match last.to_ascii_uppercase() {
        'N' | 'E' => (&v[..v.len() - 1], 1.0),
        'S' | 'W' => (&v[..v.len() - 1], -1.0),
        _ => (v, 1.0),
    };
    let parts: Vec<&str> = body.split(',').map(str::trim).collect();
    let num = |s: &str| s.parse::<f64>().ok().filter(|x| x.is_finite());
    let deg = match parts.as_slice() {
        [d] => num(d)?,
        [d, m] => num(d)? + num(m)? / 60.0,
        [d, m, s] => num(d)? + num(m)? / 60.0 + num(s)? / 3600.0,
        _ => return None,
    };
    Some(sign * deg)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn values(xml: &str) -> (bool, Vec<(String, String)>) {
        let mut out = Vec::new();
        let ok = walk(xml.as_bytes(), &mut |p, v| {
            let name = p
                .iter()
                .map(|(_, l)| l.as_str())
                .collect::<Vec<_>>()
                .join("/");
            out.push((name, v.to_owned()));
        });
        (ok, out)
    }

    #[test]
    fn attribute_element_and_list_forms_give_the_same_pairs() {
        let xml = r#"<x:xmpmeta xmlns:x="adobe:ns:meta/"><rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#">
          <rdf:Description xmlns:e="http://ns.adobe.com/exif/1.0/" xmlns:dc="http://purl.org/dc/elements/1.1/" e:GPSLatitude="51,30.6N">
            <e:GPSLongitude>0,6.2W</e:GPSLongitude>
            <dc:subject><rdf:Bag><rdf:li>Tom &amp; Ann</rdf:li><rdf:li>park&#33;</rdf:li></rdf:Bag></dc:subject>
          </rdf:Description></rdf:RDF></x:xmpmeta>"#;
        let (ok, v) = values(xml);
        assert!(ok);
        assert!(v.contains(&("GPSLatitude".into(), "51,30.6N".into())));
        assert!(v.contains(&("GPSLongitude".into(), "0,6.2W".into())));
        assert!(v.contains(&("subject".into(), "Tom & Ann".into())));
        assert!(v.contains(&("subject".into(), "park!".into())));
    }

    #[test]
    fn utf16_packets_are_read() {
        let xml = "<x:xmpmeta xmlns:x='adobe:ns:meta/'><rdf:RDF xmlns:rdf='http://www.w3.org/1999/02/22-rdf-syntax-ns#'><rdf:Description xmlns:dc='http://purl.org/dc/elements/1.1/' dc:format='image/jpeg'/></rdf:RDF></x:xmpmeta>";
        for be in [true, false] {
            let mut b = if be {
                vec![0xFE, 0xFF]
            } else {
                vec![0xFF, 0xFE]
            };
            for u in xml.encode_utf16() {
                b.extend(if be { u.to_be_bytes() } else { u.to_le_bytes() });
            }
            let mut got = Vec::new();
            assert!(walk(&b, &mut |_, v| got.push(v.to_owned())));
            assert_eq!(got, vec!["image/jpeg".to_owned()]);
        }
    }

    #[test]
    fn damaged_xml_is_reported_not_fatal() {
        let (ok, _) = values("<x:xmpmeta xmlns:x='adobe:ns:meta/'><a></b>");
        assert!(!ok);
        let deep = "<a xmlns='urn:x'>".repeat(100);
        assert!(!values(&deep).0);
    }

    #[test]
    fn xmp_coordinates_in_all_spellings() {
        assert!((xmp_coordinate("51,30.6N").expect("dm") - 51.51).abs() < 1e-9);
        assert!((xmp_coordinate("0,6,12W").expect("dms") + 0.103333).abs() < 1e-5);
        assert!((xmp_coordinate("-33.5").expect("decimal") + 33.5).abs() < 1e-9);
        assert!(xmp_coordinate("north").is_none());
        assert!(xmp_coordinate("").is_none());
    }
}
