"""The engine's layering, checked from the Rust sources (no build needed).

Layers, lowest first: the global allocator and the value types (error, device, dtype, scalar,
layout); the core data structures (storage, tensor, the tape, the op declarations in opdefs, shared
memory); the device backends (cpu, cuda); the dispatcher (backend); tensor ops (ops); reverse-mode
autograd; the Python bindings (py). A module may name only modules in lower layers, or its own layer where listed in
``SAME_LAYER``. So ops and autograd reach a device only through the dispatcher, the backends
import neither ops nor autograd, and the graph between these directories has no cycle.
"""

from __future__ import annotations

import re
from pathlib import Path

SRC = Path(__file__).resolve().parent.parent / "src"

LAYERS = [
    {"allocator", "error", "device", "dtype", "scalar", "layout", "complex"},
    {"storage", "tensor", "tape", "opdefs", "shm"},
    {"cpu", "cuda"},
    {"backend"},
    {"ops"},
    {"autograd"},
    {"py"},
]
LAYER = {m: i for i, ms in enumerate(LAYERS) for m in ms}

# Within-layer edges that are part of the design (everything else within a layer is an error).
SAME_LAYER = {
    # A Tensor owns its autograd metadata, which holds tensors (grad, saved values): mutually
    # recursive types, as PyTorch's TensorImpl and AutogradMeta are.
    ("tensor", "tape"), ("tape", "tensor"),
    ("tensor", "storage"), ("shm", "storage"), ("shm", "tensor"),
    ("tape", "opdefs"), ("opdefs", "tensor"), ("tape", "storage"),
    ("error", "device"), ("error", "dtype"), ("scalar", "dtype"), ("dtype", "error"),
    ("device", "error"), ("layout", "error"), ("dtype", "scalar"),
    # Scalar::check_fits reports a Python number that does not fit a dtype.
    ("scalar", "error"),
    # The complex element types implement Element; with_dtype! names them.
    ("complex", "dtype"), ("dtype", "complex"),
}

# Storage holds device memory: it may use the CUDA memory primitives (contexts, buffers,
# pinned host memory), which themselves import only value types. Nothing else in cuda/.
STORAGE_CUDA_FILES = {"mod.rs", "memory.rs", "pinned.rs"}

# Items re-exported at the crate root, and exported macros, by the module that defines them.
ROOT_ITEMS = {
    "Device": "device", "DType": "dtype", "Error": "error", "Result": "error", "Scalar": "scalar",
    "Tensor": "tensor", "device_unavailable": "device",
    "bail": "error", "err": "error", "with_dtype": "dtype",
    "unary_table": "opdefs", "binary_table": "opdefs",
}


def _code(path: Path) -> str:
    """The file's text without comments (doc comments mention other layers freely)."""
    return re.sub(r"//[^\n]*", "", path.read_text())


def _refs(text: str) -> set[str]:
    """Top-level crate modules (or root items) a file names: `crate::x` and `use crate::{x, ..}`."""
    refs = set(re.findall(r"crate::(\w+)", text))
    for group in re.findall(r"use crate::\{([^}]*)\}", text):
        refs |= set(re.findall(r"(?:^|[,{\s])(\w+)\s*(?:::|,|$|\})", group))
    return {ROOT_ITEMS.get(r, r) for r in refs}


def _module(path: Path) -> str:
    return path.relative_to(SRC).parts[0].removesuffix(".rs")


def _edges() -> dict[tuple[str, str], list[str]]:
    edges: dict[tuple[str, str], list[str]] = {}
    for path in sorted(SRC.rglob("*.rs")):
        a = _module(path)
        if a == "lib":
            continue
        for b in _refs(_code(path)):
            if b != a and b in LAYER:
                edges.setdefault((a, b), []).append(str(path.relative_to(SRC)))
    return edges


def test_every_module_has_a_layer():
    mods = {_module(p) for p in SRC.rglob("*.rs")} - {"lib"}
    assert mods <= set(LAYER), f"modules without a layer: {sorted(mods - set(LAYER))}"


def test_modules_name_only_lower_layers():
    bad = []
    for (a, b), files in sorted(_edges().items()):
        if LAYER[b] < LAYER[a] or (a, b) in SAME_LAYER:
            continue
        if a == "storage" and b == "cuda":
            continue  # checked file by file below
        bad.append(f"{a} -> {b} (in {', '.join(sorted(set(files)))})")
    assert not bad, "layering violations:\n" + "\n".join(bad)


def test_storage_uses_only_cuda_memory_primitives():
    text = _code(SRC / "storage.rs")
    used = set(re.findall(r"crate::cuda::(\w+)", text))
    assert used <= {"CudaBuffer", "gpu", "pinned"}, f"storage.rs uses cuda::{sorted(used)}"
    for name in STORAGE_CUDA_FILES:
        refs = _refs(_code(SRC / "cuda" / name))
        above = {r for r in refs if r in LAYER and LAYER[r] > 0}
        assert not above, f"cuda/{name} is used by storage but imports {sorted(above)}"


def test_ops_and_autograd_never_name_a_device_backend():
    # The criterion, as `grep -lE 'cpu::|cuda::' src/ops src/autograd src/tape`.
    hits = [
        str(p.relative_to(SRC))
        for d in ("ops", "autograd", "tape", "opdefs")
        for p in sorted((SRC / d).rglob("*.rs"))
        if re.search(r"\b(cpu|cuda)::", p.read_text())
    ]
    assert not hits, f"files naming cpu:: or cuda:: outside the dispatcher: {hits}"


def test_no_cycle_between_engine_directories():
    edges = {(a, b) for a, b in _edges() if {a, b} <= {"cpu", "cuda", "backend", "ops", "autograd"}}
    graph: dict[str, set[str]] = {}
    for a, b in edges:
        graph.setdefault(a, set()).add(b)
    state: dict[str, int] = {}

    def visit(n: str, path: list[str]) -> None:
        state[n] = 1
        for m in graph.get(n, ()):
            assert state.get(m) != 1, f"import cycle: {' -> '.join(path + [n, m])}"
            if m not in state:
                visit(m, path + [n])
        state[n] = 2

    for n in list(graph):
        if n not in state:
            visit(n, [])


def test_the_checker_sees_a_planted_violation(tmp_path):
    # The regexes must catch both spellings a contributor would write.
    assert "ops" in _refs("use crate::ops::index::where_;")
    assert "autograd" in _refs("use crate::{dtype::DType, autograd::engine};")
    assert "ops" in _refs("let y = crate::ops::unary::unary(x, op)?;")
    assert "tensor" in _refs("use crate::{Tensor, Result};")
