from .container import ModuleDict, ModuleList, Sequential  # noqa: F401
from .layers import (GELU, Dropout, Flatten, Identity, LeakyReLU, Linear,  # noqa: F401
                     LogSoftmax, ReLU, Sigmoid, SiLU, Softmax, Tanh)
from .module import Module  # noqa: F401
from .loss import (BCELoss, BCEWithLogitsLoss, CrossEntropyLoss, L1Loss, MSELoss,  # noqa: F401
                   NLLLoss, SmoothL1Loss)
