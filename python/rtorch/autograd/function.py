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
        """Saves tensors for :meth:`Function.backward`, which reads them back as ``ctx.saved_tensors``.

        Args:
            *tensors (Tensor): the tensors (inputs or outputs of ``forward``) to keep.
        """
        self.saved_tensors = tuple(tensors)

    def mark_non_differentiable(self, *tensors):
        """Marks outputs of ``forward`` as not differentiable (PyTorch's ``mark_non_differentiable``).

        The marked outputs do not require grad, and ``backward`` receives zeros for them (``None``
        after ``set_materialize_grads(False)``).

        Args:
            *tensors (Tensor): the output tensors to mark.
        """
        self.non_differentiable.update(id(t) for t in tensors)

    def mark_dirty(self, *tensors):
        """Marks inputs that ``forward`` modified in place; accepted for PyTorch compatibility and ignored.

        rtorch's ``apply`` always returns fresh output tensors, so no input's history is rewritten.
        """
        pass

    def set_materialize_grads(self, value):
        """Sets whether ``None`` output gradients reach :meth:`Function.backward` as zeros (the default) or as ``None``.

        Args:
            value (bool): ``True`` to materialize missing gradients as zero tensors.
        """
        self.materialize_grads = bool(value)


class Function:
    """Base class for custom autograd ops (same protocol as torch.autograd.Function)."""

    @staticmethod
    def forward(ctx, *args, **kwargs):
        """Computes the op's outputs from its inputs; subclasses must override it (as a staticmethod).

        Called by :meth:`apply` with gradient recording off. ``ctx`` is a :class:`FunctionCtx` for
        saving what :meth:`backward` needs.

        Args:
            ctx (FunctionCtx): the context object.
            *args: the arguments given to :meth:`apply`.
        """
        raise NotImplementedError("You must implement the forward function for custom autograd.Function.")

    @staticmethod
    def backward(ctx, *grad_outputs):
        """Computes the gradients of the inputs from those of the outputs; subclasses must override it (as a staticmethod).

        It receives one gradient per differentiable output and returns one value per argument of
        ``forward`` (``None`` for non-tensor arguments or inputs that need no gradient).

        Args:
            ctx (FunctionCtx): the context object ``forward`` filled.
            *grad_outputs (Tensor): the gradients with respect to the outputs.
        """
        raise NotImplementedError("You must implement the backward function for custom autograd.Function.")

    @classmethod
    def apply(cls, *args, **kwargs):
        """Runs the op: calls :meth:`forward` without recording and records one autograd node that calls :meth:`backward`.

        Floating-point and complex tensor outputs become differentiable when any tensor input requires grad.

        Example::

            >>> class Square(rtorch.autograd.Function):
            ...     @staticmethod
            ...     def forward(ctx, x):
            ...         ctx.save_for_backward(x)
            ...         return x * x
            ...     @staticmethod
            ...     def backward(ctx, grad):
            ...         (x,) = ctx.saved_tensors
            ...         return 2 * x * grad
            >>> x = rtorch.tensor([3.0], requires_grad=True)
            >>> Square.apply(x).backward()
            >>> x.grad
            tensor([6.])
        """
        from .. import Tensor, zeros_like

        ctx = FunctionCtx()
        tensor_args = [a for a in args if isinstance(a, Tensor)]
        ctx.needs_input_grad = tuple(isinstance(a, Tensor) and a.requires_grad for a in args)
        with _no_grad():
            out = cls.forward(ctx, *args, **kwargs)
        single = isinstance(out, Tensor)
        raw = (out,) if single else tuple(out)
        # Outputs are fresh handles so the new node does not rewrite an input's history; the ones
        # marked non-differentiable (matched by identity before that) stay out of the graph.
        marked = [isinstance(o, Tensor) and id(o) in ctx.non_differentiable for o in raw]
        outs = tuple(o.detach() if isinstance(o, Tensor) else o for o in raw)
        diff = [i for i, (o, m) in enumerate(zip(outs, marked))
                if isinstance(o, Tensor) and not m and (o.is_floating_point() or o.is_complex())]
        diff_outs = [outs[i] for i in diff]
        positions = [i for i, a in enumerate(args) if isinstance(a, Tensor)]

        def backward(ctx_, grads):
            # One gradient per output of forward, as PyTorch passes them: the recorded (differentiable)
            # outputs' gradients in their places; zeros (or None) for the other tensors, None for non-tensors.
            full = [None] * len(outs)
            for i, g in zip(diff, grads):
                full[i] = g
            if ctx_.materialize_grads:
                full = [zeros_like(o) if g is None and isinstance(o, Tensor) else g for g, o in zip(full, outs)]
            res = cls.backward(ctx_, *full)
            if not isinstance(res, tuple):
                res = (res,)
            if len(res) != len(args):
                raise RuntimeError(f"function {cls.__name__}Backward returned an incorrect number of gradients "
                                   f"(expected {len(args)}, got {len(res)})")
            # As PyTorch's engine does, a gradient of another floating dtype than its input is cast to the input's
            # dtype (e.g. a float32 backward for a bfloat16 input under autocast's custom_fwd).
            return tuple(g.to(args[i].dtype) if isinstance(g, Tensor) and g.dtype != args[i].dtype
                         and g.is_floating_point() and args[i].is_floating_point() else g
                         for g, i in ((res[i], i) for i in positions))

        if diff_outs:
            _C._record_function(f"{cls.__name__}Backward", ctx, backward, tensor_args, diff_outs)
        return outs[0] if single else outs


