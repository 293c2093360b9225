# Indexing, slicing, boolean masks and broadcasting; tf.Tensor is immutable, so "updates" build new tensors
# (tf.tensor_scatter_nd_update, tf.where) or go through a tf.Variable.
import numpy as np
import tensorflow as tf

x = tf.reshape(tf.range(12, dtype=tf.float32), (3, 4))
bias = tf.constant(np.random.default_rng(0).standard_normal(4), dtype=tf.float32)

row = x[1]                        # second row, shape (4,)
block = x[:, 1:3]                 # all rows, columns 1-2, shape (3, 2)
every_other = x[-1, ::2]          # last row, every second column
masked = tf.boolean_mask(x, x > 5)   # x[x > 5] dispatches to the same op
shifted = x + bias                # (3, 4) + (4,)   -> bias added to every row
scaled = x * x[:, :1]             # (3, 4) * (3, 1) -> each row times its first element
print("block:", block.numpy().tolist())
print("masked:", masked.numpy().tolist())
print("broadcast shapes:", tuple(shifted.shape), tuple(scaled.shape))

try:
    x[0, 0] = -1.0
except TypeError as e:
    print("item assignment:", e)
updated = tf.tensor_scatter_nd_update(x, indices=[[0, 0]], updates=[-1.0])  # returns a new tensor
updated = tf.where(updated > 9, 0.0, updated)
v = tf.Variable(x)                # a Variable is mutable: sliced assign works in place
v[0, 0].assign(-1.0)
print("updated:", updated.numpy().tolist())
print("variable[0, 0]:", float(v[0, 0]))

RESULT = {
    "row": row.numpy().tolist(),
    "block": block.numpy().tolist(),
    "every_other": every_other.numpy().tolist(),
    "masked": masked.numpy().tolist(),
    "shifted": shifted.numpy().tolist(),
    "scaled": scaled.numpy().tolist(),
    "updated": updated.numpy().tolist(),
}
