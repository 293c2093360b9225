# Scaled dot-product attention (fused kernel, heads-first layout) and nn.MultiheadAttention
# loaded with weights shared with the TensorFlow and Keras versions.
import numpy as np
import torch
import torch.nn.functional as F

device = torch.accelerator.current_accelerator().type if torch.accelerator.is_available() else "cpu"
rng = np.random.default_rng(0)
B, T, N, H = 2, 5, 2, 4                                   # batch, length, heads, head size
q, k, v = (rng.normal(size=(B, T, N, H)).astype(np.float32) for _ in range(3))
E = N * H
x = rng.normal(size=(B, T, E)).astype(np.float32)
Wq, Wk, Wv, Wo = (rng.normal(size=(E, E)).astype(np.float32) * 0.3 for _ in range(4))  # y = x @ W + b
bq, bk, bv, bo = (rng.normal(size=E).astype(np.float32) * 0.1 for _ in range(4))

def t(a):
    return torch.from_numpy(np.ascontiguousarray(a)).to(device)

# 1) SDPA expects (B, N, T, H): move the head axis in front of the length axis
out = F.scaled_dot_product_attention(*(t(a.transpose(0, 2, 1, 3)) for a in (q, k, v)), is_causal=True)
sdpa = out.transpose(1, 2).cpu()                           # back to (B, T, N, H)
print("sdpa output:", tuple(sdpa.shape))

# 2) Multi-head self-attention; PyTorch stores W.T and packs q/k/v into one in_proj matrix
mha = torch.nn.MultiheadAttention(E, N, batch_first=True).to(device)
with torch.no_grad():
    mha.in_proj_weight.copy_(t(np.concatenate([Wq.T, Wk.T, Wv.T])))
    mha.in_proj_bias.copy_(t(np.concatenate([bq, bk, bv])))
    mha.out_proj.weight.copy_(t(Wo.T))
    mha.out_proj.bias.copy_(t(bo))
with torch.inference_mode():                               # inference only: no autograd bookkeeping
    y, _ = mha(t(x), t(x), t(x), need_weights=False)
print("mha output:", tuple(y.shape), "sum:", float(y.sum()))

RESULT = {"sdpa": sdpa.tolist(), "mha": y.cpu().tolist()}
