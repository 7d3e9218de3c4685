"""rtorch.autograd.functional: vjp, jvp, jacobian, hessian, vhp and hvp of a function (torch.autograd.functional)."""
import rtorch

__all__ = ["vjp", "jvp", "jacobian", "hessian", "hvp", "vhp"]


def _as_tuple(obj, arg_name, fn_name):
    """(tuple of tensors, was it a tuple): PyTorch's check that every entry is a Tensor."""
    is_tuple = isinstance(obj, tuple)
    where = f"The {arg_name} given to {fn_name} must be either a Tensor or a tuple of Tensors"
    if not is_tuple and not isinstance(obj, rtorch.Tensor):
        raise TypeError(f"{where} but the given {arg_name} has type {type(obj)}.")
    items = obj if is_tuple else (obj,)
    for i, t in enumerate(items):
        if not isinstance(t, rtorch.Tensor):
            raise TypeError(f"{where} but the value at index {i} has type {type(t)}.")
    return items, is_tuple


def _grad_preprocess(inputs, create_graph, need_graph):
    """Leaves the function is differentiated at: views keep the caller's graph when create_graph is set."""
    out = []
    for t in inputs:
        if create_graph and t.requires_grad:
            out.append(t.view_as(t))
        else:
            out.append(t.detach().requires_grad_(need_graph))
    return tuple(out)


def _grad_postprocess(outputs, create_graph):
    return outputs if create_graph else tuple(None if o is None else o.detach() for o in outputs)


def _validate_v(v, other, is_other_tuple):
    if len(other) != len(v):
        if is_other_tuple:
            raise RuntimeError(f"v is a tuple of invalid length: should be {len(other)} but got {len(v)}.")
        raise RuntimeError("The given v should contain a single Tensor.")
    for idx, (el_v, el_other) in enumerate(zip(v, other)):
        if tuple(el_v.shape) != tuple(el_other.shape):
            prepend = f"Entry {idx} in " if is_other_tuple else ""
            raise RuntimeError(f"{prepend}v has invalid size: should be {rtorch.Size(el_other.shape)} but got "
                               f"{rtorch.Size(el_v.shape)}.")


def _autograd_grad(outputs, inputs, grad_outputs=None, create_graph=False, retain_graph=None):
    """autograd.grad over the outputs that require grad; None where an input is unreachable."""
    if grad_outputs is None:
        grad_outputs = (None,) * len(outputs)
    pairs = [(o, g) for o, g in zip(outputs, grad_outputs) if o is not None and o.requires_grad]
    if not pairs:
        return (None,) * len(inputs)
    return rtorch.autograd.grad([o for o, _ in pairs], list(inputs), [g for _, g in pairs], allow_unused=True,
                                create_graph=create_graph, retain_graph=retain_graph)


def _fill_in_zeros(grads, refs, strict, create_graph, stage):
    out = []
    for i, (g, r) in enumerate(zip(grads, refs)):
        if g is None:
            if strict:
                raise RuntimeError(f"The output of the user-provided function is independent of input {i}. This is "
                                   "not allowed in strict mode." if stage != "double_back" else
                                   f"The gradient with respect to input {i} is independent of the inputs of the "
                                   "user-provided function. This is not allowed in strict mode.")
            g = rtorch.zeros_like(r)
        out.append(g)
    return tuple(out)


def _check_outputs(outputs, fn_name):
    items, is_tuple = _as_tuple(outputs, "outputs of the user-provided function", fn_name)
    return items, is_tuple


