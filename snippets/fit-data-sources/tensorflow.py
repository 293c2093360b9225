# tf.data is TensorFlow's input API: a Dataset from
# in-memory arrays or from a Python generator, fed
# to a GradientTape loop inside tf.function.
import numpy as np
import tensorflow as tf

rng = np.random.default_rng(0)
x = rng.normal(size=(16, 3)).astype("float32")
y = rng.normal(size=(16, 1)).astype("float32")
w0 = rng.normal(size=(3, 1)).astype("float32")
BATCH = 4


def generator():
    for i in range(len(x)):
        yield x[i], y[i]


spec = (tf.TensorSpec((3,), tf.float32),
        tf.TensorSpec((1,), tf.float32))
sources = {
    "numpy": tf.data.Dataset.from_tensor_slices(
        (x, y)).batch(BATCH),
    "generator": tf.data.Dataset.from_generator(
        generator, output_signature=spec
    ).batch(BATCH),
}


def fit(dataset):
    w = tf.Variable(w0)
    b = tf.Variable(tf.zeros(1))

    @tf.function
    def step(xb, yb):
        with tf.GradientTape() as tape:
            err = xb @ w + b - yb
            loss = tf.reduce_mean(tf.square(err))
        gw, gb = tape.gradient(loss, [w, b])
        w.assign_sub(0.1 * gw)
        b.assign_sub(0.1 * gb)

    for xb, yb in dataset:  # one epoch
        step(xb, yb)
    return [w.numpy().tolist(), b.numpy().tolist()]


weights = {}
for name, dataset in sources.items():
    weights[name] = fit(dataset)
    print(f"{name:>10}: kernel", np.round(
        weights[name][0], 6).ravel().tolist())
same = all(np.allclose(w[0], weights["numpy"][0])
           for w in weights.values())
print("both sources give the same weights:", same)

kernel, bias = weights["numpy"]
RESULT = {"kernel": kernel, "bias": bias,
          "same": same}
