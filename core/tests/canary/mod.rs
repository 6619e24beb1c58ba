//! Photos built by the tests themselves with a unique canary string in every metadata slot a
//! phone, a camera or an editor can fill: EXIF text (IFD0, Exif IFD with maker note and serials,
//! GPS IFD, IFD1 thumbnail, Windows XP UTF-16 tags), XMP and Extended XMP, IPTC in Photoshop
//! resources, ICC profile description/copyright/device texts (v2 and v4 encodings), JPEG COM and
//! APPn of every kind, PNG tEXt/zTXt/iTXt/eXIf/tIME/private chunks and the iCCP profile name,
//! WebP EXIF/XMP/unknown chunks (also inside an animation frame), and data after the end of each
//! format. The pixels are real (encoded by the `image` crate), so the files decode.
//!
//! `core/tests/leak.rs` cleans them and looks for every canary in the output; the CLI's
//! `log_leak` test (which includes this file by path) runs `sharesafe --verbose` over them and
//! looks for canaries, paths and coordinates in what it prints.

#![allow(dead_code)] // each test binary uses a different subset

use std::io::{Read, Write};

/// Every metadata canary starts with this marker, so a partial leak (a truncated field) is
/// caught too.
pub const MARKER: &str = "QZ7CANARY";
/// The marker of the canaries planted in ICC profile texts.
pub const ICC_MARKER: &str = "QZ7ICCTXT";

/// The photo's location, as the GPS IFD stores it (degrees, minutes, seconds as rationals) and
/// as XMP writes it. Neither may survive a clean, nor appear in any log.
pub const LAT_XMP: &str = "48,51.4840N";
/// Longitude in XMP notation.
pub const LON_XMP: &str = "2,17.7600E";
/// Decimal forms a log line or a report could print.
pub const COORDINATE_TEXTS: [&str; 4] = ["48.858", "2.296", "48,51", "2,17"];

/// What a canary belongs to: the ICC profile text tags are kept with the colour profile and need
/// their own sanitising, so tests can look at them separately.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Group {
    /// Metadata that the allowlist removes whole.
    Metadata,
    /// Text inside a kept ICC colour profile (description, copyright, device names) or its
    /// PNG iCCP name.
    Icc,
}

/// One planted value.
#[derive(Debug, Clone)]
pub struct Canary {
    /// Where it was planted (`"exif-ifd0-artist"`).
    pub slot: &'static str,
    /// The bytes planted (for text: its UTF-8; it is also searched as UTF-16 and hex).
    pub bytes: Vec<u8>,
    /// True for text (searched in every encoding), false for binary values such as GPS rationals.
    pub text: bool,
    /// Which group.
    pub group: Group,
}

/// A built photo and what was planted in it.
pub struct CanaryFile {
    /// A file name for the photo (no canary in it).
    pub name: &'static str,
    /// The photo.
    pub bytes: Vec<u8>,
    /// Everything planted.
    pub canaries: Vec<Canary>,
}

/// Collects canaries while a file is built.
#[derive(Default)]
struct Plant {
    canaries: Vec<Canary>,
}

impl Plant {
    fn text(&mut self, slot: &'static str) -> String {
        self.text_in(slot, Group::Metadata)
    }
    fn icc(&mut self, slot: &'static str) -> String {
        self.text_in(slot, Group::Icc)
    }
    fn text_in(&mut self, slot: &'static str, group: Group) -> String {
        let marker = match group {
            Group::Metadata => MARKER,
            Group::Icc => ICC_MARKER,
        };
        let s = format!("{marker}-{:02}-{slot}", self.canaries.len());
        self.canaries.push(Canary {
            slot,
            bytes: s.as_bytes().to_vec(),
            text: true,
            group,
        });
        s
    }
    fn binary(&mut self, slot: &'static str, bytes: Vec<u8>) {
        self.canaries.push(Canary {
            slot,
            bytes,
            text: false,
            group: Group::Metadata,
        });
    }
}

// ---------------------------------------------------------------------------------------------
// Pixels

const W: u32 = 24;
const H: u32 = 16;

fn pixels() -> Vec<u8> {
    let mut p = Vec::with_capacity((W * H * 3) as usize);
    for y in 0..H {
        for x in 0..W {
            p.extend_from_slice(&[(x * 10) as u8, (y * 15) as u8, ((x + y) * 6) as u8]);
        }
    }
    p
}

fn encoded_jpeg() -> Vec<u8> {
    let mut out = Vec::new();
    image::codecs::jpeg::JpegEncoder::new_with_quality(&mut out, 90)
        .encode(&pixels(), W, H, image::ExtendedColorType::Rgb8)
        .expect("encode JPEG");
    out
}

fn encoded_png() -> Vec<u8> {
    let mut out = Vec::new();
    image::ImageEncoder::write_image(
        image::codecs::png::PngEncoder::new(&mut out),
        &pixels(),
        W,
        H,
        image::ExtendedColorType::Rgb8,
    )
    .expect("encode PNG");
    out
}

fn encoded_webp_vp8l() -> Vec<u8> {
    let mut out = Vec::new();
    image::ImageEncoder::write_image(
        image::codecs::webp::WebPEncoder::new_lossless(&mut out),
        &pixels(),
        W,
        H,
        image::ExtendedColorType::Rgb8,
    )
    .expect("encode WebP");
    // RIFF header (12) then the VP8L chunk: keep the chunk's payload.
    let size = u32::from_le_bytes(out[16..20].try_into().expect("4 bytes")) as usize;
    assert_eq!(
        &out[12..16],
        b"VP8L",
        "the image crate writes a simple lossless WebP"
    );
    out[20..20 + size].to_vec()
}

// ---------------------------------------------------------------------------------------------
// EXIF (little-endian TIFF)

#[derive(Clone)]
struct Entry {
    tag: u16,
    typ: u16,
    count: u32,
    data: Vec<u8>,
}

fn ascii(tag: u16, s: &str) -> Entry {
    let mut data = s.as_bytes().to_vec();
    data.push(0);
    Entry {
        tag,
        typ: 2,
        count: data.len() as u32,
        data,
    }
}

fn undefined(tag: u16, data: Vec<u8>) -> Entry {
    Entry {
        tag,
        typ: 7,
        count: data.len() as u32,
        data,
    }
}

fn short(tag: u16, v: u16) -> Entry {
    Entry {
        tag,
        typ: 3,
        count: 1,
        data: v.to_le_bytes().to_vec(),
    }
}

fn long(tag: u16, v: u32) -> Entry {
    Entry {
        tag,
        typ: 4,
        count: 1,
        data: v.to_le_bytes().to_vec(),
    }
}

fn rationals(tag: u16, values: &[(u32, u32)]) -> Entry {
    let mut data = Vec::new();
    for (n, d) in values {
        data.extend_from_slice(&n.to_le_bytes());
        data.extend_from_slice(&d.to_le_bytes());
    }
    Entry {
        tag,
        typ: 5,
        count: values.len() as u32,
        data,
    }
}

/// Windows XP tags (XPComment, XPAuthor…): UTF-16LE in a BYTE array.
fn xp(tag: u16, s: &str) -> Entry {
    let mut data: Vec<u8> = s.encode_utf16().flat_map(u16::to_le_bytes).collect();
    data.extend_from_slice(&[0, 0]);
    Entry {
        tag,
        typ: 1,
        count: data.len() as u32,
        data,
    }
}

/// EXIF "character code" prefixed text (UserComment, GPSProcessingMethod, GPSAreaInformation).
fn coded(tag: u16, s: &str) -> Entry {
    let mut data = b"ASCII\0\0\0".to_vec();
    data.extend_from_slice(s.as_bytes());
    undefined(tag, data)
}

fn ifd_size(entries: &[Entry]) -> u32 {
    let data: usize = entries
        .iter()
        .filter(|e| e.data.len() > 4)
        .map(|e| e.data.len() + e.data.len() % 2)
        .sum();
    (2 + 12 * entries.len() + 4 + data) as u32
}

