//! The boundary scenarios of `tests/scenarios.tsv`, run through the same exported functions the
//! Kotlin, Swift and Python tests call (Rust is the fourth language of the list). The checks on the
//! output bytes (GPS, ICC, orientation) parse the JPEG here, independently of the core.
//!
//! Run with `cargo test -p sharesafe-ffi --features test-hooks --test scenarios`.

use std::collections::BTreeMap;
use std::future::Future;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::task::{Context, Poll, Wake, Waker};

use sharesafe_ffi::{
    BatchItemOutcome, BatchListener, BatchProgress, CancelHandle, CaptionWarningKind, FaceDetector,
    FailureKind, FindingCategory, FindingSeverity, PartAction, PartKind, RedactionStyle,
    ShareSafeError, SharedPhotoLedger,
};

/// One row of the scenario list.
struct Scenario {
    id: String,
    input: Option<PathBuf>,
    expect: String,
}

fn repo_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..")
}

fn corpus_dir() -> Option<PathBuf> {
    let dir = repo_root().join("../shared/corpus");
    if dir.is_dir() {
        return Some(dir);
    }
    assert!(
        std::env::var("CI").map(|v| v != "true").unwrap_or(true),
        "../shared/corpus is missing; CI must run with ../shared beside the repository"
    );
    eprintln!("SKIPPED: ../shared/corpus not found next to the repository");
    None
}

fn scenarios(corpus: &Path) -> Vec<Scenario> {
    let text = std::fs::read_to_string(repo_root().join("tests/scenarios.tsv"))
        .expect("tests/scenarios.tsv is part of the repository");
    text.lines()
        .filter(|l| !l.starts_with('#') && !l.trim().is_empty())
        .skip(1) // header
        .map(|l| {
            let cols: Vec<&str> = l.split('\t').collect();
            assert_eq!(
                cols.len(),
                3,
                "scenario row must have 3 tab-separated columns: {l}"
            );
            Scenario {
                id: cols[0].to_owned(),
                input: match cols[1] {
                    "-" => None,
                    c => Some(match c.strip_prefix("repo:") {
                        Some(in_repo) => repo_root().join(in_repo),
                        None => corpus.join(c),
                    }),
                },
                expect: cols[2].to_owned(),
            }
        })
        .collect()
}

/// Drives a future on this thread; the foreign languages bring their own executors.
fn block_on<F: Future>(fut: F) -> F::Output {
    struct ThreadWaker(std::thread::Thread);
    impl Wake for ThreadWaker {
        fn wake(self: Arc<Self>) {
            self.0.unpark();
        }
    }
    let waker = Waker::from(Arc::new(ThreadWaker(std::thread::current())));
    let mut cx = Context::from_waker(&waker);
    let mut fut = std::pin::pin!(fut);
    loop {
        match fut.as_mut().poll(&mut cx) {
            Poll::Ready(v) => return v,
            Poll::Pending => std::thread::park(),
        }
    }
}

// ---- independent JPEG checks -------------------------------------------------------------------

/// The (marker, payload) of each segment before the first scan.
fn jpeg_segments(b: &[u8]) -> Vec<(u8, &[u8])> {
    assert!(b.starts_with(&[0xFF, 0xD8]), "not a JPEG");
    let mut out = Vec::new();
    let mut pos = 2;
    while pos + 4 <= b.len() {
        assert_eq!(b[pos], 0xFF, "segment must start with 0xFF at {pos}");
        let marker = b[pos + 1];
        if marker == 0xFF {
            pos += 1;
            continue;
        }
        if marker == 0xDA || marker == 0xD9 {
            break;
        }
        let len = usize::from(u16::from_be_bytes([b[pos + 2], b[pos + 3]]));
        let end = (pos + 2 + len).min(b.len());
        out.push((marker, &b[pos + 4..end]));
        pos = end;
    }
    out
}

/// Tag → first value (for SHORT tags) of IFD0 of each Exif APP1.
fn exif_ifd0(b: &[u8]) -> BTreeMap<u16, u32> {
    let mut tags = BTreeMap::new();
    for (marker, p) in jpeg_segments(b) {
        if marker != 0xE1 || !p.starts_with(b"Exif\0\0") {
            continue;
        }
        let t = &p[6..];
        let le = t.starts_with(b"II");
        let u16_at = |o: usize| {
            let x = [t[o], t[o + 1]];
            if le {
                u16::from_le_bytes(x)
            } else {
                u16::from_be_bytes(x)
            }
        };
        let u32_at = |o: usize| {
            let x = [t[o], t[o + 1], t[o + 2], t[o + 3]];
            if le {
                u32::from_le_bytes(x)
            } else {
                u32::from_be_bytes(x)
            }
        };
        let ifd = u32_at(4) as usize;
        let count = usize::from(u16_at(ifd));
        for i in 0..count {
            let e = ifd + 2 + 12 * i;
            let value = if u16_at(e + 2) == 3 {
                u32::from(u16_at(e + 8))
            } else {
                u32_at(e + 8)
            };
            tags.insert(u16_at(e), value);
        }
    }
    tags
}

