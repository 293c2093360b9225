# A custom gradient with tf.custom_gradient: the
# function returns its value and a grad function;
# log(1 + e^x) keeps a finite gradient at x = 100.
import tensorflow as tf


@tf.custom_gradient
def log1pexp(x):
    e = tf.exp(x)

    def grad(upstream):
        return upstream * (1 - 1 / (1 + e))

    return tf.math.log(1 + e), grad


def naive(x):
    return tf.math.log(1 + tf.exp(x))


def gradient(f, values):
    x = tf.constant(values)
    with tf.GradientTape() as tape:
        tape.watch(x)
        y = tf.reduce_sum(f(x))
    return tape.gradient(y, x)


points = [0.0, 2.0, 100.0]
custom = gradient(log1pexp, points)
plain = gradient(naive, points)
print("custom gradient:", custom.numpy().tolist())
print("tape's gradient:", plain.numpy().tolist())
finite = bool(
    tf.reduce_all(tf.math.is_finite(custom)))
print("custom is finite:", finite)
nan = bool(tf.math.is_nan(plain[2]))
print("tape's is NaN at 100:", nan)

RESULT = {"custom": custom.numpy().tolist(),
          "naive_nan_at_100": nan}
