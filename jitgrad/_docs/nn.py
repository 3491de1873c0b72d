"""Docstrings of ``jitgrad.nn`` (layers and losses), ``jitgrad.nn.init`` (``INIT``) and
the methods of ``jitgrad.nn.Module`` (``MODULE``)."""

_LOSS = """
Args:
    reduction (str): ``'mean'`` (the default), ``'sum'`` or ``'none'``.
    size_average, reduce: deprecated spellings of ``reduction``, still honoured.
"""


def _layer(summary, fname, args=""):
    text = f"{summary}\n\nThe module form of :func:`jitgrad.nn.functional.{fname}`.\n"
    return text + (f"\nArgs:\n{args}" if args else "")


def _act(summary, fname, args=""):
    return _layer(summary, fname, args + "    inplace (bool): modify the input in place.\n")


def _pad(kind, n, value=""):
    return (f"Pad the last {n} dimension{'s' if n > 1 else ''} of the input with {kind}.\n\n"
            f"``padding`` is an int (the same on every side) or a {2 * n}-tuple "
            "(left, right, top, bottom, front, back)[: 2n].\n" + value)


def _pool(kind, n, fname):
    return _layer(f"Apply {n}-D {kind} pooling over an input of shape (N, C, *spatial).", fname,
                  "    kernel_size, stride, padding, ceil_mode: as in the functional form;\n"
                  "        ``stride`` defaults to ``kernel_size``.\n")


def _conv(n, shape):
    return f"""Apply a {n}-D convolution over an input of shape {shape}, with learnable filters and bias.

Args:
    in_channels (int): channels of the input.
    out_channels (int): channels of the output (the number of filters).
    kernel_size (int or tuple): size of the filters.
    stride (int or tuple): step of the sliding window.
    padding (int, tuple or str): zero padding (or padding of ``padding_mode``) on each
        side, or ``'valid'`` / ``'same'``.
    dilation (int or tuple): spacing between kernel elements.
    groups (int): split channels into independent groups.
    bias (bool): learn an additive bias per output channel.
    padding_mode (str): ``'zeros'``, ``'reflect'``, ``'replicate'`` or ``'circular'``.

Weights and bias start uniform in +-1/sqrt(fan_in), as torch initialises them.
"""


def _conv_t(n):
    return (f"Apply a {n}-D transposed convolution (fractionally strided), with learnable filters.\n\n"
            "Arguments as for the convolution, plus ``output_padding``, extra size on one side\n"
            f"of the output; see :func:`jitgrad.nn.functional.conv_transpose{n}d`.\n")


def _norm(kind, n):
    return f"""Apply {kind} normalisation over a {n} input, with learnable affine parameters.

Args:
    num_features (int): the number of channels C.
    eps (float): added to the variance for stability.
    momentum (float or None): weight of each batch's statistics in the running
        averages; None keeps a cumulative average.
    affine (bool): learn a per-channel scale (``weight``) and shift (``bias``).
    track_running_stats (bool): keep running mean/variance for use in eval mode.
"""


