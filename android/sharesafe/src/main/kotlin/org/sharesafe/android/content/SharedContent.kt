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
import org.sharesafe.android.StreamLimits
import org.sharesafe.android.copyAtMost
import org.sharesafe.android.readAtMost
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
