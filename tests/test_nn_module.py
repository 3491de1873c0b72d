"""nn.Module's bookkeeping: registration order, repr, state_dict, modes,
containers, conversions, Linear's default initialisation, and the errors a
training script most often meets, in torch's words."""
from collections import namedtuple

import numpy as np
import pytest
from helpers import error_tests

import jitgrad
from jitgrad import nn


class Net(nn.Module):
    def __init__(self):
        super().__init__()
        self.fc1 = nn.Linear(4, 3)
        self.act = nn.ReLU()
        self.fc2 = nn.Linear(3, 2, bias=False)
        self.register_buffer("steps", jitgrad.zeros(1))
        self.register_buffer("scratch", jitgrad.zeros(2), persistent=False)
        self.scale = nn.Parameter(jitgrad.ones(1))

    def forward(self, x):
        return self.fc2(self.act(self.fc1(x))) * self.scale


def test_registration_order_and_names():
    net = Net()
    assert [n for n, _ in net.named_parameters()] == ["scale", "fc1.weight", "fc1.bias",
                                                      "fc2.weight"]
    assert list(net.state_dict()) == ["scale", "steps", "fc1.weight", "fc1.bias", "fc2.weight"]
    assert [n for n, _ in net.named_modules()] == ["", "fc1", "act", "fc2"]
    assert len(list(net.children())) == 3 and len(list(net.buffers())) == 2


def test_repr_matches_torch():
    model = nn.Sequential(nn.Flatten(), nn.Linear(784, 512), nn.ReLU(), nn.Dropout(0.2),
                          nn.Linear(512, 10))
    assert repr(model) == (
        "Sequential(\n"
        "  (0): Flatten(start_dim=1, end_dim=-1)\n"
        "  (1): Linear(in_features=784, out_features=512, bias=True)\n"
        "  (2): ReLU()\n"
        "  (3): Dropout(p=0.2, inplace=False)\n"
        "  (4): Linear(in_features=512, out_features=10, bias=True)\n"
        ")")
    assert repr(Net()).startswith("Net(\n  (fc1): Linear(in_features=4, out_features=3, bias=True)")
    assert repr(nn.Parameter(jitgrad.zeros(2))) == (
        "Parameter containing:\ntensor([0., 0.], requires_grad=True)")


def test_state_dict_round_trip_and_errors():
    a, b = Net(), Net()
    result = b.load_state_dict(a.state_dict())
    assert result.missing_keys == [] and result.unexpected_keys == []
    for (n, p), (_, q) in zip(a.named_parameters(), b.named_parameters()):
        assert np.array_equal(p.detach().numpy(), q.detach().numpy()), n
    sd = a.state_dict()
    del sd["fc1.bias"]
    sd["extra"] = jitgrad.zeros(1)
    with pytest.raises(RuntimeError) as e:
        b.load_state_dict(sd)
    assert str(e.value) == ('Error(s) in loading state_dict for Net:\n\tMissing key(s) in '
                            'state_dict: "fc1.bias". \n\tUnexpected key(s) in state_dict: '
                            '"extra". ')
    assert b.load_state_dict(sd, strict=False).missing_keys == ["fc1.bias"]
    sd = a.state_dict()
    sd["fc2.weight"] = jitgrad.zeros(3, 3)
    with pytest.raises(RuntimeError, match=r"size mismatch for fc2.weight: copying a param with "
                                           r"shape jitgrad.Size\(\[3, 3\]\)"):
        b.load_state_dict(sd)


def test_state_dict_is_detached_and_shares_memory():
    net = Net()
    sd = net.state_dict()
    assert not sd["fc1.weight"].requires_grad
    sd["fc1.weight"].numpy()[0, 0] = 123.0
    assert net.fc1.weight.detach().numpy()[0, 0] == 123.0


def test_train_eval_zero_grad_and_forward():
    net = Net()
    assert net.training and net.fc1.training
    net.eval()
    assert not net.training and not net.fc1.training
    out = net(jitgrad.ones(5, 4))
    assert out.shape == (5, 2)
    out.sum().backward()
    assert net.fc1.weight.grad is not None
    net.zero_grad()
    assert all(p.grad is None for p in net.parameters())
    net(jitgrad.ones(5, 4)).sum().backward()
    net.zero_grad(set_to_none=False)
    assert all(float(p.grad.abs().sum()) == 0 for p in net.parameters())
    assert net.forward(jitgrad.ones(1, 4)).shape == (1, 2)


