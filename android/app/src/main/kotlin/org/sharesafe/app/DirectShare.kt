// Why this exists: to appear in the top (Direct Share) row of the share sheet, an app publishes
// dynamic sharing shortcuts whose category matches a <share-target> in res/xml/shortcuts.xml.
// No API pins an app to the top; the system ranks shortcuts by use, so ShareSafe reports each
// use with pushDynamicShortcut. Two targets: "Clean for Instagram" and "Clean and share".
package org.sharesafe.app

import android.content.Context
import android.content.Intent
import androidx.core.content.pm.ShortcutInfoCompat
import androidx.core.content.pm.ShortcutManagerCompat
import androidx.core.graphics.drawable.IconCompat

/** The sharing shortcuts ShareSafe publishes. */
object DirectShare {
    /** Matches the category of the `<share-target>` in res/xml/shortcuts.xml. */
    const val SHARE_CATEGORY = "org.sharesafe.app.category.CLEAN_AND_SHARE"

    /** The shortcut that preselects Instagram on the review screen. */
    const val INSTAGRAM_SHORTCUT_ID = "clean_for_instagram"

    /** The shortcut that cleans and then offers every app. */
    const val ANY_APP_SHORTCUT_ID = "clean_and_share"

    /** Publishes (or refreshes) both shortcuts; cheap, call at every start. */
    fun publish(context: Context) {
        val icon = IconCompat.createWithResource(context, R.drawable.ic_sharesafe)
        for ((id, label) in listOf(
            INSTAGRAM_SHORTCUT_ID to R.string.shortcut_instagram,
            ANY_APP_SHORTCUT_ID to R.string.shortcut_any_app,
        )) {
            val shortcut = ShortcutInfoCompat.Builder(context, id)
                .setShortLabel(context.getString(label))
                .setIcon(icon)
                .setCategories(setOf(SHARE_CATEGORY))
                .setLongLived(true)
                .setIntent(Intent(Intent.ACTION_DEFAULT, null, context, ShareTargetActivity::class.java))
                .build()
            ShortcutManagerCompat.pushDynamicShortcut(context, shortcut)
        }
    }
}
