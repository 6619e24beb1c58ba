//! Scores the caption analyser against the labelled set in `tests/captions/captions.tsv`: prints
//! precision, recall and F1 per finding kind and overall, lists every miss and false alarm, and
//! asserts the floors measured when the set was written (so a change that makes the checker worse
//! fails here). Traps — captions full of words that look like findings — must raise nothing.
//!
//! A predicted finding matches a labelled one when the kind is the same and the char spans overlap.

use std::collections::BTreeMap;
use std::path::Path;

use sharesafe_core::caption::{analyze_caption, FindingKind};

struct Labelled {
    id: String,
    class: String,
    caption: String,
    labels: Vec<(FindingKind, usize, usize)>,
}

fn char_span(caption: &str, needle: &str) -> Option<(usize, usize)> {
    let b = caption.find(needle)?;
    let start = caption[..b].chars().count();
    Some((start, start + needle.chars().count()))
}

fn load(file: &str) -> Vec<Labelled> {
    let path = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../tests/captions")
        .join(file);
    let text =
        std::fs::read_to_string(&path).expect("tests/captions/*.tsv are part of the repository");
    let mut out = Vec::new();
    for (n, line) in text.lines().enumerate() {
        if line.starts_with('#') || line.trim().is_empty() {
            continue;
        }
        let cols: Vec<&str> = line.split('\t').collect();
        assert!(
            cols.len() >= 4,
            "line {}: expected id, lang, class, caption[, labels]",
            n + 1
        );
        let caption = cols[3].to_string();
        let mut labels = Vec::new();
        for l in cols
            .get(4)
            .copied()
            .unwrap_or("")
            .split(" | ")
            .filter(|l| !l.trim().is_empty())
        {
            let (kind, span) = l
                .split_once('=')
                .unwrap_or_else(|| panic!("line {}: label {l:?}", n + 1));
            let kind = FindingKind::parse(kind.trim())
                .unwrap_or_else(|| panic!("line {}: kind {kind:?}", n + 1));
            let (s, e) = char_span(&caption, span)
                .unwrap_or_else(|| panic!("line {}: {span:?} not in caption", n + 1));
            labels.push((kind, s, e));
        }
        out.push(Labelled {
            id: cols[0].to_string(),
            class: cols[2].to_string(),
            caption,
            labels,
        });
    }
    out
}

#[derive(Default, Clone, Copy)]
struct Counts {
    tp_pred: usize,
    pred: usize,
    tp_gold: usize,
    gold: usize,
}

impl Counts {
    fn precision(&self) -> f64 {
        if self.pred == 0 {
            1.0
        } else {
            self.tp_pred as f64 / self.pred as f64
        }
    }
    fn recall(&self) -> f64 {
        if self.gold == 0 {
            1.0
        } else {
            self.tp_gold as f64 / self.gold as f64
        }
    }
    fn f1(&self) -> f64 {
        let (p, r) = (self.precision(), self.recall());
        if p + r == 0.0 {
            0.0
        } else {
            2.0 * p * r / (p + r)
        }
    }
}

struct Scores {
    per_kind: BTreeMap<FindingKind, Counts>,
    total: Counts,
    trap_alarms: Vec<String>,
}

