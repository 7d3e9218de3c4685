"""The public API the fuzzer calls, found by introspection, and the kind of value each parameter name expects.

Targets are rtorch.* functions, Tensor methods (operators and indexing included), rtorch.nn.functional.*, nn
module constructors with their forward, optimizer constructors with a step, and save/load. Parameter kinds come
from the parameter's name and default (PyTorch names its parameters consistently); an unknown name gets anything.
"""
import inspect
from dataclasses import dataclass

# Functions whose effect outlives the call (process-wide settings) or that reach outside the process.
# Settings that are reset after every call (default dtype, print options) stay in.
SKIP_FUNCTIONS = {"set_num_threads", "get_num_threads", "manual_seed", "initial_seed", "from_numpy", "from_dlpack"}
SKIP_METHODS = {
    "__init__", "__new__", "__init_subclass__", "__subclasshook__", "__reduce__", "__reduce_ex__", "__getstate__",
    "__setstate__", "__class__", "__delattr__", "__setattr__", "__getattribute__", "__dir__", "__sizeof__",
    "__del__", "__hash__", "_make_subclass", "share_memory_", "__dlpack__", "__torch_function__",
}
# Dunder operators are fuzzed like methods; the rest of the dunders are plumbing.
DUNDERS = {
    "__add__", "__radd__", "__sub__", "__rsub__", "__mul__", "__rmul__", "__truediv__", "__rtruediv__",
    "__floordiv__", "__rfloordiv__", "__mod__", "__rmod__", "__pow__", "__rpow__", "__matmul__", "__rmatmul__",
    "__and__", "__or__", "__xor__", "__lshift__", "__rshift__", "__neg__", "__pos__", "__abs__", "__invert__",
    "__eq__", "__ne__", "__lt__", "__le__", "__gt__", "__ge__", "__bool__", "__int__", "__float__", "__index__",
    "__len__", "__iter__", "__repr__", "__format__", "__contains__", "__array__", "__iadd__", "__isub__",
    "__imul__", "__itruediv__", "__ifloordiv__", "__imod__", "__ipow__", "__iand__", "__ior__", "__ixor__",
    "__ilshift__", "__irshift__", "__getitem__", "__setitem__", "__deepcopy__", "__copy__", "__complex__",
}

