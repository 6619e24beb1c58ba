// The Swift API behind the review screen (privacy report, caption check, tips, faces and
// redaction, fingerprints and the shared-photo ledger), run against the real Rust library. The
// sample photo is samples/beach-day.jpg (always there); face photos and the zeroed-GPS photo come
// from the shared corpus (SHARESAFE_CORPUS) and the model from SHARESAFE_FACE_MODEL, both passed
// by ios/scripts/test-linux.sh. Without them the tests that need them skip, except under CI=true,
// where a missing corpus or model fails.

import Foundation
import ShareSafe
import XCTest

let environment = ProcessInfo.processInfo.environment
let underCI = environment["CI"] == "true"

/// A corpus file, or a skip (a failure under CI) when the corpus is not here.
func corpusFile(_ relative: String) throws -> URL {
    guard let dir = environment["SHARESAFE_CORPUS"], FileManager.default.fileExists(atPath: dir + "/" + relative) else {
        if underCI { XCTFail("corpus file \(relative) missing under CI"); throw XCTSkip("corpus missing") }
        throw XCTSkip("SKIPPED: corpus file \(relative) not available")
    }
    return URL(fileURLWithPath: dir).appendingPathComponent(relative)
}

/// The CenterFace model, or a skip (a failure under CI).
func faceModel() throws -> URL {
    guard let path = environment["SHARESAFE_FACE_MODEL"], FileManager.default.fileExists(atPath: path) else {
        if underCI { XCTFail("face model missing under CI"); throw XCTSkip("model missing") }
        throw XCTSkip("SKIPPED: face model not available (scripts/fetch-face-model.sh)")
    }
    return URL(fileURLWithPath: path)
}

final class ReviewFeatureTests: XCTestCase {
    var workspace: TemporaryWorkspace!

    override func setUpWithError() throws {
        workspace = try TemporaryWorkspace()
    }

    override func tearDown() {
        workspace.removeAll()
        XCTAssertFalse(FileManager.default.fileExists(atPath: workspace.root.path), "workspace left behind")
    }

    // ---- privacy report ------------------------------------------------------------------------

    func testPrivacyReportNamesTheLocationFirstAndGroupsBySeverity() async throws {
        let report = try await ShareSafe.privacyReport(fileAt: samplePhoto)
        XCTAssertEqual(report.format, .jpeg)
        XCTAssertEqual(report.inputBytes, UInt64(try Data(contentsOf: samplePhoto).count))
        XCTAssertLessThan(report.cleanedBytes, report.inputBytes)
        XCTAssertFalse(report.locationAlreadyHidden, "the sample carries a real position")
        let position = try XCTUnwrap(report.findings.first { $0.id == "gps_position" }, "no GPS finding")
        XCTAssertEqual(position.severity, .high)
        XCTAssertEqual(position.category, .location)
        XCTAssertTrue(position.removedByClean)
        XCTAssertNotNil(position.coordinate)
        XCTAssertTrue(position.mapLink?.hasPrefix("https://") ?? false)
        XCTAssertFalse(position.foundIn.isEmpty)
        XCTAssertTrue(report.signals.contains("gps_location"))
        XCTAssertEqual(report.findings.first?.severity, .high, "most severe first")

        let groups = report.groupedBySeverity
        XCTAssertFalse(groups.isEmpty)
        XCTAssertEqual(groups.first?.severity, .high)
        let order = groups.map { findingSeverityOrder.firstIndex(of: $0.severity) ?? -1 }
        XCTAssertEqual(order, order.sorted(), "groups follow high, medium, info")
        XCTAssertEqual(groups.map(\.findings.count).reduce(0, +), report.findings.count, "no finding lost")
        XCTAssertTrue(groups.allSatisfy { group in group.findings.allSatisfy { $0.severity == group.severity } })

        // Every finding reads in the parent's language, from this package's tables, not the key.
        for finding in report.findings {
            for language in L10n.supportedLanguages {
                XCTAssertTrue(L10n.has(finding.titleKey, language: language), "\(finding.id) \(language)")
                XCTAssertFalse(finding.localizedTitle(language: language).hasPrefix("privacy."))
            }
        }
        XCTAssertEqual(position.localizedTitle(language: "en"), position.title, "the English matches the core's")
        XCTAssertEqual(position.localizedTitle(language: "fr"), "Lieu de la prise de vue")
        XCTAssertNotEqual(position.localizedExplanation(language: "de"), position.explanation)

        let fromData = try await ShareSafe.privacyReport(try Data(contentsOf: samplePhoto))
        XCTAssertEqual(fromData.findings.map(\.id), report.findings.map(\.id), "bytes and file agree")
    }

