# TensorFlow is itself one of Keras 3's backends: tf.keras in TF 2.21 is Keras 3, so it follows
# KERAS_BACKEND too (unset, it is "tensorflow"). TF's own ops always run on TensorFlow's runtime.
import tensorflow as tf

t = tf.ones((2,))
tensor_type = f"{type(t).__module__}.{type(t).__name__}"
devices = sorted({d.device_type for d in tf.config.list_physical_devices()})
print("TensorFlow", tf.__version__, "| tf.keras version:", tf.keras.__version__)
print("tf.keras backend:", tf.keras.config.backend())
print("device types usable here:", devices)
print("tf.ones returns:", tensor_type)
RESULT = {"backend": "tensorflow", "tensor_type": tensor_type, "options": devices}
