"""Started by `python -m rtorch.distributed.run`: torchrun's environment variables are set, argv
reaches the script, init_process_group() needs no arguments, and the ranks can talk."""
import os
import sys

import rtorch as torch
import rtorch.distributed as dist

rank, world = int(os.environ["RANK"]), int(os.environ["WORLD_SIZE"])
local_rank, local_world = int(os.environ["LOCAL_RANK"]), int(os.environ["LOCAL_WORLD_SIZE"])
assert __name__ == "__main__"
dist.init_process_group()
assert (dist.get_rank(), dist.get_world_size()) == (rank, world)
assert local_rank == rank and local_world == world  # one host
t = torch.tensor([float(rank)])
dist.all_reduce(t)
assert t.item() == world * (world - 1) / 2
print(f"launched rank {rank}/{world} local {local_rank} threads {torch.get_num_threads()} argv {sys.argv[1:]}",
      flush=True)
dist.destroy_process_group()
