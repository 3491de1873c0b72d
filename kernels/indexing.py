"""Gather/scatter kernels for indexing with integer positions."""
from .jit import kernel


@kernel
def scatter_add(out, positions, values):
    # out[positions[i]] += values[i]; repeated positions accumulate, which is
    # the backward of indexing with repeated indices
    for i in range(positions.size):
        out[positions[i]] += values[i]


# ---------------------------------------------------------------- gather / scatter along a dim
# The graph layer views every operand as (A, N, B): the dims before ``dim``
# merged, ``dim`` itself, the dims after it merged.


@kernel
def first_out_of_range(idx, size):
    # position of the first index outside [0, size), or -1
    for i in range(idx.size):
        v = idx[i]
        if v < 0 or v >= size:
            return i
    return -1


@kernel
def gather_3d(x, idx, out):
    # out[a, m, b] = x[a, idx[a, m, b], b]
    A, M, B = idx.shape
    for a in range(A):
        for m in range(M):
            for b in range(B):
                out[a, m, b] = x[a, idx[a, m, b], b]


@kernel
def scatter_add_3d(out, idx, src):
    # out[a, idx[a, m, b], b] += src[a, m, b]: the adjoint of gather_3d
    A, M, B = idx.shape
    for a in range(A):
        for m in range(M):
            for b in range(B):
                out[a, idx[a, m, b], b] += src[a, m, b]


@kernel
def index_select_3d(x, idx, out):
    # out[a, m, :] = x[a, idx[m], :]
    A, N, B = x.shape
    M = idx.size
    for a in range(A):
        for m in range(M):
            k = idx[m]
            for b in range(B):
                out[a, m, b] = x[a, k, b]


@kernel
def index_add_3d(out, idx, src):
    # out[a, idx[m], :] += src[a, m, :]: the adjoint of index_select_3d
    A, M, B = src.shape
    for a in range(A):
        for m in range(M):
            k = idx[m]
            for b in range(B):
                out[a, k, b] += src[a, m, b]


# ---------------------------------------------------------------- masked_fill (flat operands)


@kernel
def masked_fill_forward(x, mask, value, out):
    for i in range(out.size):
        out[i] = value if mask[i] else x[i]


@kernel
def masked_fill_backward(grad, mask, out):
    # the filled slots get no gradient
    for i in range(out.size):
        out[i] = 0 if mask[i] else grad[i]


@kernel
def masked_sum(grad, mask, zero):
    # sum of grad over the filled slots: the gradient of a tensor fill value
    s = zero
    for i in range(grad.size):
        if mask[i]:
            s += grad[i]
    return s
