//! Why this exists: the public face of the cleaner and the fail-closed rule in one place. Every
//! entry point sniffs the format from the bytes, runs the format's clean, then re-reads what was
//! written with the format's independent verifier and compares image digests and orientation.
//! Only a verified output is ever returned or published; on any error the output is discarded.

use std::fs::File;
use std::io::{BufWriter, Cursor, Read, Seek, SeekFrom, Write};
use std::path::{Path, PathBuf};

use serde::Serialize;

use crate::atomic::AtomicFile;
use crate::error::{Error, Result};
use crate::format::{sniff, Format, SNIFF_LEN};
use crate::formats::exif_orientation::CaptureDate;
use crate::formats::{self, Cleaned, Verified};
use crate::io::{CancelToken, Ctx, MetadataBlock, MetadataCollector, NullSink, Sink, Source};
use crate::parts::{Action, PartInfo, PartKind};
use crate::Limits;

/// How a clean runs.
#[derive(Debug, Clone, Default)]
pub struct CleanOptions {
    /// Resource limits for reading the input.
    pub limits: Limits,
    /// Set it from another thread to stop the clean; nothing is published after cancellation.
    pub cancel: Option<CancelToken>,
    /// Keep the capture date (EXIF DateTimeOriginal, alone: no time zone, no other date) in the
    /// clean file, for albums and photo books sorted by date. Off by default: a date narrows down
    /// where a child was (school days, holidays).
    pub keep_capture_date: bool,
}

/// What a clean (or an inspection) found and did.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct CleanReport {
    /// The format, decided from the content.
    pub format: Format,
    /// Size of the input in bytes.
    pub input_bytes: u64,
    /// Size of the cleaned output in bytes (for an inspection: what it would be).
    pub output_bytes: u64,
    /// The orientation kept in the output's minimal EXIF, when the photo is rotated or mirrored.
    pub orientation: Option<u16>,
    /// Every part of the input, in file order, with what the allowlist did to it.
    pub parts: Vec<PartInfo>,
    /// The capture date kept in the output (`YYYY:MM:DD HH:MM:SS`, the camera's local time),
    /// only with [`CleanOptions::keep_capture_date`].
    #[serde(skip_serializing_if = "Option::is_none")]
    pub capture_date: Option<String>,
    /// The same as seconds since the Unix epoch (the camera's time-zone offset applied when it
    /// recorded one, else the local time read as UTC): what a batch sets as the file time.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub capture_time_unix: Option<i64>,
}

impl CleanReport {
    /// The parts that were removed.
    pub fn removed(&self) -> impl Iterator<Item = &PartInfo> {
        self.parts.iter().filter(|p| p.action == Action::Removed)
    }

    /// The kinds of information removed, each once, in the order first met.
    pub fn removed_kinds(&self) -> Vec<PartKind> {
        let mut kinds = Vec::new();
        for p in self.removed() {
            if !kinds.contains(&p.kind) {
                kinds.push(p.kind);
            }
        }
        kinds
    }

    /// How many bytes the clean removed.
    pub fn bytes_removed(&self) -> u64 {
        self.input_bytes.saturating_sub(self.output_bytes)
    }
}

/// A verified clean copy held in memory.
#[derive(Debug, Clone)]
pub struct CleanedBytes {
    /// The cleaned file.
    pub bytes: Vec<u8>,
    /// What was found and done.
    pub report: CleanReport,
}

/// Reads the first bytes, decides the format, and rewinds.
fn sniff_stream<R: Read + Seek>(input: &mut R) -> Result<(Format, u64)> {
    let start = input
        .stream_position()
        .map_err(|e| Error::io("read input", e))?;
    let mut head = [0u8; SNIFF_LEN];
    let mut n = 0;
    while n < head.len() {
        match input.read(&mut head[n..]) {
            Ok(0) => break,
            Ok(k) => n += k,
            Err(e) if e.kind() == std::io::ErrorKind::Interrupted => continue,
            Err(e) => return Err(Error::io("read input", e)),
        }
    }
    input
        .seek(SeekFrom::Start(start))
        .map_err(|e| Error::io("read input", e))?;
    match sniff(&head[..n]) {
        Some(f) => Ok((f, start)),
        None => Err(Error::Unsupported { detected: None }),
    }
}

