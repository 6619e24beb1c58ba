//! Why this exists: the camera-roll batch. Picked items are copied out of their providers one at a
//! time into a workspace, cleaned as one ShareSafe batch (progress from its AsyncStream, a Stop
//! button that cancels it), then shared or saved to the "ShareSafe" album. Copies are deleted as
//! soon as the batch ends; "Start over" removes the rest.

#if canImport(UIKit)
import Foundation
import ShareSafe

@MainActor
final class BatchModel: ObservableObject {
    enum Phase: Equatable {
        case idle
        case preparing(done: Int, total: Int)
        case cleaning(done: Int, total: Int)
        case finished(cleaned: Int, refused: Int, stopped: Bool)
    }

    @Published private(set) var phase: Phase = .idle
    @Published private(set) var cleanedFiles: [(url: URL, isVideo: Bool)] = []
    @Published var showingShareSheet = false
    @Published private(set) var statusMessage: String?

    private var workspace: TemporaryWorkspace?
    private var work: Task<Void, Never>?
    private var run: BatchRun?

    var isBusy: Bool {
        switch phase {
        case .preparing, .cleaning: return true
        case .idle, .finished: return false
        }
    }

    /// Starts a batch over the picked items.
    func start(_ loaders: [SharedFileLoader]) {
        guard !isBusy, !loaders.isEmpty else { return }
        reset()
        let workspace: TemporaryWorkspace
        do {
            workspace = try TemporaryWorkspace()
        } catch {
            statusMessage = ShareSafeFailure.storage.errorDescription
            return
        }
        self.workspace = workspace
        work = Task { await clean(loaders, in: workspace) }
    }

    private func clean(_ loaders: [SharedFileLoader], in workspace: TemporaryWorkspace) async {
        var copies: [URL] = []
        var refusedBeforeBatch = 0
        for (index, loader) in loaders.enumerated() {
            if Task.isCancelled { break }
            phase = .preparing(done: index, total: loaders.count)
            do {
                copies.append(try await loader.copy(into: workspace))
            } catch {
                refusedBeforeBatch += 1
            }
        }
        if Task.isCancelled {
            copies.forEach(workspace.remove)
            phase = .finished(cleaned: 0, refused: 0, stopped: true)
            return
        }
        let run = ShareSafe.cleanBatch(copies, into: workspace.outputDirectory)
        self.run = run
        phase = .cleaning(done: 0, total: copies.count)
        for await step in run.progress {
            phase = .cleaning(done: Int(step.done), total: Int(step.total))
        }
        let summary = try? await run.summary()
        self.run = nil
        copies.forEach(workspace.remove)
        var files: [(url: URL, isVideo: Bool)] = []
        for item in summary?.items ?? [] {
            if case let .cleaned(outputPath, report) = item.outcome {
                files.append((url: URL(fileURLWithPath: outputPath), isVideo: report.format == .mp4 || report.format == .mov))
            }
        }
        cleanedFiles = files
        phase = .finished(
            cleaned: files.count,
            refused: Int(summary?.refused ?? UInt64(copies.count)) + refusedBeforeBatch,
            stopped: summary?.cancelled ?? true)
    }

    /// Stops preparing or cleaning; files already cleaned are kept for sharing.
    func cancel() {
        work?.cancel()
        run?.cancel()
    }

    func share() {
        guard !cleanedFiles.isEmpty else { return }
        showingShareSheet = true
    }

    func saveToAlbum() async {
        do {
            try await PhotoAlbum.save(cleanedFiles)
            statusMessage = L10n.string("review.saved_album")
        } catch PhotoAlbum.SaveError.notAllowed {
            statusMessage = L10n.string("review.photos_denied")
        } catch {
            statusMessage = L10n.string("review.save_failed")
        }
    }

    /// Removes every file of the last batch and returns to the start.
    func reset() {
        cancel()
        workspace?.removeAll()
        workspace = nil
        cleanedFiles = []
        statusMessage = nil
        phase = .idle
    }
}
#endif
