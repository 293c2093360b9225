# One Adam step on a small MLP with Keras: compile() with an optimizer and loss, then train_on_batch()
# runs exactly one forward/backward/update on the given batch, on any backend.
import numpy as np
import keras
from keras import layers

rng = np.random.default_rng(0)
f32 = lambda *shape: rng.standard_normal(shape).astype(np.float32)
W1, b1, W2, b2 = f32(4, 8), f32(8), f32(8, 1), f32(1)
X, Y = f32(16, 4), f32(16, 1)

model = keras.Sequential([keras.Input(shape=(4,)), layers.Dense(8, activation="relu"), layers.Dense(1)])
model.set_weights([W1, b1, W2, b2])
model.compile(optimizer=keras.optimizers.Adam(learning_rate=0.01, beta_1=0.9, beta_2=0.999, epsilon=1e-7),
              loss="mean_squared_error")

loss = model.train_on_batch(X, Y)          # loss computed before the update
loss_after = model.evaluate(X, Y, verbose=0)
print("backend:", keras.backend.backend())
print(f"loss before: {float(loss):.6f}  after one step: {float(loss_after):.6f}")
W1n, b1n, W2n, b2n = model.get_weights()
print("W2 after step:", np.round(W2n.astype(float).ravel(), 5).tolist())

RESULT = {"loss_before": float(loss), "loss_after": float(loss_after),
          "W1": W1n.tolist(), "b1": b1n.tolist(), "W2": W2n.tolist(), "b2": b2n.tolist()}
