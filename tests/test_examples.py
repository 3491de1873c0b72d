"""The example programs in examples/ run unchanged on jitgrad and, with
jitgrad's name bound to torch, on torch; both must print the same numbers
(float32 tolerance)."""
import importlib.util
import os
import re
import subprocess
import sys

import numpy as np
import pytest

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
EXAMPLES = ["polynomial_fit.py", "legendre_function.py", "newton.py", "softmax_regression.py",
            "two_layer_custom_relu.py", "train_mlp.py", "train_cnn.py",
            "compiled_training_step.py", "char_lstm.py", "gru_seq2seq.py", "tiny_gpt.py",
            "transformer_classifier.py", "vae.py", "autograd_tutorial.py"]
# the tutorial draws random w and b, so only its structure can be compared
SAME_NUMBERS = EXAMPLES[:-1]

AS_TORCH = ("import runpy, sys, torch, torch.nn.functional\n"
            # torch ships no data sets: an example that loads jitgrad's (vae.py) gets them
            # from jitgrad.datasets itself, and every other jitgrad name stays torch's
            "if 'jitgrad.datasets' in open(sys.argv[1]).read():\n"
            "    import jitgrad.datasets\n"
            "    datasets = sys.modules['jitgrad.datasets']\n"
            "    for name in [n for n in sys.modules if n.split('.')[0] == 'jitgrad']:\n"
            "        del sys.modules[name]\n"
            "    sys.modules['jitgrad.datasets'] = datasets\n"
            "sys.modules['jitgrad'] = torch\n"
            "sys.modules['jitgrad.nn'] = torch.nn\n"
            "sys.modules['jitgrad.nn.functional'] = torch.nn.functional\n"
            "import torch.utils.data\n"
            "sys.modules['jitgrad.utils'] = torch.utils\n"
            "sys.modules['jitgrad.utils.data'] = torch.utils.data\n"
            "runpy.run_path(sys.argv[1], run_name='__main__')\n")


# one thread for BLAS and torch in each run: the test workers already use every core,
# and more threads only contend for them
ONE_THREAD = {v: "1" for v in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS")}


# torch's side of an example that calls torch.compile runs eager: the oracle is torch's
# numbers, which inductor matches to rounding, and its compile would take ~25 s of the
# suite's time here
EAGER_TORCH = {"TORCHDYNAMO_DISABLE": "1"}


def run(path, as_torch=False):
    args = ["-c", AS_TORCH, path] if as_torch else [path]
    env = {**os.environ, **ONE_THREAD, **(EAGER_TORCH if as_torch else {})}
    return subprocess.run([sys.executable, *args], cwd=ROOT, capture_output=True, text=True,
                          timeout=600, check=True, env=env).stdout


def numbers(text):
    return np.array([float(v) for v in re.findall(r"-?\d+\.?\d*(?:e[-+]?\d+)?", text)])


HAVE_TORCH = importlib.util.find_spec("torch") is not None
# with torch, test_example_matches_torch runs those on jitgrad itself (each run costs
# seconds: an example is not run twice on jitgrad)
RUN_ONLY = [n for n in EXAMPLES if n not in SAME_NUMBERS] if HAVE_TORCH else EXAMPLES


@pytest.mark.parametrize("name", RUN_ONLY)
def test_example_runs(name):
    out = run(os.path.join("examples", name))
    assert out.strip()


@pytest.mark.parametrize("name", SAME_NUMBERS)
def test_example_matches_torch(name):
    pytest.importorskip("torch")
    path = os.path.join("examples", name)
    ours, theirs = run(path), run(path, as_torch=True)
    assert ours.strip()
    a, b = numbers(ours), numbers(theirs)
    assert a.shape == b.shape, (ours, theirs)
    np.testing.assert_allclose(a, b, rtol=2e-3, atol=1e-4)
