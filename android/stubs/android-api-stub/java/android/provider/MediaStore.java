// COMPILE-ONLY STUB of the Android SDK (see android/stubs/README.md): declares only the signatures ShareSafe uses, so kotlinc can type-check the app on a machine without the SDK. Never shipped; every body throws.
package android.provider;
public final class MediaStore {
    public static final String AUTHORITY = "media";
    public static android.net.Uri setRequireOriginal(android.net.Uri uri) { throw new android.Stub(); }
}
