"""Embedding's options, EmbeddingBag, Bilinear, Unflatten, Identity,
ParameterList/ParameterDict, nn.utils' parameter vectors and norm clipping,
and nn.init's orthogonal_/sparse_/dirac_/eye_/trunc_normal_: against torch
with seeded parameters (skipped without torch) and hand-derived checks."""
import warnings

import numpy as np
import pytest
from helpers import assert_same_module

import jitgrad
from jitgrad import nn


def _torch():
    return pytest.importorskip("torch")


def _seeded(lib, build, seed=0):
    lib.manual_seed(seed)
    return build(lib)


# ------------------------------------------------------------------ Embedding


def test_embedding_padding_max_norm_from_pretrained():
    jitgrad.manual_seed(0)
    emb = nn.Embedding(6, 3, padding_idx=-2, max_norm=1.0)
    assert emb.padding_idx == 4 and emb.weight[4].tolist() == [0.0, 0.0, 0.0]
    idx = jitgrad.tensor([[0, 4, 1], [4, 1, 2]])
    out = emb(idx)
    norms = emb.weight.detach()[[0, 1, 2]].norm(dim=1)
    assert (norms <= 1.0 + 1e-6).all()              # renormalised in place, under no_grad
    out.sum().backward()
    assert emb.weight.grad[4].tolist() == [0.0, 0.0, 0.0]
    assert emb.weight.grad[1].tolist() == [2.0, 2.0, 2.0]
    frozen = nn.Embedding.from_pretrained(jitgrad.ones(3, 2))
    assert not frozen.weight.requires_grad
    assert nn.Embedding.from_pretrained(jitgrad.ones(3, 2), freeze=False).weight.requires_grad
    with pytest.raises(NotImplementedError, match="sparse"):
        nn.Embedding(4, 2, sparse=True)(jitgrad.tensor([1]))
    torch = _torch()
    mine, theirs = (_seeded(lib, lambda l: l.nn.Embedding(6, 3, padding_idx=-2, max_norm=1.0))
                    for lib in (jitgrad, torch))
    assert_same_module(mine, theirs)
    mine(jitgrad.tensor([[0, 4, 1], [4, 1, 2]]))
    theirs(torch.tensor([[0, 4, 1], [4, 1, 2]]))
    np.testing.assert_allclose(mine.weight.detach().numpy(), theirs.weight.detach().numpy(),
                               rtol=1e-6)


# ------------------------------------------------------------------ EmbeddingBag


def test_embedding_bag_module_against_torch():
    torch = _torch()
    build = (lambda l: l.nn.EmbeddingBag(7, 4, mode="sum", padding_idx=-1))
    mine, theirs = _seeded(jitgrad, build), _seeded(torch, build)
    assert_same_module(mine, theirs)
    assert repr(mine) == "EmbeddingBag(7, 4, mode='sum', padding_idx=6)"
    idx, off = [3, 6, 1, 1, 0, 2], [0, 3, 3]
    psw = np.linspace(-1, 1, 6).astype(np.float32)
    outs = []
    for lib, m in ((jitgrad, mine), (torch, theirs)):
        p = lib.tensor(psw, requires_grad=True)
        out = m(lib.tensor(idx), lib.tensor(off), per_sample_weights=p)
        out.pow(2).sum().backward()
        outs.append((out.detach().numpy(), m.weight.grad.numpy(), p.grad.numpy()))
    for a, b in zip(*outs):
        np.testing.assert_allclose(a, b, rtol=1e-5, atol=1e-6)


def test_embedding_bag_from_pretrained_and_2d():
    w = jitgrad.tensor([[1.0, 0.0], [0.0, 2.0], [3.0, 3.0]])
    bag = nn.EmbeddingBag.from_pretrained(w, mode="max")
    assert not bag.weight.requires_grad and bag.mode == "max"
    assert bag(jitgrad.tensor([[0, 1], [2, 0]])).tolist() == [[1.0, 2.0], [3.0, 3.0]]
    assert nn.EmbeddingBag.from_pretrained(w, freeze=False).weight.requires_grad
    with pytest.raises(AssertionError, match="padding_idx must be within num_embeddings"):
        nn.EmbeddingBag(3, 2, padding_idx=3)


# ------------------------------------------------------------------ Bilinear, Unflatten, Identity


