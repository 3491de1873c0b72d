"""jitgrad.utils.data: datasets, samplers, default_collate and DataLoader.

The shuffles and every random number drawn around them must be torch's for
the same seed (the sampler's seed and the loader's ``_base_seed`` come from
the default generator), so the torch checks compare whole epochs and a draw
made after them."""
import warnings
from collections import OrderedDict, namedtuple

import numpy as np
import pytest

import jitgrad
import jitgrad.utils.data as D
from jitgrad.utils.data import DataLoader, TensorDataset
from helpers import error_tests


def plain(v):
    """Batches as comparable Python values (dtype name, shape, values)."""
    if hasattr(v, "dtype") and hasattr(v, "tolist") and not isinstance(v, np.ndarray):
        return ("T", str(v.dtype).split(".")[-1], tuple(v.shape), v.tolist())
    if isinstance(v, dict):
        return (type(v).__name__, {k: plain(x) for k, x in v.items()})
    if isinstance(v, (list, tuple)):
        return (type(v).__name__, [plain(x) for x in v])
    return v


def xy(lib, n, features=3):
    rng = np.random.default_rng(n)
    return (lib.tensor(rng.standard_normal((n, features)).astype(np.float32)),
            lib.tensor(np.arange(n) * 10))


def epochs(lib, make_loader, seed=7, n_epochs=2):
    """The batches of n_epochs passes, len(loader), and draws made after."""
    lib.manual_seed(seed)
    loader, gen = make_loader(lib)
    out = [len(loader)]
    for _ in range(n_epochs):
        out.append([plain(b) for b in loader])
    out.append(lib.randn(3).tolist())
    if gen is not None:
        out.append(lib.rand(2, generator=gen).tolist())
    return out


def tensor_loader(n, bs, shuffle, drop_last, explicit_gen, **kw):
    def make(lib):
        gen = None
        if explicit_gen:
            gen = lib.Generator()
            gen.manual_seed(123)
        ds = lib.utils.data.TensorDataset(*xy(lib, n))
        return lib.utils.data.DataLoader(ds, batch_size=bs, shuffle=shuffle, drop_last=drop_last,
                                         generator=gen, **kw), gen
    return make


def torch_or_skip():
    return pytest.importorskip("torch")


# ------------------------------------------------------------------ torch parity

@pytest.mark.parametrize("explicit_gen", [False, True], ids=["default-gen", "explicit-gen"])
@pytest.mark.parametrize("drop_last", [False, True], ids=["keep-last", "drop-last"])
@pytest.mark.parametrize("n,bs", [(10, 3), (12, 4), (5, 8), (1437, 64)])
def test_shuffled_epochs_match_torch(n, bs, drop_last, explicit_gen):
    torch = torch_or_skip()
    make = tensor_loader(n, bs, True, drop_last, explicit_gen)
    assert epochs(jitgrad, make) == epochs(torch, make)


@pytest.mark.parametrize("drop_last", [False, True])
def test_sequential_epochs_match_torch(drop_last):
    torch = torch_or_skip()
    make = tensor_loader(10, 4, False, drop_last, False)
    assert epochs(jitgrad, make) == epochs(torch, make)


class Records:
    """A map-style dataset of mixed samples (exercises default_collate)."""

    def __init__(self, lib, n):
        self.lib, self.n = lib, n

    def __len__(self):
        return self.n

    def __getitem__(self, i):
        return {"x": np.full((2,), i, np.float32), "i": i, "f": i / 2, "b": i % 2 == 0,
                "t": self.lib.tensor([i, i + 0.5]), "s": f"s{i}", "pair": (i, [i * 1.5])}


Point = namedtuple("Point", "x y")


class Points(D.Dataset):
    def __init__(self, lib):
        self.lib = lib

    def __len__(self):
        return 5

    def __getitem__(self, i):
        return Point(self.lib.tensor([float(i)]), np.int64(i))


def Stream(lib, n):
    """An IterableDataset of n one-element tensors (lib's base class)."""
    class Stream(lib.utils.data.IterableDataset):
        def __init__(self):
            self.n = n

        def __iter__(self):
            return iter(lib.tensor([float(i)]) for i in range(self.n))

        def __len__(self):
            return self.n
    return Stream()


