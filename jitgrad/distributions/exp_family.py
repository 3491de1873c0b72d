"""torch.distributions.ExponentialFamily: the base of the exponential-family
distributions. Its KL rule (Bregman divergence of the log-normaliser) is
registered only to refuse pairs of different families, as torch does;
every same-family pair here has its own closed form."""
from .distribution import Distribution

__all__ = ["ExponentialFamily"]


class ExponentialFamily(Distribution):
    """p(x) = h(x) exp(<t(x), theta> - F(theta))."""

    @property
    def _natural_params(self):
        raise NotImplementedError

    def _log_normalizer(self, *natural_params):
        raise NotImplementedError

    @property
    def _mean_carrier_measure(self):
        raise NotImplementedError