DOCS = {
"Module": """Base class of all layers and models: holds parameters, buffers and submodules.

Subclass it, assign layers and :class:`Parameter` objects as attributes in
``__init__`` (after calling ``super().__init__()``) and define ``forward``; call the
module itself, not ``forward``, so hooks run.

Example::

    >>> class Net(nn.Module):
    ...     def __init__(self):
    ...         super().__init__()
    ...         self.fc = nn.Linear(3, 1)
    ...     def forward(self, x):
    ...         return self.fc(x).relu()
    >>> net = Net()
    >>> net(torch.ones(2, 3)).shape
    jitgrad.Size([2, 1])
    >>> [name for name, _ in net.named_parameters()]
    ['fc.weight', 'fc.bias']
""",
"Parameter": """A tensor that is a module parameter: assigned to a Module it is registered and shown by ``parameters()``.

``requires_grad`` is True by default.

Example::

    >>> p = nn.Parameter(torch.zeros(2))
    >>> p.requires_grad
    True
""",
"Sequential": """A module that runs its submodules in order, each output feeding the next.

Accepts modules as arguments or an ``OrderedDict`` of named modules; supports indexing,
slicing, ``len`` and ``append``.

Example::

    >>> model = nn.Sequential(nn.Linear(4, 8), nn.ReLU(), nn.Linear(8, 2))
    >>> model(torch.ones(3, 4)).shape
    jitgrad.Size([3, 2])
""",
"ModuleList": """A list of modules whose parameters are registered with the owning module.""",
"ModuleDict": """A dict of modules whose parameters are registered with the owning module.""",
"Identity": """A module that returns its input unchanged (its arguments are ignored).""",
"Linear": """Apply ``y = x @ weight.T + bias`` with learnable ``weight`` (out_features, in_features) and ``bias``.

Args:
    in_features (int): size of each input's last dimension.
    out_features (int): size of each output's last dimension.
    bias (bool): learn an additive bias.

Input (*, in_features) gives output (*, out_features). Parameters start uniform in
+-1/sqrt(in_features), as in torch.

Example::

    >>> layer = nn.Linear(3, 2)
    >>> layer(torch.ones(5, 3)).shape
    jitgrad.Size([5, 2])
    >>> layer.weight.shape
    jitgrad.Size([2, 3])
""",
"Bilinear": """Apply ``y = x1^T A x2 + b`` with learnable ``A`` (out, in1, in2) and ``b``.""",
"Flatten": """Flatten dims ``start_dim`` .. ``end_dim`` (by default all but the batch dim).

Example::

    >>> nn.Flatten()(torch.zeros(2, 3, 4)).shape
    jitgrad.Size([2, 12])
""",
"Unflatten": """Expand dimension ``dim`` into the shape ``unflattened_size``.""",
"Conv1d": _conv(1, "(N, C_in, L)"),
"Conv2d": _conv(2, "(N, C_in, H, W)") + """
Example::

    >>> conv = nn.Conv2d(3, 8, kernel_size=3, padding=1)
    >>> conv(torch.ones(1, 3, 32, 32)).shape
    jitgrad.Size([1, 8, 32, 32])
""",
"Conv3d": _conv(3, "(N, C_in, D, H, W)"),
"ConvTranspose1d": _conv_t(1),
"ConvTranspose2d": _conv_t(2),
"ConvTranspose3d": _conv_t(3),
"Fold": """Combine columns of sliding blocks into a tensor (see :func:`jitgrad.nn.functional.fold`).""",
"Unfold": """Extract sliding blocks into columns (see :func:`jitgrad.nn.functional.unfold`).""",
"MaxPool1d": _pool("max", 1, "max_pool1d"),
"MaxPool2d": _pool("max", 2, "max_pool2d") + """    dilation: spacing of window elements.
    return_indices (bool): also return the positions of the maxima.

Example::

    >>> nn.MaxPool2d(2)(torch.ones(1, 1, 4, 4)).shape
    jitgrad.Size([1, 1, 2, 2])
""",
"MaxPool3d": _pool("max", 3, "max_pool3d"),
"AvgPool1d": _pool("average", 1, "avg_pool1d"),
"AvgPool2d": _pool("average", 2, "avg_pool2d"),
"AvgPool3d": _pool("average", 3, "avg_pool3d"),
"LPPool1d": _layer("Apply 1-D power-average pooling.", "lp_pool1d"),
"LPPool2d": _layer("Apply 2-D power-average pooling.", "lp_pool2d"),
"LPPool3d": _layer("Apply 3-D power-average pooling.", "lp_pool3d"),
"MaxUnpool1d": _layer("Invert 1-D max pooling using the indices it returned.", "max_unpool1d"),
"MaxUnpool2d": _layer("Invert 2-D max pooling using the indices it returned.", "max_unpool2d"),
"MaxUnpool3d": _layer("Invert 3-D max pooling using the indices it returned.", "max_unpool3d"),
"AdaptiveAvgPool1d": _layer("Average-pool to a fixed output length ``output_size``.", "adaptive_avg_pool1d"),
"AdaptiveAvgPool2d": _layer("Average-pool to a fixed output size ``output_size`` (an int or (H, W)).", "adaptive_avg_pool2d"),
"AdaptiveAvgPool3d": _layer("Average-pool to a fixed output size ``output_size``.", "adaptive_avg_pool3d"),
"AdaptiveMaxPool1d": _layer("Max-pool to a fixed output length ``output_size``.", "adaptive_max_pool1d"),
"AdaptiveMaxPool2d": _layer("Max-pool to a fixed output size ``output_size``.", "adaptive_max_pool2d"),
"AdaptiveMaxPool3d": _layer("Max-pool to a fixed output size ``output_size``.", "adaptive_max_pool3d"),
"ZeroPad1d": _pad("zeros", 1),
"ZeroPad2d": _pad("zeros", 2),
"ZeroPad3d": _pad("zeros", 3),
"ConstantPad1d": _pad("the constant ``value``", 1),
"ConstantPad2d": _pad("the constant ``value``", 2),
"ConstantPad3d": _pad("the constant ``value``", 3),
"ReflectionPad1d": _pad("the reflection of the input (edge not repeated)", 1),
"ReflectionPad2d": _pad("the reflection of the input (edge not repeated)", 2),
"ReflectionPad3d": _pad("the reflection of the input (edge not repeated)", 3),
"ReplicationPad1d": _pad("copies of the edge values", 1),
"ReplicationPad2d": _pad("copies of the edge values", 2),
"ReplicationPad3d": _pad("copies of the edge values", 3),
"CircularPad1d": _pad("values wrapped around from the other side", 1),
"CircularPad2d": _pad("values wrapped around from the other side", 2),
"CircularPad3d": _pad("values wrapped around from the other side", 3),
"BatchNorm1d": _norm("batch", "(N, C) or (N, C, L)"),
"BatchNorm2d": _norm("batch", "(N, C, H, W)") + """
In training mode batch statistics are used and folded into the running averages; in
eval mode (``model.eval()``) the running averages are used.

Example::

    >>> bn = nn.BatchNorm2d(3)
    >>> bn(torch.randn(4, 3, 5, 5)).shape
    jitgrad.Size([4, 3, 5, 5])
""",
"BatchNorm3d": _norm("batch", "(N, C, D, H, W)"),
"InstanceNorm1d": _norm("instance", "(N, C, L)") + "\nBy default ``affine`` and ``track_running_stats`` are False.\n",
"InstanceNorm2d": _norm("instance", "(N, C, H, W)") + "\nBy default ``affine`` and ``track_running_stats`` are False.\n",
"InstanceNorm3d": _norm("instance", "(N, C, D, H, W)") + "\nBy default ``affine`` and ``track_running_stats`` are False.\n",
"LayerNorm": """Normalise over the trailing ``normalized_shape`` dims, then apply a learnable elementwise scale and shift.

Args:
    normalized_shape (int or tuple): the trailing shape to normalise over.
    eps (float): added to the variance for stability.
    elementwise_affine (bool): learn ``weight`` (ones) and ``bias`` (zeros).
    bias (bool): learn the shift too.

Example::

    >>> ln = nn.LayerNorm(4)
    >>> ln(torch.arange(8.).reshape(2, 4)).mean(dim=1).abs().max() < 1e-6
    tensor(True)
""",
"GroupNorm": """Normalise groups of channels: ``num_channels`` split into ``num_groups``, with a learnable per-channel affine.""",
"RMSNorm": """Divide by the root mean square over the trailing ``normalized_shape`` dims, with a learnable scale.""",
"LocalResponseNorm": _layer("Normalise each element by the activity of neighbouring channels.", "local_response_norm"),
"Dropout": """During training, zero each element with probability ``p`` and scale the rest by ``1 / (1 - p)``.

In eval mode (``module.eval()``) it returns the input unchanged.

Example::

    >>> drop = nn.Dropout(p=0.5)
    >>> _ = drop.eval()
    >>> drop(torch.ones(3))
    tensor([1., 1., 1.])
""",
"Dropout1d": _layer("During training, zero whole channels with probability ``p``.", "dropout1d"),
"Dropout2d": _layer("During training, zero whole channels with probability ``p``.", "dropout2d"),
"Dropout3d": _layer("During training, zero whole channels with probability ``p``.", "dropout3d"),
"AlphaDropout": _layer("During training, apply alpha dropout, which keeps SELU activations normalised.", "alpha_dropout"),
"FeatureAlphaDropout": _layer("During training, apply alpha dropout to whole channels.", "feature_alpha_dropout"),
"Embedding": """A lookup table of ``num_embeddings`` learnable vectors of size ``embedding_dim``.

Args:
    padding_idx (int, optional): this row starts at zero and gets no gradient.
    max_norm (float, optional): renormalise looked-up rows to at most this norm.
    scale_grad_by_freq (bool): scale gradients by the inverse frequency of indices.
    sparse (bool): not supported (jitgrad has no sparse gradients).

Weights start standard normal. Indices (*) give output (*, embedding_dim).

Example::

    >>> emb = nn.Embedding(10, 3)
    >>> emb(torch.tensor([[1, 2], [4, 9]])).shape
    jitgrad.Size([2, 2, 3])
""",
"EmbeddingBag": _layer("Reduce bags of embeddings (sum, mean or max) without building them.", "embedding_bag"),
"ReLU": """Apply ``max(0, x)`` element-wise.

Example::

    >>> nn.ReLU()(torch.tensor([-1., 1.]))
    tensor([0., 1.])
""",
"ReLU6": _act("Apply ``min(max(0, x), 6)`` element-wise.", "relu6"),
"LeakyReLU": _act("Apply ``max(0, x) + negative_slope * min(0, x)`` element-wise.", "leaky_relu"),
"PReLU": """Apply ``max(0, x) + a * min(0, x)`` with a learnable slope ``a`` (one, or ``num_parameters`` per channel) starting at ``init``.""",
"RReLU": _act("Apply the randomized leaky ReLU (random slopes in training).", "rrelu"),
"ELU": _act("Apply ELU element-wise.", "elu"),
"CELU": _act("Apply CELU element-wise.", "celu"),
"SELU": _act("Apply SELU element-wise.", "selu"),
"GELU": _layer("Apply GELU element-wise (``approximate='tanh'`` for the tanh form).", "gelu"),
"SiLU": _act("Apply SiLU (swish), ``x * sigmoid(x)``, element-wise.", "silu"),
"Mish": _act("Apply Mish, ``x * tanh(softplus(x))``, element-wise.", "mish"),
"Sigmoid": """Apply the logistic sigmoid element-wise.""",
"Tanh": """Apply the hyperbolic tangent element-wise.""",
"Hardtanh": _act("Clamp element-wise to [``min_val``, ``max_val``].", "hardtanh"),
"Hardsigmoid": _act("Apply the piecewise-linear sigmoid element-wise.", "hardsigmoid"),
"Hardswish": _act("Apply hard swish element-wise.", "hardswish"),
"Hardshrink": _layer("Zero elements with ``|x| <= lambd``.", "hardshrink"),
"Softshrink": _layer("Shrink elements towards 0 by ``lambd``.", "softshrink"),
"Tanhshrink": _layer("Apply ``x - tanh(x)`` element-wise.", "tanhshrink"),
"Softsign": _layer("Apply ``x / (1 + |x|)`` element-wise.", "softsign"),
"Softplus": _layer("Apply ``log(1 + exp(beta * x)) / beta`` element-wise.", "softplus"),
"LogSigmoid": _layer("Apply ``log(sigmoid(x))`` element-wise.", "logsigmoid"),
"Threshold": _act("Replace elements not greater than ``threshold`` by ``value``.", "threshold"),
"GLU": _layer("Apply the gated linear unit along ``dim``.", "glu"),
"Softmax": """Apply softmax along ``dim`` so that slices along it sum to 1.

Example::

    >>> nn.Softmax(dim=1)(torch.zeros(1, 4))
    tensor([[0.2500, 0.2500, 0.2500, 0.2500]])
""",
"LogSoftmax": _layer("Apply ``log(softmax(x))`` along ``dim``.", "log_softmax"),
"Softmin": _layer("Apply softmin (softmax of ``-x``) along ``dim``.", "softmin"),
"Softmax2d": """Apply softmax over the channels (dim -3) at each spatial location.""",
"CosineSimilarity": _layer("Return the cosine similarity along ``dim``.", "cosine_similarity"),
"PairwiseDistance": _layer("Return the p-norm distance between corresponding rows.", "pairwise_distance"),
"PixelShuffle": _layer("Rearrange channels into space by ``upscale_factor``.", "pixel_shuffle"),
"PixelUnshuffle": _layer("Rearrange space into channels by ``downscale_factor``.", "pixel_unshuffle"),
"ChannelShuffle": _layer("Shuffle channels in ``groups``.", "channel_shuffle"),
"Upsample": _layer("Resize the input to ``size`` or by ``scale_factor``.", "interpolate"),
"UpsamplingNearest2d": """Upsample 2-D input with nearest-neighbour interpolation.""",
"UpsamplingBilinear2d": """Upsample 2-D input bilinearly with ``align_corners=True``.""",
# ---- recurrent and attention
"RNNBase": """Base class of :class:`RNN`, :class:`LSTM` and :class:`GRU`.""",
"RNNCellBase": """Base class of :class:`RNNCell`, :class:`LSTMCell` and :class:`GRUCell`.""",
"RNN": """A multi-layer Elman RNN with tanh or ReLU (``nonlinearity``) activation.

Args: as for :class:`LSTM`, plus ``nonlinearity`` (``'tanh'`` or ``'relu'``).
Returns ``(output, h_n)``.
""",
"LSTM": """A multi-layer long short-term memory network.

Args:
    input_size (int): features of each input step.
    hidden_size (int): features of the hidden state.
    num_layers (int): stacked layers.
    bias (bool): learn bias terms.
    batch_first (bool): inputs and outputs are (N, L, H) instead of (L, N, H).
    dropout (float): dropout between layers (not after the last).
    bidirectional (bool): also run the sequence backwards and concatenate.
    proj_size (int): project the hidden state to this size (0 for none).

Called with ``input`` (and optionally ``(h_0, c_0)``, zeros by default) it returns
``(output, (h_n, c_n))``; a :class:`~jitgrad.nn.utils.rnn.PackedSequence` input gives a
packed output.

Example::

    >>> lstm = nn.LSTM(input_size=4, hidden_size=6, batch_first=True)
    >>> out, (h, c) = lstm(torch.zeros(2, 5, 4))
    >>> out.shape, h.shape
    (jitgrad.Size([2, 5, 6]), jitgrad.Size([1, 2, 6]))
""",
"GRU": """A multi-layer gated recurrent unit network; arguments as for :class:`LSTM` (no ``proj_size``). Returns ``(output, h_n)``.""",
"RNNCell": """One step of an Elman RNN: ``h' = act(x W_ih^T + b_ih + h W_hh^T + b_hh)``.""",
"LSTMCell": """One step of an LSTM; returns ``(h', c')``.""",
"GRUCell": """One step of a GRU; returns ``h'``.""",
"MultiheadAttention": """Multi-head attention: project query, key and value, attend in ``num_heads`` heads, project back.

Args:
    embed_dim (int): model dimension (divisible by ``num_heads``).
    num_heads (int): number of heads.
    dropout (float): dropout on the attention weights.
    batch_first (bool): inputs are (N, L, E) instead of (L, N, E).
    kdim, vdim (int, optional): key and value feature sizes if not ``embed_dim``.

Returns ``(output, weights)``; weights are averaged over heads unless
``average_attn_weights=False``, and None with ``need_weights=False``.
""",
"Transformer": """An encoder-decoder transformer built from :class:`TransformerEncoder` and :class:`TransformerDecoder`.""",
"TransformerEncoder": """A stack of ``num_layers`` copies of an encoder layer, with an optional final norm.""",
"TransformerDecoder": """A stack of ``num_layers`` copies of a decoder layer, with an optional final norm.""",
"TransformerEncoderLayer": """A transformer encoder layer: self-attention then a feed-forward block, each with residual and layer norm.""",
"TransformerDecoderLayer": """A transformer decoder layer: self-attention, attention over the encoder output, then feed-forward.""",
# ---- losses
"MSELoss": """Mean squared error between input and target.
""" + _LOSS + """
Example::

    >>> loss = nn.MSELoss()
    >>> loss(torch.tensor([1., 2.]), torch.tensor([1., 4.]))
    tensor(2.)
""",
"L1Loss": """Mean absolute error between input and target.
""" + _LOSS,
"SmoothL1Loss": _layer("L1 loss made quadratic below ``beta``.", "smooth_l1_loss"),
"HuberLoss": _layer("Huber loss: quadratic below ``delta``, linear above.", "huber_loss"),
"CrossEntropyLoss": """Cross-entropy between logits and class indices (or class probabilities).

Args:
    weight (Tensor, optional): a weight per class.
    ignore_index (int): targets equal to this are skipped.
    label_smoothing (float): mix targets with the uniform distribution.
""" + _LOSS[len("\nArgs:\n"):] + """
Input (N, C) with target (N,) of class indices, or (N, C, d1, ...) with (N, d1, ...);
see :func:`jitgrad.nn.functional.cross_entropy`.

Example::

    >>> loss_fn = nn.CrossEntropyLoss()
    >>> loss_fn(torch.tensor([[2., 0.], [0., 2.]]), torch.tensor([0, 1]))
    tensor(0.1269)
""",
"NLLLoss": _layer("Negative log-likelihood of class indices under log-probabilities.", "nll_loss"),
"NLLLoss2d": """Deprecated 2-D spelling of :class:`NLLLoss`.""",
"BCELoss": _layer("Binary cross-entropy between probabilities and targets.", "binary_cross_entropy"),
"BCEWithLogitsLoss": _layer("Binary cross-entropy from logits, computed stably (with optional ``pos_weight``).", "binary_cross_entropy_with_logits"),
"KLDivLoss": _layer("Kullback-Leibler divergence with log-probability input.", "kl_div"),
"PoissonNLLLoss": _layer("Negative log-likelihood under a Poisson distribution.", "poisson_nll_loss"),
"GaussianNLLLoss": _layer("Negative log-likelihood under a normal distribution with given variance.", "gaussian_nll_loss"),
"CTCLoss": _layer("Connectionist temporal classification loss.", "ctc_loss"),
"MarginRankingLoss": _layer("Ranking hinge loss of two inputs and a +-1 target.", "margin_ranking_loss"),
"HingeEmbeddingLoss": _layer("Hinge embedding loss with a +-1 target.", "hinge_embedding_loss"),
"SoftMarginLoss": _layer("Two-class logistic loss with a +-1 target.", "soft_margin_loss"),
"MultiLabelSoftMarginLoss": _layer("Multi-label one-versus-all logistic loss.", "multilabel_soft_margin_loss"),
"MultiLabelMarginLoss": _layer("Multi-class multi-label hinge loss.", "multilabel_margin_loss"),
"MultiMarginLoss": _layer("Multi-class hinge loss.", "multi_margin_loss"),
"CosineEmbeddingLoss": _layer("Cosine embedding loss with a +-1 target.", "cosine_embedding_loss"),
"TripletMarginLoss": _layer("Triplet loss with p-norm distances.", "triplet_margin_loss"),
"TripletMarginWithDistanceLoss": _layer("Triplet loss with a custom distance function.", "triplet_margin_with_distance_loss"),
}

