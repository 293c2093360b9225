# Benchmark: the same chain of keras.ops run by a model compiled with run_eagerly=True and with jit_compile=True
# (XLA on TensorFlow, jax.jit on JAX, torch.compile on torch); one CPU thread, median of 20 predict_on_batch calls.
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
from keras import ops

if keras.config.backend() == "torch":
    import torch

    torch.set_num_threads(1)

x = np.random.default_rng(0).normal(size=(1000, 1000)).astype("float32")


class F(keras.layers.Layer):
    def call(self, x):
        y = x * ops.sigmoid(1.702 * x) + ops.sin(x) * ops.cos(x)
        return ops.tanh(y) * 0.5 + 0.1 * x * x


def make_model(**compile_args):
    model = keras.Sequential([keras.Input(shape=(1000,)), F()])
    model.compile(**compile_args)
    return model


cpu_per_wall = []

def median_ms(model, runs=20):
    for _ in range(3):
        model.predict_on_batch(x)  # warm-up (for the compiled model, the first call compiles)
    times, cpu0, wall0 = [], time.process_time(), time.perf_counter()
    for _ in range(runs):
        start = time.perf_counter()
        model.predict_on_batch(x)  # returns NumPy, so it waits for the result
        times.append(time.perf_counter() - start)
    cpu_per_wall.append((time.process_time() - cpu0) / (time.perf_counter() - wall0))  # ~1 when one core was used
    return statistics.median(times) * 1e3


eager_model, compiled_model = make_model(run_eagerly=True), make_model(jit_compile=True)
start = time.perf_counter()
out_compiled = compiled_model.predict_on_batch(x)
print(f"backend: {keras.config.backend()} | first compiled call: {time.perf_counter() - start:.1f} s")
eager_ms, compiled_ms = median_ms(eager_model), median_ms(compiled_model)
out = eager_model.predict_on_batch(x)
print(f"eager {eager_ms:.2f} ms | compiled {compiled_ms:.2f} ms | speedup {eager_ms / compiled_ms:.2f}x")
threads = {k: os.environ[k] for k in ("TF_NUM_INTRAOP_THREADS", "TF_NUM_INTEROP_THREADS", "XLA_FLAGS")}
if keras.config.backend() == "torch":
    threads = {"torch.get_num_threads()": torch.get_num_threads()}
print(f"threads: {threads} | CPU time / wall time while timing: at most {max(cpu_per_wall):.2f}")
METRICS = {"eager_ms": eager_ms, "compiled_ms": compiled_ms, "speedup": eager_ms / compiled_ms,
           "cpu_per_wall": max(cpu_per_wall)}
RESULT = {"mean": float(out.astype(np.float64).mean()), "eager_matches_compiled": bool(np.allclose(out, out_compiled, atol=1e-5))}
