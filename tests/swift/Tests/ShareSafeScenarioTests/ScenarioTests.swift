// The boundary scenarios of tests/scenarios.tsv through the generated Swift bindings (Swift 6 on
// Linux, XCTest): the same rows the Rust, Kotlin and Python tests run. Every call is `async`, as
// the iOS share extension calls it. One test method per scenario id, plus one that checks the list
// and the implementations name the same scenarios.

import Foundation
import ShareSafeFFI
import XCTest

struct Scenario {
    let id: String
    let input: URL?
    let expect: String
}

let repo = URL(fileURLWithPath: ProcessInfo.processInfo.environment["SHARESAFE_REPO"] ?? ".")
let corpus = repo.deletingLastPathComponent().appendingPathComponent("shared/corpus")

func loadScenarios() throws -> [Scenario] {
    let text = try String(contentsOf: repo.appendingPathComponent("tests/scenarios.tsv"), encoding: .utf8)
    let rows = text.split(separator: "\n").map(String.init)
        .filter { !$0.hasPrefix("#") && !$0.trimmingCharacters(in: .whitespaces).isEmpty }
        .map { $0.components(separatedBy: "\t") }
    guard rows.first == ["id", "input", "expect"], rows.allSatisfy({ $0.count == 3 }) else {
        throw NSError(domain: "scenarios.tsv: bad header or row", code: 1)
    }
    return rows.dropFirst().map {
        Scenario(id: $0[0], input: $0[1] == "-" ? nil : corpus.appendingPathComponent($0[1]), expect: $0[2])
    }
}

// ---- independent JPEG checks -------------------------------------------------------------------

func jpegSegments(_ d: Data) -> [(UInt8, [UInt8])] {
    let b = [UInt8](d)
    precondition(b.count >= 2 && b[0] == 0xFF && b[1] == 0xD8, "not a JPEG")
    var out: [(UInt8, [UInt8])] = []
    var pos = 2
    while pos + 4 <= b.count {
        precondition(b[pos] == 0xFF, "segment must start with 0xFF")
        let marker = b[pos + 1]
        if marker == 0xFF { pos += 1; continue }
        if marker == 0xDA || marker == 0xD9 { break }
        let len = Int(b[pos + 2]) << 8 | Int(b[pos + 3])
        let end = min(pos + 2 + len, b.count)
        out.append((marker, Array(b[(pos + 4)..<end])))
        pos = end
    }
    return out
}

func exifIfd0(_ d: Data) -> [Int: Int] {
    var tags: [Int: Int] = [:]
    for (marker, p) in jpegSegments(d) where marker == 0xE1 && p.starts(with: Array("Exif\0\0".utf8)) {
        let t = Array(p[6...])
        let le = t[0] == UInt8(ascii: "I")
        func u16(_ o: Int) -> Int { le ? Int(t[o]) | Int(t[o + 1]) << 8 : Int(t[o]) << 8 | Int(t[o + 1]) }
        func u32(_ o: Int) -> Int { le ? u16(o) | u16(o + 2) << 16 : u16(o) << 16 | u16(o + 2) }
        let ifd = u32(4)
        for i in 0..<u16(ifd) {
            let e = ifd + 2 + 12 * i
            tags[u16(e)] = u16(e + 2) == 3 ? u16(e + 8) : u32(e + 8)
        }
    }
    return tags
}

func contains(_ hay: [UInt8], _ needle: [UInt8]) -> Bool {
    guard hay.count >= needle.count else { return false }
    return (0...(hay.count - needle.count)).contains { i in Array(hay[i..<(i + needle.count)]) == needle }
}

func hasGps(_ d: Data) -> Bool {
    exifIfd0(d)[0x8825] != nil || jpegSegments(d).contains { contains($0.1, Array("GPSLatitude".utf8)) }
}

func iccSegments(_ d: Data) -> [[UInt8]] {
    jpegSegments(d).filter { $0.0 == 0xE2 && $0.1.starts(with: Array("ICC_PROFILE\0".utf8)) }.map { $0.1 }
}

