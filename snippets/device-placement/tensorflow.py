# TensorFlow places ops automatically (on the GPU when one is visible); tf.device pins
# them to a device, and tensors record where they live in .device.
import numpy as np
import tensorflow as tf

print("physical devices:", [d.name for d in tf.config.list_physical_devices()])
rng = np.random.default_rng(0)
x = tf.constant(rng.normal(size=(3, 4)), dtype=tf.float32)
w = tf.Variable(rng.normal(size=(2, 4)).astype(np.float32).T)          # (in, out)

y = tf.nn.relu(x @ w)                          # automatic placement
print("automatic: y on", y.device)
target = "/GPU:0" if tf.config.list_physical_devices("GPU") else "/CPU:0"
with tf.device(target):                        # explicit placement; inputs are copied as needed
    y = tf.nn.relu(x @ w)
print("with tf.device(%r): y on %s" % (target, y.device))
with tf.device("/CPU:0"):
    y_host = tf.identity(y)                    # an explicit copy to host memory
print("y:", y_host.numpy().tolist())

RESULT = y_host.numpy().tolist()
