// The boundary scenarios of tests/scenarios.tsv through the generated Kotlin bindings on the host
// JVM (JNA loads the host build of libsharesafe_ffi.so): the same rows the Rust, Swift and Python
// tests run. Every call is a `suspend` function, driven here by coroutines as an app would.
// Prints one line per scenario and "kotlin scenarios: N passed, N failed"; exits 1 on a failure.

import java.io.File
import java.nio.ByteBuffer
import java.nio.ByteOrder
import java.nio.file.Files
import kotlin.system.exitProcess
import kotlinx.coroutines.runBlocking
import org.sharesafe.ffi.*

class Scenario(val id: String, val input: File?, val expect: String)

val repo: File = File(System.getProperty("sharesafe.repo") ?: error("-Dsharesafe.repo=<repository> is required"))
val corpus = File(repo.parentFile, "shared/corpus")

fun loadScenarios(): List<Scenario> {
    val rows = File(repo, "tests/scenarios.tsv").readLines()
        .filter { it.isNotBlank() && !it.startsWith("#") }
        .map { line -> line.split("\t").also { check(it.size == 3) { "row must have 3 columns: $line" } } }
    check(rows.first() == listOf("id", "input", "expect")) { "first row is the header" }
    return rows.drop(1).map { (id, input, expect) ->
        val file = when {
            input == "-" -> null
            input.startsWith("repo:") -> File(repo, input.removePrefix("repo:"))
            else -> File(corpus, input)
        }
        Scenario(id, file, expect)
    }
}

// ---- independent JPEG checks -------------------------------------------------------------------

fun jpegSegments(b: ByteArray): List<Pair<Int, ByteArray>> {
    check(b.size >= 2 && b[0] == 0xFF.toByte() && b[1] == 0xD8.toByte()) { "not a JPEG" }
    val out = mutableListOf<Pair<Int, ByteArray>>()
    var pos = 2
    while (pos + 4 <= b.size) {
        check(b[pos] == 0xFF.toByte()) { "segment must start with 0xFF at $pos" }
        val marker = b[pos + 1].toInt() and 0xFF
        if (marker == 0xFF) { pos += 1; continue }
        if (marker == 0xDA || marker == 0xD9) break
        val len = ((b[pos + 2].toInt() and 0xFF) shl 8) or (b[pos + 3].toInt() and 0xFF)
        val end = minOf(pos + 2 + len, b.size)
        out.add(marker to b.copyOfRange(pos + 4, end))
        pos = end
    }
    return out
}

fun exifIfd0(b: ByteArray): Map<Int, Long> {
    val tags = mutableMapOf<Int, Long>()
    for ((marker, p) in jpegSegments(b)) {
        if (marker != 0xE1 || !p.copyOfRange(0, 6).contentEquals("Exif\u0000\u0000".toByteArray())) continue
        val t = ByteBuffer.wrap(p, 6, p.size - 6).slice()
        t.order(if (p[6] == 'I'.code.toByte()) ByteOrder.LITTLE_ENDIAN else ByteOrder.BIG_ENDIAN)
        val ifd = t.getInt(4)
        val count = t.getShort(ifd).toInt() and 0xFFFF
        for (i in 0 until count) {
            val e = ifd + 2 + 12 * i
            val tag = t.getShort(e).toInt() and 0xFFFF
            val type = t.getShort(e + 2).toInt() and 0xFFFF
            tags[tag] = if (type == 3) (t.getShort(e + 8).toLong() and 0xFFFF) else (t.getInt(e + 8).toLong() and 0xFFFFFFFFL)
        }
    }
    return tags
}

fun ByteArray.containsBytes(needle: ByteArray): Boolean =
    (0..size - needle.size).any { i -> needle.indices.all { this[i + it] == needle[it] } }

fun hasGps(b: ByteArray): Boolean =
    exifIfd0(b).containsKey(0x8825) || jpegSegments(b).any { it.second.containsBytes("GPSLatitude".toByteArray()) }

fun iccSegments(b: ByteArray): List<ByteArray> =
    jpegSegments(b).filter { (m, p) -> m == 0xE2 && p.size >= 12 && p.copyOfRange(0, 12).contentEquals("ICC_PROFILE\u0000".toByteArray()) }
        .map { it.second }

