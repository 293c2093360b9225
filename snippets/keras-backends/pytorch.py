# PyTorch has no pluggable front-end backends: torch.nn and every op run on PyTorch's own engine.
# What varies is the build (the "+cpu"/"+cu..." suffix of the version) and the devices it can use.
import torch

device = torch.accelerator.current_accelerator().type if torch.accelerator.is_available() else "cpu"
t = torch.ones(2, device=device)
tensor_type = f"{type(t).__module__}.{type(t).__name__}"
devices = ["cpu"] + [d for d, ok in [("cuda", torch.cuda.is_available()), ("mps", torch.backends.mps.is_available())] if ok]
print("torch", torch.__version__, "| CUDA version of this build:", torch.version.cuda)  # None on a CPU-only build
print("devices usable here:", devices)
print("CPU kernels: oneDNN (mkldnn)", torch.backends.mkldnn.is_available(), "| OpenMP", torch.backends.openmp.is_available())
print("torch.ones returns:", tensor_type)
RESULT = {"backend": "torch", "tensor_type": tensor_type, "options": devices}