    func testACleanCopyReportsNothingLeftToRemove() async throws {
        let output = workspace.outputURL(extension: "jpg")
        _ = try await ShareSafe.clean(fileAt: samplePhoto, to: output)
        let report = try await ShareSafe.privacyReport(fileAt: output)
        XCTAssertFalse(report.findings.contains { $0.id == "gps_position" })
        XCTAssertFalse(report.findings.contains { $0.removedByClean && $0.severity == .high },
                       "a clean copy must not carry anything high that a clean removes: \(report.findings.map(\.id))")
    }

    func testZeroedGpsSaysThePhoneAlreadyHidTheLocation() async throws {
        let photo = try corpusFile("jpeg/androidx/jpeg_with_exif_byte_order_mm.jpg")
        let report = try await ShareSafe.privacyReport(fileAt: photo)
        XCTAssertTrue(report.locationAlreadyHidden)
        XCTAssertTrue(report.findings.contains { $0.id == "gps_zeroed" })
        XCTAssertFalse(report.findings.contains { $0.id == "gps_position" })
        for language in L10n.supportedLanguages {
            XCTAssertNotEqual(L10n.string("review.location_already_hidden", language: language), "review.location_already_hidden")
        }
    }

    func testEveryFindingIdHasItsTextInEveryLanguage() {
        let ids = ShareSafe.findingIds
        XCTAssertGreaterThanOrEqual(ids.count, 20)
        XCTAssertEqual(Set(ids).count, ids.count, "ids are unique")
        for id in ids {
            for language in L10n.supportedLanguages {
                XCTAssertTrue(L10n.has("privacy.\(id).title", language: language), "privacy.\(id).title \(language)")
                XCTAssertTrue(L10n.has("privacy.\(id).explanation", language: language), "privacy.\(id).explanation \(language)")
            }
            let fr = L10n.string("privacy.\(id).explanation", language: "fr")
            XCTAssertNotEqual(fr, L10n.string("privacy.\(id).explanation", language: "en"), "\(id): French is not English")
        }
        for severity in findingSeverityOrder {
            XCTAssertTrue(L10n.supportedLanguages.allSatisfy { L10n.has("privacy.severity.\(severity.keyStem)", language: $0) })
        }
    }

    func testPrivacyReportOfTextIsUnsupported() async {
        do {
            _ = try await ShareSafe.privacyReport(Data("not a photo at all".utf8))
            XCTFail("text is not a photo")
        } catch {
            XCTAssertEqual(error as? ShareSafeFailure, .unsupportedFormat)
        }
    }

    // ---- caption check -------------------------------------------------------------------------

