//! `sharesafe`: the command-line face of ShareSafe's core, for people cleaning folders of photos
//! on a computer and for scripts (`--json`). Exit codes: 0 every file cleaned, 1 any file refused,
//! 2 usage error.

mod audit;
mod caption;
mod clean;
mod faces;
mod fingerprint;
mod inspect;

use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Args, Parser, Subcommand};

/// Clean photos before you share them: ShareSafe removes location, camera, people and tracking
/// data without re-encoding, and shows what a photo gives away.
#[derive(Parser)]
#[command(name = "sharesafe", version, about)]
struct Cli {
    /// Log what ShareSafe does (never paths or photo contents) to stderr.
    #[arg(long, short, global = true)]
    verbose: bool,
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Remove metadata losslessly; every output is verified before it is written.
    Clean(CleanArgs),
    /// Show what each file contains and what `clean` would remove, without changing anything.
    Inspect(InspectArgs),
    /// List the faces found in photos (index, box as displayed, confidence): the indices are what
    /// `clean --keep-face` takes.
    Faces(FacesArgs),
    /// Report what a folder of photos gives away (places, devices, people, tracking IDs), without
    /// changing anything.
    Audit(audit::AuditArgs),
    /// Check a caption before posting it: names, places, schools, ages, routines, hashtags.
    Caption(CaptionArgs),
    /// Print the PDQ fingerprint (perceptual hash) of photos: what StopNCII and Take It Down use.
    Fingerprint(FingerprintArgs),
    /// The private ledger of photos shared through ShareSafe: add, find, list, export hashes.
    Ledger(LedgerArgs),
}

/// Arguments of `sharesafe clean`.
#[derive(Args)]
pub struct CleanArgs {
    /// Write cleaned copies into this folder (created if needed). Originals are untouched.
    #[arg(long, short, value_name = "DIR", conflicts_with = "in_place")]
    pub out: Option<PathBuf>,
    /// Replace each original with its cleaned copy (atomic: a crash leaves old or new).
    #[arg(long)]
    pub in_place: bool,
    /// Descend into folders.
    #[arg(long, short)]
    pub recursive: bool,
    /// Files cleaned at once (default: one per core).
    #[arg(long, short, default_value_t = 0)]
    pub jobs: usize,
    /// Print a JSON document instead of text.
    #[arg(long)]
    pub json: bool,
    /// Give cleaned copies random names (the name "IMG_20240612_Lisa_school.jpg" leaks), all in
    /// the output folder.
    #[arg(long, conflicts_with = "in_place")]
    pub random_names: bool,
    /// Keep the capture date (DateTimeOriginal only) and set it as the file time.
    #[arg(long)]
    pub keep_capture_date: bool,
    /// Follow symbolic links (they can lead outside the folder you chose).
    #[arg(long)]
    pub follow_symlinks: bool,
    /// Where to keep the journal that lets an interrupted batch resume (default: a hidden file
    /// in the output folder, or in the folder cleaned in place).
    #[arg(long, value_name = "FILE")]
    pub journal: Option<PathBuf>,
    /// Find the faces in each photo and destroy their pixels (with margins for hair and ears)
    /// before cleaning. A file whose faces cannot be found or redacted is refused; nothing is
    /// written for it. Needs the face model (see --face-model).
    #[arg(long)]
    pub redact_faces: bool,
    /// Leave these faces visible (indices printed by `sharesafe faces`, e.g. 0,2).
    #[arg(
        long,
        value_name = "I,J",
        value_delimiter = ',',
        requires = "redact_faces"
    )]
    pub keep_face: Vec<usize>,
    /// Hide this box too (x,y,width,height in pixels as displayed; repeatable). Works without
    /// --redact-faces to hide only boxes you chose.
    #[arg(long, value_name = "X,Y,W,H", value_parser = faces::parse_region)]
    pub region: Vec<sharesafe_core::redact::Region>,
    /// The look of redacted areas: a flat fill, or a sticker drawn over the destroyed pixels.
    #[arg(long, value_enum, default_value_t = StyleArg::Fill)]
    pub style: StyleArg,
    /// Where the face model comes from.
    #[command(flatten)]
    pub model: ModelArg,
    /// Photos, videos or folders.
    #[arg(required = true, value_name = "FILE|DIR")]
    pub inputs: Vec<PathBuf>,
}

/// How redacted areas look.
#[derive(Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum StyleArg {
    /// A flat colour (default).
    Fill,
    /// A round sticker over a flat fill: removing the sticker reveals only the fill.
    Sticker,
}

