// COMPILE-ONLY STUB of the Android SDK (see android/stubs/README.md): declares only the signatures ShareSafe uses, so kotlinc can type-check the app on a machine without the SDK. Never shipped; every body throws.
package android.text.style;
public class BackgroundColorSpan {
    public BackgroundColorSpan(int color) { throw new android.Stub(); }
}
