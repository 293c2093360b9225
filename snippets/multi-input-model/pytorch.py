# A model with two inputs: each input has its own Dense branch, the branches are concatenated,
# and a final linear layer produces one output. In PyTorch, extra inputs are just extra forward() arguments.
import numpy as np
import torch
from torch import nn

device = torch.accelerator.current_accelerator().type if torch.accelerator.is_available() else "cpu"
rng = np.random.default_rng(0)
f32 = lambda *shape: rng.standard_normal(shape).astype(np.float32)
Wa, ba, Wb, bb, Wo, bo = f32(4, 6), f32(6), f32(3, 6), f32(6), f32(12, 1), f32(1)
A, B = f32(5, 4), f32(5, 3)

class TwoInputNet(nn.Module):
    def __init__(self):
        super().__init__()
        self.branch_a = nn.Linear(4, 6)
        self.branch_b = nn.Linear(3, 6)
        self.head = nn.Linear(12, 1)

    def forward(self, a, b):
        h = torch.cat([torch.relu(self.branch_a(a)), torch.relu(self.branch_b(b))], dim=-1)
        return self.head(h)

model = TwoInputNet()
with torch.no_grad():
    for layer, (W, b) in [(model.branch_a, (Wa, ba)), (model.branch_b, (Wb, bb)), (model.head, (Wo, bo))]:
        layer.weight.copy_(torch.from_numpy(W.T))   # nn.Linear weight is (out, in)
        layer.bias.copy_(torch.from_numpy(b))
model = model.to(device).eval()

with torch.inference_mode():
    y = model(torch.from_numpy(A).to(device), torch.from_numpy(B).to(device))
print("output shape:", tuple(y.shape))
print("outputs:", np.round(y.cpu().double().numpy().ravel(), 5).tolist())

RESULT = {"output": y.cpu().tolist()}
