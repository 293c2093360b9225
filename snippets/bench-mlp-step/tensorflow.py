# Benchmark: one training step (forward, cross-entropy, backward, SGD update) of a 256-256-10 MLP on a batch of 256,
# run eagerly (GradientTape, op by op), as a tf.function graph, and as tf.function(jit_compile=True) (XLA), on one
# CPU thread; median of 50 steps after warm-up. Each step reads the loss back (a sync point).
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

def make_step(compile_with=None):
    model = tf.keras.Sequential([tf.keras.Input(shape=(256,)), tf.keras.layers.Dense(256, activation="relu"),
                                 tf.keras.layers.Dense(10)])
    model.set_weights([w1, np.zeros(256, "float32"), w2, np.zeros(10, "float32")])
    loss_fn = tf.keras.losses.SparseCategoricalCrossentropy(from_logits=True)
    opt = tf.keras.optimizers.SGD(learning_rate=0.1)

    def train_step():
        with tf.GradientTape() as tape:
            loss = loss_fn(y, model(x, training=True))
        opt.apply_gradients(zip(tape.gradient(loss, model.trainable_variables), model.trainable_variables))
        return loss
    return train_step if compile_with is None else tf.function(train_step, **compile_with)

def measure(step, runs=50):
    first, second = float(step()), float(step())  # losses before and after the first update
    for _ in range(5):
        float(step())  # warm-up (a tf.function traces and compiles on its first call)
    times, cpu0, wall0 = [], time.process_time(), time.perf_counter()
    for _ in range(runs):
        start = time.perf_counter()
        float(step())
        times.append(time.perf_counter() - start)
    cpu_per_wall = (time.process_time() - cpu0) / (time.perf_counter() - wall0)
    return first, second, statistics.median(times) * 1e3, cpu_per_wall

first, second, eager_ms, eager_cpu = measure(make_step())
_, g_second, graph_ms, _ = measure(make_step({}))
_, c_second, compiled_ms, _ = measure(make_step({"jit_compile": True}))
agrees = bool(np.isclose(c_second, second, rtol=1e-4) and np.isclose(g_second, second, rtol=1e-4))
print(f"threads: intra-op {tf.config.threading.get_intra_op_parallelism_threads()},"
      f" inter-op {tf.config.threading.get_inter_op_parallelism_threads()}"
      f" | CPU time / wall time while timing eager steps: {eager_cpu:.2f}")
print(f"first loss {first:.6f}, after one step {second:.6f} | compiled agrees: {agrees}")
print(f"median step: eager {eager_ms:.3f} ms | tf.function {graph_ms:.3f} ms | tf.function(jit_compile=True) {compiled_ms:.3f} ms")
METRICS = {"eager_step_ms": eager_ms, "graph_step_ms": graph_ms, "compiled_step_ms": compiled_ms, "cpu_per_wall": eager_cpu}
RESULT = {"first_loss": first, "second_loss": second, "compiled_agrees": agrees}
