"""Wrong argument types raise PyTorch's exception with PyTorch's wording, never a Python-internal error (issue 15
item 7). Expected messages were taken from PyTorch 2.x (`torch` prints `torch.dtype` where we print `rtorch.dtype`,
and PyTorch numbers positions of some ops after its own native signature: positions are not compared there)."""
import re

import numpy as np
import pytest

import rtorch
import rtorch.nn as nn
import rtorch.nn.functional as F
from rtorch._argcheck import checked

X4 = rtorch.ones(1, 1, 4, 4)

# (call, exception type, PyTorch's message; "(position N)" is compared only where written here)
CASES = [
    (lambda: rtorch.zeros_like([0]), TypeError, "zeros_like(): argument 'input' (position 1) must be Tensor, not list"),
    (lambda: rtorch.full_like([1], 2), TypeError,
     "full_like(): argument 'input' (position 1) must be Tensor, not list"),
    (lambda: rtorch.zeros_like(rtorch.ones(2), requires_grad=2), TypeError,
     "zeros_like(): argument 'requires_grad' must be bool, not int"),
    (lambda: F.nll_loss(rtorch.randn(()), rtorch.tensor(1)), ValueError, "Expected 1 or more dimensions (got 0)"),
    (lambda: F.nll_loss(rtorch.randn(3, 2), 7), TypeError,
     "nll_loss(): argument 'target' (position 2) must be Tensor, not int"),
    (lambda: F.cross_entropy(rtorch.ones(()), rtorch.tensor(1.)), IndexError,
     "Dimension specified as 1 but tensor has no dimensions"),
    (lambda: F.avg_pool2d(X4, rtorch.float32), TypeError,
     "avg_pool2d(): argument 'kernel_size' (position 2) must be tuple of ints, not rtorch.dtype"),
    (lambda: F.avg_pool2d(X4, 2, 2.5), TypeError,
     "avg_pool2d(): argument 'stride' (position 3) must be tuple of ints, not float"),
    (lambda: F.max_pool2d(X4, 2, ceil_mode=1), TypeError, "max_pool2d(): argument 'ceil_mode' must be bool, not int"),
    (lambda: F.softmax(rtorch.ones(3), True), TypeError, "softmax(): argument 'dim' must be int, not bool"),
    (lambda: F.softmin(rtorch.ones(3), rtorch.float32), TypeError,
     "softmin(): argument 'dim' must be int, not rtorch.dtype"),
    (lambda: F.linear(rtorch.ones(2, 2), 0), TypeError,
     "linear(): argument 'weight' (position 2) must be Tensor, not int"),
    (lambda: F.batch_norm(rtorch.ones(2, 2), 0, 1), TypeError,
     "batch_norm(): argument 'running_mean' must be Tensor, not int"),
    (lambda: F.pad(rtorch.ones(2), 3), TypeError, "pad(): argument 'pad' (position 2) must be tuple of ints, not int"),
    (lambda: F.one_hot(rtorch.tensor([1]), "a"), TypeError,
     "one_hot(): argument 'num_classes' (position 2) must be int, not str"),
    (lambda: F.embedding(rtorch.tensor([1]), 3), TypeError, "embedding(): argument 'weight' must be Tensor, not int"),
    (lambda: F.embedding(rtorch.tensor([1]), rtorch.tensor(2.)), RuntimeError, "'weight' must be 2-D"),
    (lambda: F.layer_norm(rtorch.ones(2), (2,), 3), TypeError,
     "layer_norm(): argument 'weight' (position 3) must be Tensor, not int"),
    (lambda: F.kl_div(rtorch.ones(3), float("nan")), TypeError,
     "kl_div(): argument 'target' (position 2) must be Tensor, not float"),
    (lambda: F.adaptive_avg_pool2d(rtorch.ones(1, 3, 3), False), TypeError,
     "adaptive_avg_pool2d(): argument 'output_size' (position 2) must be tuple of ints, not bool"),
    (lambda: F.relu(3), TypeError, "relu(): argument 'input' (position 1) must be Tensor, not int"),
    (lambda: nn.Flatten(2, -1.5), TypeError, "Flatten(): argument 'end_dim' (position 2) must be int, not float"),
    (lambda: nn.Softplus(None), TypeError, "Softplus(): argument 'beta' (position 1) must be Number, not NoneType"),
    (lambda: nn.GroupNorm(None, -2), TypeError,
     "GroupNorm(): argument 'num_groups' (position 1) must be int, not NoneType"),
    (lambda: nn.ModuleList(rtorch.device("cpu")), TypeError,
     "ModuleList.extend should be called with an iterable, but got device"),
    (lambda: nn.ModuleDict(slice(None)), TypeError,
     "ModuleDict.update should be called with an iterable of key/value pairs, but got slice"),
    (lambda: nn.Bilinear(0, 2, 3), ValueError, "in1_features must be > 0, but got (in1_features=0)"),
    (lambda: nn.Embedding(3, 2, padding_idx=5), AssertionError, "Padding_idx must be within num_embeddings"),
    (lambda: rtorch.optim.RMSprop(0), TypeError,
     "params argument given to the optimizer should be an iterable of Tensors or dicts, but got int"),
    (lambda: rtorch.optim.Adam([rtorch.ones(2, requires_grad=True)], "cuda"), TypeError,
     "Adam(): argument 'lr' (position 2) must be float, not str"),
    (lambda: rtorch.hstack([1]), TypeError,
     "hstack(): expected a Tensor or a sequence of Tensors, but element 0 is int"),
    (lambda: rtorch.atleast_2d(-1), TypeError,
     "atleast_2d(): expected a Tensor or a sequence of Tensors, but element 0 is int"),
    (lambda: nn.ModuleList(rtorch.Tensor), TypeError,
     "ModuleList.extend should be called with an iterable, but got type"),
    (lambda: F.bilinear(rtorch.tensor(0.0), rtorch.tensor(1.0), rtorch.zeros(2, 1, 1)), IndexError,
     "Dimension specified as -1 but tensor has no dimensions"),
    (lambda: rtorch.save(rtorch.ones(1), __import__("io").BytesIO(), format="safetensors", metadata=3), TypeError,
     "rtorch.save: metadata must be a dict of str to str, not int"),
]


