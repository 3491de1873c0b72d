"""The two ways kernels are compiled.

``error_model="numpy"`` makes x / 0 give inf/nan as numpy and torch do
(Numba's default raises ZeroDivisionError); ``cache=True`` keeps compiled
code on disk. Reductions may reassociate sums so LLVM can vectorise them.
``nogil=True`` lets other threads run while a kernel does: jitgrad/parallel.py
runs one kernel on ranges of a large array in several threads at once (it costs
a small call about 0.1 us, to release the GIL and take it back).

Numba's cache key ignores these options: after changing them, clear the
``__pycache__`` beside the kernels (or touch their sources), or old entries
compiled with the old options keep loading.
"""
from numba import njit

kernel = njit(cache=True, error_model="numpy", nogil=True)
reduction_kernel = njit(cache=True, error_model="numpy", fastmath={"reassoc"}, nogil=True)
