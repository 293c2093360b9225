# A model with two inputs as most TensorFlow 2 code writes it: tf.keras layers wired with the functional API,
# called from a tf.function whose input_signature declares both inputs (what lets it be traced once and exported).
import numpy as np
import tensorflow as tf

rng = np.random.default_rng(0)
f32 = lambda *shape: rng.standard_normal(shape).astype(np.float32)
Wa, ba, Wb, bb, Wo, bo = f32(4, 6), f32(6), f32(3, 6), f32(6), f32(12, 1), f32(1)
A, B = f32(5, 4), f32(5, 3)

a_in, b_in = tf.keras.Input(shape=(4,), name="a"), tf.keras.Input(shape=(3,), name="b")
ha = tf.keras.layers.Dense(6, activation="relu", name="branch_a")(a_in)
hb = tf.keras.layers.Dense(6, activation="relu", name="branch_b")(b_in)
out = tf.keras.layers.Dense(1, name="head")(tf.keras.layers.Concatenate()([ha, hb]))
model = tf.keras.Model(inputs=[a_in, b_in], outputs=out)
for name, (W, b) in {"branch_a": (Wa, ba), "branch_b": (Wb, bb), "head": (Wo, bo)}.items():
    model.get_layer(name).set_weights([W, b])

@tf.function(input_signature=[tf.TensorSpec([None, 4], tf.float32), tf.TensorSpec([None, 3], tf.float32)])
def predict(a, b):
    return model([a, b], training=False)

y = predict(tf.constant(A), tf.constant(B))
print("output shape:", tuple(y.shape))
print("outputs:", np.round(y.numpy().astype(float).ravel(), 5).tolist())

RESULT = {"output": y.numpy().tolist()}
