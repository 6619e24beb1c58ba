//! Why this exists: the share extension's principal class (NSExtensionPrincipalClass in
//! Info.plist). It collects the shared items as `NSItemProvider`s (files, never decoded images),
//! hosts the SwiftUI review screen, and ends the request, removing every file it wrote.

#if canImport(UIKit)
import ShareSafe
import SwiftUI
import UIKit

@objc(ShareViewController)
final class ShareViewController: UIViewController {
    private var model: ReviewModel?

    override func viewDidLoad() {
        super.viewDidLoad()
        let items = extensionContext?.inputItems.compactMap { $0 as? NSExtensionItem } ?? []
        let loaders = items.flatMap { $0.attachments ?? [] }.map(SharedFileLoader.init(provider:)).filter(\.isMedia)
        let workspace: TemporaryWorkspace
        do {
            workspace = try TemporaryWorkspace()
        } catch {
            extensionContext?.cancelRequest(withError: ShareSafeFailure.storage)
            return
        }
        let model = ReviewModel(workspace: workspace, loaders: loaders) { [weak self] sent in
            self?.close(sent: sent)
        }
        self.model = model
        let host = UIHostingController(rootView: ReviewView(model: model))
        addChild(host)
        host.view.translatesAutoresizingMaskIntoConstraints = false
        view.addSubview(host.view)
        NSLayoutConstraint.activate([
            host.view.leadingAnchor.constraint(equalTo: view.leadingAnchor),
            host.view.trailingAnchor.constraint(equalTo: view.trailingAnchor),
            host.view.topAnchor.constraint(equalTo: view.topAnchor),
            host.view.bottomAnchor.constraint(equalTo: view.bottomAnchor),
        ])
        host.didMove(toParent: self)
    }

    /// Ends the request. The model has already removed the workspace.
    private func close(sent: Bool) {
        if sent {
            extensionContext?.completeRequest(returningItems: nil)
        } else {
            extensionContext?.cancelRequest(withError: ShareSafeFailure.cancelled)
        }
    }

    override func viewDidDisappear(_ animated: Bool) {
        super.viewDidDisappear(animated)
        // Swiped away by the host app: still leave nothing behind. Not while the share sheet
        // covers this screen: it still needs the clean copies.
        if presentedViewController == nil {
            model?.workspace.removeAll()
        }
    }
}
#endif
