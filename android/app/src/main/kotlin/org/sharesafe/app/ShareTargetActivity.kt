// Why this exists: this is what the parent sees after sharing photos to ShareSafe (or tapping
// ShareSafe's Direct Share target). Each shared item is cleaned as soon as it arrives (through its
// file descriptor when the provider gives one): an item that cannot be cleaned is never passed on
// (fail closed), and the share buttons only ever hand over verified clean copies. The review
// screen shows, per item, the privacy report grouped by severity in the parent's language, "your
// phone already hid the location" when it did, the photo with a box and a toggle per detected
// face (all hidden by default), then the caption box with its risky words highlighted, the safer
// caption one tap away, and tips for this photo and caption. "Share" redacts the faces still
// ticked (clean + redact in one verified step), records the fingerprint of what left and where,
// and forwards the copy through the FileProvider.
package org.sharesafe.app

import android.Manifest
import android.content.Intent
import android.graphics.Color
import android.net.Uri
import android.os.Bundle
import android.text.Editable
import android.text.Spanned
import android.text.TextWatcher
import android.text.style.BackgroundColorSpan
import android.widget.CheckBox
import android.widget.EditText
import android.widget.LinearLayout
import androidx.activity.ComponentActivity
import androidx.activity.result.contract.ActivityResultContracts
import androidx.core.content.IntentCompat
import androidx.lifecycle.lifecycleScope
import kotlinx.coroutines.launch
import org.sharesafe.android.Captions
import org.sharesafe.android.FaceSelection
import org.sharesafe.android.ShareSafe
import org.sharesafe.android.StreamLimits
import org.sharesafe.android.StreamTooLargeException
import org.sharesafe.android.bySeverity
import org.sharesafe.android.coreLanguage
import org.sharesafe.android.content.cleanToFile
import org.sharesafe.android.content.declaredSize
import org.sharesafe.android.content.mayReadOriginalLocation
import org.sharesafe.android.content.originalUriOrNull
import org.sharesafe.android.content.privacyReport
import org.sharesafe.android.content.readSharedBytes
import org.sharesafe.android.distinctById
import org.sharesafe.android.hasSaferCaption
import org.sharesafe.android.highlights
import org.sharesafe.ffi.CaptionCheck
import org.sharesafe.ffi.CaptionSeverity
import org.sharesafe.ffi.CleanReport
import org.sharesafe.ffi.FileFormat
import org.sharesafe.ffi.PrivacyReport
import org.sharesafe.ffi.ShareSafeException
import java.io.File
import java.io.IOException

/** One shared item after cleaning. */
sealed class CleanedItem {
    /**
     * Cleaned and verified: [file] is the clean copy in the session's clean directory, [privacy]
     * what the shared file gave away, [faces] the detected faces and the parent's choice (null for
     * videos, or when faces could not be checked), [original] the report of the original when the
     * parent allowed ShareSafe to read it (only shown, never shared).
     */
    data class Clean(
        val uri: Uri,
        val file: File,
        val report: CleanReport,
        val privacy: PrivacyReport?,
        val faces: FaceSelection?,
        val facesChecked: Boolean,
        val sharedBefore: Int,
        val original: PrivacyReport? = null,
    ) : CleanedItem()

    /** Not cleaned, so it will not be shared; [reason] is a string resource. */
    data class Refused(val reason: Int) : CleanedItem()
}

/** The share target and review screen. */
class ShareTargetActivity : ComponentActivity() {
    private val shareSafe = ShareSafe()
    private lateinit var session: CleanSession
    private var forwarded = false
    private var items: List<CleanedItem> = emptyList()
    private var caption: CaptionCheck? = null

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
            AppLibrary.preloadCaptions()
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
     * Cleans one shared item into the session (by file descriptor, or a bounded copy for providers
     * without one), then reads what it gave away and, for photos, finds the faces. Output names
     * never come from the source (they could carry a name or a date).
     */
    private suspend fun cleanOne(uri: Uri, index: Int): CleanedItem = try {
        val staged = File(session.cleanDir, "sharesafe-${index + 1}.partial")
        val scratch = File(session.incomingDir, "incoming-${index + 1}")
        val report = contentResolver.cleanToFile(uri, staged, scratch, shareSafe)
        val out = File(session.cleanDir, "sharesafe-${index + 1}.${report.extension}")
        if (!staged.renameTo(out)) throw IOException("could not name the clean copy")
        val privacy = try {
            contentResolver.privacyReport(uri, shareSafe)
        } catch (e: ShareSafeException) {
            null // the clean succeeded and was verified; only the explanation is missing
        }
        var faces: FaceSelection? = null
        var facesChecked = false
        var sharedBefore = 0
        if (isPhoto(report.format)) {
            val detector = AppLibrary.faces(this)
            val size = contentResolver.declaredSize(uri)
            if (detector != null && (size == null || size <= StreamLimits.MAX_IN_MEMORY_BYTES)) {
                try {
                    faces = FaceSelection(detector.detect(contentResolver.readSharedBytes(uri)))
                    facesChecked = true
                } catch (e: ShareSafeException) {
                    facesChecked = false
                } catch (e: StreamTooLargeException) {
                    facesChecked = false
                }
            }
            sharedBefore = try {
                AppLibrary.ledger(this).sharedBefore(out.readBytes()).size
            } catch (e: ShareSafeException) {
                0
            }
        }
        CleanedItem.Clean(uri, out, report, privacy, faces, facesChecked, sharedBefore)
    } catch (e: ShareSafeException) {
        CleanedItem.Refused(refusalText(e))
    } catch (e: StreamTooLargeException) {
        CleanedItem.Refused(R.string.refused_too_large)
    } catch (e: IOException) {
        CleanedItem.Refused(R.string.refused_unreadable)
    } catch (e: SecurityException) {
        CleanedItem.Refused(R.string.refused_unreadable)
    }

