"""Functional optimizer updates shared outside one class: ``sparse_adam`` (the masked Adam update of SparseAdam),
as torch.optim._functional."""
import math

__all__ = ["sparse_adam"]


def sparse_adam(params, grads, exp_avgs, exp_avg_sqs, state_steps, *, eps, beta1, beta2, lr, maximize):
    r"""SparseAdam's update: Adam restricted to the entries a sparse COO gradient holds.

    For each parameter, only the rows named by the (coalesced) gradient's indices change:
    ``exp_avg`` and ``exp_avg_sq`` there decay towards the gradient values and its square, and the
    parameter moves by ``lr * sqrt(1 - beta2**step) / (1 - beta1**step) * m / (sqrt(v) + eps)``.
    ``state_steps`` holds each parameter's step count, already incremented.

    Args:
        params, grads, exp_avgs, exp_avg_sqs: dense parameters, their sparse gradients and dense moments
        state_steps (list of int): the current step of each parameter
        eps, beta1, beta2, lr (float): Adam's hyper-parameters
        maximize (bool): ascend instead of descend

    Example:
        >>> p = rtorch.zeros(3, 2)
        >>> g = rtorch.sparse_coo_tensor([[1]], [[1.0, -1.0]], (3, 2))
        >>> sparse_adam([p], [g], [rtorch.zeros(3, 2)], [rtorch.zeros(3, 2)], [1],
        ...             eps=1e-8, beta1=0.9, beta2=0.999, lr=0.1, maximize=False)
        >>> p[1].tolist()
        [-0.10000000149011612, 0.10000000149011612]
    """
    for param, grad, exp_avg, exp_avg_sq, step in zip(params, grads, exp_avgs, exp_avg_sqs, state_steps):
        grad = (-grad if maximize else grad).coalesce()  # the update is non-linear: indices must be unique
        values = grad._values()
        if values.numel() == 0:
            continue
        rows = grad._linear()
        # The sparse dims flattened into one: row k of each view is the entry at the k-th linear index.
        dense_shape = tuple(param.shape[grad.sparse_dim():])
        flat_avg, flat_sq, flat_p = (t.view((-1,) + dense_shape) for t in (exp_avg, exp_avg_sq, param))
        old_avg = flat_avg.index_select(0, rows)
        avg_update = values.sub(old_avg).mul_(1 - beta1)
        flat_avg.index_add_(0, rows, avg_update)
        old_sq = flat_sq.index_select(0, rows)
        sq_update = values.pow(2).sub_(old_sq).mul_(1 - beta2)
        flat_sq.index_add_(0, rows, sq_update)
        numer = avg_update.add_(old_avg)
        denom = sq_update.add_(old_sq).sqrt_().add_(eps)
        step_size = lr * math.sqrt(1 - beta2 ** step) / (1 - beta1 ** step)
        flat_p.index_add_(0, rows, -step_size * numer.div_(denom))
