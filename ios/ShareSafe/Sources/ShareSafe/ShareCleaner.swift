//! Why this exists: a share extension has about 120 MB. Photos arrive as files, and ShareSafe
//! cleans file to file (the core streams, it never decodes pixels to clean), so the extension
//! stays far under the limit if it handles ONE item at a time: copy it out, clean it into a new
//! file, delete the copy, then take the next. This is that loop, free of UIKit so that it runs in
//! the Linux tests; the extension feeds it from `NSItemProvider`s. While the copy of the original
//! is on disk it also asks the core what the original gave away (the privacy report); faces are
//! found on the clean copy (same pixels, same displayed size), and at "Share" the faces the parent
//! kept hidden are redacted into a new verified copy.

import Foundation

/// A shared item after cleaning: the verified clean copy and what was removed.
public struct CleanedItem: Sendable, Hashable {
    /// Position of the item in the share, from 0.
    public let index: Int
    /// The clean copy, inside the workspace. Only this file may be passed on.
    public let url: URL
    /// What the clean kept and removed.
    public let report: CleanReport
    /// What the original gave away, finding by finding; nil when the core could not report on it
    /// (the clean still succeeded, so the screen falls back to ``findings``).
    public let privacy: PrivacyReport?
    /// Whether faces were looked for, and what was found.
    public let faceCheck: FaceCheck

    /// An item with its reports.
    public init(index: Int, url: URL, report: CleanReport, privacy: PrivacyReport? = nil, faceCheck: FaceCheck = .notChecked) {
        self.index = index
        self.url = url
        self.report = report
        self.privacy = privacy
        self.faceCheck = faceCheck
    }

    /// The removed parts grouped by kind: the review screen's fallback without a privacy report.
    public var findings: [Finding] { Finding.findings(in: report) }

    /// Whether the clean copy is a video (no faces, no redaction; Photos stores it as a video).
    public var isVideo: Bool { report.format == .mp4 || report.format == .mov }

    /// The faces found, when they were looked for successfully.
    public var faces: FaceDetection? {
        if case let .found(detection) = faceCheck { return detection }
        return nil
    }
}

/// Whether the faces of one item were looked for.
public enum FaceCheck: Sendable, Hashable {
    /// Not looked for: a video, or no face model in this build.
    case notChecked
    /// Looked for, but the detector failed on this file; the screen says faces were not checked.
    case failed(ShareSafeFailure)
    /// Looked for; the detection may hold no face.
    case found(FaceDetection)
}

/// What happened to one shared item. A refused item has no output at all (fail closed).
public enum ShareItemOutcome: Sendable, Hashable {
    /// Cleaned and verified.
    case cleaned(CleanedItem)
    /// Not cleaned, and so never to be passed on.
    case refused(index: Int, failure: ShareSafeFailure)

    /// The clean copy, when there is one.
    public var cleanedItem: CleanedItem? {
        if case let .cleaned(item) = self { return item }
        return nil
    }
}

/// Cleans the items of one share, one at a time, inside a ``TemporaryWorkspace``.
public struct ShareCleaner: Sendable {
    /// Where copies and outputs are written.
    public let workspace: TemporaryWorkspace
    /// Finds faces on each clean photo; nil skips face detection.
    public let detector: FaceDetector?
    /// Whether each original is also given a privacy report (on by default: the review screen
    /// needs it; the app's batch does not).
    public let reportsPrivacy: Bool

    /// A cleaner writing into `workspace`, finding faces with `detector` when given.
    public init(workspace: TemporaryWorkspace, detector: FaceDetector? = nil, reportsPrivacy: Bool = true) {
        self.workspace = workspace
        self.detector = detector
        self.reportsPrivacy = reportsPrivacy
    }

