"""Concurrent backward on shared leaves must not lose gradients (issue 15 item 4): several Python threads calling
backward() on one leaf give exactly the single-threaded sum, as in PyTorch (accumulation into .grad is atomic)."""
import threading

import numpy as np

import rtorch


def _hammer(fn, threads=4):
    ts = [threading.Thread(target=fn) for _ in range(threads)]
    for t in ts:
        t.start()
    for t in ts:
        t.join()


def _shared_leaf_sum(shape, rounds=3):
    """x.grad after 4 threads x 500 `x.sum().backward()`, for `rounds` fresh leaves (all must be exact)."""
    grads = []
    for _ in range(rounds):
        x = rtorch.ones(shape, requires_grad=True)

        def work():
            for _ in range(500):
                x.sum().backward()

        _hammer(work)
        grads.append(x.grad.numpy().copy())
    return grads


def test_concurrent_backward_is_exact():
    # A small leaf (the GIL is held for most of each backward) and a large one (the kernels release it, so
    # the threads really overlap in the engine): every round must give exactly 4 x 500. Then training steps
    # on shared parameters from 4 threads must accumulate what the same steps accumulate serially.
    for shape in ((100_000,), (3,)):
        for g in _shared_leaf_sum(shape):
            np.testing.assert_array_equal(g, np.full(shape, 2000.0, np.float32), err_msg=f"leaf of shape {shape}")
    _training_grads_match()


def _training_grads_match():
    """Shared nn.Linear parameters, one batch per thread: the accumulated gradients equal the serial run's."""
    rtorch.manual_seed(0)
    lin = rtorch.nn.Linear(256, 256)
    batches = [rtorch.randn(64, 256) for _ in range(4)]

    def grads_after(parallel):
        for p in lin.parameters():
            p.grad = None

        def run(b):
            for _ in range(25):
                lin(b).square().mean().backward()

        if parallel:
            ts = [threading.Thread(target=run, args=(b,)) for b in batches]
            for t in ts:
                t.start()
            for t in ts:
                t.join()
        else:
            for b in batches:
                run(b)
        return [p.grad.numpy().copy() for p in lin.parameters()]

    # Exactly the serial sums, up to the order of the additions.
    for serial, par in zip(grads_after(False), grads_after(True)):
        np.testing.assert_allclose(par, serial, rtol=1e-4, atol=1e-6)
