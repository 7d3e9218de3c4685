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
    ap.add_argument("--only", help="run only the workloads whose name contains this text")
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
        if args.only and args.only not in name:
            return
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
    # Other row lengths (4M elements each): the one-warp-per-row kernels cover rows up to 1024.
    for r in (64, 256, 3000):
        rows_ = (1 << 22) // r
        xs_r = xr[: rows_ * r].reshape(rows_, r)
        xs_t = xt[: rows_ * r].reshape(rows_, r) if xt is not None else None
        bench(f"log_softmax(-1) {rows_}x{r}", lambda: (lambda: xs_r.log_softmax(-1)),
              lambda: (lambda: xs_t.log_softmax(-1)), check=1e-5)
    gs_r = rtorch.randn(4096, 1024, device="cuda")
    gs_t = torch.from_numpy(gs_r.cpu().numpy()).cuda() if torch else None
    sg_r = sr.detach().requires_grad_()
    sg_t = st.detach().requires_grad_() if st is not None else None
    bench("softmax fwd+bwd 4096x1024", lambda: (lambda: rtorch.autograd.grad(sg_r.softmax(-1), sg_r, gs_r)[0]),
          lambda: (lambda: torch.autograd.grad(sg_t.softmax(-1), sg_t, gs_t)[0]), check=1e-5)

    # Advanced indexing on the device: an embedding-style row gather and a boolean mask.
    rng = np.random.default_rng(0)
    table_r = xr.reshape(1 << 18, 64)
    table_t = xt.reshape(1 << 18, 64) if xt is not None else None
    idx_np = rng.integers(0, 1 << 18, size=1 << 16)
    idx_r = rtorch.tensor(idx_np).cuda()
    idx_t = torch.from_numpy(idx_np).cuda() if torch else None
    bench("x[idx] rows: 64K of 256Kx64 f32", lambda: (lambda: table_r[idx_r]), lambda: (lambda: table_t[idx_t]),
          check=0, nbytes=2 * 4 * 64 * (1 << 16))
    bench("cumsum 16M f32", lambda: (lambda: xr.cumsum(0)), lambda: (lambda: xt.cumsum(0)), check=None, nbytes=8 * n)
    mask_r = xr > 0.5
    mask_t = xt > 0.5 if xt is not None else None
    bench("x[mask] 16M f32, half true", lambda: (lambda: xr[mask_r]), lambda: (lambda: xt[mask_t]), check=0)

    # Host -> device copies of 64 MB: pageable, and pinned with non_blocking (both synchronised).
    host_np = rng.random(1 << 24, dtype=np.float32)
    h_r = rtorch.from_numpy(host_np)
    h_t = torch.from_numpy(host_np) if torch else None
    bench("H2D 64 MB pageable", lambda: (lambda: h_r.cuda()), lambda: (lambda: h_t.cuda()), nbytes=4 << 24)
    try:
        hp_r = h_r.pin_memory()
        hp_t = h_t.pin_memory() if torch else None
        bench("H2D 64 MB pinned, non_blocking", lambda: (lambda: hp_r.cuda(non_blocking=True)),
              lambda: (lambda: hp_t.cuda(non_blocking=True)), nbytes=4 << 24)
        d_r = xr
        d_t = xt
        bench("D2H 64 MB into pinned, non_blocking", lambda: (lambda: d_r.to("cpu", non_blocking=True)),
              lambda: (lambda: d_t.to("cpu", non_blocking=True)), nbytes=4 << 24)
    except RuntimeError as e:  # pragma: no cover
        print("pinned memory unavailable:", e)

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
