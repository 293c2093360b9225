# PyTorch has no Keras: its built-in high-level API is torch.nn (modules, layers, losses) plus torch.optim,
# and the torch package does not depend on Keras at all.
import importlib.metadata

import torch

device = torch.accelerator.current_accelerator().type if torch.accelerator.is_available() else "cpu"
model = torch.nn.Sequential(torch.nn.Linear(4, 2)).to(device)  # the counterpart of a one-layer Keras model
requires = importlib.metadata.requires("torch") or []
print("torch", torch.__version__)
print("model class:", f"{type(model).__module__}.{type(model).__name__}", "| is an nn.Module:", isinstance(model, torch.nn.Module))
print("torch's requirements mentioning keras:", [r for r in requires if "keras" in r.lower()])
RESULT = {"high_level_api": "torch.nn", "api_version": torch.__version__.split("+")[0], "is_keras_3": False}
