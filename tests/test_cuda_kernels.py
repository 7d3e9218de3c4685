"""Compile check of the CUDA kernel sources (cuda/*.cu) with NVRTC; no GPU or driver needed.

Every kernel family (cuda/<family>.cu plus what the op declaration tables generate for it, as
`rtorch._rtorch._cuda_source(family)` returns it) is compiled for sm_80 and sm_90 exactly as the CUDA
backend compiles it at run time (`-default-device -std=c++17 --gpu-architecture=sm_XX`, which also
runs ptxas), with the include paths of cuda/ and of cuda_fp16.h/cuda_bf16.h. Any error or warning
fails, and the set of kernels in the PTX must equal the manifest below (the launch contract the Rust
side relies on, documented in cuda/README.md); the elementwise families' manifests come from the
declaration tables, whose rows name their CUDA dtype groups.

NVRTC and the fp16/bf16 headers come from PyPI wheels:
    pip install "nvidia-cuda-nvrtc==13.0.*" "nvidia-cuda-runtime==13.0.*"
(CUDA 12 layout, `nvidia-cuda-nvrtc-cu12` + `nvidia-cuda-runtime-cu12`, works too). Without them
the module is skipped. RTORCH_NVRTC_SITE=<dir>[:<dir>...] restricts the search to those
site-packages-like directories (e.g. a `pip install --target` folder); RTORCH_NVRTC_ARCHS=sm_80
(comma-separated) overrides the architectures.
"""
import ctypes
import multiprocessing
import os
import re
import site
import sys
import time
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

import pytest

from rtorch import _rtorch

ROOT = Path(__file__).resolve().parent.parent
CUDA_DIR = ROOT / "cuda"
SOURCES = sorted(p.name for p in CUDA_DIR.glob("*.cu"))
ARCHS = tuple(os.environ.get("RTORCH_NVRTC_ARCHS", "sm_80,sm_90").split(","))

# ---------------------------------------------------------------------------------------------
# Kernel manifest: <family>_<op>_<dtype> names generated from the op lists of each source file.
# ---------------------------------------------------------------------------------------------
F = ("f32", "f64", "f16", "bf16")
I = ("i64", "i32", "i16", "i8", "u8")
B = ("bool",)
NUM = F + I
ALL = NUM + B
INTB = I + B


def _family(prefix, groups):
    """groups: [(ops, dtypes)] -> ['<prefix>_<op>_<dt>', ...]."""
    return [f"{prefix}_{op}_{dt}" for ops, dts in groups for op in ops.split() for dt in dts]


GROUPS = {"F": F, "I": I, "NUM": NUM, "INTB": INTB, "ALL": ALL}
# Groups with complex instantiate their real dtypes on CUDA (complex CUDA tensors are refused before launch).
GROUPS.update(FC=F, NUMC=NUM, ALLC=ALL)
# The CUDA source of each file as the backend compiles it (the elementwise files get their functors from
# the declaration tables).
SOURCE_TEXT = {f: _rtorch._cuda_source(f[:-3]) for f in SOURCES}


def _declared(family):
    """Kernels of the declaration table of `family`: <family>_<id>_<dt> for every dtype of each row's group."""
    return [f"{family}_{d['id']}_{dt}" for d in _rtorch._declarations() if d["family"] == family
            for dt in GROUPS[d["cuda"]]]


KERNELS = {
    "unary.cu": _declared("unary") + [f"cast_{s}_{d}" for s in ALL for d in ALL] + [f"fill_{d}" for d in ALL],
    "binary.cu": _declared("binary") + _family("ternary", [("where", ALL)]),
    "reduce.cu": _family("reduce", [
        ("sum prod max min all any cumsum cumprod", ALL),
        ("argmax argmin cumextreme", NUM),
        ("mean softmax log_softmax softmax_backward log_softmax_backward layer_norm layer_norm_backward logsumexp", F),
        (" ".join(f"{op}_warp{v}" for op in ("softmax", "log_softmax", "softmax_backward", "log_softmax_backward")
                  for v in (1, 2, 4, 8, 16, 32)), F),
    ]),
    "index.cu": _family("index", [
        ("gather scatter select take put", ALL),
        ("scatter_add add put_add", NUM),
        ("im2col col2im maxpool2d plane_gather plane_scatter_add", F),
        ("offsets compact", ("i64",)),
    ]),
    "random.cu": _family("random", [("uniform normal bernoulli", F), ("randint", NUM)]),
    "optim.cu": _family("optim", [("sgd adam rmsprop adagrad", F)]),
    "sort.cu": _family("sort", [("argsort searchsorted", ALL)]),
}

