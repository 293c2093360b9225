# Benchmark: one 512x512 float32 matrix multiplication in PyTorch (eager), median of 50 timed runs after warm-up,
# on one CPU thread (so that results are comparable and stable on shared machines).
import statistics
import time

import numpy as np
import torch

torch.set_num_threads(1)
device = "cuda" if torch.cuda.is_available() else "cpu"
n, runs = 512, 50
rng = np.random.default_rng(0)
a = torch.from_numpy(rng.random((n, n), dtype=np.float32)).to(device)
b = torch.from_numpy(rng.random((n, n), dtype=np.float32)).to(device)


def sync():  # CUDA kernels run asynchronously: wait for them before reading the clock
    if device == "cuda":
        torch.cuda.synchronize()


for _ in range(5):  # warm-up: thread pools, kernel selection, caches
    c = a @ b
sync()
times = []
for _ in range(runs):
    start = time.perf_counter()
    c = a @ b
    sync()
    times.append(time.perf_counter() - start)

ms = statistics.median(times) * 1e3
checksum = float(c.cpu().numpy().astype(np.float64).sum())
print(f"device: {device} | CPU threads: {torch.get_num_threads()}")
print(f"median of {runs}: {ms:.3f} ms, {2 * n**3 / ms / 1e6:.1f} GFLOP/s | checksum {checksum:.6e}")
METRICS = {"matmul_ms": ms, "gflops": 2 * n**3 / ms / 1e6}
RESULT = {"checksum": checksum, "shape": list(c.shape)}
