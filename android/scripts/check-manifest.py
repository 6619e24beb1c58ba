#!/usr/bin/env python3
"""Why this exists: the app's promises that live outside Kotlin (no network permission, the share
intent filters, exported flags, the FileProvider exposing only clean copies, Direct Share wiring,
every sentence in four languages) are in XML that no compiler checks here without the Android
SDK. This reads the manifest, resources, file_paths.xml, shortcuts.xml, Gradle and ProGuard files
and the Kotlin constants that must agree with them, and fails on any mismatch.

Usage: check-manifest.py [ANDROID_DIR]     prints PASS/FAIL lines and "check-manifest: N passed, N failed"
       check-manifest.py --self-test       proves each check fails on a broken copy of the project
"""
import re
import shutil
import sys
import tempfile
import xml.etree.ElementTree as ET
from pathlib import Path

A = "{http://schemas.android.com/apk/res/android}"
LANGS = ("values", "values-fr", "values-de", "values-nl")
NETWORK_PERMISSIONS = ("INTERNET", "ACCESS_NETWORK_STATE", "ACCESS_WIFI_STATE", "CHANGE_NETWORK_STATE")
ALLOWED_PERMISSIONS = {"android.permission.ACCESS_MEDIA_LOCATION"}
INSTAGRAM = "com.instagram.android"