TENSOR_NAMES = {
    "input", "other", "self", "src", "source", "tensor1", "tensor2", "mat", "mat1", "mat2", "vec", "batch1",
    "batch2", "x1", "x2", "input1", "input2", "condition", "boundaries", "sorted_sequence", "end", "exponent",
    "query", "key", "value", "weight", "pos_weight", "running_mean", "running_var", "gradient", "prepend",
    "append", "values", "target", "mask", "index", "in_proj_weight", "in_proj_bias", "out_proj_weight",
    "out_proj_bias", "attn_mask", "key_padding_mask", "bias_k", "bias_v", "q_proj_weight", "k_proj_weight",
    "v_proj_weight", "static_k", "static_v", "hx", "h_0", "c_0", "tgt", "memory", "src_mask", "tgt_mask",
    "memory_mask", "mean", "std", "repeats", "obj", "a", "b", "tensor", "data", "t", "ext",
}
TENSOR_LIST_NAMES = {"tensors", "operands", "indices", "params", "inputs"}
DIM_NAMES = {
    "dim", "dim0", "dim1", "dim2", "axis0", "axis1", "start_dim", "end_dim", "dimension", "diagonal", "offset",
    "k", "n", "chunks", "decimals", "ignore_index", "padding_idx", "num_samples", "steps", "low", "high", "m",
    "num_groups", "num_heads", "num_layers", "in_features", "out_features", "in_channels", "out_channels",
    "num_features", "hidden_size", "input_size", "embed_dim", "d_model", "nhead", "dim_feedforward",
    "num_embeddings", "embedding_dim", "num_channels", "in1_features", "in2_features", "num_classes", "length",
    "start", "step", "groups", "proj_size", "num_encoder_layers", "num_decoder_layers", "embed_dim_to_check",
    "seed", "_stacklevel", "T_max", "step_size", "last_epoch", "total_steps", "kdim", "vdim", "upscale_factor",
}
SHAPE_NAMES = {
    "dims", "size", "shape", "sizes", "kernel_size", "stride", "padding", "dilation", "output_size",
    "output_padding", "normalized_shape", "pad", "split_size_or_sections", "shifts", "unflattened_size",
}
NUMBER_NAMES = {
    "p", "eps", "momentum", "alpha", "beta", "fill_value", "min", "max", "min_val", "max_val", "negative_slope",
    "threshold", "lambd", "rtol", "atol", "nan", "posinf", "neginf", "from_", "to", "delta", "label_smoothing",
    "dropout", "dropout_p", "scale", "scale_factor", "base", "lr", "weight_decay", "max_norm", "norm_type",
    "layer_norm_eps", "correction", "divisor_override", "margin", "lr_decay", "initial_accumulator_value",
    "rho", "betas", "dampening", "beta1", "beta2", "init", "upper", "lower", "exponent_value",
}
BOOL_NAMES = {
    "keepdim", "inplace", "ceil_mode", "count_include_pad", "return_indices", "training", "affine",
    "track_running_stats", "batch_first", "largest", "sorted", "descending", "stable", "equal_nan", "as_tuple",
    "replacement", "accumulate", "include_self", "right", "out_int32", "return_inverse", "return_counts",
    "unbiased", "align_corners", "log_target", "non_blocking", "requires_grad", "pin_memory",
    "elementwise_affine", "add_zero_attn", "need_weights", "is_causal", "create_graph", "retain_graph",
    "enable_gqa", "norm_first", "antialias", "sparse", "scale_grad_by_freq", "bidirectional", "nesterov",
    "amsgrad", "maximize", "centered", "foreach", "capturable", "differentiable", "fused", "size_average",
    "reduce_", "use_separate_proj_weight", "average_attn_weights", "recompute_scale_factor", "bias_bool",
    "add_bias_kv", "enable_nested_tensor", "_freeze", "full", "weights_only", "copy", "memory_format",
}
STRING_CHOICES = {
    "reduction": ("'mean'", "'sum'", "'none'", "'batchmean'"),
    "reduce": ("'sum'", "'prod'", "'mean'", "'amax'", "'amin'", "'add'", "'multiply'"),
    "mode": ("'constant'", "'reflect'", "'replicate'", "'circular'", "'nearest'", "'bilinear'", "'linear'",
             "'nearest-exact'", "'bicubic'", "'trilinear'", "'area'"),
    "approximate": ("'none'", "'tanh'"),
    "rounding_mode": ("'trunc'", "'floor'", "None"),
    "padding_mode": ("'zeros'", "'reflect'", "'replicate'", "'circular'"),
    "side": ("'left'", "'right'"),
    "indexing": ("'ij'", "'xy'"),
    "equation": ("'ij,jk->ik'", "'ii->i'", "'i,i->'", "'...ij->...ji'", "'bij,bjk->bik'", "'ij->'",
                 "'i,j->ij'", "'iij->j'", "'->'", "'a'", "'ij,jk'", "'ab...,b->a...'"),
    "nonlinearity": ("'tanh'", "'relu'"),
    "activation": ("'relu'", "'gelu'", "F.silu"),
    "f": ("io.BytesIO()", "TMP + '/f.pt'", "'/proc/self/status'", "'/nonexistent/x.pt'", "TMP"),
}
DTYPE_NAMES = {"dtype", "out_dtype"}
DEVICE_NAMES = {"device", "map_location"}
CALLABLE_NAMES = {"hook", "fn", "lr_lambda", "collate_fn", "func"}


@dataclass
class Target:
    """One entry of the API surface: `site` names it in reports; `kind` says how a call is built."""
    site: str
    kind: str          # 'function' | 'method' | 'module' | 'optim' | 'getitem' | 'setitem' | 'save' | 'load'
    expr: str = ""     # the callable: 'rtorch.zeros', 'F.pad', 'nn.Conv2d', 'optim.SGD', or a method's name
    params: tuple = ()  # inspect.Parameter objects (self excluded)
    forward: tuple = ()  # a module's forward parameters


