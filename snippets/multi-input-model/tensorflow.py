# A model with two inputs written as a tf.Module: each input has its own branch, the branches are
# concatenated, and a final affine layer produces one output. input_signature fixes both inputs' specs.
import numpy as np
import tensorflow as tf

rng = np.random.default_rng(0)
f32 = lambda *shape: rng.standard_normal(shape).astype(np.float32)
Wa, ba, Wb, bb, Wo, bo = f32(4, 6), f32(6), f32(3, 6), f32(6), f32(12, 1), f32(1)
A, B = f32(5, 4), f32(5, 3)

class TwoInputNet(tf.Module):
    def __init__(self, name=None):
        super().__init__(name=name)
        self.wa, self.ba = tf.Variable(Wa), tf.Variable(ba)
        self.wb, self.bb = tf.Variable(Wb), tf.Variable(bb)
        self.wo, self.bo = tf.Variable(Wo), tf.Variable(bo)

    @tf.function(input_signature=[tf.TensorSpec([None, 4], tf.float32),
                                  tf.TensorSpec([None, 3], tf.float32)])
    def __call__(self, a, b):
        ha = tf.nn.relu(a @ self.wa + self.ba)
        hb = tf.nn.relu(b @ self.wb + self.bb)
        return tf.concat([ha, hb], axis=-1) @ self.wo + self.bo

model = TwoInputNet()
y = model(tf.constant(A), tf.constant(B))
print("output shape:", tuple(y.shape))
print("outputs:", np.round(y.numpy().astype(float).ravel(), 5).tolist())

RESULT = {"output": y.numpy().tolist()}
