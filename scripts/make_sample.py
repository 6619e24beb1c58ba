#!/usr/bin/env python3
"""Makes samples/beach-day.jpg: the bundled demo photo, drawn by this script (CC0, ours).

A painted beach scene (no real person) carrying the metadata a phone photo of a child typically
carries when it is shared: GPS, camera make/model/serial, capture time, an EXIF thumbnail, XMP with
a named person, IPTC with a caption, a city and a Facebook-style FBMD code, a JPEG comment, and an
sRGB ICC profile (which must survive cleaning). Needs Pillow and exiftool; run by hand, the output
is committed.
"""
import io
import subprocess
import sys
from pathlib import Path

from PIL import Image, ImageCms, ImageDraw, ImageFilter

out = Path(sys.argv[1] if len(sys.argv) > 1 else "samples/beach-day.jpg")
W, H = 1600, 1200
img = Image.new("RGB", (W, H))
d = ImageDraw.Draw(img)
for y in range(H // 2):  # sky gradient
    t = y / (H / 2)
    d.line([(0, y), (W, y)], fill=(int(110 + 90 * t), int(170 + 60 * t), int(235 - 10 * t)))
for y in range(H // 2, int(H * 0.68)):  # sea
    t = (y - H / 2) / (H * 0.18)
    d.line([(0, y), (W, y)], fill=(int(20 + 30 * t), int(100 + 50 * t), int(160 + 30 * t)))
for y in range(int(H * 0.68), H):  # sand
    t = (y - H * 0.68) / (H * 0.32)
    d.line([(0, y), (W, y)], fill=(int(225 - 25 * t), int(200 - 25 * t), int(150 - 30 * t)))
d.ellipse([1220, 120, 1400, 300], fill=(255, 236, 140))  # sun
for i in range(9):  # waves
    y = int(H * 0.52) + i * 26
    d.arc([-100 + (i % 3) * 60, y, W + 100, y + 40], 200, 340, fill=(230, 240, 250), width=3)
# a sandcastle and a bucket
d.polygon([(300, 1000), (520, 1000), (500, 860), (320, 860)], fill=(200, 170, 110))
d.rectangle([360, 780, 460, 860], fill=(205, 175, 115))
d.polygon([(640, 1040), (760, 1040), (780, 920), (620, 920)], fill=(220, 60, 60))
d.arc([630, 860, 770, 960], 180, 360, fill=(90, 90, 90), width=6)
# a beach umbrella
d.pieslice([950, 560, 1450, 900], 180, 360, fill=(240, 120, 40))
d.line([(1200, 730), (1220, 1080)], fill=(120, 90, 60), width=10)
img = img.filter(ImageFilter.GaussianBlur(1.2))

srgb = ImageCms.ImageCmsProfile(ImageCms.createProfile("sRGB")).tobytes()
buf = io.BytesIO()
img.save(buf, "JPEG", quality=88, icc_profile=srgb)
out.parent.mkdir(parents=True, exist_ok=True)
out.write_bytes(buf.getvalue())

subprocess.run(
    [
        "exiftool", "-q", "-overwrite_original",
        "-Make=Google", "-Model=Pixel 8", "-SerialNumber=3A1B9F27XK",
        "-LensModel=Pixel 8 back camera 6.9mm f/1.68",
        "-Software=HDR+ 1.0.612345678zd",
        "-DateTimeOriginal=2026:07:14 10:32:05", "-OffsetTimeOriginal=+02:00",
        "-ImageUniqueID=7c1e2b9a0f3d4e5a8b6c7d8e9f0a1b2c",
        "-GPSLatitude=49.5047", "-GPSLatitudeRef=N",
        "-GPSLongitude=5.9806", "-GPSLongitudeRef=E", "-GPSAltitude=312",
        "-XMP-iptcExt:PersonInImage=Lisa Example",
        "-XMP-dc:Description=Lisa (6) building a sandcastle",
        "-XMP-xmpMM:DocumentID=xmp.did:0d5c1f3e-92a4-4b1c-8a77-5e2f19d0c6aa",
        "-IPTC:City=Esch-sur-Alzette", "-IPTC:Country-PrimaryLocationName=Luxembourg",
        "-IPTC:Caption-Abstract=Lisa at the beach, first day of summer holidays",
        "-IPTC:SpecialInstructions=FBMD01000a8a0d0000b5310000f3520000e05a0000c3620000",
        "-Comment=Lisa's first sandcastle",
        str(out),
    ],
    check=True,
)
# EXIF thumbnail (exiftool writes it from a file).
thumb = io.BytesIO()
img.resize((160, 120)).save(thumb, "JPEG", quality=70)
tpath = out.with_suffix(".thumb.jpg")
tpath.write_bytes(thumb.getvalue())
subprocess.run(["exiftool", "-q", "-overwrite_original", f"-ThumbnailImage<={tpath}", str(out)], check=True)
tpath.unlink()
print(f"wrote {out} ({out.stat().st_size} bytes)")
