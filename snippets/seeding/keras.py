# Seeding in Keras 3: keras.utils.set_random_seed seeds Python, NumPy, TensorFlow (if installed),
# torch (on the torch backend) and Keras' own global SeedGenerator in one call.
import keras
import numpy as np


def draw(seed):
    keras.utils.set_random_seed(seed)
    x = keras.random.normal((3, 4))  # random data
    layer = keras.layers.Dense(2)  # random initial weights (drawn when the layer is built)
    return keras.ops.convert_to_numpy(layer(x))


a, b, c = draw(42), draw(42), draw(7)
print("backend:", keras.config.backend())
print("seed 42 twice, identical:", np.array_equal(a, b))
print("seed 42 vs seed 7, identical:", np.array_equal(a, c))
print("output shape:", a.shape)
# An explicit SeedGenerator gives a reproducible stream without touching global state:
g1, g2 = keras.random.SeedGenerator(1), keras.random.SeedGenerator(1)
print("SeedGenerator draws identical:",
      bool(keras.ops.all(keras.random.normal((2,), seed=g1) == keras.random.normal((2,), seed=g2))))
RESULT = {"same_seed_identical": bool(np.array_equal(a, b)), "other_seed_differs": not np.array_equal(a, c),
          "shape": list(a.shape)}
