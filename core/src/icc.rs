//! Why this exists: an ICC colour profile is needed to show a photo's colours, so ShareSafe keeps
//! it — but its text tags (description, copyright, device descriptions, viewing conditions, the
//! v4 metadata dictionary) are free text that can name people: macOS screenshots embed the
//! display's profile, which users name ("Lisa's MacBook"), and editors write copyright owners.
//! This module blanks the *text* of those tags in place, keeping every length, offset and colour
//! tag byte for byte, so the colour transform — and so the picture — is exactly the same.

/// Tag types whose content is descriptive text (never colour data).
const TEXT_TYPES: [&[u8; 4]; 4] = [b"desc", b"text", b"mluc", b"dict"];
/// Header bytes 84..100: the profile ID, an MD5 over the profile; zero means "not computed",
/// which is what it must be once the text is blanked.
const PROFILE_ID: std::ops::Range<usize> = 84..100;
const HEADER_LEN: usize = 128;

/// Why a profile could not be read.
pub type IccError = &'static str;

fn be32(p: &[u8], at: usize) -> Option<usize> {
    let b: [u8; 4] = p.get(at..at.checked_add(4)?)?.try_into().ok()?;
    usize::try_from(u32::from_be_bytes(b)).ok()
}

/// A tag's data range inside the profile, with its type signature.
type TextTag = (std::ops::Range<usize>, [u8; 4]);

/// Every text-typed tag of the profile.
fn text_tags(p: &[u8]) -> Result<Vec<TextTag>, IccError> {
    if p.len() < HEADER_LEN + 4 || &p[36..40] != b"acsp" {
        return Err("not an ICC profile");
    }
    let count = be32(p, HEADER_LEN).ok_or("ICC tag table truncated")?;
    let table_end = count
        .checked_mul(12)
        .and_then(|n| n.checked_add(HEADER_LEN + 4))
        .filter(|&e| e <= p.len())
        .ok_or("ICC tag table runs past the profile")?;
    let mut out = Vec::new();
    for entry in (HEADER_LEN + 4..table_end).step_by(12) {
        let offset = be32(p, entry + 4).ok_or("ICC tag entry truncated")?;
        let size = be32(p, entry + 8).ok_or("ICC tag entry truncated")?;
        let end = offset
            .checked_add(size)
            .filter(|&e| e <= p.len())
            .ok_or("ICC tag runs past the profile")?;
        if size < 8 {
            continue;
        }
        let ty: [u8; 4] = p[offset..offset + 4]
            .try_into()
            .map_err(|_| "ICC tag truncated")?;
        if TEXT_TYPES.contains(&&ty) {
            out.push((offset..end, ty));
        }
    }
    Ok(out)
}

/// The byte ranges holding text inside one text-typed tag (`tag` = the tag's whole data).
/// Lengths and structure stay; only characters are blanked. Anything that does not parse as
/// its type is blanked whole after the 8-byte type header.
// A list of one byte range is meant here (the ranges to blank), not a range of numbers.
#[allow(clippy::single_range_in_vec_init)]
fn text_ranges(tag: &[u8], ty: &[u8; 4]) -> Vec<std::ops::Range<usize>> {
    let whole = || vec![8.min(tag.len())..tag.len()];
    match ty {
        b"text" => whole(),
        b"dict" => whole(), // count 0 afterwards: an empty dictionary
        b"desc" => {
            // ASCII count + chars, Unicode language + count + UTF-16 chars, ScriptCode 67 bytes.
            let Some(n) = be32(tag, 8) else {
                return whole();
            };
            let Some(ascii_end) = 12usize.checked_add(n).filter(|&e| e <= tag.len()) else {
                return whole();
            };
            let mut r = vec![12..ascii_end];
            if let Some(u) = be32(tag, ascii_end + 4) {
                let start = ascii_end + 8;
                if let Some(uend) = u
                    .checked_mul(2)
                    .and_then(|b| b.checked_add(start))
                    .filter(|&e| e <= tag.len())
                {
                    r.push(start..uend);
                    // ScriptCode code (2) + count (1) + 67 bytes of Mac text.
                    let mac = uend + 3;
                    if mac <= tag.len() {
                        r.push(mac..tag.len().min(mac + 67));
                    }
                    return r;
                }
            }
            r.push(ascii_end..tag.len());
            r
        }
        b"mluc" => {
            let (Some(n), Some(rec)) = (be32(tag, 8), be32(tag, 12)) else {
                return whole();
            };
            if rec < 12 {
                return whole();
            }
            let mut r = Vec::new();
            for i in 0..n {
                let Some(at) = i.checked_mul(rec).and_then(|x| x.checked_add(16)) else {
                    return whole();
                };
                let (Some(len), Some(off)) = (be32(tag, at + 4), be32(tag, at + 8)) else {
                    return whole();
                };
                match off.checked_add(len).filter(|&e| e <= tag.len()) {
                    Some(end) => r.push(off..end),
                    None => return whole(),
                }
            }
            r
        }
        _ => Vec::new(),
    }
}

/// Passes of [`sanitize_once`] before a profile that keeps changing is given up on.
const MAX_SANITIZE_PASSES: usize = 4;

