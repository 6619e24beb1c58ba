//! Why this exists: a parent cleans a whole camera roll, or a folder about to go to a school group
//! or a photo book, in one go. The batch engine cleans many files in parallel on the available
//! cores, reports each outcome as it happens (so a UI can show progress), stops at the next file
//! boundary when cancelled, and ends with a summary. One bad file never stops the batch: it gets a
//! refusal with its reason, and the others go on. Every file goes through the same verified,
//! atomic [`crate::clean_file`] / [`crate::clean_file_in_place`].

use std::collections::BTreeSet;
use std::hash::{BuildHasher, Hasher};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::{mpsc, Arc, Mutex};

use crate::clean::{
    prepare_clean_file, prepare_clean_in_place, CleanOptions, CleanReport, PreparedFile,
};
use crate::error::Error;
use crate::format::{sniff, Format, SNIFF_LEN};
use crate::journal::{DoneRecord, Journal};
use crate::parts::PartKind;

/// Where cleaned files go.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum BatchOutput {
    /// Into this directory, under each item's relative name (created as needed). Originals are
    /// untouched. An existing output file is never overwritten: the item is skipped.
    Directory(PathBuf),
    /// Each original is replaced atomically by its verified clean copy (temporary file in the
    /// same folder, fsync, rename, fsync of the folder).
    InPlace,
}

/// How cleaned files are named in an output directory.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub enum OutputNames {
    /// The original name and subfolders (with the extension fixed when it lies).
    #[default]
    Keep,
    /// A random 16-hex-digit name with the right extension, all in the output folder itself:
    /// "IMG_20240612_Lisa_school.jpg" tells a stranger a name, a date and a school; the folder
    /// names too. Stable across a resumed run (the secret is kept in the journal). Applies to
    /// [`BatchOutput::Directory`] only: in place, files keep their names.
    Random,
}

/// How a batch runs. Build one with `BatchOptions { output, ..Default::default() }`.
#[derive(Debug, Clone)]
pub struct BatchOptions {
    /// Options for every clean, including the cancel token for the whole batch and
    /// [`CleanOptions::keep_capture_date`] (which also sets each output's modification time to
    /// the capture time).
    pub clean: CleanOptions,
    /// Where cleaned files go.
    pub output: BatchOutput,
    /// Parallel workers; 0 means one per available core. Each also has a short-lived thread
    /// that syncs and publishes its last photo while it cleans the next (disk time, not
    /// processor time).
    pub jobs: usize,
    /// A gentler stop than `clean.cancel`: files already being cleaned finish, no new one starts
    /// (what Ctrl-C does in the CLI).
    pub stop: Option<crate::CancelToken>,
    /// How outputs are named.
    pub names: OutputNames,
    /// The journal file that lets an interrupted batch resume (see [`crate::journal`]): items it
    /// records as done, whose output is unchanged, are skipped; ShareSafe's temporary files left
    /// by the interrupted run are removed. Removed when the batch completes. `None`: no resume.
    pub journal: Option<PathBuf>,
}

impl Default for BatchOptions {
    fn default() -> Self {
        BatchOptions {
            clean: CleanOptions::default(),
            output: BatchOutput::InPlace,
            jobs: 0,
            stop: None,
            names: OutputNames::Keep,
            journal: None,
        }
    }
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
    /// Not attempted (not a photo or video ShareSafe knows, output already there, cancelled,
    /// [`ALREADY_CLEANED`] in an earlier run of a resumed batch).
    Skipped(&'static str),
}

/// The reason of items a resumed batch skips because an earlier run cleaned them.
pub const ALREADY_CLEANED: &str = "cleaned in an earlier run";
/// The reason of items not started because the disk filled up.
pub const STOPPED_DISK_FULL: &str = "not started: the disk is full";
/// Why an item was skipped when the batch was cancelled before or while it was cleaned.
pub const CANCELLED: &str = "cancelled";

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
    /// Input bytes of all items (as they were when the batch started).
    pub bytes_total: u64,
    /// The item that just finished.
    pub item: &'a ItemResult,
}

