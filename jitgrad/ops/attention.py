"""Scaled dot-product attention and multi-head attention's forward
(``nn.functional.scaled_dot_product_attention`` and
``multi_head_attention_forward``), composed of recorded jitgrad ops as torch
composes them on the CPU, so gradients reach query, key, value, float masks
and every projection through matmul's, softmax's and dropout's own nodes.

What this follows of torch 2.13's CPU implementation:

- ``scaled_dot_product_attention`` is ATen's math path
  (``_scaled_dot_product_attention_math``): query and key are each scaled by
  sqrt(scale) (scale defaults to 1/sqrt(E)) before ``matmul(q, k^T)``, a bool
  mask (True = take part) becomes an additive 0/-inf mask in the query's
  dtype, ``is_causal`` is the lower-triangular (L, S) mask, and the weights
  go through ``_safe_softmax``: a row whose every score is -inf gives zeros,
  not NaN (and no gradient). Dropout is ``at::dropout`` on the (..., L, S)
  weights: one bernoulli(1 - p) draw per weight from the default generator,
  in memory order, so a seed gives torch's mask. ``enable_gqa`` repeats each
  key/value head ``Hq / H`` times (``repeat_interleave`` on dim -3).
- Torch runs 4-D inputs without dropout (and without a mask that requires
  grad) through its CPU flash kernel instead: the same values up to
  rounding, but the output's node is then
  ``ScaledDotProductFlashAttentionForCpuBackward0`` where here it is
  matmul's (``UnsafeViewBackward0``, as torch's math path gives, or
  ``MmBackward0`` for 2-D inputs). That kernel also
  accepts ``attn_mask`` together with ``is_causal`` (it applies both) and
  refuses a negative ``dropout_p``; so does this function on the inputs torch
  sends there, and raises the math path's error otherwise.
- ``multi_head_attention_forward`` is torch/nn/functional.py's, step for
  step: ``need_weights=True`` computes the weights as ``attn_mask + bmm(q,
  k^T)`` (torch's ``baddbmm``) and a plain softmax (a fully masked row is
  NaN there, as in torch), and ``need_weights=False`` goes through
  ``scaled_dot_product_attention`` (zeros). ``mha_forward(...,
  unsafe_softmax=True)`` (torch's inference fast path of
  ``nn.MultiheadAttention`` and ``nn.TransformerEncoderLayer``, whose masked
  softmax gives NaN rows) takes the first way without returning the weights.
"""
import math
import warnings

import jitgrad

from .. import dtypes, messages
from ..autograd.grad_mode import state as _grad_state
from ..tensor import Tensor

_NEG_INF = float("-inf")
_SDPA = "scaled_dot_product_attention"


def _F():
    """jitgrad.nn.functional (imported after this module), whose linear, softmax
    and dropout jitgrad.compile records."""
    return jitgrad.nn.functional


# ------------------------------------------------------------------ scaled dot-product attention


def _check_sdpa_arguments(query, key, value, attn_mask, dropout_p, is_causal, scale,
                          enable_gqa):
    """Torch's argument parser, then ATen's validate_sdpa_input."""
    for position, (name, t) in enumerate((("query", query), ("key", key), ("value", value)), 1):
        if not isinstance(t, Tensor):
            raise TypeError(messages.must_be(_SDPA, name, "Tensor", t, position))
    if attn_mask is not None and not isinstance(attn_mask, Tensor):
        raise TypeError(messages.must_be(_SDPA, "attn_mask", "Tensor", attn_mask))
    for name, v, kind in (("dropout_p", dropout_p, "float"), ("is_causal", is_causal, "bool"),
                          ("scale", scale, "float"), ("enable_gqa", enable_gqa, "bool")):
        if v is None and name == "scale":
            continue
        ok = isinstance(v, bool) if kind == "bool" else (
            isinstance(v, (int, float)) or (isinstance(v, Tensor) and v.dim() == 0))
        if not ok:
            raise TypeError(messages.must_be(_SDPA, name, kind, v))
    q, k, v = query.dtype, key.dtype, value.dtype
    if not q == k == v:
        raise RuntimeError(messages.sdpa_dtypes(q, k, v))
    if query.dim() < 2 or key.dim() < 2 or value.dim() < 2:
        raise RuntimeError(messages.sdpa_dims(query.dim(), key.dim(), value.dim()))
    if attn_mask is not None and attn_mask.dtype not in (dtypes.bool_, dtypes.float32, q):
        raise RuntimeError(messages.sdpa_mask_dtype(attn_mask.dtype, q))
    if not q.is_floating_point:
        raise RuntimeError(messages.scalar_type_expected(
            dtypes.get_default_dtype()._torch_name, q._torch_name))


