# PyTorch placement is explicit: tensors and modules live where you create or .to() them,
# and every operand of an op must be on the same device.
import numpy as np
import torch

device = torch.accelerator.current_accelerator().type if torch.accelerator.is_available() else "cpu"
print("accelerator available:", torch.accelerator.is_available(), "| using:", device)  # cuda, mps, xpu... or cpu
rng = np.random.default_rng(0)
x_host = torch.tensor(rng.normal(size=(3, 4)), dtype=torch.float32)   # created on the CPU
layer = torch.nn.Linear(4, 2)
with torch.no_grad():
    layer.weight.copy_(torch.from_numpy(rng.normal(size=(2, 4)).astype(np.float32)))
    layer.bias.zero_()

x = x_host.to(device)                          # explicit copy to the accelerator (no-op on CPU)
layer = layer.to(device)                       # moves the parameters in place
with torch.inference_mode():                   # no autograd bookkeeping for pure inference
    y = torch.relu(layer(x))
print("x on", x.device, "| weight on", layer.weight.device, "| y on", y.device)
y_host = y.cpu()                               # back to host memory before .numpy()/.tolist()
print("y:", y_host.tolist())

RESULT = y_host.tolist()
