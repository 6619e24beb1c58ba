//! Untrusted input: every file in `../shared/corpus/malformed` (security PoCs, corrupt files),
//! plus truncations and bit flips of good files, gives either a verified clean copy or a typed
//! error — never a panic, a hang, a verification failure, or an error that carries a path.

mod common;

use std::time::{Duration, Instant};

use sharesafe_core::{clean_bytes, clean_file, CleanOptions, Error};

/// Generous per-file bound: these files are tiny; a hang or a quadratic loop blows far past it.
const PER_FILE: Duration = Duration::from_secs(5);

fn check(name: &str, bytes: &[u8], opts: &CleanOptions) {
    let start = Instant::now();
    let result = std::panic::catch_unwind(|| clean_bytes(bytes, opts))
        .unwrap_or_else(|_| panic!("{name}: clean panicked"));
    assert!(
        start.elapsed() < PER_FILE,
        "{name}: took {:?}",
        start.elapsed()
    );
    match result {
        Ok(c) => {
            let again = clean_bytes(&c.bytes, opts)
                .unwrap_or_else(|e| panic!("{name}: clean output refused: {e}"));
            assert_eq!(again.bytes, c.bytes, "{name}: not idempotent");
        }
        Err(Error::Malformed { .. } | Error::Unsupported { .. } | Error::LimitExceeded { .. }) => {}
        Err(e) => panic!("{name}: unexpected error kind: {e:?}"),
    }
}

#[test]
fn malformed_corpus_gives_typed_errors_or_verified_output() {
    let Some(dir) = common::corpus_dir() else {
        return;
    };
    let files = common::files_under(&dir.join("malformed"), &[]);
    assert!(
        files.len() >= 70,
        "malformed corpus incomplete: {}",
        files.len()
    );
    let opts = CleanOptions::default();
    let (mut ok, mut refused) = (0, 0);
    for f in &files {
        let bytes = std::fs::read(f).expect("read");
        let name = f.display().to_string();
        check(&name, &bytes, &opts);
        match clean_bytes(&bytes, &opts) {
            Ok(_) => ok += 1,
            Err(_) => refused += 1,
        }
    }
    eprintln!("malformed corpus: {ok} cleaned and verified, {refused} refused with a typed error");
}

/// A small deterministic generator (xorshift) so failures reproduce.
struct Rng(u64);
impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }
    fn below(&mut self, n: usize) -> usize {
        (self.next() % n.max(1) as u64) as usize
    }
}

#[test]
fn truncations_and_bit_flips_of_real_files() {
    let Some(dir) = common::corpus_dir() else {
        return;
    };
    let seeds = [
        "jpeg/exiftool/GPS.jpg",
        "jpeg/exiftool/MWG.jpg",
        "jpeg/mei/Multiple_ICC_segments.jpg",
        "jpeg/androidx/jpeg_with_app1_after_dqt.jpg",
        "png/kamadak/exif.png",
        "png/exiftool/PNG.png",
        "png/image-rs/apng_ball.png",
        "png/mei/sampleWithExifData.png",
        "webp/exiftool/RIFF.webp",
        "webp/kamadak/exif.webp",
        "webp/androidx/webp_with_anim_without_exif.webp",
        "webp/mp4san/smallest-possible.webp",
        "webp/img-parts/P1133897_AdobeRGB.webp",
    ];
    let opts = CleanOptions::default();
    let mut rng = Rng(0x5eed_cafe_f00d_d00d);
    let mut cases = 0;
    for seed in seeds {
        let good =
            std::fs::read(dir.join(seed)).unwrap_or_else(|_| panic!("missing corpus file {seed}"));
        for i in 0..40 {
            let cut = good.len() * i / 40;
            check(&format!("{seed} cut at {cut}"), &good[..cut], &opts);
            cases += 1;
        }
        for _ in 0..150 {
            let mut m = good.clone();
            for _ in 0..1 + rng.below(4) {
                let at = rng.below(m.len());
                m[at] ^= 1 << rng.below(8);
            }
            check(&format!("{seed} with flipped bits"), &m, &opts);
            cases += 1;
        }
    }
    eprintln!("{cases} mutated inputs: all typed errors or verified outputs");
}

#[test]
fn empty_and_unknown_inputs_are_unsupported() {
    let opts = CleanOptions::default();
    assert!(matches!(
        clean_bytes(b"", &opts),
        Err(Error::Unsupported { detected: None })
    ));
    assert!(matches!(
        clean_bytes(b"%PDF-1.7\n", &opts),
        Err(Error::Unsupported { detected: None })
    ));
    assert!(matches!(
        clean_bytes(b"\xFF\xD8\xFF", &opts),
        Err(Error::Malformed { .. })
    ));
}

