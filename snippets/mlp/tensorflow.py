# A two-layer MLP (4 -> 8 -> 3) as most TensorFlow 2 code writes it: tf.keras layers (in TF 2.21, tf.keras is
# Keras 3) called from a tf.function, which traces the forward pass into a graph once per input signature.
import numpy as np
import tensorflow as tf

rng = np.random.default_rng(0)
W1, b1 = rng.standard_normal((4, 8)).astype(np.float32), rng.standard_normal(8).astype(np.float32)
W2, b2 = rng.standard_normal((8, 3)).astype(np.float32), rng.standard_normal(3).astype(np.float32)
X = rng.standard_normal((5, 4)).astype(np.float32)

model = tf.keras.Sequential([
    tf.keras.Input(shape=(4,)),
    tf.keras.layers.Dense(8, activation="relu"),
    tf.keras.layers.Dense(3),
])
model.set_weights([W1, b1, W2, b2])          # Dense kernels are (in, out): the NumPy arrays as they are

@tf.function(input_signature=[tf.TensorSpec([None, 4], tf.float32)])
def predict(x):                              # traced into a graph on the first call, reused after
    return model(x, training=False)

y = predict(tf.constant(X))
n_params = model.count_params()
print("variable shapes:", [tuple(v.shape) for v in model.trainable_variables])
print("parameters:", n_params, "| output shape:", tuple(y.shape))
print("first row:", np.round(y[0].numpy().astype(float), 5).tolist())

RESULT = {"n_params": n_params, "output": y.numpy().tolist()}
