"""Run under mpiexec with 2+ ranks and one mode argument: a rank that fails must end the whole job
promptly with its error (the test that launches this checks the exit status, the time and stderr).

    raise     rank 1 raises ValueError before a collective that rank 0 is already waiting in
    exit      rank 1 exits with status 7 (os._exit) while rank 0 waits
    timeout   rank 1 never joins; rank 0's all_reduce has a 2 s timeout
    mismatch  rank 0 all-reduces 3 floats, rank 1 all-reduces 4
    caught    as timeout, but rank 0 catches the error: the group then refuses further calls, and
              destroy_process_group + exit ends the job (rank 1 sleeps, then is ended by the launcher)
"""
import os
import sys
import time

import rtorch as torch
import rtorch.distributed as dist

mode = sys.argv[1]
dist.init_process_group("mpi", timeout=2 if mode in ("timeout", "caught") else 60)
R = dist.get_rank()
dist.barrier()
if mode == "raise":
    if R == 1:
        time.sleep(0.5)  # rank 0 is inside all_reduce by now
        raise ValueError("boom from rank 1")
    dist.all_reduce(torch.ones(3))
elif mode == "exit":
    if R == 1:
        time.sleep(0.5)
        os._exit(7)
    dist.all_reduce(torch.ones(3))
elif mode in ("timeout", "caught"):
    if R == 1:
        time.sleep(60)
        sys.exit(0)
    if mode == "timeout":
        dist.all_reduce(torch.ones(3))
    try:
        dist.all_reduce(torch.ones(3))
    except RuntimeError as e:
        assert "timed out after" in str(e), e
        try:
            dist.all_reduce(torch.ones(3))
        except RuntimeError as e2:
            assert "unusable after an earlier failure" in str(e2), e2
            print("rank 0: caught the timeout; the group refuses further calls", flush=True)
            sys.stdout.flush()
            os._exit(3)  # a clean exit would wait in MPI_Finalize for the sleeping peer
elif mode == "mismatch":
    dist.all_reduce(torch.ones(3 + R))
print(f"rank {R}: should not get here", flush=True)
