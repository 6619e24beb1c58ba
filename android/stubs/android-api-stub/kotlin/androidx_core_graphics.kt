// COMPILE-ONLY STUB of AndroidX (see android/stubs/README.md): only the signatures ShareSafe uses. Never shipped; every body throws.
package androidx.core.graphics.drawable

import android.content.Context

class IconCompat private constructor() {
    companion object {
        @JvmStatic
        fun createWithResource(context: Context, resId: Int): IconCompat = throw android.Stub()
    }
}