    /// Cleans `count` items. For each index, `copyOut` must produce a file in the workspace (use
    /// ``TemporaryWorkspace/importCopy(of:)``); the copy is deleted as soon as its clean copy is
    /// written or refused, before the next item is loaded. `onItem` is called after each item.
    /// Stops early, marking the remaining items cancelled, when the task is cancelled.
    public func cleanOneAtATime(
        count: Int,
        copyOut: (Int) async throws -> URL,
        onItem: (ShareItemOutcome) -> Void = { _ in }
    ) async -> [ShareItemOutcome] {
        var outcomes: [ShareItemOutcome] = []
        for index in 0..<count {
            let outcome: ShareItemOutcome
            if Task.isCancelled {
                outcome = .refused(index: index, failure: .cancelled)
            } else {
                outcome = await clean(index: index, copyOut: copyOut)
            }
            outcomes.append(outcome)
            onItem(outcome)
        }
        return outcomes
    }

    /// Cleans the item at `index` alone: `copyOut` produces its copy in the workspace, the copy is
    /// cleaned into a new file named `ShareSafe-<n>.<ext>`, and the copy is deleted before this
    /// returns. Screens that update after each item call this in their own loop.
    public func clean(index: Int, copyOut: (Int) async throws -> URL) async -> ShareItemOutcome {
        let copy: URL
        do {
            copy = try await copyOut(index)
        } catch {
            return .refused(index: index, failure: ShareSafeFailure(error))
        }
        defer { workspace.remove(copy) }
        // The report describes the original, so it is made while the copy exists. It is for the
        // screen only: a failure here does not stop the clean, whose own checks decide.
        var privacy: PrivacyReport?
        if reportsPrivacy { privacy = try? await ShareSafe.privacyReport(fileAt: copy) }
        if Task.isCancelled { return .refused(index: index, failure: .cancelled) }
        let unnamed = workspace.outputURL(extension: "")
        let report: CleanReport
        do {
            report = try await ShareSafe.clean(fileAt: copy, to: unnamed)
        } catch {
            return .refused(index: index, failure: ShareSafeFailure(error))
        }
        // The core names the format only after reading it; a rename in the same directory gives
        // the clean copy its extension (receiving apps go by it) without reading the file twice.
        let output = workspace.outputURL(extension: report.fileExtension)
        do {
            try FileManager.default.moveItem(at: unnamed, to: output)
        } catch {
            workspace.remove(unnamed)
            return .refused(index: index, failure: .storage)
        }
        var faceCheck = FaceCheck.notChecked
        if let detector, report.format != .mp4, report.format != .mov {
            do {
                faceCheck = .found(try await detector.faces(inFileAt: output))
            } catch {
                faceCheck = .failed(ShareSafeFailure(error))
            }
        }
        return .cleaned(CleanedItem(index: index, url: output, report: report, privacy: privacy, faceCheck: faceCheck))
    }

    /// The file to pass on for `item`: its clean copy when `regions` is empty, else a new copy,
    /// cleaned and with `regions` covered, verified by the core (the detector's last check). Throws
    /// when the redaction fails, or when this cleaner has no detector
    /// (``ShareSafeFailure/faceModelMissing``): then this item must not be passed on at all (its
    /// faces would show).
    public func fileToShare(
        _ item: CleanedItem, hiding regions: [RedactRegion], style: RedactionStyle = .solidFill
    ) async throws -> (url: URL, redaction: RedactionReport?) {
        guard !regions.isEmpty else { return (item.url, nil) }
        guard let detector else { throw ShareSafeFailure.faceModelMissing }
        let unnamed = workspace.outputURL(extension: "")
        let redaction: RedactionReport
        do {
            redaction = try await detector.redact(fileAt: item.url, to: unnamed, regions: regions, style: style)
        } catch {
            workspace.remove(unnamed)
            throw ShareSafeFailure(error)
        }
        let output = workspace.outputURL(extension: redaction.format.fileExtension)
        do {
            try FileManager.default.moveItem(at: unnamed, to: output)
        } catch {
            workspace.remove(unnamed)
            throw ShareSafeFailure.storage
        }
        return (output, redaction)
    }
}

extension FileFormat {
    /// The usual file name extension of the format, for naming outputs.
    public var fileExtension: String {
        switch self {
        case .jpeg: return "jpg"
        case .png: return "png"
        case .webp: return "webp"
        case .gif: return "gif"
        case .heif: return "heic"
        case .avif: return "avif"
        case .mp4: return "mp4"
        case .mov: return "mov"
        }
    }
}