#[test]
fn errors_never_carry_the_path() {
    let dir = std::env::temp_dir().join("sharesafe-Lisa-Example-home");
    std::fs::create_dir_all(&dir).expect("mkdir");
    let input = dir.join("Lisa_school_photo.jpg");
    std::fs::write(&input, b"\xFF\xD8\xFF\xE1\x00\x10Exif\0\0truncated").expect("write");
    let out = dir.join("out.jpg");
    let e = clean_file(&input, &out, &CleanOptions::default()).expect_err("truncated JPEG");
    let msg = format!("{e} {e:?}");
    assert!(!msg.contains("Lisa"), "error mentions the file name: {msg}");
    assert!(!out.exists(), "an output was written for a refused file");
    let missing = clean_file(
        &dir.join("no_such_Lisa.jpg"),
        &out,
        &CleanOptions::default(),
    )
    .expect_err("missing");
    assert!(!format!("{missing} {missing:?}").contains("Lisa"));
    let leftovers: Vec<_> = std::fs::read_dir(&dir)
        .expect("ls")
        .flatten()
        .map(|e| e.file_name())
        .collect();
    assert_eq!(leftovers.len(), 1, "temporary files left: {leftovers:?}");
    std::fs::remove_dir_all(&dir).ok();
}

// --- Bytes after the last ISO-BMFF box: one policy for movies and HEIF -----------------------
//
// A trailer that is not a box is outside the allowlist, so it is dropped (phones append such
// data to ordinary files), unless it could be media: a track's samples lying in it, a fragmented
// movie (whose sample offsets this cleaner does not follow), or a needed box cut short.

fn bx(typ: &[u8; 4], payload: &[u8]) -> Vec<u8> {
    let mut b = u32::try_from(payload.len() + 8)
        .expect("small box")
        .to_be_bytes()
        .to_vec();
    b.extend_from_slice(typ);
    b.extend_from_slice(payload);
    b
}

fn full(typ: &[u8; 4], payload: &[u8]) -> Vec<u8> {
    let mut p = vec![0u8; 4];
    p.extend_from_slice(payload);
    bx(typ, &p)
}

/// A one-track MP4: `ftyp`, `moov` (one video track whose single 16-byte sample is at
/// `sample_at`, or at the start of the `mdat` payload when `None`), then `mdat`. Returns the
/// file and the offset of the `mdat` payload.
fn tiny_mp4(sample_at: Option<u32>, extra_top: &[u8]) -> (Vec<u8>, u32) {
    let build = |at: u32| {
        let mut stsc = 1u32.to_be_bytes().to_vec();
        for v in [1u32, 1, 1] {
            stsc.extend_from_slice(&v.to_be_bytes());
        }
        let mut stsz = 16u32.to_be_bytes().to_vec();
        stsz.extend_from_slice(&1u32.to_be_bytes());
        let mut stco = 1u32.to_be_bytes().to_vec();
        stco.extend_from_slice(&at.to_be_bytes());
        let stbl = [
            full(b"stsd", &0u32.to_be_bytes()),
            full(b"stts", &0u32.to_be_bytes()),
            full(b"stsc", &stsc),
            full(b"stsz", &stsz),
            full(b"stco", &stco),
        ]
        .concat();
        let mut hdlr = vec![0u8; 4];
        hdlr.extend_from_slice(b"vide");
        hdlr.extend_from_slice(&[0u8; 13]);
        let mdia = [
            full(b"mdhd", &[0u8; 20]),
            full(b"hdlr", &hdlr),
            bx(b"minf", &bx(b"stbl", &stbl)),
        ]
        .concat();
        let trak = [full(b"tkhd", &[0u8; 80]), bx(b"mdia", &mdia)].concat();
        let moov = [full(b"mvhd", &[0u8; 96]), bx(b"trak", &trak)].concat();
        let mut ftyp = b"isom".to_vec();
        ftyp.extend_from_slice(&[0, 0, 2, 0]);
        ftyp.extend_from_slice(b"isommp41");
        [bx(b"ftyp", &ftyp), bx(b"moov", &moov), extra_top.to_vec()].concat()
    };
    // The offsets do not change the sizes: build once to learn where mdat's payload lands.
    let payload_at = u32::try_from(build(0).len() + 8).expect("small");
    let mut file = build(sample_at.unwrap_or(payload_at));
    file.extend_from_slice(&bx(b"mdat", &[0x5Au8; 16]));
    (file, payload_at)
}

/// A vendor trailer that does not frame as a box: its size field runs past the end of the file.
fn vendor_trailer() -> Vec<u8> {
    let mut t = 0x0010_0000u32.to_be_bytes().to_vec();
    t.extend_from_slice(b"SEFHtrailer-with-private-data");
    t.extend_from_slice(b"SEFT");
    t
}

fn trailer_parts(report: &sharesafe_core::CleanReport) -> Vec<(u64, u64, sharesafe_core::Action)> {
    report
        .parts
        .iter()
        .filter(|p| p.part == sharesafe_core::Part::Trailer)
        .map(|p| (p.offset, p.length, p.action))
        .collect()
}

