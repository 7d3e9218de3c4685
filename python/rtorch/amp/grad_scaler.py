"""``torch.amp.GradScaler``: loss scaling for float16 training. Gradients of a scaled loss are unscaled in place
before the optimizer steps; a step whose gradients hold inf/NaN is skipped and the scale backs off, and after
``growth_interval`` clean steps it grows (PyTorch's update rule)."""
from __future__ import annotations

import enum
import warnings
from collections import abc, defaultdict

import rtorch

__all__ = ["GradScaler", "OptState"]


class OptState(enum.Enum):
    """Where an optimizer is in the current iteration."""
    READY = 0
    UNSCALED = 1
    STEPPED = 2


def _fresh_state():
    return {"stage": OptState.READY, "found_inf_per_device": {}}


class GradScaler:
    """Scale the loss, unscale gradients, skip steps with non-finite gradients and adapt the scale
    (``torch.amp.GradScaler``).

    Args:
        device (str): the device of the gradients (``"cuda"`` by default, as in PyTorch; ``"cpu"`` works too).
        init_scale (float): the first scale.
        growth_factor (float): multiplies the scale after ``growth_interval`` consecutive clean steps (> 1).
        backoff_factor (float): multiplies the scale after a step with inf/NaN gradients (< 1).
        growth_interval (int): clean steps between growths.
        enabled (bool): False makes every method a pass-through (``scale`` returns its input, ``step`` steps).

    Example::

        >>> model = rtorch.nn.Linear(2, 1)
        >>> opt = rtorch.optim.SGD(model.parameters(), lr=0.1)
        >>> scaler = rtorch.amp.GradScaler("cpu")
        >>> loss = model(rtorch.ones(1, 2)).sum()
        >>> scaler.scale(loss).backward()
        >>> scaler.step(opt)
        >>> scaler.update()
    """

    def __init__(self, device="cuda", init_scale=2.0 ** 16, growth_factor=2.0, backoff_factor=0.5,
                 growth_interval=2000, enabled=True):
        self._device = device
        self._enabled = enabled
        if device == "cuda" and enabled and not rtorch.cuda.is_available():
            warnings.warn("torch.cuda.amp.GradScaler is enabled, but CUDA is not available.  Disabling.")
            self._enabled = False
        if self._enabled:
            if not growth_factor > 1.0:
                raise AssertionError("The growth factor must be > 1.0.")
            if not backoff_factor < 1.0:
                raise AssertionError("The backoff factor must be < 1.0.")
        self._init_scale = float(init_scale)
        self._scale = None
        self._growth_factor = float(growth_factor)
        self._backoff_factor = float(backoff_factor)
        self._growth_interval = int(growth_interval)
        self._init_growth_tracker = 0
        self._growth_tracker = None
        self._per_optimizer_states = defaultdict(_fresh_state)

    def _lazy_init(self, device):
        if self._scale is None:
            self._scale = rtorch.full((), self._init_scale, dtype=rtorch.float32, device=device)
            self._growth_tracker = rtorch.full((), self._init_growth_tracker, dtype=rtorch.int32, device=device)

    def _check(self, fn):
        if self._scale is None:
            raise AssertionError(f"Attempted {fn} but _scale is None.  This may indicate your script did not use "
                                 "scaler.scale(loss or outputs) earlier in the iteration.")
        return self._scale, self._growth_tracker

    def scale(self, outputs):
        """``outputs`` (a tensor or nested iterables of tensors) multiplied by the current scale.

        Example::

            >>> rtorch.amp.GradScaler("cpu", init_scale=4.0).scale(rtorch.tensor(1.5))
            tensor(6.)
        """
        if not self._enabled:
            return outputs
        if isinstance(outputs, rtorch.Tensor):
            self._lazy_init(outputs.device)
            return outputs * self._scale.to(outputs.device)

        def apply(v):
            if isinstance(v, rtorch.Tensor):
                self._lazy_init(v.device)
                return v * self._scale.to(v.device)
            if isinstance(v, abc.Iterable):
                it = map(apply, v)
                return type(v)(it) if isinstance(v, (list, tuple)) else it
            raise ValueError("outputs must be a Tensor or an iterable of Tensors")

        return apply(outputs)

    def _unscale_grads_(self, optimizer, inv_scale, found_inf, allow_fp16):
        for group in optimizer.param_groups:
            for p in group["params"]:
                g = p.grad
                if g is None:
                    continue
                if not allow_fp16 and g.dtype == rtorch.float16:
                    raise ValueError("Attempting to unscale FP16 gradients.")
                with rtorch.no_grad():
                    g.mul_(inv_scale.to(g.dtype) if g.dtype != inv_scale.dtype else inv_scale)
                    if not bool(rtorch.isfinite(g).all()):
                        found_inf.fill_(1.0)
        return {str(self._scale.device): found_inf}

    def unscale_(self, optimizer):
        """Divide ``optimizer``'s gradients by the scale in place (e.g. before gradient clipping); at most once per
        optimizer between ``update`` calls.

        Example::

            >>> scaler = rtorch.amp.GradScaler("cpu")
        """
        if not self._enabled:
            return
        self._check("unscale_")
        state = self._per_optimizer_states[id(optimizer)]
        if state["stage"] is OptState.UNSCALED:
            raise RuntimeError("unscale_() has already been called on this optimizer since the last update().")
        if state["stage"] is OptState.STEPPED:
            raise RuntimeError("unscale_() is being called after step().")
        inv_scale = (1.0 / self._scale.double()).float()
        found_inf = rtorch.zeros((1,), dtype=rtorch.float32, device=self._scale.device)
        state["found_inf_per_device"] = self._unscale_grads_(optimizer, inv_scale, found_inf, False)
        state["stage"] = OptState.UNSCALED

    def step(self, optimizer, *args, **kwargs):
        """Unscale the gradients (unless ``unscale_`` did) and call ``optimizer.step(*args, **kwargs)`` unless they
        hold inf/NaN; returns what ``step`` returned (None when skipped).

        Example::

            >>> scaler = rtorch.amp.GradScaler("cpu")
        """
        if not self._enabled:
            return optimizer.step(*args, **kwargs)
        if "closure" in kwargs:
            raise RuntimeError("Closure use is not currently supported if GradScaler is enabled.")
        self._check("step")
        state = self._per_optimizer_states[id(optimizer)]
        if state["stage"] is OptState.STEPPED:
            raise RuntimeError("step() has already been called since the last update().")
        if state["stage"] is OptState.READY:
            self.unscale_(optimizer)
        if len(state["found_inf_per_device"]) == 0:
            raise AssertionError("No inf checks were recorded for this optimizer.")
        retval = None
        if not sum(v.item() for v in state["found_inf_per_device"].values()):
            retval = optimizer.step(*args, **kwargs)
        state["stage"] = OptState.STEPPED
        return retval

    def update(self, new_scale=None):
        """End the iteration: back off after a skipped step, grow after ``growth_interval`` clean ones, or set
        ``new_scale`` (a float or a one-element tensor).

        Example::

            >>> scaler = rtorch.amp.GradScaler("cpu")
        """
        if not self._enabled:
            return
        scale, tracker = self._check("update")
        if new_scale is not None:
            if isinstance(new_scale, float):
                scale.fill_(new_scale)
            else:
                reason = ("new_scale should be a float or a 1-element torch.cuda.FloatTensor or torch.FloatTensor "
                          "with requires_grad=False.")
                if (not isinstance(new_scale, rtorch.Tensor) or new_scale.device.type != scale.device.type
                        or new_scale.numel() != 1 or new_scale.requires_grad):
                    raise AssertionError(reason)
                scale.copy_(new_scale.reshape(()))
        else:
            found = [f for s in self._per_optimizer_states.values() for f in s["found_inf_per_device"].values()]
            if not found:
                raise AssertionError("No inf checks were recorded prior to update.")
            if sum(f.item() for f in found) > 0:
                scale.mul_(self._backoff_factor)
                tracker.fill_(0)
            else:
                clean = int(tracker.item()) + 1
                if clean == self._growth_interval:
                    grown = scale * self._growth_factor
                    if bool(rtorch.isfinite(grown)):
                        scale.copy_(grown)
                    tracker.fill_(0)
                else:
                    tracker.fill_(clean)
        self._per_optimizer_states = defaultdict(_fresh_state)

    def get_scale(self):
        """The current scale as a Python float (``init_scale`` before the first ``scale``; 1.0 when disabled).

        Example::

            >>> rtorch.amp.GradScaler("cpu").get_scale()
            65536.0
        """
        if not self._enabled:
            return 1.0
        return self._init_scale if self._scale is None else float(self._scale.item())

    def get_growth_factor(self):
        """The growth factor.

        Example::

            >>> rtorch.amp.GradScaler("cpu").get_growth_factor()
            2.0
        """
        return self._growth_factor

    def set_growth_factor(self, new_factor):
        """Set the growth factor.

        Example::

            >>> rtorch.amp.GradScaler("cpu").set_growth_factor(3.0)
        """
        self._growth_factor = new_factor

    def get_backoff_factor(self):
        """The backoff factor.

        Example::

            >>> rtorch.amp.GradScaler("cpu").get_backoff_factor()
            0.5
        """
        return self._backoff_factor

    def set_backoff_factor(self, new_factor):
        """Set the backoff factor.

        Example::

            >>> rtorch.amp.GradScaler("cpu").set_backoff_factor(0.25)
        """
        self._backoff_factor = new_factor

    def get_growth_interval(self):
        """The number of clean steps between growths.

        Example::

            >>> rtorch.amp.GradScaler("cpu").get_growth_interval()
            2000
        """
        return self._growth_interval

    def set_growth_interval(self, new_interval):
        """Set the number of clean steps between growths.

        Example::

            >>> rtorch.amp.GradScaler("cpu").set_growth_interval(100)
        """
        self._growth_interval = new_interval

    def is_enabled(self):
        """Whether the scaler is enabled.

        Example::

            >>> rtorch.amp.GradScaler("cpu").is_enabled()
            True
        """
        return self._enabled

    def _get_growth_tracker(self):
        if not self._enabled:
            return 0
        return self._init_growth_tracker if self._growth_tracker is None else int(self._growth_tracker.item())

    def state_dict(self):
        """The scaler's state (``scale``, factors, interval, ``_growth_tracker``); empty when disabled.

        Example::

            >>> sorted(rtorch.amp.GradScaler("cpu").state_dict())
            ['_growth_tracker', 'backoff_factor', 'growth_factor', 'growth_interval', 'scale']
        """
        if not self._enabled:
            return {}
        return {"scale": self.get_scale(), "growth_factor": self._growth_factor,
                "backoff_factor": self._backoff_factor, "growth_interval": self._growth_interval,
                "_growth_tracker": self._get_growth_tracker()}

    def load_state_dict(self, state_dict):
        """Restore what ``state_dict`` returned.

        Example::

            >>> s = rtorch.amp.GradScaler("cpu")
            >>> s.load_state_dict(s.state_dict())
        """
        if not self._enabled:
            return
        if len(state_dict) == 0:
            raise RuntimeError("The source state dict is empty, possibly because it was saved from a disabled "
                               "instance of GradScaler.")
        self._init_scale = float(state_dict["scale"])
        if self._scale is not None:
            self._scale.fill_(state_dict["scale"])
        self._growth_factor = float(state_dict["growth_factor"])
        self._backoff_factor = float(state_dict["backoff_factor"])
        self._growth_interval = int(state_dict["growth_interval"])
        self._init_growth_tracker = int(state_dict["_growth_tracker"])
        if self._growth_tracker is not None:
            self._growth_tracker.fill_(state_dict["_growth_tracker"])

    def __getstate__(self):
        state = self.__dict__.copy()
        if self._enabled:
            state["_init_scale"] = self.get_scale()
            state["_init_growth_tracker"] = self._get_growth_tracker()
            state["_scale"] = None
            state["_growth_tracker"] = None
        state["_per_optimizer_states"] = None
        return state

    def __setstate__(self, state):
        self.__dict__.update(state)
        self._per_optimizer_states = defaultdict(_fresh_state)
