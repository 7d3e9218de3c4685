"""Key-value stores for rendezvous without MPI (``env://`` and ``tcp://``): ``TCPStore`` (a small
server in rank 0, a client in every rank) and ``HashStore`` (in-process), with PyTorch's methods.

The NCCL backend uses a store to hand its unique id from rank 0 to the others when the processes
were not started by an MPI launcher. Values are bytes; keys are strings.
"""
import socket
import struct
import threading
import time
from datetime import timedelta

__all__ = ["Store", "TCPStore", "HashStore"]

_SET, _GET, _ADD, _CHECK, _DELETE, _NUM_KEYS = range(6)


def _secs(timeout):
    return timeout.total_seconds() if isinstance(timeout, timedelta) else float(timeout)


def _as_bytes(value):
    if isinstance(value, (bytes, bytearray, memoryview)):
        return bytes(value)
    if isinstance(value, str):
        return value.encode()
    raise TypeError(f"store values must be bytes or str, got {type(value).__name__}")


class Store:
    """Common waiting logic: ``get`` and ``wait`` poll until the keys exist or the timeout passes."""

    timeout = timedelta(seconds=300)

    def set_timeout(self, timeout):
        """Sets how long ``get`` and ``wait`` wait for keys.

        Args:
            timeout (timedelta or float): the timeout (a float is in seconds).
        """
        self.timeout = timeout if isinstance(timeout, timedelta) else timedelta(seconds=float(timeout))

    def get(self, key):
        """The value of `key`, waiting for it to be set (RuntimeError after the store's timeout)."""
        self.wait([key])
        found, value = self._try_get(key)
        if not found:
            raise RuntimeError(f"store key {key!r} disappeared while waiting for it")
        return value

    def wait(self, keys, timeout=None):
        """Block until every key in `keys` exists."""
        deadline = time.monotonic() + _secs(self.timeout if timeout is None else timeout)
        delay = 1e-3
        while not self.check(keys):
            if time.monotonic() >= deadline:
                raise RuntimeError(f"Timeout waiting for store keys {list(keys)} after "
                                   f"{_secs(self.timeout if timeout is None else timeout):g} s")
            time.sleep(delay)
            delay = min(delay * 2, 0.05)


class HashStore(Store):
    """An in-process store (for single-process groups and tests)."""

    def __init__(self):
        self._data = {}
        self._lock = threading.Lock()

    def set(self, key, value):
        """Sets ``key`` to ``value`` (bytes or str)."""
        with self._lock:
            self._data[key] = _as_bytes(value)

    def _try_get(self, key):
        with self._lock:
            return (key in self._data), self._data.get(key)

    def add(self, key, amount):
        """Adds ``amount`` to the integer at ``key`` (0 when absent) and returns the new value."""
        with self._lock:
            v = int(self._data.get(key, b"0")) + int(amount)
            self._data[key] = str(v).encode()
            return v

    def check(self, keys):
        """Returns ``True`` when every key in ``keys`` exists."""
        with self._lock:
            return all(k in self._data for k in keys)

    def delete_key(self, key):
        """Deletes ``key``; returns ``True`` if it existed."""
        with self._lock:
            return self._data.pop(key, None) is not None

    def num_keys(self):
        """Returns the number of keys in the store."""
        with self._lock:
            return len(self._data)


def _send_msg(sock, *fields):
    payload = b"".join(struct.pack("!I", len(f)) + f for f in fields)
    sock.sendall(struct.pack("!I", len(payload)) + payload)


def _recv_exact(sock, n):
    buf = bytearray()
    while len(buf) < n:
        chunk = sock.recv(n - len(buf))
        if not chunk:
            raise ConnectionError("store connection closed")
        buf += chunk
    return bytes(buf)


def _recv_msg(sock):
    (n,) = struct.unpack("!I", _recv_exact(sock, 4))
    payload = _recv_exact(sock, n)
    fields, i = [], 0
    while i < n:
        (k,) = struct.unpack("!I", payload[i:i + 4])
        fields.append(payload[i + 4:i + 4 + k])
        i += 4 + k
    return fields


