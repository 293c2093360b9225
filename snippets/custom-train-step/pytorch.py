# In PyTorch the training step is always yours:
# compute the loss (MSE + an L2 penalty written
# out), backward(), step the optimiser.
import numpy as np
import torch

rng = np.random.default_rng(0)
x = rng.normal(size=(16, 3)).astype("float32")
y = rng.normal(size=(16, 1)).astype("float32")
x, y = torch.from_numpy(x), torch.from_numpy(y)
w0 = rng.normal(size=(3, 1)).astype("float32")
L2 = 0.01

model = torch.nn.Linear(3, 1)
with torch.no_grad():
    model.weight.copy_(torch.from_numpy(w0.T))
    model.bias.zero_()
opt = torch.optim.SGD(model.parameters(), lr=0.1)


def train_step(xb, yb):
    opt.zero_grad()
    mse = torch.mean((model(xb) - yb) ** 2)
    loss = mse + L2 * model.weight.square().sum()
    loss.backward()
    opt.step()
    return loss.item()


for epoch in range(2):  # 2 batches of 8 each
    for i in range(0, 16, 8):
        loss = train_step(x[i:i + 8], y[i:i + 8])
kernel = model.weight.detach().T.tolist()
print("kernel after 4 steps:",
      np.round(kernel, 6).ravel().tolist())

RESULT = {"kernel": kernel,
          "bias": model.bias.detach().tolist()}
