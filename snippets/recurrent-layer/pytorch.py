# nn.GRU forward pass with weights shared with Keras. PyTorch stacks the gates as
# (reset, update, new) in (3*units, in) matrices; Keras uses (update, reset, candidate) in (in, 3*units).
import numpy as np
import torch
from torch import nn

device = torch.accelerator.current_accelerator().type if torch.accelerator.is_available() else "cpu"
rng = np.random.default_rng(0)
B, T, I, U = 2, 5, 3, 4
x = rng.normal(size=(B, T, I)).astype(np.float32)
kernel = rng.normal(size=(I, 3 * U)).astype(np.float32) * 0.5      # Keras layout, gates z|r|h
recurrent = rng.normal(size=(U, 3 * U)).astype(np.float32) * 0.5
bias = rng.normal(size=(2, 3 * U)).astype(np.float32) * 0.1         # input bias, recurrent bias

def to_torch(m):   # (.., z|r|h) -> (r|z|n, ..): swap the first two gate blocks, transpose
    z, r, h = np.split(m, 3, axis=-1)
    return torch.from_numpy(np.concatenate([r, z, h], axis=-1).T.copy())

gru = nn.GRU(I, U, batch_first=True).to(device)
with torch.no_grad():
    gru.weight_ih_l0.copy_(to_torch(kernel))
    gru.weight_hh_l0.copy_(to_torch(recurrent))
    gru.bias_ih_l0.copy_(to_torch(bias[0]))
    gru.bias_hh_l0.copy_(to_torch(bias[1]))
with torch.inference_mode():
    out, h_n = gru(torch.from_numpy(x).to(device))     # out: (B, T, U), h_n: (layers, B, U)
print("weight_ih:", tuple(gru.weight_ih_l0.shape), "| output:", tuple(out.shape), "| h_n:", tuple(h_n.shape))
print("last state:", h_n[0].cpu().tolist())

RESULT = {"outputs": out.cpu().tolist(), "last_state": h_n[0].cpu().tolist()}
