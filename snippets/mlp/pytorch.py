# A two-layer MLP (4 -> 8 -> 3) as an nn.Module, loaded with weights created in NumPy.
# nn.Linear stores its weight as (out_features, in_features), so the NumPy (in, out) matrices are transposed.
import numpy as np
import torch
from torch import nn

device = torch.accelerator.current_accelerator().type if torch.accelerator.is_available() else "cpu"
rng = np.random.default_rng(0)
W1, b1 = rng.standard_normal((4, 8)).astype(np.float32), rng.standard_normal(8).astype(np.float32)
W2, b2 = rng.standard_normal((8, 3)).astype(np.float32), rng.standard_normal(3).astype(np.float32)
X = rng.standard_normal((5, 4)).astype(np.float32)

class MLP(nn.Module):
    def __init__(self):
        super().__init__()
        self.hidden = nn.Linear(4, 8)
        self.out = nn.Linear(8, 3)

    def forward(self, x):
        return self.out(torch.relu(self.hidden(x)))

model = MLP()
with torch.no_grad():                        # copying into parameters must not be recorded by autograd
    model.hidden.weight.copy_(torch.from_numpy(W1.T))
    model.hidden.bias.copy_(torch.from_numpy(b1))
    model.out.weight.copy_(torch.from_numpy(W2.T))
    model.out.bias.copy_(torch.from_numpy(b2))
model = model.to(device).eval()

with torch.inference_mode():                 # inference only: no autograd bookkeeping at all
    y = model(torch.from_numpy(X).to(device))
n_params = sum(p.numel() for p in model.parameters())
print(model)
print("parameters:", n_params, "| output shape:", tuple(y.shape))
print("first row:", np.round(y[0].cpu().double().numpy(), 5).tolist())

RESULT = {"n_params": n_params, "output": y.cpu().tolist()}
