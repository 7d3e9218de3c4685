"""What an exception raised by a fuzzed call means: a clean error, a Rust panic, or a raw Python-internal error.

Outcomes (worst first): 'death' (the process died: signal, abort on a failed allocation, OOM kill), 'hang' (the
call ran past its timeout), 'panic' (`pyo3_runtime.PanicException`: a Rust panic reached Python), 'raw' (an
AttributeError/TypeError/IndexError/KeyError/... that escaped from rtorch's own Python code or from a library it
called, naming no argument: a bug, not an error message), 'unnamed' (an error from the native layer with a bare
conversion message such as "can't convert negative int to unsigned" that names no argument), 'clean' (an
exception of a PyTorch-style type with a message), 'ok' (the call returned).
"""
import os
import re
import traceback

OUTCOMES = ("death", "hang", "panic", "raw", "unnamed", "clean", "ok")
FAILING = ("death", "hang", "panic", "raw")

# Messages CPython (or NumPy) produces on its own when code misuses a value: they name no argument of the op.
_INTERNAL_PATTERNS = [re.compile(p) for p in (
    r"object has no attribute", r"index out of range", r"object is not subscriptable", r"object is not iterable",
    r"unsupported operand type", r"has no len\(\)", r"object is not callable", r"cannot unpack non-iterable",
    r"not enough values to unpack", r"too many values to unpack", r"not supported between instances",
    r"must be real number, not", r"can't multiply sequence", r"object cannot be interpreted as an integer",
    r"indices must be integers", r"unhashable type", r"division by zero", r"math domain error",
    r"referenced before assignment", r"is not defined", r"maximum recursion depth", r"takes \d+ positional",
    r"missing \d+ required", r"got an unexpected keyword argument", r"got multiple values for argument",
    r"cannot convert float (NaN|infinity) to integer", r"int too large to convert", r"bad operand type",
    r"argument must be a string or a( real)? number", r"object does not support item assignment",
    r"^\d+$", r"^'[^']*'$", r"must be str, not", r"can only concatenate", r"invalid literal for int",
    r"could not convert string to float", r"Python int too large", r"operands could not be broadcast",
    r"The truth value of an array", r"only integer scalar arrays", r"^tuple\.index", r"^list\.remove",
    r"expected a sequence of integers or a single integer", r"object of type '[^']*' has no len",
    r"sequence item \d+", r"zip\(\) argument", r"arg is an empty sequence", r"empty range",
    r"range\(\) arg 3 must not be zero", r"slice indices must be integers", r"ord\(\) expected",
    r"ufunc '[^']*' not supported",
)]
# Conversion messages only the native layer (PyO3) gives: a bare extraction naming no argument.
_UNNAMED_PATTERNS = [re.compile(p) for p in (
    r"can't convert negative int to unsigned", r"out of range integral type conversion attempted",
    r"int too big to convert", r"is not an instance of '", r"object cannot be converted to '",
)]
# Conversion messages both CPython builtins and native extraction give: native when the rtorch line that
# raised them calls no Python conversion itself.
_AMBIGUOUS = re.compile(r"cannot be interpreted as an integer|must be real number, not|Python int too large to "
                        r"convert to C")
_PY_CONVERSION = re.compile(r"\b(range|int|float|operator\.index|math\.\w+|len|round)\(")
# Python's own argument-binding errors: clean when the function named is public (it names the argument).
_BINDING = re.compile(r"^([\w.]+)\(\) (takes \d+|missing \d+ required|got an unexpected keyword|got multiple values)")
# Exceptions that are a bug whatever their message.
_ALWAYS_RAW = ("RecursionError", "UnboundLocalError", "NameError", "SystemError", "StopIteration")
# The types a raw internal error comes as (a deliberate `raise` of them is fine).
_RAW_TYPES = ("AttributeError", "TypeError", "IndexError", "KeyError", "ValueError", "ZeroDivisionError",
              "OverflowError", "UnboundLocalError", "NameError", "AssertionError", "RecursionError",
              "SystemError", "StopIteration")


