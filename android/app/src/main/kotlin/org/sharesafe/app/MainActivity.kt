// Why this exists: the launcher screen. It says what ShareSafe does, opens the batch screen and
// the tips, and publishes the Direct Share targets.
package org.sharesafe.app

import android.content.Intent
import android.os.Bundle
import androidx.activity.ComponentActivity

/** ShareSafe's home screen. */
class MainActivity : ComponentActivity() {
    override fun onCreate(savedInstanceState: Bundle?) {
        super.onCreate(savedInstanceState)
        CleanSession.sweep(this)
        DirectShare.publish(this)
        val screen = columnScreen()
        screen.heading(getString(R.string.app_name))
        screen.text(getString(R.string.home_intro))
        screen.button(getString(R.string.batch_title)) { startActivity(Intent(this, BatchActivity::class.java)) }
        screen.button(getString(R.string.tips_title)) { startActivity(Intent(this, TipsActivity::class.java)) }
    }
}
