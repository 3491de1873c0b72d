"""BatchNorm1d/2d/3d: per-channel normalisation with running statistics.

In training the batch's statistics normalise the input and the running
statistics move towards them in place (momentum=None: a cumulative average
over ``num_batches_tracked`` batches); in evaluation the running statistics
normalise. The buffers and their state_dict order are torch's.
"""
from ... import dtypes, messages
from ...factories import empty, ones, tensor, zeros
from .. import functional as F
from .. import init
from ..parameter import Parameter
from .module import Module


class _NormBase(Module):
    _version = 2

    def __init__(self, num_features, eps=1e-5, momentum=0.1, affine=True,
                 track_running_stats=True, device=None, dtype=None, *, bias=True):
        super().__init__()
        self.num_features = num_features
        self.eps = eps
        self.momentum = momentum
        self.affine = affine
        self.track_running_stats = track_running_stats
        if self.affine:
            self.weight = Parameter(empty(num_features, dtype=dtype, device=device))
            if bias:
                self.bias = Parameter(empty(num_features, dtype=dtype, device=device))
            else:
                self.register_parameter("bias", None)
        else:
            self.register_parameter("weight", None)
            self.register_parameter("bias", None)
        if self.track_running_stats:
            self.register_buffer("running_mean", zeros(num_features, dtype=dtype, device=device))
            self.register_buffer("running_var", ones(num_features, dtype=dtype, device=device))
            self.register_buffer("num_batches_tracked",
                                 tensor(0, dtype=dtypes.int64, device=device))
        else:
            self.register_buffer("running_mean", None)
            self.register_buffer("running_var", None)
            self.register_buffer("num_batches_tracked", None)
        self.reset_parameters()

    def _upgrade_state_dict(self, state_dict, prefix, local_metadata):
        # checkpoints older than version 2 (and plain dicts, which carry no
        # version) may lack num_batches_tracked: torch keeps the module's own
        version = local_metadata.get("version", None)
        key = prefix + "num_batches_tracked"
        if (version is None or version < 2) and self.track_running_stats \
                and key not in state_dict:
            state_dict[key] = self.num_batches_tracked

    def reset_running_stats(self):
        if self.track_running_stats:
            self.running_mean.zero_()
            self.running_var.fill_(1)
            self.num_batches_tracked.zero_()

    def reset_parameters(self):
        self.reset_running_stats()
        if self.affine:
            init.ones_(self.weight)
            if self.bias is not None:
                init.zeros_(self.bias)

    def _check_input_dim(self, input):
        raise NotImplementedError

    def extra_repr(self):
        return ("{num_features}, eps={eps}, momentum={momentum}, affine={affine}, "
                "bias={use_bias}, track_running_stats={track_running_stats}".format(
                    **self.__dict__, use_bias=self.bias is not None))


class _BatchNorm(_NormBase):
    def forward(self, input):
        self._check_input_dim(input)
        momentum = self.momentum
        factor = 0.0 if momentum is None else momentum
        training = self.training
        buffers = self._buffers
        running_mean = buffers.get("running_mean")
        running_var = buffers.get("running_var")
        if training and self.track_running_stats:
            tracked = buffers.get("num_batches_tracked")
            if tracked is not None:
                _increment(tracked)
                if momentum is None:            # cumulative moving average
                    factor = 1.0 / float(tracked)
        if training:
            bn_training = True
        else:
            bn_training = running_mean is None and running_var is None
        use_buffers = not training or self.track_running_stats
        params = self._parameters
        return F.batch_norm(input, running_mean if use_buffers else None,
                            running_var if use_buffers else None, params.get("weight"),
                            params.get("bias"), bn_training, factor, self.eps)


def _increment(t):
    """``t.add_(1)`` for the int64 counter, without the in-place op machinery."""
    a = t._data
    if a.ndim == 0 and a.dtype.kind == "i" and a.flags.writeable and not t._requires_grad:
        a[()] += 1
        t._vc[0] += 1
    else:
        t.add_(1)


class BatchNorm1d(_BatchNorm):
    def _check_input_dim(self, input):
        if input.dim() != 2 and input.dim() != 3:
            raise ValueError(messages.batch_norm_input_dims("2D or 3D", input.dim()))


class BatchNorm2d(_BatchNorm):
    def _check_input_dim(self, input):
        if input.dim() != 4:
            raise ValueError(messages.batch_norm_input_dims("4D", input.dim()))


class BatchNorm3d(_BatchNorm):
    def _check_input_dim(self, input):
        if input.dim() != 5:
            raise ValueError(messages.batch_norm_input_dims("5D", input.dim()))