def test_bilinear_module_against_torch():
    rng = np.random.default_rng(1)
    x1 = rng.standard_normal((2, 5, 3)).astype(np.float32)
    x2 = rng.standard_normal((2, 5, 4)).astype(np.float32)
    mine = _seeded(jitgrad, lambda l: l.nn.Bilinear(3, 4, 6))
    out = mine(jitgrad.tensor(x1), jitgrad.tensor(x2))
    assert out.shape == (2, 5, 6) and type(out.grad_fn).__name__ == "AddBackward0"
    assert repr(mine) == "Bilinear(in1_features=3, in2_features=4, out_features=6, bias=True)"
    bound = 1 / np.sqrt(3)
    assert np.abs(mine.weight.detach().numpy()).max() <= bound
    assert nn.Bilinear(3, 4, 6, bias=False).bias is None
    torch = _torch()
    theirs = _seeded(torch, lambda l: l.nn.Bilinear(3, 4, 6))
    assert_same_module(mine, theirs)
    np.testing.assert_allclose(out.detach().numpy(),
                               theirs(torch.tensor(x1), torch.tensor(x2)).detach().numpy(),
                               rtol=1e-5, atol=1e-6)


def test_unflatten_and_identity():
    m = nn.Unflatten(1, (2, 3))
    assert repr(m) == "Unflatten(dim=1, unflattened_size=(2, 3))"
    assert m(jitgrad.zeros(4, 6, 5)).shape == (4, 2, 3, 5)
    assert nn.Sequential(nn.Flatten(), nn.Unflatten(-1, [3, 2]))(jitgrad.zeros(2, 3, 2)).shape \
        == (2, 3, 2)
    with pytest.raises(TypeError, match="unflattened_size must be tuple of ints, but found "
                                        "element of type float at pos 0"):
        nn.Unflatten(1, (2.0, 3))
    with pytest.raises(TypeError, match="unflattened_size must be a tuple of ints, but found "
                                        "type int"):
        nn.Unflatten(1, 6)
    x = jitgrad.ones(2)
    assert nn.Identity(54, unused="x")(x) is x


# ------------------------------------------------------------------ ParameterList / Dict


def _containers(lib):
    pl = lib.nn.ParameterList([lib.zeros(2, 3), "note", lib.nn.Parameter(lib.ones(1))])
    pl.append(lib.ones(4))
    pd = lib.nn.ParameterDict({"b": lib.zeros(2), "a": lib.ones(3, dtype=lib.float64),
                               "c": 7})
    pd["z"] = lib.nn.Parameter(lib.ones(1), requires_grad=False)
    model = lib.nn.Module()
    model.pl, model.pd = pl, pd
    return model


def test_parameter_containers():
    model = _containers(jitgrad)
    pl, pd = model.pl, model.pd
    assert len(pl) == 4 and pl[1] == "note" and isinstance(pl[0], nn.Parameter)
    assert [n for n, _ in model.named_parameters()] == ["pl.0", "pl.2", "pl.3", "pd.a", "pd.b",
                                                         "pd.z"]
    assert list(model.state_dict()) == ["pl.0", "pl.2", "pl.3", "pd.a", "pd.b", "pd.z"]
    assert list(pd.keys()) == ["a", "b", "c", "z"] and pd["c"] == 7 and "z" in pd
    assert len(pl[1:]) == 3 and pl[-1].shape == (4,)
    with pytest.raises(IndexError, match="index 4 is out of range"):
        pl[4]
    assert pd.pop("c") == 7 and len(pd) == 3
    with pytest.raises(RuntimeError, match="ParameterList should not be called."):
        pl()
    with pytest.raises(TypeError, match="ParameterList.extend should be called with an "
                                        "iterable, but got Tensor"):
        pl.extend(jitgrad.ones(2))
    assert list((pd | nn.ParameterDict({"q": jitgrad.ones(1)})).keys()) == ["a", "b", "z", "q"]


def test_parameter_containers_repr_and_keys_match_torch():
    torch = _torch()
    mine, theirs = _containers(jitgrad), _containers(torch)
    assert repr(mine).replace("jitgrad.", "torch.") == repr(theirs)
    assert list(mine.state_dict()) == list(theirs.state_dict())
    assert [p.requires_grad for p in mine.parameters()] == \
        [p.requires_grad for p in theirs.parameters()]


# ------------------------------------------------------------------ nn.utils


def test_parameters_to_vector_and_back():
    a = nn.Parameter(jitgrad.ones(2, 3))
    b = nn.Parameter(jitgrad.zeros(4))
    vec = nn.utils.parameters_to_vector([a, b])
    assert vec.shape == (10,) and vec.tolist() == [1.0] * 6 + [0.0] * 4
    vec.sum().backward()
    assert a.grad.tolist() == [[1.0] * 3] * 2
    nn.utils.vector_to_parameters(jitgrad.arange(10.0), [a, b])
    assert a.tolist() == [[0.0, 1.0, 2.0], [3.0, 4.0, 5.0]] and b.tolist() == [6.0, 7.0, 8.0, 9.0]
    with pytest.raises(TypeError, match="expected jitgrad.Tensor, but got: list"):
        nn.utils.vector_to_parameters([1.0], [a])


