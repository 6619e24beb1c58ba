// COMPILE-ONLY STUB of the Android SDK (see android/stubs/README.md): declares only the signatures ShareSafe uses, so kotlinc can type-check the app on a machine without the SDK. Never shipped; every body throws.
package android.widget;
public class TextView extends android.view.View {
    public TextView(android.content.Context context) { super(context); }
    public CharSequence getText() { throw new android.Stub(); }
    public final void setText(CharSequence text) { throw new android.Stub(); }
    public float getTextSize() { throw new android.Stub(); }
    public void setTextSize(float size) { throw new android.Stub(); }
    public CharSequence getHint() { throw new android.Stub(); }
    public final void setHint(CharSequence hint) { throw new android.Stub(); }
    public void addTextChangedListener(android.text.TextWatcher watcher) { throw new android.Stub(); }
}
