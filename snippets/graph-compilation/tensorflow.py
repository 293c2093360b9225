# tf.function traces the Python function once per input signature into a tf.Graph and
# then runs the graph: Python side effects happen only while tracing, tf.print on every call.
import sys
import numpy as np
import tensorflow as tf

rng = np.random.default_rng(0)
x = tf.constant(rng.normal(size=(4, 3)), dtype=tf.float32)
w = tf.constant(rng.normal(size=(3, 2)), dtype=tf.float32)

@tf.function                                  # add jit_compile=True to also compile with XLA
def f(x, w):
    print("Python print: tracing")            # runs only while tracing
    tf.print("tf.print: graph executing", output_stream=sys.stdout)  # a graph op: every call
    return tf.reduce_sum(tf.tanh(x @ w), axis=1) * 2.0

y = f(x, w)                                   # traces, then runs
y = f(x, w)                                   # same signature: reuses the graph
graph = f.get_concrete_function(x, w).graph
print("ops in graph:", [op.type for op in graph.get_operations()])
print("compiled:", y.numpy().tolist())

RESULT = y.numpy().tolist()
