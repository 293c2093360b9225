# Keras 3 ops run eagerly on every backend: called on real data, keras.ops return concrete backend tensors.
# Only symbolic inputs (keras.Input, used to build Functional models) give a symbolic KerasTensor.
import keras
import numpy as np

x = keras.ops.convert_to_tensor(np.array([1.0, 2.0, 3.0], dtype="float32"))
y = x * x + 1  # computed right here by the backend
eager = not isinstance(y, keras.KerasTensor)
print("backend:", keras.config.backend(), "| eager:", eager)
print("y =", y)
symbolic = keras.Input(shape=(3,))
print("on keras.Input the same op is symbolic:", keras.ops.square(symbolic))
RESULT = {"eager": eager, "value": keras.ops.convert_to_numpy(y).tolist()}
