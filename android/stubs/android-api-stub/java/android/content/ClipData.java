// COMPILE-ONLY STUB of the Android SDK (see android/stubs/README.md): declares only the signatures ShareSafe uses, so kotlinc can type-check the app on a machine without the SDK. Never shipped; every body throws.
package android.content;
public class ClipData {
    public static class Item {
        public Item(android.net.Uri uri) { throw new android.Stub(); }
    }
    public static ClipData newRawUri(CharSequence label, android.net.Uri uri) { throw new android.Stub(); }
    public static ClipData newPlainText(CharSequence label, CharSequence text) { throw new android.Stub(); }
    public void addItem(Item item) { throw new android.Stub(); }
}
