// COMPILE-ONLY STUB of the Android SDK (see android/stubs/README.md): declares only the signatures ShareSafe uses, so kotlinc can type-check the app on a machine without the SDK. Never shipped; every body throws.
package android.widget;
public class ProgressBar extends android.view.View {
    public ProgressBar(android.content.Context context, android.util.AttributeSet attrs, int defStyleAttr) { super(context); }
    public int getMax() { throw new android.Stub(); }
    public void setMax(int max) { throw new android.Stub(); }
    public int getProgress() { throw new android.Stub(); }
    public void setProgress(int progress) { throw new android.Stub(); }
}
