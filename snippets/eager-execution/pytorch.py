# Eager execution: every torch operation runs immediately and returns a concrete tensor,
# so you can print intermediate values and branch on them with ordinary Python.
import numpy as np
import torch

device = torch.accelerator.current_accelerator().type if torch.accelerator.is_available() else "cpu"
x = torch.tensor(np.random.default_rng(0).normal(size=(3, 4)), dtype=torch.float32, device=device)
h = x @ x.T                      # computed right now
print("type(h) =", type(h).__name__)
print(h)

total = 0.0
for row in h:                    # plain Python loop over a tensor
    s = row.sum()
    if s > 0:                    # Python `if` on a concrete value
        total += s.item()
    else:
        total -= s.item()
print("total =", total)

RESULT = {"h": h.cpu().tolist(), "total": total}
