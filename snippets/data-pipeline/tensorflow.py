# A tf.data pipeline: slice arrays into samples, map a transform, batch, and prefetch.
# With parallel map calls tf.data still keeps the element order unless told it need not be deterministic.
import numpy as np
import tensorflow as tf

X = np.arange(30, dtype=np.float32).reshape(10, 3)
y = np.arange(10)

def transform(features, label):
    return features / 10.0 + 1.0, label % 2

dataset = (
    tf.data.Dataset.from_tensor_slices((X, y))
    .map(transform, num_parallel_calls=tf.data.AUTOTUNE)
    .batch(4)                                # drop_remainder=False keeps the short last batch
    .prefetch(tf.data.AUTOTUNE)
)

shapes, x_sums, y_sums = [], [], []
for xb, yb in dataset:
    shapes.append(list(xb.shape))
    x_sums.append(float(tf.reduce_sum(xb)))
    y_sums.append(int(tf.reduce_sum(yb)))
    print("batch", tuple(xb.shape), xb.dtype.name, yb.dtype.name, "x sum", round(x_sums[-1], 4), "y sum", y_sums[-1])

RESULT = {"num_batches": int(dataset.cardinality()), "shapes": shapes, "x_sums": x_sums, "y_sums": y_sums}
