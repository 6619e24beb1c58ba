//! The batch engine over a folder like a real camera roll export: photos, a video-like file, a
//! document, an empty file, a malformed photo, a symlink pointing out of the folder, and a
//! subfolder. Every entry gets a result; one bad file never stops the batch; symlinks are not
//! followed; cancellation stops cleanly; in place leaves only verified clean files and no temps.

mod common;

use std::path::{Path, PathBuf};

use sharesafe_core::batch::{clean_batch, collect_items, BatchOptions, BatchOutput, ItemOutcome};
use sharesafe_core::{CancelToken, CleanOptions, Error};

fn tempdir(name: &str) -> PathBuf {
    let d = Path::new(env!("CARGO_TARGET_TMPDIR")).join(name);
    let _ = std::fs::remove_dir_all(&d);
    std::fs::create_dir_all(&d).expect("mkdir");
    d
}

fn mixed_folder(corpus: &Path, name: &str) -> PathBuf {
    let d = tempdir(name);
    let copy = |from: &str, to: &str| {
        let to = d.join(to);
        std::fs::create_dir_all(to.parent().expect("parent")).expect("mkdir");
        std::fs::copy(corpus.join(from), to).expect("copy corpus file");
    };
    copy("jpeg/exiftool/GPS.jpg", "IMG_0001.jpg");
    copy("png/kamadak/exif.png", "screenshot.png");
    copy("webp/mei/HTC_Desire.webp", "holiday/beach.webp");
    copy("heic/little_exif/IMG_2762.HEIC", "holiday/IMG_2762.HEIC"); // a JPEG named .HEIC
    copy("malformed/pngsuite/xhdn0g08.png", "broken.png");
    std::fs::write(d.join("notes.pdf"), b"%PDF-1.7 not a photo").expect("write");
    std::fs::write(d.join("empty.jpg"), b"").expect("write");
    #[cfg(unix)]
    std::os::unix::fs::symlink("/etc/hostname", d.join("link-out.jpg")).expect("symlink");
    d
}

fn outcome_of<'a>(s: &'a sharesafe_core::batch::BatchSummary, name: &str) -> &'a ItemOutcome {
    &s.items
        .iter()
        .find(|i| i.input.ends_with(name))
        .unwrap_or_else(|| panic!("no result for {name}"))
        .outcome
}

#[test]
fn mixed_folder_every_entry_gets_a_line_and_bad_files_do_not_stop_the_batch() {
    let Some(corpus) = common::corpus_dir() else {
        return;
    };
    let src = mixed_folder(&corpus, "batch-mixed");
    let out = tempdir("batch-mixed-out");
    let (items, unreadable) = collect_items(std::slice::from_ref(&src), true);
    assert!(unreadable.is_empty());
    assert!(
        !items.iter().any(|i| i.path.ends_with("link-out.jpg")),
        "symlink was followed"
    );
    let opts = BatchOptions {
        clean: CleanOptions::default(),
        output: BatchOutput::Directory(out.clone()),
        jobs: 2,
        stop: None,
        ..Default::default()
    };
    let mut seen = 0;
    let summary = clean_batch(&items, &opts, &mut |p| {
        seen += 1;
        assert_eq!(p.done, seen);
        assert_eq!(p.total, items.len());
    });
    assert_eq!(seen, items.len());
    assert_eq!(summary.items.len(), items.len());
    assert!(matches!(
        outcome_of(&summary, "IMG_0001.jpg"),
        ItemOutcome::Cleaned { .. }
    ));
    assert!(matches!(
        outcome_of(&summary, "beach.webp"),
        ItemOutcome::Cleaned { .. }
    ));
    assert!(matches!(
        outcome_of(&summary, "broken.png"),
        ItemOutcome::Refused(Error::Malformed { .. })
    ));
    assert!(matches!(
        outcome_of(&summary, "notes.pdf"),
        ItemOutcome::Skipped(_)
    ));
    assert!(matches!(
        outcome_of(&summary, "empty.jpg"),
        ItemOutcome::Skipped(_)
    ));
    // The JPEG named .HEIC is cleaned as a JPEG and gets an honest extension; folders mirror.
    match outcome_of(&summary, "IMG_2762.HEIC") {
        ItemOutcome::Cleaned { output, report } => {
            assert_eq!(report.format, sharesafe_core::Format::Jpeg);
            assert_eq!(output, &out.join("holiday/IMG_2762.jpg"));
        }
        other => panic!("IMG_2762.HEIC: {other:?}"),
    }
    assert_eq!(summary.cleaned, 4);
    assert_eq!(summary.refused, 1);
    assert!(out.join("holiday/beach.webp").is_file());
    // Originals untouched.
    assert_eq!(
        std::fs::read(src.join("IMG_0001.jpg")).expect("read"),
        std::fs::read(corpus.join("jpeg/exiftool/GPS.jpg")).expect("read")
    );
    // Running again skips what is already there rather than overwriting.
    let again = clean_batch(&items, &opts, &mut |_| {});
    assert!(matches!(
        outcome_of(&again, "IMG_0001.jpg"),
        ItemOutcome::Skipped("output file already exists")
    ));
}

