"""Docstrings of ``jitgrad.nn.functional``."""

_REDUCTION = """    reduction (str): ``'mean'`` (the default) averages the per-element losses,
        ``'sum'`` adds them and ``'none'`` returns them unreduced.
    size_average, reduce: deprecated spellings of ``reduction``, still honoured.
"""

_INPLACE = "    inplace (bool): write the result into ``input`` and return it.\n"


def _act(summary, args="", example=""):
    return f"{summary}\n\nArgs:\n{args}{_INPLACE}\nReturns a tensor of the shape and dtype of ``input``.\n{example}"


_SPATIAL = {1: "L", 2: "H, W", 3: "D, H, W"}


def _pool(kind, n, extra=""):
    return (f"Apply {n}-D {kind} pooling over an input of shape (N, C, {_SPATIAL[n]}) or without N.\n\n"
            "Args:\n"
            "    kernel_size (int or tuple): the window size.\n"
            "    stride (int or tuple, optional): the window step; ``kernel_size`` by default.\n"
            "    padding (int or tuple): implicit padding on both sides of each spatial dim.\n"
            "    ceil_mode (bool): use ceil instead of floor to compute the output size.\n" + extra)


def _adaptive(kind, n):
    return (f"Apply {n}-D adaptive {kind} pooling so that the spatial output size is ``output_size``.\n\n"
            "Windows are chosen so they cover the input evenly; ``None`` in ``output_size`` "
            "keeps that input size.\n")


def _conv(n, shape):
    return f"""Apply a {n}-D convolution (a cross-correlation, as in torch) over an input of shape {shape}.

Args:
    weight (Tensor): filters of shape (out_channels, in_channels / groups, *kernel).
    bias (Tensor, optional): one value per output channel.
    stride (int or tuple): step of the sliding window.
    padding (int, tuple or str): implicit zero padding, or ``'valid'`` (none) or
        ``'same'`` (output the input's size; stride 1 only).
    dilation (int or tuple): spacing between kernel elements.
    groups (int): split channels into this many independent groups.
"""


def _conv_t(n):
    return f"""Apply a {n}-D transposed convolution (the gradient of a convolution), which upsamples.

Args:
    weight (Tensor): filters of shape (in_channels, out_channels / groups, *kernel).
    output_padding (int or tuple): extra size added to one side of the output, to pick
        among the output sizes a strided convolution maps to the same input size.
    stride, padding, dilation, groups: as for the matching convolution.
"""


