"""Adamax (weight decay, maximize) with torch's single-tensor update, one
kernel call per parameter."""
from ..kernels.optim_more import adamax_step as _adamax_step
from .optimizer import (Optimizer, check_betas, check_lr, check_nonnegative, flat,
                        params_with_grad, run_closure, run_update, step_tensor, zeros_state)


adamax_step = flat(_adamax_step)


class Adamax(Optimizer):
    def __init__(self, params, lr=2e-3, betas=(0.9, 0.999), eps=1e-8, weight_decay=0,
                 foreach=None, *, maximize=False, differentiable=False, capturable=False):
        check_lr(lr)
        check_nonnegative("epsilon value", eps)
        check_betas(betas)
        check_nonnegative("weight_decay value", weight_decay)
        defaults = {"lr": lr, "betas": betas, "eps": eps, "weight_decay": weight_decay,
                    "foreach": foreach, "maximize": maximize,
                    "differentiable": differentiable, "capturable": capturable}
        super().__init__(params, defaults)

    def __setstate__(self, state):
        super().__setstate__(state)
        self._set_group_defaults(foreach=None, maximize=False, differentiable=False,
                                 capturable=False)

    def step(self, closure=None):
        loss = None if closure is None else run_closure(closure)
        state = self.state
        for group in self.param_groups:
            beta1, beta2 = group["betas"]
            hyper = (float(group["lr"]), float(beta1), float(beta2), float(group["eps"]),
                     float(group["weight_decay"]), bool(group["maximize"]))
            for p, s, pa, ga in params_with_grad(group, state):
                if not s:
                    s["step"] = step_tensor()
                    s["exp_avg"] = zeros_state(p)
                    s["exp_inf"] = zeros_state(p)
                run_update(adamax_step, p, pa, "Adamax", state, ga, s["exp_avg"]._data,
                           s["exp_inf"]._data, s["step"]._data, *hyper)
        return loss
