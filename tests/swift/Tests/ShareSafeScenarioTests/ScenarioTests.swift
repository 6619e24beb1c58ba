// The boundary scenarios of tests/scenarios.tsv through the generated Swift bindings (Swift 6 on
// Linux, XCTest): the same rows the Rust, Kotlin and Python tests run. Every call is `async`, as
// the iOS share extension calls it. One test method per scenario id, plus one that checks the list
// and the implementations name the same scenarios.

import Foundation
#if canImport(Glibc)
import Glibc
#endif
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
        let input: URL?
        if $0[1] == "-" {
            input = nil
        } else if $0[1].hasPrefix("repo:") {
            input = repo.appendingPathComponent(String($0[1].dropFirst("repo:".count)))
        } else {
            input = corpus.appendingPathComponent($0[1])
        }
        return Scenario(id: $0[0], input: input, expect: $0[2])
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
        "privacy_report_location": { $0.privacyReportLocation },
        "privacy_report_of_clean_copy_is_empty": { $0.privacyReportOfCleanCopyIsEmpty },
        "caption_warnings": { $0.captionWarnings },
        "tips_for_report_and_caption": { $0.tipsForReportAndCaption },
        "faces_detected_and_redacted": { $0.facesDetectedAndRedacted },
        "redaction_fails_closed": { $0.redactionFailsClosed },
        "fingerprint_and_ledger": { $0.fingerprintAndLedger },
        "clean_from_fd": { $0.cleanFromFd },
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
    func testPrivacyReportLocation() async throws { try await run("privacy_report_location") }
    func testPrivacyReportOfCleanCopyIsEmpty() async throws { try await run("privacy_report_of_clean_copy_is_empty") }
    func testCaptionWarnings() async throws { try await run("caption_warnings") }
    func testTipsForReportAndCaption() async throws { try await run("tips_for_report_and_caption") }
    func testFacesDetectedAndRedacted() async throws { try await run("faces_detected_and_redacted") }
    func testRedactionFailsClosed() async throws { try await run("redaction_fails_closed") }
    func testFingerprintAndLedger() async throws { try await run("fingerprint_and_ledger") }
    func testCleanFromFd() async throws { try await run("clean_from_fd") }

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

    // ---- report, caption, tips, faces, fingerprints, file descriptors ----

    static let riskyCaption = "🎉 Lisa Peeters (7) at Sint-Jozef school in Mamer #bathtime"

    func privacyReportLocation(_ s: Scenario) async throws {
        let want = s.expect.dropFirst("gps:".count).split(separator: ",").map { Double($0)! }
        let report = try await privacyReportBytes(input: try Data(contentsOf: try input(s)))
        let gps = try XCTUnwrap(report.findings.first { $0.category == .location && $0.latitude != nil })
        XCTAssertEqual(gps.severity, .high)
        XCTAssertEqual(gps.latitude!, want[0], accuracy: 1e-4)
        XCTAssertEqual(gps.longitude!, want[1], accuracy: 1e-4)
        XCTAssertTrue(gps.mapLink?.contains("openstreetmap") ?? false)
        XCTAssertFalse(gps.foundIn.isEmpty)
        XCTAssertTrue(report.findings.contains { $0.category == .trackingId && $0.id == "facebook_fbmd" })
        XCTAssertTrue(report.findings.contains { $0.category == .people && $0.id == "person_name" })
        XCTAssertTrue(Set(report.signals).isSuperset(of: ["gps_location", "fbmd"]), "signals \(report.signals)")
        XCTAssertFalse(report.locationAlreadyHidden)
        XCTAssertTrue(report.findings.allSatisfy { $0.removedByClean })
        let order: [FindingSeverity] = [.high, .medium, .info]
        let ranks = report.findings.map { order.firstIndex(of: $0.severity)! }
        XCTAssertEqual(ranks, ranks.sorted(), "most severe first")
        XCTAssertTrue(Set(findingIds()).isSuperset(of: report.findings.map(\.id)))
        let fromFile = try await privacyReportFile(path: try input(s).path)
        XCTAssertEqual(fromFile, report)
    }

    func privacyReportOfCleanCopyIsEmpty(_ s: Scenario) async throws {
        XCTAssertEqual(s.expect, "no_high_or_medium")
        let b = try Data(contentsOf: try input(s))
        let before = try await privacyReportBytes(input: b)
        XCTAssertTrue(before.findings.contains { $0.severity != .info })
        let cleaned = try await cleanBytes(input: b, cancel: nil)
        let after = try await privacyReportBytes(input: cleaned.bytes)
        let left = after.findings.filter { $0.severity != .info }.map(\.id)
        XCTAssertEqual(left, [], "left after a clean")
        XCTAssertFalse(after.signals.contains("gps_location") || after.signals.contains("fbmd"))
    }

    func captionWarnings(_ s: Scenario) async throws {
        XCTAssertEqual(s.expect, "caption")
        let caption = Self.riskyCaption
        let check = checkCaption(text: caption, locale: "en")
        let kinds = Set(check.warnings.map(\.kind))
        XCTAssertTrue(kinds.isSuperset(of: [.fullName, .school, .location, .searchableHashtag]), "kinds \(kinds)")
        let units = Array(caption.utf16)
        let scalars = Array(caption.unicodeScalars)
        for w in check.warnings {
            // NSRange counts UTF-16 units: the utf16 offsets slice the string directly.
            let byUtf16 = String(decoding: units[Int(w.utf16Start)..<Int(w.utf16End)], as: UTF16.self)
            XCTAssertEqual(byUtf16, w.text)
            let nsRange = NSRange(location: Int(w.utf16Start), length: Int(w.utf16End - w.utf16Start))
            XCTAssertEqual((caption as NSString).substring(with: nsRange), w.text)
            var view = String.UnicodeScalarView()
            view.append(contentsOf: scalars[Int(w.start)..<Int(w.end)])
            XCTAssertEqual(String(view), w.text)
            XCTAssertGreaterThan(w.utf16Start, w.start, "the emoji makes the offsets differ")
            XCTAssertFalse(w.reason.isEmpty || w.reasonId.isEmpty)
        }
        XCTAssertEqual(check.reportLanguage, "en")
        XCTAssertNotNil(check.overall)
        XCTAssertFalse(check.combined.isEmpty, "name + school is a combined risk")
        XCTAssertFalse(check.saferCaption.contains("Peeters"), "the name survived the safer caption")
    }

    func tipsForReportAndCaption(_ s: Scenario) async throws {
        XCTAssertEqual(s.expect, "tips")
        let report = try await privacyReportBytes(input: try Data(contentsOf: try input(s)))
        let caption = checkCaption(text: Self.riskyCaption, locale: "en")
        let en = tipsFor(report: report, caption: caption, locale: "en")
        let fr = tipsFor(report: report, caption: caption, locale: "fr")
        XCTAssertFalse(en.isEmpty)
        XCTAssertTrue(en.contains { $0.id == "turn_off_camera_location" })
        XCTAssertEqual(en.map(\.id), fr.map(\.id))
        XCTAssertTrue(zip(en, fr).allSatisfy { $0.title != $1.title }, "French titles are French")
        let captionOnly = tipsFor(report: nil, caption: caption, locale: "en")
        XCTAssertFalse(captionOnly.isEmpty)
        XCTAssertFalse(captionOnly.contains { $0.id == "turn_off_camera_location" })
        XCTAssertTrue(tipsFor(report: nil, caption: nil, locale: "en").isEmpty)
        let allEn = allTips(locale: "en")
        let allDe = allTips(locale: "de")
        XCTAssertEqual(allEn.count, allDe.count)
        XCTAssertGreaterThanOrEqual(allEn.count, en.count)
        XCTAssertTrue(zip(allDe, allEn).contains { $0.text != $1.text })
    }

    func facesDetectedAndRedacted(_ s: Scenario) async throws {
        XCTAssertEqual(s.expect, "faces_redacted")
        let model = repo.appendingPathComponent("core/assets/centerface.onnx")
        XCTAssertTrue(FileManager.default.fileExists(atPath: model.path), "run scripts/fetch-face-model.sh first")
        let detector = try FaceDetector(modelPath: model.path)
        let photo = try Data(contentsOf: try input(s))
        let found = try await detector.detectBytes(photo: photo)
        XCTAssertFalse(found.faces.isEmpty, "the photo shows faces")
        XCTAssertTrue(found.width > 0 && found.height > 0)
        XCTAssertTrue(found.faces.allSatisfy { $0.confidence >= 0.5 && $0.landmarks.count == 5 })
        let regions = found.faces.map { faceRegion(face: $0) }
        XCTAssertTrue(zip(regions, found.faces).allSatisfy { Float($0.width) >= $1.width && Float($0.height) >= $1.height }, "margins grow the box")
        let redacted = try await detector.redactBytes(input: photo, regions: regions, style: .solidFill, cancel: nil)
        XCTAssertEqual(redacted.report.outputBytes, UInt64(redacted.data.count))
        XCTAssertFalse(redacted.report.regions.isEmpty)
        XCTAssertFalse(hasGps(redacted.data))
        XCTAssertTrue(exifIfd0(redacted.data).keys.allSatisfy { $0 == 0x0112 }, "EXIF beyond the orientation survived")
        let again = try await detector.detectBytes(photo: redacted.data)
        func overlaps(_ f: DetectedFace, _ r: RedactRegion) -> Bool {
            let ix = min(f.x + f.width, Float(r.x + r.width)) - max(f.x, Float(r.x))
            let iy = min(f.y + f.height, Float(r.y + r.height)) - max(f.y, Float(r.y))
            return ix > 0 && iy > 0
        }
        XCTAssertFalse(again.faces.contains { f in redacted.report.regions.contains { overlaps(f, $0) } }, "a face is left in a redacted region")
        XCTAssertLessThan(again.faces.count, found.faces.count)
        // The check after encoding always runs: hiding only a corner leaves the faces, and the report counts them.
        let corner = RedactRegion(x: 0, y: 0, width: 16, height: 16)
        let cornerOnly = try await detector.redactBytes(input: photo, regions: [corner], style: .solidFill, cancel: nil)
        XCTAssertGreaterThanOrEqual(cornerOnly.report.facesFoundAfter, 1, "the check after encoding found none of the faces left visible")
    }

    func redactionFailsClosed(_ s: Scenario) async throws {
        let dir = try tempDir(s)
        let b = try Data(contentsOf: try input(s))
        let truncated = dir.appendingPathComponent("truncated.jpg")
        try b.prefix(b.count / 2).write(to: truncated)
        let out = dir.appendingPathComponent("out.jpg")
        let region = RedactRegion(x: 0, y: 0, width: 16, height: 16)
        let model = repo.appendingPathComponent("core/assets/centerface.onnx")
        let detector = try FaceDetector(modelPath: model.path)
        let msg = await assertError(s) {
            try await detector.redactFile(inputPath: truncated.path, outputPath: out.path, regions: [region], style: .solidFill, cancel: nil)
        }
        XCTAssertFalse(msg.contains(dir.path), "path in message: \(msg)")
        XCTAssertFalse(FileManager.default.fileExists(atPath: out.path), "a failed redaction wrote its output")
        XCTAssertEqual(try FileManager.default.contentsOfDirectory(atPath: dir.path), ["truncated.jpg"])
        await assertError(s) {
            try await detector.redactBytes(input: b.prefix(b.count / 2), regions: [region], style: .sticker, cancel: nil)
        }
    }

    func fingerprintAndLedger(_ s: Scenario) async throws {
        let published = String(s.expect.dropFirst("pdq:".count))
        let fp = try await fingerprintFile(path: try input(s).path)
        XCTAssertLessThanOrEqual(try pdqDistance(aHex: fp.pdqHex, bHex: published), 16)
        XCTAssertFalse(fp.lowQuality)
        XCTAssertGreaterThanOrEqual(fp.quality, 50)
        XCTAssertThrowsError(try pdqDistance(aHex: "xyz", bHex: published)) { e in
            XCTAssertEqual(describe(e as! ShareSafeError).0, "Damaged")
        }
        let path = try tempDir(s).appendingPathComponent("ledger.bin").path
        do {
            let ledger = try SharedPhotoLedger.open(path: path)
            XCTAssertEqual(ledger.count(), 0)
            try ledger.record(fingerprint: fp, targetApp: "org.example.chat")
            let same = ledger.find(fingerprint: fp)
            XCTAssertEqual(same.count, 1)
            XCTAssertEqual(same.first?.distance, 0)
            XCTAssertEqual(same.first?.targetApp, "org.example.chat")
            XCTAssertEqual(same.first?.pdqHex, fp.pdqHex)
            XCTAssertGreaterThan(same.first?.sharedAtUnix ?? 0, 1_600_000_000)
            let rotatedPath = try input(s).deletingLastPathComponent().appendingPathComponent("bridge-2-rotate-90.jpg")
            let rotated = try await fingerprintFile(path: rotatedPath.path)
            XCTAssertGreaterThan(try pdqDistance(aHex: rotated.pdqHex, bHex: fp.pdqHex), 31)
            XCTAssertEqual(ledger.find(fingerprint: rotated).count, 1, "found in any orientation")
            let export = ledger.exportText()
            XCTAssertTrue(export.contains(fp.pdqHex))
            XCTAssertFalse(export.contains("org.example.chat"))
        }
        XCTAssertEqual(try SharedPhotoLedger.open(path: path).count(), 1)
    }

    func cleanFromFd(_ s: Scenario) async throws {
        XCTAssertEqual(s.expect, "no_gps")
        let out = try tempDir(s).appendingPathComponent("clean.jpg")
        let fd = open(try input(s).path, O_RDONLY)
        XCTAssertGreaterThanOrEqual(fd, 0, "open(2) failed")
        defer { close(fd) }
        let report = try await privacyReportFd(fd: fd)
        XCTAssertTrue(report.signals.contains("gps_location"))
        let cleaned = try await cleanFd(fd: fd, outputPath: out.path, cancel: nil)
        let bytes = try Data(contentsOf: out)
        XCTAssertFalse(hasGps(bytes))
        XCTAssertEqual(cleaned.outputBytes, UInt64(bytes.count))
        do {
            _ = try await cleanFd(fd: -1, outputPath: out.deletingLastPathComponent().appendingPathComponent("x.jpg").path, cancel: nil)
            XCTFail("fd -1 was accepted")
        } catch let e as ShareSafeError {
            XCTAssertEqual(describe(e).0, "Storage")
        }
    }
}
