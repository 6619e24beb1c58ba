// Why this exists: the launcher screen. It says what ShareSafe does, opens the batch screen and
// the tips, publishes the Direct Share targets, and preloads the caption dictionaries (~20 ms)
// off the main thread so the caption box answers at the first keystroke.
package org.sharesafe.app

import android.content.Intent
import android.os.Bundle
import androidx.activity.ComponentActivity
import androidx.lifecycle.lifecycleScope
import kotlinx.coroutines.launch

/** ShareSafe's home screen. */
class MainActivity : ComponentActivity() {
    override fun onCreate(savedInstanceState: Bundle?) {
        super.onCreate(savedInstanceState)
        CleanSession.sweep(this)
        DirectShare.publish(this)
        lifecycleScope.launch { AppLibrary.preloadCaptions() }
        val screen = columnScreen()
        screen.heading(getString(R.string.app_name))
        screen.text(getString(R.string.home_intro))
        screen.button(getString(R.string.batch_title)) { startActivity(Intent(this, BatchActivity::class.java)) }
        screen.button(getString(R.string.tips_title)) { startActivity(Intent(this, TipsActivity::class.java)) }
    }
}
