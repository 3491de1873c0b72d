"""The seed tutorial end to end: the demo, the tutorial script unchanged,
and the same numbers as torch from the same w, b and x."""
import os
import re
import subprocess
import sys

import numpy as np
import pytest

import jitgrad

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def run(args):
    return subprocess.run([sys.executable, *args], cwd=ROOT, capture_output=True, text=True,
                          timeout=300, check=True).stdout


def check_tutorial_output(out):
    lines = out.splitlines()
    assert re.fullmatch(r"Gradient function for z = <AddBackward0 object at 0x[0-9a-f]+>", lines[0])
    assert re.fullmatch(r"Gradient function for loss = <BinaryCrossEntropyWithLogitsBackward0 "
                        r"object at 0x[0-9a-f]+>", lines[1])
    assert lines[2].startswith("tensor([[") and lines[7].startswith("tensor([")
    assert lines[8:11] == ["True", "False", "False"]
    assert lines[11].endswith("requires_grad=True)")
    assert lines[12].endswith("grad_fn=<MulBackward0>)")
    # x.grad is 2**k for the k doublings that made |y| >= 1000
    grad = [float(v) for v in re.findall(r"[-\d.e+]+(?=[,\]])", lines[13])]
    assert len(grad) == 3 and len(set(grad)) == 1 and np.log2(grad[0]).is_integer()


def test_demo_prints_the_tutorial():
    check_tutorial_output(run(["-m", "jitgrad.demo", "--model", "none"]))


def test_demo_prints_what_torch_prints():
    """The demo seeds jitgrad's generator, which is torch's: with jitgrad's
    name bound to torch the same file prints the same lines."""
    pytest.importorskip("torch")
    as_torch = ("import runpy, sys, torch\nsys.modules['jitgrad'] = torch\n"
                "sys.argv = sys.argv[1:]\nrunpy.run_path(sys.argv[0], run_name='__main__')\n")
    strip = lambda text: [re.sub(r"0x[0-9a-f]+", "0x", line) for line in text.splitlines()
                          if not line.startswith("(tutorial ran in")]
    ours = strip(run(["-m", "jitgrad.demo", "--model", "none"]))
    theirs = strip(run(["-c", as_torch, os.path.join("jitgrad", "demo.py"), "--model", "none"]))
    assert ours == theirs


def test_tutorial_script_runs_unchanged():
    check_tutorial_output(run([os.path.join("examples", "autograd_tutorial.py")]))


def tutorial(lib, w0, b0, x0):
    """The tutorial's cells on given w, b and x (instead of randn draws)."""
    x = lib.ones(5)
    y = lib.zeros(3)
    w = lib.tensor(w0, requires_grad=True)
    b = lib.tensor(b0, requires_grad=True)
    z = lib.matmul(x, w) + b
    loss = lib.nn.functional.binary_cross_entropy_with_logits(z, y)
    loss.backward()
    x = lib.tensor(x0, requires_grad=True)
    v = x * 2
    while v.data.norm() < 1000:
        v = v * 2
    v.backward(lib.ones_like(x), retain_graph=True)
    return (loss.item(), w.grad.numpy(), b.grad.numpy(), v.detach().numpy(), x.grad.numpy(),
            type(z.grad_fn).__name__, type(loss.grad_fn).__name__)


INPUTS = [np.random.default_rng(s).standard_normal(shape).astype(np.float32)
          for s, shape in ((0, (5, 3)), (1, (3,)), (2, (3,)))]


def test_tutorial_hand_derived():
    w0, b0, x0 = INPUTS
    loss, gw, gb, v, gx, zname, lname = tutorial(jitgrad, w0, b0, x0)
    z = w0.sum(0) + b0
    sig = 1 / (1 + np.exp(-z.astype(np.float64)))
    assert loss == pytest.approx(np.mean(np.log1p(np.exp(z.astype(np.float64)))), rel=1e-6)
    np.testing.assert_allclose(gb, sig / 3, rtol=1e-6)
    np.testing.assert_allclose(gw, np.tile(sig / 3, (5, 1)), rtol=1e-6)
    k = round(np.log2(v[0] / x0[0]))
    np.testing.assert_array_equal(gx, np.full(3, 2.0 ** k, np.float32))
    assert (zname, lname) == ("AddBackward0", "BinaryCrossEntropyWithLogitsBackward0")


def test_tutorial_matches_torch():
    torch = pytest.importorskip("torch")
    ours = tutorial(jitgrad, *INPUTS)
    theirs = tutorial(torch, *INPUTS)
    assert ours[0] == pytest.approx(theirs[0], rel=1e-6)
    for a, b in zip(ours[1:5], theirs[1:5]):
        np.testing.assert_allclose(a, b, rtol=1e-6, atol=1e-7)
    assert ours[5:] == theirs[5:]
