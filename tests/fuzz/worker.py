"""The child process that runs fuzzed calls one at a time under an address-space limit and reports each outcome.

Protocol: the parent writes one JSON line per call ({"i": index, "stmts": [[label, source], ...]}) to stdin; the
worker answers one JSON line on its private copy of stdout. The process's own stdout goes to /dev/null and its
stderr to the file the parent gave, where Rust's panic hook and allocation-failure aborts write their message.
Run as: python worker.py STDERR_FILE ADDRESS_SPACE_BYTES WORK_DIR (the parent removes WORK_DIR, also after a
death, so files a call writes never pile up).
"""
import json
import os
import re
import resource
import sys
import tempfile
import warnings

CALL_FILE = "<fuzz-call>"
_PANIC_AT = re.compile(r"panicked at ([^\n]+?):?\n")


def main():
    stderr_path, limit, tmp = sys.argv[1], int(sys.argv[2]), sys.argv[3]
    if limit > 0:
        resource.setrlimit(resource.RLIMIT_AS, (limit, limit))
    proto = os.fdopen(os.dup(1), "w", buffering=1)
    devnull = os.open(os.devnull, os.O_WRONLY)
    os.dup2(devnull, 1)
    sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
    os.chdir(tmp)  # relative paths a fuzzed save may name land here
    tempfile.tempdir = tmp  # and so does every temporary file or directory (the preamble's TMP included)
    warnings.simplefilter("ignore")
    base, pkg = namespace()
    err = open(stderr_path, "rb")
    err.seek(0, 2)
    proto.write(json.dumps({"ready": True}) + "\n")
    for line in sys.stdin:
        job = json.loads(line)
        res = run_call(job["stmts"], base, pkg, err)
        res["i"] = job["i"]
        proto.write(json.dumps(res) + "\n")


def namespace():
    """The globals every call starts from (the reproducer's preamble) and rtorch's package directory."""
    from fuzz.calls import PREAMBLE
    from fuzz.classify import package_dir

    base = {}
    exec(compile(PREAMBLE, "<preamble>", "exec"), base)
    return base, package_dir(base["rtorch"])


def run_call(stmts, base, pkg, err=None):
    """Run one call's statements in a fresh namespace; {'o': outcome, 'label', 'where', 'msg'}.

    `err` is this process's stderr file opened for reading at its end: a panic's location is read from it.
    """
    from fuzz.classify import classify

    rtorch = base["rtorch"]
    rtorch.manual_seed(0)
    ns = dict(base)
    res = {"o": "ok"}
    for label, src in stmts:
        try:
            exec(compile(src, CALL_FILE, "exec"), ns)
        except BaseException as exc:  # noqa: B902 (PanicException derives from BaseException)
            outcome, where, msg = classify(exc, CALL_FILE, pkg)
            if label == "setup" and outcome in ("clean", "unnamed"):
                outcome = "setup"  # the arguments could not be built: no call was made
            res = {"o": outcome, "label": label, "where": where, "msg": msg[:400]}
            if outcome == "panic" and err is not None:
                m = _PANIC_AT.search(err.read().decode("utf-8", "replace"))
                res["where"] = m.group(1) if m else where
            break
    if err is not None:
        err.seek(0, 2)
    ns.clear()
    _reset(rtorch)
    return res


def _reset(rtorch):
    """Undo process-wide settings a fuzzed call may have changed, so calls stay independent."""
    for fn in (lambda: rtorch.set_default_dtype(rtorch.float32),
               lambda: rtorch.set_printoptions(profile="default"),
               lambda: rtorch.set_grad_enabled(True)):
        try:
            fn()
        except Exception:  # noqa: BLE001 (best effort)
            pass


if __name__ == "__main__":
    main()
