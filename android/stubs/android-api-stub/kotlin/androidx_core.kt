// COMPILE-ONLY STUB of AndroidX (see android/stubs/README.md): only the signatures ShareSafe uses. Never shipped; every body throws.
package androidx.core.content

import android.content.Context
import android.content.Intent
import android.net.Uri
import java.io.File

open class FileProvider {
    companion object {
        @JvmStatic
        fun getUriForFile(context: Context, authority: String, file: File): Uri = throw android.Stub()
    }
}

object IntentCompat {
    @JvmStatic
    fun <T> getParcelableExtra(intent: Intent, name: String?, clazz: Class<T>): T? = throw android.Stub()

    @JvmStatic
    fun <T> getParcelableArrayListExtra(intent: Intent, name: String?, clazz: Class<out T>): java.util.ArrayList<T>? = throw android.Stub()
}
