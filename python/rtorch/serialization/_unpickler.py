"""Unpicklers for PyTorch checkpoints: the restricted ``weights_only`` interpreter, a symbolic survey, and the full one.

``WeightsOnlyUnpickler`` is an opcode interpreter written here (as PyTorch's ``_weights_only_unpickler`` is): it
never imports a module or looks a name up by itself. A GLOBAL resolves only through the fixed allow-list of
``_names.allowed_globals()`` (tensors, storages, dtypes, ``OrderedDict``, primitives) and the user's
``add_safe_globals``; REDUCE calls, NEWOBJ creates and BUILD updates only those objects; anything else raises
``pickle.UnpicklingError`` naming the global, with PyTorch's wording. Loading therefore never runs code from the
file. Malformed data (stack underflow, a missing memo entry, truncation) raises ``CheckpointError``.

``SurveyUnpickler`` walks the same opcodes without calling or resolving anything and returns the persistent ids
in order (the legacy format needs each storage's dtype before it can find the storage bytes).

``FullUnpickler`` (``weights_only=False``) is Python's unpickler with PyTorch names mapped to rtorch's: it runs
whatever the file says, like ``torch.load(weights_only=False)``.
"""
import pickle
import struct
from collections import Counter, OrderedDict

import rtorch

from ._common import UNSAFE_MESSAGE, CheckpointError
from ._names import BLOCKED_MODULES, allowed_globals, is_torch_name, resolve_torch_name, storage_global
from ._safe_globals import user_allowed_globals

__all__ = ["WeightsOnlyUnpickler", "SurveyUnpickler", "FullUnpickler", "weights_only_message"]

UnpicklingError = pickle.UnpicklingError

# Python 2 names, as PyTorch maps them (checkpoints written under Python 2 name ``__builtin__`` etc.)
_NAME_MAPPING = {("__builtin__", "unicode"): ("builtins", "str"), ("__builtin__", "long"): ("builtins", "int")}
_IMPORT_MAPPING = {"__builtin__": "builtins", "copy_reg": "copyreg"}

_DTENSOR = ("torch.distributed.device_mesh.DeviceMesh", "torch.distributed.tensor._dtensor_spec.DTensorSpec",
            "torch.distributed.tensor._dtensor_spec.TensorMeta", "torch.distributed.tensor.DTensor",
            "torch.distributed.tensor.placement_types.Partial", "torch.distributed.tensor.placement_types.Replicate",
            "torch.distributed.tensor.placement_types.Shard")


class _Malformed(Exception):
    """An operation of the pickle cannot be done on the objects it names (e.g. a list used as a dict key)."""


class _Pending:
    """An object made by NEWOBJ that BUILD will replace (a legacy ``torch.Tensor`` before ``set_``)."""

    def __init__(self, cls, args):
        self.cls = cls
        self.args = args


class _Symbol:
    """What the survey pushes for every object it does not build."""

    def __init__(self, name=None):
        self.name = name


def _decode_ascii(x):
    return x.decode("ascii") if isinstance(x, bytes) else x


