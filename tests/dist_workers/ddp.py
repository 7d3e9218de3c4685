"""Run under mpiexec (any number of ranks): DistributedDataParallel against single-process training
of the concatenated batch (float64, to 1e-12): one step, many buckets, gradient_as_bucket_view,
no_sync accumulation, find_unused_parameters, buffer broadcast, the overlap of bucket all-reduces
with backward, and its errors. Prints "ddp OK" on success; a failed check aborts the job."""
import numpy as np

import rtorch as torch
import rtorch.distributed as dist
from rtorch import nn
from rtorch.nn.parallel import DistributedDataParallel as DDP

dist.init_process_group("mpi", timeout=120)
R, N = dist.get_rank(), dist.get_world_size()
B = 4  # samples per rank


def make_net():
    return nn.Sequential(nn.Conv2d(2, 3, 3, padding=1), nn.Tanh(), nn.Flatten(), nn.Linear(3 * 5 * 5, 7),
                         nn.ReLU(), nn.Linear(7, 3)).double()


def batch(seed):
    g = torch.Generator().manual_seed(seed)
    x = torch.randn(B * N, 2, 5, 5, generator=g, dtype=torch.float64)
    y = torch.randn(B * N, 3, generator=g, dtype=torch.float64)
    return x, y


def loss_fn(out, y):
    return ((out - y) ** 2).mean()


def mine(t):
    return t[R * B:(R + 1) * B]


def reference_copy(ddp):
    ref = make_net()
    ref.load_state_dict({k[len("module."):]: v for k, v in ddp.state_dict().items()})
    return ref


def check_grads(ddp, ref, what, tol=1e-12):
    for (name, p), q in zip(ddp.module.named_parameters(), ref.parameters()):
        err = (p.grad - q.grad).abs().max().item()
        assert err <= tol * max(1.0, q.grad.abs().max().item()), f"{what}: {name} differs by {err}"


# ---- construction: rank 0's parameters reach every rank; state_dict keys as PyTorch ----
torch.manual_seed(1000 + R)  # every rank starts from different weights
for kwargs in [dict(), dict(bucket_cap_mb=0.0001), dict(bucket_cap_mb=0.0001, gradient_as_bucket_view=True)]:
    ddp = DDP(make_net(), **kwargs)
    w = ddp.module[0].weight.detach().clone()
    allw = [torch.empty_like(w) for _ in range(N)]
    dist.all_gather(allw, w)
    assert all(torch.equal(a, allw[0]) for a in allw), "parameters not broadcast from rank 0"
    assert list(ddp.state_dict())[:2] == ["module.0.weight", "module.0.bias"]
    if "bucket_cap_mb" in kwargs:
        assert len(ddp.reducer.buckets) >= 3, [b.indices for b in ddp.reducer.buckets]
        order = [i for b in ddp.reducer.buckets for i in b.indices]
        assert order == sorted(order, reverse=True), order  # reverse registration order

    # ---- one step equals single-process training on the concatenated batch ----
    ref = reference_copy(ddp)
    x, y = batch(1)
    loss_fn(ddp(mine(x)), mine(y)).backward()
    loss_fn(ref(x), y).backward()
    check_grads(ddp, ref, f"one step {kwargs}")

    # a second iteration (grads zeroed, set_to_none or not) reduces again
    opt = torch.optim.SGD(ddp.parameters(), lr=0.1)
    ref_opt = torch.optim.SGD(ref.parameters(), lr=0.1)
    opt.step()
    ref_opt.step()
    opt.zero_grad(set_to_none=bool(kwargs.get("gradient_as_bucket_view")) is False)
    ref_opt.zero_grad()
    x, y = batch(2)
    loss_fn(ddp(mine(x)), mine(y)).backward()
    loss_fn(ref(x), y).backward()
    check_grads(ddp, ref, f"second step {kwargs}")
    if kwargs.get("gradient_as_bucket_view"):
        p = ddp.module[5].weight
        b = ddp.reducer.buckets[ddp.reducer.bucket_of[len(list(ddp.module.parameters())) - 2]]
        assert p.grad.data_ptr() >= b.flat.data_ptr(), "grad is not a view into its bucket"

    # ---- no_sync: two local micro-batches accumulate, the synced third reduces all three ----
    opt.zero_grad()
    ref_opt.zero_grad()
    xs = [batch(10 + k) for k in range(3)]
    with ddp.no_sync():
        for x, y in xs[:2]:
            loss_fn(ddp(mine(x)), mine(y)).backward()
        local = ddp.module[5].bias.grad.clone()
        everyone = [torch.empty_like(local) for _ in range(N)]
        dist.all_gather(everyone, local)
        if N > 1:
            assert not all(torch.equal(e, everyone[0]) for e in everyone), "no_sync still communicated"
    loss_fn(ddp(mine(xs[2][0])), mine(xs[2][1])).backward()
    for x, y in xs:
        loss_fn(ref(x), y).backward()
    check_grads(ddp, ref, f"no_sync accumulation {kwargs}")

