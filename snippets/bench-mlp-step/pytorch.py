# Benchmark: one training step (forward, cross-entropy, backward, SGD update) of a 256-256-10 MLP on a batch of 256,
# in eager PyTorch on one CPU thread; median of 50 steps after warm-up. Each step reads the loss back (a sync point).
import statistics
import time

import numpy as np
import torch

torch.set_num_threads(1)
device = "cuda" if torch.cuda.is_available() else "cpu"
rng = np.random.default_rng(0)
x = torch.from_numpy(rng.normal(size=(256, 256)).astype("float32")).to(device)
y = torch.from_numpy(rng.integers(0, 10, size=256)).to(device)
w1, w2 = (rng.normal(size=(256, 256)) * 0.05).astype("float32"), (rng.normal(size=(256, 10)) * 0.05).astype("float32")

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
    return loss.item()


first, second = train_step(), train_step()  # losses before and after the first update
for _ in range(5):
    train_step()  # warm-up
times = []
for _ in range(50):
    start = time.perf_counter()
    train_step()
    times.append(time.perf_counter() - start)
ms = statistics.median(times) * 1e3
print(f"device: {device} | first loss {first:.6f}, after one step {second:.6f}")
print(f"median step: {ms:.3f} ms")
METRICS = {"step_ms": ms}
RESULT = {"first_loss": first, "second_loss": second}
