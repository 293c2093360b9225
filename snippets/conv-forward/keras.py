# Keras Conv2D + MaxPooling2D. data_format defaults to "channels_last" (NHWC) on every
# backend, including PyTorch, and kernels are stored HWIO, so set_weights takes the arrays as is.
import numpy as np
import keras
from keras import layers

rng = np.random.default_rng(0)
x = rng.normal(size=(2, 8, 8, 2)).astype("float32")   # batch, height, width, channels
w = rng.normal(size=(3, 3, 2, 4)).astype("float32")   # kh, kw, in, out
b = rng.normal(size=4).astype("float32")

model = keras.Sequential([
    keras.Input(shape=(8, 8, 2)),
    layers.Conv2D(4, kernel_size=3, activation="relu"),
    layers.MaxPooling2D(pool_size=2),
])
model.layers[0].set_weights([w, b])

y = model.predict(x, verbose=0)
print("backend:", keras.backend.backend(), "| data_format:", keras.config.image_data_format())
print("kernel shape (H, W, I, O):", tuple(model.layers[0].kernel.shape))
print("output shape (N, H, W, C):", y.shape)
print("sum:", float(y.sum()))

RESULT = {"shape": list(y.shape), "y": y.tolist()}
