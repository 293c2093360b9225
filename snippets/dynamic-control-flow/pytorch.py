# PyTorch's "dynamic graph": the loop and branch below are ordinary Python, decided by
# tensor values at run time; autograd records whatever path was actually taken.
import numpy as np
import torch

device = torch.accelerator.current_accelerator().type if torch.accelerator.is_available() else "cpu"
x = torch.tensor(np.random.default_rng(0).normal(size=4) * 5, dtype=torch.float32, device=device)
x.requires_grad_()

def f(x):
    steps = 0
    while torch.linalg.norm(x) > 1.0:     # data-dependent number of iterations
        x = x / 2
        steps += 1
    if x.sum() > 0:                        # data-dependent branch
        y = x * steps
    else:
        y = -x
    return y, steps

y, steps = f(x)
y.sum().backward()                         # gradient through the path that ran
print("steps:", steps)
print("y:", y.tolist())
print("dy/dx:", x.grad.tolist())

RESULT = {"steps": steps, "y": y.tolist()}
