# One model, five kinds of input to fit(): NumPy
# arrays, tf.data, a torch DataLoader, a PyDataset
# and a Python generator, on whichever backend runs.
import numpy as np
import keras
import tensorflow as tf
import torch

rng = np.random.default_rng(0)
x = rng.normal(size=(16, 3)).astype("float32")
y = rng.normal(size=(16, 1)).astype("float32")
w0 = rng.normal(size=(3, 1)).astype("float32")
BATCH = 4


class Batches(keras.utils.PyDataset):
    def __len__(self):
        return len(x) // BATCH

    def __getitem__(self, i):
        s = slice(i * BATCH, (i + 1) * BATCH)
        return x[s], y[s]


def generator():
    for i in range(0, len(x), BATCH):
        yield x[i:i + BATCH], y[i:i + BATCH]


pairs = torch.utils.data.TensorDataset(
    torch.from_numpy(x), torch.from_numpy(y))
sources = {
    "numpy": (x, y),
    "tf.data": tf.data.Dataset.from_tensor_slices(
        (x, y)).batch(BATCH),
    "DataLoader": torch.utils.data.DataLoader(
        pairs, batch_size=BATCH),
    "PyDataset": Batches(),
    "generator": generator(),
}


def fit(data):
    model = keras.Sequential(
        [keras.Input((3,)), keras.layers.Dense(1)])
    model.set_weights([w0, np.zeros(1, "float32")])
    model.compile(keras.optimizers.SGD(0.1), "mse")
    if not isinstance(data, tuple):
        data = (data,)  # yields (x, y) batches
    # shuffle=True, the default, would reorder
    # the arrays' samples and the PyDataset's
    # batches
    batch = None if len(data) == 1 else BATCH
    model.fit(*data, batch_size=batch,
              shuffle=False, verbose=0)
    return [w.tolist() for w in model.get_weights()]


print("backend:", keras.backend.backend())
weights = {}
for name, data in sources.items():
    weights[name] = fit(data)
    print(f"{name:>10}: kernel", np.round(
        weights[name][0], 6).ravel().tolist())
same = all(np.allclose(w[0], weights["numpy"][0])
           for w in weights.values())
print("all five sources give the same weights:",
      same)

kernel, bias = weights["numpy"]
RESULT = {"kernel": kernel, "bias": bias,
          "same": same}
