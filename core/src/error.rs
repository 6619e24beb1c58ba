//! Why this exists: every way a clean can fail, as a value a program can match on and a person can
//! read. Errors carry *where* (format, marker or chunk, byte offset) and *what* (a static reason),
//! never user data: no path, caption, coordinate or text taken from the file. That keeps them safe
//! to log and to show, and lets `bindings/ffi` map them onto the few things an app can act on.

use std::fmt;

use crate::Format;

/// The part of a file an error or a finding refers to: a JPEG marker, a PNG/RIFF chunk FourCC, an
/// ISO-BMFF box type, or the file header. Bytes that are not printable ASCII are shown as hex, so a
/// hostile file cannot smuggle text into a log line through a chunk name.
#[derive(Clone, Copy, PartialEq, Eq, Hash)]
pub enum Part {
    /// The file's signature or fixed header.
    Header,
    /// A JPEG marker (the byte after 0xFF).
    JpegMarker(u8),
    /// A four-character code: PNG chunk type, RIFF chunk id, ISO-BMFF box type.
    FourCc([u8; 4]),
    /// A GIF block, by its introducer and (for extensions) label.
    GifBlock(u8, u8),
    /// Bytes after the format's logical end.
    Trailer,
}

impl fmt::Display for Part {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match *self {
            Part::Header => f.write_str("header"),
            Part::JpegMarker(m) => write!(f, "marker 0xFF{m:02X} ({})", jpeg_marker_name(m)),
            Part::FourCc(cc) => {
                if cc.iter().all(|b| b.is_ascii_graphic() || *b == b' ') {
                    for b in cc {
                        write!(f, "{}", b as char)?;
                    }
                    Ok(())
                } else {
                    write!(f, "0x{:02X}{:02X}{:02X}{:02X}", cc[0], cc[1], cc[2], cc[3])
                }
            }
            Part::GifBlock(intro, label) => write!(f, "block 0x{intro:02X}/0x{label:02X}"),
            Part::Trailer => f.write_str("trailing data"),
        }
    }
}

impl fmt::Debug for Part {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Display::fmt(self, f)
    }
}

/// The conventional short name of a JPEG marker (`SOF0`, `APP1`, `RST3`…).
pub fn jpeg_marker_name(m: u8) -> &'static str {
    const APP: [&str; 16] = [
        "APP0", "APP1", "APP2", "APP3", "APP4", "APP5", "APP6", "APP7", "APP8", "APP9", "APP10",
        "APP11", "APP12", "APP13", "APP14", "APP15",
    ];
    const SOF: [&str; 16] = [
        "SOF0", "SOF1", "SOF2", "SOF3", "DHT", "SOF5", "SOF6", "SOF7", "JPG", "SOF9", "SOF10",
        "SOF11", "DAC", "SOF13", "SOF14", "SOF15",
    ];
    const RST: [&str; 8] = [
        "RST0", "RST1", "RST2", "RST3", "RST4", "RST5", "RST6", "RST7",
    ];
    match m {
        0x01 => "TEM",
        0xC0..=0xCF => SOF[usize::from(m - 0xC0)],
        0xD0..=0xD7 => RST[usize::from(m - 0xD0)],
        0xD8 => "SOI",
        0xD9 => "EOI",
        0xDA => "SOS",
        0xDB => "DQT",
        0xDC => "DNL",
        0xDD => "DRI",
        0xDE => "DHP",
        0xDF => "EXP",
        0xE0..=0xEF => APP[usize::from(m - 0xE0)],
        0xF0..=0xFD => "JPGn",
        0xFE => "COM",
        _ => "reserved",
    }
}

