#!/usr/bin/env python3
"""Prints one line per top-level picture of each HEIC/AVIF file given: size, mode and the SHA-256
of the decoded pixels (libheif through pillow-heif), primary picture first. The pillow-heif wheel
decodes HEVC only, so AVIF goes through Pillow's own libavif plugin (primary picture). core/tests/media_corpus.rs
compares these lines for an original and its cleaned copy: equal lines mean equal pixels.
Exit status 2 when pillow-heif is missing (the test then skips or, under CI, fails)."""
import hashlib
import sys

try:
    import pillow_heif
except ImportError:
    sys.stderr.write("pillow-heif is not installed (run scripts/setup-media-tools.sh)\n")
    sys.exit(2)


def is_avif(path):
    with open(path, "rb") as f:
        head = f.read(64)
    return head[4:8] == b"ftyp" and (b"avif" in head[8:32] or b"avis" in head[8:32])


def describe_avif(path):
    from PIL import AvifImagePlugin, Image

    # Some writers put a 4-byte offset before the TIFF header of the Exif item; Pillow's AVIF
    # reader then fails on the Exif, not on the picture. The pixels are what is compared here.
    load = Image.Exif.load

    def tolerant(self, data):
        try:
            load(self, data)
        except SyntaxError:
            pass

    Image.Exif.load = tolerant
    img = AvifImagePlugin.AvifImageFile(path)
    img.load()
    digest = hashlib.sha256(img.tobytes()).hexdigest()
    return [f"0 {img.size[0]}x{img.size[1]} {img.mode} {digest}"]


def describe(path):
    if is_avif(path) and not pillow_heif.libheif_info().get("AVIF"):
        return describe_avif(path)
    heif = pillow_heif.open_heif(path, convert_hdr_to_8bit=False)
    lines = []
    order = [heif.primary_index] + [i for i in range(len(heif)) if i != heif.primary_index]
    for i in order:
        img = heif[i]
        digest = hashlib.sha256(bytes(img.data)).hexdigest()
        lines.append(f"{i} {img.size[0]}x{img.size[1]} {img.mode} stride={img.stride} {digest}")
    return lines


def main():
    status = 0
    for path in sys.argv[1:]:
        try:
            for line in describe(path):
                print(line)
        except Exception as e:  # a file that does not decode is reported, not hidden
            print(f"UNDECODABLE {type(e).__name__}")
            status = 1
    sys.exit(status)


if __name__ == "__main__":
    main()
