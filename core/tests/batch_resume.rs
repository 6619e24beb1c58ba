//! The batch engine's resume, naming, capture-date and full-disk behaviour over real corpus files:
//! a cancelled batch resumes without redoing work, random names leak nothing and stay stable on
//! resume, "keep capture date" keeps DateTimeOriginal alone and sets the file time, and a full
//! disk stops the batch with a clear error and every original intact.

mod common;

use std::path::{Path, PathBuf};

use sharesafe_core::batch::{
    clean_batch, collect_items, collect_items_with, is_disk_full, BatchOptions, BatchOutput,
    CollectOptions, ItemOutcome, OutputNames, ALREADY_CLEANED, STOPPED_DISK_FULL,
};
use sharesafe_core::{CancelToken, CleanOptions};

fn tempdir(name: &str) -> PathBuf {
    let d = Path::new(env!("CARGO_TARGET_TMPDIR")).join(name);
    let _ = std::fs::remove_dir_all(&d);
    std::fs::create_dir_all(&d).expect("mkdir");
    d
}

fn folder_of_copies(corpus: &Path, name: &str, n: usize) -> PathBuf {
    let d = tempdir(name);
    let srcs = [
        "jpeg/exiftool/GPS.jpg",
        "jpeg/exiftool/Canon.jpg",
        "webp/mei/HTC_Desire.webp",
    ];
    for i in 0..n {
        let src = srcs[i % srcs.len()];
        let ext = Path::new(src)
            .extension()
            .and_then(|e| e.to_str())
            .unwrap_or("jpg");
        std::fs::write(
            d.join(format!("IMG_2024061{}_Lisa_school_{i:02}.{ext}", i % 10)),
            std::fs::read(corpus.join(src)).expect("read"),
        )
        .expect("write");
    }
    d
}

fn names_in(dir: &Path) -> Vec<String> {
    let mut v: Vec<String> = std::fs::read_dir(dir)
        .expect("ls")
        .flatten()
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .collect();
    v.sort();
    v
}

#[test]
fn cancelled_batch_resumes_from_its_journal_without_redoing_work() {
    let Some(corpus) = common::corpus_dir() else {
        return;
    };
    let src = folder_of_copies(&corpus, "resume-src", 12);
    let state = tempdir("resume-state");
    let journal = state.join("batch.journal");
    let (items, _) = collect_items(std::slice::from_ref(&src), false);
    let cancel = CancelToken::new();
    let mut opts = BatchOptions {
        clean: CleanOptions {
            cancel: Some(cancel.clone()),
            ..CleanOptions::default()
        },
        output: BatchOutput::InPlace,
        jobs: 1,
        journal: Some(journal.clone()),
        ..Default::default()
    };
    let first = clean_batch(&items, &opts, &mut |p| {
        if p.done == 4 {
            cancel.cancel();
        }
    });
    assert!(first.cancelled && !first.complete());
    assert!(first.cleaned >= 4 && first.cleaned < 12);
    assert!(journal.is_file(), "an unfinished batch keeps its journal");
    let mtimes = |names: &[String]| -> Vec<std::time::SystemTime> {
        names
            .iter()
            .map(|n| {
                std::fs::metadata(src.join(n))
                    .and_then(|m| m.modified())
                    .expect("mtime")
            })
            .collect()
    };
    let names = names_in(&src);
    let before = mtimes(&names);

    opts.clean.cancel = None;
    let mut progress_total = 0;
    let second = clean_batch(&items, &opts, &mut |p| progress_total = p.done);
    assert_eq!(
        progress_total, 12,
        "resumed items are reported as progress too"
    );
    assert!(second.complete());
    assert_eq!(second.resumed, first.cleaned, "work done before was redone");
    assert_eq!(second.cleaned + second.resumed, 12);
    for r in &second.items {
        if let ItemOutcome::Skipped(why) = r.outcome {
            assert_eq!(why, ALREADY_CLEANED);
        }
    }
    // Files cleaned by the first run were not touched again.
    let after = mtimes(&names);
    let untouched = before.iter().zip(&after).filter(|(a, b)| a == b).count();
    assert!(untouched >= first.cleaned);
    assert!(!journal.exists(), "a complete batch removes its journal");
    for n in &names {
        let bytes = std::fs::read(src.join(n)).expect("read");
        let re = sharesafe_core::clean_bytes(&bytes, &CleanOptions::default()).expect("clean");
        assert_eq!(re.bytes, bytes, "{n} is not clean");
    }
}

