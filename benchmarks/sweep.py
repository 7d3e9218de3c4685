#!/usr/bin/env python
"""The sweep: every public op family x layouts x sizes, rtorch beside PyTorch (and NumPy), each in its own process.

Usage (from the repository root):

    .venv/bin/python benchmarks/sweep.py --torch-python /path/to/python-with-torch        # full (~15-25 min)
    .venv/bin/python benchmarks/sweep.py --quick --only unary --torch-python ...          # development
    .venv/bin/python benchmarks/sweep.py --list                                           # the cases only
    .venv/bin/python benchmarks/sweep.py --baseline-path /tmp/old/python ...              # + an older rtorch

Cases
-----
* Elementwise rows come from the op declarations (``rtorch._rtorch._declarations()``) with the input
  domains of their test entries (``tests/op_rows.py``): a new op is swept without an edit here. Rows
  that have no generated Python name are reached through ``ELEMENTWISE_CALLS``; a row with neither
  stops the sweep with its id.
* Hand lists cover the rest: where/clamp/lerp/addcmul, casts (every dtype pair), copies, reductions and
  scans over every dim (first, middle, last, all), indexing and scatter, sort/topk/searchsorted,
  pooling/interpolate/convolution, softmax, norms, fwd+bwd of layers and losses, optimizer steps, matmul.
* Layouts: contiguous, transposed (``T``: a view of the transposed storage), permuted 3-D, sliced with a
  step in the inner dim, broadcast operands (a row, a column, a scalar) and 0-stride expanded inputs.
  Sizes: ~4M elements (2048x2048 or 64x256x256) and a 4x4 tensor (family ``overhead``: per-call cost).

Method
------
* Each library runs in its own worker process (``--worker``), so their thread pools never share a
  process; all use ``--threads`` threads (default 2: RTORCH/OMP/MKL/OPENBLAS_NUM_THREADS before import,
  ``torch.set_num_threads``). The workers build the same data from the same seed with NumPy.
* Before timing, each library's result is saved and compared with PyTorch's (NumPy's when PyTorch is
  absent): same shape and dtype, values within the case's tolerance (exact for integers, bools and
  indices). A mismatch is timed but marked ``!`` and left out of the summary statistics. Rows in ``REF64``
  (where PyTorch's float32 kernels are the inaccurate side) are checked against PyTorch's float64 result
  rounded to float32 instead; PyTorch is still timed in float32.
* Timing: ``--rounds`` rounds; in each, every library takes samples for ``--round-time`` seconds, the
  order alternating between rounds, with a ``--gap`` pause when switching process (spinning pool threads
  go idle). A sample batches calls so that it lasts >= 1 ms. The statistic is the median over all
  samples; the spread reported is the interquartile range relative to the median.
* Other processes: the machine's busy CPU time minus the workers' and this process's own is measured
  while a case is timed; with ``--wait-idle S`` a case waits up to S s for an idle machine and is timed
  again (twice at most) when others took more than 10% of the CPUs. Cases still disturbed are marked ``~``.
* ratio = PyTorch time / rtorch time (> 1: rtorch faster). Summary: geometric mean overall and per
  family, a histogram of ratios, the worst 30 cases; written as JSON and Markdown (``--out``).
"""
import argparse
import json
import math
import os
import re
import statistics
import subprocess
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)

BIG2 = (2048, 2048)  # ~4M elements
BIG3 = (64, 256, 256)
TINY2 = (4, 4)


# ================================ case description =============================================
def inp(shape, dtype="float32", lo=-1.0, hi=1.0, layout="contig", kind="uniform"):
    """One input: the logical shape, dtype, value range and the layout of the view handed to the op.

    layout: contig | T (transpose of the last two dims of a contiguous storage) | perm (3-D: a
    (c, a, b) storage permuted to (a, b, c)) | step (every other element of the last dim) | expand
    (0-stride: a (1, n) row expanded over the first dim) | expand_inner (a (m, 1) column expanded over
    the last dim). kind: uniform | int (integers in [lo, hi)) | bool (p(True) = hi) | index (integers in
    [0, hi)) | sorted (uniform, sorted along the last dim) | perm (a permutation of range(hi) per row).
    """
    return {"shape": list(shape), "dtype": dtype, "lo": lo, "hi": hi, "layout": layout, "kind": kind}


def case(name, family, expr, inputs, np_expr=None, setup=None, result=None, tol=None, size="big", ref64=False):
    """A swept case: `expr` is a Python expression over the inputs' names, `m` (rtorch or torch) and
    `F` (m.nn.functional); `setup` statements run once first; `result` (an expression evaluated after
    one call) is what is checked when the call's return value is not (in-place ops, optimizer steps);
    `ref64`: PyTorch's checked result is computed from float64 copies of the inputs (see REF64)."""
    return {"name": name, "family": family, "expr": expr, "inputs": inputs, "np_expr": np_expr,
            "setup": setup, "result": result, "tol": tol, "size": size, "ref64": ref64}


# Rows without a generated Python name, reached through their hand-bound spelling (and extra variants).
ELEMENTWISE_CALLS = {
    "hardtanh": ["F.hardtanh(x)"],
    "round": ["x.round()"],
    "round_decimals": ["x.round(decimals=2)"],
    "gelu": ["F.gelu(x)"],
    "gelu_tanh": ["F.gelu(x, approximate='tanh')"],
    "silu": ["F.silu(x)"],
    "mish": ["F.mish(x)"],
    "softplus": ["F.softplus(x)"],
    "elu": ["F.elu(x)"],
    "leaky_relu": ["F.leaky_relu(x, 0.1)"],
    "logit": ["x.logit()"],
    "nan_to_num": ["m.nan_to_num(x)"],
    "pow_scalar": ["x.pow(2)", "x ** 3.0", "x.pow(0.5)", "x.pow(-1)", "x ** 1.5", "x.pow(2.7)"],
    "add": ["x + y", "x + 2.5"],
    "sub": ["x - y"],
    "mul": ["x * y", "x * 2.5"],
    "div": ["x / y"],
    "pow": ["x.pow(y)"],
}
# speedcore: rows bound by hand since this table was written (issue 17's activations, polygamma, mvlgamma, frexp;
# frexp's exponent row is timed through the mantissa's call, which computes both).
ELEMENTWISE_CALLS.update({
    "hardswish": ["F.hardswish(x)"],
    "hardsigmoid": ["F.hardsigmoid(x)"],
    "hardshrink": ["F.hardshrink(x)"],
    "softshrink": ["F.softshrink(x)"],
    "log_sigmoid": ["F.logsigmoid(x)"],
    "polygamma": ["m.polygamma(1, x)"],
    "mvlgamma": ["x.mvlgamma(3)"],
    "frexp_mantissa": ["x.frexp()[0]"],
    "frexp_exponent": [],
})
# speednn2: smooth_l1_loss's elementwise row.
ELEMENTWISE_CALLS.update({"smooth_l1": ["F.smooth_l1_loss(x, x * 0.5, reduction='none')"]})
# The NumPy spelling where it differs from np.<name>(x[, y]).
NUMPY_NAMES = {"asin": "arcsin", "acos": "arccos", "atan": "arctan", "asinh": "arcsinh", "acosh": "arccosh",
               "atanh": "arctanh", "atan2": "arctan2", "neg": "negative", "bitwise_not": "invert",
               "shl": "left_shift", "shr": "right_shift", "reciprocal": "reciprocal", "eq": "equal",
               "ne": "not_equal", "lt": "less", "le": "less_equal", "gt": "greater", "ge": "greater_equal"}
NUMPY_CALLS = {"relu": "np.maximum(x, 0)", "x + y": "x + y", "x + 2.5": "x + np.float32(2.5)", "x - y": "x - y",
               "x * y": "x * y", "x * 2.5": "x * np.float32(2.5)", "x / y": "x / y", "x.pow(y)": "x ** y",
               "x.pow(2)": "x ** 2", "x ** 3.0": "x ** np.float32(3)", "x.pow(0.5)": "np.sqrt(x)",
               "x.pow(-1)": "np.float32(1) / x", "x ** 1.5": "x ** np.float32(1.5)",
               "x.pow(2.7)": "x ** np.float32(2.7)", "x.round()": "np.round(x)", "rsqrt": "1 / np.sqrt(x)",
               "sigmoid": "1 / (1 + np.exp(-x))", "silu": "x / (1 + np.exp(-x))",
               "frac": "x - np.trunc(x)", "leaky_relu": "np.where(x > 0, x, x * np.float32(0.1))"}
# Rows whose result is not exactly reproducible between libraries in float32 beyond a few ulps.
LOOSE = {"tan", "erfinv", "logit", "acosh", "atanh", "pow", "pow_scalar", "sinc", "lgamma", "digamma", "mish"}
# Rows checked against PyTorch's float64 result (rounded to float32): PyTorch's float32 recurrences lose up
# to 4e-4 relative (hermite_h) where rtorch's float64-evaluated kernels are within an ulp of PyTorch's
# float64 values (measured over 200k points per row, session 6).
REF64 = {"special_chebyshev_polynomial_t", "special_chebyshev_polynomial_u",
         "special_chebyshev_polynomial_v", "special_chebyshev_polynomial_w", "special_shifted_chebyshev_polynomial_t",
         "special_shifted_chebyshev_polynomial_u", "special_shifted_chebyshev_polynomial_v",
         "special_shifted_chebyshev_polynomial_w", "special_hermite_polynomial_h", "special_hermite_polynomial_he"}
# float32 cancellation in 1 + erf(x) for x << 0 (tests/op_rows.py gives these rows the same slack).
ABS_SLACK = {"gelu": 4e-6, "gelu_tanh": 4e-6,
             # PyTorch's airy_ai is 3e-6 off SciPy near x = -2.09 in float32 AND float64; rtorch's is within 3e-8.
             "special_airy_ai": 4e-6}


def unary_layouts(rows, cols):
    """(suffix, input layout) for the one-input ops at ~4M elements."""
    return [("", "contig"), (" T", "T"), (" step", "step"), (" expand", "expand_inner")]


