//! Why this exists: the caption a parent types ("Lisa (7) at Sint-Jozef school in Mamer") can
//! locate a child as surely as GPS. The app checks it as the parent types and shows the risky
//! spans, a safer wording and a few tips. This carries the core's caption check
//! (`sharesafe_core::caption`) and tip library (`sharesafe_core::tips`) across the boundary.
//!
//! Conversions only, plus one thing a foreign string needs: the core counts offsets in Unicode
//! scalars (chars), while Kotlin `String` and Swift `NSRange` count UTF-16 units, so every span is
//! given both ways. The caption never reaches a log or an error.

use sharesafe_core::caption as core_caption;
use sharesafe_core::tips as core_tips;

use crate::privacy::PrivacyReport;
use crate::worker;

/// What a caption warning is about (one per core `caption::FindingKind`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, uniffi::Enum)]
pub enum CaptionWarningKind {
    /// A town, street, address, postcode, named venue, or "at home".
    Location,
    /// A school, daycare, club or class.
    School,
    /// A child's first and last name, or first name together with an age.
    FullName,
    /// An age or birthday.
    AgeOrBirthday,
    /// A phone number, e-mail address or social-media handle.
    Contact,
    /// A recurring time and place ("every Saturday at the pool").
    Routine,
    /// Words that mark a photo predators look for (bath, potty, swimsuit…).
    SensitiveContent,
    /// A hashtag that makes the post searchable by strangers.
    SearchableHashtag,
}

impl From<core_caption::FindingKind> for CaptionWarningKind {
    fn from(k: core_caption::FindingKind) -> Self {
        use core_caption::FindingKind as K;
        match k {
            K::Location => Self::Location,
            K::School => Self::School,
            K::FullName => Self::FullName,
            K::AgeOrBirthday => Self::AgeOrBirthday,
            K::Contact => Self::Contact,
            K::Routine => Self::Routine,
            K::SensitiveContent => Self::SensitiveContent,
            K::SearchableHashtag => Self::SearchableHashtag,
        }
    }
}

impl From<CaptionWarningKind> for core_caption::FindingKind {
    fn from(k: CaptionWarningKind) -> Self {
        use CaptionWarningKind as K;
        match k {
            K::Location => Self::Location,
            K::School => Self::School,
            K::FullName => Self::FullName,
            K::AgeOrBirthday => Self::AgeOrBirthday,
            K::Contact => Self::Contact,
            K::Routine => Self::Routine,
            K::SensitiveContent => Self::SensitiveContent,
            K::SearchableHashtag => Self::SearchableHashtag,
        }
    }
}

/// How much a caption warning matters (one per core `caption::Severity`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, uniffi::Enum)]
pub enum CaptionSeverity {
    /// Worth knowing; rarely identifying alone.
    Low,
    /// Identifying or searchable; better removed.
    Medium,
    /// Makes the child findable (or the photo searchable by predators): remove before sharing.
    High,
}

impl From<core_caption::Severity> for CaptionSeverity {
    fn from(s: core_caption::Severity) -> Self {
        match s {
            core_caption::Severity::Low => Self::Low,
            core_caption::Severity::Medium => Self::Medium,
            core_caption::Severity::High => Self::High,
        }
    }
}

impl From<CaptionSeverity> for core_caption::Severity {
    fn from(s: CaptionSeverity) -> Self {
        match s {
            CaptionSeverity::Low => Self::Low,
            CaptionSeverity::Medium => Self::Medium,
            CaptionSeverity::High => Self::High,
        }
    }
}

/// A suggested replacement for part of the caption.
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Record)]
pub struct CaptionRewrite {
    /// Char (Unicode scalar) offset where the replaced text starts.
    pub start: u32,
    /// Char offset after the replaced text.
    pub end: u32,
    /// `start` in UTF-16 units (Kotlin `String` index, Swift `NSRange.location`).
    pub utf16_start: u32,
    /// `end` in UTF-16 units.
    pub utf16_end: u32,
    /// What to put instead; empty means delete.
    pub replacement: String,
}

/// One risky span of the caption.
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Record)]
pub struct CaptionWarning {
    /// What it is.
    pub kind: CaptionWarningKind,
    /// How much it matters, after combining with the other warnings.
    pub severity: CaptionSeverity,
    /// Char (Unicode scalar) offset of the span's first char.
    pub start: u32,
    /// Char offset after the span.
    pub end: u32,
    /// `start` in UTF-16 units (Kotlin `String` index, Swift `NSRange.location`).
    pub utf16_start: u32,
    /// `end` in UTF-16 units.
    pub utf16_end: u32,
    /// The span's text, as typed.
    pub text: String,
    /// Stable id of the reason (`"location.town"`, `"hashtag.sensitive"`…).
    pub reason_id: String,
    /// Why it matters, in plain words, in `CaptionCheck.report_language`.
    pub reason: String,
    /// A safer wording, when one helps.
    pub rewrite: Option<CaptionRewrite>,
}

