"""Fill Numba's disk cache with jitgrad's kernels ahead of time, so the first
run of a program does not wait for the compiler.

    python -m jitgrad.precompile                       # every kernel jitgrad knows of
    python -m jitgrad.precompile --dtype float32       # only what float32 programs use
    python -m jitgrad.precompile --record k.json prog.py [args]   # run prog, list its kernels
    python -m jitgrad.precompile --manifest k.json     # compile what prog used

A kernel is compiled for each signature (argument types) it is called with.
The package ships ``kernel_manifest.json``, the signatures its test suite
and demo call (``--record`` over them writes it), and a program's own list
comes from running it once with ``--record``. Kernels are cached beside their
source, or in Numba's per-user cache directory when the install directory
is read-only (``NUMBA_CACHE_DIR`` overrides both).
"""
import argparse
import importlib
import json
import os
import pkgutil
import runpy
import sys
import time

import numba
from numba.core import event, types
from numba.core.registry import CPUDispatcher

SHIPPED_MANIFEST = os.path.join(os.path.dirname(__file__), "kernel_manifest.json")
FLOAT_DTYPES = ("float32", "float64")


def kernel_dispatchers():
    """{"module.function": dispatcher} for every kernel in jitgrad.kernels,
    and {"module.function.nogil": its twin} (kernels/jit.py) for each kernel
    that has one."""
    from . import kernels
    found = {}
    for info in pkgutil.iter_modules(kernels.__path__):
        module = importlib.import_module(f"{kernels.__name__}.{info.name}")
        for name, obj in vars(module).items():
            if isinstance(obj, CPUDispatcher) and obj.py_func.__module__ == module.__name__:
                found[f"{info.name}.{name}"] = obj
                twin = getattr(obj, "nogil", None)
                if twin is not None:
                    found[f"{info.name}.{name}.nogil"] = twin
    return found


_TYPE_NAMES = {name: getattr(types, name) for name in dir(types) if not name.startswith("_")}
_TYPE_NAMES.update({"bool": types.boolean, "none": types.none})


def parse_signature(text):
    """A signature's repr back to Numba types (evaluated over numba.types only)."""
    return eval(text, {"__builtins__": {}}, _TYPE_NAMES)  # noqa: S307  (names are numba types)


def used_signatures():
    """{"module.function": [signature repr, ...]} of what this process has called."""
    manifest = {}
    for name, dispatcher in kernel_dispatchers().items():
        sigs = []
        for sig in dispatcher.signatures:
            text = repr(tuple(sig))
            try:
                if parse_signature(text) == tuple(sig):
                    sigs.append(text)
            except Exception:       # a type without an evaluable repr: not recordable
                pass
        if sigs:
            manifest[name] = sorted(sigs)
    return manifest


def merge_into(path, manifest):
    """Add ``manifest`` to the one at ``path`` (created if missing), under a
    file lock, so parallel recorders (pytest-xdist workers) may share a file."""
    import fcntl
    with open(path, "a+") as f:
        fcntl.flock(f, fcntl.LOCK_EX)
        f.seek(0)
        text = f.read()
        merged = json.loads(text)["kernels"] if text.strip() else {}
        for name, sigs in manifest.items():
            merged[name] = sorted(set(merged.get(name, ())) | set(sigs))
        f.seek(0)
        f.truncate()
        json.dump({"numba": numba.__version__, "kernels": dict(sorted(merged.items()))}, f,
                  indent=0)
        f.write("\n")


def read_manifest(path):
    with open(path) as f:
        return json.load(f)["kernels"]


def _float_arrays(sig_types):
    return {str(t.dtype) for t in sig_types if isinstance(t, types.Array)
            and str(t.dtype) in FLOAT_DTYPES}


def for_dtype(sig_types, dtype):
    """Whether a program computing in ``dtype`` calls this signature. float32
    programs also call mixed signatures (float64 scratch or draws beside
    float32 data); float64 programs call none with a float32 array."""
    floats = _float_arrays(sig_types)
    if dtype == "float32":
        return not floats or "float32" in floats
    return "float32" not in floats


def select(manifest, dtype=None):
    """(dispatcher name, signature) pairs, all of them or those ``for_dtype``."""
    pairs = []
    for name, sigs in manifest.items():
        for text in sigs:
            sig = parse_signature(text)
            if dtype is None or for_dtype(sig, dtype):
                pairs.append((name, sig))
    return pairs


class _CompileCounter(event.Listener):
    def __init__(self):
        self.compiled = 0

    def on_start(self, ev):
        pass

    def on_end(self, ev):
        self.compiled += 1


def _cores():
    return len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else (os.cpu_count() or 1)