/// The end of a batch.
#[derive(Debug, Default)]
pub struct BatchSummary {
    /// Every item's result, in input order.
    pub items: Vec<ItemResult>,
    /// How many were cleaned (in this run).
    pub cleaned: usize,
    /// How many were refused.
    pub refused: usize,
    /// How many were skipped (including those already cleaned in an earlier run).
    pub skipped: usize,
    /// How many were skipped because an earlier, interrupted run of this batch cleaned them.
    pub resumed: usize,
    /// True when the batch was cancelled before every item was attempted.
    pub cancelled: bool,
    /// True when the disk filled up: the batch stopped, the file being written was discarded,
    /// and every original is intact. Free space and run the batch again to resume.
    pub disk_full: bool,
    /// Input bytes of the cleaned items.
    pub bytes_in: u64,
    /// Output bytes of the cleaned items.
    pub bytes_out: u64,
    /// What the cleaned files gave away: each kind of removed information with the number of
    /// files it was removed from, most common first.
    pub found: Vec<(PartKind, usize)>,
}

impl BatchSummary {
    /// Bytes of metadata removed from the cleaned items.
    pub fn bytes_removed(&self) -> u64 {
        self.bytes_in.saturating_sub(self.bytes_out)
    }

    /// True when every item was attempted (not cancelled, not stopped by a full disk).
    pub fn complete(&self) -> bool {
        !self.cancelled && !self.disk_full
    }
}

/// True when `e` says the disk (or the user's quota) is full.
pub fn is_disk_full(e: &Error) -> bool {
    match e {
        Error::Io { source, .. } => {
            // ENOSPC (28) and EDQUOT (122 on Linux, 69 on macOS/iOS).
            source.kind() == std::io::ErrorKind::StorageFull
                || source.kind() == std::io::ErrorKind::QuotaExceeded
                || matches!(source.raw_os_error(), Some(28))
        }
        _ => false,
    }
}

/// Formats the batch engine cleans: every format the core recognises has a cleaner; the
/// exhaustive match makes a new format a conscious decision here.
fn cleanable(format: Format) -> bool {
    match format {
        Format::Jpeg | Format::Png | Format::Webp | Format::Gif => true,
        Format::Heif | Format::Avif | Format::Mp4 | Format::Mov => true,
    }
}

/// A random secret (std's per-process random keys, a counter and the clock), for output names.
fn random_key() -> [u8; 16] {
    static COUNTER: AtomicUsize = AtomicUsize::new(0);
    let mut key = [0u8; 16];
    for half in key.chunks_mut(8) {
        let mut h = std::collections::hash_map::RandomState::new().build_hasher();
        h.write_usize(COUNTER.fetch_add(1, Ordering::Relaxed));
        h.write_u32(std::process::id());
        if let Ok(t) = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH) {
            h.write_u128(t.as_nanos());
        }
        half.copy_from_slice(&h.finish().to_le_bytes());
    }
    key
}

/// The random name of an item: a keyed hash of its input path, so a resumed batch picks the same
/// name again and does not write a second copy.
fn random_name(key: &[u8; 16], item: &BatchItem, format: Format) -> PathBuf {
    let mut h = std::collections::hash_map::DefaultHasher::new();
    h.write(key);
    h.write(item.path.as_os_str().as_encoded_bytes());
    PathBuf::from(format!("{:016x}.{}", h.finish(), format.extension()))
}

/// What identifies a batch's settings in its journal (stable across runs and Rust versions).
fn fingerprint(opts: &BatchOptions) -> u64 {
    let mut h: u64 = 0xcbf2_9ce4_8422_2325; // FNV-1a
    let mut eat = |b: &[u8]| {
        for &x in b {
            h ^= u64::from(x);
            h = h.wrapping_mul(0x0100_0000_01b3);
        }
    };
    match &opts.output {
        BatchOutput::InPlace => eat(b"in-place"),
        BatchOutput::Directory(d) => {
            eat(b"dir:");
            eat(d.as_os_str().as_encoded_bytes());
            eat(match opts.names {
                OutputNames::Keep => b":keep",
                OutputNames::Random => b":random",
            });
        }
    }
    h
}

struct Run<'a> {
    opts: &'a BatchOptions,
    name_key: [u8; 16],
    disk_full: &'a AtomicBool,
}

