// COMPILE-ONLY STUB of the Android SDK (see android/stubs/README.md): declares only the signatures ShareSafe uses, so kotlinc can type-check the app on a machine without the SDK. Never shipped; every body throws.
package android.app;
public class Activity extends android.content.ContextWrapper {
    protected void onCreate(android.os.Bundle savedInstanceState) { throw new android.Stub(); }
    protected void onRestart() { throw new android.Stub(); }
    protected void onDestroy() { throw new android.Stub(); }
    public boolean isFinishing() { throw new android.Stub(); }
    public void finish() { throw new android.Stub(); }
    public android.content.Intent getIntent() { throw new android.Stub(); }
    public void setContentView(android.view.View view) { throw new android.Stub(); }
}