class _Interpreter:
    """The opcode loop shared by the restricted unpickler and the survey (protocols 2-5, no code execution).

    Subclasses decide what GLOBAL, REDUCE, NEWOBJ, BUILD and persistent ids do.
    """

    def __init__(self, file, *, encoding="utf-8", size=None):
        self.read = file.read
        self.readline = file.readline
        self.tell = getattr(file, "tell", lambda: -1)
        self.encoding = encoding
        self.size = size  # the file's size when known: a claimed length past it is refused before reading
        self.memo = {}

    # -- reading
    def _take(self, n):
        if n < 0:
            raise CheckpointError(f"rtorch.load: malformed pickle data (an item claims {n} bytes)")
        if n > 1 << 16:
            if self.size is not None and n > self.size - self.tell():
                # file.read(n) would allocate n bytes first; a hostile length must not reserve gigabytes
                raise CheckpointError(f"rtorch.load: pickle data truncated (an item claims {n} bytes, more than "
                                      "the rest of the file)")
            # Size unknown: read in pieces, so a hostile length cannot reserve memory it does not fill.
            parts, left = [], n
            while left:
                chunk = self.read(min(left, 1 << 20))
                if not chunk:
                    break
                parts.append(chunk)
                left -= len(chunk)
            data = b"".join(parts)
        else:
            data = self.read(n)
        if len(data) != n:
            raise CheckpointError(f"rtorch.load: pickle data truncated (wanted {n} bytes, got {len(data)})")
        return data

    def _line(self):
        line = self.readline()
        if not line.endswith(b"\n"):
            raise CheckpointError("rtorch.load: pickle data truncated inside a GLOBAL name")
        return line[:-1].decode("utf-8")

    # -- stack helpers
    def _pop_mark(self):
        items = self.stack
        self.stack = self.metastack.pop()
        return items

    def load(self):
        """Interpret the pickle up to STOP and return the object it builds."""
        self.stack = []
        self.metastack = []
        self.pending = set()
        ops = _OPS
        while True:
            pos = self.tell()
            key = self.read(1)
            if not key:
                raise CheckpointError("rtorch.load: pickle data truncated (no STOP opcode)")
            op = ops.get(key[0])
            if op is None:
                raise UnpicklingError(f"Unsupported operand {key[0]}")
            try:
                done = op(self)
            except (IndexError, KeyError, struct.error, UnicodeDecodeError, _Malformed) as e:
                raise CheckpointError(f"rtorch.load: malformed pickle data at byte {pos} (opcode {key!r}): "
                                      f"{type(e).__name__}: {e}") from None
            if done:
                return self.result

    # -- opcodes
    def op_proto(self):
        proto = self._take(1)[0]
        if proto > pickle.HIGHEST_PROTOCOL:
            raise UnpicklingError(f"unsupported pickle protocol: {proto}")

    def op_frame(self):
        self._take(8)  # frames only group opcodes for buffering; the stream is read the same without them

    def op_stop(self):
        if self.pending:
            raise UnpicklingError("Object created by NEWOBJ was not initialized by BUILD; the pickle data is likely "
                                  "corrupt or malicious")
        if self.metastack:
            raise CheckpointError("rtorch.load: malformed pickle data: MARK without its matching opcode")
        self.result = self.stack.pop()
        return True

    def op_mark(self):
        self.metastack.append(self.stack)
        self.stack = []

    def op_pop(self):
        if self.stack:
            self.stack.pop()
        else:
            self._pop_mark()

    def op_pop_mark(self):
        self._pop_mark()

    def op_dup(self):
        self.stack.append(self.stack[-1])

    def op_none(self):
        self.stack.append(None)

    def op_true(self):
        self.stack.append(True)

    def op_false(self):
        self.stack.append(False)

    def op_binint(self):
        self.stack.append(struct.unpack("<i", self._take(4))[0])

    def op_binint1(self):
        self.stack.append(self._take(1)[0])

    def op_binint2(self):
        self.stack.append(struct.unpack("<H", self._take(2))[0])

    def op_long1(self):
        n = self._take(1)[0]
        self.stack.append(int.from_bytes(self._take(n), "little", signed=True))

    def op_binfloat(self):
        self.stack.append(struct.unpack(">d", self._take(8))[0])

    def _push_text(self, n):
        self.stack.append(str(self._take(n), "utf-8", "surrogatepass"))

    def op_binunicode(self):
        self._push_text(struct.unpack("<I", self._take(4))[0])

    def op_short_binunicode(self):
        self._push_text(self._take(1)[0])

    def op_binunicode8(self):
        self._push_text(struct.unpack("<Q", self._take(8))[0])

    def _push_string(self, n):
        data = self._take(n)
        self.stack.append(data if self.encoding == "bytes" else data.decode(self.encoding, "strict"))

    def op_short_binstring(self):
        self._push_string(self._take(1)[0])

    def op_binstring(self):
        n = struct.unpack("<i", self._take(4))[0]
        if n < 0:
            raise CheckpointError("rtorch.load: malformed pickle data: negative BINSTRING length")
        self._push_string(n)

    def op_short_binbytes(self):
        self.stack.append(bytes(self._take(self._take(1)[0])))

    def op_binbytes(self):
        self.stack.append(bytes(self._take(struct.unpack("<I", self._take(4))[0])))

    def op_binbytes8(self):
        self.stack.append(bytes(self._take(struct.unpack("<Q", self._take(8))[0])))

    def op_empty_tuple(self):
        self.stack.append(())

    def op_tuple(self):
        items = tuple(self._pop_mark())  # before naming self.stack: popping the mark replaces it
        self.stack.append(items)

    def op_tuple1(self):
        self.stack[-1] = (self.stack[-1],)

    def op_tuple2(self):
        self.stack[-2:] = [(self.stack[-2], self.stack[-1])]

    def op_tuple3(self):
        self.stack[-3:] = [(self.stack[-3], self.stack[-2], self.stack[-1])]

    def op_empty_list(self):
        self.stack.append([])

    def op_list(self):
        items = self._pop_mark()
        self.stack.append(items)

    def op_empty_dict(self):
        self.stack.append({})

    def op_dict(self):
        items = self._pop_mark()
        if len(items) % 2:
            raise CheckpointError("rtorch.load: malformed pickle data: DICT with an odd number of items")
        try:
            self.stack.append({items[i]: items[i + 1] for i in range(0, len(items), 2)})
        except TypeError as e:
            raise _Malformed(e) from None

    def op_empty_set(self):
        self.stack.append(set())

    def op_frozenset(self):
        try:
            items = frozenset(self._pop_mark())
        except TypeError as e:
            raise _Malformed(e) from None
        self.stack.append(items)

    def op_append(self):
        item = self.stack.pop()
        self.append_to(self.stack[-1], [item], "append to")

    def op_appends(self):
        items = self._pop_mark()
        self.append_to(self.stack[-1], items, "extend")

    def op_setitem(self):
        v = self.stack.pop()
        k = self.stack.pop()
        self.set_items(self.stack[-1], [k, v], "SETITEM")

    def op_setitems(self):
        items = self._pop_mark()
        if len(items) % 2:
            raise CheckpointError("rtorch.load: malformed pickle data: SETITEMS with an odd number of items")
        self.set_items(self.stack[-1], items, "SETITEMS")

    def op_additems(self):
        items = self._pop_mark()
        self.add_items(self.stack[-1], items)

    def op_binget(self):
        self.stack.append(self.memo[self._take(1)[0]])

    def op_long_binget(self):
        self.stack.append(self.memo[struct.unpack("<I", self._take(4))[0]])

    def op_binput(self):
        self.memo[self._take(1)[0]] = self.stack[-1]

    def op_long_binput(self):
        self.memo[struct.unpack("<I", self._take(4))[0]] = self.stack[-1]

    def op_memoize(self):
        self.memo[len(self.memo)] = self.stack[-1]

    def op_global(self):
        module = self._line()
        name = self._line()
        self.stack.append(self.find_global(module, name))

    def op_stack_global(self):
        name = self.stack.pop()
        module = self.stack.pop()
        if not isinstance(module, str) or not isinstance(name, str):
            raise UnpicklingError("STACK_GLOBAL requires str")
        self.stack.append(self.find_global(module, name))

    def op_reduce(self):
        args = self.stack.pop()
        func = self.stack[-1]
        self.stack[-1] = self.call(func, args)

    def op_newobj(self):
        args = self.stack.pop()
        cls = self.stack.pop()
        self.stack.append(self.new_object(cls, args))

    def op_build(self):
        state = self.stack.pop()
        inst = self.stack[-1]
        new = self.build(inst, state)
        if new is not inst:
            self.stack[-1] = new
            for k, v in self.memo.items():
                if v is inst:
                    self.memo[k] = new

    def op_binpersid(self):
        pid = self.stack.pop()
        self.stack.append(self.persistent(pid))

    # -- policy hooks (overridden)
    def find_global(self, module, name):
        raise NotImplementedError

    def call(self, func, args):
        raise NotImplementedError

    def new_object(self, cls, args):
        raise NotImplementedError

    def build(self, inst, state):
        raise NotImplementedError

    def persistent(self, pid):
        raise NotImplementedError

    def append_to(self, target, items, what):
        raise NotImplementedError

    def set_items(self, target, items, what):
        raise NotImplementedError

    def add_items(self, target, items):
        raise NotImplementedError


