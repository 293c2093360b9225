# Benchmark: one 512x512 float32 matrix multiplication in TensorFlow (eager), median of 50 timed runs after warm-up,
# on one CPU thread (so that results are comparable and stable on shared machines).
import statistics
import time

import numpy as np
import tensorflow as tf

tf.config.threading.set_intra_op_parallelism_threads(1)  # must run before the first op
tf.config.threading.set_inter_op_parallelism_threads(1)
n, runs = 512, 50
rng = np.random.default_rng(0)
a = tf.constant(rng.random((n, n), dtype=np.float32))
b = tf.constant(rng.random((n, n), dtype=np.float32))

for _ in range(5):  # warm-up: thread pools, kernel selection, caches
    c = tf.matmul(a, b)
tf.test.experimental.sync_devices()  # GPU ops run asynchronously: wait for them before reading the clock
times, cpu0, wall0 = [], time.process_time(), time.perf_counter()
for _ in range(runs):
    start = time.perf_counter()
    c = tf.matmul(a, b)
    tf.test.experimental.sync_devices()
    times.append(time.perf_counter() - start)

cpu_per_wall = (time.process_time() - cpu0) / (time.perf_counter() - wall0)  # about 1 when one core was used
ms = statistics.median(times) * 1e3
checksum = float(c.numpy().astype(np.float64).sum())
print(f"device: {c.device} | threads: intra-op {tf.config.threading.get_intra_op_parallelism_threads()},"
      f" inter-op {tf.config.threading.get_inter_op_parallelism_threads()} | CPU time / wall time while timing: {cpu_per_wall:.2f}")
print(f"median of {runs}: {ms:.3f} ms, {2 * n**3 / ms / 1e6:.1f} GFLOP/s | checksum {checksum:.6e}")
METRICS = {"matmul_ms": ms, "gflops": 2 * n**3 / ms / 1e6, "cpu_per_wall": cpu_per_wall}
RESULT = {"checksum": checksum, "shape": c.shape.as_list()}
