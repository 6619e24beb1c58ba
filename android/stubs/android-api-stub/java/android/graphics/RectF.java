// COMPILE-ONLY STUB of the Android SDK (see android/stubs/README.md): declares only the signatures ShareSafe uses, so kotlinc can type-check the app on a machine without the SDK. Never shipped; every body throws.
package android.graphics;
public class RectF {
    public float left;
    public float top;
    public float right;
    public float bottom;
    public RectF(float left, float top, float right, float bottom) { throw new android.Stub(); }
}