/// Where the face model comes from.
#[derive(Args)]
pub struct ModelArg {
    /// The CenterFace model file. Looked for in this order: this flag, then
    /// $SHARESAFE_FACE_MODEL, then centerface.onnx next to the sharesafe binary, then the source
    /// tree's core/assets/ (scripts/fetch-face-model.sh puts it there). A missing model is an
    /// error; nothing is cleaned unredacted instead.
    #[arg(long, value_name = "PATH")]
    pub face_model: Option<PathBuf>,
}

/// Arguments of `sharesafe faces`.
#[derive(Args)]
pub struct FacesArgs {
    /// Print a JSON document (displayed width and height, boxes, landmarks) instead of text.
    #[arg(long)]
    pub json: bool,
    /// Where the face model comes from.
    #[command(flatten)]
    pub model: ModelArg,
    /// Photos (JPEG, PNG, WebP).
    #[arg(required = true, value_name = "FILE")]
    pub inputs: Vec<PathBuf>,
}

/// Arguments of `sharesafe inspect`.
#[derive(Args)]
pub struct InspectArgs {
    /// Print a JSON document instead of text.
    #[arg(long)]
    pub json: bool,
    /// Also check the caption you mean to post with the photo(s).
    #[arg(long, value_name = "TEXT")]
    pub caption: Option<String>,
    /// Language of the caption explanations and the tips (en, fr, de, nl).
    #[arg(long, value_name = "LOCALE")]
    pub locale: Option<String>,
    /// Files to inspect.
    #[arg(required = true, value_name = "FILE")]
    pub inputs: Vec<PathBuf>,
}

/// Arguments of `sharesafe caption`.
#[derive(Args)]
pub struct CaptionArgs {
    /// Language of the explanations and tips (en, fr, de, nl; default: the caption's own).
    #[arg(long, value_name = "LOCALE")]
    pub locale: Option<String>,
    /// Print a JSON document instead of text.
    #[arg(long)]
    pub json: bool,
    /// The caption (read from standard input when omitted).
    #[arg(value_name = "TEXT")]
    pub text: Option<String>,
}

/// Arguments of `sharesafe fingerprint`.
#[derive(Args)]
pub struct FingerprintArgs {
    /// Print a JSON document instead of text.
    #[arg(long)]
    pub json: bool,
    /// Photos to fingerprint.
    #[arg(required = true, value_name = "FILE")]
    pub inputs: Vec<PathBuf>,
}

/// Arguments of `sharesafe ledger`.
#[derive(Args)]
pub struct LedgerArgs {
    /// The ledger file (default: $SHARESAFE_LEDGER, else ~/.local/share/sharesafe/).
    #[arg(long, global = true, value_name = "FILE")]
    pub ledger: Option<PathBuf>,
    /// What to do.
    #[command(subcommand)]
    pub command: LedgerCommand,
}

/// What to do with the ledger.
#[derive(Subcommand)]
pub enum LedgerCommand {
    /// Record that these photos were shared (their fingerprints only, never the photo).
    Add {
        /// The app they were shared to (package name or bundle id).
        #[arg(long, default_value = "")]
        app: String,
        /// Photos.
        #[arg(required = true, value_name = "FILE")]
        inputs: Vec<PathBuf>,
    },
    /// Was a photo like this one shared? (any rotation or mirror)
    Find {
        /// Largest Hamming distance that counts as the same picture (Meta's threshold: 31).
        #[arg(long, default_value_t = sharesafe_core::fingerprint::MATCH_THRESHOLD)]
        max_distance: u32,
        /// Print a JSON document instead of text.
        #[arg(long)]
        json: bool,
        /// Photos.
        #[arg(required = true, value_name = "FILE")]
        inputs: Vec<PathBuf>,
    },
    /// Print entries' hashes as text for a report (all entries when none are named).
    Export {
        /// Entry numbers (see `list`).
        entries: Vec<usize>,
    },
    /// List the entries.
    List,
}

fn main() -> ExitCode {
    let cli = match Cli::try_parse() {
        Ok(c) => c,
        Err(e) => {
            let code = if e.use_stderr() { 2 } else { 0 };
            let _ = e.print();
            return ExitCode::from(code);
        }
    };
    let level = if cli.verbose {
        log::LevelFilter::Debug
    } else {
        log::LevelFilter::Warn
    };
    env_logger::Builder::new()
        .filter_level(level)
        .parse_env("SHARESAFE_LOG")
        .format_timestamp(None)
        .init();
    let code = match cli.command {
        Command::Clean(args) => clean::run(args),
        Command::Inspect(args) => inspect::run(args),
        Command::Faces(args) => faces::run_faces(args),
        Command::Audit(args) => audit::run(args),
        Command::Caption(args) => caption::run(args),
        Command::Fingerprint(args) => fingerprint::run_fingerprint(args),
        Command::Ledger(args) => fingerprint::run_ledger(args),
    };
    ExitCode::from(code)
}
