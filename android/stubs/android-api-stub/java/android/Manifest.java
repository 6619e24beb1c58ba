// COMPILE-ONLY STUB of the Android SDK (see android/stubs/README.md): declares only the signatures ShareSafe uses, so kotlinc can type-check the app on a machine without the SDK. Never shipped; every body throws.
package android;
public final class Manifest {
    public static final class permission {
        public static final String ACCESS_MEDIA_LOCATION = "android.permission.ACCESS_MEDIA_LOCATION";
    }
}
