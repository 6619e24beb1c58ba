// The Swift API of the ShareSafe package (the layer the share extension and the app call), run
// against the real Rust library: on Linux by ios/scripts/test-linux.sh, on a Mac by `swift test`
// or Xcode. The photo is samples/beach-day.jpg from the repository (GPS, camera serial, thumbnail,
// XMP), so these tests never skip; SHARESAFE_REPO names the repository root.

import Foundation
import ShareSafe
import XCTest

let repo = URL(fileURLWithPath: ProcessInfo.processInfo.environment["SHARESAFE_REPO"]
    ?? URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("../../../..").path)
let samplePhoto = repo.appendingPathComponent("samples/beach-day.jpg")

/// Whether the bytes still contain an EXIF GPS IFD pointer or GPS XMP (an independent check).
func containsGps(_ data: Data) -> Bool {
    let bytes = [UInt8](data)
    func has(_ needle: [UInt8]) -> Bool {
        guard bytes.count >= needle.count else { return false }
        return (0...(bytes.count - needle.count)).contains { bytes[$0..<($0 + needle.count)].elementsEqual(needle) }
    }
    // Tag 0x8825 (GPSInfo) as an IFD entry in either byte order, or XMP's exif:GPS* properties.
    return has([0x88, 0x25, 0x00, 0x04]) || has([0x25, 0x88, 0x04, 0x00]) || has(Array("exif:GPS".utf8))
}

final class ShareSafeTests: XCTestCase {
    var workspace: TemporaryWorkspace!

    override func setUpWithError() throws {
        XCTAssertTrue(FileManager.default.fileExists(atPath: samplePhoto.path), "samples/beach-day.jpg missing")
        workspace = try TemporaryWorkspace()
    }

    override func tearDown() {
        workspace.removeAll()
        XCTAssertFalse(FileManager.default.fileExists(atPath: workspace.root.path), "workspace left behind")
    }

    // ---- clean: URL and Data --------------------------------------------------------------------

    func testCleanFileRemovesLocationAndKeepsOriginal() async throws {
        let original = try Data(contentsOf: samplePhoto)
        XCTAssertTrue(containsGps(original), "the sample must carry GPS for this test to mean anything")
        let output = workspace.outputURL(extension: "jpg")
        let report = try await ShareSafe.clean(fileAt: samplePhoto, to: output)
        let cleaned = try Data(contentsOf: output)
        XCTAssertFalse(containsGps(cleaned))
        XCTAssertEqual(try Data(contentsOf: samplePhoto), original, "the original must be untouched")
        XCTAssertEqual(report.format, .jpeg)
        XCTAssertEqual(report.fileExtension, "jpg")
        XCTAssertEqual(report.outputBytes, UInt64(cleaned.count))
        XCTAssertEqual(report.bytesRemoved, UInt64(original.count - cleaned.count))
        XCTAssertTrue(report.removedKinds.contains(.exif))
        let findings = Finding.findings(in: report)
        XCTAssertEqual(findings.first?.kind, .exif, "location data is listed first")
        XCTAssertFalse(findings.contains { $0.kind == .imageData }, "kept parts are no findings")
        // The sample's colour profile is kept but its text tags are blanked: that is a finding
        // (the profile said something), shown as a rewrite rather than a removal.
        XCTAssertTrue(report.parts.contains { $0.kind == .colour && $0.action == .rewritten })
        XCTAssertTrue(findings.contains { $0.kind == .colour }, "a rewritten colour profile is listed")
        XCTAssertEqual(findings.map(\.count).reduce(0, +), report.parts.filter { $0.action != .kept }.count)
    }

