# A keras.utils.PyDataset: __getitem__ returns a whole (transformed) batch and __len__ the number of
# batches. fit()/predict() accept it directly on every backend; here we simply index it.
import math
import numpy as np
import keras

X = np.arange(30, dtype=np.float32).reshape(10, 3)
y = np.arange(10)

class ScaledBatches(keras.utils.PyDataset):
    def __init__(self, features, labels, batch_size, **kwargs):
        super().__init__(**kwargs)           # accepts workers, use_multiprocessing, max_queue_size
        self.features, self.labels, self.batch_size = features, labels, batch_size

    def __len__(self):                       # number of batches, not samples
        return math.ceil(len(self.features) / self.batch_size)

    def __getitem__(self, idx):              # one batch, transformed with NumPy
        s = slice(idx * self.batch_size, (idx + 1) * self.batch_size)
        return self.features[s] / 10.0 + 1.0, self.labels[s] % 2

batches = ScaledBatches(X, y, batch_size=4)
print("backend:", keras.backend.backend())

shapes, x_sums, y_sums = [], [], []
for i in range(len(batches)):
    xb, yb = batches[i]
    shapes.append(list(xb.shape))
    x_sums.append(float(xb.sum()))
    y_sums.append(int(yb.sum()))
    print("batch", xb.shape, xb.dtype, yb.dtype, "x sum", round(x_sums[-1], 4), "y sum", y_sums[-1])

RESULT = {"num_batches": len(batches), "shapes": shapes, "x_sums": x_sums, "y_sums": y_sums}
