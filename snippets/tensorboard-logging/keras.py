# TensorBoard logging in Keras 3: the keras.callbacks.TensorBoard callback writes epoch_loss (and the
# learning rate) during model.fit. It writes through tf.summary, so TensorFlow must be installed on every backend.
import glob
import shutil

import keras
import numpy as np
from tensorboard.backend.event_processing.event_accumulator import EventAccumulator
from tensorboard.util.tensor_util import make_ndarray

rng = np.random.default_rng(0)
x = rng.normal(size=(16, 3)).astype("float32")
y = (x @ np.array([[1.0], [-2.0], [0.5]]) + 0.3).astype("float32")
w0, b0 = rng.normal(size=(3, 1)).astype("float32"), np.zeros(1, "float32")

model = keras.Sequential([keras.Input(shape=(3,)), keras.layers.Dense(1)])
model.layers[0].set_weights([w0, b0])
model.compile(optimizer=keras.optimizers.SGD(learning_rate=0.1), loss="mse")

shutil.rmtree("tb_logs", ignore_errors=True)  # start from an empty log directory
# One batch per epoch, so each epoch's loss is the loss before that epoch's single update.
model.fit(x, y, batch_size=16, epochs=3, shuffle=False, verbose=0,
          callbacks=[keras.callbacks.TensorBoard(log_dir="tb_logs")])

files = glob.glob("tb_logs/**/events.out.tfevents.*", recursive=True)  # in tb_logs/train/
acc = EventAccumulator("tb_logs/train"); acc.Reload()
logged = [(e.step, float(make_ndarray(e.tensor_proto))) for e in acc.Tensors("epoch_loss")]
print("backend:", keras.config.backend())
print("event files:", len(files), "| tags:", sorted(acc.Tags()["tensors"]))
print("logged loss:", logged)
RESULT = {"event_files": len(files), "steps": [s for s, _ in logged], "loss": [v for _, v in logged]}
