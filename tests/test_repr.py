"""Tensor printing: repr(tensor) against strings printed by the real PyTorch 2.15, and live parity with torch.

The expected strings below were produced by `repr(eval(expr))` with `import torch` (PyTorch 2.15.0) and
pasted verbatim; rtorch prints the dtype suffix as `dtype=torch.X` too, so they compare as they are.
"""
import math

import numpy as np
import pytest
from hypothesis import given, strategies as st
from hypothesis.extra import numpy as hnp

import rtorch
from rtorch._tensor_str import tensor_repr
from torch_ref import torch_ref

try:
    import torch as _torch
except ImportError:  # CI has no PyTorch: the hard-coded table still runs
    _torch = None

needs_torch = pytest.mark.skipif(_torch is None, reason="PyTorch not installed")

@pytest.fixture(autouse=True)
def _default_printoptions():
    rtorch.set_printoptions(profile="default")
    yield
    rtorch.set_printoptions(profile="default")


REPR_CASES = [
    ('torch.tensor([-1., 1.])',
     'tensor([-1.,  1.])'),
    ('torch.tensor([[-1., -1.], [1., 1.]])',
     ('tensor([[-1., -1.],\n'
      '        [ 1.,  1.]])')),
    ('torch.tensor([1.5, -2.25, 3.0])',
     'tensor([ 1.5000, -2.2500,  3.0000])'),
    ('torch.tensor(3.5)',
     'tensor(3.5000)'),
    ('torch.tensor(-0.0)',
     'tensor(-0.)'),
    ('torch.tensor(7)',
     'tensor(7)'),
    ('torch.tensor(True)',
     'tensor(True)'),
    ('torch.tensor([1, -20, 300])',
     'tensor([  1, -20, 300])'),
    ('torch.tensor([[1, 2], [-3, 4]], dtype=torch.int32)',
     ('tensor([[ 1,  2],\n'
      '        [-3,  4]], dtype=torch.int32)')),
    ('torch.tensor([True, False, True])',
     'tensor([ True, False,  True])'),
    ('torch.tensor([[True], [False]])',
     ('tensor([[ True],\n'
      '        [False]])')),
    ('torch.tensor([])',
     'tensor([])'),
    ('torch.zeros(0, 3)',
     'tensor([], size=(0, 3))'),
    ('torch.zeros(2, 0, dtype=torch.int64)',
     'tensor([], size=(2, 0), dtype=torch.int64)'),
    ('torch.tensor([], dtype=torch.bool)',
     'tensor([], dtype=torch.bool)'),
    ('torch.tensor([1.0, 2.0], dtype=torch.float64)',
     'tensor([1., 2.], dtype=torch.float64)'),
    ('torch.tensor([0.1, 0.25], dtype=torch.float64)',
     'tensor([0.1000, 0.2500], dtype=torch.float64)'),
    ('torch.tensor([1e-5, 1.0])',
     'tensor([1.0000e-05, 1.0000e+00])'),
    ('torch.tensor([1e10, 1.0])',
     'tensor([1.0000e+10, 1.0000e+00])'),
    ('torch.tensor([1.0, 1000.0])',
     'tensor([   1., 1000.])'),
    ('torch.tensor([1.0, 1001.0])',
     'tensor([1.0000e+00, 1.0010e+03])'),
    ('torch.tensor([123456.789, 0.5])',
     'tensor([1.2346e+05, 5.0000e-01])'),
    ('torch.tensor([1e9, -2e9, 3e9])',
     'tensor([ 1.0000e+09, -2.0000e+09,  3.0000e+09])'),
    ("torch.tensor([float('nan'), 1.5, float('inf'), float('-inf')])",
     'tensor([   nan, 1.5000,    inf,   -inf])'),
    ("torch.tensor([float('nan'), float('inf')])",
     'tensor([nan, inf])'),
    ("torch.tensor([float('nan'), 2.0, -3.0])",
     'tensor([nan,  2., -3.])'),
    ('torch.tensor([0.0, 0.0])',
     'tensor([0., 0.])'),
    ('torch.tensor([1e-8, 0.0, -1e-8])',
     'tensor([ 1.0000e-08,  0.0000e+00, -1.0000e-08])'),
    ('torch.arange(2000)',
     'tensor([   0,    1,    2,  ..., 1997, 1998, 1999])'),
    ('torch.arange(2000.) / 7',
     ('tensor([0.0000e+00, 1.4286e-01, 2.8571e-01,  ..., 2.8529e+02, 2.8543e+02,\n'
      '        2.8557e+02])')),
    ('torch.arange(1200).reshape(40, 30)',
     ('tensor([[   0,    1,    2,  ...,   27,   28,   29],\n'
      '        [  30,   31,   32,  ...,   57,   58,   59],\n'
      '        [  60,   61,   62,  ...,   87,   88,   89],\n'
      '        ...,\n'
      '        [1110, 1111, 1112,  ..., 1137, 1138, 1139],\n'
      '        [1140, 1141, 1142,  ..., 1167, 1168, 1169],\n'
      '        [1170, 1171, 1172,  ..., 1197, 1198, 1199]])')),
    ('torch.arange(24.).reshape(2, 3, 4)',
     ('tensor([[[ 0.,  1.,  2.,  3.],\n'
      '         [ 4.,  5.,  6.,  7.],\n'
      '         [ 8.,  9., 10., 11.]],\n'
      '\n'
      '        [[12., 13., 14., 15.],\n'
      '         [16., 17., 18., 19.],\n'
      '         [20., 21., 22., 23.]]])')),
    ('torch.arange(24).reshape(2, 3, 4) - 12',
     ('tensor([[[-12, -11, -10,  -9],\n'
      '         [ -8,  -7,  -6,  -5],\n'
      '         [ -4,  -3,  -2,  -1]],\n'
      '\n'
      '        [[  0,   1,   2,   3],\n'
      '         [  4,   5,   6,   7],\n'
      '         [  8,   9,  10,  11]]])')),
    ('torch.arange(3000.).reshape(10, 10, 30)',
     ('tensor([[[0.0000e+00, 1.0000e+00, 2.0000e+00,  ..., 2.7000e+01,\n'
      '          2.8000e+01, 2.9000e+01],\n'
      '         [3.0000e+01, 3.1000e+01, 3.2000e+01,  ..., 5.7000e+01,\n'
      '          5.8000e+01, 5.9000e+01],\n'
      '         [6.0000e+01, 6.1000e+01, 6.2000e+01,  ..., 8.7000e+01,\n'
      '          8.8000e+01, 8.9000e+01],\n'
      '         ...,\n'
      '         [2.1000e+02, 2.1100e+02, 2.1200e+02,  ..., 2.3700e+02,\n'
      '          2.3800e+02, 2.3900e+02],\n'
      '         [2.4000e+02, 2.4100e+02, 2.4200e+02,  ..., 2.6700e+02,\n'
      '          2.6800e+02, 2.6900e+02],\n'
      '         [2.7000e+02, 2.7100e+02, 2.7200e+02,  ..., 2.9700e+02,\n'
      '          2.9800e+02, 2.9900e+02]],\n'
      '\n'
      '        [[3.0000e+02, 3.0100e+02, 3.0200e+02,  ..., 3.2700e+02,\n'
      '          3.2800e+02, 3.2900e+02],\n'
      '         [3.3000e+02, 3.3100e+02, 3.3200e+02,  ..., 3.5700e+02,\n'
      '          3.5800e+02, 3.5900e+02],\n'
      '         [3.6000e+02, 3.6100e+02, 3.6200e+02,  ..., 3.8700e+02,\n'
      '          3.8800e+02, 3.8900e+02],\n'
      '         ...,\n'
      '         [5.1000e+02, 5.1100e+02, 5.1200e+02,  ..., 5.3700e+02,\n'
      '          5.3800e+02, 5.3900e+02],\n'
      '         [5.4000e+02, 5.4100e+02, 5.4200e+02,  ..., 5.6700e+02,\n'
      '          5.6800e+02, 5.6900e+02],\n'
      '         [5.7000e+02, 5.7100e+02, 5.7200e+02,  ..., 5.9700e+02,\n'
      '          5.9800e+02, 5.9900e+02]],\n'
      '\n'
      '        [[6.0000e+02, 6.0100e+02, 6.0200e+02,  ..., 6.2700e+02,\n'
      '          6.2800e+02, 6.2900e+02],\n'
      '         [6.3000e+02, 6.3100e+02, 6.3200e+02,  ..., 6.5700e+02,\n'
      '          6.5800e+02, 6.5900e+02],\n'
      '         [6.6000e+02, 6.6100e+02, 6.6200e+02,  ..., 6.8700e+02,\n'
      '          6.8800e+02, 6.8900e+02],\n'
      '         ...,\n'
      '         [8.1000e+02, 8.1100e+02, 8.1200e+02,  ..., 8.3700e+02,\n'
      '          8.3800e+02, 8.3900e+02],\n'
      '         [8.4000e+02, 8.4100e+02, 8.4200e+02,  ..., 8.6700e+02,\n'
      '          8.6800e+02, 8.6900e+02],\n'
      '         [8.7000e+02, 8.7100e+02, 8.7200e+02,  ..., 8.9700e+02,\n'
      '          8.9800e+02, 8.9900e+02]],\n'
      '\n'
      '        ...,\n'
      '\n'
      '        [[2.1000e+03, 2.1010e+03, 2.1020e+03,  ..., 2.1270e+03,\n'
      '          2.1280e+03, 2.1290e+03],\n'
      '         [2.1300e+03, 2.1310e+03, 2.1320e+03,  ..., 2.1570e+03,\n'
      '          2.1580e+03, 2.1590e+03],\n'
      '         [2.1600e+03, 2.1610e+03, 2.1620e+03,  ..., 2.1870e+03,\n'
      '          2.1880e+03, 2.1890e+03],\n'
      '         ...,\n'
      '         [2.3100e+03, 2.3110e+03, 2.3120e+03,  ..., 2.3370e+03,\n'
      '          2.3380e+03, 2.3390e+03],\n'
      '         [2.3400e+03, 2.3410e+03, 2.3420e+03,  ..., 2.3670e+03,\n'
      '          2.3680e+03, 2.3690e+03],\n'
      '         [2.3700e+03, 2.3710e+03, 2.3720e+03,  ..., 2.3970e+03,\n'
      '          2.3980e+03, 2.3990e+03]],\n'
      '\n'
      '        [[2.4000e+03, 2.4010e+03, 2.4020e+03,  ..., 2.4270e+03,\n'
      '          2.4280e+03, 2.4290e+03],\n'
      '         [2.4300e+03, 2.4310e+03, 2.4320e+03,  ..., 2.4570e+03,\n'
      '          2.4580e+03, 2.4590e+03],\n'
      '         [2.4600e+03, 2.4610e+03, 2.4620e+03,  ..., 2.4870e+03,\n'
      '          2.4880e+03, 2.4890e+03],\n'
      '         ...,\n'
      '         [2.6100e+03, 2.6110e+03, 2.6120e+03,  ..., 2.6370e+03,\n'
      '          2.6380e+03, 2.6390e+03],\n'
      '         [2.6400e+03, 2.6410e+03, 2.6420e+03,  ..., 2.6670e+03,\n'
      '          2.6680e+03, 2.6690e+03],\n'
      '         [2.6700e+03, 2.6710e+03, 2.6720e+03,  ..., 2.6970e+03,\n'
      '          2.6980e+03, 2.6990e+03]],\n'
      '\n'
      '        [[2.7000e+03, 2.7010e+03, 2.7020e+03,  ..., 2.7270e+03,\n'
      '          2.7280e+03, 2.7290e+03],\n'
      '         [2.7300e+03, 2.7310e+03, 2.7320e+03,  ..., 2.7570e+03,\n'
      '          2.7580e+03, 2.7590e+03],\n'
      '         [2.7600e+03, 2.7610e+03, 2.7620e+03,  ..., 2.7870e+03,\n'
      '          2.7880e+03, 2.7890e+03],\n'
      '         ...,\n'
      '         [2.9100e+03, 2.9110e+03, 2.9120e+03,  ..., 2.9370e+03,\n'
      '          2.9380e+03, 2.9390e+03],\n'
      '         [2.9400e+03, 2.9410e+03, 2.9420e+03,  ..., 2.9670e+03,\n'
      '          2.9680e+03, 2.9690e+03],\n'
      '         [2.9700e+03, 2.9710e+03, 2.9720e+03,  ..., 2.9970e+03,\n'
      '          2.9980e+03, 2.9990e+03]]])')),
    ('torch.arange(30.) * 1.5',
     ('tensor([ 0.0000,  1.5000,  3.0000,  4.5000,  6.0000,  7.5000,  9.0000, 10.5000,\n'
      '        12.0000, 13.5000, 15.0000, 16.5000, 18.0000, 19.5000, 21.0000, 22.5000,\n'
      '        24.0000, 25.5000, 27.0000, 28.5000, 30.0000, 31.5000, 33.0000, 34.5000,\n'
      '        36.0000, 37.5000, 39.0000, 40.5000, 42.0000, 43.5000])')),
    ('torch.arange(60).reshape(3, 20) * 1000',
     ('tensor([[    0,  1000,  2000,  3000,  4000,  5000,  6000,  7000,  8000,  9000,\n'
      '         10000, 11000, 12000, 13000, 14000, 15000, 16000, 17000, 18000, 19000],\n'
      '        [20000, 21000, 22000, 23000, 24000, 25000, 26000, 27000, 28000, 29000,\n'
      '         30000, 31000, 32000, 33000, 34000, 35000, 36000, 37000, 38000, 39000],\n'
      '        [40000, 41000, 42000, 43000, 44000, 45000, 46000, 47000, 48000, 49000,\n'
      '         50000, 51000, 52000, 53000, 54000, 55000, 56000, 57000, 58000, 59000]])')),
    ('torch.tensor([[0.001, 1.0], [2.5, -3.75]])',
     ('tensor([[ 1.0000e-03,  1.0000e+00],\n'
      '        [ 2.5000e+00, -3.7500e+00]])')),
    ('torch.tensor([1.0, 2.0, 3.0], requires_grad=True)',
     'tensor([1., 2., 3.], requires_grad=True)'),
    ('torch.tensor([1.0, 2.0], requires_grad=True) * 2',
     'tensor([2., 4.], grad_fn=<MulBackward0>)'),
    ('torch.tensor([1.0, 2.0], dtype=torch.float64, requires_grad=True).exp()',
     'tensor([2.7183, 7.3891], dtype=torch.float64, grad_fn=<ExpBackward0>)'),
    ('torch.tensor([1.0, 2.5], dtype=torch.float16)',
     'tensor([1.0000, 2.5000], dtype=torch.float16)'),
    ('torch.tensor([1.0, 2.5, -3.0], dtype=torch.bfloat16)',
     'tensor([ 1.0000,  2.5000, -3.0000], dtype=torch.bfloat16)'),
    ('torch.tensor([255, 0], dtype=torch.uint8)',
     'tensor([255,   0], dtype=torch.uint8)'),
    ('torch.tensor([-128, 127], dtype=torch.int8)',
     'tensor([-128,  127], dtype=torch.int8)'),
    ('torch.arange(30.).reshape(5, 6).t()',
     ('tensor([[ 0.,  6., 12., 18., 24.],\n'
      '        [ 1.,  7., 13., 19., 25.],\n'
      '        [ 2.,  8., 14., 20., 26.],\n'
      '        [ 3.,  9., 15., 21., 27.],\n'
      '        [ 4., 10., 16., 22., 28.],\n'
      '        [ 5., 11., 17., 23., 29.]])')),
    ('torch.arange(10.).flip(0)[::2]',
     'tensor([9., 7., 5., 3., 1.])'),
    ('torch.tensor([[1e-3, 1e3], [5.0, 6.0]])',
     ('tensor([[1.0000e-03, 1.0000e+03],\n'
      '        [5.0000e+00, 6.0000e+00]])')),
    ('torch.ones(3, 1, 2)',
     ('tensor([[[1., 1.]],\n'
      '\n'
      '        [[1., 1.]],\n'
      '\n'
      '        [[1., 1.]]])')),
    ('torch.arange(100.).reshape(1, 100) * 1.25',
     ('tensor([[  0.0000,   1.2500,   2.5000,   3.7500,   5.0000,   6.2500,   7.5000,\n'
      '           8.7500,  10.0000,  11.2500,  12.5000,  13.7500,  15.0000,  16.2500,\n'
      '          17.5000,  18.7500,  20.0000,  21.2500,  22.5000,  23.7500,  25.0000,\n'
      '          26.2500,  27.5000,  28.7500,  30.0000,  31.2500,  32.5000,  33.7500,\n'
      '          35.0000,  36.2500,  37.5000,  38.7500,  40.0000,  41.2500,  42.5000,\n'
      '          43.7500,  45.0000,  46.2500,  47.5000,  48.7500,  50.0000,  51.2500,\n'
      '          52.5000,  53.7500,  55.0000,  56.2500,  57.5000,  58.7500,  60.0000,\n'
      '          61.2500,  62.5000,  63.7500,  65.0000,  66.2500,  67.5000,  68.7500,\n'
      '          70.0000,  71.2500,  72.5000,  73.7500,  75.0000,  76.2500,  77.5000,\n'
      '          78.7500,  80.0000,  81.2500,  82.5000,  83.7500,  85.0000,  86.2500,\n'
      '          87.5000,  88.7500,  90.0000,  91.2500,  92.5000,  93.7500,  95.0000,\n'
      '          96.2500,  97.5000,  98.7500, 100.0000, 101.2500, 102.5000, 103.7500,\n'
      '         105.0000, 106.2500, 107.5000, 108.7500, 110.0000, 111.2500, 112.5000,\n'
      '         113.7500, 115.0000, 116.2500, 117.5000, 118.7500, 120.0000, 121.2500,\n'
      '         122.5000, 123.7500]])')),
    ('torch.tensor([1.0, 2.0]).reshape(1, 1, 2)',
     'tensor([[[1., 2.]]])'),
]

