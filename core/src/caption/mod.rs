//! Why this exists: a photo stripped of its GPS still gives a child away when its caption says
//! "Emma Schmit, 6, first day at Grundschule am Park in Mamer" or carries `#bathtime`. Parents type
//! or paste the caption into ShareSafe before sharing; this module finds what makes the child
//! findable or the post searchable, says why in plain words (EN/FR/DE/NL), suggests a safer
//! wording for each span and a whole safer caption.
//!
//! Entry point: [`analyze_caption`]. Offsets are **char** offsets (Unicode scalar values), end
//! exclusive. Everything runs on the device from data compiled into the library (`core/data/`);
//! the dictionaries are parsed once, on first use ([`preload_dictionaries`]).
//!
//! Any input is accepted: unknown languages (Luxembourgish, emoji-only, binary junk) are analysed
//! with every language's rules and never panic.

mod data;
mod detect;
mod lang;
mod messages;
mod text;

use serde::Serialize;

pub use data::{preload_dictionaries, DictionaryStats};

/// The caption languages ShareSafe understands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Language {
    /// English.
    En,
    /// French.
    Fr,
    /// German.
    De,
    /// Dutch.
    Nl,
}

impl Language {
    /// All four, in a fixed order.
    pub const ALL: [Language; 4] = [Language::En, Language::Fr, Language::De, Language::Nl];

    /// The two-letter ISO 639-1 code.
    pub fn code(self) -> &'static str {
        match self {
            Language::En => "en",
            Language::Fr => "fr",
            Language::De => "de",
            Language::Nl => "nl",
        }
    }

    /// Parses a code or a locale ("fr", "fr-LU", "de_DE", "NL"); `None` for anything else.
    pub fn from_code(code: &str) -> Option<Language> {
        let base = code.split(['-', '_', '.']).next().unwrap_or("");
        match base.to_ascii_lowercase().as_str() {
            "en" => Some(Language::En),
            "fr" => Some(Language::Fr),
            "de" => Some(Language::De),
            "nl" => Some(Language::Nl),
            _ => None,
        }
    }

    pub(crate) fn bit(self) -> u8 {
        match self {
            Language::En => 1,
            Language::Fr => 2,
            Language::De => 4,
            Language::Nl => 8,
        }
    }
}

/// What a finding is about.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum FindingKind {
    /// A town, street, address, postcode, named venue, or "at home".
    Location,
    /// A school, daycare, club or class ("Grundschule am Park", "Year 2", "groep 3").
    School,
    /// A child's first and last name, or first name together with an age.
    FullName,
    /// An age or birthday ("turns 6 today", "né le 3 mai", "wird 7").
    AgeOrBirthday,
    /// A phone number, e-mail address or social-media handle.
    Contact,
    /// A recurring time and place ("every Saturday at the pool").
    Routine,
    /// Words that mark a photo predators look for: bath, potty, naked, swimsuit, splits, beach…
    SensitiveContent,
    /// A hashtag that makes the post searchable by strangers; worst when it is a sensitive one.
    SearchableHashtag,
}

impl FindingKind {
    /// Every kind, in report order.
    pub const ALL: [FindingKind; 8] = [
        FindingKind::Location,
        FindingKind::School,
        FindingKind::FullName,
        FindingKind::AgeOrBirthday,
        FindingKind::Contact,
        FindingKind::Routine,
        FindingKind::SensitiveContent,
        FindingKind::SearchableHashtag,
    ];

    /// The snake_case name used in JSON and in the labelled test set.
    pub fn as_str(self) -> &'static str {
        match self {
            FindingKind::Location => "location",
            FindingKind::School => "school",
            FindingKind::FullName => "full_name",
            FindingKind::AgeOrBirthday => "age_or_birthday",
            FindingKind::Contact => "contact",
            FindingKind::Routine => "routine",
            FindingKind::SensitiveContent => "sensitive_content",
            FindingKind::SearchableHashtag => "searchable_hashtag",
        }
    }

    /// Parses [`FindingKind::as_str`].
    pub fn parse(s: &str) -> Option<FindingKind> {
        FindingKind::ALL.into_iter().find(|k| k.as_str() == s)
    }
}

/// How much a finding matters. Ordered: `Low < Medium < High`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    /// Worth knowing; rarely identifying alone.
    Low,
    /// Identifying or searchable; better removed.
    Medium,
    /// Makes the child findable (or the photo searchable by predators): remove before sharing.
    High,
}

/// A suggested replacement for part of the caption.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Rewrite {
    /// Char offset where the replaced text starts (may be before the finding, e.g. "in Mamer").
    pub start: usize,
    /// Char offset after the replaced text.
    pub end: usize,
    /// What to put instead; empty means delete.
    pub replacement: String,
}

/// One thing found in a caption.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Finding {
    /// What it is.
    pub kind: FindingKind,
    /// How much it matters, after combining with the other findings.
    pub severity: Severity,
    /// Char offset of the first char of the span.
    pub start: usize,
    /// Char offset after the span.
    pub end: usize,
    /// The span's text, as typed.
    pub text: String,
    /// Stable id of the reason ("location.town", "hashtag.sensitive"…), for apps and tests.
    pub reason_id: &'static str,
    /// Why this matters, in plain words, in the report's language.
    pub reason: String,
    /// A safer wording, if one helps.
    pub rewrite: Option<Rewrite>,
}

