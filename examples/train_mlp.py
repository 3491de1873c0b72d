# A torch training script: an MLP classifier with Adam and cross-entropy,
# batches from a shuffling DataLoader, a checkpoint of the model's and the
# optimizer's state_dict saved to disk, reloaded into fresh objects, and
# training resumed from it. Only the import lines name jitgrad.
import os
import tempfile

import jitgrad as torch
from jitgrad import nn
from jitgrad.utils.data import DataLoader, TensorDataset

torch.manual_seed(0)
features, classes = 20, 5
X = torch.randn(1024, features)
teacher = torch.randn(features, classes)
y = (X @ teacher).argmax(dim=1)
train_set = TensorDataset(X[:768], y[:768])
X_test, y_test = X[768:], y[768:]


def make_model():
    return nn.Sequential(nn.Linear(features, 64), nn.ReLU(), nn.Linear(64, classes))


def run_epoch(model, optimizer, loader, loss_fn):
    total = 0.0
    for xb, yb in loader:
        optimizer.zero_grad()
        loss = loss_fn(model(xb), yb)
        loss.backward()
        optimizer.step()
        total += loss.item() * len(yb)
    return total / len(loader.dataset)


def accuracy(model):
    model.eval()
    with torch.no_grad():
        acc = (model(X_test).argmax(dim=1) == y_test).float().mean().item()
    model.train()
    return acc


model = make_model()
optimizer = torch.optim.Adam(model.parameters(), lr=1e-2)
loss_fn = nn.CrossEntropyLoss()
loader = DataLoader(train_set, batch_size=64, shuffle=True)
for epoch in range(5):
    loss = run_epoch(model, optimizer, loader, loss_fn)
    print(f"epoch {epoch + 1}: train loss {loss:.5f}, test accuracy {accuracy(model):.4f}")

with tempfile.TemporaryDirectory() as folder:
    path = os.path.join(folder, "checkpoint.pt")
    torch.save({"model": model.state_dict(), "optimizer": optimizer.state_dict(),
                "epoch": 5}, path)
    checkpoint = torch.load(path)

restored = make_model()
restored.load_state_dict(checkpoint["model"])
restored_optimizer = torch.optim.Adam(restored.parameters(), lr=1e-2)
restored_optimizer.load_state_dict(checkpoint["optimizer"])
with torch.no_grad():
    same = torch.equal(restored(X_test), model(X_test))
print(f"restored from epoch {checkpoint['epoch']}: same outputs {same}")

# resume both copies on the same batches: they must stay identical
state = torch.get_rng_state()
loss = run_epoch(model, optimizer, loader, loss_fn)
torch.set_rng_state(state)
restored_loss = run_epoch(restored, restored_optimizer, loader, loss_fn)
print(f"epoch 6: train loss {loss:.5f}, resumed copy {restored_loss:.5f}, "
      f"test accuracy {accuracy(restored):.4f}")