/// True when the JPEG carries a location: an EXIF GPS IFD, or GPS fields in any other segment (XMP).
fn has_gps(b: &[u8]) -> bool {
    exif_ifd0(b).contains_key(&0x8825)
        || jpeg_segments(b)
            .iter()
            .any(|(_, p)| p.windows(11).any(|w| w == b"GPSLatitude"))
}

fn icc_segments(b: &[u8]) -> Vec<Vec<u8>> {
    jpeg_segments(b)
        .into_iter()
        .filter(|(m, p)| *m == 0xE2 && p.starts_with(b"ICC_PROFILE\0"))
        .map(|(_, p)| p.to_vec())
        .collect()
}

// ---- the scenarios ---------------------------------------------------------------------------

fn expected_error(s: &Scenario) -> &str {
    s.expect
        .strip_prefix("error:")
        .unwrap_or_else(|| panic!("{}: expect must be error:<variant>", s.id))
}

fn variant(e: &ShareSafeError) -> &'static str {
    match e {
        ShareSafeError::UnsupportedFormat(_) => "UnsupportedFormat",
        ShareSafeError::Damaged(_) => "Damaged",
        ShareSafeError::TooLarge(_) => "TooLarge",
        ShareSafeError::Cancelled(_) => "Cancelled",
        ShareSafeError::OutputExists(_) => "OutputExists",
        ShareSafeError::Storage(_) => "Storage",
        ShareSafeError::Internal(_) => "Internal",
    }
}

fn assert_error<T: std::fmt::Debug>(s: &Scenario, r: Result<T, ShareSafeError>) -> String {
    match r {
        Err(e) => {
            assert_eq!(
                variant(&e),
                expected_error(s),
                "{}: wrong error {e:?}",
                s.id
            );
            e.to_string()
        }
        Ok(v) => panic!("{}: expected {}, got {v:?}", s.id, s.expect),
    }
}

fn input(s: &Scenario) -> &Path {
    s.input
        .as_deref()
        .expect("this scenario needs an input file")
}

fn path_str(p: &Path) -> String {
    p.to_str().expect("test paths are UTF-8").to_owned()
}

fn temp_dir(s: &Scenario) -> PathBuf {
    let d = std::env::temp_dir().join(format!("sharesafe-ffi-{}-{}", s.id, std::process::id()));
    let _ = std::fs::remove_dir_all(&d);
    std::fs::create_dir_all(&d).expect("make temp dir");
    d
}

fn assert_no_gps_expected(s: &Scenario) {
    assert_eq!(s.expect, "no_gps", "{}", s.id);
}

fn gps_removed_from_bytes(s: &Scenario) {
    assert_no_gps_expected(s);
    let original = std::fs::read(input(s)).expect("read input");
    assert!(
        has_gps(&original),
        "the input must carry GPS for this test to mean anything"
    );
    let cleaned = block_on(sharesafe_ffi::clean_bytes(original, None)).expect("clean");
    assert!(!has_gps(&cleaned.bytes), "GPS survived the clean");
    assert_eq!(cleaned.report.output_bytes, cleaned.bytes.len() as u64);
    assert!(cleaned
        .report
        .parts
        .iter()
        .any(|p| p.kind == PartKind::Exif && p.action != PartAction::Kept));
    let again = block_on(sharesafe_ffi::inspect_bytes(cleaned.bytes)).expect("inspect output");
    assert!(
        again.parts.iter().all(|p| p.action != PartAction::Removed),
        "a cleaned file must have nothing left to remove"
    );
}

fn gps_removed_from_file(s: &Scenario) {
    assert_no_gps_expected(s);
    let dir = temp_dir(s);
    let out = dir.join("clean.jpg");
    let before = std::fs::read(input(s)).expect("read input");
    let report = block_on(sharesafe_ffi::clean_file(
        path_str(input(s)),
        path_str(&out),
        None,
    ))
    .expect("clean");
    let cleaned = std::fs::read(&out).expect("output written");
    assert!(has_gps(&before) && !has_gps(&cleaned));
    assert_eq!(report.output_bytes, cleaned.len() as u64);
    assert_eq!(
        std::fs::read(input(s)).expect("reread input"),
        before,
        "input modified"
    );
    let _ = std::fs::remove_dir_all(dir);
}

