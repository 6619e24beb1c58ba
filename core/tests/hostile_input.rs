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
