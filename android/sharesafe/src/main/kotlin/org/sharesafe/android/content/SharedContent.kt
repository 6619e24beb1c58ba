// Why this exists: on Android a shared photo is a content:// URI owned by another app. These
// helpers read it through the ContentResolver within ShareSafe's memory limits (see
// BoundedStreams.kt), and copy it into the app's cache when it is too large to hold in memory.
// When the parent has granted ACCESS_MEDIA_LOCATION they can also open the original bytes
// (MediaStore.setRequireOriginal): Android otherwise zeroes the GPS of MediaStore photos before
// ShareSafe sees them, so the original is read only to *show* the parent what it carried.
package org.sharesafe.android.content

import android.Manifest
import android.content.ContentResolver
import android.content.Context
import android.content.pm.PackageManager
import android.net.Uri
import android.provider.MediaStore
import android.provider.OpenableColumns
import kotlinx.coroutines.Dispatchers
import kotlinx.coroutines.withContext
import org.sharesafe.android.DescriptorLease
import org.sharesafe.android.FaceModel
import org.sharesafe.android.ShareSafe
import org.sharesafe.android.StreamLimits
import org.sharesafe.android.copyAtMost
import org.sharesafe.android.readAtMost
import org.sharesafe.android.viaDescriptorOrStream
import org.sharesafe.ffi.CancelHandle
import org.sharesafe.ffi.CleanReport
import org.sharesafe.ffi.PrivacyReport
import java.io.File
import java.io.FileNotFoundException
import java.io.IOException

/** The size the providing app declares for [uri], or null when it declares none (it may still be wrong). */
fun ContentResolver.declaredSize(uri: Uri): Long? {
    val cursor = query(uri, arrayOf(OpenableColumns.SIZE), null, null, null) ?: return null
    cursor.use {
        if (!it.moveToFirst()) return null
        val column = it.getColumnIndex(OpenableColumns.SIZE)
        if (column < 0 || it.isNull(column)) return null
        return it.getLong(column).takeIf { size -> size >= 0 }
    }
}

/**
 * Reads the shared [uri] into memory, at most [limitBytes] bytes, on the IO dispatcher. Throws
 * [org.sharesafe.android.StreamTooLargeException] for a longer stream and [IOException] when the
 * provider gives no stream.
 */
suspend fun ContentResolver.readSharedBytes(uri: Uri, limitBytes: Int = StreamLimits.MAX_IN_MEMORY_BYTES): ByteArray =
    withContext(Dispatchers.IO) {
        val hint = declaredSize(uri)
        val stream = openInputStream(uri) ?: throw FileNotFoundException("the sharing app gave no stream")
        stream.use { it.readAtMost(limitBytes, hint) }
    }

/**
 * Copies the shared [uri] to the new file [target] (in the app's cache), at most [limitBytes]
 * bytes; on any failure the partial copy is deleted. Returns the byte count.
 */
suspend fun ContentResolver.copySharedToFile(uri: Uri, target: File, limitBytes: Long = StreamLimits.MAX_COPIED_BYTES): Long =
    withContext(Dispatchers.IO) {
        val stream = openInputStream(uri) ?: throw FileNotFoundException("the sharing app gave no stream")
        try {
            stream.use { input -> target.outputStream().use { input.copyAtMost(it, limitBytes) } }
        } catch (e: Throwable) {
            target.delete()
            throw e
        }
    }

/**
 * A seekable descriptor for [uri], or null when the provider gives none or only a pipe or socket
 * (`statSize` is -1 for those: the library needs to seek). The caller closes the lease.
 */
fun ContentResolver.openSeekableDescriptor(uri: Uri): DescriptorLease? {
    val pfd = try {
        openFileDescriptor(uri, "r")
    } catch (e: FileNotFoundException) {
        null
    } catch (e: UnsupportedOperationException) {
        null
    } ?: return null
    if (pfd.statSize < 0) {
        pfd.close()
        return null
    }
    return DescriptorLease(pfd.fd, pfd)
}

/**
 * The privacy report of the shared [uri]: read by the library from its file descriptor, or, for
 * providers that give none, from a bounded in-memory read ([StreamLimits.MAX_IN_MEMORY_BYTES]).
 */
suspend fun ContentResolver.privacyReport(uri: Uri, shareSafe: ShareSafe = ShareSafe()): PrivacyReport =
    withContext(Dispatchers.IO) {
        viaDescriptorOrStream(
            { openSeekableDescriptor(uri) },
            { fd -> shareSafe.privacyReportFd(fd) },
            { shareSafe.privacyReportBytes(readSharedBytes(uri)) },
        )
    }

/**
 * Cleans the shared [uri] into the new file [output]: through its file descriptor, or, for
 * providers that give none, through a bounded copy to [scratch] (private cache, deleted after).
 */
suspend fun ContentResolver.cleanToFile(
    uri: Uri,
    output: File,
    scratch: File,
    shareSafe: ShareSafe = ShareSafe(),
    cancel: CancelHandle? = null,
): CleanReport = withContext(Dispatchers.IO) {
    viaDescriptorOrStream(
        { openSeekableDescriptor(uri) },
        { fd -> shareSafe.cleanFd(fd, output, cancel) },
        {
            try {
                copySharedToFile(uri, scratch)
                shareSafe.cleanFile(scratch, output, cancel)
            } finally {
                scratch.delete()
            }
        },
    )
}

/**
 * The face model from the app's assets as a file: the core's detector (tract) loads models from
 * a path and an asset is not a file, so it is copied once into noBackupFilesDir (re-creatable,
 * kept out of backups) and reused after that.
 */
suspend fun Context.installedFaceModel(): File = withContext(Dispatchers.IO) {
    val target = File(noBackupFilesDir, FaceModel.ASSET_NAME)
    val length = try {
        assets.openFd(FaceModel.ASSET_NAME).use { it.length }.takeIf { it >= 0 }
    } catch (e: IOException) {
        null // a compressed asset has no descriptor; the copy's own checks still apply
    }
    FaceModel.installOnce(target, length) { assets.open(FaceModel.ASSET_NAME) }
}

/** True when the parent allowed ShareSafe to see where their photos were taken (ACCESS_MEDIA_LOCATION). */
fun Context.mayReadOriginalLocation(): Boolean =
    checkSelfPermission(Manifest.permission.ACCESS_MEDIA_LOCATION) == PackageManager.PERMISSION_GRANTED

/**
 * The URI of the original, unredacted bytes of a MediaStore item, or null when that is not
 * possible (no permission, not a MediaStore URI, or the provider refuses). Use it only to inspect
 * and show what the original carried; always clean what was shared.
 */
fun Context.originalUriOrNull(uri: Uri): Uri? {
    if (!mayReadOriginalLocation() || uri.authority != MediaStore.AUTHORITY) return null
    return try {
        MediaStore.setRequireOriginal(uri)
    } catch (e: UnsupportedOperationException) {
        null
    } catch (e: SecurityException) {
        null
    }
}
