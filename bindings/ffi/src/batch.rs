//! Why this exists: a parent cleans a whole selection (a camera-roll pick, a folder for a photo
//! book) in one go, with a progress bar and a cancel button. This exposes the core's batch engine
//! (`sharesafe_core::batch`) as one async call with a foreign-implemented progress listener and the
//! same [`crate::CancelHandle`] as single cleans. Conversions only: the engine decides everything.

use std::path::PathBuf;
use std::sync::Arc;

use sharesafe_core::batch as core_batch;

use crate::error::ShareSafeError;
use crate::report::CleanReport;
use crate::{worker, CancelHandle};

/// Why an item or a call failed, as a plain value (the variants of `ShareSafeError`), for the
/// per-file lines of a batch summary.
#[derive(Debug, Clone, Copy, PartialEq, Eq, uniffi::Enum)]
pub enum FailureKind {
    /// Not a format ShareSafe can clean (yet).
    UnsupportedFormat,
    /// Damaged or truncated.
    Damaged,
    /// Over one of the limits that keep a phone's memory and time bounded.
    TooLarge,
    /// Cancelled.
    Cancelled,
    /// The output file already exists.
    OutputExists,
    /// Reading or writing failed (storage full, permission, stream closed).
    Storage,
    /// A bug in ShareSafe.
    Internal,
}

impl From<&ShareSafeError> for FailureKind {
    fn from(e: &ShareSafeError) -> Self {
        match e {
            ShareSafeError::UnsupportedFormat(_) => Self::UnsupportedFormat,
            ShareSafeError::Damaged(_) => Self::Damaged,
            ShareSafeError::TooLarge(_) => Self::TooLarge,
            ShareSafeError::Cancelled(_) => Self::Cancelled,
            ShareSafeError::OutputExists(_) => Self::OutputExists,
            ShareSafeError::Storage(_) => Self::Storage,
            ShareSafeError::Internal(_) => Self::Internal,
        }
    }
}

/// What happened to one file of a batch.
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Enum)]
pub enum BatchItemOutcome {
    /// Cleaned and verified; the clean copy is at `output_path` (the original's path in place).
    Cleaned {
        /// Where the clean copy is.
        output_path: String,
        /// What was removed.
        report: CleanReport,
    },
    /// Not cleaned (nothing was written for it), for this reason.
    Refused {
        /// What an app can act on.
        kind: FailureKind,
        /// Safe to show and log: never a path or anything read from the file.
        message: String,
    },
    /// Not attempted: not a photo ShareSafe knows, output already there, or cancelled.
    Skipped {
        /// Why, in a few words.
        reason: String,
    },
}

/// One file's result.
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Record)]
pub struct BatchItemResult {
    /// Position of the file in the list passed to [`clean_batch`].
    pub index: u64,
    /// The input path, as passed in.
    pub input_path: String,
    /// What happened.
    pub outcome: BatchItemOutcome,
}

/// Progress after each file, in completion order.
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Record)]
pub struct BatchProgress {
    /// Files finished so far (including this one).
    pub done: u64,
    /// Files in the batch.
    pub total: u64,
    /// Input bytes of the files finished so far.
    pub bytes_done: u64,
    /// The file that just finished.
    pub item: BatchItemResult,
}

/// The end of a batch.
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Record)]
pub struct BatchSummary {
    /// Every file's result, in input order.
    pub items: Vec<BatchItemResult>,
    /// How many were cleaned.
    pub cleaned: u64,
    /// How many were refused.
    pub refused: u64,
    /// How many were skipped.
    pub skipped: u64,
    /// True when the batch was cancelled before every file was attempted.
    pub cancelled: bool,
    /// Input bytes of the cleaned files.
    pub bytes_in: u64,
    /// Output bytes of the cleaned files.
    pub bytes_out: u64,
}

/// Receives a batch's progress. Implemented by the app (Kotlin interface, Swift protocol, Python
/// class). Called from a ShareSafe worker thread, never the UI thread: hop to the main thread
/// before touching the UI.
#[uniffi::export(callback_interface)]
pub trait BatchListener: Send + Sync {
    /// One file finished.
    fn on_progress(&self, progress: BatchProgress);
}

fn path_string(p: &std::path::Path) -> String {
    p.to_string_lossy().into_owned()
}

impl From<&core_batch::ItemResult> for BatchItemResult {
    fn from(r: &core_batch::ItemResult) -> Self {
        let outcome = match &r.outcome {
            core_batch::ItemOutcome::Cleaned { output, report } => BatchItemOutcome::Cleaned {
                output_path: path_string(output),
                report: report.clone().into(),
            },
            core_batch::ItemOutcome::Refused(e) => {
                let e = ShareSafeError::from(e);
                BatchItemOutcome::Refused {
                    kind: FailureKind::from(&e),
                    message: e.to_string(),
                }
            }
            core_batch::ItemOutcome::Skipped(reason) => BatchItemOutcome::Skipped {
                reason: (*reason).to_owned(),
            },
        };
        Self {
            index: r.index as u64,
            input_path: path_string(&r.input),
            outcome,
        }
    }
}

/// Cleans every file in `input_paths`, `jobs` at a time (0: one per core), into `output_dir`
/// (created as needed; originals untouched, existing files never overwritten) or, when
/// `output_dir` is absent, each in place. `listener` hears about each file as it finishes.
/// Cancelling `cancel` (or the awaiting coroutine/task) lets running files finish or abort
/// cleanly, starts no new ones and marks the rest skipped; the summary then says `cancelled`.
/// One bad file never stops the batch: it is refused with its reason and the others go on.
#[uniffi::export]
pub async fn clean_batch(
    input_paths: Vec<String>,
    output_dir: Option<String>,
    jobs: u32,
    listener: Box<dyn BatchListener>,
    cancel: Option<Arc<CancelHandle>>,
) -> Result<BatchSummary, ShareSafeError> {
    let opts = core_batch::BatchOptions {
        clean: crate::clean_options(cancel),
        output: match output_dir {
            Some(dir) => core_batch::BatchOutput::Directory(PathBuf::from(dir)),
            None => core_batch::BatchOutput::InPlace,
        },
        jobs: jobs as usize,
        ..Default::default()
    };
    worker::run(opts.clean.cancel.clone(), move || {
        let items: Vec<core_batch::BatchItem> = input_paths
            .into_iter()
            .map(|p| core_batch::BatchItem::new(PathBuf::from(p)))
            .collect();
        let mut on_progress = |p: &core_batch::BatchProgress<'_>| {
            listener.on_progress(BatchProgress {
                done: p.done as u64,
                total: p.total as u64,
                bytes_done: p.bytes_done,
                item: BatchItemResult::from(p.item),
            })
        };
        let summary = core_batch::clean_batch(&items, &opts, &mut on_progress);
        Ok(BatchSummary {
            cleaned: summary.cleaned as u64,
            refused: summary.refused as u64,
            skipped: summary.skipped as u64,
            cancelled: summary.cancelled,
            bytes_in: summary.bytes_in,
            bytes_out: summary.bytes_out,
            items: summary.items.iter().map(Into::into).collect(),
        })
    })
    .await
}
