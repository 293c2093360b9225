# torch.compile: TorchDynamo captures the Python function into a graph on the first call
# and TorchInductor generates fused code for it (C++ on CPU, Triton on GPU).
import time
import numpy as np
import torch

device = torch.accelerator.current_accelerator().type if torch.accelerator.is_available() else "cpu"
rng = np.random.default_rng(0)
x = torch.tensor(rng.normal(size=(4, 3)), dtype=torch.float32, device=device)
w = torch.tensor(rng.normal(size=(3, 2)), dtype=torch.float32, device=device)

def f(x, w):
    return torch.tanh(x @ w).sum(dim=1) * 2.0

compiled_f = torch.compile(f)                # lazy: nothing is compiled yet
t0 = time.perf_counter()
y = compiled_f(x, w)                         # first call: trace + compile
compile_ms = (time.perf_counter() - t0) * 1000
y = compiled_f(x, w)                         # second call: cached compiled code, no print
print(f"first call (compile) took {compile_ms:.0f} ms")
print("compiled:", y.tolist())
print("eager matches:", torch.allclose(y, f(x, w)))

RESULT = y.tolist()
METRICS = {"first_call_ms": compile_ms}