#[test]
fn random_names_leak_nothing_and_are_stable_when_resumed() {
    let Some(corpus) = common::corpus_dir() else {
        return;
    };
    let root = folder_of_copies(&corpus, "random-src", 0);
    let src = root.join("Lisa school trip");
    std::fs::create_dir_all(&src).expect("mkdir");
    // Ten files, so that the cancel (from the progress callback, on another thread than the
    // cleaning) surely lands before the last: the batch commits one photo while it cleans the
    // next, and with three small files it could finish them all first.
    const FILES: usize = 10;
    for (i, f) in [
        "jpeg/exiftool/GPS.jpg",
        "webp/mei/HTC_Desire.webp",
        "png/kamadak/exif.png",
    ]
    .iter()
    .cycle()
    .take(FILES)
    .enumerate()
    {
        let ext = Path::new(f)
            .extension()
            .and_then(|e| e.to_str())
            .unwrap_or("");
        std::fs::copy(corpus.join(f), src.join(format!("IMG_2024_Lisa_{i}.{ext}"))).expect("cp");
    }
    let out = tempdir("random-out");
    let journal = tempdir("random-state").join("j.journal");
    let c = collect_items_with(
        std::slice::from_ref(&root),
        &CollectOptions {
            recursive: true,
            follow_symlinks: false,
        },
    );
    assert_eq!(c.items.len(), FILES);
    let cancel = CancelToken::new();
    let mut opts = BatchOptions {
        clean: CleanOptions {
            cancel: Some(cancel.clone()),
            ..CleanOptions::default()
        },
        output: BatchOutput::Directory(out.clone()),
        jobs: 1,
        names: OutputNames::Random,
        journal: Some(journal.clone()),
        ..Default::default()
    };
    let first = clean_batch(&c.items, &opts, &mut |_| cancel.cancel());
    assert!(first.cleaned >= 1 && first.cleaned < FILES);
    let first_names = names_in(&out);
    opts.clean.cancel = None;
    let second = clean_batch(&c.items, &opts, &mut |_| {});
    assert_eq!(second.resumed, first.cleaned);
    assert_eq!(second.resumed + second.cleaned, FILES);
    let names = names_in(&out);
    assert_eq!(
        names.len(),
        FILES,
        "a resumed batch wrote a second copy: {names:?}"
    );
    assert!(first_names.iter().all(|n| names.contains(n)));
    for n in &names {
        let (stem, ext) = n.split_once('.').expect("extension");
        assert_eq!(stem.len(), 16);
        assert!(stem.bytes().all(|b| b.is_ascii_hexdigit()), "{n}");
        assert!(["jpg", "png", "webp"].contains(&ext), "{n}");
        assert!(!n.contains("Lisa") && !n.contains("2024"));
    }
    // A new batch (no journal) picks other names: nobody can link two shares by name.
    let out2 = tempdir("random-out2");
    opts.output = BatchOutput::Directory(out2.clone());
    opts.journal = None;
    clean_batch(&c.items, &opts, &mut |_| {});
    assert!(names_in(&out2).iter().all(|n| !names.contains(n)));
}

