// COMPILE-ONLY STUB of the Android SDK (see android/stubs/README.md): declares only the signatures ShareSafe uses, so kotlinc can type-check the app on a machine without the SDK. Never shipped; every body throws.
package android.graphics;
public class Paint {
    public enum Style { FILL, STROKE, FILL_AND_STROKE }
    public Paint() { throw new android.Stub(); }
    public Style getStyle() { throw new android.Stub(); }
    public void setStyle(Style style) { throw new android.Stub(); }
    public int getColor() { throw new android.Stub(); }
    public void setColor(int color) { throw new android.Stub(); }
    public float getStrokeWidth() { throw new android.Stub(); }
    public void setStrokeWidth(float width) { throw new android.Stub(); }
    public float getTextSize() { throw new android.Stub(); }
    public void setTextSize(float textSize) { throw new android.Stub(); }
}