def elementwise_cases(decls, refs, quick):
    """Every declared elementwise row: its calls x layouts at ~4M elements, and once at 4x4."""
    out = []
    for d in decls:
        rid, fam = d["id"], d["family"]
        ref = refs.get(fam, {}).get(rid)
        if rid in ELEMENTWISE_CALLS:
            calls = ELEMENTWISE_CALLS[rid]
        elif d["names"]:
            name = d["names"][0][0]
            if name.startswith("_special_"):
                # speedcore: PyTorch has these only as torch.special.<name>, as rtorch does publicly.
                args = "x" if fam == "unary" else "x, y"
                calls = [f"m.special.{name[len('_special_'):]}({args})"]
            elif fam == "unary":
                calls = [f"m.{name}(x)" if d["function"] else f"x.{name}()"]
            else:
                calls = [f"m.{name}(x, y)" if d["function"] else f"x.{name}(y)"]
        else:
            raise SystemExit(f"sweep: declared {fam} row {rid!r} has no Python name and no ELEMENTWISE_CALLS entry")
        kind = d["kind"]
        lo, hi = (ref.lo, ref.hi) if ref is not None else (-1.0, 1.0)
        if rid == "pow_scalar":
            lo, hi = 0.1, 3.0  # fractional exponents of negative numbers are NaN
        blo = ref.blo if ref is not None and ref.blo is not None else lo
        bhi = ref.bhi if ref is not None and ref.bhi is not None else hi
        ilo, ihi = ref.ints if ref is not None else (-20, 20)
        if kind in ("bits", "shift"):
            dtypes = ["int32"]
        elif kind == "keep" and fam == "unary" and d["names"]:
            dtypes = ["float32", "int32"]
        elif kind == "arith" and rid in ("add", "mul", "maximum"):
            dtypes = ["float32", "int32"]
        elif rid in ("gcd", "lcm"):
            dtypes = ["int32"]  # speedew: integer-only ops (float inputs raise in both libraries)
        else:
            dtypes = ["float32"]
        tol = (1e-3, 1e-5) if rid in LOOSE else (1e-5, ABS_SLACK[rid]) if rid in ABS_SLACK else None
        r64 = rid in REF64
        for call in calls:
            npname = NUMPY_NAMES.get(rid, rid)
            np_expr = NUMPY_CALLS.get(call) or NUMPY_CALLS.get(rid)
            if np_expr is None and call.startswith(("m.", "x.")) and "(" in call:
                import numpy as np
                if hasattr(np, npname):
                    np_expr = f"np.{npname}(x)" if fam == "unary" else f"np.{npname}(x, y)"
            for dt in dtypes:
                isint = dt != "float32"
                a = dict(lo=ilo, hi=ihi, kind="int") if isint else dict(lo=lo, hi=hi)
                b = dict(lo=max(ilo, 1) if rid in ("floor_divide", "remainder", "fmod") else ilo, hi=ihi,
                         kind="int") if isint else dict(lo=blo, hi=bhi)
                tag = "" if dt == "float32" else f" {dt}"
                fam_name = "unary" if fam == "unary" else "binary"
                if fam == "unary" or "y" not in call:
                    for suf, lay in unary_layouts(*BIG2):
                        if quick and lay not in ("contig", "T"):
                            continue
                        out.append(case(f"{call}{tag}{suf}", fam_name, call, {"x": inp(BIG2, dt, layout=lay, **a)},
                                        np_expr, tol=tol, ref64=r64))
                    out.append(case(f"{call}{tag} 4x4", "overhead", call, {"x": inp(TINY2, dt, **a)}, np_expr,
                                    tol=tol, size="tiny", ref64=r64))
                    continue
                R, C = BIG2
                lays = [("", BIG2, "contig", BIG2, "contig"), (" T", BIG2, "T", BIG2, "contig"),
                        (" TT", BIG2, "T", BIG2, "T"), (" step", BIG2, "step", BIG2, "contig"),
                        (" row", BIG2, "contig", (C,), "contig"), (" col", BIG2, "contig", (R, 1), "contig"),
                        (" expand", BIG2, "contig", BIG2, "expand")]
                for suf, sa, la, sb, lb in lays:
                    if (quick and suf not in ("", " T", " row")) or (suf in (" TT", " expand") and rid != "add"):
                        continue
                    out.append(case(f"{call}{tag}{suf}", fam_name, call,
                                    {"x": inp(sa, dt, layout=la, **a), "y": inp(sb, dt, layout=lb, **b)},
                                    np_expr, tol=tol, ref64=r64))
                out.append(case(f"{call}{tag} 4x4", "overhead", call,
                                {"x": inp(TINY2, dt, **a), "y": inp(TINY2, dt, **b)}, np_expr, tol=tol, size="tiny",
                                ref64=r64))
    return out


def ternary_cases(quick):
    """where / clamp / lerp / addcmul / addcdiv / masked_fill and in-place forms, contiguous and strided."""
    out = []
    L = [("", "contig"), (" T", "T"), (" step", "step")] if not quick else [("", "contig"), (" T", "T")]
    for suf, lay in L:
        X = lambda: inp(BIG2, layout=lay)  # noqa: E731
        out += [
            case(f"where(c, x, y){suf}", "ternary", "m.where(c, x, y)",
                 {"c": inp(BIG2, "bool", hi=0.5, kind="bool", layout=lay), "x": X(), "y": X()}, "np.where(c, x, y)"),
            case(f"where(x > 0, x, 0.0){suf}", "ternary", "m.where(x > 0, x, 0.0)", {"x": X()},
                 "np.where(x > 0, x, np.float32(0))"),
            case(f"clamp(x, -0.5, 0.5){suf}", "ternary", "x.clamp(-0.5, 0.5)", {"x": X()}, "np.clip(x, -0.5, 0.5)"),
            case(f"clamp(x, min=0){suf}", "ternary", "x.clamp(min=0)", {"x": X()}, "np.maximum(x, 0)"),
            case(f"lerp(x, y, 0.3){suf}", "ternary", "m.lerp(x, y, 0.3)", {"x": X(), "y": X()}),
            case(f"addcmul(x, y, z){suf}", "ternary", "m.addcmul(x, y, z, value=0.5)", {"x": X(), "y": X(), "z": X()}),
            case(f"addcdiv(x, y, z){suf}", "ternary", "m.addcdiv(x, y, z, value=0.5)",
                 {"x": X(), "y": X(), "z": inp(BIG2, lo=0.5, hi=2.0, layout=lay)}),
            case(f"masked_fill(x, c, 0){suf}", "ternary", "x.masked_fill(c, 0.0)",
                 {"x": X(), "c": inp(BIG2, "bool", hi=0.5, kind="bool", layout=lay)}),
        ]
    out += [
        case("x.add_(y)", "ternary", "x.add_(y)", {"x": inp(BIG2), "y": inp(BIG2)}, result="x", np_expr="np.add(x, y, out=x)"),
        case("x.mul_(2.0)", "ternary", "x.mul_(2.0)", {"x": inp(BIG2)}, result="x"),
        case("x.add_(y.T)", "ternary", "x.add_(y)", {"x": inp(BIG2), "y": inp(BIG2, layout="T")}, result="x"),
        case("x.clamp_(-0.5, 0.5)", "ternary", "x.clamp_(-0.5, 0.5)", {"x": inp(BIG2)}, result="x"),
        case("x.relu_()", "ternary", "x.relu_()", {"x": inp(BIG2)}, result="x"),
        case("x.zero_()", "ternary", "x.zero_()", {"x": inp(BIG2)}, result="x", np_expr="x.fill(0)"),
        case("x.fill_(1.5)", "ternary", "x.fill_(1.5)", {"x": inp(BIG2)}, result="x", np_expr="x.fill(1.5)"),
        case("x.T.fill_(1.5)", "ternary", "x.fill_(1.5)", {"x": inp(BIG2, layout="T")}, result="x"),
        case("where(c, x, y) 4x4", "overhead", "m.where(c, x, y)",
             {"c": inp(TINY2, "bool", hi=0.5, kind="bool"), "x": inp(TINY2), "y": inp(TINY2)}, size="tiny"),
        case("clamp 4x4", "overhead", "x.clamp(-0.5, 0.5)", {"x": inp(TINY2)}, size="tiny"),
    ]
    return out


DTYPES = ["float32", "float64", "float16", "bfloat16", "int64", "int32", "int16", "int8", "uint8", "bool"]


def cast_cases(quick):
    """x.to(dtype) for every dtype pair (contiguous), and the float32 pairs on transposed views."""
    out = []
    dts = DTYPES if not quick else ["float32", "float16", "bfloat16", "int32", "bool"]
    for a in dts:
        for b in dts:
            if a == b:
                continue
            src = inp(BIG2, a, lo=-100, hi=100, kind="int") if a not in ("float32", "float64", "float16", "bfloat16") \
                else inp(BIG2, a, lo=-100, hi=100)
            if a == "bool":
                src = inp(BIG2, a, hi=0.5, kind="bool")
            if a == "uint8" or b == "uint8":
                src["lo"] = 0  # negative floats to uint8 are undefined behaviour in C (and differ)
            if b in ("int8",) and a not in ("bool",):
                src["lo"], src["hi"] = -100, 100
            np_b = {"bfloat16": None}.get(b, b)
            np_expr = f"x.astype(np.{np_b})" if np_b and a != "bfloat16" else None
            out.append(case(f"{a}->{b}", "cast", f"x.to(m.{b})", {"x": src}, np_expr))
            if a == "float32" or b == "float32":
                if not quick or b in ("float16", "int32"):
                    s2 = dict(src, layout="T")
                    out.append(case(f"{a}->{b} T", "cast", f"x.to(m.{b})", {"x": s2}, np_expr))
    out.append(case("float32->float16 4x4", "overhead", "x.to(m.float16)", {"x": inp(TINY2)}, size="tiny"))
    return out


