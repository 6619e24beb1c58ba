// COMPILE-ONLY STUB of the Android SDK (see android/stubs/README.md): declares only the signatures ShareSafe uses, so kotlinc can type-check the app on a machine without the SDK. Never shipped; every body throws.
package android.database;
public interface Cursor extends java.io.Closeable {
    boolean moveToFirst();
    int getColumnIndex(String columnName);
    boolean isNull(int columnIndex);
    long getLong(int columnIndex);
    void close();
}
