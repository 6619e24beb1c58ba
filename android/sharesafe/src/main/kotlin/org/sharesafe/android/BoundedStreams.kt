// Why this exists: a shared photo arrives as a stream from another app (a content:// URI), whose
// declared size may be missing or wrong. Reading it must stay within a memory limit that fits a
// phone (and the core's own Limits), so these readers never trust a size hint beyond the limit,
// grow their buffer only as bytes actually arrive, and stop with a typed error as soon as the
// stream is longer than allowed. Pure JVM, so they are tested on the desktop.
package org.sharesafe.android

import java.io.IOException
import java.io.InputStream
import java.io.OutputStream

/** Limits for reading shared streams. */
object StreamLimits {
    /** Largest photo read into memory for [org.sharesafe.ffi.cleanBytes] (64 MiB). */
    const val MAX_IN_MEMORY_BYTES: Int = 64 * 1024 * 1024

    /** Largest file copied to the cache for a file clean, e.g. a video (4 GiB). */
    const val MAX_COPIED_BYTES: Long = 4L * 1024 * 1024 * 1024

    /** Read buffer size, the same as the core's streaming buffers. */
    const val CHUNK_BYTES: Int = 64 * 1024
}

/** The stream held more than [limitBytes] bytes; nothing read from it is kept. The message holds no user data. */
class StreamTooLargeException(val limitBytes: Long) :
    IOException("the shared file is larger than the limit of $limitBytes bytes")

/**
 * Reads the whole stream into memory, failing with [StreamTooLargeException] as soon as it is longer
 * than [limitBytes]. [sizeHint] (e.g. `OpenableColumns.SIZE`, which may be null or wrong) only sizes
 * the first buffer, never beyond the limit. Does not close the stream.
 */
fun InputStream.readAtMost(limitBytes: Int, sizeHint: Long? = null): ByteArray {
    require(limitBytes >= 0) { "limitBytes must not be negative" }
    val initial = when {
        sizeHint == null || sizeHint <= 0 -> StreamLimits.CHUNK_BYTES
        else -> minOf(sizeHint, limitBytes.toLong() + 1).toInt()
    }.coerceAtLeast(1)
    var buffer = ByteArray(minOf(initial, limitBytes + 1).coerceAtLeast(1))
    var length = 0
    while (true) {
        if (length == buffer.size) {
            if (length > limitBytes) throw StreamTooLargeException(limitBytes.toLong())
            // Grow by doubling, capped at one byte past the limit (enough to notice an overlong stream).
            val grown = minOf(maxOf(buffer.size.toLong() * 2, 1L), limitBytes.toLong() + 1).toInt()
            buffer = buffer.copyOf(grown)
        }
        val n = read(buffer, length, buffer.size - length)
        if (n < 0) break
        length += n
        if (length > limitBytes) throw StreamTooLargeException(limitBytes.toLong())
    }
    return if (length == buffer.size) buffer else buffer.copyOf(length)
}

/**
 * Copies the stream to [out] in [StreamLimits.CHUNK_BYTES] chunks and returns the byte count;
 * fails with [StreamTooLargeException] once more than [limitBytes] bytes arrived (the caller then
 * deletes what was written). Closes neither stream.
 */
fun InputStream.copyAtMost(out: OutputStream, limitBytes: Long): Long {
    require(limitBytes >= 0) { "limitBytes must not be negative" }
    val chunk = ByteArray(StreamLimits.CHUNK_BYTES)
    var total = 0L
    while (true) {
        val n = read(chunk)
        if (n < 0) return total
        total += n
        if (total > limitBytes) throw StreamTooLargeException(limitBytes)
        out.write(chunk, 0, n)
    }
}
