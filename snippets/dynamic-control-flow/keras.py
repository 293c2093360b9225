# Backend-agnostic data-dependent control flow: keras.ops.while_loop and keras.ops.cond map
# to tf.while_loop/tf.cond, jax.lax.while_loop/cond, or plain Python loops on PyTorch.
import numpy as np
import keras
from keras import ops

x = ops.convert_to_tensor(np.random.default_rng(0).normal(size=4) * 5, dtype="float32")

def f(x):
    x, steps = ops.while_loop(
        lambda x, steps: ops.norm(x) > 1.0,         # condition
        lambda x, steps: (x / 2, steps + 1),        # body
        (x, ops.convert_to_tensor(0)),
    )
    y = ops.cond(ops.sum(x) > 0,
                 lambda: x * ops.cast(steps, "float32"),
                 lambda: -x)
    return y, steps

y, steps = f(x)
print("backend:", keras.backend.backend())
print("steps:", int(steps))
print("y:", ops.convert_to_numpy(y).tolist())

RESULT = {"steps": int(steps), "y": ops.convert_to_numpy(y).tolist()}
