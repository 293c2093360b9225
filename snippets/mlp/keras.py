# A two-layer MLP (4 -> 8 -> 3) as keras.Sequential, loaded with weights created in NumPy.
# Dense kernels are stored as (in, out), so set_weights takes the NumPy arrays as they are.
import numpy as np
import keras
from keras import layers

rng = np.random.default_rng(0)
W1, b1 = rng.standard_normal((4, 8)).astype(np.float32), rng.standard_normal(8).astype(np.float32)
W2, b2 = rng.standard_normal((8, 3)).astype(np.float32), rng.standard_normal(3).astype(np.float32)
X = rng.standard_normal((5, 4)).astype(np.float32)

model = keras.Sequential([
    keras.Input(shape=(4,)),
    layers.Dense(8, activation="relu"),
    layers.Dense(3),
])
model.set_weights([W1, b1, W2, b2])          # order: kernel, bias of each layer

y = model.predict(X, verbose=0)              # NumPy output on every backend
print("backend:", keras.backend.backend())
print("parameters:", model.count_params(), "| output shape:", y.shape)
print("first row:", np.round(y[0].astype(float), 5).tolist())

RESULT = {"n_params": model.count_params(), "output": y.tolist()}
