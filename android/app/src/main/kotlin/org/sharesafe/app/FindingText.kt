// Why this exists: the parent reads what a photo gave away in their own words and language, never
// "APP1" or "XMP". Each kind of information the core reports has one sentence in
// res/values*/strings.xml; this is the only place that maps one to the other.
package org.sharesafe.app

import org.sharesafe.ffi.FailureKind
import org.sharesafe.ffi.PartKind
import org.sharesafe.ffi.ShareSafeException

/** The plain-words sentence for a kind of information found in a photo. */
fun findingText(kind: PartKind): Int = when (kind) {
    PartKind.EXIF -> R.string.finding_exif
    PartKind.XMP -> R.string.finding_xmp
    PartKind.IPTC -> R.string.finding_iptc
    PartKind.TEXT -> R.string.finding_text
    PartKind.THUMBNAIL -> R.string.finding_thumbnail
    PartKind.MULTI_PICTURE -> R.string.finding_multi_picture
    PartKind.PROVENANCE -> R.string.finding_provenance
    PartKind.TIMESTAMP -> R.string.finding_timestamp
    PartKind.TRAILER -> R.string.finding_trailer
    PartKind.UNKNOWN -> R.string.finding_unknown
    PartKind.STRUCTURE, PartKind.IMAGE_DATA, PartKind.COLOUR, PartKind.ORIENTATION -> R.string.finding_picture
}

/** Why a file was not shared, in plain words. */
fun refusalText(kind: FailureKind): Int = when (kind) {
    FailureKind.UNSUPPORTED_FORMAT -> R.string.refused_unsupported
    FailureKind.DAMAGED -> R.string.refused_damaged
    FailureKind.TOO_LARGE -> R.string.refused_too_large
    FailureKind.CANCELLED -> R.string.refused_cancelled
    FailureKind.OUTPUT_EXISTS, FailureKind.STORAGE -> R.string.refused_storage
    FailureKind.INTERNAL -> R.string.refused_internal
}

/** The same for an exception of a single clean. */
fun refusalText(e: ShareSafeException): Int = refusalText(
    when (e) {
        is ShareSafeException.UnsupportedFormat -> FailureKind.UNSUPPORTED_FORMAT
        is ShareSafeException.Damaged -> FailureKind.DAMAGED
        is ShareSafeException.TooLarge -> FailureKind.TOO_LARGE
        is ShareSafeException.Cancelled -> FailureKind.CANCELLED
        is ShareSafeException.OutputExists -> FailureKind.OUTPUT_EXISTS
        is ShareSafeException.Storage -> FailureKind.STORAGE
        is ShareSafeException.Internal -> FailureKind.INTERNAL
    },
)
