# PyTorch saves a state_dict (weights only); the
# model's code must exist wherever it is loaded,
# and only PyTorch reads the file.
import os
import tempfile
import numpy as np
import torch

rng = np.random.default_rng(0)
x = rng.normal(size=(4, 3)).astype("float32")
model = torch.nn.Sequential(
    torch.nn.Linear(3, 5), torch.nn.ReLU(),
    torch.nn.Linear(5, 2))
shapes = [(3, 5), (5,), (5, 2), (2,)]  # Keras order
ws = [rng.normal(size=s).astype("float32")
      for s in shapes]
with torch.no_grad():
    for p, w in zip(model.parameters(), ws):
        p.copy_(torch.from_numpy(w.T.copy()))
path = os.path.join(tempfile.mkdtemp(), "m.pt")
torch.save(model.state_dict(), path)

again = torch.nn.Sequential(  # rebuilt in code
    torch.nn.Linear(3, 5), torch.nn.ReLU(),
    torch.nn.Linear(5, 2))
again.load_state_dict(torch.load(path))
with torch.no_grad():
    mine = model(torch.from_numpy(x))
    theirs = again(torch.from_numpy(x))
same = bool(torch.equal(mine, theirs))
print("reloaded in PyTorch: same output:", same)

RESULT = {"output": mine.tolist(),
          "loads_elsewhere": same}
