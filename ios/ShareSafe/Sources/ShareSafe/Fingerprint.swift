//! Why this exists: once a photo of a child is out, a parent may need to ask platforms to take
//! it down (StopNCII, Take It Down), which works from a perceptual hash, not from the photo. So
//! every photo ShareSafe passes on is fingerprinted (PDQ) and recorded in an append-only ledger
//! with the app it went to. The ledger holds hashes, times and app names only: never the photo,
//! never its location. It lives in the process's own Application Support directory (the
//! extension's private container for the extension); ShareSafe has no App Group, so nothing is
//! shared between containers.

import Foundation

extension ShareSafe {
    /// The PDQ fingerprint of the photo at `url` (read through the core's bounded reader).
    public static func fingerprint(fileAt url: URL) async throws -> PhotoFingerprint {
        try await mapped { try await ShareSafeFFI.fingerprintFile(path: url.path) }
    }

    /// The PDQ fingerprint of a photo held in memory.
    public static func fingerprint(_ data: Data) async throws -> PhotoFingerprint {
        try await mapped { try await ShareSafeFFI.fingerprintBytes(photo: data) }
    }

    /// Hamming distance between two PDQ hashes (64 hex digits each); ≤ 31 means the same photo.
    public static func pdqDistance(_ a: String, _ b: String) throws -> Int {
        do {
            return Int(try ShareSafeFFI.pdqDistance(aHex: a, bHex: b))
        } catch {
            throw ShareSafeFailure(error)
        }
    }
}

extension SharedPhotoLedger {
    /// The ledger's file name inside its directory.
    public static let fileName = "shared-photos.ledger"

    /// The default directory: `Application Support/ShareSafe` of this process (for the share
    /// extension, inside its own container).
    public static func defaultDirectory() throws -> URL {
        guard let support = FileManager.default.urls(for: .applicationSupportDirectory, in: .userDomainMask).first else {
            throw ShareSafeFailure.storage
        }
        return support.appendingPathComponent("ShareSafe", isDirectory: true)
    }

    /// Opens (creating when needed) the ledger in `directory` (default: ``defaultDirectory()``).
    public static func openPrivate(in directory: URL? = nil) throws -> SharedPhotoLedger {
        do {
            let dir = try directory ?? defaultDirectory()
            try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
            return try SharedPhotoLedger.open(path: dir.appendingPathComponent(fileName).path)
        } catch {
            throw ShareSafeFailure(error)
        }
    }

    /// Fingerprints the clean file at `url` and records that it went to `targetApp` (an activity
    /// type such as `com.burbn.instagram.shareextension`, or ``albumTarget``). Returns the
    /// fingerprint. Call it only with the file actually passed on.
    @discardableResult
    public func recordShared(fileAt url: URL, targetApp: String) async throws -> PhotoFingerprint {
        let fingerprint = try await ShareSafe.fingerprint(fileAt: url)
        do {
            try record(fingerprint: fingerprint, targetApp: targetApp)
        } catch {
            throw ShareSafeFailure(error)
        }
        return fingerprint
    }

    /// The target recorded when the parent saved to the "ShareSafe" album instead of sharing.
    public static let albumTarget = "photos-album"
    /// The target recorded when the share sheet did not say which app it was.
    public static let unknownTarget = "share-sheet"
}
