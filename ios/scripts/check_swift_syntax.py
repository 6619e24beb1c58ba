#!/usr/bin/env python3
"""Why this exists: the UIKit/SwiftUI code of the share extension and the app cannot be compiled
here (no Xcode, no iOS SDK), so every Swift file under ios/ is at least parsed with tree-sitter-swift:
a syntax error, an unbalanced brace or a stray character cannot land. It also fails on anything
that would give the extension or the app a network path (URLSession, the Network framework,
sockets, web views): ShareSafe is on-device only.

Usage: check_swift_syntax.py <ios dir>     prints "swift syntax: <n> passed, <m> failed"
"""
import pathlib
import re
import sys

import tree_sitter
import tree_sitter_swift

# Names that mean network access from Swift. Generated bindings are excluded (build outputs).
NETWORK = re.compile(
    r"\b(URLSession|URLRequest|NWConnection|NWListener|NWPathMonitor|import\s+Network|"
    r"CFStream|WKWebView|SFSafariViewController|URLSessionWebSocketTask)\b"
)
GENERATED = ("Sources/ShareSafeFFI/", "Sources/sharesafe_ffiFFI/", "/.build/")


def error_nodes(node, found):
    if node.type == "ERROR" or node.is_missing:
        found.append(node)
    for child in node.children:
        error_nodes(child, found)
    return found


# Known-bad sources: the parser must flag each, or the check would pass anything.
BROKEN_SAMPLES = [
    b"struct A { func f() { let x = ( }\n",
    b"#if canImport(UIKit)\nimport UIKit\nfinal class B: UIViewController { override func viewDidLoad() {\n#endif\n",
    b"let s = \"unterminated\n",
]


def main(root: pathlib.Path) -> int:
    parser = tree_sitter.Parser(tree_sitter.Language(tree_sitter_swift.language()))
    for sample in BROKEN_SAMPLES:
        if not error_nodes(parser.parse(sample).root_node, []):
            print(f"FAIL the parser accepts a broken sample: {sample[:40]!r}")
            print("swift syntax: 0 passed, 1 failed")
            return 1
    files = sorted(p for p in root.rglob("*.swift") if not any(g in p.as_posix() for g in GENERATED))
    passed = failed = 0
    for path in files:
        source = path.read_bytes()
        problems = []
        for node in error_nodes(parser.parse(source).root_node, []):
            line, col = node.start_point
            kind = "missing " + node.type if node.is_missing else "syntax error"
            problems.append(f"{kind} at {line + 1}:{col + 1}")
        for number, text in enumerate(source.decode("utf-8").splitlines(), 1):
            stripped = text.lstrip()
            if stripped.startswith("//"):
                continue
            if NETWORK.search(text):
                problems.append(f"network API at line {number}: {stripped[:60]}")
        rel = path.relative_to(root)
        if problems:
            failed += 1
            for p in problems[:10]:
                print(f"FAIL {rel}: {p}")
        else:
            passed += 1
            print(f"PASS {rel}")
    if not files:
        print("no Swift files found")
        failed += 1
    print(f"swift syntax: {passed} passed, {failed} failed")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main(pathlib.Path(sys.argv[1]).resolve()))
