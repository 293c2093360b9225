# PyTorch's loop takes any iterable of batches: a
# DataLoader over a map-style Dataset, over an
# IterableDataset (a generator), or NumPy slices.
import numpy as np
import torch
from torch.utils.data import (
    DataLoader, IterableDataset, TensorDataset)

rng = np.random.default_rng(0)
x = rng.normal(size=(16, 3)).astype("float32")
y = rng.normal(size=(16, 1)).astype("float32")
w0 = rng.normal(size=(3, 1)).astype("float32")
BATCH = 4


class Stream(IterableDataset):  # a generator
    def __iter__(self):
        for i in range(len(x)):
            yield (torch.from_numpy(x[i]),
                   torch.from_numpy(y[i]))


def numpy_batches():
    for i in range(0, len(x), BATCH):
        yield (torch.from_numpy(x[i:i + BATCH]),
               torch.from_numpy(y[i:i + BATCH]))


sources = {
    "numpy": numpy_batches,
    "DataLoader": lambda: DataLoader(TensorDataset(
        torch.from_numpy(x), torch.from_numpy(y)),
        batch_size=BATCH),
    "generator": lambda: DataLoader(
        Stream(), batch_size=BATCH),
}


def fit(batches):
    model = torch.nn.Linear(3, 1)
    with torch.no_grad():
        model.weight.copy_(
            torch.from_numpy(w0.T))
        model.bias.zero_()
    opt = torch.optim.SGD(
        model.parameters(), lr=0.1)
    for xb, yb in batches:  # one epoch
        opt.zero_grad()
        loss = torch.nn.functional.mse_loss(
            model(xb), yb)
        loss.backward()
        opt.step()
    return [model.weight.detach().T.tolist(),
            model.bias.detach().tolist()]


weights = {}
for name, make in sources.items():
    weights[name] = fit(make())
    print(f"{name:>10}: kernel", np.round(
        weights[name][0], 6).ravel().tolist())
same = all(np.allclose(w[0], weights["numpy"][0])
           for w in weights.values())
print("all three sources give the same weights:",
      same)

kernel, bias = weights["numpy"]
RESULT = {"kernel": kernel, "bias": bias,
          "same": same}
