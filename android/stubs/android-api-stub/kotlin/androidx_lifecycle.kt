// COMPILE-ONLY STUB of AndroidX (see android/stubs/README.md): only the signatures ShareSafe uses. Never shipped; every body throws.
package androidx.lifecycle

import kotlinx.coroutines.CoroutineScope

interface LifecycleOwner

abstract class LifecycleCoroutineScope internal constructor() : CoroutineScope

val LifecycleOwner.lifecycleScope: LifecycleCoroutineScope
    get() = throw android.Stub()
