"""Linear-algebra kernels around the BLAS products (numpy's matmul does the
products themselves)."""
from .jit import kernel


@kernel
def addmm_epilogue(out, bias, m, n, si, sj, alpha, beta):
    # out (flat m x n, the product mat1 @ mat2) becomes
    # alpha * out + beta * bias[i * si + j * sj]: bias is a broadcast row
    # (si=0, sj=1), column (si=1, sj=0), scalar (0, 0) or full matrix (n, 1)
    for i in range(m):
        row = i * n
        b0 = i * si
        if sj == 1:
            for j in range(n):
                out[row + j] = alpha * out[row + j] + beta * bias[b0 + j]
        else:
            v = beta * bias[b0]
            for j in range(n):
                out[row + j] = alpha * out[row + j] + v
