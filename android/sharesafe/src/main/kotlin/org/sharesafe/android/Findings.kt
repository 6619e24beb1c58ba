// Why this exists: the review screen tells a parent, in plain words, what the photo gave away. The
// core's report lists every marker, chunk and box; a parent needs one line per kind of
// information ("camera, time and location", "names and places"), how much of it there was, and
// whether it goes. This groups the report that way; the app turns each kind into its own words.
package org.sharesafe.android

import org.sharesafe.ffi.CleanReport
import org.sharesafe.ffi.PartAction
import org.sharesafe.ffi.PartKind

/** One kind of information the photo carried that the clean does not pass on as it was. */
data class Finding(
    /** What the information is. */
    val kind: PartKind,
    /** How many markers, chunks or boxes held it. */
    val parts: Int,
    /** Their total size in bytes. */
    val bytes: Long,
    /** True when the clean removes it all; false when it keeps a minimal rewritten form (orientation). */
    val removed: Boolean,
)

/** Kinds the picture needs to look the same; they are never findings. */
private val PICTURE_KINDS = setOf(PartKind.STRUCTURE, PartKind.IMAGE_DATA, PartKind.COLOUR, PartKind.ORIENTATION)

/**
 * The findings of this report, one per kind of information, in the order first met in the file.
 * Empty when the photo carried nothing but the picture. A kind both removed and rewritten (EXIF
 * reduced to its orientation) counts as removed: nothing of it but the orientation goes on.
 */
fun CleanReport.findings(): List<Finding> {
    val byKind = LinkedHashMap<PartKind, Finding>()
    for (part in parts) {
        if (part.action == PartAction.KEPT || part.kind in PICTURE_KINDS) continue
        val removed = part.action == PartAction.REMOVED
        val before = byKind[part.kind]
        byKind[part.kind] = if (before == null) {
            Finding(part.kind, 1, part.length.toLong(), removed)
        } else {
            before.copy(parts = before.parts + 1, bytes = before.bytes + part.length.toLong(), removed = before.removed || removed)
        }
    }
    return byKind.values.toList()
}

/** True when the clean leaves the picture's rotation in place (a rotated or mirrored photo). */
val CleanReport.keepsOrientation: Boolean get() = orientation != null

/** Bytes that do not go on to the receiving app. */
val CleanReport.bytesRemoved: Long get() = (inputBytes.toLong() - outputBytes.toLong()).coerceAtLeast(0)