fn read_head(path: &Path, head: &mut [u8; SNIFF_LEN]) -> std::io::Result<usize> {
    use std::io::Read;
    let mut f = std::fs::File::open(path)?;
    let mut n = 0;
    while n < head.len() {
        match f.read(&mut head[n..]) {
            Ok(0) => break,
            Ok(k) => n += k,
            Err(e) if e.kind() == std::io::ErrorKind::Interrupted => continue,
            Err(e) => return Err(e),
        }
    }
    Ok(n)
}

/// Where one item stands after its clean: finished (refused, skipped), or verified and waiting
/// for its commit.
enum Stage {
    Done(ItemOutcome),
    Ready(PreparedFile),
}

/// Cleans and verifies one item into a temporary file; [`commit_one`] publishes it.
fn prepare_one(item: &BatchItem, run: &Run<'_>) -> (Stage, u64) {
    let opts = run.opts;
    let size = std::fs::metadata(&item.path).map(|m| m.len()).unwrap_or(0);
    let mut head = [0u8; SNIFF_LEN];
    let n = match read_head(&item.path, &mut head) {
        Ok(n) => n,
        Err(e) => {
            return (
                Stage::Done(ItemOutcome::Refused(Error::io("open input", e))),
                size,
            )
        }
    };
    if n == 0 {
        return (Stage::Done(ItemOutcome::Skipped("empty file")), size);
    }
    let format = match sniff(&head[..n]) {
        None => {
            return (
                Stage::Done(ItemOutcome::Skipped(
                    "not a photo or video ShareSafe recognises",
                )),
                size,
            )
        }
        Some(f) if !cleanable(f) => {
            return (
                Stage::Done(ItemOutcome::Refused(Error::Unsupported {
                    detected: Some(f.name()),
                })),
                size,
            )
        }
        Some(f) => f,
    };
    let result = match &opts.output {
        BatchOutput::InPlace => {
            // A link the user asked to follow is cleaned where it points, and stays a link.
            let target = match std::fs::symlink_metadata(&item.path) {
                Ok(m) if m.file_type().is_symlink() => {
                    std::fs::canonicalize(&item.path).unwrap_or_else(|_| item.path.clone())
                }
                _ => item.path.clone(),
            };
            prepare_clean_in_place(&target, &opts.clean)
        }
        BatchOutput::Directory(dir) => {
            let out = match opts.names {
                OutputNames::Keep => output_path(dir, item, &head[..n]),
                OutputNames::Random => dir.join(random_name(&run.name_key, item, format)),
            };
            match out.parent().map(std::fs::create_dir_all) {
                Some(Err(e)) => Err(Error::Io {
                    op: "create output directory",
                    source: e,
                }),
                _ => prepare_clean_file(&item.path, &out, &opts.clean),
            }
        }
    };
    match result {
        Ok(prepared) => (Stage::Ready(prepared), size),
        Err(e) => (Stage::Done(refusal(e, run)), size),
    }
}

/// Syncs and publishes a verified clean copy, unless the batch was cancelled meanwhile (then
/// the temporary file is removed and nothing appears).
fn commit_one(prepared: PreparedFile, run: &Run<'_>) -> ItemOutcome {
    let opts = run.opts;
    if opts.clean.cancel.as_ref().is_some_and(|c| c.is_cancelled()) {
        return ItemOutcome::Skipped(CANCELLED);
    }
    let output = prepared.target().to_path_buf();
    match prepared.commit() {
        Ok(report) => {
            if opts.clean.keep_capture_date {
                if let Some(t) = report.capture_time_unix {
                    set_file_time(&output, t);
                }
            }
            ItemOutcome::Cleaned { output, report }
        }
        Err(e) => refusal(e, run),
    }
}

fn refusal(e: Error, run: &Run<'_>) -> ItemOutcome {
    match e {
        Error::OutputExists => ItemOutcome::Skipped("output file already exists"),
        Error::Cancelled => ItemOutcome::Skipped(CANCELLED),
        e => {
            if is_disk_full(&e) {
                // Every further file would fail the same way; stop starting new ones.
                run.disk_full.store(true, Ordering::SeqCst);
            }
            ItemOutcome::Refused(e)
        }
    }
}

