# Save and restore weights the recommended PyTorch way: torch.save(model.state_dict()) and
# load_state_dict(torch.load(...)); torch.load only unpickles tensors and plain containers by default.
import numpy as np
import torch
from torch import nn

device = torch.accelerator.current_accelerator().type if torch.accelerator.is_available() else "cpu"
rng = np.random.default_rng(0)
x = torch.tensor(rng.normal(size=(3, 4)), dtype=torch.float32, device=device)
weights = [rng.normal(size=s).astype(np.float32) for s in [(4, 8), (8,), (8, 2), (2,)]]

def make_model():
    return nn.Sequential(nn.Linear(4, 8), nn.ReLU(), nn.Linear(8, 2)).to(device)

model = make_model()
with torch.no_grad():
    for p, w in zip(model.parameters(), weights):
        p.copy_(torch.from_numpy(w.T if w.ndim == 2 else w))   # Linear stores (out, in)
before = model(x).detach()

torch.save(model.state_dict(), "mlp_state.pt")                 # an ordered dict of tensors
restored = make_model()                                        # the class is rebuilt in code
restored.load_state_dict(torch.load("mlp_state.pt", map_location=device))   # weights_only=True default
after = restored(x).detach()
print("keys:", list(restored.state_dict()))
print("equal after reload:", torch.equal(before, after))

torch.save(model, "mlp_full.pt")                               # pickles the whole module object...
try:
    torch.load("mlp_full.pt")                                  # ...which the default refuses to load
except Exception as e:
    print("loading a pickled module:", type(e).__name__)

RESULT = {"before": before.cpu().tolist(), "after": after.cpu().tolist(), "equal": torch.equal(before, after)}
