# Indexing, slicing, boolean masks and broadcasting; PyTorch tensors can also be updated in place.
import numpy as np
import torch

device = torch.accelerator.current_accelerator().type if torch.accelerator.is_available() else "cpu"
x = torch.arange(12, dtype=torch.float32, device=device).reshape(3, 4)
bias = torch.tensor(np.random.default_rng(0).standard_normal(4), dtype=torch.float32, device=device)

row = x[1]                   # second row, shape (4,)
block = x[:, 1:3]            # all rows, columns 1-2, shape (3, 2)
every_other = x[-1, ::2]     # last row, every second column
masked = x[x > 5]            # boolean mask -> 1-D tensor of the selected values
shifted = x + bias           # (3, 4) + (4,)   -> bias added to every row
scaled = x * x[:, :1]        # (3, 4) * (3, 1) -> each row times its first element
print("block:", block.tolist())
print("masked:", masked.tolist())
print("broadcast shapes:", tuple(shifted.shape), tuple(scaled.shape))

updated = x.clone()
updated[0, 0] = -1.0         # in-place item assignment
updated[updated > 9] = 0.0   # in-place masked assignment
print("updated:", updated.tolist())

RESULT = {
    "row": row.tolist(),
    "block": block.tolist(),
    "every_other": every_other.tolist(),
    "masked": masked.tolist(),
    "shifted": shifted.tolist(),
    "scaled": scaled.tolist(),
    "updated": updated.tolist(),
}
