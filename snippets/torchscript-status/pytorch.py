# TorchScript is deprecated: in PyTorch 2.15 torch.jit.script/trace/save/load still work but emit a
# FutureWarning that points to torch.compile (speed) and torch.export (whole-graph capture and saving).
import warnings

import numpy as np
import torch

device = torch.accelerator.current_accelerator().type if torch.accelerator.is_available() else "cpu"
rng = np.random.default_rng(0)
x = torch.from_numpy(rng.normal(size=(3, 4)).astype("float32")).to(device)
w, b = rng.normal(size=(4, 2)).astype("float32"), rng.normal(size=2).astype("float32")
model = torch.nn.Linear(4, 2).to(device).eval()
with torch.no_grad():
    model.weight.copy_(torch.from_numpy(w.T)); model.bias.copy_(torch.from_numpy(b))

with warnings.catch_warnings(record=True) as caught:
    warnings.simplefilter("always")
    scripted = torch.jit.script(model)  # the old way
for warning in caught:
    print(f"{warning.category.__name__}: {warning.message}")

# The replacement: torch.export captures a full graph (ExportedProgram) that can be saved as .pt2.
exported = torch.export.export(model, (x,))
torch.export.save(exported, "linear.pt2")
reloaded = torch.export.load("linear.pt2").module()
with torch.inference_mode():
    y = reloaded(x)
    print("scripted and exported outputs agree:", torch.allclose(scripted(x), y))
print("output:", y.tolist())
RESULT = {"output": y.cpu().tolist()}