# ---------------------------------------------------------------------------------------------
# Locate NVRTC (PyPI wheel) and the fp16/bf16 headers.
# ---------------------------------------------------------------------------------------------
# (directory of libnvrtc, its file name, include directory with cuda_fp16.h), relative to a
# site-packages directory: CUDA 13 wheels, then CUDA 12 wheels.
_LAYOUTS = (
    ("nvidia/cu13/lib", "libnvrtc.so.13", "nvidia/cu13/include"),
    ("nvidia/cuda_nvrtc/lib", "libnvrtc.so.12", "nvidia/cuda_runtime/include"),
)


def _site_dirs():
    env = os.environ.get("RTORCH_NVRTC_SITE")
    if env:
        dirs = env.split(os.pathsep)
    else:
        dirs = list(sys.path)
        try:
            dirs += site.getsitepackages() + [site.getusersitepackages()]
        except AttributeError:  # some virtualenv builds lack these
            pass
    seen, out = set(), []
    for d in dirs:
        if d and os.path.isdir(d) and os.path.realpath(d) not in seen:
            seen.add(os.path.realpath(d))
            out.append(Path(d))
    return out


def _find_toolchain():
    """(libnvrtc path, include dir) or None."""
    dirs = _site_dirs()
    for lib_rel, lib_name, inc_rel in _LAYOUTS:
        for d in dirs:
            lib = d / lib_rel / lib_name
            if not lib.is_file():
                continue
            # Headers: preferably next to this NVRTC, else from any other site directory.
            for e in [d] + dirs:
                inc = e / inc_rel
                if (inc / "cuda_fp16.h").is_file() and (inc / "cuda_bf16.h").is_file():
                    return lib, inc
    return None


if not sys.platform.startswith("linux"):
    pytest.skip("NVRTC compile check runs on Linux only", allow_module_level=True)
_TOOLCHAIN = _find_toolchain()
if _TOOLCHAIN is None:
    pytest.skip('NVRTC wheel not installed: pip install "nvidia-cuda-nvrtc==13.0.*" '
                '"nvidia-cuda-runtime==13.0.*"', allow_module_level=True)
NVRTC_LIB, FP16_INCLUDE = _TOOLCHAIN


def _load_nvrtc(lib_path):
    # libnvrtc dlopens libnvrtc-builtins by soname: preload it so that the wheel's lib directory
    # does not have to be on LD_LIBRARY_PATH.
    for b in sorted(lib_path.parent.glob("libnvrtc-builtins.so*")):
        if ".alt." not in b.name:
            ctypes.CDLL(str(b), mode=ctypes.RTLD_GLOBAL)
    nv = ctypes.CDLL(str(lib_path), mode=ctypes.RTLD_GLOBAL)
    prog_p = ctypes.POINTER(ctypes.c_void_p)
    strs = ctypes.POINTER(ctypes.c_char_p)
    size_p = ctypes.POINTER(ctypes.c_size_t)
    for name, args in {
        "nvrtcVersion": [ctypes.POINTER(ctypes.c_int), ctypes.POINTER(ctypes.c_int)],
        "nvrtcCreateProgram": [prog_p, ctypes.c_char_p, ctypes.c_char_p, ctypes.c_int, strs, strs],
        "nvrtcCompileProgram": [ctypes.c_void_p, ctypes.c_int, strs],
        "nvrtcGetProgramLogSize": [ctypes.c_void_p, size_p],
        "nvrtcGetProgramLog": [ctypes.c_void_p, ctypes.c_char_p],
        "nvrtcGetPTXSize": [ctypes.c_void_p, size_p],
        "nvrtcGetPTX": [ctypes.c_void_p, ctypes.c_char_p],
        "nvrtcDestroyProgram": [prog_p],
    }.items():
        fn = getattr(nv, name)
        fn.argtypes, fn.restype = args, ctypes.c_int
    nv.nvrtcGetErrorString.argtypes, nv.nvrtcGetErrorString.restype = [ctypes.c_int], ctypes.c_char_p
    return nv


