# Seeding in TensorFlow: tf.random.set_seed resets the global seed (and the per-op counters),
# enable_op_determinism makes ops use deterministic kernels (or raise).
import tensorflow as tf

tf.config.experimental.enable_op_determinism()


def draw(seed):
    tf.random.set_seed(seed)  # tf.keras.utils.set_random_seed also seeds Python's random and NumPy
    x = tf.random.normal([3, 4])  # random data
    w = tf.Variable(tf.random.uniform([4, 2], -0.5, 0.5))  # random initial weights
    return x @ w


a, b, c = draw(42), draw(42), draw(7)
same = bool(tf.reduce_all(a == b))
differs = not bool(tf.reduce_all(a == c))
print("seed 42 twice, identical:", same)
print("seed 42 vs seed 7, identical:", not differs)
print("output shape:", tuple(a.shape))
# Stateless ops take the seed as an argument and never depend on hidden state:
print("stateless draws identical:",
      bool(tf.reduce_all(tf.random.stateless_normal([2], seed=[1, 2]) == tf.random.stateless_normal([2], seed=[1, 2]))))
RESULT = {"same_seed_identical": same, "other_seed_differs": differs, "shape": a.shape.as_list()}