/// Warnings that together make the child findable ("name + school", "routine + place").
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Record)]
pub struct CombinedCaptionRisk {
    /// Stable id (`"name_and_school"`, `"name_and_place"`, `"routine_and_place"`, …).
    pub id: String,
    /// Indices into `CaptionCheck.warnings`.
    pub warning_indices: Vec<u32>,
    /// Why the combination matters, in the report's language.
    pub reason: String,
}

/// The result of [`check_caption`].
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Record)]
pub struct CaptionCheck {
    /// Language of the caption (`"en"`, `"fr"`, `"de"`, `"nl"`), when one was recognised.
    pub detected_language: Option<String>,
    /// Language of the reasons: `"en"`, `"fr"`, `"de"` or `"nl"`.
    pub report_language: String,
    /// Risky spans, in caption order.
    pub warnings: Vec<CaptionWarning>,
    /// Combinations that raised severities.
    pub combined: Vec<CombinedCaptionRisk>,
    /// The highest severity; absent when nothing was found.
    pub overall: Option<CaptionSeverity>,
    /// The caption with every suggested rewrite applied, ready for the clipboard.
    pub safer_caption: String,
    /// The caption was longer than the core analyses (10,000 chars); only its start was checked.
    pub truncated: bool,
    /// What [`tips_for`] needs from the caption. Opaque: pass the record back unchanged.
    pub signals: Vec<String>,
}

/// Char offset → UTF-16 offset, for offsets within the caption (clamped to its end).
struct Utf16Offsets(Vec<u32>);

impl Utf16Offsets {
    fn of(text: &str, chars: usize) -> Self {
        let mut v = Vec::with_capacity(chars.saturating_add(1));
        let mut at = 0u32;
        v.push(at);
        for c in text.chars().take(chars) {
            at = at.saturating_add(c.len_utf16() as u32);
            v.push(at);
        }
        Utf16Offsets(v)
    }

    fn get(&self, char_offset: usize) -> u32 {
        let last = self.0.last().copied().unwrap_or(0);
        self.0.get(char_offset).copied().unwrap_or(last)
    }
}

fn to_u32(n: usize) -> u32 {
    u32::try_from(n).unwrap_or(u32::MAX)
}

impl CaptionCheck {
    fn new(text: &str, r: &core_caption::CaptionReport) -> Self {
        // Spans and rewrites lie within the analysed part; one extra char covers a rewrite that
        // ends where the analysed part ends.
        let utf16 = Utf16Offsets::of(text, r.char_len.saturating_add(1));
        let warnings = r
            .findings
            .iter()
            .map(|f| CaptionWarning {
                kind: f.kind.into(),
                severity: f.severity.into(),
                start: to_u32(f.start),
                end: to_u32(f.end),
                utf16_start: utf16.get(f.start),
                utf16_end: utf16.get(f.end),
                text: f.text.clone(),
                reason_id: f.reason_id.to_owned(),
                reason: f.reason.clone(),
                rewrite: f.rewrite.as_ref().map(|w| CaptionRewrite {
                    start: to_u32(w.start),
                    end: to_u32(w.end),
                    utf16_start: utf16.get(w.start),
                    utf16_end: utf16.get(w.end),
                    replacement: w.replacement.clone(),
                }),
            })
            .collect();
        Self {
            detected_language: r.detected_language.map(|l| l.code().to_owned()),
            report_language: r.report_language.code().to_owned(),
            warnings,
            combined: r
                .combined
                .iter()
                .map(|c| CombinedCaptionRisk {
                    id: c.id.to_owned(),
                    warning_indices: c.findings.iter().map(|&i| to_u32(i)).collect(),
                    reason: c.reason.clone(),
                })
                .collect(),
            overall: r.overall.map(Into::into),
            safer_caption: r.safer_caption.clone(),
            truncated: r.truncated,
            signals: core_tips::caption_signals(r)
                .iter()
                .map(core_tips::CaptionSignal::encode)
                .collect(),
        }
    }
}