    func testCaptionWarningsHighlightTheRightTextEvenAfterAnEmoji() async {
        await ShareSafe.preloadCaptionDictionaries()
        // Emoji before the risky words: char offsets and UTF-16 offsets differ, and only the
        // UTF-16 ones are right for NSRange / String.Index.
        let caption = "🎉👧🏽 Emma Dupont turns 6 today! First day at Grundschule am Park #bathtime"
        let check = ShareSafe.checkCaption(caption, language: "en")
        XCTAssertTrue(check.hasWarnings)
        XCTAssertEqual(check.reportLanguage, "en")
        XCTAssertNotNil(check.overall)
        XCTAssertFalse(check.truncated)
        let kinds = Set(check.warnings.map(\.kind))
        XCTAssertTrue(kinds.contains(.school), "school not found: \(kinds)")
        XCTAssertTrue(kinds.contains(.ageOrBirthday) || kinds.contains(.fullName), "\(kinds)")
        let ns = caption as NSString
        for warning in check.warnings {
            XCTAssertEqual(ns.substring(with: warning.nsRange), warning.text, "NSRange of \(warning.kind)")
            let range = try? XCTUnwrap(warning.range(in: caption))
            XCTAssertEqual(range.map { String(caption[$0]) }, warning.text, "String range of \(warning.kind)")
            XCTAssertGreaterThan(warning.utf16Start, warning.start, "the emoji shift UTF-16 offsets")
            XCTAssertFalse(warning.reason.isEmpty)
            XCTAssertFalse(warning.reasonId.isEmpty)
            for language in L10n.supportedLanguages {
                XCTAssertFalse(warning.kind.localizedName(language: language).hasPrefix("caption."))
                XCTAssertFalse(warning.severity.localizedName(language: language).hasPrefix("caption."))
            }
            if let rewrite = warning.rewrite {
                XCTAssertNotNil(Range(rewrite.nsRange, in: caption), "rewrite span fits the caption")
            }
        }
        XCTAssertEqual(check.highlights(in: caption).count, check.warnings.count)
        XCTAssertNotEqual(check.saferCaption, caption)
        XCTAssertFalse(check.saferCaption.contains("Grundschule am Park"), "the safer caption drops the school")
        for risk in check.combined {
            XCTAssertTrue(risk.warningIndices.allSatisfy { Int($0) < check.warnings.count })
        }
        // A caption edited since the check: spans that no longer fit are dropped, never misplaced.
        XCTAssertLessThanOrEqual(check.highlights(in: "🎉").count, 1)
    }

    func testCaptionReasonsInTheParentsLanguageAndAHarmlessCaption() {
        let german = ShareSafe.checkCaption("Lina wird heute 7! Grundschule am Park", language: "de")
        XCTAssertEqual(german.reportLanguage, "de")
        XCTAssertTrue(german.hasWarnings)
        let english = ShareSafe.checkCaption("Lina wird heute 7! Grundschule am Park", language: "en")
        XCTAssertNotEqual(german.warnings.map(\.reason), english.warnings.map(\.reason), "reasons are localized")
        let harmless = ShareSafe.checkCaption("What a lovely sunny afternoon", language: "en")
        XCTAssertFalse(harmless.hasWarnings)
        XCTAssertNil(harmless.overall)
        XCTAssertEqual(harmless.saferCaption, "What a lovely sunny afternoon")
        for kind in CaptionWarningKind.allKinds {
            XCTAssertTrue(L10n.supportedLanguages.allSatisfy { L10n.has("caption.kind.\(kind.keyStem)", language: $0) })
        }
    }

    // ---- tips ----------------------------------------------------------------------------------

    func testTipsForThisPhotoAndCaptionAndAllTipsInFourLanguages() async throws {
        let report = try await ShareSafe.privacyReport(fileAt: samplePhoto)
        let caption = ShareSafe.checkCaption("Emma, 6, at Grundschule am Park", language: "en")
        let all = Tips.all(language: "en")
        XCTAssertGreaterThan(all.count, 5)
        XCTAssertEqual(Set(all.map(\.id)).count, all.count)
        for language in ["fr", "de", "nl"] {
            let translated = Tips.all(language: language)
            XCTAssertEqual(translated.map(\.id), all.map(\.id), "\(language): same tips")
            XCTAssertNotEqual(translated.map(\.text), all.map(\.text), "\(language): translated")
        }
        let forPhoto = Tips.forReview(report: report, caption: nil, language: "en")
        XCTAssertTrue(forPhoto.contains { $0.id == "turn_off_camera_location" }, "\(forPhoto.map(\.id))")
        XCTAssertTrue(Set(forPhoto.map(\.id)).isSubset(of: Set(all.map(\.id))))
        let withCaption = Tips.forReview(report: report, caption: caption, language: "en")
        XCTAssertNotEqual(withCaption.map(\.id), forPhoto.map(\.id), "the caption changes the advice")
        XCTAssertTrue(Tips.forReview(report: nil, caption: nil, language: "en").isEmpty, "nothing found, no tips")
        XCTAssertFalse(Tips.sharing(language: "nl").contains { $0.hasPrefix("tips.") })
    }

