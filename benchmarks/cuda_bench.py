"""CUDA benchmark: rtorch beside PyTorch on the same GPU, in one run.

Each workload is checked for equal results first, then timed as the median of repeated runs with a
device synchronisation around each repetition. Elementwise bandwidth is reported as a fraction of a
device-to-device copy measured in the same run. Usage:

    python benchmarks/cuda_bench.py [--json out.json]
"""
import argparse
import json
import statistics
import time

import numpy as np

import rtorch

try:
    import torch
except ImportError:  # pragma: no cover
    torch = None


def timeit(fn, sync, reps=20, warmup=3):
    for _ in range(warmup):
        fn()
    sync()
    ts = []
    for _ in range(reps):
        t0 = time.perf_counter()
        fn()
        sync()
        ts.append(time.perf_counter() - t0)
    return statistics.median(ts)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--json")
    args = ap.parse_args()
    if not rtorch.cuda.is_available():
        print("no CUDA GPU: nothing to measure")
        return
    rs = rtorch.cuda.synchronize
    ts = torch.cuda.synchronize if torch is not None and torch.cuda.is_available() else None
    print(f"device: {rtorch.cuda.get_device_name()}; torch {torch.__version__ if torch else 'absent'}")
    if torch is not None:
        torch.backends.cuda.matmul.allow_tf32 = False
    rows = []

    def bench(name, make_r, make_t, check=None, nbytes=None, flops=None):
        fr = make_r()
        t_r = timeit(fr, rs)
        t_t = None
        if ts is not None and make_t is not None:
            ft = make_t()
            if check is not None:
                a = np.asarray(fr().cpu().double().numpy() if hasattr(fr(), "cpu") else fr())
                b = ft().double().cpu().numpy()
                np.testing.assert_allclose(a, b, rtol=check, atol=check)
            t_t = timeit(ft, ts)
        row = {"workload": name, "rtorch_ms": t_r * 1e3, "torch_ms": None if t_t is None else t_t * 1e3}
        extra = ""
        if nbytes:
            row["rtorch_GBps"] = nbytes / t_r / 1e9
            extra = f"  {row['rtorch_GBps']:.0f} GB/s"
        if flops:
            row["rtorch_TFLOPs"] = flops / t_r / 1e12
            extra = f"  {row['rtorch_TFLOPs']:.1f} TFLOP/s"
        ratio = "" if t_t is None else f"  torch {t_t * 1e3:8.3f} ms  speed vs torch {t_t / t_r:5.2f}x"
        print(f"{name:38s} rtorch {t_r * 1e3:8.3f} ms{ratio}{extra}")
        rows.append(row)

    n = 1 << 24
    xr, yr = rtorch.rand(n, device="cuda"), rtorch.rand(n, device="cuda")
    if torch is not None:
        xt, yt = torch.from_numpy(xr.cpu().numpy()).cuda(), torch.from_numpy(yr.cpu().numpy()).cuda()
    else:
        xt = yt = None
    # Reference bandwidth: device-to-device copy (bytes read + written) by PyTorch if present.
    if xt is not None:
        buf = torch.empty_like(xt)
        t_copy = timeit(lambda: buf.copy_(xt), ts)
        copy_bw = 2 * 4 * n / t_copy / 1e9
        print(f"{'d2d copy 16M f32 (torch)':38s} {t_copy * 1e3:8.3f} ms  {copy_bw:.0f} GB/s")
    else:
        copy_bw = None
    rc = rtorch.empty(n, device="cuda")
    bench("copy_ 16M f32", lambda: (lambda: rc.copy_(xr)), None, nbytes=8 * n)
    bench("add 16M f32 (new result)", lambda: (lambda: xr + yr), lambda: (lambda: xt + yt), check=1e-6, nbytes=12 * n)
    bench("mul 16M f32 (new result)", lambda: (lambda: xr * yr), lambda: (lambda: xt * yt), check=1e-6, nbytes=12 * n)
    bench("exp 16M f32", lambda: (lambda: xr.exp()), lambda: (lambda: xt.exp()), check=1e-5, nbytes=8 * n)
    bench("gelu 16M f32", lambda: (lambda: rtorch.nn.functional.gelu(xr)),
          lambda: (lambda: torch.nn.functional.gelu(xt)), check=1e-5, nbytes=8 * n)
    bench("sum 16M f32", lambda: (lambda: xr.sum()), lambda: (lambda: xt.sum()), check=1e-1)
    m2r = xr.reshape(4096, 4096)
    m2t = xt.reshape(4096, 4096) if xt is not None else None
    bench("sum(-1) 4096x4096", lambda: (lambda: m2r.sum(-1)), lambda: (lambda: m2t.sum(-1)), check=1e-2)
    bench("transpose(0,1).contiguous() 4096^2", lambda: (lambda: m2r.t().contiguous()),
          lambda: (lambda: m2t.t().contiguous()), check=0, nbytes=8 * n)
    sr = xr[: 4096 * 1024].reshape(4096, 1024)
    st = xt[: 4096 * 1024].reshape(4096, 1024) if xt is not None else None
    bench("softmax(-1) 4096x1024", lambda: (lambda: sr.softmax(-1)), lambda: (lambda: st.softmax(-1)), check=1e-6)
    for size, dt in ((1024, "float32"), (4096, "float32"), (4096, "bfloat16")):
        ar = rtorch.randn(size, size, device="cuda").to(getattr(rtorch, dt))
        br = rtorch.randn(size, size, device="cuda").to(getattr(rtorch, dt))
        at = torch.from_numpy(ar.float().cpu().numpy()).cuda().to(getattr(torch, dt)) if torch else None
        bt = torch.from_numpy(br.float().cpu().numpy()).cuda().to(getattr(torch, dt)) if torch else None
        bench(f"matmul {size} {dt}", lambda: (lambda: ar @ br), lambda: (lambda: at @ bt),
              check=None, flops=2 * size ** 3)

    # A training step of an MLP (forward, backward, Adam) at batch 512.
    def mlp_step_r():
        rtorch.manual_seed(0)
        model = rtorch.nn.Sequential(rtorch.nn.Linear(784, 512), rtorch.nn.ReLU(), rtorch.nn.Linear(512, 10)).cuda()
        opt = rtorch.optim.Adam(model.parameters(), 1e-3)
        x = rtorch.randn(512, 784, device="cuda")
        y = rtorch.randint(0, 10, (512,), device="cuda")

        def step():
            opt.zero_grad()
            rtorch.nn.functional.cross_entropy(model(x), y).backward()
            opt.step()
        return step

    def mlp_step_t():
        torch.manual_seed(0)
        model = torch.nn.Sequential(torch.nn.Linear(784, 512), torch.nn.ReLU(), torch.nn.Linear(512, 10)).cuda()
        opt = torch.optim.Adam(model.parameters(), 1e-3)
        x = torch.randn(512, 784, device="cuda")
        y = torch.randint(0, 10, (512,), device="cuda")

        def step():
            opt.zero_grad()
            torch.nn.functional.cross_entropy(model(x), y).backward()
            opt.step()
        return step

    bench("MLP 784-512-10 train step (b=512)", mlp_step_r, mlp_step_t if torch else None)
    if copy_bw:
        for r in rows:
            if "rtorch_GBps" in r:
                r["fraction_of_copy_bw"] = r["rtorch_GBps"] / copy_bw
                print(f"{r['workload']:38s} {r['fraction_of_copy_bw'] * 100:5.1f}% of the d2d copy rate")
    if args.json:
        with open(args.json, "w") as f:
            json.dump({"device": rtorch.cuda.get_device_name(), "copy_GBps": copy_bw, "rows": rows}, f, indent=1)


if __name__ == "__main__":
    main()
