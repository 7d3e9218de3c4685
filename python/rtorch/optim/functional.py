"""rtorch.optim.functional: the optimizers' updates on lists of tensors (PyTorch's functional optimizer API)."""
from rtorch.optim._functional import sparse_adam
from rtorch.optim.adadelta import adadelta
from rtorch.optim.adafactor import adafactor
from rtorch.optim.adagrad import adagrad
from rtorch.optim.adam import adam, adamw
from rtorch.optim.adamax import adamax
from rtorch.optim.asgd import asgd
from rtorch.optim.muon import muon
from rtorch.optim.nadam import nadam
from rtorch.optim.radam import radam
from rtorch.optim.rmsprop import rmsprop
from rtorch.optim.rprop import rprop
from rtorch.optim.sgd import sgd

__all__ = ["adadelta", "adafactor", "adagrad", "adam", "adamax", "adamw", "asgd", "muon", "nadam", "radam", "rmsprop",
           "rprop", "sgd", "sparse_adam"]
