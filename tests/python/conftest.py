"""Shared helpers for the Python boundary tests: the scenario list, the corpus, and JPEG checks
that parse the output independently of the Rust core."""

import os
import pathlib
import struct

import pytest

REPO = pathlib.Path(__file__).resolve().parents[2]
CORPUS = REPO.parent / "shared" / "corpus"


def load_scenarios():
    rows = []
    for line in (REPO / "tests" / "scenarios.tsv").read_text().splitlines():
        if not line.strip() or line.startswith("#"):
            continue
        cols = line.split("\t")
        assert len(cols) == 3, f"scenario row must have 3 tab-separated columns: {line!r}"
        rows.append(cols)
    assert rows[0] == ["id", "input", "expect"], "first row is the header"
    def where(inp):
        if inp == "-":
            return None
        if inp.startswith("repo:"):
            return REPO / inp[len("repo:") :]
        return CORPUS / inp

    return [{"id": i, "input": where(inp), "expect": exp} for i, inp, exp in rows[1:]]


@pytest.fixture(scope="session")
def corpus():
    if not CORPUS.is_dir():
        if os.environ.get("CI") == "true":
            pytest.fail("../shared/corpus is missing; CI must run with ../shared beside the repo")
        pytest.skip("SKIPPED: ../shared/corpus not found next to the repository")
    return CORPUS


def jpeg_segments(b):
    """(marker, payload) of each segment before the first scan."""
    assert b[:2] == b"\xff\xd8", "not a JPEG"
    out, pos = [], 2
    while pos + 4 <= len(b):
        assert b[pos] == 0xFF, f"segment must start with 0xFF at {pos}"
        marker = b[pos + 1]
        if marker == 0xFF:
            pos += 1
            continue
        if marker in (0xDA, 0xD9):
            break
        (length,) = struct.unpack(">H", b[pos + 2 : pos + 4])
        end = min(pos + 2 + length, len(b))
        out.append((marker, b[pos + 4 : end]))
        pos = end
    return out


def exif_ifd0(b):
    """Tag -> first value (SHORT tags read as 16 bits) of IFD0 of each Exif APP1."""
    tags = {}
    for marker, p in jpeg_segments(b):
        if marker != 0xE1 or not p.startswith(b"Exif\0\0"):
            continue
        t = p[6:]
        e = "<" if t[:2] == b"II" else ">"
        (ifd,) = struct.unpack(e + "I", t[4:8])
        (count,) = struct.unpack(e + "H", t[ifd : ifd + 2])
        for i in range(count):
            o = ifd + 2 + 12 * i
            tag, typ = struct.unpack(e + "HH", t[o : o + 4])
            fmt = "H" if typ == 3 else "I"
            (value,) = struct.unpack(e + fmt, t[o + 8 : o + 8 + struct.calcsize(fmt)])
            tags[tag] = value
    return tags


def has_gps(b):
    """An EXIF GPS IFD, or GPS fields in any other segment (XMP)."""
    return 0x8825 in exif_ifd0(b) or any(b"GPSLatitude" in p for _, p in jpeg_segments(b))


def icc_segments(b):
    return [p for m, p in jpeg_segments(b) if m == 0xE2 and p.startswith(b"ICC_PROFILE\0")]
