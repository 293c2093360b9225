# TensorFlow has no ONNX exporter of its own: the separate tf2onnx package converts a tf.function
# (or a SavedModel) into ONNX, and onnxruntime runs the file.
import numpy as np
import onnxruntime as ort
import tensorflow as tf
import tf2onnx

rng = np.random.default_rng(0)
x = rng.normal(size=(3, 4)).astype(np.float32)
weights = [rng.normal(size=s).astype(np.float32) for s in [(4, 8), (8,), (8, 2), (2,)]]

class MLP(tf.Module):
    def __init__(self):
        self.w1, self.b1, self.w2, self.b2 = (tf.Variable(w) for w in weights)

    @tf.function(input_signature=[tf.TensorSpec([None, 4], tf.float32, name="x")])  # batch left dynamic
    def __call__(self, x):
        return tf.nn.gelu(x @ self.w1 + self.b1, approximate=True) @ self.w2 + self.b2

model = MLP()
eager = model(x).numpy()
print("tf2onnx", tf2onnx.__version__, "on TensorFlow", tf.__version__)
graph, _ = tf2onnx.convert.from_function(model.__call__, input_signature=model.__call__.input_signature,
                                         opset=18, output_path="mlp.onnx")
print("opset:", graph.opset_import[0].version, "| ops:", [node.op_type for node in graph.graph.node])

session = ort.InferenceSession("mlp.onnx", providers=["CPUExecutionProvider"])
print("inputs:", [(i.name, i.shape) for i in session.get_inputs()])
exported = session.run(None, {"x": x})[0]
batch_of_one = session.run(None, {"x": x[:1]})[0]
print("onnxruntime:", exported.tolist())
match = bool(np.allclose(exported, eager, atol=1e-5))
print("ONNX output matches eager:", match)

# The exact GELU (the default of tf.nn.gelu and Keras) is built from TF's Erfc op, which ONNX lacks:
# tf2onnx reports it as unsupported and writes a file that onnxruntime refuses to load.
@tf.function(input_signature=[tf.TensorSpec([None, 4], tf.float32)])
def exact_gelu(x):
    return tf.nn.gelu(x, approximate=False)

tf2onnx.convert.from_function(exact_gelu, input_signature=exact_gelu.input_signature, output_path="gelu.onnx")
try:
    ort.InferenceSession("gelu.onnx", providers=["CPUExecutionProvider"])
    exact_ok = True
except Exception as error:                                      # onnxruntime's InvalidGraph
    exact_ok = False
    print("onnxruntime: No Op registered for Erfc:", "No Op registered for Erfc" in str(error))
print("exact GELU survives tf2onnx:", exact_ok)

RESULT = {"onnx": exported.tolist(), "matches_eager": match,
          "dynamic_batch": bool(np.allclose(batch_of_one, eager[:1], atol=1e-5))}
