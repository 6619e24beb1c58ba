//! Why this exists: "EXIF removed, 14 KB" tells a parent nothing. The core's privacy report says,
//! per finding, what a file gives away ("Where the photo was taken", "Camera owner's name"), how
//! much it matters, and whether the clean removes it. This file calls it with `URL`s and `Data`,
//! translates each finding by its stable id from the package's strings (EN/FR/DE/NL, falling back
//! to the core's English), and groups findings by severity for the review screen. A finding's
//! `value` (a coordinate, a name) is for the parent's own eyes: nothing here logs it.

import Foundation

extension ShareSafe {
    /// What the photo held in memory gives away, finding by finding (most severe first).
    public static func privacyReport(_ data: Data) async throws -> PrivacyReport {
        try await mapped { try await ShareSafeFFI.privacyReportBytes(input: data) }
    }

    /// What the file at `url` gives away, finding by finding (most severe first). Reads the file
    /// through the core's bounded reader; writes nothing.
    public static func privacyReport(fileAt url: URL) async throws -> PrivacyReport {
        try await mapped { try await ShareSafeFFI.privacyReportFile(path: url.path) }
    }

    /// Every finding id the core can report, so tests and the strings check can prove that each
    /// one has a title and an explanation in every language.
    public static var findingIds: [String] { ShareSafeFFI.findingIds() }
}

/// The severities in the order the review screen shows them.
public let findingSeverityOrder: [FindingSeverity] = [.high, .medium, .info]

extension FindingSeverity {
    /// The strings-table key stem: `privacy.severity.<stem>`.
    public var keyStem: String {
        switch self {
        case .high: return "high"
        case .medium: return "medium"
        case .info: return "info"
        }
    }

    /// The section header for this severity, in `language` (default: the device's).
    public func localizedName(language: String? = nil) -> String {
        L10n.string("privacy.severity.\(keyStem)", language: language)
    }
}

extension PrivacyFinding {
    /// The strings-table key of this finding's title.
    public var titleKey: String { "privacy.\(id).title" }
    /// The strings-table key of this finding's explanation.
    public var explanationKey: String { "privacy.\(id).explanation" }

    /// The title in `language` (default: the device's); the core's English when the id is newer
    /// than this app's strings.
    public func localizedTitle(language: String? = nil) -> String {
        L10n.string(titleKey, language: language, fallback: title)
    }

    /// Why it matters, in `language` (default: the device's); the core's English when the id is
    /// newer than this app's strings.
    public func localizedExplanation(language: String? = nil) -> String {
        L10n.string(explanationKey, language: language, fallback: explanation)
    }

    /// Where the photo was taken, when the finding is a position.
    public var coordinate: (latitude: Double, longitude: Double)? {
        guard let latitude, let longitude else { return nil }
        return (latitude, longitude)
    }
}

/// The findings of one severity, for one section of the review screen.
public struct FindingGroup: Identifiable, Sendable {
    /// How much these findings matter.
    public let severity: FindingSeverity
    /// The findings, in the core's order.
    public let findings: [PrivacyFinding]
    /// Stable per severity, for SwiftUI lists.
    public var id: String { severity.keyStem }
}

extension PrivacyReport {
    /// The findings grouped by severity, most severe first; empty groups are left out.
    public var groupedBySeverity: [FindingGroup] {
        findingSeverityOrder.compactMap { severity in
            let group = findings.filter { $0.severity == severity }
            return group.isEmpty ? nil : FindingGroup(severity: severity, findings: group)
        }
    }

    /// Whether any finding is one the clean leaves in place (the review screen says so).
    public var hasFindingsTheCleanKeeps: Bool { findings.contains { !$0.removedByClean } }
}
