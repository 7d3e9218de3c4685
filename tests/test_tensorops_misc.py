"""Products (addr, addbmm, inner, cross, chain_matmul), small torch.* helpers (clamp_min/max functions,
rsub, scalar_tensor, tril/triu_indices, unravel_index, trapezoid, renorm, fill, can_cast, predicates) and the
in-place / property forms PyTorch has of existing ops; values, dtypes and errors against PyTorch (recorded),
gradients by gradcheck."""
import numpy as np
import pytest

import rtorch
from rtorch.autograd import gradcheck, gradgradcheck
from helpers import assert_close
from tensorops_cases import arr, parity, run
from torch_ref import torch_ref

T = lambda lib, a: lib.tensor(a)  # noqa: E731
NAN = float("nan")


def inplace(method, *args, **kwargs):
    """A case calling ``x.<method>(*args)`` on a fresh float tensor, returning x (checks it changed x)."""
    def case(lib):
        x = T(lib, arr(40, 3, 3))
        out = getattr(x, method)(*[a(lib) if callable(a) else a for a in args], **kwargs)
        assert out is x or out.data_ptr() == x.data_ptr()
        return x
    return case


CASES = {
    # addr / addbmm / inner / cross / chain_matmul
    "addr": lambda lib: lib.addr(T(lib, arr(0, 2, 3)), T(lib, arr(1, 2)), T(lib, arr(2, 3)), beta=0.5, alpha=2),
    "addr_broadcast": lambda lib: lib.addr(lib.zeros(3), lib.ones(2), T(lib, arr(3, 3))),
    "addr_beta0_nan": lambda lib: lib.addr(lib.tensor(NAN), lib.ones(2), lib.ones(3), beta=0),
    "addr_int": lambda lib: lib.addr(lib.ones(2, 3, dtype=lib.long), lib.ones(2, dtype=lib.long),
                                     lib.arange(3), alpha=2, beta=3),
    "addr_bool": lambda lib: lib.addr(lib.zeros(2, 3, dtype=lib.bool), lib.tensor([True, False]),
                                      lib.ones(3, dtype=lib.bool)),
    "addr_method_inplace": lambda lib: lib.zeros(2, 3).addr_(lib.ones(2), T(lib, arr(4, 3))),
    "addr_err_2d": lambda lib: lib.addr(lib.zeros(2, 3), lib.ones(2, 1), lib.ones(3)),
    "addr_err_int_alpha": lambda lib: lib.addr(lib.zeros(2, 3, dtype=lib.long), lib.ones(2, dtype=lib.long),
                                               lib.ones(3, dtype=lib.long), alpha=0.5),
    "addbmm": lambda lib: lib.addbmm(T(lib, arr(5, 2, 3)), T(lib, arr(6, 4, 2, 5)), T(lib, arr(7, 4, 5, 3)),
                                     beta=2, alpha=0.5),
    "addbmm_broadcast": lambda lib: lib.addbmm(lib.zeros(3), T(lib, arr(8, 4, 2, 5)), T(lib, arr(9, 4, 5, 3))),
    "addbmm_inplace": lambda lib: lib.ones(2, 3).addbmm_(T(lib, arr(10, 2, 2, 4)), T(lib, arr(11, 2, 4, 3))),
    "addbmm_err_batches": lambda lib: lib.addbmm(lib.zeros(2, 3), lib.ones(4, 2, 5), lib.ones(3, 5, 3)),
    "inner": lambda lib: lib.inner(T(lib, arr(12, 2, 3)), T(lib, arr(13, 4, 3))),
    "inner_0d": lambda lib: lib.tensor(2.0).inner(T(lib, arr(14, 4))),
    "inner_err": lambda lib: lib.inner(lib.ones(2, 3), lib.ones(4)),
    "cross_default_dim": lambda lib: lib.cross(T(lib, arr(15, 3, 2)), T(lib, arr(16, 3, 2))),
    "cross_dim": lambda lib: T(lib, arr(17, 4, 3)).cross(T(lib, arr(18, 1, 3)), dim=1),
    "cross_int": lambda lib: lib.cross(lib.tensor([[1, 2, 3]]), lib.tensor([[4, 5, 6]]), dim=-1),
    "cross_err_no3": lambda lib: lib.cross(lib.ones(2, 4), lib.ones(2, 4)),
    "cross_err_len": lambda lib: lib.cross(lib.ones(2, 3), lib.ones(2, 3), dim=0),
    "cross_err_dtype": lambda lib: lib.cross(lib.ones(2, 3), lib.ones(2, 3, dtype=lib.double)),
    "chain_matmul": lambda lib: lib.chain_matmul(T(lib, arr(19, 2, 3)), T(lib, arr(20, 3, 4)), T(lib, arr(21, 4, 1))),
    "chain_matmul_one": lambda lib: lib.chain_matmul(T(lib, arr(22, 2, 3))),
    "chain_matmul_err_1d": lambda lib: lib.chain_matmul(lib.ones(3)),
    "chain_matmul_err_none": lambda lib: lib.chain_matmul(),
    # clamp / rsub / scalar_tensor
    "clamp_min_fn": lambda lib: lib.clamp_min(lib.tensor([1, 5]), 3),
    "clamp_max_fn_tensor": lambda lib: lib.clamp_max(lib.tensor([1.0, 5]), lib.tensor([3.0, 0])),
    "clamp_min_inplace": inplace("clamp_min_", 0.5),
    "clamp_max_inplace_tensor": inplace("clamp_max_", lambda lib: lib.tensor([0.0, 1, 2])),
    "clamp_inplace_fn": lambda lib: lib.clamp_(T(lib, arr(23, 4)), -1, 1),
    "clamp_min_inplace_fn": lambda lib: lib.clamp_min_(T(lib, arr(24, 4)), 0),
    "clip_inplace": inplace("clip_", -1, 1),
    "rsub": lambda lib: lib.rsub(lib.tensor([1.0, 2]), 5),
    "rsub_tensor_alpha": lambda lib: lib.rsub(lib.tensor([1, 2]), lib.tensor([5, 6]), alpha=2),
    "rsub_float_scalar": lambda lib: lib.rsub(lib.tensor([1, 2]), 5.5),
    "scalar_tensor": lambda lib: lib.scalar_tensor(3),
    "scalar_tensor_dtype": lambda lib: lib.scalar_tensor(True, dtype=lib.int64),
    # index helpers
    "tril_indices": lambda lib: lib.tril_indices(3, 3),
    "triu_indices_offset": lambda lib: lib.triu_indices(3, 4, 1),
    "tril_indices_int32": lambda lib: lib.tril_indices(3, 4, -1, dtype=lib.int32),
    "tril_indices_empty": lambda lib: lib.tril_indices(0, 4),
    "triu_indices_neg_offset": lambda lib: lib.triu_indices(4, 2, -2),
    "tril_indices_err_row": lambda lib: lib.tril_indices(-1, 4),
    "tril_indices_err_dtype": lambda lib: lib.tril_indices(3, 3, dtype=lib.float32),
    "unravel_index": lambda lib: lib.unravel_index(lib.tensor([4, 5, 0]), (2, 3)),
    "unravel_index_0d": lambda lib: lib.unravel_index(lib.tensor(4), (2, 3)),
    "unravel_index_wrap": lambda lib: lib.unravel_index(lib.tensor([6, -1]), (2, 3)),
    "unravel_index_int_shape": lambda lib: lib.unravel_index(lib.tensor([1]), 3),
    "unravel_index_empty_shape": lambda lib: lib.unravel_index(lib.tensor([1]), ()),
    "unravel_index_err_float": lambda lib: lib.unravel_index(lib.tensor([1.0]), (2, 3)),
    "unravel_index_err_neg": lambda lib: lib.unravel_index(lib.tensor([1]), (2, -3)),
    # integration
    "trapezoid": lambda lib: lib.trapezoid(lib.tensor([1.0, 2, 4])),
    "trapezoid_int": lambda lib: lib.trapezoid(lib.tensor([1, 2, 4])),
    "trapezoid_dx": lambda lib: lib.trapezoid(T(lib, arr(25, 2, 5)), dx=2, dim=0),
    "trapezoid_x": lambda lib: lib.trapezoid(lib.tensor([1.0, 2, 4]), lib.tensor([0.0, 1, 3])),
    "trapezoid_x_batched": lambda lib: lib.trapezoid(T(lib, arr(26, 2, 3)), lib.tensor([0.0, 1, 3])),
    "trapezoid_x_full": lambda lib: lib.trapezoid(T(lib, arr(27, 2, 3)), T(lib, arr(28, 2, 3)), dim=1),
    "trapezoid_empty": lambda lib: lib.trapezoid(lib.tensor([])),
    "trapezoid_err_x": lambda lib: lib.trapezoid(lib.tensor([1.0, 2, 4]), lib.tensor([0.0, 1])),
    "trapezoid_err_0d": lambda lib: lib.trapezoid(lib.tensor(1.0)),
    "trapz": lambda lib: lib.trapz(lib.tensor([1.0, 2, 4]), dx=2),
    "cumulative_trapezoid": lambda lib: lib.cumulative_trapezoid(T(lib, arr(29, 2, 4))),
    "cumulative_trapezoid_x_int": lambda lib: lib.cumulative_trapezoid(lib.tensor([1, 2, 4]), lib.tensor([0, 1, 3])),
    "cumulative_trapezoid_one": lambda lib: lib.cumulative_trapezoid(lib.tensor([1.0])),
    # renorm / fill
    "renorm": lambda lib: lib.renorm(lib.tensor([[3.0, 4], [1, 0]]), 2, 0, 1),
    "renorm_p1_dim1": lambda lib: T(lib, arr(30, 3, 4)).renorm(1, 1, 2),
    "renorm_inplace": lambda lib: T(lib, arr(31, 2, 3)).renorm_(3, 0, 1.5),
    "renorm_err_p": lambda lib: lib.renorm(lib.ones(2, 2), -1, 1, 2),
    "renorm_err_maxnorm": lambda lib: lib.renorm(lib.ones(2, 2), 1, 1, -2),
    "renorm_err_1d": lambda lib: lib.renorm(lib.tensor([3.0, 4]), 1, 0, 2),
    "renorm_err_int": lambda lib: lib.renorm(lib.tensor([[3, 4], [1, 0]]), 1, 1, 2),
    "fill": lambda lib: lib.fill(lib.zeros(2, dtype=lib.int32), 3),
    "fill_tensor": lambda lib: lib.fill(lib.zeros(2), lib.tensor(3.0)),
    "fill_inplace_fn": lambda lib: lib.fill_(lib.zeros(2), 7),
    "fill_err_1d_value": lambda lib: lib.fill(lib.zeros(2), lib.tensor([3.0])),
    "fill_diagonal": lambda lib: lib.zeros(2, 3).fill_diagonal_(5),
    "fill_diagonal_wrap": lambda lib: lib.zeros(7, 3).fill_diagonal_(5, wrap=True),
    "fill_diagonal_tall_nowrap": lambda lib: lib.zeros(7, 3).fill_diagonal_(5),
    "fill_diagonal_cube": lambda lib: lib.zeros(2, 2, 2).fill_diagonal_(5),
    "fill_diagonal_err_shape": lambda lib: lib.zeros(2, 3, 4).fill_diagonal_(5),
    "fill_diagonal_err_1d": lambda lib: lib.zeros(3).fill_diagonal_(5),
    # conjugate-transpose views and predicates
    "H": lambda lib: T(lib, arr(32, 2, 3)).H,
    "H_err_3d": lambda lib: lib.zeros(2, 3, 4).H,
    "H_err_1d": lambda lib: lib.zeros(3).H,
    "mH": lambda lib: T(lib, arr(33, 2, 3, 4)).mH,
    "mH_err": lambda lib: lib.zeros(3).mH,
    "adjoint": lambda lib: lib.adjoint(T(lib, arr(34, 2, 3))),
    "adjoint_method": lambda lib: T(lib, arr(35, 2, 3, 4)).adjoint(),
    "positive": lambda lib: lib.positive(lib.tensor([-1, 2])),
    "positive_err_bool": lambda lib: lib.positive(lib.tensor([True])),
    "is_nonzero": lambda lib: (lib.is_nonzero(lib.tensor([1.0])), lib.is_nonzero(lib.tensor(0))),
    "is_same_size": lambda lib: (lib.is_same_size(lib.zeros(2), lib.zeros(2)),
                                 lib.is_same_size(lib.zeros(2), lib.zeros(1, 2))),
    "is_signed": lambda lib: (lib.is_signed(lib.zeros(2, dtype=lib.uint8)), lib.is_signed(lib.zeros(2))),
    "can_cast": lambda lib: [lib.can_cast(a, b) for a in (lib.bool, lib.uint8, lib.int64, lib.float16, lib.float64)
                             for b in (lib.bool, lib.int8, lib.int32, lib.bfloat16, lib.float32)],
    "get_device": lambda lib: (lib.zeros(2).get_device(), lib.get_device(lib.zeros(2))),
    "is_inference": lambda lib: (lib.zeros(2).is_inference(), lib.is_inference(lib.zeros(2))),
    "empty_strided": lambda lib: (lib.empty_strided((2, 3), (1, 2)).stride(),
                                  lib.empty_strided((2, 3), (1, 2), dtype=lib.int32).dtype),
    "new_empty_strided": lambda lib: lib.zeros(2, dtype=lib.int16).new_empty_strided((2, 3), (1, 2)).dtype,
    # in-place forms of existing ops
    "cumsum_": inplace("cumsum_", 1),
    "cumprod_": inplace("cumprod_", 0),
    "cumsum_err_dtype": lambda lib: lib.tensor([1, 2]).cumsum_(0, dtype=lib.float),
    "tril_": inplace("tril_", -1),
    "triu_": inplace("triu_", 1),
    "divide_": inplace("divide_", 2.0, rounding_mode="floor"),
    "subtract_": inplace("subtract_", lambda lib: lib.ones(3), alpha=2),
    "addmm_": inplace("addmm_", lambda lib: T(lib, arr(41, 3, 2)), lambda lib: T(lib, arr(42, 2, 3)), beta=0.5),
    "addmv_": lambda lib: lib.addmv_(T(lib, arr(43, 3)), T(lib, arr(44, 3, 2)), T(lib, arr(45, 2)), alpha=2),
    "addmv_method": lambda lib: T(lib, arr(46, 3)).addmv_(T(lib, arr(47, 3, 2)), T(lib, arr(48, 2))),
    "baddbmm_": lambda lib: T(lib, arr(49, 2, 3, 3)).baddbmm_(T(lib, arr(50, 2, 3, 2)), T(lib, arr(51, 2, 2, 3))),
}


