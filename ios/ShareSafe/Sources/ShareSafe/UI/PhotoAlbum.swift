//! Why this exists: a share extension cannot open Instagram (`instagram://` needs
//! `UIApplication.open`, which extensions lack), and presenting the activity sheet from an
//! extension is not confirmed to work everywhere. The fallback the parent can always use: the clean
//! copies are saved to a "ShareSafe" album in Photos, and the screen says so, so the parent picks
//! them from that album inside the app they post with.

#if canImport(UIKit) && canImport(Photos)
import Foundation
import Photos

/// Saves clean copies into the "ShareSafe" album.
public enum PhotoAlbum {
    /// The album's name in Photos (the same in every language, so the parent can find it).
    public static let name = "ShareSafe"

    /// Why saving did not happen.
    public enum SaveError: Error, Sendable {
        /// The parent did not allow access to the photo library.
        case notAllowed
        /// Photos refused the change.
        case failed
    }

    /// Adds each clean file (`isVideo` tells Photos which kind) to the album, creating the album
    /// when it does not exist. Photos copies the files; the caller still removes its own.
    public static func save(_ files: [(url: URL, isVideo: Bool)]) async throws {
        // An album can be created only with read-write access; add-only access cannot.
        let status = await PHPhotoLibrary.requestAuthorization(for: .readWrite)
        guard status == .authorized || status == .limited else { throw SaveError.notAllowed }
        do {
            try await PHPhotoLibrary.shared().performChanges {
                let album = existingAlbum()
                let albumRequest = album.flatMap { PHAssetCollectionChangeRequest(for: $0) }
                    ?? PHAssetCollectionChangeRequest.creationRequestForAssetCollection(withTitle: name)
                var placeholders: [PHObjectPlaceholder] = []
                for file in files {
                    let request = PHAssetCreationRequest.forAsset()
                    request.addResource(with: file.isVideo ? .video : .photo, fileURL: file.url, options: nil)
                    if let placeholder = request.placeholderForCreatedAsset { placeholders.append(placeholder) }
                }
                albumRequest.addAssets(placeholders as NSArray)
            }
        } catch {
            throw SaveError.failed
        }
    }

    private static func existingAlbum() -> PHAssetCollection? {
        let options = PHFetchOptions()
        options.predicate = NSPredicate(format: "title = %@", name)
        return PHAssetCollection.fetchAssetCollections(with: .album, subtype: .any, options: options).firstObject
    }
}
#endif