def compile_all(pairs):
    """Compile (or load from the cache) each (name, signature); returns
    (signatures compiled now, names missing from this jitgrad)."""
    from .compile_notice import notice
    notice.said = True          # compiling is what was asked for: no first-run notice
    dispatchers = kernel_dispatchers()
    counter = _CompileCounter()
    compiled, missing = 0, []
    event.register("numba:compile", counter)
    try:
        for name, sig in pairs:
            dispatcher = dispatchers.get(name)
            if dispatcher is None:
                missing.append(name)
                continue
            before = counter.compiled
            dispatcher.compile(sig)
            # a kernel's helpers fire compile events of their own: count the kernel once
            if counter.compiled > before:
                compiled += 1
    finally:
        event.unregister("numba:compile", counter)
    return compiled, missing


_worker_pairs = {}


def _load_worker(manifest_path, dtype):
    for name, sig in select(read_manifest(manifest_path), dtype):
        _worker_pairs.setdefault(name, []).append(sig)


def _compile_kernel(name):
    return compile_all([(name, sig) for sig in _worker_pairs[name]])


def compile_parallel(manifest_path, dtype, jobs):
    """``compile_all`` over ``jobs`` processes, one kernel (all its signatures)
    at a time to whichever process is free."""
    pairs = select(read_manifest(manifest_path), dtype)
    if jobs <= 1:
        return compile_all(pairs)
    import multiprocessing
    names = sorted({name for name, _ in pairs})
    compiled, missing = 0, []
    with multiprocessing.get_context("spawn").Pool(
            jobs, initializer=_load_worker, initargs=(manifest_path, dtype)) as pool:
        for done, gone in pool.imap_unordered(_compile_kernel, names):
            compiled += done
            missing += gone
    return compiled, missing


def record(path, argv):
    """Run the program ``argv`` (a script, or ``-m module``) and merge the
    kernel signatures it called into ``path``."""
    old_argv = sys.argv
    try:
        if argv[0] == "-m":
            sys.argv = argv[1:]
            runpy.run_module(argv[1], run_name="__main__", alter_sys=True)
        else:
            sys.argv = list(argv)
            runpy.run_path(argv[0], run_name="__main__")
    except SystemExit as e:
        if e.code not in (0, None):
            raise
    finally:
        sys.argv = old_argv
        merge_into(path, used_signatures())


def main(argv=None):
    parser = argparse.ArgumentParser(
        prog="python -m jitgrad.precompile",
        description="Compile jitgrad's Numba kernels into the disk cache ahead of time.")
    parser.add_argument("--dtype", choices=FLOAT_DTYPES,
                        help="only the kernels a program in this float dtype calls")
    parser.add_argument("--manifest", default=None,
                        help="a kernel list written by --record (default: the one jitgrad ships)")
    parser.add_argument("--record", metavar="FILE",
                        help="run the program given after the options and add the kernels it "
                             "calls to FILE, instead of compiling")
    parser.add_argument("--jobs", type=int, default=_cores(),
                        help="processes compiling at once (default: one per core)")
    parser.add_argument("program", nargs=argparse.REMAINDER,
                        help="with --record: script.py [args] or -m module [args]")
    argv = sys.argv[1:] if argv is None else list(argv)
    program = []
    if "--record" in argv:
        # everything after ``--record FILE`` is the program and its own options
        cut = argv.index("--record") + 2
        argv, program = argv[:cut], argv[cut:]
    args = parser.parse_args(argv)
    args.program = program or args.program
    if args.record:
        if not args.program:
            parser.error("--record needs a program to run")
        record(args.record, args.program)
        print(f"recorded the kernels of {' '.join(args.program)} in {args.record}")
        return 0
    if args.program:
        parser.error(f"unexpected arguments: {' '.join(args.program)} (a program goes with --record)")
    manifest = args.manifest or SHIPPED_MANIFEST
    pairs = select(read_manifest(manifest), args.dtype)
    start = time.perf_counter()
    compiled, missing = compile_parallel(manifest, args.dtype, min(args.jobs, len(pairs)) or 1)
    elapsed = time.perf_counter() - start
    print(f"jitgrad.precompile: {len(pairs)} kernel signatures ready in {elapsed:.1f} s "
          f"({compiled} compiled now, {len(pairs) - compiled - len(missing)} were cached)")
    if not args.manifest:
        # jitgrad.compile's tape interpreter (into its cache, JITGRAD_CACHE_DIR)
        from .compiler import tape
        start = time.perf_counter()
        for dtype in ([args.dtype] if args.dtype else FLOAT_DTYPES):
            tape.precompile(dtype)
        print(f"jitgrad.precompile: jitgrad.compile's tape interpreter ready in "
              f"{time.perf_counter() - start:.1f} s")
    if missing:
        print(f"not found in this jitgrad (a list from another version?): "
              f"{', '.join(sorted(set(missing)))}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
