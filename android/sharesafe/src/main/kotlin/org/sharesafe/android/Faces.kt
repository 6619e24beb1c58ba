// Why this exists: faces are found on the phone by the CenterFace model that the app ships in its
// assets. The core's detector (tract) loads a model from a file path, and an APK asset is not a
// file, so the model is copied once into app-private storage (noBackupFilesDir on Android: it is
// re-creatable and must not go into cloud backups) and loaded from there. The copy goes to a
// temporary name and is renamed into place only when complete, so a crash mid-copy never leaves a
// truncated model that would be loaded next time. Which faces to hide is the parent's choice: all
// are selected by default, and only the selected ones become redaction regions.
package org.sharesafe.android

import kotlinx.coroutines.CoroutineDispatcher
import kotlinx.coroutines.Dispatchers
import kotlinx.coroutines.withContext
import org.sharesafe.ffi.CancelHandle
import org.sharesafe.ffi.DetectedFace
import org.sharesafe.ffi.FaceDetection
import org.sharesafe.ffi.FaceDetector
import org.sharesafe.ffi.RedactRegion
import org.sharesafe.ffi.RedactedPhoto
import org.sharesafe.ffi.RedactionReport
import org.sharesafe.ffi.RedactionStyle
import java.io.File
import java.io.IOException
import java.io.InputStream

/** Installing the face model out of the app's assets. */
object FaceModel {
    /** The model's file name in the app's assets and in app-private storage. */
    const val ASSET_NAME: String = "centerface.onnx"

    /** Largest model accepted from the assets (CenterFace is ~7 MB); a bigger asset is a packaging error. */
    const val MAX_MODEL_BYTES: Long = 64L * 1024 * 1024

    /**
     * Copies the model from [openAsset] to [target] unless a complete copy of [expectedBytes] bytes
     * (the asset's length, when the packager knows it) is already there, and returns [target].
     * The copy is bounded by [MAX_MODEL_BYTES] and renamed into place only when complete.
     */
    fun installOnce(target: File, expectedBytes: Long?, openAsset: () -> InputStream): File {
        if (target.isFile && target.length() > 0 && (expectedBytes == null || target.length() == expectedBytes)) return target
        val dir = target.absoluteFile.parentFile ?: throw IOException("the model has no directory")
        if (!dir.isDirectory && !dir.mkdirs()) throw IOException("could not create the model directory")
        val partial = File(dir, target.name + ".partial")
        try {
            val copied = openAsset().use { input -> partial.outputStream().use { input.copyAtMost(it, MAX_MODEL_BYTES) } }
            if (copied == 0L || (expectedBytes != null && copied != expectedBytes)) throw IOException("the face model asset is incomplete")
            if (!partial.renameTo(target)) throw IOException("could not move the face model into place")
        } finally {
            partial.delete()
        }
        return target
    }
}

/**
 * The face detector over the model at [modelFile]. Loading takes a moment and some memory: make
 * one per process and reuse it. Close it when it is no longer needed. Redaction is done here too:
 * its last check runs this detector on the encoded output, so no face is left in a hidden region.
 */
class Faces private constructor(
    private val detector: FaceDetector,
    private val ioDispatcher: CoroutineDispatcher,
) : AutoCloseable {

    /** Faces in the photo, in displayed coordinates (EXIF orientation applied). */
    suspend fun detect(photo: ByteArray): FaceDetection = withContext(ioDispatcher) { detector.detectBytes(photo) }

    /** Like [detect] for a file. */
    suspend fun detect(file: File): FaceDetection = withContext(ioDispatcher) { detector.detectFile(file.path) }

    /**
     * Cleans the photo and hides [regions] (displayed coordinates, e.g. [FaceSelection.regions])
     * in one verified step. Fails closed: no output at all when anything fails.
     */
    suspend fun redact(
        photo: ByteArray,
        regions: List<RedactRegion>,
        style: RedactionStyle = RedactionStyle.SOLID_FILL,
        cancel: CancelHandle? = null,
    ): RedactedPhoto = withContext(ioDispatcher) { detector.redactBytes(photo, regions, style, cancel) }

    /** Like [redact] from file to the new file [output] (never overwritten); [input] is not modified. */
    suspend fun redact(
        input: File,
        output: File,
        regions: List<RedactRegion>,
        style: RedactionStyle = RedactionStyle.SOLID_FILL,
        cancel: CancelHandle? = null,
    ): RedactionReport = withContext(ioDispatcher) { detector.redactFile(input.path, output.path, regions, style, cancel) }

    override fun close() = detector.close()

    companion object {
        /** Loads the model on [ioDispatcher]; fails with `ShareSafeException` if it cannot. */
        suspend fun load(modelFile: File, ioDispatcher: CoroutineDispatcher = Dispatchers.IO): Faces =
            withContext(ioDispatcher) { Faces(FaceDetector(modelFile.path), ioDispatcher) }
    }
}

/**
 * Which detected faces the parent wants hidden. Every face starts selected ("hide"); the parent
 * unticks the ones that may stay visible.
 */
class FaceSelection(val detection: FaceDetection) {
    private val hidden: MutableSet<UInt> = detection.faces.map { it.index }.toMutableSet()

    /** True when [face] will be hidden. */
    fun isHidden(face: DetectedFace): Boolean = face.index in hidden

    /** Sets whether [face] is hidden. */
    fun setHidden(face: DetectedFace, hide: Boolean) {
        if (hide) hidden.add(face.index) else hidden.remove(face.index)
    }

    /** The faces to hide, in detection order. */
    val hiddenFaces: List<DetectedFace> get() = detection.faces.filter { it.index in hidden }

    /** The regions to redact: each hidden face's box with the core's margins (hair, ears). */
    fun regions(): List<RedactRegion> = hiddenFaces.map { org.sharesafe.ffi.faceRegion(it) }
}