def test_containers():
    seq = nn.Sequential(nn.Linear(2, 2), nn.ReLU(), nn.Linear(2, 1))
    assert isinstance(seq[0], nn.Linear) and isinstance(seq[-1], nn.Linear) and len(seq) == 3
    assert isinstance(seq[:2], nn.Sequential) and len(seq[:2]) == 2
    layers = nn.ModuleList([nn.Linear(2, 2) for _ in range(3)])
    layers.append(nn.ReLU())
    assert len(layers) == 4 and len(list(nn.Sequential(*layers).parameters())) == 6
    d = nn.ModuleDict({"a": nn.Linear(1, 1), "b": nn.ReLU()})
    assert list(d.keys()) == ["a", "b"] and "a" in d


def test_conversions_and_apply():
    net = Net().double()
    assert net.fc1.weight.dtype is jitgrad.float64 and isinstance(net.fc1.weight, nn.Parameter)
    assert net.steps.dtype is jitgrad.float64
    net.float()
    assert net.fc1.weight.dtype is jitgrad.float32
    seen = []
    net.apply(lambda m: seen.append(type(m).__name__))
    assert seen == ["Linear", "ReLU", "Linear", "Net"]


def test_assignment_errors():
    net = Net()
    with pytest.raises(TypeError, match="cannot assign 'int' as parameter 'scale'"):
        net.scale = 3
    with pytest.raises(AttributeError, match="has no attribute 'missing'"):
        net.missing


def test_linear_default_init_bounds():
    layer = nn.Linear(100, 30)
    bound = 1 / np.sqrt(100)
    w = layer.weight.detach().numpy()
    assert np.abs(w).max() <= bound and w.std() > bound / 3
    assert np.abs(layer.bias.detach().numpy()).max() <= bound


def test_linear_init_matches_torch_for_a_seed():
    torch = pytest.importorskip("torch")
    jitgrad.manual_seed(0)
    ours = nn.Linear(5, 3)
    torch.manual_seed(0)
    theirs = torch.nn.Linear(5, 3)
    np.testing.assert_array_equal(ours.weight.detach().numpy(), theirs.weight.detach().numpy())
    np.testing.assert_array_equal(ours.bias.detach().numpy(), theirs.bias.detach().numpy())


LOSSES = {
    "MSELoss": (lambda nn_: nn_.MSELoss(), "float"),
    "L1Loss": (lambda nn_: nn_.L1Loss(reduction="sum"), "float"),
    "SmoothL1Loss": (lambda nn_: nn_.SmoothL1Loss(beta=0.5), "float"),
    "BCELoss": (lambda nn_: nn_.BCELoss(), "prob"),
    "BCEWithLogitsLoss": (lambda nn_: nn_.BCEWithLogitsLoss(), "prob"),
    "CrossEntropyLoss": (lambda nn_: nn_.CrossEntropyLoss(label_smoothing=0.1), "class"),
    "NLLLoss": (lambda nn_: nn_.NLLLoss(), "class"),
}


@pytest.mark.parametrize("name", list(LOSSES))
def test_loss_modules_match_torch(name):
    torch = pytest.importorskip("torch")
    make, kind = LOSSES[name]
    rng = np.random.default_rng(0)
    x = rng.standard_normal((4, 3))
    if kind == "prob":
        x = 1 / (1 + np.exp(-x)) if name == "BCELoss" else x
        y = rng.uniform(0, 1, (4, 3))
    elif kind == "class":
        x = np.log(np.exp(x) / np.exp(x).sum(1, keepdims=True)) if name == "NLLLoss" else x
        y = rng.integers(0, 3, 4)
    else:
        y = rng.standard_normal((4, 3))
    results = []
    for lib in (jitgrad, torch):
        xi = lib.tensor(x, requires_grad=True)
        loss = make(lib.nn)(xi, lib.tensor(y))
        loss.backward()
        results.append((loss.item(), xi.grad.numpy()))
    assert results[0][0] == pytest.approx(results[1][0], rel=1e-10)
    np.testing.assert_allclose(results[0][1], results[1][1], rtol=1e-10, atol=1e-12)


