// Why this exists: what a cleaned file cannot fix (the picture itself, the caption, the account's
// settings) is up to the parent; these tips say what to look at before posting. They come from the
// core (all_tips) in the parent's language, so every app shows the same advice.
package org.sharesafe.app

import android.os.Bundle
import androidx.activity.ComponentActivity
import org.sharesafe.android.Captions
import org.sharesafe.android.coreLanguage

/** The tips screen. */
class TipsActivity : ComponentActivity() {
    override fun onCreate(savedInstanceState: Bundle?) {
        super.onCreate(savedInstanceState)
        val screen = columnScreen()
        screen.heading(getString(R.string.tips_title))
        for (tip in Captions.allTips(coreLanguage())) {
            screen.text(tip.title, 18f)
            screen.text(tip.text)
        }
    }
}
