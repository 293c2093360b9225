# ONNX export in PyTorch 2.15: torch.onnx.export(..., dynamo=True) (the default since 2.9) captures the
# model with torch.export and translates the graph to ONNX with onnxscript; onnxruntime then runs the file.
import numpy as np
import onnx
import onnxruntime as ort
import torch
from torch import nn

rng = np.random.default_rng(0)
x = rng.normal(size=(3, 4)).astype(np.float32)
weights = [rng.normal(size=s).astype(np.float32) for s in [(4, 8), (8,), (8, 2), (2,)]]

model = nn.Sequential(nn.Linear(4, 8), nn.GELU(approximate="tanh"), nn.Linear(8, 2)).eval()
with torch.no_grad():
    for p, w in zip(model.parameters(), weights):
        p.copy_(torch.from_numpy(w.T if w.ndim == 2 else w))   # Linear stores (out, in)
with torch.inference_mode():
    eager = model(torch.from_numpy(x)).numpy()

onnx_program = torch.onnx.export(
    model, (torch.from_numpy(x),), dynamo=True,                 # returns a torch.onnx.ONNXProgram
    input_names=["x"], output_names=["y"],
    dynamic_shapes=({0: torch.export.Dim("batch")},))          # else the batch size is fixed to 3
onnx_program.save("mlp.onnx")

graph = onnx.load("mlp.onnx")
print("opset:", graph.opset_import[0].version, "| ops:", [node.op_type for node in graph.graph.node])
session = ort.InferenceSession("mlp.onnx", providers=["CPUExecutionProvider"])
print("inputs:", [(i.name, i.shape) for i in session.get_inputs()])
exported = session.run(None, {"x": x})[0]
batch_of_one = session.run(None, {"x": x[:1]})[0]              # a different batch size works too
print("onnxruntime:", exported.tolist())
match = bool(np.allclose(exported, eager, atol=1e-5))
print("ONNX output matches eager:", match)

RESULT = {"onnx": exported.tolist(), "matches_eager": match,
          "dynamic_batch": bool(np.allclose(batch_of_one, eager[:1], atol=1e-5))}
