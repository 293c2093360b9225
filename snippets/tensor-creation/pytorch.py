# Create tensors from Python lists and NumPy arrays, inspect dtypes, and convert back to NumPy.
# torch.tensor() copies its input; torch.from_numpy() shares memory with the NumPy array.
import numpy as np
import torch

device = torch.accelerator.current_accelerator().type if torch.accelerator.is_available() else "cpu"

ints = torch.tensor([[1, 2, 3], [4, 5, 6]], device=device)    # Python ints -> int64
floats = torch.tensor([0.5, 1.5], device=device)              # Python floats -> float32
print("from list:", ints.dtype, floats.dtype)

a = np.random.default_rng(0).standard_normal((2, 3)).astype(np.float32)
copied = torch.tensor(a)        # copies the data
shared = torch.from_numpy(a)    # shares memory (CPU only)
original = a.copy()
a[0, 0] = 100.0                 # mutate the NumPy array afterwards
print("torch.tensor sees the change:", copied[0, 0].item() == 100.0)
print("torch.from_numpy sees the change:", shared[0, 0].item() == 100.0)

x = copied.to(device)
back = x.cpu().numpy()          # .numpy() needs a CPU tensor; on CPU it shares storage
print("back to NumPy:", type(back).__name__, back.dtype, back.shape)
print("float64 array keeps its dtype:", torch.from_numpy(np.zeros(2)).dtype)

RESULT = {
    "ints": ints.tolist(),
    "float_dtype": str(floats.dtype).removeprefix("torch."),
    "copy_unchanged": bool(np.array_equal(back, original)),
    "values": back.tolist(),
    "shape": list(back.shape),
}