class _Server:
    """The store's server: one thread per client connection over one dict."""

    def __init__(self, host, port):
        self._data = HashStore()
        self._sock = socket.create_server((host, port), reuse_port=False)
        self.port = self._sock.getsockname()[1]
        self._closed = False
        threading.Thread(target=self._accept, name="rtorch-store-server", daemon=True).start()

    def _accept(self):
        while not self._closed:
            try:
                conn, _ = self._sock.accept()
            except OSError:
                return
            threading.Thread(target=self._serve, args=(conn,), daemon=True).start()

    def _serve(self, conn):
        d = self._data
        with conn:
            while True:
                try:
                    cmd, *args = _recv_msg(conn)
                except (ConnectionError, OSError):
                    return
                op = cmd[0]
                if op == _SET:
                    d.set(args[0].decode(), args[1])
                    _send_msg(conn, b"")
                elif op == _GET:
                    found, value = d._try_get(args[0].decode())
                    _send_msg(conn, b"1" if found else b"0", value or b"")
                elif op == _ADD:
                    _send_msg(conn, str(d.add(args[0].decode(), int(args[1]))).encode())
                elif op == _CHECK:
                    _send_msg(conn, b"1" if d.check([a.decode() for a in args]) else b"0")
                elif op == _DELETE:
                    _send_msg(conn, b"1" if d.delete_key(args[0].decode()) else b"0")
                elif op == _NUM_KEYS:
                    _send_msg(conn, str(d.num_keys()).encode())

    def close(self):
        self._closed = True
        try:
            self._sock.shutdown(socket.SHUT_RDWR)  # wakes the accept() thread; a bare close does not
        except OSError:
            pass
        self._sock.close()


class TCPStore(Store):
    r"""A key-value store served over TCP by the process with ``is_master=True``.

    Args:
        host_name (str): address of the master (e.g. ``MASTER_ADDR``).
        port (int): its port (``MASTER_PORT``); 0 on the master picks a free one (see ``.port``).
        world_size (int, optional): number of processes using the store (informational).
        is_master (bool): start the server in this process.
        timeout (timedelta): how long connecting and ``get``/``wait`` may take.

    Example::

        >>> store = dist.TCPStore("127.0.0.1", 29500, 2, is_master=(rank == 0))
        >>> store.set("key", b"value"); store.get("key")
        b'value'
    """

    def __init__(self, host_name, port, world_size=None, is_master=False, timeout=timedelta(seconds=300),
                 wait_for_workers=True, multi_tenant=False):
        self.host = host_name
        self.world_size = world_size
        self.set_timeout(timeout)
        self._server = _Server("" if host_name in ("0.0.0.0", "") else host_name, int(port)) if is_master else None
        self.port = self._server.port if self._server is not None else int(port)
        self._lock = threading.Lock()
        self._sock = self._connect()

    def _connect(self):
        deadline = time.monotonic() + _secs(self.timeout)
        delay = 0.01
        while True:
            try:
                s = socket.create_connection((self.host, self.port), timeout=_secs(self.timeout))
                s.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
                return s
            except OSError as e:
                if time.monotonic() >= deadline:
                    raise RuntimeError(f"could not connect to the rendezvous store at {self.host}:{self.port} within "
                                       f"{_secs(self.timeout):g} s (is rank 0 running, and MASTER_ADDR/MASTER_PORT "
                                       f"right?): {e}") from e
                time.sleep(delay)
                delay = min(delay * 2, 0.5)

    def _call(self, op, *args):
        with self._lock:
            _send_msg(self._sock, bytes([op]), *args)
            return _recv_msg(self._sock)

    def set(self, key, value):
        """Set `key` to `value` (bytes or str)."""
        self._call(_SET, key.encode(), _as_bytes(value))

    def _try_get(self, key):
        found, value = self._call(_GET, key.encode())
        return found == b"1", value

    def add(self, key, amount):
        """Add `amount` to the integer at `key` (0 when absent) and return the new value."""
        return int(self._call(_ADD, key.encode(), str(int(amount)).encode())[0])

    def check(self, keys):
        """True when every key exists."""
        return self._call(_CHECK, *[k.encode() for k in keys])[0] == b"1"

    def delete_key(self, key):
        """Deletes ``key``; returns ``True`` if it existed."""
        return self._call(_DELETE, key.encode())[0] == b"1"

    def num_keys(self):
        """Returns the number of keys in the store."""
        return int(self._call(_NUM_KEYS)[0])

    def close(self):
        """Closes the connection (and, in the master process, stops the server)."""
        try:
            self._sock.close()
        finally:
            if self._server is not None:
                self._server.close()
