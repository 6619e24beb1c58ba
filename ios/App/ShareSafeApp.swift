//! Why this exists: the containing app that ships the share extension. It does what the extension
//! cannot within its memory and time: clean a camera-roll batch (PhotoKit picker, progress,
//! cancel) and show the tips. Everything stays on the device.

#if canImport(UIKit)
import ShareSafe
import SwiftUI

@main
struct ShareSafeApp: App {
    var body: some Scene {
        WindowGroup {
            TabView {
                BatchView()
                    .tabItem { Label(L10n.string("app.clean_tab"), systemImage: "sparkles") }
                TipsView()
                    .tabItem { Label(L10n.string("app.tips_title"), systemImage: "lightbulb") }
            }
        }
    }
}

/// The tips tab: what metadata stripping cannot fix.
struct TipsView: View {
    var body: some View {
        NavigationStack {
            List {
                Section { Text(L10n.string("app.intro")) }
                Section(L10n.string("review.caption_tips_header")) {
                    ForEach(Tips.caption(), id: \.self) { Label($0, systemImage: "text.bubble") }
                }
                Section(L10n.string("app.tips_title")) {
                    ForEach(Tips.sharing(), id: \.self) { Label($0, systemImage: "lightbulb") }
                }
            }
            .navigationTitle(L10n.string("app.tips_title"))
        }
    }
}
#endif
