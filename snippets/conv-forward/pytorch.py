# Conv2d + ReLU + max-pool forward pass. PyTorch images are NCHW and conv weights OIHW,
# so the shared NHWC input and HWIO kernel are transposed on the way in (and back out).
import numpy as np
import torch
from torch import nn

device = torch.accelerator.current_accelerator().type if torch.accelerator.is_available() else "cpu"
rng = np.random.default_rng(0)
x_nhwc = rng.normal(size=(2, 8, 8, 2)).astype(np.float32)   # batch, height, width, channels
w_hwio = rng.normal(size=(3, 3, 2, 4)).astype(np.float32)   # kh, kw, in, out
b = rng.normal(size=4).astype(np.float32)

model = nn.Sequential(nn.Conv2d(2, 4, kernel_size=3), nn.ReLU(), nn.MaxPool2d(2)).to(device)
with torch.no_grad():
    model[0].weight.copy_(torch.from_numpy(w_hwio.transpose(3, 2, 0, 1)))  # HWIO -> OIHW
    model[0].bias.copy_(torch.from_numpy(b))

x = torch.from_numpy(x_nhwc.transpose(0, 3, 1, 2)).to(device)              # NHWC -> NCHW
with torch.inference_mode():                                              # inference only
    y = model(x)
print("weight shape (O, I, H, W):", tuple(model[0].weight.shape))
print("output shape (N, C, H, W):", tuple(y.shape))
y_nhwc = y.permute(0, 2, 3, 1).cpu()                                      # back to NHWC to compare
print("sum:", float(y_nhwc.sum()))

RESULT = {"shape": list(y_nhwc.shape), "y": y_nhwc.tolist()}
