// Why this exists: a shared content URI is best read by the library itself from a file descriptor
// (ContentResolver.openFileDescriptor): no copy of the photo in the Java heap, and the core can
// seek instead of buffering. Not every provider can give one (some stream from the network cache
// or a pipe), so every fd path has a fallback through the bounded stream readers. The choice is
// plain Kotlin over "a descriptor or nothing", so both paths are tested on the desktop JVM with
// real descriptors; the Android glue (content/SharedContent.kt) only opens the ParcelFileDescriptor.
package org.sharesafe.android

import java.io.Closeable

/**
 * An open, seekable file descriptor number and what owns it (Android: the ParcelFileDescriptor).
 * The library reads `/proc/self/fd/<fd>` while the lease is open; closing the lease closes the fd.
 */
class DescriptorLease(
    /** The descriptor number to pass to the library. */
    val fd: Int,
    private val owner: Closeable,
) : Closeable {
    init {
        require(fd >= 0) { "a descriptor number is never negative" }
    }

    override fun close() = owner.close()
}

/**
 * Runs [byFd] with a descriptor from [openDescriptor] (closed afterwards, whatever happens), or
 * [byStream] when [openDescriptor] gives none (null: the provider has no seekable file).
 */
suspend fun <T> viaDescriptorOrStream(
    openDescriptor: () -> DescriptorLease?,
    byFd: suspend (Int) -> T,
    byStream: suspend () -> T,
): T {
    val lease = openDescriptor() ?: return byStream()
    return lease.use { byFd(it.fd) }
}
