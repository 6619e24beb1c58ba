// Why this exists: the parent reads what a photo gave away in their own words and language. The
// core names every finding by a stable id (finding_ids() in the library) and ships English text as
// a fallback; each id has a title and an explanation in res/values*/strings.xml, and this table is
// the only place that maps one to the other (android/scripts/check-manifest.py checks that it
// lists every id of core/src/report/text.rs, and the host tests check every id of the real
// library has its strings in all four languages).
package org.sharesafe.app

import android.content.Context
import org.sharesafe.ffi.FailureKind
import org.sharesafe.ffi.FindingSeverity
import org.sharesafe.ffi.PrivacyFinding
import org.sharesafe.ffi.ShareSafeException

/** The string resources of one finding id. */
data class FindingStrings(val title: Int, val explanation: Int)

/** Title and explanation per finding id. */
val FINDING_STRINGS: Map<String, FindingStrings> = mapOf(
    "gps_position" to FindingStrings(R.string.finding_gps_position_title, R.string.finding_gps_position_explanation),
    "gps_zeroed" to FindingStrings(R.string.finding_gps_zeroed_title, R.string.finding_gps_zeroed_explanation),
    "gps_altitude" to FindingStrings(R.string.finding_gps_altitude_title, R.string.finding_gps_altitude_explanation),
    "place_name" to FindingStrings(R.string.finding_place_name_title, R.string.finding_place_name_explanation),
    "person_name" to FindingStrings(R.string.finding_person_name_title, R.string.finding_person_name_explanation),
    "face_regions" to FindingStrings(R.string.finding_face_regions_title, R.string.finding_face_regions_explanation),
    "facebook_fbmd" to FindingStrings(R.string.finding_facebook_fbmd_title, R.string.finding_facebook_fbmd_explanation),
    "unique_id" to FindingStrings(R.string.finding_unique_id_title, R.string.finding_unique_id_explanation),
    "serial_number" to FindingStrings(R.string.finding_serial_number_title, R.string.finding_serial_number_explanation),
    "owner_name" to FindingStrings(R.string.finding_owner_name_title, R.string.finding_owner_name_explanation),
    "author_copyright" to FindingStrings(R.string.finding_author_copyright_title, R.string.finding_author_copyright_explanation),
    "device" to FindingStrings(R.string.finding_device_title, R.string.finding_device_explanation),
    "lens" to FindingStrings(R.string.finding_lens_title, R.string.finding_lens_explanation),
    "software" to FindingStrings(R.string.finding_software_title, R.string.finding_software_explanation),
    "editing_history" to FindingStrings(R.string.finding_editing_history_title, R.string.finding_editing_history_explanation),
    "maker_note" to FindingStrings(R.string.finding_maker_note_title, R.string.finding_maker_note_explanation),
    "capture_time" to FindingStrings(R.string.finding_capture_time_title, R.string.finding_capture_time_explanation),
    "thumbnail" to FindingStrings(R.string.finding_thumbnail_title, R.string.finding_thumbnail_explanation),
    "thumbnail_differs" to FindingStrings(R.string.finding_thumbnail_differs_title, R.string.finding_thumbnail_differs_explanation),
    "extra_images" to FindingStrings(R.string.finding_extra_images_title, R.string.finding_extra_images_explanation),
    "depth_or_gain_map" to FindingStrings(R.string.finding_depth_or_gain_map_title, R.string.finding_depth_or_gain_map_explanation),
    "motion_photo_video" to FindingStrings(R.string.finding_motion_photo_video_title, R.string.finding_motion_photo_video_explanation),
    "hidden_data" to FindingStrings(R.string.finding_hidden_data_title, R.string.finding_hidden_data_explanation),
    "provenance_manifest" to FindingStrings(R.string.finding_provenance_manifest_title, R.string.finding_provenance_manifest_explanation),
    "description" to FindingStrings(R.string.finding_description_title, R.string.finding_description_explanation),
    "title" to FindingStrings(R.string.finding_title_title, R.string.finding_title_explanation),
    "keywords" to FindingStrings(R.string.finding_keywords_title, R.string.finding_keywords_explanation),
    "comment" to FindingStrings(R.string.finding_comment_title, R.string.finding_comment_explanation),
    "unreadable_metadata" to FindingStrings(R.string.finding_unreadable_metadata_title, R.string.finding_unreadable_metadata_explanation),
)

/** The finding's title in the parent's language; the core's English when an id is newer than the app. */
fun Context.findingTitle(finding: PrivacyFinding): String =
    FINDING_STRINGS[finding.id]?.let { getString(it.title) } ?: finding.title

/** The finding's explanation in the parent's language; the core's English when an id is newer than the app. */
fun Context.findingExplanation(finding: PrivacyFinding): String =
    FINDING_STRINGS[finding.id]?.let { getString(it.explanation) } ?: finding.explanation

/** The heading of a severity group. */
fun severityHeading(severity: FindingSeverity): Int = when (severity) {
    FindingSeverity.HIGH -> R.string.severity_high
    FindingSeverity.MEDIUM -> R.string.severity_medium
    FindingSeverity.INFO -> R.string.severity_info
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
