// COMPILE-ONLY STUB of AndroidX (see android/stubs/README.md): only the signatures ShareSafe uses. Never shipped; every body throws.
package androidx.activity.result

import androidx.activity.result.contract.ActivityResultContracts

fun interface ActivityResultCallback<O> {
    fun onActivityResult(result: O)
}

abstract class ActivityResultLauncher<I> {
    open fun launch(input: I): Unit = throw android.Stub()
}

class PickVisualMediaRequest internal constructor() {
    class Builder {
        fun setMediaType(mediaType: ActivityResultContracts.PickVisualMedia.VisualMediaType): Builder = throw android.Stub()
        fun build(): PickVisualMediaRequest = throw android.Stub()
    }
}