DOCS = {
"relu": _act("Apply the rectified linear unit ``max(0, x)`` element-wise.", example="""
Example::

    >>> F.relu(torch.tensor([-1., 0., 2.]))
    tensor([0., 0., 2.])
"""),
"relu6": _act("Apply ``min(max(0, x), 6)`` element-wise."),
"leaky_relu": _act("Apply ``max(0, x) + negative_slope * min(0, x)`` element-wise.",
                   "    negative_slope (float): the slope for negative inputs.\n", """
Example::

    >>> F.leaky_relu(torch.tensor([-10., 1.]), 0.1)
    tensor([-1.,  1.])
"""),
"elu": _act("Apply the ELU ``x`` for x > 0, ``alpha * (exp(x) - 1)`` otherwise, element-wise.",
            "    alpha (float): the value the negative part saturates to (as -alpha).\n"),
"celu": _act("Apply CELU ``max(0, x) + min(0, alpha * (exp(x / alpha) - 1))`` element-wise.",
             "    alpha (float): the scale of the negative part.\n"),
"selu": _act("Apply SELU, ``scale * elu(x, alpha)`` with the fixed self-normalising constants."),
"gelu": """Apply the Gaussian error linear unit ``x * Phi(x)`` element-wise.

Args:
    approximate (str): ``'none'`` uses the exact normal CDF, ``'tanh'`` the tanh
        approximation.

Example::

    >>> F.gelu(torch.tensor([0., 1.]))
    tensor([0.0000, 0.8413])
""",
"silu": _act("Apply SiLU (swish), ``x * sigmoid(x)``, element-wise."),
"mish": _act("Apply Mish, ``x * tanh(softplus(x))``, element-wise."),
"hardtanh": _act("Clamp each element to [``min_val``, ``max_val``].",
                 "    min_val, max_val (float): the bounds.\n"),
"hardsigmoid": _act("Apply the piecewise-linear sigmoid ``relu6(x + 3) / 6`` element-wise."),
"hardswish": _act("Apply ``x * relu6(x + 3) / 6`` element-wise."),
"rrelu": _act("Apply the randomized leaky ReLU: in training the negative slope is drawn uniformly from [``lower``, ``upper``] per element, in eval it is their mean.",
              "    training (bool): draw random slopes (True) or use the mean slope.\n"),
"threshold": _act("Replace each element not greater than ``threshold`` by ``value``.",
                  "    threshold (float): the cut-off.\n    value (float): the replacement.\n"),
"hardshrink": """Zero the elements with ``|x| <= lambd`` and keep the rest.""",
"softshrink": """Shrink each element towards 0 by ``lambd`` (zero inside [-lambd, lambd]).""",
"tanhshrink": """Return ``x - tanh(x)`` element-wise.""",
"softsign": """Return ``x / (1 + |x|)`` element-wise.""",
"softplus": """Return ``log(1 + exp(beta * x)) / beta``, linear above ``threshold`` for stability.""",
"logsigmoid": """Return ``log(sigmoid(x))`` element-wise, computed stably.""",
"sigmoid": """Return the logistic sigmoid ``1 / (1 + exp(-x))`` element-wise.""",
"tanh": """Return the hyperbolic tangent element-wise.""",
"prelu": """Apply ``max(0, x) + weight * min(0, x)`` with ``weight`` one slope or one per channel (dim 1).""",
"glu": """Apply the gated linear unit: split ``input`` in halves ``a, b`` along ``dim`` and return ``a * sigmoid(b)``.""",
"softmax": """Return the softmax along ``dim``, ``exp(x) / exp(x).sum(dim)``, computed stably.

Args:
    dim (int): the dimension that sums to 1. Leaving it out picks one the legacy way
        and warns, as in torch.
    dtype (jitgrad.dtype, optional): cast the input to this dtype first.

Example::

    >>> F.softmax(torch.tensor([[1., 1.], [0., 2.]]), dim=1)
    tensor([[0.5000, 0.5000],
            [0.1192, 0.8808]])
""",
"log_softmax": """Return ``log(softmax(x))`` along ``dim``, computed stably (pair with :func:`nll_loss`).

Example::

    >>> F.log_softmax(torch.tensor([0., 0.]), dim=0)
    tensor([-0.6931, -0.6931])
""",
"softmin": """Return the softmax of ``-input`` along ``dim``.""",
"gumbel_softmax": """Sample from the Gumbel-softmax distribution over ``logits`` at temperature ``tau``.

With ``hard=True`` the result is one-hot in the forward pass while gradients flow as
for the soft sample (straight-through).
""",
"normalize": """Divide ``input`` by its ``p``-norm along ``dim`` (at least ``eps``), giving unit-norm slices.

Example::

    >>> F.normalize(torch.tensor([[3., 4.]]), dim=1)
    tensor([[0.6000, 0.8000]])
""",
# ---- linear, dropout, embedding
"linear": """Apply ``input @ weight.T + bias``.

Args:
    input (Tensor): shape (*, in_features).
    weight (Tensor): shape (out_features, in_features).
    bias (Tensor, optional): shape (out_features,).

Returns a tensor of shape (*, out_features).

Example::

    >>> F.linear(torch.ones(2, 3), torch.ones(4, 3)).shape
    jitgrad.Size([2, 4])
""",
"bilinear": """Apply ``y_k = x1^T W_k x2 + b_k`` with ``weight`` of shape (out, in1, in2).""",
"dropout": """Zero each element with probability ``p`` and scale the others by ``1 / (1 - p)``.

Args:
    p (float): the drop probability.
    training (bool): drop only when True; otherwise return ``input`` unchanged. Pass
        ``self.training`` from a module.
    inplace (bool): modify ``input`` in place.

Example::

    >>> x = torch.ones(4)
    >>> torch.equal(F.dropout(x, p=0.5, training=False), x)
    True
""",
"dropout1d": """Zero whole channels of (N, C, L) input with probability ``p``, scaling the rest, in training.""",
"dropout2d": """Zero whole channels of (N, C, H, W) input with probability ``p``, scaling the rest, in training.""",
"dropout3d": """Zero whole channels of (N, C, D, H, W) input with probability ``p``, scaling the rest, in training.""",
"alpha_dropout": """Apply alpha dropout, which keeps the mean and variance of SELU activations, in training.""",
"feature_alpha_dropout": """Apply alpha dropout to whole channels, in training.""",
"embedding": """Look up rows of ``weight`` (num_embeddings, dim) at the integer indices ``input``.

Args:
    padding_idx (int, optional): this row gets no gradient.
    max_norm (float, optional): renormalise looked-up rows whose ``norm_type`` norm
        exceeds it, modifying ``weight`` in place.
    scale_grad_by_freq (bool): divide gradients by how often each index occurs.
    sparse (bool): jitgrad has no sparse gradients: True raises NotImplementedError
        when ``weight`` requires grad.

Returns a tensor of shape ``input.shape + (dim,)``.

Example::

    >>> w = torch.tensor([[0., 0.], [1., 1.], [2., 2.]])
    >>> F.embedding(torch.tensor([2, 0]), w)
    tensor([[2., 2.],
            [0., 0.]])
""",
"embedding_bag": """Sum, average or take the max of bags of embedding rows, without building the intermediate.

Bags are the rows of a 2-D ``input``, or slices of a 1-D ``input`` starting at
``offsets``. ``mode`` is ``'sum'``, ``'mean'`` or ``'max'``; ``per_sample_weights``
(with ``'sum'`` only) scales each row. ``sparse=True`` is not supported for a weight that
requires grad.
""",
"one_hot": """Return an int64 tensor with a trailing dimension of size ``num_classes`` holding 1 at each index.

``num_classes=-1`` uses ``tensor.max() + 1``.

Example::

    >>> F.one_hot(torch.tensor([0, 2]), num_classes=3)
    tensor([[1, 0, 0],
            [0, 0, 1]])
""",
# ---- convolution and pooling
"conv1d": _conv(1, "(N, C_in, L)"),
"conv2d": _conv(2, "(N, C_in, H, W)") + """
Example::

    >>> x = torch.ones(1, 1, 4, 4)
    >>> F.conv2d(x, torch.ones(2, 1, 3, 3), padding=1).shape
    jitgrad.Size([1, 2, 4, 4])
""",
"conv3d": _conv(3, "(N, C_in, D, H, W)"),
"conv_transpose1d": _conv_t(1),
"conv_transpose2d": _conv_t(2),
"conv_transpose3d": _conv_t(3),
"unfold": """Extract sliding blocks from (N, C, H, W) input into columns of shape (N, C * prod(kernel), L) (im2col).""",
"fold": """Sum columns of sliding blocks back into an (N, C, *output_size) tensor (col2im), the inverse layout of :func:`unfold`.""",
"avg_pool1d": _pool("average", 1, "    count_include_pad (bool): count padded zeros in the average.\n"),
"avg_pool2d": _pool("average", 2, "    count_include_pad (bool): count padded zeros in the average.\n"
                    "    divisor_override (int, optional): divide by this instead of the window size.\n") + """
Example::

    >>> F.avg_pool2d(torch.arange(16.).reshape(1, 1, 4, 4), 2)
    tensor([[[[ 2.5000,  4.5000],
              [10.5000, 12.5000]]]])
""",
"avg_pool3d": _pool("average", 3, "    count_include_pad (bool): count padded zeros in the average.\n"
                    "    divisor_override (int, optional): divide by this instead of the window size.\n"),
"max_pool1d": _pool("max", 1, "    dilation (int): spacing between window elements.\n"
                    "    return_indices (bool): also return the flat positions of the maxima.\n"),
"max_pool2d": _pool("max", 2, "    dilation (int or tuple): spacing between window elements.\n"
                    "    return_indices (bool): also return the positions of the maxima (for max_unpool2d).\n") + """
Example::

    >>> F.max_pool2d(torch.arange(16.).reshape(1, 1, 4, 4), 2)
    tensor([[[[ 5.,  7.],
              [13., 15.]]]])
""",
"max_pool3d": _pool("max", 3, "    dilation (int or tuple): spacing between window elements.\n"
                    "    return_indices (bool): also return the positions of the maxima.\n"),
"max_pool1d_with_indices": """Apply 1-D max pooling and return ``(output, indices)``.""",
"max_pool2d_with_indices": """Apply 2-D max pooling and return ``(output, indices)``.""",
"max_pool3d_with_indices": """Apply 3-D max pooling and return ``(output, indices)``.""",
"max_unpool1d": """Invert 1-D max pooling: put values back at ``indices``, zeros elsewhere.""",
"max_unpool2d": """Invert 2-D max pooling: put values back at ``indices``, zeros elsewhere.""",
"max_unpool3d": """Invert 3-D max pooling: put values back at ``indices``, zeros elsewhere.""",
"lp_pool1d": """Apply 1-D power-average pooling: ``(sum x**p over the window) ** (1/p)``.""",
"lp_pool2d": """Apply 2-D power-average pooling: ``(sum x**p over the window) ** (1/p)``.""",
"lp_pool3d": """Apply 3-D power-average pooling: ``(sum x**p over the window) ** (1/p)``.""",
"adaptive_avg_pool1d": _adaptive("average", 1),
"adaptive_avg_pool2d": _adaptive("average", 2) + """
Example::

    >>> F.adaptive_avg_pool2d(torch.ones(1, 3, 8, 8), (1, 1)).shape
    jitgrad.Size([1, 3, 1, 1])
""",
"adaptive_avg_pool3d": _adaptive("average", 3),
"adaptive_max_pool1d": _adaptive("max", 1) + "``return_indices=True`` also returns the positions.\n",
"adaptive_max_pool2d": _adaptive("max", 2) + "``return_indices=True`` also returns the positions.\n",
"adaptive_max_pool3d": _adaptive("max", 3) + "``return_indices=True`` also returns the positions.\n",
"adaptive_max_pool1d_with_indices": """Apply 1-D adaptive max pooling and return ``(output, indices)``.""",
"adaptive_max_pool2d_with_indices": """Apply 2-D adaptive max pooling and return ``(output, indices)``.""",
"adaptive_max_pool3d_with_indices": """Apply 3-D adaptive max pooling and return ``(output, indices)``.""",
"pad": """Pad ``input``; ``pad`` lists (left, right) amounts starting from the last dimension.

Args:
    pad (tuple of ints): ``(left, right)`` pads the last dim, ``(left, right, top,
        bottom)`` the last two, and so on. Negative amounts crop (constant mode).
    mode (str): ``'constant'``, ``'reflect'``, ``'replicate'`` or ``'circular'``.
    value (float, optional): the fill value in constant mode (0 by default).

Example::

    >>> F.pad(torch.tensor([[1, 2]]), (1, 2))
    tensor([[0, 1, 2, 0, 0]])
""",
"interpolate": """Resize ``input`` (N, C, *spatial) to ``size`` or by ``scale_factor``.

Args:
    mode (str): ``'nearest'``, ``'nearest-exact'``, ``'linear'`` (3-D input),
        ``'bilinear'``, ``'bicubic'`` (4-D), ``'trilinear'`` (5-D) or ``'area'``.
    align_corners (bool, optional): for the linear modes, align the corner pixels'
        centres of input and output instead of their outer edges.
    recompute_scale_factor (bool, optional): compute the output size from the scale
        and then forget the scale.
    antialias (bool): with ``'bilinear'`` or ``'bicubic'`` on a 4-D input, low-pass
        filter when downsampling (torch's and PIL's: the filter widens with the
        factor; bicubic with Keys' a = -0.5). ``'lanczos'`` is not supported by jitgrad
        (NotImplementedError).

Example::

    >>> F.interpolate(torch.tensor([[[1., 2.]]]), scale_factor=2, mode='nearest')
    tensor([[[1., 1., 2., 2.]]])
""",
"upsample": """Deprecated alias for :func:`interpolate`.""",
"upsample_nearest": """Deprecated: nearest-neighbour :func:`interpolate`.""",
"upsample_bilinear": """Deprecated: :func:`interpolate` with ``mode='bilinear'`` and ``align_corners=True``.""",
"grid_sample": """Sample ``input`` (N, C, H, W) or (N, C, D, H, W) at the normalised [-1, 1] coordinates in ``grid``.

Args:
    mode (str): ``'bilinear'``, ``'nearest'`` or ``'bicubic'`` (4-D input only: the
        4 x 4 pixels around each point, padding applied to each of them).
    padding_mode (str): ``'zeros'``, ``'border'`` or ``'reflection'`` for points outside.
    align_corners (bool, optional): whether -1 and 1 are the centres (True) or the
        outer edges (False, the default) of the corner pixels.
""",
"affine_grid": """Make a sampling grid for :func:`grid_sample` from a batch of affine matrices ``theta`` (N, 2, 3) or (N, 3, 4).""",
"pixel_shuffle": """Rearrange (N, C*r*r, H, W) into (N, C, H*r, W*r), with r = ``upscale_factor``.""",
"pixel_unshuffle": """Rearrange (N, C, H*r, W*r) into (N, C*r*r, H, W), with r = ``downscale_factor``.""",
"channel_shuffle": """Shuffle the channels of (N, C, ...) by splitting them into ``groups`` and interleaving.""",
"native_channel_shuffle": """Shuffle channels as :func:`channel_shuffle` does.""",
# ---- normalisation
"batch_norm": """Normalise each channel (dim 1) by its batch statistics (training) or the running ones.

Args:
    running_mean, running_var (Tensor or None): updated in place when ``training``.
    weight, bias (Tensor, optional): per-channel scale and shift.
    training (bool): use (and record into the running stats) the batch statistics.
    momentum (float): weight of the new batch statistic in the running average.
    eps (float): added to the variance for stability.
""",
"instance_norm": """Normalise each channel of each sample separately over its spatial dims.""",
"layer_norm": """Normalise over the trailing dims ``normalized_shape`` (mean 0, variance 1), then scale and shift.

Example::

    >>> F.layer_norm(torch.tensor([[1., 3.]]), (2,))
    tensor([[-1.0000,  1.0000]])
""",
"group_norm": """Normalise over groups of channels: split C into ``num_groups`` and normalise each group per sample.""",
"rms_norm": """Divide by the root mean square over the trailing ``normalized_shape`` dims, then scale by ``weight``.

``eps`` defaults to the dtype's machine epsilon.
""",
"local_response_norm": """Normalise each element by the activity of ``size`` neighbouring channels.""",
# ---- distances and attention
"cosine_similarity": """Return the cosine of the angle between ``x1`` and ``x2`` along ``dim`` (norms clamped to ``eps``).

Example::

    >>> F.cosine_similarity(torch.tensor([[1., 0.]]), torch.tensor([[1., 1.]]))
    tensor([0.7071])
""",
"pairwise_distance": """Return the ``p``-norm of ``x1 - x2 + eps`` along the last dimension.""",
"scaled_dot_product_attention": """Compute ``softmax(query @ key.T * scale + mask) @ value``.

Args:
    query, key, value (Tensor): shapes (..., L, E), (..., S, E), (..., S, Ev).
    attn_mask (Tensor, optional): bool (True = may attend) or float (added to scores).
    dropout_p (float): dropout on the attention weights.
    is_causal (bool): apply a lower-triangular mask.
    scale (float, optional): defaults to ``1 / sqrt(E)``.
    enable_gqa (bool): allow fewer key/value heads than query heads (grouped queries).

A row whose scores are all masked gives zeros, as torch's CPU path does.

Example::

    >>> q = torch.ones(1, 2, 4)
    >>> F.scaled_dot_product_attention(q, q, q).shape
    jitgrad.Size([1, 2, 4])
""",
"multi_head_attention_forward": """Run the forward pass of multi-head attention with explicit weights (the function behind :class:`jitgrad.nn.MultiheadAttention`).""",
# ---- losses
"mse_loss": """Return the mean squared error between ``input`` and ``target``.

Args:
""" + _REDUCTION + """    weight (Tensor, optional): per-element weights (broadcast).

Example::

    >>> F.mse_loss(torch.tensor([1., 2.]), torch.tensor([1., 4.]))
    tensor(2.)
""",
"l1_loss": """Return the mean absolute error between ``input`` and ``target``.

Args:
""" + _REDUCTION + """
Example::

    >>> F.l1_loss(torch.tensor([1., 2.]), torch.tensor([0., 4.]))
    tensor(1.5000)
""",
"smooth_l1_loss": """Return the L1 loss, made quadratic (divided by ``beta``) where the error is below ``beta``.""",
"huber_loss": """Return the Huber loss: quadratic below ``delta``, linear (slope ``delta``) above.""",
"cross_entropy": """Return the cross-entropy between logits ``input`` and ``target``.

``input`` is (N, C) or (N, C, d1, ...) of unnormalised scores (or (C,) for one sample).
``target`` is class indices (int64, shape (N, d1, ...)) or class probabilities (the
shape of ``input``).

Args:
    weight (Tensor, optional): a weight per class.
    ignore_index (int): targets equal to this are skipped (class-index targets only).
""" + _REDUCTION + """    label_smoothing (float): mix the target with the uniform distribution by this amount.

Example::

    >>> logits = torch.tensor([[2., 0.], [0., 2.]])
    >>> F.cross_entropy(logits, torch.tensor([0, 1]))
    tensor(0.1269)
""",
"nll_loss": """Return the negative log-likelihood loss, for log-probabilities (e.g. from :func:`log_softmax`) and class indices.

Args:
    weight (Tensor, optional): a weight per class.
    ignore_index (int): targets equal to this are skipped.
""" + _REDUCTION + """
Example::

    >>> F.nll_loss(torch.tensor([[-0.5, -1.0]]), torch.tensor([1]))
    tensor(1.)
""",
"binary_cross_entropy": """Return the binary cross-entropy between probabilities ``input`` (in [0, 1]) and ``target``.

Logs are clamped at -100, as in torch. Prefer :func:`binary_cross_entropy_with_logits`.

Args:
    weight (Tensor, optional): per-element weights (broadcast).
""" + _REDUCTION + """
Example::

    >>> F.binary_cross_entropy(torch.tensor([0.5]), torch.tensor([1.]))
    tensor(0.6931)
""",
"binary_cross_entropy_with_logits": """Return the binary cross-entropy of ``sigmoid(input)`` and ``target``, computed stably from logits.

Args:
    weight (Tensor, optional): per-element weights (broadcast).
    pos_weight (Tensor, optional): weight of the positive term, per class (broadcast
        along the last dim).
""" + _REDUCTION + """
Example::

    >>> F.binary_cross_entropy_with_logits(torch.tensor([0.]), torch.tensor([1.]))
    tensor(0.6931)
""",
"kl_div": """Return the Kullback-Leibler divergence, with ``input`` given as log-probabilities.

Args:
    log_target (bool): ``target`` is given as log-probabilities too.
    reduction (str): ``'mean'`` (the default) divides by the number of elements;
        ``'batchmean'`` divides by the batch size, which is the true KL divergence;
        also ``'sum'`` and ``'none'``.
""",
"poisson_nll_loss": """Return the negative log-likelihood of ``target`` under a Poisson distribution of rate ``input`` (or ``exp(input)`` with ``log_input``).""",
"gaussian_nll_loss": """Return the negative log-likelihood of ``target`` under a normal distribution of mean ``input`` and variance ``var``.""",
"ctc_loss": """Return the connectionist temporal classification loss for unaligned sequences.

``log_probs`` is (T, N, C) log-probabilities; ``blank`` is the blank label;
``zero_infinity`` replaces infinite losses (impossible alignments) and their gradients
by zero.
""",
"margin_ranking_loss": """Return ``max(0, -target * (input1 - input2) + margin)``, with ``target`` of 1 or -1.""",
"hinge_embedding_loss": """Return ``x`` where ``target`` is 1 and ``max(0, margin - x)`` where it is -1.""",
"soft_margin_loss": """Return the two-class logistic loss ``log(1 + exp(-target * input))`` (``target`` 1 or -1).""",
"multilabel_soft_margin_loss": """Return the multi-label one-versus-all loss from logits and 0/1 targets of shape (N, C).""",
"multilabel_margin_loss": """Return the multi-class multi-label hinge loss; ``target`` lists class indices, ended by -1.""",
"multi_margin_loss": """Return the multi-class hinge loss of scores ``input`` (N, C) and class indices ``target``.""",
"cosine_embedding_loss": """Return ``1 - cos(x1, x2)`` where ``target`` is 1 and ``max(0, cos(x1, x2) - margin)`` where it is -1.""",
"triplet_margin_loss": """Return ``max(d(anchor, positive) - d(anchor, negative) + margin, 0)`` with ``d`` the ``p``-norm distance.""",
"triplet_margin_with_distance_loss": """Return the triplet margin loss with a custom ``distance_function`` (pairwise distance by default).""",
}

ALIASES = {}
