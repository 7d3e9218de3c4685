"""What each rank runs under ``rtorch.distributed.run``: torchrun's environment variables from the MPI
launcher's, then the user's script (or ``-m module``) as ``__main__`` with its own argv."""
import os
import runpy
import sys

# (rank, size, local rank, local size) variables of Hydra (MPICH), Open MPI and PMIx launchers.
_SOURCES = [
    ("PMI_RANK", "PMI_SIZE", "MPI_LOCALRANKID", "MPI_LOCALNRANKS"),
    ("OMPI_COMM_WORLD_RANK", "OMPI_COMM_WORLD_SIZE", "OMPI_COMM_WORLD_LOCAL_RANK", "OMPI_COMM_WORLD_LOCAL_SIZE"),
    ("PMIX_RANK", "PMIX_SIZE", "PMIX_LOCAL_RANK", "PMIX_LOCAL_SIZE"),
]


def export_torchrun_env(environ=os.environ):
    """Set RANK, WORLD_SIZE, LOCAL_RANK, LOCAL_WORLD_SIZE from the MPI launcher's variables (kept
    when already set). Returns True when a launcher was recognised."""
    for rank, size, lrank, lsize in _SOURCES:
        if rank in environ and size in environ:
            environ.setdefault("RANK", environ[rank])
            environ.setdefault("WORLD_SIZE", environ[size])
            environ.setdefault("LOCAL_RANK", environ.get(lrank, "0"))
            environ.setdefault("LOCAL_WORLD_SIZE", environ.get(lsize, "1"))
            environ.setdefault("GROUP_RANK", "0")
            return True
    return False


def main(argv):
    export_torchrun_env()
    if not argv:
        raise SystemExit("usage: python -m rtorch.distributed._bootstrap [-m] script [args...]")
    if argv[0] == "-m":
        sys.argv = argv[1:]
        runpy.run_module(argv[1], run_name="__main__", alter_sys=True)
    else:
        sys.argv = argv
        sys.path.insert(0, os.path.dirname(os.path.abspath(argv[0])))
        runpy.run_path(argv[0], run_name="__main__")


if __name__ == "__main__":
    main(sys.argv[1:])
