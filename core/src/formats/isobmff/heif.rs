//! Why this exists: a HEIC/AVIF photo is a set of *items* described in one `meta` box — the
//! picture (often a grid of tiles), its alpha, thumbnails, depth and HDR gain maps, and the Exif and
//! XMP metadata with GPS, device and time — whose bytes the `iloc` table locates in `mdat` or `idat`.
//! Removing metadata means removing items, their references (`iref`), their property
//! associations (`ipma`) and their bytes, then pointing `iloc` at where the kept bytes now are.
//!
//! How: the `meta` box (small: a few KiB) is parsed in memory under
//! [`crate::Limits::max_metadata_bytes`]. The kept items are the primary picture, the other
//! visible pictures (bursts) except thumbnails, everything they are derived from (`dimg`: grid
//! tiles) and their alpha planes; depth maps, gain maps, thumbnails and every non-picture item go.
//! The output is `ftyp`, the rebuilt `meta`, then each `mdat` that holds kept bytes, in input
//! order and at its full size with every byte no kept item uses set to zero (so nothing left of an
//! Exif block or a hidden picture survives inside it). Because `meta` is written first and
//! nothing is written whose size depends on an offset, the new `iloc` offsets are known before a
//! byte of media is copied, and the media is streamed once through a fixed buffer.
//!
//! The digest both sides compare is per item (type, properties, every extent's bytes) in item-ID
//! order, so a wrong rewritten offset in `iloc` makes verification fail.

use std::collections::{HashMap, HashSet};
use std::io::{Read, Seek, SeekFrom, Write};

use super::ranges::{Extent, Router};
use super::{decode_head, BoxHead, Bytes};
use crate::error::{Error, Part, Result};
use crate::formats::{Cleaned, Verified};
use crate::io::{Ctx, ImageDigest, Sink, Source, COPY_BUF};
use crate::parts::{Action, PartInfo, PartKind};
use crate::policy::{self, Decision};
use crate::Format;

/// Longest `ftyp` accepted (brands lists are a few dozen bytes).
const MAX_FTYP: u64 = 4096;

/// One `infe` entry.
#[derive(Debug, Clone)]
struct ItemInfo {
    id: u32,
    item_type: [u8; 4],
    hidden: bool,
    version: u8,
    flags: u32,
    protection: u16,
    content_type: Vec<u8>,
    name_empty: bool,
    at: u64,
    size: u64,
}

#[derive(Debug, Clone)]
struct ExtentEntry {
    index: u64,
    offset: u64,
    len: u64,
}

#[derive(Debug, Clone)]
struct Location {
    id: u32,
    construction: u8,
    data_ref: u16,
    base: u64,
    extents: Vec<ExtentEntry>,
}

#[derive(Debug, Clone)]
struct Iloc {
    version: u8,
    flags: u32,
    offset_size: u8,
    length_size: u8,
    base_size: u8,
    index_size: u8,
    items: Vec<Location>,
}

#[derive(Debug, Clone)]
struct Reference {
    typ: [u8; 4],
    from: u32,
    to: Vec<u32>,
    at: u64,
    size: u64,
}

#[derive(Debug, Clone, Copy)]
struct Assoc {
    essential: bool,
    /// 1-based index into `ipco`; 0 means none.
    index: u16,
}

#[derive(Debug, Clone)]
struct Ipma {
    version: u8,
    flags: u32,
    entries: Vec<(u32, Vec<Assoc>)>,
}

#[derive(Debug, Clone)]
struct Property<'a> {
    head: BoxHead,
    /// The whole box, header included.
    bytes: &'a [u8],
    payload: Bytes<'a>,
}

/// The ICC profile inside a `colr` property (colour types `prof` and `rICC`), if any.
fn colr_profile<'b>(p: &Property<'b>) -> Option<&'b [u8]> {
    let payload = p.payload.all();
    match payload {
        [b'p', b'r', b'o', b'f', icc @ ..] | [b'r', b'I', b'C', b'C', icc @ ..]
            if &p.head.typ == b"colr" =>
        {
            Some(icc)
        }
        _ => None,
    }
}

/// A kept property's bytes as they are written and digested: an ICC profile in `colr` has its
/// text blanked ([`crate::icc::sanitize_or_blank`]); every other property is copied as it is.
fn written_property<'b>(p: &Property<'b>) -> std::borrow::Cow<'b, [u8]> {
    let Some(icc) = colr_profile(p) else {
        return std::borrow::Cow::Borrowed(p.bytes);
    };
    let start = p.bytes.len() - icc.len();
    let mut out = p.bytes.to_vec();
    if crate::icc::sanitize_or_blank(&mut out[start..]) {
        std::borrow::Cow::Owned(out)
    } else {
        std::borrow::Cow::Borrowed(p.bytes)
    }
}

#[derive(Debug, Clone)]
struct Group<'a> {
    head: BoxHead,
    bytes: &'a [u8],
    entities: Vec<u32>,
}

/// A child of `meta` in file order.
struct Child<'a> {
    head: BoxHead,
    bytes: &'a [u8],
}

/// Everything `meta` says, parsed.
struct Meta<'a> {
    /// Version and flags of the `meta` full box.
    vf: [u8; 4],
    children: Vec<Child<'a>>,
    primary: Option<u32>,
    iinf_version: u8,
    iinf_flags: u32,
    items: Vec<ItemInfo>,
    iloc: Option<Iloc>,
    iref_version: u8,
    refs: Vec<Reference>,
    props: Vec<Property<'a>>,
    ipma: Vec<Ipma>,
    groups: Vec<Group<'a>>,
    /// `idat` payload: input offset and bytes.
    idat: Option<(u64, &'a [u8])>,
}

fn full_box(b: &mut Bytes<'_>) -> Result<(u8, u32)> {
    let v = b.u32()?;
    Ok(((v >> 24) as u8, v & 0x00FF_FFFF))
}

fn id(b: &mut Bytes<'_>, wide: bool) -> Result<u32> {
    if wide {
        b.u32()
    } else {
        Ok(u32::from(b.u16()?))
    }
}

fn parse_infe(head: &BoxHead, mut b: Bytes<'_>) -> Result<ItemInfo> {
    let (version, flags) = full_box(&mut b)?;
    if version < 2 {
        return Err(b.fail("item info entry version below 2"));
    }
    let id = id(&mut b, version >= 3)?;
    let protection = b.u16()?;
    let item_type: [u8; 4] = b.array()?;
    let name = b.cstr().or_else(|_| b.take(b.remaining()))?;
    let content_type = if &item_type == b"mime" && !b.is_empty() {
        b.cstr().or_else(|_| b.take(b.remaining()))?.to_vec()
    } else {
        Vec::new()
    };
    Ok(ItemInfo {
        id,
        item_type,
        hidden: flags & 1 == 1,
        version,
        flags,
        protection,
        content_type,
        name_empty: name.is_empty(),
        at: head.at,
        size: head.size,
    })
}

fn parse_iloc(mut b: Bytes<'_>, ctx: &mut Ctx<'_>) -> Result<Iloc> {
    let (version, flags) = full_box(&mut b)?;
    if version > 2 {
        return Err(b.fail("unknown iloc version"));
    }
    let sizes = b.u8()?;
    let more = b.u8()?;
    let (offset_size, length_size, base_size) = (sizes >> 4, sizes & 15, more >> 4);
    let index_size = if version >= 1 { more & 15 } else { 0 };
    for s in [offset_size, length_size, base_size, index_size] {
        if !matches!(s, 0 | 4 | 8) {
            return Err(b.fail("iloc field size not 0, 4 or 8"));
        }
    }
    let count = if version < 2 {
        u32::from(b.u16()?)
    } else {
        b.u32()?
    };
    let mut items = Vec::new();
    for _ in 0..count {
        ctx.next_part(Part::FourCc(*b"iloc"), b.offset())?;
        let id = id(&mut b, version == 2)?;
        let construction = if version >= 1 {
            (b.u16()? & 15) as u8
        } else {
            0
        };
        let data_ref = b.u16()?;
        let base = b.uint(base_size)?;
        let n = b.u16()?;
        let mut extents = Vec::new();
        for _ in 0..n {
            ctx.next_part(Part::FourCc(*b"iloc"), b.offset())?;
            let index = b.uint(index_size)?;
            let offset = b.uint(offset_size)?;
            let len = b.uint(length_size)?;
            extents.push(ExtentEntry { index, offset, len });
        }
        items.push(Location {
            id,
            construction,
            data_ref,
            base,
            extents,
        });
    }
    Ok(Iloc {
        version,
        flags,
        offset_size,
        length_size,
        base_size,
        index_size,
        items,
    })
}

