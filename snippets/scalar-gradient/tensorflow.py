# Gradient of a scalar function f(x) = sum(x^2 * sin(x)) with tf.GradientTape: operations on
# watched values (tf.Variable automatically) are recorded inside the `with` block.
import numpy as np
import tensorflow as tf

x_np = np.random.default_rng(0).standard_normal(5).astype(np.float32)

x = tf.Variable(x_np)                # trainable Variables are watched automatically
with tf.GradientTape() as tape:      # for a plain tf.Tensor call tape.watch(x) first
    y = tf.reduce_sum(x**2 * tf.sin(x))
grad = tape.gradient(y, x)           # a non-persistent tape can be used once

analytic = 2 * x_np * np.sin(x_np) + x_np**2 * np.cos(x_np)
print("f(x) =", float(y))
print("df/dx =", grad.numpy().tolist())
print("matches analytic derivative:", np.allclose(grad.numpy(), analytic, rtol=1e-5, atol=1e-6))

RESULT = {"value": float(y), "grad": grad.numpy().tolist()}
