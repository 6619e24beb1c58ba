// Why this exists: this is what the parent sees after sharing photos to ShareSafe (or tapping
// ShareSafe's Direct Share target). Each shared item is cleaned as soon as it arrives: a photo
// that cannot be cleaned is never passed on (fail closed), and the clean copy, not the original,
// is what the share buttons hand to Instagram or another app. The review screen says in plain
// words what the photo gave away, lets the parent check a caption, and forwards.
//
// Faces and the caption check: bindings/ffi does not export face detection or caption analysis
// yet. Until it does, this screen has no face toggles, and the caption box shows the general tips
// and copies the caption to the clipboard without warnings of its own.
package org.sharesafe.app

import android.Manifest
import android.content.Intent
import android.net.Uri
import android.os.Bundle
import android.widget.EditText
import android.widget.LinearLayout
import androidx.activity.ComponentActivity
import androidx.activity.result.contract.ActivityResultContracts
import androidx.core.content.IntentCompat
import androidx.lifecycle.lifecycleScope
import kotlinx.coroutines.launch
import org.sharesafe.android.Finding
import org.sharesafe.android.ShareSafe
import org.sharesafe.android.StreamLimits
import org.sharesafe.android.StreamTooLargeException
import org.sharesafe.android.content.copySharedToFile
import org.sharesafe.android.content.declaredSize
import org.sharesafe.android.content.mayReadOriginalLocation
import org.sharesafe.android.content.originalUriOrNull
import org.sharesafe.android.content.readSharedBytes
import org.sharesafe.android.findings
import org.sharesafe.android.keepsOrientation
import org.sharesafe.ffi.CleanReport
import org.sharesafe.ffi.ShareSafeException
import java.io.File
import java.io.IOException

/** One shared item after cleaning. */
sealed class CleanedItem {
    /** Cleaned and verified: [file] is the clean copy in the session's clean directory. */
    data class Clean(val file: File, val report: CleanReport, val originalFindings: List<Finding>?) : CleanedItem()

    /** Not cleaned, so it will not be shared; [reason] is a string resource. */
    data class Refused(val reason: Int) : CleanedItem()
}

/** The share target and review screen. */
class ShareTargetActivity : ComponentActivity() {
    private val shareSafe = ShareSafe()
    private lateinit var session: CleanSession
    private var forwarded = false
    private var items: List<CleanedItem> = emptyList()

    /** Asks for ACCESS_MEDIA_LOCATION, then shows what the originals carried. */
    private val askMediaLocation = registerForActivityResult(ActivityResultContracts.RequestPermission()) { granted ->
        if (granted) showOriginals()
    }

    override fun onCreate(savedInstanceState: Bundle?) {
        super.onCreate(savedInstanceState)
        CleanSession.sweep(this)
        session = CleanSession.create(this)
        val uris = sharedUris(intent)
        val preferInstagram = intent.getStringExtra(Intent.EXTRA_SHORTCUT_ID) == DirectShare.INSTAGRAM_SHORTCUT_ID
        val screen = columnScreen()
        if (uris.isEmpty()) {
            screen.text(getString(R.string.nothing_shared))
            return
        }
        screen.text(getString(R.string.cleaning, uris.size))
        lifecycleScope.launch {
            items = uris.mapIndexed { index, uri -> cleanOne(uri, index) }
            showReview(preferInstagram)
        }
    }

    override fun onRestart() {
        super.onRestart()
        // The parent came back after forwarding: the receiving app has read the clean copies.
        if (forwarded) finish()
    }

    override fun onDestroy() {
        super.onDestroy()
        if (isFinishing) session.delete()
    }

    /** The shared URIs: one for SEND, a list for SEND_MULTIPLE. */
    private fun sharedUris(intent: Intent): List<Uri> = when (intent.action) {
        Intent.ACTION_SEND ->
            listOfNotNull(IntentCompat.getParcelableExtra(intent, Intent.EXTRA_STREAM, Uri::class.java))
        Intent.ACTION_SEND_MULTIPLE ->
            IntentCompat.getParcelableArrayListExtra(intent, Intent.EXTRA_STREAM, Uri::class.java).orEmpty()
        else -> emptyList()
    }

