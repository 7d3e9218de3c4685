"""Stochastic weight averaging and EMA of models, as torch.optim.swa_utils: AveragedModel, SWALR, update_bn and
the averaging functions."""
import itertools
import math
from copy import deepcopy

import rtorch
from rtorch.nn import Module
from rtorch.nn.modules.batchnorm import _BatchNorm
from rtorch.optim.lr_scheduler import LRScheduler, _format_param

__all__ = ["AveragedModel", "update_bn", "SWALR", "get_ema_multi_avg_fn", "get_swa_multi_avg_fn", "get_ema_avg_fn",
           "get_swa_avg_fn"]


def _check_decay(decay):
    if decay < 0.0 or decay > 1.0:
        raise ValueError(f"Invalid decay value {decay} provided. Please provide a value in [0,1] range.")


def get_ema_multi_avg_fn(decay=0.999):
    r"""An in-place exponential moving average over lists of tensors, for ``AveragedModel(multi_avg_fn=)``:
    :math:`\bar\theta \leftarrow \mathrm{lerp}(\bar\theta, \theta, 1 - \text{decay})`.

    Args:
        decay (float): the weight of the average, in [0, 1]. Default: 0.999

    Example:
        >>> ema = AveragedModel(model, multi_avg_fn=get_ema_multi_avg_fn(0.99))  # doctest: +SKIP
    """
    _check_decay(decay)

    def ema_update(ema_param_list, current_param_list, _):
        with rtorch.no_grad():
            for p_ema, p_model in zip(ema_param_list, current_param_list):
                if p_ema.dtype.is_floating_point or p_ema.dtype.is_complex:
                    p_ema.lerp_(p_model, 1 - decay)
                else:
                    p_ema.copy_(p_ema * decay + p_model * (1 - decay))
    return ema_update


def get_swa_multi_avg_fn():
    r"""An in-place running mean over lists of tensors, for ``AveragedModel(multi_avg_fn=)``:
    :math:`\bar\theta \leftarrow \bar\theta + (\theta - \bar\theta)/(n + 1)` after :math:`n` averages.

    Example:
        >>> swa = AveragedModel(model, multi_avg_fn=get_swa_multi_avg_fn())  # doctest: +SKIP
    """
    def swa_update(averaged_param_list, current_param_list, num_averaged):
        with rtorch.no_grad():
            n = num_averaged.item() if isinstance(num_averaged, rtorch.Tensor) else num_averaged
            for p_avg, p_model in zip(averaged_param_list, current_param_list):
                if p_avg.dtype.is_floating_point or p_avg.dtype.is_complex:
                    p_avg.lerp_(p_model, 1 / (n + 1))
                elif isinstance(num_averaged, rtorch.Tensor):
                    p_avg.addcdiv_(p_model - p_avg, num_averaged + 1)
                else:
                    p_avg.add_(p_model - p_avg, alpha=1.0 / (n + 1))
    return swa_update


def get_ema_avg_fn(decay=0.999):
    r"""The exponential moving average of one tensor, for ``AveragedModel(avg_fn=)``:
    returns ``decay * ema_param + (1 - decay) * current_param``.

    Args:
        decay (float): the weight of the average, in [0, 1]. Default: 0.999

    Example:
        >>> get_ema_avg_fn(0.5)(rtorch.tensor([0.0]), rtorch.tensor([2.0]), 1)
        tensor([1.])
    """
    _check_decay(decay)

    def ema_update(ema_param, current_param, num_averaged):
        with rtorch.no_grad():
            return decay * ema_param + (1 - decay) * current_param
    return ema_update


def get_swa_avg_fn():
    r"""The running mean of one tensor, for ``AveragedModel(avg_fn=)``: returns
    ``averaged_param + (current_param - averaged_param) / (num_averaged + 1)``.

    Example:
        >>> get_swa_avg_fn()(rtorch.tensor([1.0]), rtorch.tensor([4.0]), 2)
        tensor([2.])
    """
    def swa_update(averaged_param, current_param, num_averaged):
        with rtorch.no_grad():
            return averaged_param + (current_param - averaged_param) / (num_averaged + 1)
    return swa_update


