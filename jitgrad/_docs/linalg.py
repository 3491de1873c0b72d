"""Docstrings of ``jitgrad.linalg``. Every function accepts a batch of matrices
(leading dims) as well as one matrix."""

DOCS = {
"inv": """Return the inverse of a square matrix; raises for a singular one.

Example::

    >>> torch.linalg.inv(torch.tensor([[2., 0.], [0., 4.]]))
    tensor([[0.5000, 0.0000],
            [0.0000, 0.2500]])
""",
"inv_ex": """Return ``(inverse, info)`` without raising for singular matrices unless ``check_errors``; ``info`` is non-zero where inversion failed.""",
"det": """Return the determinant of a square matrix.""",
"slogdet": """Return ``(sign, logabsdet)`` of the determinant, robust where the determinant under- or overflows.""",
"solve": """Solve ``A X = B`` for X (or ``X A = B`` with ``left=False``), with A square and invertible.

Example::

    >>> A = torch.tensor([[2., 0.], [0., 4.]])
    >>> torch.linalg.solve(A, torch.tensor([2., 4.]))
    tensor([1., 1.])
""",
"solve_ex": """Return ``(solution, info)`` of :func:`solve` without raising unless ``check_errors``.""",
"cholesky": """Return the lower (or, with ``upper=True``, upper) Cholesky factor of a symmetric positive-definite matrix.""",
"cholesky_ex": """Return ``(L, info)`` of the Cholesky decomposition without raising unless ``check_errors``; ``info`` > 0 gives the order of the failing minor.""",
"qr": """Return ``(Q, R)`` of the QR decomposition; ``mode`` is ``'reduced'``, ``'complete'`` or ``'r'`` (R only, Q empty).""",
"eigh": """Return ``(eigenvalues, eigenvectors)`` of a symmetric matrix, eigenvalues ascending; ``UPLO`` picks the triangle read.""",
"eigvalsh": """Return the eigenvalues of a symmetric matrix in ascending order.""",
"svd": """Return ``(U, S, Vh)`` with ``A = U diag(S) Vh``; ``full_matrices=False`` gives the reduced factors.

``driver`` (a CUDA-only choice in torch) is accepted and ignored.
""",
"svdvals": """Return the singular values of a matrix in descending order.""",
"pinv": """Return the Moore-Penrose pseudo-inverse; singular values below ``max(atol, rtol * largest)`` are treated as zero.""",
"lstsq": """Return the least-squares solution of ``A X = B`` as a named tuple ``(solution, residuals, rank, singular_values)``.""",
"matrix_power": """Raise a square matrix to the integer power ``n`` (negative ``n`` inverts first).""",
"matrix_norm": """Return a matrix norm over ``dim``: ``'fro'``, ``'nuc'``, ``inf``, ``-inf``, 1, -1, 2 or -2.""",
"vector_norm": """Return the ``ord``-norm of the elements over ``dim`` (all of them by default), treating the input as a vector.

Example::

    >>> torch.linalg.vector_norm(torch.tensor([3., 4.]))
    tensor(5.)
""",
"norm": """Return a vector norm (1-D input or ``dim`` an int) or matrix norm (2-D input or ``dim`` a pair) chosen by ``ord``.""",
"matmul": """Alias for :func:`jitgrad.matmul`.""",
"multi_dot": """Multiply a sequence of matrices in the cheapest order (the first and last may be 1-D vectors).""",
"cross": """Return the cross product of 3-element vectors along ``dim`` (the last by default).""",
"solve_triangular": """Solve ``A X = B`` (or ``X A = B`` with ``left=False``) for a triangular ``A``; ``upper`` (keyword, required) says which triangle is read, ``unitriangular=True`` takes its diagonal as ones.""",
"lu_factor": """Return ``(LU, pivots)`` of the LU decomposition with partial pivoting: L (unit diagonal, below) and U packed in one matrix, pivots 1-based int32 as LAPACK's.""",
"lu_factor_ex": """Return ``(LU, pivots, info)`` as :func:`lu_factor` without raising on a singular matrix unless ``check_errors``; ``info`` > 0 is the first zero pivot (1-based).""",
"lu": """Return ``(P, L, U)`` with ``A = P L U``: a permutation matrix, unit lower-triangular L and upper-triangular U (wide and tall matrices too).""",
"lu_solve": """Solve ``A X = B`` from :func:`lu_factor`'s ``(LU, pivots)``; ``left=False`` solves ``X A = B``, ``adjoint=True`` uses ``A``'s transpose.""",
"matrix_exp": """Return the matrix exponential of a square matrix or batch (torch's Taylor polynomials with scaling and squaring).""",
}
