"""rtorch.utils.checkpoint: activation checkpointing (checkpoint, checkpoint_sequential), as torch.utils.checkpoint."""
import warnings

import rtorch
from rtorch.autograd.function import Function as _Function

__all__ = ["checkpoint", "checkpoint_sequential", "CheckpointFunction", "CheckpointError", "detach_variable",
           "check_backward_validity", "noop_context_fn"]


class CheckpointError(RuntimeError):
    """Raised when a checkpointed region recomputes differently from its first run."""


def noop_context_fn():
    """The default ``context_fn``: two empty context managers (forward, recomputation)."""
    import contextlib
    return contextlib.nullcontext(), contextlib.nullcontext()


def detach_variable(inputs):
    r"""Returns ``inputs`` detached, each keeping its ``requires_grad`` (the leaves the recomputation starts from).

    Args:
        inputs (tuple): the values; non-tensors pass through.
    """
    if not isinstance(inputs, tuple):
        raise RuntimeError(f"Only tuple of tensors is supported. Got Unsupported input type: {type(inputs).__name__}")
    out = []
    for x in inputs:
        if isinstance(x, rtorch.Tensor):
            x = x.detach().requires_grad_(x.requires_grad)
        out.append(x)
    return tuple(out)


def check_backward_validity(inputs):
    """Warns, as PyTorch does, when no tensor input of a reentrant checkpoint requires grad."""
    if not any(isinstance(x, rtorch.Tensor) and x.requires_grad for x in inputs):
        warnings.warn("None of the inputs have requires_grad=True. Gradients will be None")


class CheckpointFunction(_Function):
    """The reentrant checkpoint: forward without a graph, backward recomputes the region with one and backpropagates."""

    @staticmethod
    def forward(ctx, run_function, preserve_rng_state, *args):
        """Runs ``run_function(*args)`` (apply calls it with gradients off), keeping what the recomputation needs."""
        check_backward_validity(args)
        ctx.run_function = run_function
        ctx.preserve_rng_state = preserve_rng_state
        if preserve_rng_state:
            ctx.rng_state = rtorch.get_rng_state()
        ctx.inputs = args
        return run_function(*args)

    @staticmethod
    def backward(ctx, *grads):
        """Recomputes the region with a graph, under the forward's random state, and backpropagates ``grads``."""
        # The recomputation starts from detached copies of the inputs; their grad flags pick the leaves.
        detached = detach_variable(tuple(ctx.inputs))
        with rtorch.random.fork_rng(enabled=ctx.preserve_rng_state):
            if ctx.preserve_rng_state:
                rtorch.set_rng_state(ctx.rng_state)
            with rtorch.enable_grad():
                outputs = ctx.run_function(*detached)
        if isinstance(outputs, rtorch.Tensor):
            outputs = (outputs,)
        pairs = [(o, g) for o, g in zip(outputs, grads)
                 if isinstance(o, rtorch.Tensor) and o.requires_grad and g is not None]
        if not pairs:
            raise RuntimeError("none of output has requires_grad=True, this checkpoint() is not necessary")
        rtorch.autograd.backward([o for o, _ in pairs], [g for _, g in pairs])
        return (None, None) + tuple(d.grad if isinstance(d, rtorch.Tensor) else None for d in detached)


