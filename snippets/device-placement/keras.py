# Keras uses the backend's default device (a GPU if the backend sees one); keras.device
# is a backend-agnostic scope that pins tensor creation and computation to a device.
import numpy as np
import keras
from keras import layers, ops

print("backend:", keras.backend.backend())
rng = np.random.default_rng(0)
x_np = rng.normal(size=(3, 4)).astype("float32")
w = rng.normal(size=(2, 4)).astype("float32").T                       # (in, out)

layer = layers.Dense(2, activation="relu", use_bias=False)
layer.build((None, 4))                         # weights go to the default device
layer.set_weights([w])
y = layer(ops.convert_to_tensor(x_np))
print("automatic: y on", y.device)             # the backend tensor's own .device

with keras.device("cpu:0"):                    # explicit placement, e.g. "gpu:0" on a GPU machine
    x = ops.convert_to_tensor(x_np)
    y = ops.relu(ops.matmul(x, ops.convert_to_tensor(w)))
print("with keras.device('cpu:0'): y on", y.device)
y_host = ops.convert_to_numpy(y)               # always a NumPy array in host memory
print("y:", y_host.tolist())

RESULT = y_host.tolist()