NVRTC = _load_nvrtc(NVRTC_LIB)


def nvrtc_version():
    major, minor = ctypes.c_int(), ctypes.c_int()
    assert NVRTC.nvrtcVersion(ctypes.byref(major), ctypes.byref(minor)) == 0
    return major.value, minor.value


def _check(rc, what):
    if rc != 0:
        raise RuntimeError(f"{what}: {NVRTC.nvrtcGetErrorString(rc).decode()}")


def compile_source(src, name, arch):
    """Compile CUDA source text; returns (success, log, ptx, seconds)."""
    opts = [b"-default-device", b"-std=c++17", f"--gpu-architecture={arch}".encode(),
            f"-I{CUDA_DIR}".encode(), f"-I{FP16_INCLUDE}".encode()]
    prog = ctypes.c_void_p()
    _check(NVRTC.nvrtcCreateProgram(ctypes.byref(prog), src.encode(), name.encode(), 0, None, None),
           "nvrtcCreateProgram")
    try:
        t0 = time.perf_counter()
        rc = NVRTC.nvrtcCompileProgram(prog, len(opts), (ctypes.c_char_p * len(opts))(*opts))
        seconds = time.perf_counter() - t0
        size = ctypes.c_size_t()
        _check(NVRTC.nvrtcGetProgramLogSize(prog, ctypes.byref(size)), "nvrtcGetProgramLogSize")
        buf = ctypes.create_string_buffer(size.value)
        _check(NVRTC.nvrtcGetProgramLog(prog, buf), "nvrtcGetProgramLog")
        log = buf.value.decode(errors="replace")
        ptx = ""
        if rc == 0:
            _check(NVRTC.nvrtcGetPTXSize(prog, ctypes.byref(size)), "nvrtcGetPTXSize")
            buf = ctypes.create_string_buffer(size.value)
            _check(NVRTC.nvrtcGetPTX(prog, buf), "nvrtcGetPTX")
            ptx = buf.value.decode(errors="replace")
        return rc == 0, log, ptx, seconds
    finally:
        NVRTC.nvrtcDestroyProgram(ctypes.byref(prog))


_ENTRY_RE = re.compile(r"^\s*\.(?:visible\s+)?\.entry\s+([A-Za-z_]\w*)", re.M)


def ptx_entries(ptx):
    return set(_ENTRY_RE.findall(ptx))


def _compile_file(job):
    source, arch = job
    return compile_source(SOURCE_TEXT[source], source, arch)


@pytest.fixture(scope="module")
def compiled():
    """{(file, arch): (ok, log, ptx, seconds)}, all compiled once, in parallel worker processes
    (forked, so they inherit the loaded NVRTC)."""
    jobs = [(f, a) for f in SOURCES for a in ARCHS]
    # Biggest sources first so that the longest compiles start first.
    order = sorted(jobs, key=lambda j: -len(SOURCE_TEXT[j[0]]))
    try:
        cpus = len(os.sched_getaffinity(0))
    except AttributeError:
        cpus = os.cpu_count() or 1
    workers = max(1, min(len(jobs), cpus))
    t0 = time.perf_counter()
    if workers == 1:
        done = [_compile_file(j) for j in order]
    else:
        with ProcessPoolExecutor(workers, mp_context=multiprocessing.get_context("fork")) as pool:
            done = list(pool.map(_compile_file, order))
    results = [dict(zip(order, done))[j] for j in jobs]
    wall = time.perf_counter() - t0
    major, minor = nvrtc_version()
    print(f"\nNVRTC {major}.{minor} ({NVRTC_LIB}): {len(SOURCES)} files x {len(ARCHS)} archs, "
          f"{workers} processes, {wall:.1f} s wall")
    for (f, a), r in zip(jobs, results):
        print(f"  {f:<10} {a}: {r[3]:6.1f} s, {len(ptx_entries(r[2]))} kernels")
    return dict(zip(jobs, results))


