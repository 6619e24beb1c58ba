//! Why this exists: metadata is only half of what locates a child; the caption and the picture's
//! background are the other half, and no stripping fixes them. The review screen and the app's
//! Tips tab show these short, localized tips. (A caption check that reads the parent's text
//! belongs to the core and is not part of the bindings yet; until it is, the screens show tips.)

import Foundation

/// Localized advice for the review screen and the app.
public enum Tips {
    /// Keys of the tips shown next to the caption field.
    public static let captionKeys = ["tips.caption.1", "tips.caption.2", "tips.caption.3", "tips.caption.4"]
    /// Keys of the general sharing tips in the app.
    public static let sharingKeys = ["tips.share.1", "tips.share.2", "tips.share.3"]

    /// The caption tips in `language` (default: the device's).
    public static func caption(language: String? = nil) -> [String] {
        captionKeys.map { L10n.string($0, language: language) }
    }

    /// The sharing tips in `language` (default: the device's).
    public static func sharing(language: String? = nil) -> [String] {
        sharingKeys.map { L10n.string($0, language: language) }
    }
}
