// COMPILE-ONLY STUB of the Android SDK (see android/stubs/README.md): declares only the signatures ShareSafe uses, so kotlinc can type-check the app on a machine without the SDK. Never shipped; every body throws.
package android.graphics;
public final class Bitmap {
    public static Bitmap createBitmap(Bitmap source, int x, int y, int width, int height, Matrix m, boolean filter) { throw new android.Stub(); }
    public final int getWidth() { throw new android.Stub(); }
    public final int getHeight() { throw new android.Stub(); }
    public void recycle() { throw new android.Stub(); }
}
