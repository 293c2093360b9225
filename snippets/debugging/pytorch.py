# Debugging in PyTorch: the model runs eagerly, so a forward hook (or a plain print) sees real values
# of any intermediate layer while the forward pass happens.
import numpy as np
import torch

device = torch.accelerator.current_accelerator().type if torch.accelerator.is_available() else "cpu"
rng = np.random.default_rng(0)
x_np = rng.normal(size=(2, 4)).astype("float32")
w1, b1 = rng.normal(size=(4, 3)).astype("float32"), rng.normal(size=3).astype("float32")
w2, b2 = rng.normal(size=(3, 2)).astype("float32"), rng.normal(size=2).astype("float32")

model = torch.nn.Sequential(torch.nn.Linear(4, 3), torch.nn.ReLU(), torch.nn.Linear(3, 2)).to(device)
with torch.no_grad():  # copy the shared NumPy weights in (torch stores Linear weights as (out, in))
    model[0].weight.copy_(torch.from_numpy(w1.T)); model[0].bias.copy_(torch.from_numpy(b1))
    model[2].weight.copy_(torch.from_numpy(w2.T)); model[2].bias.copy_(torch.from_numpy(b2))

captured = {}


def show_hidden(module, inputs, output):  # called after model[1] (the ReLU) runs
    print("hook on", type(module).__name__, "-> hidden =", output.tolist())
    captured["hidden"] = output.detach()


handle = model[1].register_forward_hook(show_hidden)
out = model(torch.from_numpy(x_np).to(device))
handle.remove()  # hooks stay active until removed
print("output =", out.tolist())
RESULT = {"hidden": captured["hidden"].cpu().tolist(), "output": out.detach().cpu().tolist()}