fn parse_meta<'a>(
    data: &'a [u8],
    base: u64,
    format: Format,
    ctx: &mut Ctx<'_>,
) -> Result<Meta<'a>> {
    let mut b = Bytes::new(data, base, format, Part::FourCc(*b"meta"));
    let vf: [u8; 4] = b.array()?;
    let mut m = Meta {
        vf,
        children: Vec::new(),
        primary: None,
        iinf_version: 0,
        iinf_flags: 0,
        items: Vec::new(),
        iloc: None,
        iref_version: 0,
        refs: Vec::new(),
        props: Vec::new(),
        ipma: Vec::new(),
        groups: Vec::new(),
        idat: None,
    };
    let mut seen = HashSet::new();
    while !b.is_empty() {
        let start = b.pos();
        let (head, mut p) = b.next_box()?;
        ctx.next_part(head.part(), head.at)?;
        let bytes = &data[start..b.pos()];
        let once = matches!(
            &head.typ,
            b"pitm" | b"iinf" | b"iloc" | b"iref" | b"iprp" | b"idat"
        );
        if once && !seen.insert(head.typ) {
            return Err(p.fail("box repeated inside meta"));
        }
        match &head.typ {
            b"pitm" => {
                let (v, _) = full_box(&mut p)?;
                m.primary = Some(id(&mut p, v >= 1)?);
            }
            b"iinf" => {
                let (v, f) = full_box(&mut p)?;
                m.iinf_version = v;
                m.iinf_flags = f;
                let n = if v == 0 {
                    u32::from(p.u16()?)
                } else {
                    p.u32()?
                };
                for _ in 0..n {
                    let (h, e) = p.next_box()?;
                    ctx.next_part(h.part(), h.at)?;
                    if &h.typ != b"infe" {
                        return Err(e.fail("item info holds something else"));
                    }
                    m.items.push(parse_infe(&h, e)?);
                }
            }
            b"iloc" => m.iloc = Some(parse_iloc(p, ctx)?),
            b"iref" => {
                let (v, _) = full_box(&mut p)?;
                m.iref_version = v;
                while !p.is_empty() {
                    let (h, mut r) = p.next_box()?;
                    ctx.next_part(h.part(), h.at)?;
                    let from = id(&mut r, v >= 1)?;
                    let n = r.u16()?;
                    let mut to = Vec::with_capacity(usize::from(n).min(r.remaining()));
                    for _ in 0..n {
                        to.push(id(&mut r, v >= 1)?);
                    }
                    m.refs.push(Reference {
                        typ: h.typ,
                        from,
                        to,
                        at: h.at,
                        size: h.size,
                    });
                }
            }
            b"iprp" => {
                while !p.is_empty() {
                    let (h, mut q) = p.next_box()?;
                    ctx.next_part(h.part(), h.at)?;
                    match &h.typ {
                        b"ipco" => {
                            let all = q.all();
                            while !q.is_empty() {
                                let s = q.pos();
                                let (ph, pp) = q.next_box()?;
                                ctx.next_part(ph.part(), ph.at)?;
                                m.props.push(Property {
                                    head: ph,
                                    bytes: &all[s..q.pos()],
                                    payload: pp,
                                });
                            }
                        }
                        b"ipma" => {
                            let (v, f) = full_box(&mut q)?;
                            let n = q.u32()?;
                            let mut entries = Vec::new();
                            for _ in 0..n {
                                ctx.next_part(h.part(), q.offset())?;
                                let item = id(&mut q, v >= 1)?;
                                let k = q.u8()?;
                                let mut list = Vec::with_capacity(usize::from(k));
                                for _ in 0..k {
                                    list.push(if f & 1 == 1 {
                                        let x = q.u16()?;
                                        Assoc {
                                            essential: x & 0x8000 != 0,
                                            index: x & 0x7FFF,
                                        }
                                    } else {
                                        let x = q.u8()?;
                                        Assoc {
                                            essential: x & 0x80 != 0,
                                            index: u16::from(x & 0x7F),
                                        }
                                    });
                                }
                                entries.push((item, list));
                            }
                            m.ipma.push(Ipma {
                                version: v,
                                flags: f,
                                entries,
                            });
                        }
                        _ => {}
                    }
                }
            }
            b"idat" => m.idat = Some((head.at + head.header_len, p.all())),
            b"grpl" => {
                let all = p.all();
                while !p.is_empty() {
                    let s = p.pos();
                    let (gh, mut g) = p.next_box()?;
                    ctx.next_part(gh.part(), gh.at)?;
                    full_box(&mut g)?;
                    let _group_id = g.u32()?;
                    let n = g.u32()?;
                    let mut entities = Vec::new();
                    for _ in 0..n {
                        entities.push(g.u32()?);
                    }
                    m.groups.push(Group {
                        head: gh,
                        bytes: &all[s..p.pos()],
                        entities,
                    });
                }
            }
            _ => {}
        }
        m.children.push(Child { head, bytes });
    }
    Ok(m)
}

/// Why an item was kept or removed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Role {
    Picture,
    Thumbnail,
    HiddenPicture,
    Metadata(PartKind),
}

fn item_label(role: Role, t: &[u8; 4]) -> &'static str {
    match role {
        Role::Picture => match t {
            b"grid" => "grid picture",
            b"hvc1" | b"av01" | b"avc1" | b"vvc1" | b"jpeg" | b"j2k1" | b"unci" => "picture",
            _ => "derived picture",
        },
        Role::Thumbnail => "thumbnail picture",
        Role::HiddenPicture => "hidden picture (depth map, gain map or unused)",
        Role::Metadata(PartKind::Exif) => "Exif item (camera, time, GPS)",
        Role::Metadata(PartKind::Xmp) => "XMP item",
        Role::Metadata(_) => "metadata item",
    }
}

/// The allowlist applied to the items of one `meta`.
struct Selection {
    kept: HashSet<u32>,
    roles: HashMap<u32, Role>,
}

fn aux_type<'a>(m: &Meta<'a>, item: u32) -> Option<&'a [u8]> {
    for ipma in &m.ipma {
        for (i, assocs) in &ipma.entries {
            if *i != item {
                continue;
            }
            for a in assocs {
                let p = m.props.get(usize::from(a.index).checked_sub(1)?)?;
                if &p.head.typ == b"auxC" {
                    let mut b = p.payload.clone();
                    b.u32().ok()?;
                    return b.cstr().ok();
                }
            }
        }
    }
    None
}

