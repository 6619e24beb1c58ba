// COMPILE-ONLY STUB of the Android SDK (see android/stubs/README.md): declares only the signatures ShareSafe uses, so kotlinc can type-check the app on a machine without the SDK. Never shipped; every body throws.
package android;
/** What every stub body throws: this jar is for compiling only. */
public final class Stub extends RuntimeException {
    public Stub() { super("android-api-stub: compile-only, never run"); }
}
