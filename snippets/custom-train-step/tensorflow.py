# TensorFlow's custom step: a tf.function that
# records the loss (MSE + an L2 penalty) on a
# GradientTape and updates the variables.
import numpy as np
import tensorflow as tf

rng = np.random.default_rng(0)
x = rng.normal(size=(16, 3)).astype("float32")
y = rng.normal(size=(16, 1)).astype("float32")
w0 = rng.normal(size=(3, 1)).astype("float32")
w = tf.Variable(w0)
b = tf.Variable(tf.zeros(1))
L2, LR = 0.01, 0.1


@tf.function
def train_step(xb, yb):
    with tf.GradientTape() as tape:
        err = xb @ w + b - yb
        mse = tf.reduce_mean(tf.square(err))
        penalty = L2 * tf.reduce_sum(tf.square(w))
        loss = mse + penalty
    gw, gb = tape.gradient(loss, [w, b])
    w.assign_sub(LR * gw)
    b.assign_sub(LR * gb)
    return loss


batches = tf.data.Dataset.from_tensor_slices((x, y))
for xb, yb in batches.batch(8).repeat(2):  # 4 steps
    loss = train_step(xb, yb)
kernel = w.numpy().tolist()
print("kernel after 4 steps:",
      np.round(kernel, 6).ravel().tolist())

RESULT = {"kernel": kernel,
          "bias": b.numpy().tolist()}
