# Keras compiles its train/evaluate/predict steps for you: model.compile(jit_compile=True)
# means XLA on TensorFlow, jax.jit on JAX and torch.compile on PyTorch.
import numpy as np
import keras
from keras import layers, ops

rng = np.random.default_rng(0)
x = rng.normal(size=(4, 3)).astype("float32")
w = rng.normal(size=(3, 2)).astype("float32")

inputs = keras.Input(shape=(3,))
h = layers.Dense(2, activation="tanh", use_bias=False)(inputs)
outputs = ops.sum(h, axis=1) * 2.0
model = keras.Model(inputs, outputs)
model.layers[1].set_weights([w])

model.compile(jit_compile=True)               # default "auto": XLA only on GPU for TF, off for torch
print("backend:", keras.backend.backend(), "| jit_compile:", model.jit_compile)
y = model.predict(x, verbose=0)               # first call builds and compiles the predict step
print("compiled:", y.tolist())
print("eager matches:", np.allclose(y, ops.convert_to_numpy(model(x))))

RESULT = y.tolist()
