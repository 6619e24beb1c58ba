// COMPILE-ONLY STUB of the Android SDK (see android/stubs/README.md): declares only the signatures ShareSafe uses, so kotlinc can type-check the app on a machine without the SDK. Never shipped; every body throws.
package android.view;
public class View {
    public interface OnClickListener { void onClick(View v); }
    public View(android.content.Context context) { throw new android.Stub(); }
    public final android.content.Context getContext() { throw new android.Stub(); }
    public void setPadding(int left, int top, int right, int bottom) { throw new android.Stub(); }
    public void setOnClickListener(OnClickListener l) { throw new android.Stub(); }
    public final boolean requestFocus() { throw new android.Stub(); }
}
