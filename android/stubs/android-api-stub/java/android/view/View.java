// COMPILE-ONLY STUB of the Android SDK (see android/stubs/README.md): declares only the signatures ShareSafe uses, so kotlinc can type-check the app on a machine without the SDK. Never shipped; every body throws.
package android.view;
public class View {
    public interface OnClickListener { void onClick(View v); }
    public static class MeasureSpec {
        public static int getSize(int measureSpec) { throw new android.Stub(); }
    }
    public View(android.content.Context context) { throw new android.Stub(); }
    public final android.content.Context getContext() { throw new android.Stub(); }
    public void setPadding(int left, int top, int right, int bottom) { throw new android.Stub(); }
    public void setOnClickListener(OnClickListener l) { throw new android.Stub(); }
    public final boolean requestFocus() { throw new android.Stub(); }
    public final int getWidth() { throw new android.Stub(); }
    public final int getHeight() { throw new android.Stub(); }
    public void invalidate() { throw new android.Stub(); }
    protected void onMeasure(int widthMeasureSpec, int heightMeasureSpec) { throw new android.Stub(); }
    protected final void setMeasuredDimension(int measuredWidth, int measuredHeight) { throw new android.Stub(); }
    protected void onDraw(android.graphics.Canvas canvas) { throw new android.Stub(); }
}
