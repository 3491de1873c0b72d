"""The example programs in examples/ run unchanged on jitgrad and, with
jitgrad's name bound to torch, on torch; both must print the same numbers
(float32 tolerance)."""
import os
import re
import subprocess
import sys

import numpy as np
import pytest

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
EXAMPLES = ["polynomial_fit.py", "legendre_function.py", "newton.py", "softmax_regression.py",
            "two_layer_custom_relu.py", "train_mlp.py", "train_cnn.py",
            "compiled_training_step.py", "char_lstm.py", "autograd_tutorial.py"]
# the tutorial draws random w and b, so only its structure can be compared
SAME_NUMBERS = EXAMPLES[:-1]

AS_TORCH = ("import runpy, sys, torch, torch.nn.functional\n"
            "sys.modules['jitgrad'] = torch\n"
            "sys.modules['jitgrad.nn'] = torch.nn\n"
            "sys.modules['jitgrad.nn.functional'] = torch.nn.functional\n"
            "import torch.utils.data\n"
            "sys.modules['jitgrad.utils'] = torch.utils\n"
            "sys.modules['jitgrad.utils.data'] = torch.utils.data\n"
            "runpy.run_path(sys.argv[1], run_name='__main__')\n")


def run(path, as_torch=False):
    args = ["-c", AS_TORCH, path] if as_torch else [path]
    return subprocess.run([sys.executable, *args], cwd=ROOT, capture_output=True, text=True,
                          timeout=600, check=True).stdout


def numbers(text):
    return np.array([float(v) for v in re.findall(r"-?\d+\.?\d*(?:e[-+]?\d+)?", text)])


@pytest.mark.parametrize("name", EXAMPLES)
def test_example_runs(name):
    out = run(os.path.join("examples", name))
    assert out.strip()


@pytest.mark.parametrize("name", SAME_NUMBERS)
def test_example_matches_torch(name):
    pytest.importorskip("torch")
    path = os.path.join("examples", name)
    ours, theirs = run(path), run(path, as_torch=True)
    a, b = numbers(ours), numbers(theirs)
    assert a.shape == b.shape, (ours, theirs)
    np.testing.assert_allclose(a, b, rtol=2e-3, atol=1e-4)
