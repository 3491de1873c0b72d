"""The op table: for every op, its node name, the kernels that run forward
and backward, what is saved, and its derivative formula per input.

Read it like torch's ``tools/autograd/derivatives.yaml``: one entry per op,
one formula per differentiable input, written over ``grad`` (the incoming
gradient), ``self``/``other`` (the inputs) and ``result`` (the output).
The formulas are the specification (and the future code generator's input
for fused kernels); the ``Grad`` next to each says which kernel computes
it on the eager path and with which arguments. ``Grad(None, "grad")`` is
the identity. Broadcast inputs then get ``sum_to_shape`` of that gradient.

Ops that are not elementwise (reductions, matmul, views, losses) keep their
forward and backward together in ``jitgrad/ops/``; their entries here name
their node and formulas so the table stays the one list of every op.
"""
from dataclasses import dataclass, field

from .kernels import elementwise as K


_ARG_SLOTS = {"grad": 0, "self": 1, "other": 2, "result": 3}


@dataclass(frozen=True)
class Grad:
    """Gradient of one input: ``kernel(*args, out)``; ``args`` name the
    incoming gradient and saved values, ``slots`` index them in
    (grad, self, other, result)."""
    kernel: object
    args: tuple
    slots: tuple

    def __init__(self, kernel, *args):
        object.__setattr__(self, "kernel", kernel)
        object.__setattr__(self, "args", args)
        object.__setattr__(self, "slots", tuple(_ARG_SLOTS[a] for a in args))


@dataclass(frozen=True)
class Unary:
    name: str
    node: str
    forward: object
    grad: Grad
    formula: str
    float_only: bool = True          # integer inputs compute in the default float dtype
    elementwise: bool = True


@dataclass(frozen=True)
class Binary:
    name: str
    node: str
    forward: object
    grads: tuple                      # (Grad for self, Grad for other)
    formulas: tuple
    float_only: bool = False
    elementwise: bool = True


@dataclass(frozen=True)
class Composite:
    """An op whose forward/backward pair lives in jitgrad/ops (not elementwise)."""
    name: str
    node: str
    formulas: dict = field(default_factory=dict)
    elementwise: bool = False


GRAD = Grad(None, "grad")

UNARY = {op.name: op for op in [
    #     name       node               forward            gradient kernel and its inputs              formula
    Unary("neg",     "NegBackward0",     K.neg_forward,     Grad(K.neg_forward, "grad"),                "-grad", float_only=False),
    Unary("exp",     "ExpBackward0",     K.exp_forward,     Grad(K.mul_forward, "grad", "result"),      "grad * result"),
    Unary("log",     "LogBackward0",     K.log_forward,     Grad(K.div_forward, "grad", "self"),        "grad / self"),
    Unary("sqrt",    "SqrtBackward0",    K.sqrt_forward,    Grad(K.sqrt_backward, "grad", "result"),    "grad / (2 * result)"),
    Unary("abs",     "AbsBackward0",     K.abs_forward,     Grad(K.abs_backward, "grad", "self"),       "grad * self.sign()", float_only=False),
    Unary("sigmoid", "SigmoidBackward0", K.sigmoid_forward, Grad(K.sigmoid_backward, "grad", "result"), "grad * result * (1 - result)"),
    Unary("tanh",    "TanhBackward0",    K.tanh_forward,    Grad(K.tanh_backward, "grad", "result"),    "grad * (1 - result * result)"),
    Unary("relu",    "ReluBackward0",    K.relu_forward,    Grad(K.threshold_backward, "grad", "result"), "threshold_backward(grad, result, 0)", float_only=False),
]}