/// Blanks every text tag's characters and the profile ID, in place. Returns whether anything
/// changed (an already clean profile is left byte for byte).
///
/// One pass is not always enough: in a crafted profile one tag's text may overlap another tag's
/// structure (a length, the tag table), so blanking it changes what the next reading finds. The
/// passes repeat until one changes nothing, which is what verification checks; a profile still
/// changing after `MAX_SANITIZE_PASSES` (4) is unreadable (callers then drop or blank it).
pub fn sanitize_profile(profile: &mut [u8]) -> Result<bool, IccError> {
    let mut changed = false;
    for _ in 0..MAX_SANITIZE_PASSES {
        if !sanitize_once(profile)? {
            return Ok(changed);
        }
        changed = true;
    }
    Err("ICC profile's text overlaps its structure")
}

/// One pass of [`sanitize_profile`]: returns whether it changed anything.
fn sanitize_once(profile: &mut [u8]) -> Result<bool, IccError> {
    let mut changed = false;
    for (range, ty) in text_tags(profile)? {
        let start = range.start;
        for r in text_ranges(&profile[range], &ty) {
            for b in &mut profile[start + r.start..start + r.end] {
                changed |= *b != 0;
                *b = 0;
            }
        }
    }
    for b in &mut profile[PROFILE_ID] {
        changed |= *b != 0;
        *b = 0;
    }
    Ok(changed)
}

/// Like [`sanitize_profile`], but a profile that cannot be read is zeroed whole (same length):
/// decoders ignore an unreadable profile, and unread bytes could carry anything. For containers
/// where dropping the profile would mean rebuilding references to it (HEIF `colr`).
pub fn sanitize_or_blank(profile: &mut [u8]) -> bool {
    match sanitize_profile(profile) {
        Ok(changed) => changed,
        Err(_) => {
            let changed = profile.iter().any(|&b| b != 0);
            profile.fill(0);
            changed
        }
    }
}

/// True when a profile holds no text: either what [`sanitize_profile`] leaves, or all zeros
/// (what [`sanitize_or_blank`] leaves of an unreadable one).
pub fn is_blank_or_sanitized(profile: &[u8]) -> bool {
    profile.iter().all(|&b| b == 0) || is_sanitized(profile)
}

/// True when the profile carries no text and no profile ID (what [`sanitize_profile`] leaves).
pub fn is_sanitized(profile: &[u8]) -> bool {
    let mut copy = profile.to_vec();
    matches!(sanitize_profile(&mut copy), Ok(false))
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A small v2 profile: header, tag table with desc, cprt (text) and wtpt (XYZ, colour).
    pub(crate) fn sample_profile(desc: &str, cprt: &str) -> Vec<u8> {
        let mut desc_tag = b"desc\0\0\0\0".to_vec();
        desc_tag.extend(((desc.len() + 1) as u32).to_be_bytes());
        desc_tag.extend(desc.as_bytes());
        desc_tag.push(0);
        desc_tag.extend([0u8; 8]); // unicode lang + count 0
        desc_tag.extend([0u8; 3 + 67]);
        let mut cprt_tag = b"text\0\0\0\0".to_vec();
        cprt_tag.extend(cprt.as_bytes());
        cprt_tag.push(0);
        let wtpt = b"XYZ \0\0\0\0\0\0\xf6\xd6\0\x01\0\0\0\0\xd3\x2d".to_vec();
        let tags = [(*b"desc", desc_tag), (*b"cprt", cprt_tag), (*b"wtpt", wtpt)];
        let mut p = vec![0u8; HEADER_LEN];
        p[36..40].copy_from_slice(b"acsp");
        p[84..100].copy_from_slice(&[7u8; 16]);
        p.extend((tags.len() as u32).to_be_bytes());
        let mut data_at = HEADER_LEN + 4 + 12 * tags.len();
        let mut data = Vec::new();
        for (sig, d) in &tags {
            p.extend(sig);
            p.extend((data_at as u32).to_be_bytes());
            p.extend((d.len() as u32).to_be_bytes());
            data.extend(d);
            while data.len() % 4 != 0 {
                data.push(0);
            }
            data_at = HEADER_LEN + 4 + 12 * tags.len() + data.len();
        }
        p.extend(data);
        let len = p.len() as u32;
        p[..4].copy_from_slice(&len.to_be_bytes());
        p
    }

    #[test]
    fn blanks_text_keeps_colour_and_size() {
        let mut p = sample_profile("Lisa's MacBook Pro", "Copyright Jane Parent");
        let before = p.clone();
        assert!(sanitize_profile(&mut p).expect("valid"));
        assert_eq!(p.len(), before.len());
        let s = String::from_utf8_lossy(&p);
        assert!(!s.contains("Lisa") && !s.contains("Jane"));
        // The XYZ colour tag is untouched.
        let xyz = before.windows(4).position(|w| w == b"XYZ ").expect("wtpt");
        assert_eq!(p[xyz..xyz + 20], before[xyz..xyz + 20]);
        assert!(is_sanitized(&p));
        assert!(
            !sanitize_profile(&mut p).expect("valid"),
            "second pass changes nothing"
        );
    }

    #[test]
    fn hostile_tables_are_errors_not_panics() {
        let mut p = sample_profile("x", "y");
        p[HEADER_LEN..HEADER_LEN + 4].copy_from_slice(&u32::MAX.to_be_bytes());
        assert!(sanitize_profile(&mut p).is_err());
        let mut q = sample_profile("x", "y");
        let entry = HEADER_LEN + 4;
        q[entry + 4..entry + 8].copy_from_slice(&u32::MAX.to_be_bytes());
        assert!(sanitize_profile(&mut q).is_err());
        assert!(sanitize_profile(&mut [0u8; 10]).is_err());
    }
}