#[test]
fn keep_capture_date_keeps_only_date_time_original_and_sets_the_file_time() {
    let Some(corpus) = common::corpus_dir() else {
        return;
    };
    let src = tempdir("date-src");
    std::fs::copy(corpus.join("jpeg/exiftool/GPS.jpg"), src.join("a.jpg")).expect("cp");
    std::fs::copy(corpus.join("webp/mei/HTC_Desire.webp"), src.join("b.webp")).expect("cp");
    let (items, _) = collect_items(std::slice::from_ref(&src), false);
    for keep in [false, true] {
        let out = tempdir(&format!("date-out-{keep}"));
        let opts = BatchOptions {
            clean: CleanOptions {
                keep_capture_date: keep,
                ..CleanOptions::default()
            },
            output: BatchOutput::Directory(out.clone()),
            ..Default::default()
        };
        let s = clean_batch(&items, &opts, &mut |_| {});
        assert_eq!(s.cleaned, 2);
        for (name, date) in [
            ("a.jpg", "2002:07:13 15:58:28"),
            ("b.webp", "2011:05:06 09:59:48"),
        ] {
            let bytes = std::fs::read(out.join(name)).expect("read");
            let fields: Vec<(exif::Tag, String)> = exif::Reader::new()
                .read_from_container(&mut std::io::Cursor::new(&bytes))
                .map(|e| {
                    e.fields()
                        .map(|f| (f.tag, f.display_value().to_string()))
                        .collect()
                })
                .unwrap_or_default();
            let tags: Vec<exif::Tag> = fields
                .iter()
                .map(|f| f.0)
                .filter(|t| *t != exif::Tag::Orientation && *t != exif::Tag::ExifIFDPointer)
                .collect();
            if keep {
                assert_eq!(
                    tags,
                    vec![exif::Tag::DateTimeOriginal],
                    "{name}: {fields:?}"
                );
                let shown = &fields
                    .iter()
                    .find(|f| f.0 == exif::Tag::DateTimeOriginal)
                    .expect("date")
                    .1;
                assert_eq!(shown.replace('-', ":"), date, "{name}");
                // File time = the capture time (no offset recorded: read as UTC).
                let mtime = std::fs::metadata(out.join(name))
                    .and_then(|m| m.modified())
                    .expect("mtime")
                    .duration_since(std::time::UNIX_EPOCH)
                    .expect("after 1970")
                    .as_secs();
                let r = s
                    .items
                    .iter()
                    .find_map(|i| match &i.outcome {
                        ItemOutcome::Cleaned { output, report } if output.ends_with(name) => {
                            Some(report)
                        }
                        _ => None,
                    })
                    .expect("report");
                assert_eq!(r.capture_date.as_deref(), Some(date));
                assert_eq!(Some(mtime as i64), r.capture_time_unix);
                // The cleaned file still re-cleans to itself with dates kept, and without the
                // option the date goes.
                let keep_opts = CleanOptions {
                    keep_capture_date: true,
                    ..CleanOptions::default()
                };
                let again = sharesafe_core::clean_bytes(&bytes, &keep_opts).expect("re-clean");
                assert_eq!(again.bytes, bytes);
                let strict = sharesafe_core::clean_bytes(&bytes, &CleanOptions::default())
                    .expect("re-clean");
                assert!(strict.bytes.len() < bytes.len());
            } else {
                assert!(tags.is_empty(), "{name}: {fields:?}");
            }
        }
    }
}

/// Mounts a small tmpfs (needs root; CI here runs as root), or says it is skipped.
fn small_disk(name: &str, kib: u32) -> Option<PathBuf> {
    let d = tempdir(name);
    let ok = std::process::Command::new("mount")
        .args(["-t", "tmpfs", "-o", &format!("size={kib}k"), "tmpfs"])
        .arg(&d)
        .status()
        .is_ok_and(|s| s.success());
    if !ok {
        eprintln!("SKIPPED: cannot mount a small tmpfs here (not root?)");
        return None;
    }
    Some(d)
}

fn unmount(d: &Path) {
    let _ = std::process::Command::new("umount").arg(d).status();
}

