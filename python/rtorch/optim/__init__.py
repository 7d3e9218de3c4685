"""rtorch.optim: optimizers (SGD, Adam, AdamW, RMSprop, Adagrad, Adadelta, LBFGS) and learning-rate schedulers."""
from rtorch.optim.optimizer import Optimizer
from rtorch.optim.sgd import SGD
from rtorch.optim.adam import Adam, AdamW
from rtorch.optim.rmsprop import RMSprop
from rtorch.optim.adagrad import Adagrad
from rtorch.optim.adadelta import Adadelta
from rtorch.optim.lbfgs import LBFGS
from rtorch.optim import lr_scheduler

__all__ = ["Optimizer", "SGD", "Adam", "AdamW", "RMSprop", "Adagrad", "Adadelta", "LBFGS", "lr_scheduler"]
