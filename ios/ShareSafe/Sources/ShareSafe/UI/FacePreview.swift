//! Why this exists: the parent decides face by face what stays visible, on the picture itself.
//! The picture is a downsampled preview from ImageIO (`CGImageSourceCreateThumbnailAtIndex`,
//! bounded to 1024 px, orientation applied, so it matches the detector's displayed coordinates),
//! never a full decode of a 12 MP photo inside the extension's ~120 MB. Hidden faces are drawn as
//! the redaction will cover them; a tap on a face, or its toggle below, shows or hides it.

#if canImport(UIKit) && canImport(ImageIO)
import ImageIO
import SwiftUI

/// A photo with a box per detected face and a toggle per face.
public struct FacePreview: View {
    let url: URL
    @Binding var selection: FaceSelection
    @State private var preview: CGImage?

    /// The longest side of the preview in pixels: sharp enough on a phone, ~4 MB at most.
    public static let previewMaxPixels = 1024

    /// A preview of the clean copy at `url`, with the faces of `selection`.
    public init(url: URL, selection: Binding<FaceSelection>) {
        self.url = url
        _selection = selection
    }

    public var body: some View {
        VStack(alignment: .leading, spacing: 8) {
            picture
            Text(L10n.string("review.faces_explain")).font(.footnote).foregroundStyle(.secondary)
            Text(L10n.format("review.faces_covered_count", selection.hidden.count, selection.detection.faces.count))
                .font(.footnote.weight(.semibold))
            ForEach(selection.detection.faces, id: \.index) { face in
                Toggle(L10n.format("review.face_toggle", Int(face.index) + 1), isOn: binding(for: face.index))
            }
        }
        .task(id: url) {
            let url = self.url
            preview = await Task.detached(priority: .userInitiated) {
                Thumbnail.make(for: url, maxPixels: FacePreview.previewMaxPixels)
            }.value
        }
    }

    private var picture: some View {
        let detection = selection.detection
        let aspect = detection.height > 0 ? CGFloat(detection.width) / CGFloat(detection.height) : 1
        return GeometryReader { geometry in
            let size = detection.fittedSize(in: geometry.size)
            ZStack(alignment: .topLeading) {
                if let preview {
                    Image(decorative: preview, scale: 1).resizable().frame(width: size.width, height: size.height)
                } else {
                    Rectangle().fill(Color.secondary.opacity(0.2)).frame(width: size.width, height: size.height)
                }
                ForEach(detection.faces, id: \.index) { face in
                    faceBox(face, in: size)
                }
            }
            .frame(width: size.width, height: size.height)
        }
        .aspectRatio(aspect, contentMode: .fit)
        .frame(maxHeight: 360)
    }

    private func faceBox(_ face: DetectedFace, in size: CGSize) -> some View {
        let box = selection.detection.box(of: face, shownAt: size)
        let hidden = selection.isHidden(face.index)
        return Button {
            selection.setHidden(face.index, !hidden)
        } label: {
            ZStack {
                if hidden {
                    RoundedRectangle(cornerRadius: 4).fill(Color.black.opacity(0.85))
                    Image(systemName: "eye.slash").foregroundStyle(.white)
                } else {
                    RoundedRectangle(cornerRadius: 4).stroke(Color.yellow, lineWidth: 2)
                }
            }
        }
        .buttonStyle(.plain)
        .frame(width: max(box.width, 24), height: max(box.height, 24))
        .position(x: box.midX, y: box.midY)
        .accessibilityLabel(L10n.format("review.face_toggle", Int(face.index) + 1))
        .accessibilityValue(hidden ? "1" : "0")
    }

    private func binding(for index: UInt32) -> Binding<Bool> {
        Binding(
            get: { selection.isHidden(index) },
            set: { selection.setHidden(index, $0) })
    }
}

/// A caption with the checked spans highlighted, from their UTF-16 ranges (`NSRange`).
public struct HighlightedCaption: View {
    let text: String
    let check: CaptionCheck

    /// `text` (exactly the string `check` was made from) with its warnings highlighted.
    public init(text: String, check: CaptionCheck) {
        self.text = text
        self.check = check
    }

    public var body: some View {
        Text(attributed)
    }

    private var attributed: AttributedString {
        var attributed = AttributedString(text)
        for warning in check.warnings {
            // NSRange (UTF-16) → String range → AttributedString range: an emoji before a name
            // would shift any offset counted in characters.
            guard let stringRange = Range(warning.nsRange, in: text),
                  let range = Range(stringRange, in: attributed) else { continue }
            attributed[range].backgroundColor = HighlightedCaption.colour(for: warning.severity).opacity(0.35)
            attributed[range].underlineStyle = Text.LineStyle.single
        }
        return attributed
    }

    /// The highlight colour of a severity.
    public static func colour(for severity: CaptionSeverity) -> Color {
        switch severity {
        case .high: return .red
        case .medium: return .orange
        case .low: return .yellow
        }
    }
}
#endif