OPTION_CASES = [
    ({'precision': 2}, 'torch.tensor([1.12345, -2.5])',
     'tensor([ 1.12, -2.50])'),
    ({'threshold': 5}, 'torch.arange(10)',
     'tensor([0, 1, 2,  ..., 7, 8, 9])'),
    ({'threshold': 5, 'edgeitems': 1}, 'torch.arange(24.).reshape(2, 3, 4)',
     ('tensor([[[ 0.,  ...,  3.],\n'
      '         ...,\n'
      '         [ 8.,  ..., 11.]],\n'
      '\n'
      '        [[12.,  ..., 15.],\n'
      '         ...,\n'
      '         [20.,  ..., 23.]]])')),
    ({'edgeitems': 0, 'threshold': 5}, 'torch.arange(10)',
     'tensor([...], size=(10,))'),
    ({'linewidth': 30}, 'torch.arange(20.) / 3',
     ('tensor([0.0000, 0.3333,\n'
      '        0.6667, 1.0000,\n'
      '        1.3333, 1.6667,\n'
      '        2.0000, 2.3333,\n'
      '        2.6667, 3.0000,\n'
      '        3.3333, 3.6667,\n'
      '        4.0000, 4.3333,\n'
      '        4.6667, 5.0000,\n'
      '        5.3333, 5.6667,\n'
      '        6.0000, 6.3333])')),
    ({'sci_mode': True}, 'torch.tensor([1.0, 2.5])',
     'tensor([1.0000e+00, 2.5000e+00])'),
    ({'sci_mode': False}, 'torch.tensor([1e-6, 1e6])',
     'tensor([      0.0000, 1000000.0000])'),
    ({'profile': 'short'}, 'torch.arange(2000.).reshape(40, 50) / 3',
     ('tensor([[0.00e+00, 3.33e-01,  ..., 1.60e+01, 1.63e+01],\n'
      '        [1.67e+01, 1.70e+01,  ..., 3.27e+01, 3.30e+01],\n'
      '        ...,\n'
      '        [6.33e+02, 6.34e+02,  ..., 6.49e+02, 6.50e+02],\n'
      '        [6.50e+02, 6.50e+02,  ..., 6.66e+02, 6.66e+02]])')),
    ({'linewidth': 40}, 'torch.tensor([123456.75, 1.0], requires_grad=True).reshape(1, 2, 1)',
     ('tensor([[[1.2346e+05],\n'
      '         [1.0000e+00]]],\n'
      '       grad_fn=<ViewBackward0>)')),
]


