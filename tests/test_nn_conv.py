"""nn.Conv2d, MaxPool2d, AvgPool2d, Unfold and Fold: torch's initial
weights for a seed, repr, forward and gradients (finite differences and
torch), state_dict round trips, constructor errors, and a small CNN
trained a few steps in step with torch."""
import numpy as np
import pytest

import jitgrad
from helpers import gradcheck
from jitgrad import nn

rng = np.random.default_rng(0)

CONV_CONFIGS = [
    ((1, 16, 3), dict(padding=1)),
    ((16, 32, 3), dict(padding=1)),
    ((4, 6, (3, 5)), dict(stride=2, dilation=2, bias=False)),
    ((4, 6, 3), dict(padding="same", groups=2)),
    ((3, 5, 2), dict(padding="valid", stride=(2, 1))),
    ((2, 3, 3), dict(padding=2, padding_mode="reflect")),
    ((2, 3, 3), dict(padding=(1, 2), padding_mode="replicate")),
    ((2, 3, 3), dict(padding=1, padding_mode="circular", dtype="float64")),
]


def _build(lib, args, kw):
    kw = dict(kw)
    if "dtype" in kw:
        kw["dtype"] = getattr(lib, kw["dtype"])
    lib.manual_seed(0)
    return lib.nn.Conv2d(*args, **kw)


@pytest.mark.parametrize("args,kw", CONV_CONFIGS)
def test_conv2d_init_repr_forward_backward_match_torch(args, kw):
    torch = pytest.importorskip("torch")
    ours, theirs = _build(jitgrad, args, kw), _build(torch, args, kw)
    assert repr(ours) == repr(theirs)
    np.testing.assert_array_equal(ours.weight.detach().numpy(), theirs.weight.detach().numpy())
    assert (ours.bias is None) == (theirs.bias is None)
    if ours.bias is not None:
        np.testing.assert_array_equal(ours.bias.detach().numpy(), theirs.bias.detach().numpy())
    dtype = np.float64 if kw.get("dtype") == "float64" else np.float32
    x0 = rng.standard_normal((2, args[0], 11, 10)).astype(dtype)
    outs = []
    for lib, m in ((jitgrad, ours), (torch, theirs)):
        x = lib.tensor(x0, requires_grad=True)
        y = m(x)
        (y * y).sum().backward()
        outs.append([y.detach().numpy(), x.grad.numpy(), m.weight.grad.numpy()] +
                    ([] if m.bias is None else [m.bias.grad.numpy()]))
    for a, b in zip(*outs):
        np.testing.assert_allclose(a, b, rtol=1e-4, atol=1e-4)


def test_conv2d_attributes():
    m = nn.Conv2d(4, 8, 3, stride=2, padding=1, groups=2)
    assert m.kernel_size == (3, 3) and m.stride == (2, 2) and m.padding == (1, 1)
    assert m.dilation == (1, 1) and m.groups == 2 and m.padding_mode == "zeros"
    assert m.output_padding == (0, 0) and m.transposed is False
    assert tuple(m.weight.shape) == (8, 2, 3, 3) and tuple(m.bias.shape) == (8,)
    assert nn.Conv2d(1, 1, 3, padding="same")._reversed_padding_repeated_twice == [1, 1, 1, 1]
    assert nn.Conv2d(1, 1, (2, 3), padding=(1, 2))._reversed_padding_repeated_twice == [2, 2, 1, 1]
    assert nn.Conv2d(1, 1, 3, dtype=jitgrad.float64).weight.dtype is jitgrad.float64


def test_conv2d_gradcheck_module():
    m = nn.Conv2d(2, 3, 3, padding=1, padding_mode="reflect", dtype=jitgrad.float64)
    w, b = m.weight.detach().numpy().copy(), m.bias.detach().numpy().copy()
    F = jitgrad.nn.functional
    gradcheck(lambda x, w, b: F.conv2d(F.pad(x, [1, 1, 1, 1], mode="reflect"), w, b),
              rng.standard_normal((1, 2, 4, 5)), w, b)


