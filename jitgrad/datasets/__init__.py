"""Data sets shipped inside the package (no download at run time)."""
from collections import namedtuple
from pathlib import Path

import numpy as np

from .. import dtypes
from ..tensor import _wrap

Digits = namedtuple("Digits", ["x_train", "y_train", "x_test", "y_test"])

_DIGITS = Path(__file__).with_name("digits.npz")


def load_digits(dtype=None):
    """The 8x8 handwritten digits (UCI, CC BY 4.0; see datasets/README.md).

    Returns ``Digits(x_train, y_train, x_test, y_test)``: images as
    ``(N, 1, 8, 8)`` tensors scaled to [0, 1] (the layout a Conv2d takes;
    an MLP flattens them), labels as int64 tensors. The split is fixed:
    1,433 training and 364 test images, stratified by class.
    """
    dtype = dtypes.get_default_dtype() if dtype is None else dtype
    if not dtype.is_floating_point:
        raise TypeError(f"load_digits: dtype must be a floating point type, got {dtype}")
    with np.load(_DIGITS, allow_pickle=False) as f:
        images, labels, test = f["images"], f["labels"], f["test"]
    x = (images[:, None].astype(dtype.numpy) / dtype.numpy.type(16))
    y = labels.astype(np.int64)
    return Digits(_wrap(np.ascontiguousarray(x[~test])), _wrap(y[~test]),
                  _wrap(np.ascontiguousarray(x[test])), _wrap(y[test]))
