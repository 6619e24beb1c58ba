// COMPILE-ONLY STUB of the Android SDK (see android/stubs/README.md): declares only the signatures ShareSafe uses, so kotlinc can type-check the app on a machine without the SDK. Never shipped; every body throws.
package android.graphics;
public class Canvas {
    public void drawBitmap(Bitmap bitmap, Rect src, RectF dst, Paint paint) { throw new android.Stub(); }
    public void drawRect(RectF rect, Paint paint) { throw new android.Stub(); }
    public void drawText(String text, float x, float y, Paint paint) { throw new android.Stub(); }
}
