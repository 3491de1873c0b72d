"""Gather/scatter kernels for indexing with integer positions."""
from .jit import kernel


@kernel
def scatter_add(out, positions, values):
    # out[positions[i]] += values[i]; repeated positions accumulate, which is
    # the backward of indexing with repeated indices
    for i in range(positions.size):
        out[positions[i]] += values[i]
