// Why this exists: a parent cleans many photos at once (before a photo book, a shared album, a
// backup). The system photo picker hands over read-only URIs without any storage permission; each
// picked item is copied into the private cache (bounded), the whole set is cleaned by the core's
// batch engine with a progress bar and a cancel button, and the clean copies are offered to any
// app through the chooser. The copies of the originals are deleted as soon as the batch ends.
package org.sharesafe.app

import android.net.Uri
import android.os.Bundle
import android.widget.ProgressBar
import android.widget.TextView
import androidx.activity.ComponentActivity
import androidx.activity.result.PickVisualMediaRequest
import androidx.activity.result.contract.ActivityResultContracts
import androidx.lifecycle.lifecycleScope
import kotlinx.coroutines.Job
import kotlinx.coroutines.launch
import org.sharesafe.android.BatchEvent
import org.sharesafe.android.ShareSafe
import org.sharesafe.android.StreamTooLargeException
import org.sharesafe.android.content.copySharedToFile
import org.sharesafe.ffi.BatchItemOutcome
import org.sharesafe.ffi.BatchSummary
import org.sharesafe.ffi.CancelHandle
import java.io.File
import java.io.IOException

/** The batch screen. */
class BatchActivity : ComponentActivity() {
    private val shareSafe = ShareSafe()
    private var session: CleanSession? = null
    private var batch: Job? = null
    private var cancel: CancelHandle? = null
    private lateinit var status: TextView
    private lateinit var progress: ProgressBar

    private val picker = registerForActivityResult(ActivityResultContracts.PickMultipleVisualMedia(MAX_ITEMS)) { uris ->
        if (uris.isNotEmpty()) start(uris)
    }

    override fun onCreate(savedInstanceState: Bundle?) {
        super.onCreate(savedInstanceState)
        CleanSession.sweep(this)
        val screen = columnScreen()
        screen.heading(getString(R.string.batch_title))
        screen.text(getString(R.string.batch_intro))
        screen.button(getString(R.string.batch_pick)) {
            picker.launch(
                PickVisualMediaRequest.Builder()
                    .setMediaType(ActivityResultContracts.PickVisualMedia.ImageAndVideo)
                    .build(),
            )
        }
        progress = ProgressBar(this, null, android.R.attr.progressBarStyleHorizontal)
        progress.max = 1
        screen.addView(progress)
        status = screen.text("")
        screen.button(getString(R.string.batch_cancel)) {
            cancel?.cancel()
            batch?.cancel()
        }
    }

    override fun onDestroy() {
        super.onDestroy()
        if (isFinishing) {
            cancel?.cancel()
            session?.delete()
        }
    }

    private fun start(uris: List<Uri>) {
        batch?.cancel()
        session?.delete()
        val current = CleanSession.create(this)
        session = current
        val handle = CancelHandle()
        cancel = handle
        progress.max = uris.size
        progress.progress = 0
        batch = lifecycleScope.launch {
            status.text = getString(R.string.batch_copying, uris.size)
            val inputs = copyIn(uris, current)
            var summary: BatchSummary? = null
            shareSafe.cleanBatch(inputs, current.cleanDir, jobs = 0, cancel = handle).collect { event ->
                when (event) {
                    is BatchEvent.Progress -> {
                        progress.progress = event.done.toInt()
                        status.text = getString(R.string.batch_progress, event.done, event.total)
                    }
                    is BatchEvent.Finished -> summary = event.summary
                }
            }
            current.incomingDir.deleteRecursively()
            summary?.let { showSummary(it, uris.size - inputs.size) }
        }
    }

    /** Copies each picked item into the private cache; an unreadable or too large one is left out. */
    private suspend fun copyIn(uris: List<Uri>, session: CleanSession): List<File> =
        uris.mapIndexedNotNull { index, uri ->
            val copy = File(session.incomingDir, "picked-${index + 1}")
            try {
                contentResolver.copySharedToFile(uri, copy)
                copy
            } catch (e: StreamTooLargeException) {
                null
            } catch (e: IOException) {
                null
            } catch (e: SecurityException) {
                null
            }
        }

    private fun showSummary(summary: BatchSummary, unreadable: Int) {
        val notCleaned = summary.refused.toInt() + summary.skipped.toInt() + unreadable
        status.text = if (summary.cancelled) {
            getString(R.string.batch_cancelled, summary.cleaned.toInt())
        } else {
            getString(R.string.batch_done, summary.cleaned.toInt(), notCleaned)
        }
        val files = summary.items.mapNotNull { item ->
            val cleaned = item.outcome as? BatchItemOutcome.Cleaned ?: return@mapNotNull null
            File(cleaned.outputPath) to cleaned.report.mimeType
        }
        if (files.isEmpty()) return
        columnScreen().apply {
            heading(getString(R.string.batch_title))
            text(status.text)
            button(getString(R.string.share_to_other_app)) { forwardClean(this@BatchActivity, files, Destination.ANY_APP) }
        }
    }

    private companion object {
        /** The photo picker's own cap on a multiple selection is the system's limit; this is ours. */
        const val MAX_ITEMS = 100
    }
}