def _takes_flash_path(query, key, value, attn_mask, dropout_p, enable_gqa):
    """Whether torch 2.13 sends these inputs to its CPU flash kernel
    (sdp_utils_cpp's use_flash_attention_cpp, in the cases that matter here)."""
    if not (query.dim() == key.dim() == value.dim() == 4) or dropout_p > 0.0:
        return False
    if attn_mask is not None and (attn_mask.dim() not in (2, 4) or (
            attn_mask.requires_grad and _grad_state.enabled)):
        return False
    (b, hq, lq, e), (bk, hk, s, ek), (bv, hv, sv, ev) = query.shape, key.shape, value.shape
    if not (b == bk == bv and s == sv and e == ek == ev and lq > 0 and s > 0):
        return False
    return hq == hk == hv or (enable_gqa and hk == hv and hq % hk == 0)


def _additive_mask(attn_mask, dtype):
    """A bool mask (True = take part) as 0/-inf in ``dtype``; a float mask as given."""
    if attn_mask.dtype != dtypes.bool_:
        return attn_mask
    return jitgrad.zeros(attn_mask.shape, dtype=dtype).masked_fill(attn_mask.eq(False), _NEG_INF)


def _repeat_heads(t, heads):
    """``t.repeat_interleave(heads // t.size(-3), -3)`` as a broadcast view and a reshape."""
    h = t.shape[-3]
    if h == heads:
        return t
    shape = tuple(t.shape)
    lead, tail = shape[:-3], shape[-2:]
    return t.unsqueeze(-3).expand(*lead, h, heads // h, *tail).reshape(*lead, heads, *tail)


def _group_query_heads(query, key, value, enable_gqa):
    if not enable_gqa:
        return key, value
    hq, hk, hv = query.size(-3), key.size(-3), value.size(-3)
    if hq == hk == hv:
        return key, value
    if hq % hk or hq % hv:
        raise RuntimeError(messages.SDPA_GQA_HEADS)
    return _repeat_heads(key, hq), _repeat_heads(value, hq)


def _scores(query, key, scale):
    """``(q * sqrt(scale)) @ (k^T * sqrt(scale))``: ATen scales both before the product."""
    if scale is None:
        e = query.shape[-1]
        scale = 1.0 / math.sqrt(e) if e else math.inf
    scale = float(scale)
    root = math.sqrt(abs(scale))
    return jitgrad.matmul(query * (-root if scale < 0 else root), key.transpose(-2, -1) * root)


def scaled_dot_product_attention(query, key, value, attn_mask=None, dropout_p=0.0,
                                 is_causal=False, *, scale=None, enable_gqa=False):
    _check_sdpa_arguments(query, key, value, attn_mask, dropout_p, is_causal, scale,
                          enable_gqa)
    dropout_p = float(dropout_p)
    flash = _takes_flash_path(query, key, value, attn_mask, dropout_p, enable_gqa)
    if flash and dropout_p < 0:
        raise RuntimeError(messages.SDPA_FLASH_DROPOUT)
    if is_causal and attn_mask is not None and not flash:
        raise RuntimeError(messages.SDPA_CAUSAL_WITH_MASK)
    dtype = query.dtype
    mask = blocked = None
    if attn_mask is not None:
        mask = _additive_mask(attn_mask, dtype)
    if is_causal:
        causal = jitgrad.full((query.shape[-2], key.shape[-2]), _NEG_INF, dtype=dtype).triu(1)
        mask = causal if mask is None else mask + causal
    if attn_mask is not None:
        # _safe_softmax: a row whose every score is -inf gives zeros; scoring it
        # 0 first keeps softmax's saved output (and its gradient) finite
        blocked = mask.eq(_NEG_INF).all(-1, keepdim=True)
        mask = mask.masked_fill(blocked, 0.0)
    key, value = _group_query_heads(query, key, value, enable_gqa)
    attn = _scores(query, key, scale)
    if mask is not None:
        attn = attn + mask
    attn = _F().softmax(attn, -1)
    if blocked is not None:
        attn = attn.masked_fill(blocked, 0.0)
    if dropout_p > 0.0:
        if dropout_p > 1.0:
            raise RuntimeError(messages.dropout_probability_cpp(dropout_p))
        attn = _F().dropout(attn, dropout_p, True)
    return jitgrad.matmul(attn, value)


# ------------------------------------------------------------------ multi-head attention


def none_or_dtype(input):
    if input is None:
        return None
    if isinstance(input, Tensor):
        return input.dtype
    raise RuntimeError("input to _none_or_dtype() must be None or torch.Tensor")


def canonical_mask(mask, mask_name, other_type, other_name, target_type, check_other=True):
    """A bool mask (True = masked out) as 0/-inf in ``target_type``; a float mask as given."""
    if mask is None:
        return None
    if mask.dtype != dtypes.bool_ and not mask.dtype.is_floating_point:
        raise AssertionError(messages.mask_types(mask_name))
    if check_other and other_type is not None and mask.dtype != other_type:
        warnings.warn(messages.mask_types_differ(mask_name, other_name), stacklevel=3)
    if mask.dtype == dtypes.bool_:
        return jitgrad.zeros(mask.shape, dtype=target_type).masked_fill(mask, _NEG_INF)
    return mask


def mha_shape_check(query, key, value, key_padding_mask, attn_mask, num_heads):
    """Whether the input is batched; AssertionError for ranks torch refuses."""
    if query.dim() not in (2, 3):
        raise AssertionError(messages.mha_query_dims(query.dim()))
    batched = query.dim() == 3
    want = 3 if batched else 2
    if key.dim() != want or value.dim() != want:
        raise AssertionError(messages.mha_input_dims(batched, "kv", (key.dim(), value.dim())))
    if key_padding_mask is not None and key_padding_mask.dim() != want - 1:
        raise AssertionError(messages.mha_input_dims(batched, "key_padding_mask",
                                                     key_padding_mask.dim()))
    if attn_mask is not None:
        if attn_mask.dim() not in (2, 3):
            raise AssertionError(messages.mha_input_dims(batched, "attn_mask", attn_mask.dim()))
        if not batched and attn_mask.dim() == 3:
            expected = (num_heads, query.shape[0], key.shape[0])
            if tuple(attn_mask.shape) != expected:
                raise AssertionError(messages.mha_unbatched_mask_shape(expected,
                                                                       attn_mask.shape))
    return batched


def _in_projection_packed(q, k, v, w, b):
    """q, k, v projected by the packed (3E, E) weight: one product for
    self-attention (then laid out as (3, ..., E) as torch does), two for
    encoder-decoder attention (k is v), three otherwise."""
    e = q.shape[-1]
    if k is v:
        if q is k:
            proj = _F().linear(q, w, b)
            proj = proj.unflatten(-1, (3, e)).unsqueeze(0).transpose(0, -2).squeeze(-2) \
                .contiguous()
            return proj[0], proj[1], proj[2]
        w_q, w_kv = w.split([e, e * 2])
        b_q, b_kv = (None, None) if b is None else b.split([e, e * 2])
        kv = _F().linear(k, w_kv, b_kv)
        kv = kv.unflatten(-1, (2, e)).unsqueeze(0).transpose(0, -2).squeeze(-2).contiguous()
        return _F().linear(q, w_q, b_q), kv[0], kv[1]
    w_q, w_k, w_v = w.chunk(3)
    b_q, b_k, b_v = (None, None, None) if b is None else b.chunk(3)
    return _F().linear(q, w_q, b_q), _F().linear(k, w_k, b_k), _F().linear(v, w_v, b_v)


def _in_projection(q, k, v, w_q, w_k, w_v, b_q, b_k, b_v):
    eq, ek, ev = q.shape[-1], k.shape[-1], v.shape[-1]
    for which, t, shape in (("query weights", w_q, (eq, eq)), ("key weights", w_k, (eq, ek)),
                            ("value weights", w_v, (eq, ev)), ("query bias", b_q, (eq,)),
                            ("key bias", b_k, (eq,)), ("value bias", b_v, (eq,))):
        if t is not None and tuple(t.shape) != shape:
            raise AssertionError(messages.mha_proj_shape(which, shape, t.shape))
    return _F().linear(q, w_q, b_q), _F().linear(k, w_k, b_k), _F().linear(v, w_v, b_v)


def _pad_last(mask):
    """``F.pad(mask, (0, 1))``: one more column of zeros."""
    return jitgrad.cat([mask, jitgrad.zeros(*mask.shape[:-1], 1, dtype=mask.dtype)], -1)


def multi_head_attention_forward(query, key, value, embed_dim_to_check, num_heads,
                                 in_proj_weight, in_proj_bias, bias_k, bias_v, add_zero_attn,
                                 dropout_p, out_proj_weight, out_proj_bias, training=True,
                                 key_padding_mask=None, need_weights=True, attn_mask=None,
                                 use_separate_proj_weight=False, q_proj_weight=None,
                                 k_proj_weight=None, v_proj_weight=None, static_k=None,
                                 static_v=None, average_attn_weights=True, is_causal=False):
    return mha_forward(query, key, value, embed_dim_to_check, num_heads, in_proj_weight,
                       in_proj_bias, bias_k, bias_v, add_zero_attn, dropout_p, out_proj_weight,
                       out_proj_bias, training, key_padding_mask, need_weights, attn_mask,
                       use_separate_proj_weight, q_proj_weight, k_proj_weight, v_proj_weight,
                       static_k, static_v, average_attn_weights, is_causal)


def mha_forward(query, key, value, embed_dim_to_check, num_heads, in_proj_weight, in_proj_bias,
                bias_k, bias_v, add_zero_attn, dropout_p, out_proj_weight, out_proj_bias,
                training=True, key_padding_mask=None, need_weights=True, attn_mask=None,
                use_separate_proj_weight=False, q_proj_weight=None, k_proj_weight=None,
                v_proj_weight=None, static_k=None, static_v=None, average_attn_weights=True,
                is_causal=False, unsafe_softmax=False):
    """``multi_head_attention_forward``; ``unsafe_softmax`` computes as
    ``need_weights=True`` does (torch's fast path) and returns no weights."""
    batched = mha_shape_check(query, key, value, key_padding_mask, attn_mask, num_heads)
    if not batched:
        query, key, value = query.unsqueeze(1), key.unsqueeze(1), value.unsqueeze(1)
        if key_padding_mask is not None:
            key_padding_mask = key_padding_mask.unsqueeze(0)
    tgt_len, bsz, embed_dim = query.shape
    src_len = key.shape[0]

    key_padding_mask = canonical_mask(key_padding_mask, "key_padding_mask",
                                      none_or_dtype(attn_mask), "attn_mask", query.dtype)
    if is_causal and attn_mask is None:
        raise RuntimeError(messages.MHA_CAUSAL_NEEDS_MASK)
    if is_causal and key_padding_mask is None and not need_weights:
        # the hint alone tells scaled_dot_product_attention
        attn_mask = None
    else:
        attn_mask = canonical_mask(attn_mask, "attn_mask", None, "", query.dtype,
                                   check_other=False)
        if key_padding_mask is not None:
            is_causal = False           # the merged mask is no longer causal

    if embed_dim != embed_dim_to_check:
        raise AssertionError(messages.mha_embed_dim(embed_dim_to_check, embed_dim))
    head_dim = embed_dim // num_heads
    if head_dim * num_heads != embed_dim:
        raise AssertionError(messages.mha_heads_divide(embed_dim, num_heads))
    if use_separate_proj_weight:
        if key.shape[:2] != value.shape[:2]:
            raise AssertionError(messages.mha_kv_seq_batch(key.shape[:2], value.shape[:2]))
    elif key.shape != value.shape:
        raise AssertionError(messages.mha_kv_shape(key.shape, value.shape))

    # in-projection
    if not use_separate_proj_weight:
        if in_proj_weight is None:
            raise AssertionError(messages.mha_proj_weight_missing(False, "in_proj_weight"))
        q, k, v = _in_projection_packed(query, key, value, in_proj_weight, in_proj_bias)
    else:
        for name, w in (("q_proj_weight", q_proj_weight), ("k_proj_weight", k_proj_weight),
                        ("v_proj_weight", v_proj_weight)):
            if w is None:
                raise AssertionError(messages.mha_proj_weight_missing(True, name))
        b_q, b_k, b_v = (None, None, None) if in_proj_bias is None else in_proj_bias.chunk(3)
        q, k, v = _in_projection(query, key, value, q_proj_weight, k_proj_weight,
                                 v_proj_weight, b_q, b_k, b_v)

    # the attention mask as (1 or bsz * num_heads, L, S)
    if attn_mask is not None:
        if attn_mask.dim() == 2:
            correct = (tgt_len, src_len)
            if tuple(attn_mask.shape) != correct:
                raise RuntimeError(messages.mha_mask_shape(2, attn_mask.shape, correct))
            attn_mask = attn_mask.unsqueeze(0)
        elif attn_mask.dim() == 3:
            correct = (bsz * num_heads, tgt_len, src_len)
            if tuple(attn_mask.shape) != correct:
                raise RuntimeError(messages.mha_mask_shape(3, attn_mask.shape, correct))
        else:
            raise RuntimeError(messages.mha_mask_dim(attn_mask.dim()))

    # bias_k and bias_v: one more key and value position
    if bias_k is not None and bias_v is not None:
        if static_k is not None:
            raise AssertionError(messages.mha_bias_static("key"))
        if static_v is not None:
            raise AssertionError(messages.mha_bias_static("value"))
        k = jitgrad.cat([k, bias_k.repeat(1, bsz, 1)])
        v = jitgrad.cat([v, bias_v.repeat(1, bsz, 1)])
        if attn_mask is not None:
            attn_mask = _pad_last(attn_mask)
        if key_padding_mask is not None:
            key_padding_mask = _pad_last(key_padding_mask)
    elif bias_k is not None:
        raise AssertionError(messages.mha_bias_kv("bias_k", "bias_v"))
    elif bias_v is not None:
        raise AssertionError(messages.mha_bias_kv("bias_v", "bias_k"))

    # heads into the batch: (bsz * num_heads, length, head_dim)
    q = q.view(tgt_len, bsz * num_heads, head_dim).transpose(0, 1)
    k = _heads(k, static_k, "static_k", bsz * num_heads, head_dim)
    v = _heads(v, static_v, "static_v", bsz * num_heads, head_dim)

    if add_zero_attn:
        zeros = (bsz * num_heads, 1, head_dim)
        k = jitgrad.cat([k, jitgrad.zeros(zeros, dtype=k.dtype)], dim=1)
        v = jitgrad.cat([v, jitgrad.zeros(zeros, dtype=v.dtype)], dim=1)
        if attn_mask is not None:
            attn_mask = _pad_last(attn_mask)
        if key_padding_mask is not None:
            key_padding_mask = _pad_last(key_padding_mask)
    src_len = k.size(1)

    if key_padding_mask is not None:
        for dim, expected in ((0, bsz), (1, src_len)):
            if key_padding_mask.shape[dim] != expected:
                raise AssertionError(messages.mha_key_padding_mask(
                    dim, expected, key_padding_mask.shape[dim]))
        key_padding_mask = key_padding_mask.view(bsz, 1, 1, src_len) \
            .expand(-1, num_heads, -1, -1).reshape(bsz * num_heads, 1, src_len)
        attn_mask = key_padding_mask if attn_mask is None else attn_mask + key_padding_mask

    if not training:
        dropout_p = 0.0

    if need_weights or unsafe_softmax:
        e = q.shape[-1]
        q_scaled = q * math.sqrt(1.0 / float(e))
        if is_causal and attn_mask is None:
            raise AssertionError(messages.MHA_CAUSAL_NEED_WEIGHTS)
        weights = jitgrad.bmm(q_scaled, k.transpose(-2, -1))
        if attn_mask is not None:
            weights = attn_mask + weights           # torch's baddbmm(attn_mask, q, k^T)
        weights = _F().softmax(weights, -1)
        if dropout_p > 0.0:
            weights = _F().dropout(weights, dropout_p, True)
        output = jitgrad.bmm(weights, v)
        output = output.transpose(0, 1).reshape(tgt_len * bsz, embed_dim)
        output = _F().linear(output, out_proj_weight, out_proj_bias)
        output = output.view(tgt_len, bsz, output.size(1))
        if not need_weights:
            return (output if batched else output.squeeze(1)), None
        weights = weights.view(bsz, num_heads, tgt_len, src_len)
        if average_attn_weights:
            weights = weights.mean(dim=1)
        if not batched:
            output, weights = output.squeeze(1), weights.squeeze(0)
        return output, weights

    if attn_mask is not None:
        if attn_mask.size(0) == 1 and attn_mask.dim() == 3:
            attn_mask = attn_mask.unsqueeze(0)
        else:
            attn_mask = attn_mask.view(bsz, num_heads, -1, src_len)
    q = q.view(bsz, num_heads, tgt_len, head_dim)
    k = k.view(bsz, num_heads, src_len, head_dim)
    v = v.view(bsz, num_heads, src_len, head_dim)
    output = scaled_dot_product_attention(q, k, v, attn_mask, dropout_p, is_causal)
    output = output.permute(2, 0, 1, 3).reshape(bsz * tgt_len, embed_dim)
    output = _F().linear(output, out_proj_weight, out_proj_bias)
    output = output.view(tgt_len, bsz, output.size(1))
    return (output if batched else output.squeeze(1)), None


def _heads(t, static, name, batch_heads, head_dim):
    """k or v as (bsz * num_heads, S, head_dim), or the given static_k/static_v."""
    if static is None:
        return t.view(t.shape[0], batch_heads, head_dim).transpose(0, 1)
    if static.size(0) != batch_heads:
        raise AssertionError(messages.mha_static(name, 0, batch_heads, static.size(0)))
    if static.size(2) != head_dim:
        raise AssertionError(messages.mha_static(name, 2, head_dim, static.size(2)))
    return static