/// Everything that can go wrong in the core. Each variant documents when it happens.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// The bytes are not a format ShareSafe can clean. `detected` names what they look like when
    /// the signature is known but the format is not supported (yet).
    #[error("unsupported file type{}", detected.map(|d| format!(" ({d})")).unwrap_or_default())]
    Unsupported {
        /// What the signature says the file is, when recognised.
        detected: Option<&'static str>,
    },

    /// The file breaks its format's rules at `offset`: truncated, a length that points past the
    /// end, a missing required part. Nothing was written.
    #[error("damaged {format} file: {reason} at {part}, offset {offset}")]
    Malformed {
        /// The container format being read.
        format: Format,
        /// The marker, chunk or box being read when the problem was found.
        part: Part,
        /// Byte offset in the input where the problem was found.
        offset: u64,
        /// What is wrong, in a few words.
        reason: &'static str,
    },

    /// The file is within its format's rules but over one of the [`crate::Limits`] that keep a
    /// phone's memory and time bounded.
    #[error("{format} file exceeds the {limit} limit at {part}, offset {offset}")]
    LimitExceeded {
        /// The container format being read.
        format: Format,
        /// Which limit (the field name in [`crate::Limits`]).
        limit: &'static str,
        /// The marker, chunk or box being read.
        part: Part,
        /// Byte offset in the input.
        offset: u64,
    },

    /// The cleaned output did not pass the independent re-check (something outside the allowlist,
    /// or image data that differs from the input's). The output was discarded. This is a bug in
    /// ShareSafe, never a property of the photo.
    #[error("cleaned {format} output failed verification: {reason}")]
    VerificationFailed {
        /// The container format.
        format: Format,
        /// What the check found.
        reason: &'static str,
    },

    /// ShareSafe hit a bug (a panic caught at a boundary). Nothing was written. Never a
    /// property of the photo.
    #[error("internal error: {0}")]
    Internal(&'static str),

    /// The operation was cancelled by the caller; nothing was written.
    #[error("cancelled")]
    Cancelled,

    /// The output file exists and overwriting was not asked for.
    #[error("the output file already exists")]
    OutputExists,

    /// Reading or writing failed (disk full, permission, the stream closed). The message is the
    /// operating system's, which never includes the path.
    #[error("{op} failed: {source}")]
    Io {
        /// What was being done (`"read input"`, `"write output"`, `"rename"`…).
        op: &'static str,
        /// The underlying error.
        #[source]
        source: std::io::Error,
    },
}

impl Error {
    /// Shorthand for [`Error::Malformed`].
    pub(crate) fn malformed(format: Format, part: Part, offset: u64, reason: &'static str) -> Self {
        Error::Malformed {
            format,
            part,
            offset,
            reason,
        }
    }

    /// Shorthand for [`Error::LimitExceeded`].
    pub(crate) fn limit(format: Format, limit: &'static str, part: Part, offset: u64) -> Self {
        Error::LimitExceeded {
            format,
            limit,
            part,
            offset,
        }
    }

    /// Wraps an I/O error with what was being done. An `UnexpectedEof` while reading is reported
    /// by the format readers as [`Error::Malformed`] ("truncated"), not here.
    pub(crate) fn io(op: &'static str, source: std::io::Error) -> Self {
        Error::Io { op, source }
    }

    /// True when the file itself is at fault (damaged, unsupported or over a limit), as opposed to
    /// the machine (I/O), the caller (cancel) or ShareSafe (verification).
    pub fn is_input_fault(&self) -> bool {
        matches!(
            self,
            Error::Unsupported { .. } | Error::Malformed { .. } | Error::LimitExceeded { .. }
        )
    }
}

/// The core's result type.
pub type Result<T, E = Error> = std::result::Result<T, E>;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn part_names_never_echo_binary_bytes() {
        assert_eq!(Part::FourCc(*b"eXIf").to_string(), "eXIf");
        assert_eq!(
            Part::FourCc([0, 0xff, b'a', b'\n']).to_string(),
            "0x00FF610A"
        );
        assert_eq!(Part::JpegMarker(0xE1).to_string(), "marker 0xFFE1 (APP1)");
    }

    #[test]
    fn messages_name_format_part_and_offset() {
        let e = Error::malformed(Format::Jpeg, Part::JpegMarker(0xDA), 1234, "truncated");
        assert_eq!(
            e.to_string(),
            "damaged JPEG file: truncated at marker 0xFFDA (SOS), offset 1234"
        );
        assert!(e.is_input_fault());
    }
}
