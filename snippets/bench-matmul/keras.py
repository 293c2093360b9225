# Benchmark: one 512x512 float32 matrix multiplication with keras.ops.matmul, median of 50 timed runs after warm-up.
# Converting the result to NumPy waits for backends that dispatch asynchronously (JAX, GPUs).
import os

# One CPU thread on every backend. Keras has no thread setting: TensorFlow and XLA (JAX) read these variables
# when they start their runtime; torch is told directly below.
os.environ.setdefault("TF_NUM_INTRAOP_THREADS", "1")
os.environ.setdefault("TF_NUM_INTEROP_THREADS", "1")
os.environ.setdefault("XLA_FLAGS", "--xla_cpu_multi_thread_eigen=false intra_op_parallelism_threads=1")
import statistics
import time

import keras
import numpy as np

if keras.config.backend() == "torch":
    import torch

    torch.set_num_threads(1)

n, runs = 512, 50
rng = np.random.default_rng(0)
a = keras.ops.convert_to_tensor(rng.random((n, n), dtype=np.float32))
b = keras.ops.convert_to_tensor(rng.random((n, n), dtype=np.float32))

for _ in range(5):  # warm-up: per-op compilation (JAX), thread pools, caches
    c = keras.ops.convert_to_numpy(keras.ops.matmul(a, b))
times, cpu0, wall0 = [], time.process_time(), time.perf_counter()
for _ in range(runs):
    start = time.perf_counter()
    c = keras.ops.convert_to_numpy(keras.ops.matmul(a, b))
    times.append(time.perf_counter() - start)

cpu_per_wall = (time.process_time() - cpu0) / (time.perf_counter() - wall0)  # about 1 when one core was used
ms = statistics.median(times) * 1e3
checksum = float(c.astype(np.float64).sum())
threads = {k: os.environ[k] for k in ("TF_NUM_INTRAOP_THREADS", "TF_NUM_INTEROP_THREADS", "XLA_FLAGS")}
if keras.config.backend() == "torch":
    threads = {"torch.get_num_threads()": torch.get_num_threads()}
print(f"backend: {keras.config.backend()} | threads: {threads} | CPU time / wall time while timing: {cpu_per_wall:.2f}")
print("each timed call includes keras.ops.convert_to_numpy, which waits for asynchronous backends")
print(f"median of {runs}: {ms:.3f} ms, {2 * n**3 / ms / 1e6:.1f} GFLOP/s | checksum {checksum:.6e}")
METRICS = {"matmul_ms": ms, "gflops": 2 * n**3 / ms / 1e6, "cpu_per_wall": cpu_per_wall}
RESULT = {"checksum": checksum, "shape": list(c.shape)}
