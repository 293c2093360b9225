# torch.export captures a model ahead of time into an ExportedProgram: a Python-free graph of
# ATen ops with explicit dynamic dimensions, saved as .pt2 (TorchScript is deprecated in its favour).
import numpy as np
import torch
from torch import nn

device = torch.accelerator.current_accelerator().type if torch.accelerator.is_available() else "cpu"
rng = np.random.default_rng(0)
x = torch.tensor(rng.normal(size=(3, 4)), dtype=torch.float32, device=device)
weights = [rng.normal(size=s).astype(np.float32) for s in [(4, 8), (8,), (8, 2), (2,)]]

model = nn.Sequential(nn.Linear(4, 8), nn.ReLU(), nn.Linear(8, 2)).to(device).eval()
with torch.no_grad():
    for p, w in zip(model.parameters(), weights):
        p.copy_(torch.from_numpy(w.T if w.ndim == 2 else w))   # Linear stores (out, in)
with torch.inference_mode():
    original = model(x)

batch = torch.export.Dim("batch")                              # without it the batch size is fixed
program = torch.export.export(model, (x,), dynamic_shapes=({0: batch},))
print("ops:", [str(n.target) for n in program.graph.nodes if n.op == "call_function"])
torch.export.save(program, "mlp.pt2")

reloaded = torch.export.load("mlp.pt2")                        # no Python model class needed
with torch.inference_mode():
    exported = reloaded.module()(x)
print("original:", original.tolist())
print("exported:", exported.tolist())
match = torch.allclose(original, exported, atol=1e-5)
print("artefact matches model:", match)

RESULT = {"original": original.cpu().tolist(), "exported": exported.cpu().tolist(), "match": match}