/// Runs the format's clean from `input` into `out` without verification. Also returns the
/// capture date kept, if any.
/// Whether a walk's output will be verified (a clean) or only reported (a dry run).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Walk {
    Clean,
    DryRun,
}

fn run_clean<'a, R: Read + Seek, W: Write + Seek>(
    format: Format,
    input: &mut R,
    out: &mut Sink<W>,
    opts: &'a CleanOptions,
    collector: Option<MetadataCollector<'a>>,
    walk: Walk,
) -> Result<(Cleaned, u64, Option<CaptureDate>)> {
    let mut ctx = Ctx::new(format, &opts.limits, opts.cancel.as_ref())
        .with_collector(collector)
        .keeping_capture_date(opts.keep_capture_date);
    if walk == Walk::DryRun {
        ctx = ctx.without_digest();
    }
    if let Format::Heif | Format::Avif | Format::Mp4 | Format::Mov = format {
        // ISO-BMFF needs random access (HEIF item offsets), so it gets the seekable input.
        let (cleaned, read) = formats::isobmff::clean(input, out, &mut ctx)?;
        return Ok((cleaned, read, ctx.capture_date));
    }
    let mut src = Source::new(input, format, &opts.limits);
    let cleaned = match format {
        Format::Jpeg => formats::jpeg::clean(&mut src, out, &mut ctx)?,
        Format::Png => formats::png::clean(&mut src, out, &mut ctx)?,
        Format::Webp => formats::webp::clean(&mut src, out, &mut ctx)?,
        Format::Gif => formats::gif::clean(&mut src, out, &mut ctx)?,
        other => {
            return Err(Error::Unsupported {
                detected: Some(other.name()),
            })
        }
    };
    let mut cleaned = cleaned;
    // Parts are reported in file order (a few, like ICC chunks, are settled after later ones).
    cleaned.parts.sort_by_key(|p| p.offset);
    Ok((cleaned, src.offset(), ctx.capture_date))
}

/// Re-reads a cleaned output with the format's verifier.
fn run_verify<R: Read>(format: Format, output: R, opts: &CleanOptions) -> Result<Verified> {
    // The verifier reads our own output, but it is still parsed as untrusted input.
    let mut ctx = Ctx::new(format, &opts.limits, opts.cancel.as_ref())
        .keeping_capture_date(opts.keep_capture_date);
    let mut src = Source::new(output, format, &opts.limits);
    let verified = match format {
        Format::Jpeg => formats::jpeg::verify(&mut src, &mut ctx),
        Format::Png => formats::png::verify(&mut src, &mut ctx),
        Format::Webp => formats::webp::verify(&mut src, &mut ctx),
        Format::Gif => formats::gif::verify(&mut src, &mut ctx),
        Format::Heif | Format::Avif | Format::Mp4 | Format::Mov => {
            formats::isobmff::verify(&mut src, &mut ctx)
        }
    };
    // A verifier that cannot parse our output is a verification failure, not a damaged input.
    let verified = verified.map_err(|e| match e {
        Error::Malformed { reason, .. } => Error::VerificationFailed { format, reason },
        Error::LimitExceeded { limit, .. } => Error::VerificationFailed {
            format,
            reason: limit,
        },
        other => other,
    })?;
    if !src.at_eof()? {
        return Err(Error::VerificationFailed {
            format,
            reason: "bytes after the end of the cleaned file",
        });
    }
    Ok(verified)
}

/// Whether a clean of a `input` file may come out as `output`: the same format, except that MP4
/// and MOV are one family (a MOV whose leading `free` or `wide` box is dropped may then begin
/// with an `ftyp` that reads as MP4; players treat both alike).
fn same_family(input: Format, output: Format) -> bool {
    let family = |f: Format| match f {
        Format::Mov => Format::Mp4,
        other => other,
    };
    family(input) == family(output)
}

