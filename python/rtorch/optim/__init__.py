"""rtorch.optim: optimizers (SGD, Adam, AdamW) and learning-rate schedulers."""
from rtorch.optim.optimizer import Optimizer
from rtorch.optim.sgd import SGD
from rtorch.optim.adam import Adam, AdamW
from rtorch.optim import lr_scheduler

__all__ = ["Optimizer", "SGD", "Adam", "AdamW", "lr_scheduler"]
