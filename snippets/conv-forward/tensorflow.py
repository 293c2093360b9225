# Conv2D + ReLU + max-pool as most TensorFlow 2 code writes it: tf.keras layers called from a tf.function.
# TensorFlow defaults to NHWC images and HWIO kernels, so the shared arrays are used as they are
# (the low-level op underneath is tf.nn.conv2d, with the same layouts).
import numpy as np
import tensorflow as tf

rng = np.random.default_rng(0)
x = tf.constant(rng.normal(size=(2, 8, 8, 2)), dtype=tf.float32)  # batch, height, width, channels
w = rng.normal(size=(3, 3, 2, 4)).astype(np.float32)              # kh, kw, in, out
b = rng.normal(size=4).astype(np.float32)

model = tf.keras.Sequential([
    tf.keras.Input(shape=(8, 8, 2)),
    tf.keras.layers.Conv2D(4, kernel_size=3, activation="relu"),   # padding="valid", channels_last
    tf.keras.layers.MaxPool2D(2),
])
model.layers[0].set_weights([w, b])

@tf.function
def forward(images):
    return model(images, training=False)

y = forward(x)
print("filter shape (H, W, I, O):", tuple(model.layers[0].kernel.shape))
print("output shape (N, H, W, C):", tuple(y.shape))
print("sum:", float(tf.reduce_sum(y)))

RESULT = {"shape": list(y.shape), "y": y.numpy().tolist()}
