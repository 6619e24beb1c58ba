// The :sharesafe library's Android-independent Kotlin (ShareSafe, BoundedStreams, Findings) on the
// desktop JVM against the real host build of libsharesafe_ffi (JNA loads it from
// -Djna.library.path). A plain main, so kotlinc alone builds and runs it (android/scripts/test-host.sh);
// the folder is outside Gradle's source sets on purpose (the app build needs no desktop JNA).
// Prints PASS/FAIL per test and "android-host: N passed, N failed"; exits 1 on any failure.
package org.sharesafe.android

import java.io.ByteArrayInputStream
import java.io.ByteArrayOutputStream
import java.io.File
import java.io.InputStream
import java.nio.file.Files
import java.util.concurrent.Executors
import kotlin.system.exitProcess
import kotlinx.coroutines.asCoroutineDispatcher
import kotlinx.coroutines.flow.take
import kotlinx.coroutines.flow.toList
import kotlinx.coroutines.runBlocking
import org.sharesafe.ffi.BatchItemOutcome
import org.sharesafe.ffi.CancelHandle
import org.sharesafe.ffi.FileFormat
import org.sharesafe.ffi.PartKind
import org.sharesafe.ffi.ShareSafeException

val repo = File(System.getProperty("sharesafe.repo") ?: error("-Dsharesafe.repo=<repository> is required"))
val sample: ByteArray by lazy { File(repo, "samples/beach-day.jpg").readBytes() }

fun ByteArray.containsBytes(needle: ByteArray): Boolean =
    (0..size - needle.size).any { i -> needle.indices.all { this[i + it] == needle[it] } }

/** A stream that hands out at most [step] bytes per read, as a slow provider does. */
class TrickleStream(private val data: ByteArray, private val step: Int) : InputStream() {
    private var pos = 0
    override fun read(): Int = if (pos < data.size) data[pos++].toInt() and 0xFF else -1
    override fun read(b: ByteArray, off: Int, len: Int): Int {
        if (len == 0) return 0
        if (pos >= data.size) return -1
        val n = minOf(len, step, data.size - pos)
        System.arraycopy(data, pos, b, off, n)
        pos += n
        return n
    }
}

inline fun <reified E : Throwable> assertThrows(block: () -> Unit): E {
    try {
        block()
    } catch (e: Throwable) {
        if (e is E) return e
        throw AssertionError("expected ${E::class.simpleName}, got ${e::class.simpleName}: ${e.message}")
    }
    throw AssertionError("expected ${E::class.simpleName}, nothing was thrown")
}

fun tempDir(name: String): File = Files.createTempDirectory("sharesafe-android-$name").toFile()

