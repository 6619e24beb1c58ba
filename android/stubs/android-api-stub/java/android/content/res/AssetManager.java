// COMPILE-ONLY STUB of the Android SDK (see android/stubs/README.md): declares only the signatures ShareSafe uses, so kotlinc can type-check the app on a machine without the SDK. Never shipped; every body throws.
package android.content.res;
public final class AssetManager implements AutoCloseable {
    public final java.io.InputStream open(String fileName) throws java.io.IOException { throw new android.Stub(); }
    public final AssetFileDescriptor openFd(String fileName) throws java.io.IOException { throw new android.Stub(); }
    public void close() { throw new android.Stub(); }
}
