"""What every checkpoint format shares: the error class, opening files, reading with the path in errors."""
import os

__all__ = ["CheckpointError", "UNSAFE_MESSAGE", "describe", "read_exact", "read_into"]

UNSAFE_MESSAGE = (
    "rtorch.load, like torch.load since PyTorch 2.6, defaults to `weights_only=True`. Re-running `rtorch.load` "
    "with `weights_only` set to `False` will likely succeed, but it can result in arbitrary code execution. "
    "Do it only if you got the file from a trusted source."
)


class CheckpointError(RuntimeError, ValueError):
    """A file that is not a readable checkpoint: unknown format, truncated, or with inconsistent records.

    Subclasses RuntimeError (what ``torch.load`` raises for a damaged archive) and ValueError (what rtorch's
    safetensors reader has always raised), so code written for either catches it.
    """


def describe(f):
    """The name used for ``f`` in error messages: its path, or the file object's ``name``."""
    if isinstance(f, (str, bytes, os.PathLike)):
        return os.fsdecode(f)
    name = getattr(f, "name", None)
    return os.fsdecode(name) if isinstance(name, (str, bytes)) else f"<{type(f).__name__}>"


def read_exact(fh, n, where, what):
    """Read exactly ``n`` bytes into a new bytearray or raise CheckpointError naming what was cut short."""
    buf = bytearray(n)
    read_into(fh, buf, where, what)
    return buf


def read_into(fh, buf, where, what):
    """Fill the writable buffer ``buf`` from ``fh`` or raise CheckpointError naming what was cut short."""
    view = memoryview(buf).cast("B")
    n = view.nbytes
    got = 0
    while got < n:
        k = fh.readinto(view[got:])
        if not k:
            raise CheckpointError(f"rtorch.load: {where}: file truncated while reading {what} ({got} of {n} bytes)")
        got += k