def _subset_loader(lib):
    U = lib.utils.data
    ds = U.TensorDataset(*xy(lib, 20))
    g = lib.Generator()
    g.manual_seed(5)
    train, _ = U.random_split(ds, [0.7, 0.3], generator=g)
    return U.DataLoader(U.Subset(train, [3, 1, 4, 1, 5, 9, 2, 6]), batch_size=3,
                        shuffle=True), None


LOADERS = {
    "subset-of-random-split": _subset_loader,
    "random_split-default-generator": lambda lib: (lib.utils.data.DataLoader(
        lib.utils.data.random_split(range(10), [6, 4])[1], batch_size=3), None),
    "records-shuffled": lambda lib: (lib.utils.data.DataLoader(
        Records(lib, 7), batch_size=3, shuffle=True), None),
    "records-unbatched": lambda lib: (lib.utils.data.DataLoader(Records(lib, 3),
                                                                batch_size=None), None),
    "namedtuples": lambda lib: (lib.utils.data.DataLoader(Points(lib), batch_size=2), None),
    "no-batching-shuffled": lambda lib: (lib.utils.data.DataLoader(
        lib.utils.data.TensorDataset(*xy(lib, 5)), batch_size=None, shuffle=True), None),
    "replacement": lambda lib: (lib.utils.data.DataLoader(
        lib.utils.data.TensorDataset(lib.arange(9)), batch_size=4,
        sampler=lib.utils.data.RandomSampler(range(9), replacement=True,
                                             num_samples=40)), None),
    "num_samples>n": lambda lib: (lib.utils.data.DataLoader(
        lib.utils.data.TensorDataset(lib.arange(9)), batch_size=4, drop_last=True,
        sampler=lib.utils.data.RandomSampler(range(9), num_samples=20)), None),
    "batch_sampler-lists": lambda lib: (lib.utils.data.DataLoader(
        lib.utils.data.TensorDataset(lib.arange(9.)), batch_sampler=[[1, 2], [8, -1], [0]]),
        None),
    "subset-random-sampler": lambda lib: (lib.utils.data.DataLoader(
        lib.utils.data.TensorDataset(lib.arange(9)), batch_size=2,
        sampler=lib.utils.data.SubsetRandomSampler([1, 5, 7, 8])), None),
    "concat": lambda lib: (lib.utils.data.DataLoader(
        lib.utils.data.TensorDataset(lib.arange(9.)) + lib.utils.data.TensorDataset(
            lib.arange(3.)), shuffle=True, batch_size=5), None),
    "iterable": lambda lib: (lib.utils.data.DataLoader(Stream(lib, 7), batch_size=3), None),
    "iterable-drop-last": lambda lib: (lib.utils.data.DataLoader(
        Stream(lib, 7), batch_size=3, drop_last=True), None),
    "iterable-unbatched": lambda lib: (lib.utils.data.DataLoader(Stream(lib, 3),
                                                                 batch_size=None), None),
}


@pytest.mark.parametrize("name", list(LOADERS))
def test_other_loaders_match_torch(name):
    torch = torch_or_skip()
    assert epochs(jitgrad, LOADERS[name]) == epochs(torch, LOADERS[name])


def test_random_split_matches_torch():
    torch = torch_or_skip()
    for lib in (jitgrad, torch):
        lib.manual_seed(0)
    for lengths in ([3, 7], [0.3, 0.3, 0.4], [0.5, 0.5], [10, 0]):
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            a = [list(s.indices) for s in D.random_split(range(10), lengths)]
            b = [list(s.indices) for s in torch.utils.data.random_split(range(10), lengths)]
        assert a == b
    g, h = jitgrad.Generator().manual_seed(42), torch.Generator().manual_seed(42)
    assert [s.indices for s in D.random_split(range(30), [0.3, 0.3, 0.4], generator=g)] == \
        [s.indices for s in torch.utils.data.random_split(range(30), [0.3, 0.3, 0.4],
                                                          generator=h)]
    assert jitgrad.randn(2).tolist() == torch.randn(2).tolist()


