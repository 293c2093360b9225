# TensorBoard logging in TensorFlow: tf.summary.create_file_writer + tf.summary.scalar log the loss of each
# training step; the event file is a TFRecord file of Event protos, read back here with tf.data.
import glob
import shutil

import numpy as np
import tensorflow as tf

rng = np.random.default_rng(0)
x = rng.normal(size=(16, 3)).astype("float32")
y = (x @ np.array([[1.0], [-2.0], [0.5]]) + 0.3).astype("float32")
w, b = tf.Variable(rng.normal(size=(3, 1)).astype("float32")), tf.Variable(np.zeros(1, "float32"))

shutil.rmtree("tb_logs", ignore_errors=True)  # start from an empty log directory
writer = tf.summary.create_file_writer("tb_logs")
with writer.as_default():
    for step in range(3):
        with tf.GradientTape() as tape:
            loss = tf.reduce_mean(tf.square(x @ w + b - y))
        tf.summary.scalar("loss", loss, step=step)
        for var, grad in zip([w, b], tape.gradient(loss, [w, b])):
            var.assign_sub(0.1 * grad)  # plain SGD step, learning rate 0.1
writer.close()

files = glob.glob("tb_logs/**/events.out.tfevents.*", recursive=True)
logged = []
for record in tf.data.TFRecordDataset(files):
    event = tf.compat.v1.Event.FromString(record.numpy())
    for value in event.summary.value:  # tf.summary stores scalars as tensors
        logged.append((event.step, float(tf.make_ndarray(value.tensor))))
print("event files:", len(files))
print("logged loss:", logged)
RESULT = {"event_files": len(files), "steps": [s for s, _ in logged], "loss": [v for _, v in logged]}
