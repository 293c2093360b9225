# What tf.keras is in TensorFlow 2.21: a lazily loaded alias of Keras 3 (the `keras` package),
# unless TF_USE_LEGACY_KERAS=1 routes it to Keras 2 from the separate `tf_keras` package.
import importlib.util
import os

import keras
import tensorflow as tf

print("TensorFlow", tf.__version__, "| tf.keras version:", tf.keras.__version__, "| keras version:", keras.__version__)
print("tf.keras loads from module:", tf.keras.__name__)  # keras._tf_keras.keras, a namespace inside Keras 3
print("tf.keras is keras (same module object):", tf.keras is keras)
print("same classes (tf.keras.layers.Dense is keras.layers.Dense):", tf.keras.layers.Dense is keras.layers.Dense)
print("TF_USE_LEGACY_KERAS =", os.environ.get("TF_USE_LEGACY_KERAS"),
      "| Keras 2 package tf_keras installed:", importlib.util.find_spec("tf_keras") is not None)
model = tf.keras.Sequential([tf.keras.Input(shape=(4,)), tf.keras.layers.Dense(2)])
print("a tf.keras model is a keras.Model:", isinstance(model, keras.Model))
RESULT = {"high_level_api": "tf.keras", "api_version": tf.keras.__version__,
          "is_keras_3": tf.keras.__version__.startswith("3.") and tf.keras.layers.Dense is keras.layers.Dense}
