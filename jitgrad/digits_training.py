"""The demo's training part: an MLP and a small CNN on the built-in 8x8 digits
with Adam, written once against torch's API and run on ``lib`` (jitgrad, or
torch itself for ``--compare-torch``), so both libraries run the same program.
"""
import time

from .datasets import load_digits

BATCH_SIZE = 64
LEARNING_RATE = {"mlp": 3e-3, "cnn": 2e-3}


def build_model(lib, name):
    nn = lib.nn
    if name == "mlp":
        return nn.Sequential(nn.Flatten(), nn.Linear(64, 128), nn.ReLU(),
                             nn.Linear(128, 64), nn.ReLU(), nn.Linear(64, 10))
    if name == "cnn":
        return nn.Sequential(nn.Conv2d(1, 32, 3, padding=1), nn.ReLU(), nn.MaxPool2d(2),
                             nn.Conv2d(32, 64, 3, padding=1), nn.ReLU(), nn.MaxPool2d(2),
                             nn.Flatten(), nn.Linear(256, 10))
    raise ValueError(f"unknown model {name!r}; choose from mlp, cnn")


def digits_for(lib):
    """The digits as ``lib`` tensors (the same values for jitgrad and torch),
    standardised with the training images' mean and standard deviation."""
    data = load_digits()
    if lib.__name__ != "jitgrad":
        data = type(data)(*(lib.from_numpy(t.numpy().copy()) for t in data))
    mean, std = data.x_train.mean(), data.x_train.std()
    return data._replace(x_train=(data.x_train - mean) / std, x_test=(data.x_test - mean) / std)


def accuracy(lib, model, x, y):
    model.eval()
    with lib.no_grad():
        correct = (model(x).argmax(1) == y).sum().item()
    model.train()
    return correct / len(y)


def train(lib, name, epochs, seed=0, log=print, compile=False,  # noqa: A002
          distributed=False):
    """Train model ``name`` for ``epochs`` epochs; returns a summary dict.

    One line per epoch: mean training loss, test accuracy and training steps
    per second (the optimisation steps only: the test pass is not timed).
    With ``compile``, the training step (forward, backward, update) goes
    through ``lib.compile``. With ``distributed`` (after
    ``lib.distributed.init_process_group``), every rank trains the model
    wrapped in ``DistributedDataParallel`` on its share of each epoch
    (``DistributedSampler``), the batch of ``BATCH_SIZE`` split over the
    ranks; the loss logged is the mean over the ranks.
    """
    data_utils = lib.utils.data
    x_train, y_train, x_test, y_test = digits_for(lib)
    lib.manual_seed(seed)
    model = net = build_model(lib, name)
    dataset = data_utils.TensorDataset(x_train, y_train)
    sampler = None
    if distributed:
        world = lib.distributed.get_world_size()
        net = lib.nn.parallel.DistributedDataParallel(model)
        sampler = data_utils.distributed.DistributedSampler(dataset, seed=seed)
        loader = data_utils.DataLoader(dataset, batch_size=max(1, BATCH_SIZE // world),
                                       sampler=sampler)
    else:
        loader = data_utils.DataLoader(dataset, batch_size=BATCH_SIZE, shuffle=True)
    optimizer = lib.optim.Adam(net.parameters(), lr=LEARNING_RATE[name])
    loss_fn = lib.nn.CrossEntropyLoss()

    def step(xb, yb):
        optimizer.zero_grad()
        loss = loss_fn(net(xb), yb)
        loss.backward()
        optimizer.step()
        return loss
    if compile:
        step = lib.compile(step)
    steps = 0
    train_time = 0.0
    acc = 0.0
    rates = []
    for epoch in range(1, epochs + 1):
        total, batches = 0.0, 0
        if sampler is not None:
            sampler.set_epoch(epoch)
        start = time.perf_counter()
        for xb, yb in loader:
            loss = step(xb, yb)
            total += loss.item()
            batches += 1
        elapsed = time.perf_counter() - start
        if distributed:
            mean = lib.tensor([total], dtype=lib.float64)
            lib.distributed.all_reduce(mean, op=lib.distributed.ReduceOp.AVG)
            total = mean.item()
        train_time += elapsed
        steps += batches
        rates.append(batches / elapsed)
        acc = accuracy(lib, model, x_test, y_test)
        if log is not None:
            log(f"  epoch {epoch:3d}/{epochs}  loss {total / batches:.4f}  "
                f"test acc {100 * acc:6.2f}%  {batches / elapsed:7.0f} steps/s")
    # the first epoch also pays one-off costs (kernel compilation or cache
    # loading, first-call set-up), so the steady rate leaves it out
    steady = sorted(rates[1:] or rates)[len(rates[1:] or rates) // 2]
    return {"model": name, "epochs": epochs, "steps": steps, "train_time": train_time,
            "test_accuracy": acc, "steps_per_s": steps / train_time,
            "steady_steps_per_s": steady}
