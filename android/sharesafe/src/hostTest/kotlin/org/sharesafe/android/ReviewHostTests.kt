// Host-JVM tests of the review-screen API (privacy report, file descriptors, caption check, tips,
// faces and redaction, fingerprints and the shared-photo ledger) against the real host build of
// libsharesafe_ffi. Run by LibraryHostTests.kt's main (android/scripts/test-host.sh). Photos of
// people come from ../shared/corpus (faces/): when it is missing those tests say SKIPPED, except
// under CI=true, where they fail.
package org.sharesafe.android

import kotlinx.coroutines.runBlocking
import org.sharesafe.ffi.CancelHandle
import org.sharesafe.ffi.FileFormat
import org.sharesafe.ffi.FindingSeverity
import org.sharesafe.ffi.RedactRegion
import org.sharesafe.ffi.RedactionStyle
import org.sharesafe.ffi.ShareSafeException
import org.sharesafe.ffi.findingIds
import org.sharesafe.ffi.pdqDistance
import java.io.Closeable
import java.io.File
import java.io.FileInputStream
import java.io.IOException
import java.nio.file.Files
import javax.xml.parsers.DocumentBuilderFactory

/** Thrown by a test whose input is not on this machine; reported as SKIPPED (a failure under CI=true). */
class Skipped(message: String) : Exception(message)

val underCi: Boolean get() = System.getenv("CI") == "true"

/** A file of the shared corpus, or a skip when the corpus is not beside the repository. */
fun corpusFile(path: String): File {
    val file = File(repo, "../shared/corpus/$path")
    if (file.isFile) return file
    if (underCi) throw AssertionError("../shared/corpus/$path is missing; CI must run with ../shared beside the repository")
    throw Skipped("../shared/corpus not found next to the repository")
}

/** The CenterFace model (scripts/fetch-face-model.sh), or a skip when it has not been fetched. */
fun faceModelFile(): File {
    val dir = System.getenv("SHARESAFE_CACHE")?.let { File(it) } ?: File(repo, "core/assets")
    val file = File(dir, FaceModel.ASSET_NAME)
    if (file.isFile) return file
    if (underCi) throw AssertionError("centerface.onnx missing: CI must run scripts/fetch-face-model.sh first")
    throw Skipped("centerface.onnx not fetched (scripts/fetch-face-model.sh)")
}

/**
 * The descriptor number the JVM opened for [stream], found through /proc/self/fd as Android's
 * ParcelFileDescriptor.fd would give it (no reflection into java.io needed).
 */
fun descriptorOf(file: File): Int {
    val target = file.canonicalFile.toPath()
    val fds = File("/proc/self/fd").listFiles() ?: throw Skipped("/proc/self/fd is not readable here")
    return fds.mapNotNull { link ->
        val points = try {
            Files.readSymbolicLink(link.toPath())
        } catch (e: IOException) {
            null
        }
        link.name.toIntOrNull()?.takeIf { points == target }
    }.maxOrNull() ?: error("no descriptor of the opened file in /proc/self/fd")
}

/** The strings of res/<values>/strings.xml of the app. */
fun appStrings(values: String): Map<String, String> {
    val file = File(repo, "android/app/src/main/res/$values/strings.xml")
    val doc = DocumentBuilderFactory.newInstance().newDocumentBuilder().parse(file)
    val nodes = doc.getElementsByTagName("string")
    return (0 until nodes.length).associate { i ->
        val n = nodes.item(i)
        n.attributes.getNamedItem("name").nodeValue to n.textContent
    }
}

const val BIRTHDAY_CAPTION = "🎉🎉 Emma Schmit's first day at Grundschule am Park in Mamer!"

