# Debugging in TensorFlow: inside a tf.function a Python print runs once while tracing and shows a symbolic
# tensor; tf.print runs on every call and shows values. tf.config.run_functions_eagerly(True) turns tracing off.
import sys

import numpy as np
import tensorflow as tf

rng = np.random.default_rng(0)
x = tf.constant(rng.normal(size=(2, 4)).astype("float32"))
w1, b1 = tf.Variable(rng.normal(size=(4, 3)).astype("float32")), tf.Variable(rng.normal(size=3).astype("float32"))
w2, b2 = tf.Variable(rng.normal(size=(3, 2)).astype("float32")), tf.Variable(rng.normal(size=2).astype("float32"))


@tf.function
def forward(x):
    hidden = tf.nn.relu(x @ w1 + b1)
    print("Python print (tracing only):", hidden)  # a symbolic Tensor, no values
    tf.print("tf.print hidden =", hidden, output_stream=sys.stdout)  # part of the graph: real values
    return hidden, hidden @ w2 + b2


hidden, out = forward(x)
tf.config.run_functions_eagerly(True)  # debugging switch: tf.function bodies now run as plain Python
forward(x)  # the Python print now shows concrete values (and pdb breakpoints would work)
tf.config.run_functions_eagerly(False)
print("output =", out.numpy().tolist())
RESULT = {"hidden": hidden.numpy().tolist(), "output": out.numpy().tolist()}
