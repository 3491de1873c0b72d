"""NAdam (momentum decay, L2 or decoupled weight decay, maximize) with torch's
single-tensor update, one kernel call per parameter."""
from .. import messages
from ..kernels.optim_more import nadam_step as _nadam_step
from ..tensor import Tensor
from .optimizer import (Optimizer, check_betas, check_lr, check_nonnegative, flat,
                        params_with_grad, run_closure, run_update, step_tensor, zeros_state)


nadam_step = flat(_nadam_step)


class NAdam(Optimizer):
    def __init__(self, params, lr=2e-3, betas=(0.9, 0.999), eps=1e-8, weight_decay=0,
                 momentum_decay=4e-3, decoupled_weight_decay=False, *, foreach=None,
                 maximize=False, capturable=False, differentiable=False):
        check_lr(lr)
        check_nonnegative("epsilon value", eps)
        check_betas(betas)
        check_nonnegative("weight_decay value", weight_decay)
        check_nonnegative("momentum_decay value", momentum_decay)
        defaults = {"lr": lr, "betas": betas, "eps": eps, "weight_decay": weight_decay,
                    "momentum_decay": momentum_decay,
                    "decoupled_weight_decay": decoupled_weight_decay, "maximize": maximize,
                    "foreach": foreach, "capturable": capturable,
                    "differentiable": differentiable}
        super().__init__(params, defaults)

    def __setstate__(self, state):
        super().__setstate__(state)
        self._set_group_defaults(maximize=False, foreach=None, capturable=False,
                                 differentiable=False, decoupled_weight_decay=False)
        for s in self.state.values():
            if isinstance(s, dict) and "mu_product" in s and not isinstance(s["mu_product"],
                                                                            Tensor):
                s["mu_product"] = step_tensor(float(s["mu_product"]))

    def step(self, closure=None):
        loss = None if closure is None else run_closure(closure)
        state = self.state
        for group in self.param_groups:
            beta1, beta2 = group["betas"]
            hyper = (float(group["lr"]), float(beta1), float(beta2), float(group["eps"]),
                     float(group["weight_decay"]), float(group["momentum_decay"]),
                     bool(group["decoupled_weight_decay"]), bool(group["maximize"]))
            for p, s, pa, ga in params_with_grad(group, state,
                                                 messages.OPTIM_CAPTURABLE_NADAM):
                if not s:
                    s["step"] = step_tensor()
                    s["mu_product"] = step_tensor(1.0)
                    s["exp_avg"] = zeros_state(p)
                    s["exp_avg_sq"] = zeros_state(p)
                run_update(nadam_step, p, pa, "NAdam", state, ga, s["exp_avg"]._data,
                           s["exp_avg_sq"]._data, s["mu_product"]._data, s["step"]._data,
                           *hyper)
        return loss
