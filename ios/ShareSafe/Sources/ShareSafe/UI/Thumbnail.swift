//! Why this exists: the review screen shows a small picture of each clean copy. Loading a
//! `UIImage` of a 12 MP photo costs ~36 MB of the extension's ~120 MB; ImageIO decodes straight to
//! a small thumbnail (a few hundred KB) from the file.

#if canImport(UIKit) && canImport(ImageIO)
import ImageIO
import SwiftUI

/// A downsampled image of a photo file, decoded by ImageIO.
public enum Thumbnail {
    /// A thumbnail no larger than `maxPixels` on its long side, upright (orientation applied), or
    /// nil when the file is not an image ImageIO reads (videos show no thumbnail).
    public static func make(for url: URL, maxPixels: Int = 240) -> CGImage? {
        let sourceOptions: [CFString: Any] = [kCGImageSourceShouldCache: false]
        guard let source = CGImageSourceCreateWithURL(url as CFURL, sourceOptions as CFDictionary) else { return nil }
        let options: [CFString: Any] = [
            kCGImageSourceCreateThumbnailFromImageAlways: true,
            kCGImageSourceCreateThumbnailWithTransform: true,
            kCGImageSourceShouldCacheImmediately: true,
            kCGImageSourceThumbnailMaxPixelSize: maxPixels,
        ]
        return CGImageSourceCreateThumbnailAtIndex(source, 0, options as CFDictionary)
    }
}

/// A square thumbnail of a clean copy, made off the main thread.
public struct ThumbnailView: View {
    let url: URL
    @State private var image: CGImage?

    /// A thumbnail of the file at `url`.
    public init(url: URL) {
        self.url = url
    }

    public var body: some View {
        Group {
            if let image {
                Image(decorative: image, scale: 1).resizable().scaledToFill()
            } else {
                Rectangle().fill(Color.secondary.opacity(0.2))
            }
        }
        .frame(width: 72, height: 72)
        .clipShape(RoundedRectangle(cornerRadius: 8))
        .task(id: url) {
            let url = self.url
            image = await Task.detached(priority: .utility) { Thumbnail.make(for: url) }.value
        }
    }
}
#endif