/// Sets a clean file's modification time to its capture time (what photo apps sort by). A
/// failure only costs the sort order, so it is logged, not fatal.
fn set_file_time(path: &Path, unix_seconds: i64) {
    let Ok(secs) = u64::try_from(unix_seconds) else {
        return;
    };
    let time = std::time::UNIX_EPOCH + std::time::Duration::from_secs(secs);
    // Read-only is enough for the owner, and a read-only photo (kept so in place) stays so.
    let r = std::fs::File::open(path).and_then(|f| f.set_modified(time));
    if let Err(e) = r {
        log::warn!("could not set a cleaned file's time: {e}");
    }
}

/// Folders where an item's temporary files are written: its own folder in place, the output
/// folder it goes to otherwise.
fn temp_dirs(items: &[BatchItem], opts: &BatchOptions) -> BTreeSet<PathBuf> {
    let parent = |p: &Path| -> PathBuf {
        match p.parent() {
            Some(d) if !d.as_os_str().is_empty() => d.to_path_buf(),
            _ => PathBuf::from("."),
        }
    };
    match (&opts.output, opts.names) {
        (BatchOutput::InPlace, _) => items.iter().map(|i| parent(&i.path)).collect(),
        (BatchOutput::Directory(d), OutputNames::Random) => [d.clone()].into(),
        (BatchOutput::Directory(d), OutputNames::Keep) => {
            items.iter().map(|i| parent(&d.join(&i.relative))).collect()
        }
    }
}

/// Removes ShareSafe's temporary files an interrupted run left in `dirs` (a SIGKILL or a power
/// cut gives a temporary file no chance to remove itself).
fn sweep_temporaries(dirs: &BTreeSet<PathBuf>) -> usize {
    let mut removed = 0;
    for d in dirs {
        let Ok(rd) = std::fs::read_dir(d) else {
            continue;
        };
        for e in rd.flatten() {
            let is_ours = e
                .file_name()
                .to_str()
                .is_some_and(crate::atomic::is_temp_name);
            if is_ours
                && e.file_type().is_ok_and(|t| t.is_file())
                && std::fs::remove_file(e.path()).is_ok()
            {
                removed += 1;
            }
        }
    }
    removed
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

fn panicked() -> ItemOutcome {
    ItemOutcome::Refused(Error::Internal("panic while cleaning"))
}

/// [`commit_one`], a panic in it turned into a refusal like one in a clean.
fn commit_caught(prepared: PreparedFile, run: &Run<'_>) -> ItemOutcome {
    std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| commit_one(prepared, run)))
        .unwrap_or_else(|_| panicked())
}

/// Publishes a prepared item on a thread of its own, which reports the item's result on `tx`
/// as soon as the file is published (or refused); where no thread can be started, it is done
/// here. The handle, when there is one, is for waiting until the commit is over.
fn start_commit<'scope, 'env>(
    scope: &'scope std::thread::Scope<'scope, 'env>,
    prepared: PreparedFile,
    run: &'scope Run<'_>,
    result: ItemResult,
    size: u64,
    tx: mpsc::Sender<(ItemResult, u64)>,
) -> Option<std::thread::ScopedJoinHandle<'scope, ()>> {
    // The thread takes the prepared file from the slot; if no thread can be started, it is still
    // there and is committed here instead.
    let slot = Arc::new(Mutex::new(Some((prepared, result, tx))));
    let theirs = Arc::clone(&slot);
    let commit = move |slot: &Mutex<Option<(PreparedFile, ItemResult, mpsc::Sender<_>)>>| {
        if let Some((prepared, mut result, tx)) = slot.lock().ok().and_then(|mut s| s.take()) {
            result.outcome = commit_caught(prepared, run);
            // The receiver is gone only when the batch is over; nothing is left to tell.
            tx.send((result, size)).ok();
        }
    };
    let spawned = std::thread::Builder::new()
        .name("sharesafe-commit".into())
        .spawn_scoped(scope, move || commit(&theirs));
    match spawned {
        Ok(handle) => Some(handle),
        Err(_) => {
            commit(&slot);
            None
        }
    }
}

