# TensorBoard logging in PyTorch: torch.utils.tensorboard.SummaryWriter (needs the `tensorboard` package)
# writes the loss of each training step; then the event file is read back with tensorboard's EventAccumulator.
import glob
import shutil

import numpy as np
import torch
from tensorboard.backend.event_processing.event_accumulator import EventAccumulator
from torch.utils.tensorboard import SummaryWriter

device = torch.accelerator.current_accelerator().type if torch.accelerator.is_available() else "cpu"
rng = np.random.default_rng(0)
x_np = rng.normal(size=(16, 3)).astype("float32")
y_np = (x_np @ np.array([[1.0], [-2.0], [0.5]]) + 0.3).astype("float32")
w0, b0 = rng.normal(size=(3, 1)).astype("float32"), np.zeros(1, "float32")

x, y = torch.from_numpy(x_np).to(device), torch.from_numpy(y_np).to(device)
model = torch.nn.Linear(3, 1).to(device)
with torch.no_grad():
    model.weight.copy_(torch.from_numpy(w0.T)); model.bias.copy_(torch.from_numpy(b0))
opt = torch.optim.SGD(model.parameters(), lr=0.1)

shutil.rmtree("tb_logs", ignore_errors=True)  # start from an empty log directory
writer = SummaryWriter(log_dir="tb_logs")
for step in range(3):
    loss = torch.nn.functional.mse_loss(model(x), y)
    writer.add_scalar("loss", loss.item(), global_step=step)
    opt.zero_grad(); loss.backward(); opt.step()
writer.close()

files = glob.glob("tb_logs/**/events.out.tfevents.*", recursive=True)
acc = EventAccumulator("tb_logs"); acc.Reload()
logged = [(e.step, e.value) for e in acc.Scalars("loss")]  # SummaryWriter writes classic scalar events
print("event files:", len(files), "| tags:", acc.Tags()["scalars"])
print("logged loss:", logged)
RESULT = {"event_files": len(files), "steps": [s for s, _ in logged], "loss": [v for _, v in logged]}
