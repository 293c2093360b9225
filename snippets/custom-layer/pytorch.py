# A custom layer y = ((x - mean) @ W + b) * exp(log_scale) with trainable nn.Parameters and a
# non-trainable buffer (saved in state_dict, ignored by optimizers).
import numpy as np
import torch
from torch import nn

device = torch.accelerator.current_accelerator().type if torch.accelerator.is_available() else "cpu"
rng = np.random.default_rng(0)
W = rng.standard_normal((3, 4)).astype(np.float32)
b = rng.standard_normal(4).astype(np.float32)
X = rng.standard_normal((5, 3)).astype(np.float32)

class ScaledDense(nn.Module):
    def __init__(self, in_features, units):
        super().__init__()
        self.kernel = nn.Parameter(torch.zeros(in_features, units))
        self.bias = nn.Parameter(torch.zeros(units))
        self.log_scale = nn.Parameter(torch.tensor(0.0))
        self.register_buffer("mean", torch.zeros(in_features))   # state, not a parameter

    def forward(self, x):
        return ((x - self.mean) @ self.kernel + self.bias) * torch.exp(self.log_scale)

layer = ScaledDense(3, 4)
with torch.no_grad():
    layer.kernel.copy_(torch.from_numpy(W))
    layer.bias.copy_(torch.from_numpy(b))
    layer.log_scale.fill_(0.5)
    layer.mean.copy_(torch.from_numpy(X.mean(axis=0)))
layer = layer.to(device)

y = layer(torch.from_numpy(X).to(device))
trainable = sum(p.numel() for p in layer.parameters() if p.requires_grad)
non_trainable = sum(buf.numel() for buf in layer.buffers())
print("parameters:", [name for name, _ in layer.named_parameters()], "| buffers:", [n for n, _ in layer.named_buffers()])
print("trainable:", trainable, "| non-trainable:", non_trainable, "| output shape:", tuple(y.shape))

RESULT = {"trainable_params": trainable, "non_trainable_params": non_trainable, "output": y.detach().cpu().tolist()}
