"""Tensor.exponential_ and torch.multinomial: torch 2.13's CPU values, bit for bit.

exponential_ is ATen's serial kernel (torch 2.13 compiles its MKL path out):
one float64 uniform from a random64 per element, (-1 / lambd) * log1p(-u).
multinomial without replacement (or for one sample) divides the input by an
exponential_(1) draw of its layout and takes the argmax or the top n (in
the order libstdc++'s algorithms leave ties); with replacement it searches
the cumulative distribution with one float64 uniform per sample.

Hard-coded values (computed with torch 2.13 once) run without torch; the
oracle tests compare every result with ``np.array_equal`` and the generator
state afterwards (the next ``rand`` draws, or the state bytes).
"""
import numpy as np
import pytest

import jitgrad


def arr(t):
    return t.detach().numpy() if t.requires_grad else t.numpy()


# ------------------------------------------------------------ known values

def test_exponential_known_values():
    jitgrad.manual_seed(0)
    x = jitgrad.empty(5).exponential_()
    assert x.dtype == jitgrad.float32
    assert np.array_equal(arr(x), np.array(
        [3.508326292037964, 1.2303847074508667, 0.615044116973877, 2.535118579864502,
         1.0357054471969604], np.float32))
    jitgrad.manual_seed(0)
    y = jitgrad.empty(3, dtype=jitgrad.float64).exponential_(2.5)
    assert arr(y).tolist() == [1.4033304746830568, 0.49215390567187073, 0.2460176375576046]
    # two words per element: the stream goes on where torch's does
    assert np.array_equal(arr(jitgrad.rand(2)),
                          np.array([0.4900934100151062, 0.8964447379112244], np.float32))


def test_multinomial_known_values():
    jitgrad.manual_seed(42)
    p = jitgrad.tensor([[0.1, 0.0, 0.3, 0.6, 0.0], [2.0, 1.0, 0.0, 0.0, 1.0]])
    r = jitgrad.multinomial(p, 3)
    assert r.dtype == jitgrad.int64 and not r.requires_grad
    assert r.tolist() == [[3, 2, 0], [4, 0, 1]]
    assert jitgrad.multinomial(p, 6, replacement=True).tolist() == [[2, 2, 3, 3, 2, 3],
                                                                    [0, 1, 1, 0, 0, 1]]
    assert jitgrad.multinomial(p[0], 1).tolist() == [3]
    # the zero-probability categories come last, in the order torch's topk
    # (nth_element, then sort) leaves the tied zeros
    q = jitgrad.tensor([1., 1] + [0.] * 18, dtype=jitgrad.float64)
    assert jitgrad.multinomial(q, 20).tolist() == [0, 1, 10, 19, 9, 8, 5, 4, 3, 2, 6, 11, 12,
                                                   13, 14, 15, 16, 17, 18, 7]
    assert np.array_equal(arr(jitgrad.rand(2)),
                          np.array([0.13741332292556763, 0.2330659031867981], np.float32))


# ------------------------------------------------------------ by hand, without torch

@pytest.mark.parametrize("dtype", ["float32", "float64"])
@pytest.mark.parametrize("replacement", [False, True])
def test_zero_probabilities_never_drawn(dtype, replacement):
    p = jitgrad.tensor([0., 3., 0., 1., 0., 0., 2., 0.], dtype=getattr(jitgrad, dtype))
    allowed = {1, 3, 6}
    g = jitgrad.Generator().manual_seed(5)
    for _ in range(200):
        n = 3 if not replacement else 10
        got = jitgrad.multinomial(p, n, replacement, generator=g).tolist()
        assert set(got) <= allowed
        if not replacement:
            assert sorted(got) == [1, 3, 6]            # without replacement: each once
    one_hot = jitgrad.tensor([[0., 0., 5., 0.], [1., 0., 0., 0.]],
                             dtype=getattr(jitgrad, dtype))
    for _ in range(50):
        assert jitgrad.multinomial(one_hot, 1, replacement).tolist() == [[2], [0]]
        assert jitgrad.multinomial(one_hot, 4, True).tolist() == [[2] * 4, [0] * 4]


def test_without_replacement_is_a_permutation():
    jitgrad.manual_seed(1)
    p = jitgrad.rand(4, 50) + 0.01
    r = jitgrad.multinomial(p, 50)
    assert r.shape == (4, 50)
    for row in r.tolist():
        assert sorted(row) == list(range(50))


