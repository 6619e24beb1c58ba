// COMPILE-ONLY STUB of the Android SDK (see android/stubs/README.md): declares only the signatures ShareSafe uses, so kotlinc can type-check the app on a machine without the SDK. Never shipped; every body throws.
package android.content;
public abstract class ContentResolver {
    public final android.database.Cursor query(android.net.Uri uri, String[] projection, String selection, String[] selectionArgs, String sortOrder) { throw new android.Stub(); }
    public final android.os.ParcelFileDescriptor openFileDescriptor(android.net.Uri uri, String mode) throws java.io.FileNotFoundException { throw new android.Stub(); }
    public final java.io.InputStream openInputStream(android.net.Uri uri) throws java.io.FileNotFoundException { throw new android.Stub(); }
}
