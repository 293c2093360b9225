# A global dtype policy: "mixed_bfloat16" makes layers compute in bfloat16 while creating
# float32 variables ("mixed_float16" also wraps the optimizer in a LossScaleOptimizer).
import numpy as np
import keras
from keras import layers, ops

keras.config.set_dtype_policy("mixed_bfloat16")      # keras.mixed_precision.* is the legacy alias
rng = np.random.default_rng(0)
x = rng.normal(size=(3, 4)).astype("float32")
w = rng.normal(size=(2, 4)).astype("float32").T
b = rng.normal(size=2).astype("float32")

layer = layers.Dense(2)
layer.build((None, 4))
layer.set_weights([w, b])
y = layer(x)                                    # inputs are cast to the compute dtype
print("backend:", keras.backend.backend(), "| policy:", layer.dtype_policy.name)
print("variable dtype:", layer.variable_dtype, "| compute dtype:", layer.compute_dtype,
      "| output dtype:", keras.backend.standardize_dtype(y.dtype))
y32 = ops.convert_to_numpy(ops.cast(y, "float32"))
print("y:", y32.tolist())
print("max |error| vs float32:", float(np.abs(y32 - (x @ w + b)).max()))

RESULT = {"variable_dtype": layer.variable_dtype,
          "compute_dtype": keras.backend.standardize_dtype(y.dtype), "y": y32.tolist()}
