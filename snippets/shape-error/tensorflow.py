# A shape error in TensorFlow: multiplying a (2, 3) matrix by a (4, 5) matrix. Eagerly the op raises
# tf.errors.InvalidArgumentError at the call; inside a tf.function, tracing fails first with a ValueError.
import numpy as np
import tensorflow as tf

rng = np.random.default_rng(0)
a = tf.constant(rng.normal(size=(2, 3)).astype("float32"))
b = tf.constant(rng.normal(size=(4, 5)).astype("float32"))
print("a:", tuple(a.shape), " b:", tuple(b.shape))
print("a @ b needs a.shape[1] == b.shape[0]: 3 != 4, so this raises:")
c = tf.matmul(a, b)  # InvalidArgumentError: Matrix size-incompatible: In[0]: [2,3], In[1]: [4,5]
RESULT = c.shape.as_list()  # never reached