/// Cleans every item, `opts.jobs` at a time, calling `on_progress` (on the calling thread) after
/// each one is published (or refused). Each job syncs and publishes one photo while it cleans
/// the next. Cancellation (through `opts.clean.cancel`) lets running files finish or abort
/// cleanly (a photo verified but not yet published is not published), starts no new ones, and
/// marks the rest skipped. A full disk stops the batch the same way
/// ([`BatchSummary::disk_full`]). With [`BatchOptions::journal`], a batch interrupted in any way
/// (even killed) resumes where it stopped when run again.
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
    let mut journal = opts.journal.as_deref().and_then(|p| {
        Journal::open(p, fingerprint(opts), random_key())
            .map_err(|e| log::warn!("batch journal unavailable, the batch cannot resume: {e}"))
            .ok()
    });
    if journal.as_ref().is_some_and(|j| j.resumed) {
        let n = sweep_temporaries(&temp_dirs(items, opts));
        log::debug!("resuming a batch; removed {n} temporary files of the interrupted run");
    }
    let run = Run {
        opts,
        name_key: journal.as_ref().map_or_else(random_key, |j| j.name_key),
        disk_full: &AtomicBool::new(false),
    };
    let sizes: Vec<u64> = items
        .iter()
        .map(|i| std::fs::metadata(&i.path).map(|m| m.len()).unwrap_or(0))
        .collect();
    let bytes_total = sizes.iter().sum();
    let mut results: Vec<Option<ItemResult>> = (0..items.len()).map(|_| None).collect();
    let mut summary = BatchSummary::default();
    let (mut done, mut bytes_done) = (0usize, 0u64);
    // Items an earlier run finished are reported first, without touching them.
    let mut pending = Vec::with_capacity(items.len());
    for (i, item) in items.iter().enumerate() {
        if journal
            .as_ref()
            .and_then(|j| j.finished(&item.path))
            .is_some()
        {
            let r = ItemResult {
                index: i,
                input: item.path.clone(),
                outcome: ItemOutcome::Skipped(ALREADY_CLEANED),
            };
            done += 1;
            bytes_done += sizes[i];
            on_progress(&BatchProgress {
                done,
                total: items.len(),
                bytes_done,
                bytes_total,
                item: &r,
            });
            results[i] = Some(r);
        } else {
            pending.push(i);
        }
    }
    let stopped = || {
        opts.clean.cancel.as_ref().is_some_and(|c| c.is_cancelled())
            || opts.stop.as_ref().is_some_and(|c| c.is_cancelled())
            || run.disk_full.load(Ordering::SeqCst)
    };
    let next = AtomicUsize::new(0);
    let (tx, rx) = mpsc::channel::<(ItemResult, u64)>();
    std::thread::scope(|scope| {
        for _ in 0..jobs.min(pending.len()) {
            let tx = tx.clone();
            let (next, pending, run, stopped) = (&next, &pending, &run, &stopped);
            scope.spawn(move || {
                // The commit (fsync, publish) of the file cleaned last runs on a thread of its
                // own while this one cleans the next, so the disk and the processor work at the
                // same time. One commit at most is in flight per job: the next waits for it.
                let mut committing: Option<std::thread::ScopedJoinHandle<'_, ()>> = None;
                loop {
                    if stopped() {
                        break;
                    }
                    let Some(&i) = pending.get(next.fetch_add(1, Ordering::SeqCst)) else {
                        break;
                    };
                    let item = &items[i];
                    // A bug in one file's clean must not take the batch down with it.
                    let (stage, size) =
                        std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
                            prepare_one(item, run)
                        }))
                        .unwrap_or((Stage::Done(panicked()), 0));
                    // The outcome is filled in below, or by the commit.
                    let mut result = ItemResult {
                        index: i,
                        input: item.path.clone(),
                        outcome: ItemOutcome::Skipped(CANCELLED),
                    };
                    match stage {
                        Stage::Done(outcome) => {
                            result.outcome = outcome;
                            if tx.send((result, size)).is_err() {
                                break;
                            }
                        }
                        Stage::Ready(prepared) => {
                            // The commit catches its own panics and reports its own result:
                            // joining only waits for it.
                            if let Some(c) = committing.take() {
                                c.join().ok();
                            }
                            committing =
                                start_commit(scope, prepared, run, result, size, tx.clone());
                        }
                    }
                }
                if let Some(c) = committing.take() {
                    c.join().ok();
                }
            });
        }
        drop(tx);
        for (result, size) in rx {
            if let (Some(j), ItemOutcome::Cleaned { output, .. }) =
                (journal.as_mut(), &result.outcome)
            {
                let recorded = DoneRecord::of(output)
                    .map_err(|e| Error::io("read output", e))
                    .and_then(|rec| j.record_done(&result.input, &rec));
                if let Err(e) = recorded {
                    // The clean file is published and verified; only the resume loses track.
                    log::warn!("batch journal not updated: {e}");
                    if is_disk_full(&e) {
                        run.disk_full.store(true, Ordering::SeqCst);
                    }
                }
            }
            done += 1;
            bytes_done += size;
            on_progress(&BatchProgress {
                done,
                total: items.len(),
                bytes_done,
                bytes_total,
                item: &result,
            });
            let i = result.index;
            results[i] = Some(result);
        }
    });
    summary.disk_full = run.disk_full.load(Ordering::SeqCst);
    // Cancelled when some item was not done because of it: never started, or stopped while it
    // was cleaned or before its commit (then the journal is kept, so that a resumed batch does
    // those items).
    summary.cancelled = !summary.disk_full
        && stopped()
        && results.iter().any(|r| match r {
            None => true,
            Some(r) => matches!(r.outcome, ItemOutcome::Skipped(CANCELLED)),
        });
    let mut found: Vec<(PartKind, usize)> = Vec::new();
    for (i, r) in results.into_iter().enumerate() {
        let r = r.unwrap_or_else(|| ItemResult {
            index: i,
            input: items[i].path.clone(),
            outcome: ItemOutcome::Skipped(if summary.disk_full {
                STOPPED_DISK_FULL
            } else {
                CANCELLED
            }),
        });
        match &r.outcome {
            ItemOutcome::Cleaned { report, .. } => {
                summary.cleaned += 1;
                summary.bytes_in += report.input_bytes;
                summary.bytes_out += report.output_bytes;
                let mut kinds = report.removed_kinds();
                if report.capture_date.is_some() && !kinds.contains(&PartKind::Exif) {
                    // Rewritten to the date alone: the camera, place and the rest were removed.
                    kinds.push(PartKind::Exif);
                }
                for kind in kinds {
                    match found.iter_mut().find(|(k, _)| *k == kind) {
                        Some((_, n)) => *n += 1,
                        None => found.push((kind, 1)),
                    }
                }
            }
            ItemOutcome::Refused(_) => summary.refused += 1,
            ItemOutcome::Skipped(why) => {
                summary.skipped += 1;
                if *why == ALREADY_CLEANED {
                    summary.resumed += 1;
                }
            }
        }
        summary.items.push(r);
    }
    found.sort_by_key(|f| std::cmp::Reverse(f.1));
    summary.found = found;
    if let (Some(j), Some(path)) = (journal, opts.journal.as_deref()) {
        if summary.complete() {
            drop(j);
            if let Err(e) = std::fs::remove_file(path) {
                log::warn!("could not remove the finished batch journal: {e}");
            }
        } else if let Err(e) = j.sync() {
            log::warn!("batch journal not synced: {e}");
        }
    }
    summary
}