fn gps_removed_in_place(s: &Scenario) {
    assert_no_gps_expected(s);
    let dir = temp_dir(s);
    let photo = dir.join("photo.jpg");
    std::fs::copy(input(s), &photo).expect("copy input");
    assert!(has_gps(&std::fs::read(&photo).expect("read copy")));
    let report =
        block_on(sharesafe_ffi::clean_file_in_place(path_str(&photo), None)).expect("clean");
    let cleaned = std::fs::read(&photo).expect("read cleaned");
    assert!(!has_gps(&cleaned));
    assert_eq!(report.output_bytes, cleaned.len() as u64);
    let _ = std::fs::remove_dir_all(dir);
}

fn truncated_jpeg_is_damaged(s: &Scenario) {
    let mut bytes = std::fs::read(input(s)).expect("read input");
    bytes.truncate(bytes.len() / 2);
    assert_error(s, block_on(sharesafe_ffi::clean_bytes(bytes, None)));
}

fn not_an_image_is_unsupported(s: &Scenario) {
    let bytes = b"this is a text file, not a photo\n".repeat(4);
    assert_error(s, block_on(sharesafe_ffi::clean_bytes(bytes.clone(), None)));
    assert_error(s, block_on(sharesafe_ffi::inspect_bytes(bytes)));
}

/// The profile keeps its segments, sizes, colour space, PCS and tag table; the core may blank its
/// text tags (description, copyright), which can name a person or device.
fn icc_profile_kept(s: &Scenario) {
    assert_eq!(s.expect, "icc_kept");
    let original = std::fs::read(input(s)).expect("read input");
    let icc_in = icc_segments(&original);
    assert!(
        icc_in.len() >= 2,
        "the input must split its ICC profile over several APP2"
    );
    let cleaned = block_on(sharesafe_ffi::clean_bytes(original, None)).expect("clean");
    let icc_out = icc_segments(&cleaned.bytes);
    let lengths = |v: &[Vec<u8>]| v.iter().map(Vec::len).collect::<Vec<_>>();
    assert_eq!(lengths(&icc_out), lengths(&icc_in), "ICC segments changed");
    assert_eq!(
        icc_out[0][14 + 16..14 + 24],
        icc_in[0][14 + 16..14 + 24],
        "colour space or PCS changed"
    );
    assert_eq!(
        icc_out[0][14 + 128..14 + 132],
        icc_in[0][14 + 128..14 + 132],
        "tag count changed"
    );
    let kept = cleaned
        .report
        .parts
        .iter()
        .filter(|p| {
            p.kind == PartKind::Colour
                && p.action != PartAction::Removed
                && p.label.starts_with("ICC_PROFILE")
        })
        .count();
    assert_eq!(kept, icc_in.len());
}

fn orientation_kept(s: &Scenario) {
    let want: u32 = s
        .expect
        .strip_prefix("orientation:")
        .and_then(|n| n.parse().ok())
        .expect("expect orientation:<n>");
    let original = std::fs::read(input(s)).expect("read input");
    assert_eq!(exif_ifd0(&original).get(&0x0112), Some(&want));
    let cleaned = block_on(sharesafe_ffi::clean_bytes(original, None)).expect("clean");
    assert_eq!(cleaned.report.orientation.map(u32::from), Some(want));
    assert_eq!(
        exif_ifd0(&cleaned.bytes).get(&0x0112),
        Some(&want),
        "orientation lost"
    );
    assert!(!has_gps(&cleaned.bytes));
}

fn inspect_reports_location(s: &Scenario) {
    assert_eq!(s.expect, "location");
    let report = block_on(sharesafe_ffi::inspect_file(path_str(input(s)))).expect("inspect");
    let exif = report
        .parts
        .iter()
        .find(|p| p.kind == PartKind::Exif)
        .expect("inspection lists the EXIF block");
    assert_ne!(exif.action, PartAction::Kept);
    assert!(exif.description.contains("location"));
    assert!(
        report.removed_kinds.contains(&PartKind::Xmp) || report.output_bytes < report.input_bytes
    );
}

fn cancelled_clean_writes_nothing(s: &Scenario) {
    let dir = temp_dir(s);
    let out = dir.join("out.jpg");
    let handle = CancelHandle::new();
    handle.cancel();
    assert!(handle.is_cancelled());
    let r = block_on(sharesafe_ffi::clean_file(
        path_str(input(s)),
        path_str(&out),
        Some(handle),
    ));
    assert_error(s, r);
    assert_eq!(
        std::fs::read_dir(&dir).expect("list").count(),
        0,
        "cancelled clean left files"
    );
    let _ = std::fs::remove_dir_all(dir);
}

fn existing_output_is_not_overwritten(s: &Scenario) {
    let dir = temp_dir(s);
    let out = dir.join("out.jpg");
    std::fs::write(&out, b"keep me").expect("write");
    assert_error(
        s,
        block_on(sharesafe_ffi::clean_file(
            path_str(input(s)),
            path_str(&out),
            None,
        )),
    );
    assert_eq!(std::fs::read(&out).expect("read"), b"keep me");
    let _ = std::fs::remove_dir_all(dir);
}

