// Why this exists: a parent who later wants a photo taken down (StopNCII, Take It Down) needs to
// know what they shared and where; those services match on a PDQ fingerprint, never the photo. So
// after each share ShareSafe records the fingerprint of the clean copy that left and the app it
// went to, in an append-only, crash-safe ledger in app-private storage (never the photo, never a
// location). Matching works in any orientation, so a rotated repost is still recognised.
package org.sharesafe.android

import kotlinx.coroutines.CoroutineDispatcher
import kotlinx.coroutines.Dispatchers
import kotlinx.coroutines.withContext
import org.sharesafe.ffi.LedgerMatch
import org.sharesafe.ffi.PhotoFingerprint
import org.sharesafe.ffi.SharedPhotoLedger
import java.io.File

/** The shared-photo ledger at [file] (app-private storage, e.g. `filesDir/shared-photos.ledger`). */
class SharedPhotos private constructor(
    private val ledger: SharedPhotoLedger,
    private val ioDispatcher: CoroutineDispatcher,
) : AutoCloseable {

    /** Fingerprints the clean copy [photo] that was shared and records it with [targetApp] (a package name or "chooser"). */
    suspend fun recordShared(photo: ByteArray, targetApp: String): PhotoFingerprint = withContext(ioDispatcher) {
        val fingerprint = org.sharesafe.ffi.fingerprintBytes(photo)
        ledger.record(fingerprint, targetApp)
        fingerprint
    }

    /** Like [recordShared] for a clean copy in a file. */
    suspend fun recordShared(file: File, targetApp: String): PhotoFingerprint = withContext(ioDispatcher) {
        val fingerprint = org.sharesafe.ffi.fingerprintFile(file.path)
        ledger.record(fingerprint, targetApp)
        fingerprint
    }

    /** Earlier shares of a photo that looks like [photo] (any orientation, PDQ distance ≤ 31). */
    suspend fun sharedBefore(photo: ByteArray): List<LedgerMatch> = withContext(ioDispatcher) {
        ledger.find(org.sharesafe.ffi.fingerprintBytes(photo))
    }

    /** How many shares are recorded. */
    suspend fun count(): Long = withContext(ioDispatcher) { ledger.count().toLong() }

    /** The hashes as text for StopNCII / Take It Down (no location, no photo). */
    suspend fun exportText(): String = withContext(ioDispatcher) { ledger.exportText() }

    override fun close() = ledger.close()

    companion object {
        /** The ledger's file name in app-private storage. */
        const val FILE_NAME: String = "shared-photos.ledger"

        /** Opens (or creates) the ledger at [file]. */
        suspend fun open(file: File, ioDispatcher: CoroutineDispatcher = Dispatchers.IO): SharedPhotos =
            withContext(ioDispatcher) { SharedPhotos(SharedPhotoLedger.open(file.path), ioDispatcher) }
    }
}
