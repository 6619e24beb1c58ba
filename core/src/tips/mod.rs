//! Why this exists: a warning alone does not change a habit; a short, concrete tip does ("turn off
//! location for the camera", "use a close-friends list"). This is the tip library — stable ids,
//! text in English, French, German and Dutch — and [`tips_for`], which picks the few tips that
//! matter most for one photo and its caption, ranked.
//!
//! The photo side speaks in [`PhotoSignal`]s: what a photo report can reveal. The photo-report code
//! converts its findings into these signals; this module knows nothing about file formats.

mod text;

use serde::Serialize;

use crate::caption::{CaptionReport, Finding, FindingKind, Language, Severity};

/// What a photo's report can reveal, as far as tips are concerned.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum PhotoSignal {
    /// The file carried GPS coordinates (removed by the clean, but the camera keeps adding them).
    GpsLocation,
    /// GPS tags were present but zeroed by the phone (location already off for the camera).
    GpsAlreadyZeroed,
    /// Facebook's `FBMD` tracking code in IPTC/XMP: it ties copies back to the uploading account.
    FacebookTrackingCode,
    /// Other unique ids (image/document UUIDs, camera serials, XMP instance ids).
    OtherTrackingIds,
    /// People named in metadata (face regions with names, keywords, "person shown").
    PeopleNamedInMetadata,
    /// Faces are visible in the picture.
    FacesVisible,
    /// A hidden video or motion-photo clip inside the still image.
    HiddenVideo,
    /// An embedded thumbnail or preview, which may show the uncropped, unredacted original.
    EmbeddedThumbnail,
    /// Phone make, model, lens or software.
    DeviceInfo,
    /// Date and time of capture.
    CaptureTime,
    /// A school logo, uniform, house number or street sign is visible (set by the user or a
    /// future detector).
    SchoolOrHomeVisible,
}

/// Stable identifiers of the tips (also their JSON names).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum TipId {
    /// Turn off location for the camera app.
    TurnOffCameraLocation,
    /// Location was already off: keep it that way.
    CameraLocationAlreadyOff,
    /// What Facebook's FBMD code is and why it was removed.
    FacebookTrackingCode,
    /// Other tracking ids were removed.
    TrackingIdsRemoved,
    /// Names stored in the photo's metadata.
    NamesInMetadata,
    /// Cover faces with ShareSafe's fill (pixels destroyed); emoji stickers and blur are not enough.
    HideFaces,
    /// Motion photos carry a hidden video.
    MotionPhoto,
    /// Embedded thumbnails can show the original.
    EmbeddedThumbnail,
    /// Device details reveal which phone took the photo.
    DeviceInfo,
    /// Capture times reveal routines.
    CaptureTime,
    /// School logos, uniforms, house numbers and street signs in the background.
    BackgroundClues,
    /// Bath, beach, nappy and gymnastics photos: never public.
    KeepSensitivePhotosPrivate,
    /// Share with a close-friends list or a private account.
    UseCloseFriends,
    /// No searchable hashtags.
    NoSearchableHashtags,
    /// Leave the town, street and venue out of the caption.
    NoPlaceInCaption,
    /// First name at most, never the full name.
    NoFullName,
    /// Do not name the school, daycare or club.
    NoSchoolName,
    /// Do not announce routines.
    NoRoutine,
    /// Never post a date of birth; keep ages vague.
    NoBirthDate,
    /// No phone numbers, e-mail addresses or handles.
    NoContactDetails,
    /// If a photo is misused: StopNCII, Take It Down, national hotlines.
    IfMisused,
    /// Ask the child.
    AskTheChild,
}

