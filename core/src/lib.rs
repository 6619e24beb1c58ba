//! ShareSafe's core: everything a phone needs to share a photo of a child without giving away
//! where the child lives or who they are — lossless metadata removal with verification, and the
//! pieces built on it. Pure Rust, no FFI, no network, no `unsafe`.
//!
//! Entry points: [`clean_bytes`], [`clean`] (streams), [`clean_file`], [`clean_file_in_place`],
//! [`inspect_structure`] (what a clean would remove, without writing anything), and [`inspect`]
//! (the privacy report: what the photo gives away, in plain words).

#![forbid(unsafe_code)]

pub mod atomic;
pub mod audit;
pub mod batch;
pub mod caption;
mod clean;
pub mod decode;
pub mod error;
#[cfg(feature = "faces")]
pub mod faces;
pub mod fingerprint;
mod format;
mod formats;
pub mod icc;
mod io;
pub mod journal;
mod limits;
pub mod parts;
pub mod policy;
pub mod redact;
pub mod report;
pub mod tips;

// Caption types stay under `caption::` (the photo report has findings and severities too).
pub use caption::{analyze_caption, CaptionReport};
pub use clean::{
    clean, clean_bytes, clean_file, clean_file_in_place, inspect_metadata, inspect_structure,
    CleanOptions, CleanReport, CleanedBytes,
};
pub use error::{Error, Part, Result};
pub use format::{sniff, Format, SNIFF_LEN};
pub use io::{CancelToken, MetadataBlock};
pub use limits::Limits;
pub use parts::{Action, PartInfo, PartKind};
pub use report::{
    inspect, inspect_bytes, Coordinates, Finding, FindingId, FindingKind, FoundIn, InspectOptions,
    PrivacyReport, PrivateValue, Severity, Signal,
};
pub use tips::{tips_for, PhotoSignal, Tip, TipId};