fn missing_input_is_storage_error(s: &Scenario) {
    let dir = temp_dir(s);
    let missing = dir.join("Emma Secret Street").join("missing.jpg");
    let out = dir.join("out.jpg");
    let msg = assert_error(
        s,
        block_on(sharesafe_ffi::clean_file(
            path_str(&missing),
            path_str(&out),
            None,
        )),
    );
    assert!(
        !msg.contains("Emma") && !msg.contains(&path_str(&dir)),
        "path in message: {msg}"
    );
    let msg = assert_error(s, block_on(sharesafe_ffi::inspect_file(path_str(&missing))));
    assert!(!msg.contains("Emma"), "path in message: {msg}");
    let _ = std::fs::remove_dir_all(dir);
}

fn error_messages_have_no_path(s: &Scenario) {
    assert_eq!(s.expect, "no_path");
    let dir = temp_dir(s);
    let private = dir.join("Emma Secret Street 12");
    std::fs::create_dir_all(&private).expect("mkdir");
    let photo = private.join("Emma-at-home.jpg");
    let bytes = std::fs::read(input(s)).expect("read input");
    std::fs::write(&photo, &bytes[..bytes.len() / 2]).expect("write truncated copy");
    let messages = [
        block_on(sharesafe_ffi::clean_file(
            path_str(&photo),
            path_str(&private.join("out.jpg")),
            None,
        ))
        .map(|_| ()),
        block_on(sharesafe_ffi::clean_file_in_place(path_str(&photo), None)).map(|_| ()),
        block_on(sharesafe_ffi::inspect_file(path_str(&photo))).map(|_| ()),
    ];
    for r in messages {
        let e = r.expect_err("a truncated photo must be refused");
        let msg = e.to_string();
        assert!(!msg.is_empty());
        assert!(
            !msg.contains("Emma") && !msg.contains(&path_str(&dir)),
            "path in message: {msg}"
        );
    }
    let _ = std::fs::remove_dir_all(dir);
}

/// Records every progress call; cancels `cancel` after `cancel_after` of them when set.
struct Recorder {
    seen: std::sync::Mutex<Vec<BatchProgress>>,
    cancel: Option<(Arc<CancelHandle>, u64)>,
}

/// The listener handed to the batch; the test keeps the other end of the `Arc`.
struct Listener(Arc<Recorder>);

impl BatchListener for Listener {
    fn on_progress(&self, progress: BatchProgress) {
        let this = &self.0;
        if let Some((handle, after)) = &this.cancel {
            if progress.done >= *after {
                handle.cancel();
            }
        }
        this.seen.lock().expect("not poisoned").push(progress);
    }
}

fn batch_reports_each_file(s: &Scenario) {
    let counts: Vec<u64> = s
        .expect
        .strip_prefix("batch:")
        .expect("expect batch:<n> cleaned,<n> refused,<n> skipped")
        .split(',')
        .map(|c| {
            c.split(' ')
                .next()
                .and_then(|n| n.parse().ok())
                .expect("a count")
        })
        .collect();
    let dir = temp_dir(s);
    let src = dir.join("in");
    std::fs::create_dir_all(&src).expect("mkdir");
    let good = src.join("photo.jpg");
    std::fs::copy(input(s), &good).expect("copy");
    let bytes = std::fs::read(&good).expect("read");
    let truncated = src.join("truncated.jpg");
    std::fs::write(&truncated, &bytes[..bytes.len() / 2]).expect("write");
    let text = src.join("notes.txt");
    std::fs::write(&text, b"not a photo").expect("write");
    let out = dir.join("out");
    let recorder = Arc::new(Recorder {
        seen: Default::default(),
        cancel: None,
    });
    let paths = vec![path_str(&good), path_str(&truncated), path_str(&text)];
    let summary = block_on(sharesafe_ffi::clean_batch(
        paths,
        Some(path_str(&out)),
        1,
        Box::new(Listener(Arc::clone(&recorder))),
        None,
    ))
    .expect("batch");
    assert_eq!(
        vec![summary.cleaned, summary.refused, summary.skipped],
        counts
    );
    assert!(!summary.cancelled);
    assert_eq!(
        recorder.seen.lock().expect("lock").len(),
        3,
        "one progress call per file"
    );
    let cleaned_path = match &summary.items[0].outcome {
        BatchItemOutcome::Cleaned { output_path, .. } => output_path.clone(),
        other => panic!("first item: {other:?}"),
    };
    assert!(!has_gps(
        &std::fs::read(cleaned_path).expect("cleaned output")
    ));
    match &summary.items[1].outcome {
        BatchItemOutcome::Refused { kind, message } => {
            assert_eq!(*kind, FailureKind::Damaged);
            assert!(
                !message.contains(&path_str(&dir)),
                "path in message: {message}"
            );
        }
        other => panic!("second item: {other:?}"),
    }
    assert!(matches!(
        summary.items[2].outcome,
        BatchItemOutcome::Skipped { .. }
    ));
    assert_eq!(
        bytes,
        std::fs::read(&good).expect("reread"),
        "original modified"
    );
    let _ = std::fs::remove_dir_all(dir);
}

