// Why this exists: the clean copy, never the original, goes on to Instagram or another app. It
// leaves through our FileProvider (content:// URIs of the clean cache only; file:// would throw
// FileUriExposedException) with a one-off read grant. Instagram is targeted with setPackage when
// the parent picked it and it is installed; otherwise, or if starting it fails, the system
// chooser opens. Instagram ignores captions from other apps (EXTRA_TEXT), so the checked caption
// goes to the clipboard instead.
package org.sharesafe.app

import android.app.Activity
import android.content.ActivityNotFoundException
import android.content.ClipData
import android.content.ClipboardManager
import android.content.Context
import android.content.Intent
import android.content.pm.PackageManager
import android.net.Uri
import androidx.core.content.FileProvider
import java.io.File

/** Instagram's Android package. Declared in the manifest's `<queries>` so it can be seen on API 30+. */
const val INSTAGRAM_PACKAGE = "com.instagram.android"

/** Suffix of the FileProvider authority; the manifest declares `${applicationId}.cleanfiles`. */
const val FILE_PROVIDER_AUTHORITY_SUFFIX = ".cleanfiles"

/** Where the share goes. */
enum class Destination { INSTAGRAM, ANY_APP }

/** What happened when forwarding. */
enum class ForwardResult {
    /** Instagram was opened directly. */
    OPENED_INSTAGRAM,

    /** The system chooser was shown (the parent picked "another app", or Instagram is missing). */
    OPENED_CHOOSER,

    /** No app on the phone accepts this file type. */
    NO_APP,
}

/** The FileProvider authority of this build of the app. */
fun cleanFilesAuthority(context: Context): String = context.packageName + FILE_PROVIDER_AUTHORITY_SUFFIX

/** True when Instagram is installed and visible to us. */
fun isInstagramInstalled(context: Context): Boolean = try {
    context.packageManager.getPackageInfo(INSTAGRAM_PACKAGE, 0)
    true
} catch (e: PackageManager.NameNotFoundException) {
    false
}

/**
 * The SEND or SEND_MULTIPLE intent for clean [files] (each with its MIME type), with read
 * permission granted on every URI (also through ClipData, so a chooser passes the grant on).
 */
fun buildCleanShareIntent(context: Context, files: List<Pair<File, String>>): Intent {
    require(files.isNotEmpty()) { "nothing to share" }
    val authority = cleanFilesAuthority(context)
    val uris = files.map { (file, _) -> FileProvider.getUriForFile(context, authority, file) }
    val types = files.map { it.second }.distinct()
    val type = when {
        types.size == 1 -> types[0]
        types.all { it.startsWith("image/") } -> "image/*"
        types.all { it.startsWith("video/") } -> "video/*"
        else -> "*/*"
    }
    val intent = if (uris.size == 1) {
        Intent(Intent.ACTION_SEND).putExtra(Intent.EXTRA_STREAM, uris[0])
    } else {
        Intent(Intent.ACTION_SEND_MULTIPLE).putParcelableArrayListExtra(Intent.EXTRA_STREAM, ArrayList<Uri>(uris))
    }
    intent.setType(type)
    val clip = ClipData.newRawUri("", uris[0])
    for (uri in uris.drop(1)) clip.addItem(ClipData.Item(uri))
    intent.setClipData(clip)
    intent.addFlags(Intent.FLAG_GRANT_READ_URI_PERMISSION)
    return intent
}

/** Sends the clean [files] to [destination]; falls back to the chooser when Instagram cannot be opened. */
fun forwardClean(activity: Activity, files: List<Pair<File, String>>, destination: Destination): ForwardResult {
    val intent = buildCleanShareIntent(activity, files)
    if (destination == Destination.INSTAGRAM && isInstagramInstalled(activity)) {
        try {
            activity.startActivity(Intent(intent).setPackage(INSTAGRAM_PACKAGE))
            return ForwardResult.OPENED_INSTAGRAM
        } catch (e: ActivityNotFoundException) {
            // Installed but not accepting this type (or disabled): the chooser below still works.
        }
    }
    return try {
        val chooser = Intent.createChooser(intent, activity.getString(R.string.chooser_title))
        chooser.addFlags(Intent.FLAG_GRANT_READ_URI_PERMISSION)
        activity.startActivity(chooser)
        ForwardResult.OPENED_CHOOSER
    } catch (e: ActivityNotFoundException) {
        ForwardResult.NO_APP
    }
}

/** Puts the checked caption on the clipboard, since Instagram does not take captions from other apps. */
fun copyCaptionToClipboard(context: Context, caption: String) {
    val clipboard = context.getSystemService(ClipboardManager::class.java) ?: return
    clipboard.setPrimaryClip(ClipData.newPlainText(context.getString(R.string.caption_label), caption))
}
