// COMPILE-ONLY STUB of the Android SDK (see android/stubs/README.md): declares only the signatures ShareSafe uses, so kotlinc can type-check the app on a machine without the SDK. Never shipped; every body throws.
package android.widget;
public abstract class CompoundButton extends Button {
    public interface OnCheckedChangeListener { void onCheckedChanged(CompoundButton buttonView, boolean isChecked); }
    public CompoundButton(android.content.Context context) { super(context); }
    public boolean isChecked() { throw new android.Stub(); }
    public void setChecked(boolean checked) { throw new android.Stub(); }
    public void setOnCheckedChangeListener(OnCheckedChangeListener listener) { throw new android.Stub(); }
}