/// The cleaned output, read from its first bytes, must still be the input's kind of file: a
/// receiving app goes by those bytes. (The verifier parses the output as the input's container,
/// so on its own it would not notice a rewritten file type, as fuzzing once showed for HEIF.)
fn check_output_format<R: Read + Seek>(format: Format, output: &mut R) -> Result<()> {
    let found = match sniff_stream(output) {
        Ok((found, _)) => Some(found),
        Err(Error::Unsupported { .. }) => None,
        Err(e) => return Err(e),
    };
    match found {
        Some(found) if same_family(format, found) => Ok(()),
        _ => Err(Error::VerificationFailed {
            format,
            reason: "the cleaned file no longer reads as the input's format",
        }),
    }
}

fn check_verified(format: Format, cleaned: &Cleaned, verified: &Verified) -> Result<()> {
    if verified.digest != cleaned.digest {
        return Err(Error::VerificationFailed {
            format,
            reason: "image data differs from the input's",
        });
    }
    if verified.orientation != cleaned.orientation {
        return Err(Error::VerificationFailed {
            format,
            reason: "orientation differs from the input's",
        });
    }
    Ok(())
}

/// Cleans `input` into `output` and verifies what was written. `output` must be empty from its
/// current position on (a new file, an empty `Cursor<Vec<u8>>`).
///
/// On `Ok`, `output` holds a verified clean copy. On `Err`, whatever `output` holds must be
/// discarded: it may be partial. [`clean_bytes`] and [`clean_file`] do that for you.
pub fn clean<R: Read + Seek, W: Read + Write + Seek>(
    mut input: R,
    mut output: W,
    opts: &CleanOptions,
) -> Result<CleanReport> {
    let (format, _) = sniff_stream(&mut input)?;
    let out_start = output
        .stream_position()
        .map_err(|e| Error::io("write output", e))?;
    let (cleaned, input_bytes, written, capture_date) = {
        let mut sink = Sink::new(
            BufWriter::with_capacity(crate::io::COPY_BUF, &mut output),
            out_start,
        );
        let (cleaned, read, date) =
            run_clean(format, &mut input, &mut sink, opts, None, Walk::Clean)?;
        sink.flush()?;
        (cleaned, read, sink.written(), date)
    };
    opts.cancel.as_ref().map_or(Ok(()), |c| {
        if c.is_cancelled() {
            Err(Error::Cancelled)
        } else {
            Ok(())
        }
    })?;
    output
        .seek(SeekFrom::Start(out_start))
        .map_err(|e| Error::io("read output", e))?;
    check_output_format(format, &mut output)?;
    let verified = run_verify(format, (&mut output).take(written), opts)?;
    check_verified(format, &cleaned, &verified)?;
    log::debug!(
        "cleaned {format}: {input_bytes} -> {written} bytes, {} parts removed",
        cleaned
            .parts
            .iter()
            .filter(|p| p.action == Action::Removed)
            .count()
    );
    Ok(CleanReport {
        format,
        input_bytes,
        output_bytes: written,
        orientation: cleaned.orientation,
        parts: cleaned.parts,
        capture_date: capture_date.map(|d| d.as_str().to_string()),
        capture_time_unix: capture_date.map(|d| d.unix_seconds()),
    })
}

/// Cleans a file held in memory and returns the verified clean copy.
pub fn clean_bytes(input: &[u8], opts: &CleanOptions) -> Result<CleanedBytes> {
    let mut out = Cursor::new(Vec::with_capacity(input.len()));
    let report = clean(Cursor::new(input), &mut out, opts)?;
    Ok(CleanedBytes {
        bytes: out.into_inner(),
        report,
    })
}

