# A two-layer MLP (4 -> 8 -> 3) written with low-level TensorFlow: a tf.Module holding tf.Variables,
# initialised from NumPy arrays. tf.Module tracks the variables so it can be checkpointed or saved.
import numpy as np
import tensorflow as tf

rng = np.random.default_rng(0)
W1, b1 = rng.standard_normal((4, 8)).astype(np.float32), rng.standard_normal(8).astype(np.float32)
W2, b2 = rng.standard_normal((8, 3)).astype(np.float32), rng.standard_normal(3).astype(np.float32)
X = rng.standard_normal((5, 4)).astype(np.float32)

class Dense(tf.Module):
    def __init__(self, w, b, activation=None, name=None):
        super().__init__(name=name)
        self.w = tf.Variable(w, name="w")     # (in, out), same layout as the NumPy array
        self.b = tf.Variable(b, name="b")
        self.activation = activation

    def __call__(self, x):
        y = x @ self.w + self.b
        return self.activation(y) if self.activation else y

class MLP(tf.Module):
    def __init__(self, name=None):
        super().__init__(name=name)
        self.hidden = Dense(W1, b1, activation=tf.nn.relu)
        self.out = Dense(W2, b2)

    @tf.function                              # optional: trace the forward pass into a graph
    def __call__(self, x):
        return self.out(self.hidden(x))

model = MLP(name="mlp")
y = model(tf.constant(X))
n_params = sum(int(tf.size(v)) for v in model.trainable_variables)
print("variable shapes:", [tuple(v.shape) for v in model.trainable_variables])
print("parameters:", n_params, "| output shape:", tuple(y.shape))
print("first row:", np.round(y[0].numpy().astype(float), 5).tolist())

RESULT = {"n_params": n_params, "output": y.numpy().tolist()}