_OPS = {op[0]: getattr(_Interpreter, f"op_{name}") for op, name in [
    (pickle.PROTO, "proto"), (pickle.FRAME, "frame"), (pickle.STOP, "stop"), (pickle.MARK, "mark"),
    (pickle.POP, "pop"), (pickle.POP_MARK, "pop_mark"), (pickle.DUP, "dup"), (pickle.NONE, "none"),
    (pickle.NEWTRUE, "true"), (pickle.NEWFALSE, "false"), (pickle.BININT, "binint"), (pickle.BININT1, "binint1"),
    (pickle.BININT2, "binint2"), (pickle.LONG1, "long1"), (pickle.BINFLOAT, "binfloat"),
    (pickle.BINUNICODE, "binunicode"), (pickle.SHORT_BINUNICODE, "short_binunicode"),
    (pickle.BINUNICODE8, "binunicode8"), (pickle.SHORT_BINSTRING, "short_binstring"),
    (pickle.BINSTRING, "binstring"), (pickle.SHORT_BINBYTES, "short_binbytes"), (pickle.BINBYTES, "binbytes"),
    (pickle.BINBYTES8, "binbytes8"), (pickle.EMPTY_TUPLE, "empty_tuple"), (pickle.TUPLE, "tuple"),
    (pickle.TUPLE1, "tuple1"), (pickle.TUPLE2, "tuple2"), (pickle.TUPLE3, "tuple3"), (pickle.EMPTY_LIST, "empty_list"),
    (pickle.LIST, "list"), (pickle.EMPTY_DICT, "empty_dict"), (pickle.DICT, "dict"), (pickle.EMPTY_SET, "empty_set"),
    (pickle.FROZENSET, "frozenset"), (pickle.APPEND, "append"), (pickle.APPENDS, "appends"),
    (pickle.SETITEM, "setitem"), (pickle.SETITEMS, "setitems"), (pickle.ADDITEMS, "additems"),
    (pickle.BINGET, "binget"), (pickle.LONG_BINGET, "long_binget"), (pickle.BINPUT, "binput"),
    (pickle.LONG_BINPUT, "long_binput"), (pickle.MEMOIZE, "memoize"), (pickle.GLOBAL, "global"),
    (pickle.STACK_GLOBAL, "stack_global"), (pickle.REDUCE, "reduce"), (pickle.NEWOBJ, "newobj"),
    (pickle.BUILD, "build"), (pickle.BINPERSID, "binpersid"),
]}


