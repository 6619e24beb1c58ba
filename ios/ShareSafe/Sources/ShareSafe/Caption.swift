//! Why this exists: metadata is half of what locates a child; the caption is the other half
//! ("Emma, 6, first day at Grundschule am Park"). The core reads the caption on the device and
//! marks the risky spans with char offsets and, for Swift, UTF-16 offsets, which are what
//! `NSRange` and `String.Index` need: an emoji before a name would shift char offsets. This file
//! turns those spans into `NSRange`s and `Range<String.Index>`es, so the review screen can
//! highlight them, and keeps the dictionaries warm so the first keystroke is checked at once.
//! The caption never leaves the device and nothing here logs it.

import Foundation

extension ShareSafe {
    /// Checks a caption for what can locate or identify a child. `language` ("en", "fr", "de",
    /// "nl") chooses the language of the reasons; by default the device's. Synchronous: it takes
    /// well under a millisecond once ``preloadCaptionDictionaries()`` ran.
    public static func checkCaption(_ text: String, language: String? = nil) -> CaptionCheck {
        ShareSafeFFI.checkCaption(text: text, locale: language ?? L10n.currentLanguage)
    }

    /// Loads the caption dictionaries (~20 ms) off the main thread; call it once at start-up so
    /// the first check does not stall a keystroke.
    public static func preloadCaptionDictionaries() async {
        await ShareSafeFFI.preloadCaptionDictionaries()
    }
}

extension CaptionWarning {
    /// The warned-about span as an `NSRange` (UTF-16 units), for `NSAttributedString` and
    /// `UITextView`.
    public var nsRange: NSRange {
        NSRange(location: Int(utf16Start), length: Int(utf16End) - Int(utf16Start))
    }

    /// The span inside `caption` (the text that was checked), or nil when `caption` has changed
    /// since and the span no longer fits.
    public func range(in caption: String) -> Range<String.Index>? {
        Range(nsRange, in: caption)
    }

    /// The strings-table stem of this warning's kind: `caption.kind.<stem>`.
    public var kindKeyStem: String { kind.keyStem }
}

extension CaptionRewrite {
    /// The replaced span as an `NSRange` (UTF-16 units).
    public var nsRange: NSRange {
        NSRange(location: Int(utf16Start), length: Int(utf16End) - Int(utf16Start))
    }
}

extension CaptionWarningKind {
    /// The strings-table stem of the kind: `caption.kind.<stem>`.
    public var keyStem: String {
        switch self {
        case .location: return "location"
        case .school: return "school"
        case .fullName: return "full_name"
        case .ageOrBirthday: return "age_or_birthday"
        case .contact: return "contact"
        case .routine: return "routine"
        case .sensitiveContent: return "sensitive_content"
        case .searchableHashtag: return "searchable_hashtag"
        }
    }

    /// A short label for the kind ("School", "Age or birthday"), in `language`.
    public func localizedName(language: String? = nil) -> String {
        L10n.string("caption.kind.\(keyStem)", language: language)
    }

    /// Every kind, so tests can check that each has its label in every language.
    public static let allKinds: [CaptionWarningKind] = [
        .location, .school, .fullName, .ageOrBirthday, .contact, .routine, .sensitiveContent, .searchableHashtag,
    ]
}

extension CaptionSeverity {
    /// The strings-table stem: `caption.severity.<stem>`.
    public var keyStem: String {
        switch self {
        case .low: return "low"
        case .medium: return "medium"
        case .high: return "high"
        }
    }

    /// "Remove before sharing", "Better removed", "Worth knowing", in `language`.
    public func localizedName(language: String? = nil) -> String {
        L10n.string("caption.severity.\(keyStem)", language: language)
    }
}

extension CaptionCheck {
    /// Whether the caption needs the parent's attention at all.
    public var hasWarnings: Bool { !warnings.isEmpty }

    /// The warned-about spans of `caption` (the text that was checked), in order, each with its
    /// warning; spans that no longer fit `caption` are left out.
    public func highlights(in caption: String) -> [(range: Range<String.Index>, warning: CaptionWarning)] {
        warnings.compactMap { warning in
            warning.range(in: caption).map { (range: $0, warning: warning) }
        }
    }
}