@pytest.mark.parametrize("dtype", ["float32", "float64"])
def test_statistics(dtype):
    """Sample frequencies follow the (unnormalised) weights."""
    w = np.array([1., 2., 0., 4., 3.])
    p = jitgrad.tensor(w, dtype=getattr(jitgrad, dtype))
    jitgrad.manual_seed(123)
    n = 200_000
    with_rep = np.bincount(arr(jitgrad.multinomial(p, n, True)), minlength=5) / n
    first = np.bincount(arr(jitgrad.multinomial(p.expand(n, 5).contiguous(), 1)).ravel(),
                        minlength=5) / n
    want = w / w.sum()
    # 200k draws: standard error <= 0.0012
    assert np.abs(with_rep - want).max() < 0.006
    assert np.abs(first - want).max() < 0.006
    assert with_rep[2] == 0 and first[2] == 0
    # the first of two draws without replacement has the same law; the
    # second, given the first is category 3 (p=0.4), follows w without it
    two = arr(jitgrad.multinomial(p.expand(n, 5).contiguous(), 2))
    assert np.abs(np.bincount(two[:, 0], minlength=5) / n - want).max() < 0.006
    second = two[two[:, 0] == 3, 1]
    w3 = w.copy()
    w3[3] = 0
    assert np.abs(np.bincount(second, minlength=5) / len(second) - w3 / w3.sum()).max() < 0.01


@pytest.mark.parametrize("dtype", ["float32", "float64"])
def test_exponential_statistics(dtype):
    jitgrad.manual_seed(9)
    x = arr(jitgrad.empty(400_000, dtype=getattr(jitgrad, dtype)).exponential_(2.0))
    assert (x >= 0).all()
    assert abs(x.mean() - 0.5) < 0.005 and abs(x.std() - 0.5) < 0.005
    assert abs(np.median(x) - np.log(2) / 2) < 0.005


def test_exponential_inplace_and_gradient():
    x = jitgrad.ones(4, requires_grad=True)
    y = x * 3
    v = y._version
    out = y.exponential_()
    assert out is y and y._version == v + 1
    assert type(y.grad_fn).__name__ == "ExponentialBackward0"
    y.sum().backward()
    assert x.grad.tolist() == [0.0, 0.0, 0.0, 0.0]
    with jitgrad.no_grad():
        x.exponential_()                                   # nn.init's way
    assert x.grad_fn is None and x.requires_grad
    # an empty integer tensor: nothing to draw, no dtype complaint (as in torch)
    e = jitgrad.empty(0, dtype=jitgrad.int64)
    assert e.exponential_() is e


def test_exponential_lambda_scaling_and_limits():
    jitgrad.manual_seed(4)
    a = arr(jitgrad.empty(1000, dtype=jitgrad.float64).exponential_(1))
    jitgrad.manual_seed(4)
    b = arr(jitgrad.empty(1000, dtype=jitgrad.float64).exponential_(4))
    assert np.allclose(a / 4, b, rtol=1e-15, atol=0)
    assert arr(jitgrad.empty(3).exponential_(float("inf"))).tolist() == [0.0, 0.0, 0.0]
    assert np.isinf(arr(jitgrad.empty(3).exponential_(1e-320))).all()
    # lambd as int, bool or a one-element tensor
    for lam in (2, True, jitgrad.tensor(2.0)):
        jitgrad.empty(2).exponential_(lam)


def test_generators_independent():
    g1 = jitgrad.Generator().manual_seed(3)
    g2 = jitgrad.Generator().manual_seed(3)
    p = jitgrad.tensor([0.2, 0.5, 0.3])
    jitgrad.manual_seed(0)
    before = arr(jitgrad.get_rng_state())
    a = jitgrad.multinomial(p, 2, generator=g1).tolist()
    ea = arr(jitgrad.empty(4).exponential_(generator=g1))
    assert np.array_equal(arr(jitgrad.get_rng_state()), before)   # the default untouched
    assert jitgrad.multinomial(p, 2, generator=g2).tolist() == a
    assert p.multinomial(3, True, generator=g1).shape == (3,)
    assert np.array_equal(arr(jitgrad.empty(4).exponential_(generator=g2)), ea)


def test_replacement_error_after_rows_drawn():
    # ATen draws the samples of the rows before the bad one, then raises
    p = jitgrad.tensor([[1., 2.], [1., -1.]])
    jitgrad.manual_seed(0)
    with pytest.raises(RuntimeError):
        jitgrad.multinomial(p, 3, True)
    after = arr(jitgrad.rand(2))
    jitgrad.manual_seed(0)
    jitgrad.rand(3, dtype=jitgrad.float64)                  # 3 random64 draws
    assert np.array_equal(arr(jitgrad.rand(2)), after)


