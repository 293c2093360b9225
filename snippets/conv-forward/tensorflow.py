# Conv2D + ReLU + max-pool with TensorFlow's low-level ops. tf.nn.conv2d defaults to NHWC
# images and HWIO filters, so the shared arrays are used as they are.
import numpy as np
import tensorflow as tf

rng = np.random.default_rng(0)
x = tf.constant(rng.normal(size=(2, 8, 8, 2)), dtype=tf.float32)  # batch, height, width, channels
w = tf.Variable(rng.normal(size=(3, 3, 2, 4)).astype(np.float32))  # kh, kw, in, out
b = tf.Variable(rng.normal(size=4).astype(np.float32))

h = tf.nn.relu(tf.nn.conv2d(x, w, strides=1, padding="VALID") + b)
y = tf.nn.max_pool2d(h, ksize=2, strides=2, padding="VALID")
print("filter shape (H, W, I, O):", tuple(w.shape))
print("output shape (N, H, W, C):", tuple(y.shape))
print("sum:", float(tf.reduce_sum(y)))

RESULT = {"shape": list(y.shape), "y": y.numpy().tolist()}
