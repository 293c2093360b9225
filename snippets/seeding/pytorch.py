# Seeding in PyTorch: the same seed gives the same random numbers and the same initial weights.
# torch.use_deterministic_algorithms(True) additionally makes ops pick deterministic kernels (or raise).
import torch

device = torch.accelerator.current_accelerator().type if torch.accelerator.is_available() else "cpu"
torch.use_deterministic_algorithms(True)


def draw(seed):
    torch.manual_seed(seed)  # seeds the CPU and every CUDA generator
    x = torch.randn(3, 4, device=device)  # random data
    layer = torch.nn.Linear(4, 2).to(device)  # random initial weights
    return layer(x).detach()


a, b, c = draw(42), draw(42), draw(7)
print("seed 42 twice, identical:", torch.equal(a, b))
print("seed 42 vs seed 7, identical:", torch.equal(a, c))
print("output shape:", tuple(a.shape))
RESULT = {"same_seed_identical": torch.equal(a, b), "other_seed_differs": not torch.equal(a, c),
          "shape": list(a.shape)}
