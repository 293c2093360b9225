# Benchmark: one training step (forward, cross-entropy, backward, SGD update) of a 256-256-10 MLP on a batch of 256,
# run eagerly and compiled with torch.compile (forward, backward and optimizer step in one compiled function), on one
# CPU thread; median of 50 steps after warm-up. Each step reads the loss back (a sync point).
import statistics
import time

import numpy as np
import torch

torch.set_num_threads(1)  # intra-op threads; the run also reports CPU time / wall time to show what was used
device = torch.accelerator.current_accelerator().type if torch.accelerator.is_available() else "cpu"
rng = np.random.default_rng(0)
x = torch.from_numpy(rng.normal(size=(256, 256)).astype("float32")).to(device)
y = torch.from_numpy(rng.integers(0, 10, size=256)).to(device)
w1, w2 = (rng.normal(size=(256, 256)) * 0.05).astype("float32"), (rng.normal(size=(256, 10)) * 0.05).astype("float32")

def make_step():
    model = torch.nn.Sequential(torch.nn.Linear(256, 256), torch.nn.ReLU(), torch.nn.Linear(256, 10)).to(device)
    with torch.no_grad():  # identical initial weights in every framework (torch stores (out, in))
        model[0].weight.copy_(torch.from_numpy(w1.T)); model[0].bias.zero_()
        model[2].weight.copy_(torch.from_numpy(w2.T)); model[2].bias.zero_()
    opt = torch.optim.SGD(model.parameters(), lr=0.1)

    def train_step():
        opt.zero_grad()
        loss = torch.nn.functional.cross_entropy(model(x), y)
        loss.backward()
        opt.step()
        return loss
    return train_step

def measure(step, runs=50):
    first, second = step().item(), step().item()  # losses before and after the first update
    for _ in range(5):
        step().item()  # warm-up
    times, cpu0, wall0 = [], time.process_time(), time.perf_counter()
    for _ in range(runs):
        start = time.perf_counter()
        step().item()
        times.append(time.perf_counter() - start)
    cpu_per_wall = (time.process_time() - cpu0) / (time.perf_counter() - wall0)
    return first, second, statistics.median(times) * 1e3, cpu_per_wall

first, second, eager_ms, eager_cpu = measure(make_step())
start = time.perf_counter()
compiled_step = torch.compile(make_step())
c_first, c_second, compiled_ms, _ = measure(compiled_step)  # its first call compiles (included in neither median)
print(f"device: {device} | threads: intra-op {torch.get_num_threads()}, inter-op {torch.get_num_interop_threads()}"
      f" | CPU time / wall time while timing eager steps: {eager_cpu:.2f}")
print(f"first loss {first:.6f}, after one step {second:.6f} | compiled agrees: {np.isclose(c_second, second, rtol=1e-4)}")
print(f"median step: eager {eager_ms:.3f} ms | torch.compile {compiled_ms:.3f} ms")
METRICS = {"eager_step_ms": eager_ms, "compiled_step_ms": compiled_ms, "cpu_per_wall": eager_cpu}
RESULT = {"first_loss": first, "second_loss": second, "compiled_agrees": bool(np.isclose(c_second, second, rtol=1e-4))}
