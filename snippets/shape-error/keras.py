# A shape error in Keras 3: keras.ops.matmul hands the work to the backend, so the exception class and
# message are the backend's own (TensorFlow, torch or JAX), not a Keras error.
import keras
import numpy as np

rng = np.random.default_rng(0)
a = keras.ops.convert_to_tensor(rng.normal(size=(2, 3)).astype("float32"))
b = keras.ops.convert_to_tensor(rng.normal(size=(4, 5)).astype("float32"))
print("backend:", keras.config.backend())
print("a:", tuple(a.shape), " b:", tuple(b.shape))
print("a @ b needs a.shape[1] == b.shape[0]: 3 != 4, so this raises:")
c = keras.ops.matmul(a, b)  # the error comes from the backend
RESULT = list(c.shape)  # never reached