/// The variant name and message of a ShareSafeError, matching the names in scenarios.tsv.
func describe(_ e: ShareSafeError) -> (String, String) {
    switch e {
    case let .UnsupportedFormat(m): return ("UnsupportedFormat", m)
    case let .Damaged(m): return ("Damaged", m)
    case let .TooLarge(m): return ("TooLarge", m)
    case let .Cancelled(m): return ("Cancelled", m)
    case let .OutputExists(m): return ("OutputExists", m)
    case let .Storage(m): return ("Storage", m)
    case let .Internal(m): return ("Internal", m)
    }
}

/// Records progress calls (from ShareSafe's worker thread); cancels after `after` calls.
final class Recorder: BatchListener, @unchecked Sendable {
    private let lock = NSLock()
    private var calls = 0
    private let cancel: CancelHandle?
    private let after: UInt64
    init(cancel: CancelHandle?, after: UInt64) { self.cancel = cancel; self.after = after }
    var count: Int { lock.lock(); defer { lock.unlock() }; return calls }
    func onProgress(progress: BatchProgress) {
        if let cancel, progress.done >= after { cancel.cancel() }
        lock.lock(); calls += 1; lock.unlock()
    }
}

final class ScenarioTests: XCTestCase {
    static let implemented: [String: (ScenarioTests) -> (Scenario) async throws -> Void] = [
        "gps_removed_from_bytes": { $0.gpsRemovedFromBytes },
        "gps_removed_from_file": { $0.gpsRemovedFromFile },
        "gps_removed_in_place": { $0.gpsRemovedInPlace },
        "truncated_jpeg_is_damaged": { $0.truncatedJpegIsDamaged },
        "not_an_image_is_unsupported": { $0.notAnImageIsUnsupported },
        "icc_profile_kept": { $0.iccProfileKept },
        "orientation_kept": { $0.orientationKept },
        "inspect_reports_location": { $0.inspectReportsLocation },
        "cancelled_clean_writes_nothing": { $0.cancelledCleanWritesNothing },
        "existing_output_is_not_overwritten": { $0.existingOutputIsNotOverwritten },
        "missing_input_is_storage_error": { $0.missingInputIsStorageError },
        "error_messages_have_no_path": { $0.errorMessagesHaveNoPath },
        "panic_is_internal_error": { $0.panicIsInternalError },
        "batch_reports_each_file": { $0.batchReportsEachFile },
        "cancel_long_batch": { $0.cancelLongBatch },
    ]

    /// Runs the row `id` of the list; fails when the list has no such row.
    func run(_ id: String) async throws {
        guard FileManager.default.fileExists(atPath: corpus.path) else {
            if ProcessInfo.processInfo.environment["CI"] == "true" { XCTFail("../shared/corpus is missing") }
            throw XCTSkip("SKIPPED: ../shared/corpus not found next to the repository")
        }
        let s = try XCTUnwrap(try loadScenarios().first { $0.id == id }, "\(id) is not in scenarios.tsv")
        try await Self.implemented[id]!(self)(s)
    }

    func testEveryListedScenarioIsImplemented() throws {
        XCTAssertEqual(Set(try loadScenarios().map(\.id)), Set(Self.implemented.keys))
    }

    func testGpsRemovedFromBytes() async throws { try await run("gps_removed_from_bytes") }
    func testGpsRemovedFromFile() async throws { try await run("gps_removed_from_file") }
    func testGpsRemovedInPlace() async throws { try await run("gps_removed_in_place") }
    func testTruncatedJpegIsDamaged() async throws { try await run("truncated_jpeg_is_damaged") }
    func testNotAnImageIsUnsupported() async throws { try await run("not_an_image_is_unsupported") }
    func testIccProfileKept() async throws { try await run("icc_profile_kept") }
    func testOrientationKept() async throws { try await run("orientation_kept") }
    func testInspectReportsLocation() async throws { try await run("inspect_reports_location") }
    func testCancelledCleanWritesNothing() async throws { try await run("cancelled_clean_writes_nothing") }
    func testExistingOutputIsNotOverwritten() async throws { try await run("existing_output_is_not_overwritten") }
    func testMissingInputIsStorageError() async throws { try await run("missing_input_is_storage_error") }
    func testErrorMessagesHaveNoPath() async throws { try await run("error_messages_have_no_path") }
    func testPanicIsInternalError() async throws { try await run("panic_is_internal_error") }
    func testBatchReportsEachFile() async throws { try await run("batch_reports_each_file") }
    func testCancelLongBatch() async throws { try await run("cancel_long_batch") }

