//! Any text must analyse without a panic, and every span must be a valid char range of that text:
//! Luxembourgish, emoji, combining marks, right-to-left scripts, control characters and random
//! code points alike. A small deterministic generator stands in for a property-testing crate.

use sharesafe_core::caption::analyze_caption;
use sharesafe_core::tips::{tips_for, PhotoSignal};

/// xorshift64*: deterministic, so a failure reproduces from its seed.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_F491_4F6C_DD1D)
    }
    fn below(&mut self, n: usize) -> usize {
        (self.next() % n as u64) as usize
    }
}

/// Pieces that stress the tokenizer and the rules: real words and traps, digits and separators,
/// multi-byte and combining characters, hashtags, handles, e-mail and phone fragments.
const PIECES: &[&str] = &[
    "Mamer",
    "Esch-sur-Alzette",
    "Éischten",
    "Spillschoul",
    "zu",
    "Moien",
    "Kanner",
    "Emma",
    "Schmit",
    "wird",
    "7",
    "ans",
    "#bathtime",
    "#",
    "@",
    "@x",
    ".",
    "-",
    "'",
    "’",
    "(",
    ")",
    ",",
    "+352",
    "0",
    "06",
    "12",
    "L-",
    "1234",
    "AB",
    "SW1A",
    "1AA",
    "every",
    "Saturday",
    "at",
    "the",
    "pool",
    "à",
    "la",
    "rue",
    "de",
    "Gare",
    "Grundschule",
    "am",
    "Park",
    "né",
    "le",
    "3",
    "mai",
    "e\u{301}",
    "\u{301}",
    "\u{308}a",
    "🎉",
    "👨‍👩‍👧",
    "🇱🇺",
    "ß",
    "İ",
    "ǅ",
    "ﬁ",
    "\u{200d}",
    "\u{feff}",
    "\u{202e}",
    "مرحبا",
    "שלום",
    "日本",
    "\n",
    "\t",
    " ",
    "  ",
    "\u{0}",
    "\u{7f}",
    "\u{10ffff}",
    "Ꭰ",
    "ᾈ",
    "Straße",
    "straat",
    "groep",
    "Year",
];

fn check(text: &str) {
    let len = text.chars().count();
    let r = analyze_caption(text, Some("lb-LU"));
    assert_eq!(r.char_len, len);
    for f in &r.findings {
        assert!(
            f.start < f.end && f.end <= len,
            "span {}..{} outside 0..{len} in {text:?}",
            f.start,
            f.end
        );
        let got: String = text.chars().skip(f.start).take(f.end - f.start).collect();
        assert_eq!(got, f.text, "span text differs in {text:?}");
        if let Some(rw) = &f.rewrite {
            assert!(
                rw.start <= rw.end && rw.end <= len,
                "rewrite outside the text in {text:?}"
            );
        }
    }
    for c in &r.combined {
        assert!(c.findings.iter().all(|&i| i < r.findings.len()));
    }
    // The marked text keeps every char of the original.
    let marked = r.mark_spans(text, "\u{1}", "\u{2}");
    assert_eq!(
        marked
            .chars()
            .filter(|c| *c != '\u{1}' && *c != '\u{2}')
            .count(),
        len
    );
    let _ = tips_for(&[PhotoSignal::GpsLocation], Some(&r), "lb");
    // Serialisation never fails either.
    serde_json::to_string(&r).expect("a report always serialises");
}

#[test]
fn arbitrary_texts_never_panic_and_spans_are_char_ranges() {
    let mut rng = Rng(0x5EED_CAFE_F00D_0001);
    for _ in 0..1500 {
        let n = rng.below(40);
        let mut s = String::new();
        for _ in 0..n {
            if rng.below(4) == 0 {
                // A random scalar value from the whole range.
                let c = loop {
                    if let Some(c) = char::from_u32((rng.next() % 0x11_0000) as u32) {
                        break c;
                    }
                };
                s.push(c);
            } else {
                s.push_str(PIECES[rng.below(PIECES.len())]);
                if rng.below(3) > 0 {
                    s.push(' ');
                }
            }
        }
        check(&s);
    }
}

#[test]
fn luxembourgish_and_edge_cases() {
    for t in [
        "",
        " ",
        "#",
        "@",
        "@.",
        "a@b.",
        "+",
        "((((((((",
        "\u{301}\u{301}\u{301}",
        "Éischten Dag an der Spillschoul zu Mamer 🎒",
        "Mir sinn haut zu Esch-sur-Alzette spadséieren, d'Kanner hunn sech gefreet",
        "Gebuertsdag! Eis Kleng gëtt haut 5 Joer al 🎂",
        &"ab ".repeat(5000),
        &"Emma Schmit wird 7 in Mamer #bathtime ".repeat(300),
        &"\u{1F600}".repeat(2000),
    ] {
        check(t);
    }
}

#[test]
fn long_captions_are_cut_but_kept_whole_in_the_safer_version() {
    let long = format!("Emma Schmit wird 7 {}", "la ".repeat(6000));
    let r = analyze_caption(&long, None);
    assert!(r.truncated);
    assert_eq!(r.char_len, long.chars().count());
    assert!(r.findings.iter().any(|f| f.text == "Emma Schmit"));
    assert!(r.safer_caption.ends_with("la la "));
}