def test_default_collate_matches_torch():
    torch = torch_or_skip()

    def batches(lib):
        return [
            [lib.tensor([1., 2.]), lib.tensor([3., 4.])],
            [lib.tensor(1, dtype=lib.int32), lib.tensor(2, dtype=lib.int32)],
            [0, 1, 2], [0.5, 1], [True, False], ["a", "b"], [b"x", b"y"],
            [np.float32(1.5), np.float32(2)], [np.int32(3), np.int32(4)], [np.float64(1)],
            [np.bool_(True)], [np.arange(3), np.arange(3)], [np.ones((2, 2), np.float32)] * 2,
            [(1, 2.0), (3, 4.0)], [[1, "a"], [2, "b"]], [{"a": 1, "b": [2.0]}] * 2,
            [OrderedDict([("z", 1), ("a", 2)])] * 2, [Point(1, 2.0), Point(3, 4.0)],
        ]
    for a, b in zip(batches(jitgrad), batches(torch)):
        assert plain(D.default_collate(a)) == plain(torch.utils.data.default_collate(b))
        assert plain(D.default_convert(a)) == plain(torch.utils.data.default_convert(b))


@pytest.mark.parametrize("args", [(), (5,), (5, None), (-5, None), (2, 7), (-2 ** 63, None),
                                  (2 ** 31 - 5, None), (-3, None), (1, None)])
@pytest.mark.parametrize("dtype", ["int64", "int32", "float32", "float64", "bool"])
def test_random__matches_torch(dtype, args):
    torch = torch_or_skip()

    def run(lib):
        lib.manual_seed(11)
        x = lib.empty((4, 3), dtype=getattr(lib, dtype)).t()        # also non-contiguous
        try:
            with warnings.catch_warnings(record=True) as w:
                warnings.simplefilter("always")
                v = x.random_(*args).tolist()
        except Exception as e:
            return type(e).__name__, str(e)
        return v, lib.rand(2).tolist(), [str(m.message).split(" (Trig")[0] for m in w]
    assert run(jitgrad) == run(torch)


def test_random__argument_errors_match_torch():
    # (jitgrad words the generator type as torch does, like randperm's checks)
    torch = torch_or_skip()

    def run(lib, args, kwargs):
        with pytest.raises(TypeError) as e:
            lib.empty(3, dtype=lib.int64).random_(*args, **kwargs)
        return str(e.value)
    for args, kwargs in (((), {"generator": 3}), ((5,), {"generator": 3}),
                         ((2, 9), {"generator": 3}), ((1.5,), {}), ((), {"frm": 2})):
        assert run(jitgrad, args, kwargs) == run(torch, args, kwargs)


def test_random__node_names_and_generator():
    for args, name in (((), "RandomBackward2"), ((5,), "RandomBackward1"),
                       ((2, 5), "RandomBackward0"), ((2, None), "RandomBackward0")):
        x = jitgrad.ones(3, requires_grad=True)
        y = x * 2
        y.random_(*args)
        assert type(y.grad_fn).__name__ == name
        y.sum().backward()
        assert x.grad.tolist() == [0., 0., 0.]
    g = jitgrad.Generator().manual_seed(4)
    # torch: [8615179906827886766, 871281288361132741, 8719487306291607912]
    assert jitgrad.empty(3, dtype=jitgrad.int64).random_(generator=g).tolist() == \
        [8615179906827886766, 871281288361132741, 8719487306291607912]


# ------------------------------------------------------------------ without torch

def test_shuffle_is_the_documented_draw_sequence():
    """iter(loader) draws _base_seed, then the sampler seeds a Generator with a
    second draw and yields randperm(n) of it (a last randperm when the pass ends)."""
    X, y = xy(jitgrad, 10)
    jitgrad.manual_seed(3)
    got = [b[1].tolist() for b in DataLoader(TensorDataset(X, y), batch_size=4, shuffle=True)]
    after = jitgrad.randn(2).tolist()
    jitgrad.manual_seed(3)
    def draw():
        return jitgrad.empty((), dtype=jitgrad.int64).random_().item()
    draw()                                                  # _base_seed
    g = jitgrad.Generator().manual_seed(draw())
    perm = jitgrad.randperm(10, generator=g).tolist()
    assert got == [[i * 10 for i in perm[k:k + 4]] for k in range(0, 10, 4)]
    assert jitgrad.randn(2).tolist() == after
    # torch.manual_seed(3); torch.empty((), dtype=torch.int64).random_().item()
    jitgrad.manual_seed(3)
    assert draw() == 937055941807507096


