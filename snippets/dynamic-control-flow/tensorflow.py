# Inside tf.function, AutoGraph rewrites Python `while`/`if` whose conditions are tensors
# into graph ops (While, If), so data-dependent control flow survives graph compilation.
import numpy as np
import tensorflow as tf

x = tf.constant(np.random.default_rng(0).normal(size=4) * 5, dtype=tf.float32)

@tf.function
def f(x):
    steps = tf.constant(0)
    while tf.norm(x) > 1.0:               # tensor condition -> tf.while_loop
        x = x / 2
        steps += 1
    if tf.reduce_sum(x) > 0:              # tensor condition -> tf.cond
        y = x * tf.cast(steps, tf.float32)
    else:
        y = -x
    return y, steps

y, steps = f(x)
ops = {op.type for op in f.get_concrete_function(x).graph.get_operations()}
print("control-flow ops in graph:", sorted(ops & {"While", "StatelessWhile", "If", "StatelessIf"}))
print("steps:", int(steps))
print("y:", y.numpy().tolist())

RESULT = {"steps": int(steps), "y": y.numpy().tolist()}
