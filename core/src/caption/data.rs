//! Why this exists: the caption checker needs a gazetteer (is "Mamer" a place, how big), name lists
//! (is "Schmit" a family name) and word lists (is "Nice" also an everyday word). They are compiled
//! into the library from `core/data/` (see `core/data/ATTRIBUTION.md` and
//! `scripts/build_caption_data.py`) — nothing is downloaded — and parsed once, lazily, on first
//! use, so an app that never checks a caption never pays for them.

use std::collections::{HashMap, HashSet};
use std::sync::OnceLock;
use std::time::Instant;

use super::text::fold;
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

/// Everything parsed from `core/data/`.
pub(crate) struct Dictionaries {
    /// Folded place name ("esch sur alzette") → place.
    pub places: HashMap<String, Place>,
    /// Multi-word place names with the spaces removed ("eschsuralzette"), for hashtags.
    pub places_joined: HashMap<String, Place>,
    /// Longest place name, in words.
    pub max_place_words: usize,
    pub first_names: HashSet<String>,
    pub last_names: HashSet<String>,
    /// Folded word → bit mask of the languages (see [`Language::bit`]) where it is an everyday word.
    pub common: HashMap<String, u8>,
    /// Folded word → the one language it marks.
    pub lang_words: HashMap<String, Language>,
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
    let embedded_bytes =
        GAZETTEER.len() + FIRST_NAMES.len() + LAST_NAMES.len() + COMMON_WORDS.len() + LANG_WORDS.len();
    let key_heap = |k: &String| k.capacity() + std::mem::size_of::<String>();
    // A hashbrown slot holds the key/value pair plus one control byte; tables keep ≥1/8 free.
    let table = |len: usize, slot: usize| len.saturating_mul(slot + 1).saturating_mul(8) / 7;
    let places = d.places.keys().map(key_heap).sum::<usize>()
        + d.places_joined.keys().map(key_heap).sum::<usize>()
        + table(d.places.len() + d.places_joined.len(), std::mem::size_of::<Place>());
    let sets = [&d.first_names, &d.last_names]
        .iter()
        .map(|s| s.iter().map(key_heap).sum::<usize>() + table(s.len(), 0))
        .sum::<usize>();
    let common = d.common.keys().map(key_heap).sum::<usize>() + table(d.common.len(), 1);
    let langs = d.lang_words.keys().map(key_heap).sum::<usize>() + table(d.lang_words.len(), 1);
    DictionaryStats {
        embedded_bytes,
        entries: d.places.len()
            + d.first_names.len()
            + d.last_names.len()
            + d.common.len()
            + d.lang_words.len(),
        estimated_heap_bytes: places + sets + common + langs,
        load_micros,
    }
}

fn parse_all() -> Dictionaries {
    let mut places = HashMap::with_capacity(GAZETTEER.lines().count());
    let mut places_joined = HashMap::new();
    let mut max_place_words = 1;
    for line in GAZETTEER.lines() {
        let mut cols = line.split('\t');
        let (Some(name), Some(cc), Some(bucket)) = (cols.next(), cols.next(), cols.next()) else {
            continue;
        };
        // The country column is kept in the file for people reading it; matching needs only size.
        let (2, Some(b)) = (cc.len(), bucket.bytes().next()) else {
            continue;
        };
        let place = Place { bucket: b.saturating_sub(b'0').min(6) };
        let key = fold(name);
        if key.is_empty() {
            continue;
        }
        let words = key.split(' ').count();
        if words > 1 {
            max_place_words = max_place_words.max(words);
            places_joined.entry(key.replace(' ', "")).or_insert(place);
        }
        let slot = places.entry(key).or_insert(place);
        if slot.bucket < place.bucket {
            *slot = place;
        }
    }
    let set = |src: &str| -> HashSet<String> {
        src.lines().map(fold).filter(|w| !w.is_empty()).collect()
    };
    let mut common = HashMap::new();
    for line in COMMON_WORDS.lines() {
        let mut cols = line.split('\t');
        let (Some(w), Some(langs)) = (cols.next(), cols.next()) else { continue };
        let mask = langs
            .split(',')
            .filter_map(Language::from_code)
            .fold(0u8, |m, l| m | l.bit());
        common.insert(fold(w), mask);
    }
    let mut lang_words = HashMap::new();
    for line in LANG_WORDS.lines() {
        let mut cols = line.split('\t');
        let (Some(w), Some(lang)) = (cols.next(), cols.next()) else { continue };
        if let Some(l) = Language::from_code(lang) {
            lang_words.insert(fold(w), l);
        }
    }
    Dictionaries {
        places,
        places_joined,
        max_place_words,
        first_names: set(FIRST_NAMES),
        last_names: set(LAST_NAMES),
        common,
        lang_words,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn seed_country_places_are_present() {
        let d = dictionaries();
        for (name, bucket) in [("mamer", 2), ("esch sur alzette", 3), ("utrecht", 5), ("gent", 5)] {
            let p = d.places.get(name).unwrap_or_else(|| panic!("{name} missing"));
            assert_eq!(p.bucket, bucket, "{name}");
        }
        assert!(d.places_joined.contains_key("eschsuralzette"));
        assert!(d.first_names.contains("emma") && d.last_names.contains("schmit"));
        assert!(d.common.get("nice").is_some_and(|m| m & Language::En.bit() != 0));
    }

    #[test]
    fn stats_are_within_the_phone_budget() {
        let s = preload_dictionaries();
        assert!(s.embedded_bytes < 2_000_000, "{s:?}");
        assert!(s.estimated_heap_bytes < 20_000_000, "{s:?}");
    }
}