def copy_cases(quick):
    """Copies: clone/contiguous of every layout, copy_ between layouts, cat/stack, flips, rolls, repeats."""
    A = inp(BIG2)
    out = [
        case("clone", "copy", "x.clone()", {"x": A}, "x.copy()"),
        case("T.contiguous()", "copy", "x.contiguous()", {"x": inp(BIG2, layout="T")}, "np.ascontiguousarray(x)"),
        case("step.contiguous()", "copy", "x.contiguous()", {"x": inp(BIG2, layout="step")}, "np.ascontiguousarray(x)"),
        case("expand.contiguous()", "copy", "x.contiguous()", {"x": inp(BIG2, layout="expand")}, "np.ascontiguousarray(x)"),
        case("expand_inner.contiguous()", "copy", "x.contiguous()", {"x": inp(BIG2, layout="expand_inner")},
             "np.ascontiguousarray(x)"),
        case("perm3d.contiguous()", "copy", "x.contiguous()", {"x": inp(BIG3, layout="perm")}, "np.ascontiguousarray(x)"),
        case("permute(0,2,1).contiguous()", "copy", "x.permute(0, 2, 1).contiguous()", {"x": inp(BIG3)},
             "np.ascontiguousarray(x.transpose(0, 2, 1))"),
        case("permute(1,0,2).contiguous()", "copy", "x.permute(1, 0, 2).contiguous()", {"x": inp(BIG3)},
             "np.ascontiguousarray(x.transpose(1, 0, 2))"),
        case("copy_(T)", "copy", "y.copy_(x)", {"y": inp(BIG2), "x": inp(BIG2, layout="T")}, "np.copyto(y, x)", result="y"),
        case("T.copy_(x)", "copy", "y.copy_(x)", {"y": inp(BIG2, layout="T"), "x": inp(BIG2)}, "np.copyto(y, x)", result="y"),
        case("copy_(step)", "copy", "y.copy_(x)", {"y": inp(BIG2), "x": inp(BIG2, layout="step")}, "np.copyto(y, x)",
             result="y"),
        case("copy_ int32->float32", "copy", "y.copy_(x)", {"y": inp(BIG2), "x": inp(BIG2, "int32", -100, 100, kind="int")},
             "np.copyto(y, x, casting='unsafe')", result="y"),
        case("copy_ float32->float16 T", "copy", "y.copy_(x)", {"y": inp(BIG2, "float16"), "x": inp(BIG2, layout="T")},
             result="y"),
        case("x[:, ::2] = y", "copy", "x.__setitem__((slice(None), slice(None, None, 2)), y)",
             {"x": inp(BIG2), "y": inp((2048, 1024))}, result="x"),
        case("cat dim0", "copy", "m.cat([x, y], 0)", {"x": inp(BIG2), "y": inp(BIG2)}, "np.concatenate([x, y], 0)"),
        case("cat dim1", "copy", "m.cat([x, y], 1)", {"x": inp(BIG2), "y": inp(BIG2)}, "np.concatenate([x, y], 1)"),
        case("stack dim-1", "copy", "m.stack([x, y], -1)", {"x": inp(BIG2), "y": inp(BIG2)}, "np.stack([x, y], -1)"),
        case("flip(0)", "copy", "x.flip(0)", {"x": A}, "np.flip(x, 0).copy()"),
        case("flip(1)", "copy", "x.flip(1)", {"x": A}, "np.flip(x, 1).copy()"),
        case("roll(7, 1)", "copy", "x.roll(7, 1)", {"x": A}, "np.roll(x, 7, 1)"),
        case("repeat(2, 1)", "copy", "x.repeat(2, 1)", {"x": inp((1024, 2048))}, "np.tile(x, (2, 1))"),
        case("repeat_interleave(2, 0)", "copy", "x.repeat_interleave(2, 0)", {"x": inp((1024, 2048))},
             "np.repeat(x, 2, 0)"),
        case("tril", "copy", "x.tril()", {"x": A}, "np.tril(x)"),
        case("triu(1)", "copy", "x.triu(1)", {"x": A}, "np.triu(x, 1)"),
        case("F.pad(x, (1,1,1,1))", "copy", "F.pad(x, (1, 1, 1, 1))", {"x": inp(BIG3)},
             "np.pad(x, ((0, 0), (1, 1), (1, 1)))"),
        case("diff(dim=1)", "copy", "x.diff(dim=1)", {"x": A}, "np.diff(x, axis=1)"),
        case("clone 4x4", "overhead", "x.clone()", {"x": inp(TINY2)}, size="tiny"),
        case("T.contiguous() 4x4", "overhead", "x.contiguous()", {"x": inp(TINY2, layout="T")}, size="tiny"),
    ]
    if quick:
        out = out[:6] + out[-2:]
    return out


def reduction_cases(quick):
    """Reductions over every dim (first, middle, last, all) of 3-D and 2-D tensors, contiguous and transposed."""
    out = []
    # (name, rtorch/torch call with {d} the dim argument, NumPy call with {a} the axis, input domain)
    ops = [("sum", "x.sum({d})", "x.sum({a})", None), ("mean", "x.mean({d})", "x.mean({a})", None),
           ("amax", "x.amax({d})", "x.max({a})", None), ("amin", "x.amin({d})", "x.min({a})", None),
           ("max", "x.max({d})", None, None), ("argmax", "x.argmax({d})", "x.argmax({a})", None),
           ("argmin", "x.argmin({d})", "x.argmin({a})", None),
           ("prod", "x.prod({d})", "x.prod({a})", (0.999, 1.001)),
           ("var", "x.var({d})", "x.var({a}, ddof=1)", None), ("std", "x.std({d})", "x.std({a}, ddof=1)", None),
           ("norm", "x.norm(dim={d})", "np.sqrt((x * x).sum({a}))", None),
           ("logsumexp", "x.logsumexp({dt})", None, None),
           ("all", "x.all({d})", "x.all({a})", "true"), ("any", "x.any({d})", "x.any({a})", "false"),
           ("count_nonzero", "m.count_nonzero(x, {d})", "np.count_nonzero(x, {a})", "sparse"),
           ("nansum", "x.nansum({d})", "np.nansum(x, {a})", None)]
    if quick:
        ops = [o for o in ops if o[0] in ("sum", "amax", "argmax", "prod", "var")]
    for name, expr, np_expr, dom in ops:
        for shape, lays in ((BIG3, ["contig"]), (BIG2, ["contig", "T"])):
            nd = len(shape)
            for dn, d in [(f"dim{k}", str(k)) for k in range(nd)] + [("all", "")]:
                dt = d or "(" + ", ".join(map(str, range(nd))) + ")"
                e = expr.format(d=d, dt=dt).replace("(, ", "(").replace("dim=)", ")")
                if name == "max" and not d:
                    e = "x.max()"
                ne = np_expr.format(a=f"axis={d or None}") if np_expr else None
                for lay in lays:
                    if dom in ("true", "false", "sparse"):
                        x = inp(shape, "bool", hi={"true": 1.0, "false": 0.0, "sparse": 0.01}[dom], kind="bool",
                                layout=lay)
                    elif dom:
                        x = inp(shape, lo=dom[0], hi=dom[1], layout=lay)
                    else:
                        x = inp(shape, layout=lay)
                    sh = "x".join(map(str, shape))
                    out.append(case(f"{name} {dn} {sh}{' T' if lay == 'T' else ''}", "reduce", e, {"x": x}, ne,
                                    tol=(1e-4, 1e-4, 1e-6)))
    out += [case("sum 4x4", "overhead", "x.sum()", {"x": inp(TINY2)}, size="tiny"),
            case("amax(-1) 4x4", "overhead", "x.amax(-1)", {"x": inp(TINY2)}, size="tiny")]
    return out


def scan_cases(quick):
    out = []
    ops = [("cumsum", "x.cumsum({d})", "np.cumsum(x, {d})"), ("cumprod", "x.cumprod({d})", "np.cumprod(x, {d})"),
           ("cummax", "x.cummax({d})", None), ("logcumsumexp", "x.logcumsumexp({d})", None)]
    if quick:
        ops = ops[:1]
    for name, e, ne in ops:
        for shape, dims in ((BIG3, (0, 1, 2)), (BIG2, (0, 1))):
            for d in dims:
                sh = "x".join(map(str, shape))
                x = inp(shape, lo=0.999, hi=1.001) if name == "cumprod" else inp(shape)
                out.append(case(f"{name} dim{d} {sh}", "scan", e.format(d=d), {"x": x},
                                ne.format(d=d) if ne else None, tol=(1e-3, 1e-3)))
    return out