    private fun isPhoto(format: FileFormat): Boolean = format != FileFormat.MP4 && format != FileFormat.MOV

    /**
     * What the original carried, read with setRequireOriginal when the parent allowed
     * ACCESS_MEDIA_LOCATION; null otherwise. Only shown, never shared: the shared copy is what
     * gets cleaned.
     */
    private suspend fun inspectOriginal(uri: Uri): PrivacyReport? {
        val original = originalUriOrNull(uri) ?: return null
        return try {
            contentResolver.privacyReport(original, shareSafe)
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
            if (items.size > 1) screen.heading(getString(R.string.item_title, index + 1))
            when (item) {
                is CleanedItem.Clean -> describe(screen, item)
                is CleanedItem.Refused -> screen.text(getString(item.reason))
            }
        }
        val hidden = clean.any { it.privacy?.locationAlreadyHidden == true }
        if (hidden && !mayReadOriginalLocation()) {
            screen.text(getString(R.string.location_original_offer))
            screen.button(getString(R.string.show_original_location)) {
                askMediaLocation.launch(Manifest.permission.ACCESS_MEDIA_LOCATION)
            }
        }
        val tips = LinearLayout(this).apply { orientation = LinearLayout.VERTICAL }
        val photoForTips = tipsReport(clean.firstOrNull())
        val box = captionBox(screen) { check -> showTips(tips, photoForTips, check) }
        screen.heading(getString(R.string.tips_for_photo))
        screen.addView(tips)
        showTips(tips, photoForTips, caption)
        if (clean.isEmpty()) {
            screen.text(getString(R.string.nothing_to_share))
            return
        }
        val instagram = screen.button(getString(R.string.share_to_instagram)) { share(Destination.INSTAGRAM, box) }
        screen.button(getString(R.string.share_to_other_app)) { share(Destination.ANY_APP, box) }
        if (preferInstagram) instagram.requestFocus()
    }

    private fun describe(screen: LinearLayout, item: CleanedItem.Clean) {
        val privacy = item.privacy
        if (privacy == null || privacy.findings.isEmpty()) {
            screen.text(getString(R.string.nothing_found))
        } else {
            if (privacy.locationAlreadyHidden) screen.text(getString(R.string.location_hidden_by_phone))
            for ((severity, findings) in privacy.bySeverity()) {
                screen.text(getString(severityHeading(severity)), 18f)
                for (finding in findings) {
                    screen.text("• " + findingTitle(finding))
                    screen.text(findingExplanation(finding), 14f)
                    // The value is the parent's own data, shown to them only; never logged.
                    if (finding.value.isNotBlank()) screen.text(getString(R.string.finding_value, finding.value), 14f)
                    screen.text(getString(if (finding.removedByClean) R.string.finding_removed else R.string.finding_kept), 14f)
                }
            }
        }
        if (item.report.orientation != null) screen.text(getString(R.string.orientation_kept))
        if (item.sharedBefore > 0) screen.text(getString(R.string.shared_before, item.sharedBefore))
        val original = item.original
        if (original != null) {
            screen.text(getString(R.string.original_carried))
            for (finding in original.findings) screen.text("• " + findingTitle(finding) + ": " + finding.value)
        }
        showFaces(screen, item)
    }

