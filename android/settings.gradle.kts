// ShareSafe's Android build: the :sharesafe library (Kotlin API over the Rust core) and the :app.
// Open this folder (android/) in Android Studio; see README.md.
pluginManagement {
    repositories {
        google()
        mavenCentral()
        gradlePluginPortal()
    }
}

dependencyResolutionManagement {
    repositoriesMode.set(RepositoriesMode.FAIL_ON_PROJECT_REPOS)
    repositories {
        google()
        mavenCentral()
    }
}

rootProject.name = "ShareSafe"
include(":sharesafe", ":app")
