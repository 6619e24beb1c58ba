//! Why this exists: the one screen of the share extension. While cleaning it shows progress; then,
//! per photo, what the original gave away (findings grouped by severity, in the parent's
//! language, "your phone already hid the location" when it did) and its faces with a toggle each
//! (all hidden by default); the items that could not be cleaned (and will not be sent); the
//! caption field with its warnings highlighted and a safer wording to copy; tips for this share;
//! and two ways on: the share sheet, or the "ShareSafe" album.

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
                    ActivityView(files: model.filesToShare.map { $0.url }) { activityType, sent in
                        model.shareSheetFinished(activityType: activityType, sent: sent)
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
        case .review, .preparingShare:
            reviewList
                .disabled(model.phase == .preparingShare)
                .overlay {
                    if model.phase == .preparingShare {
                        ProgressView(L10n.string("review.preparing_share")).padding().background(.regularMaterial)
                    }
                }
        }
    }

    private var reviewList: some View {
        List {
            ForEach(model.cleanedItems, id: \.index) { item in
                photoSection(item)
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
            captionSection
            let tips = model.tips
            if !tips.isEmpty {
                Section(L10n.string("review.tips_header")) {
                    ForEach(tips, id: \.id) { tip in
                        VStack(alignment: .leading, spacing: 2) {
                            Label(tip.title, systemImage: "lightbulb").font(.subheadline.weight(.semibold))
                            Text(tip.text).font(.footnote).foregroundStyle(.secondary)
                        }
                    }
                }
            }
            Section {
                if model.cleanedItems.isEmpty {
                    Text(L10n.string("review.nothing_to_share"))
                } else {
                    Button(L10n.string("review.share")) { Task { await model.share() } }
                        .font(.headline)
                    Button(L10n.string("review.save_album")) { Task { await model.saveToAlbum() } }
                }
                if let message = model.statusMessage {
                    Text(message).font(.footnote)
                }
            }
        }
    }

    // ---- one photo: findings and faces ----------------------------------------------------------

    @ViewBuilder private func photoSection(_ item: CleanedItem) -> some View {
        Section(L10n.format("review.photo_header", item.index + 1)) {
            HStack(alignment: .top, spacing: 12) {
                ThumbnailView(url: item.url)
                VStack(alignment: .leading, spacing: 4) {
                    if item.report.parts.allSatisfy({ $0.action == .kept }) {
                        Text(L10n.string("review.no_findings")).font(.subheadline)
                    } else {
                        Text(L10n.format("review.removed_bytes",
                                         ByteCountFormatter.string(fromByteCount: Int64(item.report.bytesRemoved), countStyle: .file)))
                            .font(.footnote).foregroundStyle(.secondary)
                    }
                }
            }
            if let privacy = item.privacy {
                if privacy.locationAlreadyHidden {
                    Label(L10n.string("review.location_already_hidden"), systemImage: "location.slash")
                        .font(.footnote)
                }
                ForEach(privacy.groupedBySeverity) { group in
                    Text(group.severity.localizedName())
                        .font(.caption.weight(.bold))
                        .foregroundStyle(severityColour(group.severity))
                    ForEach(Array(group.findings.enumerated()), id: \.offset) { _, finding in
                        findingRow(finding)
                    }
                }
            } else {
                // No privacy report for this file: what the clean removed, by kind.
                ForEach(item.findings) { finding in
                    VStack(alignment: .leading, spacing: 2) {
                        Label(finding.title(), systemImage: "eye.slash").font(.subheadline.weight(.semibold))
                        Text(finding.detail()).font(.footnote).foregroundStyle(.secondary)
                    }
                }
            }
            faces(of: item)
        }
    }

    private func findingRow(_ finding: PrivacyFinding) -> some View {
        VStack(alignment: .leading, spacing: 2) {
            Label(finding.localizedTitle(), systemImage: finding.removedByClean ? "eye.slash" : "eye")
                .font(.subheadline.weight(.semibold))
            Text(finding.localizedExplanation()).font(.footnote).foregroundStyle(.secondary)
            // The value is for the parent's own eyes (it is what a stranger would read).
            if !finding.value.isEmpty {
                Text(finding.value).font(.footnote.monospaced()).lineLimit(2).textSelection(.enabled)
            }
            Text(L10n.string(finding.removedByClean ? "review.removed_by_clean" : "review.kept_by_clean"))
                .font(.caption2)
                .foregroundStyle(finding.removedByClean ? Color.green : Color.orange)
        }
    }

    @ViewBuilder private func faces(of item: CleanedItem) -> some View {
        switch item.faceCheck {
        case .notChecked:
            if !item.isVideo && !model.facesAvailable {
                Text(L10n.string("review.faces_not_checked")).font(.footnote).foregroundStyle(.orange)
            }
        case .failed:
            Text(L10n.string("review.faces_not_checked")).font(.footnote).foregroundStyle(.orange)
        case let .found(detection):
            if detection.faces.isEmpty {
                Text(L10n.string("review.faces_none")).font(.footnote).foregroundStyle(.secondary)
            } else if model.faceSelections[item.index] != nil {
                Text(L10n.string("review.faces_header")).font(.caption.weight(.bold))
                FacePreview(url: item.url, selection: selectionBinding(item.index))
            }
        }
    }

    private func selectionBinding(_ index: Int) -> Binding<FaceSelection> {
        Binding(
            get: { model.faceSelections[index] ?? FaceSelection(detection: FaceDetection(width: 0, height: 0, faces: [])) },
            set: { model.faceSelections[index] = $0 })
    }

    private func severityColour(_ severity: FindingSeverity) -> Color {
        switch severity {
        case .high: return .red
        case .medium: return .orange
        case .info: return .secondary
        }
    }

    // ---- caption ----------------------------------------------------------------------------------

    private var captionSection: some View {
        Section(L10n.string("review.caption_header")) {
            TextField(L10n.string("review.caption_placeholder"), text: $model.caption, axis: .vertical)
                .lineLimit(2...6)
            if let check = model.captionCheck {
                if check.hasWarnings {
                    Text(L10n.string("review.caption_warnings_header")).font(.caption.weight(.bold))
                    HighlightedCaption(text: model.checkedCaption, check: check).font(.body)
                    ForEach(Array(check.warnings.enumerated()), id: \.offset) { _, warning in
                        VStack(alignment: .leading, spacing: 2) {
                            Text(verbatim: "\(warning.kind.localizedName()) · \(warning.severity.localizedName())")
                                .font(.caption.weight(.semibold))
                                .foregroundStyle(HighlightedCaption.colour(for: warning.severity))
                            Text(warning.reason).font(.footnote)
                        }
                    }
                    ForEach(Array(check.combined.enumerated()), id: \.offset) { _, risk in
                        Label(risk.reason, systemImage: "exclamationmark.triangle").font(.footnote)
                    }
                    if check.saferCaption != model.checkedCaption {
                        Text(L10n.string("review.caption_safer")).font(.caption.weight(.bold))
                        Text(check.saferCaption).font(.body).textSelection(.enabled)
                        Button(L10n.string("review.caption_copy_safer")) { model.copySaferCaption() }
                    }
                } else {
                    Label(L10n.string("review.caption_ok"), systemImage: "checkmark.shield").font(.footnote)
                }
                if check.truncated {
                    Text(L10n.string("review.caption_truncated")).font(.footnote).foregroundStyle(.secondary)
                }
            }
            Button(L10n.string("review.caption_copy")) { model.copyCaption() }
                .disabled(model.caption.isEmpty)
            if model.captionCopied {
                Text(L10n.string("review.caption_copied")).font(.footnote).foregroundStyle(.secondary)
            }
        }
    }
}
#endif
