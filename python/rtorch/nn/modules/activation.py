"""Activation layers (ReLU, GELU, SiLU, Tanh, Sigmoid, Softmax, LogSoftmax, LeakyReLU, ELU, Softplus, ...)."""
from rtorch.nn import functional as F
from rtorch.nn.modules.module import Module

__all__ = [
    "ReLU", "ReLU6", "Hardtanh", "GELU", "SiLU", "Mish", "Tanh", "Sigmoid", "Softmax",
    "Softmin", "LogSoftmax", "LeakyReLU", "ELU", "Softplus", "Softsign",
]


class _InplaceActivation(Module):
    """Shared ``inplace`` flag and repr for the activations that accept it."""

    def __init__(self, inplace=False):
        super().__init__()
        self.inplace = inplace

    def extra_repr(self):
        return "inplace=True" if self.inplace else ""


class ReLU(_InplaceActivation):
    r"""Apply :math:`\max(0, x)` elementwise."""

    def forward(self, input):
        return F.relu(input, inplace=self.inplace)


class SiLU(_InplaceActivation):
    r"""Apply :math:`x \sigma(x)` elementwise."""

    def forward(self, input):
        return F.silu(input, inplace=self.inplace)


class Mish(_InplaceActivation):
    r"""Apply :math:`x \tanh(\mathrm{softplus}(x))` elementwise."""

    def forward(self, input):
        return F.mish(input, inplace=self.inplace)


class Hardtanh(Module):
    r"""Clamp elementwise to ``[min_val, max_val]``."""

    def __init__(self, min_val=-1.0, max_val=1.0, inplace=False):
        super().__init__()
        if max_val <= min_val:
            raise ValueError("max_val must be greater than min_val")
        self.min_val = min_val
        self.max_val = max_val
        self.inplace = inplace

    def forward(self, input):
        return F.hardtanh(input, self.min_val, self.max_val, self.inplace)

    def extra_repr(self):
        inplace_str = ", inplace=True" if self.inplace else ""
        return f"min_val={self.min_val}, max_val={self.max_val}{inplace_str}"


class ReLU6(Hardtanh):
    r"""Apply :math:`\min(\max(0, x), 6)` elementwise."""

    def __init__(self, inplace=False):
        super().__init__(0.0, 6.0, inplace)

    def extra_repr(self):
        return "inplace=True" if self.inplace else ""


class GELU(Module):
    r"""Gaussian Error Linear Unit; ``approximate='tanh'`` uses the tanh estimate."""

    def __init__(self, approximate="none"):
        super().__init__()
        self.approximate = approximate

    def forward(self, input):
        return F.gelu(input, approximate=self.approximate)

    def extra_repr(self):
        return f"approximate={self.approximate!r}"


class Tanh(Module):
    r"""Apply the hyperbolic tangent elementwise."""

    def forward(self, input):
        return input.tanh()


class Sigmoid(Module):
    r"""Apply the logistic sigmoid elementwise."""

    def forward(self, input):
        return input.sigmoid()


class Softsign(Module):
    r"""Apply :math:`x / (1 + |x|)` elementwise."""

    def forward(self, input):
        return F.softsign(input)


class _DimActivation(Module):
    """Shared ``dim`` argument of Softmax, Softmin and LogSoftmax."""

    _fn = None

    def __init__(self, dim=None):
        super().__init__()
        self.dim = dim

    def forward(self, input):
        return type(self)._fn(input, self.dim, _stacklevel=5)

    def extra_repr(self):
        return f"dim={self.dim}"


class Softmax(_DimActivation):
    r"""Apply softmax along ``dim`` so that slices sum to 1."""

    _fn = staticmethod(F.softmax)


class Softmin(_DimActivation):
    r"""Apply softmin (softmax of ``-x``) along ``dim``."""

    _fn = staticmethod(F.softmin)


class LogSoftmax(_DimActivation):
    r"""Apply :math:`\log(\mathrm{softmax}(x))` along ``dim``."""

    _fn = staticmethod(F.log_softmax)


class LeakyReLU(Module):
    r"""Apply :math:`\max(0,x) + \text{negative\_slope} \min(0,x)` elementwise."""

    def __init__(self, negative_slope=1e-2, inplace=False):
        super().__init__()
        self.negative_slope = negative_slope
        self.inplace = inplace

    def forward(self, input):
        return F.leaky_relu(input, self.negative_slope, self.inplace)

    def extra_repr(self):
        inplace_str = ", inplace=True" if self.inplace else ""
        return f"negative_slope={self.negative_slope}{inplace_str}"


class ELU(Module):
    r"""Apply :math:`x` for :math:`x > 0`, else :math:`\alpha (e^x - 1)`."""

    def __init__(self, alpha=1.0, inplace=False):
        super().__init__()
        self.alpha = alpha
        self.inplace = inplace

    def forward(self, input):
        return F.elu(input, self.alpha, self.inplace)

    def extra_repr(self):
        inplace_str = ", inplace=True" if self.inplace else ""
        return f"alpha={self.alpha}{inplace_str}"


class Softplus(Module):
    r"""Apply :math:`\frac{1}{\beta}\log(1 + e^{\beta x})`, reverting to linear above ``threshold``."""

    def __init__(self, beta=1.0, threshold=20.0):
        super().__init__()
        self.beta = beta
        self.threshold = threshold

    def forward(self, input):
        return F.softplus(input, self.beta, self.threshold)

    def extra_repr(self):
        return f"beta={self.beta}, threshold={self.threshold}"
