//! Why this exists: the share extension (NSExtensionItem attachments) and the app (PHPicker
//! results) both receive `NSItemProvider`s. Loading one as a `UIImage` would decode and re-encode
//! the photo (tens of MB, and a lossy copy); `loadFileRepresentation` hands over the file itself,
//! as a temporary file that the system deletes when the handler returns, so it is copied into the
//! workspace inside the handler.

#if canImport(UIKit)
import Foundation
import UniformTypeIdentifiers

/// Loads one shared photo or video as a file, never as a decoded image.
public struct SharedFileLoader: @unchecked Sendable {
    /// The item as the system handed it over.
    public let provider: NSItemProvider

    /// A loader for `provider`.
    public init(provider: NSItemProvider) {
        self.provider = provider
    }

    /// Whether the item is a photo or a video ShareSafe may be asked to clean.
    public var isMedia: Bool { mediaTypeIdentifier != nil }

    /// The first registered type that is an image or a movie, in the provider's own order (the
    /// original format comes first: HEIC stays HEIC).
    public var mediaTypeIdentifier: String? {
        provider.registeredTypeIdentifiers.first { identifier in
            guard let type = UTType(identifier) else { return false }
            return type.conforms(to: .image) || type.conforms(to: .movie)
        }
    }

    /// Copies the item's file into `workspace` and returns the copy.
    public func copy(into workspace: TemporaryWorkspace) async throws -> URL {
        guard let identifier = mediaTypeIdentifier else { throw ShareSafeFailure.unsupportedFormat }
        return try await withCheckedThrowingContinuation { continuation in
            _ = provider.loadFileRepresentation(forTypeIdentifier: identifier) { url, _ in
                // The file at `url` is deleted as soon as this handler returns: copy it now. The
                // system's error is not passed on: it may name the file.
                guard let url else {
                    continuation.resume(throwing: ShareSafeFailure.storage)
                    return
                }
                do {
                    continuation.resume(returning: try workspace.importCopy(of: url))
                } catch {
                    continuation.resume(throwing: ShareSafeFailure(error))
                }
            }
        }
    }
}
#endif
