// COMPILE-ONLY STUB of AndroidX (see android/stubs/README.md): only the signatures ShareSafe uses. Never shipped; every body throws.
package androidx.core.content.pm

import android.content.Context
import android.content.Intent
import androidx.core.graphics.drawable.IconCompat

class ShortcutInfoCompat private constructor() {
    class Builder(context: Context, id: String) {
        fun setShortLabel(shortLabel: CharSequence): Builder = throw android.Stub()
        fun setIcon(icon: IconCompat?): Builder = throw android.Stub()
        fun setCategories(categories: Set<String>): Builder = throw android.Stub()
        fun setLongLived(longLived: Boolean): Builder = throw android.Stub()
        fun setIntent(intent: Intent): Builder = throw android.Stub()
        fun build(): ShortcutInfoCompat = throw android.Stub()
    }
}

object ShortcutManagerCompat {
    @JvmStatic
    fun pushDynamicShortcut(context: Context, shortcut: ShortcutInfoCompat): Boolean = throw android.Stub()
}
