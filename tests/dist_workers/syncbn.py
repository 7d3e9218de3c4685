"""Run under mpiexec (2+ ranks): SyncBatchNorm on each rank's slice of a global batch must give, slice by slice,
BatchNorm's output, input gradient, parameter gradients and running statistics on the whole batch.
Success prints "syncbn OK"; a failed check raises (non-zero exit)."""
import numpy as np

import rtorch as torch
import rtorch.distributed as dist

dist.init_process_group("mpi", timeout=120)
R, N = dist.get_rank(), dist.get_world_size()
rng = np.random.default_rng(7)
full = rng.standard_normal((2 * N, 3, 4, 5))
w = rng.standard_normal((2 * N, 3, 4, 5))

ref = torch.nn.BatchNorm2d(3).double()
xr = torch.tensor(full, requires_grad=True)
ref_out = ref(xr)
(ref_out * torch.tensor(w)).sum().backward()

sync = torch.nn.SyncBatchNorm(3).double()
x = torch.tensor(full[2 * R:2 * R + 2], requires_grad=True)
out = sync(x)
(out * torch.tensor(w[2 * R:2 * R + 2])).sum().backward()

np.testing.assert_allclose(out.detach().numpy(), ref_out.detach().numpy()[2 * R:2 * R + 2], rtol=1e-10, atol=1e-10)
np.testing.assert_allclose(x.grad.numpy(), xr.grad.numpy()[2 * R:2 * R + 2], rtol=1e-9, atol=1e-10)
for p, q in ((sync.weight, ref.weight), (sync.bias, ref.bias)):
    g = p.grad.clone()
    dist.all_reduce(g)  # each rank holds its share of the parameter gradient, as DDP would sum them
    np.testing.assert_allclose(g.numpy(), q.grad.numpy(), rtol=1e-9, atol=1e-10)
np.testing.assert_allclose(sync.running_mean.numpy(), ref.running_mean.numpy(), rtol=1e-10, atol=1e-12)
np.testing.assert_allclose(sync.running_var.numpy(), ref.running_var.numpy(), rtol=1e-10, atol=1e-12)
assert int(sync.num_batches_tracked) == 1
dist.destroy_process_group()
if R == 0:
    print("syncbn OK")