// ---- the scenarios ---------------------------------------------------------------------------

fun Scenario.file(): File = input ?: error("$id needs an input file")

fun Scenario.expectedError(): String {
    check(expect.startsWith("error:")) { "$id: expect must be error:<variant>" }
    return expect.removePrefix("error:")
}

/** Runs [block], checks it throws the expected ShareSafeException variant, returns its message. */
suspend fun Scenario.assertError(block: suspend () -> Any?): String {
    try {
        val v = block()
        throw AssertionError("$id: expected $expect, got $v")
    } catch (e: ShareSafeException) {
        check(e::class.simpleName == expectedError()) { "$id: wrong error ${e::class.simpleName}: ${e.message}" }
        return e.message ?: ""
    }
}

/** Records every progress call (from ShareSafe's worker thread); cancels after [cancelAfter] calls. */
class Recorder(private val cancel: CancelHandle?, private val cancelAfter: ULong) : BatchListener {
    val seen: MutableList<BatchProgress> = java.util.Collections.synchronizedList(mutableListOf())
    override fun onProgress(progress: BatchProgress) {
        if (cancel != null && progress.done >= cancelAfter) cancel.cancel()
        seen.add(progress)
    }
}

/** libc's open(2) and close(2) through JNA: the plain JVM has no public way to get a file's fd. */
interface LibC : com.sun.jna.Library {
    fun open(path: String, flags: Int): Int
    fun close(fd: Int): Int
}

val libc: LibC by lazy { com.sun.jna.Native.load("c", LibC::class.java) }

const val RISKY_CAPTION = "\uD83C\uDF89 Lisa Peeters (7) at Sint-Jozef school in Mamer #bathtime"

val modelPath: String
    get() = File(repo, "core/assets/centerface.onnx").also {
        check(it.isFile) { "run scripts/fetch-face-model.sh first" }
    }.path

fun overlaps(f: DetectedFace, r: RedactRegion): Boolean {
    val ix = minOf(f.x + f.width, (r.x + r.width).toFloat()) - maxOf(f.x, r.x.toFloat())
    val iy = minOf(f.y + f.height, (r.y + r.height).toFloat()) - maxOf(f.y, r.y.toFloat())
    return ix > 0 && iy > 0
}

fun tempDir(s: Scenario): File = Files.createTempDirectory("sharesafe-kt-${s.id}").toFile()

