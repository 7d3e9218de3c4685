"""User-defined differentiable ops: subclass Function, write forward/backward, call .apply."""
from .. import _rtorch as _C


class FunctionCtx:
    """The `ctx` passed to forward and backward."""

    def __init__(self):
        self.saved_tensors = ()
        self.needs_input_grad = ()
        self.non_differentiable = set()
        self.materialize_grads = True

    def save_for_backward(self, *tensors):
        self.saved_tensors = tuple(tensors)

    def mark_non_differentiable(self, *tensors):
        self.non_differentiable.update(id(t) for t in tensors)

    def mark_dirty(self, *tensors):
        pass

    def set_materialize_grads(self, value):
        self.materialize_grads = bool(value)


class Function:
    """Base class for custom autograd ops (same protocol as torch.autograd.Function)."""

    @staticmethod
    def forward(ctx, *args, **kwargs):
        raise NotImplementedError("You must implement the forward function for custom autograd.Function.")

    @staticmethod
    def backward(ctx, *grad_outputs):
        raise NotImplementedError("You must implement the backward function for custom autograd.Function.")

    @classmethod
    def apply(cls, *args, **kwargs):
        from .. import Tensor, zeros_like

        ctx = FunctionCtx()
        tensor_args = [a for a in args if isinstance(a, Tensor)]
        ctx.needs_input_grad = tuple(isinstance(a, Tensor) and a.requires_grad for a in args)
        with _no_grad():
            out = cls.forward(ctx, *args, **kwargs)
        single = isinstance(out, Tensor)
        outs = (out,) if single else tuple(out)
        # Outputs are fresh handles so the new node does not rewrite an input's history.
        outs = tuple(o.detach() if isinstance(o, Tensor) else o for o in outs)
        diff_outs = [o for o in outs if isinstance(o, Tensor) and id(o) not in ctx.non_differentiable
                     and o.is_floating_point()]
        positions = [i for i, a in enumerate(args) if isinstance(a, Tensor)]

        def backward(ctx_, grads):
            if ctx_.materialize_grads:
                grads = tuple(g if g is not None else zeros_like(o) for g, o in zip(grads, diff_outs))
            res = cls.backward(ctx_, *grads)
            if not isinstance(res, tuple):
                res = (res,)
            if len(res) != len(args):
                raise RuntimeError(f"function {cls.__name__}Backward returned an incorrect number of gradients "
                                   f"(expected {len(args)}, got {len(res)})")
            return tuple(res[i] for i in positions)

        if diff_outs:
            _C._record_function(f"{cls.__name__}Backward", ctx, backward, tensor_args, diff_outs)
        return outs[0] if single else outs


class _no_grad:
    def __enter__(self):
        self.prev = _C._set_grad_enabled(False)

    def __exit__(self, *exc):
        _C._set_grad_enabled(self.prev)
