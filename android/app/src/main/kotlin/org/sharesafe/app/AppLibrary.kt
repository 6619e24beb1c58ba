// Why this exists: the face model (several megabytes once loaded) and the shared-photo ledger are
// opened once per process and shared by every screen, and the caption dictionaries are loaded
// once at start-up so the first keystroke in the caption box is instant. Opening them is
// suspendable and happens off the main thread; a Mutex keeps two screens from loading twice.
package org.sharesafe.app

import android.content.Context
import kotlinx.coroutines.sync.Mutex
import kotlinx.coroutines.sync.withLock
import org.sharesafe.android.Captions
import org.sharesafe.android.Faces
import org.sharesafe.android.SharedPhotos
import org.sharesafe.android.content.installedFaceModel
import org.sharesafe.ffi.ShareSafeException
import java.io.File
import java.io.IOException

/** Process-wide handles to the library's long-lived parts. */
object AppLibrary {
    private val lock = Mutex()
    private var faces: Faces? = null
    private var facesFailed = false
    private var ledger: SharedPhotos? = null
    private var captionsReady = false

    /** Loads the caption dictionaries once; call from every entry screen's start. */
    suspend fun preloadCaptions() {
        lock.withLock {
            if (captionsReady) return
            Captions.preload()
            captionsReady = true
        }
    }

    /**
     * The face detector, or null when the model cannot be installed or loaded (the review screen
     * then says faces were not checked; sharing still works).
     */
    suspend fun faces(context: Context): Faces? = lock.withLock {
        faces ?: if (facesFailed) {
            null
        } else {
            try {
                Faces.load(context.applicationContext.installedFaceModel()).also { faces = it }
            } catch (e: ShareSafeException) {
                facesFailed = true
                null
            } catch (e: IOException) {
                facesFailed = true
                null
            }
        }
    }

    /** The ledger of what was shared, in app-private files (never the cache, never backed up as a photo). */
    suspend fun ledger(context: Context): SharedPhotos = lock.withLock {
        ledger ?: SharedPhotos.open(File(context.applicationContext.filesDir, SharedPhotos.FILE_NAME)).also { ledger = it }
    }
}