@pytest.mark.parametrize("i", range(len(CASES)))
def test_wrong_types_raise_pytorch_errors(i):
    call, exc, msg = CASES[i]
    with pytest.raises(exc) as info:
        call()
    got = str(info.value)
    if "(position" not in msg:
        got = re.sub(r" \(position \d+\)", "", got)
    assert got == msg


def test_valid_calls_are_unchanged():
    x = rtorch.randn(2, 3, 4, 4)
    assert F.avg_pool2d(x, 2).shape == (2, 3, 2, 2)
    assert F.max_pool2d(x, (2, 2), stride=[2, 2], ceil_mode=np.bool_(True)).shape == (2, 3, 2, 2)
    assert F.interpolate(x, size=np.int64(8)).shape == (2, 3, 8, 8)
    assert F.adaptive_avg_pool2d(x, (None, 2)).shape == (2, 3, 4, 2)
    assert F.conv2d(x, rtorch.ones(5, 3, 3, 3), padding="same").shape == (2, 5, 4, 4)
    assert F.softmax(x, dim=np.int64(1)).shape == x.shape
    assert nn.Linear(np.int64(3), 2)(rtorch.ones(1, 3)).shape == (1, 2)
    assert nn.TransformerEncoderLayer(8, 2, 16, activation=F.gelu)(rtorch.ones(3, 1, 8)).shape == (3, 1, 8)
    assert rtorch.normal(0, 1, 3).shape == (3,)


def test_normalize_and_renorm_with_p_zero_and_inf_match_pytorch():
    # Values from torch.nn.functional.normalize / embedding(max_norm=...) in PyTorch 2.x.
    np.testing.assert_allclose(F.normalize(rtorch.ones(2, 3), 0, 0).numpy(), np.full((2, 3), 0.5))
    np.testing.assert_allclose(F.normalize(rtorch.tensor([[3.0, 4.0]]), float("inf")).numpy(), [[0.75, 1.0]])
    np.testing.assert_allclose(F.embedding(rtorch.tensor([1]), rtorch.ones(3, 2), max_norm=1.0, norm_type=0.0).numpy(),
                               [[0.5, 0.5]])


def test_attention_with_empty_head_dim_averages_values():
    # PyTorch: every score is 0, so each query gets the mean of the values (here all ones).
    out = F.scaled_dot_product_attention(rtorch.ones(1, 2, 0), rtorch.ones(1, 3, 0), rtorch.ones(1, 3, 4))
    np.testing.assert_array_equal(out.numpy(), np.ones((1, 2, 4), np.float32))


def test_checked_wrapper_keeps_signature_defaults_and_binding_errors():
    @checked("f", "a:Tensor b:int? c:bool")
    def f(a, b=None, *rest, c=False, **kw):
        """doc"""
        return a, b, rest, c, kw

    import inspect
    assert str(inspect.signature(f)) == "(a, b=None, *rest, c=False, **kw)"
    assert f.__doc__ == "doc" and f.__name__ == "f"
    t = rtorch.ones(1)
    assert f(t, 2, 3, 4, c=True, z=1) == (t, 2, (3, 4), True, {"z": 1})
    with pytest.raises(TypeError, match=r"f\(\) missing 1 required positional argument: 'a'$"):
        f()
    with pytest.raises(TypeError, match=r"^f\(\): argument 'c' must be bool, not int$"):
        f(t, c=1)
    with pytest.raises(AssertionError):
        checked("g", "nope:int")(lambda a: a)
