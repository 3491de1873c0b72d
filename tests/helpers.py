"""Shared test helpers: a float64 finite-difference gradient check and a
torch oracle that runs the same function in both libraries."""
import os

import numpy as np

import jitgrad


def as_jitgrad(arrays, requires_grad=True):
    return [jitgrad.tensor(a, requires_grad=requires_grad and a.dtype.kind == "f")
            if isinstance(a, np.ndarray) else a for a in arrays]


def numerical_vjp(fn, arrays, v, eps=1e-6):
    """d(sum(fn(*x) * v))/dx_i by central differences, for each float64 input."""
    grads = []
    for i, a in enumerate(arrays):
        if not isinstance(a, np.ndarray) or a.dtype.kind != "f":
            grads.append(None)
            continue
        g = np.zeros_like(a)
        flat = a.reshape(-1)            # a is contiguous here: a view
        for k in range(flat.size):
            orig = flat[k]
            vals = []
            for delta in (eps, -eps):
                flat[k] = orig + delta
                with jitgrad.no_grad():
                    out = fn(*as_jitgrad(arrays, requires_grad=False))
                vals.append(float(np.sum(out.numpy() * v)))
            flat[k] = orig
            g.reshape(-1)[k] = (vals[0] - vals[1]) / (2 * eps)
        grads.append(g)
    return grads


def gradcheck(fn, *arrays, atol=1e-6, rtol=1e-4, seed=0):
    """Check jitgrad's backward of ``fn`` against finite differences in float64.

    ``arrays`` are numpy float64 arrays (or scalars passed through); a random
    cotangent ``v`` makes every output element count. Returns the output.
    """
    # (a C-ordered float64 copy; np.ascontiguousarray would make a 0-d input 1-d)
    arrays = [np.array(a, dtype=np.float64, order="C") if isinstance(a, np.ndarray) else a
              for a in arrays]
    tensors = as_jitgrad(arrays)
    out = fn(*tensors)
    v = np.random.default_rng(seed).standard_normal(out.shape)
    out.backward(jitgrad.tensor(v))
    expected = numerical_vjp(fn, arrays, v)
    for t, e in zip(tensors, expected):
        if e is None:
            continue
        assert t.grad is not None, "no gradient reached an input"
        np.testing.assert_allclose(t.grad.numpy(), e, atol=atol, rtol=rtol)
    return out


def torch_check(fn, *arrays, atol=1e-5, rtol=1e-4, seed=0, grads=True):
    """Run ``fn(lib, *tensors)`` in jitgrad and torch on the same inputs and
    compare outputs and input gradients."""
    import pytest
    torch = pytest.importorskip("torch")
    results = {}
    for lib in (jitgrad, torch):
        ts = []
        for a in arrays:
            if isinstance(a, np.ndarray):
                t = lib.tensor(a)
                if a.dtype.kind == "f" and grads:
                    t.requires_grad_(True)
                ts.append(t)
            else:
                ts.append(a)
        out = fn(lib, *ts)
        if grads and out.requires_grad:
            v = np.random.default_rng(seed).standard_normal(tuple(out.shape)).astype(
                np.dtype(str(out.dtype).split(".")[-1]))
            out.backward(lib.tensor(v))
        got = [t.grad.numpy() if hasattr(t, "grad") and t.grad is not None else None
               for t in ts]
        results[lib.__name__] = (out.detach().numpy(), got, str(out.dtype).split(".")[-1],
                                 type(out.grad_fn).__name__ if out.grad_fn is not None else None)
    (jo, jg, jd, jn), (to, tg, td, tn) = results["jitgrad"], results["torch"]
    assert jd == td, f"dtype {jd} != torch's {td}"
    assert jn == tn, f"grad_fn {jn} != torch's {tn}"
    assert jo.shape == to.shape
    np.testing.assert_allclose(jo, to, atol=atol, rtol=rtol)
    for a, b in zip(jg, tg):
        assert (a is None) == (b is None)
        if a is not None:
            np.testing.assert_allclose(a, b, atol=atol, rtol=rtol)


