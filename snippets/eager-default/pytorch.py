# PyTorch always executes eagerly: each op runs when the line runs and returns a tensor holding its value.
# Graph capture is opt-in (torch.compile); torch.compiler.is_compiling() is False outside of it.
import torch

device = torch.accelerator.current_accelerator().type if torch.accelerator.is_available() else "cpu"
x = torch.tensor([1.0, 2.0, 3.0], device=device)
y = x * x + 1  # computed right here
eager = not torch.compiler.is_compiling()
print("eager:", eager)
print("y =", y)  # the value is already there
RESULT = {"eager": eager, "value": y.tolist()}