ALIASES = {}

_INIT_FAN = """
Args:
    a (float): the negative slope of the rectifier after this layer (leaky_relu only).
    mode (str): ``'fan_in'`` keeps the variance of activations in the forward pass,
        ``'fan_out'`` that of gradients in the backward pass.
    nonlinearity (str): the activation after the layer, for :func:`calculate_gain`.
    generator (Generator, optional): draw from this generator.
"""

INIT = {
"calculate_gain": """Return the recommended scale of weights for a nonlinearity (e.g. sqrt(2) for ``'relu'``).

Example::

    >>> round(nn.init.calculate_gain('tanh'), 4)
    1.6667
""",
"uniform_": """Fill ``tensor`` in place with values drawn uniformly from [``a``, ``b``) and return it.""",
"normal_": """Fill ``tensor`` in place with values drawn from N(``mean``, ``std``**2) and return it.

Example::

    >>> w = torch.empty(3, 4)
    >>> nn.init.normal_(w, std=0.02).shape
    jitgrad.Size([3, 4])
""",
"constant_": """Fill ``tensor`` in place with ``val`` and return it.""",
"ones_": """Fill ``tensor`` in place with ones and return it.""",
"zeros_": """Fill ``tensor`` in place with zeros and return it.""",
"eye_": """Fill the 2-D ``tensor`` in place with the identity matrix and return it.""",
"dirac_": """Fill a 3-, 4- or 5-D ``tensor`` in place with the Dirac delta, so a convolution keeps its input's channels (per group).""",
"xavier_uniform_": """Fill ``tensor`` in place from U(-a, a) with ``a = gain * sqrt(6 / (fan_in + fan_out))`` (Glorot).""",
"xavier_normal_": """Fill ``tensor`` in place from N(0, std**2) with ``std = gain * sqrt(2 / (fan_in + fan_out))`` (Glorot).""",
"kaiming_uniform_": """Fill ``tensor`` in place from U(-b, b) with ``b = gain * sqrt(3 / fan)`` (He).
""" + _INIT_FAN,
"kaiming_normal_": """Fill ``tensor`` in place from N(0, std**2) with ``std = gain / sqrt(fan)`` (He).
""" + _INIT_FAN,
"no_grad": """Context manager that turns off gradient recording (the same object as :class:`jitgrad.no_grad`).""",
}
for _name in ("uniform", "normal", "constant", "eye", "dirac", "xavier_uniform", "xavier_normal",
              "kaiming_uniform", "kaiming_normal", "orthogonal", "sparse"):
    INIT[_name] = (f"Deprecated spelling of :func:`{_name}_`: warns, then fills the tensor in "
                   "place the same way.")