/// How [`collect_items_with`] expands folders.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct CollectOptions {
    /// Descend into subfolders.
    pub recursive: bool,
    /// Follow symbolic links (to files and folders, loops detected). Off by default: a link can
    /// lead out of the folder the parent chose, to files they did not mean to touch.
    pub follow_symlinks: bool,
}

/// What [`collect_items_with`] found.
#[derive(Debug, Default)]
pub struct Collected {
    /// The files to clean, in a stable order (sorted by name within each folder).
    pub items: Vec<BatchItem>,
    /// Folders that could not be read.
    pub unreadable: Vec<PathBuf>,
    /// Symbolic links that were not followed (so each still gets a line in a summary).
    pub links_not_followed: Vec<PathBuf>,
}

/// Expands files and folders into batch items. Folders are read recursively when `recursive`
/// (else their files only); symbolic links are not followed (a link could lead out of the folder
/// the parent chose), ShareSafe's own temporary and journal files are ignored, and every other
/// entry becomes an item so that each gets a line in the summary. Items under a folder are named
/// by their path below it. Unreadable folders are returned in the second list.
pub fn collect_items(paths: &[PathBuf], recursive: bool) -> (Vec<BatchItem>, Vec<PathBuf>) {
    let c = collect_items_with(
        paths,
        &CollectOptions {
            recursive,
            follow_symlinks: false,
        },
    );
    (c.items, c.unreadable)
}