def _map_py2(module, name):
    if (module, name) in _NAME_MAPPING:
        return _NAME_MAPPING[(module, name)]
    return _IMPORT_MAPPING.get(module, module), name


def _display_name(full_path):
    # PyTorch strips "builtins." from the name it shows (``GLOBAL eval``)
    if full_path.startswith("builtins"):
        rest = full_path[len("builtins"):]
        return rest[1:] if rest.startswith(".") else "builtins" + rest
    return full_path


class WeightsOnlyUnpickler(_Interpreter):
    """The ``weights_only=True`` unpickler: PyTorch's rules, rtorch's objects.

    Args:
        file: binary file object positioned at the pickle.
        persistent_load: called with each persistent id that names a storage (a tuple whose first item is
            ``"storage"``, or an int); returns the object to push.
    """

    def __init__(self, file, persistent_load, *, encoding="utf-8", size=None):
        super().__init__(file, encoding=encoding, size=size)
        self.persistent_load = persistent_load
        self.allowed = allowed_globals()
        self.user = user_allowed_globals()
        self.allowed_values = {id(v): v for v in self.allowed.values()}
        self.user_values = {id(v): v for v in self.user.values()}

    def _is_allowed(self, obj):
        return id(obj) in self.allowed_values or id(obj) in self.user_values

    def find_global(self, module, name):
        module, name = _map_py2(module, name)
        full_path = f"{module}.{name}"
        if module in BLOCKED_MODULES:
            raise UnpicklingError(f"Trying to load unsupported GLOBAL {full_path} whose module {module} is blocked.")
        st = storage_global(module, name)
        if st is not None:
            return st
        if full_path in self.allowed:
            return self.allowed[full_path]
        if full_path in self.user:
            return self.user[full_path]
        if is_torch_name(module) and "r" + full_path in self.user:  # allowed as rtorch.X, named torch.X
            return self.user["r" + full_path]
        if full_path in _DTENSOR:
            raise UnpicklingError("``torch.distributed.tensor`` must be imported to load DTensors")
        shown = _display_name(full_path)
        raise UnpicklingError(
            f"Unsupported global: GLOBAL {shown} was not an allowed global by default. Please use "
            f"`rtorch.serialization.add_safe_globals([{shown}])` or the "
            f"`rtorch.serialization.safe_globals([{shown}])` context manager to allowlist this global if you trust "
            "this class/function.")

    def call(self, func, args):
        if not self._is_allowed(func):
            msg = f"Trying to call reduce for unrecognized function {func}"
            if hasattr(func, "__self__"):
                msg += f" which belongs to {func.__self__}"
            raise UnpicklingError(msg)
        if not isinstance(args, tuple):
            raise CheckpointError(f"rtorch.load: malformed pickle data: REDUCE arguments must be a tuple, got "
                                  f"{type(args).__name__}")
        if func is rtorch.Tensor:  # the legacy constructor allocates from sizes in the file: never call it
            raise UnpicklingError("Trying to call reduce for torch.Tensor, which rtorch refuses (legacy constructor)")
        if id(func) in self.allowed_values:
            try:
                return func(*args)
            except TypeError as e:  # wrong arity or argument types for one of ours: a malformed file
                raise CheckpointError(f"rtorch.load: malformed call of {getattr(func, '__name__', func)} in the "
                                      f"checkpoint: {e}") from None
        return func(*args)

    def new_object(self, cls, args):
        if not isinstance(args, tuple):
            raise CheckpointError("rtorch.load: malformed pickle data: NEWOBJ arguments must be a tuple")
        if cls is rtorch.nn.Parameter:
            return rtorch.nn.Parameter(*args)
        if cls is rtorch.Tensor:
            if args:
                raise UnpicklingError("Can only create an empty torch.Tensor with NEWOBJ (legacy format)")
            pending = _Pending(cls, args)
            self.pending.add(pending)
            return pending
        if isinstance(cls, type) and self._is_allowed(cls):
            try:
                return cls.__new__(cls, *args)
            except TypeError as e:
                raise _Malformed(e) from None
        raise UnpicklingError("Can only create new object for nn.Parameter or classes allowlisted via "
                              f"`add_safe_globals` but got {cls}")

    def build(self, inst, state):
        if isinstance(inst, _Pending):
            # legacy ``torch.Tensor`` pickles: BUILD calls ``set_(storage, offset, size, stride)``
            self.pending.discard(inst)
            if not isinstance(state, tuple) or len(state) != 4:
                raise CheckpointError("rtorch.load: malformed legacy tensor state (expected storage, offset, size, "
                                      "stride)")
            return self.allowed["torch._utils._rebuild_tensor"](*state)
        t = type(inst)
        if t is OrderedDict:
            if not isinstance(state, dict):
                raise CheckpointError("rtorch.load: malformed OrderedDict state")
            inst.__dict__.update(state)
        elif t is rtorch.nn.Parameter or self._is_allowed(t):
            try:
                self._apply_state(inst, t, state)
            except (TypeError, AttributeError) as e:
                raise _Malformed(e) from None
        else:
            raise UnpicklingError("Can only build Tensor, Parameter, OrderedDict or types allowlisted via "
                                  f"`add_safe_globals`, but got {t}")
        return inst

    @staticmethod
    def _apply_state(inst, t, state):
        """What pickle's BUILD does: ``__setstate__``, or update ``__dict__`` (and slots)."""
        if hasattr(inst, "__setstate__") and t is not rtorch.nn.Parameter:
            inst.__setstate__(state)
            return
        slotstate = None
        if isinstance(state, tuple) and len(state) == 2:
            state, slotstate = state
        if state:
            inst.__dict__.update(state)
        if slotstate:
            for k, v in slotstate.items():
                setattr(inst, k, v)

    def persistent(self, pid):
        if type(pid) is not tuple and type(pid) is not int:
            raise UnpicklingError(f"persistent_load id must be tuple or int, but got {type(pid)}")
        if type(pid) is tuple and len(pid) > 0 and _decode_ascii(pid[0]) != "storage":
            raise UnpicklingError(f"Only persistent_load of storage is allowed, but got {type(pid[0])}")
        return self.persistent_load(pid)

    def append_to(self, target, items, what):
        if type(target) is not list:
            raise UnpicklingError(f"Can only {what} lists, but got {type(target)}")
        target.extend(items)

    def set_items(self, target, items, what):
        if type(target) not in (dict, OrderedDict, Counter):
            raise UnpicklingError(f"Can only {what} for dict, collections.OrderedDict, collections.Counter, but got "
                                  f"{type(target)}")
        try:
            for i in range(0, len(items), 2):
                target[items[i]] = items[i + 1]
        except TypeError as e:  # an unhashable key
            raise _Malformed(e) from None

    def add_items(self, target, items):
        if type(target) is not set:
            raise UnpicklingError(f"Can only add items to sets, but got {type(target)}")
        try:
            target.update(items)
        except TypeError as e:
            raise _Malformed(e) from None


