# Benchmark: one training step of a 256-256-10 MLP on a batch of 256 with model.train_on_batch, compiled with
# run_eagerly=True (op by op on every backend) and with jit_compile=True (XLA on TensorFlow, jax.jit on JAX,
# torch.compile on torch), on one CPU thread; median of 50 steps after warm-up.
import os
# One CPU thread on every backend. Keras has no thread setting: TensorFlow and XLA (JAX) read these variables
# when they start their runtime; torch is told directly below. CPU time / wall time shows what was really used.
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
rng = np.random.default_rng(0)
x = rng.normal(size=(256, 256)).astype("float32")
y = rng.integers(0, 10, size=256)
w1, w2 = (rng.normal(size=(256, 256)) * 0.05).astype("float32"), (rng.normal(size=(256, 10)) * 0.05).astype("float32")

def make_model(**compile_args):
    model = keras.Sequential([keras.Input(shape=(256,)), keras.layers.Dense(256, activation="relu"),
                              keras.layers.Dense(10)])
    model.set_weights([w1, np.zeros(256, "float32"), w2, np.zeros(10, "float32")])
    model.compile(optimizer=keras.optimizers.SGD(learning_rate=0.1),
                  loss=keras.losses.SparseCategoricalCrossentropy(from_logits=True), **compile_args)
    return model

def measure(model, runs=50):
    first, second = float(model.train_on_batch(x, y)), float(model.train_on_batch(x, y))  # before/after one update
    for _ in range(5):
        model.train_on_batch(x, y)  # warm-up (the compiled model compiles on its first call)
    times, cpu0, wall0 = [], time.process_time(), time.perf_counter()
    for _ in range(runs):
        start = time.perf_counter()
        model.train_on_batch(x, y)
        times.append(time.perf_counter() - start)
    cpu_per_wall = (time.process_time() - cpu0) / (time.perf_counter() - wall0)
    return first, second, statistics.median(times) * 1e3, cpu_per_wall

first, second, eager_ms, eager_cpu = measure(make_model(run_eagerly=True))
_, c_second, compiled_ms, _ = measure(make_model(jit_compile=True))
threads = {k: os.environ[k] for k in ("TF_NUM_INTRAOP_THREADS", "TF_NUM_INTEROP_THREADS", "XLA_FLAGS")}
if keras.config.backend() == "torch":
    threads = {"torch.get_num_threads()": torch.get_num_threads()}
print(f"backend: {keras.config.backend()} | threads: {threads} | CPU time / wall time while timing eager steps: {eager_cpu:.2f}")
print(f"first loss {first:.6f}, after one step {second:.6f} | compiled agrees: {np.isclose(c_second, second, rtol=1e-4)}")
print(f"median step: eager {eager_ms:.3f} ms | jit_compile=True {compiled_ms:.3f} ms")
METRICS = {"eager_step_ms": eager_ms, "compiled_step_ms": compiled_ms, "cpu_per_wall": eager_cpu}
RESULT = {"first_loss": first, "second_loss": second, "compiled_agrees": bool(np.isclose(c_second, second, rtol=1e-4))}