def text_of(exc):
    return f"{type(exc).__name__}: {exc}"


# The message of a Rust panic caught by the bindings' last-resort guard (src/py/guard.rs).
_GUARDED_PANIC = "internal error (a bug in rtorch"


def package_dir(rtorch):
    return os.path.dirname(os.path.abspath(rtorch.__file__)) + os.sep


def _is_raise_line(line):
    return line.lstrip().startswith(("raise ", "raise(")) or line.strip() == "raise"


def classify(exc, call_file, pkg_dir):
    """(outcome, where, message) for exception `exc` raised by code compiled under the file name `call_file`.

    `where` is 'file:line' of the innermost frame inside rtorch's Python package (for 'raw': the line to fix),
    or of the innermost frame outside it when the error came from a library rtorch called.
    """
    etype = type(exc).__name__
    msg = str(exc)
    # PyO3 names the argument whose conversion failed in a note ("while processing 'dim'"), which Python
    # prints under the message: such an error names its argument.
    notes = [n for n in getattr(exc, "__notes__", ()) if isinstance(n, str)]
    if any(n.startswith("while processing '") for n in notes):
        msg += " (argument '" + notes[0][len("while processing '"):]
    if not isinstance(exc, Exception):
        return ("panic" if etype == "PanicException" else "raw"), "", f"{etype}: {msg}"
    frames = traceback.extract_tb(exc.__traceback__)
    # Frames below the call's own statement (the first frame in `call_file`): rtorch's code and what it called.
    first = next((i for i, f in enumerate(frames) if f.filename == call_file), -1)
    inner = frames[first + 1:]
    if inner and inner[-1].filename == call_file:
        return "clean", "", text_of(exc)  # raised by the caller's own callback (a hook, a lambda) and passed on
    ours = [f for f in inner if f.filename.startswith(pkg_dir)]
    where = ""
    if ours:
        f = ours[-1]
        where = f"{os.path.relpath(f.filename, os.path.dirname(pkg_dir.rstrip(os.sep)))}:{f.lineno}"
    text = f"{etype}: {msg}"
    if etype in _ALWAYS_RAW:
        return "raw", where, text
    if etype == "PanicException" or _GUARDED_PANIC in msg:
        return "panic", where, text  # a Rust panic, or one the bindings' guard turned into a RuntimeError
    if any(p.search(msg) for p in _UNNAMED_PATTERNS) and "argument '" not in msg:
        return "unnamed", where, text
    if not inner and _AMBIGUOUS.search(msg) and "argument '" not in msg:
        return "unnamed", where, text  # a native method's own conversion, naming no argument
    if etype not in _RAW_TYPES or not inner:
        # Raised by the callable itself (native code or the Python call binding): its own message.
        return "clean", where, text
    last = inner[-1]
    if last.filename.startswith(pkg_dir):
        if _is_raise_line(last.line or ""):
            return "clean", where, text
        if etype == "AssertionError":
            return "raw", where, text  # an `assert` statement: an internal invariant, not an error message
        m = _BINDING.match(msg)
        if m and not any(part.startswith("_") and not part.endswith("__") for part in m.group(1).split(".")):
            return "clean", where, text  # a public function (a module's forward) called with the wrong arguments
        if _AMBIGUOUS.search(msg) and not _PY_CONVERSION.search(last.line or "") and "argument '" not in msg:
            return "unnamed", where, text  # the native method the line calls could not convert a value
        # The innermost rtorch line called native code or a builtin: internal only if CPython's wording.
        if any(p.search(msg) for p in _INTERNAL_PATTERNS) and "argument '" not in msg:
            return "raw", where, text
        return "clean", where, text
    # Raised inside another library (NumPy, the standard library) that rtorch's code handed the value to.
    if ours:
        return "raw", where, text + f" (from {os.path.basename(last.filename)}:{last.lineno})"
    return "clean", where, text