MODULE = {
"forward": """Compute the module's output; subclasses define it. Call the module (``m(x)``) rather than this.""",
"parameters": """Return an iterator over the module's parameters, including submodules' unless ``recurse=False``.

Each parameter is yielded once even if shared. Pass it to an optimizer.
""",
"named_parameters": """Return an iterator of ``(name, parameter)`` pairs with dotted names such as ``'fc.weight'``.""",
"buffers": """Return an iterator over the module's buffers (e.g. BatchNorm's running statistics).""",
"named_buffers": """Return an iterator of ``(name, buffer)`` pairs.""",
"children": """Return an iterator over the immediate submodules.""",
"named_children": """Return an iterator of ``(name, module)`` pairs for the immediate submodules.""",
"modules": """Return an iterator over all modules in the tree, this one first.""",
"named_modules": """Return an iterator of ``(dotted name, module)`` pairs over the tree, this one first with name ``''``.""",
"get_submodule": """Return the submodule at a dotted path such as ``'encoder.layers.0'``.""",
"add_module": """Register a submodule under ``name`` (same as assigning the attribute).""",
"register_module": """Register a submodule under ``name``; alias of :meth:`add_module`.""",
"register_parameter": """Register a :class:`Parameter` (or None) under ``name``.""",
"register_buffer": """Register a tensor as a buffer: saved in the state dict (unless ``persistent=False``) but not a parameter.""",
"state_dict": """Return an ordered dict from dotted names to the parameters and persistent buffers (detached).

Save it with :func:`jitgrad.save` and restore with :meth:`load_state_dict`.
""",
"load_state_dict": """Copy parameters and buffers from ``state_dict`` into this module.

With ``strict=True`` (the default) the keys must match exactly; returns the named
tuple ``(missing_keys, unexpected_keys)``.
""",
"train": """Set the module and its submodules to training mode (``mode=True``) or eval mode; returns the module.""",
"eval": """Set the module and its submodules to evaluation mode (dropout off, BatchNorm uses running stats); returns the module.""",
"requires_grad_": """Set ``requires_grad`` of every parameter in place; returns the module.""",
"zero_grad": """Reset the gradients of all parameters: to None (``set_to_none=True``, the default) or to zeros.""",
"apply": """Call ``fn`` on every submodule and then on this module; returns the module (handy for initialisation).""",
"to": """Convert the parameters and buffers to a dtype (floating ones only) or device (CPU only); returns the module.""",
"float": """Convert floating parameters and buffers to float32; returns the module.""",
"double": """Convert floating parameters and buffers to float64; returns the module.""",
"type": """Convert all parameters and buffers to ``dst_type``; returns the module.""",
"cpu": """Return the module unchanged: jitgrad keeps everything on the CPU.""",
"cuda": """Raise: jitgrad runs on the CPU only.""",
"extra_repr": """Return the extra text shown inside the module's repr; override it in custom modules.""",
}
