# DistributedDataParallel in two CPU processes
# (gloo): each takes 4 of every batch of 8, and
# backward() averages the gradients between them.
import socket
import numpy as np
import torch
import torch.distributed as dist
import torch.multiprocessing as mp
from torch.nn.parallel import (
    DistributedDataParallel as DDP)

rng = np.random.default_rng(0)
x = rng.normal(size=(16, 3)).astype("float32")
y = rng.normal(size=(16, 1)).astype("float32")
w0 = rng.normal(size=(3, 1)).astype("float32")


def worker(rank, port, out):
    dist.init_process_group(
        "gloo", rank=rank, world_size=2,
        init_method=f"tcp://127.0.0.1:{port}")
    model = torch.nn.Linear(3, 1)
    with torch.no_grad():
        model.weight.copy_(torch.from_numpy(w0.T))
        model.bias.zero_()
    ddp = DDP(model)
    opt = torch.optim.SGD(ddp.parameters(), lr=0.1)
    for i in range(0, 16, 8):  # 2 steps
        mine = slice(i + 4 * rank, i + 4 * rank + 4)
        xb = torch.from_numpy(x[mine])
        yb = torch.from_numpy(y[mine])
        opt.zero_grad()
        loss = torch.mean((ddp(xb) - yb) ** 2)
        loss.backward()  # all-reduce (mean)
        opt.step()
    if rank == 0:
        out.put([model.weight.detach().T.tolist(),
                 model.bias.detach().tolist()])
    dist.destroy_process_group()


if __name__ == "__main__":
    with socket.socket() as s:  # a free local port
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    ctx = mp.get_context("fork")  # spawn: slower
    out = ctx.SimpleQueue()
    other = ctx.Process(target=worker,
                        args=(1, port, out))
    other.start()
    worker(0, port, out)  # rank 0 is this process
    other.join()
    kernel, bias = out.get()
    print("processes: 2 | backend: gloo")
    print("kernel after 2 steps:",
          np.round(kernel, 6).ravel().tolist())
    RESULT = {"kernel": kernel, "bias": bias}