fn select(m: &Meta<'_>, format: Format) -> Result<Selection> {
    let meta_fail = |reason| Error::malformed(format, Part::FourCc(*b"meta"), 0, reason);
    let primary = m.primary.ok_or_else(|| meta_fail("no primary item"))?;
    let mut types = HashMap::new();
    for it in &m.items {
        if types.insert(it.id, it).is_some() {
            return Err(Error::malformed(
                format,
                Part::FourCc(*b"infe"),
                it.at,
                "item ID repeated",
            ));
        }
    }
    let thumbs: HashSet<u32> = m
        .refs
        .iter()
        .filter(|r| &r.typ == b"thmb")
        .map(|r| r.from)
        .collect();
    let auxes: HashSet<u32> = m
        .refs
        .iter()
        .filter(|r| &r.typ == b"auxl")
        .map(|r| r.from)
        .collect();
    let mut roles = HashMap::new();
    for it in &m.items {
        let role = match policy::heif_item(&it.item_type, &it.content_type) {
            Decision::Remove(kind) => Role::Metadata(kind),
            _ if thumbs.contains(&it.id) => Role::Thumbnail,
            _ if auxes.contains(&it.id) => match aux_type(m, it.id).map(policy::heif_auxiliary) {
                Some(Decision::Keep(_)) => Role::Picture,
                _ => Role::HiddenPicture,
            },
            _ if it.hidden => Role::HiddenPicture,
            _ => Role::Picture,
        };
        roles.insert(it.id, role);
    }
    if roles.get(&primary) != Some(&Role::Picture) {
        return Err(meta_fail("primary item is not a picture"));
    }
    check_derivation_loops(m, format)?;
    // Roots: the primary and the other visible pictures; then what they are made of and their
    // alpha planes.
    let mut work: Vec<u32> = m
        .items
        .iter()
        .filter(|it| {
            it.id == primary
                || (!it.hidden
                    && roles.get(&it.id) == Some(&Role::Picture)
                    && !auxes.contains(&it.id))
        })
        .map(|it| it.id)
        .collect();
    let mut derived_from: HashMap<u32, Vec<&Reference>> = HashMap::new();
    let mut alpha_of: HashMap<u32, Vec<u32>> = HashMap::new();
    for r in &m.refs {
        if &r.typ == b"dimg" {
            derived_from.entry(r.from).or_default().push(r);
        }
        if &r.typ == b"auxl" && roles.get(&r.from) == Some(&Role::Picture) {
            for &t in &r.to {
                alpha_of.entry(t).or_default().push(r.from);
            }
        }
    }
    let mut kept = HashSet::new();
    while let Some(i) = work.pop() {
        if !kept.insert(i) {
            continue;
        }
        for r in derived_from.get(&i).map(Vec::as_slice).unwrap_or(&[]) {
            for &t in &r.to {
                match roles.get(&t) {
                    Some(Role::Metadata(_)) | None => {
                        return Err(Error::malformed(
                            format,
                            Part::FourCc(r.typ),
                            r.at,
                            "picture derived from a non-picture item",
                        ));
                    }
                    Some(_) => work.push(t),
                }
            }
        }
        work.extend(alpha_of.get(&i).map(Vec::as_slice).unwrap_or(&[]));
    }
    for i in &kept {
        if roles.get(i) == Some(&Role::HiddenPicture) || roles.get(i) == Some(&Role::Thumbnail) {
            // A tile or input of a kept picture is a picture, whatever it is elsewhere.
            roles.insert(*i, Role::Picture);
        }
    }
    Ok(Selection { kept, roles })
}

/// Refuses `dimg` cycles: a picture derived from itself cannot be decoded and would make a
/// naive walker loop.
fn check_derivation_loops(m: &Meta<'_>, format: Format) -> Result<()> {
    let mut edges: HashMap<u32, Vec<u32>> = HashMap::new();
    for r in m.refs.iter().filter(|r| &r.typ == b"dimg") {
        edges.entry(r.from).or_default().extend(&r.to);
    }
    // 0 = unseen, 1 = on the stack, 2 = done
    let mut state: HashMap<u32, u8> = HashMap::new();
    for &start in edges.keys() {
        if state.get(&start).copied().unwrap_or(0) != 0 {
            continue;
        }
        let mut stack = vec![(start, 0usize)];
        state.insert(start, 1);
        while let Some(&mut (node, ref mut next)) = stack.last_mut() {
            let succ = edges.get(&node).map(Vec::as_slice).unwrap_or(&[]);
            if *next < succ.len() {
                let s = succ[*next];
                *next += 1;
                match state.get(&s).copied().unwrap_or(0) {
                    0 => {
                        state.insert(s, 1);
                        stack.push((s, 0));
                    }
                    1 => {
                        return Err(Error::malformed(
                            format,
                            Part::FourCc(*b"iref"),
                            0,
                            "loop in item references",
                        ));
                    }
                    _ => {}
                }
            } else {
                state.insert(node, 2);
                stack.pop();
            }
        }
    }
    Ok(())
}

/// A field of the rebuilt `iloc` to be filled once the output layout is known.
struct OffsetField {
    /// Position in the rebuilt `meta` box.
    pos: usize,
    width: u8,
    item: usize,
    /// `None` for the base offset, `Some(extent)` for an extent offset.
    extent: Option<usize>,
}

fn put_uint(v: &mut Vec<u8>, value: u64, width: u8) -> Result<()> {
    match width {
        0 if value == 0 => Ok(()),
        4 => {
            let x = u32::try_from(value).map_err(|_| Error::Unsupported {
                detected: Some("HEIF offset too large for its iloc field"),
            })?;
            v.extend_from_slice(&x.to_be_bytes());
            Ok(())
        }
        8 => {
            v.extend_from_slice(&value.to_be_bytes());
            Ok(())
        }
        _ => Err(Error::Unsupported {
            detected: Some("HEIF iloc field cannot hold the value"),
        }),
    }
}

fn put_id(v: &mut Vec<u8>, id: u32, wide: bool) -> Result<()> {
    if wide {
        v.extend_from_slice(&id.to_be_bytes());
    } else {
        let x = u16::try_from(id).map_err(|_| Error::Unsupported {
            detected: Some("HEIF item ID too large"),
        })?;
        v.extend_from_slice(&x.to_be_bytes());
    }
    Ok(())
}

/// Appends a box: reserves the header, runs `body`, patches the size.
fn put_box(
    v: &mut Vec<u8>,
    typ: &[u8; 4],
    body: impl FnOnce(&mut Vec<u8>) -> Result<()>,
) -> Result<()> {
    let start = v.len();
    v.extend_from_slice(&[0, 0, 0, 0]);
    v.extend_from_slice(typ);
    body(v)?;
    let size = u32::try_from(v.len() - start).map_err(|_| Error::Unsupported {
        detected: Some("HEIF metadata box too large"),
    })?;
    v[start..start + 4].copy_from_slice(&size.to_be_bytes());
    Ok(())
}

fn put_full(v: &mut Vec<u8>, version: u8, flags: u32) {
    v.extend_from_slice(&((u32::from(version) << 24) | (flags & 0x00FF_FFFF)).to_be_bytes());
}

/// The kept part of `meta`, ready to write except for the offsets in `fields`.
struct Rebuilt {
    bytes: Vec<u8>,
    fields: Vec<OffsetField>,
    /// Kept `iloc` entries in the order written.
    locations: Vec<Location>,
    /// Position of the `idat` payload in `bytes`, if kept.
    idat_pos: Option<usize>,
}

struct PropPlan {
    /// New 1-based index of each old property (0 = removed).
    remap: Vec<u16>,
}

fn plan_properties(m: &Meta<'_>, sel: &Selection, format: Format) -> Result<PropPlan> {
    let mut used = vec![false; m.props.len()];
    for ipma in &m.ipma {
        for (item, assocs) in &ipma.entries {
            if !sel.kept.contains(item) {
                continue;
            }
            for a in assocs {
                if a.index == 0 {
                    continue;
                }
                let i = usize::from(a.index) - 1;
                let p = m.props.get(i).ok_or_else(|| {
                    Error::malformed(
                        format,
                        Part::FourCc(*b"ipma"),
                        0,
                        "association to a missing property",
                    )
                })?;
                let allowed = !matches!(policy::heif_property(&p.head.typ), Decision::Remove(_));
                if allowed {
                    used[i] = true;
                } else if a.essential {
                    return Err(Error::Unsupported {
                        detected: Some("HEIF picture needs a property ShareSafe does not keep"),
                    });
                }
            }
        }
    }
    let mut remap = vec![0u16; m.props.len()];
    let mut next = 0u16;
    for (i, u) in used.iter().enumerate() {
        if *u {
            next += 1;
            remap[i] = next;
        }
    }
    Ok(PropPlan { remap })
}

