#!/usr/bin/env bash
# Installs the outside tools the media behaviour tests (core/tests/media_corpus.rs) and
# scripts/bench_media.sh use as independent judges of a clean:
#   exiftool  - does any GPS/make/model/serial/capture-time/XMP survive?
#   ffmpeg    - do the video frames decode to the same bytes (-f framemd5)?
#   pillow-heif - do HEIC/AVIF decode to the same pixels?
#   time      - /usr/bin/time -v for peak RSS in the benchmark.
# Versions are pinned so a pixel comparison means the same thing on every machine.
set -euo pipefail

need_apt=()
command -v exiftool >/dev/null 2>&1 || need_apt+=(libimage-exiftool-perl)
command -v ffmpeg >/dev/null 2>&1 || need_apt+=(ffmpeg)
[ -x /usr/bin/time ] || need_apt+=(time)
if [ "${#need_apt[@]}" -gt 0 ]; then
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  apt-get install -y -qq --no-install-recommends "${need_apt[@]}"
fi

PY="${PYTHON:-python3}"
# Pillow >= 11.2 decodes AVIF itself (the pillow-heif wheel decodes HEVC only).
if ! "$PY" -c 'import pillow_heif, PIL, sys; sys.exit(not (pillow_heif.__version__ == "1.8.1" and PIL.__version__ == "12.3.0"))' >/dev/null 2>&1; then
  "$PY" -m pip install --quiet --disable-pip-version-check \
    'pillow==12.3.0' 'pillow-heif==1.8.1'
fi

exiftool -ver
ffmpeg -hide_banner -version | head -n 1
"$PY" -c 'import pillow_heif, PIL; print("pillow", PIL.__version__, "pillow-heif", pillow_heif.__version__)'
