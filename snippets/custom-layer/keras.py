# A custom layer y = ((x - mean) @ W + b) * exp(log_scale) as keras.layers.Layer: add_weight() in build()
# creates the weights once the input shape is known; trainable=False marks non-trainable state.
import numpy as np
import keras
from keras import layers, ops

rng = np.random.default_rng(0)
W = rng.standard_normal((3, 4)).astype(np.float32)
b = rng.standard_normal(4).astype(np.float32)
X = rng.standard_normal((5, 3)).astype(np.float32)

class ScaledDense(layers.Layer):
    def __init__(self, units, **kwargs):
        super().__init__(**kwargs)
        self.units = units

    def build(self, input_shape):
        in_features = input_shape[-1]
        self.kernel = self.add_weight(shape=(in_features, self.units), initializer="glorot_uniform", name="kernel")
        self.bias = self.add_weight(shape=(self.units,), initializer="zeros", name="bias")
        self.log_scale = self.add_weight(shape=(), initializer="zeros", name="log_scale")
        self.mean = self.add_weight(shape=(in_features,), initializer="zeros", trainable=False, name="mean")

    def call(self, x):
        return (ops.matmul(x - self.mean, self.kernel) + self.bias) * ops.exp(self.log_scale)

layer = ScaledDense(4)
layer.build((None, 3))                      # otherwise built on the first call
layer.kernel.assign(W)
layer.bias.assign(b)
layer.log_scale.assign(0.5)
layer.mean.assign(X.mean(axis=0))

y = ops.convert_to_numpy(layer(X))
trainable = sum(int(np.prod(w.shape)) for w in layer.trainable_weights)
non_trainable = sum(int(np.prod(w.shape)) for w in layer.non_trainable_weights)
print("backend:", keras.backend.backend())
print("trainable weights:", [w.name for w in layer.trainable_weights])
print("trainable:", trainable, "| non-trainable:", non_trainable, "| output shape:", y.shape)

RESULT = {"trainable_params": trainable, "non_trainable_params": non_trainable, "output": y.tolist()}
