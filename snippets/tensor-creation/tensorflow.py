# Create tensors from Python lists and NumPy arrays, inspect dtypes, and convert back to NumPy.
# tf.constant() copies the data; TensorFlow tensors are immutable (use tf.Variable for mutable state).
import numpy as np
import tensorflow as tf

ints = tf.constant([[1, 2, 3], [4, 5, 6]])    # Python ints -> int32
floats = tf.constant([0.5, 1.5])              # Python floats -> float32
print("from list:", ints.dtype.name, floats.dtype.name)

a = np.random.default_rng(0).standard_normal((2, 3)).astype(np.float32)
copied = tf.constant(a)                       # tf.convert_to_tensor(a) behaves the same
original = a.copy()
a[0, 0] = 100.0                               # mutate the NumPy array afterwards
print("tf.constant sees the change:", float(copied[0, 0]) == 100.0)

back = copied.numpy()                         # or np.asarray(copied)
print("back to NumPy:", type(back).__name__, back.dtype, back.shape)
print("float64 array keeps its dtype:", tf.constant(np.zeros(2)).dtype.name)

RESULT = {
    "ints": ints.numpy().tolist(),
    "float_dtype": floats.dtype.name,
    "copy_unchanged": bool(np.array_equal(back, original)),
    "values": back.tolist(),
    "shape": list(back.shape),
}
