# The same network as a tf.Module with the weights
# in PyTorch's layout, two SGD steps with a
# GradientTape on the same batches.
import numpy as np
import tensorflow as tf

rng = np.random.default_rng(0)
x = rng.normal(size=(8, 3)).astype("float32")
y = rng.normal(size=(8, 1)).astype("float32")
w1 = rng.normal(size=(4, 3)).astype("float32")
w2 = rng.normal(size=(1, 4)).astype("float32")


class Net(tf.Module):
    def __init__(self):
        super().__init__()
        # (out, in) like torch.nn.Linear.weight
        self.w1 = tf.Variable(w1)
        self.b1 = tf.Variable(tf.zeros(4))
        self.w2 = tf.Variable(w2)
        self.b2 = tf.Variable(tf.zeros(1))

    def __call__(self, x):
        h = tf.tanh(
            x @ tf.transpose(self.w1) + self.b1)
        return h @ tf.transpose(self.w2) + self.b2


net = Net()
params = [net.w1, net.b1, net.w2, net.b2]
losses = []
for i in range(0, 8, 4):  # batches of 4, in order
    with tf.GradientTape() as tape:
        err = net(x[i:i + 4]) - y[i:i + 4]
        loss = tf.reduce_mean(tf.square(err))
    grads = tape.gradient(loss, params)
    for p, g in zip(params, grads):  # plain SGD
        p.assign_sub(0.1 * g)
    losses.append(float(loss))

mean_loss = float(np.mean(losses))
weights = [p.numpy().tolist() for p in params]
print("mean loss of the 2 steps:",
      round(mean_loss, 6))
print("after 2 SGD steps, first weight row:",
      np.round(weights[0][0], 6).tolist())

RESULT = {"loss": mean_loss, "weights": weights}