fn cancel_long_batch(s: &Scenario) {
    assert_eq!(s.expect, "cancelled");
    let dir = temp_dir(s);
    let src = dir.join("in");
    std::fs::create_dir_all(&src).expect("mkdir");
    let total = 200;
    let paths: Vec<String> = (0..total)
        .map(|i| {
            let p = src.join(format!("photo-{i:03}.jpg"));
            std::fs::copy(input(s), &p).expect("copy");
            path_str(&p)
        })
        .collect();
    let out = dir.join("out");
    let handle = CancelHandle::new();
    let recorder = Arc::new(Recorder {
        seen: Default::default(),
        cancel: Some((Arc::clone(&handle), 3)),
    });
    let summary = block_on(sharesafe_ffi::clean_batch(
        paths,
        Some(path_str(&out)),
        1,
        Box::new(Listener(Arc::clone(&recorder))),
        Some(handle),
    ))
    .expect("batch");
    assert!(summary.cancelled);
    assert!(
        summary.cleaned >= 3 && summary.cleaned < total,
        "cleaned {}",
        summary.cleaned
    );
    assert_eq!(summary.items.len() as u64, total);
    let written: Vec<_> = std::fs::read_dir(&out).expect("list").flatten().collect();
    assert_eq!(
        written.len() as u64,
        summary.cleaned,
        "only cleaned files are written"
    );
    for f in written {
        assert!(!has_gps(&std::fs::read(f.path()).expect("read")));
    }
    let _ = std::fs::remove_dir_all(dir);
}

#[cfg(feature = "test-hooks")]
fn panic_is_internal_error(s: &Scenario) {
    assert_error(s, sharesafe_ffi::trigger_panic_for_tests());
    assert_error(s, block_on(sharesafe_ffi::trigger_async_panic_for_tests()));
}

#[cfg(not(feature = "test-hooks"))]
fn panic_is_internal_error(_: &Scenario) {
    panic!("run with --features test-hooks: the panic scenario needs the test hook")
}

// ---- report, caption, tips, faces, fingerprints, file descriptors (issues 5, 7, 11, 12) -------

fn privacy_report_location(s: &Scenario) {
    let (lat, lon) = s
        .expect
        .strip_prefix("gps:")
        .and_then(|p| p.split_once(','))
        .map(|(a, b)| {
            (
                a.parse::<f64>().expect("latitude"),
                b.parse::<f64>().expect("longitude"),
            )
        })
        .expect("expect gps:<lat>,<lon>");
    let bytes = std::fs::read(input(s)).expect("read input");
    let report = block_on(sharesafe_ffi::privacy_report_bytes(bytes)).expect("report");
    let gps = report
        .findings
        .iter()
        .find(|f| f.category == FindingCategory::Location && f.latitude.is_some())
        .expect("a location finding with coordinates");
    assert_eq!(gps.severity, FindingSeverity::High);
    let (flat, flon) = (
        gps.latitude.expect("latitude"),
        gps.longitude.expect("longitude"),
    );
    assert!(
        (flat - lat).abs() < 1e-4 && (flon - lon).abs() < 1e-4,
        "position off"
    );
    assert!(gps
        .map_link
        .as_deref()
        .is_some_and(|l| l.contains("openstreetmap")));
    assert!(!gps.found_in.is_empty());
    assert!(report
        .findings
        .iter()
        .any(|f| f.category == FindingCategory::TrackingId && f.id == "facebook_fbmd"));
    assert!(report
        .findings
        .iter()
        .any(|f| f.category == FindingCategory::People && f.id == "person_name"));
    for signal in ["gps_location", "fbmd"] {
        assert!(
            report.signals.iter().any(|x| x == signal),
            "signal {signal}"
        );
    }
    assert!(!report.location_already_hidden);
    assert!(report.findings.iter().all(|f| f.removed_by_clean));
    let severities: Vec<u8> = report
        .findings
        .iter()
        .map(|f| match f.severity {
            FindingSeverity::High => 0,
            FindingSeverity::Medium => 1,
            FindingSeverity::Info => 2,
        })
        .collect();
    assert!(
        severities.windows(2).all(|w| w[0] <= w[1]),
        "most severe first"
    );
    let ids = sharesafe_ffi::finding_ids();
    assert!(report.findings.iter().all(|f| ids.contains(&f.id)));
    let from_file =
        block_on(sharesafe_ffi::privacy_report_file(path_str(input(s)))).expect("report of file");
    assert_eq!(from_file, report);
}

