"""The random number generator: torch's CPU stream, bit for bit.

Hard-coded values (computed with torch 2.13 once) run without torch; the
oracle tests replay long mixed sequences of draws in both libraries and
compare every tensor with ``np.array_equal`` and the generator states byte
for byte.
"""
import warnings

import numpy as np
import pytest

import jitgrad
from jitgrad.kernels import random as K


def arr(t):
    return t.detach().numpy() if t.requires_grad else t.numpy()


# ------------------------------------------------------------ known values

RANDN_5x3_SEED0 = [1.5409960746765137, -0.293428897857666, -2.1787893772125244,
                   0.5684312582015991, -1.0845223665237427, -1.3985954523086548,
                   0.40334683656692505, 0.8380263447761536, -0.7192575931549072,
                   -0.40334352850914, -0.5966353416442871, 0.18203648924827576,
                   -0.8566746115684509, 1.1006041765213013, -1.0711873769760132]
RANDN_17_SEED0 = [-1.1258398294448853, -1.6959311962127686, 0.5666506290435791,
                  0.7935083508491516, 0.5988394618034363, -1.5550950765609741,
                  -0.3413603901863098, 1.85300612449646, 0.46809640526771545,
                  -0.5854975581169128, -0.1733967512845993, 0.18347793817520142,
                  1.3893661499023438, 1.586334228515625, 0.946298360824585,
                  -0.843676745891571, 0.9318265914916992]


def test_randn_small_path_seed0():
    jitgrad.manual_seed(0)
    x = jitgrad.randn(5, 3)
    assert x.dtype == jitgrad.float32 and x.shape == (5, 3)
    assert np.array_equal(arr(x).reshape(-1), np.array(RANDN_5x3_SEED0, np.float32))


def test_randn_fill_path_seed0():
    # 17 elements: one block of 16, then the last 16 drawn again
    jitgrad.manual_seed(0)
    assert np.array_equal(arr(jitgrad.randn(17)), np.array(RANDN_17_SEED0, np.float32))


def test_rand_seed42():
    jitgrad.manual_seed(42)
    assert np.array_equal(arr(jitgrad.rand(6)), np.array(
        [0.8822692632675171, 0.9150039553642273, 0.38286375999450684, 0.9593056440353394,
         0.3904482126235962, 0.600895345211029], np.float32))
    jitgrad.manual_seed(42)
    assert arr(jitgrad.rand(4, dtype=jitgrad.float64)).tolist() == [
        0.05815448596142969, 0.06291016742457756, 0.12358607277440903, 0.05258016436107704]


def test_randn_float64_seed7():
    jitgrad.manual_seed(7)
    assert arr(jitgrad.randn(3, dtype=jitgrad.float64)).tolist() == [
        -0.1467950974849952, 0.7861412987235358, 0.9468216090039564]
    jitgrad.manual_seed(7)
    assert arr(jitgrad.randn(16, dtype=jitgrad.float64))[:6].tolist() == [
        0.06626753966449943, 0.04699155524392409, 1.8365386300294015, 1.367690398536778,
        1.1213586638784168, 1.859747196003376]


def test_randint_randperm_seed123():
    jitgrad.manual_seed(123)
    x = jitgrad.randint(-5, 5, (8,))
    assert x.dtype == jitgrad.int64
    assert x.tolist() == [-3, 4, -3, -5, -5, -3, 1, 2]
    assert jitgrad.randint(0, 2 ** 40, (3,)).tolist() == [358591625322, 531631171129,
                                                          920887908065]
    jitgrad.manual_seed(123)
    assert jitgrad.randperm(10).tolist() == [2, 0, 8, 1, 3, 7, 4, 9, 5, 6]


def test_mixed_sequence_seed2024():
    # randn(3) caches its fourth Box-Muller sample; randn(1) returns it
    jitgrad.manual_seed(2024)
    assert np.array_equal(arr(jitgrad.randn(3)), np.array(
        [-0.040429167449474335, 1.7259920835494995, -0.8140387535095215], np.float32))
    assert np.array_equal(arr(jitgrad.rand(2)),
                          np.array([0.4848504662513733, 0.7492141127586365], np.float32))
    assert jitgrad.randint(0, 100, (3,)).tolist() == [77, 44, 11]
    assert np.array_equal(arr(jitgrad.randn(1)), np.array([1.372166633605957], np.float32))