@pytest.mark.parametrize("expr,expected", REPR_CASES, ids=[c[0] for c in REPR_CASES])
def test_repr_matches_pytorch_table(expr, expected):
    t = eval(expr, {"torch": rtorch})
    assert repr(t) == expected
    assert str(t) == repr(t)


@pytest.mark.parametrize("opts,expr,expected", OPTION_CASES, ids=[f"{c[0]}-{c[1]}" for c in OPTION_CASES])
def test_repr_with_printoptions(opts, expr, expected):
    rtorch.set_printoptions(**opts)
    assert repr(eval(expr, {"torch": rtorch})) == expected


def test_printoptions_context_restores():
    x = rtorch.tensor([1.12345])
    with rtorch._tensor_str.printoptions(precision=1):
        assert repr(x) == "tensor([1.1])"
    assert repr(x) == "tensor([1.1235])"


def test_parameter_repr():
    p = rtorch.nn.Parameter(rtorch.ones(2))
    assert repr(p) == "Parameter containing:\ntensor([1., 1.], requires_grad=True)"


def test_grad_fn_suffix_wraps_at_linewidth():
    # PyTorch moves a suffix to its own line when it would pass column 80.
    x = (rtorch.arange(8.0) / 3).requires_grad_()
    y = x * 2
    assert repr(y) == ("tensor([0.0000, 0.6667, 1.3333, 2.0000, 2.6667, 3.3333, 4.0000, 4.6667],\n"
                       "       grad_fn=<MulBackward0>)")