fn open_input(path: &Path, limits: &Limits) -> Result<File> {
    let file = File::open(path).map_err(|e| Error::io("open input", e))?;
    let meta = file.metadata().map_err(|e| Error::io("open input", e))?;
    if !meta.is_file() {
        return Err(Error::io(
            "open input",
            std::io::Error::new(std::io::ErrorKind::InvalidInput, "not a regular file"),
        ));
    }
    if meta.len() > limits.max_input_bytes {
        return Err(Error::LimitExceeded {
            format: sniff_stream(&mut &file)
                .map(|f| f.0)
                .unwrap_or(Format::Jpeg),
            limit: "max_input_bytes",
            part: crate::Part::Header,
            offset: 0,
        });
    }
    Ok(file)
}

fn parent_dir(path: &Path) -> &Path {
    match path.parent() {
        Some(p) if !p.as_os_str().is_empty() => p,
        _ => Path::new("."),
    }
}

/// Cleans the file at `input` into a new file at `output`. Never overwrites: fails with
/// [`Error::OutputExists`] when `output` exists. The output appears only complete and verified
/// (temporary file in the same directory, fsync, link/rename, directory fsync).
pub fn clean_file(input: &Path, output: &Path, opts: &CleanOptions) -> Result<CleanReport> {
    prepare_clean_file(input, output, opts)?.commit()
}

/// Cleans the file at `path` in place: the original stays untouched until the verified clean copy
/// atomically replaces it. The file's permissions are kept.
pub fn clean_file_in_place(path: &Path, opts: &CleanOptions) -> Result<CleanReport> {
    prepare_clean_in_place(path, opts)?.commit()
}

/// A verified clean copy in a temporary file beside its destination, not yet synced to disk or
/// published. Dropping it removes the temporary file. The batch cleans the next photo while the
/// last one is committed, so that the disk and the processor work at the same time.
pub(crate) struct PreparedFile {
    tmp: AtomicFile,
    target: PathBuf,
    replace: bool,
    report: CleanReport,
}

impl PreparedFile {
    /// Where the clean copy will appear.
    pub(crate) fn target(&self) -> &Path {
        &self.target
    }

    /// Syncs the clean copy to disk and publishes it: as a new file (never clobbering: fails with
    /// [`Error::OutputExists`]) or replacing the original (in place).
    pub(crate) fn commit(self) -> Result<CleanReport> {
        if self.replace {
            self.tmp.commit_replace(&self.target)?;
        } else {
            self.tmp.commit_new(&self.target)?;
        }
        Ok(self.report)
    }
}

/// [`clean_file`] up to, not including, the commit.
pub(crate) fn prepare_clean_file(
    input: &Path,
    output: &Path,
    opts: &CleanOptions,
) -> Result<PreparedFile> {
    let src = open_input(input, &opts.limits)?;
    if output.exists() {
        return Err(Error::OutputExists);
    }
    let mut tmp = AtomicFile::new_in(parent_dir(output))?;
    let report = clean(std::io::BufReader::new(src), tmp.file(), opts)?;
    Ok(PreparedFile {
        tmp,
        target: output.to_path_buf(),
        replace: false,
        report,
    })
}

/// [`clean_file_in_place`] up to, not including, the commit.
pub(crate) fn prepare_clean_in_place(path: &Path, opts: &CleanOptions) -> Result<PreparedFile> {
    let src = open_input(path, &opts.limits)?;
    let perms = src
        .metadata()
        .map_err(|e| Error::io("open input", e))?
        .permissions();
    let mut tmp = AtomicFile::new_in(parent_dir(path))?;
    let report = clean(std::io::BufReader::new(src), tmp.file(), opts)?;
    tmp.file()
        .set_permissions(perms)
        .map_err(|e| Error::io("set permissions", e))?;
    Ok(PreparedFile {
        tmp,
        target: path.to_path_buf(),
        replace: true,
        report,
    })
}

/// Lists every part of a file and what a clean would do with it, without writing anything.
/// Runs the same code as [`clean`] into a sink that keeps nothing, so the answer cannot drift
/// from what a clean really does.
pub fn inspect_structure<R: Read + Seek>(input: R, limits: &Limits) -> Result<CleanReport> {
    dry_run(input, limits, None)
}

