# A softmax-regression classifier trained by hand: logits = X W + b,
# cross_entropy loss, gradient steps under no_grad.
import numpy as np

import jitgrad as torch
import jitgrad.nn.functional as F

rng = np.random.default_rng(0)
n, features, classes = 300, 4, 3
centers = rng.standard_normal((classes, features)).astype(np.float32) * 2
labels = rng.integers(0, classes, n)
points = centers[labels] + rng.standard_normal((n, features)).astype(np.float32)

X = torch.from_numpy(points)
Y = torch.from_numpy(labels)
W = torch.zeros(features, classes, requires_grad=True)
b = torch.zeros(classes, requires_grad=True)

learning_rate = 0.1
for epoch in range(100):
    logits = X @ W + b
    loss = F.cross_entropy(logits, Y)
    loss.backward()
    with torch.no_grad():
        W -= learning_rate * W.grad
        b -= learning_rate * b.grad
        W.grad.zero_()
        b.grad.zero_()
    if epoch % 10 == 9:
        accuracy = (logits.argmax(dim=1) == Y).float().mean()
        print(epoch, round(loss.item(), 6), round(accuracy.item(), 4))

print("W =", W)
print("b =", b)
