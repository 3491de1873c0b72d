"""SGD (momentum, dampening, Nesterov, weight decay) with torch's update rule,
one kernel call per parameter."""
from .. import messages
from ..kernels.optim import sgd_step
from .optimizer import (Optimizer, check_fused, check_lr, required, run_closure,
                        run_update, update_arrays, zeros_state)


class SGD(Optimizer):
    def __init__(self, params, lr=1e-3, momentum=0, dampening=0, weight_decay=0, nesterov=False,
                 *, maximize=False, foreach=None, differentiable=False, fused=None):
        if lr is not required:
            check_lr(lr)
        if momentum < 0.0:
            raise ValueError(messages.optim_invalid("momentum value", momentum))
        if weight_decay < 0.0:
            raise ValueError(messages.optim_invalid("weight_decay value", weight_decay))
        defaults = {"lr": lr, "momentum": momentum, "dampening": dampening,
                    "weight_decay": weight_decay, "nesterov": nesterov, "maximize": maximize,
                    "foreach": foreach, "differentiable": differentiable, "fused": fused}
        if nesterov and (momentum <= 0 or dampening != 0):
            raise ValueError(messages.OPTIM_NESTEROV)
        super().__init__(params, defaults)
        check_fused(fused, foreach, differentiable)

    def __setstate__(self, state):
        super().__setstate__(state)
        for group in self.param_groups:
            group.setdefault("nesterov", False)
            group.setdefault("maximize", False)
            group.setdefault("foreach", None)
            group.setdefault("differentiable", False)
            group.setdefault("fused", False)

    def step(self, closure=None):
        loss = None if closure is None else run_closure(closure)
        state = self.state
        for group in self.param_groups:
            momentum = float(group["momentum"])
            hyper = (float(group["lr"]), momentum, float(group["dampening"]),
                     float(group["weight_decay"]), bool(group["nesterov"]),
                     bool(group["maximize"]))
            for p in group["params"]:
                g = p._grad
                if g is None:
                    continue
                pa, ga = update_arrays(p, g)
                first = False
                buf = ga             # not read: the kernel's no-momentum loop skips it
                if momentum != 0:
                    s = state[p]
                    b = s.get("momentum_buffer")
                    if b is None:
                        b = s["momentum_buffer"] = zeros_state(p)
                        first = True
                    buf = b._data
                run_update(sgd_step, p, pa, "SGD", state,
                           ga, buf, *hyper, first)
        return loss