/// Writes an IFD at `buf.len()` (which must be its planned offset), its out-of-line values
/// right after it.
fn write_ifd(buf: &mut Vec<u8>, entries: &[Entry], next: u32) {
    let start = buf.len() as u32;
    let mut data_at = start + 2 + 12 * entries.len() as u32 + 4;
    let mut data = Vec::new();
    buf.extend_from_slice(&(entries.len() as u16).to_le_bytes());
    for e in entries {
        buf.extend_from_slice(&e.tag.to_le_bytes());
        buf.extend_from_slice(&e.typ.to_le_bytes());
        buf.extend_from_slice(&e.count.to_le_bytes());
        if e.data.len() <= 4 {
            let mut v = e.data.clone();
            v.resize(4, 0);
            buf.extend_from_slice(&v);
        } else {
            buf.extend_from_slice(&data_at.to_le_bytes());
            data.extend_from_slice(&e.data);
            if e.data.len() % 2 == 1 {
                data.push(0);
            }
            data_at += (e.data.len() + e.data.len() % 2) as u32;
        }
    }
    buf.extend_from_slice(&next.to_le_bytes());
    buf.extend_from_slice(&data);
}

/// A full camera-style EXIF (TIFF, no `Exif\0\0` header) with Orientation = 6 and a canary in
/// every text field, the maker note, the GPS IFD and the IFD1 thumbnail.
fn exif_tiff(p: &mut Plant) -> Vec<u8> {
    let slot = |s: &'static str| s;
    let mut ifd0 = vec![
        ascii(0x010E, &p.text(slot("exif-ifd0-image-description"))),
        ascii(0x010F, &p.text(slot("exif-ifd0-make"))),
        ascii(0x0110, &p.text(slot("exif-ifd0-model"))),
        short(0x0112, 6),
        ascii(0x0131, &p.text(slot("exif-ifd0-software"))),
        ascii(0x0132, "2026:05:17 09:41:07"),
        ascii(0x013B, &p.text(slot("exif-ifd0-artist"))),
        ascii(0x8298, &p.text(slot("exif-ifd0-copyright"))),
        long(0x8769, 0), // Exif IFD pointer, set below
        long(0x8825, 0), // GPS IFD pointer, set below
        xp(0x9C9C, &p.text(slot("exif-ifd0-xp-comment-utf16"))),
        xp(0x9C9D, &p.text(slot("exif-ifd0-xp-author-utf16"))),
    ];
    let mut maker_note = b"Apple iOS\0\0\x01MM".to_vec();
    maker_note.extend_from_slice(p.text(slot("exif-maker-note")).as_bytes());
    maker_note.extend_from_slice(&[0u8; 16]);
    let exif = vec![
        ascii(0x9003, "2026:05:17 09:41:07"),
        coded(0x9286, &p.text(slot("exif-user-comment"))),
        undefined(0x927C, maker_note),
        ascii(0xA420, &p.text(slot("exif-image-unique-id"))),
        ascii(0xA430, &p.text(slot("exif-camera-owner-name"))),
        ascii(0xA431, &p.text(slot("exif-body-serial-number"))),
        ascii(0xA435, &p.text(slot("exif-lens-serial-number"))),
    ];
    let lat = [(48u32, 1u32), (51, 1), (2904, 100)];
    let lon = [(2u32, 1u32), (17, 1), (4560, 100)];
    let mut lat_bytes = Vec::new();
    for (n, d) in lat {
        lat_bytes.extend_from_slice(&n.to_le_bytes());
        lat_bytes.extend_from_slice(&d.to_le_bytes());
    }
    p.binary("exif-gps-latitude-rationals", lat_bytes);
    let gps = vec![
        Entry {
            tag: 0x0000,
            typ: 1,
            count: 4,
            data: vec![2, 3, 0, 0],
        },
        ascii(0x0001, "N"),
        rationals(0x0002, &lat),
        ascii(0x0003, "E"),
        rationals(0x0004, &lon),
        coded(0x001B, &p.text(slot("exif-gps-processing-method"))),
        coded(0x001C, &p.text(slot("exif-gps-area-information"))),
        ascii(0x001D, "2026:05:17"),
    ];
    // IFD1: a thumbnail whose "JPEG" bytes carry a canary.
    let mut thumb = vec![0xFF, 0xD8, 0xFF, 0xFE, 0x00, 0x30];
    thumb.extend_from_slice(p.text(slot("exif-ifd1-thumbnail")).as_bytes());
    thumb.extend_from_slice(&[0xFF, 0xD9]);
    let mut ifd1 = vec![
        short(0x0103, 6),
        long(0x0201, 0),
        long(0x0202, thumb.len() as u32),
    ];

    let ifd0_at = 8u32;
    let exif_at = ifd0_at + ifd_size(&ifd0);
    let gps_at = exif_at + ifd_size(&exif);
    let ifd1_at = gps_at + ifd_size(&gps);
    let thumb_at = ifd1_at + ifd_size(&ifd1);
    ifd0[8].data = exif_at.to_le_bytes().to_vec();
    ifd0[9].data = gps_at.to_le_bytes().to_vec();
    ifd1[1].data = thumb_at.to_le_bytes().to_vec();

    let mut t = b"II\x2a\0\x08\0\0\0".to_vec();
    write_ifd(&mut t, &ifd0, ifd1_at);
    assert_eq!(t.len() as u32, exif_at);
    write_ifd(&mut t, &exif, 0);
    write_ifd(&mut t, &gps, 0);
    write_ifd(&mut t, &ifd1, 0);
    assert_eq!(t.len() as u32, thumb_at);
    t.extend_from_slice(&thumb);
    t
}

// ---------------------------------------------------------------------------------------------
// XMP, IPTC

fn xmp_packet(p: &mut Plant, extended_guid: Option<&str>) -> String {
    let creator = p.text("xmp-dc-creator");
    let description = p.text("xmp-dc-description");
    let city = p.text("xmp-photoshop-city");
    let person = p.text("xmp-mwg-region-person-name");
    let document = p.text("xmp-mm-document-id");
    for (slot, text) in [
        ("xmp-gps-latitude", LAT_XMP),
        ("xmp-gps-longitude", LON_XMP),
    ] {
        p.canaries.push(Canary {
            slot,
            bytes: text.as_bytes().to_vec(),
            text: true,
            group: Group::Metadata,
        });
    }
    let ext = extended_guid
        .map(|g| format!(" xmpNote:HasExtendedXMP=\"{g}\""))
        .unwrap_or_default();
    format!(
        "<?xpacket begin=\"\u{feff}\" id=\"W5M0MpCehiHzreSzNTczkc9d\"?>\
<x:xmpmeta xmlns:x=\"adobe:ns:meta/\"><rdf:RDF xmlns:rdf=\"http://www.w3.org/1999/02/22-rdf-syntax-ns#\">\
<rdf:Description rdf:about=\"\" xmlns:dc=\"http://purl.org/dc/elements/1.1/\" \
xmlns:photoshop=\"http://ns.adobe.com/photoshop/1.0/\" xmlns:exif=\"http://ns.adobe.com/exif/1.0/\" \
xmlns:xmpMM=\"http://ns.adobe.com/xap/1.0/mm/\" xmlns:xmpNote=\"http://ns.adobe.com/xmp/note/\" \
xmlns:mwg-rs=\"http://www.metadataworkinggroup.com/schemas/regions/\" \
photoshop:City=\"{city}\" exif:GPSLatitude=\"{LAT_XMP}\" exif:GPSLongitude=\"{LON_XMP}\" \
xmpMM:DocumentID=\"{document}\"{ext}>\
<dc:creator><rdf:Seq><rdf:li>{creator}</rdf:li></rdf:Seq></dc:creator>\
<dc:description><rdf:Alt><rdf:li xml:lang=\"x-default\">{description}</rdf:li></rdf:Alt></dc:description>\
<mwg-rs:Regions><rdf:Description><mwg-rs:RegionList><rdf:Bag><rdf:li><rdf:Description mwg-rs:Name=\"{person}\" mwg-rs:Type=\"Face\"/></rdf:li></rdf:Bag></mwg-rs:RegionList></rdf:Description></mwg-rs:Regions>\
</rdf:Description></rdf:RDF></x:xmpmeta><?xpacket end=\"w\"?>"
    )
}