# Messages that name a dtype differ only in its module ("rtorch.float32"): the exception type is compared.
LOOSE = {"unravel_index_err_float"}


@pytest.mark.parametrize("name", sorted(CASES))
def test_matches_torch(name):
    parity(CASES[name], torch_ref(lambda torch: run(CASES[name], torch)), rtol=1e-5, atol=1e-5, message=name not in LOOSE)


def _leaf(seed, *shape):
    return rtorch.tensor(np.random.default_rng(seed).normal(size=shape), requires_grad=True)


def test_gradients():
    m, a, b = _leaf(0, 2, 3), _leaf(1, 2), _leaf(2, 3)
    b1, b2 = _leaf(3, 4, 2, 5), _leaf(4, 4, 5, 3)
    c1, c2 = _leaf(5, 4, 3), _leaf(6, 4, 3)
    assert gradcheck(lambda i, x, y: rtorch.addr(i, x, y, beta=0.5, alpha=2), (m, a, b))
    assert gradcheck(lambda i, x, y: rtorch.addbmm(i, x, y, alpha=0.3), (m, b1, b2))
    assert gradcheck(lambda x, y: rtorch.inner(x, y), (c1, c2))
    assert gradcheck(lambda x, y: rtorch.cross(x, y, dim=1), (c1, c2))
    assert gradcheck(lambda x: rtorch.trapezoid(x, dim=0), (c1,))
    assert gradcheck(lambda x, y: rtorch.cumulative_trapezoid(x, y, dim=1), (c1, c2))
    assert gradcheck(lambda x: rtorch.renorm(x, 2, 0, 1.0), (c1,))
    assert gradgradcheck(lambda x, y: rtorch.cross(x, y, dim=1), (c1, c2))
    assert gradgradcheck(lambda i, x, y: rtorch.addr(i, x, y), (m, a, b))