impl TipId {
    /// Every tip, in library order.
    pub const ALL: [TipId; 22] = [
        TipId::TurnOffCameraLocation,
        TipId::CameraLocationAlreadyOff,
        TipId::FacebookTrackingCode,
        TipId::TrackingIdsRemoved,
        TipId::NamesInMetadata,
        TipId::HideFaces,
        TipId::MotionPhoto,
        TipId::EmbeddedThumbnail,
        TipId::DeviceInfo,
        TipId::CaptureTime,
        TipId::BackgroundClues,
        TipId::KeepSensitivePhotosPrivate,
        TipId::UseCloseFriends,
        TipId::NoSearchableHashtags,
        TipId::NoPlaceInCaption,
        TipId::NoFullName,
        TipId::NoSchoolName,
        TipId::NoRoutine,
        TipId::NoBirthDate,
        TipId::NoContactDetails,
        TipId::IfMisused,
        TipId::AskTheChild,
    ];

    /// The stable snake_case id ("turn_off_camera_location").
    pub fn as_str(self) -> &'static str {
        text::id(self)
    }
}

/// A tip, ready to show.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Tip {
    /// Stable id.
    pub id: TipId,
    /// A few words.
    pub title: String,
    /// One or two sentences.
    pub text: String,
    /// Rank score (higher first); only the order is meant to be stable.
    pub score: u32,
}

/// The tip `id` in the language of `locale` ("fr-LU", "de", …; English otherwise).
pub fn tip(id: TipId, locale: &str) -> Tip {
    let lang = Language::from_code(locale).unwrap_or(Language::En);
    let (title, body) = text::text(id, lang);
    Tip {
        id,
        title: title.to_string(),
        text: body.to_string(),
        score: 0,
    }
}

/// The whole library in one language, for a "privacy tips" screen.
pub fn all_tips(locale: &str) -> Vec<Tip> {
    TipId::ALL.iter().map(|&id| tip(id, locale)).collect()
}

/// How many tips [`tips_for`] returns at most: a parent reads three, not twenty.
pub const MAX_TIPS: usize = 4;

/// What the tip ranking reads from one caption finding: its kind and severity, and whether it is
/// one of the two reasons the ranking tells apart (a hashtag predators search, a full birth
/// date). An app that keeps a caption check but not the caption (the FFI's `CaptionCheck`)
/// carries these, so tips can be ranked later without analysing the text again.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct CaptionSignal {
    /// What was found.
    pub kind: FindingKind,
    /// How much it matters.
    pub severity: Severity,
    /// A hashtag predators search for (`hashtag.sensitive`).
    pub sensitive_hashtag: bool,
    /// A full date of birth (`age.birthdate`).
    pub birth_date: bool,
}

impl CaptionSignal {
    /// The signal of one finding.
    pub fn of(f: &Finding) -> Self {
        CaptionSignal {
            kind: f.kind,
            severity: f.severity,
            sensitive_hashtag: f.reason_id == "hashtag.sensitive",
            birth_date: f.reason_id == "age.birthdate",
        }
    }

    /// A stable text form (`"searchable_hashtag|2|s"`): kind, severity 0–2, flags. It holds
    /// nothing of the caption's text.
    pub fn encode(&self) -> String {
        let severity = match self.severity {
            Severity::Low => 0,
            Severity::Medium => 1,
            Severity::High => 2,
        };
        let flags = match (self.sensitive_hashtag, self.birth_date) {
            (true, true) => "sb",
            (true, false) => "s",
            (false, true) => "b",
            (false, false) => "",
        };
        format!("{}|{severity}|{flags}", self.kind.as_str())
    }

    /// Reads [`Self::encode`]'s form back; `None` for anything else.
    pub fn parse(s: &str) -> Option<Self> {
        let mut parts = s.split('|');
        let kind = FindingKind::parse(parts.next()?)?;
        let severity = match parts.next()? {
            "0" => Severity::Low,
            "1" => Severity::Medium,
            "2" => Severity::High,
            _ => return None,
        };
        let flags = parts.next()?;
        if parts.next().is_some() || !flags.chars().all(|c| c == 's' || c == 'b') {
            return None;
        }
        Some(CaptionSignal {
            kind,
            severity,
            sensitive_hashtag: flags.contains('s'),
            birth_date: flags.contains('b'),
        })
    }
}

