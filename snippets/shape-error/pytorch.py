# A shape error in PyTorch: multiplying a (2, 3) matrix by a (4, 5) matrix raises immediately,
# at the line that does it, because PyTorch runs eagerly.
import numpy as np
import torch

device = torch.accelerator.current_accelerator().type if torch.accelerator.is_available() else "cpu"
rng = np.random.default_rng(0)
a = torch.from_numpy(rng.normal(size=(2, 3)).astype("float32")).to(device)
b = torch.from_numpy(rng.normal(size=(4, 5)).astype("float32")).to(device)
print("a:", tuple(a.shape), " b:", tuple(b.shape))
print("a @ b needs a.shape[1] == b.shape[0]: 3 != 4, so this raises:")
c = a @ b  # RuntimeError: mat1 and mat2 shapes cannot be multiplied (2x3 and 4x5)
RESULT = list(c.shape)  # never reached
