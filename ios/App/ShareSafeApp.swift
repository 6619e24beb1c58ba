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

/// The tips tab: what metadata stripping cannot fix, every tip the core has (`all_tips`, in the
/// device's language), then how to use ShareSafe on an iPhone.
struct TipsView: View {
    @State private var tips: [PrivacyTip] = []

    var body: some View {
        NavigationStack {
            List {
                Section { Text(L10n.string("app.intro")) }
                Section(L10n.string("app.tips_photo_header")) {
                    ForEach(tips, id: \.id) { tip in
                        VStack(alignment: .leading, spacing: 4) {
                            Label(tip.title, systemImage: "lightbulb").font(.subheadline.weight(.semibold))
                            Text(tip.text).font(.footnote).foregroundStyle(.secondary)
                        }
                    }
                }
                Section(L10n.string("app.tips_iphone_header")) {
                    ForEach(Tips.sharing(), id: \.self) { Label($0, systemImage: "iphone") }
                }
            }
            .navigationTitle(L10n.string("app.tips_title"))
            .onAppear { tips = Tips.all() }
        }
    }
}
#endif
