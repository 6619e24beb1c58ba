//! Why this exists: a HEIF picture is a list of byte ranges ("extents") inside `mdat` or `idat`.
//! Clean and verify both stream those boxes once through a fixed buffer, and both need the same
//! two answers for every chunk: which bytes belong to a kept item (copied, and digested per extent
//! so the digest does not depend on where the extent sits), and which belong to nothing kept
//! (zeroed by the clean; must be zero for the verifier).

use crate::io::ImageDigest;

/// One extent of a kept item, in the coordinates of the stream being routed.
#[derive(Debug, Clone)]
pub(crate) struct Extent {
    pub(crate) start: u64,
    pub(crate) len: u64,
    /// Index into the per-extent digests.
    pub(crate) slot: usize,
}

/// Routes streamed bytes to per-extent digests and knows what is covered.
pub(crate) struct Router {
    /// Sorted by start.
    extents: Vec<Extent>,
    /// Union of the extents, sorted, disjoint.
    covered: Vec<(u64, u64)>,
    /// First extent that may still receive bytes.
    lo: usize,
    digests: Vec<ImageDigest>,
    fed: Vec<u64>,
}

impl Router {
    pub(crate) fn new(mut extents: Vec<Extent>, slots: usize) -> Self {
        extents.sort_by_key(|e| (e.start, e.slot));
        let mut covered: Vec<(u64, u64)> = Vec::new();
        for e in &extents {
            let end = e.start.saturating_add(e.len);
            match covered.last_mut() {
                Some(last) if e.start <= last.1 => last.1 = last.1.max(end),
                _ => covered.push((e.start, end)),
            }
        }
        Router {
            extents,
            covered,
            lo: 0,
            digests: vec![ImageDigest::default(); slots],
            fed: vec![0; slots],
        }
    }

    /// Feeds the chunk that sits at `[at, at + chunk.len())` to every extent overlapping it.
    pub(crate) fn feed(&mut self, at: u64, chunk: &[u8]) {
        let end = at + chunk.len() as u64;
        while self.lo < self.extents.len() {
            let e = &self.extents[self.lo];
            if e.start.saturating_add(e.len) <= at {
                self.lo += 1;
            } else {
                break;
            }
        }
        for e in &self.extents[self.lo..] {
            if e.start >= end {
                break;
            }
            let s = e.start.max(at);
            let t = e.start.saturating_add(e.len).min(end);
            if s < t {
                let piece = &chunk[(s - at) as usize..(t - at) as usize];
                self.digests[e.slot].update(piece);
                self.fed[e.slot] += piece.len() as u64;
            }
        }
    }

    /// Calls `gap` with every sub-range of `[at, at + len)` (relative to `at`) no extent covers.
    fn gaps(&self, at: u64, len: usize, mut gap: impl FnMut(usize, usize)) {
        let end = at + len as u64;
        let mut pos = at;
        let first = self.covered.partition_point(|&(_, e)| e <= at);
        for &(s, e) in &self.covered[first..] {
            if s >= end {
                break;
            }
            if s > pos {
                gap((pos - at) as usize, (s - at) as usize);
            }
            pos = pos.max(e.min(end));
        }
        if pos < end {
            gap((pos - at) as usize, len);
        }
    }

    /// Zeroes, in `chunk` (at `at`), every byte no extent covers.
    pub(crate) fn zero_uncovered(&self, at: u64, chunk: &mut [u8]) {
        let mut spans = Vec::new();
        self.gaps(at, chunk.len(), |s, e| spans.push((s, e)));
        for (s, e) in spans {
            chunk[s..e].fill(0);
        }
    }

    /// True when some byte of `chunk` at `at` outside every extent is not zero.
    pub(crate) fn uncovered_nonzero(&self, at: u64, chunk: &[u8]) -> bool {
        let mut nonzero = false;
        self.gaps(at, chunk.len(), |s, e| {
            nonzero |= chunk[s..e].iter().any(|&b| b != 0);
        });
        nonzero
    }

    /// True when every extent received exactly its length.
    pub(crate) fn complete(&self, lens: &[u64]) -> bool {
        self.fed.iter().zip(lens).all(|(f, l)| f == l)
    }

    /// The digests, by slot.
    pub(crate) fn finish(&self) -> Vec<u64> {
        self.digests.iter().map(ImageDigest::finish).collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn zeroes_gaps_and_feeds_overlapping_extents() {
        let ex = vec![
            Extent {
                start: 2,
                len: 3,
                slot: 0,
            },
            Extent {
                start: 4,
                len: 3,
                slot: 1,
            },
            Extent {
                start: 12,
                len: 2,
                slot: 2,
            },
        ];
        let mut r = Router::new(ex, 3);
        let data: Vec<u8> = (1..=16).collect();
        for (i, c) in data.chunks(5).enumerate() {
            let at = (i * 5) as u64;
            let mut c = c.to_vec();
            r.feed(at, &c);
            r.zero_uncovered(at, &mut c);
            let want: Vec<u8> = (at..at + c.len() as u64)
                .map(|p| {
                    if (2..7).contains(&p) || (12..14).contains(&p) {
                        p as u8 + 1
                    } else {
                        0
                    }
                })
                .collect();
            assert_eq!(c, want);
        }
        assert!(r.complete(&[3, 3, 2]));
        let mut d = ImageDigest::default();
        d.update(&[3, 4, 5]);
        assert_eq!(r.finish()[0], d.finish());
    }
}