# ------------------------------------------------------------ errors

_CAT = ("unsupported operation: more than one element of the written-to tensor refers to a "
        "single memory location. Please clone() the tensor before performing the operation.")

ERRORS = [
    # (id, fn(lib), exception type, message)
    ("exp_lambda_zero", lambda t: t.empty(3).exponential_(0), RuntimeError,
     "exponential_ expects lambda > 0.0, but found lambda=0"),
    ("exp_lambda_negative", lambda t: t.empty(3).exponential_(-1.5), RuntimeError,
     "exponential_ expects lambda > 0.0, but found lambda=-1.5"),
    ("exp_lambda_big", lambda t: t.empty(3).exponential_(-123456789.0), RuntimeError,
     "exponential_ expects lambda > 0.0, but found lambda=-1.23457e+08"),
    ("exp_lambda_nan", lambda t: t.empty(3).exponential_(float("nan")), RuntimeError,
     "exponential_ expects lambda > 0.0, but found lambda=nan"),
    ("exp_lambda_neg_zero", lambda t: t.empty(3).exponential_(-0.0), RuntimeError,
     "exponential_ expects lambda > 0.0, but found lambda=-0"),
    ("exp_lambda_empty", lambda t: t.empty(0).exponential_(-1), RuntimeError,
     "exponential_ expects lambda > 0.0, but found lambda=-1"),
    ("exp_int", lambda t: t.zeros(3, dtype=t.int64).exponential_(), RuntimeError,
     "Exponential distribution is a continuous probability distribution. dtype must be a "
     "floating point but you specified Long"),
    ("exp_int32_lambda", lambda t: t.zeros(3, dtype=t.int32).exponential_(-1), RuntimeError,
     "exponential_ expects lambda > 0.0, but found lambda=-1"),
    ("exp_bool", lambda t: t.zeros(3, dtype=t.bool).exponential_(), RuntimeError,
     "Exponential distribution is a continuous probability distribution. dtype must be a "
     "floating point but you specified Bool"),
    ("exp_bad_generator", lambda t: t.empty(3).exponential_(generator=3), TypeError,
     "exponential_(): argument 'generator' must be torch.Generator, not int"),
    ("exp_str", lambda t: t.empty(3).exponential_("a"), TypeError,
     "exponential_(): argument 'lambd' (position 1) must be float, not str"),
    ("exp_none_keyword", lambda t: t.empty(3).exponential_(lambd=None), TypeError,
     "exponential_(): argument 'lambd' must be float, not NoneType"),
    ("exp_two_positional", lambda t: t.empty(3).exponential_(1, 2), TypeError,
     "exponential_() takes from 0 to 1 positional arguments but 2 were given"),
    ("exp_bad_keyword", lambda t: t.empty(3).exponential_(lamb=2), TypeError,
     "exponential_() got an unexpected keyword argument 'lamb'"),
    ("exp_leaf", lambda t: t.ones(3, requires_grad=True).exponential_(), RuntimeError,
     "a leaf Variable that requires grad is being used in an in-place operation."),
    ("exp_expanded", lambda t: t.zeros(3, 1).expand(3, 4).exponential_(), RuntimeError, _CAT),
    ("mn_0d", lambda t: t.multinomial(t.tensor(0.5), 1), RuntimeError,
     "prob_dist must be 1 or 2 dim"),
    ("mn_3d", lambda t: t.multinomial(t.ones(2, 2, 2), 1), RuntimeError,
     "prob_dist must be 1 or 2 dim"),
    ("mn_int", lambda t: t.multinomial(t.ones(3, dtype=t.int64), 1), RuntimeError,
     "multinomial only supports floating-point dtypes for input, got: Long"),
    ("mn_zero_samples", lambda t: t.multinomial(t.ones(3), 0), RuntimeError,
     "cannot sample n_sample <= 0 samples"),
    ("mn_negative_samples", lambda t: t.multinomial(t.ones(3), -2, True), RuntimeError,
     "cannot sample n_sample <= 0 samples"),
    ("mn_too_many", lambda t: t.multinomial(t.ones(3), 4), RuntimeError,
     "cannot sample n_sample > prob_dist.size(-1) samples without replacement"),
    ("mn_too_many_2d", lambda t: t.multinomial(t.ones(2, 3), 4), RuntimeError,
     "cannot sample n_sample > prob_dist.size(-1) samples without replacement"),
    ("mn_negative", lambda t: t.multinomial(t.tensor([1., -1, 2]), 2), RuntimeError,
     "probability tensor contains either `inf`, `nan` or element < 0"),
    ("mn_nan", lambda t: t.multinomial(t.tensor([1., float("nan"), 2]), 2), RuntimeError,
     "probability tensor contains either `inf`, `nan` or element < 0"),
    ("mn_inf", lambda t: t.multinomial(t.tensor([[1., 1], [float("inf"), 2]]), 1),
     RuntimeError, "probability tensor contains either `inf`, `nan` or element < 0"),
    ("mn_one_sample_replacement_negative",
     lambda t: t.multinomial(t.tensor([1., -1, 2]), 1, True), RuntimeError,
     "probability tensor contains either `inf`, `nan` or element < 0"),
    ("mn_zero_sum", lambda t: t.multinomial(t.zeros(3), 2), RuntimeError,
     "invalid multinomial distribution (sum of probabilities <= 0)"),
    ("mn_zero_row", lambda t: t.multinomial(t.tensor([[1., 1], [0, 0]]), 2), RuntimeError,
     "invalid multinomial distribution (sum of probabilities <= 0)"),
    ("mn_rep_negative", lambda t: t.multinomial(t.tensor([1., -1, 2]), 2, True),
     RuntimeError, "invalid multinomial distribution (encountering probability entry < 0)"),
    ("mn_rep_nan", lambda t: t.multinomial(t.tensor([1., float("nan"), 2]), 2, True),
     RuntimeError, "invalid multinomial distribution (encountering probability entry < 0)"),
    ("mn_rep_minus_inf", lambda t: t.multinomial(t.tensor([1., float("-inf"), 2]), 2, True),
     RuntimeError, "invalid multinomial distribution (encountering probability entry < 0)"),
    ("mn_rep_inf", lambda t: t.multinomial(t.tensor([1., float("inf"), 2]), 2, True),
     RuntimeError,
     "invalid multinomial distribution (encountering probability entry = infinity or NaN)"),
    ("mn_rep_zero_sum", lambda t: t.multinomial(t.tensor([[1., 1], [0, 0]]), 2, True),
     RuntimeError, "invalid multinomial distribution (sum of probabilities <= 0)"),
    ("mn_rep_no_categories", lambda t: t.multinomial(t.zeros(2, 0), 2, True), RuntimeError,
     "invalid multinomial distribution (sum of probabilities <= 0)"),
    ("mn_one_sample_no_categories", lambda t: t.multinomial(t.zeros(0), 1, True),
     RuntimeError,
     "aminmax(): cannot compute aminmax over an empty dimension as the operation has no "
     "identity."),
    ("mn_categories", lambda t: t.multinomial(t.ones(2 ** 24 + 1), 1), RuntimeError,
     "number of categories cannot exceed 2^24"),
    ("mn_float_samples", lambda t: t.multinomial(t.ones(3), 2.0), TypeError,
     "multinomial(): argument 'num_samples' (position 2) must be int, not float"),
    ("mn_bool_samples", lambda t: t.multinomial(t.ones(3), True), TypeError,
     "multinomial(): argument 'num_samples' (position 2) must be int, not bool"),
    ("mn_none_samples", lambda t: t.multinomial(t.ones(3), None), TypeError,
     "multinomial(): argument 'num_samples' (position 2) must be int, not NoneType"),
    ("mn_int_replacement", lambda t: t.multinomial(t.ones(3), 2, 1), TypeError,
     "multinomial(): argument 'replacement' (position 3) must be bool, not int"),
    ("mn_none_replacement_keyword", lambda t: t.multinomial(t.ones(3), 2, replacement=None),
     TypeError, "multinomial(): argument 'replacement' must be bool, not NoneType"),
    ("mn_bad_generator", lambda t: t.multinomial(t.ones(3), 2, generator=1), TypeError,
     "multinomial(): argument 'generator' must be torch.Generator, not int"),
    ("mn_list", lambda t: t.multinomial([1., 2.], 2), TypeError,
     "multinomial(): argument 'input' (position 1) must be Tensor, not list"),
    ("mn_missing", lambda t: t.multinomial(t.ones(3)), TypeError,
     'multinomial() missing 1 required positional arguments: "num_samples"'),
    ("mn_four_positional", lambda t: t.multinomial(t.ones(3), 2, False, None), TypeError,
     "multinomial() takes from 2 to 3 positional arguments but 4 were given"),
    ("mn_bad_keyword", lambda t: t.multinomial(t.ones(3), 2, foo=1), TypeError,
     "multinomial() got an unexpected keyword argument 'foo'"),
    ("mn_overflow", lambda t: t.multinomial(t.ones(3), 2 ** 63), ValueError,
     "Overflow when unpacking long long"),
    ("method_float_samples", lambda t: t.ones(3).multinomial(2.5), TypeError,
     "multinomial(): argument 'num_samples' (position 1) must be int, not float"),
    ("method_missing", lambda t: t.ones(3).multinomial(), TypeError,
     'multinomial() missing 1 required positional arguments: "num_samples"'),
    ("method_three_positional", lambda t: t.ones(3).multinomial(2, False, None), TypeError,
     "multinomial() takes from 1 to 2 positional arguments but 3 were given"),
    ("method_bad_generator", lambda t: t.ones(3).multinomial(2, generator=1), TypeError,
     "multinomial(): argument 'generator' must be torch.Generator, not int"),
    ("method_int_replacement", lambda t: t.ones(3).multinomial(2, 0), TypeError,
     "multinomial(): argument 'replacement' (position 2) must be bool, not int"),
]