fn rebuild_meta(m: &Meta<'_>, sel: &Selection, props: &PropPlan) -> Result<Rebuilt> {
    let mut v = Vec::new();
    let mut fields = Vec::new();
    let mut locations = Vec::new();
    let mut idat_pos = None;
    put_box(&mut v, b"meta", |v| {
        v.extend_from_slice(&m.vf);
        for c in &m.children {
            match &c.head.typ {
                b"iinf" => put_box(v, b"iinf", |v| {
                    put_full(v, m.iinf_version, m.iinf_flags);
                    let kept: Vec<&ItemInfo> = m
                        .items
                        .iter()
                        .filter(|i| sel.kept.contains(&i.id))
                        .collect();
                    if m.iinf_version == 0 {
                        let n = u16::try_from(kept.len()).map_err(|_| Error::Unsupported {
                            detected: Some("too many HEIF items"),
                        })?;
                        v.extend_from_slice(&n.to_be_bytes());
                    } else {
                        v.extend_from_slice(&(kept.len() as u32).to_be_bytes());
                    }
                    for it in kept {
                        if it.protection != 0 {
                            return Err(Error::Unsupported {
                                detected: Some("protected HEIF item"),
                            });
                        }
                        put_box(v, b"infe", |v| {
                            put_full(v, it.version, it.flags);
                            put_id(v, it.id, it.version >= 3)?;
                            v.extend_from_slice(&0u16.to_be_bytes());
                            v.extend_from_slice(&it.item_type);
                            v.push(0); // item name dropped: writers put file names there
                            Ok(())
                        })?;
                    }
                    Ok(())
                })?,
                b"iloc" => {
                    let Some(il) = &m.iloc else { continue };
                    put_box(v, b"iloc", |v| {
                        put_full(v, il.version, il.flags);
                        v.push((il.offset_size << 4) | il.length_size);
                        v.push((il.base_size << 4) | il.index_size);
                        let kept: Vec<&Location> = il
                            .items
                            .iter()
                            .filter(|l| sel.kept.contains(&l.id))
                            .collect();
                        if il.version < 2 {
                            v.extend_from_slice(&(kept.len() as u16).to_be_bytes());
                        } else {
                            v.extend_from_slice(&(kept.len() as u32).to_be_bytes());
                        }
                        for loc in kept {
                            if loc.data_ref != 0 {
                                return Err(Error::Unsupported {
                                    detected: Some("HEIF item data in another file"),
                                });
                            }
                            if loc.construction > 1 {
                                return Err(Error::Unsupported {
                                    detected: Some("HEIF item built from other items"),
                                });
                            }
                            let item = locations.len();
                            put_id(v, loc.id, il.version == 2)?;
                            if il.version >= 1 {
                                v.extend_from_slice(&u16::from(loc.construction).to_be_bytes());
                            }
                            v.extend_from_slice(&0u16.to_be_bytes());
                            if il.base_size > 0 {
                                fields.push(OffsetField {
                                    pos: v.len(),
                                    width: il.base_size,
                                    item,
                                    extent: None,
                                });
                            }
                            put_uint(v, loc.base, il.base_size)?;
                            v.extend_from_slice(&(loc.extents.len() as u16).to_be_bytes());
                            for (k, e) in loc.extents.iter().enumerate() {
                                if il.version >= 1 && il.index_size > 0 {
                                    put_uint(v, e.index, il.index_size)?;
                                }
                                if il.offset_size > 0 {
                                    fields.push(OffsetField {
                                        pos: v.len(),
                                        width: il.offset_size,
                                        item,
                                        extent: Some(k),
                                    });
                                }
                                put_uint(v, e.offset, il.offset_size)?;
                                put_uint(v, e.len, il.length_size)?;
                            }
                            locations.push(loc.clone());
                        }
                        Ok(())
                    })?;
                }
                b"iref" => {
                    let kept: Vec<&Reference> =
                        m.refs.iter().filter(|r| ref_kept(r, sel)).collect();
                    if kept.is_empty() {
                        continue;
                    }
                    put_box(v, b"iref", |v| {
                        put_full(v, m.iref_version, 0);
                        for r in kept {
                            put_box(v, &r.typ, |v| {
                                put_id(v, r.from, m.iref_version >= 1)?;
                                v.extend_from_slice(&(r.to.len() as u16).to_be_bytes());
                                for &t in &r.to {
                                    put_id(v, t, m.iref_version >= 1)?;
                                }
                                Ok(())
                            })?;
                        }
                        Ok(())
                    })?;
                }
                b"iprp" => put_box(v, b"iprp", |v| {
                    put_box(v, b"ipco", |v| {
                        for (i, p) in m.props.iter().enumerate() {
                            if props.remap[i] != 0 {
                                v.extend_from_slice(&written_property(p));
                            }
                        }
                        Ok(())
                    })?;
                    for ipma in &m.ipma {
                        put_box(v, b"ipma", |v| {
                            put_full(v, ipma.version, ipma.flags);
                            let kept: Vec<_> = ipma
                                .entries
                                .iter()
                                .filter(|(i, _)| sel.kept.contains(i))
                                .collect();
                            v.extend_from_slice(&(kept.len() as u32).to_be_bytes());
                            for (item, assocs) in kept {
                                put_id(v, *item, ipma.version >= 1)?;
                                let list: Vec<Assoc> = assocs
                                    .iter()
                                    .filter(|a| {
                                        a.index != 0 && props.remap[usize::from(a.index) - 1] != 0
                                    })
                                    .map(|a| Assoc {
                                        essential: a.essential,
                                        index: props.remap[usize::from(a.index) - 1],
                                    })
                                    .collect();
                                v.push(list.len() as u8);
                                for a in list {
                                    if ipma.flags & 1 == 1 {
                                        v.extend_from_slice(
                                            &(a.index | if a.essential { 0x8000 } else { 0 })
                                                .to_be_bytes(),
                                        );
                                    } else {
                                        let x = u8::try_from(a.index).map_err(|_| {
                                            Error::Unsupported {
                                                detected: Some("HEIF property index"),
                                            }
                                        })?;
                                        v.push(x | if a.essential { 0x80 } else { 0 });
                                    }
                                }
                            }
                            Ok(())
                        })?;
                    }
                    Ok(())
                })?,
                b"grpl" => {
                    let kept: Vec<&Group> =
                        m.groups.iter().filter(|g| group_kept(g, sel)).collect();
                    if kept.is_empty() {
                        continue;
                    }
                    put_box(v, b"grpl", |v| {
                        for g in kept {
                            v.extend_from_slice(g.bytes);
                        }
                        Ok(())
                    })?;
                }
                b"idat" => {
                    let Some((_, data)) = m.idat else { continue };
                    let hl = usize::try_from(c.head.header_len).unwrap_or(8);
                    v.extend_from_slice(&c.bytes[..hl]);
                    idat_pos = Some(v.len());
                    v.extend_from_slice(data); // uncovered bytes zeroed by the caller
                }
                _ => {
                    if keep_meta_child(c) {
                        v.extend_from_slice(c.bytes);
                    }
                }
            }
        }
        Ok(())
    })?;
    Ok(Rebuilt {
        bytes: v,
        fields,
        locations,
        idat_pos,
    })
}

