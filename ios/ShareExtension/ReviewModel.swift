//! Why this exists: the state of one share, from the moment the extension opens to the moment it
//! closes: clean each shared item one at a time (with its privacy report and its faces), let the
//! parent choose which faces stay hidden and check the caption, then pass on only verified copies
//! (redacted where faces are hidden), record each one's fingerprint in the private ledger, and
//! remove every file the extension wrote, whichever way it closes.

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
        /// Redacting the hidden faces before the share sheet or the album.
        case preparingShare
    }

    @Published private(set) var phase: Phase
    @Published private(set) var outcomes: [ShareItemOutcome] = []
    /// Per item index: which faces stay hidden (all, until the parent shows one).
    @Published var faceSelections: [Int: FaceSelection] = [:]
    @Published var caption = "" {
        didSet { checkCaption() }
    }
    /// The check of ``checkedCaption``; nil before the parent types.
    @Published private(set) var captionCheck: CaptionCheck?
    /// The text ``captionCheck`` is about (its spans index into this string).
    @Published private(set) var checkedCaption = ""
    @Published var captionCopied = false
    @Published var showingShareSheet = false
    /// The files the share sheet or the album gets: verified, redacted where faces are hidden.
    @Published private(set) var filesToShare: [(url: URL, isVideo: Bool)] = []
    /// A sentence shown after saving to Photos, or why an item will not be sent.
    @Published private(set) var statusMessage: String?
    /// Whether faces can be looked for at all (false when the model is missing from the bundle).
    let facesAvailable: Bool

    let workspace: TemporaryWorkspace
    private let loaders: [SharedFileLoader]
    private let close: (_ sent: Bool) -> Void
    private let cleaner: ShareCleaner
    private var cleaning: Task<Void, Never>?

    /// A model for the shared `loaders`, writing into `workspace`; `close` ends the extension.
    init(workspace: TemporaryWorkspace, loaders: [SharedFileLoader], close: @escaping (_ sent: Bool) -> Void) {
        self.workspace = workspace
        self.loaders = loaders
        self.close = close
        // The model ships in the extension's bundle (ios/README.md); without it the photos are
        // still cleaned, and the screen says faces were not checked.
        let detector = try? FaceDetector.bundled()
        facesAvailable = detector != nil
        cleaner = ShareCleaner(workspace: workspace, detector: detector)
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

    /// Tips for this share: what the photos and the caption showed, each tip once, in the order
    /// the core ranks them for the first photo that raised it.
    var tips: [PrivacyTip] {
        var seen = Set<String>()
        var tips: [PrivacyTip] = []
        let reports: [PrivacyReport?] = cleanedItems.isEmpty ? [nil] : cleanedItems.map(\.privacy)
        for report in reports {
            for tip in Tips.forReview(report: report, caption: captionCheck) where seen.insert(tip.id).inserted {
                tips.append(tip)
            }
        }
        return tips
    }

    /// Cleans the items one after the other: one copy on disk and one clean in flight at a time.
    func start() {
        guard cleaning == nil else { return }
        let cleaner = self.cleaner
        let loaders = self.loaders
        let workspace = self.workspace
        cleaning = Task {
            // Warm the caption dictionaries while the first photo is cleaned.
            async let preload: Void = ShareSafe.preloadCaptionDictionaries()
            for index in loaders.indices {
                if Task.isCancelled { break }
                phase = .cleaning(done: index, total: loaders.count)
                let outcome = await cleaner.clean(index: index) { i in try await loaders[i].copy(into: workspace) }
                if let faces = outcome.cleanedItem?.faces {
                    faceSelections[index] = FaceSelection(detection: faces)
                }
                outcomes.append(outcome)
            }
            await preload
            phase = .review
        }
    }

    /// Hides or shows one face of one photo.
    func setFace(_ face: UInt32, of item: Int, hidden: Bool) {
        faceSelections[item]?.setHidden(face, hidden)
    }

    private func checkCaption() {
        captionCopied = false
        let text = caption
        guard !text.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty else {
            captionCheck = nil
            checkedCaption = ""
            return
        }
        // Synchronous and well under a millisecond: checked on every keystroke.
        captionCheck = ShareSafe.checkCaption(text)
        checkedCaption = text
    }

    /// Puts the caption on the clipboard: apps such as Instagram ignore captions from other apps.
    func copyCaption() {
        UIPasteboard.general.string = caption
        captionCopied = true
    }

    /// Puts the core's safer wording on the clipboard and into the field.
    func copySaferCaption() {
        guard let safer = captionCheck?.saferCaption else { return }
        caption = safer
        UIPasteboard.general.string = safer
        captionCopied = true
    }

    /// Redacts the hidden faces (a new verified copy per photo with faces kept hidden); an item
    /// whose redaction fails is left out, never sent with its faces showing.
    private func prepareFiles() async -> [(url: URL, isVideo: Bool)] {
        phase = .preparingShare
        defer { phase = .review }
        var files: [(url: URL, isVideo: Bool)] = []
        var failed: [Int] = []
        for item in cleanedItems {
            let regions = faceSelections[item.index]?.regions ?? []
            do {
                let shared = try await cleaner.fileToShare(item, hiding: regions)
                files.append((url: shared.url, isVideo: item.isVideo))
            } catch {
                failed.append(item.index)
            }
        }
        statusMessage = failed.isEmpty
            ? nil
            : failed.map { L10n.format("review.redact_failed", $0 + 1) }.joined(separator: "\n")
        return files
    }

    /// Redacts where needed, then opens the system share sheet with the clean copies (never with
    /// a refused item).
    func share() async {
        guard !cleanedItems.isEmpty, phase == .review else { return }
        filesToShare = await prepareFiles()
        showingShareSheet = !filesToShare.isEmpty
    }

    /// The share sheet closed: when the files were sent, their fingerprints are recorded with the
    /// app they went to, and the extension is done.
    func shareSheetFinished(activityType: String?, sent: Bool) {
        showingShareSheet = false
        guard sent else { return }
        Task {
            await recordFingerprints(targetApp: activityType ?? SharedPhotoLedger.unknownTarget)
            finish(sent: true)
        }
    }

    /// The fallback: save the clean copies to the "ShareSafe" album and say so.
    func saveToAlbum() async {
        guard !cleanedItems.isEmpty, phase == .review else { return }
        filesToShare = await prepareFiles()
        guard !filesToShare.isEmpty else { return }
        let redactionMessage = statusMessage
        do {
            try await PhotoAlbum.save(filesToShare)
            await recordFingerprints(targetApp: SharedPhotoLedger.albumTarget)
            statusMessage = [redactionMessage, L10n.string("review.saved_album")].compactMap { $0 }.joined(separator: "\n")
        } catch PhotoAlbum.SaveError.notAllowed {
            statusMessage = L10n.string("review.photos_denied")
        } catch {
            statusMessage = L10n.string("review.save_failed")
        }
    }

    /// Records the photos just passed on (hashes, time and app only) in this extension's private
    /// ledger. A ledger failure never blocks the share: the files are already with the parent.
    private func recordFingerprints(targetApp: String) async {
        guard let ledger = try? SharedPhotoLedger.openPrivate() else { return }
        for file in filesToShare where !file.isVideo {
            _ = try? await ledger.recordShared(fileAt: file.url, targetApp: targetApp)
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
