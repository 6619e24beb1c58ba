//! Why this exists: a share extension has about 120 MB. Photos arrive as files, and ShareSafe
//! cleans file to file (the core streams, it never decodes pixels to clean), so the extension
//! stays far under the limit if it handles ONE item at a time: copy it out, clean it into a new
//! file, delete the copy, then take the next. This is that loop, free of UIKit so that it runs in
//! the Linux tests; the extension feeds it from `NSItemProvider`s.

import Foundation

/// A shared item after cleaning: the verified clean copy and what was removed.
public struct CleanedItem: Sendable, Hashable {
    /// Position of the item in the share, from 0.
    public let index: Int
    /// The clean copy, inside the workspace. Only this file may be passed on.
    public let url: URL
    /// What the clean kept and removed.
    public let report: CleanReport

    /// The findings for the review screen.
    public var findings: [Finding] { Finding.findings(in: report) }
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

    /// A cleaner writing into `workspace`.
    public init(workspace: TemporaryWorkspace) {
        self.workspace = workspace
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
        return .cleaned(CleanedItem(index: index, url: output, report: report))
    }
}