class _FakeDevice:
    type = "cuda"
    index = 0

    def __str__(self):
        return "cuda:0"


class _FakeCudaTensor:
    """Stands in for a CUDA tensor: reports a cuda device and must be copied to the host to be read."""

    def __init__(self, t):
        self._t = t
        self.device = _FakeDevice()
        self.dtype, self.shape, self.ndim = t.dtype, t.shape, t.ndim
        self.grad_fn, self.requires_grad = t.grad_fn, t.requires_grad

    def numel(self):
        return self._t.numel()

    def detach(self):
        return self

    def cpu(self):
        return self._t

    def numpy(self):
        raise AssertionError("device memory must not be read directly; format a .cpu() copy")


def test_device_suffix_formats_a_host_copy():
    # Expected string from PyTorch: repr(torch.tensor([-1., 1.], device="cuda")).
    t = _FakeCudaTensor(rtorch.tensor([-1.0, 1.0]))
    assert tensor_repr(t) == "tensor([-1.,  1.], device='cuda:0')"
    t = _FakeCudaTensor(rtorch.tensor([1, 2], dtype=rtorch.int32))
    assert tensor_repr(t) == "tensor([1, 2], device='cuda:0', dtype=torch.int32)"
    t = _FakeCudaTensor(rtorch.zeros(0, 2))
    assert tensor_repr(t) == "tensor([], device='cuda:0', size=(0, 2))"


