"""Non-finite inputs of the linear-algebra ops, with torch's (MKL's) answers written
out by hand (torch 2.13 CPU): which of LAPACK's steps meets the inf/nan decides
where nans land, so jitgrad runs those steps itself rather than OpenBLAS's."""
import math

import numpy as np
import pytest

import jitgrad

L = jitgrad.linalg
INF, NAN = math.inf, math.nan


def test_cholesky_inf_pivot_float32_spoils_its_column():
    # MKL's spotrf scales by sqrt(a) / a (inf / inf = nan); its dpotrf divides (zeros)
    A = [[INF, 1.0], [1.0, 2.0]]
    L32, info32 = L.cholesky_ex(jitgrad.tensor(A, dtype=jitgrad.float32))
    assert info32.item() == 2 and np.isnan(L32.numpy()[1]).all()
    L64, info64 = L.cholesky_ex(jitgrad.tensor(A, dtype=jitgrad.float64))
    assert info64.item() == 0
    np.testing.assert_array_equal(L64.numpy(), [[INF, 0], [0, math.sqrt(2)]])
    with pytest.raises(L.LinAlgError, match="leading minor of order 2"):
        L.cholesky(jitgrad.tensor(A, dtype=jitgrad.float32))
    assert type(L.LinAlgError("x")).__name__ == "_LinAlgError"      # torch._C._LinAlgError


def test_cholesky_backward_inf_pivot_leaves_other_rows():
    # torch's two triangular solves, no symmetrisation after: only the inf's entry is nan
    A = jitgrad.tensor([[INF, 0.0], [0.0, 4.0]], dtype=jitgrad.float64, requires_grad=True)
    L.cholesky(A).backward(jitgrad.ones(2, 2, dtype=jitgrad.float64))
    np.testing.assert_array_equal(A.grad.numpy(), [[NAN, 0], [0, 0.25]])


def test_solve_inf_meets_the_pivoting_as_lapack_getf2():
    # column 0 pivots on row 0 (2 > 1), whose inf then fills column 1 with -inf and
    # +inf: their quotient is nan, so is every entry of the solution
    # (and MKL's substitutions multiply through the identity's zeros: inv is all nan)
    A = jitgrad.tensor([[2.0, INF, 0.0], [1.0, 3.0, 0.0], [-1.0, 0.0, 3.0]], dtype=jitgrad.float64)
    assert np.isnan(L.solve(A, jitgrad.ones(3, dtype=jitgrad.float64)).numpy()).all()
    assert np.isnan(L.inv(A).numpy()).all()
    sign, logabs = L.slogdet(jitgrad.tensor([[INF, 1.0], [1.0, 1.0]], dtype=jitgrad.float64))
    assert sign.item() == 1 and logabs.item() == INF


def test_eigh_no_convergence_is_torchs_error():
    A = jitgrad.tensor([[NAN, 1.0, 2.0], [1.0, 2.0, 3.0], [2.0, 3.0, 4.0]])
    msg = ("linalg.eigh: The algorithm failed to converge because the input matrix is "
           "ill-conditioned or has too many repeated eigenvalues (error code: {}).")
    with pytest.raises(L.LinAlgError, match=msg.format(1).replace("(", r"\(").replace(")", r"\)")):
        L.eigvalsh(A)
    with pytest.raises(L.LinAlgError, match=msg.format(2).replace("(", r"\(").replace(")", r"\)")):
        L.eigh(A)


def test_lstsq_nan_is_refused_as_by_mkl():
    a = jitgrad.tensor([[NAN, 1.0], [1.0, 2.0], [0.0, 1.0]])
    with pytest.raises(RuntimeError, match=r"jitgrad.linalg.lstsq: Argument 4 has illegal value"):
        L.lstsq(a, jitgrad.ones(3, 1))
    b = jitgrad.tensor([[1.0], [INF], [0.0]])
    out = L.lstsq(jitgrad.tensor([[1.0, 0.0], [0.0, 1.0], [1.0, 1.0]]), b, driver="gelsd")
    assert np.isnan(out.solution.numpy()).all() and out.rank.item() == 2


def test_reductions_with_nan_keep_torchs_gradients():
    x = jitgrad.tensor([[NAN, 2.0, 1.0]], requires_grad=True)
    L.vector_norm(x, -INF, dim=1).sum().backward()
    np.testing.assert_array_equal(x.grad.numpy(), [[0, 0, 0]])
    y = jitgrad.tensor([[NAN, 1.0], [3.0, 4.0]], requires_grad=True)
    y.renorm(2, 0, 1.0).sum().backward()         # the nan row is left alone: grad 1
    np.testing.assert_array_equal(y.grad.numpy()[0], [1, 1])
    a = jitgrad.tensor([[NAN, 0.5]], requires_grad=True)
    r = jitgrad.cdist(a, jitgrad.tensor([[1.0, 2.0]]), compute_mode="use_mm_for_euclid_dist")
    assert r.grad_fn.next_functions[0][0].name() == "EuclideanDistBackward0"
    r.sum().backward()
    assert np.isnan(a.grad.numpy()).all()
