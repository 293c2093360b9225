# TensorFlow's counterpart of TorchScript is tf.function + SavedModel, and neither is deprecated:
# a tf.Module with a traced tf.function is saved as a language-neutral SavedModel and loaded back without Python code.
import warnings

import numpy as np
import tensorflow as tf

rng = np.random.default_rng(0)
x = tf.constant(rng.normal(size=(3, 4)).astype("float32"))
w, b = rng.normal(size=(4, 2)).astype("float32"), rng.normal(size=2).astype("float32")


class Linear(tf.Module):
    def __init__(self):
        self.w, self.b = tf.Variable(w), tf.Variable(b)

    @tf.function(input_signature=[tf.TensorSpec([None, 4], tf.float32)])
    def __call__(self, x):
        return x @ self.w + self.b


with warnings.catch_warnings(record=True) as caught:
    warnings.simplefilter("always")
    tf.saved_model.save(Linear(), "linear_savedmodel")
    reloaded = tf.saved_model.load("linear_savedmodel")
print("deprecation warnings:", [str(c.message) for c in caught if issubclass(c.category, DeprecationWarning)])
y = reloaded(x)
print("output:", y.numpy().tolist())
RESULT = {"output": y.numpy().tolist()}