def vjp(func, inputs, v=None, create_graph=False, strict=False):
    r"""Returns ``(func(inputs), v^T J)``: the vector-Jacobian product of ``func`` at ``inputs``.

    Args:
        func (callable): takes the tensor inputs, returns a tensor or a tuple of tensors.
        inputs (Tensor or tuple of Tensors): where to differentiate.
        v (Tensor or tuple of Tensors, optional): the vector, shaped like the output (may be omitted for a
            single-element output).
        create_graph (bool): make the result differentiable.
        strict (bool): raise when an output does not depend on an input (else that gradient is zeros).

    Example::

        >>> out, g = rtorch.autograd.functional.vjp(lambda x: x ** 2, rtorch.tensor([1.0, 2.0]), rtorch.ones(2))
        >>> g
        tensor([2., 4.])
    """
    with rtorch.enable_grad():
        inputs, is_inputs_tuple = _as_tuple(inputs, "inputs", "vjp")
        inputs = _grad_preprocess(inputs, create_graph, True)
        outputs, is_outputs_tuple = _check_outputs(func(*inputs), "vjp")
        if v is not None:
            v, _ = _as_tuple(v, "v", "vjp")
            _validate_v(v, outputs, is_outputs_tuple)
        else:
            if len(outputs) != 1 or outputs[0].numel() != 1:
                raise RuntimeError("The vector v can only be None if the user-provided function returns a single "
                                   "Tensor with a single element.")
        grad_res = _autograd_grad(outputs, inputs, v, create_graph=create_graph)
        vjp_ = _fill_in_zeros(grad_res, inputs, strict, create_graph, "back")
    outputs = _grad_postprocess(outputs, create_graph)
    vjp_ = _grad_postprocess(vjp_, create_graph)
    return (outputs if is_outputs_tuple else outputs[0]), (vjp_ if is_inputs_tuple else vjp_[0])


def jvp(func, inputs, v=None, create_graph=False, strict=False):
    r"""Returns ``(func(inputs), J v)``: the Jacobian-vector product (by the double-backward trick, as PyTorch).

    Args:
        func (callable): takes the tensor inputs, returns a tensor or a tuple of tensors.
        inputs (Tensor or tuple of Tensors): where to differentiate.
        v (Tensor or tuple of Tensors, optional): the vector, shaped like the inputs (may be omitted for a
            single-element input).
        create_graph (bool): make the result differentiable.
        strict (bool): raise when an output does not depend on an input (else that entry is zeros).

    Example::

        >>> out, jv = rtorch.autograd.functional.jvp(lambda x: x ** 2, rtorch.tensor([1.0, 2.0]), rtorch.ones(2))
        >>> jv
        tensor([2., 4.])
    """
    with rtorch.enable_grad():
        inputs, is_inputs_tuple = _as_tuple(inputs, "inputs", "jvp")
        inputs = _grad_preprocess(inputs, create_graph, True)
        if v is not None:
            v, _ = _as_tuple(v, "v", "jvp")
            _validate_v(v, inputs, is_inputs_tuple)
        else:
            if len(inputs) != 1 or inputs[0].numel() != 1:
                raise RuntimeError("The vector v can only be None if the input to the user-provided function is a "
                                   "single Tensor with a single element.")
        outputs, is_outputs_tuple = _check_outputs(func(*inputs), "jvp")
        # u is a dummy cotangent: d/du of (u^T J) v = J v.
        grad_outputs = tuple(rtorch.zeros_like(o).requires_grad_(True) for o in outputs)
        grad_inputs = _autograd_grad(outputs, inputs, grad_outputs, create_graph=True)
        if strict:
            _fill_in_zeros(grad_inputs, inputs, strict, create_graph, "back_trick")
        used = [(g, vv) for g, vv in zip(grad_inputs, v) if g is not None and g.requires_grad]
        if used:
            grad_res = rtorch.autograd.grad([g for g, _ in used], list(grad_outputs), [vv for _, vv in used],
                                            allow_unused=True, create_graph=create_graph)
        else:
            grad_res = (None,) * len(grad_outputs)
        jvp_ = _fill_in_zeros(grad_res, outputs, strict, create_graph, "back_trick")
    outputs = _grad_postprocess(outputs, create_graph)
    jvp_ = _grad_postprocess(jvp_, create_graph)
    return (outputs if is_outputs_tuple else outputs[0]), (jvp_ if is_outputs_tuple else jvp_[0])