fn score(name: &str, set: &[Labelled]) -> Scores {
    println!("== {name}");
    let mut per_kind: BTreeMap<FindingKind, Counts> = BTreeMap::new();
    let mut trap_alarms = Vec::new();
    let mut misses = Vec::new();
    let mut false_alarms = Vec::new();
    for c in set {
        let report = analyze_caption(&c.caption, None);
        let overlaps = |a: (usize, usize), b: (usize, usize)| a.0 < b.1 && b.0 < a.1;
        for f in &report.findings {
            let e = per_kind.entry(f.kind).or_default();
            e.pred += 1;
            if c.labels
                .iter()
                .any(|&(k, s, en)| k == f.kind && overlaps((s, en), (f.start, f.end)))
            {
                e.tp_pred += 1;
            } else {
                false_alarms.push(format!("{} {}: {:?}", c.id, f.kind.as_str(), f.text));
            }
            if c.class == "trap" {
                trap_alarms.push(format!("{} {}: {:?}", c.id, f.kind.as_str(), f.text));
            }
        }
        for &(k, s, en) in &c.labels {
            let e = per_kind.entry(k).or_default();
            e.gold += 1;
            if report
                .findings
                .iter()
                .any(|f| f.kind == k && overlaps((s, en), (f.start, f.end)))
            {
                e.tp_gold += 1;
            } else {
                let text: String = c.caption.chars().skip(s).take(en - s).collect();
                misses.push(format!("{} {}: {:?}", c.id, k.as_str(), text));
            }
        }
    }
    let mut total = Counts::default();
    println!(
        "{:<20} {:>5} {:>5} {:>9} {:>7} {:>6}",
        "kind", "gold", "pred", "precision", "recall", "F1"
    );
    for (k, c) in &per_kind {
        println!(
            "{:<20} {:>5} {:>5} {:>9.3} {:>7.3} {:>6.3}",
            k.as_str(),
            c.gold,
            c.pred,
            c.precision(),
            c.recall(),
            c.f1()
        );
        total.tp_pred += c.tp_pred;
        total.pred += c.pred;
        total.tp_gold += c.tp_gold;
        total.gold += c.gold;
    }
    println!(
        "{:<20} {:>5} {:>5} {:>9.3} {:>7.3} {:>6.3}",
        "overall",
        total.gold,
        total.pred,
        total.precision(),
        total.recall(),
        total.f1()
    );
    println!(
        "captions: {} ({} traps, {} false alarms on traps)",
        set.len(),
        set.iter().filter(|c| c.class == "trap").count(),
        trap_alarms.len()
    );
    for m in &misses {
        println!("miss        {m}");
    }
    for f in &false_alarms {
        println!("false alarm {f}");
    }

    Scores {
        per_kind,
        total,
        trap_alarms,
    }
}

fn assert_floors(name: &str, s: &Scores, overall: f64, kinds: &[(FindingKind, f64)]) {
    assert!(
        s.trap_alarms.is_empty(),
        "{name}: false alarms on traps: {:#?}",
        s.trap_alarms
    );
    assert!(
        s.total.f1() >= overall,
        "{name}: overall F1 {:.3} < floor {overall}",
        s.total.f1()
    );
    for (k, floor) in kinds {
        let got = s.per_kind.get(k).copied().unwrap_or_default().f1();
        assert!(
            got >= *floor,
            "{name}: {} F1 {got:.3} < floor {floor}",
            k.as_str()
        );
    }
}

#[test]
fn labelled_set_meets_measured_floors() {
    let set = load("captions.tsv");
    assert!(
        set.len() >= 200,
        "the labelled set has {} captions, want at least 200",
        set.len()
    );
    for lang in ["en", "fr", "de", "nl"] {
        assert!(
            set.iter().filter(|c| c.id.starts_with(lang)).count() >= 40,
            "fewer than 40 {lang} captions"
        );
    }
    let s = score("captions.tsv (the set the rules were tuned on)", &set);
    assert_floors(
        "captions.tsv",
        &s,
        TUNED_OVERALL_F1_FLOOR,
        TUNED_KIND_F1_FLOORS,
    );
}

#[test]
fn held_out_set_meets_measured_floors() {
    let set = load("holdout.tsv");
    let s = score("holdout.tsv (never used for tuning)", &set);
    assert_floors(
        "holdout.tsv",
        &s,
        HOLDOUT_OVERALL_F1_FLOOR,
        HOLDOUT_KIND_F1_FLOORS,
    );
}

/// Floors measured on each set (see the tables printed above), rounded down. Measured on
/// 2026-12-01: captions.tsv overall F1 0.992; holdout.tsv 0.933 on its first run, 0.981 after the
/// two bugs it revealed were fixed ("ça fait 5 ans", "ist heute 6 geworden").
const TUNED_OVERALL_F1_FLOOR: f64 = 0.98;
const TUNED_KIND_F1_FLOORS: &[(FindingKind, f64)] = &[
    (FindingKind::Location, 0.96),
    (FindingKind::School, 0.98),
    (FindingKind::FullName, 0.98),
    (FindingKind::AgeOrBirthday, 0.98),
    (FindingKind::Contact, 0.98),
    (FindingKind::Routine, 0.98),
    (FindingKind::SensitiveContent, 0.98),
    (FindingKind::SearchableHashtag, 0.98),
];
const HOLDOUT_OVERALL_F1_FLOOR: f64 = 0.97;
const HOLDOUT_KIND_F1_FLOORS: &[(FindingKind, f64)] = &[
    (FindingKind::Location, 0.95),
    (FindingKind::School, 0.98),
    (FindingKind::FullName, 0.90),
    (FindingKind::AgeOrBirthday, 0.98),
    (FindingKind::Contact, 0.98),
    (FindingKind::Routine, 0.98),
    (FindingKind::SensitiveContent, 0.98),
    (FindingKind::SearchableHashtag, 0.98),
];
