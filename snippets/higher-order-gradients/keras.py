# Second derivative of f(t) = t^3 * sin(t) and the Jacobian of h(x) = tanh(W x), written with keras.ops.
# Keras 3 has no backend-agnostic grad/jacobian, so each backend's own autodiff does the differentiation.
import numpy as np
import keras
from keras import ops

rng = np.random.default_rng(0)
W = ops.convert_to_tensor(rng.standard_normal((3, 4)), dtype="float32")
x = ops.convert_to_tensor(rng.standard_normal(4), dtype="float32")
t = ops.convert_to_tensor(0.7, dtype="float32")

def f(t):
    return ops.power(t, 3) * ops.sin(t)

def h(x):
    return ops.tanh(ops.matmul(W, x))

backend = keras.backend.backend()
if backend == "jax":
    import jax
    df, d2f, J = jax.grad(f)(t), jax.grad(jax.grad(f))(t), jax.jacrev(h)(x)
elif backend == "torch":
    from torch.func import grad, jacrev
    df, d2f, J = grad(f)(t), grad(grad(f))(t), jacrev(h)(x)
elif backend == "tensorflow":
    import tensorflow as tf
    with tf.GradientTape() as outer:
        outer.watch(t)
        with tf.GradientTape() as inner:
            inner.watch(t)
            y = f(t)
        df = inner.gradient(y, t)
    d2f = outer.gradient(df, t)
    with tf.GradientTape() as tape:
        tape.watch(x)
        out = h(x)
    J = tape.jacobian(out, x)
else:
    raise NotImplementedError(f"no recipe for backend {backend!r}")

first, second = float(ops.convert_to_numpy(df)), float(ops.convert_to_numpy(d2f))
J = ops.convert_to_numpy(J)
print("backend:", backend)
print("f'(0.7) =", first, " f''(0.7) =", second)
print("Jacobian shape:", tuple(J.shape))

RESULT = {"first": first, "second": second, "jacobian": J.tolist()}
