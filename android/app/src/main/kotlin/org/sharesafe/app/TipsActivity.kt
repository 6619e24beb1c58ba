// Why this exists: what a cleaned file cannot fix (the picture itself, the caption, the account's
// settings) is up to the parent; these tips say what to look at before posting.
package org.sharesafe.app

import android.os.Bundle
import androidx.activity.ComponentActivity

/** The tips screen. */
class TipsActivity : ComponentActivity() {
    override fun onCreate(savedInstanceState: Bundle?) {
        super.onCreate(savedInstanceState)
        val screen = columnScreen()
        screen.heading(getString(R.string.tips_title))
        for (tip in TIPS) screen.text("• " + getString(tip))
    }

    private companion object {
        val TIPS = listOf(
            R.string.tip_background,
            R.string.tip_uniform,
            R.string.tip_caption,
            R.string.tip_timing,
            R.string.tip_audience,
            R.string.tip_faces,
        )
    }
}