def jacobian(func, inputs, create_graph=False, strict=False, vectorize=False, strategy="reverse-mode"):
    r"""Returns the Jacobian of ``func`` at ``inputs``, one reverse pass per output element.

    Each block has shape ``output.shape + input.shape``. A single tensor input and output give a tensor; a
    tuple on either side gives a tuple over it (nested, outputs first, when both are tuples), as in PyTorch.

    Args:
        func (callable): takes the tensor inputs, returns a tensor or a tuple of tensors.
        inputs (Tensor or tuple of Tensors): where to differentiate.
        create_graph (bool): make the result differentiable.
        strict (bool): raise when an output does not depend on an input (else that block is zeros).
        vectorize (bool): accepted; rtorch always loops over the output elements.
        strategy (str): only ``"reverse-mode"``.

    Example::

        >>> rtorch.autograd.functional.jacobian(lambda x: x ** 2, rtorch.tensor([1.0, 2.0]))
        tensor([[2., 0.],
                [0., 4.]])
    """
    if strategy != "reverse-mode":
        raise NotImplementedError(f"jacobian(strategy={strategy!r}) is not supported by rtorch: use 'reverse-mode'")
    with rtorch.enable_grad():
        inputs, is_inputs_tuple = _as_tuple(inputs, "inputs", "jacobian")
        inputs = _grad_preprocess(inputs, create_graph, True)
        outputs, is_outputs_tuple = _check_outputs(func(*inputs), "jacobian")
        blocks = []
        for i, out in enumerate(outputs):
            flat = out.reshape(-1)
            rows = [[] for _ in inputs]
            for j in range(flat.numel()):
                g = (_autograd_grad((flat[j],), inputs, retain_graph=True, create_graph=create_graph)
                     if out.requires_grad else (None,) * len(inputs))
                for k, (gk, inp) in enumerate(zip(g, inputs)):
                    if gk is None:
                        if strict:
                            raise RuntimeError(f"Output {i} of the user-provided function is independent of input "
                                               f"{k}. This is not allowed in strict mode.")
                        gk = rtorch.zeros_like(inp)
                    rows[k].append(gk)
            per_input = []
            for k, inp in enumerate(inputs):
                stacked = (rtorch.stack(rows[k]) if rows[k]
                           else rtorch.zeros((0,) + tuple(inp.shape), dtype=inp.dtype, device=inp.device))
                per_input.append(stacked.reshape(tuple(out.shape) + tuple(inp.shape)))
            blocks.append(tuple(per_input))
    blocks = [_grad_postprocess(b, create_graph) for b in blocks]
    if is_outputs_tuple:
        return tuple(b if is_inputs_tuple else b[0] for b in blocks)
    return blocks[0] if is_inputs_tuple else blocks[0][0]


def hessian(func, inputs, create_graph=False, strict=False, vectorize=False, outer_jacobian_strategy="reverse-mode"):
    r"""Returns the Hessian of a scalar function ``func`` at ``inputs`` (the Jacobian of its gradient).

    Args:
        func (callable): takes the tensor inputs, returns a single-element tensor.
        inputs (Tensor or tuple of Tensors): where to differentiate.
        create_graph (bool): make the result differentiable.
        strict (bool): raise when the gradient does not depend on an input.
        vectorize (bool): accepted; see :func:`jacobian`.
        outer_jacobian_strategy (str): only ``"reverse-mode"``.

    Example::

        >>> rtorch.autograd.functional.hessian(lambda x: (x ** 3).sum(), rtorch.tensor([1.0, 2.0]))
        tensor([[ 6.,  0.],
                [ 0., 12.]])
    """
    inputs_t, is_inputs_tuple = _as_tuple(inputs, "inputs", "hessian")

    def ensure_single_output_function(*inp):
        out = func(*inp)
        _, is_out_tuple = _as_tuple(out, "outputs of the user-provided function", "hessian")
        if is_out_tuple:
            raise RuntimeError("The function given to hessian should return a single Tensor")
        if out.numel() != 1:
            raise RuntimeError("The Tensor returned by the function given to hessian should contain a single "
                               "element")
        return out.squeeze()

    def jac_func(*inp):
        return jacobian(ensure_single_output_function, inp, create_graph=True)

    res = jacobian(jac_func, inputs_t, create_graph=create_graph, strict=strict, strategy=outer_jacobian_strategy)
    return res if is_inputs_tuple else res[0][0]  # the outer call saw a tuple on both sides