val tests: List<Pair<String, () -> Unit>> = listOf(
    "readAtMost returns every byte of a trickling stream" to {
        val data = ByteArray(300_000) { (it * 31).toByte() }
        val read = TrickleStream(data, 777).readAtMost(1_000_000, sizeHint = null)
        check(read.contentEquals(data)) { "bytes differ" }
    },
    "readAtMost accepts a stream exactly at the limit" to {
        val data = ByteArray(4096) { it.toByte() }
        check(ByteArrayInputStream(data).readAtMost(4096).contentEquals(data))
    },
    "readAtMost refuses one byte over the limit" to {
        val e = assertThrows<StreamTooLargeException> { ByteArrayInputStream(ByteArray(4097)).readAtMost(4096) }
        check(e.limitBytes == 4096L)
    },
    "readAtMost survives a wrong size hint in both directions" to {
        val data = ByteArray(100_000) { 7 }
        check(ByteArrayInputStream(data).readAtMost(1 shl 20, sizeHint = 10).contentEquals(data))
        // A provider claiming a huge size must not make us allocate it: only the limit counts.
        check(ByteArrayInputStream(data).readAtMost(1 shl 20, sizeHint = Long.MAX_VALUE).contentEquals(data))
        assertThrows<StreamTooLargeException> { ByteArrayInputStream(data).readAtMost(50_000, sizeHint = 1) }
    },
    "readAtMost of an empty stream is empty" to {
        check(ByteArrayInputStream(ByteArray(0)).readAtMost(10).isEmpty())
    },
    "copyAtMost copies exactly and refuses overlong streams" to {
        val data = ByteArray(200_000) { (it % 251).toByte() }
        val out = ByteArrayOutputStream()
        check(TrickleStream(data, 1000).copyAtMost(out, 200_000) == 200_000L)
        check(out.toByteArray().contentEquals(data))
        assertThrows<StreamTooLargeException> { ByteArrayInputStream(data).copyAtMost(ByteArrayOutputStream(), 199_999) }
    },
    "cleanBytes removes what the sample gives away and findings say so" to {
        runBlocking {
            val lib = ShareSafe()
            val before = lib.inspectBytes(sample).findings()
            val kinds = before.map { it.kind }.toSet()
            check(PartKind.EXIF in kinds && PartKind.XMP in kinds && PartKind.IPTC in kinds) { "sample findings: $kinds" }
            check(before.all { it.bytes > 0 && it.parts > 0 })
            val cleaned = lib.cleanBytes(sample)
            check(cleaned.report.format == FileFormat.JPEG && cleaned.report.mimeType == "image/jpeg")
            check(cleaned.report.bytesRemoved > 0)
            check(!cleaned.bytes.containsBytes("FBMD".toByteArray())) { "FBMD code survived" }
            check(!cleaned.bytes.containsBytes("Lisa Example".toByteArray())) { "person's name survived" }
            check(!cleaned.bytes.containsBytes("Esch-sur-Alzette".toByteArray())) { "city survived" }
            val after = lib.inspectBytes(cleaned.bytes).findings()
            check(after.isEmpty()) { "a cleaned photo still has findings: $after" }
        }
    },
    "suspend functions run on the dispatcher they are given" to {
        val pool = Executors.newSingleThreadExecutor { Thread(it, "sharesafe-test-io") }
        try {
            val dispatcher = pool.asCoroutineDispatcher()
            runBlocking {
                var seen: String? = null
                val lib = ShareSafe(object : kotlinx.coroutines.CoroutineDispatcher() {
                    override fun dispatch(context: kotlin.coroutines.CoroutineContext, block: Runnable) {
                        dispatcher.dispatch(context) { seen = Thread.currentThread().name; block.run() }
                    }
                })
                lib.inspectBytes(sample)
                check(seen == "sharesafe-test-io") { "ran on $seen" }
            }
        } finally {
            pool.shutdown()
        }
    },
    "a truncated photo is refused as damaged and nothing comes back" to {
        runBlocking {
            val e = assertThrowsSuspend { ShareSafe().cleanBytes(sample.copyOf(sample.size / 2)) }
            check(e is ShareSafeException.Damaged) { "got ${e::class.simpleName}" }
        }
    },
    "a cancelled handle stops the clean" to {
        runBlocking {
            val cancel = CancelHandle().also { it.cancel() }
            val e = assertThrowsSuspend { ShareSafe().cleanBytes(sample, cancel) }
            check(e is ShareSafeException.Cancelled) { "got ${e::class.simpleName}" }
        }
    },
    "cleanFile writes a clean copy and leaves the original untouched" to {
        runBlocking {
            val dir = tempDir("file")
            val input = File(dir, "in.jpg").apply { writeBytes(sample) }
            val output = File(dir, "out.jpg")
            val report = ShareSafe().cleanFile(input, output)
            check(input.readBytes().contentEquals(sample)) { "original changed" }
            check(output.length() == report.outputBytes.toLong())
            check(ShareSafe().inspectFile(output).findings().isEmpty())
            val again = assertThrowsSuspend { ShareSafe().cleanFile(input, output) }
            check(again is ShareSafeException.OutputExists) { "got ${again::class.simpleName}" }
            dir.deleteRecursively()
        }
    },
    "cleanBatch flow emits one progress per file then the summary" to {
        runBlocking {
            val dir = tempDir("batch")
            val inputs = listOf(
                File(dir, "a.jpg").apply { writeBytes(sample) },
                File(dir, "b.jpg").apply { writeBytes(sample) },
                File(dir, "broken.jpg").apply { writeBytes(sample.copyOf(sample.size / 3)) },
            )
            val out = File(dir, "clean")
            val events = ShareSafe().cleanBatch(inputs, out, jobs = 2).toList()
            val progress = events.filterIsInstance<BatchEvent.Progress>()
            check(progress.size == 3) { "progress events: ${progress.size}" }
            check(progress.map { it.done } == listOf(1L, 2L, 3L)) { "done: ${progress.map { it.done }}" }
            check(progress.all { it.total == 3L })
            val finished = events.last() as? BatchEvent.Finished ?: error("last event is not Finished")
            check(events.count { it is BatchEvent.Finished } == 1)
            val s = finished.summary
            check(s.cleaned == 2UL && s.refused + s.skipped == 1UL && !s.cancelled) { "summary: $s" }
            val cleanedPaths = s.items.mapNotNull { (it.outcome as? BatchItemOutcome.Cleaned)?.outputPath }
            check(cleanedPaths.size == 2)
            for (p in cleanedPaths) check(ShareSafe().inspectFile(File(p)).findings().isEmpty()) { "batch output not clean" }
            check(inputs[0].readBytes().contentEquals(sample)) { "batch changed an original" }
            dir.deleteRecursively()
        }
    },
    "cancelling the batch handle ends the flow with a cancelled summary" to {
        runBlocking {
            val dir = tempDir("cancel")
            val inputs = (0 until 200).map { File(dir, "p$it.jpg").apply { writeBytes(sample) } }
            val cancel = CancelHandle()
            val events = mutableListOf<BatchEvent>()
            ShareSafe().cleanBatch(inputs, File(dir, "clean"), jobs = 1, cancel = cancel).collect { event ->
                if (event is BatchEvent.Progress) cancel.cancel()
                events.add(event)
            }
            val s = (events.last() as? BatchEvent.Finished ?: error("last event is not Finished")).summary
            check(s.cancelled) { "summary not marked cancelled" }
            check(s.cleaned < 200UL && s.skipped > 0UL) { "cleaned ${s.cleaned}, skipped ${s.skipped}" }
            check(s.items.size == 200) { "every file needs a line in the summary" }
            dir.deleteRecursively()
        }
    },
    "cancelling the collector stops the batch" to {
        runBlocking {
            val dir = tempDir("collector")
            val inputs = (0 until 200).map { File(dir, "p$it.jpg").apply { writeBytes(sample) } }
            val out = File(dir, "clean")
            val first = ShareSafe().cleanBatch(inputs, out, jobs = 1).take(1).toList()
            check(first.single() is BatchEvent.Progress)
            // The file in progress when the collector left may still finish; nothing new starts.
            Thread.sleep(300)
            val written = out.listFiles()?.count { it.name.endsWith(".jpg") } ?: 0
            check(written in 1 until 200) { "$written of 200 files written after the collector left" }
            dir.deleteRecursively()
        }
    },
)

suspend fun assertThrowsSuspend(block: suspend () -> Unit): Throwable {
    try {
        block()
    } catch (e: Throwable) {
        return e
    }
    throw AssertionError("expected an exception, nothing was thrown")
}

fun main() {
    var passed = 0
    var failed = 0
    var skipped = 0
    for ((name, test) in tests + reviewTests) {
        try {
            test()
            println("PASS $name")
            passed++
        } catch (e: Skipped) {
            println("SKIPPED $name: ${e.message}")
            skipped++
        } catch (e: Throwable) {
            println("FAIL $name: ${e::class.simpleName}: ${e.message}")
            failed++
        }
    }
    println("android-host: $passed passed, $failed failed, $skipped skipped")
    exitProcess(if (failed == 0) 0 else 1)
}
