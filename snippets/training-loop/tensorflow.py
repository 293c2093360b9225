# Train a small MLP on synthetic regression data with a GradientTape loop over a tf.data pipeline:
# fixed batch order, identical initial weights from NumPy, plain SGD (TF's optimizers are tf.keras ones).
import numpy as np
import tensorflow as tf

rng = np.random.default_rng(0)
X = rng.standard_normal((64, 3)).astype(np.float32)
Y = (X @ np.array([[1.5], [-2.0], [0.5]]) + 0.3 + 0.1 * rng.standard_normal((64, 1))).astype(np.float32)
W1, b1 = (0.5 * rng.standard_normal((3, 8))).astype(np.float32), np.zeros(8, np.float32)
W2, b2 = (0.5 * rng.standard_normal((8, 1))).astype(np.float32), np.zeros(1, np.float32)

params = [tf.Variable(W1), tf.Variable(b1), tf.Variable(W2), tf.Variable(b2)]

def predict(x):
    return tf.tanh(x @ params[0] + params[1]) @ params[2] + params[3]

dataset = tf.data.Dataset.from_tensor_slices((X, Y)).batch(16)   # no .shuffle(): fixed order
optimizer = tf.keras.optimizers.SGD(learning_rate=0.05)

@tf.function                        # compile the step into a graph; the Python loop stays eager
def train_step(xb, yb):
    with tf.GradientTape() as tape:
        loss = tf.reduce_mean(tf.square(predict(xb) - yb))
    optimizer.apply_gradients(zip(tape.gradient(loss, params), params))
    return loss

epoch_losses = []
for epoch in range(30):
    batch_losses = [float(train_step(xb, yb)) for xb, yb in dataset]
    epoch_losses.append(float(np.mean(batch_losses)))

final_loss = float(tf.reduce_mean(tf.square(predict(X) - Y)))
print(f"epoch 1 loss: {epoch_losses[0]:.5f}  epoch 30 loss: {epoch_losses[-1]:.5f}")
print(f"final full-data MSE: {final_loss:.5f}")

RESULT = {"first_epoch_loss": epoch_losses[0], "last_epoch_loss": epoch_losses[-1], "final_loss": final_loss,
          "output_bias": float(params[3][0])}
