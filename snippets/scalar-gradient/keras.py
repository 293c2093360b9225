# Gradient of a scalar function f(x) = sum(x^2 * sin(x)). keras.ops writes f once for every backend,
# but Keras 3 has no backend-agnostic gradient function, so we call the active backend's own autodiff.
import numpy as np
import keras
from keras import ops

def f(x):
    return ops.sum(ops.square(x) * ops.sin(x))

x_np = np.random.default_rng(0).standard_normal(5).astype(np.float32)
x = ops.convert_to_tensor(x_np)
backend = keras.backend.backend()

if backend == "tensorflow":
    import tensorflow as tf
    with tf.GradientTape() as tape:
        tape.watch(x)
        y = f(x)
    grad = tape.gradient(y, x)
elif backend == "torch":
    import torch
    x = x.detach().requires_grad_(True)
    y = f(x)
    (grad,) = torch.autograd.grad(y, x)
elif backend == "jax":
    import jax
    y, grad = jax.value_and_grad(f)(x)
else:
    raise NotImplementedError(f"no gradient recipe for backend {backend!r}")

grad = ops.convert_to_numpy(grad)
analytic = 2 * x_np * np.sin(x_np) + x_np**2 * np.cos(x_np)
print("backend:", backend)
print("f(x) =", float(ops.convert_to_numpy(y)))
print("df/dx =", grad.tolist())
print("matches analytic derivative:", np.allclose(grad, analytic, rtol=1e-5, atol=1e-6))

RESULT = {"value": float(ops.convert_to_numpy(y)), "grad": grad.tolist()}
