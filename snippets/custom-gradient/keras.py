# keras.ops.custom_gradient: one definition for
# every backend (tf.custom_gradient,
# jax.custom_gradient or a torch.autograd.Function
# underneath). Taking the gradient is the backend's.
import numpy as np
import keras
from keras import ops

BACKEND = keras.backend.backend()


@ops.custom_gradient
def log1pexp(x):
    e = ops.exp(x)

    def grad(*args, upstream=None):
        if upstream is None:  # TF and JAX pass it
            (upstream,) = args  # positionally
        return upstream * (1 - 1 / (1 + e))

    return ops.log(1 + e), grad


def naive(x):
    return ops.log(1 + ops.exp(x))


def gradient(f, values):
    x = ops.convert_to_tensor(values)
    if BACKEND == "jax":
        import jax
        return jax.grad(lambda v: ops.sum(f(v)))(x)
    if BACKEND == "tensorflow":
        import tensorflow as tf
        with tf.GradientTape() as tape:
            tape.watch(x)
            y = ops.sum(f(x))
        return tape.gradient(y, x)
    x.requires_grad_()  # torch
    ops.sum(f(x)).backward()
    return x.grad


points = [0.0, 2.0, 100.0]
custom = ops.convert_to_numpy(
    gradient(log1pexp, points))
plain = ops.convert_to_numpy(
    gradient(naive, points))
print("backend:", BACKEND)
print("custom gradient:", custom.tolist())
print("backend's gradient:", plain.tolist())
finite = bool(np.isfinite(custom).all())
print("custom is finite:", finite)
nan = bool(np.isnan(plain[2]))
print("backend's is NaN at 100:", nan)

RESULT = {"custom": custom.tolist(),
          "naive_nan_at_100": nan}