@pytest.mark.parametrize("case", ERRORS, ids=[c[0] for c in ERRORS])
def test_error_messages(case):
    _, fn, exc, message = case
    with pytest.raises(exc) as info:
        fn(jitgrad)
    assert str(info.value) == message


@pytest.mark.parametrize("case", ERRORS, ids=[c[0] for c in ERRORS])
def test_error_messages_match_torch(case):
    torch = pytest.importorskip("torch")
    _, fn, exc, message = case
    with pytest.raises(exc) as info:
        fn(torch)
    assert str(info.value) == message


def test_valid_edge_cases():
    # nothing to draw: empty results, no checks, no draws
    jitgrad.manual_seed(0)
    r = jitgrad.multinomial(jitgrad.zeros(0, 3), 2)
    assert r.shape == (0, 2) and r.dtype == jitgrad.int64
    assert jitgrad.multinomial(jitgrad.zeros(0, 0), 1, True).shape == (0, 1)
    # num_samples as an integer tensor or numpy integer
    assert jitgrad.multinomial(jitgrad.ones(3), jitgrad.tensor(2)).shape == (2,)
    assert jitgrad.multinomial(jitgrad.ones(3), np.int64(2)).shape == (2,)
    assert jitgrad.multinomial(input=jitgrad.ones(3), num_samples=2).shape == (2,)
    # with replacement, more samples than categories
    assert jitgrad.multinomial(jitgrad.ones(3), 7, True).shape == (7,)
    # an input that requires grad: the samples do not
    assert not jitgrad.multinomial(jitgrad.ones(3, requires_grad=True), 2).requires_grad


