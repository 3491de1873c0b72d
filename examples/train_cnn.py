# The shape of PyTorch's MNIST example (pytorch/examples, mnist/main.py) on
# 8x8 inputs: a CNN with batch norm, dropout and max pooling, Xavier init
# through Module.apply, random_split into training and validation sets, SGD
# with momentum under a StepLR schedule, and the validation loss and accuracy
# after each epoch. Only the import lines name jitgrad.
import jitgrad as torch
import jitgrad.nn as nn
import jitgrad.nn.functional as F
from jitgrad.utils.data import DataLoader, TensorDataset, random_split


class Net(nn.Module):
    def __init__(self):
        super().__init__()
        self.conv1 = nn.Conv2d(1, 8, 3, 1)
        self.bn = nn.BatchNorm2d(8)
        self.dropout = nn.Dropout(0.25)
        self.fc1 = nn.Linear(8 * 3 * 3, 32)
        self.fc2 = nn.Linear(32, 4)

    def forward(self, x):
        x = F.relu(self.bn(self.conv1(x)))
        x = F.max_pool2d(x, 2)
        x = self.dropout(x)
        x = torch.flatten(x, 1)
        x = F.relu(self.fc1(x))
        return F.log_softmax(self.fc2(x), dim=1)


def init_weights(m):
    if isinstance(m, nn.Linear):
        nn.init.xavier_uniform_(m.weight)
        nn.init.zeros_(m.bias)


torch.manual_seed(0)
device = torch.device("cuda" if torch.cuda.is_available() else "cpu")
X = torch.randn(600, 1, 8, 8)
# four classes: which quadrant of the image is brightest
quadrants = torch.stack([X[:, 0, :4, :4].sum((1, 2)), X[:, 0, :4, 4:].sum((1, 2)),
                         X[:, 0, 4:, :4].sum((1, 2)), X[:, 0, 4:, 4:].sum((1, 2))], dim=1)
Y = quadrants.argmax(dim=1)
train_set, val_set = random_split(TensorDataset(X, Y), [500, 100],
                                  generator=torch.Generator().manual_seed(42))

model = Net().to(device)
model.apply(init_weights)
print(f"parameters: {sum(p.numel() for p in model.parameters() if p.requires_grad)}")
optimizer = torch.optim.SGD(model.parameters(), lr=0.05, momentum=0.9)
scheduler = torch.optim.lr_scheduler.StepLR(optimizer, step_size=1, gamma=0.7)
train_loader = DataLoader(train_set, batch_size=32, shuffle=True)
val_loader = DataLoader(val_set, batch_size=50)

for epoch in range(1, 5):
    model.train()
    for data, target in train_loader:
        data, target = data.to(device), target.to(device)
        optimizer.zero_grad()
        loss = F.nll_loss(model(data), target)
        loss.backward()
        optimizer.step()
    scheduler.step()
    model.eval()
    val_loss, correct = 0.0, 0
    with torch.no_grad():
        for data, target in val_loader:
            output = model(data)
            val_loss += F.nll_loss(output, target, reduction="sum").item()
            pred = output.argmax(dim=1, keepdim=True)
            correct += pred.eq(target.view_as(pred)).sum().item()
    print(f"epoch {epoch}: validation loss {val_loss / len(val_set):.4f}, "
          f"accuracy {correct}/{len(val_set)}, lr {scheduler.get_last_lr()[0]:.4f}")
