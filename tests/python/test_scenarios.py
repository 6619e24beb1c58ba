"""The boundary scenarios of tests/scenarios.tsv through the generated Python module (or the wheel
built by maturin): the same rows the Rust, Kotlin and Swift tests run."""

import asyncio
import os
import shutil

import pytest

import sharesafe_ffi as ss
from conftest import REPO, exif_ifd0, has_gps, icc_segments, load_scenarios

SCENARIOS = load_scenarios()


def run(coro):
    return asyncio.run(coro)


def expected_error(s):
    assert s["expect"].startswith("error:"), s
    return s["expect"][len("error:") :]


def assert_error(s, call):
    """Runs `call` (a coroutine or a function) and checks the ShareSafeError variant; returns the message."""
    with pytest.raises(ss.ShareSafeError) as info:
        run(call) if asyncio.iscoroutine(call) else call()
    assert type(info.value).__name__ == expected_error(s), repr(info.value)
    return str(info.value)


def gps_removed_from_bytes(s, tmp_path):
    assert s["expect"] == "no_gps"
    original = s["input"].read_bytes()
    assert has_gps(original), "the input must carry GPS for this test to mean anything"
    cleaned = run(ss.clean_bytes(original, None))
    assert not has_gps(cleaned.bytes), "GPS survived the clean"
    assert cleaned.report.format == ss.FileFormat.JPEG
    assert cleaned.report.mime_type == "image/jpeg"
    assert cleaned.report.output_bytes == len(cleaned.bytes)
    assert any(
        p.kind == ss.PartKind.EXIF and p.action != ss.PartAction.KEPT for p in cleaned.report.parts
    )
    again = run(ss.inspect_bytes(cleaned.bytes))
    assert all(p.action != ss.PartAction.REMOVED for p in again.parts), "nothing left to remove"


def gps_removed_from_file(s, tmp_path):
    assert s["expect"] == "no_gps"
    before = s["input"].read_bytes()
    out = tmp_path / "clean.jpg"
    report = run(ss.clean_file(str(s["input"]), str(out), None))
    cleaned = out.read_bytes()
    assert has_gps(before) and not has_gps(cleaned)
    assert report.output_bytes == len(cleaned)
    assert s["input"].read_bytes() == before, "input modified"


def gps_removed_in_place(s, tmp_path):
    assert s["expect"] == "no_gps"
    photo = tmp_path / "photo.jpg"
    shutil.copyfile(s["input"], photo)
    assert has_gps(photo.read_bytes())
    report = run(ss.clean_file_in_place(str(photo), None))
    assert not has_gps(photo.read_bytes())
    assert report.output_bytes == photo.stat().st_size


