# keras.distribution (JAX backend only in Keras 3.15): set a DataParallel distribution once, then
# build and fit the model as usual; each batch is sharded over the devices, weights are replicated.
import numpy as np
import keras
from keras import layers

rng = np.random.default_rng(0)
x = rng.normal(size=(8, 3)).astype("float32")
y = rng.normal(size=(8, 2)).astype("float32")
w0, b0 = rng.normal(size=(3, 2)).astype("float32"), np.zeros(2, "float32")

devices = keras.distribution.list_devices()                   # all GPUs/TPUs, else the CPU
keras.distribution.set_distribution(keras.distribution.DataParallel(devices=devices))
print("backend:", keras.backend.backend(), "| data parallel over:", devices)

model = keras.Sequential([keras.Input(shape=(3,)), layers.Dense(2)])  # created under the distribution
model.set_weights([w0, b0])
model.compile(optimizer=keras.optimizers.SGD(learning_rate=0.1), loss="mse")
history = model.fit(x, y, batch_size=8, epochs=1, shuffle=False, verbose=0)   # one step
kernel, bias = model.get_weights()
print("loss:", history.history["loss"][0])
print("updated kernel:", kernel.tolist())

RESULT = {"kernel": kernel.tolist(), "bias": bias.tolist()}