/// Photoshop image resources with an IPTC block (caption, by-line, city, copyright, Facebook's
/// FBMD code in special instructions) and a second resource.
fn photoshop_irb(p: &mut Plant) -> Vec<u8> {
    let mut iptc = Vec::new();
    for (dataset, slot) in [
        (120u8, "iptc-caption"),
        (80, "iptc-by-line"),
        (90, "iptc-city"),
        (116, "iptc-copyright"),
        (25, "iptc-keywords"),
        (40, "iptc-special-instructions-fbmd"),
    ] {
        let v = p.text(slot);
        iptc.extend_from_slice(&[0x1C, 2, dataset]);
        iptc.extend_from_slice(&(v.len() as u16).to_be_bytes());
        iptc.extend_from_slice(v.as_bytes());
    }
    let mut irb = b"Photoshop 3.0\0".to_vec();
    let mut resource = |id: u16, data: &[u8]| {
        irb.extend_from_slice(b"8BIM");
        irb.extend_from_slice(&id.to_be_bytes());
        irb.extend_from_slice(&[0, 0]); // empty Pascal name, padded
        irb.extend_from_slice(&(data.len() as u32).to_be_bytes());
        irb.extend_from_slice(data);
        if data.len() % 2 == 1 {
            irb.push(0);
        }
    };
    resource(0x0404, &iptc);
    let caption = p.text("photoshop-irb-caption-resource");
    resource(0x03F0, caption.as_bytes());
    irb
}

// ---------------------------------------------------------------------------------------------
// ICC profiles

fn s15(v: f64) -> [u8; 4] {
    ((v * 65536.0).round() as i32).to_be_bytes()
}

fn xyz(x: f64, y: f64, z: f64) -> Vec<u8> {
    let mut t = b"XYZ \0\0\0\0".to_vec();
    for v in [x, y, z] {
        t.extend_from_slice(&s15(v));
    }
    t
}

fn mluc(s: &str) -> Vec<u8> {
    let text: Vec<u8> = s.encode_utf16().flat_map(u16::to_be_bytes).collect();
    let mut t = b"mluc\0\0\0\0".to_vec();
    t.extend_from_slice(&1u32.to_be_bytes());
    t.extend_from_slice(&12u32.to_be_bytes());
    t.extend_from_slice(b"enUS");
    t.extend_from_slice(&(text.len() as u32).to_be_bytes());
    t.extend_from_slice(&28u32.to_be_bytes());
    t.extend_from_slice(&text);
    t
}

/// ICC v2 `textDescriptionType`: the text in ASCII and again in UTF-16BE.
fn desc_v2(s: &str) -> Vec<u8> {
    let mut t = b"desc\0\0\0\0".to_vec();
    t.extend_from_slice(&(s.len() as u32 + 1).to_be_bytes());
    t.extend_from_slice(s.as_bytes());
    t.push(0);
    let unicode: Vec<u16> = s.encode_utf16().chain([0]).collect();
    t.extend_from_slice(&0u32.to_be_bytes()); // language code
    t.extend_from_slice(&(unicode.len() as u32).to_be_bytes());
    for u in unicode {
        t.extend_from_slice(&u.to_be_bytes());
    }
    t.extend_from_slice(&[0, 0, 0]); // ScriptCode code and count
    t.extend_from_slice(&[0u8; 67]);
    t
}

fn text_v2(s: &str) -> Vec<u8> {
    let mut t = b"text\0\0\0\0".to_vec();
    t.extend_from_slice(s.as_bytes());
    t.push(0);
    t
}

/// A well-formed RGB display profile (sRGB-like primaries, gamma 2.2) of version 4 (`mluc`
/// texts) or 2 (`desc`/`text`), with canaries in desc, cprt, dmnd and dmdd — what a macOS
/// screenshot carries when the user named their display.
fn icc_profile(p: &mut Plant, v4: bool) -> Vec<u8> {
    let desc = p.icc("icc-description");
    let cprt = p.icc("icc-copyright");
    let dmnd = p.icc("icc-device-manufacturer-description");
    let dmdd = p.icc("icc-device-model-description");
    let text = |s: &str| if v4 { mluc(s) } else { desc_v2(s) };
    let curve = {
        let mut c = b"curv\0\0\0\0".to_vec();
        c.extend_from_slice(&1u32.to_be_bytes());
        c.extend_from_slice(&0x0233u16.to_be_bytes()); // gamma 2.2
        c.extend_from_slice(&[0, 0]);
        c
    };
    let mut chad = b"sf32\0\0\0\0".to_vec();
    for v in [1.0, 0.0, 0.0, 0.0, 1.0, 0.0, 0.0, 0.0, 1.0] {
        chad.extend_from_slice(&s15(v));
    }
    // (signature, data); the three TRCs share one data block, as real profiles do.
    let mut tags: Vec<(&[u8; 4], Vec<u8>)> = vec![
        (b"desc", text(&desc)),
        (b"cprt", if v4 { mluc(&cprt) } else { text_v2(&cprt) }),
        (b"dmnd", text(&dmnd)),
        (b"dmdd", text(&dmdd)),
        (b"wtpt", xyz(0.9642, 1.0, 0.8249)),
        (b"rXYZ", xyz(0.4361, 0.2225, 0.0139)),
        (b"gXYZ", xyz(0.3851, 0.7169, 0.0971)),
        (b"bXYZ", xyz(0.1431, 0.0606, 0.7141)),
        (b"rTRC", curve),
    ];
    if v4 {
        tags.push((b"chad", chad));
    }
    let shared_trc: &[&[u8; 4]] = &[b"gTRC", b"bTRC"];
    let table_len = 4 + 12 * (tags.len() + shared_trc.len());
    let mut data = Vec::new();
    let mut table = Vec::new();
    let mut trc_at = (0u32, 0u32);
    for (sig, d) in &tags {
        let at = (128 + table_len + data.len()) as u32;
        table.extend_from_slice(*sig);
        table.extend_from_slice(&at.to_be_bytes());
        table.extend_from_slice(&(d.len() as u32).to_be_bytes());
        if *sig == b"rTRC" {
            trc_at = (at, d.len() as u32);
        }
        data.extend_from_slice(d);
        while data.len() % 4 != 0 {
            data.push(0);
        }
    }
    for sig in shared_trc {
        table.extend_from_slice(*sig);
        table.extend_from_slice(&trc_at.0.to_be_bytes());
        table.extend_from_slice(&trc_at.1.to_be_bytes());
    }
    let size = (128 + table_len + data.len()) as u32;
    let mut h = Vec::with_capacity(size as usize);
    h.extend_from_slice(&size.to_be_bytes());
    h.extend_from_slice(b"lcms");
    h.extend_from_slice(if v4 {
        &[4, 0x30, 0, 0]
    } else {
        &[2, 0x10, 0, 0]
    });
    h.extend_from_slice(b"mntrRGB XYZ ");
    for v in [2026u16, 5, 17, 9, 41, 7] {
        h.extend_from_slice(&v.to_be_bytes());
    }
    h.extend_from_slice(b"acspAPPL");
    h.extend_from_slice(&[0; 4]); // flags
    h.extend_from_slice(b"APPL");
    h.extend_from_slice(&[0; 4]); // device model
    h.extend_from_slice(&[0; 8]); // attributes
    h.extend_from_slice(&[0; 4]); // rendering intent
    for v in [0.9642, 1.0, 0.8249] {
        h.extend_from_slice(&s15(v));
    }
    h.extend_from_slice(b"lcms");
    h.extend_from_slice(&[0; 16]); // profile ID
    h.extend_from_slice(&[0; 28]);
    assert_eq!(h.len(), 128);
    h.extend_from_slice(&((tags.len() + shared_trc.len()) as u32).to_be_bytes());
    h.extend_from_slice(&table);
    h.extend_from_slice(&data);
    assert_eq!(h.len() as u32, size);
    h
}

// ---------------------------------------------------------------------------------------------
// JPEG

fn jpeg_segment(out: &mut Vec<u8>, marker: u8, payload: &[u8]) {
    let len = u16::try_from(payload.len() + 2).expect("segment under 64 KiB");
    out.extend_from_slice(&[0xFF, marker]);
    out.extend_from_slice(&len.to_be_bytes());
    out.extend_from_slice(payload);
}

/// The encoder's JPEG from its first table on (its own SOI and APP0 dropped).
fn jpeg_body() -> Vec<u8> {
    let j = encoded_jpeg();
    let mut i = 2;
    while j[i] == 0xFF && (0xE0..=0xEF).contains(&j[i + 1]) {
        let len = u16::from_be_bytes([j[i + 2], j[i + 3]]) as usize;
        i += 2 + len;
    }
    j[i..].to_vec()
}

