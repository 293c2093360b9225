# Second derivative of f(t) = t^3 * sin(t) and the Jacobian of h(x) = tanh(W x).
# torch.func composes transforms (grad of grad, jacrev); torch.autograd.grad(create_graph=True) is the classic route.
import numpy as np
import torch
from torch.func import grad, jacrev

device = torch.accelerator.current_accelerator().type if torch.accelerator.is_available() else "cpu"
rng = np.random.default_rng(0)
W = torch.tensor(rng.standard_normal((3, 4)), dtype=torch.float32, device=device)
x = torch.tensor(rng.standard_normal(4), dtype=torch.float32, device=device)
t = torch.tensor(0.7, device=device)

def f(t):
    return t**3 * torch.sin(t)

def h(x):
    return torch.tanh(W @ x)

d2f = grad(grad(f))(t)                           # functional: transforms compose
t_req = t.clone().requires_grad_(True)           # classic autograd: keep the graph of the first gradient
(df,) = torch.autograd.grad(f(t_req), t_req, create_graph=True)
(d2f_classic,) = torch.autograd.grad(df, t_req)
J = jacrev(h)(x)                                 # shape (3, 4): d h_i / d x_j

print("f'(0.7) =", df.item(), " f''(0.7) =", d2f.item())
print("both routes agree:", torch.allclose(d2f, d2f_classic))
print("Jacobian shape:", tuple(J.shape))

RESULT = {"first": df.item(), "second": d2f.item(), "jacobian": J.tolist()}
