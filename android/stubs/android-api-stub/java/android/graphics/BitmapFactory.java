// COMPILE-ONLY STUB of the Android SDK (see android/stubs/README.md): declares only the signatures ShareSafe uses, so kotlinc can type-check the app on a machine without the SDK. Never shipped; every body throws.
package android.graphics;
public class BitmapFactory {
    public static class Options {
        public Options() { throw new android.Stub(); }
        public boolean inJustDecodeBounds;
        public int inSampleSize;
        public int outWidth;
        public int outHeight;
    }
    public static Bitmap decodeByteArray(byte[] data, int offset, int length, Options opts) { throw new android.Stub(); }
}
