# Post-training int8 quantization in PyTorch 2.15 goes through torchao (a separate package): quantize_ swaps
# each Linear weight for an int8 tensor subclass with per-channel scales and quantizes activations per row
# at run time. The older torch.ao.quantization API still runs, but warns that it is deprecated.
import warnings

import numpy as np
import torch
from torch import nn
from torchao.quantization import Int8DynamicActivationInt8WeightConfig, quantize_

rng = np.random.default_rng(0)
x = rng.normal(size=(256, 16)).astype(np.float32)                 # self-made inputs, 4 classes out
shapes = [(16, 64), (64,), (64, 64), (64,), (64, 4), (4,)]
weights = [(rng.normal(size=s) * (np.sqrt(2 / s[0]) if len(s) == 2 else 0.1)).astype(np.float32) for s in shapes]

def build():
    model = nn.Sequential(nn.Linear(16, 64), nn.ReLU(), nn.Linear(64, 64), nn.ReLU(), nn.Linear(64, 4)).eval()
    with torch.no_grad():
        for p, w in zip(model.parameters(), weights):
            p.copy_(torch.from_numpy(w.T if w.ndim == 2 else w))  # Linear stores (out, in)
    return model

model = build()
with torch.inference_mode():
    reference = model(torch.from_numpy(x)).numpy()

quantize_(model, Int8DynamicActivationInt8WeightConfig())        # in place
print("first layer weight:", type(model[0].weight).__name__, "storing", model[0].weight.qdata.dtype)
with torch.inference_mode():
    quantized = model(torch.from_numpy(x)).numpy()

error = float(np.abs(quantized - reference).mean() / np.abs(reference).mean())   # relative to typical output
worst = float(np.abs(quantized - reference).max() / np.abs(reference).max())
agreement = float((quantized.argmax(1) == reference.argmax(1)).mean())          # same predicted class
print(f"int8 vs float: mean error {error:.2%}, worst {worst:.2%} (of the output scale); top-1 agreement {agreement:.1%}")

with warnings.catch_warnings(record=True) as caught:              # the old API, for comparison
    warnings.simplefilter("always")
    old = torch.ao.quantization.quantize_dynamic(build(), {nn.Linear}, dtype=torch.qint8)
print("torch.ao.quantization.quantize_dynamic:",
      next(str(w.message).splitlines()[0] for w in caught if w.category is DeprecationWarning))

RESULT = {"float": reference[:4].tolist(), "int8_weights": model[0].weight.qdata.dtype == torch.int8,
          "mean_error_below_5pct": error < 0.05, "top1_agreement_above_95pct": agreement > 0.95}
METRICS = {"mean_rel_error": error, "max_rel_error": worst, "top1_agreement": agreement}
