# One Adam step on a small MLP as TensorFlow 2 writes a custom training step: a tf.keras model, the loss
# recorded on a GradientTape, apply_gradients, all inside a tf.function. TF's optimizers are the Keras ones.
import numpy as np
import tensorflow as tf

rng = np.random.default_rng(0)
f32 = lambda *shape: rng.standard_normal(shape).astype(np.float32)
W1, b1, W2, b2 = f32(4, 8), f32(8), f32(8, 1), f32(1)
X, Y = f32(16, 4), f32(16, 1)

model = tf.keras.Sequential([tf.keras.Input(shape=(4,)), tf.keras.layers.Dense(8, activation="relu"),
                             tf.keras.layers.Dense(1)])
model.set_weights([W1, b1, W2, b2])
loss_fn = tf.keras.losses.MeanSquaredError()
optimizer = tf.keras.optimizers.Adam(learning_rate=0.01, beta_1=0.9, beta_2=0.999, epsilon=1e-7)

@tf.function
def train_step(x, y):
    with tf.GradientTape() as tape:
        loss = loss_fn(y, model(x, training=True))
    grads = tape.gradient(loss, model.trainable_variables)
    optimizer.apply_gradients(zip(grads, model.trainable_variables))
    return loss

loss = train_step(X, Y)                        # loss computed before the update
loss_after = float(loss_fn(Y, model(X)))
print(f"loss before: {float(loss):.6f}  after one step: {loss_after:.6f}")
W1n, b1n, W2n, b2n = model.get_weights()
print("W2 after step:", np.round(W2n.astype(float).ravel(), 5).tolist())

RESULT = {"loss_before": float(loss), "loss_after": loss_after,
          "W1": W1n.tolist(), "b1": b1n.tolist(), "W2": W2n.tolist(), "b2": b2n.tolist()}