def test_inplace_draws_seed5():
    jitgrad.manual_seed(5)
    x = jitgrad.empty(20).normal_(2.0, 0.5)
    assert np.array_equal(arr(x)[:5], np.array(
        [2.9211649894714355, 2.259443521499634, 1.1440393924713135, 1.1493103504180908,
         1.9351686239242554], np.float32))
    jitgrad.manual_seed(5)
    x = jitgrad.empty(5).uniform_(-1.0, 3.0)
    assert np.array_equal(arr(x), np.array(
        [2.321007490158081, -0.4955563545227051, 2.6298787593841553, 2.27970814704895,
         2.6804137229919434], np.float32))
    jitgrad.manual_seed(5)
    assert jitgrad.empty(8).bernoulli_(0.5).tolist() == [0., 1., 1., 1., 1., 0., 0., 0.]
    assert jitgrad.bernoulli(jitgrad.tensor([0.1, 0.5, 0.9, 0.3])).tolist() == [0., 0., 1., 0.]


def test_new_generator_default_seed():
    g = jitgrad.Generator()
    assert g.initial_seed() == 67280421310721
    assert np.array_equal(arr(jitgrad.randn(4, generator=g)), np.array(
        [0.9772631525993347, 1.1568583250045776, -0.38065364956855774, 1.2525017261505127],
        np.float32))


def test_mt19937_reference_output():
    # the engine itself: the first output of the reference mt19937 for seed 5489
    mt, pos, w = np.zeros(624, np.uint32), np.zeros(2, np.int64), np.zeros(2, np.uint32)
    K.mt_seed(mt, pos, 5489)
    K.mt_fill(mt, pos, w)
    assert w.tolist() == [3499211612, 581869302]
    # the 10000th output, through many twists
    w = np.zeros(9998, np.uint32)
    K.mt_fill(mt, pos, w)
    assert int(w[-1]) == 4123659995


def test_randperm_large_is_inside_out_fisher_yates():
    # the n >= 2**32 / 20 path, checked on a small n against a Python model
    mt, pos = np.zeros(624, np.uint32), np.zeros(2, np.int64)
    K.mt_seed(mt, pos, 11)
    mt2, pos2 = mt.copy(), pos.copy()
    out = np.empty(1000, np.int64)
    K.randperm_large(mt, pos, out)
    w = np.empty(2000, np.uint32)
    K.mt_fill(mt2, pos2, w)
    ref = [0] * 1000
    for i in range(1000):
        z = ((int(w[2 * i]) << 32) | int(w[2 * i + 1])) % (i + 1)
        ref[i] = ref[z]
        ref[z] = i
    assert out.tolist() == ref
    assert np.array_equal(mt, mt2) and np.array_equal(pos, pos2)


# ------------------------------------------------------------ generators

def test_generators_repeatable_and_independent():
    g1 = jitgrad.Generator().manual_seed(3)
    g2 = jitgrad.Generator().manual_seed(3)
    a = arr(jitgrad.randn(40, generator=g1))
    jitgrad.manual_seed(99)
    d0 = arr(jitgrad.rand(5))
    b = arr(jitgrad.randn(40, generator=g2))
    assert np.array_equal(a, b)
    # draws from g1/g2 did not move the default generator
    jitgrad.manual_seed(99)
    jitgrad.randn(40, generator=g1)
    assert np.array_equal(arr(jitgrad.rand(5)), d0)
    # and the default generator's draws do not move g1
    g1.manual_seed(3)
    jitgrad.rand(100)
    assert np.array_equal(arr(jitgrad.randn(40, generator=g1)), a)


