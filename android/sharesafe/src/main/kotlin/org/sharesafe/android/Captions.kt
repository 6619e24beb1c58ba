// Why this exists: the caption box checks what the parent types as they type it, so the check is a
// plain function (the core answers in well under a millisecond). Its dictionaries of place names,
// first names and schools take ~20 ms to load; the app preloads them at start-up, off the main
// thread, so the first keystroke does not pay for it.
package org.sharesafe.android

import kotlinx.coroutines.CoroutineDispatcher
import kotlinx.coroutines.Dispatchers
import kotlinx.coroutines.withContext
import org.sharesafe.ffi.CaptionCheck
import org.sharesafe.ffi.CaptionSeverity
import org.sharesafe.ffi.PrivacyReport
import org.sharesafe.ffi.PrivacyTip

/** Caption checks and tips. */
object Captions {
    /** Loads the caption dictionaries once (later calls return at once); call at app start. */
    suspend fun preload(dispatcher: CoroutineDispatcher = Dispatchers.IO) =
        withContext(dispatcher) { org.sharesafe.ffi.preloadCaptionDictionaries() }

    /**
     * Checks [text] for what makes a child findable (names with ages, schools, places, routines,
     * searchable hashtags). [locale] is a hint ("fr"); null lets the core detect the language.
     */
    fun check(text: String, locale: String? = null): CaptionCheck = org.sharesafe.ffi.checkCaption(text, locale)

    /** Tips for this photo and caption, in [language] (one of [CORE_LANGUAGES]). */
    fun tipsFor(report: PrivacyReport?, caption: CaptionCheck?, language: String = coreLanguage()): List<PrivacyTip> =
        org.sharesafe.ffi.tipsFor(report, caption, language)

    /** Every tip, for the tips screen, in [language]. */
    fun allTips(language: String = coreLanguage()): List<PrivacyTip> = org.sharesafe.ffi.allTips(language)

    /** Severities in order of seriousness, for colouring. */
    val SEVERITIES: List<CaptionSeverity> = listOf(CaptionSeverity.HIGH, CaptionSeverity.MEDIUM, CaptionSeverity.LOW)
}
