// swift-tools-version:5.9
// The Swift boundary tests. tests/run_bindings.sh copies this package into the build directory and
// adds the generated bindings beside it (Sources/ShareSafeFFI/*.swift and the C module
// Sources/sharesafe_ffiFFI/), since generated code is a build output and never committed.
// SHARESAFE_LIB_DIR names the directory holding libsharesafe_ffi.so.
import Foundation
import PackageDescription

let libDir = ProcessInfo.processInfo.environment["SHARESAFE_LIB_DIR"] ?? "."

let package = Package(
    name: "ShareSafeScenarios",
    targets: [
        .systemLibrary(name: "sharesafe_ffiFFI", path: "Sources/sharesafe_ffiFFI"),
        .target(
            name: "ShareSafeFFI",
            dependencies: ["sharesafe_ffiFFI"],
            linkerSettings: [
                .linkedLibrary("sharesafe_ffi"),
                .unsafeFlags(["-L", libDir, "-Xlinker", "-rpath", "-Xlinker", libDir]),
            ]
        ),
        .testTarget(name: "ShareSafeScenarioTests", dependencies: ["ShareSafeFFI"]),
    ]
)
