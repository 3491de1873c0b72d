# A two-layer network trained by hand: mm, clamp(min=0) in a custom ReLU
# Function, sum-of-squares loss, manual updates under no_grad, and the
# tensors printed at the end (PyTorch's "two_layer_net_custom_function").
import numpy as np

import jitgrad as torch


class MyReLU(torch.autograd.Function):
    @staticmethod
    def forward(ctx, input):
        ctx.save_for_backward(input)
        return input.clamp(min=0)

    @staticmethod
    def backward(ctx, grad_output):
        input, = ctx.saved_tensors
        grad_input = grad_output.clone()
        grad_input[input < 0] = 0
        return grad_input


dtype = torch.float
device = torch.device("cpu")
N, D_in, H, D_out = 64, 100, 50, 10

rng = np.random.default_rng(0)
x = torch.tensor(rng.standard_normal((N, D_in)), device=device, dtype=dtype)
y = torch.tensor(rng.standard_normal((N, D_out)), device=device, dtype=dtype)
w1 = torch.tensor(rng.standard_normal((D_in, H)) * 0.1, device=device, dtype=dtype,
                  requires_grad=True)
w2 = torch.tensor(rng.standard_normal((H, D_out)) * 0.1, device=device, dtype=dtype,
                  requires_grad=True)

learning_rate = 1e-4
for t in range(300):
    relu = MyReLU.apply
    y_pred = relu(x.mm(w1)).mm(w2)
    loss = (y_pred - y).pow(2).sum()
    if t % 50 == 49:
        print(t, loss.item())
    loss.backward()
    with torch.no_grad():
        w1 -= learning_rate * w1.grad
        w2 -= learning_rate * w2.grad
        w1.grad.zero_()
        w2.grad.zero_()

print(w2[:2, :4])
print(y_pred[0])
