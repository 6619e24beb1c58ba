// COMPILE-ONLY STUB of the Android SDK (see android/stubs/README.md): declares only the signatures ShareSafe uses, so kotlinc can type-check the app on a machine without the SDK. Never shipped; every body throws.
package android.content;
public class ContextWrapper extends Context {
    public ContentResolver getContentResolver() { throw new android.Stub(); }
    public java.io.File getCacheDir() { throw new android.Stub(); }
    public java.io.File getFilesDir() { throw new android.Stub(); }
    public java.io.File getNoBackupFilesDir() { throw new android.Stub(); }
    public android.content.res.AssetManager getAssets() { throw new android.Stub(); }
    public Context getApplicationContext() { throw new android.Stub(); }
    public android.content.pm.PackageManager getPackageManager() { throw new android.Stub(); }
    public String getPackageName() { throw new android.Stub(); }
    public android.content.res.Resources getResources() { throw new android.Stub(); }
    public int checkSelfPermission(String permission) { throw new android.Stub(); }
    public void startActivity(Intent intent) { throw new android.Stub(); }
}