@pytest.mark.parametrize("explicit_gen", [False, True])
def test_workers_keep_torchs_draws(explicit_gen):
    # worker processes (tests/test_dataloader_workers.py) fetch the same batches;
    # the main process draws exactly what the single-process loader draws
    base = epochs(jitgrad, tensor_loader(11, 3, True, False, explicit_gen))
    assert epochs(jitgrad, tensor_loader(11, 3, True, False, explicit_gen,
                                         num_workers=2)) == base
    persistent = epochs(jitgrad, tensor_loader(11, 3, True, False, explicit_gen,
                                               num_workers=2, persistent_workers=True))
    assert persistent[:2] == base[:2] and persistent[2] != base[2]
    if not explicit_gen:
        # persistent workers draw _base_seed once (torch: the iterator is reused), so
        # the second epoch and the later draws differ
        jitgrad.manual_seed(7)
        for _ in range(3):
            jitgrad.empty((), dtype=jitgrad.int64).random_()
        assert persistent[3] == jitgrad.randn(3).tolist()


def test_tensor_dataset_fast_path_equals_per_sample_stacking():
    X, y = xy(jitgrad, 23)
    Z = jitgrad.arange(23 * 6, dtype=jitgrad.float64).reshape(23, 2, 3)[:, :, ::2]   # a view
    B = jitgrad.tensor(np.arange(23) % 3 == 0)
    ds = TensorDataset(X, y, Z, B)
    for make in (lambda c: DataLoader(ds, batch_size=5, shuffle=True, collate_fn=c),
                 lambda c: DataLoader(D.Subset(ds, list(range(20, 3, -2))), batch_size=3,
                                      collate_fn=c),
                 lambda c: DataLoader(ds, batch_sampler=[[4, -1, 4], [22]], collate_fn=c)):
        jitgrad.manual_seed(1)
        fast = [plain(b) for b in make(None)]
        jitgrad.manual_seed(1)
        slow = [plain(b) for b in make(lambda batch: D.default_collate(batch))]
        assert fast == slow and len(fast) > 1
    xb = next(iter(DataLoader(ds, batch_size=4)))[0]
    assert xb.is_contiguous() and not xb.requires_grad


def test_fast_path_keeps_the_graph_of_tensors_that_require_grad():
    w = jitgrad.randn(6, 2, requires_grad=True)
    xb, yb = next(iter(DataLoader(TensorDataset(w, jitgrad.arange(6)), batch_size=4)))
    assert type(xb.grad_fn).__name__ == "StackBackward0" and yb.grad_fn is None
    xb.sum().backward()
    assert w.grad.tolist() == [[1., 1.]] * 4 + [[0., 0.]] * 2


def test_bad_indices_raise_indexings_error():
    ds = TensorDataset(jitgrad.arange(4))
    with pytest.raises(IndexError):
        list(DataLoader(ds, batch_sampler=[[0, 9]]))


def test_lengths():
    ds = TensorDataset(jitgrad.arange(10))
    assert len(DataLoader(ds, batch_size=3)) == 4
    assert len(DataLoader(ds, batch_size=3, drop_last=True)) == 3
    assert len(DataLoader(ds, batch_size=None)) == 10
    assert len(DataLoader(ds, batch_sampler=[[1], [2, 3]])) == 2
    assert len(DataLoader(Stream(jitgrad, 7), batch_size=3)) == 3
    assert len(D.BatchSampler(D.SequentialSampler(range(7)), 2, True)) == 3
    assert list(D.BatchSampler(D.SequentialSampler(range(7)), 3, False)) == \
        [[0, 1, 2], [3, 4, 5], [6]]
    assert list(D.BatchSampler(range(7), 3, True)) == [[0, 1, 2], [3, 4, 5]]
    assert len(D.RandomSampler(range(5), num_samples=12)) == 12


def test_iterable_dataset_length_warning():
    loader = DataLoader(Stream(jitgrad, 5), batch_size=None)
    assert len(loader) == 5
    loader.dataset.n = 6
    with pytest.warns(UserWarning, match="was reported to be 5"):
        assert len(list(loader)) == 6


def test_pin_memory_warns_and_loads():
    with pytest.warns(UserWarning, match="no accelerator is found"):
        assert len(list(DataLoader(TensorDataset(jitgrad.arange(3)), pin_memory=True))) == 3


def test_get_worker_info_and_imports():
    from jitgrad.utils.data import DataLoader as DL, TensorDataset as TD
    assert DL is DataLoader and TD is TensorDataset
    assert D.get_worker_info() is None
    assert jitgrad.utils.data.DataLoader is DataLoader


