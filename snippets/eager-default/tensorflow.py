# TensorFlow 2 executes eagerly by default: tf.executing_eagerly() is True at top level.
# Only code inside a tf.function is traced into a graph, where it reports False.
import tensorflow as tf

x = tf.constant([1.0, 2.0, 3.0])
y = x * x + 1  # computed right here, like NumPy
eager = tf.executing_eagerly()
print("eager:", eager)
print("y =", y)


@tf.function
def traced(x):
    print("inside tf.function, executing eagerly:", tf.executing_eagerly())  # runs during tracing
    return x * x + 1


traced(x)
RESULT = {"eager": eager, "value": y.numpy().tolist()}
