// COMPILE-ONLY STUB of the Android SDK (see android/stubs/README.md): declares only the signatures ShareSafe uses, so kotlinc can type-check the app on a machine without the SDK. Never shipped; every body throws.
package android;
public final class R {
    public static final class attr {
        public static final int progressBarStyleHorizontal = 0x01010078;
    }
}