# --- live parity with PyTorch over generated arrays -------------------------------------------------

_interesting_floats = st.one_of(
    st.floats(-10, 10, width=32),
    st.sampled_from([0.0, -0.0, 1.0, -1.0, 0.5, 1e-5, 123456.0, 1e9, -3e-7, 2.0**20,
                     math.inf, -math.inf, math.nan]),
    st.floats(allow_nan=False, allow_infinity=False, min_value=-1e12, max_value=1e12),
)


@st.composite
def _arrays(draw):
    kind = draw(st.sampled_from(["float16", "float32", "float64", "int64", "int32", "uint8", "bool"]))
    shape = draw(hnp.array_shapes(min_dims=0, max_dims=3, min_side=0, max_side=5))
    if kind.startswith("float"):  # draw float64 values, then round them to the tensor's dtype
        a = draw(hnp.arrays(np.float64, shape, elements=_interesting_floats))
        with np.errstate(over="ignore"):  # float16 overflows to inf, as torch.tensor(a) would
            return a.astype(kind)
    if kind == "bool":
        elements = st.booleans()
    else:
        info = np.iinfo(kind)
        elements = st.integers(int(info.min), int(info.max)) | st.integers(0, 20)
    return draw(hnp.arrays(np.dtype(kind), shape, elements=elements))