def test_inplace_forms_on_views_record_autograd():
    x = rtorch.ones(3, 3, dtype=rtorch.float64, requires_grad=True)
    y = x * 1
    y.tril_().cumsum_(0)
    y.sum().backward()
    assert_close(x.grad, np.tril(np.array([[3.0, 3, 3], [2, 2, 2], [1, 1, 1]])))


def test_inplace_aliases_called_directly():
    # Each in-place form also by name (the parity table calls them through `inplace`).
    x = rtorch.tensor([[1.0, -2.0], [3.0, 4.0]])
    x.clamp_max_(3).clip_(-1, 2)
    assert x.tolist() == [[1.0, -1.0], [2.0, 2.0]]
    x.cumprod_(1).triu_().divide_(2).subtract_(rtorch.ones(2, 2))
    assert x.tolist() == [[-0.5, -1.5], [-1.0, 1.0]]
    x.addmm_(rtorch.eye(2), rtorch.eye(2), beta=0)
    assert x.tolist() == [[1.0, 0.0], [0.0, 1.0]]


def test_H_is_a_view():
    x = rtorch.zeros(2, 3)
    x.H[1, 0] = 5
    assert x[0, 1].item() == 5
    assert x.mH.shape == (3, 2)


# ---- memory formats ----

FORMAT_CASES = {
    "channels_last_contiguous": lambda lib: (lambda y: (y.stride(), y.is_contiguous(),
                                                        y.is_contiguous(memory_format=lib.channels_last), y))(
        T(lib, arr(60, 2, 3, 4, 5)).contiguous(memory_format=lib.channels_last)),
    "channels_last_3d": lambda lib: lib.zeros(2, 3, 4, 5, 6).contiguous(memory_format=lib.channels_last_3d).stride(),
    "channels_last_to": lambda lib: T(lib, arr(61, 2, 3, 4, 5)).to(lib.float64, memory_format=lib.channels_last).stride(),
    "channels_last_clone": lambda lib: T(lib, arr(62, 1, 2, 3, 3)).clone(memory_format=lib.channels_last).stride(),
    "preserve_clone_transposed": lambda lib: lib.zeros(2, 3).t().clone(memory_format=lib.preserve_format).stride(),
    "preserve_clone_sliced": lambda lib: lib.zeros(2, 3)[:, :2].clone(memory_format=lib.preserve_format).stride(),
    "empty_channels_last": lambda lib: lib.empty(2, 3, 4, 5, memory_format=lib.channels_last).stride(),
    "empty_like_channels_last": lambda lib: lib.empty_like(lib.zeros(2, 3, 4, 5), memory_format=lib.channels_last).stride(),
    "zeros_like_preserve": lambda lib: lib.zeros_like(lib.zeros(2, 3, 4, 5).contiguous(memory_format=lib.channels_last),
                                                      memory_format=lib.preserve_format).stride(),
    "full_like_channels_last": lambda lib: lib.full_like(lib.zeros(1, 2, 2, 2), 3.0, memory_format=lib.channels_last).stride(),
    "channels_last_err_rank": lambda lib: lib.zeros(2, 3).contiguous(memory_format=lib.channels_last),
    "channels_last_3d_err_rank": lambda lib: lib.zeros(2, 3).clone(memory_format=lib.channels_last_3d),
    "contiguous_format_is_row_major": lambda lib: T(lib, arr(63, 2, 3, 4, 5)).contiguous(
        memory_format=lib.channels_last).contiguous(memory_format=lib.contiguous_format).stride(),
}


