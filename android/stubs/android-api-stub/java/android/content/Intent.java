// COMPILE-ONLY STUB of the Android SDK (see android/stubs/README.md): declares only the signatures ShareSafe uses, so kotlinc can type-check the app on a machine without the SDK. Never shipped; every body throws.
package android.content;
public class Intent {
    public static final String ACTION_SEND = "android.intent.action.SEND";
    public static final String ACTION_SEND_MULTIPLE = "android.intent.action.SEND_MULTIPLE";
    public static final String ACTION_DEFAULT = "android.intent.action.VIEW";
    public static final String EXTRA_STREAM = "android.intent.extra.STREAM";
    public static final String EXTRA_TEXT = "android.intent.extra.TEXT";
    public static final String EXTRA_SHORTCUT_ID = "android.intent.extra.shortcut.ID";
    public static final int FLAG_GRANT_READ_URI_PERMISSION = 0x00000001;
    public Intent(String action) { throw new android.Stub(); }
    public Intent(Intent o) { throw new android.Stub(); }
    public Intent(Context packageContext, Class<?> cls) { throw new android.Stub(); }
    public Intent(String action, android.net.Uri uri, Context packageContext, Class<?> cls) { throw new android.Stub(); }
    public static Intent createChooser(Intent target, CharSequence title) { throw new android.Stub(); }
    public String getAction() { throw new android.Stub(); }
    public String getStringExtra(String name) { throw new android.Stub(); }
    public Intent putExtra(String name, android.os.Parcelable value) { throw new android.Stub(); }
    public Intent putParcelableArrayListExtra(String name, java.util.ArrayList<? extends android.os.Parcelable> value) { throw new android.Stub(); }
    public Intent setType(String type) { throw new android.Stub(); }
    public Intent setPackage(String packageName) { throw new android.Stub(); }
    public Intent addFlags(int flags) { throw new android.Stub(); }
    public void setClipData(ClipData clip) { throw new android.Stub(); }
}
