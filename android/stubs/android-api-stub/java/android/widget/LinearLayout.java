// COMPILE-ONLY STUB of the Android SDK (see android/stubs/README.md): declares only the signatures ShareSafe uses, so kotlinc can type-check the app on a machine without the SDK. Never shipped; every body throws.
package android.widget;
public class LinearLayout extends android.view.ViewGroup {
    public static final int VERTICAL = 1;
    public LinearLayout(android.content.Context context) { super(context); }
    public int getOrientation() { throw new android.Stub(); }
    public void setOrientation(int orientation) { throw new android.Stub(); }
}