@pytest.mark.parametrize("name", sorted(FORMAT_CASES))
def test_memory_formats_match_torch(name):
    parity(FORMAT_CASES[name], torch_ref(lambda torch: run(FORMAT_CASES[name], torch)))


def test_channels_last_runs_through_ops_and_autograd():
    x = rtorch.randn(2, 3, 4, 4, dtype=rtorch.float64, generator=rtorch.Generator().manual_seed(0))
    y = x.contiguous(memory_format=rtorch.channels_last).requires_grad_()
    w = rtorch.randn(5, 3, 3, 3, dtype=rtorch.float64, generator=rtorch.Generator().manual_seed(1))
    out = rtorch.nn.functional.conv2d(y, w)
    assert_close(out, rtorch.nn.functional.conv2d(x, w).numpy(), rtol=1e-12, atol=1e-12)
    out.sum().backward()
    assert y.grad.shape == (2, 3, 4, 4)
    assert repr(rtorch.channels_last) == "rtorch.channels_last"
    assert isinstance(rtorch.preserve_format, rtorch.memory_format)


# ---- index_reduce, put, index_put functions ----

INDEX_CASES = {
    "index_reduce_prod": lambda lib: lib.ones(3, 2).index_reduce(0, lib.tensor([0, 2, 0]), T(lib, arr(70, 3, 2)), "prod"),
    "index_reduce_mean_noself": lambda lib: lib.ones(3, 2).index_reduce(0, lib.tensor([0, 2, 0]),
                                                                        T(lib, arr(71, 3, 2)), "mean", include_self=False),
    "index_reduce_amax_dim1": lambda lib: T(lib, arr(72, 3, 4)).index_reduce(1, lib.tensor([1, -1, 1]),
                                                                            T(lib, arr(73, 3, 3)), "amax"),
    "index_reduce_amin_fn": lambda lib: lib.index_reduce(T(lib, arr(74, 4)), 0, lib.tensor([0, 1, 1]),
                                                         T(lib, arr(75, 3)), "amin"),
    "index_reduce_inplace": lambda lib: lib.ones(3).index_reduce_(0, lib.tensor([1]), lib.tensor([5.0]), "amax"),
    "index_reduce_int32_index": lambda lib: lib.ones(3).index_reduce(0, lib.tensor([2, 2], dtype=lib.int32),
                                                                     lib.tensor([2.0, 3.0]), "prod"),
    "index_reduce_err_count": lambda lib: lib.ones(3, 2).index_reduce(0, lib.tensor([0]), lib.ones(2, 2), "prod"),
    "index_reduce_err_reduce": lambda lib: lib.ones(3, 2).index_reduce(0, lib.tensor([0, 1]), lib.ones(2, 2), "sum"),
    "index_reduce_err_range": lambda lib: lib.ones(3, 2).index_reduce(0, lib.tensor([0, 5]), lib.ones(2, 2), "prod"),
    "index_reduce_err_float_index": lambda lib: lib.ones(3, 2).index_reduce(0, lib.tensor([0.0, 1]), lib.ones(2, 2), "prod"),
    "index_reduce_err_dtype": lambda lib: lib.ones(3, 2).index_reduce(0, lib.tensor([0, 1]),
                                                                      lib.ones(2, 2, dtype=lib.int64), "prod"),
    "put": lambda lib: lib.arange(6.0).view(2, 3).put(lib.tensor([0, -1]), lib.tensor([9.0, 8])),
    "put_accumulate": lambda lib: lib.arange(6.0).view(2, 3).put_(lib.tensor([0, 0]), lib.tensor([9.0, 8]), accumulate=True),
    "put_noncontiguous": lambda lib: lib.arange(6.0).view(2, 3).t().put_(lib.tensor([1]), lib.tensor([9.0])),
    "put_fn": lambda lib: lib.put(lib.arange(4), lib.tensor([3]), lib.tensor([7])),
    "put_err_range": lambda lib: lib.arange(6.0).put(lib.tensor([6]), lib.tensor([9.0])),
    "put_err_count": lambda lib: lib.arange(6.0).put(lib.tensor([1, 2]), lib.tensor([9.0])),
    "put_err_dtype": lambda lib: lib.arange(6.0).put(lib.tensor([1]), lib.tensor([9])),
    "index_put_fn": lambda lib: lib.index_put(lib.zeros(3, 2), (lib.tensor([2, 0]),), lib.tensor([1.0, 2.0])),
    "index_put_inplace_fn": lambda lib: lib.index_put_(lib.zeros(3), (lib.tensor([0, 0]),), lib.tensor(1.0), True),
}