    /** The preview with face boxes and one toggle per face; ticked (the default) means hidden. */
    private fun showFaces(screen: LinearLayout, item: CleanedItem.Clean) {
        if (!isPhoto(item.report.format)) return
        screen.heading(getString(R.string.faces_title))
        val selection = item.faces
        if (selection == null || !item.facesChecked) {
            screen.text(getString(R.string.faces_unavailable))
            return
        }
        if (selection.detection.faces.isEmpty()) {
            screen.text(getString(R.string.faces_none))
            return
        }
        screen.text(getString(R.string.faces_found, selection.detection.faces.size))
        val preview = try {
            decodePreview(item.file.readBytes(), item.report.orientation?.toInt())
        } catch (e: IOException) {
            null
        }
        val boxes = preview?.let { FaceBoxView(this, it, selection) }
        if (boxes != null) screen.addView(boxes)
        for (face in selection.detection.faces) {
            val toggle = CheckBox(this)
            toggle.text = getString(R.string.face_toggle, face.index.toInt() + 1)
            toggle.isChecked = selection.isHidden(face)
            toggle.setOnCheckedChangeListener { _, checked ->
                selection.setHidden(face, checked)
                boxes?.invalidate()
            }
            screen.addView(toggle)
        }
    }

    /**
     * The caption box: every change is checked (under a millisecond, so on the main thread), the
     * risky words are highlighted by their UTF-16 spans, the reasons listed below, and the safer
     * caption is one tap away (it replaces the text and goes to the clipboard, since Instagram
     * ignores captions sent by other apps).
     */
    private fun captionBox(screen: LinearLayout, onChecked: (CaptionCheck?) -> Unit): EditText {
        screen.heading(getString(R.string.caption_label))
        val box = EditText(this)
        box.hint = getString(R.string.caption_hint)
        screen.addView(box)
        val warnings = LinearLayout(this).apply { orientation = LinearLayout.VERTICAL }
        screen.addView(warnings)
        screen.text(getString(R.string.caption_instagram_clipboard), 14f)
        box.addTextChangedListener(object : TextWatcher {
            override fun beforeTextChanged(s: CharSequence, start: Int, count: Int, after: Int) = Unit
            override fun onTextChanged(s: CharSequence, start: Int, before: Int, count: Int) = Unit
            override fun afterTextChanged(s: Editable) {
                val text = s.toString()
                val check = if (text.isBlank()) null else Captions.check(text, coreLanguage())
                caption = check
                highlight(s, text, check)
                showWarnings(warnings, box, text, check)
                onChecked(check)
            }
        })
        return box
    }

    private fun highlight(editable: Editable, text: String, check: CaptionCheck?) {
        for (span in editable.getSpans(0, editable.length, BackgroundColorSpan::class.java)) editable.removeSpan(span)
        for (h in check?.highlights(text).orEmpty()) {
            editable.setSpan(BackgroundColorSpan(severityColour(h.severity)), h.start, h.end, Spanned.SPAN_EXCLUSIVE_EXCLUSIVE)
        }
    }

    private fun showWarnings(container: LinearLayout, box: EditText, text: String, check: CaptionCheck?) {
        container.removeAllViews()
        if (check == null) return
        if (check.warnings.isEmpty()) {
            container.text(getString(R.string.caption_ok), 14f)
            return
        }
        for (w in check.warnings) container.text("• \u201C" + w.text + "\u201D: " + w.reason, 14f)
        for (c in check.combined) container.text("• " + c.reason, 14f)
        if (check.hasSaferCaption(text)) {
            container.text(getString(R.string.caption_safer, check.saferCaption), 14f)
            container.button(getString(R.string.caption_use_safer)) {
                box.setText(check.saferCaption)
                copyCaptionToClipboard(this, check.saferCaption)
                container.text(getString(R.string.caption_copied), 14f)
            }
        }
    }

    private fun severityColour(severity: CaptionSeverity): Int = when (severity) {
        CaptionSeverity.HIGH -> Color.argb(110, 229, 57, 53)
        CaptionSeverity.MEDIUM -> Color.argb(110, 251, 140, 0)
        CaptionSeverity.LOW -> Color.argb(90, 253, 216, 53)
    }

    /**
     * The report the tips are chosen from. Faces found by the detector count as the "faces" signal
     * (the core's report only knows faces tagged in the metadata), so the face tip shows for them too.
     */
    private fun tipsReport(item: CleanedItem.Clean?): PrivacyReport? {
        if (item == null) return null
        val privacy = item.privacy ?: return null
        val facesSeen = item.faces?.detection?.faces?.isNotEmpty() == true
        return if (facesSeen && FACES_SIGNAL !in privacy.signals) privacy.copy(signals = privacy.signals + FACES_SIGNAL) else privacy
    }

    private fun showTips(container: LinearLayout, privacy: PrivacyReport?, check: CaptionCheck?) {
        container.removeAllViews()
        for (tip in Captions.tipsFor(privacy, check, coreLanguage()).distinctById()) {
            container.text(tip.title, 16f)
            container.text(tip.text, 14f)
        }
    }

