"""rtorch.optim: optimizers (SGD, Adam, AdamW, RMSprop, Adagrad, Adadelta, LBFGS, Adamax, NAdam, RAdam, ASGD,
Rprop, SparseAdam, Adafactor, Muon), learning-rate schedulers and stochastic weight averaging."""
from rtorch.optim.optimizer import Optimizer
from rtorch.optim.sgd import SGD
from rtorch.optim.adam import Adam, AdamW
from rtorch.optim.rmsprop import RMSprop
from rtorch.optim.adagrad import Adagrad
from rtorch.optim.adadelta import Adadelta
from rtorch.optim.lbfgs import LBFGS
from rtorch.optim import lr_scheduler
# issue 17: the rest of torch.optim
from rtorch.optim.adamax import Adamax
from rtorch.optim.nadam import NAdam
from rtorch.optim.radam import RAdam
from rtorch.optim.asgd import ASGD
from rtorch.optim.rprop import Rprop
from rtorch.optim.sparse_adam import SparseAdam
from rtorch.optim.adafactor import Adafactor
from rtorch.optim.muon import Muon
from rtorch.optim import swa_utils
from rtorch.optim import functional
from rtorch.optim._stateless import swap_in_optimizer_params_and_state

__all__ = ["Optimizer", "SGD", "Adam", "AdamW", "RMSprop", "Adagrad", "Adadelta", "LBFGS", "lr_scheduler",
           "Adamax", "NAdam", "RAdam", "ASGD", "Rprop", "SparseAdam", "Adafactor", "Muon", "swa_utils", "functional",
           "swap_in_optimizer_params_and_state"]
