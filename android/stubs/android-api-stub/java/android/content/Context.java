// COMPILE-ONLY STUB of the Android SDK (see android/stubs/README.md): declares only the signatures ShareSafe uses, so kotlinc can type-check the app on a machine without the SDK. Never shipped; every body throws.
package android.content;
public abstract class Context {
    public abstract ContentResolver getContentResolver();
    public abstract java.io.File getCacheDir();
    public abstract java.io.File getFilesDir();
    public abstract java.io.File getNoBackupFilesDir();
    public abstract android.content.res.AssetManager getAssets();
    public abstract Context getApplicationContext();
    public abstract android.content.pm.PackageManager getPackageManager();
    public abstract String getPackageName();
    public abstract android.content.res.Resources getResources();
    public abstract int checkSelfPermission(String permission);
    public abstract void startActivity(Intent intent);
    public final String getString(int resId) { throw new android.Stub(); }
    public final String getString(int resId, Object... formatArgs) { throw new android.Stub(); }
    public final <T> T getSystemService(Class<T> serviceClass) { throw new android.Stub(); }
}