/// Findings that together make the child findable ("name + school", "routine + place").
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct CombinedRisk {
    /// Stable id ("name_and_school", "name_and_place", "routine_and_place", …).
    pub id: &'static str,
    /// Indices into [`CaptionReport::findings`].
    pub findings: Vec<usize>,
    /// Why the combination matters, in the report's language.
    pub reason: String,
}

/// The result of [`analyze_caption`].
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct CaptionReport {
    /// Language of the caption, if one of the four was recognised.
    pub detected_language: Option<Language>,
    /// Language of the reasons and suggestions (the locale hint, else the caption's, else English).
    pub report_language: Language,
    /// Findings, sorted by position.
    pub findings: Vec<Finding>,
    /// Combinations that raised severities.
    pub combined: Vec<CombinedRisk>,
    /// The highest severity, `None` when nothing was found.
    pub overall: Option<Severity>,
    /// The caption with every suggested rewrite applied, ready for the clipboard.
    pub safer_caption: String,
    /// Length of the caption in chars (spans are within `0..char_len`).
    pub char_len: usize,
    /// The caption was longer than [`MAX_CAPTION_CHARS`]; only its start was analysed.
    pub truncated: bool,
}

impl CaptionReport {
    /// The findings as `(kind, start, end)` char spans, in caption order.
    pub fn spans(&self) -> impl Iterator<Item = (FindingKind, usize, usize)> + '_ {
        self.findings.iter().map(|f| (f.kind, f.start, f.end))
    }

    /// Findings of one kind.
    pub fn of_kind(&self, kind: FindingKind) -> impl Iterator<Item = &Finding> + '_ {
        self.findings.iter().filter(move |f| f.kind == kind)
    }

    /// `caption` with every finding wrapped in `open`/`close` (for a terminal or a plain-text
    /// view); overlapping findings are marked once, by the outermost. `caption` should be the text
    /// that was analysed; any other text is marked up to its own length without panicking.
    pub fn mark_spans(&self, caption: &str, open: &str, close: &str) -> String {
        let mut out = String::with_capacity(caption.len() + self.findings.len() * 8);
        let mut spans: Vec<(usize, usize)> =
            self.findings.iter().map(|f| (f.start, f.end)).collect();
        spans.sort_by_key(|&(s, e)| (s, std::cmp::Reverse(e)));
        let mut merged: Vec<(usize, usize)> = Vec::new();
        for (s, e) in spans {
            match merged.last_mut() {
                Some(last) if s < last.1 => last.1 = last.1.max(e),
                _ => merged.push((s, e)),
            }
        }
        let mut it = merged.into_iter().peekable();
        let mut open_until = None;
        for (i, c) in caption.chars().enumerate() {
            if open_until == Some(i) {
                out.push_str(close);
                open_until = None;
            }
            if let Some(&(s, e)) = it.peek() {
                if s == i {
                    out.push_str(open);
                    open_until = Some(e);
                    it.next();
                }
            }
            out.push(c);
        }
        if open_until.is_some() {
            out.push_str(close);
        }
        out
    }
}

/// Captions longer than this many chars are analysed up to this point only (Instagram allows
/// 2,200): the work and memory per caption stay bounded whatever is pasted.
pub const MAX_CAPTION_CHARS: usize = 10_000;

/// Analyses a caption before it is shared.
///
/// `locale_hint` is the app's UI locale ("fr-LU", "de", …): it picks the language of the reasons
/// and helps when the caption is too short to tell its language. Unknown languages run every
/// language's rules. Text past [`MAX_CAPTION_CHARS`] is not analysed and is kept as it is in
/// [`CaptionReport::safer_caption`]; [`CaptionReport::truncated`] says so.
pub fn analyze_caption(full_text: &str, locale_hint: Option<&str>) -> CaptionReport {
    let hint = locale_hint.and_then(Language::from_code);
    let cut = full_text
        .char_indices()
        .nth(MAX_CAPTION_CHARS)
        .map_or(full_text.len(), |(b, _)| b);
    let (text, rest) = full_text.split_at(cut);
    let tokens = text::tokenize(text);
    let dicts = data::dictionaries();
    let detected = lang::detect(&tokens, dicts);
    let report_language = hint.or(detected).unwrap_or(Language::En);
    let active = match detected {
        Some(l) => l.bit(),
        None => 0x0F,
    };
    let ctx = detect::Ctx {
        text,
        toks: &tokens,
        active,
        detected,
        d: dicts,
    };
    let candidates = detect::run_all(&ctx);
    let mut report = detect::assemble(&ctx, candidates, report_language);
    if !rest.is_empty() {
        report.truncated = true;
        report.char_len += text::char_len(rest);
        report.safer_caption.push_str(rest);
    }
    report
}

#[cfg(test)]
mod tests;
