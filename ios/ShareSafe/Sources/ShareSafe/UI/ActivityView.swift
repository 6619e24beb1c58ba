//! Why this exists: forwarding the clean copies goes through the system share sheet
//! (`UIActivityViewController`), where Instagram and every other installed app appear. SwiftUI has
//! no direct wrapper that reports completion on iOS 16, so this small representable does.

#if canImport(UIKit)
import SwiftUI
import UIKit

/// The system share sheet over the given clean files.
public struct ActivityView: UIViewControllerRepresentable {
    /// The clean copies; only verified clean files may be passed here.
    public let files: [URL]
    /// Called once with the chosen app's activity type (for the shared-photo ledger) and `true`
    /// when the parent sent the files, or `false` when the sheet was dismissed.
    public let onComplete: (_ activityType: String?, _ sent: Bool) -> Void

    /// A share sheet over `files`.
    public init(files: [URL], onFinish: @escaping (Bool) -> Void) {
        self.files = files
        onComplete = { _, sent in onFinish(sent) }
    }

    /// A share sheet over `files` that also says which app the files went to.
    public init(files: [URL], onComplete: @escaping (_ activityType: String?, _ sent: Bool) -> Void) {
        self.files = files
        self.onComplete = onComplete
    }

    public func makeUIViewController(context: Context) -> UIActivityViewController {
        let controller = UIActivityViewController(activityItems: files, applicationActivities: nil)
        // Nothing that would hand the file to a service other than the app the parent picks.
        controller.excludedActivityTypes = [.assignToContact, .addToReadingList, .openInIBooks]
        controller.completionWithItemsHandler = { activity, completed, _, _ in onComplete(activity?.rawValue, completed) }
        return controller
    }

    public func updateUIViewController(_ controller: UIActivityViewController, context: Context) {}
}
#endif