    /**
     * Hides the faces still ticked (clean + redact in one verified step from the shared original),
     * or takes the clean copy as it is, records each photo's fingerprint with the destination, and
     * forwards. An item whose redaction fails is not shared at all: the parent asked for those
     * faces to be hidden, so the unredacted copy must not go instead.
     */
    private fun share(destination: Destination, box: EditText) {
        val text = box.text.toString().trim()
        lifecycleScope.launch {
            val status = columnScreen().text(getString(R.string.preparing))
            val files = mutableListOf<Pair<File, String>>()
            val refused = mutableListOf<Int>()
            items.forEachIndexed { index, item ->
                if (item !is CleanedItem.Clean) return@forEachIndexed
                try {
                    files += outgoing(item, index)
                } catch (e: ShareSafeException) {
                    refused += refusalText(e)
                } catch (e: StreamTooLargeException) {
                    refused += R.string.refused_too_large
                } catch (e: IOException) {
                    refused += R.string.refused_unreadable
                } catch (e: SecurityException) {
                    refused += R.string.refused_unreadable
                }
            }
            if (files.isEmpty()) {
                status.text = refused.joinToString("\n") { getString(it) }.ifEmpty { getString(R.string.nothing_to_share) }
                return@launch
            }
            val target = if (destination == Destination.INSTAGRAM && isInstagramInstalled(this@ShareTargetActivity)) INSTAGRAM_PACKAGE else CHOOSER_TARGET
            recordShared(files, target)
            if (text.isNotEmpty()) copyCaptionToClipboard(this@ShareTargetActivity, text)
            when (forwardClean(this@ShareTargetActivity, files, destination)) {
                ForwardResult.OPENED_INSTAGRAM, ForwardResult.OPENED_CHOOSER -> forwarded = true
                ForwardResult.NO_APP -> status.text = getString(R.string.no_app_to_share)
            }
        }
    }

    /** The file that leaves for [item]: a redacted copy when faces are ticked, else the clean copy. */
    private suspend fun outgoing(item: CleanedItem.Clean, index: Int): Pair<File, String> {
        val regions = item.faces?.regions().orEmpty()
        if (regions.isEmpty()) return item.file to item.report.mimeType
        // Faces were found, so the detector loaded; without it nothing with faces ticked may leave.
        val detector = AppLibrary.faces(this) ?: throw IOException("the face detector is not available")
        val redacted = detector.redact(contentResolver.readSharedBytes(item.uri), regions)
        val extension = if (redacted.report.format == item.report.format) item.report.extension else extensionOf(redacted.report.format)
        val staged = File(session.cleanDir, "sharesafe-${index + 1}-faces.partial")
        val out = File(session.cleanDir, "sharesafe-${index + 1}-faces.$extension")
        staged.writeBytes(redacted.data)
        if (!staged.renameTo(out)) {
            staged.delete()
            throw IOException("could not name the redacted copy")
        }
        return out to mimeOf(redacted.report.format)
    }

    /** Records what left and where; a photo the fingerprint cannot read (a video) is not recorded. */
    private suspend fun recordShared(files: List<Pair<File, String>>, target: String) {
        val ledger = AppLibrary.ledger(this)
        for ((file, mime) in files) {
            if (!mime.startsWith("image/")) continue
            try {
                ledger.recordShared(file, target)
            } catch (e: ShareSafeException) {
                // The share still goes: the ledger is a record for later take-down requests, not a gate.
            }
        }
    }

    private fun showOriginals() {
        lifecycleScope.launch {
            items = items.map { item ->
                if (item is CleanedItem.Clean) item.copy(original = inspectOriginal(item.uri)) else item
            }
            showReview(preferInstagram = false)
        }
    }

    private companion object {
        /** What the ledger records when the parent picked an app in the system chooser (we are not told which). */
        const val CHOOSER_TARGET = "chooser"

        /** The core's signal id for faces in the photo (report::Signal::Faces). */
        const val FACES_SIGNAL = "faces"
    }
}

/** The MIME type to declare for a file of [format]. */
fun mimeOf(format: FileFormat): String = when (format) {
    FileFormat.JPEG -> "image/jpeg"
    FileFormat.PNG -> "image/png"
    FileFormat.WEBP -> "image/webp"
    FileFormat.GIF -> "image/gif"
    FileFormat.HEIF -> "image/heif"
    FileFormat.AVIF -> "image/avif"
    FileFormat.MP4 -> "video/mp4"
    FileFormat.MOV -> "video/quicktime"
}

/** The conventional extension for a file of [format]. */
fun extensionOf(format: FileFormat): String = when (format) {
    FileFormat.JPEG -> "jpg"
    FileFormat.PNG -> "png"
    FileFormat.WEBP -> "webp"
    FileFormat.GIF -> "gif"
    FileFormat.HEIF -> "heic"
    FileFormat.AVIF -> "avif"
    FileFormat.MP4 -> "mp4"
    FileFormat.MOV -> "mov"
}

