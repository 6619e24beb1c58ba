//! Why this exists: the one screen of the share extension. While cleaning it shows progress; then,
//! per photo, what was removed, the items that could not be cleaned (and will not be sent), the
//! caption field with tips, and two ways on: the share sheet, or the "ShareSafe" album.

#if canImport(UIKit)
import ShareSafe
import SwiftUI

struct ReviewView: View {
    @ObservedObject var model: ReviewModel

    var body: some View {
        NavigationStack {
            content
                .navigationTitle(L10n.string("review.title"))
                .navigationBarTitleDisplayMode(.inline)
                .toolbar {
                    ToolbarItem(placement: .cancellationAction) {
                        Button(L10n.string(model.phase == .review ? "review.done" : "review.cancel")) {
                            model.finish(sent: false)
                        }
                    }
                }
                .sheet(isPresented: $model.showingShareSheet) {
                    ActivityView(files: model.cleanedItems.map(\.url)) { sent in
                        model.shareSheetFinished(sent: sent)
                    }
                }
        }
        .onAppear { model.start() }
    }

    @ViewBuilder private var content: some View {
        switch model.phase {
        case let .cleaning(done, total):
            VStack(spacing: 16) {
                ProgressView(value: Double(done), total: Double(max(total, 1)))
                Text(L10n.format("review.cleaning_progress", done + 1, total))
            }
            .padding()
        case .review:
            reviewList
        }
    }

    private var reviewList: some View {
        List {
            ForEach(model.cleanedItems, id: \.index) { item in
                Section(L10n.format("review.photo_header", item.index + 1)) {
                    HStack(alignment: .top, spacing: 12) {
                        ThumbnailView(url: item.url)
                        VStack(alignment: .leading, spacing: 4) {
                            if item.findings.isEmpty {
                                Text(L10n.string("review.no_findings")).font(.subheadline)
                            } else {
                                Text(L10n.format("review.removed_bytes",
                                                 ByteCountFormatter.string(fromByteCount: Int64(item.report.bytesRemoved), countStyle: .file)))
                                    .font(.footnote).foregroundStyle(.secondary)
                            }
                        }
                    }
                    ForEach(item.findings) { finding in
                        VStack(alignment: .leading, spacing: 2) {
                            Label(finding.title(), systemImage: "eye.slash").font(.subheadline.weight(.semibold))
                            Text(finding.detail()).font(.footnote).foregroundStyle(.secondary)
                        }
                    }
                }
            }
            if !model.refusedItems.isEmpty {
                Section(L10n.string("review.refused_header")) {
                    ForEach(model.refusedItems) { refused in
                        VStack(alignment: .leading, spacing: 2) {
                            Text(L10n.format("review.photo_header", refused.index + 1)).font(.subheadline.weight(.semibold))
                            Text(refused.failure.errorDescription ?? "").font(.footnote)
                            Text(refused.failure.recoverySuggestion ?? "").font(.footnote).foregroundStyle(.secondary)
                        }
                    }
                }
            }
            Section(L10n.string("review.caption_header")) {
                TextField(L10n.string("review.caption_placeholder"), text: $model.caption, axis: .vertical)
                    .lineLimit(2...6)
                Button(L10n.string("review.caption_copy")) { model.copyCaption() }
                    .disabled(model.caption.isEmpty)
                if model.captionCopied {
                    Text(L10n.string("review.caption_copied")).font(.footnote).foregroundStyle(.secondary)
                }
            }
            Section(L10n.string("review.caption_tips_header")) {
                ForEach(Tips.caption(), id: \.self) { tip in
                    Label(tip, systemImage: "lightbulb").font(.footnote)
                }
            }
            Section {
                if model.cleanedItems.isEmpty {
                    Text(L10n.string("review.nothing_to_share"))
                } else {
                    Button(L10n.string("review.share")) { model.share() }
                        .font(.headline)
                    Button(L10n.string("review.save_album")) { Task { await model.saveToAlbum() } }
                }
                if let message = model.statusMessage {
                    Text(message).font(.footnote)
                }
            }
        }
    }
}
#endif
