# Ahead-of-time compilation in PyTorch: torch.export captures the model, AOTInductor compiles the graph to a
# shared library (C++ kernels, built with the system compiler on CPU) and packages it with the weights in a .pt2
# file, which aoti_load_package runs (from Python here; from C++ through torch::inductor::AOTIModelPackageLoader).
import time
import zipfile

import numpy as np
import torch
from torch import nn

rng = np.random.default_rng(0)
x = torch.tensor(rng.normal(size=(3, 4)), dtype=torch.float32)
weights = [rng.normal(size=s).astype(np.float32) for s in [(4, 8), (8,), (8, 2), (2,)]]

model = nn.Sequential(nn.Linear(4, 8), nn.GELU(approximate="tanh"), nn.Linear(8, 2)).eval()
with torch.no_grad():
    for p, w in zip(model.parameters(), weights):
        p.copy_(torch.from_numpy(w.T if w.ndim == 2 else w))   # Linear stores (out, in)
with torch.inference_mode():
    eager = model(x)

program = torch.export.export(model, (x,), dynamic_shapes=({0: torch.export.Dim("batch")},))
start = time.perf_counter()
path = torch._inductor.aoti_compile_and_package(program, package_path="mlp.pt2")
compile_s = time.perf_counter() - start
files = zipfile.ZipFile(path).namelist()
print(f"AOTInductor package: {path}, compiled in {compile_s:.1f} s")
print("native code in the package:", sorted({f.rsplit(".", 1)[-1] for f in files if f.endswith((".so", ".cpp"))}))

runner = torch._inductor.aoti_load_package(path)               # no Python model class, no recompilation
with torch.inference_mode():
    packaged = runner(x)
    batch_of_one = runner(x[:1])                               # the batch dimension was exported as dynamic
print("packaged:", packaged.tolist())
match = torch.allclose(packaged, eager, atol=1e-5)
print("package matches eager:", match)

RESULT = {"packaged": packaged.tolist(), "matches_eager": match,
          "dynamic_batch": torch.allclose(batch_of_one, eager[:1], atol=1e-5)}
METRICS = {"compile_s": compile_s}
