"""What torch programs ask about accelerators: jitgrad runs on the CPU, so
every answer is "not available", and asking for a device fails clearly."""
import types

from .device import device


def _false(*args, **kwargs):
    return False


def _nothing(*args, **kwargs):
    return None


cuda = types.ModuleType("jitgrad.cuda", "jitgrad has no CUDA: is_available() is False.")
cuda.is_available = _false
cuda.device_count = lambda: 0
cuda.manual_seed = cuda.manual_seed_all = cuda.synchronize = cuda.empty_cache = _nothing
cuda.is_initialized = _false

mps = types.ModuleType("jitgrad.backends.mps", "jitgrad has no MPS: is_available() is False.")
mps.is_available = mps.is_built = _false
cudnn = types.ModuleType("jitgrad.backends.cudnn")
cudnn.is_available = _false
cudnn.deterministic = False
cudnn.benchmark = False
backends = types.ModuleType("jitgrad.backends")
backends.mps = mps
backends.cudnn = cudnn

accelerator = types.ModuleType("jitgrad.accelerator", "jitgrad runs on the CPU only.")
accelerator.is_available = _false
accelerator.current_accelerator = _nothing
accelerator.device_count = lambda: 0

_default_device = device("cpu")


def set_default_device(d):
    global _default_device
    _default_device = device("cpu") if d is None else device(d)


def get_default_device():
    return _default_device
