"""RMSprop (momentum, centered, weight decay, maximize) with torch's
single-tensor update, one kernel call per parameter."""
from .. import messages
from ..kernels.optim import rmsprop_step
from .optimizer import (Optimizer, check_lr, run_closure, step_tensor,
                        run_update, update_arrays, zeros_state)


class RMSprop(Optimizer):
    def __init__(self, params, lr=1e-2, alpha=0.99, eps=1e-8, weight_decay=0, momentum=0,
                 centered=False, capturable=False, foreach=None, maximize=False,
                 differentiable=False):
        check_lr(lr)
        if not 0.0 <= eps:
            raise ValueError(messages.optim_invalid("epsilon value", eps))
        if not 0.0 <= momentum:
            raise ValueError(messages.optim_invalid("momentum value", momentum))
        if not 0.0 <= weight_decay:
            raise ValueError(messages.optim_invalid("weight_decay value", weight_decay))
        if not 0.0 <= alpha:
            raise ValueError(messages.optim_invalid("alpha value", alpha))
        defaults = {"lr": lr, "momentum": momentum, "alpha": alpha, "eps": eps,
                    "centered": centered, "weight_decay": weight_decay,
                    "capturable": capturable, "foreach": foreach, "maximize": maximize,
                    "differentiable": differentiable}
        super().__init__(params, defaults)

    def __setstate__(self, state):
        super().__setstate__(state)
        for group in self.param_groups:
            group.setdefault("momentum", 0)
            group.setdefault("centered", False)
            group.setdefault("foreach", None)
            group.setdefault("maximize", False)
            group.setdefault("differentiable", False)
            group.setdefault("capturable", False)
        self._fix_step_state()

    def step(self, closure=None):
        loss = None if closure is None else run_closure(closure)
        state = self.state
        for group in self.param_groups:
            momentum = float(group["momentum"])
            centered = bool(group["centered"])
            hyper = (float(group["lr"]), float(group["alpha"]), float(group["eps"]),
                     float(group["weight_decay"]), momentum, centered,
                     bool(group["maximize"]))
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
                    s["step"] = step_tensor()
                    s["square_avg"] = zeros_state(p)
                    if momentum > 0:
                        s["momentum_buffer"] = zeros_state(p)
                    if centered:
                        s["grad_avg"] = zeros_state(p)
                run_update(rmsprop_step, p, pa, "RMSprop", state,
                           ga, s["square_avg"]._data,
                           s["grad_avg"]._data if centered else ga,
                           s["momentum_buffer"]._data if momentum > 0 else ga,
                           s["step"]._data, *hyper)
        return loss
