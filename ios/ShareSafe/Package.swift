// swift-tools-version:5.9
// The ShareSafe Swift package: the generated UniFFI bindings (target ShareSafeFFI, a build output
// placed by ios/scripts/generate-bindings.sh or ios/scripts/build-xcframework.sh, never committed)
// and the Swift API on top (target ShareSafe) that the share extension and the app call.
//
// Two ways to link the Rust library:
// - On a Mac / in Xcode (the release way): the XCFramework `sharesafe_ffiFFI.xcframework` built by
//   ios/scripts/build-xcframework.sh beside this file, as a binaryTarget. Its slices carry the C
//   header and `module.modulemap` for the module `sharesafe_ffiFFI` the generated Swift imports.
// - On Linux (tests only, ios/scripts/test-linux.sh): SHARESAFE_LIB_DIR names the directory
//   holding the host build `libsharesafe_ffi.so`; the header and module map sit in
//   Sources/sharesafe_ffiFFI as a system library target.
import Foundation
import PackageDescription

let hostLibDir = ProcessInfo.processInfo.environment["SHARESAFE_LIB_DIR"]

let ffiCModule: Target
let ffiLinker: [LinkerSetting]
if let libDir = hostLibDir {
    ffiCModule = .systemLibrary(name: "sharesafe_ffiFFI", path: "Sources/sharesafe_ffiFFI")
    ffiLinker = [
        .linkedLibrary("sharesafe_ffi"),
        .unsafeFlags(["-L", libDir, "-Xlinker", "-rpath", "-Xlinker", libDir]),
    ]
} else {
    ffiCModule = .binaryTarget(name: "sharesafe_ffiFFI", path: "sharesafe_ffiFFI.xcframework")
    ffiLinker = []
}

let package = Package(
    name: "ShareSafe",
    defaultLocalization: "en",
    platforms: [.iOS(.v16), .macOS(.v13)],
    products: [
        .library(name: "ShareSafe", targets: ["ShareSafe"]),
    ],
    targets: [
        ffiCModule,
        .target(
            name: "ShareSafeFFI",
            dependencies: ["sharesafe_ffiFFI"],
            path: "Sources/ShareSafeFFI",
            linkerSettings: ffiLinker
        ),
        .target(
            name: "ShareSafe",
            dependencies: ["ShareSafeFFI"],
            path: "Sources/ShareSafe",
            resources: [.process("Resources")]
        ),
        .testTarget(
            name: "ShareSafeTests",
            dependencies: ["ShareSafe"],
            path: "Tests/ShareSafeTests"
        ),
    ]
)