class SurveyUnpickler(_Interpreter):
    """Walks a pickle without building anything and collects its persistent ids, in order (``self.pids``).

    GLOBALs become symbols named ``module.name`` (nothing is imported), calls and new objects become anonymous
    symbols; only container opcodes on real containers take effect, so the ids come out as plain tuples.
    """

    def __init__(self, file, size=None):
        super().__init__(file, size=size)
        self.pids = []

    def find_global(self, module, name):
        module, name = _map_py2(module, name)
        return _Symbol(f"{module}.{name}")

    def call(self, func, args):
        return _Symbol()

    def new_object(self, cls, args):
        return _Symbol()

    def build(self, inst, state):
        return inst

    def persistent(self, pid):
        self.pids.append(pid)
        return _Symbol()

    def append_to(self, target, items, what):
        if type(target) is list:
            target.extend(items)

    def set_items(self, target, items, what):
        if type(target) is dict:
            for i in range(0, len(items), 2):
                try:
                    target[items[i]] = items[i + 1]
                except TypeError:  # an unhashable symbol key: irrelevant to the survey
                    pass

    def add_items(self, target, items):
        pass


def symbol_name(obj):
    """The ``module.name`` of a survey symbol (None for anything else)."""
    return obj.name if isinstance(obj, _Symbol) else None