fn privacy_report_of_clean_copy_is_empty(s: &Scenario) {
    assert_eq!(s.expect, "no_high_or_medium");
    let bytes = std::fs::read(input(s)).expect("read input");
    let before = block_on(sharesafe_ffi::privacy_report_bytes(bytes.clone())).expect("report");
    assert!(before
        .findings
        .iter()
        .any(|f| f.severity != FindingSeverity::Info));
    let cleaned = block_on(sharesafe_ffi::clean_bytes(bytes, None)).expect("clean");
    let after = block_on(sharesafe_ffi::privacy_report_bytes(cleaned.bytes)).expect("report");
    let left: Vec<&str> = after
        .findings
        .iter()
        .filter(|f| f.severity != FindingSeverity::Info)
        .map(|f| f.id.as_str())
        .collect();
    assert!(left.is_empty(), "left after a clean: {left:?}");
    assert!(after
        .signals
        .iter()
        .all(|x| x != "gps_location" && x != "fbmd"));
}

const RISKY_CAPTION: &str = "🎉 Lisa Peeters (7) at Sint-Jozef school in Mamer #bathtime";

fn caption_warnings(s: &Scenario) {
    assert_eq!(s.expect, "caption");
    let check = sharesafe_ffi::check_caption(RISKY_CAPTION.to_owned(), Some("en".to_owned()));
    let kinds: Vec<CaptionWarningKind> = check.warnings.iter().map(|w| w.kind).collect();
    for want in [
        CaptionWarningKind::FullName,
        CaptionWarningKind::School,
        CaptionWarningKind::Location,
        CaptionWarningKind::SearchableHashtag,
    ] {
        assert!(kinds.contains(&want), "no {want:?} in {kinds:?}");
    }
    let units: Vec<u16> = RISKY_CAPTION.encode_utf16().collect();
    let chars: Vec<char> = RISKY_CAPTION.chars().collect();
    for w in &check.warnings {
        let by_utf16 = String::from_utf16(&units[w.utf16_start as usize..w.utf16_end as usize])
            .expect("spans on char boundaries");
        assert_eq!(by_utf16, w.text);
        let by_char: String = chars[w.start as usize..w.end as usize].iter().collect();
        assert_eq!(by_char, w.text);
        assert!(
            w.utf16_start > w.start,
            "the emoji makes the offsets differ"
        );
        assert!(!w.reason.is_empty() && !w.reason_id.is_empty());
    }
    assert_eq!(check.report_language, "en");
    assert!(check.overall.is_some());
    assert!(
        !check.combined.is_empty(),
        "name + school is a combined risk"
    );
    assert!(!check.safer_caption.contains("Lisa Peeters"));
    assert!(!check.safer_caption.contains("Peeters"));
}

fn tips_for_report_and_caption(s: &Scenario) {
    assert_eq!(s.expect, "tips");
    let bytes = std::fs::read(input(s)).expect("read input");
    let report = block_on(sharesafe_ffi::privacy_report_bytes(bytes)).expect("report");
    let check = sharesafe_ffi::check_caption(RISKY_CAPTION.to_owned(), Some("en".to_owned()));
    let en = sharesafe_ffi::tips_for(Some(report.clone()), Some(check.clone()), "en".to_owned());
    let fr = sharesafe_ffi::tips_for(Some(report.clone()), Some(check.clone()), "fr".to_owned());
    assert!(!en.is_empty());
    assert!(en.iter().any(|t| t.id == "turn_off_camera_location"));
    assert_eq!(
        en.iter().map(|t| &t.id).collect::<Vec<_>>(),
        fr.iter().map(|t| &t.id).collect::<Vec<_>>()
    );
    assert!(en.iter().zip(&fr).all(|(e, f)| e.title != f.title));
    let caption_only = sharesafe_ffi::tips_for(None, Some(check), "en".to_owned());
    assert!(caption_only
        .iter()
        .all(|t| t.id != "turn_off_camera_location"));
    assert!(!caption_only.is_empty());
    assert!(sharesafe_ffi::tips_for(None, None, "en".to_owned()).is_empty());
    let (all_en, all_de) = (
        sharesafe_ffi::all_tips("en".to_owned()),
        sharesafe_ffi::all_tips("de".to_owned()),
    );
    assert_eq!(all_en.len(), all_de.len());
    assert!(all_en.len() >= en.len());
    assert!(all_de.iter().zip(&all_en).any(|(d, e)| d.text != e.text));
}

fn model_path() -> String {
    let p = repo_root().join("core/assets/centerface.onnx");
    assert!(
        p.is_file(),
        "run scripts/fetch-face-model.sh first (core/assets/centerface.onnx)"
    );
    path_str(&p)
}

