#!/usr/bin/env bash
# Batch benchmark (figures only, not a test): the bench corpus cleaned with `--jobs 2` vs
# `--jobs 1` (target >= 1.6x), against a plain parallel copy with fsync (two write_baseline
# processes, each: read, write temp, fsync, rename, fsync dir; target >= 0.85x of its
# throughput), and peak memory with 10 vs 1,000 files (target: flat). Also timed: the copy with one
# and with four processes (the storage's serial rate, and its ceiling for --jobs 2's four files in
# flight), and every run's CPU seconds (what a core of cleaning costs per byte against a copy).
# usage: scripts/bench_batch.sh [CORPUS_DIR]   (default: $SHARESAFE_BENCH_CORPUS, target/bench-corpus)
# BENCH_TMP=DIR puts the outputs there (default /tmp, the disk): /dev/shm shows the processor's
# cost alone (fsync is free); an ext4 file system on a RAM-backed loop device shows a journal's
# fsync without a disk's latency. BENCH_REPS=N (default 2) keeps the best of N runs.
set -euo pipefail
cd "$(dirname "$0")/.."
corpus="${1:-${SHARESAFE_BENCH_CORPUS:-target/bench-corpus}}"
if [ ! -f "$corpus/corpus.json" ]; then
  python3 -c 'import numpy, PIL' 2>/dev/null || python3 -m pip install -q numpy pillow
  mkdir -p "$corpus"
  python3 ../shared/tools/make_bench_corpus.py "$corpus"
fi
target="${CARGO_TARGET_DIR:-target}"
if [ -z "${BENCH_NO_BUILD:-}" ]; then
  # Two commands: with --example, cargo builds only the example, not the CLI binary.
  cargo build --release -q -p sharesafe-cli
  cargo build --release -q -p sharesafe-core --example write_baseline
fi
python3 - "$corpus" "$target/release/sharesafe" "$target/release/examples/write_baseline" \
  "../shared/corpus/jpeg/mei/Apple_iPhone_4.jpg" <<'PY'
import os, shutil, subprocess, sys, tempfile, time
from pathlib import Path

corpus, sharesafe, baseline, small = (Path(a) for a in sys.argv[1:5])
files = sorted(p for p in corpus.iterdir() if p.suffix in (".jpg", ".png", ".webp"))
mb = sum(p.stat().st_size for p in files) / 1e6
for p in files:
    p.read_bytes()  # warm the page cache for everyone alike
work = Path(tempfile.mkdtemp(prefix="sharesafe-bench-batch-", dir=os.environ.get("BENCH_TMP", "/tmp")))

def fresh(name):
    d = work / name
    shutil.rmtree(d, ignore_errors=True)
    d.mkdir()
    return d

TIME = shutil.which("time") or ("/usr/bin/time" if os.path.exists("/usr/bin/time") else None)

def run(cmds):
    """Runs the commands at once; returns (seconds, peak RSS MB of the largest, CPU seconds of
    all: user + system). Both come from GNU time, whose child starts small: a child forked or
    spawned from Python would carry Python's own peak RSS across exec."""
    t0 = time.perf_counter()
    outs, procs = [], []
    for c in cmds:
        f = tempfile.NamedTemporaryFile(prefix="rss-", delete=False)
        f.close()
        outs.append(f.name)
        pre = [TIME, "-f", "%U %S %M", "-o", f.name] if TIME else []
        procs.append(subprocess.Popen(pre + c, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE))
    for p in procs:
        if p.wait() != 0:
            sys.exit(f"failed ({p.returncode}): {' '.join(map(str, p.args[:8]))}\n{p.stderr.read().decode(errors='replace')[-1000:]}")
    dt = time.perf_counter() - t0
    rss, cpu = 0.0, 0.0
    for o in outs:
        try:
            user, system, kb = open(o).read().split()[-3:]
            rss = max(rss, int(kb) / 1024)
            cpu += float(user) + float(system)
        except (ValueError, IndexError):
            rss, cpu = float("nan"), float("nan")
        os.unlink(o)
    return dt, rss, cpu

def clear():
    """Deletes every earlier output before a measurement: on this VM, memory the guest has not
    touched before costs several times more to fill, so outputs left behind would penalise
    whichever run comes last (a --jobs 1 clean into tmpfs: 0.9 s, and 7.2 s with 3.5 GB of
    earlier outputs left there)."""
    for old in work.iterdir():
        shutil.rmtree(old, ignore_errors=True)
    # And the deletion flushed outside the timing: the file system is mounted with `discard`
    # here, and the next fsync would otherwise carry the trim of the 0.9 GB just deleted (and
    # with ext4's ordered journal, any data still dirty), penalising whichever run comes next.
    os.sync()

