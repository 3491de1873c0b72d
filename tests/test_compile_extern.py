"""``jitgrad.compile`` on ops without a lowering rule: convolution, pooling,
normalisation, dropout, indexing, factories... They are captured as calls of
the eager op between the fused segments (``jitgrad/compiler/extern.py``).

Eager jitgrad is the oracle: values, gradients and the random numbers drawn
must be the ones the same code gives uncompiled. The first call traces (it
runs eagerly); later calls replay, seen as ``CompiledFunctionBackward`` on
the result or as no graph-break warning.
"""
import warnings

import numpy as np
import pytest

import jitgrad
import jitgrad.compiler
import jitgrad.nn.functional as F
from jitgrad import nn, optim
from jitgrad.compiler import GraphBreak

CFB = "CompiledFunctionBackward"

pytestmark = pytest.mark.usefixtures("compile_cache_dir")


def close(a, b, rtol=1e-5, atol=1e-6):
    a = a.detach().numpy() if isinstance(a, jitgrad.Tensor) else a
    b = b.detach().numpy() if isinstance(b, jitgrad.Tensor) else b
    np.testing.assert_allclose(a, b, rtol=rtol, atol=atol)


def node(t):
    return None if t.grad_fn is None else type(t.grad_fn).__name__


def compile_warnings(record):
    return [str(w.message) for w in record if str(w.message).startswith("jitgrad.compile")]


def run_quietly(fn, *args):
    with warnings.catch_warnings(record=True) as record:
        warnings.simplefilter("always")
        result = fn(*args)
    return result, compile_warnings(record)


def leaves(seed, *shapes, dtype=jitgrad.float32):
    g = jitgrad.Generator().manual_seed(seed)
    return [jitgrad.randn(*s, generator=g, dtype=dtype).requires_grad_() for s in shapes]


def check_against_eager(fn, make_inputs, calls=3, rtol=1e-5, atol=1e-6):
    """``fn`` compiled and eager on the same inputs: equal values and input
    gradients, no graph break, and replays after the first call."""
    compiled = jitgrad.compile(fn)
    for call in range(calls):
        got_in, want_in = make_inputs(call), make_inputs(call)
        got, found = run_quietly(compiled, *got_in)
        assert found == []
        want = fn(*want_in)
        close(got, want, rtol, atol)
        if call:
            assert node(got) == CFB
        got.sum().backward()
        want.sum().backward()
        for a, b in zip(got_in, want_in):
            if b.grad is None:
                assert a.grad is None
            else:
                close(a.grad, b.grad, rtol, atol)


# ------------------------------------------------------------------ ops


def cnn(x, w, b, fc):
    h = F.relu(F.conv2d(x, w, b, padding=1))
    h = F.max_pool2d(h, kernel_size=2)
    return h.flatten(1) @ fc.t()


@pytest.mark.parametrize("dtype", [jitgrad.float32, jitgrad.float64])
def test_conv_pool_between_fused_ops(dtype):
    check_against_eager(cnn, lambda call: leaves(call, (3, 2, 6, 6), (4, 2, 3, 3), (4,), (5, 36),
                                                 dtype=dtype))


def test_extern_op_on_a_view_and_a_non_contiguous_result():
    def fn(x, w):
        h = F.conv2d(x.view(2, 1, 4, 4), w)      # the view is copied for the call
        return h.narrow(3, 0, 1).exp() * 2        # a strided result read by fused code
    check_against_eager(fn, lambda call: leaves(call, (2, 16), (3, 1, 3, 3)))


def test_normalisation_and_embedding_modules():
    jitgrad.manual_seed(0)
    emb, norm, bn = nn.Embedding(7, 6), nn.LayerNorm(6), nn.BatchNorm1d(6)

    def fn(idx, x):
        return bn(norm(emb(idx) + x)).tanh()
    idx = jitgrad.tensor([0, 3, 6, 3])
    check_against_eager(fn, lambda call: [idx, *leaves(call, (4, 6))])
    # the running statistics moved once per call, in both runs
    assert bn.num_batches_tracked.item() == 6


def test_ops_with_several_results():
    def fn(x):
        values, indices = x.max(dim=1)
        a, b = x.chunk(2, dim=0)
        return values.sum() * (a * b).sum() + indices.float().sum()
    check_against_eager(fn, lambda call: leaves(call, (4, 5)))


def test_indexing_and_no_grad_blocks():
    def fn(x, w):
        with jitgrad.no_grad():
            scale = F.conv2d(x[None, None], w).abs().mean()
        return x[1:, ::2] * scale + x[0, ::2]
    check_against_eager(fn, lambda call: leaves(call, (3, 6), (1, 1, 2, 2)))


