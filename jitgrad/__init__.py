"""jitgrad: reverse-mode autodiff for the CPU on Numba kernels, speaking
torch.autograd's language (``import jitgrad as torch``)."""
import os as _os

# In a source checkout the kernels live in ../kernels, which setuptools maps
# to jitgrad.kernels when installing; let a checkout on sys.path work too.
_here = _os.path.dirname(__file__)
if not _os.path.isdir(_os.path.join(_here, "kernels")) and _os.path.isfile(
        _os.path.join(_here, _os.pardir, "kernels", "__init__.py")):
    __path__.append(_os.path.abspath(_os.path.join(_here, _os.pardir)))  # noqa: F821

from . import dtypes as _dtypes  # noqa: E402
from .tensor import Size, Tensor  # noqa: E402,F401  (first: the graph modules import it)
from ._tensor_str import get_printoptions, printoptions, set_printoptions  # noqa: E402,F401
from .autograd.grad_mode import (enable_grad, inference_mode,  # noqa: E402,F401
                                 is_grad_enabled, is_inference_mode_enabled, no_grad,
                                 set_grad_enabled)
from .accelerators import (accelerator, backends, cuda, get_default_device,  # noqa: E402,F401
                           set_default_device)
from .device import device  # noqa: E402,F401
from .threads import get_num_threads, set_num_threads  # noqa: E402,F401
from . import compile_notice as _compile_notice  # noqa: E402,F401  (says when kernels compile)
from .autograd.anomaly_mode import (is_anomaly_check_nan_enabled,  # noqa: E402,F401
                                    is_anomaly_enabled)
from .dtypes import (dtype, float32, float64, get_default_dtype, int32, int64,  # noqa: E402,F401
                     set_default_dtype)
from .factories import (arange, as_tensor, empty, empty_like, eye, from_numpy, full,  # noqa: E402,F401
                        full_like, initial_seed, linspace, manual_seed, ones, ones_like, rand,
                        randint, randn, seed, tensor, zeros, zeros_like, Generator)
from .random import (bernoulli, default_generator, get_rng_state, multinomial,  # noqa: E402,F401
                     rand_like, randn_like, randperm, set_rng_state)
from .random_extra import (_sample_dirichlet, _standard_gamma,  # noqa: E402,F401
                           _standard_gamma_grad, binomial, normal, poisson)
from .functions import *  # noqa: E402,F401,F403
from .functions import abs, pow, sum  # noqa: E402,F401  (names star-import skips)
from .functions_indexing import *  # noqa: E402,F401,F403  (scatter/index_*/take/scans)
from .functions_logical import *  # noqa: E402,F401,F403  (bitwise/logical, asinh..., finfo)
from .functions_selection import *  # noqa: E402,F401,F403  (kthvalue/median/unique, rot90/diag, bincount...)
from .functions_small import *  # noqa: E402,F401,F403  (aliases, top-level in-place forms, small math)
from .functions_small import install as _install_small  # noqa: E402
_install_small(Tensor)  # Tensor.exp2/diff/unfold/eq_/... (only names Tensor lacks)
from .ops.rnn import gru, lstm, rnn_relu, rnn_tanh  # noqa: E402,F401  (torch's _VF layers)
from .legacy_tensors import (BoolTensor, DoubleTensor, FloatTensor, IntTensor,  # noqa: E402,F401
                             LongTensor)
from . import autograd, nn, optim, utils  # noqa: E402,F401
from . import distributions  # noqa: E402,F401
from . import distributed  # noqa: E402,F401  (MPI; mpi4py imported on first use)
from . import linalg  # noqa: E402,F401
from .serialization import load, save  # noqa: E402,F401
from .nn.functional import (celu, celu_, cosine_similarity, hardshrink,  # noqa: E402,F401
                            pairwise_distance, prelu, rms_norm, selu, selu_, threshold,
                            threshold_)
from .nn.functional import bilinear  # noqa: E402,F401
from .nn._functional_rest import TORCH_NAMES as _NN_REST  # noqa: E402
globals().update(_NN_REST)      # torch.rrelu, torch.grid_sampler, torch.feature_dropout, ...


def group_norm(input, num_groups, weight=None, bias=None, eps=1e-05, cudnn_enabled=True):
    return nn.functional.group_norm(input, num_groups, weight, bias, eps)
from . import compiler  # noqa: E402,F401
from . import func  # noqa: E402,F401  (torch.func's transforms)
from .func import vmap  # noqa: E402,F401  (torch.vmap is torch.func.vmap)
from .compiler import compile  # noqa: E402,F401

bool = _dtypes.bool_
float = _dtypes.float32
double = _dtypes.float64
long = _dtypes.int64
int = _dtypes.int32

__version__ = "0.1.0"


def is_tensor(obj):
    return isinstance(obj, Tensor)


def numel(input):
    if not isinstance(input, Tensor):
        from .messages import arg_must_be
        raise TypeError(arg_must_be("numel", "input", 1, input))
    return input.numel()

import types as _types  # noqa: E402

# ``from jitgrad import *`` brings the API, not submodules such as
# ``jitgrad.random`` that would shadow the standard library's names
__all__ = [_n for _n, _v in list(globals().items())
           if not _n.startswith("_") and not isinstance(_v, _types.ModuleType)]


# a name torch has and jitgrad lacks says so (jitgrad/api_coverage.py)
from .api_coverage import module_getattr as _module_getattr  # noqa: E402
__getattr__ = _module_getattr("jitgrad", "torch")

# docstrings of the public API live in jitgrad/_docs (never replacing one in the code)
from ._docs import attach as _attach_docs  # noqa: E402
_attach_docs()
del _attach_docs