val scenarios: Map<String, suspend (Scenario) -> Unit> = mapOf(
    "gps_removed_from_bytes" to { s ->
        check(s.expect == "no_gps")
        val original = s.file().readBytes()
        check(hasGps(original)) { "the input must carry GPS for this test to mean anything" }
        val cleaned = cleanBytes(original, null)
        check(!hasGps(cleaned.bytes)) { "GPS survived the clean" }
        check(cleaned.report.format == FileFormat.JPEG && cleaned.report.mimeType == "image/jpeg")
        check(cleaned.report.outputBytes == cleaned.bytes.size.toULong())
        check(cleaned.report.parts.any { it.kind == PartKind.EXIF && it.action != PartAction.KEPT })
        val again = inspectBytes(cleaned.bytes)
        check(again.parts.none { it.action == PartAction.REMOVED }) { "a cleaned file must have nothing left to remove" }
    },
    "gps_removed_from_file" to { s ->
        check(s.expect == "no_gps")
        val dir = tempDir(s)
        val out = File(dir, "clean.jpg")
        val before = s.file().readBytes()
        val report = cleanFile(s.file().path, out.path, null)
        check(hasGps(before) && !hasGps(out.readBytes()))
        check(report.outputBytes == out.length().toULong())
        check(s.file().readBytes().contentEquals(before)) { "input modified" }
        dir.deleteRecursively()
    },
    "gps_removed_in_place" to { s ->
        check(s.expect == "no_gps")
        val dir = tempDir(s)
        val photo = File(dir, "photo.jpg")
        s.file().copyTo(photo)
        check(hasGps(photo.readBytes()))
        val report = cleanFileInPlace(photo.path, null)
        check(!hasGps(photo.readBytes()))
        check(report.outputBytes == photo.length().toULong())
        dir.deleteRecursively()
    },
    "truncated_jpeg_is_damaged" to { s ->
        val b = s.file().readBytes()
        s.assertError { cleanBytes(b.copyOfRange(0, b.size / 2), null) }
    },
    "not_an_image_is_unsupported" to { s ->
        val b = "this is a text file, not a photo\n".repeat(4).toByteArray()
        s.assertError { cleanBytes(b, null) }
        s.assertError { inspectBytes(b) }
    },
    "icc_profile_kept" to { s ->
        // Segments, sizes, colour space, PCS and tag table survive; text tags may be blanked.
        check(s.expect == "icc_kept")
        val original = s.file().readBytes()
        val iccIn = iccSegments(original)
        check(iccIn.size >= 2) { "the input must split its ICC profile over several APP2" }
        val cleaned = cleanBytes(original, null)
        val iccOut = iccSegments(cleaned.bytes)
        check(iccOut.map { it.size } == iccIn.map { it.size }) { "ICC segments changed" }
        check(iccOut[0].copyOfRange(14 + 16, 14 + 24).contentEquals(iccIn[0].copyOfRange(14 + 16, 14 + 24))) { "colour space or PCS changed" }
        check(iccOut[0].copyOfRange(14 + 128, 14 + 132).contentEquals(iccIn[0].copyOfRange(14 + 128, 14 + 132))) { "tag count changed" }
        val kept = cleaned.report.parts.count { it.kind == PartKind.COLOUR && it.action != PartAction.REMOVED && it.label.startsWith("ICC_PROFILE") }
        check(kept == iccIn.size)
    },
    "orientation_kept" to { s ->
        val want = s.expect.removePrefix("orientation:").toLong()
        val original = s.file().readBytes()
        check(exifIfd0(original)[0x0112] == want)
        val cleaned = cleanBytes(original, null)
        check(cleaned.report.orientation?.toLong() == want) { "report orientation ${cleaned.report.orientation}" }
        check(exifIfd0(cleaned.bytes)[0x0112] == want) { "orientation lost" }
        check(!hasGps(cleaned.bytes))
    },
    "inspect_reports_location" to { s ->
        check(s.expect == "location")
        val report = inspectFile(s.file().path)
        val exif = report.parts.firstOrNull { it.kind == PartKind.EXIF } ?: error("inspection lists the EXIF block")
        check(exif.action != PartAction.KEPT)
        check(exif.description.contains("location"))
    },
    "cancelled_clean_writes_nothing" to { s ->
        val dir = tempDir(s)
        val handle = CancelHandle()
        handle.cancel()
        check(handle.isCancelled())
        s.assertError { cleanFile(s.file().path, File(dir, "out.jpg").path, handle) }
        check(dir.listFiles()!!.isEmpty()) { "cancelled clean left files" }
        dir.deleteRecursively()
    },
    "existing_output_is_not_overwritten" to { s ->
        val dir = tempDir(s)
        val out = File(dir, "out.jpg")
        out.writeText("keep me")
        s.assertError { cleanFile(s.file().path, out.path, null) }
        check(out.readText() == "keep me")
        dir.deleteRecursively()
    },
    "missing_input_is_storage_error" to { s ->
        val dir = tempDir(s)
        val missing = File(File(dir, "Emma Secret Street"), "missing.jpg")
        var msg = s.assertError { cleanFile(missing.path, File(dir, "out.jpg").path, null) }
        check(!msg.contains("Emma") && !msg.contains(dir.path)) { "path in message: $msg" }
        msg = s.assertError { inspectFile(missing.path) }
        check(!msg.contains("Emma")) { "path in message: $msg" }
        dir.deleteRecursively()
    },
    "error_messages_have_no_path" to { s ->
        check(s.expect == "no_path")
        val dir = tempDir(s)
        val private = File(dir, "Emma Secret Street 12").apply { mkdirs() }
        val photo = File(private, "Emma-at-home.jpg")
        val b = s.file().readBytes()
        photo.writeBytes(b.copyOfRange(0, b.size / 2))
        val calls: List<suspend () -> Any> = listOf(
            { cleanFile(photo.path, File(private, "out.jpg").path, null) },
            { cleanFileInPlace(photo.path, null) },
            { inspectFile(photo.path) },
        )
        for (call in calls) {
            val msg = try { call(); error("a truncated photo must be refused") } catch (e: ShareSafeException) { e.message ?: "" }
            check(msg.isNotEmpty() && !msg.contains("Emma") && !msg.contains(dir.path)) { "path in message: $msg" }
        }
        dir.deleteRecursively()
    },
    "batch_reports_each_file" to { s ->
        val counts = s.expect.removePrefix("batch:").split(",").map { it.trim().split(" ")[0].toULong() }
        val dir = tempDir(s)
        val src = File(dir, "in").apply { mkdirs() }
        val good = File(src, "photo.jpg").also { s.file().copyTo(it) }
        val bytes = good.readBytes()
        val truncated = File(src, "truncated.jpg").apply { writeBytes(bytes.copyOfRange(0, bytes.size / 2)) }
        val text = File(src, "notes.txt").apply { writeText("not a photo") }
        val recorder = Recorder(null, 0u)
        val summary = cleanBatch(listOf(good.path, truncated.path, text.path), File(dir, "out").path, 1u, recorder, null)
        check(listOf(summary.cleaned, summary.refused, summary.skipped) == counts) { "summary $summary" }
        check(!summary.cancelled)
        check(recorder.seen.size == 3) { "one progress call per file, got ${recorder.seen.size}" }
        val cleaned = summary.items[0].outcome as BatchItemOutcome.Cleaned
        check(!hasGps(File(cleaned.outputPath).readBytes()))
        val refused = summary.items[1].outcome as BatchItemOutcome.Refused
        check(refused.kind == FailureKind.DAMAGED && !refused.message.contains(dir.path)) { "refusal $refused" }
        check(summary.items[2].outcome is BatchItemOutcome.Skipped)
        check(good.readBytes().contentEquals(bytes)) { "original modified" }
        dir.deleteRecursively()
    },
    "cancel_long_batch" to { s ->
        check(s.expect == "cancelled")
        val dir = tempDir(s)
        val src = File(dir, "in").apply { mkdirs() }
        val total = 200
        val paths = (0 until total).map { i -> File(src, "photo-%03d.jpg".format(i)).also { s.file().copyTo(it) }.path }
        val out = File(dir, "out")
        val handle = CancelHandle()
        val recorder = Recorder(handle, 3u)
        val summary = cleanBatch(paths, out.path, 1u, recorder, handle)
        check(summary.cancelled) { "batch not cancelled" }
        check(summary.cleaned >= 3u && summary.cleaned < total.toULong()) { "cleaned ${summary.cleaned}" }
        check(summary.items.size == total)
        val written = out.listFiles()!!
        check(written.size.toULong() == summary.cleaned) { "only cleaned files are written" }
        check(written.none { hasGps(it.readBytes()) })
        dir.deleteRecursively()
    },
    "panic_is_internal_error" to { s ->
        s.assertError { triggerPanicForTests() }
        s.assertError { triggerAsyncPanicForTests() }
    },
    "privacy_report_location" to { s ->
        val (lat, lon) = s.expect.removePrefix("gps:").split(",").map { it.toDouble() }
        val report = privacyReportBytes(s.file().readBytes())
        val gps = report.findings.first { it.category == FindingCategory.LOCATION && it.latitude != null }
        check(gps.severity == FindingSeverity.HIGH)
        check(Math.abs(gps.latitude!! - lat) < 1e-4 && Math.abs(gps.longitude!! - lon) < 1e-4) { "position off" }
        check(gps.mapLink!!.contains("openstreetmap") && gps.foundIn.isNotEmpty())
        check(report.findings.any { it.category == FindingCategory.TRACKING_ID && it.id == "facebook_fbmd" })
        check(report.findings.any { it.category == FindingCategory.PEOPLE && it.id == "person_name" })
        check(report.signals.containsAll(listOf("gps_location", "fbmd"))) { "signals ${report.signals}" }
        check(!report.locationAlreadyHidden)
        check(report.findings.all { it.removedByClean })
        val ranks = report.findings.map { it.severity.ordinal }
        check(ranks == ranks.sorted()) { "most severe first" }
        check(findingIds().containsAll(report.findings.map { it.id }))
        check(privacyReportFile(s.file().path) == report)
    },
    "privacy_report_of_clean_copy_is_empty" to { s ->
        check(s.expect == "no_high_or_medium")
        val b = s.file().readBytes()
        check(privacyReportBytes(b).findings.any { it.severity != FindingSeverity.INFO })
        val after = privacyReportBytes(cleanBytes(b, null).bytes)
        val left = after.findings.filter { it.severity != FindingSeverity.INFO }.map { it.id }
        check(left.isEmpty()) { "left after a clean: $left" }
        check(after.signals.none { it == "gps_location" || it == "fbmd" })
    },
    "caption_warnings" to { s ->
        check(s.expect == "caption")
        val check = checkCaption(RISKY_CAPTION, "en")
        val kinds = check.warnings.map { it.kind }.toSet()
        val want = setOf(CaptionWarningKind.FULL_NAME, CaptionWarningKind.SCHOOL, CaptionWarningKind.LOCATION, CaptionWarningKind.SEARCHABLE_HASHTAG)
        check(kinds.containsAll(want)) { "kinds $kinds" }
        val codePoints = RISKY_CAPTION.codePoints().toArray()
        for (w in check.warnings) {
            // Kotlin strings are UTF-16: the utf16 offsets index them directly.
            check(RISKY_CAPTION.substring(w.utf16Start.toInt(), w.utf16End.toInt()) == w.text) { "utf16 span of ${w.kind}" }
            check(String(codePoints, w.start.toInt(), (w.end - w.start).toInt()) == w.text) { "char span of ${w.kind}" }
            check(w.utf16Start > w.start) { "the emoji makes the offsets differ" }
            check(w.reason.isNotEmpty() && w.reasonId.isNotEmpty())
        }
        check(check.reportLanguage == "en" && check.overall != null)
        check(check.combined.isNotEmpty()) { "name + school is a combined risk" }
        check(!check.saferCaption.contains("Peeters")) { "the name survived the safer caption" }
    },
    "tips_for_report_and_caption" to { s ->
        check(s.expect == "tips")
        val report = privacyReportBytes(s.file().readBytes())
        val caption = checkCaption(RISKY_CAPTION, "en")
        val en = tipsFor(report, caption, "en")
        val fr = tipsFor(report, caption, "fr")
        check(en.isNotEmpty() && en.any { it.id == "turn_off_camera_location" })
        check(en.map { it.id } == fr.map { it.id })
        check(en.zip(fr).all { (e, f) -> e.title != f.title }) { "French titles are French" }
        val captionOnly = tipsFor(null, caption, "en")
        check(captionOnly.isNotEmpty() && captionOnly.none { it.id == "turn_off_camera_location" })
        check(tipsFor(null, null, "en").isEmpty())
        val allEn = allTips("en")
        val allDe = allTips("de")
        check(allEn.size == allDe.size && allEn.size >= en.size)
        check(allDe.zip(allEn).any { (d, e) -> d.text != e.text })
    },
    "faces_detected_and_redacted" to { s ->
        check(s.expect == "faces_redacted")
        FaceDetector(modelPath).use { detector ->
            val photo = s.file().readBytes()
            val found = detector.detectBytes(photo)
            check(found.faces.isNotEmpty()) { "the photo shows faces" }
            check(found.width > 0u && found.height > 0u)
            check(found.faces.all { it.confidence >= 0.5f && it.landmarks.size == 5 })
            val regions = found.faces.map { faceRegion(it) }
            check(regions.zip(found.faces).all { (r, f) -> r.width.toFloat() >= f.width && r.height.toFloat() >= f.height }) { "margins grow the box" }
            val redacted = detector.redactBytes(photo, regions, RedactionStyle.SOLID_FILL, null)
            check(redacted.report.outputBytes == redacted.data.size.toULong())
            check(redacted.report.regions.isNotEmpty())
            check(!hasGps(redacted.data))
            check(exifIfd0(redacted.data).keys.all { it == 0x0112 }) { "EXIF beyond the orientation survived" }
            val again = detector.detectBytes(redacted.data)
            check(again.faces.none { f -> redacted.report.regions.any { overlaps(f, it) } }) { "a face is left in a redacted region" }
            check(again.faces.size < found.faces.size)
            // The check after encoding always runs: hiding only a corner leaves the faces, and the report counts them.
            val cornerOnly = detector.redactBytes(photo, listOf(RedactRegion(0u, 0u, 16u, 16u)), RedactionStyle.SOLID_FILL, null)
            check(cornerOnly.report.facesFoundAfter >= 1u) { "the check after encoding found none of the faces left visible" }
        }
    },
    "redaction_fails_closed" to { s ->
        val dir = tempDir(s)
        val b = s.file().readBytes()
        val truncated = File(dir, "truncated.jpg").apply { writeBytes(b.copyOfRange(0, b.size / 2)) }
        val out = File(dir, "out.jpg")
        val region = RedactRegion(0u, 0u, 16u, 16u)
        FaceDetector(modelPath).use { detector ->
            val msg = s.assertError { detector.redactFile(truncated.path, out.path, listOf(region), RedactionStyle.SOLID_FILL, null) }
            check(!msg.contains(dir.path)) { "path in message: $msg" }
            check(!out.exists()) { "a failed redaction wrote its output" }
            check(dir.listFiles()!!.map { it.name } == listOf("truncated.jpg")) { "only the input is left" }
            s.assertError { detector.redactBytes(b.copyOfRange(0, b.size / 2), listOf(region), RedactionStyle.STICKER, null) }
        }
        dir.deleteRecursively()
    },
    "fingerprint_and_ledger" to { s ->
        val published = s.expect.removePrefix("pdq:")
        val fp = fingerprintFile(s.file().path)
        val distance = pdqDistance(fp.pdqHex, published)
        check(distance <= 16u) { "distance $distance to the published hash" }
        check(!fp.lowQuality && fp.quality >= 50u)
        try { pdqDistance("xyz", published); error("a bad hash was accepted") } catch (e: ShareSafeException.Damaged) { }
        val dir = tempDir(s)
        val path = File(dir, "ledger.bin").path
        SharedPhotoLedger.open(path).use { ledger ->
            check(ledger.count() == 0uL)
            ledger.record(fp, "org.example.chat")
            val same = ledger.find(fp)
            check(same.size == 1 && same[0].distance == 0u && same[0].targetApp == "org.example.chat" && same[0].pdqHex == fp.pdqHex) { "find: $same" }
            check(same[0].sharedAtUnix > 1_600_000_000L)
            val rotated = fingerprintFile(File(s.file().parentFile, "bridge-2-rotate-90.jpg").path)
            check(pdqDistance(rotated.pdqHex, fp.pdqHex) > 31u)
            check(ledger.find(rotated).size == 1) { "found in any orientation" }
            val export = ledger.exportText()
            check(export.contains(fp.pdqHex) && !export.contains("org.example.chat"))
        }
        SharedPhotoLedger.open(path).use { check(it.count() == 1uL) { "reopened count ${it.count()}" } }
        dir.deleteRecursively()
    },
    "clean_from_fd" to { s ->
        check(s.expect == "no_gps")
        val dir = tempDir(s)
        val out = File(dir, "clean.jpg")
        val fd = libc.open(s.file().path, 0 /* O_RDONLY */)
        check(fd >= 0) { "open(2) failed" }
        try {
            check("gps_location" in privacyReportFd(fd).signals)
            val report = cleanFd(fd, out.path, null)
            check(!hasGps(out.readBytes()) && report.outputBytes == out.length().toULong())
        } finally {
            libc.close(fd)
        }
        try { cleanFd(-1, File(dir, "x.jpg").path, null); error("fd -1 was accepted") } catch (e: ShareSafeException.Storage) { }
        dir.deleteRecursively()
    },
)

fun main() {
    val list = loadScenarios()
    var passed = 0
    val failed = mutableListOf<String>()
    check(scenarios.keys.all { k -> list.any { it.id == k } }) { "an implemented scenario is missing from the list" }
    for (s in list) {
        val run = scenarios[s.id]
        try {
            checkNotNull(run) { "scenario ${s.id} has no Kotlin implementation" }
            runBlocking { run(s) }
            passed++
            println("PASS ${s.id}")
        } catch (e: Throwable) {
            failed.add(s.id)
            println("FAIL ${s.id}: $e")
        }
    }
    println("kotlin scenarios: $passed passed, ${failed.size} failed")
    exitProcess(if (failed.isEmpty()) 0 else 1)
}