def test_collate_dtypes():
    assert D.default_collate([1, 2]).dtype is jitgrad.int64
    assert D.default_collate([1.0, 2]).dtype is jitgrad.float64
    assert D.default_collate([True, False]).dtype is jitgrad.bool
    assert D.default_collate([np.float32(1)]).dtype is jitgrad.float32
    assert D.default_collate([np.int32(1)]).dtype is jitgrad.int32
    out = D.default_collate([(jitgrad.ones(2), 1), (jitgrad.zeros(2), 0)])
    assert type(out) is list and out[0].shape == (2, 2) and out[1].tolist() == [1, 0]


# ------------------------------------------------------------------ errors

Case = namedtuple("Case", "id run exc message")


def _ds(lib):
    return lib.utils.data.TensorDataset(lib.arange(4))


def _frozen(lib):
    loader = lib.utils.data.DataLoader(_ds(lib))
    loader.batch_size = 2


def _subset_override(lib):
    class MySubset(lib.utils.data.Subset):
        def __getitem__(self, i):
            return i
    MySubset(_ds(lib), [0])


def _iterable(lib):
    return type("It", (lib.utils.data.IterableDataset,), {"__iter__": lambda self: iter(())})()


ERRORS = [
    Case("sampler-shuffle", lambda lib: lib.utils.data.DataLoader(
        _ds(lib), shuffle=True, sampler=[0, 1]), ValueError,
        "sampler option is mutually exclusive with shuffle"),
    Case("batch_sampler-batch_size", lambda lib: lib.utils.data.DataLoader(
        _ds(lib), batch_size=2, batch_sampler=[[0]]), ValueError,
        "batch_sampler option is mutually exclusive with batch_size, shuffle, sampler, and "
        "drop_last"),
    Case("batch_sampler-drop_last", lambda lib: lib.utils.data.DataLoader(
        _ds(lib), drop_last=True, batch_sampler=[[0]]), ValueError,
        "batch_sampler option is mutually exclusive with batch_size, shuffle, sampler, and "
        "drop_last"),
    Case("batch_size-None-drop_last", lambda lib: lib.utils.data.DataLoader(
        _ds(lib), batch_size=None, drop_last=True), ValueError,
        "batch_size=None option disables auto-batching and is mutually exclusive with "
        "drop_last"),
    Case("num_workers", lambda lib: lib.utils.data.DataLoader(_ds(lib), num_workers=-1),
         ValueError, "num_workers option should be non-negative; use num_workers=0 to disable "
         "multiprocessing."),
    Case("timeout", lambda lib: lib.utils.data.DataLoader(_ds(lib), timeout=-1), ValueError,
         "timeout option should be non-negative"),
    Case("prefetch-without-workers", lambda lib: lib.utils.data.DataLoader(
        _ds(lib), prefetch_factor=2), ValueError,
        "prefetch_factor option could only be specified in multiprocessing.let num_workers > 0 "
        "to enable multiprocessing, otherwise set prefetch_factor to None."),
    Case("prefetch-negative", lambda lib: lib.utils.data.DataLoader(
        _ds(lib), num_workers=1, prefetch_factor=-1), ValueError,
        "prefetch_factor option should be non-negative"),
    Case("persistent-without-workers", lambda lib: lib.utils.data.DataLoader(
        _ds(lib), persistent_workers=True), ValueError,
        "persistent_workers option needs num_workers > 0"),
    Case("mp-context-without-workers", lambda lib: lib.utils.data.DataLoader(
        _ds(lib), multiprocessing_context="spawn"), ValueError,
        "multiprocessing_context can only be used with multi-process loading (num_workers > 0), "
        "but got num_workers=0"),
    Case("mp-context-type", lambda lib: lib.utils.data.DataLoader(
        _ds(lib), num_workers=1, multiprocessing_context=3), TypeError,
        "multiprocessing_context option should be a valid context object or a string "
        "specifying the start method, but got multiprocessing_context=3"),
    Case("iterable-shuffle", lambda lib: lib.utils.data.DataLoader(_iterable(lib), shuffle=True),
         ValueError, "DataLoader with IterableDataset: expected unspecified shuffle option, but "
         "got shuffle=True"),
    Case("iterable-batch_sampler", lambda lib: lib.utils.data.DataLoader(
        _iterable(lib), batch_sampler=[[0]]), ValueError,
        "DataLoader with IterableDataset: expected unspecified batch_sampler option, but got "
        "batch_sampler=[[0]]"),
    Case("frozen-attribute", _frozen, ValueError,
         "batch_size attribute should not be set after DataLoader is initialized"),
    Case("timeout-single-process", lambda lib: iter(lib.utils.data.DataLoader(
        _ds(lib), timeout=1)), AssertionError,
        "_SingleProcessDataLoaderIter requires timeout == 0"),
    Case("tensor-size-mismatch", lambda lib: lib.utils.data.TensorDataset(
        lib.ones(3), lib.ones(4)), AssertionError, "Size mismatch between tensors"),
    Case("sampler-replacement", lambda lib: lib.utils.data.RandomSampler(
        range(3), replacement=1), TypeError,
        "replacement should be a boolean value, but got replacement=1"),
    Case("sampler-num_samples", lambda lib: lib.utils.data.RandomSampler(
        range(3), num_samples=0), ValueError,
        "num_samples should be a positive integer value, but got num_samples=0"),
    Case("batch-sampler-size", lambda lib: lib.utils.data.BatchSampler(range(3), 0, False),
         ValueError, "batch_size should be a positive integer value, but got batch_size=0"),
    Case("batch-sampler-drop_last", lambda lib: lib.utils.data.BatchSampler(range(3), 2, 1),
         ValueError, "drop_last should be a boolean value, but got drop_last=1"),
    Case("split-sum", lambda lib: lib.utils.data.random_split(range(5), [2, 2]), ValueError,
         "Sum of input lengths does not equal the length of the input dataset!"),
    Case("split-fraction", lambda lib: lib.utils.data.random_split(range(5), [1.5, -0.5]),
         ValueError, "Fraction at index 0 is not between 0 and 1"),
    Case("collate-type", lambda lib: lib.utils.data.default_collate([object()]), TypeError,
         "default_collate: batch must contain tensors, numpy arrays, numbers, dicts or lists; "
         "found <class 'object'>"),
    Case("collate-str-array", lambda lib: lib.utils.data.default_collate([np.array(["a"])]),
         TypeError, "default_collate: batch must contain tensors, numpy arrays, numbers, dicts "
         "or lists; found <U1"),
    Case("collate-unequal", lambda lib: lib.utils.data.default_collate([[1, 2], [1]]),
         RuntimeError, "each element in list of batch should be of equal size"),
    Case("concat-empty", lambda lib: lib.utils.data.ConcatDataset([]), AssertionError,
         "datasets should not be an empty iterable"),
    Case("dataset-getitem", lambda lib: lib.utils.data.Dataset()[0], NotImplementedError,
         "Subclasses of Dataset should implement __getitem__."),
    Case("subset-getitems", _subset_override, NotImplementedError,
         "MySubset overrides __getitem__ but not __getitems__. When subclassing Subset and "
         "overriding __getitem__, you must also override __getitems__ to ensure DataLoader "
         "works correctly with your custom logic. A simple implementation:\n\n"
         "def __getitems__(self, indices):\n    return [self.__getitem__(idx) for idx in "
         "indices]"),
    Case("random_-bool-to", lambda lib: lib.empty(3, dtype=lib.bool).random_(5),
         RuntimeError, "to - 1 is out of bounds for bool"),
    Case("random_-from-to", lambda lib: lib.empty(3, dtype=lib.int64).random_(0),
         RuntimeError, "random_ expects 'from' to be less than 'to', but got from=0 >= to=0"),
    Case("random_-float32-from", lambda lib: lib.empty(3).random_(2 ** 24, None), RuntimeError,
         "random_ expects 'from' casted to dtype to be less than or equal to 'to_inc' casted to "
         "dtype, but got from=16777216 > to_inc=16777216"),
    Case("random_-full-int32", lambda lib: lib.empty(3, dtype=lib.int32).random_(-2 ** 63, None),
         RuntimeError, "random_full_64_bits_range_kernel_cpu handles only int64, double, float "
         "and bfloat16"),
    Case("random_-leaf", lambda lib: lib.ones(3, requires_grad=True).random_(), RuntimeError,
         "a leaf Variable that requires grad is being used in an in-place operation."),
]

test_error, test_error_is_torchs = error_tests(ERRORS)
