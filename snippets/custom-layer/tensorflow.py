# A custom layer y = ((x - mean) @ W + b) * exp(log_scale) as a tf.Module: tf.Variables are tracked
# automatically, and trainable=False marks state that gradients and optimizers should skip.
import numpy as np
import tensorflow as tf

rng = np.random.default_rng(0)
W = rng.standard_normal((3, 4)).astype(np.float32)
b = rng.standard_normal(4).astype(np.float32)
X = rng.standard_normal((5, 3)).astype(np.float32)

class ScaledDense(tf.Module):
    def __init__(self, in_features, units, name=None):
        super().__init__(name=name)
        self.kernel = tf.Variable(tf.zeros([in_features, units]), name="kernel")
        self.bias = tf.Variable(tf.zeros([units]), name="bias")
        self.log_scale = tf.Variable(0.0, name="log_scale")
        self.mean = tf.Variable(tf.zeros([in_features]), trainable=False, name="mean")

    def __call__(self, x):
        return ((x - self.mean) @ self.kernel + self.bias) * tf.exp(self.log_scale)

layer = ScaledDense(3, 4)
layer.kernel.assign(W)
layer.bias.assign(b)
layer.log_scale.assign(0.5)
layer.mean.assign(X.mean(axis=0))

y = layer(tf.constant(X))
trainable = sum(int(tf.size(v)) for v in layer.trainable_variables)
non_trainable = sum(int(tf.size(v)) for v in layer.variables if not v.trainable)
print("trainable variables:", [v.name.split(":")[0] for v in layer.trainable_variables])
print("trainable:", trainable, "| non-trainable:", non_trainable, "| output shape:", tuple(y.shape))

RESULT = {"trainable_params": trainable, "non_trainable_params": non_trainable, "output": y.numpy().tolist()}
