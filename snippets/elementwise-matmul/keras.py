# Elementwise arithmetic versus matrix multiplication on the same seeded inputs, with keras.ops.
# keras.ops follows NumPy naming and applies Keras' own dtype-promotion rules on every backend.
import numpy as np
import keras
from keras import ops

rng = np.random.default_rng(0)
a = ops.convert_to_tensor(rng.standard_normal((3, 4)), dtype="float32")
b = ops.convert_to_tensor(rng.standard_normal((3, 4)), dtype="float32")
w = ops.convert_to_tensor(rng.standard_normal((4, 2)), dtype="float32")

added = ops.add(a, b)
product = ops.multiply(a, b)        # elementwise
activated = ops.exp(ops.relu(a))
matmul = ops.matmul(a, w)           # (3, 4) @ (4, 2) -> (3, 2)
print("backend:", keras.backend.backend())
print("a * b shape:", tuple(product.shape), "| a @ w shape:", tuple(matmul.shape))

counts = ops.convert_to_tensor([1, 2, 3])                   # int32
mixed = ops.multiply(counts, ops.convert_to_tensor([0.5, 0.5, 0.5]))
print("int32 * float32 ->", keras.backend.standardize_dtype(mixed.dtype), ops.convert_to_numpy(mixed).tolist())

RESULT = {
    "add_sum": float(ops.sum(added)),
    "mul": ops.convert_to_numpy(product).tolist(),
    "relu_exp_sum": float(ops.sum(activated)),
    "matmul": ops.convert_to_numpy(matmul).tolist(),
    "mixed": ops.convert_to_numpy(mixed).tolist(),
}
print("a @ w =", np.round(ops.convert_to_numpy(matmul).astype(float), 4).tolist())
