//! Why this exists: the boundary error carries a technical English message meant for logs. A
//! parent needs one sentence, in their language, that says what happened and that nothing unsafe
//! was shared. This enum is the only error the Swift API throws; its descriptions come from the
//! package's Localizable.strings (EN/FR/DE/NL) and never contain a path, caption or name.

import Foundation

/// Why ShareSafe did not produce a clean file. In every case nothing was written and the original
/// is untouched, so the app must not pass anything on.
public enum ShareSafeFailure: Error, LocalizedError, Equatable, Hashable, Sendable, CaseIterable {
    /// The file is not a format ShareSafe can clean (JPEG, PNG, WebP, GIF, HEIC, AVIF, MP4, MOV).
    case unsupportedFormat
    /// The file is truncated or malformed.
    case damaged
    /// The file is beyond ShareSafe's size or structure limits.
    case tooLarge
    /// The parent (or the system) stopped the work.
    case cancelled
    /// The output file already exists; ShareSafe never overwrites.
    case outputExists
    /// Reading or writing storage failed (full disk, missing file, no permission).
    case storage
    /// A bug inside ShareSafe; nothing was written.
    case internalError
    /// The face model (`centerface.onnx`) is not in the app's bundle, so faces cannot be found.
    case faceModelMissing

    /// Maps any error a ShareSafe call can raise: the boundary error, a Swift task cancellation,
    /// or (for anything else, such as a failed file copy) a storage error.
    public init(_ error: Error) {
        switch error {
        case let failure as ShareSafeFailure:
            self = failure
        case let boundary as ShareSafeError:
            switch boundary {
            case .UnsupportedFormat: self = .unsupportedFormat
            case .Damaged: self = .damaged
            case .TooLarge: self = .tooLarge
            case .Cancelled: self = .cancelled
            case .OutputExists: self = .outputExists
            case .Storage: self = .storage
            case .Internal: self = .internalError
            @unknown default: self = .internalError
            }
        case is CancellationError:
            self = .cancelled
        default:
            self = .storage
        }
    }

    /// The failure of one batch item, from the kind the batch reports.
    public init(_ kind: FailureKind) {
        switch kind {
        case .unsupportedFormat: self = .unsupportedFormat
        case .damaged: self = .damaged
        case .tooLarge: self = .tooLarge
        case .cancelled: self = .cancelled
        case .outputExists: self = .outputExists
        case .storage: self = .storage
        case .internal: self = .internalError
        }
    }

    /// The key of this failure's sentence in Localizable.strings.
    public var localizationKey: String {
        switch self {
        case .unsupportedFormat: return "error.unsupported_format"
        case .damaged: return "error.damaged"
        case .tooLarge: return "error.too_large"
        case .cancelled: return "error.cancelled"
        case .outputExists: return "error.output_exists"
        case .storage: return "error.storage"
        case .internalError: return "error.internal"
        case .faceModelMissing: return "error.face_model_missing"
        }
    }

    /// The sentence shown to the parent, in the device's language.
    public var errorDescription: String? { L10n.string(localizationKey) }

    /// What the parent can do about it, in the device's language.
    public var recoverySuggestion: String? { L10n.string(localizationKey + ".recovery") }

    /// The sentence in a given language (`en`, `fr`, `de`, `nl`).
    public func description(language: String) -> String {
        L10n.string(localizationKey, language: language)
    }
}
