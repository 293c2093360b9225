# Attention written with TensorFlow ops: core TF has no fused scaled-dot-product op,
# so softmax(Q K^T / sqrt(d)) V is spelled out (Keras' layers provide the packaged version).
import numpy as np
import tensorflow as tf

rng = np.random.default_rng(0)
B, T, N, H = 2, 5, 2, 4                                   # batch, length, heads, head size
q, k, v = (tf.constant(rng.normal(size=(B, T, N, H)), tf.float32) for _ in range(3))
E = N * H
x = tf.constant(rng.normal(size=(B, T, E)), tf.float32)
Wq, Wk, Wv, Wo = (tf.constant(rng.normal(size=(E, E)) * 0.3, tf.float32) for _ in range(4))
bq, bk, bv, bo = (tf.constant(rng.normal(size=E) * 0.1, tf.float32) for _ in range(4))

def sdpa(q, k, v, causal=False):                          # q, k, v: (B, T, N, H)
    logits = tf.einsum("btnh,bsnh->bnts", q, k) / tf.sqrt(float(q.shape[-1]))
    if causal:
        mask = tf.linalg.band_part(tf.ones(logits.shape[-2:], tf.bool), -1, 0)  # lower triangle
        logits = tf.where(mask, logits, -1e9)
    return tf.einsum("bnts,bsnh->btnh", tf.nn.softmax(logits, axis=-1), v)

out = sdpa(q, k, v, causal=True)
print("sdpa output:", tuple(out.shape))

def mha(x):                                               # split heads, attend, merge, project
    heads = lambda a: tf.reshape(a, (B, T, N, H))
    y = sdpa(heads(x @ Wq + bq), heads(x @ Wk + bk), heads(x @ Wv + bv))
    return tf.reshape(y, (B, T, E)) @ Wo + bo

y = mha(x)
print("mha output:", tuple(y.shape), "sum:", float(tf.reduce_sum(y)))

RESULT = {"sdpa": out.numpy().tolist(), "mha": y.numpy().tolist()}
