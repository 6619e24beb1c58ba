// COMPILE-ONLY STUB of the Android SDK (see android/stubs/README.md): declares only the signatures ShareSafe uses, so kotlinc can type-check the app on a machine without the SDK. Never shipped; every body throws.
package android.graphics;
public class Matrix {
    public Matrix() { throw new android.Stub(); }
    public void setScale(float sx, float sy) { throw new android.Stub(); }
    public void setRotate(float degrees) { throw new android.Stub(); }
    public boolean postScale(float sx, float sy) { throw new android.Stub(); }
}
