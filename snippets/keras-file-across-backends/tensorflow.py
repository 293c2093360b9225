# A TensorFlow SavedModel holds the traced graph
# and the variables: tf.saved_model.load runs it
# without the Python code that built it.
import os
import tempfile
import numpy as np
import tensorflow as tf

rng = np.random.default_rng(0)
x = rng.normal(size=(4, 3)).astype("float32")
shapes = [(3, 5), (5,), (5, 2), (2,)]
w1, b1, w2, b2 = [tf.Variable(rng.normal(
    size=s).astype("float32")) for s in shapes]


class Net(tf.Module):
    @tf.function(input_signature=[
        tf.TensorSpec([None, 3], tf.float32)])
    def __call__(self, x):
        return tf.nn.relu(x @ w1 + b1) @ w2 + b2


net = Net()
net.vars = [w1, b1, w2, b2]
path = os.path.join(tempfile.mkdtemp(), "saved")
tf.saved_model.save(net, path)
loaded = tf.saved_model.load(path)
mine, theirs = net(x), loaded(x)
same = bool(tf.reduce_all(mine == theirs))
print("reloaded as a SavedModel: same output:",
      same)

RESULT = {"output": mine.numpy().tolist(),
          "loads_elsewhere": same}
