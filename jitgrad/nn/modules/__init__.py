from .container import ModuleDict, ModuleList, Sequential  # noqa: F401
from .layers import (GELU, Dropout, Flatten, Identity, LeakyReLU, Linear,  # noqa: F401
                     LogSoftmax, ReLU, Sigmoid, SiLU, Softmax, Tanh)
from .module import Module  # noqa: F401
from .loss import (BCELoss, BCEWithLogitsLoss, CrossEntropyLoss, L1Loss, MSELoss,  # noqa: F401
                   NLLLoss, SmoothL1Loss)
from .batchnorm import BatchNorm1d, BatchNorm2d, BatchNorm3d  # noqa: F401
from .normalization import LayerNorm  # noqa: F401
from .sparse import Embedding  # noqa: F401
from .conv import Conv2d, Fold, Unfold  # noqa: F401
from .pooling import AvgPool2d, MaxPool2d  # noqa: F401
from .conv_more import *  # noqa: F401,F403
from .rnn import GRU, LSTM, RNN, GRUCell, LSTMCell, RNNBase, RNNCell, RNNCellBase  # noqa: F401
from .activation_attention import MultiheadAttention  # noqa: F401
from .transformer import (Transformer, TransformerDecoder, TransformerDecoderLayer,  # noqa: F401
                          TransformerEncoder, TransformerEncoderLayer)
from .activation_extra import (CELU, ELU, GLU, SELU, CosineSimilarity,  # noqa: F401
                               Hardshrink, Hardsigmoid, Hardswish, Hardtanh, LogSigmoid, Mish,
                               PairwiseDistance, PReLU, ReLU6, Softmin, Softshrink, Softsign,
                               Tanhshrink, Threshold)
from .normalization_extra import (GroupNorm, InstanceNorm1d, InstanceNorm2d,  # noqa: F401
                                  InstanceNorm3d, LocalResponseNorm, RMSNorm)
from .loss_extra import (CosineEmbeddingLoss, CTCLoss, GaussianNLLLoss, HuberLoss,  # noqa: F401
                         KLDivLoss, MarginRankingLoss, MultiLabelSoftMarginLoss,
                         MultiMarginLoss, PoissonNLLLoss, SoftMarginLoss, TripletMarginLoss)
from .embedding_more import (Bilinear, EmbeddingBag, ParameterDict,  # noqa: F401
                             ParameterList, Unflatten)
from .nn_rest import *  # noqa: F401,F403
