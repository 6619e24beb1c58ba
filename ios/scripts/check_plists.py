#!/usr/bin/env python3
"""Why this exists: a share extension that Photos never offers, or that can reach the network, is
a defect no Linux compiler sees. This validates the Info.plist and entitlements files under ios/
with plistlib: the extension point is com.apple.share-services, the activation rule accepts images
and movies with maximum counts (so the extension never gets more than it can clean one by one),
the principal class is the view controller, the photo-library strings exist, and no entitlement
or Info.plist key grants or configures network access.

Usage: check_plists.py <ios dir>     prints "plists: <n> passed, <m> failed"
"""
import pathlib
import plistlib
import re
import sys

# Entitlements that open a network path or share data off the device's own container.
NETWORK_ENTITLEMENT = re.compile(
    r"network|com\.apple\.developer\.(networking|associated-domains|icloud|ubiquity|push)|"
    r"aps-environment|com\.apple\.security\.application-groups",
    re.IGNORECASE,
)
NETWORK_INFO_KEYS = {"NSAppTransportSecurity", "NSLocalNetworkUsageDescription", "NSBonjourServices",
                     "UIBackgroundModes"}
LANGUAGES = ["en", "fr", "de", "nl"]
REQUIRED_BUNDLE_KEYS = ["CFBundleIdentifier", "CFBundleExecutable", "CFBundlePackageType",
                        "CFBundleShortVersionString", "CFBundleVersion", "CFBundleDisplayName"]
PHOTO_KEYS = ["NSPhotoLibraryUsageDescription", "NSPhotoLibraryAddUsageDescription"]


class Checks:
    def __init__(self):
        self.passed = 0
        self.failed = 0

    def expect(self, condition, what):
        if condition:
            self.passed += 1
            print(f"PASS {what}")
        else:
            self.failed += 1
            print(f"FAIL {what}")


def load(path, checks):
    try:
        with open(path, "rb") as f:
            value = plistlib.load(f)
    except Exception as e:  # noqa: BLE001 - any parse error is a failed check
        checks.expect(False, f"{path.name} parses ({type(e).__name__})")
        return None
    checks.expect(isinstance(value, dict), f"{path.parent.name}/{path.name} parses as a dictionary")
    return value if isinstance(value, dict) else None


def check_bundle(info, name, checks):
    for key in REQUIRED_BUNDLE_KEYS + PHOTO_KEYS:
        checks.expect(isinstance(info.get(key), str) and info[key], f"{name}: {key} set")
    checks.expect(info.get("CFBundleLocalizations") == LANGUAGES, f"{name}: localizations are {LANGUAGES}")
    present = NETWORK_INFO_KEYS & set(info)
    checks.expect(not present, f"{name}: no network keys in Info.plist {sorted(present) or ''}")


def check_extension(info, checks):
    ext = info.get("NSExtension") or {}
    checks.expect(ext.get("NSExtensionPointIdentifier") == "com.apple.share-services",
                  "extension: NSExtensionPointIdentifier is com.apple.share-services")
    checks.expect(ext.get("NSExtensionPrincipalClass") == "ShareViewController",
                  "extension: principal class is ShareViewController (no storyboard)")
    checks.expect("NSExtensionMainStoryboard" not in ext, "extension: no storyboard")
    rule = (ext.get("NSExtensionAttributes") or {}).get("NSExtensionActivationRule")
    checks.expect(isinstance(rule, dict), "extension: NSExtensionActivationRule is a dictionary")
    rule = rule if isinstance(rule, dict) else {}
    for key, most in [("NSExtensionActivationSupportsImageWithMaxCount", 50),
                      ("NSExtensionActivationSupportsMovieWithMaxCount", 10)]:
        value = rule.get(key)
        ok = isinstance(value, int) and not isinstance(value, bool) and 1 <= value <= most
        checks.expect(ok, f"extension: {key} is an integer in 1..{most}")
    others = sorted(k for k in rule if k.startswith("NSExtensionActivationSupports")
                    and k not in ("NSExtensionActivationSupportsImageWithMaxCount",
                                  "NSExtensionActivationSupportsMovieWithMaxCount"))
    checks.expect(not others, f"extension: activates for images and movies only {others or ''}")


def check_entitlements(path, checks):
    value = load(path, checks)
    if value is None:
        return

    def keys(v, prefix=""):
        if isinstance(v, dict):
            for k, sub in v.items():
                yield prefix + k
                yield from keys(sub, prefix + k + ".")

    bad = [k for k in keys(value) if NETWORK_ENTITLEMENT.search(k)]
    checks.expect(not bad, f"{path.parent.name}/{path.name}: no network or sharing entitlements {bad or ''}")


def main(root):
    checks = Checks()
    ext = load(root / "ShareExtension" / "Info.plist", checks)
    if ext is not None:
        check_bundle(ext, "extension", checks)
        check_extension(ext, checks)
    app = load(root / "App" / "Info.plist", checks)
    if app is not None:
        check_bundle(app, "app", checks)
        checks.expect("NSExtension" not in app, "app: is not an extension")
    entitlements = sorted(root.rglob("*.entitlements"))
    checks.expect(len(entitlements) == 2, f"two entitlements files (app, extension): {len(entitlements)}")
    for path in entitlements:
        check_entitlements(path, checks)
    print(f"plists: {checks.passed} passed, {checks.failed} failed")
    return 1 if checks.failed else 0


if __name__ == "__main__":
    sys.exit(main(pathlib.Path(sys.argv[1]).resolve()))
