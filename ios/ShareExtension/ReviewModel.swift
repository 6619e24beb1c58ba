//! Why this exists: the state of one share, from the moment the extension opens to the moment it
//! closes: clean each shared item one at a time, show what was removed, forward only the clean
//! copies, and remove every file the extension wrote, whichever way it closes.

#if canImport(UIKit)
import Foundation
import ShareSafe
import UIKit

/// The review screen's state. Main actor: SwiftUI reads it.
@MainActor
final class ReviewModel: ObservableObject {
    enum Phase: Equatable {
        /// Cleaning item `done + 1` of `total`.
        case cleaning(done: Int, total: Int)
        /// Every item is cleaned or refused; the parent reviews.
        case review
    }

    @Published private(set) var phase: Phase
    @Published private(set) var outcomes: [ShareItemOutcome] = []
    @Published var caption = ""
    @Published var captionCopied = false
    @Published var showingShareSheet = false
    /// A sentence shown after saving to Photos (or why it failed).
    @Published private(set) var statusMessage: String?

    let workspace: TemporaryWorkspace
    private let loaders: [SharedFileLoader]
    private let close: (_ sent: Bool) -> Void
    private var cleaning: Task<Void, Never>?

    /// A model for the shared `loaders`, writing into `workspace`; `close` ends the extension.
    init(workspace: TemporaryWorkspace, loaders: [SharedFileLoader], close: @escaping (_ sent: Bool) -> Void) {
        self.workspace = workspace
        self.loaders = loaders
        self.close = close
        phase = .cleaning(done: 0, total: loaders.count)
    }

    var cleanedItems: [CleanedItem] { outcomes.compactMap(\.cleanedItem) }

    /// An item that was not cleaned and so will not be sent.
    struct RefusedItem: Identifiable {
        let index: Int
        let failure: ShareSafeFailure
        var id: Int { index }
    }

    var refusedItems: [RefusedItem] {
        outcomes.compactMap { outcome in
            if case let .refused(index, failure) = outcome { return RefusedItem(index: index, failure: failure) }
            return nil
        }
    }

    /// Cleans the items one after the other: one copy on disk and one clean in flight at a time.
    func start() {
        guard cleaning == nil else { return }
        let cleaner = ShareCleaner(workspace: workspace)
        let loaders = self.loaders
        let workspace = self.workspace
        cleaning = Task {
            for index in loaders.indices {
                if Task.isCancelled { break }
                phase = .cleaning(done: index, total: loaders.count)
                let outcome = await cleaner.clean(index: index) { i in try await loaders[i].copy(into: workspace) }
                outcomes.append(outcome)
            }
            phase = .review
        }
    }

    /// Puts the caption on the clipboard: apps such as Instagram ignore captions from other apps.
    func copyCaption() {
        UIPasteboard.general.string = caption
        captionCopied = true
    }

    /// Opens the system share sheet with the clean copies (never with a refused item).
    func share() {
        guard !cleanedItems.isEmpty else { return }
        showingShareSheet = true
    }

    /// The share sheet closed: when the files were sent, the extension is done.
    func shareSheetFinished(sent: Bool) {
        showingShareSheet = false
        if sent { finish(sent: true) }
    }

    /// The fallback: save the clean copies to the "ShareSafe" album and say so.
    func saveToAlbum() async {
        do {
            try await PhotoAlbum.save(cleanedItems.map { (url: $0.url, isVideo: $0.isVideo) })
            statusMessage = L10n.string("review.saved_album")
        } catch PhotoAlbum.SaveError.notAllowed {
            statusMessage = L10n.string("review.photos_denied")
        } catch {
            statusMessage = L10n.string("review.save_failed")
        }
    }

    /// Stops any cleaning, removes everything written, and closes the extension.
    func finish(sent: Bool) {
        cleaning?.cancel()
        workspace.removeAll()
        close(sent)
    }
}
#endif
