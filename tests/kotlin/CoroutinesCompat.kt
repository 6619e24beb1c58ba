// Debian ships kotlinx-coroutines 1.0.1 (no newer JVM build is reachable from our registries). The
// generated bindings import the opt-in marker `DelicateCoroutinesApi`, added in 1.5, and use
// nothing else newer, so the host tests declare that marker here. Apps build against a current
// kotlinx-coroutines from Gradle and do not compile this file.
package kotlinx.coroutines

@RequiresOptIn(level = RequiresOptIn.Level.WARNING)
@Retention(AnnotationRetention.BINARY)
annotation class DelicateCoroutinesApi
