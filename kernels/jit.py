"""The two ways kernels are compiled, each with a twin that releases the GIL.

``error_model="numpy"`` makes x / 0 give inf/nan as numpy and torch do
(Numba's default raises ZeroDivisionError); ``cache=True`` keeps compiled
code on disk. Reductions may reassociate sums so LLVM can vectorise them.

A kernel holds the GIL: the eager hot path calls kernels on small arrays,
where releasing the GIL and taking it back (``nogil=True``) costs about
55 ns a call, measured, a few percent of a small op. ``kernel.nogil`` is the
same code compiled with ``nogil=True``, which jitgrad/parallel.py runs on
ranges of a large array in several threads at once. The twin is compiled
only when first called (only for calls large enough to be split).

The twin is a function of its own named ``<name>_nogil``: Numba names its
disk cache files after the function's qualified name, and its cache key
holds the signature and the bytecode but no compile options, so two
dispatchers of one function with different options would load each other's
machine code. For the same reason, after changing these options, clear the
``__pycache__`` beside the kernels (or touch their sources).
"""
import types

from numba import njit


def _twinned(**options):
    held = njit(**options)
    released = njit(nogil=True, **options)

    def decorate(fn):
        dispatcher = held(fn)
        twin = types.FunctionType(fn.__code__, fn.__globals__, fn.__name__ + "_nogil",
                                  fn.__defaults__, fn.__closure__)
        twin.__qualname__ = fn.__qualname__ + "_nogil"
        twin.__module__ = fn.__module__
        twin.__doc__ = fn.__doc__
        dispatcher.nogil = released(twin)
        return dispatcher
    return decorate


kernel = _twinned(cache=True, error_model="numpy")
reduction_kernel = _twinned(cache=True, error_model="numpy", fastmath={"reassoc"})