    func testCleanDataAndCleanedOutputHasNothingLeftToRemove() async throws {
        let cleaned = try await ShareSafe.clean(try Data(contentsOf: samplePhoto))
        XCTAssertFalse(containsGps(cleaned.data))
        XCTAssertFalse(cleaned.report.removedKinds.isEmpty)
        let again = try await ShareSafe.inspect(cleaned.data)
        let leftToRemove = again.parts.filter { $0.action == .removed }
        XCTAssertTrue(leftToRemove.isEmpty, "a clean copy must have nothing left to remove: \(leftToRemove.map(\.kind))")
        let fromFile = try await ShareSafe.inspect(fileAt: samplePhoto)
        XCTAssertTrue(fromFile.removedKinds.contains(.exif), "inspect reports what a clean would remove")
    }

    func testCleanInPlaceReplacesOnlyTheCopy() async throws {
        let copy = try workspace.importCopy(of: samplePhoto)
        XCTAssertEqual(copy.pathExtension, "jpg")
        XCTAssertFalse(copy.lastPathComponent.contains("beach"), "copies never carry the original name")
        _ = try await ShareSafe.cleanInPlace(fileAt: copy)
        XCTAssertFalse(containsGps(try Data(contentsOf: copy)))
        XCTAssertTrue(containsGps(try Data(contentsOf: samplePhoto)))
    }

    // ---- errors ---------------------------------------------------------------------------------

    func testNotAnImageIsUnsupported() async {
        await assertFails(.unsupportedFormat) { _ = try await ShareSafe.clean(Data("just some text".utf8)) }
    }

    func testTruncatedPhotoIsDamagedAndWritesNothing() async throws {
        let original = try Data(contentsOf: samplePhoto)
        let truncated = workspace.root.appendingPathComponent("truncated.jpg")
        try original.prefix(original.count / 2).write(to: truncated)
        let output = workspace.outputURL(extension: "jpg")
        await assertFails(.damaged) { _ = try await ShareSafe.clean(fileAt: truncated, to: output) }
        XCTAssertFalse(FileManager.default.fileExists(atPath: output.path), "fail closed: no output")
    }

    func testExistingOutputIsNeverOverwritten() async throws {
        let output = workspace.outputURL(extension: "jpg")
        try Data("keep me".utf8).write(to: output)
        await assertFails(.outputExists) { _ = try await ShareSafe.clean(fileAt: samplePhoto, to: output) }
        XCTAssertEqual(try Data(contentsOf: output), Data("keep me".utf8))
    }

    func testMissingInputIsStorage() async {
        let missing = workspace.root.appendingPathComponent("missing.jpg")
        await assertFails(.storage) { _ = try await ShareSafe.inspect(fileAt: missing) }
    }

    func testCancelledTaskThrowsCancelledAndWritesNothing() async throws {
        let output = workspace.outputURL(extension: "jpg")
        let task = Task { () async throws -> CleanReport in
            while !Task.isCancelled { await Task.yield() }
            return try await ShareSafe.clean(fileAt: samplePhoto, to: output)
        }
        task.cancel()
        do {
            _ = try await task.value
            XCTFail("a cancelled task must not produce a clean copy")
        } catch {
            XCTAssertEqual(error as? ShareSafeFailure, .cancelled)
        }
        XCTAssertFalse(FileManager.default.fileExists(atPath: output.path))
    }

    func testFailureMapping() {
        XCTAssertEqual(ShareSafeFailure(CancellationError()), .cancelled)
        XCTAssertEqual(ShareSafeFailure(ShareSafeError.TooLarge(message: "x")), .tooLarge)
        XCTAssertEqual(ShareSafeFailure(ShareSafeError.Internal(message: "x")), .internalError)
        XCTAssertEqual(ShareSafeFailure(CocoaError(.fileWriteOutOfSpace)), .storage)
        XCTAssertEqual(ShareSafeFailure(FailureKind.internal), .internalError)
        XCTAssertEqual(ShareSafeFailure(FailureKind.damaged), .damaged)
    }

    // ---- localization ---------------------------------------------------------------------------

