// Why this exists: clean copies live in the app's cache only as long as the receiving app needs
// to read them, and copies of originals (made for a batch) only as long as the clean takes. Each
// share gets its own session directory; a session is deleted when the parent comes back to
// ShareSafe after forwarding or leaves without sharing, and every start sweeps away sessions
// older than an hour (the app may have been killed in between).
package org.sharesafe.app

import android.content.Context
import java.io.File
import java.util.UUID

/** One share's directories under the app cache. */
class CleanSession private constructor(
    /** Clean copies, shareable through the FileProvider (res/xml/file_paths.xml: cache/clean/). */
    val cleanDir: File,
    /** Copies of shared originals that were too large to read into memory; never shared. */
    val incomingDir: File,
) {
    /** Deletes both directories and everything in them. */
    fun delete() {
        cleanDir.deleteRecursively()
        incomingDir.deleteRecursively()
    }

    companion object {
        /** Sessions older than this are removed at the next start. */
        const val MAX_AGE_MILLIS: Long = 60 * 60 * 1000

        /** Subdirectory of the cache that file_paths.xml exposes. */
        const val CLEAN_SUBDIR = "clean"

        /** Subdirectory of the cache for originals; not exposed. */
        const val INCOMING_SUBDIR = "incoming"

        /** A fresh session with empty directories. */
        fun create(context: Context): CleanSession {
            val id = UUID.randomUUID().toString()
            val clean = File(File(context.cacheDir, CLEAN_SUBDIR), id)
            val incoming = File(File(context.cacheDir, INCOMING_SUBDIR), id)
            check(clean.mkdirs() && incoming.mkdirs()) { "could not create the cache directories" }
            return CleanSession(clean, incoming)
        }

        /** Removes sessions older than [MAX_AGE_MILLIS]. */
        fun sweep(context: Context, now: Long = System.currentTimeMillis()) {
            for (sub in listOf(CLEAN_SUBDIR, INCOMING_SUBDIR)) {
                File(context.cacheDir, sub).listFiles()?.forEach { session ->
                    if (now - session.lastModified() > MAX_AGE_MILLIS) session.deleteRecursively()
                }
            }
        }
    }
}