    /**
     * Cleans one shared item into the session. Photos up to [StreamLimits.MAX_IN_MEMORY_BYTES] are
     * cleaned in memory; larger files (videos) are copied to the private cache and cleaned file to
     * file. Output names never come from the source (they could carry a name or a date).
     */
    private suspend fun cleanOne(uri: Uri, index: Int): CleanedItem = try {
        val size = contentResolver.declaredSize(uri)
        if (size != null && size > StreamLimits.MAX_IN_MEMORY_BYTES) {
            cleanLarge(uri, index)
        } else {
            try {
                val cleaned = shareSafe.cleanBytes(contentResolver.readSharedBytes(uri))
                val out = File(session.cleanDir, "sharesafe-${index + 1}.${cleaned.report.extension}")
                out.writeBytes(cleaned.bytes)
                CleanedItem.Clean(out, cleaned.report, inspectOriginal(uri))
            } catch (e: StreamTooLargeException) {
                cleanLarge(uri, index)
            }
        }
    } catch (e: ShareSafeException) {
        CleanedItem.Refused(refusalText(e))
    } catch (e: StreamTooLargeException) {
        CleanedItem.Refused(R.string.refused_too_large)
    } catch (e: IOException) {
        CleanedItem.Refused(R.string.refused_unreadable)
    } catch (e: SecurityException) {
        CleanedItem.Refused(R.string.refused_unreadable)
    }

    private suspend fun cleanLarge(uri: Uri, index: Int): CleanedItem {
        val copy = File(session.incomingDir, "incoming-${index + 1}")
        try {
            contentResolver.copySharedToFile(uri, copy)
            val report = shareSafe.inspectFile(copy)
            val out = File(session.cleanDir, "sharesafe-${index + 1}.${report.extension}")
            return CleanedItem.Clean(out, shareSafe.cleanFile(copy, out), null)
        } finally {
            copy.delete()
        }
    }

    /**
     * What the original carried, read with setRequireOriginal when the parent allowed
     * ACCESS_MEDIA_LOCATION; null otherwise. Only shown, never shared.
     */
    private suspend fun inspectOriginal(uri: Uri): List<Finding>? {
        val original = originalUriOrNull(uri) ?: return null
        return try {
            shareSafe.inspectBytes(contentResolver.readSharedBytes(original)).findings()
        } catch (e: ShareSafeException) {
            null
        } catch (e: IOException) {
            null
        } catch (e: SecurityException) {
            null
        }
    }

    private fun showReview(preferInstagram: Boolean) {
        val screen = columnScreen()
        screen.heading(getString(R.string.review_title))
        val clean = items.filterIsInstance<CleanedItem.Clean>()
        items.forEachIndexed { index, item ->
            screen.heading(getString(R.string.item_title, index + 1))
            when (item) {
                is CleanedItem.Clean -> describe(screen, item)
                is CleanedItem.Refused -> screen.text(getString(item.reason))
            }
        }
        if (!mayReadOriginalLocation()) {
            screen.text(getString(R.string.location_already_hidden))
            screen.button(getString(R.string.show_original_location)) {
                askMediaLocation.launch(Manifest.permission.ACCESS_MEDIA_LOCATION)
            }
        }
        val caption = captionBox(screen)
        if (clean.isEmpty()) {
            screen.text(getString(R.string.nothing_to_share))
            return
        }
        val files = clean.map { it.file to it.report.mimeType }
        val instagram = screen.button(getString(R.string.share_to_instagram)) { forward(files, Destination.INSTAGRAM, caption) }
        screen.button(getString(R.string.share_to_other_app)) { forward(files, Destination.ANY_APP, caption) }
        if (preferInstagram) instagram.requestFocus()
    }

    private fun describe(screen: LinearLayout, item: CleanedItem.Clean) {
        val found = item.report.findings()
        if (found.isEmpty()) {
            screen.text(getString(R.string.nothing_found))
        } else {
            screen.text(getString(R.string.found_and_removed))
            for (finding in found) screen.text("• " + getString(findingText(finding.kind)))
        }
        if (item.report.keepsOrientation) screen.text(getString(R.string.orientation_kept))
        val original = item.originalFindings
        if (original != null) {
            screen.text(getString(R.string.original_carried))
            for (finding in original) screen.text("• " + getString(findingText(finding.kind)))
        }
    }

    private fun captionBox(screen: LinearLayout): EditText {
        screen.heading(getString(R.string.caption_label))
        val box = EditText(this)
        box.hint = getString(R.string.caption_hint)
        screen.addView(box)
        screen.text(getString(R.string.caption_tips))
        screen.text(getString(R.string.caption_instagram_clipboard))
        return box
    }

    private fun forward(files: List<Pair<File, String>>, destination: Destination, caption: EditText) {
        val text = caption.text.toString().trim()
        if (text.isNotEmpty()) copyCaptionToClipboard(this, text)
        when (forwardClean(this, files, destination)) {
            ForwardResult.OPENED_INSTAGRAM, ForwardResult.OPENED_CHOOSER -> forwarded = true
            ForwardResult.NO_APP -> columnScreen().text(getString(R.string.no_app_to_share))
        }
    }

    private fun showOriginals() {
        val uris = sharedUris(intent)
        lifecycleScope.launch {
            items = items.mapIndexed { index, item ->
                if (item is CleanedItem.Clean && index < uris.size) item.copy(originalFindings = inspectOriginal(uris[index])) else item
            }
            showReview(preferInstagram = false)
        }
    }
}