def _second_order(name, func, inputs, v, create_graph, strict):
    with rtorch.enable_grad():
        inputs, is_inputs_tuple = _as_tuple(inputs, "inputs", name)
        inputs = _grad_preprocess(inputs, create_graph, True)
        if v is not None:
            v, _ = _as_tuple(v, "v", name)
            _validate_v(v, inputs, is_inputs_tuple)
        elif len(inputs) != 1 or inputs[0].numel() != 1:
            raise RuntimeError("The vector v can only be None if the input to the user-provided function is a "
                               "single Tensor with a single element.")
        outputs, is_outputs_tuple = _check_outputs(func(*inputs), name)
        if is_outputs_tuple or outputs[0].numel() != 1:
            raise RuntimeError(f"The function given to {name} should return a single Tensor with a single element.")
        jac = _autograd_grad(outputs, inputs, create_graph=True)
        jac = _fill_in_zeros(jac, inputs, strict, create_graph, "double_back")
        if v is None:
            v = (rtorch.ones_like(inputs[0]),)
        pairs = [(j, vv) for j, vv in zip(jac, v) if j.requires_grad]
        if pairs:
            res = rtorch.autograd.grad([j for j, _ in pairs], list(inputs), [vv for _, vv in pairs],
                                       allow_unused=True, create_graph=create_graph)
        else:
            res = (None,) * len(inputs)
        res = _fill_in_zeros(res, inputs, strict, create_graph, "double_back")
    outputs = _grad_postprocess(outputs, create_graph)
    res = _grad_postprocess(res, create_graph)
    return outputs[0], (res if is_inputs_tuple else res[0])


def vhp(func, inputs, v=None, create_graph=False, strict=False):
    r"""Returns ``(func(inputs), v^T H)`` for a scalar function ``func``.

    Args:
        func (callable): takes the tensor inputs, returns a single-element tensor.
        inputs (Tensor or tuple of Tensors): where to differentiate.
        v (Tensor or tuple of Tensors, optional): the vector, shaped like the inputs.
        create_graph (bool): make the result differentiable.
        strict (bool): raise when the gradient does not depend on an input.

    Example::

        >>> _, r = rtorch.autograd.functional.vhp(lambda x: (x ** 3).sum(), rtorch.tensor([1.0, 2.0]), rtorch.ones(2))
        >>> r
        tensor([ 6., 12.])
    """
    return _second_order("vhp", func, inputs, v, create_graph, strict)


def hvp(func, inputs, v=None, create_graph=False, strict=False):
    r"""Returns ``(func(inputs), H v)`` for a scalar function ``func`` (H is symmetric, so this equals :func:`vhp`).

    Args:
        func (callable): takes the tensor inputs, returns a single-element tensor.
        inputs (Tensor or tuple of Tensors): where to differentiate.
        v (Tensor or tuple of Tensors, optional): the vector, shaped like the inputs.
        create_graph (bool): make the result differentiable.
        strict (bool): raise when the gradient does not depend on an input.

    Example::

        >>> _, r = rtorch.autograd.functional.hvp(lambda x: (x ** 3).sum(), rtorch.tensor([1.0, 2.0]), rtorch.ones(2))
        >>> r
        tensor([ 6., 12.])
    """
    return _second_order("hvp", func, inputs, v, create_graph, strict)
