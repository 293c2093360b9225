# Elementwise arithmetic versus matrix multiplication on the same seeded inputs.
# `*` is elementwise, `@` (tf.linalg.matmul) is the matrix product; TF does not promote mixed dtypes.
import numpy as np
import tensorflow as tf

rng = np.random.default_rng(0)
a = tf.constant(rng.standard_normal((3, 4)), dtype=tf.float32)
b = tf.constant(rng.standard_normal((3, 4)), dtype=tf.float32)
w = tf.constant(rng.standard_normal((4, 2)), dtype=tf.float32)

added = a + b                       # tf.add
product = a * b                     # tf.multiply, elementwise
activated = tf.exp(tf.nn.relu(a))
matmul = a @ w                      # tf.linalg.matmul: (3, 4) @ (4, 2) -> (3, 2)
print("a * b shape:", tuple(product.shape), "| a @ w shape:", tuple(matmul.shape))

counts = tf.constant([1, 2, 3])                             # int32
halves = tf.constant([0.5, 0.5, 0.5])
try:
    counts * halves
except tf.errors.InvalidArgumentError as e:
    print("int32 * float32 ->", type(e).__name__, "(no implicit promotion)")
mixed = tf.cast(counts, tf.float32) * halves                # cast explicitly
print("after tf.cast ->", mixed.dtype.name, mixed.numpy().tolist())

RESULT = {
    "add_sum": float(tf.reduce_sum(added)),
    "mul": product.numpy().tolist(),
    "relu_exp_sum": float(tf.reduce_sum(activated)),
    "matmul": matmul.numpy().tolist(),
    "mixed": mixed.numpy().tolist(),
}
print("a @ w =", np.round(matmul.numpy().astype(float), 4).tolist())