# ------------------------------------------------------------ torch oracle

def _same(torch, f, seed):
    torch.manual_seed(seed)
    jitgrad.manual_seed(seed)
    w = f(torch)
    g = f(jitgrad)
    assert str(g.dtype) == str(w.dtype).replace("torch.", "jitgrad.")
    assert g.shape == tuple(w.shape)
    assert np.array_equal(arr(g), w.numpy())
    # the generator moved as far as torch's
    assert np.array_equal(arr(jitgrad.rand(3)), torch.rand(3).numpy())


@pytest.mark.parametrize("dtype", ["float32", "float64"])
@pytest.mark.parametrize("n", [1, 7, 100, 1000, 100_000, 1_000_000])
def test_oracle_exponential_sizes(dtype, n):
    torch = pytest.importorskip("torch")
    for seed, lam in ((0, 1), (12345, 0.25), (2 ** 40 + 17, 3.0)):
        _same(torch, lambda t: t.empty(n, dtype=getattr(t, dtype)).exponential_(lam), seed)


@pytest.mark.parametrize("dtype", ["float32", "float64"])
def test_oracle_exponential_layouts(dtype):
    torch = pytest.importorskip("torch")

    def make(t, shape):
        return t.empty(*shape, dtype=getattr(t, dtype))
    cases = [
        lambda t: make(t, (5, 7)).exponential_(),
        lambda t: make(t, (7, 5)).t().exponential_(2),           # memory order
        lambda t: make(t, (4, 6))[:, ::2].exponential_(),          # strided
        lambda t: make(t, (2, 3, 4)).permute(2, 0, 1).exponential_(0.5),
        lambda t: make(t, (0,)).exponential_(),
        lambda t: make(t, (3,)).exponential_(lambd=7.5),
        lambda t: make(t, (3,)).exponential_(float("inf")),
        lambda t: make(t, (3,)).exponential_(1e-300),
    ]
    for i, f in enumerate(cases):
        _same(torch, f, 100 + i)