class Checks:
    def __init__(self, root: Path):
        self.root = root
        self.app = root / "app" / "src" / "main"
        self.res = self.app / "res"
        self.results: list[tuple[str, str | None]] = []

    def check(self, name: str, problems: list[str]) -> None:
        self.results.append((name, "; ".join(problems) if problems else None))

    def kotlin(self) -> str:
        return "\n".join(p.read_text() for p in sorted(self.root.glob("*/src/main/kotlin/**/*.kt")))

    def const(self, name: str) -> str | None:
        m = re.search(rf'const val {name}(?::\s*\w+)?\s*=\s*"([^"]*)"', self.kotlin())
        return m.group(1) if m else None

    def strings(self, lang: str) -> dict[str, str]:
        path = self.res / lang / "strings.xml"
        if not path.exists():
            return {}
        return {n.attrib["name"]: "".join(n.itertext()) for n in ET.parse(path).getroot().iter("string")}

    def run(self) -> list[tuple[str, str | None]]:
        manifest = ET.parse(self.app / "AndroidManifest.xml").getroot()
        application = manifest.find("application")
        components = [c for c in application if c.tag in ("activity", "activity-alias", "service", "receiver", "provider")]
        gradle = (self.root / "app" / "build.gradle.kts").read_text()
        app_id = re.search(r'applicationId\s*=\s*"([^"]+)"', gradle)
        app_id = app_id.group(1) if app_id else ""

        # 1. No network permission; nothing beyond the allowed set.
        perms = [p.attrib.get(A + "name", "") for p in manifest.iter() if p.tag.startswith("uses-permission")]
        problems = [f"network permission {p}" for p in perms if p.rsplit(".", 1)[-1] in NETWORK_PERMISSIONS]
        problems += [f"unexpected permission {p}" for p in perms if p not in ALLOWED_PERMISSIONS and p.rsplit(".", 1)[-1] not in NETWORK_PERMISSIONS]
        self.check("no INTERNET (or other network) permission, only ACCESS_MEDIA_LOCATION", problems)

        # 2. Exported flags: explicit everywhere; true exactly where other apps must reach us.
        problems = []
        for c in components:
            name = c.attrib.get(A + "name", "?")
            exported = c.attrib.get(A + "exported")
            if exported not in ("true", "false"):
                problems.append(f"{name} has no android:exported")
            elif c.find("intent-filter") is not None and exported != "true":
                problems.append(f"{name} has intent filters but is not exported")
            elif c.find("intent-filter") is None and c.tag == "activity" and exported == "true":
                problems.append(f"{name} is exported without an intent filter")
        self.check("every component sets android:exported, true only with an intent filter", problems)

        # 3. The share target's intent filters.
        share = next((c for c in components if c.attrib.get(A + "name") == ".ShareTargetActivity"), None)
        problems = [] if share is not None else ["no .ShareTargetActivity"]
        want = {(a, m) for a in ("android.intent.action.SEND", "android.intent.action.SEND_MULTIPLE") for m in ("image/*", "video/*")}
        have = set()
        for f in share.findall("intent-filter") if share is not None else []:
            cats = {c.attrib.get(A + "name") for c in f.findall("category")}
            if "android.intent.category.DEFAULT" not in cats:
                problems.append("an intent filter lacks category DEFAULT")
                continue
            for a in f.findall("action"):
                for d in f.findall("data"):
                    have.add((a.attrib.get(A + "name"), d.attrib.get(A + "mimeType")))
        problems += [f"missing filter {a} {m}" for a, m in sorted(want - have)]
        self.check("share target receives SEND and SEND_MULTIPLE of image/* and video/*", problems)

        # 4. Instagram visibility and the package the code targets.
        queried = {p.attrib.get(A + "name") for q in manifest.findall("queries") for p in q.findall("package")}
        problems = [] if INSTAGRAM in queried else ["<queries> lacks com.instagram.android"]
        if self.const("INSTAGRAM_PACKAGE") != INSTAGRAM:
            problems.append("Forwarding.kt INSTAGRAM_PACKAGE differs")
        if "ActivityNotFoundException" not in self.kotlin():
            problems.append("no code catches ActivityNotFoundException")
        self.check("<queries> names Instagram, code targets the same package and catches ActivityNotFoundException", problems)

        # 5. FileProvider: authority agrees with the code, not exported, grants per URI.
        providers = [c for c in components if c.tag == "provider" and c.attrib.get(A + "name") == "androidx.core.content.FileProvider"]
        problems = [] if len(providers) == 1 else [f"{len(providers)} FileProviders"]
        paths_res = None
        if providers:
            p = providers[0]
            suffix = self.const("FILE_PROVIDER_AUTHORITY_SUFFIX")
            if p.attrib.get(A + "authorities") != "${applicationId}" + (suffix or "?"):
                problems.append("authority differs from ${applicationId} + FILE_PROVIDER_AUTHORITY_SUFFIX")
            if p.attrib.get(A + "exported") != "false" or p.attrib.get(A + "grantUriPermissions") != "true":
                problems.append("FileProvider must be exported=false, grantUriPermissions=true")
            meta = {m.attrib.get(A + "name"): m.attrib.get(A + "resource") for m in p.findall("meta-data")}
            paths_res = meta.get("android.support.FILE_PROVIDER_PATHS")
        if app_id != "org.sharesafe.app":
            problems.append(f"applicationId is {app_id!r}")
        if "FLAG_GRANT_READ_URI_PERMISSION" not in self.kotlin():
            problems.append("code never grants read permission")
        self.check("FileProvider authority matches the code, not exported, read grant per share", problems)

        # 6. file_paths.xml exposes only the clean directory of the cache.
        problems = []
        if paths_res != "@xml/file_paths":
            problems.append("FileProvider does not use @xml/file_paths")
        paths_file = self.res / "xml" / "file_paths.xml"
        if not paths_file.exists():
            problems.append("res/xml/file_paths.xml missing")
        else:
            entries = list(ET.parse(paths_file).getroot())
            clean = self.const("CLEAN_SUBDIR")
            if [(e.tag, e.attrib.get("path")) for e in entries] != [("cache-path", f"{clean}/")]:
                problems.append(f"file_paths.xml must hold exactly <cache-path path=\"{clean}/\">")
        self.check("file_paths.xml exposes only cache/clean/ (CleanSession.CLEAN_SUBDIR)", problems)

        # 7. Direct Share wiring.
        problems = []
        main = next((c for c in components if c.attrib.get(A + "name") == ".MainActivity"), None)
        metas = {m.attrib.get(A + "name"): m.attrib.get(A + "resource") for m in (main.findall("meta-data") if main is not None else [])}
        if metas.get("android.app.shortcuts") != "@xml/shortcuts":
            problems.append("launcher activity lacks android.app.shortcuts meta-data")
        shortcuts = ET.parse(self.res / "xml" / "shortcuts.xml").getroot()
        targets = shortcuts.findall("share-target")
        if len(targets) != 1:
            problems.append("shortcuts.xml needs one share-target")
        else:
            t = targets[0]
            if t.attrib.get(A + "targetClass") != f"{app_id}.ShareTargetActivity":
                problems.append("share-target targetClass is not the share activity")
            if {c.attrib.get(A + "name") for c in t.findall("category")} != {self.const("SHARE_CATEGORY")}:
                problems.append("share-target category differs from DirectShare.SHARE_CATEGORY")
            if {d.attrib.get(A + "mimeType") for d in t.findall("data")} != {"image/*", "video/*"}:
                problems.append("share-target must take image/* and video/*")
        self.check("Direct Share: shortcuts.xml share-target matches the activity and DirectShare.SHARE_CATEGORY", problems)

        # 8. Every resource the manifest and the code name exists.
        base = self.strings("values")
        problems = []
        text = (self.app / "AndroidManifest.xml").read_text()
        for kind, name in re.findall(r"@(string|xml|drawable)/(\w+)", text):
            ok = name in base if kind == "string" else (self.res / kind / f"{name}.xml").exists()
            if not ok:
                problems.append(f"manifest names missing @{kind}/{name}")
        for kind, name in set(re.findall(r"\bR\.(string|xml|drawable)\.(\w+)", self.kotlin())):
            ok = name in base if kind == "string" else (self.res / kind / f"{name}.xml").exists()
            if not ok:
                problems.append(f"code names missing R.{kind}.{name}")
        unused = sorted(set(base) - set(re.findall(r"R\.string\.(\w+)", self.kotlin())) - set(re.findall(r"@string/(\w+)", text)))
        problems += [f"string {n} is never used" for n in unused]
        self.check("every resource named by the manifest and the code exists, every string is used", problems)

        # 9. Four languages, same keys, same placeholders, valid apostrophes, nothing empty.
        problems = []
        for lang in LANGS:
            s = self.strings(lang)
            if not s:
                problems.append(f"{lang}/strings.xml missing or empty")
                continue
            problems += [f"{lang} lacks {k}" for k in sorted(set(base) - set(s))]
            problems += [f"{lang} has extra {k}" for k in sorted(set(s) - set(base))]
            for k, v in s.items():
                if not v.strip():
                    problems.append(f"{lang}/{k} is empty")
                if re.search(r"(?<!\\)'", v):
                    problems.append(f"{lang}/{k} has an unescaped apostrophe (aapt2 rejects it)")
                if k in base and sorted(re.findall(r"%\d+\$[sd]", v)) != sorted(re.findall(r"%\d+\$[sd]", base[k])):
                    problems.append(f"{lang}/{k} placeholders differ from English")
        self.check("every string key present in EN/FR/DE/NL with the same placeholders", problems)

        # 10. JNA survives R8 and no network code sneaks into the Kotlin.
        problems = []
        rules = (self.root / "sharesafe" / "consumer-rules.pro").read_text() if (self.root / "sharesafe" / "consumer-rules.pro").exists() else ""
        for rule in ("-keep class com.sun.jna.** { *; }", "-keep class * implements com.sun.jna.** { *; }"):
            if rule not in rules:
                problems.append(f"consumer-rules.pro lacks {rule}")
        if not re.search(r'implementation\("net\.java\.dev\.jna:jna:[^"]+@aar"\)|implementation\(libs\.jna\)\s*\{\s*artifact\s*\{\s*type\s*=\s*"aar"', (self.root / "sharesafe" / "build.gradle.kts").read_text()):
            problems.append("sharesafe/build.gradle.kts does not use JNA's @aar")
        for bad in ("java.net.", "okhttp", "HttpURLConnection", "android.net.http"):
            if bad in self.kotlin():
                problems.append(f"Kotlin uses {bad}")
        self.check("JNA keep rules and @aar dependency; no network code in Kotlin", problems)

        # 11. Every privacy-report finding id has its title and explanation in four languages and
        #     a row in FindingText.kt's FINDING_STRINGS. The ids are the core's (FindingId::as_str
        #     in core/src/report/text.rs, what the library's finding_ids() returns; the host tests
        #     compare the real library's list with the same strings files).
        problems = []
        ids = self.finding_ids()
        if len(ids) < 20:
            problems.append(f"only {len(ids)} finding ids read from core/src/report/text.rs")
        kotlin = self.kotlin()
        rows = dict(re.findall(r'"(\w+)" to FindingStrings\(R\.string\.(\w+)_title, R\.string\.\2_explanation\)', kotlin))
        for fid in ids:
            if rows.get(fid) != f"finding_{fid}":
                problems.append(f"FINDING_STRINGS lacks {fid}")
            for lang in LANGS:
                s = self.strings(lang)
                for part in ("title", "explanation"):
                    if not s.get(f"finding_{fid}_{part}", "").strip():
                        problems.append(f"{lang} lacks finding_{fid}_{part}")
        problems += [f"FINDING_STRINGS has {fid}, which the core does not report" for fid in sorted(set(rows) - set(ids))]
        self.check("every finding id of the core has a title and explanation in EN/FR/DE/NL and a FINDING_STRINGS row", problems)

        # 12. The face model ships in the app's assets, uncompressed, under the name the code loads.
        problems = []
        asset = self.const("ASSET_NAME")
        if asset != "centerface.onnx":
            problems.append(f"FaceModel.ASSET_NAME is {asset!r}")
        if 'include("centerface.onnx"' not in gradle or "assets.srcDir(faceModelAssets)" not in gradle:
            problems.append("app/build.gradle.kts does not put centerface.onnx into the assets")
        if not re.search(r'noCompress\s*\+=\s*"onnx"', gradle):
            problems.append("app/build.gradle.kts does not store .onnx uncompressed")
        if "noBackupFilesDir" not in kotlin:
            problems.append("the model is not installed into noBackupFilesDir")
        self.check("face model shipped in assets (uncompressed) and installed into noBackupFilesDir", problems)
        return self.results

    def finding_ids(self) -> list[str]:
        text_rs = self.root.parent / "core" / "src" / "report" / "text.rs"
        if not text_rs.exists():
            return []
        body = text_rs.read_text()
        start = body.find("pub fn as_str(self)")
        end = body.find("pub fn kind(self)")
        return re.findall(r'FindingId::\w+ => "(\w+)"', body[start:end])


