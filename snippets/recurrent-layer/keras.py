# keras.layers.GRU with the default reset_after=True (the PyTorch/cuDNN convention):
# kernel (in, 3*units), recurrent_kernel (units, 3*units), bias (2, 3*units), gates z|r|h.
import numpy as np
import keras
from keras import layers

rng = np.random.default_rng(0)
B, T, I, U = 2, 5, 3, 4
x = rng.normal(size=(B, T, I)).astype("float32")
kernel = rng.normal(size=(I, 3 * U)).astype("float32") * 0.5
recurrent = rng.normal(size=(U, 3 * U)).astype("float32") * 0.5
bias = rng.normal(size=(2, 3 * U)).astype("float32") * 0.1          # input bias, recurrent bias

gru = layers.GRU(U, return_sequences=True, return_state=True)
gru.build((None, T, I))
gru.set_weights([kernel, recurrent, bias])
out, h = gru(x)
print("backend:", keras.backend.backend(), "| reset_after:", gru.cell.reset_after)
print("output:", tuple(out.shape), "| last state:", tuple(h.shape))
out, h = keras.ops.convert_to_numpy(out), keras.ops.convert_to_numpy(h)
print("last state:", h.tolist())

RESULT = {"outputs": out.tolist(), "last_state": h.tolist()}