class _no_grad:
    def __enter__(self):
        self.prev = _C._set_grad_enabled(False)

    def __exit__(self, *exc):
        _C._set_grad_enabled(self.prev)


# --- surface (session 5): the legacy NestedIOFunction
def _iter_tensors(obj):
    from .. import Tensor
    if isinstance(obj, Tensor):
        yield obj
    elif isinstance(obj, (list, tuple)):
        for o in obj:
            yield from _iter_tensors(o)


def _iter_none_tensors(obj):
    from .. import Tensor
    if obj is None or isinstance(obj, Tensor):
        yield obj
    elif isinstance(obj, (list, tuple)):
        for o in obj:
            yield from _iter_none_tensors(o)


def _unflatten(flat, structure):
    """``structure`` (nested lists/tuples of tensors) with its tensors replaced, in order, by ``flat``'s."""
    from .. import Tensor
    it = iter(flat)

    def rebuild(s):
        if s is None or isinstance(s, Tensor):
            return next(it)
        if isinstance(s, (list, tuple)):
            return type(s)(rebuild(o) for o in s)
        return s

    return rebuild(structure)


class NestedIOFunction(Function):
    r"""A legacy custom function whose inputs and outputs may be nested lists or tuples of tensors.

    Kept for backward compatibility; use :class:`Function` for new code. Subclasses override
    :meth:`forward_extended` and :meth:`backward_extended` as instance methods and call the instance.

    (PyTorch 2.15 still has this class, but calling one of its instances there fails inside its
    ``_do_forward``; rtorch's runs the documented protocol.)

    Example::

        >>> class MulAdd(rtorch.autograd.function.NestedIOFunction):
        ...     def forward_extended(self, a, b):
        ...         self.save_for_backward(a, b)
        ...         return a * b, (a + b,)
        ...     def backward_extended(self, g_mul, g_add):
        ...         a, b = self.saved_tensors
        ...         return g_mul * b + g_add[0], g_mul * a + g_add[0]
        >>> a = rtorch.ones(2, requires_grad=True)
        >>> prod, (total,) = MulAdd()(a, rtorch.full((2,), 3.0))
    """

    def __call__(self, *input):
        outer = self
        self._nested_input = input
        flat_input = tuple(_iter_tensors(input))

        class _Flat(Function):
            @staticmethod
            def forward(ctx, *flat):
                result = outer.forward_extended(*_unflatten(flat, outer._nested_input))
                outer._nested_output = result
                flat_out = tuple(_iter_tensors(result))
                marked = getattr(outer, "non_differentiable", ())
                ctx.mark_non_differentiable(*[o for o in flat_out if any(o is m for m in marked)])
                return flat_out

            @staticmethod
            def backward(ctx, *grads):
                nested = _unflatten(grads, outer._nested_output)
                return tuple(_iter_none_tensors(outer.backward_extended(*nested)))

        _Flat.__name__ = type(self).__name__
        flat_output = _Flat.apply(*flat_input)
        del self._nested_input
        return _unflatten(flat_output, self._nested_output)

    def save_for_backward(self, *args):
        """Saves (possibly nested) tensors for :meth:`backward_extended`, read back as :attr:`saved_tensors`.

        Args:
            *args: tensors or nested lists/tuples of tensors.
        """
        self.to_save = tuple(_iter_tensors(args))
        self._to_save_nested = args

    @property
    def saved_tensors(self):
        """What :meth:`save_for_backward` saved, in its nesting."""
        return _unflatten(self.to_save, self._to_save_nested)

    def mark_dirty(self, *args, **kwargs):
        """Marks (nested) inputs modified in place by :meth:`forward_extended`.

        Args:
            *args, **kwargs: the tensors.
        """
        self.dirty_tensors = tuple(_iter_tensors((args, tuple(kwargs.values()))))

    def mark_non_differentiable(self, *args, **kwargs):
        """Marks (nested) outputs of :meth:`forward_extended` as not differentiable.

        Args:
            *args, **kwargs: the output tensors.
        """
        self.non_differentiable = tuple(_iter_tensors((args, tuple(kwargs.values()))))

    def forward_extended(self, *input):
        """User-defined forward: takes the (nested) inputs, returns the (nested) outputs."""
        raise NotImplementedError

    def backward_extended(self, *grad_output):
        """User-defined backward: takes the outputs' gradients in their nesting, returns the inputs' gradients."""
        raise NotImplementedError
# --- end surface
