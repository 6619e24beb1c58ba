//! Why this exists: the Android and iOS apps (and Python) reach the Rust core only through this
//! crate, so the boundary is one small, reviewable place. It is a thin adapter: it converts core
//! types into UniFFI records and enums, maps the core's errors onto the few outcomes an app can act
//! on (module `error`), and moves long work off the caller's thread (module `worker`). It holds
//! no cleaning logic of its own; everything it returns comes from `sharesafe-core`.
//!
//! Generate bindings with the workspace's own generator (library mode):
//! `cargo run -p uniffi-bindgen -- generate --library <libsharesafe_ffi.so> --language kotlin|swift|python --out-dir <dir>`.
//! `uniffi.toml` beside this file is the host configuration; `uniffi-android.toml` is for Gradle.

mod batch;
mod caption;
mod error;
mod faces;
mod fingerprint;
mod privacy;
mod report;
mod worker;

use std::path::PathBuf;
use std::sync::Arc;

pub use batch::{
    clean_batch, BatchItemOutcome, BatchItemResult, BatchListener, BatchProgress, BatchSummary,
    FailureKind,
};
pub use caption::{
    all_tips, check_caption, preload_caption_dictionaries, tips_for, CaptionCheck, CaptionRewrite,
    CaptionSeverity, CaptionWarning, CaptionWarningKind, CombinedCaptionRisk, PrivacyTip,
};
pub use error::ShareSafeError;
pub use faces::{
    face_region, DetectedFace, FaceDetection, FaceDetector, FacePoint, RedactRegion, RedactedPhoto,
    RedactionReport, RedactionStyle,
};
pub use fingerprint::{
    fingerprint_bytes, fingerprint_file, pdq_distance, LedgerMatch, PhotoFingerprint,
    SharedPhotoLedger,
};
pub use privacy::{
    finding_ids, privacy_report_bytes, privacy_report_fd, privacy_report_file, FindingCategory,
    FindingSeverity, PrivacyFinding, PrivacyReport,
};
pub use report::{CleanReport, CleanedFile, FileFormat, PartAction, PartInfo, PartKind};

uniffi::setup_scaffolding!();

/// A handle that stops a running clean or inspection. Create one, pass it to a call, and call
/// [`CancelHandle::cancel`] from any thread: the call then fails with `ShareSafeError.Cancelled`
/// and writes nothing. Cancelling the Kotlin coroutine or Swift task that awaits a call cancels
/// its handle too.
#[derive(uniffi::Object, Debug, Default)]
pub struct CancelHandle {
    token: sharesafe_core::CancelToken,
}

#[uniffi::export]
impl CancelHandle {
    /// A handle that is not cancelled.
    #[uniffi::constructor]
    pub fn new() -> Arc<Self> {
        Arc::new(Self::default())
    }

    /// Asks every call holding this handle to stop as soon as it can.
    pub fn cancel(&self) {
        self.token.cancel();
    }

    /// True once [`CancelHandle::cancel`] was called.
    pub fn is_cancelled(&self) -> bool {
        self.token.is_cancelled()
    }
}

/// The core's clean options with default limits and the given handle's token (or a fresh one, so
/// that dropping the foreign future can still stop the work).
fn clean_options(cancel: Option<Arc<CancelHandle>>) -> sharesafe_core::CleanOptions {
    let token = cancel.map(|h| h.token.clone()).unwrap_or_default();
    sharesafe_core::CleanOptions {
        cancel: Some(token),
        ..Default::default()
    }
}

/// Cleans a photo held in memory (Android: the bytes read from the shared content URI) and returns
/// the verified clean copy with its report. Nothing touches the disk. Fails closed: on any error
/// there is no output at all.
#[uniffi::export]
pub async fn clean_bytes(
    input: Vec<u8>,
    cancel: Option<Arc<CancelHandle>>,
) -> Result<CleanedFile, ShareSafeError> {
    let opts = clean_options(cancel);
    worker::run(opts.cancel.clone(), move || {
        let cleaned = sharesafe_core::clean_bytes(&input, &opts)?;
        Ok(CleanedFile::from(cleaned))
    })
    .await
}

