//! Why this exists: the caption checker needs a gazetteer (is "Mamer" a place, how big), name lists
//! (is "Schmit" a family name) and word lists (is "Nice" also an everyday word). They are compiled
//! into the library from `core/data/` (see `core/data/ATTRIBUTION.md` and
//! `scripts/build_caption_data.py`) — nothing is downloaded — and parsed once, lazily, on first
//! use, so an app that never checks a caption never pays for them.

use std::collections::HashMap;
use std::sync::OnceLock;
use std::time::Instant;

use super::Language;

const GAZETTEER: &str = include_str!("../../data/gazetteer.tsv");
const FIRST_NAMES: &str = include_str!("../../data/first_names.txt");
const LAST_NAMES: &str = include_str!("../../data/last_names.txt");
const COMMON_WORDS: &str = include_str!("../../data/common_words.tsv");
const LANG_WORDS: &str = include_str!("../../data/lang_words.tsv");

/// A gazetteer entry: a population bucket
/// (0 <1k, 1 <5k, 2 <10k, 3 <50k, 4 <100k, 5 <500k, 6 ≥500k people).
#[derive(Debug, Clone, Copy)]
pub(crate) struct Place {
    pub bucket: u8,
}

/// A sorted table of keys borrowed from the embedded text, searched by bisection: loading is one
/// pass over the lines with no per-key allocation.
pub(crate) struct SortedMap<V: 'static> {
    rows: Vec<(&'static str, V)>,
}

impl<V> SortedMap<V> {
    fn new(mut rows: Vec<(&'static str, V)>) -> Self {
        // The build script writes sorted files; sort anyway if a hand edit broke the order, so a
        // bad file costs load time, never wrong answers.
        if !rows.windows(2).all(|w| w[0].0 <= w[1].0) {
            rows.sort_by(|a, b| a.0.cmp(b.0));
        }
        SortedMap { rows }
    }
    pub fn get(&self, key: &str) -> Option<&V> {
        self.rows
            .binary_search_by(|(k, _)| (*k).cmp(key))
            .ok()
            .map(|i| &self.rows[i].1)
    }
    pub fn contains_key(&self, key: &str) -> bool {
        self.get(key).is_some()
    }
    pub fn len(&self) -> usize {
        self.rows.len()
    }
    #[cfg(test)]
    fn keys(&self) -> impl Iterator<Item = &'static str> + '_ {
        self.rows.iter().map(|r| r.0)
    }
}

/// A sorted set of keys borrowed from the embedded text.
pub(crate) struct SortedSet(SortedMap<()>);

impl SortedSet {
    pub fn contains(&self, key: &str) -> bool {
        self.0.contains_key(key)
    }
    pub fn len(&self) -> usize {
        self.0.len()
    }
}

/// Everything parsed from `core/data/`. Keys are folded ([`fold`]).
pub(crate) struct Dictionaries {
    /// Folded place name ("esch sur alzette") → place.
    pub places: SortedMap<Place>,
    /// Multi-word place names with the spaces removed ("eschsuralzette"), for hashtags.
    pub places_joined: HashMap<String, Place>,
    /// Longest place name, in words.
    pub max_place_words: usize,
    pub first_names: SortedSet,
    pub last_names: SortedSet,
    /// Folded word → bit mask of the languages (see [`Language::bit`]) where it is an everyday word.
    pub common: SortedMap<u8>,
    /// Folded word → the one language it marks.
    pub lang_words: SortedMap<Language>,
}

/// Size and cost of the caption dictionaries, for benchmarks and app diagnostics.
#[derive(Debug, Clone, Copy, serde::Serialize)]
pub struct DictionaryStats {
    /// Bytes of data compiled into the library (the app-size cost, before store compression).
    pub embedded_bytes: usize,
    /// Places, first names, last names, everyday words, language marker words.
    pub entries: usize,
    /// Estimated heap taken once parsed (keys, values and table slots).
    pub estimated_heap_bytes: usize,
    /// Time the first (parsing) call took, in microseconds; 0 when already loaded before.
    pub load_micros: u64,
}

static DICTS: OnceLock<Dictionaries> = OnceLock::new();

pub(crate) fn dictionaries() -> &'static Dictionaries {
    DICTS.get_or_init(parse_all)
}

