"""Numba kernels of jitgrad: plain @njit functions on arrays and scalars.

Nothing here knows about tensors or graphs; the graph layer in ``jitgrad``
decides shapes, dtypes and which kernel runs. Elementwise kernels work on
flat C-contiguous arrays, and one operand of a binary kernel may be a
scalar (see ``at``). Every kernel is ``cache=True``; when the install
directory is read-only Numba falls back to its per-user cache directory.

Numba's cache is keyed on each kernel's own file: after editing a helper in
another file (``vmath.py``, ``access.py``), delete ``kernels/__pycache__``
or the kernels that inline it keep their old code.
"""
