"""torch.distributions on jitgrad tensors: the same classes, arguments,
shapes, validation errors (ValueError, torch's wording) and, for a seeded
generator, the same draws.

The samplers are ATen's CPU algorithms on jitgrad's torch-identical
generator (jitgrad/random.py, jitgrad/random_extra.py), so Normal,
Bernoulli, Categorical, OneHotCategorical, Uniform, Exponential, Gamma,
Beta, Dirichlet, Poisson and Binomial samples equal torch's bit for bit.
Where a sample is then transformed (Laplace's log1p, LogNormal's exp,
MultivariateNormal's matmul, the relaxed distributions' log/exp/sigmoid,
TransformedDistribution's transforms) the raw draws are torch's and the
result may differ from torch's in the last bit or two, as jitgrad's
elementwise math does. MultivariateNormal solves its triangular systems
with jitgrad.linalg.solve when jitgrad.linalg has no solve_triangular."""
from . import constraints, transforms
from .bernoulli import Bernoulli
from .beta import Beta
from .binomial import Binomial
from .categorical import Categorical
from .dirichlet import Dirichlet
from .distribution import Distribution
from .exp_family import ExponentialFamily
from .exponential import Exponential
from .gamma import Gamma
from .independent import Independent
from .kl import kl_divergence, register_kl
from .laplace import Laplace
from .log_normal import LogNormal
from .multivariate_normal import MultivariateNormal
from .normal import Normal
from .one_hot_categorical import OneHotCategorical
from .poisson import Poisson
from .relaxed_bernoulli import LogitRelaxedBernoulli, RelaxedBernoulli
from .relaxed_categorical import ExpRelaxedCategorical, RelaxedOneHotCategorical
from .transformed_distribution import TransformedDistribution
from .transforms import (AffineTransform, ComposeTransform, ExpTransform, SigmoidTransform,
                         TanhTransform, Transform)
from .uniform import Uniform

__all__ = ["AffineTransform", "Bernoulli", "Beta", "Binomial", "Categorical",
           "ComposeTransform", "Dirichlet", "Distribution", "ExpRelaxedCategorical",
           "ExpTransform", "Exponential", "ExponentialFamily", "Gamma", "Independent", "Laplace",
           "LogitRelaxedBernoulli", "LogNormal", "MultivariateNormal", "Normal",
           "OneHotCategorical", "Poisson", "RelaxedBernoulli", "RelaxedOneHotCategorical",
           "SigmoidTransform", "TanhTransform", "Transform", "TransformedDistribution",
           "Uniform", "constraints", "kl_divergence", "register_kl", "transforms"]
