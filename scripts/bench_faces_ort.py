#!/usr/bin/env python3
"""Side-by-side timing of CenterFace: onnxruntime (weights folded into constants) vs tract.

Why: the issue's target is detection within 1.5x onnxruntime at the same input size. This runs
onnxruntime on one thread at each size and, when the Rust bench binary is given, tract at the
same sizes, then prints one table.

usage: scripts/bench_faces_ort.py MODEL [--sizes 640x480,640x640,1280x960]
                                        [--tract-bin target/release/examples/faces_bench]
needs: pip install onnxruntime onnx numpy
"""
import argparse, re, statistics, subprocess, time

import numpy as np
import onnx
import onnxruntime as ort


def folded(model_path, w, h):
    """The model with every initializer removed from the graph inputs (so onnxruntime treats the
    weights as constants and can fold them), and input.1 fixed to [1, 3, h, w]."""
    m = onnx.load(model_path)
    inits = {i.name for i in m.graph.initializer}
    keep = [i for i in m.graph.input if i.name not in inits]
    del m.graph.input[:]
    m.graph.input.extend(keep)
    dims = m.graph.input[0].type.tensor_type.shape.dim
    for d, v in zip(dims, (1, 3, h, w)):
        d.ClearField("dim_param")
        d.dim_value = v
    # Output shapes were declared for the 32x32 input; let onnxruntime infer them.
    for o in m.graph.output:
        o.type.tensor_type.ClearField("shape")
    return m.SerializeToString()


def ort_ms(model_path, w, h, runs=5):
    so = ort.SessionOptions()
    so.intra_op_num_threads = 1
    so.inter_op_num_threads = 1
    so.graph_optimization_level = ort.GraphOptimizationLevel.ORT_ENABLE_ALL
    so.log_severity_level = 3  # the unused-initializer warnings are noise
    sess = ort.InferenceSession(folded(model_path, w, h), so, providers=["CPUExecutionProvider"])
    x = (np.random.default_rng(1).random((1, 3, h, w), dtype=np.float32) * 255).astype(np.float32)
    sess.run(None, {"input.1": x})
    times = []
    for _ in range(runs):
        t = time.perf_counter()
        sess.run(None, {"input.1": x})
        times.append((time.perf_counter() - t) * 1000)
    return statistics.median(times)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("model")
    ap.add_argument("--sizes", default="640x480,640x640,1280x960")
    ap.add_argument("--tract-bin")
    a = ap.parse_args()
    sizes = [tuple(map(int, s.split("x"))) for s in a.sizes.split(",")]
    tract = {}
    if a.tract_bin:
        out = subprocess.run([a.tract_bin, "sizes", a.model] + [f"{w}x{h}" for w, h in sizes],
                             check=True, capture_output=True, text=True).stdout
        for m in re.finditer(r"tract (\d+)x(\d+): median ([\d.]+) ms", out):
            tract[(int(m[1]), int(m[2]))] = float(m[3])
    print(f"{'input':>10} {'ort folded ms':>14} {'tract ms':>9} {'ratio':>6}")
    for w, h in sizes:
        o = ort_ms(a.model, w, h)
        t = tract.get((w, h))
        ratio = f"{t / o:.2f}" if t else "-"
        print(f"{w}x{h:<5} {o:14.1f} {t if t else float('nan'):9.1f} {ratio:>6}")


if __name__ == "__main__":
    main()
