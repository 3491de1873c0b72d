"""``set_num_threads``/``get_num_threads``, so torch scripts that call them run.

jitgrad's kernels are serial (Numba's parallel layers are never started: see
the README), so the count only records what the script asked for. numpy's
BLAS sizes its own pool when it is first imported, from OPENBLAS_NUM_THREADS
(or OMP_NUM_THREADS); set those before starting Python to change it.
"""
import os

from . import messages

_threads = [len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity")
            else (os.cpu_count() or 1)]


def get_num_threads():
    return _threads[0]


def set_num_threads(int):  # noqa: A002  (torch's argument name)
    if isinstance(int, bool) or not isinstance(int, type(1)):
        raise RuntimeError(messages.set_num_threads_type(type(int).__name__))
    if int <= 0:
        raise RuntimeError(messages.SET_NUM_THREADS_POSITIVE)
    _threads[0] = int