@pytest.mark.parametrize("name", sorted(INDEX_CASES))
def test_index_ops_match_torch(name):
    parity(INDEX_CASES[name], torch_ref(lambda torch: run(INDEX_CASES[name], torch)))


def test_index_reduce_and_put_gradients():
    x = rtorch.tensor(np.random.default_rng(0).uniform(1, 2, size=(3, 2)), requires_grad=True)
    s = rtorch.tensor(np.random.default_rng(1).uniform(1, 2, size=(4, 2)), requires_grad=True)
    idx = rtorch.tensor([0, 2, 0, 1])
    assert gradcheck(lambda a, b: a.index_reduce(0, idx, b, "prod"), (x, s))
    assert gradcheck(lambda a, b: a.index_reduce(0, idx, b, "mean"), (x, s))
    v = rtorch.tensor([1.0, 2.0], dtype=rtorch.float64, requires_grad=True)
    assert gradcheck(lambda a, b: a.put(rtorch.tensor([1, -1]), b), (x, v))


# ---- samplers ----

SAMPLER_ERRORS = {
    "exponential_err_lambda": lambda lib: lib.zeros(3).exponential_(0),
    "exponential_err_int": lambda lib: lib.zeros(3, dtype=lib.int64).exponential_(),
    "geometric_err_p": lambda lib: lib.zeros(3).geometric_(1),
    "cauchy_err_sigma": lambda lib: lib.zeros(3).cauchy_(0, -1),
    "log_normal_err_std": lambda lib: lib.zeros(3).log_normal_(0, -1),
    "log_normal_err_int": lambda lib: lib.zeros(3, dtype=lib.int64).log_normal_(),
    "random_err_order": lambda lib: lib.zeros(3).random_(5, 3),
    "random_err_unsigned": lambda lib: lib.zeros(3, dtype=lib.uint8).random_(-1, 3),
    "random_bool_dtype": lambda lib: lib.zeros(3, dtype=lib.bool).random_().dtype,
    "geometric_int_dtype": lambda lib: lib.zeros(3, dtype=lib.int64).geometric_(0.5).dtype,
    "multinomial_method": lambda lib: lib.tensor([[0.0, 1.0], [1.0, 0.0]]).multinomial(1),
    "bernoulli_method": lambda lib: lib.tensor([0.0, 1.0]).bernoulli(),
}


