//! Why this exists: a share extension on iOS is killed at about 120 MB, and a batch over a camera
//! roll must not hang on one crafted file. Every reader checks these limits *before* it allocates
//! or loops, so no length field in a file can make ShareSafe allocate or work without bound.

/// Resource limits applied while reading untrusted files. The defaults suit a phone's share
/// extension; a desktop batch may raise them.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Limits {
    /// Largest input accepted, in bytes (default 1 GiB: long phone videos fit, nothing absurd).
    pub max_input_bytes: u64,
    /// Most segments, chunks or boxes read from one file (default 100,000). Real photos have a few
    /// dozen; a file of millions of empty chunks is an attack on time, not a photo.
    pub max_parts: u32,
    /// Largest metadata block ShareSafe reads into memory to interpret it (EXIF for the
    /// orientation, XMP and IPTC for the report), in bytes (default 4 MiB). Larger blocks are
    /// still removed, just not interpreted.
    pub max_metadata_bytes: u32,
    /// Largest total size of an ICC colour profile kept in the output (default 16 MiB).
    pub max_icc_bytes: u32,
    /// Largest image ShareSafe decodes to pixels (thumbnails, faces, fingerprints), in pixels
    /// (default 64 MP, above the 48–50 MP of current phone sensors).
    pub max_decoded_pixels: u64,
    /// Largest width or height decoded (default 16,384, the WebP maximum).
    pub max_dimension: u32,
    /// Deepest nesting of boxes in ISO-BMFF files (default 16).
    pub max_nesting_depth: u32,
}

impl Default for Limits {
    fn default() -> Self {
        Limits {
            max_input_bytes: 1 << 30,
            max_parts: 100_000,
            max_metadata_bytes: 4 << 20,
            max_icc_bytes: 16 << 20,
            max_decoded_pixels: 64_000_000,
            max_dimension: 16_384,
            max_nesting_depth: 16,
        }
    }
}