/// A JPEG with a canary in every segment a camera, phone or editor writes, and after EOI.
pub fn jpeg() -> CanaryFile {
    let mut p = Plant::default();
    let mut j = vec![0xFF, 0xD8];
    // JFIF with a 2x1 RGB thumbnail whose "pixels" are a canary.
    let thumb = p.text("jfif-thumbnail-pixels");
    let mut jfif = b"JFIF\0\x01\x02\x00\x00\x48\x00\x48".to_vec();
    let mut thumb = thumb.into_bytes();
    while thumb.len() % 3 != 0 {
        thumb.push(b'.');
    }
    jfif.extend_from_slice(&[(thumb.len() / 3) as u8, 1]);
    jfif.extend_from_slice(&thumb);
    jpeg_segment(&mut j, 0xE0, &jfif);
    let mut jfxx = b"JFXX\0\x13".to_vec();
    jfxx.extend_from_slice(p.text("jfxx-thumbnail").as_bytes());
    jpeg_segment(&mut j, 0xE0, &jfxx);

    let mut exif = b"Exif\0\0".to_vec();
    exif.extend_from_slice(&exif_tiff(&mut p));
    jpeg_segment(&mut j, 0xE1, &exif);

    let guid = "2C2AB4B5A6C0F1D3E4F5061728394A5B";
    let mut xmp = b"http://ns.adobe.com/xap/1.0/\0".to_vec();
    xmp.extend_from_slice(xmp_packet(&mut p, Some(guid)).as_bytes());
    jpeg_segment(&mut j, 0xE1, &xmp);
    let ext_body = format!(
        "<x:xmpmeta xmlns:x=\"adobe:ns:meta/\"><rdf:RDF><rdf:Description \
         xmlns:GCamera=\"http://ns.google.com/photos/1.0/camera/\" GCamera:Owner=\"{}\"/>\
         </rdf:RDF></x:xmpmeta>",
        p.text("extended-xmp-body")
    );
    let mut ext = b"http://ns.adobe.com/xmp/extension/\0".to_vec();
    ext.extend_from_slice(guid.as_bytes());
    ext.extend_from_slice(&(ext_body.len() as u32).to_be_bytes());
    ext.extend_from_slice(&0u32.to_be_bytes());
    ext.extend_from_slice(ext_body.as_bytes());
    jpeg_segment(&mut j, 0xE1, &ext);

    // ICC in two APP2 chunks, split inside the profile's text tags so that no single segment
    // holds every canary whole: the test reassembles the profile before it searches.
    let icc = icc_profile(&mut p, true);
    let cut = icc.len() / 2;
    for (seq, chunk) in [(1u8, &icc[..cut]), (2, &icc[cut..])] {
        let mut seg = b"ICC_PROFILE\0".to_vec();
        seg.extend_from_slice(&[seq, 2]);
        seg.extend_from_slice(chunk);
        jpeg_segment(&mut j, 0xE2, &seg);
    }
    let mut mpf = b"MPF\0II\x2a\0\x08\0\0\0".to_vec();
    mpf.extend_from_slice(p.text("mpf-secondary-image").as_bytes());
    jpeg_segment(&mut j, 0xE2, &mpf);
    let mut fpxr = b"FPXR\0\0".to_vec();
    fpxr.extend_from_slice(p.text("flashpix-app2").as_bytes());
    jpeg_segment(&mut j, 0xE2, &fpxr);
    let mut jumbf = b"JP\0\x01\0\0\0\x01\0\0\0\x40jumb".to_vec();
    jumbf.extend_from_slice(p.text("app11-jumbf-c2pa").as_bytes());
    jpeg_segment(&mut j, 0xEB, &jumbf);
    jpeg_segment(&mut j, 0xED, &photoshop_irb(&mut p));
    let mut ducky = b"Ducky\0\x01\0\0\0\x40".to_vec();
    ducky.extend_from_slice(p.text("app12-ducky").as_bytes());
    jpeg_segment(&mut j, 0xEC, &ducky);
    let mut samsung = b"SEAL\0".to_vec();
    samsung.extend_from_slice(p.text("app15-vendor").as_bytes());
    jpeg_segment(&mut j, 0xEF, &samsung);
    jpeg_segment(&mut j, 0xFE, p.text("jpeg-com-comment").as_bytes());

    let body = jpeg_body();
    // A comment between the tables and the frame, where some editors put one.
    let sof = find_marker(&body, 0xC0).expect("baseline JPEG has SOF0");
    j.extend_from_slice(&body[..sof]);
    jpeg_segment(&mut j, 0xFE, p.text("jpeg-com-before-frame").as_bytes());
    j.extend_from_slice(&body[sof..]);

    // After EOI: a motion-photo style video and a Samsung-style trailer.
    let mut trailer = b"\0\0\0\x18ftypmp42\0\0\0\0isommp42".to_vec();
    trailer.extend_from_slice(p.text("trailer-after-eoi-video").as_bytes());
    trailer.extend_from_slice(b"SEFH");
    trailer.extend_from_slice(p.text("trailer-after-eoi-samsung").as_bytes());
    trailer.extend_from_slice(b"SEFT");
    j.extend_from_slice(&trailer);
    CanaryFile {
        name: "canary.jpg",
        bytes: j,
        canaries: p.canaries,
    }
}

/// Offset of the first `FF marker` segment among the top-level segments of `body` (which starts
/// at a marker).
fn find_marker(body: &[u8], marker: u8) -> Option<usize> {
    let mut i = 0;
    while i + 4 <= body.len() && body[i] == 0xFF {
        if body[i + 1] == marker {
            return Some(i);
        }
        let len = u16::from_be_bytes([body[i + 2], body[i + 3]]) as usize;
        i += 2 + len;
    }
    None
}

// ---------------------------------------------------------------------------------------------
// PNG

fn zlib(data: &[u8]) -> Vec<u8> {
    let mut z = flate2::write::ZlibEncoder::new(Vec::new(), flate2::Compression::best());
    z.write_all(data).expect("compress");
    z.finish().expect("compress")
}

fn png_chunk(out: &mut Vec<u8>, kind: &[u8; 4], data: &[u8]) {
    out.extend_from_slice(&(data.len() as u32).to_be_bytes());
    out.extend_from_slice(kind);
    out.extend_from_slice(data);
    let mut crc = flate2::Crc::new();
    crc.update(kind);
    crc.update(data);
    out.extend_from_slice(&crc.sum().to_be_bytes());
}

