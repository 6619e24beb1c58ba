// COMPILE-ONLY STUB of the Android SDK (see android/stubs/README.md): declares only the signatures ShareSafe uses, so kotlinc can type-check the app on a machine without the SDK. Never shipped; every body throws.
package android.content.res;
public class AssetFileDescriptor implements java.io.Closeable {
    public long getLength() { throw new android.Stub(); }
    public void close() throws java.io.IOException { throw new android.Stub(); }
}