@pytest.mark.parametrize("name", sorted(SAMPLER_ERRORS))
def test_sampler_checks_match_torch(name):
    parity(SAMPLER_ERRORS[name], torch_ref(lambda torch: run(SAMPLER_ERRORS[name], torch)))


def test_sampler_distributions():
    g = rtorch.Generator().manual_seed(0)
    n = 20000
    e = rtorch.empty(n, dtype=rtorch.float64).exponential_(2.0, generator=g)
    assert (e >= 0).all() and abs(e.mean().item() - 0.5) < 0.02
    k = rtorch.empty(n, dtype=rtorch.float64).geometric_(0.25, generator=g)
    assert (k >= 1).all() and (k == k.round()).all() and abs(k.mean().item() - 4.0) < 0.15
    c = rtorch.empty(n, dtype=rtorch.float64).cauchy_(1.0, 2.0, generator=g)
    assert abs(c.median().item() - 1.0) < 0.1  # the median is the location
    ln = rtorch.empty(n, dtype=rtorch.float64).log_normal_(0.5, 0.25, generator=g)
    assert abs(ln.log().mean().item() - 0.5) < 0.01 and abs(ln.log().std().item() - 0.25) < 0.01
    r = rtorch.empty(n).random_(-3, 4, generator=g)
    assert set(r.unique().tolist()) == set(range(-3, 4))
    assert 0 <= rtorch.empty(n).random_(generator=g).max().item() <= 2 ** 24
    assert rtorch.empty(n, dtype=rtorch.uint8).random_(generator=g).max().item() == 255
    b = rtorch.empty(n).bernoulli(0.3, generator=g)
    assert abs(b.mean().item() - 0.3) < 0.02
    # The same generator state gives the same draws.
    a1 = rtorch.empty(5).exponential_(generator=rtorch.Generator().manual_seed(7))
    a2 = rtorch.empty(5).exponential_(generator=rtorch.Generator().manual_seed(7))
    assert a1.tolist() == a2.tolist()


# ---- argwhere, gradient, range, unsafe splits, typename, more in-place forms ----

