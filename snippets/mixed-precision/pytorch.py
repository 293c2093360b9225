# torch.autocast runs eligible ops (matmul, linear, conv...) in bfloat16 while the parameters
# stay float32; on CUDA, float16 also works but then needs a torch.amp.GradScaler for training.
import numpy as np
import torch

device = torch.accelerator.current_accelerator().type if torch.accelerator.is_available() else "cpu"
rng = np.random.default_rng(0)
x = torch.tensor(rng.normal(size=(3, 4)), dtype=torch.float32, device=device)
layer = torch.nn.Linear(4, 2).to(device)
with torch.no_grad():
    layer.weight.copy_(torch.from_numpy(rng.normal(size=(2, 4)).astype(np.float32)))
    layer.bias.copy_(torch.from_numpy(rng.normal(size=2).astype(np.float32)))

with torch.autocast(device_type=device, dtype=torch.bfloat16):
    y = layer(x)                                 # computed in bfloat16
y.float().sum().backward()
print("param dtype:", layer.weight.dtype, "| output dtype:", y.dtype,
      "| grad dtype:", layer.weight.grad.dtype)
print("y:", y.float().tolist())
print("max |error| vs float32:", float((y.float() - layer(x)).abs().max()))

RESULT = {"variable_dtype": str(layer.weight.dtype).removeprefix("torch."),
          "compute_dtype": str(y.dtype).removeprefix("torch."), "y": y.float().tolist()}