    // ---- faces and redaction -------------------------------------------------------------------

    func testFacesAreFoundAllHiddenByDefaultAndRedactedWhereKept() async throws {
        let detector = try FaceDetector.load(modelAt: try faceModel())
        let photo = try corpusFile("faces/dlib/2008_001322.jpg")
        let detection = try await detector.faces(inFileAt: photo)
        XCTAssertGreaterThan(detection.faces.count, 0, "the labelled photo has faces")
        XCTAssertGreaterThan(detection.width, 0)
        XCTAssertGreaterThan(detection.height, 0)
        let fromData = try await detector.faces(in: try Data(contentsOf: photo))
        XCTAssertEqual(fromData.faces.count, detection.faces.count)
        for face in detection.faces {
            XCTAssertTrue(face.confidence > 0 && face.confidence <= 1)
            XCTAssertEqual(face.landmarks.count, 5)
            let region = face.redactRegion
            XCTAssertLessThanOrEqual(Float(region.x), face.x + 0.5, "the region covers the box")
            XCTAssertGreaterThanOrEqual(Float(region.x + region.width), face.x + face.width - 0.5)
            XCTAssertLessThanOrEqual(region.x + region.width, detection.width)
            XCTAssertLessThanOrEqual(region.y + region.height, detection.height)
        }

        // The overlay's geometry: a preview fitted into a box keeps the aspect ratio, and a face
        // box scales with it.
        let fitted = detection.fittedSize(in: CGSize(width: 300, height: 300))
        XCTAssertEqual(fitted.width / fitted.height, CGFloat(detection.width) / CGFloat(detection.height), accuracy: 0.01)
        XCTAssertTrue(abs(fitted.width - 300) < 0.01 || abs(fitted.height - 300) < 0.01)
        let face = detection.faces[0]
        let box = detection.box(of: face, shownAt: fitted)
        XCTAssertEqual(box.minX, CGFloat(face.x) * fitted.width / CGFloat(detection.width), accuracy: 0.01)
        XCTAssertLessThanOrEqual(box.maxX, fitted.width + 1)
        XCTAssertLessThanOrEqual(box.maxY, fitted.height + 1)

        var selection = FaceSelection(detection: detection)
        XCTAssertEqual(selection.regions.count, detection.faces.count, "every face hidden by default")
        XCTAssertTrue(selection.needsRedaction)
        let first = detection.faces[0].index
        selection.setHidden(first, false)
        XCTAssertFalse(selection.isHidden(first))
        XCTAssertEqual(selection.regions.count, detection.faces.count - 1)
        selection.setHidden(9999, true)
        XCTAssertEqual(selection.hidden.count, detection.faces.count - 1, "unknown faces are ignored")
        selection.setHidden(first, true)

        let output = workspace.outputURL(extension: "jpg")
        let report = try await detector.redact(fileAt: photo, to: output, regions: selection.regions)
        XCTAssertEqual(report.format, .jpeg)
        XCTAssertEqual(report.regions.count, selection.regions.count)
        XCTAssertEqual(report.outputBytes, UInt64(try Data(contentsOf: output).count))
        let after = try await detector.faces(inFileAt: output)
        XCTAssertLessThan(after.faces.count, detection.faces.count, "covered faces are no longer found")

        let inMemory = try await detector.redact(try Data(contentsOf: photo), regions: selection.regions, style: .sticker)
        XCTAssertEqual(inMemory.report.outputBytes, UInt64(inMemory.data.count))
        XCTAssertNotEqual(inMemory.data, try Data(contentsOf: photo))
    }