def test_conv2d_state_dict_round_trip():
    a = nn.Conv2d(3, 4, 3, padding=1)
    b = nn.Conv2d(3, 4, 3, padding=1)
    assert list(a.state_dict()) == ["weight", "bias"]
    b.load_state_dict(a.state_dict())
    x = jitgrad.tensor(rng.standard_normal((2, 3, 5, 5)).astype(np.float32))
    np.testing.assert_array_equal(a(x).detach().numpy(), b(x).detach().numpy())
    nb = nn.Conv2d(3, 4, 3, bias=False)
    assert list(nb.state_dict()) == ["weight"]


@pytest.mark.parametrize("make,message", [
    (lambda: nn.Conv2d(4, 4, 3, groups=0), "groups must be a positive integer"),
    (lambda: nn.Conv2d(3, 4, 3, groups=2), "in_channels must be divisible by groups"),
    (lambda: nn.Conv2d(4, 3, 3, groups=2), "out_channels must be divisible by groups"),
    (lambda: nn.Conv2d(1, 1, 3, padding="same", stride=2),
     "padding='same' is not supported for strided convolutions"),
])
def test_conv2d_constructor_errors(make, message):
    with pytest.raises(ValueError) as e:
        make()
    assert str(e.value) == message


@pytest.mark.parametrize("kw", [dict(padding="full"), dict(padding_mode="mirror")])
def test_conv2d_string_errors_are_torchs(kw):
    torch = pytest.importorskip("torch")
    with pytest.raises(ValueError) as ours:
        nn.Conv2d(1, 1, 3, **kw)
    with pytest.raises(ValueError) as theirs:
        torch.nn.Conv2d(1, 1, 3, **kw)

    def normal(message):
        # the valid values print as a Python set, whose order varies from process to process
        head, rest = message.split("{")
        names, tail = rest.split("}")
        return head, sorted(names.split(", ")), tail

    assert normal(str(ours.value)) == normal(str(theirs.value))


@pytest.mark.parametrize("mode,shape", [("reflect", (1, 1, 2, 2)), ("reflect", (1, 2, 2)),
                                        ("circular", (1, 1, 1, 1))])
def test_padding_mode_errors_are_torchs(mode, shape):
    torch = pytest.importorskip("torch")
    msgs = []
    for lib in (jitgrad, torch):
        m = lib.nn.Conv2d(shape[-3], 1, 3, padding=2, padding_mode=mode)
        with pytest.raises(RuntimeError) as e:
            m(lib.ones(*shape))
        msgs.append(str(e.value))
    assert msgs[0] == msgs[1]


def test_conv2d_forward_errors():
    m = nn.Conv2d(3, 4, 3)
    with pytest.raises(RuntimeError) as e:
        m(jitgrad.ones(2, 1, 8, 8))
    assert str(e.value) == ("Given groups=1, weight of size [4, 3, 3, 3], expected "
                            "input[2, 1, 8, 8] to have 3 channels, but got 1 channels instead")


# ------------------------------------------------------------------ pooling and fold modules

POOL_MODULES = [
    ("MaxPool2d", (2,), {}),
    ("MaxPool2d", ((2, 3),), dict(stride=1, padding=1, dilation=2, ceil_mode=True)),
    ("AvgPool2d", (2,), {}),
    ("AvgPool2d", (3,), dict(stride=2, padding=1, ceil_mode=True, count_include_pad=False)),
    ("AvgPool2d", ((2, 3),), dict(stride=1, padding=1, divisor_override=5)),
    ("Unfold", (2,), dict(padding=1, stride=(1, 2))),
]


