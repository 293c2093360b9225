# Train a small MLP on synthetic regression data with model.fit: fixed batch order (shuffle=False),
# identical initial weights from NumPy, plain SGD. The same code runs on every Keras backend.
import numpy as np
import keras
from keras import layers

rng = np.random.default_rng(0)
X = rng.standard_normal((64, 3)).astype(np.float32)
Y = (X @ np.array([[1.5], [-2.0], [0.5]]) + 0.3 + 0.1 * rng.standard_normal((64, 1))).astype(np.float32)
W1, b1 = (0.5 * rng.standard_normal((3, 8))).astype(np.float32), np.zeros(8, np.float32)
W2, b2 = (0.5 * rng.standard_normal((8, 1))).astype(np.float32), np.zeros(1, np.float32)

model = keras.Sequential([keras.Input(shape=(3,)), layers.Dense(8, activation="tanh"), layers.Dense(1)])
model.set_weights([W1, b1, W2, b2])
model.compile(optimizer=keras.optimizers.SGD(learning_rate=0.05), loss="mean_squared_error")

history = model.fit(X, Y, batch_size=16, epochs=30, shuffle=False, verbose=0)
epoch_losses = history.history["loss"]       # per epoch: batch-size-weighted mean of the batch losses
final_loss = float(model.evaluate(X, Y, batch_size=64, verbose=0))
print("backend:", keras.backend.backend())
print(f"epoch 1 loss: {epoch_losses[0]:.5f}  epoch 30 loss: {epoch_losses[-1]:.5f}")
print(f"final full-data MSE: {final_loss:.5f}")

RESULT = {"first_epoch_loss": float(epoch_losses[0]), "last_epoch_loss": float(epoch_losses[-1]),
          "final_loss": final_loss, "output_bias": float(model.layers[-1].bias.numpy()[0])}