val reviewTests: List<Pair<String, () -> Unit>> = listOf(
    "privacy report of the sample: GPS with coordinates, most severe first, every id known" to {
        runBlocking {
            val report = ShareSafe().privacyReportBytes(sample)
            check(report.format == FileFormat.JPEG && report.inputBytes == sample.size.toULong())
            check(report.cleanedBytes in 1UL until report.inputBytes) { "cleaned ${report.cleanedBytes} of ${report.inputBytes}" }
            val gps = report.findings.firstOrNull { it.id == "gps_position" } ?: error("no gps_position in ${report.findings.map { it.id }}")
            check(gps.severity == FindingSeverity.HIGH && gps.removedByClean)
            check(gps.latitude != null && gps.longitude != null && gps.mapLink != null) { "GPS without coordinates" }
            check(gps.foundIn.isNotEmpty() && gps.title.isNotBlank() && gps.explanation.isNotBlank())
            check("gps_location" in report.signals && !report.locationAlreadyHidden)
            val known = findingIds().toSet()
            check(report.findings.all { it.id in known }) { "unknown ids: ${report.findings.map { it.id } - known}" }
            val ranks = report.findings.map { SEVERITY_ORDER.indexOf(it.severity) }
            check(ranks == ranks.sorted()) { "not most severe first: ${report.findings.map { it.severity }}" }
            val groups = report.bySeverity()
            check(groups.first().first == FindingSeverity.HIGH && groups.sumOf { it.second.size } == report.findings.count { it.id != GPS_ZEROED_ID })
            check(groups.map { it.first } == SEVERITY_ORDER.filter { s -> groups.any { it.first == s } }) { "groups out of order" }
            check(report.findings.any { it.id == "facebook_fbmd" } && report.findings.any { it.id == "person_name" })
        }
    },
    "privacy report of a file and of its file descriptor agree with the in-memory one" to {
        runBlocking {
            val dir = tempDir("report")
            val file = File(dir, "photo.jpg").apply { writeBytes(sample) }
            val lib = ShareSafe()
            val ids = lib.privacyReportBytes(sample).findings.map { it.id }
            check(lib.privacyReportFile(file).findings.map { it.id } == ids)
            val viaFd = FileInputStream(file).use { stream ->
                val fd = descriptorOf(file)
                val r = lib.privacyReportFd(fd)
                check(stream.read() == 0xFF) { "the caller's descriptor was closed or moved by the library" }
                r
            }
            check(viaFd.findings.map { it.id } == ids) { "fd report differs" }
            dir.deleteRecursively()
        }
    },
    "viaDescriptorOrStream uses the descriptor and closes it, or falls back to the stream" to {
        runBlocking {
            val dir = tempDir("lease")
            val file = File(dir, "photo.jpg").apply { writeBytes(sample) }
            val lib = ShareSafe()
            var closed = false
            val stream = FileInputStream(file)
            val lease = DescriptorLease(descriptorOf(file), Closeable { closed = true; stream.close() })
            var path = ""
            val report = viaDescriptorOrStream({ lease }, { fd -> path = "fd"; lib.privacyReportFd(fd) }, { path = "stream"; error("not this one") })
            check(path == "fd" && closed && report.findings.isNotEmpty()) { "path $path, closed $closed" }
            val fallback = viaDescriptorOrStream({ null }, { error("no descriptor was given") }, {
                lib.privacyReportBytes(TrickleStream(sample, 4096).readAtMost(StreamLimits.MAX_IN_MEMORY_BYTES))
            })
            check(fallback.findings.map { it.id } == report.findings.map { it.id })
            var closedOnError = false
            val s2 = FileInputStream(file)
            val failing = DescriptorLease(descriptorOf(file), Closeable { closedOnError = true; s2.close() })
            assertThrowsSuspend { viaDescriptorOrStream({ failing }, { throw IOException("provider went away") }, { error("no") }) }
            check(closedOnError) { "the lease stayed open after a failure" }
            dir.deleteRecursively()
        }
    },
    "cleanFd writes a verified clean copy without GPS and leaves the original untouched" to {
        runBlocking {
            val dir = tempDir("cleanfd")
            val file = File(dir, "photo.jpg").apply { writeBytes(sample) }
            val out = File(dir, "clean.jpg")
            val lib = ShareSafe()
            val report = FileInputStream(file).use { lib.cleanFd(descriptorOf(file), out) }
            check(out.length() == report.outputBytes.toLong() && out.length() > 0)
            check(file.readBytes().contentEquals(sample)) { "original changed" }
            val after = lib.privacyReportFile(out)
            check(after.findings.none { it.severity == FindingSeverity.HIGH }) { "left: ${after.findings.map { it.id }}" }
            check(!out.readBytes().containsBytes("Esch-sur-Alzette".toByteArray()))
            val truncated = File(dir, "half.jpg").apply { writeBytes(sample.copyOf(sample.size / 2)) }
            val failed = File(dir, "failed.jpg")
            val e = FileInputStream(truncated).use { assertThrowsSuspend { lib.cleanFd(descriptorOf(truncated), failed) } }
            check(e is ShareSafeException.Damaged && !failed.exists()) { "got ${e::class.simpleName}, output exists: ${failed.exists()}" }
            dir.deleteRecursively()
        }
    },
    "every finding id has a title and an explanation in EN, FR, DE and NL" to {
        val ids = findingIds()
        check(ids.size >= 20 && ids.toSet().size == ids.size) { "ids: $ids" }
        for (values in listOf("values", "values-fr", "values-de", "values-nl")) {
            val strings = appStrings(values)
            val missing = ids.flatMap { id -> listOf("finding_${id}_title", "finding_${id}_explanation") }.filter { strings[it].isNullOrBlank() }
            check(missing.isEmpty()) { "$values lacks $missing" }
        }
        val en = appStrings("values")
        val fr = appStrings("values-fr")
        check(ids.count { en["finding_${it}_title"] != fr["finding_${it}_title"] } >= ids.size / 2) { "French titles look untranslated" }
    },
    "caption check: UTF-16 spans fit the Kotlin string after emoji, safer caption offered" to {
        val check = Captions.check(BIRTHDAY_CAPTION)
        check(check.warnings.size >= 3) { "warnings: ${check.warnings.map { it.text }}" }
        for (w in check.warnings) {
            val span = BIRTHDAY_CAPTION.substring(w.utf16Start.toInt(), w.utf16End.toInt())
            check(span == w.text) { "span '$span' != '${w.text}'" }
            check(w.utf16Start > w.start) { "emoji before the span must shift UTF-16 offsets past char offsets" }
            check(w.reason.isNotBlank() && w.reasonId.isNotBlank())
        }
        check(check.warnings.any { it.text == "Grundschule am Park" } && check.warnings.any { it.text == "Mamer" })
        val highlights = check.highlights(BIRTHDAY_CAPTION)
        check(highlights.size == check.warnings.size)
        check(check.hasSaferCaption(BIRTHDAY_CAPTION) && !check.saferCaption.contains("Grundschule")) { "safer: ${check.saferCaption}" }
        check(check.overall != null && check.reportLanguage == "en")
        // The parent deleted text after the check: highlights that no longer fit are dropped, not misplaced.
        val shorter = BIRTHDAY_CAPTION.substring(0, BIRTHDAY_CAPTION.indexOf(" in Mamer"))
        check(check.highlights(shorter).none { it.end > shorter.length })
        check(check.highlights(shorter).size < highlights.size)
        check(Captions.check("Every day is a gift").warnings.isEmpty())
    },
    "caption reasons and tips follow the language; tipsFor uses the report and the caption" to {
        runBlocking { Captions.preload() }
        val fr = Captions.check("Chloé fête ses 6 ans à Esch-sur-Alzette", "fr")
        check(fr.reportLanguage == "fr" && fr.warnings.isNotEmpty())
        val report = runBlocking { ShareSafe().privacyReportBytes(sample) }
        val tips = Captions.tipsFor(report, Captions.check(BIRTHDAY_CAPTION), "en")
        check(tips.isNotEmpty() && tips.map { it.id }.toSet().size == tips.size) { "tips: ${tips.map { it.id }}" }
        val plain = Captions.tipsFor(null, null, "en")
        check(tips.size > plain.size) { "a photo with GPS and a risky caption should add tips: ${tips.size} vs ${plain.size}" }
        val byLanguage = CORE_LANGUAGES.associateWith { Captions.allTips(it) }
        val enIds = byLanguage.getValue("en").map { it.id }
        check(enIds.isNotEmpty() && byLanguage.values.all { list -> list.map { it.id } == enIds }) { "tip ids differ by language" }
        check(byLanguage.getValue("de").first().text != byLanguage.getValue("en").first().text) { "German tips are English" }
        check(coreLanguage(java.util.Locale.forLanguageTag("nl-BE")) == "nl" && coreLanguage(java.util.Locale.forLanguageTag("pt-BR")) == "en")
    },
    "FaceModel.installOnce copies once, atomically, and refuses an incomplete asset" to {
        val dir = tempDir("model")
        val bytes = ByteArray(300_000) { (it % 97).toByte() }
        var opened = 0
        val target = File(dir, "models/${FaceModel.ASSET_NAME}")
        FaceModel.installOnce(target, bytes.size.toLong()) { opened++; TrickleStream(bytes, 5000) }
        FaceModel.installOnce(target, bytes.size.toLong()) { opened++; TrickleStream(bytes, 5000) }
        check(opened == 1 && target.readBytes().contentEquals(bytes)) { "opened $opened times" }
        val other = File(dir, "other.onnx")
        assertThrows<IOException> { FaceModel.installOnce(other, bytes.size.toLong() + 1) { TrickleStream(bytes, 5000) } }
        check(!other.exists() && dir.listFiles()!!.none { it.name.endsWith(".partial") }) { "a partial model was left behind" }
        dir.deleteRecursively()
    },
    "faces: one face found and hidden by default; unticking it leaves nothing to redact" to {
        val photo = corpusFile("faces/linzaer/5.jpg").readBytes()
        runBlocking {
            Faces.load(faceModelFile()).use { faces ->
                val detection = faces.detect(photo)
                check(detection.faces.isNotEmpty() && detection.width > 0u && detection.height > 0u) { "faces: ${detection.faces.size}" }
                val selection = FaceSelection(detection)
                check(detection.faces.all { selection.isHidden(it) }) { "every face must start selected" }
                val regions = selection.regions()
                check(regions.size == detection.faces.size)
                for ((face, r) in detection.faces.zip(regions)) {
                    check(r.x + r.width <= detection.width && r.y + r.height <= detection.height) { "region outside the photo" }
                    check(r.width.toFloat() >= face.width && r.height.toFloat() >= face.height) { "the region must cover the box plus margins" }
                }
                detection.faces.forEach { selection.setHidden(it, false) }
                check(selection.regions().isEmpty())
                selection.setHidden(detection.faces.first(), true)
                check(selection.regions().size == 1)
            }
        }
    },
    "redaction hides the selected face, cleans the photo, and fails closed when cancelled" to {
        val photo = corpusFile("faces/linzaer/5.jpg").readBytes()
        runBlocking {
            val lib = ShareSafe()
            Faces.load(faceModelFile()).use { faces ->
                val detection = faces.detect(photo)
                val regions = FaceSelection(detection).regions()
                val redacted = faces.redact(photo, regions, RedactionStyle.SOLID_FILL)
                check(redacted.report.regions.size == regions.size && redacted.report.facesFoundAfter == 0u) {
                    "regions ${redacted.report.regions.size}, faces after ${redacted.report.facesFoundAfter}"
                }
                check(redacted.data.size.toULong() == redacted.report.outputBytes && !redacted.data.contentEquals(photo))
                check(faces.detect(redacted.data).faces.size < detection.faces.size) { "the face is still found" }
                val e = assertThrowsSuspend { faces.redact(photo, regions, cancel = CancelHandle().also { it.cancel() }) }
                check(e is ShareSafeException.Cancelled) { "got ${e::class.simpleName}" }
                val dir = tempDir("redact")
                val input = File(dir, "in.jpg").apply { writeBytes(sample) }
                val out = File(dir, "out.jpg")
                val report = faces.redact(input, out, listOf(RedactRegion(100u, 100u, 200u, 200u)))
                check(out.length() == report.outputBytes.toLong() && input.readBytes().contentEquals(sample))
                check(lib.privacyReportFile(out).findings.none { it.id == "gps_position" }) { "redaction must clean too" }
                dir.deleteRecursively()
            }
        }
    },
    "fingerprint and ledger: a shared copy is recorded, found again after reopening, exported as hashes only" to {
        runBlocking {
            val lib = ShareSafe()
            val clean = lib.cleanBytes(sample).bytes
            val fp = lib.fingerprintBytes(clean)
            check(fp.pdqHex.length == 64 && fp.width == 1600u && fp.height == 1200u) { "fingerprint $fp" }
            check(pdqDistance(fp.pdqHex, fp.pdqHex) == 0u)
            check(pdqDistance(fp.pdqHex, lib.fingerprintBytes(sample).pdqHex) <= 31u) { "cleaning must not change the picture's hash much" }
            assertThrows<ShareSafeException> { pdqDistance("not hex", fp.pdqHex) }
            val dir = tempDir("ledger")
            val file = File(dir, SharedPhotos.FILE_NAME)
            SharedPhotos.open(file).use { ledger ->
                check(ledger.count() == 0L && ledger.sharedBefore(clean).isEmpty())
                ledger.recordShared(clean, "com.instagram.android")
            }
            SharedPhotos.open(file).use { ledger ->
                check(ledger.count() == 1L) { "the record did not survive reopening" }
                val match = ledger.sharedBefore(clean).singleOrNull() ?: error("no match for the shared photo")
                check(match.distance <= 31u && match.targetApp == "com.instagram.android" && match.sharedAtUnix > 1_700_000_000L)
                val text = ledger.exportText()
                check(text.contains(fp.pdqHex)) { "export lacks the hash" }
                check(!text.contains("Esch")) { "export must carry no location" }
                val onDisk = file.readBytes()
                check(!onDisk.containsBytes("Esch-sur-Alzette".toByteArray()) && !onDisk.containsBytes(byteArrayOf(0xFF.toByte(), 0xD8.toByte(), 0xFF.toByte())))
            }
            dir.deleteRecursively()
        }
    },
)