MORE_CASES = {
    "argwhere": lambda lib: lib.argwhere(lib.tensor([[0, 1], [2, 0]])),
    "argwhere_0d": lambda lib: lib.argwhere(lib.tensor(5)),
    "argwhere_method_float": lambda lib: T(lib, arr(90, 3, 4, dtype=np.int64, lo=0, hi=2)).float().argwhere(),
    "gradient_1d": lambda lib: lib.gradient(lib.tensor([1.0, 2, 4, 8])),
    "gradient_int": lambda lib: lib.gradient(lib.tensor([1, 2, 4, 8])),
    "gradient_2d_scalar": lambda lib: lib.gradient(T(lib, arr(91, 3, 4)), spacing=2.0),
    "gradient_2d_list": lambda lib: lib.gradient(T(lib, arr(92, 3, 4)), spacing=[2.0, 3.0]),
    "gradient_dim_order2": lambda lib: lib.gradient(T(lib, arr(93, 3, 5)), dim=1, edge_order=2),
    "gradient_coords": lambda lib: lib.gradient(lib.tensor([1.0, 2, 4, 8]), spacing=(lib.tensor([0.0, 1, 1.5, 3.5]),)),
    "gradient_coords_order2": lambda lib: lib.gradient(T(lib, arr(94, 2, 5)),
                                                       spacing=(lib.tensor([0.0, 1, 1.5, 3.5, 4]),), dim=1, edge_order=2),
    "gradient_0d": lambda lib: lib.gradient(lib.tensor(1.0)),
    "gradient_err_size": lambda lib: lib.gradient(lib.tensor([1.0, 2]), edge_order=2),
    "gradient_err_order": lambda lib: lib.gradient(lib.tensor([1.0, 2]), edge_order=3),
    "gradient_err_spacing": lambda lib: lib.gradient(lib.tensor([1.0, 2, 4]), spacing=[1.0, 2.0]),
    "range": lambda lib: lib.range(1, 4),
    "range_step": lambda lib: lib.range(1, 2, 0.5),
    "range_int": lambda lib: lib.range(0, 3, dtype=lib.int64),
    "unsafe_split": lambda lib: lib.unsafe_split(lib.arange(5), 2),
    "unsafe_chunk": lambda lib: lib.arange(5).unsafe_chunk(2),
    "unsafe_split_with_sizes": lambda lib: lib.unsafe_split_with_sizes(lib.arange(5), [1, 4]),
    # the legacy type names carry the library's own module name ("rtorch.FloatTensor")
    "typename": lambda lib: (lib.typename(lib.zeros(2)).split(".")[-1],
                             lib.typename(lib.zeros(2, dtype=lib.int64)).split(".")[-1], lib.typename(3)),
    "scatter_reduce_inplace": lambda lib: lib.zeros(3).scatter_reduce_(0, lib.tensor([1, 1, 2]), lib.tensor([2.0, 3, 4]),
                                                                      "amax", include_self=False),
    "masked_scatter_inplace": lambda lib: lib.zeros(3).masked_scatter_(lib.tensor([True, False, True]), lib.tensor([1.0, 2])),
    "nan_to_num_inplace": lambda lib: lib.tensor([NAN, 1.0, float("inf")]).nan_to_num_(posinf=5.0),
    "nan_to_num_inplace_fn": lambda lib: lib.nan_to_num_(lib.tensor([NAN, 1.0])),
    "round_inplace": lambda lib: lib.tensor([0.5, 1.26, 2.5]).round_(decimals=1),
    "round_inplace_fn": lambda lib: lib.round_(lib.tensor([0.5, 1.5, 2.5])),
}


@pytest.mark.parametrize("name", sorted(MORE_CASES))
def test_more_ops_match_torch(name):
    parity(MORE_CASES[name], torch_ref(lambda torch: run(MORE_CASES[name], torch)))


def test_gradient_matches_numpy():
    a = np.random.default_rng(3).normal(size=(4, 6))
    x = np.cumsum(np.random.default_rng(4).uniform(0.5, 1.5, size=6))
    for order in (1, 2):
        got = rtorch.gradient(rtorch.tensor(a), spacing=[0.5, rtorch.tensor(x)], edge_order=order)
        exp = np.gradient(a, 0.5, x, edge_order=order)
        for g, e in zip(got, exp):
            assert_close(g, e, rtol=1e-12, atol=1e-12)
    assert gradcheck(lambda t: rtorch.gradient(t, edge_order=2)[1], (rtorch.tensor(a, requires_grad=True),))


FROMBUFFER_CASES = {
    "frombuffer": lambda lib: lib.frombuffer(bytearray(b"\x01\x00\x00\x00\x02\x00\x00\x00"), dtype=lib.int32),
    "frombuffer_offset_count": lambda lib: lib.frombuffer(bytearray(range(16)), dtype=lib.int16, offset=4, count=3),
    "frombuffer_float": lambda lib: lib.frombuffer(bytearray(np.array([1.5, -2.0], np.float32).tobytes()),
                                                   dtype=lib.float32),
    "frombuffer_err_offset": lambda lib: lib.frombuffer(bytearray(8), dtype=lib.int32, offset=9),
    "frombuffer_err_count": lambda lib: lib.frombuffer(bytearray(8), dtype=lib.int32, count=3),
    "frombuffer_err_multiple": lambda lib: lib.frombuffer(bytearray(7), dtype=lib.int32),
    "frombuffer_err_empty": lambda lib: lib.frombuffer(bytearray(0), dtype=lib.int32),
}


@pytest.mark.parametrize("name", sorted(FROMBUFFER_CASES))
def test_frombuffer_matches_torch(name):
    parity(FROMBUFFER_CASES[name], torch_ref(lambda torch: run(FROMBUFFER_CASES[name], torch)))


def test_frombuffer_shares_memory():
    buf = bytearray(8)
    t = rtorch.frombuffer(buf, dtype=rtorch.int32)
    t[1] = 7
    assert buf[4] == 7