/// The signals of every finding of a caption report, in order.
pub fn caption_signals(report: &CaptionReport) -> Vec<CaptionSignal> {
    report.findings.iter().map(CaptionSignal::of).collect()
}

/// The tips that matter most for this photo and caption, ranked, at most [`MAX_TIPS`].
///
/// Empty when neither the photo nor the caption revealed anything.
pub fn tips_for(photo: &[PhotoSignal], caption: Option<&CaptionReport>, locale: &str) -> Vec<Tip> {
    let caption = caption.map(caption_signals).unwrap_or_default();
    tips_for_signals(photo, &caption, locale)
}

/// [`tips_for`] from the caption's [`CaptionSignal`]s instead of its report.
pub fn tips_for_signals(
    photo: &[PhotoSignal],
    caption: &[CaptionSignal],
    locale: &str,
) -> Vec<Tip> {
    let mut scores: Vec<(TipId, u32)> = Vec::new();
    fn add_to(scores: &mut Vec<(TipId, u32)>, id: TipId, s: u32) {
        match scores.iter_mut().find(|(i, _)| *i == id) {
            Some(slot) => slot.1 = slot.1.max(s),
            None => scores.push((id, s)),
        }
    }
    let mut add = |id: TipId, s: u32| add_to(&mut scores, id, s);
    for &sig in photo {
        match sig {
            PhotoSignal::GpsLocation => add(TipId::TurnOffCameraLocation, 90),
            PhotoSignal::GpsAlreadyZeroed => add(TipId::CameraLocationAlreadyOff, 10),
            PhotoSignal::FacebookTrackingCode => add(TipId::FacebookTrackingCode, 70),
            PhotoSignal::OtherTrackingIds => add(TipId::TrackingIdsRemoved, 35),
            PhotoSignal::PeopleNamedInMetadata => add(TipId::NamesInMetadata, 60),
            PhotoSignal::FacesVisible => add(TipId::HideFaces, 65),
            PhotoSignal::HiddenVideo => add(TipId::MotionPhoto, 60),
            PhotoSignal::EmbeddedThumbnail => add(TipId::EmbeddedThumbnail, 45),
            PhotoSignal::DeviceInfo => add(TipId::DeviceInfo, 15),
            PhotoSignal::CaptureTime => add(TipId::CaptureTime, 20),
            PhotoSignal::SchoolOrHomeVisible => add(TipId::BackgroundClues, 80),
        }
    }
    let boost = |k: FindingKind| -> Option<u32> {
        caption
            .iter()
            .filter(|f| f.kind == k)
            .map(|f| if f.severity == Severity::High { 15 } else { 0 })
            .max()
    };
    let sensitive_tag = caption.iter().any(|f| f.sensitive_hashtag);
    if let Some(b) = boost(FindingKind::SensitiveContent) {
        add(TipId::KeepSensitivePhotosPrivate, 95 + b);
        add(TipId::IfMisused, 30);
    }
    if let Some(b) = boost(FindingKind::SearchableHashtag) {
        add(
            TipId::NoSearchableHashtags,
            if sensitive_tag { 100 + b } else { 55 + b },
        );
        if sensitive_tag {
            add(TipId::KeepSensitivePhotosPrivate, 96);
            add(TipId::IfMisused, 30);
        }
    }
    if let Some(b) = boost(FindingKind::FullName) {
        add(TipId::NoFullName, 70 + b);
    }
    if let Some(b) = boost(FindingKind::School) {
        add(TipId::NoSchoolName, 65 + b);
    }
    if let Some(b) = boost(FindingKind::Location) {
        add(TipId::NoPlaceInCaption, 65 + b);
    }
    if let Some(b) = boost(FindingKind::Routine) {
        add(TipId::NoRoutine, 75 + b);
    }
    if let Some(b) = boost(FindingKind::AgeOrBirthday) {
        let birthdate = caption.iter().any(|f| f.birth_date);
        add(TipId::NoBirthDate, if birthdate { 80 } else { 40 + b });
    }
    if let Some(b) = boost(FindingKind::Contact) {
        add(TipId::NoContactDetails, 75 + b);
    }
    if scores.iter().any(|&(_, s)| s >= 40) {
        add_to(&mut scores, TipId::UseCloseFriends, 50);
    }
    scores.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(&b.0)));
    scores
        .into_iter()
        .take(MAX_TIPS)
        .map(|(id, score)| Tip {
            score,
            ..tip(id, locale)
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::caption::analyze_caption;

    #[test]
    fn every_tip_has_text_in_four_languages() {
        for id in TipId::ALL {
            for loc in ["en", "fr", "de", "nl"] {
                let t = tip(id, loc);
                assert!(!t.title.is_empty() && !t.text.is_empty(), "{id:?} {loc}");
            }
            assert_ne!(
                tip(id, "fr").text,
                tip(id, "en").text,
                "{id:?} French is not English"
            );
        }
        let ids: std::collections::HashSet<_> = TipId::ALL.iter().map(|t| t.as_str()).collect();
        assert_eq!(ids.len(), TipId::ALL.len());
    }

    #[test]
    fn bath_hashtag_outranks_metadata() {
        let r = analyze_caption("Splash! #bathtime", None);
        let tips = tips_for(
            &[PhotoSignal::DeviceInfo, PhotoSignal::GpsLocation],
            Some(&r),
            "de-LU",
        );
        let ids: Vec<_> = tips.iter().map(|t| t.id).collect();
        assert_eq!(ids[0], TipId::NoSearchableHashtags, "{ids:?}");
        assert!(ids.contains(&TipId::KeepSensitivePhotosPrivate));
        assert!(ids.contains(&TipId::TurnOffCameraLocation));
        assert!(
            !ids.contains(&TipId::DeviceInfo),
            "a minor tip must not crowd out the major ones"
        );
        assert!(tips.len() <= MAX_TIPS);
        assert!(tips[0].text.contains("Hashtag"));
    }

    #[test]
    fn caption_signals_round_trip_and_rank_like_the_report() {
        let r = analyze_caption(
            "Lisa, born 3 May 2019, every Saturday at the pool in Mamer #bathtime",
            Some("en"),
        );
        let signals = caption_signals(&r);
        assert!(signals.iter().any(|s| s.sensitive_hashtag));
        assert!(signals.iter().any(|s| s.birth_date), "{:?}", r.findings);
        let back: Vec<CaptionSignal> = signals
            .iter()
            .map(|s| CaptionSignal::parse(&s.encode()).expect("own encoding parses"))
            .collect();
        assert_eq!(back, signals);
        assert_eq!(
            tips_for_signals(&[], &back, "fr"),
            tips_for(&[], Some(&r), "fr")
        );
        for bad in [
            "",
            "location",
            "location|3|",
            "nope|1|",
            "location|1|x",
            "location|1||",
        ] {
            assert_eq!(CaptionSignal::parse(bad), None, "{bad}");
        }
    }

    #[test]
    fn nothing_found_means_no_tips() {
        let r = analyze_caption("What a lovely day", None);
        assert!(tips_for(&[], Some(&r), "en").is_empty());
        assert!(tips_for(&[], None, "en").is_empty());
    }

    #[test]
    fn gps_and_fbmd_tips() {
        let t = tips_for(
            &[PhotoSignal::FacebookTrackingCode, PhotoSignal::GpsLocation],
            None,
            "nl",
        );
        assert_eq!(t[0].id, TipId::TurnOffCameraLocation);
        assert_eq!(t[1].id, TipId::FacebookTrackingCode);
    }
}