def _cases(rng):
    for dt in (np.float32, np.float64):
        for shape in [(1,), (5,), (40,), (1000,), (3, 7), (4, 100), (2, 3000)]:
            for kind in ("rand", "zeros", "ints", "uniform"):
                a = rng.random(shape).astype(dt)
                if kind == "zeros":                      # ties among the zeros
                    a[rng.random(shape) < 0.6] = 0
                    a[..., 0] = 0.5
                elif kind == "ints":                     # unnormalised weights, ties
                    a = rng.integers(0, 4, shape).astype(dt)
                    a[..., -1] = 1
                elif kind == "uniform":
                    a = np.ones(shape, dt)
                m = shape[-1]
                for n in sorted({1, min(2, m), min(3, m), m, max(1, m // 2), max(1, m // 70)}):
                    for rep in (False, True):
                        yield a, n, rep
                yield a, 3 * m, True


def test_oracle_multinomial():
    torch = pytest.importorskip("torch")
    rng = np.random.default_rng(0)
    for i, (a, n, rep) in enumerate(_cases(rng)):
        _same(torch, lambda t: t.multinomial(t.tensor(a), n, rep), i % 5)


@pytest.mark.parametrize("dtype", ["float32", "float64"])
@pytest.mark.parametrize("replacement", [False, True])
def test_oracle_multinomial_layouts(dtype, replacement):
    torch = pytest.importorskip("torch")
    base = np.random.default_rng(1).random((6, 9))

    def p(t):
        return t.tensor(base, dtype=getattr(t, dtype))
    for n in (1, 2, 5):
        for seed, f in enumerate([
                lambda t: t.multinomial(p(t).t(), n, replacement),       # q in memory order
                lambda t: t.multinomial(p(t)[:, ::2], n, replacement),
                lambda t: t.multinomial(p(t)[1, ::2], n, replacement),
                lambda t: p(t).multinomial(n, replacement=replacement),
                lambda t: p(t)[2].multinomial(n, replacement)]):
            _same(torch, f, seed)


def test_oracle_multinomial_large():
    torch = pytest.importorskip("torch")
    p = np.random.default_rng(2).random(1_000_000).astype(np.float32)
    for seed, (k, rep) in enumerate(((1, False), (1000, False), (100_000, False),
                                     (1_000_000, True), (3, True))):
        _same(torch, lambda t: t.multinomial(t.tensor(p), k, rep), seed)


def test_oracle_generator_objects():
    torch = pytest.importorskip("torch")
    base = np.random.default_rng(3).random((4, 6))

    def script(lib):
        g1, g2 = lib.Generator(), lib.Generator().manual_seed(77)
        lib.manual_seed(3)
        p = lib.tensor(base)
        out = [lib.multinomial(p, 4, generator=g1), lib.rand(3),
               lib.multinomial(p, 9, True, generator=g2), lib.multinomial(p[0], 1, generator=g1),
               p.multinomial(2, generator=g2), lib.empty(5).exponential_(generator=g1),
               lib.empty(5, dtype=lib.float64).exponential_(0.5, generator=g2),
               lib.multinomial(p, 3), lib.empty(4).exponential_(),
               g1.get_state(), g2.get_state(), lib.get_rng_state()]
        return [o.numpy() for o in out]
    for w, g in zip(script(torch), script(jitgrad)):
        assert np.array_equal(g, w)


def test_oracle_state_after_errors():
    """The draws made before an error are torch's too."""
    torch = pytest.importorskip("torch")
    for f in (lambda t: t.multinomial(t.tensor([[1., 2.], [3., 1.], [1., -1.]]), 4, True),
              lambda t: t.multinomial(t.tensor([[1., 2.], [0., 0.]]), 5, True),
              lambda t: t.multinomial(t.tensor([1., float("nan")]), 2),
              lambda t: t.empty(3).exponential_(-1)):
        for lib in (torch, jitgrad):
            lib.manual_seed(8)
            with pytest.raises(RuntimeError):
                f(lib)
        assert np.array_equal(arr(jitgrad.get_rng_state()), torch.get_rng_state().numpy())