#[test]
fn full_disk_stops_with_a_clear_error_and_originals_intact() {
    let Some(corpus) = common::corpus_dir() else {
        return;
    };
    let big = std::fs::read(corpus.join("jpeg/mei/Apple_iPhone_4.jpg")).expect("read");
    let src = tempdir("full-src");
    for i in 0..8 {
        std::fs::write(src.join(format!("p{i}.jpg")), &big).expect("write");
    }
    let (items, _) = collect_items(std::slice::from_ref(&src), false);

    // To a nearly full output disk: 2 files fit, the third fails.
    let Some(disk) = small_disk("full-out", 2 * 340 + 100) else {
        return;
    };
    let opts = BatchOptions {
        output: BatchOutput::Directory(disk.clone()),
        jobs: 1,
        ..Default::default()
    };
    let s = clean_batch(&items, &opts, &mut |_| {});
    let leftovers: Vec<String> = names_in(&disk)
        .into_iter()
        .filter(|n| sharesafe_core::atomic::is_temp_name(n))
        .collect();
    let stopped = s
        .items
        .iter()
        .filter(|r| matches!(r.outcome, ItemOutcome::Skipped(STOPPED_DISK_FULL)))
        .count();
    let full_errors: Vec<String> = s
        .items
        .iter()
        .filter_map(|r| match &r.outcome {
            ItemOutcome::Refused(e) if is_disk_full(e) => Some(e.to_string()),
            _ => None,
        })
        .collect();
    unmount(&disk);
    assert!(s.disk_full && !s.complete(), "{s:?}");
    assert!(s.cleaned >= 1 && s.cleaned < 8);
    assert_eq!(
        full_errors.len(),
        1,
        "one file hit the full disk, then the batch stopped"
    );
    assert!(
        full_errors[0].contains("No space left"),
        "{}",
        full_errors[0]
    );
    assert!(
        !full_errors[0].contains(".jpg"),
        "the message names no file: {}",
        full_errors[0]
    );
    assert_eq!(s.cleaned + 1 + stopped, 8);
    assert!(
        leftovers.is_empty(),
        "temporary files left on the full disk: {leftovers:?}"
    );
    for i in 0..8 {
        assert_eq!(
            std::fs::read(src.join(format!("p{i}.jpg"))).expect("read"),
            big
        );
    }

    // In place on a full disk: the temporary file cannot be written, the original stays.
    let Some(disk) = small_disk("full-inplace", 400) else {
        return;
    };
    std::fs::write(disk.join("photo.jpg"), &big).expect("write");
    let s = clean_batch(
        &[sharesafe_core::batch::BatchItem::new(
            disk.join("photo.jpg"),
        )],
        &BatchOptions::default(),
        &mut |_| {},
    );
    let after = std::fs::read(disk.join("photo.jpg")).expect("read");
    let names = names_in(&disk);
    unmount(&disk);
    assert!(s.disk_full, "{s:?}");
    assert_eq!(after, big, "original changed on a full disk");
    assert_eq!(names, vec!["photo.jpg".to_string()]);
}

#[cfg(unix)]
#[test]
fn links_are_listed_not_followed_unless_asked() {
    let Some(corpus) = common::corpus_dir() else {
        return;
    };
    let outside = tempdir("links-outside");
    std::fs::copy(
        corpus.join("jpeg/exiftool/GPS.jpg"),
        outside.join("private.jpg"),
    )
    .expect("cp");
    let d = tempdir("links-src");
    std::fs::copy(corpus.join("jpeg/exiftool/GPS.jpg"), d.join("a.jpg")).expect("cp");
    std::os::unix::fs::symlink(outside.join("private.jpg"), d.join("link.jpg")).expect("ln");
    std::os::unix::fs::symlink(&outside, d.join("linkdir")).expect("ln");
    std::os::unix::fs::symlink(&d, d.join("loop")).expect("ln");
    let not_followed = collect_items_with(
        std::slice::from_ref(&d),
        &CollectOptions {
            recursive: true,
            follow_symlinks: false,
        },
    );
    assert_eq!(not_followed.items.len(), 1);
    assert_eq!(not_followed.links_not_followed.len(), 3);
    let followed = collect_items_with(
        std::slice::from_ref(&d),
        &CollectOptions {
            recursive: true,
            follow_symlinks: true,
        },
    );
    // a.jpg, link.jpg, linkdir/private.jpg; the loop back to d is visited once.
    assert_eq!(followed.items.len(), 3, "{:?}", followed.items);
}
