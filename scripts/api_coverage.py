"""How much of PyTorch's public API rtorch has, per namespace, counted against PyTorch's own name lists.

PyTorch's names are recorded once (with PyTorch installed) into tests/fixtures/torch_api.json, so the count
runs without PyTorch (CI); the README's coverage summary is this script's table, and
tests/test_api_coverage.py fails when it is stale.

    python scripts/api_coverage.py                  # the table (markdown)
    python scripts/api_coverage.py --missing        # also every missing name, per namespace
    /work/tvenv/bin/python scripts/api_coverage.py --record   # re-record PyTorch's names (needs torch)

What is counted: `torch.*` functions (callables that are not classes), `Tensor` methods and attributes,
`torch.special.__all__`, `torch.nn.functional` functions, `torch.nn.modules.__all__`, optimizer classes in
`torch.optim`, `torch.linalg.__all__`, `torch.fft.__all__`. Names are left out (EXCLUDED, each pattern with its
reason) when they are not an op a program calls on rtorch's supported surface: PyTorch internals exported
without an underscore, other backends' kernels (cuDNN, MIOpen, MKLDNN, FBGEMM), quantized and
sparse-compressed tensors, symbolic shapes, TorchScript/compile/autocast machinery, typing re-exports.
"""
import argparse
import json
import pathlib
import re
import sys

ROOT = pathlib.Path(__file__).resolve().parent.parent
FIXTURE = ROOT / "tests" / "fixtures" / "torch_api.json"
NAMESPACES = ("torch", "Tensor", "special", "functional", "nn", "optim", "linalg", "fft")
TITLES = {"torch": "`torch.*` functions", "Tensor": "`Tensor` methods and attributes",
          "special": "`torch.special`", "functional": "`torch.nn.functional`", "nn": "`torch.nn` modules",
          "optim": "`torch.optim` optimizers", "linalg": "`torch.linalg`", "fft": "`torch.fft`"}

# (namespace, regex on the name, reason): names not counted.
EXCLUDED = [
    ("*", r"^(cudnn|miopen|mkldnn|fbgemm)_|_mkldnn|^is_vulkan", "another backend's kernels"),
    ("*", r"quantiz|^q_|^int_repr$|^qscheme$|fake_quant|^dequantize$|^choose_qparams", "quantized tensors"),
    ("*", r"^(sparse_(bsc|bsr|csc|csr|compressed)|to_sparse_(bsc|bsr|csc|csr)|(crow|ccol|row|col)_indices)",
     "sparse compressed layouts"),
    ("*", r"^sym_|^_?sym_constrain", "symbolic shapes (torch.compile)"),
    ("*", r"autocast|^compile$|^compiled_with|^vmap$|^cond$|^while_loop$|^fork$|^wait$|^import_ir_module|"
          r"^parse_(ir|schema|type_comment)$|^merge_type_from|^unify_type_list$|^classproperty$|^typename$|"
          r"^get_file_path$|^prepare_multiprocessing|^profiler_|^thread_safe_generator$|^hash_tensor$",
     "TorchScript, torch.compile, autocast and profiler machinery"),
    ("*", r"^(segment_reduce|saddmm|hspmm|hsmm|dsmm|smm|sspaddmm|spmm)$|^batch_norm_(backward|elemt|gather|stats|"
          r"update)|^native_|^nonzero_static$|^slice_inverse$|^conv_tbc$|^norm_except_dim$|^frobenius_norm$|"
          r"^nuclear_norm$|^constant_pad_nd$|^affine_grid_generator$|^grid_sampler_[23]d$|^_?fused_",
     "internal kernels PyTorch exports without an underscore"),
    ("functional", r"^(Callable|DType|Optional|Tensor|ScalingType|SwizzleType|boolean_dispatch|assert_int_or_pair|"
                   r"handle_torch_function|has_torch_function\w*)$", "typing and dispatch helpers, not ops"),
    ("functional", r"^(grouped_mm|scaled_grouped_mm|scaled_mm|scaled_addmm_?)$", "FP8 scaled matmuls (CUDA-only)"),
    ("Tensor", r"^(ipu|xpu|mtia|to_mkldnn|record_stream|module_load|reinforce|volatile|output_nr|name|"
               r"storage_type|map2_|map_|apply_)$", "other devices and legacy internals"),
    ("nn", r"^(Container|LinearCrossEntropyOptions)$", "deprecated base class / configuration record"),
    ("linalg", r"^common_notes$", "a documentation string, not a function"),
    ("fft", r"^Tensor$", "a re-export of torch.Tensor"),
]


