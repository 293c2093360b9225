# Create tensors from Python lists and NumPy arrays with keras.ops, inspect dtypes, and convert back to NumPy.
# The tensor type is the active backend's own (tf.Tensor, torch.Tensor or jax.Array).
import numpy as np
import keras
from keras import ops

ints = ops.convert_to_tensor([[1, 2, 3], [4, 5, 6]])   # Python ints -> int32 on every backend
floats = ops.convert_to_tensor([0.5, 1.5])             # Python floats -> float32
print("backend:", keras.backend.backend(), "| tensor type:", type(ints).__name__)
print("from list:", keras.backend.standardize_dtype(ints.dtype), keras.backend.standardize_dtype(floats.dtype))

a = np.random.default_rng(0).standard_normal((2, 3)).astype(np.float32)
copied = ops.convert_to_tensor(a)
original = a.copy()
a[0, 0] = 100.0                                        # mutate the NumPy array afterwards
print("convert_to_tensor sees the change:", float(ops.convert_to_numpy(copied)[0, 0]) == 100.0)

back = ops.convert_to_numpy(copied)                    # works for every backend and device
print("back to NumPy:", type(back).__name__, back.dtype, back.shape)
print("float64 array becomes:", keras.backend.standardize_dtype(ops.convert_to_tensor(np.zeros(2)).dtype))

RESULT = {
    "ints": ops.convert_to_numpy(ints).tolist(),
    "float_dtype": keras.backend.standardize_dtype(floats.dtype),
    "copy_unchanged": bool(np.array_equal(back, original)),
    "values": back.tolist(),
    "shape": list(back.shape),
}
