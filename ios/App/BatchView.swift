//! Why this exists: the app's main screen: pick photos and videos from the camera roll with the
//! system PhotoKit picker (no photo-library permission needed to read), watch the batch, stop it,
//! then share or save the clean copies.

#if canImport(UIKit)
import PhotosUI
import ShareSafe
import SwiftUI

struct BatchView: View {
    @StateObject private var model = BatchModel()
    @State private var showingPicker = false

    var body: some View {
        NavigationStack {
            List {
                Section { Text(L10n.string("app.intro")).font(.subheadline) }
                Section { status }
                if case .finished = model.phase, !model.cleanedFiles.isEmpty {
                    Section {
                        Button(L10n.string("app.share")) { model.share() }.font(.headline)
                        Button(L10n.string("app.save_album")) { Task { await model.saveToAlbum() } }
                    }
                }
                if let message = model.statusMessage {
                    Section { Text(message).font(.footnote) }
                }
            }
            .navigationTitle(L10n.string("app.title"))
            .sheet(isPresented: $showingPicker) {
                PhotoPicker { loaders in
                    showingPicker = false
                    model.start(loaders)
                }
            }
            .sheet(isPresented: $model.showingShareSheet) {
                ActivityView(files: model.cleanedFiles.map { $0.url }) { _ in model.showingShareSheet = false }
            }
        }
    }

    @ViewBuilder private var status: some View {
        switch model.phase {
        case .idle:
            Button(L10n.string("app.pick")) { showingPicker = true }
        case let .preparing(done, total):
            ProgressView(value: Double(done), total: Double(max(total, 1)))
            Text(L10n.format("app.preparing", done + 1, total))
            Button(L10n.string("app.cancel"), role: .destructive) { model.cancel() }
        case let .cleaning(done, total):
            ProgressView(value: Double(done), total: Double(max(total, 1)))
            Text(L10n.format("app.cleaning", done, total))
            Button(L10n.string("app.cancel"), role: .destructive) { model.cancel() }
        case let .finished(cleaned, refused, stopped):
            Text(L10n.format("app.summary", cleaned, refused))
            if stopped { Text(L10n.string("app.stopped")).font(.footnote) }
            Button(L10n.string("app.clear")) { model.reset() }
            Button(L10n.string("app.pick")) { showingPicker = true }
        }
    }
}

/// The system photo picker (PHPickerViewController): runs out of process, needs no library
/// permission, and hands over item providers that are loaded as files.
struct PhotoPicker: UIViewControllerRepresentable {
    let onPick: ([SharedFileLoader]) -> Void

    func makeUIViewController(context: Context) -> PHPickerViewController {
        var configuration = PHPickerConfiguration()
        configuration.filter = .any(of: [.images, .videos])
        configuration.selectionLimit = 0
        // Current representation: HEIC stays HEIC, no transcoding into a lossy JPEG copy.
        configuration.preferredAssetRepresentationMode = .current
        let picker = PHPickerViewController(configuration: configuration)
        picker.delegate = context.coordinator
        return picker
    }

    func updateUIViewController(_ controller: PHPickerViewController, context: Context) {}

    func makeCoordinator() -> Coordinator { Coordinator(onPick: onPick) }

    final class Coordinator: NSObject, PHPickerViewControllerDelegate {
        let onPick: ([SharedFileLoader]) -> Void
        init(onPick: @escaping ([SharedFileLoader]) -> Void) { self.onPick = onPick }

        func picker(_ picker: PHPickerViewController, didFinishPicking results: [PHPickerResult]) {
            onPick(results.map { SharedFileLoader(provider: $0.itemProvider) }.filter(\.isMedia))
        }
    }
}
#endif
