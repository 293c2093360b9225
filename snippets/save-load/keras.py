# The native .keras format stores architecture, weights and compile state in one zip file;
# keras.saving.load_model rebuilds the model without its Python class definition being rerun.
import numpy as np
import keras
from keras import layers

rng = np.random.default_rng(0)
x = rng.normal(size=(3, 4)).astype("float32")
weights = [rng.normal(size=s).astype("float32") for s in [(4, 8), (8,), (8, 2), (2,)]]

model = keras.Sequential([keras.Input(shape=(4,)), layers.Dense(8, activation="relu"), layers.Dense(2)])
model.set_weights(weights)                                     # Dense kernels are (in, out)
model.compile(optimizer="adam", loss="mse")
before = model.predict(x, verbose=0)

model.save("mlp.keras")                                        # architecture + weights + optimizer
restored = keras.saving.load_model("mlp.keras")
after = restored.predict(x, verbose=0)
model.save_weights("mlp.weights.h5")                           # weights only, for an existing model
print("backend:", keras.backend.backend(), "| restored:", type(restored).__name__, restored.optimizer.name)
print("equal after reload:", bool(np.array_equal(before, after)))

RESULT = {"before": before.tolist(), "after": after.tolist(), "equal": bool(np.array_equal(before, after))}