def checkpoint(function, *args, use_reentrant=None, preserve_rng_state=True, context_fn=noop_context_fn,
               determinism_check="default", debug=False, **kwargs):
    r"""Runs ``function(*args)`` without keeping its activations; backward recomputes them (``torch.utils.checkpoint``).

    ``use_reentrant=True`` (what PyTorch uses when the argument is omitted, with a warning) is PyTorch's
    reentrant scheme: the region runs with gradients off, its outputs require grad only when a tensor
    argument does, and backward re-runs ``function`` under the saved random state and backpropagates
    through the recomputed graph, into the arguments and into parameters ``function`` uses.
    ``use_reentrant=False`` gives PyTorch's values, gradients and ``requires_grad`` rules (parameters
    reached inside ``function`` count), but rtorch has no saved-tensor hooks to drop and recompute the
    activations with, so this mode records the region normally and saves no memory.

    Args:
        function (callable): the region to run.
        *args: its arguments.
        use_reentrant (bool, optional): the scheme (see above); pass it explicitly, as PyTorch asks.
        preserve_rng_state (bool): replay the random state during recomputation (default ``True``).
        context_fn (callable): only :func:`noop_context_fn` is supported.
        determinism_check (str): ``"default"`` or ``"none"``.
        debug (bool): must be ``False``.
        **kwargs: keyword arguments for ``function`` (non-reentrant mode only, as in PyTorch).

    Example::

        >>> lin = rtorch.nn.Linear(4, 4)
        >>> x = rtorch.randn(2, 4, requires_grad=True)
        >>> y = rtorch.utils.checkpoint.checkpoint(lin, x, use_reentrant=True)
        >>> y.sum().backward()
        >>> x.grad.shape
        rtorch.Size([2, 4])
    """
    if use_reentrant is None:
        warnings.warn("rtorch.utils.checkpoint: the use_reentrant parameter should be passed explicitly. In a future "
                      "release, calling checkpoint without use_reentrant will raise an exception. use_reentrant=False "
                      "is recommended, but if you need to preserve the current default behavior, you can pass "
                      "use_reentrant=True.", stacklevel=2)
        use_reentrant = True
    if determinism_check not in ("default", "none"):
        raise ValueError(f"determinism_check should be one of ['default', 'none'], but got {determinism_check}")
    if debug:
        raise NotImplementedError("checkpoint(debug=True) is not supported by rtorch")
    if use_reentrant:
        if context_fn is not noop_context_fn or debug:
            raise ValueError("Passing `context_fn` or `debug` is only supported when use_reentrant=False.")
        if kwargs:
            raise ValueError("Unexpected keyword arguments: " + ",".join(kwargs))
        return CheckpointFunction.apply(function, preserve_rng_state, *args)
    if context_fn is not noop_context_fn:
        raise NotImplementedError("checkpoint(context_fn=...) (selective checkpointing) is not supported by rtorch")
    return function(*args, **kwargs)


def checkpoint_sequential(functions, segments, input, use_reentrant=None, **kwargs):
    r"""Checkpoints a sequential model in ``segments`` chunks; the last chunk runs normally (as PyTorch).

    Args:
        functions (Sequential or list of callables): the layers, run in order.
        segments (int): how many chunks to split them into.
        input (Tensor): the first layer's input.
        use_reentrant (bool, optional): as in :func:`checkpoint`.
        **kwargs: ``preserve_rng_state``.

    Example::

        >>> model = rtorch.nn.Sequential(rtorch.nn.Linear(4, 4), rtorch.nn.ReLU(), rtorch.nn.Linear(4, 1))
        >>> x = rtorch.randn(3, 4, requires_grad=True)
        >>> out = rtorch.utils.checkpoint.checkpoint_sequential(model, 2, x, use_reentrant=True)
        >>> out.shape
        rtorch.Size([3, 1])
    """
    preserve = kwargs.pop("preserve_rng_state", True)
    if kwargs:
        raise ValueError("Unexpected keyword arguments: " + ",".join(kwargs))
    if use_reentrant is None:
        warnings.warn("rtorch.utils.checkpoint.checkpoint_sequential: the use_reentrant parameter should be passed "
                      "explicitly; use_reentrant=True is assumed, as in PyTorch.", stacklevel=2)
        use_reentrant = True
    if isinstance(functions, rtorch.nn.Sequential):
        functions = list(functions.children())
    functions = list(functions)
    if not isinstance(segments, int) or segments < 1:
        raise ValueError(f"checkpoint_sequential: segments must be a positive int, got {segments!r}")
    size = len(functions) // segments

    def run(start, end):
        def forward(x):
            for j in range(start, end + 1):
                x = functions[j](x)
            return x
        return forward

    end = -1
    for start in range(0, size * (segments - 1), size):
        end = start + size - 1
        input = checkpoint(run(start, end), input, use_reentrant=use_reentrant, preserve_rng_state=preserve)
    return run(end + 1, len(functions) - 1)(input)
