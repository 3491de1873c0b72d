"""RAdam (L2 or decoupled weight decay, maximize) with torch's single-tensor
update, one kernel call per parameter."""
from ..kernels.optim_more import radam_step as _radam_step
from .optimizer import (Optimizer, check_betas, check_lr, check_nonnegative, flat,
                        params_with_grad, run_closure, run_update, step_tensor, zeros_state)


radam_step = flat(_radam_step)


class RAdam(Optimizer):
    def __init__(self, params, lr=1e-3, betas=(0.9, 0.999), eps=1e-8, weight_decay=0,
                 decoupled_weight_decay=False, *, foreach=None, maximize=False,
                 capturable=False, differentiable=False):
        check_lr(lr)
        check_nonnegative("epsilon value", eps)
        check_betas(betas)
        check_nonnegative("weight_decay value", weight_decay)
        defaults = {"lr": lr, "betas": betas, "eps": eps, "weight_decay": weight_decay,
                    "maximize": maximize, "foreach": foreach, "capturable": capturable,
                    "decoupled_weight_decay": decoupled_weight_decay,
                    "differentiable": differentiable}
        super().__init__(params, defaults)

    def __setstate__(self, state):
        super().__setstate__(state)
        self._set_group_defaults(foreach=None, maximize=False, differentiable=False,
                                 decoupled_weight_decay=False, capturable=False)

    def step(self, closure=None):
        loss = None if closure is None else run_closure(closure)
        state = self.state
        for group in self.param_groups:
            beta1, beta2 = group["betas"]
            hyper = (float(group["lr"]), float(beta1), float(beta2), float(group["eps"]),
                     float(group["weight_decay"]), bool(group["decoupled_weight_decay"]),
                     bool(group["maximize"]))
            for p, s, pa, ga in params_with_grad(group, state):
                if not s:
                    s["step"] = step_tensor()
                    s["exp_avg"] = zeros_state(p)
                    s["exp_avg_sq"] = zeros_state(p)
                run_update(radam_step, p, pa, "RAdam", state, ga, s["exp_avg"]._data,
                           s["exp_avg_sq"]._data, s["step"]._data, *hyper)
        return loss