/// Checks a caption before it is shared: names, school, places, routines, ages, contact details,
/// sensitive words and hashtags, each with its span, a reason and a safer wording. `locale` is the
/// app's UI locale (`"fr-LU"`, `"de"`…): it picks the language of the reasons and helps with very
/// short captions. Fast (well under a millisecond after [`preload_caption_dictionaries`]), so it
/// is synchronous: call it as the parent types.
#[uniffi::export]
pub fn check_caption(text: String, locale: Option<String>) -> CaptionCheck {
    let report = core_caption::analyze_caption(&text, locale.as_deref());
    CaptionCheck::new(&text, &report)
}

/// Loads the caption dictionaries (place names, first names, schools) now, on a worker thread,
/// so the first [`check_caption`] is fast. Call it once at start-up; later calls return at once.
#[uniffi::export]
pub async fn preload_caption_dictionaries() {
    // The dictionaries are embedded in the library: loading cannot fail, but a panic must still
    // not reach the app, so it is swallowed here (check_caption would then load them itself).
    let _ = worker::run(None, || {
        core_caption::preload_dictionaries();
        Ok(())
    })
    .await;
}

/// A short, concrete privacy tip, in the language asked for.
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Record)]
pub struct PrivacyTip {
    /// Stable id (`"turn_off_camera_location"`, …).
    pub id: String,
    /// A few words.
    pub title: String,
    /// One or two sentences.
    pub text: String,
}

impl From<core_tips::Tip> for PrivacyTip {
    fn from(t: core_tips::Tip) -> Self {
        Self {
            id: t.id.as_str().to_owned(),
            title: t.title,
            text: t.text,
        }
    }
}

/// The photo signals of a report, as the tips module takes them. Every signal a report can carry
/// comes from some finding id, so the ids' signals are the whole list to match against.
fn photo_signals(report: &PrivacyReport) -> Vec<core_tips::PhotoSignal> {
    let known: Vec<sharesafe_core::Signal> = sharesafe_core::FindingId::ALL
        .iter()
        .filter_map(|id| id.signal())
        .collect();
    report
        .signals
        .iter()
        .filter_map(|s| known.iter().find(|k| k.as_str() == s))
        .map(|k| k.photo_signal())
        .collect()
}

/// The few tips (at most four) that matter most for this photo's report and this caption, ranked,
/// in the language of `locale` (`"fr"`, `"de-AT"`…; English otherwise). Empty when neither
/// revealed anything.
#[uniffi::export]
pub fn tips_for(
    report: Option<PrivacyReport>,
    caption: Option<CaptionCheck>,
    locale: String,
) -> Vec<PrivacyTip> {
    let photo = report.as_ref().map(photo_signals).unwrap_or_default();
    // Signals the core cannot read (an app that mangled them) count for nothing.
    let caption: Vec<core_tips::CaptionSignal> = caption
        .iter()
        .flat_map(|c| &c.signals)
        .filter_map(|s| core_tips::CaptionSignal::parse(s))
        .collect();
    core_tips::tips_for_signals(&photo, &caption, &locale)
        .into_iter()
        .map(Into::into)
        .collect()
}

/// The whole tip library in the language of `locale`, for a "privacy tips" screen.
#[uniffi::export]
pub fn all_tips(locale: String) -> Vec<PrivacyTip> {
    core_tips::all_tips(&locale)
        .into_iter()
        .map(Into::into)
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn utf16_offsets_count_an_emoji_as_two_units() {
        let text = "🎉 Lisa (7) at Sint-Jozef school in Mamer #bathtime";
        let check = check_caption(text.to_owned(), Some("en".to_owned()));
        assert!(!check.warnings.is_empty());
        let units: Vec<u16> = text.encode_utf16().collect();
        for w in &check.warnings {
            assert_eq!(w.utf16_start, w.start + 1, "one emoji before every span");
            let slice = String::from_utf16(&units[w.utf16_start as usize..w.utf16_end as usize])
                .expect("spans fall on char boundaries");
            assert_eq!(slice, w.text);
        }
    }

    #[test]
    fn tips_from_the_signals_equal_the_cores_own() {
        let text = "Lisa (7) at Sint-Jozef school in Mamer, every Saturday at the pool #bathtime";
        let check = check_caption(text.to_owned(), Some("en".to_owned()));
        let core_report = core_caption::analyze_caption(text, Some("en"));
        let direct: Vec<String> = core_tips::tips_for(&[], Some(&core_report), "en")
            .into_iter()
            .map(|t| t.id.as_str().to_owned())
            .collect();
        let through_ffi: Vec<String> = tips_for(None, Some(check), "en".to_owned())
            .into_iter()
            .map(|t| t.id)
            .collect();
        assert!(!direct.is_empty());
        assert_eq!(through_ffi, direct);
    }
}
