# Keras 3 has two ways to persist a model: the native .keras file (reloadable into Keras on any backend) and
# model.export() for serving without Keras: format="tf_saved_model" (TF, JAX) or format="torch" (torch backend).
import warnings

import keras
import numpy as np

rng = np.random.default_rng(0)
x = rng.normal(size=(3, 4)).astype("float32")
w, b = rng.normal(size=(4, 2)).astype("float32"), rng.normal(size=2).astype("float32")
model = keras.Sequential([keras.Input(shape=(4,)), keras.layers.Dense(2)])
model.layers[0].set_weights([w, b])

model.save("linear.keras")
reloaded = keras.saving.load_model("linear.keras")

# On the torch backend, "tf_saved_model" export would need torch_xla; "torch" uses torch.export (a .pt2 file).
fmt = "torch" if keras.config.backend() == "torch" else "tf_saved_model"
with warnings.catch_warnings(record=True) as caught:
    warnings.simplefilter("always")
    model.export("linear.pt2" if fmt == "torch" else "linear_savedmodel", format=fmt, verbose=False)
print("backend:", keras.config.backend(), "| exported as", fmt)
print("deprecation warnings:", [str(c.message) for c in caught if issubclass(c.category, DeprecationWarning)])
y = keras.ops.convert_to_numpy(reloaded(x))
print("output:", y.tolist())
RESULT = {"output": y.tolist()}
