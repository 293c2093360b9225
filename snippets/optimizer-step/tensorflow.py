# One Adam step on a small MLP built from tf.Variables: record the loss on a GradientTape, then apply
# the gradients. TensorFlow's optimizers live in Keras, so tf.keras.optimizers.Adam is the TF way.
import numpy as np
import tensorflow as tf

rng = np.random.default_rng(0)
f32 = lambda *shape: rng.standard_normal(shape).astype(np.float32)
W1, b1, W2, b2 = f32(4, 8), f32(8), f32(8, 1), f32(1)
X, Y = f32(16, 4), f32(16, 1)

params = [tf.Variable(W1), tf.Variable(b1), tf.Variable(W2), tf.Variable(b2)]

def loss_fn(x, y):
    w1, b1_, w2, b2_ = params
    pred = tf.nn.relu(x @ w1 + b1_) @ w2 + b2_
    return tf.reduce_mean(tf.square(pred - y))

optimizer = tf.keras.optimizers.Adam(learning_rate=0.01, beta_1=0.9, beta_2=0.999, epsilon=1e-7)
with tf.GradientTape() as tape:
    loss = loss_fn(X, Y)
grads = tape.gradient(loss, params)
optimizer.apply_gradients(zip(grads, params))

loss_after = float(loss_fn(X, Y))
print(f"loss before: {float(loss):.6f}  after one step: {loss_after:.6f}")
print("W2 after step:", np.round(params[2].numpy().astype(float).ravel(), 5).tolist())

RESULT = {"loss_before": float(loss), "loss_after": loss_after,
          **{k: v.numpy().tolist() for k, v in zip(["W1", "b1", "W2", "b2"], params)}}
