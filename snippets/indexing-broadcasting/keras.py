# Indexing, slicing, boolean masks and broadcasting with backend tensors and keras.ops.
# Updates are written functionally (ops.scatter_update, ops.where) so they work on every backend, including JAX.
import numpy as np
import keras
from keras import ops

x = ops.reshape(ops.arange(12, dtype="float32"), (3, 4))
bias = ops.convert_to_tensor(np.random.default_rng(0).standard_normal(4), dtype="float32")

row = x[1]                   # basic indexing and slicing work on every backend's tensor
block = x[:, 1:3]
every_other = x[-1, ::2]
masked = x[x > 5]            # data-dependent shape: fine eagerly, not under jax.jit
shifted = ops.add(x, bias)               # (3, 4) + (4,)
scaled = ops.multiply(x, x[:, :1])       # (3, 4) * (3, 1)
print("backend:", keras.backend.backend())
print("block:", ops.convert_to_numpy(block).tolist())
print("masked:", ops.convert_to_numpy(masked).tolist())
print("broadcast shapes:", tuple(shifted.shape), tuple(scaled.shape))

updated = ops.scatter_update(x, indices=[[0, 0]], updates=[-1.0])  # returns a new tensor
updated = ops.where(updated > 9, 0.0, updated)
print("updated:", ops.convert_to_numpy(updated).tolist())

to_list = lambda t: ops.convert_to_numpy(t).tolist()
RESULT = {
    "row": to_list(row),
    "block": to_list(block),
    "every_other": to_list(every_other),
    "masked": to_list(masked),
    "shifted": to_list(shifted),
    "scaled": to_list(scaled),
    "updated": to_list(updated),
}
