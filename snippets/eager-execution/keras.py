# Keras 3 ops run eagerly on whichever backend is active (TensorFlow, PyTorch or JAX):
# each call returns a concrete backend tensor you can print and branch on.
import numpy as np
import keras
from keras import ops

print("backend:", keras.backend.backend())
x = ops.convert_to_tensor(np.random.default_rng(0).normal(size=(3, 4)), dtype="float32")
h = ops.matmul(x, ops.transpose(x))       # computed right now
print("type(h) =", type(h).__name__)
print(ops.convert_to_numpy(h))

total = 0.0
for i in range(h.shape[0]):               # plain Python loop
    s = float(ops.sum(h[i]))
    if s > 0:                             # Python `if` on a concrete value
        total += s
    else:
        total -= s
print("total =", total)

RESULT = {"h": ops.convert_to_numpy(h).tolist(), "total": total}
