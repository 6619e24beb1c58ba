// Why this exists: the generated bindings (package org.sharesafe.ffi) are a faithful copy of the
// Rust boundary; an Android app wants idiomatic Kotlin on top: `suspend` functions that never run
// on the main thread, default arguments, a Flow for batch progress, and Long/Int where the
// bindings use unsigned types. Everything here delegates to the generated functions; no cleaning
// logic lives in Kotlin.
package org.sharesafe.android

import kotlinx.coroutines.CoroutineDispatcher
import kotlinx.coroutines.Dispatchers
import kotlinx.coroutines.channels.awaitClose
import kotlinx.coroutines.channels.trySendBlocking
import kotlinx.coroutines.flow.Flow
import kotlinx.coroutines.flow.callbackFlow
import kotlinx.coroutines.flow.flowOn
import kotlinx.coroutines.launch
import kotlinx.coroutines.withContext
import org.sharesafe.ffi.BatchListener
import org.sharesafe.ffi.BatchProgress
import org.sharesafe.ffi.BatchSummary
import org.sharesafe.ffi.CancelHandle
import org.sharesafe.ffi.CleanReport
import org.sharesafe.ffi.CleanedFile
import org.sharesafe.ffi.PhotoFingerprint
import org.sharesafe.ffi.PrivacyReport
import java.io.File

/** One event of a batch clean, in the order they happen: any number of [Progress], then one [Finished]. */
sealed class BatchEvent {
    /** One file finished (cleaned, refused or skipped); [progress] says which and how far the batch is. */
    data class Progress(val progress: BatchProgress) : BatchEvent() {
        /** Files finished so far, this one included. */
        val done: Long get() = progress.done.toLong()

        /** Files in the batch. */
        val total: Long get() = progress.total.toLong()
    }

    /** The batch ended (completely, or early because it was cancelled: see [BatchSummary.cancelled]). */
    data class Finished(val summary: BatchSummary) : BatchEvent()
}

/**
 * The ShareSafe library for Android apps. Every function is safe to call from the main thread: the
 * work runs on [ioDispatcher] (by default [Dispatchers.IO]) and in ShareSafe's own worker threads.
 * Cancelling the calling coroutine cancels the clean, which then writes nothing.
 *
 * Failures arrive as `org.sharesafe.ffi.ShareSafeException` subclasses (`UnsupportedFormat`,
 * `Damaged`, `TooLarge`, `Cancelled`, `OutputExists`, `Storage`, `Internal`); their messages never
 * contain a path or anything read from the photo, so they may be logged.
 */
class ShareSafe(private val ioDispatcher: CoroutineDispatcher = Dispatchers.IO) {

    /** Cleans a photo held in memory; returns the verified clean copy and what was removed. */
    suspend fun cleanBytes(input: ByteArray, cancel: CancelHandle? = null): CleanedFile =
        withContext(ioDispatcher) { org.sharesafe.ffi.cleanBytes(input, cancel) }

    /** Cleans [input] into the new file [output] (never overwritten); [input] is not modified. */
    suspend fun cleanFile(input: File, output: File, cancel: CancelHandle? = null): CleanReport =
        withContext(ioDispatcher) { org.sharesafe.ffi.cleanFile(input.path, output.path, cancel) }

    /** Cleans [file] in place: the verified clean copy replaces it atomically, or nothing changes. */
    suspend fun cleanFileInPlace(file: File, cancel: CancelHandle? = null): CleanReport =
        withContext(ioDispatcher) { org.sharesafe.ffi.cleanFileInPlace(file.path, cancel) }

    /** What a clean of [input] would find and remove, without writing anything (the review screen). */
    suspend fun inspectBytes(input: ByteArray): CleanReport =
        withContext(ioDispatcher) { org.sharesafe.ffi.inspectBytes(input) }

    /** Like [inspectBytes] for a file. */
    suspend fun inspectFile(file: File): CleanReport =
        withContext(ioDispatcher) { org.sharesafe.ffi.inspectFile(file.path) }

    /**
     * What the photo gives away, in the parent's terms (location, names, tracking codes…), most
     * severe first, and whether the clean removes each. The values are for the parent's eyes
     * only: never log a [PrivacyReport].
     */
    suspend fun privacyReportBytes(input: ByteArray): PrivacyReport =
        withContext(ioDispatcher) { org.sharesafe.ffi.privacyReportBytes(input) }

    /** Like [privacyReportBytes] for a file. */
    suspend fun privacyReportFile(file: File): PrivacyReport =
        withContext(ioDispatcher) { org.sharesafe.ffi.privacyReportFile(file.path) }

    /**
     * Like [privacyReportBytes] for an open file descriptor (Android: `ParcelFileDescriptor.fd` of a
     * shared content URI). The library reads `/proc/self/fd/[fd]` itself; the caller keeps owning
     * the descriptor and closes it afterwards.
     */
    suspend fun privacyReportFd(fd: Int): PrivacyReport =
        withContext(ioDispatcher) { org.sharesafe.ffi.privacyReportFd(fd) }

    /**
     * Cleans the file open as [fd] into the new file [output] (never overwritten) without reading
     * it into memory; the caller keeps owning and closes the descriptor.
     */
    suspend fun cleanFd(fd: Int, output: File, cancel: CancelHandle? = null): CleanReport =
        withContext(ioDispatcher) { org.sharesafe.ffi.cleanFd(fd, output.path, cancel) }

    /** The photo's PDQ fingerprint (what StopNCII / Take It Down match on); nothing else of the photo. */
    suspend fun fingerprintBytes(photo: ByteArray): PhotoFingerprint =
        withContext(ioDispatcher) { org.sharesafe.ffi.fingerprintBytes(photo) }

    /** Like [fingerprintBytes] for a file. */
    suspend fun fingerprintFile(file: File): PhotoFingerprint =
        withContext(ioDispatcher) { org.sharesafe.ffi.fingerprintFile(file.path) }

    /**
     * Cleans [inputs] into [outputDir] (or each in place when [outputDir] is null), [jobs] at a time
     * (0: one per core), as a cold Flow: collecting starts the batch, every finished file emits a
     * [BatchEvent.Progress], the end emits one [BatchEvent.Finished] and completes the flow.
     * Cancelling the collector (or [cancel]) lets files in progress finish or abort cleanly and
     * starts no new ones; the summary then says `cancelled`.
     */
    fun cleanBatch(
        inputs: List<File>,
        outputDir: File?,
        jobs: Int = 0,
        cancel: CancelHandle = CancelHandle(),
    ): Flow<BatchEvent> = callbackFlow {
        require(jobs >= 0) { "jobs must be 0 (one per core) or more" }
        val listener = object : BatchListener {
            // Called on a ShareSafe worker thread: blocking it briefly when the collector is slow
            // keeps every progress event (the list is as long as the batch, no longer).
            override fun onProgress(progress: BatchProgress) {
                trySendBlocking(BatchEvent.Progress(progress))
            }
        }
        val batch = launch {
            val summary = org.sharesafe.ffi.cleanBatch(
                inputs.map { it.path },
                outputDir?.path,
                jobs.toUInt(),
                listener,
                cancel,
            )
            send(BatchEvent.Finished(summary))
            channel.close()
        }
        awaitClose {
            if (!batch.isCompleted) cancel.cancel()
        }
    }.flowOn(ioDispatcher)
}
