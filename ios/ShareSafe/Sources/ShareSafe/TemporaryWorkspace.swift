//! Why this exists: a share extension may write only into its own container, and must leave
//! nothing behind. Every file the extension or the app writes (the copy of a shared item, its
//! clean copy) lives in one workspace directory under the temporary directory, named without the
//! original file name (a name can identify a child), and the workspace removes exactly what it
//! created.

import Foundation

/// A private directory for one share: incoming copies and clean outputs.
public final class TemporaryWorkspace: @unchecked Sendable {
    /// The workspace directory (`<temporary directory>/ShareSafe-<UUID>`).
    public let root: URL
    private let incoming: URL
    private let cleaned: URL
    private let lock = NSLock()
    private var counter = 0

    /// Creates a fresh workspace under `parent` (default: this process's temporary directory,
    /// which for an extension is inside its own container).
    public init(parent: URL = FileManager.default.temporaryDirectory) throws {
        root = parent.appendingPathComponent("ShareSafe-\(UUID().uuidString)", isDirectory: true)
        incoming = root.appendingPathComponent("incoming", isDirectory: true)
        cleaned = root.appendingPathComponent("clean", isDirectory: true)
        do {
            for dir in [incoming, cleaned] {
                try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
            }
        } catch {
            throw ShareSafeFailure.storage
        }
    }

    /// Copies `source` (for example the temporary file `loadFileRepresentation` hands over, which
    /// the system deletes when its handler returns) into the workspace, keeping only its file
    /// name extension. Returns the copy's URL.
    public func importCopy(of source: URL) throws -> URL {
        let target = incoming.appendingPathComponent(nextName(extension: source.pathExtension.lowercased()))
        do {
            try FileManager.default.copyItem(at: source, to: target)
        } catch {
            throw ShareSafeFailure.storage
        }
        return target
    }

    /// A new, unused URL for a clean output with the given extension: `ShareSafe-<n>.<ext>`.
    public func outputURL(extension ext: String) -> URL {
        cleaned.appendingPathComponent(nextName(extension: ext))
    }

    /// The directory batch outputs go to.
    public var outputDirectory: URL { cleaned }

    /// Deletes one file this workspace wrote (an incoming copy once it is cleaned).
    public func remove(_ url: URL) {
        guard url.standardizedFileURL.path.hasPrefix(root.standardizedFileURL.path + "/") else { return }
        try? FileManager.default.removeItem(at: url)
    }

    /// Deletes the workspace and everything in it. Safe to call more than once.
    public func removeAll() {
        try? FileManager.default.removeItem(at: root)
    }

    private func nextName(extension ext: String) -> String {
        lock.lock()
        defer { lock.unlock() }
        counter += 1
        let safeExt = ext.filter { $0.isASCII && ($0.isLetter || $0.isNumber) }
        return safeExt.isEmpty ? "ShareSafe-\(counter)" : "ShareSafe-\(counter).\(safeExt)"
    }
}