class AveragedModel(Module):
    r"""A copy of ``model`` whose parameters are the running average of ``model``'s (SWA) or any average
    ``avg_fn`` / ``multi_avg_fn`` defines (e.g. EMA), as in ``torch.optim.swa_utils.AveragedModel``.

    :meth:`update_parameters` folds the model's current parameters in (the first call copies them);
    ``n_averaged`` (an int64 buffer) counts the calls. Without ``use_buffers`` the buffers (batch-norm
    statistics) are copied from the model, not averaged; recompute them with :func:`update_bn`.

    Args:
        model (Module): the model to average (deep-copied)
        device (device, optional): where to keep the copy
        avg_fn (callable, optional): ``avg_fn(averaged, current, n_averaged) -> new averaged`` per tensor
        multi_avg_fn (callable, optional): the same over lists of tensors, in place
        use_buffers (bool): average the buffers too (and the parameters of ``self.module``). Default: ``False``

    Example:
        >>> model = rtorch.nn.Linear(2, 1)
        >>> swa = AveragedModel(model)
        >>> swa.update_parameters(model); int(swa.n_averaged)
        1
    """

    def __init__(self, model, device=None, avg_fn=None, multi_avg_fn=None, use_buffers=False):
        super().__init__()
        if avg_fn is not None and multi_avg_fn is not None:
            raise AssertionError("Only one of avg_fn and multi_avg_fn should be provided")
        self.module = deepcopy(model)
        if device is not None:
            self.module = self.module.to(device)
        self.register_buffer("n_averaged", rtorch.tensor(0, dtype=rtorch.long, device=device))
        self.avg_fn = avg_fn
        self.multi_avg_fn = multi_avg_fn
        self.use_buffers = use_buffers

    def forward(self, *args, **kwargs):
        """Run the averaged copy of the model."""
        return self.module(*args, **kwargs)

    def update_parameters(self, model):
        r"""Fold ``model``'s current parameters (and buffers with ``use_buffers``) into the average."""
        with rtorch.no_grad():
            self_params = (itertools.chain(self.module.parameters(), self.module.buffers()) if self.use_buffers
                           else self.parameters())
            model_params = (itertools.chain(model.parameters(), model.buffers()) if self.use_buffers
                            else model.parameters())
            averaged, current = [], []
            first = int(self.n_averaged) == 0
            for p_avg, p_model in zip(self_params, model_params):
                p_model_ = p_model.detach().to(p_avg.device)
                averaged.append(p_avg.detach())
                current.append(p_model_)
                if first:
                    p_avg.detach().copy_(p_model_)
            if not first:
                if self.multi_avg_fn is not None:
                    self.multi_avg_fn(averaged, current, self.n_averaged)
                elif self.avg_fn is None and all(p.device.type == "cuda" for p in averaged):
                    get_swa_multi_avg_fn()(averaged, current, self.n_averaged)
                else:
                    # PyTorch's default on the CPU (no foreach kernels) is the per-tensor running mean.
                    avg_fn = self.avg_fn or get_swa_avg_fn()
                    for p_avg, p_model in zip(averaged, current):
                        p_avg.copy_(avg_fn(p_avg, p_model, self.n_averaged.to(p_avg.device)))
            if not self.use_buffers:
                for b_swa, b_model in zip(self.module.buffers(), model.buffers()):
                    b_swa.detach().copy_(b_model.detach().to(b_swa.device))
            self.n_averaged += 1


def update_bn(loader, model, device=None):
    r"""Recompute the running statistics of every batch-norm layer of ``model`` with one pass over ``loader``
    (a cumulative average: momentum ``None`` during the pass), as after SWA.

    Args:
        loader (iterable): batches; a list or tuple batch contributes its first element
        model (Module): the model whose batch-norm statistics are recomputed
        device (device, optional): where each batch is moved before the forward pass

    Example:
        >>> update_bn(train_loader, swa_model)  # doctest: +SKIP
    """
    with rtorch.no_grad():
        momenta = {}
        for module in model.modules():
            if isinstance(module, _BatchNorm):
                module.reset_running_stats()
                momenta[module] = module.momentum
        if not momenta:
            return
        was_training = model.training
        model.train()
        for module in momenta:
            module.momentum = None
        for batch in loader:
            if isinstance(batch, (list, tuple)):
                batch = batch[0]
            if device is not None:
                batch = batch.to(device)
            model(batch)
        for module, momentum in momenta.items():
            module.momentum = momentum
        model.train(was_training)


