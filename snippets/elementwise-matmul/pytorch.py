# Elementwise arithmetic versus matrix multiplication on the same seeded inputs.
# `*` is elementwise, `@` (torch.matmul) is the matrix product; mixed int/float operands are promoted.
import numpy as np
import torch

device = torch.accelerator.current_accelerator().type if torch.accelerator.is_available() else "cpu"
rng = np.random.default_rng(0)
a = torch.tensor(rng.standard_normal((3, 4)), dtype=torch.float32, device=device)
b = torch.tensor(rng.standard_normal((3, 4)), dtype=torch.float32, device=device)
w = torch.tensor(rng.standard_normal((4, 2)), dtype=torch.float32, device=device)

added = a + b                       # torch.add
product = a * b                     # torch.mul, elementwise
activated = torch.relu(a).exp()     # unary ops chain as methods or functions
matmul = a @ w                      # torch.matmul: (3, 4) @ (4, 2) -> (3, 2)
print("a * b shape:", tuple(product.shape), "| a @ w shape:", tuple(matmul.shape))

counts = torch.tensor([1, 2, 3], device=device)            # int64
mixed = counts * torch.tensor([0.5, 0.5, 0.5], device=device)
print("int64 * float32 ->", mixed.dtype, mixed.tolist())   # promoted automatically

RESULT = {
    "add_sum": added.sum().item(),
    "mul": product.tolist(),
    "relu_exp_sum": activated.sum().item(),
    "matmul": matmul.tolist(),
    "mixed": mixed.tolist(),
}
print("a @ w =", np.round(matmul.cpu().double().numpy(), 4).tolist())
