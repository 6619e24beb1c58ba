//! Why this exists: the same letters mean different things per language ("bad" is a bath in
//! Dutch, "nu" is naked in French and "now" in Dutch, "Essen" is a city and a meal), so the rules
//! that resolve such words need the caption's language. Detection counts words that are frequent
//! in exactly one of EN/FR/DE/NL (from `core/data/lang_words.tsv`) plus letters only one of them
//! uses; when the evidence is thin it answers `None` and the caller runs every language's rules.

use super::data::Dictionaries;
use super::text::{TokKind, Token};
use super::Language;

/// Short function words the frequency list drops because they are shared by two languages, but
/// which still vote when the other language is not in the caption.
const EXTRA: &[(&str, Language)] = &[
    ("the", Language::En),
    ("and", Language::En),
    ("is", Language::En),
    ("my", Language::En),
    ("our", Language::En),
    ("at", Language::En),
    ("with", Language::En),
    ("we", Language::En),
    ("for", Language::En),
    ("of", Language::En),
    ("to", Language::En),
    ("his", Language::En),
    ("her", Language::En),
    ("today", Language::En),
    ("this", Language::En),
    ("le", Language::Fr),
    ("de", Language::Fr),
    ("la", Language::Fr),
    ("les", Language::Fr),
    ("et", Language::Fr),
    ("est", Language::Fr),
    ("mon", Language::Fr),
    ("ma", Language::Fr),
    ("du", Language::Fr),
    ("des", Language::Fr),
    ("ans", Language::Fr),
    ("avec", Language::Fr),
    ("pour", Language::Fr),
    ("une", Language::Fr),
    ("sur", Language::Fr),
    ("chez", Language::Fr),
    ("très", Language::Fr),
    ("notre", Language::Fr),
    ("nos", Language::Fr),
    ("au", Language::Fr),
    ("aux", Language::Fr),
    ("der", Language::De),
    ("die", Language::De),
    ("und", Language::De),
    ("ist", Language::De),
    ("mit", Language::De),
    ("heute", Language::De),
    ("den", Language::De),
    ("dem", Language::De),
    ("wir", Language::De),
    ("ein", Language::De),
    ("eine", Language::De),
    ("auf", Language::De),
    ("im", Language::De),
    ("zum", Language::De),
    ("zur", Language::De),
    ("nicht", Language::De),
    ("sind", Language::De),
    ("hat", Language::De),
    ("het", Language::Nl),
    ("een", Language::Nl),
    ("en", Language::Nl),
    ("is", Language::Nl),
    ("mijn", Language::Nl),
    ("vandaag", Language::Nl),
    ("de", Language::Nl),
    ("van", Language::Nl),
    ("op", Language::Nl),
    ("naar", Language::Nl),
    ("met", Language::Nl),
    ("zijn", Language::Nl),
    ("wij", Language::Nl),
    ("ons", Language::Nl),
    ("onze", Language::Nl),
    ("bij", Language::Nl),
];

fn index(l: Language) -> usize {
    match l {
        Language::En => 0,
        Language::Fr => 1,
        Language::De => 2,
        Language::Nl => 3,
    }
}

/// The caption's language, or `None` when no language clearly leads.
pub(crate) fn detect(tokens: &[Token], d: &Dictionaries) -> Option<Language> {
    let mut score = [0u32; 4];
    for t in tokens.iter().filter(|t| t.kind == TokKind::Word) {
        if let Some(&l) = d.lang_words.get(&t.folded) {
            score[index(l)] += 2;
        }
        for &(w, l) in EXTRA {
            if t.folded == w {
                score[index(l)] += 1;
            }
        }
    }
    let mut order: Vec<(u32, Language)> = Language::ALL
        .iter()
        .map(|&l| (score[index(l)], l))
        .collect();
    order.sort_by_key(|b| std::cmp::Reverse(b.0));
    let (best, lang) = order[0];
    let second = order[1].0;
    if best >= 2 && (best >= second.saturating_mul(2) || best >= second + 3) {
        Some(lang)
    } else {
        None
    }
}

#[cfg(test)]
mod tests {
    use super::super::{data::dictionaries, text::tokenize};
    use super::*;

    fn lang(s: &str) -> Option<Language> {
        detect(&tokenize(s), dictionaries())
    }

    #[test]
    fn detects_the_four_languages() {
        assert_eq!(
            lang("We had such a lovely day at the beach with the kids"),
            Some(Language::En)
        );
        assert_eq!(
            lang("Une belle journée avec les enfants, on est très contents"),
            Some(Language::Fr)
        );
        assert_eq!(
            lang("Heute waren wir mit den Kindern auf dem Spielplatz, es war toll"),
            Some(Language::De)
        );
        assert_eq!(
            lang("Vandaag zijn we met de kinderen naar het strand geweest"),
            Some(Language::Nl)
        );
    }

    #[test]
    fn thin_evidence_is_unknown() {
        assert_eq!(lang("🎉🎉"), None);
        assert_eq!(lang(""), None);
    }
}