class SWALR(LRScheduler):
    r"""Anneal each group's lr to a constant ``swa_lr`` over ``anneal_epochs`` epochs and hold it, as in
    ``torch.optim.swa_utils.SWALR``.

    .. math::
        \eta_t = \alpha_t\,\eta_{swa} + (1 - \alpha_t)\,\eta_0,\quad
        \alpha_t = a(\min(1, t / \text{anneal\_epochs})),\quad
        a(u) = u \text{ (linear) or } (1 - \cos\pi u)/2 \text{ (cos)}

    Args:
        optimizer (Optimizer): the wrapped optimizer
        swa_lr (float or list): the target lr, one per group if a list
        anneal_epochs (int): epochs of the annealing (``>= 0``). Default: 10
        anneal_strategy (str): ``'cos'`` or ``'linear'``. Default: ``'cos'``
        last_epoch (int): the index of the last epoch. Default: -1

    Example:
        >>> opt = rtorch.optim.SGD([rtorch.nn.Parameter(rtorch.zeros(1))], lr=1.0)
        >>> sched = SWALR(opt, swa_lr=0.5, anneal_epochs=2, anneal_strategy="linear")
        >>> for _ in range(3):
        ...     opt.step(); sched.step()
        >>> opt.param_groups[0]["lr"]
        0.5
    """

    def __init__(self, optimizer, swa_lr, anneal_epochs=10, anneal_strategy="cos", last_epoch=-1):
        swa_lrs = _format_param("swa_lr", optimizer, swa_lr)
        for lr, group in zip(swa_lrs, optimizer.param_groups):
            group["swa_lr"] = lr
        if anneal_strategy not in ("cos", "linear"):
            raise ValueError(f"anneal_strategy must be one of 'cos' or 'linear', instead got {anneal_strategy}")
        self._set_anneal_func(anneal_strategy)
        if not isinstance(anneal_epochs, int) or anneal_epochs < 0:
            raise ValueError(f"anneal_epochs must be equal or greater than 0, got {anneal_epochs}")
        self.anneal_epochs = anneal_epochs
        super().__init__(optimizer, last_epoch)

    @staticmethod
    def _linear_anneal(t):
        return t

    @staticmethod
    def _cosine_anneal(t):
        return (1 - math.cos(math.pi * t)) / 2

    @staticmethod
    def _get_initial_lr(lr, swa_lr, alpha):
        if alpha == 1:
            return swa_lr
        return (lr - alpha * swa_lr) / (1 - alpha)

    def get_lr(self):
        """Returns each group's learning rate for the current epoch (the chainable form :meth:`step` uses)."""
        step = self._step_count - 1
        if self.anneal_epochs == 0:
            step = max(1, step)
        # The lr before annealing is recovered from the current one, so other changes to it are kept.
        prev_alpha = self.anneal_func(max(0, min(1, (step - 1) / max(1, self.anneal_epochs))))
        prev_lrs = [self._get_initial_lr(group["lr"], group["swa_lr"], prev_alpha)
                    for group in self.optimizer.param_groups]
        alpha = self.anneal_func(max(0, min(1, step / max(1, self.anneal_epochs))))
        return [group["swa_lr"] * alpha + lr * (1 - alpha) for group, lr in zip(self.optimizer.param_groups, prev_lrs)]

    def _set_anneal_func(self, anneal_strategy):
        self._anneal_strategy = anneal_strategy
        self.anneal_func = self._cosine_anneal if anneal_strategy == "cos" else self._linear_anneal

    def state_dict(self):
        r"""Return the scheduler state (without the optimizer and the annealing function)."""
        return {k: v for k, v in self.__dict__.items() if k not in ("optimizer", "anneal_func")}

    def load_state_dict(self, state_dict):
        r"""Load a state from :meth:`state_dict`."""
        self.__dict__.update(state_dict)
        self._set_anneal_func(self._anneal_strategy)