    // ---- helpers ----

    func input(_ s: Scenario) throws -> URL { try XCTUnwrap(s.input, "\(s.id) needs an input file") }

    func tempDir(_ s: Scenario) throws -> URL {
        let d = FileManager.default.temporaryDirectory.appendingPathComponent("sharesafe-swift-\(s.id)-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: d, withIntermediateDirectories: true)
        addTeardownBlock { try? FileManager.default.removeItem(at: d) }
        return d
    }

    /// Awaits `call`, checks it throws the ShareSafeError variant named in `expect`, returns its message.
    @discardableResult
    func assertError(_ s: Scenario, _ call: () async throws -> Any) async -> String {
        XCTAssertTrue(s.expect.hasPrefix("error:"), s.id)
        do {
            let v = try await call()
            XCTFail("\(s.id): expected \(s.expect), got \(v)")
        } catch let e as ShareSafeError {
            let (name, message) = describe(e)
            XCTAssertEqual(name, String(s.expect.dropFirst("error:".count)), message)
            return message
        } catch {
            XCTFail("\(s.id): not a ShareSafeError: \(error)")
        }
        return ""
    }

    // ---- the scenarios ----

    func gpsRemovedFromBytes(_ s: Scenario) async throws {
        XCTAssertEqual(s.expect, "no_gps")
        let original = try Data(contentsOf: try input(s))
        XCTAssertTrue(hasGps(original), "the input must carry GPS for this test to mean anything")
        let cleaned = try await cleanBytes(input: original, cancel: nil)
        XCTAssertFalse(hasGps(cleaned.bytes), "GPS survived the clean")
        XCTAssertEqual(cleaned.report.format, .jpeg)
        XCTAssertEqual(cleaned.report.mimeType, "image/jpeg")
        XCTAssertEqual(cleaned.report.outputBytes, UInt64(cleaned.bytes.count))
        XCTAssertTrue(cleaned.report.parts.contains { $0.kind == .exif && $0.action != .kept })
        let again = try await inspectBytes(input: cleaned.bytes)
        XCTAssertFalse(again.parts.contains { $0.action == .removed }, "a cleaned file must have nothing left to remove")
    }

    func gpsRemovedFromFile(_ s: Scenario) async throws {
        XCTAssertEqual(s.expect, "no_gps")
        let out = try tempDir(s).appendingPathComponent("clean.jpg")
        let before = try Data(contentsOf: try input(s))
        let report = try await cleanFile(inputPath: try input(s).path, outputPath: out.path, cancel: nil)
        let cleaned = try Data(contentsOf: out)
        XCTAssertTrue(hasGps(before))
        XCTAssertFalse(hasGps(cleaned))
        XCTAssertEqual(report.outputBytes, UInt64(cleaned.count))
        XCTAssertEqual(try Data(contentsOf: try input(s)), before, "input modified")
    }

    func gpsRemovedInPlace(_ s: Scenario) async throws {
        XCTAssertEqual(s.expect, "no_gps")
        let photo = try tempDir(s).appendingPathComponent("photo.jpg")
        try FileManager.default.copyItem(at: try input(s), to: photo)
        XCTAssertTrue(hasGps(try Data(contentsOf: photo)))
        let report = try await cleanFileInPlace(path: photo.path, cancel: nil)
        let cleaned = try Data(contentsOf: photo)
        XCTAssertFalse(hasGps(cleaned))
        XCTAssertEqual(report.outputBytes, UInt64(cleaned.count))
    }

    func truncatedJpegIsDamaged(_ s: Scenario) async throws {
        let b = try Data(contentsOf: try input(s))
        await assertError(s) { try await cleanBytes(input: b.prefix(b.count / 2), cancel: nil) }
    }

    func notAnImageIsUnsupported(_ s: Scenario) async throws {
        let b = Data(String(repeating: "this is a text file, not a photo\n", count: 4).utf8)
        await assertError(s) { try await cleanBytes(input: b, cancel: nil) }
        await assertError(s) { try await inspectBytes(input: b) }
    }

    /// Segments, sizes, colour space, PCS and tag table survive; text tags may be blanked.
    func iccProfileKept(_ s: Scenario) async throws {
        XCTAssertEqual(s.expect, "icc_kept")
        let original = try Data(contentsOf: try input(s))
        let iccIn = iccSegments(original)
        XCTAssertGreaterThanOrEqual(iccIn.count, 2, "the input must split its ICC profile over several APP2")
        let cleaned = try await cleanBytes(input: original, cancel: nil)
        let iccOut = iccSegments(cleaned.bytes)
        XCTAssertEqual(iccOut.map(\.count), iccIn.map(\.count), "ICC segments changed")
        guard let first = iccOut.first, let firstIn = iccIn.first else { return XCTFail("no ICC in output") }
        XCTAssertEqual(first[(14 + 16)..<(14 + 24)], firstIn[(14 + 16)..<(14 + 24)], "colour space or PCS changed")
        XCTAssertEqual(first[(14 + 128)..<(14 + 132)], firstIn[(14 + 128)..<(14 + 132)], "tag count changed")
        let kept = cleaned.report.parts.filter { $0.kind == .colour && $0.action != .removed && $0.label.hasPrefix("ICC_PROFILE") }
        XCTAssertEqual(kept.count, iccIn.count)
    }

    func orientationKept(_ s: Scenario) async throws {
        let want = try XCTUnwrap(Int(s.expect.replacingOccurrences(of: "orientation:", with: "")))
        let original = try Data(contentsOf: try input(s))
        XCTAssertEqual(exifIfd0(original)[0x0112], want)
        let cleaned = try await cleanBytes(input: original, cancel: nil)
        XCTAssertEqual(cleaned.report.orientation.map(Int.init), want)
        XCTAssertEqual(exifIfd0(cleaned.bytes)[0x0112], want, "orientation lost")
        XCTAssertFalse(hasGps(cleaned.bytes))
    }

    func inspectReportsLocation(_ s: Scenario) async throws {
        XCTAssertEqual(s.expect, "location")
        let report = try await inspectFile(path: try input(s).path)
        let exif = try XCTUnwrap(report.parts.first { $0.kind == .exif }, "inspection lists the EXIF block")
        XCTAssertNotEqual(exif.action, .kept)
        XCTAssertTrue(exif.description.contains("location"))
    }

    func cancelledCleanWritesNothing(_ s: Scenario) async throws {
        let dir = try tempDir(s)
        let handle = CancelHandle()
        handle.cancel()
        XCTAssertTrue(handle.isCancelled())
        let src = try input(s).path
        await assertError(s) { try await cleanFile(inputPath: src, outputPath: dir.appendingPathComponent("out.jpg").path, cancel: handle) }
        XCTAssertEqual(try FileManager.default.contentsOfDirectory(atPath: dir.path), [], "cancelled clean left files")
    }

    func existingOutputIsNotOverwritten(_ s: Scenario) async throws {
        let out = try tempDir(s).appendingPathComponent("out.jpg")
        try Data("keep me".utf8).write(to: out)
        let src = try input(s).path
        await assertError(s) { try await cleanFile(inputPath: src, outputPath: out.path, cancel: nil) }
        XCTAssertEqual(try Data(contentsOf: out), Data("keep me".utf8))
    }

    func missingInputIsStorageError(_ s: Scenario) async throws {
        let dir = try tempDir(s)
        let missing = dir.appendingPathComponent("Emma Secret Street/missing.jpg").path
        var msg = await assertError(s) { try await cleanFile(inputPath: missing, outputPath: dir.appendingPathComponent("out.jpg").path, cancel: nil) }
        XCTAssertFalse(msg.contains("Emma") || msg.contains(dir.path), "path in message: \(msg)")
        msg = await assertError(s) { try await inspectFile(path: missing) }
        XCTAssertFalse(msg.contains("Emma"), "path in message: \(msg)")
    }

    func errorMessagesHaveNoPath(_ s: Scenario) async throws {
        XCTAssertEqual(s.expect, "no_path")
        let dir = try tempDir(s)
        let priv = dir.appendingPathComponent("Emma Secret Street 12")
        try FileManager.default.createDirectory(at: priv, withIntermediateDirectories: true)
        let photo = priv.appendingPathComponent("Emma-at-home.jpg")
        let b = try Data(contentsOf: try input(s))
        try b.prefix(b.count / 2).write(to: photo)
        let calls: [() async throws -> Any] = [
            { try await cleanFile(inputPath: photo.path, outputPath: priv.appendingPathComponent("out.jpg").path, cancel: nil) },
            { try await cleanFileInPlace(path: photo.path, cancel: nil) },
            { try await inspectFile(path: photo.path) },
        ]
        for call in calls {
            do {
                _ = try await call()
                XCTFail("a truncated photo must be refused")
            } catch let e as ShareSafeError {
                let msg = describe(e).1
                XCTAssertFalse(msg.isEmpty || msg.contains("Emma") || msg.contains(dir.path), "path in message: \(msg)")
            }
        }
    }

    func batchReportsEachFile(_ s: Scenario) async throws {
        let counts = s.expect.dropFirst("batch:".count).split(separator: ",").map { UInt64($0.split(separator: " ")[0])! }
        let dir = try tempDir(s)
        let src = dir.appendingPathComponent("in")
        try FileManager.default.createDirectory(at: src, withIntermediateDirectories: true)
        let good = src.appendingPathComponent("photo.jpg")
        try FileManager.default.copyItem(at: try input(s), to: good)
        let bytes = try Data(contentsOf: good)
        let truncated = src.appendingPathComponent("truncated.jpg")
        try bytes.prefix(bytes.count / 2).write(to: truncated)
        let text = src.appendingPathComponent("notes.txt")
        try Data("not a photo".utf8).write(to: text)
        let recorder = Recorder(cancel: nil, after: 0)
        let summary = try await cleanBatch(
            inputPaths: [good.path, truncated.path, text.path],
            outputDir: dir.appendingPathComponent("out").path, jobs: 1, listener: recorder, cancel: nil)
        XCTAssertEqual([summary.cleaned, summary.refused, summary.skipped], counts)
        XCTAssertFalse(summary.cancelled)
        XCTAssertEqual(recorder.count, 3, "one progress call per file")
        guard case let .cleaned(outputPath, _) = summary.items[0].outcome else { return XCTFail("first item not cleaned") }
        XCTAssertFalse(hasGps(try Data(contentsOf: URL(fileURLWithPath: outputPath))))
        guard case let .refused(kind, message) = summary.items[1].outcome else { return XCTFail("second item not refused") }
        XCTAssertEqual(kind, .damaged)
        XCTAssertFalse(message.contains(dir.path), "path in message: \(message)")
        guard case .skipped = summary.items[2].outcome else { return XCTFail("third item not skipped") }
        XCTAssertEqual(try Data(contentsOf: good), bytes, "original modified")
    }

    func cancelLongBatch(_ s: Scenario) async throws {
        XCTAssertEqual(s.expect, "cancelled")
        let dir = try tempDir(s)
        let src = dir.appendingPathComponent("in")
        try FileManager.default.createDirectory(at: src, withIntermediateDirectories: true)
        let total = 200
        var paths: [String] = []
        for i in 0..<total {
            let p = src.appendingPathComponent(String(format: "photo-%03d.jpg", i))
            try FileManager.default.copyItem(at: try input(s), to: p)
            paths.append(p.path)
        }
        let out = dir.appendingPathComponent("out")
        let handle = CancelHandle()
        let recorder = Recorder(cancel: handle, after: 3)
        let summary = try await cleanBatch(inputPaths: paths, outputDir: out.path, jobs: 1, listener: recorder, cancel: handle)
        XCTAssertTrue(summary.cancelled)
        XCTAssertTrue(summary.cleaned >= 3 && summary.cleaned < UInt64(total), "cleaned \(summary.cleaned)")
        XCTAssertEqual(summary.items.count, total)
        let written = try FileManager.default.contentsOfDirectory(at: out, includingPropertiesForKeys: nil)
        XCTAssertEqual(UInt64(written.count), summary.cleaned, "only cleaned files are written")
        for f in written { XCTAssertFalse(hasGps(try Data(contentsOf: f))) }
    }

    func panicIsInternalError(_ s: Scenario) async throws {
        await assertError(s) { try triggerPanicForTests() }
        await assertError(s) { try await triggerAsyncPanicForTests() }
    }
}
