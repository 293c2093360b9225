# Train a small MLP on synthetic regression data with a custom TensorFlow 2 loop: a tf.keras model, a
# GradientTape step compiled with tf.function, batches from tf.data, fixed batch order, identical initial
# weights from NumPy, plain SGD (TF's optimizers are the tf.keras ones).
import numpy as np
import tensorflow as tf

rng = np.random.default_rng(0)
X = rng.standard_normal((64, 3)).astype(np.float32)
Y = (X @ np.array([[1.5], [-2.0], [0.5]]) + 0.3 + 0.1 * rng.standard_normal((64, 1))).astype(np.float32)
W1, b1 = (0.5 * rng.standard_normal((3, 8))).astype(np.float32), np.zeros(8, np.float32)
W2, b2 = (0.5 * rng.standard_normal((8, 1))).astype(np.float32), np.zeros(1, np.float32)

model = tf.keras.Sequential([tf.keras.Input(shape=(3,)), tf.keras.layers.Dense(8, activation="tanh"),
                             tf.keras.layers.Dense(1)])
model.set_weights([W1, b1, W2, b2])
dataset = tf.data.Dataset.from_tensor_slices((X, Y)).batch(16)   # no .shuffle(): fixed order
optimizer = tf.keras.optimizers.SGD(learning_rate=0.05)
loss_fn = tf.keras.losses.MeanSquaredError()

@tf.function                        # compile the step into a graph; the Python loop stays eager
def train_step(xb, yb):
    with tf.GradientTape() as tape:
        loss = loss_fn(yb, model(xb, training=True))
    optimizer.apply_gradients(zip(tape.gradient(loss, model.trainable_variables), model.trainable_variables))
    return loss

epoch_losses = []
for epoch in range(30):
    batch_losses = [float(train_step(xb, yb)) for xb, yb in dataset]
    epoch_losses.append(float(np.mean(batch_losses)))
final_loss = float(loss_fn(Y, model(X, training=False)))
print(f"epoch 1 loss: {epoch_losses[0]:.5f}  epoch 30 loss: {epoch_losses[-1]:.5f}")
print(f"final full-data MSE: {final_loss:.5f}")

RESULT = {"first_epoch_loss": epoch_losses[0], "last_epoch_loss": epoch_losses[-1], "final_loss": final_loss,
          "output_bias": float(model.layers[1].bias[0])}
