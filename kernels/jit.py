"""The two ways kernels are compiled.

``error_model="numpy"`` makes x / 0 give inf/nan as numpy and torch do
(Numba's default raises ZeroDivisionError); ``cache=True`` keeps compiled
code on disk. Reductions may reassociate sums so LLVM can vectorise them.
"""
from numba import njit

kernel = njit(cache=True, error_model="numpy")
reduction_kernel = njit(cache=True, error_model="numpy", fastmath={"reassoc"})
