# Second derivative of f(t) = t^3 * sin(t) with nested GradientTapes, and the Jacobian of
# h(x) = tanh(W x) with tape.jacobian.
import numpy as np
import tensorflow as tf

rng = np.random.default_rng(0)
W = tf.constant(rng.standard_normal((3, 4)), dtype=tf.float32)
x = tf.Variable(rng.standard_normal(4).astype(np.float32))
t = tf.Variable(0.7)

with tf.GradientTape() as outer:
    with tf.GradientTape() as inner:
        y = t**3 * tf.sin(t)
    df = inner.gradient(y, t)        # computed while the outer tape records
d2f = outer.gradient(df, t)

with tf.GradientTape() as tape:
    out = tf.tanh(tf.linalg.matvec(W, x))
J = tape.jacobian(out, x)            # shape (3, 4): d out_i / d x_j

print("f'(0.7) =", float(df), " f''(0.7) =", float(d2f))
print("Jacobian shape:", tuple(J.shape))

RESULT = {"first": float(df), "second": float(d2f), "jacobian": J.numpy().tolist()}
