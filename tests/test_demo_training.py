"""The demo's training part: the MLP and the CNN reach the issue's test
accuracies from the fixed seed, the same program gives torch's losses, and
the command line does what --help says."""
import re
import subprocess
import sys

import numpy as np
import pytest

import jitgrad
from jitgrad import digits_training as training
from jitgrad.datasets import load_digits


def run_demo(*args, check=True):
    return subprocess.run([sys.executable, "-m", "jitgrad.demo", *args], capture_output=True,
                          text=True, timeout=600, check=check)


def test_digits_split():
    data = load_digits()
    assert [tuple(t.shape) for t in data] == [(1433, 1, 8, 8), (1433,), (364, 1, 8, 8), (364,)]
    assert data.x_train.dtype == jitgrad.float32 and data.y_train.dtype == jitgrad.int64
    x = np.concatenate([data.x_train.numpy(), data.x_test.numpy()])
    assert x.min() == 0 and x.max() == 1 and np.all((x * 16) == np.round(x * 16))
    # stratified: every class in both parts, about a fifth of each in the test part
    train_counts = np.bincount(data.y_train.numpy(), minlength=10)
    test_counts = np.bincount(data.y_test.numpy(), minlength=10)
    assert train_counts.sum() + test_counts.sum() == 1797
    np.testing.assert_allclose(test_counts / (train_counts + test_counts), 0.2, atol=0.01)
    assert load_digits(jitgrad.float64).x_test.dtype == jitgrad.float64
    with pytest.raises(TypeError, match="floating point"):
        load_digits(jitgrad.int64)


@pytest.mark.parametrize("model,target", [("mlp", 0.97), ("cnn", 0.98)])
def test_model_reaches_target_accuracy(model, target):
    result = training.train(jitgrad, model, epochs=30, seed=0, log=None)
    assert result["steps"] == 30 * 23
    assert result["test_accuracy"] >= target


def test_same_losses_as_torch():
    torch = pytest.importorskip("torch")
    for model in ("mlp", "cnn"):
        ours, theirs = [], []
        a = training.train(jitgrad, model, epochs=3, seed=1, log=ours.append)
        b = training.train(torch, model, epochs=3, seed=1, log=theirs.append)
        losses = [[float(re.search(r"loss (\S+)", line).group(1)) for line in lines]
                  for lines in (ours, theirs)]
        np.testing.assert_allclose(*losses, rtol=1e-3)
        assert abs(a["test_accuracy"] - b["test_accuracy"]) <= 2 / 364


def test_cli_epoch_lines_and_summary():
    out = run_demo("--skip-tutorial", "--model", "mlp", "--epochs", "2").stdout
    epochs = [line for line in out.splitlines() if line.strip().startswith("epoch")]
    assert len(epochs) == 2 and all("test acc" in e and "steps/s" in e for e in epochs)
    assert "Summary" in out and re.search(r"MLP: test accuracy \d+\.\d\d%, 46 steps in", out)
    assert "Gradient function" not in out


def test_cli_help_and_bad_arguments():
    help_text = run_demo("--help").stdout
    for option in ("--epochs", "--model", "--compare-torch", "--seed", "--skip-tutorial"):
        assert option in help_text
    bad = run_demo("--epochs", "0", check=False)
    assert bad.returncode == 2 and "--epochs must be at least 1" in bad.stderr
    bad = run_demo("--model", "resnet", check=False)
    assert bad.returncode == 2 and "invalid choice" in bad.stderr