def test_identity_results_need_no_call():
    def fn(x):
        return (x.contiguous() * 2).to(jitgrad.float32).float() + 1
    check_against_eager(fn, lambda call: leaves(call, (3,)))


# --------------------------------------------------------- random numbers


def test_dropout_and_factories_draw_the_eager_numbers():
    def fn(x):
        noise = jitgrad.randn(3, 4)
        return F.dropout(x * 2, p=0.5, training=True) + noise + jitgrad.rand(4)
    compiled = jitgrad.compile(fn)
    x = leaves(0, (3, 4))[0]
    jitgrad.manual_seed(11)
    want = [fn(x).detach().clone() for _ in range(4)]
    jitgrad.manual_seed(11)
    got = [run_quietly(compiled, x) for _ in range(4)]
    assert all(found == [] for _, found in got)
    for (g, _), w in zip(got, want):
        close(g, w, 0, 0)
    assert node(got[-1][0]) == CFB


# ---------------------------------------------------------- training steps


def make_cnn():
    jitgrad.manual_seed(3)
    return nn.Sequential(nn.Conv2d(1, 4, 3, padding=1), nn.BatchNorm2d(4), nn.ReLU(),
                         nn.MaxPool2d(2), nn.Dropout(0.25), nn.Flatten(), nn.Linear(4 * 16, 10))


def test_whole_training_step_of_a_cnn():
    runs = []
    for compile_ in (False, True):
        model = make_cnn()
        # (not Adam: the conv bias before BatchNorm has a zero gradient up to
        # rounding, which Adam would scale up to steps of lr)
        opt = optim.SGD(model.parameters(), lr=1e-2, momentum=0.9)
        loss_fn = nn.CrossEntropyLoss()

        def step(x, y):
            opt.zero_grad()
            loss = loss_fn(model(x), y)
            loss.backward()
            opt.step()
            return loss
        if compile_:
            step = jitgrad.compile(step)
        g = jitgrad.Generator().manual_seed(5)
        jitgrad.manual_seed(9)              # dropout's stream
        losses = []
        for _ in range(4):
            x = jitgrad.randn(8, 1, 8, 8, generator=g)
            y = jitgrad.randint(0, 10, (8,), generator=g)
            loss, found = run_quietly(step, x, y)
            assert found == []
            losses.append(loss.item())
        runs.append((losses, [p.detach().clone() for p in model.parameters()]))
    (want_losses, want_params), (got_losses, got_params) = runs
    np.testing.assert_allclose(got_losses, want_losses, rtol=1e-5)
    for a, b in zip(got_params, want_params):
        close(a, b, 1e-4, 1e-5)


def test_compiled_module_backward_outside():
    model = make_cnn().eval()
    compiled = jitgrad.compile(model)
    x = jitgrad.randn(2, 1, 8, 8)
    for call in range(3):
        out, found = run_quietly(compiled, x)
        assert found == []
        want = model(x)
        close(out, want)
        for p in model.parameters():
            p.grad = None
        out.square().sum().backward()
        got_grads = [p.grad.clone() for p in model.parameters()]
        for p in model.parameters():
            p.grad = None
        want.square().sum().backward()
        for a, p in zip(got_grads, model.parameters()):
            close(a, p.grad, 1e-4, 1e-6)
    assert node(out) == CFB


# ------------------------------------------------------------ graph breaks


def test_boolean_mask_index_breaks():
    f = jitgrad.compile(lambda x: x[x > 0].sum())
    x = jitgrad.tensor([1.0, -2.0, 3.0])
    out, found = run_quietly(f, x)
    assert out.item() == 4.0
    assert len(found) == 1 and "boolean mask" in found[0]
    with pytest.raises(GraphBreak, match="boolean mask"):
        jitgrad.compile(lambda x: x[x > 0].sum(), fullgraph=True)(x)


def test_in_place_ops_without_a_rule_break():
    def fn(x):
        y = x * 2
        y.clamp_(0, 1)
        return y
    f = jitgrad.compile(fn)
    for _ in range(2):
        x = jitgrad.tensor([-1.0, 0.25, 3.0])
        out, found = run_quietly(f, x)
        close(out, fn(x))
    with pytest.raises(GraphBreak, match="clamp_"):
        jitgrad.compile(fn, fullgraph=True)(x)


def test_in_place_update_of_a_base_with_live_views_breaks():
    def fn(x):
        v = x.view(-1)
        x.add_(1)
        return (v * 2).sum()
    f = jitgrad.compile(fn)
    for _ in range(3):
        x, ref = jitgrad.ones(2, 2), jitgrad.ones(2, 2)
        out, _ = run_quietly(f, x)
        assert out.item() == fn(ref).item() == 16.0
        close(x, ref)