/// Cleans the file at `input_path` into a new file at `output_path` (iOS: a file URL's path inside
/// the extension's container). Never overwrites: fails with `ShareSafeError.OutputExists` when the
/// output exists. The output appears only complete and verified; the input is never modified.
#[uniffi::export]
pub async fn clean_file(
    input_path: String,
    output_path: String,
    cancel: Option<Arc<CancelHandle>>,
) -> Result<CleanReport, ShareSafeError> {
    let opts = clean_options(cancel);
    worker::run(opts.cancel.clone(), move || {
        let report = sharesafe_core::clean_file(
            &PathBuf::from(input_path),
            &PathBuf::from(output_path),
            &opts,
        )?;
        Ok(CleanReport::from(report))
    })
    .await
}

/// Cleans the file at `path` in place: the original stays untouched until the verified clean copy
/// atomically replaces it, so an error or a cancel leaves the original as it was.
#[uniffi::export]
pub async fn clean_file_in_place(
    path: String,
    cancel: Option<Arc<CancelHandle>>,
) -> Result<CleanReport, ShareSafeError> {
    let opts = clean_options(cancel);
    worker::run(opts.cancel.clone(), move || {
        let report = sharesafe_core::clean_file_in_place(&PathBuf::from(path), &opts)?;
        Ok(CleanReport::from(report))
    })
    .await
}

/// The path through which the library reopens an open file descriptor: Android hands over a
/// content URI as a `ParcelFileDescriptor`, and reading `/proc/self/fd/<fd>` needs no `unsafe`
/// and leaves the descriptor (and its read position) to the app, which closes it.
fn fd_path(fd: i32) -> Result<PathBuf, ShareSafeError> {
    if fd < 0 {
        return Err(ShareSafeError::Storage(
            "not an open file descriptor".to_owned(),
        ));
    }
    Ok(PathBuf::from(format!("/proc/self/fd/{fd}")))
}

/// Cleans the photo behind the open file descriptor `fd` (Android: `ParcelFileDescriptor.getFd()`
/// of the shared content URI) into a new file at `output_path`, like [`clean_file`]. The app keeps
/// owning `fd` and closes it after the call; it must refer to a regular file (a seekable
/// descriptor, e.g. from `ContentResolver.openFileDescriptor`).
#[uniffi::export]
pub async fn clean_fd(
    fd: i32,
    output_path: String,
    cancel: Option<Arc<CancelHandle>>,
) -> Result<CleanReport, ShareSafeError> {
    let opts = clean_options(cancel);
    worker::run(opts.cancel.clone(), move || {
        let report = sharesafe_core::clean_file(&fd_path(fd)?, &PathBuf::from(output_path), &opts)?;
        Ok(CleanReport::from(report))
    })
    .await
}

/// Lists every part of a photo held in memory and what a clean would do with it (keep, remove,
/// rewrite), without writing anything: what the app shows before the parent shares.
#[uniffi::export]
pub async fn inspect_bytes(input: Vec<u8>) -> Result<CleanReport, ShareSafeError> {
    worker::run(None, move || {
        let report = sharesafe_core::inspect_structure(
            std::io::Cursor::new(input),
            &sharesafe_core::Limits::default(),
        )?;
        Ok(CleanReport::from(report))
    })
    .await
}

/// Like [`inspect_bytes`] for the file at `path`; reads the file, writes nothing.
#[uniffi::export]
pub async fn inspect_file(path: String) -> Result<CleanReport, ShareSafeError> {
    worker::run(None, move || {
        let file =
            std::fs::File::open(PathBuf::from(path)).map_err(|e| sharesafe_core::Error::Io {
                op: "open input",
                source: e,
            })?;
        let report = sharesafe_core::inspect_structure(
            std::io::BufReader::new(file),
            &sharesafe_core::Limits::default(),
        )?;
        Ok(CleanReport::from(report))
    })
    .await
}

/// Panics inside Rust on purpose. Exists only in test builds (feature `test-hooks`) so that the
/// tests in every language can prove a panic arrives as `ShareSafeError.Internal`, not a crash.
#[cfg(feature = "test-hooks")]
#[uniffi::export]
pub fn trigger_panic_for_tests() -> Result<(), ShareSafeError> {
    error::guard(|| -> Result<(), ShareSafeError> {
        panic!("deliberate panic from trigger_panic_for_tests")
    })
}

/// Like [`trigger_panic_for_tests`], but the panic happens on the worker thread of an async call.
#[cfg(feature = "test-hooks")]
#[uniffi::export]
pub async fn trigger_async_panic_for_tests() -> Result<(), ShareSafeError> {
    worker::run(None, || -> Result<(), ShareSafeError> {
        panic!("deliberate panic from trigger_async_panic_for_tests")
    })
    .await
}
