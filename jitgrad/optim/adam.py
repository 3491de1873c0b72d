"""Adam and AdamW (amsgrad, maximize, L2 or decoupled weight decay) with
torch's single-tensor update, one kernel call per parameter."""
from .. import messages
from ..kernels.optim import adam_step
from ..tensor import Tensor
from .optimizer import (Optimizer, check_fused, check_lr, run_closure, step_tensor,
                        run_update, update_arrays, zeros_state)


class Adam(Optimizer):
    def __init__(self, params, lr=1e-3, betas=(0.9, 0.999), eps=1e-8, weight_decay=0,
                 amsgrad=False, *, foreach=None, maximize=False, capturable=False,
                 differentiable=False, fused=None, decoupled_weight_decay=False):
        check_lr(lr)
        if not 0.0 <= eps:
            raise ValueError(messages.optim_invalid("epsilon value", eps))
        if not 0.0 <= betas[0] < 1.0:
            raise ValueError(messages.optim_invalid("beta parameter at index 0", betas[0]))
        if not 0.0 <= betas[1] < 1.0:
            raise ValueError(messages.optim_invalid("beta parameter at index 1", betas[1]))
        if not 0.0 <= weight_decay:
            raise ValueError(messages.optim_invalid("weight_decay value", weight_decay))
        if not ((isinstance(betas[0], float) and isinstance(betas[1], float))
                or (isinstance(betas[0], Tensor) and isinstance(betas[1], Tensor))):
            raise ValueError(messages.OPTIM_BETAS_TYPES)
        for i, b in enumerate(betas):
            if isinstance(b, Tensor) and b.numel() != 1:
                raise ValueError(messages.optim_tensor_beta(i))
        betas = tuple(betas)
        defaults = {"lr": lr, "betas": betas, "eps": eps, "weight_decay": weight_decay,
                    "amsgrad": amsgrad, "maximize": maximize, "foreach": foreach,
                    "capturable": capturable, "differentiable": differentiable, "fused": fused,
                    "decoupled_weight_decay": decoupled_weight_decay}
        super().__init__(params, defaults)
        check_fused(fused, foreach, differentiable)

    def __setstate__(self, state):
        super().__setstate__(state)
        for group in self.param_groups:
            group.setdefault("amsgrad", False)
            group.setdefault("maximize", False)
            group.setdefault("foreach", None)
            group.setdefault("capturable", False)
            group.setdefault("differentiable", False)
            group.setdefault("decoupled_weight_decay", False)
            group.setdefault("fused", None)
        self._fix_step_state()

    def step(self, closure=None):
        loss = None if closure is None else run_closure(closure)
        state = self.state
        for group in self.param_groups:
            beta1, beta2 = group["betas"]
            amsgrad = bool(group["amsgrad"])
            hyper = (float(group["lr"]), float(beta1), float(beta2), float(group["eps"]),
                     float(group["weight_decay"]), bool(group["decoupled_weight_decay"]),
                     amsgrad, bool(group["maximize"]))
            capturable = group["capturable"]
            for p in group["params"]:
                g = p._grad
                if g is None:
                    continue
                if capturable:
                    raise AssertionError(messages.OPTIM_CAPTURABLE)
                pa, ga = update_arrays(p, g)
                s = state[p]
                if not s:
                    s["step"] = step_tensor(fused=group["fused"] or capturable)
                    s["exp_avg"] = zeros_state(p)
                    s["exp_avg_sq"] = zeros_state(p)
                    if amsgrad:
                        s["max_exp_avg_sq"] = zeros_state(p)
                run_update(adam_step, p, pa, type(self).__name__, state,
                           ga, s["exp_avg"]._data, s["exp_avg_sq"]._data,
                           s["max_exp_avg_sq"]._data if amsgrad else ga,
                           s["step"]._data, *hyper)
        return loss


class AdamW(Adam):
    def __init__(self, params, lr=1e-3, betas=(0.9, 0.999), eps=1e-8, weight_decay=1e-2,
                 amsgrad=False, *, maximize=False, foreach=None, capturable=False,
                 differentiable=False, fused=None):
        super().__init__(params, lr, betas, eps, weight_decay, amsgrad, foreach=foreach,
                         maximize=maximize, capturable=capturable,
                         differentiable=differentiable, fused=fused,
                         decoupled_weight_decay=True)

    def __setstate__(self, state):
        # torch: loading any state into AdamW keeps its weight decay decoupled
        super().__setstate__(state)
        for group in self.param_groups:
            group["decoupled_weight_decay"] = True