BINARY = {op.name: op for op in [
    #      name   node             forward          gradient of self                                   gradient of other                                              formulas (self, other)
    Binary("add", "AddBackward0",  K.add_forward,   (GRAD,                                             GRAD),                                                        ("grad", "grad")),
    Binary("sub", "SubBackward0",  K.sub_forward,   (GRAD,                                             Grad(K.neg_forward, "grad")),                                 ("grad", "-grad")),
    Binary("mul", "MulBackward0",  K.mul_forward,   (Grad(K.mul_forward, "grad", "other"),             Grad(K.mul_forward, "grad", "self")),                         ("grad * other", "grad * self")),
    Binary("div", "DivBackward0",  K.div_forward,   (Grad(K.div_forward, "grad", "other"),             Grad(K.div_backward_other, "grad", "self", "other")),         ("grad / other", "-grad * self / (other * other)"), float_only=True),
    Binary("pow", "PowBackward1",  K.pow_forward,   (Grad(K.pow_backward_self, "grad", "self", "other"), Grad(K.pow_backward_exponent, "grad", "self", "other", "result")), ("pow_backward_self(grad, self, other)", "pow_backward_exponent(grad, self, other, result)")),
]}

# Comparisons return bool tensors and are not differentiable.
COMPARISON = {"lt": K.lt_forward, "le": K.le_forward, "gt": K.gt_forward,
              "ge": K.ge_forward, "eq": K.eq_forward, "ne": K.ne_forward}

# Node names torch gives the binary ops above when one side is a Python
# scalar: (tensor op scalar, scalar op tensor). Torch computes ``2 / x`` as
# ``x.reciprocal() * 2``, hence MulBackward0.
SCALAR_NODE = {"pow": ("PowBackward0", "PowBackward2"), "sub": ("SubBackward0", "RsubBackward1"),
               "div": ("DivBackward0", "MulBackward0")}

COMPOSITE = {op.name: op for op in [
    Composite("sum",       "SumBackward0",      {"self": "grad.expand(self.sizes())"}),
    Composite("sum_dim",   "SumBackward1",      {"self": "sum_backward(grad, self.sizes(), dim, keepdim)"}),
    Composite("mean",      "MeanBackward0",     {"self": "grad.expand(self.sizes()) / self.numel()"}),
    Composite("mean_dim",  "MeanBackward1",     {"self": "mean_backward(grad, self.sizes(), dim, keepdim)"}),
    Composite("norm",      "LinalgVectorNormBackward0", {"self": "norm_backward(grad, self, ord, result, dim, keepdim)"}),
    Composite("dot",       "DotBackward0",      {"self": "grad * tensor", "tensor": "grad * self"}),
    Composite("mv",        "MvBackward0",       {"self": "grad.ger(vec)", "vec": "self.t().mv(grad)"}),
    Composite("mm",        "MmBackward0",       {"self": "grad.mm(mat2.t())", "mat2": "self.t().mm(grad)"}),
    Composite("vm",        "SqueezeBackward4",  {"self": "mat2.mv(grad)", "mat2": "self.outer(grad)"}),
    Composite("matmul",    "UnsafeViewBackward0", {"self": "sum_to(grad.matmul(other.mT), self)", "other": "sum_to(self.mT.matmul(grad), other)"}),
    Composite("matmul_2d_batched", "CloneBackward0", {"self": "sum_to(grad.matmul(other.mT), self)", "other": "self.mT.matmul(grad)"}),
    Composite("clone",     "CloneBackward0",    {"self": "grad"}),
    Composite("to",        "ToCopyBackward0",   {"self": "grad.to(self.dtype)"}),
    Composite("view",      "ViewBackward0",     {"self": "grad.reshape(self.sizes())"}),
    Composite("reshape_copy", "UnsafeViewBackward0", {"self": "grad.reshape(self.sizes())"}),
    Composite("transpose", "TransposeBackward0", {"self": "grad.transpose(dim0, dim1)"}),
    Composite("t",         "TBackward0",        {"self": "grad.t()"}),
    Composite("permute",   "PermuteBackward0",  {"self": "permute_backwards(grad, dims)"}),
    Composite("binary_cross_entropy_with_logits", "BinaryCrossEntropyWithLogitsBackward0",
              {"self": "binary_cross_entropy_with_logits_backward(grad, self, target, weight, pos_weight, reduction)",
               "target": "binary_cross_entropy_with_logits_target_backward(grad, self, target, weight, pos_weight, reduction)"}),
]}
