//! Why this exists: a clean photo can still show a child's face, and some parents want to share
//! the moment without it. The core finds faces (CenterFace, on a reduced-scale decode, so the
//! extension never holds a full 12 MP bitmap) and redacts the regions the parent keeps hidden in
//! one verified step with the clean, failing closed. This file loads the model from the app's or
//! extension's bundle (`centerface.onnx`, see ios/README.md), keeps the per-face toggles (every face
//! hidden until the parent shows it), and calls the redaction with `URL`s and `Data`.

import Foundation

extension FaceDetector {
    /// The model's resource name in the bundle: `centerface.onnx`.
    public static let modelResourceName = "centerface"
    /// The model's file extension.
    public static let modelResourceExtension = "onnx"

    /// A detector with the model shipped in `bundle` (default: the running app's or extension's
    /// main bundle). Throws ``ShareSafeFailure/faceModelMissing`` when the bundle lacks it.
    public static func bundled(in bundle: Bundle = .main) throws -> FaceDetector {
        guard let url = bundle.url(forResource: modelResourceName, withExtension: modelResourceExtension) else {
            throw ShareSafeFailure.faceModelMissing
        }
        return try load(modelAt: url)
    }

    /// A detector with the model at `url` (a file URL to `centerface.onnx`).
    public static func load(modelAt url: URL) throws -> FaceDetector {
        guard FileManager.default.fileExists(atPath: url.path) else { throw ShareSafeFailure.faceModelMissing }
        do {
            return try FaceDetector(modelPath: url.path)
        } catch {
            throw ShareSafeFailure(error)
        }
    }

    /// The faces in the photo at `url`, in displayed coordinates (orientation applied). The core
    /// decodes at reduced scale; never pass a decoded `UIImage` instead.
    public func faces(inFileAt url: URL) async throws -> FaceDetection {
        try await ShareSafe.mapped { try await detectFile(path: url.path) }
    }

    /// The faces in a photo held in memory, in displayed coordinates.
    public func faces(in data: Data) async throws -> FaceDetection {
        try await ShareSafe.mapped { try await detectBytes(photo: data) }
    }
}

extension DetectedFace {
    /// The region the redaction covers for this face: its box plus the core's margins (hair, ears).
    public var redactRegion: RedactRegion { ShareSafeFFI.faceRegion(face: self) }
}

/// Which faces of one photo the parent keeps hidden. Every face starts hidden: showing a face is
/// the parent's deliberate choice, never the default.
public struct FaceSelection: Sendable, Hashable {
    /// What the detector found.
    public let detection: FaceDetection
    /// Indices (``DetectedFace/index``) of the faces to hide.
    public private(set) var hidden: Set<UInt32>

    /// A selection with every face of `detection` hidden.
    public init(detection: FaceDetection) {
        self.detection = detection
        hidden = Set(detection.faces.map(\.index))
    }

    /// Whether the face with `index` will be covered.
    public func isHidden(_ index: UInt32) -> Bool { hidden.contains(index) }

    /// Hides or shows the face with `index` (unknown indices are ignored).
    public mutating func setHidden(_ index: UInt32, _ hide: Bool) {
        guard detection.faces.contains(where: { $0.index == index }) else { return }
        if hide { hidden.insert(index) } else { hidden.remove(index) }
    }

    /// The regions to redact, in displayed coordinates, one per hidden face, in face order.
    public var regions: [RedactRegion] {
        detection.faces.filter { hidden.contains($0.index) }.map(\.redactRegion)
    }

    /// Whether sharing must go through the redaction.
    public var needsRedaction: Bool { !hidden.isEmpty }
}

extension FaceDetector {
    /// Cleans the photo at `input` and covers `regions` (displayed coordinates) in one verified
    /// step, into a new file at `output`; no output at all when anything fails. The last check
    /// runs this detector on the encoded output: a face left inside a region fails the redaction.
    /// Cancelling the calling task stops it.
    public func redact(
        fileAt input: URL, to output: URL, regions: [RedactRegion], style: RedactionStyle = .solidFill
    ) async throws -> RedactionReport {
        try await ShareSafe.cancellable { handle in
            try await redactFile(
                inputPath: input.path, outputPath: output.path, regions: regions, style: style, cancel: handle)
        }
    }

    /// Cleans a photo held in memory and covers `regions`; returns the verified bytes.
    public func redact(
        _ data: Data, regions: [RedactRegion], style: RedactionStyle = .solidFill
    ) async throws -> RedactedPhoto {
        try await ShareSafe.cancellable { handle in
            try await redactBytes(input: data, regions: regions, style: style, cancel: handle)
        }
    }
}

extension FaceDetection {
    /// The box of `face` in a picture of this photo shown at `size` (a downsampled preview keeps
    /// the photo's aspect ratio, so one scale per axis maps displayed pixels to points).
    public func box(of face: DetectedFace, shownAt size: CGSize) -> CGRect {
        guard width > 0, height > 0 else { return .zero }
        let sx = size.width / CGFloat(width)
        let sy = size.height / CGFloat(height)
        return CGRect(
            x: CGFloat(face.x) * sx, y: CGFloat(face.y) * sy,
            width: CGFloat(face.width) * sx, height: CGFloat(face.height) * sy)
    }

    /// The size a preview of this photo takes when fitted into `bounds`, aspect ratio kept.
    public func fittedSize(in bounds: CGSize) -> CGSize {
        guard width > 0, height > 0, bounds.width > 0, bounds.height > 0 else { return .zero }
        let scale = min(bounds.width / CGFloat(width), bounds.height / CGFloat(height))
        return CGSize(width: CGFloat(width) * scale, height: CGFloat(height) * scale)
    }
}