def test_clip_grad_norm():
    p = nn.Parameter(jitgrad.tensor([3.0, 4.0], dtype=jitgrad.float64))
    (p * p).sum().backward()                     # grad (6, 8), norm 10
    total = nn.utils.clip_grad_norm_([p], max_norm=1.0)
    assert total.item() == pytest.approx(10.0)
    np.testing.assert_allclose(p.grad.numpy(), [0.6, 0.8], rtol=1e-6)
    nn.utils.clip_grad_value_([p], 0.7)
    np.testing.assert_allclose(p.grad.numpy(), [0.6, 0.7], rtol=1e-6)


# ---- a training script's usual mistakes, module by module, in torch's words

Case = namedtuple("Case", "id run exc message")

MODULE_ERRORS = [
    Case("linear-features", lambda lib: lib.nn.Linear(3, 2)(lib.ones(4, 5)), RuntimeError,
         "mat1 and mat2 shapes cannot be multiplied (4x5 and 3x2)"),
    Case("linear-dtype", lambda lib: lib.nn.Linear(3, 2)(lib.ones(4, 3, dtype=lib.float64)),
         RuntimeError, "mat1 and mat2 must have the same dtype, but got Double and Float"),
    Case("conv-channels", lambda lib: lib.nn.Conv2d(3, 2, 3)(lib.ones(1, 1, 5, 5)), RuntimeError,
         "Given groups=1, weight of size [2, 3, 3, 3], expected input[1, 1, 5, 5] to have 3 "
         "channels, but got 1 channels instead"),
    Case("conv-kernel-too-big", lambda lib: lib.nn.Conv2d(1, 1, 3)(lib.ones(1, 1, 2, 2)),
         RuntimeError, "Calculated padded input size per channel: (2 x 2). Kernel size: (3 x 3). "
         "Kernel size can't be greater than actual input size"),
    Case("pool-too-small", lambda lib: lib.nn.MaxPool2d(2)(lib.ones(1, 1, 1, 1)), RuntimeError,
         "Given input size: (1x1x1). Calculated output size: (1x0x0). Output size is too small"),
    Case("batchnorm-one-value", lambda lib: lib.nn.BatchNorm1d(3)(lib.ones(1, 3)), ValueError,
         "Expected more than 1 value per channel when training, got input size "
         "jitgrad.Size([1, 3])"),
    Case("embedding-range", lambda lib: lib.nn.Embedding(3, 2)(lib.tensor([3])), IndexError,
         "index out of range in self"),
    Case("layernorm-shape", lambda lib: lib.nn.LayerNorm(4)(lib.ones(2, 3)), RuntimeError,
         "Given normalized_shape=[4], expected input with shape [*, 4], but got input of "
         "size[2, 3]"),
    Case("cross-entropy-float-target",
         lambda lib: lib.nn.CrossEntropyLoss()(lib.ones(4, 3), lib.ones(4)), RuntimeError,
         "expected target dtype to be Long or Byte, but got Float"),
    Case("cross-entropy-class-range",
         lambda lib: lib.nn.CrossEntropyLoss()(lib.ones(4, 3), lib.tensor([0, 1, 2, 3])),
         IndexError, "Target 3 is out of bounds."),
    Case("sequential-index", lambda lib: lib.nn.Sequential(lib.nn.Linear(2, 2))[1], IndexError,
         "index 1 is out of range"),
    Case("load-missing-key",
         lambda lib: lib.nn.Linear(3, 2).load_state_dict({"weight": lib.ones(2, 3)}),
         RuntimeError, 'Error(s) in loading state_dict for Linear:\n\tMissing key(s) in '
         'state_dict: "bias". '),
    Case("adam-lr", lambda lib: lib.optim.Adam([lib.ones(2, requires_grad=True)], lr=-1),
         ValueError, "Invalid learning rate: -1"),
]

test_module_error, test_module_error_is_torchs = error_tests(MODULE_ERRORS)