def param_kind(p):
    """The kind of value parameter `p` expects, from its name and default."""
    name, default = p.name, p.default
    if name == "out":
        return "out"
    if name in STRING_CHOICES:
        return "string"
    if name in DTYPE_NAMES:
        return "dtype"
    if name in DEVICE_NAMES:
        return "device"
    if name in CALLABLE_NAMES:
        return "callable"
    if name == "generator":
        return "generator"
    if name == "bias" and isinstance(default, bool):
        return "bool"
    if name in TENSOR_LIST_NAMES:
        return "tensors"
    if name in BOOL_NAMES or isinstance(default, bool):
        return "bool"
    if name in SHAPE_NAMES:
        return "shape"
    if name in DIM_NAMES:
        return "dim"
    if name in NUMBER_NAMES or isinstance(default, float):
        return "number"
    if name in TENSOR_NAMES or name in ("bias", "output"):
        return "tensor"
    if isinstance(default, int):
        return "dim"
    if isinstance(default, str):
        return "string"
    return "any"


def _params(fn, drop_self=False):
    try:
        ps = list(inspect.signature(fn).parameters.values())
    except (TypeError, ValueError):
        return None
    if drop_self and ps and ps[0].name in ("self", "cls"):
        ps = ps[1:]
    return tuple(ps)


def build_surface(rtorch):
    """Every fuzzable target of the imported `rtorch` package, sorted by site (a stable order for seeds)."""
    F = rtorch.nn.functional
    nn, optim = rtorch.nn, rtorch.optim
    out = []
    for name in dir(rtorch):
        obj = getattr(rtorch, name)
        if name.startswith("_") or name in SKIP_FUNCTIONS or isinstance(obj, type) or not callable(obj):
            continue
        ps = _params(obj)
        if ps is not None:
            out.append(Target(f"rtorch.{name}", "function", f"rtorch.{name}", ps))
    for name in dir(rtorch.Tensor):
        if name in SKIP_METHODS or (name.startswith("__") and name not in DUNDERS):
            continue
        if name.startswith("_") and not name.startswith("__"):
            continue
        obj = getattr(rtorch.Tensor, name)
        if not callable(obj) or isinstance(obj, type):
            continue
        if name == "__getitem__":
            out.append(Target("Tensor.__getitem__", "getitem"))
            continue
        if name == "__setitem__":
            out.append(Target("Tensor.__setitem__", "setitem"))
            continue
        ps = _params(obj, drop_self=True)
        if ps is not None:
            out.append(Target(f"Tensor.{name}", "method", name, ps))
    for name in sorted(getattr(F, "__all__", None) or dir(F)):
        obj = getattr(F, name, None)
        if name.startswith("_") or not callable(obj) or isinstance(obj, type):
            continue
        ps = _params(obj)
        if ps is not None:
            out.append(Target(f"F.{name}", "function", f"F.{name}", ps))
    for name in dir(nn):
        cls = getattr(nn, name)
        if not isinstance(cls, type) or not issubclass(cls, nn.Module) or name in ("Module", "RNNBase",
                                                                                   "RNNCellBase"):
            continue
        ps = _params(cls.__init__, drop_self=True)
        fw = _params(cls.forward, drop_self=True) or ()
        if ps is not None:
            out.append(Target(f"nn.{name}", "module", f"nn.{name}", ps, fw))
    for name in dir(optim):
        cls = getattr(optim, name)
        if isinstance(cls, type) and issubclass(cls, optim.Optimizer) and cls is not optim.Optimizer:
            ps = _params(cls.__init__, drop_self=True)
            if ps is not None:
                out.append(Target(f"optim.{name}", "optim", f"optim.{name}", ps))
    out.append(Target("rtorch.save", "save"))
    out.append(Target("rtorch.load", "load"))
    return sorted(out, key=lambda t: t.site)