    func testEveryLanguageHasTheSameKeysAndRealText() {
        let english = L10n.keys(language: "en")
        XCTAssertGreaterThan(english.count, 50, "the English table must load from the resource bundle")
        for language in L10n.supportedLanguages {
            XCTAssertEqual(L10n.keys(language: language), english, "\(language) keys differ from en")
        }
        for failure in ShareSafeFailure.allCases {
            var seen = Set<String>()
            for language in L10n.supportedLanguages {
                let text = failure.description(language: language)
                XCTAssertNotEqual(text, failure.localizationKey, "\(failure) has no \(language) text")
                seen.insert(text)
            }
            XCTAssertEqual(seen.count, 4, "\(failure): the four languages must differ")
            XCTAssertNotNil(failure.errorDescription)
            XCTAssertNotEqual(failure.recoverySuggestion, failure.localizationKey + ".recovery")
        }
        for kind in Finding.allKinds {
            let finding = Finding(kind: kind, count: 1, bytes: 1)
            for language in L10n.supportedLanguages {
                XCTAssertFalse(finding.title(language: language).hasPrefix("finding."), "\(kind) \(language)")
                XCTAssertFalse(finding.detail(language: language).hasPrefix("finding."), "\(kind) \(language)")
            }
        }
        XCTAssertEqual(Tips.sharing(language: "de").count, 3)
        XCTAssertFalse(Tips.sharing(language: "nl").contains { $0.hasPrefix("tips.") })
        XCTAssertEqual(L10n.format("review.cleaning_progress", language: "fr", 2, 5), "Nettoyage de 2 sur 5…")
    }

    // ---- the share extension's loop: one item at a time ----------------------------------------

    func testShareCleanerHandlesOneItemAtATimeAndFailsClosed() async throws {
        let text = workspace.root.appendingPathComponent("note.txt")
        try Data("not a photo".utf8).write(to: text)
        let sources = [samplePhoto, text, samplePhoto]
        let incoming = workspace.root.appendingPathComponent("incoming")
        var seen: [ShareItemOutcome] = []
        let outcomes = await ShareCleaner(workspace: workspace).cleanOneAtATime(
            count: sources.count,
            copyOut: { index in
                let before = try FileManager.default.contentsOfDirectory(atPath: incoming.path)
                XCTAssertEqual(before, [], "item \(index) loaded while an earlier copy was still there")
                return try self.workspace.importCopy(of: sources[index])
            },
            onItem: { seen.append($0) })
        XCTAssertEqual(outcomes, seen)
        XCTAssertEqual(outcomes.count, 3)
        XCTAssertEqual(try FileManager.default.contentsOfDirectory(atPath: incoming.path), [])
        guard case .refused(index: 1, failure: .unsupportedFormat) = outcomes[1] else {
            return XCTFail("the text file must be refused as unsupported: \(outcomes[1])")
        }
        let cleaned = outcomes.compactMap(\.cleanedItem)
        XCTAssertEqual(cleaned.map(\.index), [0, 2])
        for item in cleaned {
            XCTAssertEqual(item.url.pathExtension, "jpg")
            XCTAssertTrue(item.url.path.hasPrefix(workspace.root.path))
            XCTAssertFalse(containsGps(try Data(contentsOf: item.url)))
            XCTAssertEqual(item.findings.first?.kind, .exif)
        }
        let written = try FileManager.default.contentsOfDirectory(atPath: workspace.outputDirectory.path)
        XCTAssertEqual(written.count, 2, "a refused item leaves no output: \(written)")
    }

    func testShareCleanerStopsWhenTheTaskIsCancelled() async throws {
        let workspace = self.workspace!
        let task = Task { () async -> [ShareItemOutcome] in
            while !Task.isCancelled { await Task.yield() }
            return await ShareCleaner(workspace: workspace).cleanOneAtATime(
                count: 3, copyOut: { _ in try workspace.importCopy(of: samplePhoto) })
        }
        task.cancel()
        let outcomes = await task.value
        XCTAssertEqual(outcomes, (0..<3).map { ShareItemOutcome.refused(index: $0, failure: .cancelled) })
        XCTAssertEqual(try FileManager.default.contentsOfDirectory(atPath: workspace.outputDirectory.path), [])
    }