def test_total_norm_and_clipping():
    ps = [nn.Parameter(jitgrad.zeros(n)) for n in (2, 3, 1)]
    ps[0].grad = jitgrad.tensor([3.0, 0.0])
    ps[1].grad = jitgrad.tensor([0.0, 4.0, 0.0])
    total = nn.utils.get_total_norm([p.grad for p in ps if p.grad is not None])
    assert total.item() == 5.0
    assert nn.utils.get_total_norm([ps[0].grad, ps[1].grad], norm_type="inf").item() == 4.0
    assert nn.utils.get_total_norm([]).item() == 0.0
    nn.utils.clip_grads_with_norm_(ps, 1.0, total)
    np.testing.assert_allclose(ps[0].grad.numpy(), [0.6, 0.0], rtol=1e-5)
    nn.utils.clip_grad_value_(ps, 0.5)
    np.testing.assert_allclose(ps[1].grad.numpy(), [0.0, 0.5, 0.0])
    with pytest.raises(RuntimeError, match="non-finite"):
        nn.utils.get_total_norm([jitgrad.tensor([float("inf")])], error_if_nonfinite=True)


# ------------------------------------------------------------------ nn.init


INITS = [
    ("orthogonal_-wide", (3, 5), lambda l, t: l.nn.init.orthogonal_(t, gain=2.0)),
    ("orthogonal_-conv", (6, 2, 2), lambda l, t: l.nn.init.orthogonal_(t)),
    ("sparse_", (7, 4), lambda l, t: l.nn.init.sparse_(t, 0.3)),
    ("dirac_-groups", (4, 3, 3, 3), lambda l, t: l.nn.init.dirac_(t, 2)),
    ("eye_", (3, 5), lambda l, t: l.nn.init.eye_(t)),
    ("trunc_normal_-wide", (40, 30), lambda l, t: l.nn.init.trunc_normal_(t, 0.2, 1.5)),
    ("trunc_normal_-narrow", (30, 20), lambda l, t: l.nn.init.trunc_normal_(t, 0.0, 1.0, 1.0, 1.3)),
]


def _init(lib, shape, fn, dtype="float32"):
    lib.manual_seed(0)
    t = lib.empty(*shape, dtype=getattr(lib, dtype))
    assert fn(lib, t) is t
    return t.numpy()


@pytest.mark.parametrize("name,shape,fn", INITS, ids=[i[0] for i in INITS])
def test_init_matches_torch(name, shape, fn):
    mine = _init(jitgrad, shape, fn)
    if name.startswith("orthogonal_"):
        m = mine.reshape(shape[0], -1)
        small = m @ m.T if m.shape[0] <= m.shape[1] else m.T @ m
        gain2 = 4.0 if "wide" in name else 1.0
        np.testing.assert_allclose(small, gain2 * np.eye(small.shape[0]), atol=1e-5)
    elif name == "sparse_":
        assert ((mine == 0).sum(0) == 3).all()
    elif name.startswith("trunc_normal_"):
        lo, hi = (-2.0, 2.0) if "wide" in name else (1.0, 1.3)
        assert mine.min() >= lo and mine.max() <= hi
    elif name == "dirac_-groups":
        assert mine.sum() == 4 and mine[0, 0, 1, 1] == 1 and mine[2, 0, 1, 1] == 1
    else:
        assert mine.tolist() == np.eye(3, 5).tolist()
    torch = _torch()
    theirs = _init(torch, shape, fn)
    if name.startswith("orthogonal_"):       # LAPACK builds differ in the last bits
        np.testing.assert_allclose(mine, theirs, rtol=1e-5, atol=1e-6)
    else:
        np.testing.assert_array_equal(mine, theirs)


def test_init_errors_and_deprecated_aliases():
    with pytest.raises(ValueError, match="Only tensors with 2 or more dimensions are supported"):
        nn.init.orthogonal_(jitgrad.empty(3))
    with pytest.raises(ValueError, match="dim 0 must be divisible by groups"):
        nn.init.dirac_(jitgrad.empty(3, 2, 2), groups=2)
    with pytest.warns(FutureWarning, match=r"`nn.init.normal` is now deprecated in favor of "
                                           r"`nn.init.normal_`."):
        nn.init.normal(jitgrad.empty(2))
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        nn.init.trunc_normal_(jitgrad.empty(2), 0.0, 1.0)
