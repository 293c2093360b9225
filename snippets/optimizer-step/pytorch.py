# One Adam step on a small MLP from identical NumPy weights and data: zero_grad, backward, step.
# eps is set to Keras' default (1e-7) because PyTorch's default is 1e-8.
import numpy as np
import torch
from torch import nn

device = torch.accelerator.current_accelerator().type if torch.accelerator.is_available() else "cpu"
rng = np.random.default_rng(0)
f32 = lambda *shape: rng.standard_normal(shape).astype(np.float32)
W1, b1, W2, b2 = f32(4, 8), f32(8), f32(8, 1), f32(1)
X, Y = f32(16, 4), f32(16, 1)

model = nn.Sequential(nn.Linear(4, 8), nn.ReLU(), nn.Linear(8, 1))
with torch.no_grad():
    for layer, W, b in [(model[0], W1, b1), (model[2], W2, b2)]:
        layer.weight.copy_(torch.from_numpy(W.T))     # nn.Linear weight is (out, in)
        layer.bias.copy_(torch.from_numpy(b))
model = model.to(device)
x, y = torch.from_numpy(X).to(device), torch.from_numpy(Y).to(device)

optimizer = torch.optim.Adam(model.parameters(), lr=0.01, betas=(0.9, 0.999), eps=1e-7)
optimizer.zero_grad()                                  # gradients accumulate unless cleared
loss = nn.functional.mse_loss(model(x), y)
loss.backward()
optimizer.step()

with torch.inference_mode():
    loss_after = nn.functional.mse_loss(model(x), y).item()
print(f"loss before: {loss.item():.6f}  after one step: {loss_after:.6f}")
print("W2 after step:", np.round(model[2].weight.detach().cpu().double().numpy().ravel(), 5).tolist())

t = lambda p: p.detach().cpu().numpy()
RESULT = {"loss_before": loss.item(), "loss_after": loss_after,
          "W1": t(model[0].weight).T.tolist(), "b1": t(model[0].bias).tolist(),
          "W2": t(model[2].weight).T.tolist(), "b2": t(model[2].bias).tolist()}