def excluded(ns, name):
    return next((why for n, pat, why in EXCLUDED if n in ("*", ns) and re.search(pat, name)), None)


def record():
    import torch
    import torch.nn as nn
    import torch.nn.functional as F

    def public(names):
        return sorted({n for n in names if not n.startswith("_")})

    api = {
        "torch": public(n for n in dir(torch) if callable(getattr(torch, n)) and not isinstance(getattr(torch, n), type)),
        "Tensor": public(dir(torch.Tensor)),
        "special": public(torch.special.__all__),
        "functional": public(n for n in dir(F) if callable(getattr(F, n))),
        "nn": public(nn.modules.__all__),
        "optim": public(n for n in dir(torch.optim) if isinstance(getattr(torch.optim, n), type)),
        "linalg": public(n for n in dir(torch.linalg) if not n.startswith("_") and callable(getattr(torch.linalg, n))
                         or n == "LinAlgError"),
        "fft": public(n for n in dir(torch.fft) if callable(getattr(torch.fft, n))),
    }
    FIXTURE.write_text(json.dumps({"torch_version": torch.__version__.split("+")[0], "names": api}, indent=1) + "\n")
    print(f"wrote {FIXTURE.relative_to(ROOT)} (PyTorch {torch.__version__})")


def _module(ns):
    import rtorch
    import rtorch.nn.functional

    return {"torch": rtorch, "Tensor": rtorch.Tensor, "special": getattr(rtorch, "special", None),
            "functional": rtorch.nn.functional, "nn": rtorch.nn, "optim": rtorch.optim,
            "linalg": getattr(rtorch, "linalg", None), "fft": getattr(rtorch, "fft", None)}[ns]


def coverage():
    """{namespace: (have, counted, missing names, excluded count)} and PyTorch's version."""
    data = json.loads(FIXTURE.read_text())
    out = {}
    for ns in NAMESPACES:
        mod = _module(ns)
        counted = [n for n in data["names"][ns] if not excluded(ns, n)]
        missing = [n for n in counted if mod is None or not hasattr(mod, n)]
        out[ns] = (len(counted) - len(missing), len(counted), missing, len(data["names"][ns]) - len(counted))
    return out, data["torch_version"]


def table(cov, version):
    lines = [f"| namespace (PyTorch {version}'s public names) | rtorch has | of | share |", "|---|---:|---:|---:|"]
    tot_have = tot = 0
    for ns in NAMESPACES:
        have, n, _, _ = cov[ns]
        tot_have, tot = tot_have + have, tot + n
        lines.append(f"| {TITLES[ns]} | {have} | {n} | {100 * have / n:.0f}% |")
    lines.append(f"| **all** | **{tot_have}** | **{tot}** | **{100 * tot_have / tot:.0f}%** |")
    return "\n".join(lines)


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--record", action="store_true", help="record PyTorch's names (needs torch)")
    ap.add_argument("--missing", action="store_true", help="list the missing names")
    args = ap.parse_args()
    if args.record:
        return record()
    sys.path.insert(0, str(ROOT / "python"))
    cov, version = coverage()
    print(table(cov, version))
    if args.missing:
        for ns in NAMESPACES:
            print(f"\n{ns} missing ({len(cov[ns][2])}): {' '.join(cov[ns][2])}")


if __name__ == "__main__":
    sys.exit(main())
