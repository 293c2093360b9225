# keras.ops.dot_product_attention (length-first layout, backend-agnostic) and
# layers.MultiHeadAttention, whose per-head kernels are the shared matrices reshaped.
import numpy as np
import keras
from keras import layers, ops

rng = np.random.default_rng(0)
B, T, N, H = 2, 5, 2, 4                                   # batch, length, heads, head size
q, k, v = (rng.normal(size=(B, T, N, H)).astype("float32") for _ in range(3))
E = N * H
x = rng.normal(size=(B, T, E)).astype("float32")
Wq, Wk, Wv, Wo = (rng.normal(size=(E, E)).astype("float32") * 0.3 for _ in range(4))
bq, bk, bv, bo = (rng.normal(size=E).astype("float32") * 0.1 for _ in range(4))

out = ops.dot_product_attention(q, k, v, is_causal=True)   # (B, T, N, H) in and out
print("backend:", keras.backend.backend())
print("sdpa output:", tuple(out.shape))

mha = layers.MultiHeadAttention(num_heads=N, key_dim=H)
mha(x, x)                                                  # build the sublayers
mha.set_weights([Wq.reshape(E, N, H), bq.reshape(N, H), Wk.reshape(E, N, H), bk.reshape(N, H),
                 Wv.reshape(E, N, H), bv.reshape(N, H), Wo.reshape(N, H, E), bo])
y = mha(x, x)                                              # query=x, value=x (key defaults to value)
print("mha output:", tuple(y.shape), "sum:", float(ops.sum(y)))

RESULT = {"sdpa": ops.convert_to_numpy(out).tolist(), "mha": ops.convert_to_numpy(y).tolist()}