/// Like [`inspect_structure`], and hands the payload of every removed metadata block (EXIF, XMP,
/// IPTC, comments, text chunks, the start of trailers) to `collector` as the walk meets it. This
/// is what the privacy report reads: what it shows is exactly what a clean removes.
pub fn inspect_metadata<R: Read + Seek>(
    input: R,
    limits: &Limits,
    collector: &mut dyn FnMut(&MetadataBlock<'_>),
) -> Result<CleanReport> {
    dry_run(input, limits, Some(collector))
}

fn dry_run<R: Read + Seek>(
    mut input: R,
    limits: &Limits,
    mut collector: Option<MetadataCollector<'_>>,
) -> Result<CleanReport> {
    let (format, _) = sniff_stream(&mut input)?;
    let opts = CleanOptions {
        limits: limits.clone(),
        ..CleanOptions::default()
    };
    let mut sink = Sink::new(NullSink::default(), 0);
    // Re-borrow the collector for as long as the local options live.
    let collector = collector.as_mut().map(|c| {
        let c: &mut dyn FnMut(&MetadataBlock<'_>) = &mut **c;
        c
    });
    let (cleaned, input_bytes, _) = run_clean(
        format,
        &mut input,
        &mut sink,
        &opts,
        collector,
        Walk::DryRun,
    )?;
    Ok(CleanReport {
        format,
        input_bytes,
        output_bytes: sink.written(),
        orientation: cleaned.orientation,
        parts: cleaned.parts,
        capture_date: None,
        capture_time_unix: None,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ftyp(major: &[u8; 4], compatible: &[&[u8; 4]]) -> Vec<u8> {
        let size = 16 + 4 * compatible.len();
        let mut b = (size as u32).to_be_bytes().to_vec();
        b.extend_from_slice(b"ftyp");
        b.extend_from_slice(major);
        b.extend_from_slice(&[0; 4]);
        for c in compatible {
            b.extend_from_slice(*c);
        }
        b.extend_from_slice(&[0, 0, 0, 8, b'm', b'd', b'a', b't']);
        b
    }

    fn check(format: Format, bytes: &[u8]) -> Result<()> {
        let mut out = Cursor::new(bytes.to_vec());
        out.set_position(0);
        let r = check_output_format(format, &mut out);
        assert_eq!(
            out.position(),
            0,
            "the check leaves the output where it found it"
        );
        r
    }

    #[test]
    fn the_output_must_read_as_the_inputs_format_with_mp4_and_mov_as_one_family() {
        let jpeg = [0xFF, 0xD8, 0xFF, 0xE0, 0, 16];
        let png = *b"\x89PNG\r\n\x1a\n\0\0\0\x0dIHDR";
        let mp4 = ftyp(b"isom", &[b"isom", b"mp41"]);
        let mov = ftyp(b"qt  ", &[b"qt  "]);
        let heif = ftyp(b"heic", &[b"mif1", b"heic"]);
        assert!(check(Format::Jpeg, &jpeg).is_ok());
        assert!(check(Format::Png, &png).is_ok());
        assert!(check(Format::Heif, &heif).is_ok());
        // A MOV that began with `wide` or `free` may come out beginning with an MP4 `ftyp`.
        assert!(check(Format::Mov, &mp4).is_ok());
        assert!(check(Format::Mp4, &mov).is_ok());
        for (format, bytes) in [
            (Format::Jpeg, &png[..]),
            (Format::Png, &jpeg[..]),
            (Format::Heif, &mp4[..]),
            (Format::Mp4, &heif[..]),
            (Format::Jpeg, b"not an image at all, just text"),
            (Format::Jpeg, &[][..]),
        ] {
            assert!(
                matches!(
                    check(format, bytes),
                    Err(Error::VerificationFailed { reason, .. })
                        if reason.contains("no longer reads as")
                ),
                "{format:?} accepted an output that reads otherwise"
            );
        }
    }
}