def test_generator_api():
    g = jitgrad.Generator()
    assert g.manual_seed(12) is g and g.initial_seed() == 12
    assert g.device == jitgrad.device("cpu")
    s = g.seed()
    assert g.initial_seed() == s and 0 <= s < 2 ** 64
    assert jitgrad.manual_seed(5) is jitgrad.default_generator
    assert jitgrad.initial_seed() == 5
    assert jitgrad.manual_seed(-1).initial_seed() == 2 ** 64 - 1
    s = jitgrad.seed()
    assert jitgrad.initial_seed() == s
    g.manual_seed(2 ** 32 + 7)          # only the low 32 bits seed the engine
    a = arr(jitgrad.rand(3, generator=g))
    assert np.array_equal(arr(jitgrad.rand(3, generator=g.manual_seed(7))), a)


def test_get_set_state_roundtrip():
    g = jitgrad.Generator().manual_seed(8)
    jitgrad.randn(3, generator=g)             # leaves a cached normal sample
    state = g.get_state()
    assert state.shape == (5056,)
    a = [arr(f(generator=g)) for f in (lambda **k: jitgrad.randn(5, **k),
                                       lambda **k: jitgrad.rand(700, **k))]
    assert g.set_state(state) is g
    b = [arr(f(generator=g)) for f in (lambda **k: jitgrad.randn(5, **k),
                                       lambda **k: jitgrad.rand(700, **k))]
    assert all(np.array_equal(x, y) for x, y in zip(a, b))
    jitgrad.set_rng_state(state)
    assert np.array_equal(arr(jitgrad.get_rng_state()), arr(state))
    assert np.array_equal(arr(jitgrad.randn(5)), a[0])


def test_set_state_refuses_bad_input():
    g = jitgrad.Generator()
    good = arr(g.get_state()).copy()
    with pytest.raises(TypeError, match="RNG state must be a torch.ByteTensor"):
        g.set_state(jitgrad.tensor(good.astype(np.float32)))
    bad = good.copy()
    bad[8:12] = np.frombuffer(np.int32(600).tobytes(), np.uint8)   # left = 600 with next = 0
    bad[16:24] = np.frombuffer(np.uint64(100).tobytes(), np.uint8)  # ... and next = 100
    with pytest.raises(RuntimeError, match="Invalid mt19937 state"):
        g.set_state(jitgrad.tensor(bad))
    assert np.array_equal(arr(g.get_state()), good)      # unchanged by the refusals


def test_normal_cache_cleared_by_manual_seed():
    jitgrad.manual_seed(0)
    jitgrad.randn(1)                    # caches a sample
    jitgrad.manual_seed(0)
    jitgrad.randn(1)
    a = arr(jitgrad.randn(1))           # the cached one of this seed
    jitgrad.manual_seed(0)
    assert np.array_equal(arr(jitgrad.randn(2))[1:], a)


@pytest.mark.parametrize("dtype", ["float32", "float64"])
def test_distribution_sanity(dtype):
    d = getattr(jitgrad, dtype)
    jitgrad.manual_seed(1)
    u = arr(jitgrad.rand(100000, dtype=d)).astype(np.float64)
    assert u.min() >= 0 and u.max() < 1 and abs(u.mean() - 0.5) < 0.01
    n = arr(jitgrad.randn(100000, dtype=d)).astype(np.float64)
    assert abs(n.mean()) < 0.02 and abs(n.std() - 1) < 0.02
    r = arr(jitgrad.randint(3, 7, (10000,)))
    assert set(np.unique(r).tolist()) == {3, 4, 5, 6}
    p = arr(jitgrad.randperm(1000))
    assert sorted(p.tolist()) == list(range(1000))
    b = arr(jitgrad.empty(10000, dtype=d).bernoulli_(0.25))
    assert set(np.unique(b).tolist()) == {0.0, 1.0} and abs(b.mean() - 0.25) < 0.02