@pytest.mark.parametrize("name,args,kw", POOL_MODULES)
def test_pool_modules_match_torch(name, args, kw):
    torch = pytest.importorskip("torch")
    x0 = rng.standard_normal((2, 3, 7, 6))
    outs = []
    for lib in (jitgrad, torch):
        m = getattr(lib.nn, name)(*args, **kw)
        outs.append(repr(m))
        x = lib.tensor(x0, requires_grad=True)
        y = m(x)
        (y * y).sum().backward()
        outs += [y.detach().numpy(), x.grad.numpy(), type(y.grad_fn).__name__]
    half = len(outs) // 2
    for a, b in zip(outs[:half], outs[half:]):
        if isinstance(a, str):
            assert a == b
        else:
            np.testing.assert_allclose(a, b, rtol=1e-12, atol=1e-12)


def test_max_pool_module_return_indices_and_fold_repr():
    out, idx = nn.MaxPool2d(2, return_indices=True)(jitgrad.arange(16.0).reshape(1, 1, 4, 4))
    assert out.tolist() == [[[[5.0, 7.0], [13.0, 15.0]]]]
    assert idx.tolist() == [[[[5, 7], [13, 15]]]]
    assert repr(nn.MaxPool2d(2)) == ("MaxPool2d(kernel_size=2, stride=2, padding=0, dilation=1, "
                                     "ceil_mode=False)")
    assert repr(nn.AvgPool2d(2)) == "AvgPool2d(kernel_size=2, stride=2, padding=0)"
    assert repr(nn.Fold((4, 4), 3)) == ("Fold(output_size=(4, 4), kernel_size=3, dilation=1, "
                                        "padding=0, stride=1)")
    fold = nn.Fold((3, 3), 2)
    assert tuple(fold(jitgrad.ones(1, 4, 4)).shape) == (1, 1, 3, 3)
    assert nn.MaxPool2d(2).state_dict() == {} and nn.AvgPool2d(2).state_dict() == {}


# ------------------------------------------------------------------ a small CNN with torch


def _cnn(lib):
    nn_ = lib.nn
    lib.manual_seed(0)
    return nn_.Sequential(nn_.Conv2d(1, 16, 3, padding=1), nn_.ReLU(), nn_.MaxPool2d(2),
                          nn_.Conv2d(16, 32, 3, padding=1), nn_.ReLU(), nn_.MaxPool2d(2),
                          nn_.Flatten(), nn_.Linear(128, 10))


def test_cnn_repr_and_training_steps_match_torch():
    torch = pytest.importorskip("torch")
    X = rng.standard_normal((16, 1, 8, 8)).astype(np.float32)
    Y = rng.integers(0, 10, 16)
    losses, params = {}, {}
    for lib in (jitgrad, torch):
        model = _cnn(lib)
        opt = lib.optim.SGD(model.parameters(), lr=0.1, momentum=0.9)
        x, y = lib.tensor(X), lib.tensor(Y)
        run = []
        for _ in range(5):
            opt.zero_grad()
            loss = lib.nn.functional.cross_entropy(model(x), y)
            loss.backward()
            opt.step()
            run.append(loss.item())
        losses[lib.__name__] = run
        params[lib.__name__] = [p.detach().numpy().copy() for p in model.parameters()]
        params[lib.__name__ + "repr"] = repr(model)
    assert params["jitgradrepr"] == params["torchrepr"]
    np.testing.assert_allclose(losses["jitgrad"], losses["torch"], rtol=1e-4)
    for a, b in zip(params["jitgrad"], params["torch"]):
        np.testing.assert_allclose(a, b, rtol=1e-3, atol=1e-4)


def test_cnn_state_dict_round_trip():
    a = _cnn(jitgrad)
    b = _cnn(jitgrad)
    with jitgrad.no_grad():
        for p in b.parameters():
            p.mul_(0.5)
    b.load_state_dict(a.state_dict())
    x = jitgrad.tensor(rng.standard_normal((4, 1, 8, 8)).astype(np.float32))
    np.testing.assert_array_equal(a(x).detach().numpy(), b(x).detach().numpy())
