# Gradient of a scalar function f(x) = sum(x^2 * sin(x)) with autograd: mark the input with
# requires_grad, compute f, call .backward(), and read x.grad.
import numpy as np
import torch

device = torch.accelerator.current_accelerator().type if torch.accelerator.is_available() else "cpu"
x_np = np.random.default_rng(0).standard_normal(5).astype(np.float32)

x = torch.tensor(x_np, device=device, requires_grad=True)
y = torch.sum(x**2 * torch.sin(x))   # the graph is recorded as the code runs
y.backward()                         # fills x.grad (it accumulates if called again)
grad = x.grad

analytic = 2 * x_np * np.sin(x_np) + x_np**2 * np.cos(x_np)
print("f(x) =", y.item())
print("df/dx =", grad.tolist())
print("matches analytic derivative:", np.allclose(grad.cpu().numpy(), analytic, rtol=1e-5, atol=1e-6))

RESULT = {"value": y.item(), "grad": grad.tolist()}
