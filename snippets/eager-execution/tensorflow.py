# Eager execution (the default since TF 2): operations run immediately and return
# tf.Tensor objects holding concrete values, so printing and Python control flow just work.
import numpy as np
import tensorflow as tf

print("executing eagerly:", tf.executing_eagerly())
x = tf.constant(np.random.default_rng(0).normal(size=(3, 4)), dtype=tf.float32)
h = x @ tf.transpose(x)          # computed right now
print("type(h) =", type(h).__name__)
print(h.numpy())

total = 0.0
for row in h:                    # iterating an eager tensor yields its rows
    s = tf.reduce_sum(row)
    if s > 0:                    # Python `if` on a concrete value
        total += float(s)
    else:
        total -= float(s)
print("total =", total)

RESULT = {"h": h.numpy().tolist(), "total": total}
