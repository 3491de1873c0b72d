"""A torch training loop (MLP, cross-entropy, shuffling DataLoader) gives
torch's losses step for step: from the same seed jitgrad draws the same
initial weights and the same batch order, so 20 steps of SGD with momentum
and 20 of Adam must agree with torch to float32 tolerance. Halfway, the
model and optimizer are checkpointed with save/load and training resumes
from fresh objects."""
import numpy as np
import pytest

import jitgrad

STEPS = 20


def optimizers(lib):
    return {"sgd-momentum": lambda params: lib.optim.SGD(params, lr=0.05, momentum=0.9),
            "adam": lambda params: lib.optim.Adam(params, lr=3e-3)}


def losses(lib, optimizer_name, checkpoint_path):
    nn = lib.nn
    lib.manual_seed(0)
    x = lib.randn(256, 16)
    y = (x @ lib.randn(16, 4)).argmax(dim=1)

    def make():
        return nn.Sequential(nn.Linear(16, 32), nn.Tanh(), nn.Linear(32, 32), nn.ReLU(),
                             nn.Linear(32, 4))
    make_optimizer = optimizers(lib)[optimizer_name]
    model = make()
    optimizer = make_optimizer(model.parameters())
    loss_fn = nn.CrossEntropyLoss()
    loader = lib.utils.data.DataLoader(lib.utils.data.TensorDataset(x, y), batch_size=32,
                                       shuffle=True)
    out = []
    while len(out) < STEPS:
        for xb, yb in loader:
            optimizer.zero_grad()
            loss = loss_fn(model(xb), yb)
            loss.backward()
            optimizer.step()
            out.append(loss.item())
            if len(out) == STEPS // 2:
                lib.save({"model": model.state_dict(), "optimizer": optimizer.state_dict()},
                         checkpoint_path)
                state = lib.load(checkpoint_path)
                model = make()
                model.load_state_dict(state["model"])
                optimizer = make_optimizer(model.parameters())
                optimizer.load_state_dict(state["optimizer"])
            if len(out) == STEPS:
                break
    return np.array(out)


@pytest.mark.parametrize("optimizer_name", list(optimizers(jitgrad)))
def test_losses_decrease(optimizer_name, tmp_path):
    got = losses(jitgrad, optimizer_name, tmp_path / "ckpt")
    assert got.shape == (STEPS,) and np.isfinite(got).all()
    assert got[-5:].mean() < got[:5].mean()


@pytest.mark.parametrize("optimizer_name", list(optimizers(jitgrad)))
def test_losses_match_torch(optimizer_name, tmp_path):
    torch = pytest.importorskip("torch")
    ours = losses(jitgrad, optimizer_name, tmp_path / "ours")
    theirs = losses(torch, optimizer_name, tmp_path / "theirs")
    np.testing.assert_allclose(ours, theirs, rtol=1e-5, atol=1e-6)
