// Why this exists: the review screen shows the privacy report grouped by how much each finding
// matters, and the caption with its risky words highlighted. The grouping and the span arithmetic
// are plain Kotlin over the generated records, kept here so they are tested on the desktop JVM
// against the real library rather than only on a device. No privacy logic lives here: the core
// decides what is found, how severe it is and what to suggest.
package org.sharesafe.android

import org.sharesafe.ffi.CaptionCheck
import org.sharesafe.ffi.CaptionSeverity
import org.sharesafe.ffi.FindingSeverity
import org.sharesafe.ffi.PrivacyFinding
import org.sharesafe.ffi.PrivacyReport
import org.sharesafe.ffi.PrivacyTip
import java.util.Locale

/** The languages the core writes reasons and tips in; anything else falls back to English. */
val CORE_LANGUAGES: List<String> = listOf("en", "fr", "de", "nl")

/** The core language for [locale] ("fr-BE" → "fr", "pt" → "en"). */
fun coreLanguage(locale: Locale = Locale.getDefault()): String =
    locale.language.lowercase(Locale.ROOT).takeIf { it in CORE_LANGUAGES } ?: "en"

/** Severities in the order the review screen shows them. */
val SEVERITY_ORDER: List<FindingSeverity> = listOf(FindingSeverity.HIGH, FindingSeverity.MEDIUM, FindingSeverity.INFO)

/**
 * The findings grouped by severity, most severe group first, each group in the core's order; only
 * non-empty groups. The "location already hidden" finding is left out when [withoutZeroedGps]:
 * the screen says that in its own line (see [PrivacyReport.locationAlreadyHidden]).
 */
fun PrivacyReport.bySeverity(withoutZeroedGps: Boolean = true): List<Pair<FindingSeverity, List<PrivacyFinding>>> {
    val shown = if (withoutZeroedGps) findings.filter { it.id != GPS_ZEROED_ID } else findings
    return SEVERITY_ORDER.mapNotNull { severity ->
        shown.filter { it.severity == severity }.takeIf { it.isNotEmpty() }?.let { severity to it }
    }
}

/** The finding id of GPS tags that the phone already blanked. */
const val GPS_ZEROED_ID: String = "gps_zeroed"

/** One stretch of the caption to highlight, in UTF-16 units of the caption string (what Android's spans take). */
data class CaptionHighlight(
    /** First UTF-16 unit. */
    val start: Int,
    /** One past the last UTF-16 unit. */
    val end: Int,
    /** How serious the warning is (the screen picks the colour by it). */
    val severity: CaptionSeverity,
    /** The warning's reason in the report language, for the list under the box. */
    val reason: String,
)

/**
 * The warnings of this check as spans of [caption], the text that was checked. A span that does
 * not fit the text (the parent kept typing after the check) or that would split a surrogate pair
 * is left out rather than misplaced: a highlight never lands on the wrong words.
 */
fun CaptionCheck.highlights(caption: String): List<CaptionHighlight> = warnings.mapNotNull { w ->
    val start = w.utf16Start.toLong()
    val end = w.utf16End.toLong()
    if (start < 0 || end <= start || end > caption.length) return@mapNotNull null
    val s = start.toInt()
    val e = end.toInt()
    if (s > 0 && Character.isLowSurrogate(caption[s]) && Character.isHighSurrogate(caption[s - 1])) return@mapNotNull null
    if (e < caption.length && Character.isLowSurrogate(caption[e]) && Character.isHighSurrogate(caption[e - 1])) return@mapNotNull null
    CaptionHighlight(s, e, w.severity, w.reason)
}

/** True when the core suggests a different caption than the parent wrote. */
fun CaptionCheck.hasSaferCaption(caption: String): Boolean = warnings.isNotEmpty() && saferCaption != caption

/** Tip ids already listed, so a screen that adds tips from two sources shows each once. */
fun List<PrivacyTip>.distinctById(): List<PrivacyTip> = distinctBy { it.id }
