# Benchmark: one 512x512 float32 matrix multiplication in PyTorch (eager), median of 50 timed runs after warm-up,
# on one CPU thread (so that results are comparable and stable on shared machines).
import statistics
import time

import numpy as np
import torch

torch.set_num_threads(1)
device = torch.accelerator.current_accelerator().type if torch.accelerator.is_available() else "cpu"
n, runs = 512, 50
rng = np.random.default_rng(0)
a = torch.from_numpy(rng.random((n, n), dtype=np.float32)).to(device)
b = torch.from_numpy(rng.random((n, n), dtype=np.float32)).to(device)


def sync():  # accelerator kernels run asynchronously: wait for them before reading the clock
    if device != "cpu":
        torch.accelerator.synchronize()


for _ in range(5):  # warm-up: thread pools, kernel selection, caches
    c = a @ b
sync()
times, cpu0, wall0 = [], time.process_time(), time.perf_counter()
for _ in range(runs):
    start = time.perf_counter()
    c = a @ b
    sync()
    times.append(time.perf_counter() - start)

cpu_per_wall = (time.process_time() - cpu0) / (time.perf_counter() - wall0)  # about 1 when one core was used
ms = statistics.median(times) * 1e3
checksum = float(c.cpu().numpy().astype(np.float64).sum())
print(f"device: {device} | threads: intra-op {torch.get_num_threads()}, inter-op {torch.get_num_interop_threads()}"
      f" | CPU time / wall time while timing: {cpu_per_wall:.2f}")
print(f"median of {runs}: {ms:.3f} ms, {2 * n**3 / ms / 1e6:.1f} GFLOP/s | checksum {checksum:.6e}")
METRICS = {"matmul_ms": ms, "gflops": 2 * n**3 / ms / 1e6, "cpu_per_wall": cpu_per_wall}
RESULT = {"checksum": checksum, "shape": list(c.shape)}