def table_tests(cases, node_of=None):
    """The three checks every ``CASES`` list of a tests/test_ops_*.py module gets:
    finite differences (float64), torch's values/grads/node name (float32 and
    float64), and the node name the op table declares. ``cases`` holds
    (table entry, id, fn(lib, *inputs), [numpy inputs]); integer inputs (class
    indices, index tensors) pass through without gradients. Use as
    ``test_gradcheck, test_torch, test_node_name_is_the_tables = table_tests(CASES)``.
    """
    import warnings

    import pytest

    from jitgrad import derivatives

    ids = [f"{entry}-{name}" for entry, name, _, _ in cases]
    params = pytest.mark.parametrize("entry,name,fn,inputs", cases, ids=ids)

    def floats_as(inputs, dtype):
        return [a.astype(dtype) if a.dtype.kind == "f" else a for a in inputs]

    @params
    def test_gradcheck(entry, name, fn, inputs):
        inputs = [a if a.dtype.kind == "f" else jitgrad.tensor(a) for a in inputs]
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")          # legacy-argument warnings of some losses
            gradcheck(lambda *ts: fn(jitgrad, *ts), *inputs)

    @pytest.mark.parametrize("dtype", [np.float32, np.float64])
    @params
    def test_torch(entry, name, fn, inputs, dtype):
        torch_check(fn, *floats_as(inputs, dtype))

    @params
    def test_node_name_is_the_tables(entry, name, fn, inputs):
        out = fn(jitgrad, *[jitgrad.tensor(a, requires_grad=a.dtype.kind == "f")
                            for a in inputs])
        node = out.grad_fn if node_of is None else node_of(out.grad_fn)
        assert type(node).__name__ == derivatives.COMPOSITE[entry].node

    return test_gradcheck, test_torch, test_node_name_is_the_tables


def apply_and_apply_graph(fn, inputs, dtype, seed=1, record=False):
    """The output's node run both ways on one random gradient: (node, the
    kernels' arrays from ``apply``, the recorded tensors from ``apply_graph``;
    with ``record`` the gradient requires grad, so its ops are recorded)."""
    out = fn(jitgrad, *[jitgrad.tensor(a.astype(dtype), requires_grad=True) for a in inputs])
    node = out.grad_fn
    g = np.random.default_rng(seed).standard_normal(out.shape).astype(dtype)
    fast = node.apply(g.copy())
    with jitgrad.enable_grad():
        graph = node.apply_graph(jitgrad.tensor(g, requires_grad=record))
    return node, fast, graph


def assert_same_module(mine, theirs):
    """A jitgrad module and torch's built from the same seed: the same repr,
    state_dict keys, parameter names, order and dtypes, and values bit for bit."""
    assert str(mine) == str(theirs)
    assert list(mine.state_dict()) == list(theirs.state_dict())
    pairs = list(zip(mine.named_parameters(), theirs.named_parameters(), strict=True))
    for (n, p), (tn, tp) in pairs:
        assert n == tn
        assert str(p.dtype).split(".")[-1] == str(tp.dtype).split(".")[-1]
        np.testing.assert_array_equal(p.detach().numpy(), tp.detach().numpy(), err_msg=n)


def error_tests(errors):
    """For a table of cases with ``id``, ``run(lib)``, ``exc`` and ``message``:
    jitgrad raises exactly that, and (with torch installed) so does torch, its
    ``torch.`` names read as ``jitgrad.``. Use as
    ``test_error, test_error_is_torchs = error_tests(ERRORS)``."""
    import pytest

    params = pytest.mark.parametrize("case", errors, ids=[c.id for c in errors])

    def raised(case, lib):
        with pytest.raises(Exception) as err:
            case.run(lib)
        return err

    @params
    def test_error(case):
        err = raised(case, jitgrad)
        assert err.type is case.exc, (err.type, err.value)
        assert str(err.value) == case.message

    @params
    def test_error_is_torchs(case):
        torch = pytest.importorskip("torch")
        err = raised(case, torch)
        assert err.type is case.exc
        assert str(err.value).replace("torch.", "jitgrad.") == case.message

    return test_error, test_error_is_torchs


def rss_bytes():
    """This process's resident set size (Linux: /proc/self/statm)."""
    with open("/proc/self/statm") as f:
        return int(f.read().split()[1]) * os.sysconf("SC_PAGE_SIZE")
