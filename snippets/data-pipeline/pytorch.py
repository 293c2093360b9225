# A map-style Dataset that transforms one sample at a time, batched by a DataLoader in a fixed order.
# DataLoader's default collate function stacks samples into batch tensors.
import numpy as np
import torch
from torch.utils.data import DataLoader, Dataset

device = torch.accelerator.current_accelerator().type if torch.accelerator.is_available() else "cpu"
X = np.arange(30, dtype=np.float32).reshape(10, 3)
y = np.arange(10)

class ScaledDataset(Dataset):
    def __init__(self, features, labels):
        self.features, self.labels = features, labels

    def __len__(self):                       # number of samples
        return len(self.features)

    def __getitem__(self, i):                # one sample, transformed
        return self.features[i] / 10.0 + 1.0, self.labels[i] % 2

loader = DataLoader(ScaledDataset(X, y), batch_size=4, shuffle=False, num_workers=0)

shapes, x_sums, y_sums = [], [], []
for xb, yb in loader:                        # the last batch is smaller (drop_last=False)
    xb, yb = xb.to(device), yb.to(device)
    shapes.append(list(xb.shape))
    x_sums.append(xb.sum().item())
    y_sums.append(int(yb.sum().item()))
    print("batch", tuple(xb.shape), xb.dtype, yb.dtype, "x sum", round(x_sums[-1], 4), "y sum", y_sums[-1])

RESULT = {"num_batches": len(loader), "shapes": shapes, "x_sums": x_sums, "y_sums": y_sums}
