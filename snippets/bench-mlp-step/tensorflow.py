# Benchmark: one training step (forward, cross-entropy, backward, SGD update) of a 256-256-10 MLP on a batch of 256,
# as a tf.function on one CPU thread; median of 50 steps after warm-up. Each step reads the loss back (a sync point).
import statistics
import time

import numpy as np
import tensorflow as tf

tf.config.threading.set_intra_op_parallelism_threads(1)  # must run before the first op
tf.config.threading.set_inter_op_parallelism_threads(1)
rng = np.random.default_rng(0)
x = tf.constant(rng.normal(size=(256, 256)).astype("float32"))
y = tf.constant(rng.integers(0, 10, size=256))
w1, w2 = (rng.normal(size=(256, 256)) * 0.05).astype("float32"), (rng.normal(size=(256, 10)) * 0.05).astype("float32")
params = [tf.Variable(w1), tf.Variable(tf.zeros(256)), tf.Variable(w2), tf.Variable(tf.zeros(10))]


@tf.function  # traced once into a graph; later calls run the graph
def train_step():
    with tf.GradientTape() as tape:
        hidden = tf.nn.relu(x @ params[0] + params[1])
        logits = hidden @ params[2] + params[3]
        loss = tf.reduce_mean(tf.nn.sparse_softmax_cross_entropy_with_logits(labels=y, logits=logits))
    for p, g in zip(params, tape.gradient(loss, params)):
        p.assign_sub(0.1 * g)  # plain SGD, learning rate 0.1
    return loss


first, second = float(train_step()), float(train_step())  # losses before and after the first update
for _ in range(5):
    float(train_step())  # warm-up
times = []
for _ in range(50):
    start = time.perf_counter()
    float(train_step())
    times.append(time.perf_counter() - start)
ms = statistics.median(times) * 1e3
print(f"first loss {first:.6f}, after one step {second:.6f}")
print(f"median step: {ms:.3f} ms")
METRICS = {"step_ms": ms}
RESULT = {"first_loss": first, "second_loss": second}