def truncated_jpeg_is_damaged(s, tmp_path):
    b = s["input"].read_bytes()
    assert_error(s, ss.clean_bytes(b[: len(b) // 2], None))


def not_an_image_is_unsupported(s, tmp_path):
    b = b"this is a text file, not a photo\n" * 4
    assert_error(s, ss.clean_bytes(b, None))
    assert_error(s, ss.inspect_bytes(b))


def icc_profile_kept(s, tmp_path):
    """The profile keeps its segments, sizes, colour space, PCS and tag table; the core may blank
    its text tags (description, copyright), which can name a person or device."""
    assert s["expect"] == "icc_kept"
    original = s["input"].read_bytes()
    icc_in = icc_segments(original)
    assert len(icc_in) >= 2, "the input must split its ICC profile over several APP2"
    cleaned = run(ss.clean_bytes(original, None))
    icc_out = icc_segments(cleaned.bytes)
    assert [len(x) for x in icc_out] == [len(x) for x in icc_in], "ICC segments changed"
    assert icc_out[0][14 + 16 : 14 + 24] == icc_in[0][14 + 16 : 14 + 24], "colour space or PCS changed"
    assert icc_out[0][14 + 128 : 14 + 132] == icc_in[0][14 + 128 : 14 + 132], "tag count changed"
    kept = [
        p
        for p in cleaned.report.parts
        if p.kind == ss.PartKind.COLOUR
        and p.action != ss.PartAction.REMOVED
        and p.label.startswith("ICC_PROFILE")
    ]
    assert len(kept) == len(icc_in)


def orientation_kept(s, tmp_path):
    want = int(s["expect"].removeprefix("orientation:"))
    original = s["input"].read_bytes()
    assert exif_ifd0(original).get(0x0112) == want
    cleaned = run(ss.clean_bytes(original, None))
    assert cleaned.report.orientation == want
    assert exif_ifd0(cleaned.bytes).get(0x0112) == want, "orientation lost"
    assert not has_gps(cleaned.bytes)


def inspect_reports_location(s, tmp_path):
    assert s["expect"] == "location"
    report = run(ss.inspect_file(str(s["input"])))
    exif = [p for p in report.parts if p.kind == ss.PartKind.EXIF]
    assert exif, "inspection lists the EXIF block"
    assert exif[0].action != ss.PartAction.KEPT
    assert "location" in exif[0].description


def cancelled_clean_writes_nothing(s, tmp_path):
    handle = ss.CancelHandle()
    handle.cancel()
    assert handle.is_cancelled()
    assert_error(s, ss.clean_file(str(s["input"]), str(tmp_path / "out.jpg"), handle))
    assert list(tmp_path.iterdir()) == [], "cancelled clean left files"


def existing_output_is_not_overwritten(s, tmp_path):
    out = tmp_path / "out.jpg"
    out.write_bytes(b"keep me")
    assert_error(s, ss.clean_file(str(s["input"]), str(out), None))
    assert out.read_bytes() == b"keep me"


def missing_input_is_storage_error(s, tmp_path):
    missing = tmp_path / "Emma Secret Street" / "missing.jpg"
    msg = assert_error(s, ss.clean_file(str(missing), str(tmp_path / "out.jpg"), None))
    assert "Emma" not in msg and str(tmp_path) not in msg, msg
    msg = assert_error(s, ss.inspect_file(str(missing)))
    assert "Emma" not in msg, msg


def error_messages_have_no_path(s, tmp_path):
    assert s["expect"] == "no_path"
    private = tmp_path / "Emma Secret Street 12"
    private.mkdir()
    photo = private / "Emma-at-home.jpg"
    b = s["input"].read_bytes()
    photo.write_bytes(b[: len(b) // 2])
    for call in (
        ss.clean_file(str(photo), str(private / "out.jpg"), None),
        ss.clean_file_in_place(str(photo), None),
        ss.inspect_file(str(photo)),
    ):
        with pytest.raises(ss.ShareSafeError) as info:
            run(call)
        msg = str(info.value)
        assert msg and "Emma" not in msg and str(tmp_path) not in msg, msg


class Recorder(ss.BatchListener):
    """Records progress calls (made from ShareSafe's worker thread); cancels after `after` calls."""

    def __init__(self, cancel=None, after=0):
        self.seen = []
        self.cancel = cancel
        self.after = after

    def on_progress(self, progress):
        if self.cancel is not None and progress.done >= self.after:
            self.cancel.cancel()
        self.seen.append(progress)


def batch_reports_each_file(s, tmp_path):
    counts = [int(c.split()[0]) for c in s["expect"].removeprefix("batch:").split(",")]
    src = tmp_path / "in"
    src.mkdir()
    good = src / "photo.jpg"
    shutil.copyfile(s["input"], good)
    b = good.read_bytes()
    truncated = src / "truncated.jpg"
    truncated.write_bytes(b[: len(b) // 2])
    text = src / "notes.txt"
    text.write_bytes(b"not a photo")
    recorder = Recorder()
    summary = run(
        ss.clean_batch([str(good), str(truncated), str(text)], str(tmp_path / "out"), 1, recorder, None)
    )
    assert [summary.cleaned, summary.refused, summary.skipped] == counts
    assert not summary.cancelled
    assert len(recorder.seen) == 3, "one progress call per file"
    first, second, third = (i.outcome for i in summary.items)
    assert first.is_cleaned() and not has_gps(open(first.output_path, "rb").read())
    assert second.is_refused() and second.kind == ss.FailureKind.DAMAGED
    assert str(tmp_path) not in second.message, second.message
    assert third.is_skipped()
    assert good.read_bytes() == b, "original modified"


def cancel_long_batch(s, tmp_path):
    assert s["expect"] == "cancelled"
    src = tmp_path / "in"
    src.mkdir()
    total = 200
    paths = []
    for i in range(total):
        p = src / f"photo-{i:03}.jpg"
        shutil.copyfile(s["input"], p)
        paths.append(str(p))
    out = tmp_path / "out"
    handle = ss.CancelHandle()
    summary = run(ss.clean_batch(paths, str(out), 1, Recorder(handle, 3), handle))
    assert summary.cancelled
    assert 3 <= summary.cleaned < total, summary.cleaned
    assert len(summary.items) == total
    written = list(out.iterdir())
    assert len(written) == summary.cleaned, "only cleaned files are written"
    assert not any(has_gps(f.read_bytes()) for f in written)


def panic_is_internal_error(s, tmp_path):
    assert_error(s, ss.trigger_panic_for_tests)
    assert_error(s, ss.trigger_async_panic_for_tests())


def privacy_report_location(s, tmp_path):
    lat, lon = (float(x) for x in s["expect"].removeprefix("gps:").split(","))
    report = run(ss.privacy_report_bytes(s["input"].read_bytes()))
    gps = next(f for f in report.findings if f.category == ss.FindingCategory.LOCATION and f.latitude is not None)
    assert gps.severity == ss.FindingSeverity.HIGH
    assert abs(gps.latitude - lat) < 1e-4 and abs(gps.longitude - lon) < 1e-4
    assert "openstreetmap" in gps.map_link and gps.found_in
    assert any(f.category == ss.FindingCategory.TRACKING_ID and f.id == "facebook_fbmd" for f in report.findings)
    assert any(f.category == ss.FindingCategory.PEOPLE and f.id == "person_name" for f in report.findings)
    assert {"gps_location", "fbmd"} <= set(report.signals)
    assert not report.location_already_hidden
    assert all(f.removed_by_clean for f in report.findings)
    order = [ss.FindingSeverity.HIGH, ss.FindingSeverity.MEDIUM, ss.FindingSeverity.INFO]
    ranks = [order.index(f.severity) for f in report.findings]
    assert ranks == sorted(ranks), "most severe first"
    assert {f.id for f in report.findings} <= set(ss.finding_ids())
    assert run(ss.privacy_report_file(str(s["input"]))) == report


def privacy_report_of_clean_copy_is_empty(s, tmp_path):
    assert s["expect"] == "no_high_or_medium"
    b = s["input"].read_bytes()
    before = run(ss.privacy_report_bytes(b))
    assert any(f.severity != ss.FindingSeverity.INFO for f in before.findings)
    cleaned = run(ss.clean_bytes(b, None))
    after = run(ss.privacy_report_bytes(cleaned.bytes))
    left = [f.id for f in after.findings if f.severity != ss.FindingSeverity.INFO]
    assert left == [], left
    assert not {"gps_location", "fbmd"} & set(after.signals)


RISKY_CAPTION = "🎉 Lisa Peeters (7) at Sint-Jozef school in Mamer #bathtime"


def utf16_slice(text, start, end):
    return text.encode("utf-16-le")[2 * start : 2 * end].decode("utf-16-le")


def caption_warnings(s, tmp_path):
    assert s["expect"] == "caption"
    check = ss.check_caption(RISKY_CAPTION, "en")
    kinds = {w.kind for w in check.warnings}
    K = ss.CaptionWarningKind
    assert {K.FULL_NAME, K.SCHOOL, K.LOCATION, K.SEARCHABLE_HASHTAG} <= kinds, kinds
    for w in check.warnings:
        assert utf16_slice(RISKY_CAPTION, w.utf16_start, w.utf16_end) == w.text
        assert RISKY_CAPTION[w.start : w.end] == w.text  # Python indexes by code point
        assert w.utf16_start > w.start, "the emoji makes the offsets differ"
        assert w.reason and w.reason_id
    assert check.report_language == "en"
    assert check.overall is not None
    assert check.combined, "name + school is a combined risk"
    assert "Peeters" not in check.safer_caption


def tips_for_report_and_caption(s, tmp_path):
    assert s["expect"] == "tips"
    report = run(ss.privacy_report_bytes(s["input"].read_bytes()))
    check = ss.check_caption(RISKY_CAPTION, "en")
    en = ss.tips_for(report, check, "en")
    fr = ss.tips_for(report, check, "fr")
    assert en and "turn_off_camera_location" in [t.id for t in en]
    assert [t.id for t in en] == [t.id for t in fr]
    assert all(e.title != f.title for e, f in zip(en, fr))
    caption_only = ss.tips_for(None, check, "en")
    assert caption_only and "turn_off_camera_location" not in [t.id for t in caption_only]
    assert ss.tips_for(None, None, "en") == []
    all_en, all_de = ss.all_tips("en"), ss.all_tips("de")
    assert len(all_en) == len(all_de) >= len(en)
    assert any(d.text != e.text for d, e in zip(all_de, all_en))


def model_path():
    p = REPO / "core" / "assets" / "centerface.onnx"
    assert p.is_file(), "run scripts/fetch-face-model.sh first"
    return str(p)


def overlaps(f, r):
    ix = min(f.x + f.width, r.x + r.width) - max(f.x, r.x)
    iy = min(f.y + f.height, r.y + r.height) - max(f.y, r.y)
    return ix > 0 and iy > 0


def faces_detected_and_redacted(s, tmp_path):
    assert s["expect"] == "faces_redacted"
    detector = ss.FaceDetector(model_path())
    photo = s["input"].read_bytes()
    found = run(detector.detect_bytes(photo))
    assert found.faces, "the photo shows faces"
    assert found.width > 0 and found.height > 0
    for f in found.faces:
        assert f.confidence >= 0.5 and len(f.landmarks) == 5
    regions = [ss.face_region(f) for f in found.faces]
    for r, f in zip(regions, found.faces):
        assert r.width >= f.width and r.height >= f.height, "margins grow the box"
    redacted = run(detector.redact_bytes(photo, regions, ss.RedactionStyle.SOLID_FILL, None))
    assert redacted.report.output_bytes == len(redacted.data)
    assert redacted.report.regions
    assert not has_gps(redacted.data)
    assert set(exif_ifd0(redacted.data)) <= {0x0112}, "EXIF beyond the orientation survived"
    again = run(detector.detect_bytes(redacted.data))
    assert not any(overlaps(f, r) for f in again.faces for r in redacted.report.regions)
    assert len(again.faces) < len(found.faces)
    # The check after encoding always runs: hiding only a corner leaves the faces, and the report counts them.
    corner = ss.RedactRegion(x=0, y=0, width=16, height=16)
    corner_only = run(detector.redact_bytes(photo, [corner], ss.RedactionStyle.SOLID_FILL, None))
    assert corner_only.report.faces_found_after >= 1, "the check after encoding found none of the faces left visible"


def redaction_fails_closed(s, tmp_path):
    b = s["input"].read_bytes()
    truncated = tmp_path / "truncated.jpg"
    truncated.write_bytes(b[: len(b) // 2])
    out = tmp_path / "out.jpg"
    region = ss.RedactRegion(x=0, y=0, width=16, height=16)
    detector = ss.FaceDetector(model_path())
    msg = assert_error(s, detector.redact_file(str(truncated), str(out), [region], ss.RedactionStyle.SOLID_FILL, None))
    assert str(tmp_path) not in msg, msg
    assert not out.exists(), "a failed redaction wrote its output"
    assert [p.name for p in tmp_path.iterdir()] == ["truncated.jpg"]
    assert_error(s, detector.redact_bytes(b[: len(b) // 2], [region], ss.RedactionStyle.STICKER, None))


def fingerprint_and_ledger(s, tmp_path):
    published = s["expect"].removeprefix("pdq:")
    fp = run(ss.fingerprint_file(str(s["input"])))
    assert ss.pdq_distance(fp.pdq_hex, published) <= 16
    assert not fp.low_quality and fp.quality >= 50
    with pytest.raises(ss.ShareSafeError.Damaged):
        ss.pdq_distance("xyz", published)
    path = str(tmp_path / "ledger.bin")
    ledger = ss.SharedPhotoLedger.open(path)
    assert ledger.count() == 0
    ledger.record(fp, "org.example.chat")
    same = ledger.find(fp)
    assert len(same) == 1 and same[0].distance == 0
    assert same[0].target_app == "org.example.chat" and same[0].pdq_hex == fp.pdq_hex
    assert same[0].shared_at_unix > 1_600_000_000
    rotated = run(ss.fingerprint_file(str(s["input"].parent / "bridge-2-rotate-90.jpg")))
    assert ss.pdq_distance(rotated.pdq_hex, fp.pdq_hex) > 31
    assert len(ledger.find(rotated)) == 1, "found in any orientation"
    export = ledger.export_text()
    assert fp.pdq_hex in export and "org.example.chat" not in export
    del ledger
    assert ss.SharedPhotoLedger.open(path).count() == 1


def clean_from_fd(s, tmp_path):
    assert s["expect"] == "no_gps"
    out = tmp_path / "clean.jpg"
    fd = os.open(s["input"], os.O_RDONLY)
    try:
        report = run(ss.privacy_report_fd(fd))
        assert "gps_location" in report.signals
        cleaned = run(ss.clean_fd(fd, str(out), None))
    finally:
        os.close(fd)
    assert not has_gps(out.read_bytes())
    assert cleaned.output_bytes == out.stat().st_size
    with pytest.raises(ss.ShareSafeError.Storage):
        run(ss.clean_fd(-1, str(tmp_path / "x.jpg"), None))


IMPLEMENTED = {f.__name__: f for f in [
    gps_removed_from_bytes, gps_removed_from_file, gps_removed_in_place,
    truncated_jpeg_is_damaged, not_an_image_is_unsupported, icc_profile_kept, orientation_kept,
    inspect_reports_location, cancelled_clean_writes_nothing, existing_output_is_not_overwritten,
    missing_input_is_storage_error, error_messages_have_no_path, panic_is_internal_error,
    batch_reports_each_file, cancel_long_batch, privacy_report_location,
    privacy_report_of_clean_copy_is_empty, caption_warnings, tips_for_report_and_caption,
    faces_detected_and_redacted, redaction_fails_closed, fingerprint_and_ledger, clean_from_fd,
]}


@pytest.mark.parametrize("scenario", SCENARIOS, ids=[s["id"] for s in SCENARIOS])
def test_scenario(scenario, corpus, tmp_path):
    implementation = IMPLEMENTED.get(scenario["id"])
    assert implementation, f"scenario {scenario['id']} has no Python implementation"
    implementation(scenario, tmp_path)


def test_every_implementation_is_listed():
    assert set(IMPLEMENTED) <= {s["id"] for s in SCENARIOS}
