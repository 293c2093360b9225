# A GRU written with raw TensorFlow ops (tf.Module + tf.function), using the Keras weight layout
# and the reset-after formula. In TF 2.21 tf.keras.layers.GRU is the Keras 3 layer in keras.py.
import numpy as np
import tensorflow as tf

rng = np.random.default_rng(0)
B, T, I, U = 2, 5, 3, 4
x = tf.constant(rng.normal(size=(B, T, I)), dtype=tf.float32)
kernel = rng.normal(size=(I, 3 * U)).astype(np.float32) * 0.5      # gates z|r|h
recurrent = rng.normal(size=(U, 3 * U)).astype(np.float32) * 0.5
bias = rng.normal(size=(2, 3 * U)).astype(np.float32) * 0.1         # input bias, recurrent bias

class GRU(tf.Module):
    def __init__(self):
        self.kernel, self.recurrent, self.bias = (tf.Variable(v) for v in (kernel, recurrent, bias))

    @tf.function
    def __call__(self, x):
        h = tf.zeros([tf.shape(x)[0], U])
        outputs = []
        for t in range(x.shape[1]):                    # static length: unrolled at trace time
            xz, xr, xh = tf.split(x[:, t] @ self.kernel + self.bias[0], 3, axis=-1)
            hz, hr, hh = tf.split(h @ self.recurrent + self.bias[1], 3, axis=-1)
            z, r = tf.sigmoid(xz + hz), tf.sigmoid(xr + hr)
            candidate = tf.tanh(xh + r * hh)            # reset gate applied after the matmul
            h = z * h + (1 - z) * candidate
            outputs.append(h)
        return tf.stack(outputs, axis=1), h

out, h = GRU()(x)
print("output:", tuple(out.shape), "| last state:", tuple(h.shape))
print("last state:", h.numpy().tolist())

RESULT = {"outputs": out.numpy().tolist(), "last_state": h.numpy().tolist()}
