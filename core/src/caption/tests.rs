//! Unit tests of the caption analysis: one behaviour per test, in all four languages.

use super::*;

fn kinds(text: &str) -> Vec<(FindingKind, String)> {
    analyze_caption(text, None)
        .findings
        .into_iter()
        .map(|f| (f.kind, f.text))
        .collect()
}

fn has(text: &str, kind: FindingKind, span: &str) -> bool {
    kinds(text).iter().any(|(k, s)| *k == kind && s == span)
}

#[test]
fn finds_town_name_school_and_escalates() {
    let r = analyze_caption(
        "Emma Schmit's first day at Grundschule am Park in Mamer!",
        None,
    );
    let k: Vec<_> = r
        .findings
        .iter()
        .map(|f| (f.kind, f.text.as_str()))
        .collect();
    assert!(k.contains(&(FindingKind::FullName, "Emma Schmit")), "{k:?}");
    assert!(
        k.contains(&(FindingKind::School, "Grundschule am Park")),
        "{k:?}"
    );
    assert!(k.contains(&(FindingKind::Location, "Mamer")), "{k:?}");
    assert!(r.combined.iter().any(|c| c.id == "name_and_school"));
    assert_eq!(r.overall, Some(Severity::High));
}

#[test]
fn traps_are_not_places() {
    for t in [
        "Nice weather today!",
        "Reading a book before a bath",
        "Wir essen heute Pizza",
        "Essen ist fertig",
        "Orange is her favourite colour",
    ] {
        let r = analyze_caption(t, None);
        assert!(
            r.of_kind(FindingKind::Location).next().is_none(),
            "{t}: {:?}",
            r.findings
        );
    }
    assert!(has(
        "A weekend in Nice with the kids",
        FindingKind::Location,
        "Nice"
    ));
}

#[test]
fn sensitive_hashtags_are_highest() {
    let r = analyze_caption("Splish splash #bathtime #toddlerlife", None);
    let bath = r
        .findings
        .iter()
        .find(|f| f.text == "#bathtime")
        .expect("found");
    assert_eq!(
        (bath.kind, bath.severity),
        (FindingKind::SearchableHashtag, Severity::High)
    );
    assert_eq!(r.safer_caption, "Splish splash");
}

#[test]
fn contacts_ages_routines() {
    assert!(has(
        "Call me on +352 621 123 456",
        FindingKind::Contact,
        "+352 621 123 456"
    ));
    assert!(has(
        "mail emma.mum@example.lu",
        FindingKind::Contact,
        "emma.mum@example.lu"
    ));
    assert!(has(
        "Léo fête ses 6 ans",
        FindingKind::AgeOrBirthday,
        "fête ses 6 ans"
    ));
    assert!(has("Mia wird 7!", FindingKind::AgeOrBirthday, "wird 7"));
    let r = analyze_caption("Every Saturday at the pool with Tom", None);
    assert!(
        r.findings
            .iter()
            .any(|f| f.kind == FindingKind::Routine && f.severity == Severity::High),
        "{:?}",
        r.findings
    );
}

#[test]
fn spans_are_char_offsets() {
    let text = "Été 🌞 à Esch-sur-Alzette";
    let r = analyze_caption(text, None);
    let f = r.of_kind(FindingKind::Location).next().expect("town");
    let got: String = text.chars().skip(f.start).take(f.end - f.start).collect();
    assert_eq!(got, "Esch-sur-Alzette");
    assert_eq!(r.mark_spans(text, "[", "]"), "Été 🌞 à [Esch-sur-Alzette]");
}

#[test]
fn safer_caption_keeps_the_first_name_and_reads_well() {
    let r = analyze_caption("Every Saturday at the pool with Léo (5) #bathtime", None);
    assert_eq!(r.safer_caption, "Sometimes at the pool with Léo");
    let r = analyze_caption(
        "Emma Schmit's first day at Grundschule am Park in Mamer!",
        None,
    );
    assert_eq!(r.safer_caption, "Emma's first day at school!");
    let r = analyze_caption("Chloé fête ses 6 ans à Esch-sur-Alzette", Some("fr"));
    assert_eq!(r.safer_caption, "Chloé grandit");
}

#[test]
fn escalation_and_severities() {
    // A town alone is medium for a small place, low for a city.
    let small = analyze_caption("A walk in Mamer", None);
    assert_eq!(small.findings[0].severity, Severity::Medium);
    let big = analyze_caption("A walk in Amsterdam", None);
    assert_eq!(big.findings[0].severity, Severity::Low);
    // Name + town makes both high.
    let both = analyze_caption("Lucas Weber in Amsterdam", None);
    assert!(
        both.findings.iter().all(|f| f.severity == Severity::High),
        "{:?}",
        both.findings
    );
    assert_eq!(both.combined[0].id, "name_and_place");
    // A routine without place or time is not a finding; with a time it is.
    assert!(analyze_caption("Every day is a gift", None)
        .findings
        .is_empty());
    let timed = analyze_caption("Every Tuesday at 4pm we bake", None);
    assert_eq!(timed.findings[0].kind, FindingKind::Routine);
    assert_eq!(timed.findings[0].severity, Severity::Medium);
}

#[test]
fn reasons_follow_the_locale_hint() {
    let r = analyze_caption("Splash! #bathtime", Some("nl-BE"));
    assert_eq!(r.report_language, Language::Nl);
    assert!(r.findings[0].reason.contains("hashtag"));
    let json = serde_json::to_value(&r).expect("serialises");
    assert_eq!(json["findings"][0]["kind"], "searchable_hashtag");
    assert_eq!(json["findings"][0]["severity"], "high");
}

#[test]
fn a_first_name_made_into_a_hashtag_is_flagged() {
    for (text, tag) in [
        ("Best day ever #lisa2019", "#lisa2019"),
        ("Sunday walk #Noah_2021", "#Noah_2021"),
        ("Our girl #teamemma", "#teamemma"),
        ("Dinosaur cake #liamturns5", "#liamturns5"),
        ("Et voilà #lesaventuresdelea #leasworld", "#leasworld"),
    ] {
        let r = analyze_caption(text, None);
        assert!(
            r.findings
                .iter()
                .any(|f| f.kind == FindingKind::SearchableHashtag
                    && f.text == tag
                    && f.reason_id == "hashtag.personal"),
            "{text}: {:?}",
            r.findings
        );
        assert!(!r.safer_caption.contains(tag), "{}", r.safer_caption);
    }
}

#[test]
fn years_and_words_in_hashtags_are_not_names() {
    // A season, a place or an ordinary word before the year is not the child's tag.
    for text in [
        "Road trip #summer2019",
        "Throwback #paris2024",
        "Christmas market #xmas2023",
        "Go team #teamwork",
        "New year #hello2025",
    ] {
        let r = analyze_caption(text, None);
        assert!(
            !r.findings.iter().any(|f| f.reason_id == "hashtag.personal"),
            "{text}: {:?}",
            r.findings
        );
    }
}