# ---- overlap: the first bucket is launched while backward still has layers to go ----
ddp = DDP(make_net(), bucket_cap_mb=0.0001)
seen = {}
first = ddp.module[0].weight  # registered first: its gradient is among the last to be ready


def when_first_layer_is_done(p):
    seen["launched"] = [b.work is not None for b in ddp.reducer.buckets]


first.register_post_accumulate_grad_hook(when_first_layer_is_done)
x, y = batch(3)
loss_fn(ddp(mine(x)), mine(y)).backward()
assert seen["launched"][0] and not all(seen["launched"]), seen  # early buckets in flight, last not yet

# ---- find_unused_parameters: a head used only by some ranks; a head nobody uses ----


class TwoHeads(nn.Module):
    def __init__(self):
        super().__init__()
        self.body = nn.Linear(4, 4)
        self.a = nn.Linear(4, 2)
        self.b = nn.Linear(4, 2)
        self.never = nn.Linear(4, 2)

    def forward(self, x, use_b):
        h = self.body(x).tanh()
        out = self.a(h)
        return out + self.b(h) if use_b else out


torch.manual_seed(7)
ddp = DDP(TwoHeads().double(), find_unused_parameters=True)
ref = TwoHeads().double()
ref.load_state_dict({k[len("module."):]: v for k, v in ddp.state_dict().items()})
g = torch.Generator().manual_seed(5)
xs = torch.randn(N, 3, 4, generator=g, dtype=torch.float64)
uses_b = [r % 2 == 1 for r in range(N)]
ddp(xs[R], uses_b[R]).pow(2).mean().backward()
for r in range(N):  # what the average over ranks means: each rank's own loss, summed, / N
    (ref(xs[r], uses_b[r]).pow(2).mean() / N).backward()
for name in ["body.weight", "a.weight", "a.bias"] + (["b.weight", "b.bias"] if any(uses_b) else []):
    got = dict(ddp.module.named_parameters())[name].grad
    want = dict(ref.named_parameters())[name].grad
    assert (got - want).abs().max().item() < 1e-12, name
assert ddp.module.never.weight.grad is None  # unused on every rank: left alone, as in PyTorch
if not any(uses_b):
    assert ddp.module.b.weight.grad is None
# the next iteration works too
ddp.zero_grad()
ddp(xs[R], uses_b[R]).sum().backward()

# ---- without find_unused_parameters an unused parameter stops the next iteration ----
ddp = DDP(TwoHeads().double())
ddp(xs[R], False).sum().backward()
try:
    ddp(xs[R], False)
except RuntimeError as e:
    assert "Expected to have finished reduction in the prior iteration" in str(e) and "find_unused_parameters" in \
        str(e), e
else:
    raise AssertionError("an unused parameter went unnoticed")

# ---- buffers (BatchNorm running stats) are broadcast from rank 0 at each forward ----
net = nn.Sequential(nn.Linear(3, 4), nn.BatchNorm1d(4)).double()
ddp = DDP(net)
with torch.no_grad():
    net[1].running_mean.fill_(float(R + 1))
ddp.eval()
ddp(torch.ones(2, 3, dtype=torch.float64))
assert torch.equal(net[1].running_mean, torch.full((4,), 1.0, dtype=torch.float64)), net[1].running_mean
ddp.train()

# ---- every rank must wrap the same model ----
try:
    DDP(nn.Linear(3, 3 + (R % 2)).double())
except RuntimeError as e:
    assert N > 1 and "DDP expects same model across all ranks" in str(e), e
else:
    assert N == 1
try:
    DDP(nn.Linear(2, 2), device_ids=[0])
except ValueError as e:
    assert "device_ids" in str(e)
else:
    raise AssertionError("device_ids accepted for a CPU module")

# ---- a few SGD steps keep the replicas identical ----
torch.manual_seed(3)
ddp = DDP(make_net(), bucket_cap_mb=0.001)
opt = torch.optim.SGD(ddp.parameters(), lr=0.05, momentum=0.9)
for step in range(3):
    x, y = batch(20 + step)
    opt.zero_grad()
    loss_fn(ddp(mine(x)), mine(y)).backward()
    opt.step()
flat = torch.cat([p.detach().reshape(-1) for p in ddp.parameters()])
allf = [torch.empty_like(flat) for _ in range(N)]
dist.all_gather(allf, flat)
assert all(torch.equal(f, allf[0]) for f in allf), "replicas diverged"
_ = np
dist.destroy_process_group()
print(f"rank {R}: ddp OK", flush=True)
