# Keras 3 is one API over several backends: KERAS_BACKEND (or ~/.keras/keras.json) picks it before import,
# keras.config.backend() says which one runs, and keras.ops return that backend's own tensor type.
import importlib.util

import keras

# The backend names Keras 3.15 accepts; check that Keras ships each one and whether its framework is installed.
NAMES = ["jax", "numpy", "openvino", "tensorflow", "torch"]
shipped = [n for n in NAMES if importlib.util.find_spec(f"keras.src.backend.{n}")]  # internal package, checked only
installed = [n for n in NAMES if importlib.util.find_spec(n)]

t = keras.ops.ones((2,))
tensor_type = f"{type(t).__module__}.{type(t).__name__}"
print("Keras", keras.__version__, "ships backends:", shipped)
print("frameworks installed here:", installed)
print("running backend:", keras.config.backend())
print("keras.ops.ones returns:", tensor_type)
RESULT = {"backend": keras.config.backend(), "tensor_type": tensor_type, "options": shipped}