@needs_torch
@given(_arrays())
def test_repr_parity_with_pytorch(a):
    expected = repr(_torch.tensor(a))
    assert repr(rtorch.tensor(a)) == expected


@needs_torch
@given(st.integers(1001, 3000), st.sampled_from(["float32", "int64"]), st.integers(1, 3))
def test_repr_parity_summarised(n, dtype, ndim):
    a = _summarised(n, dtype, ndim)
    expected = repr(_torch.tensor(a))
    assert repr(rtorch.tensor(a)) == expected


def _summarised(n, dtype, ndim):
    a = (np.arange(n) * 0.37 - 100).astype(dtype)
    shape = {1: (n,), 2: (n // 10, 10), 3: (n // 100, 10, 10)}[ndim]
    return a[: math.prod(shape)].reshape(shape)


def _fixed_arrays():
    """Arrays for the recorded repr parity cases (seeded NumPy): every dtype, 0-d to 3-d, empty dims, and
    floats of every magnitude with -0.0, inf and NaN (the cases that switch PyTorch's formatter)."""
    r = np.random.default_rng(77)
    special = np.array([0.0, -0.0, 1.0, -1.0, 0.5, 1e-5, 123456.0, 1e9, -3e-7, 2.0**20, np.inf, -np.inf, np.nan])
    floats = [special, special[:6], special[[0, 2, 4]], r.uniform(-10, 10, (3, 4)), r.uniform(-1e12, 1e12, (2, 3)),
              r.uniform(0, 1, (2, 2, 3)) * 1e-6, np.round(r.uniform(-100, 100, 5)), np.array(3.25), np.zeros((0, 2)),
              np.array([1e-8, 1.0]), np.array([1e8, 1.0]), np.array([np.nan, 2.0]), np.array([np.inf, 1e-9])]
    out = []
    for kind in ("float16", "float32", "float64"):
        with np.errstate(over="ignore"):  # float16 overflows to inf, as torch.tensor(a) would
            out += [f.astype(kind) for f in floats]
    for kind in ("int64", "int32", "uint8"):
        info = np.iinfo(kind)
        out += [r.integers(info.min, info.max, (2, 3), dtype=kind, endpoint=True), r.integers(0, 20, 7).astype(kind),
                np.array(info.max, kind), np.zeros((2, 0, 3), kind)]
    return out + [r.integers(0, 2, (3, 2)).astype(bool), np.array(True), np.zeros(0, bool)]


@pytest.mark.parametrize("case", range(len(_fixed_arrays())))
def test_repr_fixed_cases_match_pytorch(case):
    a = _fixed_arrays()[case]
    assert repr(rtorch.tensor(a)) == torch_ref(lambda torch: repr(torch.tensor(a)))


@pytest.mark.parametrize("n,dtype,ndim", [(1001, "float32", 1), (2999, "int64", 2), (1500, "float32", 3),
                                          (3000, "int64", 1), (2048, "float32", 2)])
def test_repr_summarised_fixed_cases_match_pytorch(n, dtype, ndim):
    a = _summarised(n, dtype, ndim)
    assert repr(rtorch.tensor(a)) == torch_ref(lambda torch: repr(torch.tensor(a)))


def test_repr_like_pytorch():
    assert repr(rtorch.tensor([1.0, 2.5])) == "tensor([1.0000, 2.5000])"
    assert repr(rtorch.tensor([1, 2])) == "tensor([1, 2])"
    assert "dtype=torch.float64" in repr(rtorch.tensor([1.0], dtype=rtorch.float64))
    assert "requires_grad=True" in repr(rtorch.ones(2, requires_grad=True))
    assert "grad_fn=<MulBackward0>" in repr(rtorch.ones(2, requires_grad=True) * 2)


# ---- issue 16 item 11: format specs on 0-d tensors (f"{loss:.4f}"), as PyTorch's Tensor.__format__ ----

@pytest.mark.parametrize("value, spec, want", [
    (1.5, ".4f", "1.5000"), (1.5, "", "1.5"), (3, ">5", "    3"), (True, "", "True"), (0.125, ".1%", "12.5%"),
    (2.0, "e", "2.000000e+00"),
])
def test_format_of_0d_tensors(value, spec, want):
    t = rtorch.tensor(value)
    assert format(t, spec) == want
    assert f"{t:{spec}}" == want
    if _torch is not None:
        assert format(_torch.tensor(value), spec) == want


def test_format_of_other_tensors():
    t = rtorch.tensor([1.0, 2.0])
    assert format(t, "") == str(t) and f"{t}" == repr(t)
    with pytest.raises(TypeError, match="unsupported format string"):
        format(t, ".2f")
    loss = rtorch.tensor(0.25, requires_grad=True) * 2
    assert f"loss {loss:.3f}" == "loss 0.500"  # a tensor in the graph formats without a warning
    p = rtorch.nn.Parameter(rtorch.tensor(1.0))
    with pytest.raises(TypeError):  # PyTorch formats only exact Tensors by value
        format(p, ".2f")
