//! Why this exists: a parent cleans a whole camera roll, or a folder about to go to a school group
//! or a photo book, in one go. The batch engine cleans many files in parallel on the available
//! cores, reports each outcome as it happens (so a UI can show progress), stops at the next file
//! boundary when cancelled, and ends with a summary. One bad file never stops the batch: it gets a
//! refusal with its reason, and the others go on. Every file goes through the same verified,
//! atomic [`crate::clean_file`] / [`crate::clean_file_in_place`].

use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::mpsc;

use crate::clean::{clean_file, clean_file_in_place, CleanOptions, CleanReport};
use crate::error::Error;
use crate::format::{sniff, Format, SNIFF_LEN};

/// Where cleaned files go.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum BatchOutput {
    /// Into this directory, under each item's relative name (created as needed). Originals are
    /// untouched. An existing output file is never overwritten: the item is skipped.
    Directory(PathBuf),
    /// Each original is replaced atomically by its verified clean copy.
    InPlace,
}

/// How a batch runs.
#[derive(Debug, Clone)]
pub struct BatchOptions {
    /// Options for every clean, including the cancel token for the whole batch.
    pub clean: CleanOptions,
    /// Where cleaned files go.
    pub output: BatchOutput,
    /// Parallel workers; 0 means one per available core.
    pub jobs: usize,
    /// A gentler stop than `clean.cancel`: files already being cleaned finish, no new one starts
    /// (what Ctrl-C does in the CLI).
    pub stop: Option<crate::CancelToken>,
}

/// One file to clean.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BatchItem {
    /// The file to read.
    pub path: PathBuf,
    /// Its name under the output directory (the file name, or the path below the folder the
    /// user chose when cleaning a folder recursively).
    pub relative: PathBuf,
}

impl BatchItem {
    /// An item named by its file name in the output directory.
    pub fn new(path: impl Into<PathBuf>) -> Self {
        let path = path.into();
        let relative = path
            .file_name()
            .map(PathBuf::from)
            .unwrap_or_else(|| PathBuf::from("file"));
        BatchItem { path, relative }
    }
}

impl From<PathBuf> for BatchItem {
    fn from(p: PathBuf) -> Self {
        BatchItem::new(p)
    }
}

/// What happened to one item.
#[derive(Debug)]
pub enum ItemOutcome {
    /// Cleaned and verified; the clean copy is at `output`.
    Cleaned {
        /// Where the clean copy is (the original's path when in place).
        output: PathBuf,
        /// What was removed.
        report: CleanReport,
    },
    /// Not cleaned, for this reason (nothing was written for it).
    Refused(Error),
    /// Not attempted (not a photo or video ShareSafe knows, output already there, cancelled).
    Skipped(&'static str),
}

/// One item's result.
#[derive(Debug)]
pub struct ItemResult {
    /// Position of the item in the batch's input list.
    pub index: usize,
    /// The input path.
    pub input: PathBuf,
    /// What happened.
    pub outcome: ItemOutcome,
}

/// Progress after each item, in completion order.
#[derive(Debug)]
pub struct BatchProgress<'a> {
    /// Items finished so far (including this one).
    pub done: usize,
    /// Items in the batch.
    pub total: usize,
    /// Input bytes of the items finished so far.
    pub bytes_done: u64,
    /// The item that just finished.
    pub item: &'a ItemResult,
}

/// The end of a batch.
#[derive(Debug, Default)]
pub struct BatchSummary {
    /// Every item's result, in input order.
    pub items: Vec<ItemResult>,
    /// How many were cleaned.
    pub cleaned: usize,
    /// How many were refused.
    pub refused: usize,
    /// How many were skipped.
    pub skipped: usize,
    /// True when the batch was cancelled before every item was attempted.
    pub cancelled: bool,
    /// Input bytes of the cleaned items.
    pub bytes_in: u64,
    /// Output bytes of the cleaned items.
    pub bytes_out: u64,
}

/// Formats the batch engine cleans: every format the core recognises has a cleaner; the
/// exhaustive match makes a new format a conscious decision here.
fn cleanable(format: Format) -> bool {
    match format {
        Format::Jpeg | Format::Png | Format::Webp | Format::Gif => true,
        Format::Heif | Format::Avif | Format::Mp4 | Format::Mov => true,
    }
}

