# Train a small MLP on synthetic regression data with a hand-written loop: fixed batch order,
# identical initial weights from NumPy, plain SGD. PyTorch has no fit(); the loop is yours.
import numpy as np
import torch
from torch import nn
from torch.utils.data import DataLoader, TensorDataset

device = torch.accelerator.current_accelerator().type if torch.accelerator.is_available() else "cpu"
rng = np.random.default_rng(0)
X = rng.standard_normal((64, 3)).astype(np.float32)
Y = (X @ np.array([[1.5], [-2.0], [0.5]]) + 0.3 + 0.1 * rng.standard_normal((64, 1))).astype(np.float32)
W1, b1 = (0.5 * rng.standard_normal((3, 8))).astype(np.float32), np.zeros(8, np.float32)
W2, b2 = (0.5 * rng.standard_normal((8, 1))).astype(np.float32), np.zeros(1, np.float32)

model = nn.Sequential(nn.Linear(3, 8), nn.Tanh(), nn.Linear(8, 1))
with torch.no_grad():
    for layer, W, b in [(model[0], W1, b1), (model[2], W2, b2)]:
        layer.weight.copy_(torch.from_numpy(W.T))
        layer.bias.copy_(torch.from_numpy(b))
model = model.to(device)

loader = DataLoader(TensorDataset(torch.from_numpy(X), torch.from_numpy(Y)), batch_size=16, shuffle=False)
optimizer = torch.optim.SGD(model.parameters(), lr=0.05)
loss_fn = nn.MSELoss()
epoch_losses = []
for epoch in range(30):
    model.train()
    batch_losses = []
    for xb, yb in loader:
        xb, yb = xb.to(device), yb.to(device)
        optimizer.zero_grad()
        loss = loss_fn(model(xb), yb)
        loss.backward()
        optimizer.step()
        batch_losses.append(loss.item())
    epoch_losses.append(float(np.mean(batch_losses)))   # equal batch sizes: matches Keras' epoch loss

model.eval()
with torch.inference_mode():
    final_loss = loss_fn(model(torch.from_numpy(X).to(device)), torch.from_numpy(Y).to(device)).item()
print(f"epoch 1 loss: {epoch_losses[0]:.5f}  epoch 30 loss: {epoch_losses[-1]:.5f}")
print(f"final full-data MSE: {final_loss:.5f}")

RESULT = {"first_epoch_loss": epoch_losses[0], "last_epoch_loss": epoch_losses[-1], "final_loss": final_loss,
          "output_bias": model[2].bias.item()}
