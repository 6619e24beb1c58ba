//! Why this exists: the review screen tells a parent, in plain words, what the clean took out of
//! each photo. The core reports parts (offset, length, kind, action); this groups the parts that
//! were removed or rewritten by kind, most sensitive first, with a localized title and sentence.
//! Kept parts (pixels, colour profile, orientation) are not findings.

import Foundation

/// One kind of metadata the clean removed from a file, e.g. "Camera and location data (EXIF)".
public struct Finding: Identifiable, Hashable, Sendable {
    /// What kind of metadata.
    public let kind: PartKind
    /// How many parts of that kind were removed or rewritten.
    public let count: Int
    /// Their total size in bytes.
    public let bytes: UInt64

    /// A finding of `count` parts of `kind` totalling `bytes`.
    public init(kind: PartKind, count: Int, bytes: UInt64) {
        self.kind = kind
        self.count = count
        self.bytes = bytes
    }

    /// Stable per kind, for SwiftUI lists.
    public var id: String { Finding.keyStem(kind) }

    /// The short title, in `language` (default: the device's).
    public func title(language: String? = nil) -> String {
        L10n.string("finding.\(id).title", language: language)
    }

    /// One sentence saying why it matters, in `language` (default: the device's).
    public func detail(language: String? = nil) -> String {
        L10n.string("finding.\(id).detail", language: language)
    }

    /// Every kind a clean can remove, in the order the review screen lists them: what can locate
    /// or identify a child first.
    public static let displayOrder: [PartKind] = [
        .exif, .xmp, .iptc, .provenance, .thumbnail, .multiPicture, .text, .timestamp, .trailer, .unknown,
    ]

    /// The removed or rewritten parts of `report`, grouped by kind in ``displayOrder``.
    public static func findings(in report: CleanReport) -> [Finding] {
        var count: [PartKind: Int] = [:]
        var bytes: [PartKind: UInt64] = [:]
        for part in report.parts where part.action != .kept {
            count[part.kind, default: 0] += 1
            bytes[part.kind, default: 0] += part.length
        }
        let ordered = displayOrder + count.keys.filter { !displayOrder.contains($0) }
        return ordered.compactMap { kind in
            guard let n = count[kind] else { return nil }
            return Finding(kind: kind, count: n, bytes: bytes[kind] ?? 0)
        }
    }

    /// The strings-table stem of a kind: `finding.<stem>.title` / `.detail`.
    static func keyStem(_ kind: PartKind) -> String {
        switch kind {
        case .structure: return "structure"
        case .imageData: return "image_data"
        case .colour: return "colour"
        case .orientation: return "orientation"
        case .exif: return "exif"
        case .xmp: return "xmp"
        case .iptc: return "iptc"
        case .text: return "text"
        case .thumbnail: return "thumbnail"
        case .multiPicture: return "multi_picture"
        case .provenance: return "provenance"
        case .timestamp: return "timestamp"
        case .trailer: return "trailer"
        case .unknown: return "unknown"
        }
    }

    /// Every kind, so tests can check each has its strings in every language.
    public static let allKinds: [PartKind] = [
        .structure, .imageData, .colour, .orientation, .exif, .xmp, .iptc, .text, .thumbnail,
        .multiPicture, .provenance, .timestamp, .trailer, .unknown,
    ]
}
