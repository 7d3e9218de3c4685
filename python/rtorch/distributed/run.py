"""The launcher: ``python -m rtorch.distributed.run --nproc-per-node N script.py [args...]`` starts N
ranks of `script.py` (on each host of ``--hostfile``) through the MPI runtime's ``mpiexec``.

Each rank gets torchrun's environment variables (``RANK``, ``WORLD_SIZE``, ``LOCAL_RANK``,
``LOCAL_WORLD_SIZE``) so that scripts written for ``torchrun`` run unchanged, and a share of the
host's cores for rtorch's thread pool. ``--dry-run`` prints the mpiexec command instead. Plain
``mpiexec -n N python script.py`` works too (``init_process_group`` reads MPI's own environment).
"""
import argparse
import os
import shutil
import sys

__all__ = ["main", "build_command", "find_mpiexec"]


def find_mpiexec(explicit=None):
    """The mpiexec to use: `explicit`, ``$RTORCH_MPIEXEC``, the one beside this Python (the ``mpich``
    wheel installs it into the environment's bin/), or the first on PATH."""
    for cand in (explicit, os.environ.get("RTORCH_MPIEXEC")):
        if cand:
            return cand
    here = os.path.join(os.path.dirname(sys.executable), "mpiexec")
    if os.path.exists(here):
        return here
    found = shutil.which("mpiexec") or shutil.which("mpirun")
    if found is None:
        raise SystemExit("rtorch.distributed.run: no mpiexec found: pip install mpi4py mpich (or pass --mpiexec PATH)")
    return found


def _nproc(value):
    if value == "auto":
        import rtorch

        return max(1, rtorch.cuda.device_count()) if rtorch.cuda.is_available() else 1
    if value == "cpu":
        return os.cpu_count() or 1
    if value == "gpu":
        import rtorch

        return rtorch.cuda.device_count()
    n = int(value)
    if n < 1:
        raise argparse.ArgumentTypeError(f"--nproc-per-node must be >= 1, got {n}")
    return n


def _parser():
    p = argparse.ArgumentParser(
        prog="python -m rtorch.distributed.run",
        description="Launch a data-parallel rtorch job: N ranks per host through mpiexec.",
    )
    p.add_argument("--nproc-per-node", "--nproc_per_node", default="1",
                   help="ranks per host: an integer, 'auto' (one per GPU, else 1), 'gpu' or 'cpu' (one per core)")
    p.add_argument("--nnodes", type=int, default=1, help="number of hosts (with --hostfile)")
    p.add_argument("--hostfile", "-f", default=None,
                   help="MPI host file: one host per line (host[:slots]); mpiexec starts ranks there over ssh")
    p.add_argument("--iface", default=None,
                   help="network interface for MPI traffic between hosts (e.g. eth0, ib0; mpiexec -iface)")
    p.add_argument("--mpiexec", default=None, help="mpiexec to run (default: the one installed beside this Python)")
    p.add_argument("--threads-per-rank", type=int, default=None,
                   help="rtorch threads per rank (default: the host's cores divided among its ranks)")
    p.add_argument("--mpiexec-args", default="", help="extra arguments for mpiexec, as one string")
    p.add_argument("--dry-run", action="store_true", help="print the mpiexec command and exit")
    p.add_argument("-m", "--module", action="store_true", help="run `script` as a module (python -m)")
    p.add_argument("--no-python", action="store_true", help="run `script` as a program, not a Python file")
    p.add_argument("script", help="the training script (or module, or program)")
    p.add_argument("script_args", nargs=argparse.REMAINDER, help="its arguments")
    return p


def build_command(args):
    """(argv, extra environment) for the mpiexec run that `args` describes."""
    n = _nproc(args.nproc_per_node)
    if args.nnodes < 1:
        raise SystemExit(f"rtorch.distributed.run: --nnodes must be >= 1, got {args.nnodes}")
    if args.nnodes > 1 and not args.hostfile:
        raise SystemExit("rtorch.distributed.run: --nnodes > 1 needs --hostfile (the hosts to start ranks on)")
    cmd = [find_mpiexec(args.mpiexec), "-n", str(n * args.nnodes)]
    if args.hostfile:
        if not os.path.exists(args.hostfile):
            raise SystemExit(f"rtorch.distributed.run: host file {args.hostfile!r} does not exist")
        cmd += ["-f", args.hostfile, "-ppn", str(n)]
    if args.iface:
        cmd += ["-iface", args.iface]
    cmd += args.mpiexec_args.split()
    if args.no_python:
        cmd += [args.script]
    else:
        cmd += [sys.executable, "-m", "rtorch.distributed._bootstrap"] + (["-m"] if args.module else []) + [args.script]
    cmd += args.script_args
    env = {}
    if args.threads_per_rank is not None:
        env["RTORCH_NUM_THREADS"] = str(args.threads_per_rank)
    elif "RTORCH_NUM_THREADS" not in os.environ and "OMP_NUM_THREADS" not in os.environ and n > 1:
        # N ranks each with a pool of all cores would oversubscribe the host (torchrun sets
        # OMP_NUM_THREADS=1 for the same reason); give each rank its share.
        try:
            cores = len(os.sched_getaffinity(0))
        except (AttributeError, OSError):
            cores = os.cpu_count() or 1
        env["RTORCH_NUM_THREADS"] = str(max(1, cores // n))
    return cmd, env


def main(argv=None):
    """Entry point of ``python -m rtorch.distributed.run``."""
    args = _parser().parse_args(argv)
    cmd, env = build_command(args)
    if args.dry_run:
        print(" ".join(f"{k}={v}" for k, v in env.items()) + (" " if env else "") + " ".join(cmd))
        return 0
    os.environ.update(env)
    sys.stdout.flush()
    os.execv(cmd[0], cmd)  # mpiexec takes over this process (signals and exit status included)


if __name__ == "__main__":
    sys.exit(main())
