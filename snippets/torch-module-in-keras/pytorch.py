# The same training in plain PyTorch: the module
# with the same weights, two SGD steps on the same
# batches, mean squared error.
import numpy as np
import torch

rng = np.random.default_rng(0)
x = rng.normal(size=(8, 3)).astype("float32")
y = rng.normal(size=(8, 1)).astype("float32")
w1 = rng.normal(size=(4, 3)).astype("float32")
w2 = rng.normal(size=(1, 4)).astype("float32")

module = torch.nn.Sequential(
    torch.nn.Linear(3, 4), torch.nn.Tanh(),
    torch.nn.Linear(4, 1))
with torch.no_grad():  # fixed weights
    module[0].weight.copy_(torch.from_numpy(w1))
    module[0].bias.zero_()
    module[2].weight.copy_(torch.from_numpy(w2))
    module[2].bias.zero_()

opt = torch.optim.SGD(module.parameters(), lr=0.1)
losses = []
for i in range(0, 8, 4):  # batches of 4, in order
    xb = torch.from_numpy(x[i:i + 4])
    yb = torch.from_numpy(y[i:i + 4])
    opt.zero_grad()
    loss = torch.nn.functional.mse_loss(
        module(xb), yb)
    loss.backward()
    opt.step()
    losses.append(loss.item())

mean_loss = float(np.mean(losses))
weights = [p.detach().tolist()
           for p in module.parameters()]
print("mean loss of the 2 steps:",
      round(mean_loss, 6))
print("after 2 SGD steps, first weight row:",
      np.round(weights[0][0], 6).tolist())

RESULT = {"loss": mean_loss, "weights": weights}