# Each torch.<op>_ function called by name: the result is the input, changed as <op> changes it.
INPLACE_FUNCTION_CALLS = {
    "abs_": (lambda x: rtorch.abs_(x), "abs"),
    "acos_": (lambda x: rtorch.acos_(x), "acos"),
    "acosh_": (lambda x: rtorch.acosh_(x), "acosh"),
    "arccos_": (lambda x: rtorch.arccos_(x), "arccos"),
    "arccosh_": (lambda x: rtorch.arccosh_(x), "arccosh"),
    "arcsin_": (lambda x: rtorch.arcsin_(x), "arcsin"),
    "arcsinh_": (lambda x: rtorch.arcsinh_(x), "arcsinh"),
    "arctan_": (lambda x: rtorch.arctan_(x), "arctan"),
    "arctanh_": (lambda x: rtorch.arctanh_(x), "arctanh"),
    "asin_": (lambda x: rtorch.asin_(x), "asin"),
    "asinh_": (lambda x: rtorch.asinh_(x), "asinh"),
    "atan_": (lambda x: rtorch.atan_(x), "atan"),
    "atanh_": (lambda x: rtorch.atanh_(x), "atanh"),
    "ceil_": (lambda x: rtorch.ceil_(x), "ceil"),
    "cos_": (lambda x: rtorch.cos_(x), "cos"),
    "cosh_": (lambda x: rtorch.cosh_(x), "cosh"),
    "detach_": (lambda x: rtorch.detach_(x), "detach"),
    "erf_": (lambda x: rtorch.erf_(x), "erf"),
    "erfc_": (lambda x: rtorch.erfc_(x), "erfc"),
    "exp2_": (lambda x: rtorch.exp2_(x), "exp2"),
    "exp_": (lambda x: rtorch.exp_(x), "exp"),
    "expm1_": (lambda x: rtorch.expm1_(x), "expm1"),
    "fix_": (lambda x: rtorch.fix_(x), "fix"),
    "floor_": (lambda x: rtorch.floor_(x), "floor"),
    "frac_": (lambda x: rtorch.frac_(x), "frac"),
    "log10_": (lambda x: rtorch.log10_(x), "log10"),
    "log1p_": (lambda x: rtorch.log1p_(x), "log1p"),
    "log2_": (lambda x: rtorch.log2_(x), "log2"),
    "log_": (lambda x: rtorch.log_(x), "log"),
    "neg_": (lambda x: rtorch.neg_(x), "neg"),
    "negative_": (lambda x: rtorch.negative_(x), "negative"),
    "reciprocal_": (lambda x: rtorch.reciprocal_(x), "reciprocal"),
    "relu_": (lambda x: rtorch.relu_(x), "relu"),
    "rsqrt_": (lambda x: rtorch.rsqrt_(x), "rsqrt"),
    "sigmoid_": (lambda x: rtorch.sigmoid_(x), "sigmoid"),
    "sin_": (lambda x: rtorch.sin_(x), "sin"),
    "sinc_": (lambda x: rtorch.sinc_(x), "sinc"),
    "sinh_": (lambda x: rtorch.sinh_(x), "sinh"),
    "sqrt_": (lambda x: rtorch.sqrt_(x), "sqrt"),
    "square_": (lambda x: rtorch.square_(x), "square"),
    "tan_": (lambda x: rtorch.tan_(x), "tan"),
    "tanh_": (lambda x: rtorch.tanh_(x), "tanh"),
    "trunc_": (lambda x: rtorch.trunc_(x), "trunc"),
    "zero_": (lambda x: rtorch.zero_(x), "zero"),
}


@pytest.mark.parametrize("name", sorted(INPLACE_FUNCTION_CALLS))
def test_inplace_functions(name):
    call, base = INPLACE_FUNCTION_CALLS[name]
    x = rtorch.tensor([0.25, 0.5, 0.75], requires_grad=False)
    expect = rtorch.zeros(3) if base == "zero" else x.detach() if base == "detach" else getattr(x, base)()
    assert call(x) is x
    assert_close(x, expect.numpy())


def test_resize_as_and_as_strided_functions():
    assert rtorch.resize_as_(rtorch.zeros(4), rtorch.zeros(2, 2)).shape == (2, 2)
    x = rtorch.arange(4.0)
    assert rtorch.as_strided_(x, (2,), (2,)) is x and x.tolist() == [0.0, 2.0]


def test_inplace_functions_of_the_special_rows():
    # torch.deg2rad_ & co. (PyTorch exports these in-place forms of the special-function rows too).
    x = rtorch.tensor([0.25, 0.5, 0.75], dtype=rtorch.float64)
    for call, base in ((lambda t: rtorch.deg2rad_(t), "deg2rad"), (lambda t: rtorch.rad2deg_(t), "rad2deg"),
                       (lambda t: rtorch.i0_(t), "i0")):
        t = x.clone()
        assert call(t) is t
        assert_close(t, getattr(x, base)().numpy())
    y = rtorch.tensor([2.0, 3.0, 4.0], dtype=rtorch.float64)
    for call, base in ((lambda t: rtorch.xlogy_(t, y), "xlogy"), (lambda t: rtorch.ldexp_(t, y), "ldexp")):
        t = x.clone()
        assert call(t) is t
        assert_close(t, getattr(x, base)(y).numpy())
    a, b = rtorch.tensor([12, 18, 7]), rtorch.tensor([8, 12, 5])
    assert rtorch.gcd_(a.clone(), b).tolist() == [4, 6, 1]
    assert rtorch.lcm_(a.clone(), b).tolist() == [24, 36, 35]
