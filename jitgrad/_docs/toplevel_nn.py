"""Docstrings of the neural-network operations torch also exposes at top level
(``torch.conv2d``, ``torch.dropout``, ...): aten's spelling of the nn.functional ops."""


def _see(summary, fname):
    return f"{summary}\n\nThe aten-level form of :func:`jitgrad.nn.functional.{fname}`; see there.\n"


DOCS = {
"conv1d": _see("Apply a 1-D convolution over an input of shape (N, C, L).", "conv1d"),
"conv2d": _see("Apply a 2-D convolution over an input of shape (N, C, H, W).", "conv2d"),
"conv3d": _see("Apply a 3-D convolution over an input of shape (N, C, D, H, W).", "conv3d"),
"conv_transpose1d": _see("Apply a 1-D transposed convolution.", "conv_transpose1d"),
"conv_transpose2d": _see("Apply a 2-D transposed convolution.", "conv_transpose2d"),
"conv_transpose3d": _see("Apply a 3-D transposed convolution.", "conv_transpose3d"),
"avg_pool1d": _see("Apply 1-D average pooling.", "avg_pool1d"),
"max_pool1d": _see("Apply 1-D max pooling.", "max_pool1d"),
"max_pool2d": _see("Apply 2-D max pooling.", "max_pool2d"),
"max_pool3d": _see("Apply 3-D max pooling.", "max_pool3d"),
"max_pool1d_with_indices": _see("Apply 1-D max pooling and return ``(output, indices)``.", "max_pool1d_with_indices"),
"adaptive_avg_pool1d": _see("Apply 1-D adaptive average pooling to ``output_size``.", "adaptive_avg_pool1d"),
"adaptive_max_pool1d": """Apply 1-D adaptive max pooling to ``output_size``; returns ``(output, indices)``.""",
"dropout": """Zero elements with probability ``p`` and scale the rest by ``1/(1-p)`` when ``train`` is True.

``train`` is positional and required here; see :func:`jitgrad.nn.functional.dropout`.
""",
"feature_dropout": """Zero whole channels with probability ``p`` (scaling the rest) when ``train`` is True.""",
"alpha_dropout": _see("Apply alpha dropout, which keeps a SELU network's mean and variance, when ``train`` is True.", "alpha_dropout"),
"feature_alpha_dropout": _see("Apply alpha dropout to whole channels when ``train`` is True.", "feature_alpha_dropout"),
"relu": """Return ``max(input, 0)`` element-wise.

Example::

    >>> torch.relu(torch.tensor([-1., 2.]))
    tensor([0., 2.])
""",
"selu": _see("Apply SELU, the self-normalising scaled ELU, element-wise.", "selu"),
"celu": _see("Apply CELU, ``max(0, x) + min(0, alpha * (exp(x / alpha) - 1))``, element-wise.", "celu"),
"rrelu": _see("Apply the randomized leaky ReLU element-wise.", "rrelu"),
"hardshrink": _see("Zero elements whose absolute value is at most ``lambd``; keep the others.", "hardshrink"),
"threshold": _see("Replace elements not greater than ``threshold`` by ``value``.", "threshold"),
"prelu": _see("Apply PReLU: ``max(0, x) + weight * min(0, x)`` with a learnable slope per channel.", "prelu"),
"softmax": """Return the softmax along ``dim``: ``exp(x) / sum(exp(x))``, computed stably.

``dtype`` casts the input before the computation.

Example::

    >>> torch.softmax(torch.tensor([0., 0.]), dim=0)
    tensor([0.5000, 0.5000])
""",
"log_softmax": """Return the log of the softmax along ``dim``, computed stably.""",
"embedding": """Look up rows of ``weight`` at the integer ``input`` indices (aten's argument order: weight first).

See :func:`jitgrad.nn.functional.embedding`; ``sparse=True`` is not supported for a weight
that requires grad (jitgrad has no sparse gradients).
""",
"batch_norm": _see("Apply batch normalisation (aten's argument order, all arguments positional).", "batch_norm"),
"layer_norm": _see("Apply layer normalisation over the trailing ``normalized_shape`` dims.", "layer_norm"),
"group_norm": _see("Apply group normalisation over ``num_groups`` groups of channels.", "group_norm"),
"rms_norm": _see("Apply RMS normalisation over the trailing ``normalized_shape`` dims.", "rms_norm"),
"bilinear": _see("Apply a bilinear transformation ``x1^T W x2 + b``.", "bilinear"),
"cosine_similarity": _see("Return the cosine similarity of ``x1`` and ``x2`` along ``dim``.", "cosine_similarity"),
"pairwise_distance": _see("Return the p-norm distance between rows of ``x1`` and ``x2``.", "pairwise_distance"),
"hinge_embedding_loss": """Hinge embedding loss with an integer ``reduction`` (0 none, 1 mean, 2 sum); see :func:`jitgrad.nn.functional.hinge_embedding_loss`.""",
"pixel_shuffle": _see("Rearrange (N, C*r*r, H, W) into (N, C, H*r, W*r).", "pixel_shuffle"),
"pixel_unshuffle": _see("Rearrange (N, C, H*r, W*r) into (N, C*r*r, H, W).", "pixel_unshuffle"),
"channel_shuffle": _see("Shuffle the channels of (N, C, ...) in ``groups`` interleaved groups.", "channel_shuffle"),
"native_channel_shuffle": _see("Shuffle channels as :func:`channel_shuffle` does.", "channel_shuffle"),
"constant_pad_nd": _see("Pad ``input`` with the constant ``value``; ``pad`` lists (before, after) pairs from the last dim.", "pad"),
"grid_sampler": _see("Sample ``input`` at the ``grid`` locations (integer-coded mode arguments).", "grid_sample"),
"affine_grid_generator": _see("Make a sampling grid from affine matrices ``theta``.", "affine_grid"),
"gru": """Run a multi-layer GRU over a sequence (the functional form behind :class:`jitgrad.nn.GRU`).""",
"lstm": """Run a multi-layer LSTM over a sequence (the functional form behind :class:`jitgrad.nn.LSTM`).""",
"rnn_tanh": """Run a multi-layer tanh RNN over a sequence (the functional form behind :class:`jitgrad.nn.RNN`).""",
"rnn_relu": """Run a multi-layer ReLU RNN over a sequence (the functional form behind :class:`jitgrad.nn.RNN`).""",
}

ALIASES = {"grid_sampler_2d": "grid_sampler"}