fn faces_detected_and_redacted(s: &Scenario) {
    assert_eq!(s.expect, "faces_redacted");
    let detector = FaceDetector::new(model_path()).expect("load model");
    let photo = std::fs::read(input(s)).expect("read input");
    let found = block_on(detector.detect_bytes(photo.clone())).expect("detect");
    assert!(!found.faces.is_empty(), "the photo shows faces");
    assert!(found.width > 0 && found.height > 0);
    for f in &found.faces {
        assert!(f.confidence >= 0.5 && f.landmarks.len() == 5);
        assert!(f.x + f.width <= found.width as f32 + 1.0);
    }
    let regions: Vec<_> = found
        .faces
        .iter()
        .cloned()
        .map(sharesafe_ffi::face_region)
        .collect();
    for (r, f) in regions.iter().zip(&found.faces) {
        assert!(
            r.width as f32 >= f.width && r.height as f32 >= f.height,
            "margins grow the box"
        );
    }
    let redacted = block_on(detector.redact_bytes(photo, regions, RedactionStyle::SolidFill, None))
        .expect("redact");
    assert_eq!(redacted.report.output_bytes, redacted.data.len() as u64);
    assert!(!redacted.report.regions.is_empty());
    assert!(!has_gps(&redacted.data));
    assert!(
        exif_ifd0(&redacted.data).keys().all(|&t| t == 0x0112),
        "EXIF beyond the orientation survived"
    );
    let again = block_on(detector.detect_bytes(redacted.data)).expect("detect again");
    for f in &again.faces {
        for r in &redacted.report.regions {
            let ix = (f.x + f.width).min((r.x + r.width) as f32) - f.x.max(r.x as f32);
            let iy = (f.y + f.height).min((r.y + r.height) as f32) - f.y.max(r.y as f32);
            assert!(
                ix <= 0.0 || iy <= 0.0,
                "a face is left in a redacted region"
            );
        }
    }
    assert!(again.faces.len() < found.faces.len() || found.faces.is_empty());
    // The check after encoding always runs (redaction is the detector's own method): hiding only
    // a corner leaves the faces, and the report counts them.
    let corner = sharesafe_ffi::RedactRegion {
        x: 0,
        y: 0,
        width: 16,
        height: 16,
    };
    let photo = std::fs::read(input(s)).expect("read input");
    let corner_only =
        block_on(detector.redact_bytes(photo, vec![corner], RedactionStyle::SolidFill, None))
            .expect("redact a corner");
    assert!(
        corner_only.report.faces_found_after >= 1,
        "the check after encoding found none of the faces left visible"
    );
}

fn redaction_fails_closed(s: &Scenario) {
    let dir = temp_dir(s);
    let truncated = dir.join("truncated.jpg");
    let bytes = std::fs::read(input(s)).expect("read input");
    std::fs::write(&truncated, &bytes[..bytes.len() / 2]).expect("write");
    let out = dir.join("out.jpg");
    let region = sharesafe_ffi::RedactRegion {
        x: 0,
        y: 0,
        width: 16,
        height: 16,
    };
    let detector = FaceDetector::new(model_path()).expect("load model");
    let msg = assert_error(
        s,
        block_on(detector.redact_file(
            path_str(&truncated),
            path_str(&out),
            vec![region],
            RedactionStyle::SolidFill,
            None,
        )),
    );
    assert!(!msg.contains(&path_str(&dir)), "path in message: {msg}");
    assert!(!out.exists(), "a failed redaction wrote its output");
    let names: Vec<_> = std::fs::read_dir(&dir).expect("list").flatten().collect();
    assert_eq!(names.len(), 1, "only the input is left");
    assert_error(
        s,
        block_on(detector.redact_bytes(
            bytes[..bytes.len() / 2].to_vec(),
            vec![region],
            RedactionStyle::Sticker,
            None,
        )),
    );
    let _ = std::fs::remove_dir_all(dir);
}

fn fingerprint_and_ledger(s: &Scenario) {
    let published = s.expect.strip_prefix("pdq:").expect("expect pdq:<hash>");
    let fp = block_on(sharesafe_ffi::fingerprint_file(path_str(input(s)))).expect("fingerprint");
    let distance = sharesafe_ffi::pdq_distance(fp.pdq_hex.clone(), published.to_owned())
        .expect("valid hashes");
    assert!(distance <= 16, "distance {distance} to the published hash");
    assert!(!fp.low_quality && fp.quality >= 50);
    assert!(matches!(
        sharesafe_ffi::pdq_distance("xyz".to_owned(), published.to_owned()),
        Err(ShareSafeError::Damaged(_))
    ));
    let dir = temp_dir(s);
    let path = path_str(&dir.join("ledger.bin"));
    let ledger = SharedPhotoLedger::open(path.clone()).expect("open");
    assert_eq!(ledger.count(), 0);
    ledger
        .record(fp.clone(), "org.example.chat".to_owned())
        .expect("record");
    let same = ledger.find(fp.clone());
    assert_eq!(same.len(), 1);
    assert_eq!(same[0].distance, 0);
    assert_eq!(same[0].target_app, "org.example.chat");
    assert_eq!(same[0].pdq_hex, fp.pdq_hex);
    assert!(same[0].shared_at_unix > 1_600_000_000);
    let rotated_path = input(s)
        .parent()
        .expect("dih folder")
        .join("bridge-2-rotate-90.jpg");
    let rotated = block_on(sharesafe_ffi::fingerprint_file(path_str(&rotated_path)))
        .expect("fingerprint rotated");
    assert!(
        sharesafe_ffi::pdq_distance(rotated.pdq_hex.clone(), fp.pdq_hex.clone()).expect("hashes")
            > 31
    );
    assert_eq!(ledger.find(rotated).len(), 1, "found in any orientation");
    let export = ledger.export_text();
    assert!(export.contains(&fp.pdq_hex) && !export.contains("org.example.chat"));
    drop(ledger);
    let reopened = SharedPhotoLedger::open(path).expect("reopen");
    assert_eq!(reopened.count(), 1);
    let _ = std::fs::remove_dir_all(dir);
}

