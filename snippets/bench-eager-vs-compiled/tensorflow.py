# Benchmark: the same chain of elementwise ops run eagerly (one kernel per op) and as tf.function(jit_compile=True)
# (XLA fuses them); plain tf.function (a graph, no fusion) is shown too. One CPU thread, median of 20 calls.
import statistics
import time

import numpy as np
import tensorflow as tf

tf.config.threading.set_intra_op_parallelism_threads(1)  # must run before the first op
tf.config.threading.set_inter_op_parallelism_threads(1)
x = tf.constant(np.random.default_rng(0).normal(size=(1000, 1000)).astype("float32"))


def f(x):
    y = x * tf.sigmoid(1.702 * x) + tf.sin(x) * tf.cos(x)
    return tf.tanh(y) * 0.5 + 0.1 * x * x


cpu_per_wall = []

def median_ms(fn, runs=20):
    for _ in range(3):
        fn(x).numpy()  # warm-up (for tf.function, the first call traces and compiles)
    times, cpu0, wall0 = [], time.process_time(), time.perf_counter()
    for _ in range(runs):
        start = time.perf_counter()
        fn(x).numpy()  # .numpy() waits for the result
        times.append(time.perf_counter() - start)
    cpu_per_wall.append((time.process_time() - cpu0) / (time.perf_counter() - wall0))  # ~1 when one core was used
    return statistics.median(times) * 1e3


graph_f, xla_f = tf.function(f), tf.function(f, jit_compile=True)
start = time.perf_counter()
out_compiled = xla_f(x)
print(f"first call of the XLA-compiled f (tracing + compilation): {time.perf_counter() - start:.1f} s")
eager_ms, graph_ms, compiled_ms = median_ms(f), median_ms(graph_f), median_ms(xla_f)
out = f(x)
print(f"eager {eager_ms:.2f} ms | tf.function {graph_ms:.2f} ms | tf.function(jit_compile=True) {compiled_ms:.2f} ms")
print(f"speedup of XLA over eager: {eager_ms / compiled_ms:.2f}x")
print(f"threads: intra-op {tf.config.threading.get_intra_op_parallelism_threads()},"
      f" inter-op {tf.config.threading.get_inter_op_parallelism_threads()} | CPU time / wall time while timing: at most {max(cpu_per_wall):.2f}")
METRICS = {"eager_ms": eager_ms, "compiled_ms": compiled_ms, "speedup": eager_ms / compiled_ms,
           "cpu_per_wall": max(cpu_per_wall)}
RESULT = {"mean": float(tf.reduce_mean(tf.cast(out, tf.float64))),
          "eager_matches_compiled": bool(np.allclose(out.numpy(), out_compiled.numpy(), atol=1e-5))}