/// The encoder's chunks (type, data), signature dropped.
fn png_chunks(png: &[u8]) -> Vec<([u8; 4], Vec<u8>)> {
    let mut i = 8;
    let mut out = Vec::new();
    while i + 12 <= png.len() {
        let len = u32::from_be_bytes(png[i..i + 4].try_into().expect("4 bytes")) as usize;
        let kind: [u8; 4] = png[i + 4..i + 8].try_into().expect("4 bytes");
        out.push((kind, png[i + 8..i + 8 + len].to_vec()));
        i += 12 + len;
    }
    out
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

/// A PNG with canaries in every text chunk (plain, compressed, international, XMP, legacy
/// "Raw profile" EXIF/IPTC in hex), eXIf (before and after the image data), tIME, C2PA, a
/// private chunk, the iCCP profile (v2 texts) and its name, and after IEND.
pub fn png() -> CanaryFile {
    let mut p = Plant::default();
    let chunks = png_chunks(&encoded_png());
    let mut out = b"\x89PNG\r\n\x1a\n".to_vec();
    let (ihdr_kind, ihdr) = &chunks[0];
    assert_eq!(ihdr_kind, b"IHDR");
    png_chunk(&mut out, b"IHDR", ihdr);

    let mut iccp = p.icc("png-iccp-profile-name").into_bytes();
    iccp.truncate(79); // PNG keywords are 1-79 bytes
    iccp.extend_from_slice(&[0, 0]);
    iccp.extend_from_slice(&zlib(&icc_profile(&mut p, false)));
    png_chunk(&mut out, b"iCCP", &iccp);
    png_chunk(&mut out, b"pHYs", &[0, 0, 0x0B, 0x13, 0, 0, 0x0B, 0x13, 1]);

    let mut exif = Vec::new();
    exif.extend_from_slice(&exif_tiff(&mut p));
    png_chunk(&mut out, b"eXIf", &exif);

    let mut text = b"Comment\0".to_vec();
    text.extend_from_slice(p.text("png-text-comment").as_bytes());
    png_chunk(&mut out, b"tEXt", &text);
    let mut author = b"Author\0".to_vec();
    author.extend_from_slice(p.text("png-text-author").as_bytes());
    png_chunk(&mut out, b"tEXt", &author);
    // Legacy ImageMagick/exiftool "Raw profile" EXIF: hex text, itself compressed.
    let raw_exif = p.text("png-raw-profile-exif-hex");
    let raw = format!(
        "\nexif\n{:8}\n{}\n",
        raw_exif.len(),
        hex(raw_exif.as_bytes())
    );
    let mut ztxt_raw = b"Raw profile type exif\0\0".to_vec();
    ztxt_raw.extend_from_slice(&zlib(raw.as_bytes()));
    png_chunk(&mut out, b"zTXt", &ztxt_raw);
    let mut ztxt = b"Description\0\0".to_vec();
    ztxt.extend_from_slice(&zlib(p.text("png-ztxt-description").as_bytes()));
    png_chunk(&mut out, b"zTXt", &ztxt);
    let mut itxt_xmp = b"XML:com.adobe.xmp\0\0\0\0\0".to_vec();
    itxt_xmp.extend_from_slice(xmp_packet(&mut p, None).as_bytes());
    png_chunk(&mut out, b"iTXt", &itxt_xmp);
    let mut itxt_z = b"Title\0\x01\0en\0".to_vec();
    itxt_z.extend_from_slice(p.text("png-itxt-translated-keyword").as_bytes());
    itxt_z.push(0);
    itxt_z.extend_from_slice(&zlib(p.text("png-itxt-compressed-text").as_bytes()));
    png_chunk(&mut out, b"iTXt", &itxt_z);
    png_chunk(&mut out, b"tIME", &[0x07, 0xEA, 5, 17, 9, 41, 7]);
    png_chunk(&mut out, b"caBX", p.text("png-cabx-c2pa").as_bytes());
    png_chunk(&mut out, b"prVt", p.text("png-private-chunk").as_bytes());

    for (kind, data) in &chunks[1..] {
        if kind == b"IEND" {
            break;
        }
        png_chunk(&mut out, kind, data);
    }
    // After the pixels: a second eXIf (ignored by decoders, removed by us) and more text.
    let mut late_exif = b"MM\0\x2a\0\0\0\x08\0\0\0\0\0\0".to_vec();
    late_exif.extend_from_slice(p.text("png-exif-after-idat").as_bytes());
    png_chunk(&mut out, b"eXIf", &late_exif);
    let mut late = b"Comment\0".to_vec();
    late.extend_from_slice(p.text("png-text-after-idat").as_bytes());
    png_chunk(&mut out, b"tEXt", &late);
    png_chunk(&mut out, b"IEND", &[]);
    out.extend_from_slice(p.text("trailer-after-iend").as_bytes());
    CanaryFile {
        name: "canary.png",
        bytes: out,
        canaries: p.canaries,
    }
}

// ---------------------------------------------------------------------------------------------
// WebP

fn riff_chunk(out: &mut Vec<u8>, id: &[u8; 4], data: &[u8]) {
    out.extend_from_slice(id);
    out.extend_from_slice(&(data.len() as u32).to_le_bytes());
    out.extend_from_slice(data);
    if data.len() % 2 == 1 {
        out.push(0);
    }
}

fn vp8x(flags: u8) -> Vec<u8> {
    let mut v = vec![flags, 0, 0, 0];
    v.extend_from_slice(&(W - 1).to_le_bytes()[..3]);
    v.extend_from_slice(&(H - 1).to_le_bytes()[..3]);
    v
}

fn riff(body: Vec<u8>) -> Vec<u8> {
    let mut out = b"RIFF".to_vec();
    out.extend_from_slice(&(body.len() as u32 + 4).to_le_bytes());
    out.extend_from_slice(b"WEBP");
    out.extend_from_slice(&body);
    out
}

/// An extended WebP: ICCP (v4 texts), EXIF (with the `Exif\0\0` header some Android writers
/// leave), XMP, an unknown chunk, and data after the RIFF payload.
pub fn webp() -> CanaryFile {
    let mut p = Plant::default();
    let mut body = Vec::new();
    riff_chunk(&mut body, b"VP8X", &vp8x(0x20 | 0x08 | 0x04));
    riff_chunk(&mut body, b"ICCP", &icc_profile(&mut p, true));
    riff_chunk(&mut body, b"VP8L", &encoded_webp_vp8l());
    let mut exif = b"Exif\0\0".to_vec();
    exif.extend_from_slice(&exif_tiff(&mut p));
    riff_chunk(&mut body, b"EXIF", &exif);
    riff_chunk(&mut body, b"XMP ", xmp_packet(&mut p, None).as_bytes());
    riff_chunk(&mut body, b"CNRY", p.text("webp-unknown-chunk").as_bytes());
    let mut out = riff(body);
    out.extend_from_slice(p.text("trailer-after-riff").as_bytes());
    CanaryFile {
        name: "canary.webp",
        bytes: out,
        canaries: p.canaries,
    }
}

/// An animated WebP whose frames carry an unknown sub-chunk, plus EXIF and XMP after the frames
/// (where animation tools append them).
pub fn webp_animated() -> CanaryFile {
    let mut p = Plant::default();
    let image = encoded_webp_vp8l();
    let mut body = Vec::new();
    riff_chunk(&mut body, b"VP8X", &vp8x(0x02 | 0x08 | 0x04));
    riff_chunk(&mut body, b"ANIM", &[0, 0, 0, 0, 0, 0]);
    for slot in [
        "webp-anmf-unknown-subchunk-1",
        "webp-anmf-unknown-subchunk-2",
    ] {
        let mut frame = Vec::new();
        frame.extend_from_slice(&[0; 6]); // x, y offsets
        frame.extend_from_slice(&(W - 1).to_le_bytes()[..3]);
        frame.extend_from_slice(&(H - 1).to_le_bytes()[..3]);
        frame.extend_from_slice(&[100, 0, 0]); // duration
        frame.push(0); // flags
        riff_chunk(&mut frame, b"VP8L", &image);
        riff_chunk(&mut frame, b"cnry", p.text(slot).as_bytes());
        riff_chunk(&mut body, b"ANMF", &frame);
    }
    riff_chunk(&mut body, b"EXIF", &exif_tiff(&mut p));
    riff_chunk(&mut body, b"XMP ", xmp_packet(&mut p, None).as_bytes());
    CanaryFile {
        name: "canary-animated.webp",
        bytes: riff(body),
        canaries: p.canaries,
    }
}

// ---------------------------------------------------------------------------------------------
// GIF

fn sub_blocks(out: &mut Vec<u8>, data: &[u8]) {
    for piece in data.chunks(255) {
        out.push(piece.len() as u8);
        out.extend_from_slice(piece);
    }
    out.push(0);
}

/// A GIF with a comment, a plain-text extension, XMP and Photoshop/IPTC application
/// extensions, an unknown application extension, and data after the trailer.
pub fn gif() -> CanaryFile {
    let mut p = Plant::default();
    let mut encoded = Vec::new();
    {
        let mut enc = image::codecs::gif::GifEncoder::new(&mut encoded);
        let rgba: Vec<u8> = pixels()
            .chunks(3)
            .flat_map(|c| [c[0], c[1], c[2], 255])
            .collect();
        let frame = image::RgbaImage::from_raw(W, H, rgba).expect("frame");
        enc.encode_frame(image::Frame::new(frame))
            .expect("encode GIF");
    }
    // Header (6) + logical screen descriptor (7) + global colour table when flagged.
    let packed = encoded[10];
    let gct = if packed & 0x80 != 0 {
        3 << ((packed & 7) + 1)
    } else {
        0
    };
    let head_end = 13 + gct;
    let mut out = encoded[..head_end].to_vec();
    out.extend_from_slice(&[0x21, 0xFE]);
    sub_blocks(&mut out, p.text("gif-comment").as_bytes());
    out.extend_from_slice(&[0x21, 0x01, 12, 0, 0, 0, 0, 24, 0, 16, 0, 8, 8, 1, 0]);
    sub_blocks(&mut out, p.text("gif-plain-text").as_bytes());
    out.extend_from_slice(&[0x21, 0xFF, 11]);
    // XMP's own convention: the packet raw, then a 258-byte "magic trailer" that walks any
    // sub-block reader back to a terminator.
    out.extend_from_slice(b"XMP DataXMP");
    out.extend_from_slice(xmp_packet(&mut p, None).as_bytes());
    out.push(1);
    out.extend((0..=255u8).rev());
    out.push(0);
    out.extend_from_slice(&[0x21, 0xFF, 11]);
    out.extend_from_slice(b"MGK8BIM0000");
    sub_blocks(&mut out, &photoshop_irb(&mut p));
    out.extend_from_slice(&[0x21, 0xFF, 11]);
    out.extend_from_slice(b"QZ7VENDR1.0");
    sub_blocks(
        &mut out,
        p.text("gif-unknown-application-extension").as_bytes(),
    );
    out.extend_from_slice(&encoded[head_end..]);
    assert_eq!(out.last(), Some(&0x3B), "GIF ends with its trailer");
    out.extend_from_slice(p.text("trailer-after-gif").as_bytes());
    CanaryFile {
        name: "canary.gif",
        bytes: out,
        canaries: p.canaries,
    }
}

// ---------------------------------------------------------------------------------------------
// ISO-BMFF (HEIC, MP4)

fn bx(typ: &[u8; 4], payload: &[u8]) -> Vec<u8> {
    let mut b = ((payload.len() + 8) as u32).to_be_bytes().to_vec();
    b.extend_from_slice(typ);
    b.extend_from_slice(payload);
    b
}

fn full(typ: &[u8; 4], version: u8, flags: u32, payload: &[u8]) -> Vec<u8> {
    let mut p = ((u32::from(version) << 24) | flags).to_be_bytes().to_vec();
    p.extend_from_slice(payload);
    bx(typ, &p)
}

fn cstr(s: &str) -> Vec<u8> {
    let mut v = s.as_bytes().to_vec();
    v.push(0);
    v
}

fn infe(id: u16, typ: &[u8; 4], name: &str, content_type: Option<&str>) -> Vec<u8> {
    let mut p = id.to_be_bytes().to_vec();
    p.extend_from_slice(&[0, 0]);
    p.extend_from_slice(typ);
    p.extend_from_slice(&cstr(name));
    if let Some(c) = content_type {
        p.extend_from_slice(&cstr(c));
    }
    full(b"infe", 2, 0, &p)
}

fn reference(typ: &[u8; 4], from: u16, to: &[u16]) -> Vec<u8> {
    let mut p = from.to_be_bytes().to_vec();
    p.extend_from_slice(&(to.len() as u16).to_be_bytes());
    for t in to {
        p.extend_from_slice(&t.to_be_bytes());
    }
    bx(typ, &p)
}

/// A HEIC: a primary `hvc1` picture (whose item name is a canary) with its thumbnail, an Exif
/// item, an XMP item, a `udes` user-description property and an ICC `colr` property, then a
/// top-level `uuid`, a Samsung-style `mpvd` motion-photo box and bytes after the last box.
pub fn heic() -> CanaryFile {
    let mut p = Plant::default();
    let picture: Vec<u8> = (0..300u32).map(|i| (i * 7 % 253) as u8).collect();
    let thumbnail = {
        let mut t = b"\0\0\0\x20".to_vec();
        t.extend_from_slice(p.text("heif-thumbnail-item-data").as_bytes());
        t
    };
    let mut exif = 6u32.to_be_bytes().to_vec();
    exif.extend_from_slice(b"Exif\0\0");
    exif.extend_from_slice(&exif_tiff(&mut p));
    let xmp = xmp_packet(&mut p, None).into_bytes();
    let item_data: [&[u8]; 4] = [&picture, &exif, &xmp, &thumbnail];

    let item_name = p.text("heif-picture-item-name");
    let mut iinf = 4u16.to_be_bytes().to_vec();
    iinf.extend_from_slice(&infe(1, b"hvc1", &item_name, None));
    iinf.extend_from_slice(&infe(2, b"Exif", "", None));
    iinf.extend_from_slice(&infe(3, b"mime", "", Some("application/rdf+xml")));
    iinf.extend_from_slice(&infe(4, b"hvc1", "", None));
    let mut iref = Vec::new();
    iref.extend_from_slice(&reference(b"cdsc", 2, &[1]));
    iref.extend_from_slice(&reference(b"cdsc", 3, &[1]));
    iref.extend_from_slice(&reference(b"thmb", 4, &[1]));
    let mut hvcc = vec![
        1, 1, 0x60, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0x5A, 0xF0, 0, 0xFC, 0xFD, 0xF8, 0xF8,
    ];
    hvcc.extend_from_slice(&[0, 0, 0x0F, 0]); // no parameter-set arrays
    let mut ispe = (W).to_be_bytes().to_vec();
    ispe.extend_from_slice(&H.to_be_bytes());
    let mut colr = b"prof".to_vec();
    colr.extend_from_slice(&icc_profile(&mut p, true));
    let mut udes = cstr("en-US");
    udes.extend_from_slice(&cstr(&p.text("heif-udes-name")));
    udes.extend_from_slice(&cstr(&p.text("heif-udes-description")));
    udes.extend_from_slice(&cstr(&p.text("heif-udes-tags")));
    let mut ipco = bx(b"hvcC", &hvcc);
    ipco.extend_from_slice(&full(b"ispe", 0, 0, &ispe));
    ipco.extend_from_slice(&bx(b"colr", &colr));
    ipco.extend_from_slice(&full(b"udes", 0, 0, &udes));
    let mut ipma = 2u32.to_be_bytes().to_vec();
    ipma.extend_from_slice(&[0, 1, 4, 0x81, 0x02, 0x03, 0x04]);
    ipma.extend_from_slice(&[0, 4, 2, 0x81, 0x02]);
    let mut iprp = bx(b"ipco", &ipco);
    iprp.extend_from_slice(&full(b"ipma", 0, 0, &ipma));

    let ftyp = bx(b"ftyp", b"heic\0\0\0\0mif1heicmiaf");
    let hdlr = {
        let mut h = vec![0u8; 4];
        h.extend_from_slice(b"pict");
        h.extend_from_slice(&[0u8; 12]);
        h.push(0);
        full(b"hdlr", 0, 0, &h)
    };
    // iloc needs the mdat offset, which needs meta's size: iloc's size does not depend on the
    // offsets, so build meta once with zeros, measure, then again.
    let build_meta = |mdat_payload_at: u32| {
        let mut iloc = vec![0x44, 0x00];
        iloc.extend_from_slice(&4u16.to_be_bytes());
        let mut at = mdat_payload_at;
        for (i, d) in item_data.iter().enumerate() {
            iloc.extend_from_slice(&(i as u16 + 1).to_be_bytes());
            iloc.extend_from_slice(&[0, 0, 0, 1]); // data reference 0, one extent
            iloc.extend_from_slice(&at.to_be_bytes());
            iloc.extend_from_slice(&(d.len() as u32).to_be_bytes());
            at += d.len() as u32;
        }
        let mut meta = hdlr.clone();
        meta.extend_from_slice(&full(b"pitm", 0, 0, &1u16.to_be_bytes()));
        meta.extend_from_slice(&full(b"iinf", 0, 0, &iinf));
        meta.extend_from_slice(&full(b"iref", 0, 0, &iref));
        meta.extend_from_slice(&bx(b"iprp", &iprp));
        meta.extend_from_slice(&full(b"iloc", 0, 0, &iloc));
        full(b"meta", 0, 0, &meta)
    };
    let meta_len = build_meta(0).len();
    let meta = build_meta((ftyp.len() + meta_len + 8) as u32);
    let mut mdat = Vec::new();
    for d in item_data {
        mdat.extend_from_slice(d);
    }
    let mut out = ftyp;
    out.extend_from_slice(&meta);
    out.extend_from_slice(&bx(b"mdat", &mdat));
    let mut uuid = b"\xBE\x7A\xCF\xCB\x97\xA9\x42\xE8\x9C\x71\x99\x94\x91\xE3\xAF\xAC".to_vec();
    uuid.extend_from_slice(p.text("heif-top-level-uuid-xmp").as_bytes());
    out.extend_from_slice(&bx(b"uuid", &uuid));
    let mut mpvd = b"\0\0\0\x18ftypmp42\0\0\0\0isommp42".to_vec();
    mpvd.extend_from_slice(p.text("heif-mpvd-motion-photo").as_bytes());
    out.extend_from_slice(&bx(b"mpvd", &mpvd));
    out.extend_from_slice(p.text("trailer-after-last-box").as_bytes());
    CanaryFile {
        name: "canary.heic",
        bytes: out,
        canaries: p.canaries,
    }
}

/// A QuickTime text atom (`©xyz`, `©nam`…): length, language, text.
fn qt_text(typ: &[u8; 4], s: &str) -> Vec<u8> {
    let mut p = (s.len() as u16).to_be_bytes().to_vec();
    p.extend_from_slice(&0x15C7u16.to_be_bytes());
    p.extend_from_slice(s.as_bytes());
    bx(typ, &p)
}

/// An `ilst` value.
fn data_atom(s: &str) -> Vec<u8> {
    let mut p = 1u32.to_be_bytes().to_vec(); // UTF-8
    p.extend_from_slice(&[0; 4]);
    p.extend_from_slice(s.as_bytes());
    bx(b"data", &p)
}

const MATRIX: [u32; 9] = [0x0001_0000, 0, 0, 0, 0x0001_0000, 0, 0, 0, 0x4000_0000];

/// Seconds since 1904 for 2026-05-17 09:41:07 UTC: the capture time in the headers.
const CAPTURE_TIME: u32 = 3_861_938_467;

fn track(
    id: u32,
    handler: &[u8; 4],
    sample_entry: &[u8],
    sample_len: u32,
    chunk_at: u32,
) -> Vec<u8> {
    let mut tkhd = Vec::new();
    for v in [CAPTURE_TIME, CAPTURE_TIME, id, 0, 1000] {
        tkhd.extend_from_slice(&v.to_be_bytes());
    }
    tkhd.extend_from_slice(&[0; 16]); // reserved, layer, group, volume, reserved
    for m in MATRIX {
        tkhd.extend_from_slice(&m.to_be_bytes());
    }
    tkhd.extend_from_slice(&(W << 16).to_be_bytes());
    tkhd.extend_from_slice(&(H << 16).to_be_bytes());
    let mut mdhd = Vec::new();
    for v in [CAPTURE_TIME, CAPTURE_TIME, 1000, 1000] {
        mdhd.extend_from_slice(&v.to_be_bytes());
    }
    mdhd.extend_from_slice(&[0x55, 0xC4, 0, 0]);
    let mut hdlr = vec![0u8; 4];
    hdlr.extend_from_slice(handler);
    hdlr.extend_from_slice(&[0; 12]);
    hdlr.push(0);
    let header = if handler == b"vide" {
        full(b"vmhd", 0, 1, &[0; 8])
    } else {
        full(b"nmhd", 0, 0, &[])
    };
    let dinf = bx(
        b"dinf",
        &full(b"dref", 0, 0, &{
            let mut d = 1u32.to_be_bytes().to_vec();
            d.extend_from_slice(&full(b"url ", 0, 1, &[]));
            d
        }),
    );
    let mut stsd = 1u32.to_be_bytes().to_vec();
    stsd.extend_from_slice(sample_entry);
    let mut stbl = full(b"stsd", 0, 0, &stsd);
    stbl.extend_from_slice(&full(
        b"stts",
        0,
        0,
        &[0, 0, 0, 1, 0, 0, 0, 1, 0, 0, 0x03, 0xE8],
    ));
    stbl.extend_from_slice(&full(
        b"stsc",
        0,
        0,
        &[0, 0, 0, 1, 0, 0, 0, 1, 0, 0, 0, 1, 0, 0, 0, 1],
    ));
    let mut stsz = vec![0, 0, 0, 0, 0, 0, 0, 1];
    stsz.extend_from_slice(&sample_len.to_be_bytes());
    stbl.extend_from_slice(&full(b"stsz", 0, 0, &stsz));
    let mut stco = 1u32.to_be_bytes().to_vec();
    stco.extend_from_slice(&chunk_at.to_be_bytes());
    stbl.extend_from_slice(&full(b"stco", 0, 0, &stco));
    let mut minf = header;
    minf.extend_from_slice(&dinf);
    minf.extend_from_slice(&bx(b"stbl", &stbl));
    let mut mdia = full(b"mdhd", 0, 0, &mdhd);
    mdia.extend_from_slice(&full(b"hdlr", 0, 0, &hdlr));
    mdia.extend_from_slice(&bx(b"minf", &minf));
    let mut trak = full(b"tkhd", 0, 3, &tkhd);
    trak.extend_from_slice(&bx(b"mdia", &mdia));
    trak
}

/// An iPhone-style MP4/MOV: GPS and device in `udta` (`©xyz`, `©mak`, `©mod`, `©swr`, `©nam`,
/// `©day`, XMP) and in `meta` keys/ilst (ISO 6709 location, model), a track-level `udta`, an
/// Apple `mebx` timed-metadata track whose sample (in `mdat`) is a canary, capture times in
/// every header, a top-level XMP `uuid`, a `free` box holding old data, and bytes after the end.
pub fn mp4() -> CanaryFile {
    let mut p = Plant::default();
    p.binary("mp4-capture-time", CAPTURE_TIME.to_be_bytes().to_vec());
    let iso6709 = "+48.8584+002.2945+035.000/";
    p.canaries.push(Canary {
        slot: "mp4-iso6709-location",
        bytes: iso6709.as_bytes().to_vec(),
        text: true,
        group: Group::Metadata,
    });
    let video_sample: Vec<u8> = (0..200u32).map(|i| (i * 13 % 251) as u8).collect();
    let faces_sample = p.text("mp4-mebx-timed-metadata-sample").into_bytes();

    let mut avc1 = vec![0u8; 6];
    avc1.extend_from_slice(&1u16.to_be_bytes());
    avc1.extend_from_slice(&[0; 16]);
    avc1.extend_from_slice(&(W as u16).to_be_bytes());
    avc1.extend_from_slice(&(H as u16).to_be_bytes());
    avc1.extend_from_slice(&[0, 0x48, 0, 0, 0, 0x48, 0, 0, 0, 0, 0, 0, 0, 1]);
    avc1.extend_from_slice(&[0; 32]); // compressor name
    avc1.extend_from_slice(&[0, 0x18, 0xFF, 0xFF]);
    avc1.extend_from_slice(&bx(b"avcC", &[1, 0x42, 0, 0x1E, 0xFF, 0xE0, 0]));
    let avc1 = bx(b"avc1", &avc1);
    let mut mebx = vec![0u8; 6];
    mebx.extend_from_slice(&1u16.to_be_bytes());
    mebx.extend_from_slice(&bx(
        b"keys",
        &bx(b"\0\0\0\x01", &{
            let mut k = bx(b"keyd", b"mdtacom.apple.quicktime.detected-face");
            k.extend_from_slice(&bx(b"dtyp", &[0, 0, 0, 0, 0, 0, 0, 0]));
            k
        }),
    ));
    let mebx = bx(b"mebx", &mebx);

    let mut udta = qt_text(b"\xA9xyz", "+48.8584+002.2945/");
    for (typ, slot) in [
        (b"\xA9mak", "mp4-udta-make"),
        (b"\xA9mod", "mp4-udta-model"),
        (b"\xA9swr", "mp4-udta-software"),
        (b"\xA9nam", "mp4-udta-title"),
        (b"\xA9day", "mp4-udta-date"),
    ] {
        udta.extend_from_slice(&qt_text(typ, &p.text(slot)));
    }
    udta.extend_from_slice(&bx(b"XMP_", xmp_packet(&mut p, None).as_bytes()));
    let keys = {
        let mut k = 2u32.to_be_bytes().to_vec();
        for key in [
            "com.apple.quicktime.location.ISO6709",
            "com.apple.quicktime.model",
        ] {
            k.extend_from_slice(&((key.len() + 8) as u32).to_be_bytes());
            k.extend_from_slice(b"mdta");
            k.extend_from_slice(key.as_bytes());
        }
        full(b"keys", 0, 0, &k)
    };
    let ilst = {
        let mut l = bx(b"\0\0\0\x01", &data_atom(iso6709));
        l.extend_from_slice(&bx(b"\0\0\0\x02", &data_atom(&p.text("mp4-keys-model"))));
        bx(b"ilst", &l)
    };
    let mut meta = full(b"hdlr", 0, 0, &{
        let mut h = vec![0u8; 4];
        h.extend_from_slice(b"mdta");
        h.extend_from_slice(&[0; 13]);
        h
    });
    meta.extend_from_slice(&keys);
    meta.extend_from_slice(&ilst);
    let meta = bx(b"meta", &meta);
    let track_udta = bx(
        b"udta",
        &qt_text(b"\xA9nam", &p.text("mp4-track-udta-title")),
    );

    let ftyp = bx(b"ftyp", b"qt  \0\0\x02\0qt  ");
    let build_moov = |video_at: u32, faces_at: u32| {
        let mut mvhd = Vec::new();
        for v in [CAPTURE_TIME, CAPTURE_TIME, 1000, 1000, 0x0001_0000] {
            mvhd.extend_from_slice(&v.to_be_bytes());
        }
        mvhd.extend_from_slice(&[1, 0]);
        mvhd.extend_from_slice(&[0; 10]);
        for m in MATRIX {
            mvhd.extend_from_slice(&m.to_be_bytes());
        }
        mvhd.extend_from_slice(&[0; 24]);
        mvhd.extend_from_slice(&3u32.to_be_bytes());
        let mut moov = full(b"mvhd", 0, 0, &mvhd);
        let mut video = track(1, b"vide", &avc1, video_sample.len() as u32, video_at);
        video.extend_from_slice(&track_udta);
        moov.extend_from_slice(&bx(b"trak", &video));
        moov.extend_from_slice(&bx(
            b"trak",
            &track(2, b"meta", &mebx, faces_sample.len() as u32, faces_at),
        ));
        moov.extend_from_slice(&bx(b"udta", &udta));
        moov.extend_from_slice(&meta);
        bx(b"moov", &moov)
    };
    let moov_len = build_moov(0, 0).len();
    let video_at = (ftyp.len() + moov_len + 8) as u32;
    let moov = build_moov(video_at, video_at + video_sample.len() as u32);
    let mut out = ftyp;
    out.extend_from_slice(&moov);
    let mut mdat = video_sample.clone();
    mdat.extend_from_slice(&faces_sample);
    out.extend_from_slice(&bx(b"mdat", &mdat));
    let mut uuid = b"\xBE\x7A\xCF\xCB\x97\xA9\x42\xE8\x9C\x71\x99\x94\x91\xE3\xAF\xAC".to_vec();
    uuid.extend_from_slice(p.text("mp4-uuid-xmp").as_bytes());
    out.extend_from_slice(&bx(b"uuid", &uuid));
    out.extend_from_slice(&bx(b"free", p.text("mp4-free-box-old-data").as_bytes()));
    CanaryFile {
        name: "canary.mov",
        bytes: out,
        canaries: p.canaries,
    }
}

/// Every canary photo and video this module builds.
pub fn all() -> Vec<CanaryFile> {
    vec![jpeg(), png(), webp(), webp_animated(), gif(), heic(), mp4()]
}

// ---------------------------------------------------------------------------------------------
// Searching

/// The ways a planted text can appear in a file: as written, UTF-16 either way (ICC `mluc`,
/// Windows XP tags, v2 `desc` Unicode), and hex (PNG "Raw profile" chunks).
pub fn encodings(c: &Canary) -> Vec<(&'static str, Vec<u8>)> {
    if !c.text {
        return vec![("binary", c.bytes.clone())];
    }
    let s = String::from_utf8(c.bytes.clone()).expect("text canaries are UTF-8");
    vec![
        ("utf-8", c.bytes.clone()),
        (
            "utf-16be",
            s.encode_utf16().flat_map(u16::to_be_bytes).collect(),
        ),
        (
            "utf-16le",
            s.encode_utf16().flat_map(u16::to_le_bytes).collect(),
        ),
        ("hex", hex(&c.bytes).into_bytes()),
        ("HEX", hex(&c.bytes).to_uppercase().into_bytes()),
    ]
}

/// True when `needle` occurs in `haystack`.
pub fn contains(haystack: &[u8], needle: &[u8]) -> bool {
    !needle.is_empty() && haystack.windows(needle.len()).any(|w| w == needle)
}

/// Everything a reader could get out of `file`: the raw bytes, every zlib stream found at any
/// offset inflated (PNG iCCP, zTXt, compressed iTXt, IDAT), and the JPEG ICC profile
/// reassembled from its APP2 chunks.
pub fn views(file: &[u8]) -> Vec<(String, Vec<u8>)> {
    let mut v = vec![("raw bytes".to_string(), file.to_vec())];
    for at in 0..file.len().saturating_sub(2) {
        let (cmf, flg) = (file[at], file[at + 1]);
        if cmf & 0x0F != 8 || cmf >> 4 > 7 || (u16::from(cmf) << 8 | u16::from(flg)) % 31 != 0 {
            continue;
        }
        let mut inflated = Vec::new();
        let mut z = flate2::read::ZlibDecoder::new(&file[at..]).take(64 << 20);
        // A partial stream still counts: whatever inflates is readable by someone.
        let _ = z.read_to_end(&mut inflated);
        if !inflated.is_empty() {
            v.push((format!("zlib stream at offset {at}"), inflated));
        }
    }
    let gif = gif_extension_payloads(file);
    if !gif.is_empty() {
        v.push(("GIF extension sub-blocks joined".to_string(), gif));
    }
    let icc = jpeg_icc(file);
    if !icc.is_empty() {
        v.push(("reassembled JPEG ICC profile".to_string(), icc));
    }
    v
}

/// The payloads of a GIF's extensions with their sub-block lengths taken out (a value longer
/// than 255 bytes is split across sub-blocks).
pub fn gif_extension_payloads(file: &[u8]) -> Vec<u8> {
    let mut joined = Vec::new();
    if !file.starts_with(b"GIF8") || file.len() < 13 {
        return joined;
    }
    let packed = file[10];
    let mut i = 13
        + if packed & 0x80 != 0 {
            3 << ((packed & 7) + 1)
        } else {
            0
        };
    let skip_sub_blocks = |mut i: usize, joined: &mut Vec<u8>| -> Option<usize> {
        loop {
            let n = usize::from(*file.get(i)?);
            i += 1;
            if n == 0 {
                return Some(i);
            }
            joined.extend_from_slice(file.get(i..i + n)?);
            i += n;
        }
    };
    while let Some(&b) = file.get(i) {
        match b {
            0x21 => match skip_sub_blocks(i + 2, &mut joined) {
                Some(next) => i = next,
                None => break,
            },
            0x2C => {
                // Image descriptor, optional local table, LZW minimum code size, data.
                let Some(&flags) = file.get(i + 9) else { break };
                i +=
                    10 + if flags & 0x80 != 0 {
                        3 << ((flags & 7) + 1)
                    } else {
                        0
                    } + 1;
                let mut ignored = Vec::new();
                match skip_sub_blocks(i, &mut ignored) {
                    Some(next) => i = next,
                    None => break,
                }
            }
            _ => break,
        }
    }
    joined
}

/// The ICC profile of a JPEG, reassembled from its APP2 `ICC_PROFILE` chunks in file order.
pub fn jpeg_icc(file: &[u8]) -> Vec<u8> {
    let mut icc = Vec::new();
    if !file.starts_with(&[0xFF, 0xD8]) {
        return icc;
    }
    let mut i = 2;
    while i + 4 <= file.len() && file[i] == 0xFF && file[i + 1] != 0xDA {
        let len = u16::from_be_bytes([file[i + 2], file[i + 3]]) as usize;
        let end = (i + 2 + len).min(file.len());
        let payload = &file[(i + 4).min(end)..end];
        if file[i + 1] == 0xE2 && payload.starts_with(b"ICC_PROFILE\0") && payload.len() >= 14 {
            icc.extend_from_slice(&payload[14..]);
        }
        i = end;
    }
    icc
}

/// Every (canary slot, encoding, view) where a canary of `group` (all groups for `None`), or
/// the shared marker, is found in `file`.
pub fn leaks(file: &[u8], canaries: &[Canary], group: Option<Group>) -> Vec<String> {
    let mut found = Vec::new();
    let views = views(file);
    for c in canaries
        .iter()
        .filter(|c| group.is_none_or(|g| c.group == g))
    {
        for (enc, needle) in encodings(c) {
            for (view, hay) in &views {
                if contains(hay, &needle) {
                    found.push(format!("{} ({enc}) in {view}", c.slot));
                }
            }
        }
    }
    // A partial value (a field truncated by a writer or by a buggy sanitiser) still carries
    // its group's marker.
    for (g, marker) in [(Group::Metadata, MARKER), (Group::Icc, ICC_MARKER)] {
        if group.is_some_and(|want| want != g) || !found.is_empty() {
            continue;
        }
        let m = Canary {
            slot: "canary marker (part of a planted value)",
            bytes: marker.as_bytes().to_vec(),
            text: true,
            group: g,
        };
        for (enc, needle) in encodings(&m) {
            for (view, hay) in &views {
                if contains(hay, &needle) {
                    found.push(format!("{} {marker} ({enc}) in {view}", m.slot));
                }
            }
        }
    }
    found
}