    func testFaceSelectionStartsAllHiddenAndRegionsComeFromTheCore() {
        // Needs neither the model nor the corpus: a detection as the detector reports one.
        let landmarks = (0..<5).map { FacePoint(x: Float($0), y: Float($0)) }
        let faces = [
            DetectedFace(index: 0, x: 100, y: 50, width: 40, height: 50, confidence: 0.9, landmarks: landmarks),
            DetectedFace(index: 1, x: 300, y: 200, width: 20, height: 25, confidence: 0.7, landmarks: landmarks),
        ]
        let detection = FaceDetection(width: 640, height: 480, faces: faces)
        var selection = FaceSelection(detection: detection)
        XCTAssertEqual(selection.hidden, [0, 1], "every face hidden until the parent shows it")
        XCTAssertEqual(selection.regions.count, 2)
        for (face, region) in zip(faces, selection.regions) {
            // The core's margins (hair, ears) make the region at least the box.
            XCTAssertLessThanOrEqual(Float(region.x), face.x)
            XCTAssertLessThanOrEqual(Float(region.y), face.y)
            XCTAssertGreaterThanOrEqual(Float(region.x + region.width), face.x + face.width)
            XCTAssertGreaterThanOrEqual(Float(region.y + region.height), face.y + face.height)
            XCTAssertEqual(region, face.redactRegion)
        }
        selection.setHidden(0, false)
        selection.setHidden(1, false)
        XCTAssertFalse(selection.needsRedaction, "all shown: the clean copy is shared as it is")
        XCTAssertEqual(selection.regions, [])
        let half = detection.box(of: faces[0], shownAt: CGSize(width: 320, height: 240))
        XCTAssertEqual(half, CGRect(x: 50, y: 25, width: 20, height: 25))
        XCTAssertEqual(detection.fittedSize(in: CGSize(width: 320, height: 320)), CGSize(width: 320, height: 240))
        XCTAssertEqual(FaceDetection(width: 0, height: 0, faces: []).fittedSize(in: CGSize(width: 10, height: 10)), .zero)
    }

    func testRedactionFailsClosedAndAMissingModelIsNamed() async throws {
        let detector = try FaceDetector.load(modelAt: try faceModel())
        let output = workspace.outputURL(extension: "jpg")
        let text = workspace.root.appendingPathComponent("note.txt")
        try Data("not a photo".utf8).write(to: text)
        do {
            _ = try await detector.redact(fileAt: text, to: output, regions: [RedactRegion(x: 0, y: 0, width: 4, height: 4)])
            XCTFail("redacting text must fail")
        } catch {
            XCTAssertNotNil(error as? ShareSafeFailure)
        }
        XCTAssertFalse(FileManager.default.fileExists(atPath: output.path), "fail closed: no output")

        let empty = workspace.root.appendingPathComponent("Empty.bundle")
        try FileManager.default.createDirectory(at: empty, withIntermediateDirectories: true)
        let bundle = try XCTUnwrap(Bundle(url: empty))
        XCTAssertThrowsError(try FaceDetector.bundled(in: bundle)) { error in
            XCTAssertEqual(error as? ShareSafeFailure, .faceModelMissing)
        }
        XCTAssertThrowsError(try FaceDetector.load(modelAt: workspace.root.appendingPathComponent("none.onnx"))) { error in
            XCTAssertEqual(error as? ShareSafeFailure, .faceModelMissing)
        }
    }