def best(n, make):
    """The fastest of n runs, and every run's seconds (the spread shows how noisy storage was)."""
    runs = []
    for _ in range(n):
        clear()
        runs.append(run(make()))
    return min(runs, key=lambda r: r[0]), [r[0] for r in runs]

def split(k):
    """The corpus dealt into k lists, one per copy process."""
    return [files[i::k] for i in range(k)]

reps = int(os.environ.get("BENCH_REPS", "2"))
print(f"corpus: {len(files)} files, {mb:.0f} MB in {corpus}; best of {reps}")
res = {
    "copy+fsync, 4 processes": best(reps, lambda: [
        [str(baseline), str(fresh(f"base4-{i}")), *map(str, part)] for i, part in enumerate(split(4))]),
    "copy+fsync, 2 processes": best(reps, lambda: [
        [str(baseline), str(fresh(f"base2-{i}")), *map(str, part)] for i, part in enumerate(split(2))]),
    "copy+fsync, 1 process": best(reps, lambda: [[str(baseline), str(fresh("base1")), *map(str, files)]]),
    "sharesafe --jobs 1": best(reps, lambda: [[str(sharesafe), "clean", "--jobs", "1", "--out", str(fresh("s1")), str(corpus)]]),
    "sharesafe --jobs 2": best(reps, lambda: [[str(sharesafe), "clean", "--jobs", "2", "--out", str(fresh("s2")), str(corpus)]]),
}
print(f"\n{'run':<26}{'seconds':>9}{'MB/s':>7}{'CPU s':>7}{'peak RSS MB':>13}  every run's seconds")
for k, ((dt, rss, cpu), all_runs) in res.items():
    print(f"{k:<26}{dt:>9.2f}{mb / dt:>7.0f}{cpu:>7.2f}{rss:>13.1f}  {' '.join(f'{t:.2f}' for t in all_runs)}")
s1, s2 = (res[f"sharesafe --jobs {j}"][0][0] for j in (1, 2))
c1, c2, c4 = (res[f"copy+fsync, {k} process{'es' if k > 1 else ''}"][0][0] for k in (1, 2, 4))
print(f"\nspeed-up --jobs 2 vs --jobs 1: {s1 / s2:.2f}x (target >= 1.6x; {os.cpu_count()} cores, load {os.getloadavg()[0]:.1f})")
print(f"--jobs 2 vs parallel copy+fsync: {c2 / s2:.2f}x throughput (target >= 0.85x)")
# Why the two targets meet in no one setting of a two-core machine: --jobs 1 syncs and publishes a
# photo on its own thread while it cleans the next, so where the storage is the bound it already
# runs at the parallel copy's rate (no headroom left for --jobs 2); where the storage costs nothing
# (tmpfs) --jobs 2 scales, but the copy is a memory copy and the verification read-back is not.
# The two bounds printed last make that a number for the storage at hand.
print(f"--jobs 1 vs serial copy+fsync: {c1 / s1:.2f}x throughput; --jobs 1 vs parallel copy+fsync: {c2 / s1:.2f}x; the copy's own 2-vs-1 scaling: {c1 / c2:.2f}x")
# --jobs 2 has up to four files in flight (two being cleaned, two being synced), so four copy
# processes are the storage's ceiling for it; the CPU seconds say what a core of cleaning costs.
cpu_s1, cpu_c1 = res["sharesafe --jobs 1"][0][2], res["copy+fsync, 1 process"][0][2]
print(f"the storage with four writers: {mb / c4:.0f} MB/s; CPU per GB: sharesafe {cpu_s1 / mb * 1e3:.2f} s, copy {cpu_c1 / mb * 1e3:.2f} s")
# --jobs 2 can be no faster than four copy processes, nor than --jobs 1 times the cores; and where
# both it and the copy are processor-bound, its throughput against the copy is their CPU ratio.
cores = os.cpu_count() or 1
print(f"bounds here: speed-up <= {min(cores, s1 / c4):.2f}x (the storage's four-writer rate, or the cores); "
      f"throughput vs the copy about {cpu_c1 / cpu_s1:.2f}x where both are processor-bound")

# Memory as the number of files grows: the same photo 10 and 1,000 times.
for n in (10, 1000):
    d = fresh(f"many-{n}")
    for i in range(n):
        os.link(small, d / f"p{i:04}.jpg") if os.stat(small).st_dev == os.stat(d).st_dev else shutil.copy(small, d / f"p{i:04}.jpg")
    dt, rss, _ = run([[str(sharesafe), "clean", "--jobs", "2", "--out", str(fresh(f"many-out-{n}")), str(d)]])
    print(f"{n:>5} files: {dt:6.2f} s, peak RSS {rss:6.1f} MB")
shutil.rmtree(work, ignore_errors=True)
PY
