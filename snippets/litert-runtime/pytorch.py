# PyTorch models reach LiteRT through Google's litert-torch package (formerly ai-edge-torch), which converts
# a torch.export graph to a .tflite file. It is not installed here (see the explanation), so this run checks
# that the import fails; the lines after it follow litert-torch 0.10's API and are not executed by this site.
import numpy as np
import torch
from torch import nn

rng = np.random.default_rng(0)
x = torch.tensor(rng.normal(size=(3, 4)), dtype=torch.float32)
weights = [rng.normal(size=s).astype(np.float32) for s in [(4, 8), (8,), (8, 2), (2,)]]

model = nn.Sequential(nn.Linear(4, 8), nn.ReLU(), nn.Linear(8, 2)).eval()
with torch.no_grad():
    for p, w in zip(model.parameters(), weights):
        p.copy_(torch.from_numpy(w.T if w.ndim == 2 else w))   # Linear stores (out, in)
with torch.inference_mode():
    eager = model(x).numpy()
print("eager:", eager.tolist())

import litert_torch                                            # pip install litert-torch

edge_model = litert_torch.convert(model, (x,))                 # runs the .tflite model through LiteRT
litert = edge_model(x)
edge_model.export("mlp.tflite")
match = bool(np.allclose(litert, eager, atol=1e-5))
print("LiteRT output matches eager:", match)

RESULT = {"litert": litert.tolist(), "matches_eager": match}
