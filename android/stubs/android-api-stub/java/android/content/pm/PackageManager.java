// COMPILE-ONLY STUB of the Android SDK (see android/stubs/README.md): declares only the signatures ShareSafe uses, so kotlinc can type-check the app on a machine without the SDK. Never shipped; every body throws.
package android.content.pm;
public abstract class PackageManager {
    public static final int PERMISSION_GRANTED = 0;
    public static class NameNotFoundException extends Exception {}
    public abstract PackageInfo getPackageInfo(String packageName, int flags) throws NameNotFoundException;
}