/// Whether a verbatim `meta` child is kept: by the policy, and for `dinf` only when every data
/// reference is "this file" (flag 1, no URL or URN text).
fn keep_meta_child(c: &Child<'_>) -> bool {
    matches!(policy::heif_meta_child(&c.head.typ), Decision::Keep(_))
        && (&c.head.typ != b"dinf" || dinf_self_contained(c))
}

fn dinf_self_contained(c: &Child<'_>) -> bool {
    let hl = usize::try_from(c.head.header_len).unwrap_or(8);
    let Some(body) = c.bytes.get(hl..) else {
        return false;
    };
    let mut b = Bytes::new(body, c.head.at, Format::Heif, c.head.part());
    let mut check = || -> Result<bool> {
        let (dref, mut d) = b.next_box()?;
        if &dref.typ != b"dref" || !b.is_empty() {
            return Ok(false);
        }
        full_box(&mut d)?;
        let n = d.u32()?;
        for _ in 0..n {
            let (e, mut p) = d.next_box()?;
            let (_, flags) = full_box(&mut p)?;
            if !matches!(&e.typ, b"url " | b"urn ") || flags & 1 == 0 || !p.is_empty() {
                return Ok(false);
            }
        }
        Ok(d.is_empty())
    };
    check().unwrap_or(false)
}

fn rebuilt_has(fields: &[OffsetField], item: usize, extent: Option<usize>) -> bool {
    fields.iter().any(|f| f.item == item && f.extent == extent)
}

fn ref_kept(r: &Reference, sel: &Selection) -> bool {
    policy::heif_reference(&r.typ)
        && sel.kept.contains(&r.from)
        && r.to.iter().all(|t| sel.kept.contains(t))
}

fn group_kept(g: &Group<'_>, sel: &Selection) -> bool {
    !g.entities.is_empty() && g.entities.iter().all(|e| sel.kept.contains(e))
}

/// Digest of what a decoder needs, for the kept items of `m`: primary, items (type, hidden flag,
/// properties, extent digests), references and groups. `extent_digests` holds, per kept location
/// (in `locations` order), the digest and length of each extent.
fn meta_digest(
    ftyp: &[u8],
    m: &Meta<'_>,
    sel: &Selection,
    locations: &[Location],
    extent_digests: &[Vec<(u64, u64)>],
) -> u64 {
    let mut d = ImageDigest::default();
    d.update(ftyp);
    d.update(&m.primary.unwrap_or(0).to_be_bytes());
    let mut items: Vec<&ItemInfo> = m
        .items
        .iter()
        .filter(|i| sel.kept.contains(&i.id))
        .collect();
    items.sort_by_key(|i| i.id);
    for it in items {
        d.boundary(it.id);
        d.update(&it.item_type);
        d.update(&[u8::from(it.hidden)]);
        for ipma in &m.ipma {
            for (i, assocs) in &ipma.entries {
                if *i != it.id {
                    continue;
                }
                for a in assocs {
                    let Some(p) = usize::from(a.index)
                        .checked_sub(1)
                        .and_then(|k| m.props.get(k))
                    else {
                        continue;
                    };
                    if matches!(policy::heif_property(&p.head.typ), Decision::Remove(_)) {
                        continue;
                    }
                    d.update(&[u8::from(a.essential)]);
                    d.update(&written_property(p));
                }
            }
        }
        if let Some(k) = locations.iter().position(|l| l.id == it.id) {
            d.update(&[locations[k].construction]);
            for (digest, len) in &extent_digests[k] {
                d.update(&len.to_be_bytes());
                d.update(&digest.to_be_bytes());
            }
        }
    }
    for r in m.refs.iter().filter(|r| ref_kept(r, sel)) {
        d.update(&r.typ);
        d.update(&r.from.to_be_bytes());
        for t in &r.to {
            d.update(&t.to_be_bytes());
        }
    }
    for g in m.groups.iter().filter(|g| group_kept(g, sel)) {
        d.update(g.bytes);
    }
    d.finish()
}

fn read_at<R: Read + Seek>(
    input: &mut R,
    at: u64,
    buf: &mut [u8],
    format: Format,
    part: Part,
) -> Result<()> {
    input
        .seek(SeekFrom::Start(at))
        .map_err(|e| Error::io("read input", e))?;
    input.read_exact(buf).map_err(|e| {
        if e.kind() == std::io::ErrorKind::UnexpectedEof {
            Error::malformed(format, part, at, "file ends early")
        } else {
            Error::io("read input", e)
        }
    })
}

fn read_box_bytes<R: Read + Seek>(
    input: &mut R,
    start: u64,
    h: &BoxHead,
    max: u64,
    limit: &'static str,
    format: Format,
) -> Result<Vec<u8>> {
    if h.size > max {
        return Err(Error::limit(format, limit, h.part(), h.at));
    }
    // size <= max <= u32::MAX
    let mut v = vec![0u8; h.size as usize];
    read_at(input, start + h.at, &mut v, format, h.part())?;
    Ok(v)
}

/// Brands that promise an image-sequence track (`moov`); decoders refuse a file that claims one
/// and has none.
const SEQUENCE_BRANDS: [&[u8; 4]; 5] = [b"msf1", b"hevc", b"hevx", b"avis", b"heis"];

/// Brands that promise a still image, one of which the major brand must become when a sequence
/// brand is dropped.
const STILL_BRANDS: [&[u8; 4]; 6] = [b"heic", b"heix", b"mif1", b"mif2", b"avif", b"heim"];

/// The `ftyp` without image-sequence brands, for when the sequence track is removed. The major
/// brand becomes the first remaining still-image brand; an `ftyp` left with none (the file would
/// then read as a plain MP4) is refused.
fn drop_sequence_brands(ftyp: &[u8], head: &BoxHead, format: Format) -> Result<Vec<u8>> {
    let fail_with = |reason| Error::malformed(format, Part::FourCc(*b"ftyp"), head.at, reason);
    let fail = || fail_with("file type box malformed");
    let hl = head.header_len as usize;
    let body = ftyp.get(hl..).ok_or_else(fail)?;
    if body.len() < 8 || (body.len() - 8) % 4 != 0 {
        return Err(fail());
    }
    let is_seq = |b: &[u8]| SEQUENCE_BRANDS.iter().any(|s| s[..] == *b);
    let compat: Vec<&[u8]> = body[8..].chunks(4).filter(|b| !is_seq(b)).collect();
    let is_still = |b: &[u8]| STILL_BRANDS.iter().any(|s| s[..] == *b);
    let no_still = || fail_with("file type box names no still-image brand");
    let major: &[u8] = if is_seq(&body[..4]) {
        compat
            .iter()
            .copied()
            .find(|b| is_still(b))
            .ok_or_else(no_still)?
    } else {
        &body[..4]
    };
    let mut v = Vec::with_capacity(ftyp.len());
    put_box(&mut v, b"ftyp", |v| {
        v.extend_from_slice(major);
        v.extend_from_slice(&body[4..8]);
        for b in &compat {
            v.extend_from_slice(b);
        }
        Ok(())
    })?;
    // The rewritten box must still say what the file is, or the clean would change its format.
    if crate::format::sniff(&v) != Some(format) {
        return Err(no_still());
    }
    Ok(v)
}

fn top_label(t: &[u8; 4]) -> &'static str {
    match t {
        b"ftyp" => "file type",
        b"meta" => "item directory (rebuilt)",
        b"mdat" => "media data",
        b"mpvd" => "motion-photo video",
        b"moov" => "image sequence track",
        b"free" | b"skip" => "padding",
        b"uuid" => "vendor box (often XMP)",
        _ => "box",
    }
}

