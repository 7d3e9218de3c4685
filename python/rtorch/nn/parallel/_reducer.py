"""DDP's gradient reducer: parameters grouped into flat buckets, each bucket all-reduced
asynchronously as soon as all of its gradients are final (post-accumulate-grad hooks), so the
communication of late layers overlaps the backward pass of early ones.

Buckets follow the reverse of the parameters' registration order (backward produces the last
layer's gradients first) and never mix dtypes or devices; the first bucket is capped at 1 MiB (or
``bucket_cap_mb`` if smaller) so communication starts early, the others at ``bucket_cap_mb``. Buckets are launched strictly in index
order on every rank (a ready bucket waits for its predecessors), which keeps the sequence of
collectives identical across ranks. The gradients are divided by the world size before the SUM, so
they come back averaged.
"""
import weakref

import rtorch
import rtorch.distributed as dist

__all__ = ["Reducer", "assign_buckets"]

DEFAULT_FIRST_BUCKET_BYTES = 1024 * 1024


def assign_buckets(params, bucket_bytes_cap, first_bucket_bytes=DEFAULT_FIRST_BUCKET_BYTES):
    """Lists of parameter indices, one per bucket, in the order their gradients become ready."""
    limits = [min(first_bucket_bytes, bucket_bytes_cap), bucket_bytes_cap]
    buckets, open_ = [], {}
    for i in reversed(range(len(params))):
        p = params[i]
        key = (p.dtype, str(p.device))
        idx, size, level = open_.get(key, ([], 0, 0))
        idx.append(i)
        size += p.numel() * p.element_size()
        if size >= limits[min(level, 1)]:
            buckets.append(idx)
            open_[key] = ([], 0, level + 1)
        else:
            open_[key] = (idx, size, level)
    buckets += [idx for idx, _, _ in open_.values() if idx]
    return buckets


class _Bucket:
    def __init__(self, indices, params):
        self.indices = indices
        p0 = params[indices[0]]
        self.offsets, n = {}, 0
        for i in indices:
            self.offsets[i] = (n, params[i].numel())
            n += params[i].numel()
        self.flat = rtorch.zeros((n,), dtype=p0.dtype, device=p0.device)
        self.pending = 0
        self.work = None

    def view(self, i, shape):
        off, n = self.offsets[i]
        return self.flat[off:off + n].view(tuple(shape))


class Reducer:
    """Bucketed, overlapped gradient averaging for the parameters of one DDP module."""

    def __init__(self, params, process_group, bucket_bytes_cap, find_unused_parameters=False,
                 gradient_as_bucket_view=False):
        self.params = list(params)
        self.pg = process_group
        self.world = dist.get_world_size(process_group)
        self.find_unused = find_unused_parameters
        self.as_view = gradient_as_bucket_view
        self.buckets = [_Bucket(idx, self.params) for idx in assign_buckets(self.params, bucket_bytes_cap)]
        self.bucket_of = {}
        for b, bucket in enumerate(self.buckets):
            for i in bucket.indices:
                self.bucket_of[i] = b
        self._expect = False  # a synced forward ran: hooks of this backward reduce
        self._started = False  # a hook fired in this iteration
        self._ready = [False] * len(self.params)
        self._used = None
        self._next = 0
        self._handles = []
        me = weakref.ref(self)  # the hooks live on the parameters; no cycle back to the reducer

        def hook_for(i):
            def hook(param):
                r = me()
                if r is not None:
                    r._mark_ready(i)
            return hook

        for i, p in enumerate(self.params):
            self._handles.append(p.register_post_accumulate_grad_hook(hook_for(i)))

    def remove_hooks(self):
        for h in self._handles:
            h.remove()
        self._handles = []

    # ---- per iteration ----
    def ensure_prior_reduction_finished(self):
        if self._expect and self._started:
            unready = [i for i, r in enumerate(self._ready) if not r]
            raise RuntimeError(
                "Expected to have finished reduction in the prior iteration before starting a new one. This "
                "error indicates that your module has parameters that were not used in producing loss. You can "
                "enable unused parameter detection by passing the keyword argument `find_unused_parameters=True` "
                "to `rtorch.nn.parallel.DistributedDataParallel`, and by making sure all `forward` function "
                "outputs participate in calculating loss. Parameter indices which did not receive grad for this "
                f"rank: {unready}"
            )

    def prepare_for_backward(self, outputs):
        """Arm the hooks for the coming backward (`outputs`: the forward's tensors, searched for
        unused parameters when ``find_unused_parameters``)."""
        self.ensure_prior_reduction_finished()
        self._expect, self._started = True, False
        self._ready = [False] * len(self.params)
        self._next = 0
        for b in self.buckets:
            b.pending = len(b.indices)
            b.work = None
        if self.find_unused:
            reached = rtorch._rtorch._autograd_reaches(list(outputs), self.params)
            self._used = rtorch.zeros((len(self.params),), dtype=rtorch.int32)
            for i, hit in enumerate(reached):
                if not hit:
                    self._mark_ready(i, used=False)

    def skip(self):
        """A forward without gradient sync (no_sync or no grad): this backward only accumulates."""
        self.ensure_prior_reduction_finished()
        self._expect = False

    def _mark_ready(self, i, used=True):
        if not self._expect:
            return
        if self._ready[i]:
            raise RuntimeError(
                f"Expected to mark a variable ready only once. Parameter index {i} was marked ready twice in "
                f"this iteration: it took part in more than one backward pass (or, with "
                f"find_unused_parameters=True, it was used outside the outputs returned by forward)."
            )
        self._started = True
        self._ready[i] = True
        p = self.params[i]
        b = self.buckets[self.bucket_of[i]]
        dst = b.view(i, (p.numel(),))
        with rtorch.no_grad():
            g = p.grad
            if g is None:
                dst.zero_()
            elif not (self.as_view and g.data_ptr() == dst.data_ptr() and g.is_contiguous()):
                dst.copy_(g.reshape(-1))
        if used and self._used is not None:
            self._used[i] = 1
        b.pending -= 1
        if b.pending == 0:
            self._launch_ready()

    def _launch_ready(self):
        while self._next < len(self.buckets) and self.buckets[self._next].pending == 0:
            b = self.buckets[self._next]
            with rtorch.no_grad():
                b.flat.div_(self.world)
            b.work = dist.all_reduce(b.flat, group=self.pg, async_op=True)
            self._next += 1
        if self._next == len(self.buckets):
            self._finalize()

    def _finalize(self):
        """All buckets launched (the backward's last hook): wait and write the averages back."""
        for b in self.buckets:
            b.work.wait()
        used = None
        if self._used is not None:
            dist.all_reduce(self._used, op=dist.ReduceOp.MAX, group=self.pg)
            used = self._used.tolist()
        with rtorch.no_grad():
            for i, p in enumerate(self.params):
                if used is not None and not used[i]:
                    continue  # no rank used it: its .grad stays as it was, as in PyTorch
                b = self.buckets[self.bucket_of[i]]
                avg = b.view(i, p.shape)
                if self.as_view:
                    if p.grad is None or p.grad.data_ptr() != avg.data_ptr():
                        p.grad = avg
                elif p.grad is None:
                    p.grad = avg.clone()
                else:
                    p.grad.copy_(avg)
        self._expect = False
        self._started = False