def index_cases(quick):
    """Indexing and scatter: index_select, gather, scatter(_add), index_add_, advanced indexing, masks."""
    R, C = BIG2
    I1 = lambda n, hi: inp((n,), "int64", hi=hi, kind="index")  # noqa: E731
    out = [
        case("index_select dim0", "index", "x.index_select(0, i)", {"x": inp(BIG2), "i": I1(R, R)}, "x[i]"),
        case("index_select dim1", "index", "x.index_select(1, i)", {"x": inp(BIG2), "i": I1(C, C)}, "x[:, i]"),
        case("x[i] rows", "index", "x[i]", {"x": inp(BIG2), "i": I1(R, R)}, "x[i]"),
        case("x[:, i]", "index", "x[:, i]", {"x": inp(BIG2), "i": I1(C, C)}, "x[:, i]"),
        case("x[mask]", "index", "x[c]", {"x": inp(BIG2), "c": inp(BIG2, "bool", hi=0.5, kind="bool")}, "x[c]"),
        case("masked_select", "index", "x.masked_select(c)",
             {"x": inp(BIG2), "c": inp(BIG2, "bool", hi=0.5, kind="bool")}, "x[c]"),
        case("nonzero", "index", "c.nonzero()", {"c": inp(BIG2, "bool", hi=0.5, kind="bool")}, "np.argwhere(c)"),
        case("take", "index", "x.take(i)", {"x": inp(BIG2), "i": I1(R * C // 4, R * C)}, "np.take(x, i)"),
        case("gather dim-1", "index", "x.gather(-1, i)",
             {"x": inp(BIG2), "i": inp((R, 256), "int64", hi=C, kind="index")}, "np.take_along_axis(x, i, -1)"),
        case("gather dim0", "index", "x.gather(0, i)",
             {"x": inp(BIG2), "i": inp((256, C), "int64", hi=R, kind="index")}, "np.take_along_axis(x, i, 0)"),
        case("scatter dim-1", "index", "x.scatter(-1, i, y)",
             {"x": inp(BIG2), "i": inp((R, 256), "int64", hi=C, kind="perm"), "y": inp((R, 256))}),
        case("scatter_add 4096x256 -> 4096x1024 dim-1", "index", "x.scatter_add(-1, i, y)",
             {"x": inp((4096, 1024)), "i": inp((4096, 256), "int64", hi=1024, kind="index"), "y": inp((4096, 256))},
             tol=(1e-4, 1e-5)),
        case("scatter_add dim0", "index", "x.scatter_add(0, i, y)",
             {"x": inp(BIG2), "i": inp((256, C), "int64", hi=R, kind="index"), "y": inp((256, C))}, tol=(1e-4, 1e-5)),
        case("index_add_ dim0", "index", "x.index_add_(0, i, y)",
             {"x": inp(BIG2), "i": I1(R, R), "y": inp(BIG2)}, result="x", tol=(1e-4, 1e-5)),
        case("index_add dim1", "index", "x.index_add(1, i, y)",
             {"x": inp(BIG2), "i": I1(C, C), "y": inp(BIG2)}, tol=(1e-4, 1e-5)),
        case("index_copy dim0", "index", "x.index_copy(0, i, y)",
             {"x": inp(BIG2), "i": inp((R,), "int64", hi=R, kind="perm"), "y": inp(BIG2)}),
        case("index_fill dim1", "index", "x.index_fill(1, i, 0.5)", {"x": inp(BIG2), "i": I1(256, C)}),
        case("index_put_ accumulate", "index", "x.index_put_((i,), y, accumulate=True)",
             {"x": inp(BIG2), "i": I1(R, R), "y": inp(BIG2)}, result="x", tol=(1e-4, 1e-5)),
        case("x[i] = y", "index", "x.__setitem__(i, y)", {"x": inp(BIG2), "i": inp((R,), "int64", hi=R, kind="perm"),
                                                           "y": inp(BIG2)}, result="x"),
        case("embedding 50000x256, 16384 ids", "index", "F.embedding(i, w)",
             {"w": inp((50000, 256)), "i": inp((16384,), "int64", hi=50000, kind="index")}, "w[i]"),
        case("one_hot 65536 x 64", "index", "F.one_hot(i, 64)", {"i": inp((65536,), "int64", hi=64, kind="index")}),
        case("x[i] 4x4", "overhead", "x[i]", {"x": inp(TINY2), "i": I1(4, 4)}, size="tiny"),
        case("gather 4x4", "overhead", "x.gather(-1, i)", {"x": inp(TINY2), "i": inp(TINY2, "int64", hi=4, kind="index")},
             size="tiny"),
    ]
    if quick:
        out = [c for c in out if c["name"].startswith(("index_select dim0", "scatter_add", "x[mask]", "gather dim-1"))]
    return out


def sort_cases(quick):
    R, C = BIG2
    out = [
        case("sort dim-1", "sort", "x.sort(-1)", {"x": inp(BIG2, kind="distinct")}, "np.sort(x, -1), np.argsort(x, -1)"),
        case("sort dim0", "sort", "x.sort(0)", {"x": inp(BIG2, kind="distinct")}, "np.sort(x, 0), np.argsort(x, 0)"),
        case("sort 4M flat", "sort", "x.sort()", {"x": inp((R * C,), kind="distinct")}, "np.sort(x)"),
        case("argsort dim-1", "sort", "x.argsort(-1)", {"x": inp(BIG2, kind="distinct")}, "np.argsort(x, -1)"),
        case("sort stable int32 dim-1", "sort", "x.sort(-1, stable=True)",
             {"x": inp(BIG2, "int32", -1000, 1000, kind="int")}),
        case("topk 1 dim-1", "sort", "x.topk(1, -1)", {"x": inp(BIG2, kind="distinct")}),
        case("topk 10 dim-1", "sort", "x.topk(10, -1)", {"x": inp(BIG2, kind="distinct")}),
        case("topk 100 dim-1", "sort", "x.topk(100, -1)", {"x": inp(BIG2, kind="distinct")}),
        case("topk 10 dim0", "sort", "x.topk(10, 0)", {"x": inp(BIG2, kind="distinct")}),
        case("topk 10 flat 4M", "sort", "x.topk(10)", {"x": inp((R * C,), kind="distinct")}),
        case("kthvalue 100 dim-1", "sort", "x.kthvalue(100, -1)", {"x": inp(BIG2, kind="distinct")}),
        case("median dim-1", "sort", "x.median(-1)", {"x": inp((2048, 2047), kind="distinct")}),
        case("searchsorted 2048 rows", "sort", "m.searchsorted(s, v)",
             {"s": inp((R, 1024), kind="sorted"), "v": inp((R, 1024))}),
        case("searchsorted 1-D 65536 into 4M", "sort", "m.searchsorted(s, v)",
             {"s": inp((R * C,), kind="sorted"), "v": inp((65536,))}, "np.searchsorted(s, v)"),
        case("bucketize", "sort", "m.bucketize(x, b)", {"x": inp(BIG2, kind="distinct"), "b": inp((255,), kind="sorted")},
             "np.searchsorted(b, x)"),
        case("unique int", "sort", "m.unique(x)", {"x": inp((R * C,), "int64", 0, 10000, kind="int")}, "np.unique(x)"),
        case("sort 4x4", "overhead", "x.sort(-1)", {"x": inp(TINY2)}, size="tiny"),
    ]
    if quick:
        out = [c for c in out if c["name"] in ("sort dim-1", "topk 10 dim-1", "searchsorted 2048 rows", "sort 4x4")]
    return out


def nn_cases(quick):
    """Pooling, interpolate, convolutions (forward only; fwd+bwd below)."""
    X = inp((8, 64, 56, 56))
    X3D = inp((4, 32, 16, 32, 32))
    out = [
        case("max_pool2d 2x2", "nn", "F.max_pool2d(x, 2)", {"x": X}),
        case("max_pool2d 3x3 s2 p1", "nn", "F.max_pool2d(x, 3, 2, 1)", {"x": X}),
        case("avg_pool2d 2x2", "nn", "F.avg_pool2d(x, 2)", {"x": X}),
        case("avg_pool2d 3x3 s1 p1", "nn", "F.avg_pool2d(x, 3, 1, 1)", {"x": X}),
        case("adaptive_avg_pool2d 1", "nn", "F.adaptive_avg_pool2d(x, 1)", {"x": X}, "x.mean((2, 3), keepdims=True)"),
        case("adaptive_avg_pool2d 7", "nn", "F.adaptive_avg_pool2d(x, 7)", {"x": X}),
        case("max_pool1d 2", "nn", "F.max_pool1d(x, 2)", {"x": inp((64, 256, 256))}),
        case("interpolate nearest x2", "nn", "F.interpolate(x, scale_factor=2, mode='nearest')", {"x": inp((8, 64, 28, 28))}),
        case("interpolate bilinear x2", "nn", "F.interpolate(x, scale_factor=2, mode='bilinear')",
             {"x": inp((8, 64, 28, 28))}, tol=(1e-4, 1e-5)),
        case("interpolate bilinear align_corners", "nn",
             "F.interpolate(x, size=(56, 56), mode='bilinear', align_corners=True)", {"x": inp((8, 64, 28, 28))},
             tol=(1e-4, 1e-5)),
        case("conv2d 3x3 64->64 8x56x56", "nn", "F.conv2d(x, w, b, padding=1)",
             {"x": X, "w": inp((64, 64, 3, 3), lo=-0.05, hi=0.05), "b": inp((64,))}, tol=(1e-3, 1e-4, 1e-5)),
        case("conv2d 1x1 64->128", "nn", "F.conv2d(x, w)",
             {"x": X, "w": inp((128, 64, 1, 1), lo=-0.1, hi=0.1)}, tol=(1e-3, 1e-4, 1e-5)),
        case("conv2d 7x7 s2 3->64 8x224x224", "nn", "F.conv2d(x, w, stride=2, padding=3)",
             {"x": inp((8, 3, 224, 224)), "w": inp((64, 3, 7, 7), lo=-0.05, hi=0.05)}, tol=(1e-3, 1e-4, 1e-5)),
        case("conv2d depthwise 3x3 64", "nn", "F.conv2d(x, w, padding=1, groups=64)",
             {"x": X, "w": inp((64, 1, 3, 3))}, tol=(1e-3, 1e-4, 1e-5)),
        case("conv2d grouped 3x3 g=8", "nn", "F.conv2d(x, w, padding=1, groups=8)",
             {"x": X, "w": inp((64, 8, 3, 3), lo=-0.1, hi=0.1)}, tol=(1e-3, 1e-4, 1e-5)),
        case("conv1d k3 64->64 32x1024", "nn", "F.conv1d(x, w, padding=1)",
             {"x": inp((32, 64, 1024)), "w": inp((64, 64, 3), lo=-0.05, hi=0.05)}, tol=(1e-3, 1e-4, 1e-5)),
        case("conv_transpose2d 4x4 s2 64->32", "nn", "F.conv_transpose2d(x, w, stride=2, padding=1)",
             {"x": inp((8, 64, 28, 28)), "w": inp((64, 32, 4, 4), lo=-0.05, hi=0.05)}, tol=(1e-3, 1e-4, 1e-5)),
        case("unfold 3x3", "nn", "F.unfold(x, 3, padding=1)", {"x": inp((8, 32, 32, 32))}),
        case("matmul 1024x1024", "nn", "x @ y", {"x": inp((1024, 1024)), "y": inp((1024, 1024))}, "x @ y",
             tol=(1e-3, 1e-4, 1e-5)),
        case("matmul 4096x256 @ 256x1024", "nn", "x @ y", {"x": inp((4096, 256)), "y": inp((256, 1024))}, "x @ y",
             tol=(1e-3, 1e-4, 1e-5)),
        case("matmul T 1024", "nn", "x @ y", {"x": inp((1024, 1024), layout="T"), "y": inp((1024, 1024))}, "x @ y",
             tol=(1e-3, 1e-4, 1e-5)),
        case("bmm 64x128x128", "nn", "m.bmm(x, y)", {"x": inp((64, 128, 128)), "y": inp((64, 128, 128))}, "x @ y",
             tol=(1e-3, 1e-4, 1e-5)),
        case("linear 4096x1024 -> 1024", "nn", "F.linear(x, w, b)",
             {"x": inp((4096, 1024)), "w": inp((1024, 1024), lo=-0.03, hi=0.03), "b": inp((1024,))}, tol=(1e-3, 1e-4, 1e-5)),
        # 3-D and adaptive pooling, resampling, sampling, bags and rearrangements (the slow nn paths)
        case("max_pool3d 2", "nn", "F.max_pool3d(x, 2)", {"x": X3D}),
        case("max_pool3d 3 s2 p1", "nn", "F.max_pool3d(x, 3, 2, 1)", {"x": X3D}),
        case("avg_pool3d 2", "nn", "F.avg_pool3d(x, 2)", {"x": X3D}),
        case("adaptive_avg_pool3d 1", "nn", "F.adaptive_avg_pool3d(x, 1)", {"x": X3D}, tol=(1e-4, 1e-6)),
        case("adaptive_max_pool2d 7", "nn", "F.adaptive_max_pool2d(x, 7)", {"x": X}),
        case("adaptive_max_pool1d 10", "nn", "F.adaptive_max_pool1d(x, 10)", {"x": inp((64, 256, 256))}),
        case("interpolate nearest 3d x2", "nn", "F.interpolate(x, scale_factor=2, mode='nearest')",
             {"x": inp((4, 32, 8, 28, 28))}),
        case("interpolate bicubic x2", "nn", "F.interpolate(x, scale_factor=2, mode='bicubic')",
             {"x": inp((8, 64, 28, 28))}, tol=(1e-4, 1e-5)),
        case("interpolate trilinear x2", "nn", "F.interpolate(x, scale_factor=2, mode='trilinear')",
             {"x": inp((4, 32, 8, 28, 28))}, tol=(1e-4, 1e-5)),
        case("grid_sample bilinear", "nn", "F.grid_sample(x, g, align_corners=False)",
             {"x": inp((8, 32, 56, 56)), "g": inp((8, 56, 56, 2), lo=-1.1, hi=1.1)}, tol=(1e-4, 1e-5)),
        case("grid_sample nearest border", "nn", "F.grid_sample(x, g, 'nearest', 'border', align_corners=True)",
             {"x": inp((8, 32, 56, 56)), "g": inp((8, 56, 56, 2), lo=-1.1, hi=1.1)}),
        case("embedding_bag sum 50000x128", "nn", "F.embedding_bag(i, w, o, mode='sum')",
             {"w": inp((50000, 128)), "i": inp((16384,), "int64", hi=50000, kind="index")},
             setup="o = m.arange(0, 16384, 16)", tol=(1e-4, 1e-5)),
        case("embedding_bag mean 2-D bags", "nn", "F.embedding_bag(i, w)",
             {"w": inp((50000, 128)), "i": inp((1024, 16), "int64", hi=50000, kind="index")}, tol=(1e-4, 1e-5)),
        case("glu -1 4096x1024", "nn", "F.glu(x, -1)", {"x": inp((4096, 1024))}, tol=(1e-5, 1e-6)),
        case("pixel_shuffle 2 8x256x28x28", "nn", "F.pixel_shuffle(x, 2)", {"x": inp((8, 256, 28, 28))}),
        case("conv3d 3x3x3 16->32 4x16x32x32", "nn", "F.conv3d(x, w, padding=1)",
             {"x": inp((4, 16, 16, 32, 32)), "w": inp((32, 16, 3, 3, 3), lo=-0.05, hi=0.05)}, tol=(1e-3, 1e-4, 1e-5)),
        case("conv_transpose1d k4 s2 64->32", "nn", "F.conv_transpose1d(x, w, stride=2, padding=1)",
             {"x": inp((32, 64, 512)), "w": inp((64, 32, 4), lo=-0.05, hi=0.05)}, tol=(1e-3, 1e-4, 1e-5)),
        case("max_pool2d 4x4", "overhead", "F.max_pool2d(x, 2)", {"x": inp((1, 1, 4, 4))}, size="tiny"),
        case("matmul 4x4", "overhead", "x @ y", {"x": inp(TINY2), "y": inp(TINY2)}, size="tiny"),
    ]
    if quick:
        out = [c for c in out if c["name"].startswith(("max_pool2d 2x2", "adaptive_avg_pool2d 1", "conv2d 3x3",
                                                      "interpolate bilinear x2", "matmul 1024"))]
    return out


def softmax_cases(quick):
    out = []
    for fn in ("softmax", "log_softmax"):
        for shape, dims in (((4096, 1024), (0, 1)), (BIG3, (0, 1, 2))):
            for d in dims:
                if quick and (fn == "log_softmax" or len(shape) == 3):
                    continue
                sh = "x".join(map(str, shape))
                out.append(case(f"{fn} dim{d} {sh}", "softmax", f"F.{fn}(x, {d})", {"x": inp(shape, lo=-5, hi=5)},
                                tol=(1e-4, 1e-6)))
    out.append(case("softmax dim-1 4096x1024 T", "softmax", "F.softmax(x, -1)", {"x": inp((4096, 1024), layout="T")},
                    tol=(1e-4, 1e-6)))
    out.append(case("softmax 4x4", "overhead", "F.softmax(x, -1)", {"x": inp(TINY2)}, size="tiny"))
    return out


def norm_cases(quick):
    X = inp((32, 64, 32, 32))
    out = [
        case("layer_norm 4096x1024", "norm", "F.layer_norm(x, (1024,), w, b)",
             {"x": inp((4096, 1024)), "w": inp((1024,)), "b": inp((1024,))}, tol=(1e-3, 1e-4, 1e-5)),
        case("rms_norm 4096x1024", "norm", "F.rms_norm(x, (1024,), w)", {"x": inp((4096, 1024)), "w": inp((1024,))},
             tol=(1e-3, 1e-4, 1e-5)),
        case("batch_norm train 32x64x32x32", "norm", "F.batch_norm(x, None, None, w, b, training=True)",
             {"x": X, "w": inp((64,)), "b": inp((64,))}, tol=(1e-3, 1e-4, 1e-5)),
        case("batch_norm eval 32x64x32x32", "norm", "F.batch_norm(x, rm, rv, w, b, training=False)",
             {"x": X, "rm": inp((64,)), "rv": inp((64,), lo=0.5, hi=2), "w": inp((64,)), "b": inp((64,))},
             tol=(1e-3, 1e-4, 1e-5)),
        case("group_norm 8 32x64x32x32", "norm", "F.group_norm(x, 8, w, b)", {"x": X, "w": inp((64,)), "b": inp((64,))},
             tol=(1e-3, 1e-4, 1e-5)),
        case("normalize dim1 4096x1024", "norm", "F.normalize(x, dim=1)", {"x": inp((4096, 1024))}, tol=(1e-4, 1e-5)),
        case("layer_norm 4x4", "overhead", "F.layer_norm(x, (4,))", {"x": inp(TINY2)}, size="tiny"),
    ]
    if quick:
        out = out[:2] + out[-1:]
    return out


def grad_expr(fwd, wrt):
    return f"m.autograd.grad({fwd}, ({wrt},), g)"


def fwdbwd_cases(quick):
    """Forward + backward: input (and parameter) gradients through m.autograd.grad with a fixed cotangent."""
    out = []
    acts = [("relu", "F.relu(x)"), ("gelu", "F.gelu(x)"), ("gelu tanh", "F.gelu(x, approximate='tanh')"),
            ("silu", "F.silu(x)"), ("tanh", "x.tanh()"), ("sigmoid", "x.sigmoid()"), ("softplus", "F.softplus(x)"),
            ("leaky_relu", "F.leaky_relu(x, 0.1)"), ("elu", "F.elu(x)"), ("x * y", "x * y"), ("x.pow(2)", "x.pow(2)"),
            ("exp", "x.exp()"), ("log", "(x.abs() + 1).log()"), ("softmax -1", "F.softmax(x, -1)"),
            ("log_softmax -1", "F.log_softmax(x, -1)"), ("sum(-1)", "x.sum(-1)"), ("mean(0)", "x.mean(0)"),
            ("amax(-1)", "x.amax(-1)")]
    if quick:
        acts = acts[:2]
    for name, f in acts:
        ins = {"x": inp(BIG2)}
        wrt = "x"
        if re.search(r"\by\b", f):  # the name y, not a letter of one ("leaky_relu")
            ins["y"] = inp(BIG2)
            wrt = "x, y"
        gshape = {"sum(-1)": (BIG2[0],), "mean(0)": (BIG2[1],), "amax(-1)": (BIG2[0],)}.get(name, BIG2)
        ins["g"] = inp(gshape)
        out.append(case(f"{name} fwd+bwd", "fwd+bwd", grad_expr(f, wrt), ins,
                        setup=f"for _t in ({wrt},): _t.requires_grad_(True)", tol=(1e-3, 1e-4, 1e-5)))
    X = inp((8, 64, 56, 56))
    layers = [
        ("linear 4096x1024->1024", "F.linear(x, w, b)", {"x": inp((4096, 1024)), "w": inp((1024, 1024), lo=-0.03, hi=0.03),
                                                          "b": inp((1024,)), "g": inp((4096, 1024))}, "x, w, b"),
        ("conv2d 3x3 64->64 8x56x56", "F.conv2d(x, w, b, padding=1)",
         {"x": X, "w": inp((64, 64, 3, 3), lo=-0.05, hi=0.05), "b": inp((64,)), "g": X}, "x, w, b"),
        ("conv2d depthwise 3x3", "F.conv2d(x, w, padding=1, groups=64)", {"x": X, "w": inp((64, 1, 3, 3)), "g": X}, "x, w"),
        ("max_pool2d 2x2", "F.max_pool2d(x, 2)", {"x": X, "g": inp((8, 64, 28, 28))}, "x"),
        ("avg_pool2d 2x2", "F.avg_pool2d(x, 2)", {"x": X, "g": inp((8, 64, 28, 28))}, "x"),
        ("adaptive_avg_pool2d 1", "F.adaptive_avg_pool2d(x, 1)", {"x": X, "g": inp((8, 64, 1, 1))}, "x"),
        ("layer_norm 4096x1024", "F.layer_norm(x, (1024,), w, b)",
         {"x": inp((4096, 1024)), "w": inp((1024,)), "b": inp((1024,)), "g": inp((4096, 1024))}, "x, w, b"),
        ("batch_norm train 32x64x32x32", "F.batch_norm(x, None, None, w, b, training=True)",
         {"x": inp((32, 64, 32, 32)), "w": inp((64,)), "b": inp((64,)), "g": inp((32, 64, 32, 32))}, "x, w, b"),
        ("interpolate bilinear x2", "F.interpolate(x, scale_factor=2, mode='bilinear')",
         {"x": inp((8, 64, 28, 28)), "g": inp((8, 64, 56, 56))}, "x"),
        ("max_pool3d 2", "F.max_pool3d(x, 2)", {"x": inp((4, 32, 16, 32, 32)), "g": inp((4, 32, 8, 16, 16))}, "x"),
        ("avg_pool3d 2", "F.avg_pool3d(x, 2)", {"x": inp((4, 32, 16, 32, 32)), "g": inp((4, 32, 8, 16, 16))}, "x"),
        ("adaptive_max_pool2d 7", "F.adaptive_max_pool2d(x, 7)", {"x": X, "g": inp((8, 64, 7, 7))}, "x"),
        ("interpolate nearest x2", "F.interpolate(x, scale_factor=2)",
         {"x": inp((8, 64, 28, 28)), "g": inp((8, 64, 56, 56))}, "x"),
        ("grid_sample bilinear", "F.grid_sample(x, gr, align_corners=False)",
         {"x": inp((8, 32, 56, 56)), "gr": inp((8, 56, 56, 2), lo=-1.1, hi=1.1), "g": inp((8, 32, 56, 56))}, "x, gr"),
        ("embedding_bag sum 50000x128", "F.embedding_bag(i, w, m.arange(0, 16384, 16), mode='sum')",
         {"w": inp((50000, 128)), "i": inp((16384,), "int64", hi=50000, kind="index"), "g": inp((1024, 128))}, "w"),
        ("conv3d 3x3x3 16->32", "F.conv3d(x, w, padding=1)",
         {"x": inp((4, 16, 16, 32, 32)), "w": inp((32, 16, 3, 3, 3), lo=-0.05, hi=0.05), "g": inp((4, 32, 16, 32, 32))},
         "x, w"),
        ("embedding 50000x256", "F.embedding(i, w)",
         {"w": inp((50000, 256)), "i": inp((16384,), "int64", hi=50000, kind="index"), "g": inp((16384, 256))}, "w"),
    ]
    losses = [
        ("cross_entropy 4096x1000", "F.cross_entropy(x, t)",
         {"x": inp((4096, 1000), lo=-3, hi=3), "t": inp((4096,), "int64", hi=1000, kind="index"), "g": inp(())}, "x"),
        ("mse_loss 4M", "F.mse_loss(x, y)", {"x": inp(BIG2), "y": inp(BIG2), "g": inp(())}, "x"),
        ("binary_cross_entropy_with_logits 4M", "F.binary_cross_entropy_with_logits(x, y)",
         {"x": inp(BIG2), "y": inp(BIG2, lo=0, hi=1), "g": inp(())}, "x"),
        ("smooth_l1_loss 4M", "F.smooth_l1_loss(x, y)", {"x": inp(BIG2), "y": inp(BIG2), "g": inp(())}, "x"),
    ]
    if quick:
        layers, losses = layers[:2], losses[:1]
    for name, f, ins, wrt in layers + losses:
        out.append(case(f"{name} fwd+bwd", "fwd+bwd", grad_expr(f, wrt), ins,
                        setup=f"for _t in ({wrt},): _t.requires_grad_(True)", tol=(2e-3, 1e-4, 2e-5)))
    out.append(case("x * y fwd+bwd 4x4", "overhead", grad_expr("(x * y).sum()", "x, y"),
                    {"x": inp(TINY2), "y": inp(TINY2), "g": inp(())},
                    setup="x.requires_grad_(True); y.requires_grad_(True)", size="tiny"))
    return out


def optim_cases(quick):
    """One optimizer step over 4M parameters in 16 tensors (fixed gradients)."""
    setup = ("ps = [t.clone().requires_grad_(True) for t in p.reshape(16, -1, 256)]\n"
             "for _p, _g in zip(ps, gr.reshape(16, -1, 256)): _p.grad = _g.clone()\n"
             "opt = m.optim.{cls}(ps, {args})")
    opts = [("SGD", "lr=0.01"), ("SGD momentum", "lr=0.01, momentum=0.9"),
            ("SGD nesterov wd", "lr=0.01, momentum=0.9, nesterov=True, weight_decay=1e-4"),
            ("Adam", "lr=1e-3"), ("AdamW", "lr=1e-3, weight_decay=0.01"), ("Adam amsgrad", "lr=1e-3, amsgrad=True"),
            ("RMSprop", "lr=1e-3"), ("RMSprop centered momentum", "lr=1e-3, centered=True, momentum=0.9"),
            ("Adagrad", "lr=1e-2")]
    if quick:
        opts = opts[:2] + opts[3:4]
    out = []
    for name, args in opts:
        cls = name.split()[0]
        out.append(case(f"{name} step 4M params", "optim", "opt.step()",
                        {"p": inp((16 * 1024, 256)), "gr": inp((16 * 1024, 256), lo=-0.01, hi=0.01)},
                        setup=setup.format(cls=cls, args=args), result="m.cat([q.detach().reshape(-1) for q in ps])",
                        tol=(1e-4, 1e-6)))
    out.append(case("SGD momentum step 4x4", "overhead", "opt.step()", {"p": inp((16, 1, 1)), "gr": inp((16, 1, 1))},
                    setup="ps = [t.clone().requires_grad_(True) for t in p.reshape(16, -1, 1)]\n"
                          "for _p, _g in zip(ps, gr.reshape(16, -1, 1)): _p.grad = _g.clone()\n"
                          "opt = m.optim.SGD(ps, lr=0.01, momentum=0.9)",
                    result="m.cat([q.detach().reshape(-1) for q in ps])", size="tiny"))
    return out


def all_cases(quick):
    """Every case of the sweep (needs rtorch importable: the elementwise rows come from its declarations)."""
    import rtorch
    sys.path.insert(0, os.path.join(ROOT, "tests"))
    try:
        import op_rows
        refs = op_rows.REFS
    except Exception:  # the tests are not shipped: default domains
        refs = {}
    decls = rtorch._rtorch._declarations()
    cases = (elementwise_cases(decls, refs, quick) + ternary_cases(quick) + cast_cases(quick) + copy_cases(quick)
             + reduction_cases(quick) + scan_cases(quick) + index_cases(quick) + sort_cases(quick) + nn_cases(quick)
             + softmax_cases(quick) + norm_cases(quick) + fwdbwd_cases(quick) + optim_cases(quick))
    seen = set()
    for c in cases:
        if c["name"] in seen:
            raise SystemExit(f"sweep: duplicate case name {c['name']!r}")
        seen.add(c["name"])
    return cases


# ================================ the worker process ============================================
def make_array(np, spec, rng):
    """The NumPy data of one input (the storage before the layout is applied)."""
    shape = list(spec["shape"])
    lay = spec["layout"]
    if lay == "T":
        shape[-2], shape[-1] = shape[-1], shape[-2]
    elif lay == "perm":
        shape = [shape[2], shape[0], shape[1]]
    elif lay == "step":
        shape[-1] *= 2
    elif lay == "expand":
        shape[0] = 1
    elif lay == "expand_inner":
        shape[-1] = 1
    k, lo, hi, dt = spec["kind"], spec["lo"], spec["hi"], spec["dtype"]
    if dt == "bool" or k == "bool":
        return rng.random(shape) < hi
    if k in ("int", "index"):
        a = rng.integers(int(lo) if k == "int" else 0, int(hi), size=shape)
        return a.astype(np.float32 if dt == "bfloat16" else dt)
    if k == "perm":
        a = np.argsort(rng.random((int(math.prod(shape[:-1])), int(hi))), axis=-1)[:, :shape[-1]]
        return a.reshape(shape).astype(dt)
    a = rng.uniform(lo, hi, size=shape)
    if k == "sorted":
        a = np.sort(a, axis=-1)
    if k == "distinct":  # no ties (sort and selection indices are then unique)
        n = int(math.prod(shape))
        a = (rng.permutation(n) / n * (hi - lo) + lo).reshape(shape)
    return a.astype(np.float32 if dt in ("bfloat16", "float16") else dt)


def apply_layout(t, spec, transpose, permute):
    """The view of storage `t` the op sees (same calls in every library)."""
    lay = spec["layout"]
    shape = tuple(spec["shape"])
    if lay == "T":
        return transpose(t)
    if lay == "perm":
        return permute(t)
    if lay == "step":
        return t[..., ::2]
    if lay in ("expand", "expand_inner"):
        return t.expand(*shape) if hasattr(t, "expand") else t
    return t


class Worker:
    """One library in its own process: builds a case's inputs, runs it once for the check, times it."""

    def __init__(self, lib, threads):
        import numpy as np
        self.np, self.lib = np, lib
        if lib == "numpy":
            self.m = None
        else:
            import importlib
            self.m = importlib.import_module(lib)
            importlib.import_module(lib + ".nn.functional")
            if lib == "torch":
                self.m.set_num_threads(threads)
        self.fn, self.ns = None, None

    def tensor(self, a, spec):
        np, m = self.np, self.m
        if m is None:
            x = np.array(a, dtype=a.dtype if spec["dtype"] == "bfloat16" else spec["dtype"])
            if spec["layout"] == "T":
                return np.swapaxes(x, -1, -2)
            if spec["layout"] == "perm":
                return x.transpose(1, 2, 0)
            if spec["layout"] == "step":
                return x[..., ::2]
            if spec["layout"] in ("expand", "expand_inner"):
                return np.broadcast_to(x, tuple(spec["shape"]))
            return x
        t = m.from_numpy(np.array(a, order="C")).clone()
        if spec["dtype"] in ("bfloat16", "float16") and spec["kind"] not in ("bool",):
            t = t.to(getattr(m, spec["dtype"]))
        return apply_layout(t, spec, lambda v: v.transpose(-1, -2), lambda v: v.permute(1, 2, 0))

    def build(self, c):
        np = self.np
        expr = c["expr"] if self.m is not None else c["np_expr"]
        if expr is None:
            return {"status": "n/a"}
        rng = np.random.default_rng(_seed(c["name"]))
        ns = {"m": self.m, "np": np}
        if self.m is not None:
            ns["F"] = self.m.nn.functional
        for name, spec in c["inputs"].items():
            ns[name] = self.tensor(make_array(np, spec, rng), spec)
        if self.m is not None and c["setup"]:
            exec(c["setup"], ns)
        self.fn = eval("lambda: (" + expr + ")", ns)
        self.ns = ns
        self.case = c
        return None

    def to_numpy(self, v):
        np, m = self.np, self.m
        if v is None:
            return []
        if isinstance(v, (tuple, list)):
            out = []
            for e in v:
                out += self.to_numpy(e)
            return out
        if m is not None and isinstance(v, m.Tensor):
            v = v.detach()
            if v.dtype == m.bfloat16:
                v = v.float()
            return [np.array(v.numpy(), copy=True)]
        return [np.array(v, copy=True)]

    def check(self, c, path):
        try:
            st = self.build(c)
            if st is not None:
                return st
            t0 = time.perf_counter()
            v = self.fn()
            first = time.perf_counter() - t0
            if c.get("ref64") and self.lib == "torch":
                # The checked value from float64 copies of the inputs (the timed call stays float32).
                ns64 = dict(self.ns)
                for name in c["inputs"]:
                    ns64[name] = self.ns[name].double()
                v = eval("(" + c["expr"] + ")", ns64).float()
            elif c["result"] is not None and self.m is not None:
                v = eval(c["result"], self.ns)
            elif self.m is None and c["result"] is not None:
                v = self.ns[c["result"]] if c["result"] in self.ns else v
            arrs = self.to_numpy(v)
            self.np.savez(path, *arrs)
            return {"status": "ok", "first_s": first}
        except Exception as e:  # reported, the sweep goes on
            self.fn = None
            return {"status": "error", "detail": f"{type(e).__name__}: {e}".splitlines()[0][:300]}

    def time(self, seconds, est):
        """Samples of >= 1 ms (calls batched) for about `seconds`: per-call times and the CPU time used."""
        import gc
        fn = self.fn
        inner = 1 if est > 1e-3 else max(1, int(1e-3 / max(est, 1e-7)))
        samples = []
        gc_old = gc.isenabled()
        gc.disable()
        c0 = time.process_time()
        end = time.perf_counter() + seconds
        try:
            while not samples or time.perf_counter() < end:
                t0 = time.perf_counter()
                for _ in range(inner):
                    fn()
                samples.append((time.perf_counter() - t0) / inner)
        finally:
            if gc_old:
                gc.enable()
        return {"samples": samples, "cpu": time.process_time() - c0}

    def estimate(self):
        """Per-call seconds after warm-up (two calls, then the minimum of a few)."""
        fn = self.fn
        for _ in range(2):
            fn()
        best = float("inf")
        n, spent = 0, 0.0
        while n < 3 or (spent < 0.02 and n < 200):
            t0 = time.perf_counter()
            fn()
            dt = time.perf_counter() - t0
            best = min(best, dt)
            spent += dt
            n += 1
            if dt > 0.5:
                break
        return best


def _seed(name):
    h = 2166136261
    for ch in name.encode():
        h = ((h ^ ch) * 16777619) % (2 ** 32)
    return h


def worker_main(lib, threads):
    w = Worker(lib, threads)
    print(json.dumps({"ready": lib, "version": getattr(w.m, "__version__", None) if w.m else w.np.__version__,
                      "threads": (w.m.get_num_threads() if w.m else 1)}), flush=True)
    for line in sys.stdin:
        req = json.loads(line)
        cmd = req["cmd"]
        if cmd == "check":
            res = w.check(req["case"], req["path"])
            if res.get("status") == "ok":
                res["est"] = w.estimate()
        elif cmd == "time":
            res = w.time(req["seconds"], req["est"])
        elif cmd == "drop":
            w.fn = w.ns = None
            res = {}
        else:
            break
        print(json.dumps(res), flush=True)


# ================================ the orchestrator ==============================================
class Proc:
    """A worker process and its line protocol."""

    def __init__(self, lib, label, python, path, threads):
        env = dict(os.environ)
        for var in ("RTORCH_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS", "OPENBLAS_NUM_THREADS",
                    "RAYON_NUM_THREADS"):
            env[var] = str(threads)
        if path:
            env["PYTHONPATH"] = path + (os.pathsep + env["PYTHONPATH"] if env.get("PYTHONPATH") else "")
        self.label = label
        self.p = subprocess.Popen([python, os.path.abspath(__file__), "--worker", lib, "--threads", str(threads)],
                                  stdin=subprocess.PIPE, stdout=subprocess.PIPE, env=env, text=True, bufsize=1)
        line = self.p.stdout.readline()
        if not line:
            raise SystemExit(f"sweep: the {label} worker ({python}) did not start")
        self.info = json.loads(line)

    def ask(self, **req):
        self.p.stdin.write(json.dumps(req) + "\n")
        self.p.stdin.flush()
        line = self.p.stdout.readline()
        if not line:
            raise RuntimeError(f"the {self.label} worker died")
        return json.loads(line)

    def cpu_seconds(self):
        try:
            with open(f"/proc/{self.p.pid}/stat") as f:
                v = f.read().rsplit(")", 1)[1].split()
            return (int(v[11]) + int(v[12])) / os.sysconf("SC_CLK_TCK")
        except (OSError, IndexError, ValueError):
            return 0.0

    def close(self):
        try:
            self.p.stdin.write(json.dumps({"cmd": "quit"}) + "\n")
            self.p.stdin.flush()
        except OSError:
            pass
        self.p.wait(timeout=30)


def machine_busy():
    try:
        with open("/proc/stat") as f:
            v = [int(x) for x in f.readline().split()[1:]]
        return (v[0] + v[1] + v[2] + v[5] + v[6] + (v[7] if len(v) > 7 else 0)) / os.sysconf("SC_CLK_TCK")
    except (OSError, ValueError, IndexError):
        return None


class Load:
    """CPU share (of the whole machine) used by processes other than ours between start and fraction()."""

    def __init__(self, procs):
        self.procs = procs
        self.b0, self.t0 = machine_busy(), time.perf_counter()
        self.own0 = self.own()

    def own(self):
        t = os.times()
        return t.user + t.system + sum(p.cpu_seconds() for p in self.procs)

    def fraction(self):
        b1, dt = machine_busy(), time.perf_counter() - self.t0
        if self.b0 is None or b1 is None or dt <= 0:
            return None
        other = (b1 - self.b0) - (self.own() - self.own0)
        return max(0.0, other / (dt * (os.cpu_count() or 1)))


def wait_idle(procs, max_wait, threshold=0.1):
    end = time.perf_counter() + max_wait
    while True:
        probe = Load(procs)
        time.sleep(0.5)
        f = probe.fraction()
        if f is None or f < threshold or time.perf_counter() > end:
            return f


def compare(got, ref, tol, exact_dtype=True, prefix=False):
    """(ok, detail): `got` and `ref` are lists of arrays (`prefix`: `got` may hold only the first ones)."""
    import numpy as np
    if prefix and 0 < len(got) < len(ref):
        ref = ref[:len(got)]
    if len(got) != len(ref):
        return False, f"{len(got)} outputs, expected {len(ref)}"
    worst = 0.0
    for k, (g, r) in enumerate(zip(got, ref)):
        if g.shape != r.shape:
            return False, f"output {k}: shape {g.shape} != {r.shape}"
        if exact_dtype and g.dtype != r.dtype:
            return False, f"output {k}: dtype {g.dtype} != {r.dtype}"
        if r.dtype.kind in "biu" and g.dtype.kind in "biu":
            if not np.array_equal(g, r):
                i = int(np.flatnonzero(g.ravel() != r.ravel())[0])
                return False, f"output {k}: differs at flat {i}: {g.ravel()[i]} != {r.ravel()[i]}"
            continue
        g64, r64 = g.astype(np.float64), r.astype(np.float64)
        if not np.array_equal(np.isnan(g64), np.isnan(r64)):
            return False, f"output {k}: NaN pattern differs"
        rtol, atol, scale = (tuple(tol) + (0.0,))[:3]
        if r.dtype in (np.float16,) or g.dtype == np.float16:
            rtol, atol = max(rtol, 1e-3), max(atol, 1e-3)
        fin = np.isfinite(r64)
        if not np.array_equal(g64[~fin], r64[~fin]):
            return False, f"output {k}: infinities differ"
        d = np.abs(g64[fin] - r64[fin])
        # `scale`: slack relative to the largest |value| (sums of many products round in any order).
        lim = atol + rtol * np.abs(r64[fin]) + (scale * float(np.abs(r64[fin]).max()) if d.size else 0.0)
        if d.size and np.any(d > lim):
            i = int(np.argmax(d - lim))
            return False, (f"output {k}: max|diff| {d.max():.3g}; worst got {g64[fin][i]!r} expected "
                           f"{r64[fin][i]!r} (rtol {rtol:g}, atol {atol:g})")
        if d.size:
            worst = max(worst, float(d.max()))
    return True, f"max|diff| {worst:.3g}"


def geomean(v):
    v = [x for x in v if x and x > 0]
    return math.exp(sum(math.log(x) for x in v) / len(v)) if v else None


BINS = [0.1, 0.25, 0.5, 0.9, 1.1, 2.0, 5.0]


def histogram(ratios):
    edges = [0.0] + BINS + [float("inf")]
    counts = [0] * (len(edges) - 1)
    for r in ratios:
        for i in range(len(counts)):
            if edges[i] <= r < edges[i + 1]:
                counts[i] += 1
                break
    labels = [f"< {BINS[0]}"] + [f"{a}-{b}" for a, b in zip(BINS, BINS[1:])] + [f">= {BINS[-1]}"]
    return list(zip(labels, counts))


def summarise(results, libs, ref_lib, base=None):
    """Markdown summary: ratios ref_lib time / rtorch time (and / base time when a baseline ran)."""
    def ratio(r, lib):
        t = r["median_s"]
        if r["check"].get(lib) is not True or r["check"].get(ref_lib) is not True:
            return None
        if lib not in t or ref_lib not in t or not t[lib] or not t[ref_lib]:
            return None
        return t[ref_lib] / t[lib]

    lines = []
    cols = ["rtorch"] + (["baseline"] if base else [])
    fams = sorted({r["family"] for r in results})
    for col in cols:
        lib = "rtorch" if col == "rtorch" else base
        rs = [(r, ratio(r, lib)) for r in results]
        ok = [(r, x) for r, x in rs if x is not None]
        vals = [x for _, x in ok]
        if not vals:
            lines.append(f"no comparable cases for {col}")
            continue
        lines.append(f"### {col} vs {ref_lib}: {ref_lib} time / {col} time (> 1: {col} faster)")
        lines.append("")
        lines.append(f"{len(vals)} cases compared; geometric mean **{geomean(vals):.2f}x**; "
                     f"{sum(v < 0.5 for v in vals)} below 0.5x, {sum(v < 0.9 for v in vals)} below 0.9x, "
                     f"{sum(v >= 1.0 for v in vals)} at or above 1.0x.")
        lines.append("")
        lines.append("| ratio | cases |")
        lines.append("|---|---:|")
        for lab, n in histogram(vals):
            lines.append(f"| {lab} | {n} |")
        lines.append("")
        lines.append("| family | cases | geomean | min | < 0.5x | < 0.9x |")
        lines.append("|---|---:|---:|---:|---:|---:|")
        for fam in fams:
            fv = [x for r, x in ok if r["family"] == fam]
            if fv:
                lines.append(f"| {fam} | {len(fv)} | {geomean(fv):.2f} | {min(fv):.2f} | "
                             f"{sum(v < 0.5 for v in fv)} | {sum(v < 0.9 for v in fv)} |")
        lines.append("")
        lines.append(f"Worst 30 ({col}):")
        lines.append("")
        lines.append(f"| case | family | {col} | {ref_lib} | ratio |")
        lines.append("|---|---|---:|---:|---:|")
        for r, x in sorted(ok, key=lambda p: p[1])[:30]:
            lines.append(f"| `{r['name']}` | {r['family']} | {fmt_t(r['median_s'][lib])} | "
                         f"{fmt_t(r['median_s'][ref_lib])} | {x:.2f} |")
        lines.append("")
    bad = [r for r in results if any(v is False for v in r["check"].values())]
    err = [r for r in results if r["errors"]]
    if bad or err:
        lines.append("Mismatches and errors (left out of the statistics):")
        lines.append("")
        for r in bad:
            for lib, v in r["check"].items():
                if v is False:
                    lines.append(f"- MISMATCH `{r['name']}` {lib}: {r['check_detail'].get(lib)}")
        for r in err:
            for lib, e in r["errors"].items():
                lines.append(f"- ERROR `{r['name']}` {lib}: {e}")
        lines.append("")
    return lines


def fmt_t(s):
    if s is None:
        return "-"
    if s < 1e-3:
        return f"{s * 1e6:.3g} us"
    return f"{s * 1e3:.3g} ms"


def parse_args(argv=None):
    p = argparse.ArgumentParser(description="rtorch op sweep beside PyTorch and NumPy",
                                formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--quick", action="store_true", help="fewer cases, layouts and rounds (development)")
    p.add_argument("--only", action="append", metavar="FAMILY_OR_SUBSTR",
                   help="cases whose family equals, or whose name contains, this (repeatable)")
    p.add_argument("--list", action="store_true", help="print the cases and exit")
    p.add_argument("--threads", type=int, default=2)
    p.add_argument("--rounds", type=int, default=None, help="interleaved rounds per case (default 5, 3 quick)")
    p.add_argument("--round-time", type=float, default=None,
                   help="seconds each library samples per round (default 0.04, 0.015 quick)")
    p.add_argument("--gap", type=float, default=0.03, help="pause (s) when switching process")
    p.add_argument("--wait-idle", type=float, default=0.0, metavar="S",
                   help="wait up to S s for an idle machine before a case; retime disturbed cases")
    p.add_argument("--torch-python", default=None,
                   help="interpreter with torch (default: this one if it imports torch; else no torch column)")
    p.add_argument("--rtorch-path", default=None, help="PYTHONPATH entry holding the rtorch to measure")
    p.add_argument("--baseline-path", default=None,
                   help="PYTHONPATH entry of another rtorch build, timed in the same rounds (column 'baseline')")
    p.add_argument("--no-numpy", action="store_true")
    p.add_argument("--out", default=None, help="output prefix (default benchmarks/sweep; /tmp/rtorch_sweep_quick with --quick)")
    p.add_argument("--worker", default=None, help=argparse.SUPPRESS)
    return p.parse_args(argv)


def main():
    args = parse_args()
    if args.worker:
        return worker_main(args.worker, args.threads)
    if args.rtorch_path:
        sys.path.insert(0, args.rtorch_path)
    cases = all_cases(args.quick)
    if args.only:
        cases = [c for c in cases if any(o == c["family"] or o in c["name"] for o in args.only)]
    if args.list:
        for c in cases:
            print(f"{c['family']:9} {c['name']:50} {c['expr']}")
        print(f"{len(cases)} cases")
        return
    rounds = args.rounds or (3 if args.quick else 5)
    round_time = args.round_time or (0.015 if args.quick else 0.04)
    out = args.out or (os.path.join(HERE, "sweep") if not args.quick else "/tmp/rtorch_sweep_quick")

    torch_py = args.torch_python
    if torch_py is None:
        ok = subprocess.run([sys.executable, "-c", "import torch"], capture_output=True).returncode == 0
        torch_py = sys.executable if ok else None
    procs = {"rtorch": Proc("rtorch", "rtorch", sys.executable, args.rtorch_path or os.path.join(ROOT, "python"),
                            args.threads)}
    if args.baseline_path:
        procs["baseline"] = Proc("rtorch", "baseline", sys.executable, args.baseline_path, args.threads)
    if torch_py:
        procs["torch"] = Proc("torch", "torch", torch_py, None, args.threads)
    if not args.no_numpy:
        procs["numpy"] = Proc("numpy", "numpy", sys.executable, None, args.threads)
    ref_lib = "torch" if "torch" in procs else "numpy"
    libs = list(procs)
    print(f"sweep: {len(cases)} cases; libraries {', '.join(f'{k} {p.info}' for k, p in procs.items())}; "
          f"{rounds} rounds x {round_time}s; reference {ref_lib}", flush=True)

    tmp = tempfile.mkdtemp(prefix="rtorch_sweep_")
    results = []
    t_start = time.perf_counter()
    try:
        for ci, c in enumerate(cases):
            t0 = time.perf_counter()
            res = {"name": c["name"], "family": c["family"], "expr": c["expr"], "size": c["size"], "median_s": {},
                   "iqr": {}, "check": {}, "check_detail": {}, "errors": {}, "samples": {}}
            est = {}
            arrays = {}
            for lib, p in procs.items():
                path = os.path.join(tmp, f"{lib}.npz")
                r = p.ask(cmd="check", case=c, path=path)
                if r["status"] == "ok":
                    est[lib] = r["est"]
                    with __import__("numpy").load(path) as z:
                        arrays[lib] = [z[f"arr_{i}"] for i in range(len(z.files))]
                    os.remove(path)
                elif r["status"] == "error":
                    res["errors"][lib] = r["detail"]
            ref = arrays.get(ref_lib)
            tol = tuple(c["tol"]) if c["tol"] else (1e-5, 1e-6)
            for lib, a in arrays.items():
                if ref is None:
                    res["check"][lib] = None
                    continue
                ok, detail = compare(a, ref, tol, exact_dtype=(lib != "numpy"), prefix=(lib == "numpy"))
                if lib == "numpy" and not ok:
                    ok2, _ = compare(a, ref, (max(tol[0], 1e-3), max(tol[1], 1e-4)), exact_dtype=False, prefix=True)
                    ok, detail = ok2, detail if not ok2 else "within loose tolerance"
                res["check"][lib], res["check_detail"][lib] = ok, detail
            timed = [lib for lib in libs if lib in est]
            for attempt in range(3 if args.wait_idle > 0 else 1):
                if args.wait_idle > 0:
                    wait_idle(list(procs.values()), args.wait_idle)
                load = Load(list(procs.values()))
                samples = {lib: [] for lib in timed}
                for rnd in range(rounds):
                    order = timed if rnd % 2 == 0 else timed[::-1]
                    for lib in order:
                        time.sleep(args.gap)
                        samples[lib] += procs[lib].ask(cmd="time", seconds=round_time, est=est[lib])["samples"]
                other = load.fraction()
                if other is None or other <= 0.1:
                    break
            for lib in procs:
                procs[lib].ask(cmd="drop")
            for lib, s in samples.items():
                med = statistics.median(s)
                q = statistics.quantiles(s, n=4) if len(s) >= 4 else [med, med, med]
                res["median_s"][lib] = med
                res["iqr"][lib] = (q[2] - q[0]) / med if med else None
                res["samples"][lib] = len(s)
            res["other_load"] = other
            res["disturbed"] = other is not None and other > 0.1
            results.append(res)
            t = res["median_s"]
            rat = (t[ref_lib] / t["rtorch"]) if "rtorch" in t and ref_lib in t and res["check"].get("rtorch") else None
            flag = ("!" if any(v is False for v in res["check"].values()) else "") + ("~" if res["disturbed"] else "")
            cells = "  ".join(f"{lib} {fmt_t(t.get(lib)):>9}" for lib in libs)
            print(f"[{ci + 1}/{len(cases)} {time.perf_counter() - t0:4.1f}s] {c['family']:8} {c['name'][:46]:46} "
                  f"{cells}  ratio {'-' if rat is None else f'{rat:.2f}'} {flag}"
                  + (f"  errors: {res['errors']}" if res["errors"] else ""), flush=True)
    finally:
        for p in procs.values():
            try:
                p.close()
            except Exception:
                pass
        try:
            os.rmdir(tmp)
        except OSError:
            pass
    elapsed = time.perf_counter() - t_start
    disturbed = sum(r["disturbed"] for r in results)
    iqrs = [v for r in results for v in r["iqr"].values() if v is not None]
    head = [f"# rtorch op sweep ({time.strftime('%Y-%m-%d %H:%M')})", "",
            f"`{' '.join(['python', 'benchmarks/sweep.py'] + sys.argv[1:])}`: {len(results)} cases, {args.threads} "
            f"threads per library, each library in its own process, {rounds} interleaved rounds of "
            f"{round_time}s per library, medians; {elapsed:.0f} s. Libraries: "
            + ", ".join(f"{k} {p.info.get('version')}" for k, p in procs.items()) + ".",
            f"Noise: median interquartile range {statistics.median(iqrs) * 100 if iqrs else 0:.1f}% of the median; "
            f"{disturbed} cases ran while other processes used > 10% of the CPUs (marked ~ in the JSON).", ""]
    md = head + summarise(results, libs, ref_lib, "baseline" if "baseline" in procs else None)
    with open(out + ".md", "w") as f:
        f.write("\n".join(md) + "\n")
    with open(out + ".json", "w") as f:
        json.dump({"args": vars(args), "elapsed_s": elapsed, "libs": {k: p.info for k, p in procs.items()},
                   "load_average": os.getloadavg(), "results": results}, f, indent=1)
    print("\n".join(md))
    print(f"wrote {out}.md and {out}.json")


if __name__ == "__main__":
    main()