fn meta_child_label(t: &[u8; 4]) -> &'static str {
    match t {
        b"hdlr" => "handler",
        b"pitm" => "primary item",
        b"dinf" => "data information",
        b"iinf" => "item list (rebuilt)",
        b"iloc" => "item locations (rebuilt)",
        b"iref" => "item references (rebuilt)",
        b"iprp" => "item properties (rebuilt)",
        b"idat" => "item data (unused bytes zeroed)",
        b"grpl" => "groups (rebuilt)",
        b"xml " | b"bxml" => "XML metadata",
        _ => "box",
    }
}

fn prop_label(t: &[u8; 4]) -> &'static str {
    match t {
        b"hvcC" | b"av1C" | b"avcC" | b"vvcC" => "codec configuration",
        b"ispe" => "picture size",
        b"colr" => "colour (may hold ICC)",
        b"pixi" => "bit depth",
        b"irot" => "rotation",
        b"imir" => "mirroring",
        b"clap" => "crop",
        b"auxC" => "auxiliary picture type",
        b"udes" => "user description (text)",
        _ => "item property",
    }
}

/// Cleans a HEIF/AVIF file (`len` bytes from `start` in `input`).
pub(crate) fn clean<R: Read + Seek, W: Write + Seek>(
    input: &mut R,
    start: u64,
    len: u64,
    out: &mut Sink<W>,
    ctx: &mut Ctx<'_>,
) -> Result<Cleaned> {
    let format = ctx.format;
    // Pass 1: the top-level boxes, headers only.
    let mut tops: Vec<BoxHead> = Vec::new();
    let mut trailer: Option<(u64, u64)> = None;
    let mut pos = 0u64;
    while pos < len {
        if len - pos < 8 {
            trailer = Some((pos, len - pos));
            break;
        }
        let mut first = [0u8; 8];
        read_at(input, start + pos, &mut first, format, Part::Header)?;
        let typ = [first[4], first[5], first[6], first[7]];
        let head = decode_head(
            format,
            pos,
            first,
            || {
                let mut b = [0u8; 8];
                read_at(input, start + pos + 8, &mut b, format, Part::FourCc(typ))?;
                Ok(b)
            },
            Some(len),
        );
        let head = match head {
            Ok(h) => h,
            // Not a box we can frame and not one we need: whatever it is, it is not copied.
            Err(_) if super::unframed_is_trailer(&typ, !tops.is_empty()) => {
                trailer = Some((pos, len - pos));
                break;
            }
            Err(e) => return Err(e),
        };
        ctx.next_part(head.part(), head.at)?;
        if tops.is_empty() && &head.typ != b"ftyp" {
            return Err(Error::malformed(
                format,
                head.part(),
                0,
                "ftyp is not the first box",
            ));
        }
        pos = head.end();
        tops.push(head);
    }
    let metas: Vec<&BoxHead> = tops.iter().filter(|h| &h.typ == b"meta").collect();
    let meta_head = match metas.as_slice() {
        [one] => **one,
        [] => {
            return Err(Error::malformed(
                format,
                Part::FourCc(*b"meta"),
                0,
                "no meta box",
            ))
        }
        _ => {
            return Err(Error::malformed(
                format,
                Part::FourCc(*b"meta"),
                metas[1].at,
                "more than one meta box",
            ))
        }
    };
    let mut ftyp = read_box_bytes(
        input,
        start,
        &tops[0],
        MAX_FTYP,
        "max_metadata_bytes",
        format,
    )?;
    if tops.iter().any(|h| &h.typ == b"moov") {
        ftyp = drop_sequence_brands(&ftyp, &tops[0], format)?;
    }
    let meta_bytes = read_box_bytes(
        input,
        start,
        &meta_head,
        u64::from(ctx.limits.max_metadata_bytes),
        "max_metadata_bytes",
        format,
    )?;
    let hl = meta_head.header_len as usize;
    let m = parse_meta(
        &meta_bytes[hl..],
        meta_head.at + meta_head.header_len,
        format,
        ctx,
    )?;
    let sel = select(&m, format)?;
    let plan = plan_properties(&m, &sel, format)?;
    let mut rebuilt = rebuild_meta(&m, &sel, &plan)?;

    // Where every kept byte is: extents in input coordinates (file, or idat payload).
    let mdats: Vec<BoxHead> = tops.iter().filter(|h| &h.typ == b"mdat").copied().collect();
    let mut file_extents = Vec::new();
    let mut idat_extents = Vec::new();
    let mut lens = Vec::new();
    let mut slot_of: Vec<Vec<usize>> = Vec::new();
    let mut mdat_of: Vec<Vec<Option<usize>>> = Vec::new();
    let idat_len = m.idat.map_or(0, |(_, d)| d.len() as u64);
    for loc in &rebuilt.locations {
        let mut slots = Vec::new();
        let mut which = Vec::new();
        for e in &loc.extents {
            let fail =
                |reason| Error::malformed(format, Part::FourCc(*b"iloc"), meta_head.at, reason);
            if e.len == 0 {
                return Err(Error::Unsupported {
                    detected: Some("HEIF extent of unspecified length"),
                });
            }
            let abs = loc
                .base
                .checked_add(e.offset)
                .ok_or_else(|| fail("iloc offset overflows"))?;
            let end = abs
                .checked_add(e.len)
                .ok_or_else(|| fail("iloc length overflows"))?;
            let slot = lens.len();
            lens.push(e.len);
            slots.push(slot);
            if loc.construction == 1 {
                if end > idat_len {
                    return Err(fail("item data outside idat"));
                }
                idat_extents.push(Extent {
                    start: abs,
                    len: e.len,
                    slot,
                });
                which.push(None);
            } else {
                let k = mdats
                    .iter()
                    .position(|h| abs >= h.at + h.header_len && end <= h.end())
                    .ok_or_else(|| fail("item data outside the media data"))?;
                file_extents.push(Extent {
                    start: abs,
                    len: e.len,
                    slot,
                });
                which.push(Some(k));
            }
        }
        slot_of.push(slots);
        mdat_of.push(which);
    }
    let slots = lens.len();

    // Output layout: ftyp, meta, then each mdat holding kept bytes.
    let mut out_pos = ftyp.len() as u64 + rebuilt.bytes.len() as u64;
    let mut new_start: Vec<Option<u64>> = vec![None; mdats.len()];
    for (k, h) in mdats.iter().enumerate() {
        if mdat_of.iter().flatten().any(|w| *w == Some(k)) {
            new_start[k] = Some(out_pos);
            out_pos += h.size;
        }
    }
    // New offsets: move the base when every extent of an item moves alike, else each extent.
    for (i, loc) in rebuilt.locations.iter().enumerate() {
        let deltas: Vec<i128> = mdat_of[i]
            .iter()
            .map(|w| match w {
                Some(k) => new_start[*k].map_or(0, |n| i128::from(n) - i128::from(mdats[*k].at)),
                None => 0,
            })
            .collect();
        let Some(&first) = deltas.first() else {
            continue;
        };
        let same = deltas.iter().all(|d| *d == first);
        let (base_delta, extent_deltas) = if same && rebuilt_has(&rebuilt.fields, i, None) {
            (first, vec![0; deltas.len()])
        } else {
            (0, deltas)
        };
        let field_value = |f: &OffsetField| -> Result<u64> {
            let v = match f.extent {
                None => i128::from(loc.base) + base_delta,
                Some(k) => i128::from(loc.extents[k].offset) + extent_deltas[k],
            };
            u64::try_from(v).map_err(|_| Error::Unsupported {
                detected: Some("HEIF offset out of range"),
            })
        };
        for (k, d) in extent_deltas.iter().enumerate() {
            if *d != 0 && !rebuilt_has(&rebuilt.fields, i, Some(k)) {
                return Err(Error::Unsupported {
                    detected: Some("HEIF item offsets cannot be rewritten"),
                });
            }
        }
        for f in rebuilt.fields.iter().filter(|f| f.item == i) {
            let mut tmp = Vec::new();
            put_uint(&mut tmp, field_value(f)?, f.width)?;
            rebuilt.bytes[f.pos..f.pos + tmp.len()].copy_from_slice(&tmp);
        }
    }

    // idat: zero what no kept item uses, digest the rest.
    let mut idat_router = Router::new(idat_extents, slots);
    if let Some(p) = rebuilt.idat_pos {
        let n = idat_len as usize;
        let chunk = &mut rebuilt.bytes[p..p + n];
        idat_router.feed(0, chunk);
        idat_router.zero_uncovered(0, chunk);
    }

    // Pass 2: write.
    out.write_all(&ftyp)?;
    out.write_all(&rebuilt.bytes)?;
    let mut router = Router::new(file_extents, slots);
    let mut buf = vec![0u8; COPY_BUF];
    for (k, h) in mdats.iter().enumerate() {
        if new_start[k].is_none() {
            continue;
        }
        // Written with its explicit size: a size-0 ("to the end") mdat may not be last any more.
        super::write_head(out, b"mdat", h.size, h.header_len)?;
        let mut p = h.at + h.header_len;
        input
            .seek(SeekFrom::Start(start + p))
            .map_err(|e| Error::io("read input", e))?;
        let mut since = 0u64;
        while p < h.end() {
            let n = (h.end() - p).min(COPY_BUF as u64) as usize;
            input.read_exact(&mut buf[..n]).map_err(|e| {
                if e.kind() == std::io::ErrorKind::UnexpectedEof {
                    Error::malformed(format, h.part(), p, "file ends early")
                } else {
                    Error::io("read input", e)
                }
            })?;
            router.feed(p, &buf[..n]);
            router.zero_uncovered(p, &mut buf[..n]);
            out.write_all(&buf[..n])?;
            p += n as u64;
            since += n as u64;
            if since >= 1 << 20 {
                ctx.check_cancel()?;
                since = 0;
            }
        }
    }
    let file_d = router.finish();
    let idat_d = idat_router.finish();
    let extent_digests: Vec<Vec<(u64, u64)>> = rebuilt
        .locations
        .iter()
        .enumerate()
        .map(|(i, loc)| {
            slot_of[i]
                .iter()
                .map(|&s| {
                    let d = if loc.construction == 1 {
                        idat_d[s]
                    } else {
                        file_d[s]
                    };
                    (d, lens[s])
                })
                .collect()
        })
        .collect();
    let digest = meta_digest(&ftyp, &m, &sel, &rebuilt.locations, &extent_digests);

    // The report: every top-level box, every meta child, item, property and reference.
    let mut parts = Vec::new();
    for h in &tops {
        let decision = policy::heif_top_level(&h.typ);
        let (kind, action) = match decision {
            Decision::Keep(k) => (k, Action::Kept),
            Decision::Rewrite(k) if &h.typ == b"mdat" => {
                let k_idx = mdats.iter().position(|x| x.at == h.at);
                if k_idx.and_then(|i| new_start[i]).is_some() {
                    (k, Action::Rewritten)
                } else {
                    (PartKind::Unknown, Action::Removed)
                }
            }
            Decision::Rewrite(k) => (k, Action::Rewritten),
            Decision::Remove(k) => (k, Action::Removed),
        };
        parts.push(PartInfo {
            part: h.part(),
            label: top_label(&h.typ),
            offset: h.at,
            length: h.size,
            kind,
            action,
        });
        if &h.typ != b"meta" {
            continue;
        }
        for c in &m.children {
            let (kind, action) = match policy::heif_meta_child(&c.head.typ) {
                Decision::Keep(_) if !keep_meta_child(c) => (PartKind::Unknown, Action::Removed),
                Decision::Keep(k) => (k, Action::Kept),
                Decision::Rewrite(k) => (k, Action::Rewritten),
                Decision::Remove(k) => (k, Action::Removed),
            };
            parts.push(PartInfo {
                part: c.head.part(),
                label: meta_child_label(&c.head.typ),
                offset: c.head.at,
                length: c.head.size,
                kind,
                action,
            });
        }
        for it in &m.items {
            let role = sel
                .roles
                .get(&it.id)
                .copied()
                .unwrap_or(Role::Metadata(PartKind::Unknown));
            let kept = sel.kept.contains(&it.id);
            let kind = match role {
                Role::Picture => PartKind::ImageData,
                Role::Thumbnail => PartKind::Thumbnail,
                Role::HiddenPicture => PartKind::MultiPicture,
                Role::Metadata(k) => k,
            };
            let loc = m
                .iloc
                .as_ref()
                .and_then(|il| il.items.iter().find(|l| l.id == it.id));
            let (offset, length) = match loc {
                Some(l) if !l.extents.is_empty() => {
                    let o = l.base.saturating_add(l.extents[0].offset);
                    let o = if l.construction == 1 {
                        m.idat.map_or(o, |(b, _)| b.saturating_add(o))
                    } else {
                        o
                    };
                    (
                        o,
                        l.extents.iter().fold(0u64, |a, e| a.saturating_add(e.len)),
                    )
                }
                _ => (it.at, it.size),
            };
            parts.push(PartInfo {
                part: Part::FourCc(it.item_type),
                label: item_label(role, &it.item_type),
                offset,
                length,
                kind,
                action: if kept { Action::Kept } else { Action::Removed },
            });
        }
        for (i, p) in m.props.iter().enumerate() {
            let kind = match policy::heif_property(&p.head.typ) {
                Decision::Keep(k) | Decision::Rewrite(k) | Decision::Remove(k) => k,
            };
            let kind = if &p.head.typ == b"auxC" && plan.remap[i] == 0 {
                PartKind::MultiPicture
            } else {
                kind
            };
            parts.push(PartInfo {
                part: p.head.part(),
                label: prop_label(&p.head.typ),
                offset: p.head.at,
                length: p.head.size,
                kind,
                action: if plan.remap[i] != 0 {
                    Action::Kept
                } else {
                    Action::Removed
                },
            });
        }
        for r in &m.refs {
            let kept = ref_kept(r, &sel);
            parts.push(PartInfo {
                part: Part::FourCc(r.typ),
                label: if kept {
                    "item reference"
                } else {
                    "reference of a removed item"
                },
                offset: r.at,
                length: r.size,
                kind: PartKind::Structure,
                action: if kept { Action::Kept } else { Action::Removed },
            });
        }
        for g in &m.groups {
            let kept = group_kept(g, &sel);
            parts.push(PartInfo {
                part: g.head.part(),
                label: "item group",
                offset: g.head.at,
                length: g.head.size,
                kind: PartKind::Structure,
                action: if kept { Action::Kept } else { Action::Removed },
            });
        }
    }
    if let Some((at, n)) = trailer {
        parts.push(PartInfo {
            part: Part::Trailer,
            label: "data after the last box",
            offset: at,
            length: n,
            kind: PartKind::Trailer,
            action: Action::Removed,
        });
    }
    Ok(Cleaned {
        parts,
        digest,
        orientation: None,
    })
}

