// Why this exists: the parent decides which faces to hide by seeing them. This view shows a small
// preview of the photo, turned the way it is displayed (the detector's coordinates are in that
// space), with a numbered box on each detected face: filled when the face will be hidden, outlined
// when the parent chose to leave it visible. The toggles next to it change the selection; the
// view only draws it. The preview is decoded at a reduced size so it costs a few megabytes, not
// the full photo.
package org.sharesafe.app

import android.content.Context
import android.graphics.Bitmap
import android.graphics.BitmapFactory
import android.graphics.Canvas
import android.graphics.Color
import android.graphics.Matrix
import android.graphics.Paint
import android.graphics.RectF
import android.view.View
import org.sharesafe.android.FaceSelection

/** Longest side of the preview bitmap, in pixels. */
const val PREVIEW_MAX_SIDE: Int = 1080

/**
 * A preview of [photo] at most [maxSide] pixels on its longest side, turned by the EXIF
 * [orientation] (1–8; null or 1: as stored), or null when Android cannot decode it.
 */
fun decodePreview(photo: ByteArray, orientation: Int?, maxSide: Int = PREVIEW_MAX_SIDE): Bitmap? {
    val bounds = BitmapFactory.Options()
    bounds.inJustDecodeBounds = true
    BitmapFactory.decodeByteArray(photo, 0, photo.size, bounds)
    if (bounds.outWidth <= 0 || bounds.outHeight <= 0) return null
    var sample = 1
    while (maxOf(bounds.outWidth, bounds.outHeight) / (sample * 2) >= maxSide) sample *= 2
    val options = BitmapFactory.Options()
    options.inSampleSize = sample
    val stored = BitmapFactory.decodeByteArray(photo, 0, photo.size, options) ?: return null
    val matrix = orientationMatrix(orientation ?: 1) ?: return stored
    val turned = Bitmap.createBitmap(stored, 0, 0, stored.width, stored.height, matrix, true)
    if (turned != stored) stored.recycle()
    return turned
}

/** The transform from stored to displayed pixels for an EXIF orientation; null for "as stored". */
fun orientationMatrix(orientation: Int): Matrix? {
    val m = Matrix()
    when (orientation) {
        2 -> m.setScale(-1f, 1f)
        3 -> m.setRotate(180f)
        4 -> { m.setRotate(180f); m.postScale(-1f, 1f) }
        5 -> { m.setRotate(90f); m.postScale(-1f, 1f) }
        6 -> m.setRotate(90f)
        7 -> { m.setRotate(-90f); m.postScale(-1f, 1f) }
        8 -> m.setRotate(-90f)
        else -> return null
    }
    return m
}

/** The photo preview with a box per detected face. */
class FaceBoxView(context: Context, private val preview: Bitmap, private val selection: FaceSelection) : View(context) {
    private val hiddenPaint = Paint().apply {
        style = Paint.Style.FILL
        color = Color.argb(220, 20, 20, 20)
    }
    private val visiblePaint = Paint().apply {
        style = Paint.Style.STROKE
        strokeWidth = 4f * context.resources.displayMetrics.density
        color = Color.rgb(255, 196, 0)
    }
    private val labelPaint = Paint().apply {
        color = Color.WHITE
        textSize = 14f * context.resources.displayMetrics.density
    }

    override fun onMeasure(widthMeasureSpec: Int, heightMeasureSpec: Int) {
        val width = MeasureSpec.getSize(widthMeasureSpec)
        setMeasuredDimension(width, (width.toLong() * preview.height / preview.width.coerceAtLeast(1)).toInt())
    }

    override fun onDraw(canvas: Canvas) {
        super.onDraw(canvas)
        val dst = RectF(0f, 0f, width.toFloat(), height.toFloat())
        canvas.drawBitmap(preview, null, dst, null)
        val detection = selection.detection
        if (detection.width == 0u || detection.height == 0u) return
        val sx = width / detection.width.toFloat()
        val sy = height / detection.height.toFloat()
        for (face in detection.faces) {
            val box = RectF(face.x * sx, face.y * sy, (face.x + face.width) * sx, (face.y + face.height) * sy)
            canvas.drawRect(box, if (selection.isHidden(face)) hiddenPaint else visiblePaint)
            canvas.drawText((face.index + 1u).toString(), box.left + 6f, box.top + labelPaint.textSize + 4f, labelPaint)
        }
    }
}