def test_dtypes_and_shapes():
    assert jitgrad.randint(0, 5, (2, 3), dtype=jitgrad.int32).dtype == jitgrad.int32
    assert jitgrad.randint(0, 5, (2,), dtype=jitgrad.float64).dtype == jitgrad.float64
    assert jitgrad.randint(5, (2,)).shape == (2,)
    assert jitgrad.randint(5, size=(2,)).shape == (2,)
    assert jitgrad.randint(low=1, high=5, size=(4,)).min().item() >= 1
    assert jitgrad.randint(0, 3, ()).shape == ()
    assert jitgrad.randperm(4, dtype=jitgrad.float32).dtype == jitgrad.float32
    assert jitgrad.randperm(0).shape == (0,)
    assert jitgrad.rand(0, 3).shape == (0, 3) and jitgrad.randn(()).shape == ()
    assert jitgrad.bernoulli(jitgrad.rand(3, dtype=jitgrad.float64)).dtype == jitgrad.float64
    assert jitgrad.empty(4, dtype=jitgrad.int64).bernoulli_(0.5).dtype == jitgrad.int64
    assert jitgrad.empty(4, dtype=jitgrad.bool).bernoulli_(0.5).dtype == jitgrad.bool
    assert jitgrad.rand_like(jitgrad.ones(2, dtype=jitgrad.float64)).dtype == jitgrad.float64
    assert jitgrad.randn_like(jitgrad.ones(2, 3)).shape == (2, 3)
    assert jitgrad.rand(2, requires_grad=True).requires_grad


# ------------------------------------------------------------ autograd

def test_inplace_draw_nodes_and_zero_gradients():
    x = jitgrad.ones(3, requires_grad=True)
    for draw, name in ((lambda y: y.uniform_(), "UniformBackward0"),
                       (lambda y: y.normal_(), "NormalBackward0"),
                       (lambda y: y.bernoulli_(0.5), "BernoulliBackward2"),
                       (lambda y: y.bernoulli_(jitgrad.full((3,), 0.5)), "BernoulliBackward1")):
        x.grad = None
        y = x * 2
        draw(y)
        assert type(y.grad_fn).__name__ == name and y.requires_grad
        y.sum().backward()
        assert x.grad.tolist() == [0.0, 0.0, 0.0]
        g, = jitgrad.autograd.grad((x * 2).uniform_().sum(), x, create_graph=True)
        assert g.tolist() == [0.0, 0.0, 0.0]


def test_bernoulli_nodes():
    p = jitgrad.full((3,), 0.5, requires_grad=True)
    y = jitgrad.bernoulli(p)
    assert type(y.grad_fn).__name__ == "BernoulliBackward0"
    y.sum().backward()
    assert p.grad.tolist() == [0.0, 0.0, 0.0]
    y = jitgrad.bernoulli(p, 0.3)
    assert type(y.grad_fn).__name__ == "NotImplemented"
    with pytest.raises(RuntimeError, match="derivative for aten::bernoulli is not implemented"):
        y.sum().backward()
    with jitgrad.no_grad():
        assert jitgrad.bernoulli(p).grad_fn is None


def test_inplace_draw_bumps_version_and_refuses_leaf():
    x = jitgrad.zeros(4)
    v = x._version
    x.uniform_()
    x.normal_()
    x.bernoulli_()
    assert x._version == v + 3
    w = jitgrad.zeros(4, requires_grad=True)
    with pytest.raises(RuntimeError, match="a leaf Variable that requires grad"):
        w.normal_()
    with jitgrad.no_grad():
        w.normal_()                          # nn.init's way
    assert w.grad_fn is None and w.requires_grad


# ------------------------------------------------------------ errors

