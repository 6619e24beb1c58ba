#!/usr/bin/env python3
"""Why this exists: a screen that shows a raw key, or English to a French parent, is a bug no
compiler sees. Every Localizable.strings under ios/ must exist in en, fr, de and nl with exactly
the same keys, non-empty values and the same printf placeholders; every key the Swift code names
(L10n.string("…"), L10n.format("…"), localizationKey strings, finding./tips. stems, the
`<prefix>.\(keyStem)` stems of each Swift extension) must exist; and every finding id the core can
report (FindingId::as_str in core/src/report/text.rs, the ids finding_ids() returns) must have a
`privacy.<id>.title` and `privacy.<id>.explanation` in every language.

Usage: check_strings.py <ios dir>     prints "strings: <n> passed, <m> failed"
"""
import pathlib
import re
import sys

LANGUAGES = ["en", "fr", "de", "nl"]
ENTRY = re.compile(r'^\s*"((?:[^"\\]|\\.)*)"\s*=\s*"((?:[^"\\]|\\.)*)"\s*;\s*$')
PLACEHOLDER = re.compile(r"%(?:\d+\$)?[@dDuUxXfFeEgGcCsSpaA]|%l[ld]")
KEY_USE = re.compile(r'(?:L10n\.(?:string|format)\(|return\s+)"([a-z_]+(?:\.[a-z0-9_]+)+)"')


def parse(path):
    entries = {}
    problems = []
    text = path.read_text(encoding="utf-8")
    text = re.sub(r"/\*.*?\*/", "", text, flags=re.S)
    for number, line in enumerate(text.splitlines(), 1):
        if not line.strip() or line.strip().startswith("//"):
            continue
        m = ENTRY.match(line)
        if not m:
            problems.append(f"line {number} is not \"key\" = \"value\";")
            continue
        key, value = m.group(1), m.group(2)
        if key in entries:
            problems.append(f"duplicate key {key}")
        entries[key] = value
    return entries, problems


def main(root):
    passed = failed = 0

    def expect(ok, what):
        nonlocal passed, failed
        if ok:
            passed += 1
        else:
            failed += 1
            print(f"FAIL {what}")

    tables = sorted({p.parent.parent for p in root.rglob("*.lproj/Localizable.strings")})
    expect(tables, "at least one Localizable.strings table")
    all_keys = set()
    for table in tables:
        parsed = {}
        for lang in LANGUAGES:
            path = table / f"{lang}.lproj" / "Localizable.strings"
            expect(path.exists(), f"{path.relative_to(root)} exists")
            if not path.exists():
                continue
            entries, problems = parse(path)
            for p in problems:
                expect(False, f"{path.relative_to(root)}: {p}")
            parsed[lang] = entries
        english = parsed.get("en", {})
        all_keys |= set(english)
        for lang, entries in parsed.items():
            missing = sorted(set(english) - set(entries))
            extra = sorted(set(entries) - set(english))
            expect(not missing, f"{lang}: missing keys {missing}")
            expect(not extra, f"{lang}: keys not in en {extra}")
            for key, value in entries.items():
                expect(value.strip(), f"{lang}: {key} is empty")
                if key in english:
                    same = sorted(PLACEHOLDER.findall(value)) == sorted(PLACEHOLDER.findall(english[key]))
                    expect(same, f"{lang}: {key} placeholders differ from en")
        print(f"PASS {table.relative_to(root)}: {len(english)} keys in {', '.join(parsed)}")

    # Keys named in the Swift code must exist.
    used = set()
    for path in root.rglob("*.swift"):
        if "Sources/ShareSafeFFI" in path.as_posix():
            continue
        text = path.read_text(encoding="utf-8")
        used |= set(KEY_USE.findall(text))
        used |= set(re.findall(r'"((?:tips|review|app|error)\.[a-z0-9_.]+)"', text))
        if "finding.\\(id)" in text:
            for stem in re.findall(r'case \.\w+: return "([a-z_]+)"', text):
                used |= {f"finding.{stem}.title", f"finding.{stem}.detail"}
        if 'localizationKey + ".recovery"' in text:
            for key in re.findall(r'return "(error\.[a-z_]+)"', text):
                used.add(key + ".recovery")
        # `L10n.string("prefix.\(keyStem)")` in an extension whose switch returns the stems.
        for chunk in re.split(r"\n(?=extension |public enum |enum )", text):
            prefixes = re.findall(r'"([a-z_]+(?:\.[a-z_]+)*)\.\\\(keyStem\)"', chunk)
            stems = re.findall(r'case \.\w+: return "([a-z_]+)"', chunk)
            used |= {f"{prefix}.{stem}" for prefix in prefixes for stem in stems}

    # Every finding id of the core's privacy report has its title and explanation.
    core_text = root.parent / "core" / "src" / "report" / "text.rs"
    expect(core_text.exists(), "core/src/report/text.rs exists (the finding ids)")
    if core_text.exists():
        source = core_text.read_text(encoding="utf-8")
        ids = re.findall(r'FindingId::\w+ => "([a-z0-9_]+)"', source)
        all_block = re.search(r"const ALL: &'static \[FindingId\] = &\[(.*?)\];", source, re.S)
        listed = len(re.findall(r"FindingId::\w+", all_block.group(1))) if all_block else -1
        expect(len(ids) >= 20 and len(ids) == listed,
               f"finding ids read from the core: {len(ids)} as_str arms, {listed} in FindingId::ALL")
        needed = {f"privacy.{i}.{part}" for i in ids for part in ("title", "explanation")}
        missing_ids = sorted(needed - all_keys)
        expect(not missing_ids, f"finding ids without strings: {missing_ids}")
        print(f"PASS {len(ids)} finding ids have a title and an explanation in every language"
              if not missing_ids else "")
        used |= needed

    unknown = sorted(k for k in used if k not in all_keys)
    expect(not unknown, f"keys used in Swift but missing from the tables: {unknown}")
    print(f"PASS {len(used)} keys named in Swift code all exist" if not unknown else "")
    print(f"strings: {passed} passed, {failed} failed")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main(pathlib.Path(sys.argv[1]).resolve()))
