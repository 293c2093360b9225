# Benchmark: one training step of a 256-256-10 MLP on a batch of 256 with model.train_on_batch (compiled with
# tf.function or jax.jit on those backends, eager on torch), one CPU thread; median of 50 steps after warm-up.
import os

# One CPU thread on every backend. Keras has no thread setting: TensorFlow and XLA (JAX) read these variables
# when they start their runtime; torch is told directly below.
os.environ.setdefault("TF_NUM_INTRAOP_THREADS", "1")
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

model = keras.Sequential([keras.Input(shape=(256,)), keras.layers.Dense(256, activation="relu"), keras.layers.Dense(10)])
model.layers[0].set_weights([w1, np.zeros(256, "float32")])
model.layers[1].set_weights([w2, np.zeros(10, "float32")])
model.compile(optimizer=keras.optimizers.SGD(learning_rate=0.1),
              loss=keras.losses.SparseCategoricalCrossentropy(from_logits=True))

first, second = float(model.train_on_batch(x, y)), float(model.train_on_batch(x, y))  # before/after the first update
for _ in range(5):
    model.train_on_batch(x, y)  # warm-up
times = []
for _ in range(50):
    start = time.perf_counter()
    model.train_on_batch(x, y)
    times.append(time.perf_counter() - start)
ms = statistics.median(times) * 1e3
print(f"backend: {keras.config.backend()} | first loss {first:.6f}, after one step {second:.6f}")
print(f"median step: {ms:.3f} ms")
METRICS = {"step_ms": ms}
RESULT = {"first_loss": first, "second_loss": second}