    // ---- batch with an AsyncStream of progress -------------------------------------------------

    func testBatchStreamsOneProgressPerFile() async throws {
        // One photo to clean, one damaged photo to refuse, one non-media file the batch skips.
        let text = workspace.root.appendingPathComponent("note.txt")
        try Data("not a photo".utf8).write(to: text)
        let original = try Data(contentsOf: samplePhoto)
        let truncated = workspace.root.appendingPathComponent("truncated.jpg")
        try original.prefix(original.count / 2).write(to: truncated)
        let inputs = [samplePhoto, truncated, text]
        let outputs = workspace.root.appendingPathComponent("batch")
        try FileManager.default.createDirectory(at: outputs, withIntermediateDirectories: true)
        let run = ShareSafe.cleanBatch(inputs, into: outputs, jobs: 1)
        var progress: [BatchProgress] = []
        for await step in run.progress { progress.append(step) }
        let summary = try await run.summary()
        XCTAssertEqual(progress.count, inputs.count)
        XCTAssertEqual(progress.map(\.total), Array(repeating: UInt64(inputs.count), count: inputs.count))
        XCTAssertEqual(progress.map(\.done).sorted(), [1, 2, 3])
        XCTAssertEqual(summary.items.count, inputs.count)
        XCTAssertFalse(summary.cancelled)
        XCTAssertEqual([summary.cleaned, summary.refused, summary.skipped], [1, 1, 1])
        XCTAssertEqual(try FileManager.default.contentsOfDirectory(atPath: outputs.path).count, 1)
        for item in summary.items {
            if case let .refused(kind, _) = item.outcome {
                XCTAssertEqual(ShareSafeFailure(kind), .damaged)
            }
        }
        for item in summary.items {
            if case let .cleaned(outputPath, report) = item.outcome {
                XCTAssertTrue(outputPath.hasPrefix(outputs.path))
                XCTAssertFalse(containsGps(try Data(contentsOf: URL(fileURLWithPath: outputPath))))
                XCTAssertTrue(report.removedKinds.contains(.exif))
            }
        }
    }

    func testBatchCancelStopsEarlyAndWritesOnlyCleanedFiles() async throws {
        let inputs = try (0..<40).map { _ in try workspace.importCopy(of: samplePhoto) }
        let outputs = workspace.root.appendingPathComponent("batch")
        try FileManager.default.createDirectory(at: outputs, withIntermediateDirectories: true)
        let run = ShareSafe.cleanBatch(inputs, into: outputs, jobs: 1)
        // Cancelled at once: forty files take far longer than this call, so the batch stops early.
        // (Cancelling from the stream's consumer would race the worker, which does not wait for it.)
        run.cancel()
        var steps = 0
        for await _ in run.progress { steps += 1 }
        let written = try FileManager.default.contentsOfDirectory(atPath: outputs.path)
        do {
            let summary = try await run.summary()
            XCTAssertTrue(summary.cancelled)
            XCTAssertLessThan(summary.cleaned, UInt64(inputs.count))
            XCTAssertEqual(UInt64(written.count), summary.cleaned, "only cleaned files are written")
            XCTAssertLessThanOrEqual(steps, inputs.count)
        } catch {
            XCTAssertEqual(error as? ShareSafeFailure, .cancelled)
            XCTAssertEqual(written, [], "a cancelled batch that reports no summary wrote nothing")
        }
    }

    // ---- helpers --------------------------------------------------------------------------------

    func assertFails(_ expected: ShareSafeFailure, line: UInt = #line, _ call: () async throws -> Void) async {
        do {
            try await call()
            XCTFail("expected \(expected), got success", line: line)
        } catch let failure as ShareSafeFailure {
            XCTAssertEqual(failure, expected, line: line)
            XCTAssertNotNil(failure.errorDescription, line: line)
        } catch {
            XCTFail("not a ShareSafeFailure: \(error)", line: line)
        }
    }
}