#[test]
fn in_place_replaces_atomically_and_leaves_no_temporary_files() {
    let Some(corpus) = common::corpus_dir() else {
        return;
    };
    let src = mixed_folder(&corpus, "batch-inplace");
    let (items, _) = collect_items(std::slice::from_ref(&src), true);
    let opts = BatchOptions {
        clean: CleanOptions::default(),
        output: BatchOutput::InPlace,
        jobs: 0,
        stop: None,
        ..Default::default()
    };
    let summary = clean_batch(&items, &opts, &mut |_| {});
    assert_eq!(summary.cleaned, 4);
    for name in [
        "IMG_0001.jpg",
        "screenshot.png",
        "holiday/beach.webp",
        "holiday/IMG_2762.HEIC",
    ] {
        let bytes = std::fs::read(src.join(name)).expect("read");
        let re = sharesafe_core::clean_bytes(&bytes, &CleanOptions::default())
            .expect("cleaned file re-cleans");
        assert!(
            re.report.removed().next().is_none(),
            "{name} still has metadata"
        );
    }
    let mut stack = vec![src.clone()];
    while let Some(d) = stack.pop() {
        for e in std::fs::read_dir(&d).expect("ls").flatten() {
            let n = e.file_name().to_string_lossy().into_owned();
            assert!(
                !sharesafe_core::atomic::is_temp_name(&n),
                "temporary file left: {n}"
            );
            if e.file_type().expect("type").is_dir() {
                stack.push(e.path());
            }
        }
    }
}

#[test]
fn cancelled_batch_stops_and_marks_the_rest_skipped() {
    let Some(corpus) = common::corpus_dir() else {
        return;
    };
    let src = tempdir("batch-cancel");
    for i in 0..40 {
        std::fs::copy(
            corpus.join("jpeg/exiftool/GPS.jpg"),
            src.join(format!("p{i:02}.jpg")),
        )
        .expect("copy");
    }
    let out = tempdir("batch-cancel-out");
    let (items, _) = collect_items(&[src], false);
    let cancel = CancelToken::new();
    let opts = BatchOptions {
        clean: CleanOptions {
            cancel: Some(cancel.clone()),
            ..CleanOptions::default()
        },
        output: BatchOutput::Directory(out.clone()),
        jobs: 1,
        stop: None,
        ..Default::default()
    };
    let summary = clean_batch(&items, &opts, &mut |p| {
        if p.done == 5 {
            cancel.cancel();
        }
    });
    assert!(summary.cancelled);
    assert!(
        summary.cleaned >= 5 && summary.cleaned < 40,
        "cleaned {}",
        summary.cleaned
    );
    assert_eq!(summary.cleaned + summary.skipped, 40);
    // What appeared is exactly what was reported cleaned: a photo verified before the cancel
    // but not yet committed (the batch commits one while it cleans the next) is not published.
    assert_eq!(
        std::fs::read_dir(&out).expect("ls").count(),
        summary.cleaned,
        "files published but not reported, or reported but missing"
    );
    // Every output present is complete and verified; no temporaries.
    for e in std::fs::read_dir(&out).expect("ls").flatten() {
        let n = e.file_name().to_string_lossy().into_owned();
        assert!(
            !sharesafe_core::atomic::is_temp_name(&n),
            "temporary file left: {n}"
        );
        let bytes = std::fs::read(e.path()).expect("read");
        sharesafe_core::clean_bytes(&bytes, &CleanOptions::default())
            .expect("output is a valid clean file");
    }
}