    func testTheShareLoopReportsFindsFacesAndSharesOnlyRedactedCopies() async throws {
        let detector = try FaceDetector.load(modelAt: try faceModel())
        let photo = try corpusFile("faces/dlib/2008_001322.jpg")
        let cleaner = ShareCleaner(workspace: workspace, detector: detector)
        let sources = [photo, samplePhoto]
        let outcomes = await cleaner.cleanOneAtATime(count: sources.count) { index in
            try self.workspace.importCopy(of: sources[index])
        }
        let items = outcomes.compactMap(\.cleanedItem)
        XCTAssertEqual(items.count, 2)
        let faces = try XCTUnwrap(items[0].faces, "faces looked for on the photo: \(items[0].faceCheck)")
        XCTAssertGreaterThan(faces.faces.count, 0)
        XCTAssertNotNil(items[0].privacy)
        XCTAssertTrue(items[1].privacy?.findings.contains { $0.id == "gps_position" } ?? false,
                      "the report describes the original, not the clean copy")

        let selection = FaceSelection(detection: faces)
        let cleanBytes = try Data(contentsOf: items[0].url)
        let shared = try await cleaner.fileToShare(items[0], hiding: selection.regions)
        XCTAssertNotEqual(shared.url, items[0].url, "a redacted copy is a new file")
        XCTAssertEqual(shared.url.pathExtension, "jpg")
        XCTAssertTrue(shared.url.path.hasPrefix(workspace.root.path))
        XCTAssertEqual(shared.redaction?.regions.count, selection.regions.count)
        XCTAssertEqual(try Data(contentsOf: items[0].url), cleanBytes, "the clean copy is untouched")
        let unchanged = try await cleaner.fileToShare(items[1], hiding: [])
        XCTAssertEqual(unchanged.url, items[1].url)
        XCTAssertNil(unchanged.redaction)
    }

    // ---- fingerprints and the ledger -----------------------------------------------------------

    func testFingerprintSurvivesTheCleanAndTheLedgerKeepsOnlyHashes() async throws {
        let original = try await ShareSafe.fingerprint(fileAt: samplePhoto)
        XCTAssertEqual(original.pdqHex.count, 64)
        XCTAssertTrue(original.pdqHex.allSatisfy(\.isHexDigit))
        XCTAssertGreaterThan(original.width, 0)
        let output = workspace.outputURL(extension: "jpg")
        _ = try await ShareSafe.clean(fileAt: samplePhoto, to: output)
        let fromData = try await ShareSafe.fingerprint(try Data(contentsOf: output))
        XCTAssertLessThanOrEqual(try ShareSafe.pdqDistance(original.pdqHex, fromData.pdqHex), 31, "same picture")
        XCTAssertEqual(try ShareSafe.pdqDistance(original.pdqHex, original.pdqHex), 0)
        XCTAssertThrowsError(try ShareSafe.pdqDistance("zz", original.pdqHex))

        let directory = workspace.root.appendingPathComponent("ledger", isDirectory: true)
        let ledger = try SharedPhotoLedger.openPrivate(in: directory)
        XCTAssertEqual(ledger.count(), 0)
        let recorded = try await ledger.recordShared(fileAt: output, targetApp: "com.burbn.instagram.shareextension")
        XCTAssertEqual(ledger.count(), 1)
        let matches = ledger.find(fingerprint: original)
        XCTAssertEqual(matches.first?.targetApp, "com.burbn.instagram.shareextension")
        XCTAssertEqual(matches.first?.pdqHex, recorded.pdqHex)
        XCTAssertLessThanOrEqual(matches.first?.distance ?? 99, 31)
        XCTAssertGreaterThan(matches.first?.sharedAtUnix ?? 0, 1_700_000_000)

        // Reopened (as the next share would): the record is still there.
        let reopened = try SharedPhotoLedger.openPrivate(in: directory)
        XCTAssertEqual(reopened.count(), 1)
        let export = reopened.exportText()
        XCTAssertTrue(export.contains(recorded.pdqHex))
        // Never the photo, never the location: the ledger file holds no GPS, no name, no pixels.
        let file = try Data(contentsOf: directory.appendingPathComponent(SharedPhotoLedger.fileName))
        XCTAssertLessThan(file.count, 4096, "a hash record, not a photo")
        let position = try await ShareSafe.privacyReport(fileAt: samplePhoto).findings.first { $0.id == "gps_position" }
        let latitude = try XCTUnwrap(position?.latitude)
        let text = String(decoding: file, as: UTF8.self) + export
        XCTAssertFalse(text.contains(String(format: "%.3f", latitude)), "the ledger must not hold the location")
        XCTAssertFalse(text.contains("beach"), "nor the file name")
    }
}