class FullUnpickler(pickle.Unpickler):
    """Python's unpickler with PyTorch's names resolved to rtorch's (``weights_only=False``: runs the file's code).

    Args:
        file: binary file object.
        persistent_load: called with each persistent id.
        **kwargs: passed to ``pickle.Unpickler`` (``encoding``, ``errors``).
    """

    def __init__(self, file, persistent_load, **kwargs):
        super().__init__(file, **kwargs)
        self._persistent = persistent_load

    def persistent_load(self, pid):
        return self._persistent(pid)

    def find_class(self, module, name):
        if isinstance(name, str) and is_torch_name(module):
            return resolve_torch_name(module, name)
        return super().find_class(module, name)


def weights_only_message(message):
    """PyTorch's explanation around an error of the ``weights_only`` unpickler."""
    docs = ("\n\nCheck the documentation of torch.load to learn more about types accepted by default with "
            "weights_only https://pytorch.org/docs/stable/generated/torch.load.html.")
    if "was not an allowed global by default." in message:
        return ("Weights only load failed. This file can still be loaded, to do so you have two options, "
                "\033[1mdo those steps only if you trust the source of the checkpoint\033[0m. "
                f"\n\t(1) {UNSAFE_MESSAGE}\n\t(2) Alternatively, to load with `weights_only=True` please check the "
                "recommended steps in the following error message.\n\tWeightsUnpickler error: " + message + docs)
    if " must be imported to load" in message:
        return f"Weights only load failed. {message}\n {UNSAFE_MESSAGE}\n"
    out = f"Weights only load failed. {UNSAFE_MESSAGE}\n"
    if " is blocked" not in message:
        out += ("Please file an issue with the following so that we can make `weights_only=True` compatible with "
                "your use case: WeightsUnpickler error: ")
    return out + "\n\n" + message + docs
