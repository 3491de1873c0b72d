"""A torch name jitgrad lacks says so; the coverage page is current."""
import os

import pytest

import jitgrad
import jitgrad.nn.functional as F
from jitgrad import api_coverage, nn, optim, write_api_coverage

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


@pytest.mark.parametrize("get,text", [
    (lambda: jitgrad.sparse, "module 'jitgrad' has no attribute 'sparse': jitgrad does not "
                             "implement torch.sparse yet"),
    (lambda: nn.AdaptiveLogSoftmaxWithLoss, "module 'jitgrad.nn' has no attribute "
                                            "'AdaptiveLogSoftmaxWithLoss': jitgrad does not "
                                            "implement torch.nn.AdaptiveLogSoftmaxWithLoss yet"),
    (lambda: F.fractional_max_pool3d, "module 'jitgrad.nn.functional' has no attribute "
                                      "'fractional_max_pool3d': jitgrad does not implement "
                                      "torch.nn.functional.fractional_max_pool3d yet"),
    (lambda: optim.SparseAdam, "module 'jitgrad.optim' has no attribute 'SparseAdam': jitgrad "
                               "does not implement torch.optim.SparseAdam yet"),
    (lambda: jitgrad.zeros(2).istft, "'Tensor' object has no attribute 'istft': jitgrad "
                                     "does not implement torch.Tensor.istft yet"),
    # names torch lacks too: Python's words only
    (lambda: jitgrad.no_such_name, "module 'jitgrad' has no attribute 'no_such_name'"),
    (lambda: jitgrad.zeros(2).no_such_method, "'Tensor' object has no attribute "
                                              "'no_such_method'"),
])
def test_missing_names(get, text):
    with pytest.raises(AttributeError) as err:
        get()
    assert str(err.value) == text


def test_present_names_are_not_in_the_missing_list():
    assert not hasattr(jitgrad, "sparse") and hasattr(jitgrad, "linalg")
    assert hasattr(jitgrad, "tril") and hasattr(jitgrad.Tensor, "topk")
    assert "tril" in api_coverage.torch_names()["torch"]


def test_coverage_page_is_current():
    with open(os.path.join(ROOT, "docs", "api-coverage.md")) as f:
        assert f.read() == write_api_coverage.coverage_markdown(), \
            "regenerate it: python -m jitgrad.write_api_coverage"