fn clean_one(item: &BatchItem, opts: &BatchOptions) -> (ItemOutcome, u64) {
    let size = std::fs::symlink_metadata(&item.path)
        .map(|m| m.len())
        .unwrap_or(0);
    let mut head = [0u8; SNIFF_LEN];
    let n = match std::fs::File::open(&item.path).and_then(|mut f| {
        use std::io::Read;
        let mut n = 0;
        while n < head.len() {
            match f.read(&mut head[n..])? {
                0 => break,
                k => n += k,
            }
        }
        Ok(n)
    }) {
        Ok(n) => n,
        Err(e) => {
            return (
                ItemOutcome::Refused(Error::Io {
                    op: "open input",
                    source: e,
                }),
                size,
            )
        }
    };
    if n == 0 {
        return (ItemOutcome::Skipped("empty file"), size);
    }
    match sniff(&head[..n]) {
        None => {
            return (
                ItemOutcome::Skipped("not a photo or video ShareSafe recognises"),
                size,
            )
        }
        Some(f) if !cleanable(f) => {
            return (
                ItemOutcome::Refused(Error::Unsupported {
                    detected: Some(f.name()),
                }),
                size,
            )
        }
        Some(_) => {}
    }
    let result = match &opts.output {
        BatchOutput::InPlace => {
            clean_file_in_place(&item.path, &opts.clean).map(|r| (item.path.clone(), r))
        }
        BatchOutput::Directory(dir) => {
            let out = output_path(dir, item, &head[..n]);
            match out.parent().map(std::fs::create_dir_all) {
                Some(Err(e)) => Err(Error::Io {
                    op: "create output directory",
                    source: e,
                }),
                _ => clean_file(&item.path, &out, &opts.clean).map(|r| (out, r)),
            }
        }
    };
    let outcome = match result {
        Ok((output, report)) => ItemOutcome::Cleaned { output, report },
        Err(Error::OutputExists) => ItemOutcome::Skipped("output file already exists"),
        Err(Error::Cancelled) => ItemOutcome::Skipped("cancelled"),
        Err(e) => ItemOutcome::Refused(e),
    };
    (outcome, size)
}

/// The output path for an item: its relative name under `dir`, with the extension corrected when
/// it lies about the content (a JPEG named `.HEIC` becomes `.jpg`).
pub fn output_path(dir: &Path, item: &BatchItem, head: &[u8]) -> PathBuf {
    let mut out = dir.join(&item.relative);
    if let Some(format) = sniff(head) {
        let ext = out
            .extension()
            .and_then(|e| e.to_str())
            .map(str::to_ascii_lowercase);
        if !extension_matches(format, ext.as_deref()) {
            out.set_extension(format.extension());
        }
    }
    out
}

/// True when `ext` is a usual extension for `format`.
pub fn extension_matches(format: Format, ext: Option<&str>) -> bool {
    let ok: &[&str] = match format {
        Format::Jpeg => &["jpg", "jpeg", "jpe", "jfif"],
        Format::Png => &["png", "apng"],
        Format::Webp => &["webp"],
        Format::Gif => &["gif"],
        Format::Heif => &["heic", "heif", "hif"],
        Format::Avif => &["avif"],
        Format::Mp4 => &["mp4", "m4v", "3gp"],
        Format::Mov => &["mov", "qt"],
    };
    ext.is_some_and(|e| ok.contains(&e))
}

