# Benchmark: the same chain of elementwise ops run eagerly (one kernel per op) and through torch.compile
# (TorchInductor fuses them into one generated kernel); one CPU thread, median of 20 calls after warm-up.
import statistics
import time

import numpy as np
import torch

torch.set_num_threads(1)
device = torch.accelerator.current_accelerator().type if torch.accelerator.is_available() else "cpu"
x = torch.from_numpy(np.random.default_rng(0).normal(size=(1000, 1000)).astype("float32")).to(device)


def f(x):
    y = x * torch.sigmoid(1.702 * x) + torch.sin(x) * torch.cos(x)
    return torch.tanh(y) * 0.5 + 0.1 * x * x


cpu_per_wall = []

def median_ms(fn, runs=20):
    for _ in range(3):
        fn(x)  # warm-up (for the compiled version, the first call compiles)
    times, cpu0, wall0 = [], time.process_time(), time.perf_counter()
    for _ in range(runs):
        start = time.perf_counter()
        fn(x)
        if device != "cpu":
            torch.accelerator.synchronize()  # accelerator kernels run asynchronously
        times.append(time.perf_counter() - start)
    cpu_per_wall.append((time.process_time() - cpu0) / (time.perf_counter() - wall0))  # ~1 when one core was used
    return statistics.median(times) * 1e3


compiled_f = torch.compile(f)
start = time.perf_counter()
out_compiled = compiled_f(x)
print(f"first call of torch.compile'd f (compilation): {time.perf_counter() - start:.1f} s")
eager_ms, compiled_ms = median_ms(f), median_ms(compiled_f)
out = f(x)
print(f"device: {device} | threads: intra-op {torch.get_num_threads()}, inter-op {torch.get_num_interop_threads()}"
      f" | CPU time / wall time while timing: at most {max(cpu_per_wall):.2f}")
print(f"eager {eager_ms:.2f} ms | compiled {compiled_ms:.2f} ms | speedup {eager_ms / compiled_ms:.2f}x")
METRICS = {"eager_ms": eager_ms, "compiled_ms": compiled_ms, "speedup": eager_ms / compiled_ms,
           "cpu_per_wall": max(cpu_per_wall)}
RESULT = {"mean": float(out.double().mean()), "eager_matches_compiled": torch.allclose(out, out_compiled, atol=1e-5)}
