"""Atomic saves to a path: write a temporary file beside the target, fsync, rename; sweep orphaned temporaries.

A save killed mid-write (SIGKILL, power loss) cannot clean up after itself. Temporary files are therefore named
``.<target>.rtorch-tmp.<host>.<pid>.<random>``, and every later save to the same target removes those whose
writing process (same host) no longer exists, so an orphan lives at most until the next save of that file.
"""
import os
import secrets
import socket
import stat

__all__ = ["atomic_write"]

_TAG = ".rtorch-tmp."


def _tmp_prefix(path):
    return f".{os.path.basename(path)}{_TAG}"


def _host():
    return socket.gethostname().replace(os.sep, "_")


def _alive(pid):
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except (PermissionError, OSError):  # exists but belongs to someone else, or we cannot tell
        return True
    return True


def sweep_orphans(path):
    """Remove temporaries of ``path`` left by dead processes on this host; return the names removed."""
    directory = os.path.dirname(path) or "."
    prefix = _tmp_prefix(path)
    host = _host()
    removed = []
    try:
        names = os.listdir(directory)
    except OSError:
        return removed
    for name in names:
        if not name.startswith(prefix):
            continue
        parts = name[len(prefix):].rsplit(".", 2)
        if len(parts) != 3 or parts[0] != host or not parts[1].isdigit():
            continue
        pid = int(parts[1])
        if pid == os.getpid() or _alive(pid):
            continue
        try:
            os.unlink(os.path.join(directory, name))
            removed.append(name)
        except OSError:
            pass
    return removed


def atomic_write(path, write_payload):
    """Call ``write_payload(fileobj)`` on a temporary file beside ``path`` and rename it over ``path``.

    A failure at any point leaves the previous file (if any) untouched and removes the temporary file. A
    symlinked path is written through (as ``open(path, "wb")`` would) and a replaced file keeps its permissions;
    a new file gets the umask's.
    """
    path = os.path.realpath(path)
    directory = os.path.dirname(path)
    sweep_orphans(path)
    tmp = os.path.join(directory, f"{_tmp_prefix(path)}{_host()}.{os.getpid()}.{secrets.token_hex(6)}")
    # mode 0o666 lets the umask decide the permissions, as for a plain open(path, "wb")
    try:
        fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_BINARY", 0), 0o666)
    except OSError as e:  # name the file the user asked for, not our temporary
        raise type(e)(e.errno, e.strerror, path) from None
    try:
        with os.fdopen(fd, "wb") as fh:
            try:
                os.chmod(tmp, stat.S_IMODE(os.stat(path).st_mode))
            except FileNotFoundError:
                pass
            write_payload(fh)
            fh.flush()
            os.fsync(fh.fileno())
        os.replace(tmp, path)
    except BaseException:
        try:
            os.unlink(tmp)
        except OSError:
            pass
        raise
    try:  # make the rename itself durable (POSIX; best effort)
        dfd = os.open(directory, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(dfd)
    except OSError:
        pass
    finally:
        os.close(dfd)