def test_manifest_covers_every_source():
    assert SOURCES, "no cuda/*.cu sources"
    assert sorted(KERNELS) == SOURCES
    assert all(SOURCE_TEXT.values()), "every cuda/*.cu file is a kernel family the backend compiles"


@pytest.mark.parametrize("arch", ARCHS)
@pytest.mark.parametrize("source", SOURCES)
def test_compiles_without_warnings(compiled, source, arch):
    ok, log, _, _ = compiled[(source, arch)]
    assert ok, f"{source} ({arch}) failed to compile:\n{log}"
    problems = [ln for ln in log.splitlines() if re.search(r"\b(warning|error)\b", ln, re.I)]
    assert not problems, f"{source} ({arch}) compiled with diagnostics:\n{log}"


@pytest.mark.parametrize("arch", ARCHS)
@pytest.mark.parametrize("source", SOURCES)
def test_kernel_names_match_manifest(compiled, source, arch):
    ok, log, ptx, _ = compiled[(source, arch)]
    assert ok, log
    expected = set(KERNELS.get(source, []))
    assert len(expected) == len(KERNELS.get(source, [])), "duplicate names in the manifest"
    found = ptx_entries(ptx)
    missing, unexpected = sorted(expected - found), sorted(found - expected)
    assert not missing, f"{source}: kernels missing from the PTX: {missing}"
    assert not unexpected, f"{source}: kernels not in the manifest (add them to KERNELS and README): {unexpected}"


# #[repr(C)] layouts documented in common.cuh: (struct, size, {field: byte offset}).
LAYOUTS = [
    ("Strides", 360, {"ndim": 0, "contiguous": 4, "shape[0]": 8, "stride_a[0]": 72, "stride_b[0]": 136,
                      "stride_c[0]": 200, "stride_out[0]": 264, "offset_a": 328, "offset_b": 336,
                      "offset_c": 344, "offset_out": 352}),
    ("Window2d", 112, {f: 8 * k for k, f in enumerate("n c h w kh kw sh sw ph pw dh dw oh ow".split())}),
]


def test_struct_layouts_match_rust():
    """The by-value argument structs have the documented #[repr(C)] layout: one probe kernel per
    field reads it, and the PTX shows the parameter size and each field's byte offset."""
    src = ['#include "common.cuh"']
    probes = {}
    for struct, size, fields in LAYOUTS:
        for k, (field, offset) in enumerate(fields.items()):
            name = f"probe_{struct}_{k}"
            probes[name] = (struct, size, field, offset)
            src.append(f'extern "C" __global__ void {name}({struct} s, long long* out) {{ out[0] = s.{field}; }}')
    ok, log, ptx, _ = compile_source("\n".join(src), "layout_probe.cu", ARCHS[0])
    assert ok, log
    for name, (struct, size, field, offset) in probes.items():
        assert re.search(rf"\.param \.align 8 \.b8 {name}_param_0\[{size}\]", ptx), f"sizeof({struct}) != {size}"
        m = re.search(rf"ld\.param\.\w+\s+%\w+, \[{name}_param_0(?:\+(\d+))?\]", ptx)
        assert m, f"no load of {struct}.{field} in the PTX"
        assert int(m.group(1) or 0) == offset, f"offsetof({struct}, {field}) = {m.group(1)}, expected {offset}"


def test_dtype_filter():
    """-DRT_DTYPE_FILTER -DRT_ENABLE_<dt> instantiates only that dtype's kernels (faster JIT)."""
    src = SOURCE_TEXT["binary.cu"]
    src = "#define RT_DTYPE_FILTER\n#define RT_ENABLE_f16\n#define RT_ENABLE_bool\n" + src
    ok, log, ptx, _ = compile_source(src, "binary_f16.cu", ARCHS[0])
    assert ok, log
    expected = {k for k in KERNELS["binary.cu"] if k.endswith(("_f16", "_bool"))}
    assert ptx_entries(ptx) == expected