/// Cleans every item, `opts.jobs` at a time, calling `on_progress` (on the calling thread) after
/// each one. Cancellation (through `opts.clean.cancel`) lets running files finish or abort
/// cleanly, starts no new ones, and marks the rest skipped.
pub fn clean_batch(
    items: &[BatchItem],
    opts: &BatchOptions,
    on_progress: &mut dyn FnMut(&BatchProgress<'_>),
) -> BatchSummary {
    let jobs = match opts.jobs {
        0 => std::thread::available_parallelism()
            .map(|n| n.get())
            .unwrap_or(1),
        n => n,
    }
    .clamp(1, items.len().max(1));
    let next = AtomicUsize::new(0);
    let cancelled = || {
        opts.clean.cancel.as_ref().is_some_and(|c| c.is_cancelled())
            || opts.stop.as_ref().is_some_and(|c| c.is_cancelled())
    };
    let mut results: Vec<Option<ItemResult>> = (0..items.len()).map(|_| None).collect();
    let mut summary = BatchSummary::default();
    let (tx, rx) = mpsc::channel::<(ItemResult, u64)>();
    std::thread::scope(|scope| {
        for _ in 0..jobs {
            let tx = tx.clone();
            let next = &next;
            scope.spawn(move || loop {
                if cancelled() {
                    break;
                }
                let i = next.fetch_add(1, Ordering::SeqCst);
                let Some(item) = items.get(i) else { break };
                // A bug in one file's clean must not take the batch down with it.
                let (outcome, size) =
                    std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
                        clean_one(item, opts)
                    }))
                    .unwrap_or((
                        ItemOutcome::Refused(Error::Internal("panic while cleaning")),
                        0,
                    ));
                if tx
                    .send((
                        ItemResult {
                            index: i,
                            input: item.path.clone(),
                            outcome,
                        },
                        size,
                    ))
                    .is_err()
                {
                    break;
                }
            });
        }
        drop(tx);
        let mut bytes_done = 0u64;
        for (done, (result, size)) in (1..).zip(rx) {
            bytes_done += size;
            on_progress(&BatchProgress {
                done,
                total: items.len(),
                bytes_done,
                item: &result,
            });
            let i = result.index;
            results[i] = Some(result);
        }
    });
    summary.cancelled = cancelled() && results.iter().any(Option::is_none);
    for (i, r) in results.into_iter().enumerate() {
        let r = r.unwrap_or_else(|| ItemResult {
            index: i,
            input: items[i].path.clone(),
            outcome: ItemOutcome::Skipped("cancelled"),
        });
        match &r.outcome {
            ItemOutcome::Cleaned { report, .. } => {
                summary.cleaned += 1;
                summary.bytes_in += report.input_bytes;
                summary.bytes_out += report.output_bytes;
            }
            ItemOutcome::Refused(_) => summary.refused += 1,
            ItemOutcome::Skipped(_) => summary.skipped += 1,
        }
        summary.items.push(r);
    }
    summary
}

/// Expands files and folders into batch items. Folders are read recursively when `recursive`
/// (else their files only); symbolic links are not followed (a link could lead out of the folder
/// the parent chose), ShareSafe's own temporary files are ignored, and every other entry becomes
/// an item so that each gets a line in the summary. Items under a folder are named by their path
/// below it. Unreadable folders are returned in the second list.
pub fn collect_items(paths: &[PathBuf], recursive: bool) -> (Vec<BatchItem>, Vec<PathBuf>) {
    let mut items = Vec::new();
    let mut unreadable = Vec::new();
    for p in paths {
        match std::fs::symlink_metadata(p) {
            Ok(m) if m.is_dir() => walk(p, p, recursive, &mut items, &mut unreadable),
            _ => items.push(BatchItem::new(p.clone())),
        }
    }
    (items, unreadable)
}

fn walk(
    root: &Path,
    dir: &Path,
    recursive: bool,
    items: &mut Vec<BatchItem>,
    unreadable: &mut Vec<PathBuf>,
) {
    let Ok(rd) = std::fs::read_dir(dir) else {
        unreadable.push(dir.to_path_buf());
        return;
    };
    let mut entries: Vec<_> = rd.flatten().collect();
    entries.sort_by_key(|e| e.file_name());
    for e in entries {
        let path = e.path();
        let Ok(ft) = e.file_type() else { continue };
        if e.file_name()
            .to_str()
            .is_some_and(crate::atomic::is_temp_name)
        {
            continue;
        }
        if ft.is_dir() {
            if recursive {
                walk(root, &path, recursive, items, unreadable);
            }
        } else if ft.is_symlink() {
            continue;
        } else {
            let relative = path
                .strip_prefix(root)
                .map(Path::to_path_buf)
                .unwrap_or_else(|_| PathBuf::from(e.file_name()));
            items.push(BatchItem { path, relative });
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn extension_is_fixed_only_when_it_lies() {
        let jpeg = [0xFF, 0xD8, 0xFF, 0xE0];
        let dir = Path::new("/out");
        assert_eq!(
            output_path(dir, &BatchItem::new("/in/IMG_1.HEIC"), &jpeg),
            Path::new("/out/IMG_1.jpg")
        );
        assert_eq!(
            output_path(dir, &BatchItem::new("/in/a.JPEG"), &jpeg),
            Path::new("/out/a.JPEG")
        );
    }
}
