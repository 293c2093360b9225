# Keras 3 is the standalone `keras` package (multi-backend); Keras 2 lives on separately as `tf_keras`,
# which only runs on TensorFlow. This script runs on whichever backend KERAS_BACKEND selects.
import importlib.util

import keras

print("keras", keras.__version__, "on backend", keras.config.backend())
print("Keras 2 package tf_keras installed:", importlib.util.find_spec("tf_keras") is not None)
model = keras.Sequential([keras.Input(shape=(4,)), keras.layers.Dense(2)])
print("model class:", f"{type(model).__module__}.{type(model).__name__}")
RESULT = {"high_level_api": "keras", "api_version": keras.__version__, "is_keras_3": keras.__version__.startswith("3.")}
