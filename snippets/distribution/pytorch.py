# torch.distributed in a single process (world_size=1): the same code runs unchanged when a
# launcher such as torchrun starts one process per GPU. DDP all-reduces gradients in backward().
import socket
import numpy as np
import torch
import torch.distributed as dist
import torch.nn.functional as F
from torch.nn.parallel import DistributedDataParallel as DDP

device = torch.accelerator.current_accelerator().type if torch.accelerator.is_available() else "cpu"
rng = np.random.default_rng(0)
x = torch.tensor(rng.normal(size=(8, 3)), dtype=torch.float32, device=device)
y = torch.tensor(rng.normal(size=(8, 2)), dtype=torch.float32, device=device)
w0, b0 = rng.normal(size=(3, 2)).astype(np.float32), np.zeros(2, np.float32)

with socket.socket() as s:                                     # find a free local TCP port
    s.bind(("127.0.0.1", 0))
    port = s.getsockname()[1]
dist.init_process_group(dist.get_default_backend_for_device(device),   # nccl on CUDA, gloo on CPU
                        init_method=f"tcp://127.0.0.1:{port}", rank=0, world_size=1)
print("backend:", dist.get_backend(), "| rank", dist.get_rank(), "of", dist.get_world_size())

model = torch.nn.Linear(3, 2).to(device)
with torch.no_grad():
    model.weight.copy_(torch.from_numpy(w0.T))                 # Linear stores (out, in)
    model.bias.copy_(torch.from_numpy(b0))
ddp = DDP(model, device_ids=None if device == "cpu" else [torch.accelerator.current_device_index()])
opt = torch.optim.SGD(ddp.parameters(), lr=0.1)

loss = F.mse_loss(ddp(x), y)
loss.backward()                                                # gradients all-reduced here
opt.step()
print("loss:", loss.item())
kernel, bias = model.weight.detach().T.cpu(), model.bias.detach().cpu()
print("updated kernel:", kernel.tolist())
dist.destroy_process_group()

RESULT = {"kernel": kernel.tolist(), "bias": bias.tolist()}