ERRORS = [
    # (id, fn(lib), exception type, message)
    ("rand_int_dtype", lambda t: t.rand(3, dtype=t.int64), NotImplementedError,
     "\"check_uniform_bounds\" not implemented for 'Long'"),
    ("randn_int_dtype", lambda t: t.randn(3, dtype=t.int32), NotImplementedError,
     "\"normal_kernel_cpu\" not implemented for 'Int'"),
    ("randn_bad_generator", lambda t: t.randn(3, generator=5), TypeError,
     "randn() received an invalid combination of arguments - got (int, generator=int), but "
     "expected one of:\n"
     " * (tuple of ints size, *, torch.Generator generator, Tensor out = None, torch.dtype "
     "dtype = None, torch.layout layout = None, torch.device device = None, bool pin_memory "
     "= False, bool requires_grad = False)\n"
     " * (tuple of ints size, *, Tensor out = None, torch.dtype dtype = None, torch.layout "
     "layout = None, torch.device device = None, bool pin_memory = False, bool requires_grad "
     "= False)\n"),
    ("randint_from_ge_to", lambda t: t.randint(5, 3, (2,)), RuntimeError,
     "random_ expects 'from' to be less than 'to', but got from=5 >= to=3"),
    ("randint_bool_range", lambda t: t.randint(3, (2,), dtype=t.bool), RuntimeError,
     "to - 1 is out of bounds for bool"),
    ("randint_int32_from", lambda t: t.randint(-2 ** 31 - 1, 2, (3,), dtype=t.int32),
     RuntimeError, "from is out of bounds for int"),
    ("randint_requires_grad", lambda t: t.randint(3, (2,), requires_grad=True), RuntimeError,
     "Only Tensors of floating point and complex dtype can require gradients"),
    ("randint_size_int", lambda t: t.randint(3, 5), TypeError,
     "randint(): argument 'size' (position 2) must be tuple of ints, not int"),
    ("randint_negative_size", lambda t: t.randint(0, 3, (2, -1)), RuntimeError,
     "Trying to create tensor with negative dimension -1: [2, -1]"),
    ("randperm_negative", lambda t: t.randperm(-1), RuntimeError,
     "Trying to create tensor with negative dimension -1: [-1]"),
    ("randperm_float_n", lambda t: t.randperm(5.0), TypeError,
     "randperm(): argument 'n' (position 1) must be int, not float"),
    ("randperm_bool", lambda t: t.randperm(5, dtype=t.bool), NotImplementedError,
     "\"randperm\" not implemented for 'Bool'"),
    ("randperm_float_precision", lambda t: t.randperm(2 ** 24 + 2, dtype=t.float32),
     RuntimeError, "n cannot be greater than 2^24+1 for Float type."),
    ("uniform_range", lambda t: t.ones(3).uniform_(2, 1), RuntimeError,
     "uniform_ expects to return a [from, to) range, but found from=2 > to=1"),
    ("uniform_int", lambda t: t.ones(3, dtype=t.int64).uniform_(), NotImplementedError,
     "\"check_uniform_bounds\" not implemented for 'Long'"),
    ("uniform_nan", lambda t: t.ones(3).uniform_(float("nan"), 1), RuntimeError,
     "from is out of bounds for float"),
    ("uniform_span", lambda t: t.ones(3).uniform_(-3e38, 3e38), RuntimeError,
     "uniform_ expects to-from <= std::numeric_limits<Float>::max(), but found to=3e+38 and "
     "from=-3e+38 which result in to-from to exceed the limit"),
    ("uniform_str", lambda t: t.ones(3).uniform_("a"), TypeError,
     "uniform_(): argument 'from' (position 1) must be float, not str"),
    ("uniform_bad_generator", lambda t: t.ones(3).uniform_(generator=5), TypeError,
     "uniform_(): argument 'generator' must be torch.Generator, not int"),
    ("normal_negative_std", lambda t: t.ones(3).normal_(0, -1), RuntimeError,
     "normal expects std >= 0.0, but found std -1"),
    ("normal_nan_std", lambda t: t.ones(3).normal_(0, float("nan")), RuntimeError,
     "normal expects std >= 0.0, but found std nan"),
    ("normal_int", lambda t: t.ones(3, dtype=t.int64).normal_(), NotImplementedError,
     "\"normal_kernel_cpu\" not implemented for 'Long'"),
    ("normal_leaf", lambda t: t.ones(3, requires_grad=True).normal_(), RuntimeError,
     "a leaf Variable that requires grad is being used in an in-place operation."),
    ("bernoulli_p_range", lambda t: t.ones(3).bernoulli_(1.5), RuntimeError,
     "bernoulli_ expects p to be in [0, 1], but got p=1.5"),
    ("bernoulli_p_tensor_range", lambda t: t.ones(3).bernoulli_(t.tensor([0.5, 2., -1.])),
     RuntimeError,
     "Expected p_in >= 0 && p_in <= 1 to be true, but got false.  (Could this error message "
     "be improved?  If so, please report an enhancement request to PyTorch.)"),
    ("bernoulli_int_input", lambda t: t.bernoulli(t.tensor([1, 0])), NotImplementedError,
     "\"bernoulli_tensor_cpu_p_\" not implemented for 'Long'"),
    ("bernoulli_expand", lambda t: t.ones(3).bernoulli_(t.ones(4)), RuntimeError,
     "The expanded size of the tensor (3) must match the existing size (4) at non-singleton "
     "dimension 0.  Target sizes: [3].  Tensor sizes: [4]"),
    ("bernoulli_list", lambda t: t.bernoulli([0.5]), TypeError,
     "bernoulli(): argument 'input' (position 1) must be Tensor, not list"),
    ("bernoulli_str_p", lambda t: t.bernoulli(t.ones(3), "a"), TypeError,
     "bernoulli() received an invalid combination of arguments - got (Tensor, str), but "
     "expected one of:\n"
     " * (Tensor input, *, torch.Generator generator = None, Tensor out = None)\n"
     " * (Tensor input, float p, *, torch.Generator generator = None)\n"),
    ("rand_like_bad_generator", lambda t: t.rand_like(t.ones(2), generator=3), TypeError,
     "rand_like() received an invalid combination of arguments - got (Tensor, generator=int), "
     "but expected one of:\n"
     " * (Tensor input, *, torch.Generator generator, torch.memory_format memory_format = "
     "None, torch.dtype dtype = None, torch.layout layout = None, torch.device device = None, "
     "bool pin_memory = False, bool requires_grad = False)\n"
     " * (Tensor input, *, torch.memory_format memory_format = None, torch.dtype dtype = "
     "None, torch.layout layout = None, torch.device device = None, bool pin_memory = False, "
     "bool requires_grad = False)\n"),
    ("randn_like_int", lambda t: t.randn_like(t.ones(2, dtype=t.int64)), NotImplementedError,
     "\"normal_kernel_cpu\" not implemented for 'Long'"),
    ("normal_expanded", lambda t: t.zeros(3, 1).expand(3, 4).normal_(), RuntimeError,
     "unsupported operation: more than one element of the written-to tensor refers to a "
     "single memory location. Please clone() the tensor before performing the operation."),
    ("bernoulli_expanded", lambda t: t.zeros(3, 1).expand(3, 4).bernoulli_(t.rand(4)),
     RuntimeError,
     "unsupported operation: more than one element of the written-to tensor refers to a "
     "single memory location. Please clone() the tensor before performing the operation."),
    ("generator_seed_float", lambda t: t.Generator().manual_seed(1.5), RuntimeError,
     "manual_seed expected a long, but got float"),
    ("generator_seed_overflow", lambda t: t.Generator().manual_seed(2 ** 64), ValueError,
     "Overflow when unpacking long long"),
    ("set_state_size", lambda t: t.Generator().set_state(t.zeros(5, dtype=t.int64)
                                                         if t is jitgrad else
                                                         t.zeros(5, dtype=t.uint8)),
     RuntimeError,
     "Expected a CPUGeneratorImplState of size 5056 but found the input RNG state size to be 5"),
    ("set_state_invalid", lambda t: t.Generator().set_state(t.zeros(5056, dtype=t.int64)
                                                            if t is jitgrad else
                                                            t.zeros(5056, dtype=t.uint8)),
     RuntimeError, "Invalid mt19937 state"),
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


def test_randint_float_precision_warning():
    with pytest.warns(UserWarning, match=r"to - 1 is out of bounds \[-\(2\^24\), 2\^24\]"):
        jitgrad.randint(0, 2 ** 40, (3,), dtype=jitgrad.float32)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        jitgrad.randint(0, 2 ** 20, (3,), dtype=jitgrad.float32)


def test_bad_p_tensor_draws_up_to_the_bad_element():
    # ATen draws for the elements before the first bad p, then raises
    jitgrad.manual_seed(0)
    with pytest.raises(RuntimeError):
        jitgrad.empty(3).bernoulli_(jitgrad.tensor([0.5, 0.5, 2.0]))
    after = arr(jitgrad.rand(2))
    jitgrad.manual_seed(0)
    jitgrad.rand(2)
    assert np.array_equal(arr(jitgrad.rand(2)), after)


# ------------------------------------------------------------ torch oracle

def _script(lib, seed):
    """A long mixed sequence of draws; every result as a numpy array."""
    f32, f64 = lib.float32, lib.float64
    lib.manual_seed(seed)
    out = []
    for n in (0, 1, 2, 5, 15, 16, 17, 31, 33, 100, 1000, 4097):
        out.append(lib.rand(n))
        out.append(lib.randn(n))
        out.append(lib.randn(n, dtype=f64))
        out.append(lib.rand(n, dtype=f64))
        out.append(lib.randint(-7, 11, (n,)))
    out.append(lib.randn(3, 4, 5))
    out.append(lib.randn(7))                      # uses the cached sample or not
    out.append(lib.randn(1, dtype=f64))
    out.append(lib.randint(0, 2 ** 28, (50,)))    # random64 from 2**28 on
    out.append(lib.randint(0, 2 ** 28 - 1, (50,)))
    out.append(lib.randint(-2 ** 62, 2 ** 62, (50,)))
    out.append(lib.randint(-2 ** 63, 2 ** 63 - 1, (50,)))
    out.append(lib.randint(0, 1000, (20,), dtype=lib.int32))
    out.append(lib.randint(0, 1000, (20,), dtype=f32))
    out.append(lib.randint(0, 2, (20,), dtype=lib.bool))
    for n in (0, 1, 2, 3, 50, 5000):
        out.append(lib.randperm(n))
    out.append(lib.randperm(30, dtype=f64))
    for dt in (f32, f64):
        x = lib.empty(7, 9, dtype=dt)
        out.append(x.uniform_(-2.5, 4.0).clone())
        out.append(x.uniform_().clone())
        out.append(x.normal_(1.5, 0.3).clone())
        out.append(lib.empty(5, dtype=dt).normal_(-1, 2).clone())
        out.append(lib.empty(3, dtype=dt).uniform_(1, 1).clone())
        # non-contiguous: a transposed and a strided view fill in memory order,
        # and normal_ takes the element-by-element path whatever the size
        base = lib.zeros(6, 10, dtype=dt)
        base.t().normal_()
        out.append(base.clone())
        base[::2, 1:9].uniform_(0, 3)
        out.append(base.clone())
        base[1::2, ::3].normal_(0, 1)
        out.append(base.clone())
        out.append(lib.empty(40, dtype=dt).bernoulli_(0.3))
        out.append(lib.empty(4, 6, dtype=dt).t().bernoulli_(0.7).contiguous())
        out.append(lib.bernoulli(lib.rand(50, dtype=dt)))
        out.append(lib.bernoulli(lib.rand(5, 8, dtype=dt).t()))
        out.append(lib.empty(4, 3, dtype=dt).bernoulli_(lib.rand(3, dtype=f32)))
        out.append(lib.empty(4, 3, dtype=dt).bernoulli_(lib.rand(4, 1, dtype=f64)))
        out.append(lib.bernoulli(lib.rand(10, dtype=dt), 0.6))
    out.append(lib.empty(10, dtype=lib.int64).bernoulli_(0.5))
    out.append(lib.empty(10, dtype=lib.bool).bernoulli_(lib.rand(10)))
    x = lib.rand(6, 4, dtype=f64).t()
    out.append(lib.rand_like(x).contiguous())
    out.append(lib.randn_like(x, dtype=f32).contiguous())       # permuted: serial path
    out.append(lib.randn_like(lib.ones(5, 6)))
    out.append(lib.randn_like(lib.ones(8, 6)[::2]).contiguous())
    out.append(lib.randn(1))
    out.append(lib.get_rng_state())
    return [o.numpy() for o in out]


@pytest.mark.parametrize("seed", [0, 1, 12345, 2 ** 40 + 17, 2 ** 64 - 1])
def test_oracle_mixed_sequence(seed):
    torch = pytest.importorskip("torch")
    want = _script(torch, seed)
    got = _script(jitgrad, seed)
    assert len(want) == len(got)
    for i, (w, g) in enumerate(zip(want, got)):
        assert g.shape == w.shape, i
        assert g.dtype == w.dtype or (w.dtype == np.uint8 and g.dtype == np.int64), i
        assert np.array_equal(g, w), i


def test_oracle_generator_objects():
    torch = pytest.importorskip("torch")

    def script(lib):
        g1, g2 = lib.Generator(), lib.Generator().manual_seed(77)
        lib.manual_seed(3)
        out = [lib.randn(5, generator=g1), lib.rand(3), lib.randn(20, generator=g2),
               lib.randint(0, 9, (4,), generator=g1), lib.randn(3),
               lib.randperm(7, generator=g2), lib.empty(6).uniform_(generator=g1),
               lib.empty(6).normal_(generator=g2), lib.empty(6).bernoulli_(generator=g1),
               lib.bernoulli(lib.rand(6), generator=g2), lib.randn(2, generator=g1),
               g1.get_state(), g2.get_state(), lib.get_rng_state()]
        return [o.numpy() for o in out]
    for w, g in zip(script(torch), script(jitgrad)):
        assert np.array_equal(g, w)


@pytest.mark.parametrize("dtype", ["float32", "float64"])
def test_oracle_large_normal(dtype):
    torch = pytest.importorskip("torch")
    for seed, n in ((0, 1_000_000), (9, 123_457)):
        torch.manual_seed(seed)
        jitgrad.manual_seed(seed)
        w = torch.randn(n, dtype=getattr(torch, dtype)).numpy()
        g = arr(jitgrad.randn(n, dtype=getattr(jitgrad, dtype)))
        assert np.array_equal(g, w)
        w = torch.empty(n, dtype=getattr(torch, dtype)).normal_(0.25, 3.5).numpy()
        g = arr(jitgrad.empty(n, dtype=getattr(jitgrad, dtype)).normal_(0.25, 3.5))
        assert np.array_equal(g, w)


def test_oracle_state_exchange():
    torch = pytest.importorskip("torch")
    torch.manual_seed(31)
    torch.randn(3)                      # a cached normal sample travels with the state
    state = torch.get_rng_state()
    jitgrad.set_rng_state(state)        # torch's ByteTensor is accepted
    assert np.array_equal(arr(jitgrad.get_rng_state()), state.numpy())
    assert np.array_equal(arr(jitgrad.randn(5)), torch.randn(5).numpy())
    g = torch.Generator().manual_seed(4)
    torch.rand(1000, generator=g)
    jg = jitgrad.Generator().set_state(g.get_state().numpy())
    assert np.array_equal(arr(jg.get_state()), g.get_state().numpy())
    assert np.array_equal(arr(jitgrad.randn(40, generator=jg)),
                          torch.randn(40, generator=g).numpy())
    torch.set_rng_state(torch.tensor(arr(jitgrad.get_rng_state()), dtype=torch.uint8))
    assert np.array_equal(arr(jitgrad.rand(9)), torch.rand(9).numpy())


def test_oracle_randint_float_bounds():
    torch = pytest.importorskip("torch")
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        for lo, hi, dt in ((2 ** 60, 2 ** 60 + 5, "float32"), (0, 2 ** 60, "float64"),
                           (-2 ** 30, 2 ** 30, "float32")):
            torch.manual_seed(1)
            jitgrad.manual_seed(1)
            w = torch.randint(lo, hi, (20,), dtype=getattr(torch, dt)).numpy()
            g = arr(jitgrad.randint(lo, hi, (20,), dtype=getattr(jitgrad, dt)))
            assert np.array_equal(g, w)