/// Parses the dictionaries now (an app may call this off the main thread before the caption screen
/// opens) and reports what they cost.
pub fn preload_dictionaries() -> DictionaryStats {
    let started = Instant::now();
    let was_loaded = DICTS.get().is_some();
    let d = dictionaries();
    let load_micros = if was_loaded {
        0
    } else {
        u64::try_from(started.elapsed().as_micros()).unwrap_or(u64::MAX)
    };
    let embedded_bytes = GAZETTEER.len()
        + FIRST_NAMES.len()
        + LAST_NAMES.len()
        + COMMON_WORDS.len()
        + LANG_WORDS.len();
    // Tables hold a borrowed key (16 bytes) and a value per row; the joined-name map owns its keys.
    let row = |n: usize, v: usize| n.saturating_mul(16 + v);
    let joined = d
        .places_joined
        .keys()
        .map(|k| k.capacity() + 24 + 2)
        .sum::<usize>()
        * 8
        / 7;
    let estimated_heap_bytes = row(d.places.len(), std::mem::size_of::<Place>())
        + row(d.first_names.len() + d.last_names.len(), 0)
        + row(d.common.len(), 1)
        + row(d.lang_words.len(), 1)
        + joined;
    DictionaryStats {
        embedded_bytes,
        entries: d.places.len()
            + d.first_names.len()
            + d.last_names.len()
            + d.common.len()
            + d.lang_words.len(),
        estimated_heap_bytes,
        load_micros,
    }
}

fn tsv(src: &'static str) -> impl Iterator<Item = (&'static str, &'static str, &'static str)> {
    src.lines().filter_map(|line| {
        let mut cols = line.split('\t');
        let key = cols.next().filter(|k| !k.is_empty())?;
        Some((key, cols.next().unwrap_or(""), cols.next().unwrap_or("")))
    })
}

fn parse_all() -> Dictionaries {
    let mut rows = Vec::with_capacity(GAZETTEER.len() / 14);
    let mut places_joined = HashMap::new();
    let mut max_place_words = 1;
    for (key, _country, bucket) in tsv(GAZETTEER) {
        let Some(b) = bucket.bytes().next() else {
            continue;
        };
        let place = Place {
            bucket: b.saturating_sub(b'0').min(6),
        };
        if key.contains(' ') {
            max_place_words = max_place_words.max(key.split(' ').count());
            places_joined.entry(key.replace(' ', "")).or_insert(place);
        }
        rows.push((key, place));
    }
    let set = |src: &'static str| {
        SortedSet(SortedMap::new(
            src.lines()
                .filter(|w| !w.is_empty())
                .map(|w| (w, ()))
                .collect(),
        ))
    };
    let common = tsv(COMMON_WORDS)
        .map(|(w, langs, _)| {
            (
                w,
                langs
                    .split(',')
                    .filter_map(Language::from_code)
                    .fold(0u8, |m, l| m | l.bit()),
            )
        })
        .collect();
    let lang_words = tsv(LANG_WORDS)
        .filter_map(|(w, l, _)| Language::from_code(l).map(|l| (w, l)))
        .collect();
    Dictionaries {
        places: SortedMap::new(rows),
        places_joined,
        max_place_words,
        first_names: set(FIRST_NAMES),
        last_names: set(LAST_NAMES),
        common: SortedMap::new(common),
        lang_words: SortedMap::new(lang_words),
    }
}

#[cfg(test)]
mod tests {
    use super::super::text::fold;
    use super::*;

    #[test]
    fn seed_country_places_are_present() {
        let d = dictionaries();
        for (name, bucket) in [
            ("mamer", 2),
            ("esch sur alzette", 3),
            ("utrecht", 5),
            ("gent", 5),
        ] {
            let p = d
                .places
                .get(name)
                .unwrap_or_else(|| panic!("{name} missing"));
            assert_eq!(p.bucket, bucket, "{name}");
        }
        assert!(d.places_joined.contains_key("eschsuralzette"));
        assert!(d.first_names.contains("emma") && d.last_names.contains("schmit"));
        assert!(d
            .common
            .get("nice")
            .is_some_and(|m| m & Language::En.bit() != 0));
    }

    #[test]
    fn data_keys_are_folded_as_the_analyser_folds() {
        let d = dictionaries();
        for k in d
            .places
            .keys()
            .chain(d.first_names.0.keys())
            .chain(d.last_names.0.keys())
            .chain(d.common.keys())
            .chain(d.lang_words.keys())
        {
            assert_eq!(fold(k), k, "key {k:?} is not folded like caption text");
        }
    }

    #[test]
    fn stats_are_within_the_phone_budget() {
        let s = preload_dictionaries();
        assert!(s.embedded_bytes < 2_000_000, "{s:?}");
        assert!(s.estimated_heap_bytes < 20_000_000, "{s:?}");
    }
}