#[test]
fn movie_trailer_that_is_not_a_box_is_dropped_and_reported() {
    let opts = CleanOptions::default();
    let (base, _) = tiny_mp4(None, &[]);
    let clean = clean_bytes(&base, &opts).expect("the tiny movie cleans");
    assert!(trailer_parts(&clean.report).is_empty());
    for trailer in [
        vendor_trailer(),
        b"\x01\x02\x03\x04\x05".to_vec(),
        vec![0u8; 7],
    ] {
        let mut file = base.clone();
        file.extend_from_slice(&trailer);
        let c = clean_bytes(&file, &opts).unwrap_or_else(|e| panic!("trailer refused: {e:?}"));
        assert_eq!(c.bytes, clean.bytes, "only the trailer may differ");
        assert_eq!(
            trailer_parts(&c.report),
            vec![(
                base.len() as u64,
                trailer.len() as u64,
                sharesafe_core::Action::Removed
            )]
        );
        check("tiny movie with a trailer", &file, &opts);
    }
}

#[test]
fn movie_trailer_holding_samples_is_refused() {
    let opts = CleanOptions::default();
    let (base, payload_at) = tiny_mp4(None, &[]);
    // The sample's chunk offset points into the trailer: its bytes are media, not a trailer.
    let trailer_at = u32::try_from(base.len()).expect("small");
    let (mut file, moved) = tiny_mp4(Some(trailer_at + 4), &[]);
    assert_eq!(moved, payload_at);
    file.extend_from_slice(&vendor_trailer());
    match clean_bytes(&file, &opts) {
        Err(Error::Malformed { reason, .. }) => {
            assert_eq!(reason, "track samples lie in the data after the last box")
        }
        other => panic!("samples in the trailer were not refused: {other:?}"),
    }
    // A sample that starts inside mdat but runs on into the trailer is refused too.
    let (mut file, _) = tiny_mp4(Some(trailer_at - 8), &[]);
    file.extend_from_slice(&vendor_trailer());
    assert!(matches!(
        clean_bytes(&file, &opts),
        Err(Error::Malformed { .. })
    ));
}

#[test]
fn fragmented_movie_with_a_trailer_is_refused() {
    let opts = CleanOptions::default();
    let moof = bx(b"moof", &full(b"mfhd", &1u32.to_be_bytes()));
    let (mut file, _) = tiny_mp4(None, &moof);
    file.extend_from_slice(&vendor_trailer());
    match clean_bytes(&file, &opts) {
        Err(Error::Malformed { reason, .. }) => {
            assert_eq!(reason, "data after the last box of a fragmented movie")
        }
        other => panic!("fragmented movie with a trailer was not refused: {other:?}"),
    }
}

#[test]
fn truncated_media_box_is_refused_not_dropped_as_a_trailer() {
    let opts = CleanOptions::default();
    let (mut file, payload_at) = tiny_mp4(None, &[]);
    // mdat claims more bytes than the file has: a cut-short video, not a trailer.
    let size_at = payload_at as usize - 8;
    file[size_at..size_at + 4].copy_from_slice(&1000u32.to_be_bytes());
    assert!(matches!(
        clean_bytes(&file, &opts),
        Err(Error::Malformed { .. })
    ));
}

/// Every real movie and HEIF photo in the corpus, with a vendor trailer appended, cleans to
/// exactly what the file without it cleans to (or is refused both ways), and the report names
/// the dropped trailer. The Samsung motion-photo HEIC already ends in one.
#[test]
fn corpus_movies_and_heif_drop_an_appended_trailer_alike() {
    let Some(dir) = common::corpus_dir() else {
        return;
    };
    let mut files = common::files_under(&dir.join("video"), &[]);
    files.extend(common::files_under(&dir.join("heic"), &[]));
    let opts = CleanOptions::default();
    let mut checked = Vec::new();
    for f in &files {
        let bytes = std::fs::read(f).expect("read");
        let Ok(plain) = clean_bytes(&bytes, &opts) else {
            continue;
        };
        if !matches!(
            plain.report.format,
            sharesafe_core::Format::Mp4
                | sharesafe_core::Format::Mov
                | sharesafe_core::Format::Heif
                | sharesafe_core::Format::Avif
        ) {
            continue;
        }
        let before = trailer_parts(&plain.report);
        let mut with = bytes.clone();
        with.extend_from_slice(&vendor_trailer());
        let name = f.display().to_string();
        let c = clean_bytes(&with, &opts).unwrap_or_else(|e| panic!("{name}: refused: {e:?}"));
        assert_eq!(c.bytes, plain.bytes, "{name}: output changed");
        let after = trailer_parts(&c.report);
        let end = bytes.len() as u64 + vendor_trailer().len() as u64;
        let last = after
            .last()
            .copied()
            .unwrap_or_else(|| panic!("{name}: no trailer"));
        assert_eq!(
            last.0 + last.1,
            end,
            "{name}: trailer does not reach the end"
        );
        assert_eq!(last.2, sharesafe_core::Action::Removed);
        assert!(
            after.len() == before.len().max(1),
            "{name}: {before:?} {after:?}"
        );
        checked.push(plain.report.format);
    }
    assert!(
        checked
            .iter()
            .any(|f| matches!(f, sharesafe_core::Format::Mp4 | sharesafe_core::Format::Mov))
            && checked.contains(&sharesafe_core::Format::Heif),
        "corpus movies and HEIF not both exercised: {checked:?}"
    );
    eprintln!(
        "{} corpus movies/HEIF files with an appended trailer: dropped",
        checked.len()
    );
}