fn clean_from_fd(s: &Scenario) {
    use std::os::fd::AsRawFd;
    assert_no_gps_expected(s);
    let dir = temp_dir(s);
    let out = dir.join("clean.jpg");
    let file = std::fs::File::open(input(s)).expect("open input");
    let fd = file.as_raw_fd();
    let report = block_on(sharesafe_ffi::privacy_report_fd(fd)).expect("report of fd");
    assert!(report.signals.iter().any(|x| x == "gps_location"));
    let cleaned = block_on(sharesafe_ffi::clean_fd(fd, path_str(&out), None)).expect("clean fd");
    let bytes = std::fs::read(&out).expect("output written");
    assert!(!has_gps(&bytes));
    assert_eq!(cleaned.output_bytes, bytes.len() as u64);
    drop(file);
    assert!(matches!(
        block_on(sharesafe_ffi::clean_fd(
            -1,
            path_str(&dir.join("x.jpg")),
            None
        )),
        Err(ShareSafeError::Storage(_))
    ));
    let _ = std::fs::remove_dir_all(dir);
}

/// One scenario's implementation, looked up by its id.
type ScenarioFn = fn(&Scenario);

#[test]
fn every_scenario_in_the_list() {
    let Some(corpus) = corpus_dir() else { return };
    let table: &[(&str, ScenarioFn)] = &[
        ("gps_removed_from_bytes", gps_removed_from_bytes),
        ("gps_removed_from_file", gps_removed_from_file),
        ("gps_removed_in_place", gps_removed_in_place),
        ("truncated_jpeg_is_damaged", truncated_jpeg_is_damaged),
        ("not_an_image_is_unsupported", not_an_image_is_unsupported),
        ("icc_profile_kept", icc_profile_kept),
        ("orientation_kept", orientation_kept),
        ("inspect_reports_location", inspect_reports_location),
        (
            "cancelled_clean_writes_nothing",
            cancelled_clean_writes_nothing,
        ),
        (
            "existing_output_is_not_overwritten",
            existing_output_is_not_overwritten,
        ),
        (
            "missing_input_is_storage_error",
            missing_input_is_storage_error,
        ),
        ("error_messages_have_no_path", error_messages_have_no_path),
        ("panic_is_internal_error", panic_is_internal_error),
        ("batch_reports_each_file", batch_reports_each_file),
        ("cancel_long_batch", cancel_long_batch),
        ("privacy_report_location", privacy_report_location),
        (
            "privacy_report_of_clean_copy_is_empty",
            privacy_report_of_clean_copy_is_empty,
        ),
        ("caption_warnings", caption_warnings),
        ("tips_for_report_and_caption", tips_for_report_and_caption),
        ("faces_detected_and_redacted", faces_detected_and_redacted),
        ("redaction_fails_closed", redaction_fails_closed),
        ("fingerprint_and_ledger", fingerprint_and_ledger),
        ("clean_from_fd", clean_from_fd),
    ];
    let list = scenarios(&corpus);
    assert!(
        list.len() >= table.len(),
        "scenario list is shorter than the implemented set"
    );
    let (mut passed, mut failed) = (0, Vec::new());
    for s in &list {
        let run = table
            .iter()
            .find(|(id, _)| *id == s.id)
            .unwrap_or_else(|| panic!("scenario {} has no Rust implementation", s.id))
            .1;
        match std::panic::catch_unwind(|| run(s)) {
            Ok(()) => {
                passed += 1;
                println!("PASS {}", s.id);
            }
            Err(_) => {
                println!("FAIL {}", s.id);
                failed.push(s.id.clone());
            }
        }
    }
    println!("rust scenarios: {passed} passed, {} failed", failed.len());
    assert!(failed.is_empty(), "failed scenarios: {failed:?}");
}