/// [`collect_items`] with every option, and the links it did not follow.
pub fn collect_items_with(paths: &[PathBuf], opts: &CollectOptions) -> Collected {
    let mut c = Collected::default();
    let mut visited = BTreeSet::new();
    for p in paths {
        let is_dir = if opts.follow_symlinks {
            std::fs::metadata(p).is_ok_and(|m| m.is_dir())
        } else {
            std::fs::symlink_metadata(p).is_ok_and(|m| m.is_dir())
        };
        if is_dir {
            walk(p, p, opts, &mut c, &mut visited);
        } else {
            c.items.push(BatchItem::new(p.clone()));
        }
    }
    c
}

fn is_own_file(name: &std::ffi::OsStr) -> bool {
    name.to_str()
        .is_some_and(|n| crate::atomic::is_temp_name(n) || crate::journal::is_journal_name(n))
}

fn walk(
    root: &Path,
    dir: &Path,
    opts: &CollectOptions,
    c: &mut Collected,
    visited: &mut BTreeSet<PathBuf>,
) {
    if opts.follow_symlinks {
        // A followed link may point back up the tree: visit each real folder once.
        let real = std::fs::canonicalize(dir).unwrap_or_else(|_| dir.to_path_buf());
        if !visited.insert(real) {
            return;
        }
    }
    let Ok(rd) = std::fs::read_dir(dir) else {
        c.unreadable.push(dir.to_path_buf());
        return;
    };
    let mut entries: Vec<_> = rd.flatten().collect();
    entries.sort_by_key(|e| e.file_name());
    for e in entries {
        let path = e.path();
        let Ok(mut ft) = e.file_type() else { continue };
        if is_own_file(&e.file_name()) {
            continue;
        }
        if ft.is_symlink() {
            if !opts.follow_symlinks {
                c.links_not_followed.push(path);
                continue;
            }
            match std::fs::metadata(&path) {
                Ok(m) => ft = m.file_type(),
                Err(_) => {
                    // A dangling link: an item, so that it gets its line (it fails to open).
                    let relative = path.strip_prefix(root).map(Path::to_path_buf);
                    c.items.push(BatchItem {
                        relative: relative.unwrap_or_else(|_| PathBuf::from(e.file_name())),
                        path,
                    });
                    continue;
                }
            }
        }
        if ft.is_dir() {
            if opts.recursive {
                walk(root, &path, opts, c, visited);
            }
        } else {
            let relative = path
                .strip_prefix(root)
                .map(Path::to_path_buf)
                .unwrap_or_else(|_| PathBuf::from(e.file_name()));
            c.items.push(BatchItem { path, relative });
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::io::CancelToken;

    fn tempdir(name: &str) -> PathBuf {
        let d = std::env::temp_dir().join(format!(
            "sharesafe-batch-{name}-{}-{:x}",
            std::process::id(),
            u64::from_le_bytes(random_key()[..8].try_into().expect("8 bytes"))
        ));
        std::fs::create_dir_all(&d).expect("create test dir");
        d
    }

    /// A small JPEG with a comment for the clean to remove.
    fn photo(dir: &Path) -> PathBuf {
        let img =
            image::RgbImage::from_fn(32, 16, |x, y| image::Rgb([x as u8 * 8, y as u8 * 16, 90]));
        let mut jpeg = Vec::new();
        image::codecs::jpeg::JpegEncoder::new_with_quality(&mut jpeg, 90)
            .encode_image(&img)
            .expect("encoding to memory");
        let mut with_comment = jpeg[..2].to_vec();
        with_comment.extend_from_slice(&[0xFF, 0xFE, 0, 7, b'h', b'e', b'l', b'l', b'o']);
        with_comment.extend_from_slice(&jpeg[2..]);
        let p = dir.join("in.jpg");
        std::fs::write(&p, with_comment).expect("write photo");
        p
    }

    fn names(dir: &Path) -> Vec<String> {
        let mut n: Vec<String> = std::fs::read_dir(dir)
            .expect("ls")
            .flatten()
            .map(|e| e.file_name().to_string_lossy().into_owned())
            .collect();
        n.sort();
        n
    }

    /// A photo in a folder of its own, cleaned by [`prepare_clean_file`] into an empty output
    /// folder as `in.jpg`; both folders go when it is dropped.
    struct Fixture {
        src: PathBuf,
        out: PathBuf,
        target: PathBuf,
        opts: BatchOptions,
    }

    impl Fixture {
        fn new(name: &str, cancel: Option<CancelToken>) -> Self {
            let (src, out) = (
                tempdir(&format!("{name}-src")),
                tempdir(&format!("{name}-out")),
            );
            let opts = BatchOptions {
                clean: CleanOptions {
                    cancel,
                    ..CleanOptions::default()
                },
                output: BatchOutput::Directory(out.clone()),
                ..Default::default()
            };
            let target = out.join("in.jpg");
            Fixture {
                src,
                out,
                target,
                opts,
            }
        }

        fn prepare(&self) -> PreparedFile {
            prepare_clean_file(&photo(&self.src), &self.target, &self.opts.clean).expect("clean")
        }

        fn commit(&self, prepared: PreparedFile) -> ItemOutcome {
            let run = Run {
                opts: &self.opts,
                name_key: random_key(),
                disk_full: &AtomicBool::new(false),
            };
            commit_one(prepared, &run)
        }
    }

    impl Drop for Fixture {
        fn drop(&mut self) {
            std::fs::remove_dir_all(&self.src).ok();
            std::fs::remove_dir_all(&self.out).ok();
        }
    }

    #[test]
    fn a_clean_verified_before_cancellation_is_not_published_after_it() {
        let cancel = CancelToken::new();
        let fx = Fixture::new("cancel", Some(cancel.clone()));
        let prepared = fx.prepare();
        assert_eq!(
            names(&fx.out).len(),
            1,
            "the verified copy waits as a temporary file"
        );
        cancel.cancel();
        assert!(matches!(
            fx.commit(prepared),
            ItemOutcome::Skipped(CANCELLED)
        ));
        assert!(
            names(&fx.out).is_empty(),
            "published or left behind: {:?}",
            names(&fx.out)
        );
    }

    #[test]
    fn an_output_that_appears_before_the_commit_is_never_clobbered() {
        let fx = Fixture::new("taken", None);
        let prepared = fx.prepare();
        std::fs::write(&fx.target, b"somebody else's file").expect("write");
        assert!(matches!(
            fx.commit(prepared),
            ItemOutcome::Skipped("output file already exists")
        ));
        assert_eq!(
            std::fs::read(&fx.target).expect("read"),
            b"somebody else's file"
        );
        assert_eq!(
            names(&fx.out),
            ["in.jpg"],
            "a temporary file was left behind"
        );
    }

    #[test]
    fn a_committed_clean_is_published_verified() {
        let fx = Fixture::new("commit", None);
        let prepared = fx.prepare();
        let ItemOutcome::Cleaned { output, report } = fx.commit(prepared) else {
            panic!("not published");
        };
        assert_eq!(output, fx.target);
        assert_eq!(report.removed_kinds(), [PartKind::Text]);
        let published = std::fs::read(&fx.target).expect("read");
        assert_eq!(published.len() as u64, report.output_bytes);
        assert!(
            !published.windows(5).any(|w| w == b"hello"),
            "the comment survived"
        );
        assert_eq!(names(&fx.out), ["in.jpg"]);
    }

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
