# tf.train.Checkpoint saves the variables reachable from tracked objects (here a tf.Module)
# and restores them into a freshly built object with the same structure.
import numpy as np
import tensorflow as tf

rng = np.random.default_rng(0)
x = tf.constant(rng.normal(size=(3, 4)), dtype=tf.float32)
weights = [rng.normal(size=s).astype(np.float32) for s in [(4, 8), (8,), (8, 2), (2,)]]

class MLP(tf.Module):
    def __init__(self):
        self.w1, self.b1 = tf.Variable(tf.zeros((4, 8))), tf.Variable(tf.zeros(8))
        self.w2, self.b2 = tf.Variable(tf.zeros((8, 2))), tf.Variable(tf.zeros(2))

    def __call__(self, x):
        return tf.nn.relu(x @ self.w1 + self.b1) @ self.w2 + self.b2

model = MLP()
for v, w in zip([model.w1, model.b1, model.w2, model.b2], weights):
    v.assign(w)
before = model(x)

path = tf.train.Checkpoint(model=model).write("mlp_ckpt")      # mlp_ckpt.index + .data-* files
restored = MLP()                                               # the class is rebuilt in code
tf.train.Checkpoint(model=restored).read(path).assert_consumed()
after = restored(x)
print("saved:", [name for name, _ in tf.train.list_variables(path)][:4])
equal = bool(tf.reduce_all(before == after))
print("equal after reload:", equal)

RESULT = {"before": before.numpy().tolist(), "after": after.numpy().tolist(), "equal": equal}
