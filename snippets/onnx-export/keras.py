# Keras 3: model.export(path, format="onnx"). On TensorFlow it goes through tf2onnx, on PyTorch through
# torch.onnx.export, on JAX through the jax2onnx package (not installed here, so that run raises ImportError).
import warnings

import numpy as np
import keras
import onnx
import onnxruntime as ort
from keras import layers

rng = np.random.default_rng(0)
x = rng.normal(size=(3, 4)).astype("float32")
weights = [rng.normal(size=s).astype("float32") for s in [(4, 8), (8,), (8, 2), (2,)]]

gelu = lambda t: keras.activations.gelu(t, approximate=True)   # "gelu" is exact (Erfc): tf2onnx cannot convert it
model = keras.Sequential([keras.Input(shape=(4,), name="x"), layers.Dense(8, activation=gelu), layers.Dense(2)])
model.set_weights(weights)
eager = keras.ops.convert_to_numpy(model(x))
print("backend:", keras.backend.backend())

with warnings.catch_warnings(record=True) as caught:
    warnings.simplefilter("always")
    model.export("mlp.onnx", format="onnx", verbose=False)
legacy = any("legacy TorchScript-based ONNX export" in str(w.message) for w in caught)
print("fell back to the legacy TorchScript exporter:", legacy)  # torch backend with a dynamic batch size

graph = onnx.load("mlp.onnx")
print("opset:", graph.opset_import[0].version, "| ops:", [node.op_type for node in graph.graph.node])
session = ort.InferenceSession("mlp.onnx", providers=["CPUExecutionProvider"])
name = session.get_inputs()[0].name
print("inputs:", [(i.name, i.shape) for i in session.get_inputs()])
exported = session.run(None, {name: x})[0]
batch_of_one = session.run(None, {name: x[:1]})[0]
print("onnxruntime:", exported.tolist())
match = bool(np.allclose(exported, eager, atol=1e-5))
print("ONNX output matches eager:", match)

RESULT = {"onnx": exported.tolist(), "matches_eager": match,
          "dynamic_batch": bool(np.allclose(batch_of_one, eager[:1], atol=1e-5))}
