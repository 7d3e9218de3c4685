"""rtorch.nn: neural-network building blocks (Module, Parameter, layers, losses, init, functional)."""
from rtorch.nn.parameter import Parameter, UninitializedBuffer, UninitializedParameter
from rtorch.nn import functional, init
from rtorch.nn.modules import *  # noqa: F401,F403
from rtorch.nn.modules import __all__ as _modules_all
from rtorch.nn import utils
from rtorch.nn import parallel  # also makes rtorch.distributed importable as an attribute
from rtorch.nn.parallel import DataParallel

__all__ = ["Parameter", "UninitializedParameter", "UninitializedBuffer", "functional", "init", "utils", "parallel", "DataParallel"] + list(_modules_all)
