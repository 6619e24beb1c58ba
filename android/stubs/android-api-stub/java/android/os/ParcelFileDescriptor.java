// COMPILE-ONLY STUB of the Android SDK (see android/stubs/README.md): declares only the signatures ShareSafe uses, so kotlinc can type-check the app on a machine without the SDK. Never shipped; every body throws.
package android.os;
public class ParcelFileDescriptor implements java.io.Closeable {
    public int getFd() { throw new android.Stub(); }
    public long getStatSize() { throw new android.Stub(); }
    public void close() throws java.io.IOException { throw new android.Stub(); }
}
