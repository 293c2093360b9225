# Mixed precision with plain TensorFlow ops: keep float32 variables and cast to bfloat16 for the
# compute. (Model code would normally use the Keras dtype policy shown in the Keras tab.)
import numpy as np
import tensorflow as tf

rng = np.random.default_rng(0)
x = tf.constant(rng.normal(size=(3, 4)), dtype=tf.float32)
w = tf.Variable(rng.normal(size=(2, 4)).astype(np.float32).T)          # float32 master weights
b = tf.Variable(rng.normal(size=2).astype(np.float32))

with tf.GradientTape() as tape:
    y = tf.cast(x, tf.bfloat16) @ tf.cast(w, tf.bfloat16) + tf.cast(b, tf.bfloat16)
    loss = tf.reduce_sum(tf.cast(y, tf.float32))
grad = tape.gradient(loss, w)                   # cast's gradient brings it back to float32
print("variable dtype:", w.dtype.name, "| output dtype:", y.dtype.name, "| grad dtype:", grad.dtype.name)
y32 = tf.cast(y, tf.float32)
print("y:", y32.numpy().tolist())
print("max |error| vs float32:", float(tf.reduce_max(tf.abs(y32 - (x @ w + b)))))

RESULT = {"variable_dtype": w.dtype.name, "compute_dtype": y.dtype.name, "y": y32.numpy().tolist()}