/// Independent check of a cleaned HEIF/AVIF: `ftyp`, then `meta` holding only pictures, allowed
/// properties and references, no item names, then only `mdat`s whose every byte outside a kept
/// extent is zero; every extent inside the file.
pub(crate) fn verify<R: Read>(src: &mut Source<R>, ctx: &mut Ctx<'_>) -> Result<Verified> {
    let format = ctx.format;
    let bad = |reason| Error::VerificationFailed { format, reason };
    let ftyp_head = super::read_head(src, None)?;
    if &ftyp_head.typ != b"ftyp" || ftyp_head.size > MAX_FTYP {
        return Err(bad("ftyp is not the first box"));
    }
    let mut ftyp = Vec::new();
    let mut hdr = [0u8; 8];
    hdr[..4].copy_from_slice(&(ftyp_head.size as u32).to_be_bytes());
    hdr[4..].copy_from_slice(b"ftyp");
    if ftyp_head.header_len != 8 {
        return Err(bad("ftyp with a 64-bit size"));
    }
    ftyp.extend_from_slice(&hdr);
    ftyp.extend(src.read_vec(
        ftyp_head.payload_len(),
        MAX_FTYP as u32,
        "max_metadata_bytes",
        ftyp_head.part(),
    )?);
    let meta_head = super::read_head(src, None)?;
    if &meta_head.typ != b"meta" {
        return Err(bad("meta does not follow ftyp"));
    }
    let meta_bytes = src.read_vec(
        meta_head.payload_len(),
        ctx.limits.max_metadata_bytes,
        "max_metadata_bytes",
        meta_head.part(),
    )?;
    let m = parse_meta(
        &meta_bytes,
        meta_head.at + meta_head.header_len,
        format,
        ctx,
    )?;
    for c in &m.children {
        let verbatim = matches!(policy::heif_meta_child(&c.head.typ), Decision::Keep(_));
        if matches!(policy::heif_meta_child(&c.head.typ), Decision::Remove(_))
            || (verbatim && !keep_meta_child(c))
        {
            return Err(bad("meta box outside the allowlist"));
        }
    }
    let kept: HashSet<u32> = m.items.iter().map(|i| i.id).collect();
    // Every item of the output counts as kept: the checks below say whether it may be there.
    let sel = Selection {
        kept,
        roles: HashMap::new(),
    };
    for it in &m.items {
        if !matches!(
            policy::heif_item(&it.item_type, &it.content_type),
            Decision::Keep(_)
        ) {
            return Err(bad("metadata item left in the output"));
        }
        if !it.name_empty || it.protection != 0 {
            return Err(bad("item name left in the output"));
        }
    }
    for r in &m.refs {
        if !policy::heif_reference(&r.typ) {
            return Err(bad("item reference outside the allowlist"));
        }
        if &r.typ == b"auxl" {
            match aux_type(&m, r.from).map(policy::heif_auxiliary) {
                Some(Decision::Keep(_)) => {}
                _ => return Err(bad("hidden picture left in the output")),
            }
        }
    }
    for p in &m.props {
        if matches!(policy::heif_property(&p.head.typ), Decision::Remove(_)) {
            return Err(bad("item property outside the allowlist"));
        }
        if let Some(profile) = colr_profile(p) {
            if !crate::icc::is_blank_or_sanitized(profile) {
                return Err(bad("ICC profile still carries text"));
            }
        }
    }
    let primary = m.primary.ok_or(bad("no primary item"))?;
    if !sel.kept.contains(&primary) {
        return Err(bad("primary item missing"));
    }
    check_derivation_loops(&m, format)?;
    let locations: Vec<Location> = m.iloc.as_ref().map(|l| l.items.clone()).unwrap_or_default();
    let mut lens = Vec::new();
    let mut file_extents = Vec::new();
    let mut idat_extents = Vec::new();
    let mut slot_of = Vec::new();
    for loc in &locations {
        if loc.data_ref != 0 || loc.construction > 1 {
            return Err(bad("item data not in this file"));
        }
        let mut slots = Vec::new();
        for e in &loc.extents {
            let abs = loc
                .base
                .checked_add(e.offset)
                .ok_or(bad("iloc offset overflows"))?;
            abs.checked_add(e.len).ok_or(bad("iloc length overflows"))?;
            let slot = lens.len();
            lens.push(e.len);
            slots.push(slot);
            let x = Extent {
                start: abs,
                len: e.len,
                slot,
            };
            if loc.construction == 1 {
                idat_extents.push(x);
            } else {
                file_extents.push(x);
            }
        }
        slot_of.push(slots);
    }
    let slots = lens.len();
    let mut idat_router = Router::new(idat_extents, slots);
    if let Some((_, data)) = m.idat {
        idat_router.feed(0, data);
        if idat_router.uncovered_nonzero(0, data) {
            return Err(bad("unused item data left in idat"));
        }
    }
    let mut router = Router::new(file_extents, slots);
    while !src.at_eof()? {
        let h = super::read_head(src, None)?;
        ctx.next_part(h.part(), h.at)?;
        if &h.typ != b"mdat" {
            return Err(bad("box outside the allowlist"));
        }
        let mut p = h.at + h.header_len;
        let mut nonzero = false;
        src.copy_observed::<std::io::Sink>(
            h.payload_len(),
            None,
            &mut |c| {
                router.feed(p, c);
                nonzero |= router.uncovered_nonzero(p, c);
                p += c.len() as u64;
            },
            h.part(),
            ctx,
        )?;
        if nonzero {
            return Err(bad("unused bytes left in media data"));
        }
    }
    let file_d = router.finish();
    let idat_d = idat_router.finish();
    let extent_digests: Vec<Vec<(u64, u64)>> = locations
        .iter()
        .enumerate()
        .map(|(i, loc)| {
            slot_of[i]
                .iter()
                .map(|&s| {
                    (
                        if loc.construction == 1 {
                            idat_d[s]
                        } else {
                            file_d[s]
                        },
                        lens[s],
                    )
                })
                .collect()
        })
        .collect();
    let file_complete = {
        let mut l = lens.clone();
        for (i, loc) in locations.iter().enumerate() {
            if loc.construction == 1 {
                for &s in &slot_of[i] {
                    l[s] = 0;
                }
            }
        }
        router.complete(&l)
    };
    let idat_complete = {
        let mut l = lens.clone();
        for (i, loc) in locations.iter().enumerate() {
            if loc.construction != 1 {
                for &s in &slot_of[i] {
                    l[s] = 0;
                }
            }
        }
        idat_router.complete(&l)
    };
    if !(file_complete && idat_complete) {
        return Err(bad("item data outside the file"));
    }

    Ok(Verified {
        digest: meta_digest(&ftyp, &m, &sel, &locations, &extent_digests),
        orientation: None,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sequence_brands_leave_ftyp_with_a_still_major_brand() {
        let ftyp = b"\0\0\0\x1cftypmsf1\0\0\0\0msf1heicmif1";
        let head = BoxHead {
            at: 0,
            typ: *b"ftyp",
            header_len: 8,
            size: ftyp.len() as u64,
        };
        let out = drop_sequence_brands(ftyp, &head, Format::Heif).expect("valid ftyp");
        assert_eq!(out, b"\0\0\0\x18ftypheic\0\0\0\0heicmif1");
        // only sequence brands: nothing to fall back on
        let only = b"\0\0\0\x14ftypmsf1\0\0\0\0msf1";
        let head = BoxHead {
            size: only.len() as u64,
            ..head
        };
        assert!(drop_sequence_brands(only, &head, Format::Heif).is_err());
        // Regression (fuzz crash fcd750f4, clean_then_verify): sequence brands and `iso8` only.
        // Taking `iso8` as the major brand turned the HEIF into what reads as a plain MP4.
        let iso = b"\0\0\0\x24ftypmsf1\0\0\0\0hevchevcavisheisiso8";
        let head = BoxHead {
            size: iso.len() as u64,
            ..head
        };
        assert!(drop_sequence_brands(iso, &head, Format::Heif).is_err());
    }

    #[test]
    fn offsets_are_written_in_their_field_width() {
        let mut v = Vec::new();
        put_uint(&mut v, 0x1234, 4).expect("fits");
        put_uint(&mut v, 7, 8).expect("fits");
        assert_eq!(v, [0, 0, 0x12, 0x34, 0, 0, 0, 0, 0, 0, 0, 7]);
        assert!(put_uint(&mut v, 1 << 32, 4).is_err());
        assert!(put_uint(&mut v, 1, 0).is_err());
        assert!(put_uint(&mut v, 0, 0).is_ok());
    }
}
