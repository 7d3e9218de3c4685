"""Error parity: each bad input must raise in rtorch, with (an instance of) the exception class PyTorch raises.

Every row runs the same snippet with `torch` bound to rtorch and, when it is installed, to PyTorch. The class
column is what PyTorch 2.15 raises (checked live when torch is importable, so the table cannot drift); without
PyTorch (CI) the column alone is the oracle. `mentions` are substrings rtorch's message must contain: the
shapes, sizes, dims or dtypes a user needs to fix the call. Rows marked `bug=` are known rtorch defects,
kept as strict xfails so they flip to failures (and get unmarked) once fixed.
"""
import warnings

import pytest

import rtorch

try:
    import torch as _torch
except ImportError:  # CI: the table's class column is the oracle
    _torch = None


def row(name, code, cls, mentions=(), shape=False, bug=None):
    marks = [pytest.mark.xfail(strict=True, reason=bug)] if bug else []
    return pytest.param(code, cls, tuple(mentions), shape, id=name, marks=marks)


CASES = [
    # --- shapes that do not fit together: rtorch raises ShapeError (RuntimeError and ValueError) ---
    row("add_shapes", "torch.ones(2, 3) + torch.ones(4, 3)", RuntimeError, ["(2)", "(4)"], shape=True),
    row("mul_broadcast", "torch.ones(3) * torch.ones(4)", RuntimeError, ["(3)", "(4)"], shape=True),
    row("add_inplace_broadcast", "torch.ones(3).add_(torch.ones(2, 3))", RuntimeError, ["[3]", "[2, 3]"], shape=True),
    row("where_shapes", "torch.where(torch.ones(2) > 0, torch.ones(3), torch.ones(3))", RuntimeError,
        ["(2)", "(3)"], shape=True),
    row("masked_fill_shapes", "torch.ones(2, 3).masked_fill(torch.ones(4) > 0, 0.0)", RuntimeError,
        ["(4)", "(3)"], shape=True),
    row("mse_loss_shapes", "torch.nn.functional.mse_loss(torch.ones(3), torch.ones(4))", RuntimeError,
        ["(3)", "(4)"], shape=True),
    row("matmul_shapes", "torch.ones(2, 3) @ torch.ones(4, 5)", RuntimeError, ["2x3", "4x5"], shape=True),
    row("matmul_1d", "torch.ones(3) @ torch.ones(4)", RuntimeError, ["[3]", "[4]"], shape=True),
    row("matmul_0d", "torch.matmul(torch.tensor(1.0), torch.ones(3))", RuntimeError, ["0D", "1D"]),
    row("mm_3d", "torch.mm(torch.ones(2, 3, 4), torch.ones(4, 5))", RuntimeError, ["3D"], shape=True),
    row("bmm_batch", "torch.bmm(torch.ones(2, 3, 4), torch.ones(3, 4, 5))", RuntimeError, ["[2, 4]", "[3, 4]"],
        shape=True),
    row("dot_2d", "torch.ones(2, 2).dot(torch.ones(2, 2))", RuntimeError, ["2D"]),
    row("linear_in_features", "torch.nn.Linear(3, 2)(torch.ones(4, 5))", RuntimeError, ["4x5", "3x2"], shape=True),
    row("conv2d_channels", "torch.nn.functional.conv2d(torch.ones(1, 3, 5, 5), torch.ones(4, 2, 3, 3))",
        RuntimeError, ["[4, 2, 3, 3]", "[1, 3, 5, 5]"], shape=True),
    row("einsum_shapes", "torch.einsum('ij,jk->ik', torch.ones(2, 3), torch.ones(4, 5))", RuntimeError,
        ["j", "3", "4"], shape=True),
    row("cat_shapes", "torch.cat([torch.ones(2, 3), torch.ones(2, 4)])", RuntimeError, ["size 3", "size 4"],
        shape=True),
    row("stack_shapes", "torch.stack([torch.ones(2), torch.ones(3)])", RuntimeError, ["[2]", "[3]"], shape=True),
    row("view_numel", "torch.ones(2, 3).view(4)", RuntimeError, ["[4]", "6"], shape=True),
    row("view_infer", "torch.zeros(2, 3).view(-1, 4)", RuntimeError, ["[-1, 4]", "6"], shape=True),
    row("view_noncontiguous", "torch.ones(2, 3).t().view(6)", RuntimeError, ["stride", "reshape"]),
    row("reshape_numel", "torch.ones(2, 3).reshape(4, 2)", RuntimeError, ["[4, 2]", "6"], shape=True),
    row("reshape_two_infer", "torch.ones(6).reshape(-1, -1)", RuntimeError, ["inferred"]),
    row("expand_shapes", "torch.ones(2, 3).expand(4, 3)", RuntimeError, ["[4, 3]", "[2, 3]"], shape=True),
    row("setitem_shapes", "a = torch.ones(3); a[:] = torch.ones(4)", RuntimeError, ["[4]", "[3]"], shape=True),
    row("split_sizes", "torch.ones(5).split([2, 2])", RuntimeError, ["[2, 2]", "5"], shape=True),
    row("unflatten_sizes", "torch.ones(2, 3).unflatten(1, (2, 2))", RuntimeError, ["[2, 2]", "(3)"], shape=True),
    row("layer_norm_shape", "torch.nn.LayerNorm(3)(torch.ones(2, 4))", RuntimeError, ["[3]", "[2, 4]"]),
    row("lstm_input_size", "torch.nn.LSTM(3, 4)(torch.ones(5, 2, 6))", RuntimeError, ["3", "6"]),
    row("backward_grad_shape", "x = torch.ones(3, requires_grad=True); (x * 2).backward(torch.ones(4))",
        RuntimeError, ["[4]", "[3]"]),
    row("outer_2d", "torch.outer(torch.ones(2, 2), torch.ones(2))", RuntimeError, ["2-D"]),
    row("nll_loss_batch", "torch.nn.functional.nll_loss(torch.ones(2, 3), torch.tensor([[0, 1]]))", ValueError,
        ["(2)", "(1)"]),
    # --- dims out of range ---
    row("sum_dim", "torch.ones(2, 3).sum(dim=2)", IndexError, ["[-2, 1]", "2"]),
    row("transpose_dim", "torch.ones(2, 3).transpose(0, 3)", IndexError, ["[-2, 1]", "3"]),
    row("softmax_dim", "torch.ones(2, 3).softmax(dim=5)", IndexError, ["[-2, 1]", "5"]),
    row("unsqueeze_dim", "torch.ones(2).unsqueeze(3)", IndexError, ["[-2, 1]", "3"]),
    row("cat_dim", "torch.cat([torch.ones(2, 3), torch.ones(2, 3)], dim=2)", IndexError, ["[-2, 1]", "2"]),
    row("flip_dim", "torch.ones(2, 3).flip(3)", IndexError, ["[-2, 1]", "3"]),
    row("permute_len", "torch.ones(2, 3).permute(0)", RuntimeError, ["2", "1"], shape=True),
    row("permute_repeat", "torch.ones(2, 3).permute(0, 0)", RuntimeError, ["[0, 0]"]),
    row("flatten_order", "torch.ones(2, 3, 4).flatten(2, 1)", RuntimeError, ["start_dim", "end_dim"]),
    # --- indices out of range ---
    row("index_1d", "torch.ones(3)[5]", IndexError, ["5", "size 3"]),
    row("index_2d", "torch.ones(2, 3)[0, 3]", IndexError, ["3", "dimension 1"]),
    row("index_too_many", "torch.ones(3)[0, 0]", IndexError, ["dimension 1"]),
    row("setitem_index", "a = torch.zeros(3); a[3] = 1.0", IndexError, ["3", "size 3"]),
    row("index_select_range", "torch.ones(3).index_select(0, torch.tensor([5]))", IndexError, ["5"]),
    row("embedding_range", "torch.nn.Embedding(3, 2)(torch.tensor([3]))", IndexError, ["3"]),
    row("bool_mask_length", "torch.ones(3)[torch.tensor([True, False])]", IndexError, ["[2]", "[3]"]),
    row("gather_range", "torch.ones(3).gather(0, torch.tensor([3]))", RuntimeError, ["3"]),
    row("gather_negative", "torch.ones(3).gather(0, torch.tensor([-1]))", RuntimeError, ["-1"]),
    row("scatter_negative", "torch.ones(3).scatter(0, torch.tensor([-1]), 1.0)", RuntimeError, ["-1", "size 3"]),
    row("bool_mask_2d", "torch.ones(2, 3)[:, torch.tensor([True, False])]", IndexError, ["[2]", "[2, 3]", "index 1"]),
    row("index_newaxis_dim", "torch.ones(2, 3)[None, 0, 3]", IndexError, ["3", "dimension 2"]),
    row("narrow_range", "torch.ones(3).narrow(0, 2, 3)", RuntimeError, ["(2)", "(3)"]),
    row("topk_k", "torch.ones(3).topk(5)", RuntimeError, ["5"]),
    # --- dtypes an op does not accept ---
    row("bitwise_and_float", "torch.ones(3) & torch.ones(3)", NotImplementedError, ["bitwise_and", "'Float'"]),
    row("shift_float", "torch.ones(3) << 1", NotImplementedError, ["'Float'"]),
    row("bitwise_xor_double", "torch.ones(3, dtype=torch.float64) ^ torch.ones(3, dtype=torch.int64)",
        NotImplementedError, ["bitwise_xor", "'Double'"]),
    row("bitwise_not_float", "~torch.ones(3)", TypeError, ["integer and Boolean"]),
    row("shift_bool", "torch.tensor([True]) << torch.tensor([True])", NotImplementedError, ["Bool"]),
    row("bool_sub", "torch.tensor([True]) - torch.tensor([True])", NotImplementedError, ["logical_xor"]),
    row("std_int", "torch.arange(3).std()", NotImplementedError, ["int64"]),
    row("log_softmax_int", "torch.log_softmax(torch.arange(3), 0)", NotImplementedError, ["int64"]),
    row("topk_bool", "torch.tensor([True, False]).topk(1)", NotImplementedError, ["Bool"]),
    row("normal_int", "torch.ones(3, dtype=torch.int64).normal_()", NotImplementedError, ["int64"]),
    row("one_hot_int32", "torch.nn.functional.one_hot(torch.tensor([0], dtype=torch.int32), 3)", RuntimeError,
        ["int32"]),
    row("one_hot_range", "torch.nn.functional.one_hot(torch.tensor([3]), 3)", RuntimeError, ["num_classes"]),
    row("mean_int", "torch.arange(3).mean()", NotImplementedError, ["int64"]),
    row("var_int", "torch.arange(3).var()", NotImplementedError, ["int64"]),
    row("softmax_int", "torch.softmax(torch.arange(3), 0)", NotImplementedError, ["int64"]),
    row("bool_neg", "-torch.tensor([True])", NotImplementedError, ["bool"]),
    row("masked_fill_int_mask", "torch.ones(3).masked_fill(torch.tensor([1, 0, 1]), 0.0)", RuntimeError, ["int64"]),
    row("scatter_float_index", "torch.ones(3).scatter(0, torch.tensor([0.0]), 1.0)", RuntimeError, ["float32"]),
    row("one_hot_float", "torch.nn.functional.one_hot(torch.tensor([0.0]), 3)", RuntimeError, ["float32"]),
    row("int_inplace_float", "torch.ones(3).int().add_(1.5)", RuntimeError, ["Float", "Int"]),
    row("int_requires_grad_", "torch.ones(3, dtype=torch.int64).requires_grad_()", RuntimeError, ["int64"]),
    row("int_tensor_requires_grad", "torch.tensor([1, 2], requires_grad=True)", RuntimeError, ["int64"]),
    row("int_zeros_requires_grad", "torch.zeros(3, dtype=torch.int32, requires_grad=True)", RuntimeError,
        ["int32"]),
    # --- autograd misuse ---
    row("backward_twice", "x = torch.ones(3, requires_grad=True); y = (x * x).sum(); y.backward(); y.backward()",
        RuntimeError, ["second time", "retain_graph"]),
    row("backward_nonscalar", "x = torch.ones(3, requires_grad=True); (x * 2).backward()", RuntimeError,
        ["scalar"]),
    row("backward_no_grad", "torch.ones(3).sum().backward()", RuntimeError, ["does not require grad"]),
    row("leaf_inplace", "x = torch.ones(3, requires_grad=True); x.add_(1)", RuntimeError, ["leaf", "in-place"]),
    row("numpy_requires_grad", "x = torch.ones(3, requires_grad=True); x.numpy()", RuntimeError, ["detach"]),
    row("inplace_saved_input", "x = torch.ones(3, requires_grad=True); y = x * 1; z = y.sin(); y.add_(1); "
        "z.sum().backward()", RuntimeError, ["inplace", "[3]", "version"]),
    row("grad_unused", "x = torch.ones(3, requires_grad=True); w = torch.ones(3, requires_grad=True); "
        "torch.autograd.grad((x * 2).sum(), [x, w])", RuntimeError, ["allow_unused"]),
    # --- creation and conversion ---
    row("item_many", "torch.ones(3).item()", RuntimeError, ["3 elements"]),
    row("int_pow_negative", "torch.tensor([2]) ** -1", RuntimeError, ["negative"]),
    row("arange_zero_step", "torch.arange(0, 10, 0)", RuntimeError, ["step"]),
    row("negative_size", "torch.randn(-1)", RuntimeError, ["-1"]),
    row("ragged_list", "torch.tensor([[1, 2], [3]])", ValueError),
    row("normal_negative_std", "torch.normal(torch.zeros(2), -torch.ones(2))", RuntimeError, ["std"]),
    row("normal_negative_std_scalar", "torch.normal(0.0, -1.0, size=(2,))", RuntimeError, ["std", "-1"]),
    row("normal_inplace_negative_std", "torch.ones(2).normal_(0, -1)", RuntimeError, ["std", "-1"]),
    row("int_remainder_zero", "torch.tensor([1]) % 0", RuntimeError, ["ZeroDivisionError"]),
    row("nll_loss_target_size", "torch.nn.functional.nll_loss(torch.ones(2, 3, 4), torch.ones(2, 3).long())",
        RuntimeError, ["[2, 4]", "[2, 3]"]),
    row("outer_vec2_2d", "torch.outer(torch.ones(2), torch.ones(2, 2))", RuntimeError, ["vec2", "2-D"]),
    row("index_copy_count", "torch.ones(3, 2).index_copy_(0, torch.tensor([0, 1]), torch.ones(1, 2))", IndexError,
        ["(2)", "(1)"]),
    row("index_fill_value_dim", "torch.ones(3).index_fill_(0, torch.tensor([0]), torch.tensor([2.0]))",
        RuntimeError, ["0-dimensional"]),
    row("chunk_zero", "torch.ones(4).chunk(0)", RuntimeError, ["0"]),
    row("stack_empty", "torch.stack([])", RuntimeError, ["non-empty"]),
    row("int_floor_div_zero", "torch.tensor([1]) // torch.tensor([0])", RuntimeError, ["ZeroDivisionError"]),
    row("index_add_inplace", "torch.ones(3, 2).index_add_(0, torch.tensor([0]), torch.ones(1, 3))", RuntimeError,
        ["[3, 2]", "[1, 3]"]),
    # --- argument validation in Python layers ---
    row("sgd_negative_lr", "torch.optim.SGD([torch.ones(1, requires_grad=True)], lr=-1)", ValueError, ["-1"]),
    row("adam_betas", "torch.optim.Adam([torch.ones(1, requires_grad=True)], betas=(1.5, 0.9))", ValueError,
        ["1.5"]),
    # --- counts and sizes PyTorch takes as signed ints: its own RuntimeError, not a conversion error ---
    row("topk_negative_k", "torch.ones(4, 3).topk(-1)", RuntimeError, ["k out of range"]),
    row("kthvalue_zero_k", "torch.ones(4, 3).kthvalue(0)", RuntimeError, ["k out of range", "dimension 1"]),
    row("diff_negative_n", "torch.ones(4, 3).diff(-2)", RuntimeError, ["non-negative", "-2"]),
    row("chunk_negative", "torch.ones(4, 3).chunk(-1)", RuntimeError, ["chunks", "got: -1"]),
    row("unfold_negative_size", "torch.ones(4, 3).unfold(0, -1, 1)", RuntimeError, ["size is -1"]),
    row("unfold_zero_step", "torch.ones(4, 3).unfold(0, 1, 0)", RuntimeError, ["step is 0"]),
    row("multinomial_negative", "torch.multinomial(torch.ones(3), -1)", RuntimeError, ["n_sample <= 0"]),
    row("split_negative", "torch.ones(4, 3).split(-1)", RuntimeError, ["split_size=-1"]),
    row("split_negative_sizes", "torch.ones(4, 3).split([-1, 5])", RuntimeError, ["[-1, 5]"]),
    row("as_strided_negative_size", "torch.ones(4, 3).as_strided([-1], [1])", RuntimeError, ["sizes=[-1]"]),
    row("as_strided_negative_offset", "torch.ones(4, 3).as_strided([1], [1], -1)", RuntimeError, ["offset -1"]),
    row("repeat_interleave_output_size", "torch.ones(4, 3).repeat_interleave(2, output_size=5)", RuntimeError,
        ["expected 24", "got 5"]),
    row("group_norm_groups", "torch.nn.functional.group_norm(torch.ones(4, 3), -1)", RuntimeError, ["-1"]),
    # --- a value of the wrong type names the argument ---
    row("full_size_int", "torch.full(-1, 2.0)", TypeError, ["'size'", "int"]),
    row("amin_dim_float", "torch.amin(torch.ones(4, 3), 1.5)", TypeError, ["'dim'", "float"]),
    row("nanmean_dim_dtype", "torch.ones(4, 3).nanmean(torch.bool)", TypeError, ["'dim'"]),
    row("split_float", "torch.ones(4, 3).split(1.5)", TypeError, ["split_size", "float"]),
    row("index_put_dtype", "torch.zeros(3).index_put_((torch.tensor([0]),), torch.tensor([1]))", RuntimeError,
        ["dtypes match", "Float", "Long"]),
    row("setitem_index_dtype", "x = torch.zeros(3); x[torch.tensor([0, 1])] = torch.tensor(5)", RuntimeError,
        ["Float", "Long"]),
    row("setitem_mask_dtype", "x = torch.zeros(3); x[torch.tensor([True, False, True])] = torch.tensor([1, 2])",
        RuntimeError, ["Float", "Long"]),
    row("masked_scatter_dtype", "torch.zeros(3).masked_scatter(torch.tensor([True, False, True]), torch.tensor([1, 2]))",
        RuntimeError, ["Float", "Long"]),
    row("tensor_uint8_negative_float", "torch.tensor([-1.0, 2], dtype=torch.uint8)", RuntimeError, ["uint8"]),
    row("randint_size_int", "torch.randint(6, 1)", TypeError, ["'size'", "int"]),
    row("max_dim_str", "torch.ones(2).max('mean')", TypeError, ["'dim'", "str"]),
    row("conv_transpose_input_dims", "torch.nn.ConvTranspose2d(6, 2, 3)(torch.zeros(3), [4, 4])", IndexError,
        ["conv_transpose2d", "[3]"]),
    row("module_dict_class", "torch.nn.ModuleDict(torch.Tensor)", TypeError, ["ModuleDict"]),
    row("linspace_int8_ends", "torch.linspace(0, 300, 5, dtype=torch.int8)", RuntimeError, ["int8", "overflow"]),
    row("logspace_int8_ends", "torch.logspace(-129, 0, 3, dtype=torch.int8)", RuntimeError, ["int8", "overflow"]),
    row("window_dtype_int", "torch.bartlett_window(3, dtype=2147483647)", TypeError, ["dtype"]),
    row("can_cast_ints", "torch.can_cast(1, 2)", TypeError, ["from_"]),
    row("parameter_dict_bool", "torch.nn.ParameterDict(True)", TypeError, ["iterable", "bool"]),
]


def _raised(lib, code):
    """The exception `code` raises with `torch` bound to `lib`, or None."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # e.g. PyTorch's mse_loss size warning
        try:
            exec(code, {"torch": lib})
        except Exception as e:  # noqa: BLE001 - the exception is the result under test
            return e
    return None


@pytest.mark.parametrize("code,cls,mentions,shape", CASES)
def test_error_parity(code, cls, mentions, shape):
    if _torch is not None:  # keep the class column honest
        ref = _raised(_torch, code)
        assert ref is not None, "PyTorch accepts this input; the row is wrong"
        assert type(ref) is cls, f"PyTorch raises {type(ref).__name__}, the table says {cls.__name__}"
    err = _raised(rtorch, code)
    assert err is not None, "rtorch did not raise"
    assert isinstance(err, cls), f"rtorch raised {type(err).__name__}: {err}"
    if shape:
        assert isinstance(err, rtorch.ShapeError) and isinstance(err, ValueError), type(err).__mro__
    msg = str(err)
    for m in mentions:
        assert m in msg, f"{m!r} not in {msg!r}"


def test_table_is_large_and_unique():
    ids = [p.id for p in CASES]
    assert len(ids) == len(set(ids)) and len(ids) >= 40
