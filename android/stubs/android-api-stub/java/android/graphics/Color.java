// COMPILE-ONLY STUB of the Android SDK (see android/stubs/README.md): declares only the signatures ShareSafe uses, so kotlinc can type-check the app on a machine without the SDK. Never shipped; every body throws.
package android.graphics;
public class Color {
    public static final int WHITE = 0xFFFFFFFF;
    public static int argb(int alpha, int red, int green, int blue) { throw new android.Stub(); }
    public static int rgb(int red, int green, int blue) { throw new android.Stub(); }
}
