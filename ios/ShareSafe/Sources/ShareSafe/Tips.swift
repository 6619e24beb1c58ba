//! Why this exists: what no stripping fixes (the caption, the background, the moment of posting)
//! needs words. The tips come from the core, localized there, so Android and iOS give the same
//! advice; `tips_for` picks the ones that fit what this photo and this caption showed (a hidden
//! video, a named school), `all_tips` lists every tip for the app's Tips tab. The few sentences
//! about using ShareSafe on an iPhone itself are this app's own strings.

import Foundation

/// Advice for the review screen and the app.
public enum Tips {
    /// The tips that fit one photo's report and the caption being written, most relevant first,
    /// in `language` (default: the device's). Either may be nil (a video without a report, no
    /// caption yet).
    public static func forReview(
        report: PrivacyReport?, caption: CaptionCheck?, language: String? = nil
    ) -> [PrivacyTip] {
        ShareSafeFFI.tipsFor(report: report, caption: caption, locale: language ?? L10n.currentLanguage)
    }

    /// Every tip, for the app's Tips tab, in `language` (default: the device's).
    public static func all(language: String? = nil) -> [PrivacyTip] {
        ShareSafeFFI.allTips(locale: language ?? L10n.currentLanguage)
    }

    /// Keys of the iPhone-specific sentences about sharing through ShareSafe.
    public static let sharingKeys = ["tips.share.1", "tips.share.2", "tips.share.3"]

    /// The iPhone-specific sharing sentences in `language` (default: the device's).
    public static func sharing(language: String? = nil) -> [String] {
        sharingKeys.map { L10n.string($0, language: language) }
    }
}
