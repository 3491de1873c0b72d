"""Anomaly detection: ``detect_anomaly``/``set_detect_anomaly`` name the
forward call behind a failing backward node, in torch's words."""
import gc
import warnings

import numpy as np
import pytest

import jitgrad
from jitgrad.autograd import anomaly_mode


def _sqrt_at_zero(lib):
    x = lib.tensor([0.0, 1.0], requires_grad=True)
    y = x.sqrt()                       # the forward call the warning must name
    return x, (y * 0).sum()            # 0 / (2 * sqrt(0)) is nan in SqrtBackward0


def _errors(lib, run):
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        with pytest.raises(RuntimeError) as err:
            run(lib)
    return str(err.value), [str(w.message) for w in caught]


def _nan_in_backward(lib):
    with lib.autograd.detect_anomaly():
        _, loss = _sqrt_at_zero(lib)
        loss.backward()


def test_nan_names_the_node_and_the_forward_call():
    message, warned = _errors(jitgrad, _nan_in_backward)
    assert message == "Function 'SqrtBackward0' returned nan values in its 0th output."
    assert warned[0].startswith("Anomaly Detection has been enabled.")
    detected = warned[1]
    assert detected.startswith("Error detected in SqrtBackward0. Traceback of forward call "
                               "that caused the error:\n")
    assert "in _sqrt_at_zero" in detected and "y = x.sqrt()" in detected
    assert "jitgrad/tensor.py" not in detected, "jitgrad's own frames are left out"
    assert not anomaly_mode.is_anomaly_enabled(), "the context restores the mode"


def test_nan_message_is_torchs():
    torch = pytest.importorskip("torch")
    ours, our_warnings = _errors(jitgrad, _nan_in_backward)
    theirs, their_warnings = _errors(torch, _nan_in_backward)
    assert ours == theirs
    assert our_warnings[0] == their_warnings[0]
    assert our_warnings[1].split("\n")[0] == their_warnings[1].split("\n")[0]


def test_check_nan_false_lets_nan_through():
    with pytest.warns(UserWarning, match="Anomaly Detection has been enabled"):
        with jitgrad.autograd.detect_anomaly(check_nan=False):
            assert jitgrad.is_anomaly_enabled() and not jitgrad.is_anomaly_check_nan_enabled()
            x, loss = _sqrt_at_zero(jitgrad)
            loss.backward()
    assert np.isnan(x.grad.numpy()[0]) and x.grad.numpy()[1] == 0
    assert jitgrad.is_anomaly_check_nan_enabled()


def test_graph_built_outside_anomaly_mode_has_no_forward_trace():
    x, loss = _sqrt_at_zero(jitgrad)
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        with jitgrad.autograd.set_detect_anomaly(True):
            with pytest.raises(RuntimeError, match="returned nan values in its 0th output"):
                loss.backward()
    texts = [str(w.message) for w in caught]
    assert texts == ["Error detected in SqrtBackward0. No forward pass information available. "
                     "Enable detect anomaly during forward pass for more information."]


def test_inplace_error_under_anomaly_mode_points_to_the_backtrace():
    def run(lib):
        with lib.autograd.detect_anomaly():
            a = lib.ones(3, requires_grad=True)
            b = a.sigmoid()
            b.mul_(2)
            b.sum().backward()
    message, warned = _errors(jitgrad, run)
    assert message.endswith("Hint: the backtrace further above shows the operation that failed "
                            "to compute its gradient. The variable in question was changed in "
                            "there or anywhere later. Good luck!")
    assert warned[1].startswith("Error detected in SigmoidBackward0.")
    assert "b = a.sigmoid()" in warned[1]
    try:
        import torch
    except ImportError:
        return
    assert message.replace("jitgrad.", "torch.") == _errors(torch, run)[0]


def test_set_detect_anomaly_as_call_and_as_context():
    jitgrad.autograd.set_detect_anomaly(True)
    try:
        assert jitgrad.is_anomaly_enabled()
    finally:
        jitgrad.autograd.set_detect_anomaly(False)
    assert not jitgrad.is_anomaly_enabled()
    with jitgrad.autograd.set_detect_anomaly(True, check_nan=False):
        assert jitgrad.is_anomaly_enabled() and not jitgrad.is_anomaly_check_nan_enabled()
    assert not jitgrad.is_anomaly_enabled() and jitgrad.is_anomaly_check_nan_enabled()


def test_create_graph_backward_checks_too():
    with jitgrad.autograd.set_detect_anomaly(True):
        x = jitgrad.tensor([0.0, 4.0], requires_grad=True)
        loss = (x.sqrt() * 0).sum()
        with pytest.warns(UserWarning, match="Error detected in SqrtBackward0"):
            with pytest.raises(RuntimeError, match="'SqrtBackward0' returned nan"):
                jitgrad.autograd.grad(loss, x, create_graph=True)


def test_a_clean_backward_is_unchanged_and_frees_its_graph():
    with jitgrad.autograd.set_detect_anomaly(True):
        w = jitgrad.randn(4, 3, requires_grad=True)
        loss = (w.tanh() * w).sum()
        loss.backward()
    expected = np.tanh(w.detach().numpy()) + w.detach().numpy() / np.cosh(w.detach().numpy()) ** 2
    np.testing.assert_allclose(w.grad.numpy(), expected, rtol=1e-5)
    del loss
    gc.collect()
    assert len(anomaly_mode._forward_traces) == 0, "forward traces must not outlive their graph"


def test_off_by_default_and_records_nothing():
    assert not jitgrad.is_anomaly_enabled()
    x = jitgrad.randn(3, requires_grad=True)
    y = (x * 2).exp()
    assert y.grad_fn not in anomaly_mode._forward_traces