def report(results) -> int:
    failed = 0
    for name, problem in results:
        if problem is None:
            print(f"PASS {name}")
        else:
            failed += 1
            print(f"FAIL {name}: {problem}")
    print(f"check-manifest: {len(results) - failed} passed, {failed} failed")
    return 1 if failed else 0


def self_test(root: Path) -> int:
    """Each mutation must make exactly the check it targets fail."""
    mutations = [
        ("no INTERNET", "app/src/main/AndroidManifest.xml",
         '<uses-permission android:name="android.permission.ACCESS_MEDIA_LOCATION" />',
         '<uses-permission android:name="android.permission.ACCESS_MEDIA_LOCATION" />\n<uses-permission android:name="android.permission.INTERNET" />'),
        ("exported", "app/src/main/AndroidManifest.xml", 'android:name=".BatchActivity"\n            android:exported="false"', 'android:name=".BatchActivity"'),
        ("SEND_MULTIPLE", "app/src/main/AndroidManifest.xml", '<action android:name="android.intent.action.SEND_MULTIPLE" />', '<action android:name="android.intent.action.VIEW" />'),
        ("FileProvider authority", "app/src/main/AndroidManifest.xml", "${applicationId}.cleanfiles", "${applicationId}.files"),
        ("file_paths.xml", "app/src/main/res/xml/file_paths.xml", 'path="clean/"', 'path="."'),
        ("Direct Share", "app/src/main/res/xml/shortcuts.xml", "CLEAN_AND_SHARE", "OTHER"),
        ("EN/FR/DE/NL", "app/src/main/res/values-fr/strings.xml", '<string name="batch_pick">', '<string name="batch_pick_typo">'),
        ("<queries>", "app/src/main/AndroidManifest.xml", '<package android:name="com.instagram.android" />', ""),
        ("JNA", "sharesafe/consumer-rules.pro", "-keep class com.sun.jna.** { *; }", ""),
        ("every finding id", "app/src/main/kotlin/org/sharesafe/app/FindingText.kt", '"lens" to FindingStrings', '"lenses" to FindingStrings'),
        ("face model", "app/build.gradle.kts", 'noCompress += "onnx"', 'noCompress += "bin"'),
    ]
    failures = 0
    for target_check, path, old, new in mutations:
        with tempfile.TemporaryDirectory() as tmp:
            copy = Path(tmp) / "android"
            shutil.copytree(root, copy, ignore=shutil.ignore_patterns("build", ".gradle"))
            ids_source = Path(tmp) / "core" / "src" / "report" / "text.rs"
            ids_source.parent.mkdir(parents=True)
            shutil.copy(root.parent / "core" / "src" / "report" / "text.rs", ids_source)
            f = copy / path
            text = f.read_text()
            if old not in text:
                print(f"FAIL self-test {target_check}: mutation target not found in {path}")
                failures += 1
                continue
            f.write_text(text.replace(old, new, 1))
            failed = [name for name, problem in Checks(copy).run() if problem is not None]
            if len(failed) == 1 and target_check in failed[0]:
                print(f"PASS self-test: breaking {target_check} fails its check")
            else:
                print(f"FAIL self-test {target_check}: failing checks were {failed}")
                failures += 1
    print(f"check-manifest self-test: {len(mutations) - failures} passed, {failures} failed")
    return 1 if failures else 0


if __name__ == "__main__":
    args = [a for a in sys.argv[1:] if a != "--self-test"]
    root = Path(args[0]) if args else Path(__file__).resolve().parent.parent
    if "--self-test" in sys.argv:
        sys.exit(self_test(root))
    sys.exit(report(Checks(root).run()))
